/*
 * scope.c - what a partner may act for: the organisation a request names,
 * read through the descriptors along its (chc.v1.owner) path.
 */
#include "scope.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "chc/uuid.h"
#include "entity.h"

enum { ORGANISATION_SIZE = 96, VALUES_MAX = 16 };

/* The organisations (or record ids) a request names, at most VALUES_MAX:
 * a list of owners longer than that is not a partner's to send. */
typedef struct named_values {
	char values[VALUES_MAX][ORGANISATION_SIZE];
	size_t count;
	bool too_many;
} named_values;

/* The type the last field of a path must have for kind. */
static bool type_fits(const char *kind, const ProtobufCFieldDescriptor *field)
{
	if (strcmp(kind, "organisation") == 0)
		return field->type == PROTOBUF_C_TYPE_MESSAGE;
	if (strcmp(kind, "municipality") == 0 || strcmp(kind, "region") == 0)
		return field->type == PROTOBUF_C_TYPE_INT32;
	return field->type == PROTOBUF_C_TYPE_STRING;
}

chc_status core_scope_owner_parse(const char *method, const char *option,
                                  const ProtobufCMessageDescriptor *input,
                                  const core_scope_record *records, size_t record_count,
                                  core_scope_owner *owner, chc_error *error)
{
	*owner = (core_scope_owner){ 0 };
	const char *colon = strchr(option, ':');
	if (colon == NULL || colon == option || colon[1] == '\0')
		return chc_error_set(error, CHC_FAILED_PRECONDITION,
		                     "%s: option (owner) \"%s\" is not KIND:FIELD", method, option);
	size_t kind_length = (size_t)(colon - option);
	static const char *const fixed[] = { "company", "municipality", "region", "organisation" };
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strlen(fixed[i]) == kind_length && strncmp(option, fixed[i], kind_length) == 0)
			owner->kind = fixed[i];
	for (size_t i = 0; owner->kind == NULL && i < record_count; i++)
		if (strlen(records[i].kind) == kind_length &&
		    strncmp(option, records[i].kind, kind_length) == 0) {
			owner->kind = records[i].kind;
			owner->record = &records[i];
		}
	if (owner->kind == NULL)
		return chc_error_set(error, CHC_FAILED_PRECONDITION,
		                     "%s: option (owner) \"%s\" names a kind of record this "
		                     "service does not resolve",
		                     method, option);
	owner->field = colon + 1;
	const ProtobufCMessageDescriptor *message = input;
	const char *segment = owner->field;
	while (segment != NULL) {
		const char *dot = strchr(segment, '.');
		char name[64];
		size_t length = dot != NULL ? (size_t)(dot - segment) : strlen(segment);
		const ProtobufCFieldDescriptor *field = NULL;
		if (length < sizeof(name) && message != NULL &&
		    owner->depth < sizeof(owner->path) / sizeof(owner->path[0])) {
			memcpy(name, segment, length);
			name[length] = '\0';
			field = protobuf_c_message_descriptor_get_field_by_name(message, name);
		}
		bool last = dot == NULL;
		/* Only the last field may repeat: "any of the owners". */
		if (field == NULL ||
		    (!last && (field->type != PROTOBUF_C_TYPE_MESSAGE ||
		               field->label == PROTOBUF_C_LABEL_REPEATED)) ||
		    (last && !type_fits(owner->kind, field)))
			return chc_error_set(
			        error, CHC_FAILED_PRECONDITION,
			        "%s: option (owner) \"%s\" names no field of %s of the "
			        "type its kind needs",
			        method, option, input->name);
		owner->path[owner->depth++] = field;
		message = field->type == PROTOBUF_C_TYPE_MESSAGE ? field->descriptor : NULL;
		segment = last ? NULL : dot + 1;
	}
	return CHC_OK;
}

static const void *field_address(const ProtobufCMessage *message,
                                 const ProtobufCFieldDescriptor *field)
{
	return (const char *)message + field->offset;
}

static const char *string_field(const ProtobufCMessage *message, const char *name)
{
	const char *value = core_message_string(message, name);
	return value != NULL ? value : "";
}

static int32_t int_field(const ProtobufCMessage *message, const char *name)
{
	int32_t value = 0;
	core_message_int32(message, name, &value);
	return value;
}

/*
 * The one organisation a Party-like message names, or "" when it names
 * none or more than one. A message with a `kind` enum must name the
 * organisation of that kind: a test bed's or a hospital's party is no
 * partner's, even when it carries a company id beside.
 */
