/*
 * audit.c - the audit record of every write, and ListAudit.
 *
 * The record is made from the descriptors, not by each handler, so a new
 * write method is audited without a line of its own: the fields are the
 * update_mask when the call has one, else the names of the fields the input
 * set; the record is the id the reply names.
 */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "chc/json.h"
#include "chc/v1/audit.pb-c.h"
#include "db.h"
#include "entity.h"
#include "enum_columns.h"
#include "handler.h"
#include "listing.h"

/* Whether a singular or repeated field of message holds anything. */
static bool field_is_set(const ProtobufCMessage *message, const ProtobufCFieldDescriptor *field)
{
	if (field->label == PROTOBUF_C_LABEL_REPEATED)
		return *(const size_t *)((const char *)message + field->quantifier_offset) > 0;
	return !chc_field_is_default(field, (const char *)message + field->offset);
}

/* Appends name (with prefix and a comma) to the list being built. */
static void append_name(char *list, size_t size, const char *prefix, const char *name)
{
	size_t used = strlen(list);
	snprintf(list + used, size - used, "%s%s%s", used > 0 ? "," : "", prefix, name);
}

void core_audit_note_input(core_request *request, const ProtobufCMessage *input)
{
	char list[1024] = "";
	const ProtobufCMessageDescriptor *descriptor = input->descriptor;
	const ProtobufCFieldDescriptor *mask =
	        protobuf_c_message_descriptor_get_field_by_name(descriptor, "update_mask");
	if (mask != NULL && mask->label == PROTOBUF_C_LABEL_REPEATED && field_is_set(input, mask)) {
		size_t count = *(const size_t *)((const char *)input + mask->quantifier_offset);
		char *const *paths = *(char *const *const *)((const char *)input + mask->offset);
		for (size_t i = 0; i < count; i++)
			append_name(list, sizeof(list), "", paths[i]);
	} else {
		for (unsigned i = 0; i < descriptor->n_fields; i++) {
			const ProtobufCFieldDescriptor *field = &descriptor->fields[i];
			if (!field_is_set(input, field))
				continue;
			const ProtobufCMessage *inner =
			        field->type == PROTOBUF_C_TYPE_MESSAGE &&
			                        field->label != PROTOBUF_C_LABEL_REPEATED
			                ? *(const ProtobufCMessage *const *)((const char *)input +
			                                                     field->offset)
			                : NULL;
			if (inner == NULL) {
				append_name(list, sizeof(list), "", field->name);
				continue;
			}
			char prefix[96];
			snprintf(prefix, sizeof(prefix), "%s.", field->name);
			for (unsigned k = 0; k < inner->descriptor->n_fields; k++)
				if (field_is_set(inner, &inner->descriptor->fields[k]))
					append_name(list, sizeof(list), prefix,
					            inner->descriptor->fields[k].name);
		}
	}
	request->audit_fields = core_strdup(request, list);
}

/* The "id" string field of message, or NULL. */
static const char *id_of(const ProtobufCMessage *message)
{
	const ProtobufCFieldDescriptor *field =
	        protobuf_c_message_descriptor_get_field_by_name(message->descriptor, "id");
	if (field == NULL || field->type != PROTOBUF_C_TYPE_STRING ||
	    field->label == PROTOBUF_C_LABEL_REPEATED)
		return NULL;
	return *(const char *const *)((const char *)message + field->offset);
}

void core_audit_note_reply(core_request *request, const ProtobufCMessage *reply)
{
	const char *id = id_of(reply);
	for (unsigned i = 0; id == NULL && i < reply->descriptor->n_fields; i++) {
		const ProtobufCFieldDescriptor *field = &reply->descriptor->fields[i];
		if (field->type != PROTOBUF_C_TYPE_MESSAGE ||
		    field->label == PROTOBUF_C_LABEL_REPEATED)
			continue;
		const ProtobufCMessage *inner =
		        *(const ProtobufCMessage *const *)((const char *)reply + field->offset);
		if (inner != NULL)
			id = id_of(inner);
	}
	snprintf(request->audit_record, sizeof(request->audit_record), "%s", id ? id : "");
}

/* The service's audit table is named at start (core_audit_service): the
 * insert is built once and prepared once per connection, like every
 * statement a write runs. */
static char audit_insert_sql[256];
static const core_statement audit_insert_statement = { "audit_insert", audit_insert_sql, 6 };

chc_status core_audit_write(core_request *request)
{
	const char *values[] = { request->principal.subject,
		                 core_role_name(request->principal.role),
		                 request->method,
		                 request->request_id ? request->request_id : "",
		                 request->audit_record,
		                 request->audit_fields ? request->audit_fields : "" };
	PGresult *result = NULL;
	return core_query(request, &audit_insert_statement, values, &result);
}

/* An AuditRecord's fields in the order of their numbers (core_row_message). */
#define AUDIT_COLUMNS                                                                              \
	"a.seq, (extract(epoch FROM a.at) * 1000)::bigint, a.actor, a.role, a.method, "            \
	"a.request_id, a.record, array_to_string(a.fields, ',')"

static ProtobufCMessage *audit_from_row(core_request *request, PGresult *result, int row)
{
	return core_row_message(request, &chc__v1__audit_record__descriptor, NULL, result, row);
}

static const core_entity audit_entity = { .noun = "audit record", .from_row = audit_from_row };

static const core_filter audit_filters[] = {
	{ "record", CORE_FILTER_TEXT, "a.record = $?", 0, 0, NULL },
	{ "actor", CORE_FILTER_TEXT, "a.actor = $?", 0, 0, NULL },
	{ "since_unix_ms", CORE_FILTER_NUMBER, "a.at >= to_timestamp($?::bigint / 1000.0)", 1,
	  INT64_MAX, NULL },
};

typedef Chc__V1__AuditService_Service audit_service;

/* The table's name depends on the service: built once at start. */
static char audit_table[96];
static core_listing audit_listing = {
	.entity = &audit_entity,
	.table = audit_table,
	.columns = AUDIT_COLUMNS,
	.column_count = 8,
	.order = "a.seq",
	CORE_LISTING_FILTERS(audit_filters),
};

static CORE_LIST_HANDLER(audit, list_audit, ListAuditRequest, ListAuditResponse, audit_listing,
                         chc__v1__list_audit_response__descriptor)

static audit_service service_table = CHC__V1__AUDIT_SERVICE__INIT(audit_);

ProtobufCService *core_audit_service(const char *schema)
{
	snprintf(audit_table, sizeof(audit_table), "%s.audit a", schema);
	snprintf(audit_insert_sql, sizeof(audit_insert_sql),
	         "INSERT INTO %s.audit (actor, role, method, request_id, record, fields) VALUES "
	         "($1, $2, $3, $4, $5, coalesce(string_to_array(nullif($6, ''), ','), '{}'))",
	         schema);
	return &service_table.base;
}