static void message_organisation(const ProtobufCMessage *message, char out[ORGANISATION_SIZE])
{
	out[0] = '\0';
	const char *company = string_field(message, "company_id");
	int32_t municipality = int_field(message, "municipality_code");
	int32_t region = int_field(message, "region_code");
	int named = (company[0] != '\0') + (municipality != 0) + (region != 0);
	if (named != 1)
		return;
	const char *kind = company[0] != '\0'  ? "company"
	                   : municipality != 0 ? "municipality"
	                                       : "region";
	const ProtobufCFieldDescriptor *kind_field =
	        protobuf_c_message_descriptor_get_field_by_name(message->descriptor, "kind");
	if (kind_field != NULL && kind_field->type == PROTOBUF_C_TYPE_ENUM) {
		const ProtobufCEnumValue *value = protobuf_c_enum_descriptor_get_value(
		        kind_field->descriptor, int_field(message, "kind"));
		size_t length = strlen(kind);
		size_t name_length = value != NULL ? strlen(value->name) : 0;
		/* PARTY_KIND_COMPANY names a company. */
		if (value == NULL || name_length <= length ||
		    strcasecmp(value->name + name_length - length, kind) != 0 ||
		    value->name[name_length - length - 1] != '_')
			return;
	}
	if (company[0] != '\0')
		snprintf(out, ORGANISATION_SIZE, "company:%.60s", company);
	else
		snprintf(out, ORGANISATION_SIZE, "%s:%d", kind,
		         municipality != 0 ? municipality : region);
}

static void add_value(named_values *named, const char *value)
{
	if (value[0] == '\0')
		return;
	if (named->count == VALUES_MAX) {
		named->too_many = true;
		return;
	}
	snprintf(named->values[named->count++], ORGANISATION_SIZE, "%s", value);
}

/* The value of the last field of the path in one element of it. */
static void add_last(const core_scope_owner *owner, const ProtobufCFieldDescriptor *field,
                     const void *element, named_values *named)
{
	char value[ORGANISATION_SIZE] = "";
	if (field->type == PROTOBUF_C_TYPE_MESSAGE) {
		const ProtobufCMessage *message = *(const ProtobufCMessage *const *)element;
		if (message != NULL)
			message_organisation(message, value);
	} else if (field->type == PROTOBUF_C_TYPE_INT32) {
		int32_t code = *(const int32_t *)element;
		if (code != 0)
			snprintf(value, sizeof(value), "%s:%d", owner->kind, code);
	} else {
		/* A record's id as it is; a company's id as its organisation. */
		const char *text = *(const char *const *)element;
		if (text != NULL && text[0] != '\0' && owner->record != NULL)
			snprintf(value, sizeof(value), "%.70s", text);
		else if (text != NULL && text[0] != '\0')
			snprintf(value, sizeof(value), "%s:%.70s", owner->kind, text);
	}
	add_value(named, value);
}

static void collect(const core_scope_owner *owner, const ProtobufCMessage *input,
                    named_values *named)
{
	const ProtobufCMessage *message = input;
	for (unsigned i = 0; i + 1 < owner->depth; i++) {
		message = *(const ProtobufCMessage *const *)field_address(message, owner->path[i]);
		if (message == NULL)
			return;
	}
	const ProtobufCFieldDescriptor *last = owner->path[owner->depth - 1];
	const void *address = field_address(message, last);
	if (last->label != PROTOBUF_C_LABEL_REPEATED) {
		add_last(owner, last, address, named);
		return;
	}
	size_t count = *(const size_t *)((const char *)message + last->quantifier_offset);
	const char *elements = *(const char *const *)address;
	size_t size = last->type == PROTOBUF_C_TYPE_INT32 ? sizeof(int32_t) : sizeof(void *);
	for (size_t i = 0; i < count; i++)
		add_last(owner, last, elements + i * size, named);
}

/* The organisations the records named own, in place of their ids. */
static bool resolve_records(core_request *request, const core_scope_owner *owner,
                            named_values *named)
{
	named_values ids = *named;
	named->count = 0;
	for (size_t i = 0; i < ids.count; i++) {
		if (!chc_uuid_is_valid(ids.values[i])) {
			core_violation(request, owner->field, "is not a UUID");
			return false;
		}
		const char *values[] = { ids.values[i] };
		PGresult *result = NULL;
		if (core_query(request, &owner->record->statement, values, &result) != CHC_OK)
			return false;
		for (int row = 0; row < PQntuples(result); row++)
			add_value(named, PQgetvalue(result, row, 0));
	}
	return true;
}

bool core_scope_permit(core_request *request, const core_scope_owner *owner,
                       const ProtobufCMessage *input)
{
	if (request->principal.role != CORE_ROLE_PARTNER || owner->kind == NULL)
		return true;
	named_values named = { .count = 0 };
	collect(owner, input, &named);
	if (named.count == 0 && !named.too_many) {
		core_violation(request, owner->field,
		               "is required: it names the organisation a partner acts for");
		return false;
	}
	if (named.too_many) {
		core_violation(request, owner->field, "names more than %d organisations",
		               VALUES_MAX);
		return false;
	}
	if (owner->record != NULL && !resolve_records(request, owner, &named))
		return false;
	const char *own = request->principal.organisation;
	for (size_t i = 0; i < named.count; i++)
		if (strcasecmp(named.values[i], own) == 0)
			return true;
	if (owner->record != NULL)
		core_fail(request, CHC_PERMISSION_DENIED,
		          "this partner token acts for %s; the %s that %s names is not its own",
		          own, owner->record->kind, owner->field);
	else
		core_fail(request, CHC_PERMISSION_DENIED,
		          "this partner token acts for %s; %s names %s", own, owner->field,
		          named.values[0]);
	return false;
}
