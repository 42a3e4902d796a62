/*
 * entity.c - records read, listed and locked for change the same way in
 * every service.
 */
#include "entity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chc/uuid.h"
#include "db.h"
#include "enum_columns.h"
#include "validate.h"

chc_status core_entity_load(core_request *request, const core_entity *entity, const char *id,
                            bool for_update, ProtobufCMessage **message)
{
	const char *values[] = { id };
	PGresult *result = NULL;
	chc_status status = core_query(request, for_update ? entity->get_for_update : entity->get,
	                               values, &result);
	if (status != CHC_OK)
		return status;
	if (PQntuples(result) == 0)
		return core_fail(request, CHC_NOT_FOUND, "no %s has id %s", entity->noun, id);
	ProtobufCMessage *loaded = entity->from_row(request, result, 0);
	if (loaded == NULL)
		return core_failure(request);
	*message = loaded;
	return CHC_OK;
}

ProtobufCMessage *core_entity_get(core_request *request, const core_entity *entity, const char *id)
{
	ProtobufCMessage *record = NULL;
	if (!core_check_uuid(request, "id", id) ||
	    core_entity_load(request, entity, id, false, &record) != CHC_OK)
		return NULL;
	return record;
}

bool core_check_batch(core_request *request, const char *field, size_t count)
{
	if (count == 0) {
		core_violation(request, field, "is required: 1 to %d keys", CORE_BATCH_MAX);
		return false;
	}
	if (count > CORE_BATCH_MAX) {
		core_violation(request, field, "has %zu keys, at most %d in one call", count,
		               CORE_BATCH_MAX);
		return false;
	}
	return true;
}

const ProtobufCFieldDescriptor *core_records_field(const ProtobufCMessageDescriptor *descriptor)
{
	const ProtobufCFieldDescriptor *found = NULL;
	for (unsigned i = 0; i < descriptor->n_fields; i++) {
		const ProtobufCFieldDescriptor *field = &descriptor->fields[i];
		if (field->label != PROTOBUF_C_LABEL_REPEATED ||
		    field->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (found != NULL)
			return NULL;
		found = field;
	}
	return found;
}

ProtobufCMessage *core_expire_reply(core_request *request, const char *sql,
                                    const ProtobufCMessageDescriptor *descriptor)
{
	const ProtobufCFieldDescriptor *expired =
	        protobuf_c_message_descriptor_get_field_by_name(descriptor, "expired");
	if (expired == NULL || expired->type != PROTOBUF_C_TYPE_INT32 ||
	    expired->label == PROTOBUF_C_LABEL_REPEATED) {
		core_fail(request, CHC_INTERNAL, "%s counts nothing expired", descriptor->name);
		return NULL;
	}
	PGresult *result = NULL;
	if (core_query_sql(request, sql, 0, NULL, &result) != CHC_OK)
		return NULL;
	ProtobufCMessage *reply = core_message_new(request, descriptor);
	if (reply == NULL)
		return NULL;
	*(int32_t *)((char *)reply + expired->offset) = atoi(PQgetvalue(result, 0, 0));
	return reply;
}

ProtobufCMessage *core_batch_reply(core_request *request,
                                   const ProtobufCMessageDescriptor *descriptor,
                                   ProtobufCMessage **records, size_t count)
{
	const ProtobufCFieldDescriptor *field = core_records_field(descriptor);
	if (field == NULL) {
		core_fail(request, CHC_INTERNAL, "%s has not one repeated message field",
		          descriptor->name);
		return NULL;
	}
	ProtobufCMessage *reply = core_message_new(request, descriptor);
	if (reply == NULL)
		return NULL;
	*(size_t *)((char *)reply + field->quantifier_offset) = count;
	*(ProtobufCMessage ***)((char *)reply + field->offset) = records;
	return reply;
}

ProtobufCMessage *core_entity_get_many(core_request *request, const core_entity *entity,
                                       char *const *ids, size_t count, core_record_visible visible,
                                       const ProtobufCMessageDescriptor *descriptor)
{
	if (!core_check_batch(request, "ids", count))
		return NULL;
	for (size_t i = 0; i < count; i++) {
		char field[32];
		snprintf(field, sizeof(field), "ids[%zu]", i);
		core_check_uuid(request, field, ids[i]);
	}
	if (core_failed(request))
		return NULL;
	/* UUIDs need no quoting in an array literal. */
	const char *values[] = { core_word_array(request, ids, count) };
	PGresult *result = NULL;
	ProtobufCMessage **records = NULL;
	size_t found = 0;
	if (values[0] == NULL || core_query(request, entity->get_many, values, &result) != CHC_OK ||
	    core_entity_rows(request, entity, result, &records, &found) != CHC_OK)
		return NULL;
	size_t kept = 0;
	for (size_t i = 0; i < found; i++)
		if (visible == NULL || visible(request, records[i]))
			records[kept++] = records[i];
	return core_batch_reply(request, descriptor, records, kept);
}

chc_status core_read_rows(core_request *request, core_row_reader reader, PGresult *result,
                          ProtobufCMessage ***messages, size_t *count)
{
	int rows = PQntuples(result);
	*count = 0;
	*messages = core_alloc(request, (size_t)(rows + 1) * sizeof(**messages));
	if (*messages == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	for (int i = 0; i < rows; i++) {
		ProtobufCMessage *message = reader(request, result, i);
		if (message == NULL)
			return core_failure(request);
		(*messages)[(*count)++] = message;
	}
	return CHC_OK;
}

chc_status core_entity_rows(core_request *request, const core_entity *entity, PGresult *result,
                            ProtobufCMessage ***messages, size_t *count)
{
	return core_read_rows(request, entity->from_row, result, messages, count);
}

chc_status core_read_children(core_request *request, const core_statement *statement,
                              const char *id, core_row_reader reader, ProtobufCMessage ***messages,
                              size_t *count)
{
	const char *values[] = { id };
	PGresult *result = NULL;
	chc_status status = core_query(request, statement, values, &result);
	if (status != CHC_OK)
		return status;
	return core_read_rows(request, reader, result, messages, count);
}

/* The message's "version" field; every record that changes has one. */
static int64_t version_of(const ProtobufCMessage *message)
{
	const ProtobufCFieldDescriptor *field =
	        protobuf_c_message_descriptor_get_field_by_name(message->descriptor, "version");
	if (field == NULL || field->type != PROTOBUF_C_TYPE_INT64)
		return -1;
	return *(const int64_t *)((const char *)message + field->offset);
}

ProtobufCMessage *core_entity_load_for_change(core_request *request, const core_entity *entity,
                                              const char *id_field, const char *id,
                                              int64_t expected_version)
{
	if (!core_check_uuid(request, id_field, id))
		return NULL;
	if (expected_version <= 0) {
		core_violation(request, "expected_version",
		               "is required: the version of the %s you read", entity->noun);
		return NULL;
	}
	ProtobufCMessage *message = NULL;
	if (core_entity_load(request, entity, id, true, &message) != CHC_OK)
		return NULL;
	int64_t version = version_of(message);
	if (version != expected_version) {
		core_fail(request, CHC_ABORTED,
		          "%s %s changed since you read it: its version is %lld, you read %lld",
		          entity->noun, id, (long long)version, (long long)expected_version);
		return NULL;
	}
	return message;
}

chc_status core_entity_write(core_request *request, const core_statement *statement,
                             core_values_builder builder, const ProtobufCMessage *record)
{
	const char **values =
	        core_alloc(request, (size_t)statement->parameter_count * sizeof(*values));
	if (values == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	if (!builder(request, record, values))
		return core_failure(request);
	return core_execute(request, statement, values);
}

ProtobufCMessage *core_entity_new(core_request *request, const char *field,
                                  const ProtobufCMessage *given, int default_status)
{
	if (!core_check_present(request, field, given))
		return NULL;
	const ProtobufCMessageDescriptor *descriptor = given->descriptor;
	const ProtobufCFieldDescriptor *id_field =
	        protobuf_c_message_descriptor_get_field_by_name(descriptor, "id");
	const ProtobufCFieldDescriptor *status_field =
	        protobuf_c_message_descriptor_get_field_by_name(descriptor, "status");
	if (id_field == NULL || id_field->type != PROTOBUF_C_TYPE_STRING || status_field == NULL ||
	    status_field->type != PROTOBUF_C_TYPE_ENUM) {
		core_fail(request, CHC_INTERNAL, "%s is not a record with an id and a status",
		          descriptor->name);
		return NULL;
	}
	ProtobufCMessage *record = core_alloc(request, descriptor->sizeof_message);
	char *id = core_alloc(request, 37);
	if (record == NULL || id == NULL)
		return NULL;
	/* Shallow: the fields still point into the request's own message,
	 * which lives as long as the request. */
	memcpy(record, given, descriptor->sizeof_message);
	chc_uuid_generate(id);
	*(char **)((char *)record + id_field->offset) = id;
	int *status = (int *)((char *)record + status_field->offset);
	if (*status == 0)
		*status = default_status;
	return record;
}

const char *core_message_string(const ProtobufCMessage *message, const char *name)
{
	const ProtobufCFieldDescriptor *field =
	        protobuf_c_message_descriptor_get_field_by_name(message->descriptor, name);
	if (field == NULL || field->type != PROTOBUF_C_TYPE_STRING ||
	    field->label == PROTOBUF_C_LABEL_REPEATED)
		return NULL;
	return *(char *const *)((const char *)message + field->offset);
}

bool core_message_int32(const ProtobufCMessage *message, const char *name, int32_t *value)
{
	const ProtobufCFieldDescriptor *field =
	        protobuf_c_message_descriptor_get_field_by_name(message->descriptor, name);
	if (field == NULL || field->label == PROTOBUF_C_LABEL_REPEATED ||
	    (field->type != PROTOBUF_C_TYPE_INT32 && field->type != PROTOBUF_C_TYPE_ENUM))
		return false;
	*value = *(const int32_t *)((const char *)message + field->offset);
	return true;
}

void *core_message_new(core_request *request, const ProtobufCMessageDescriptor *descriptor)
{
	ProtobufCMessage *reply = core_alloc(request, descriptor->sizeof_message);
	if (reply != NULL)
		descriptor->message_init(reply);
	return reply;
}

/* One column into field of message; false when it cannot be read. */
static bool read_column(core_request *request, ProtobufCMessage *message,
                        const ProtobufCFieldDescriptor *field, const char *text)
{
	char *storage = (char *)message + field->offset;
	if (field->label == PROTOBUF_C_LABEL_REPEATED) {
		size_t *count = (size_t *)((char *)message + field->quantifier_offset);
		void *list = NULL;
		if (field->type == PROTOBUF_C_TYPE_ENUM)
			list = core_enum_list(request, field->descriptor, text, count);
		else if (field->type == PROTOBUF_C_TYPE_STRING)
			list = core_word_list(request, text, count);
		else
			core_fail(request, CHC_INTERNAL, "cannot read repeated %s from a column",
			          field->name);
		*(void **)storage = list;
		return list != NULL;
	}
	switch (field->type) {
	case PROTOBUF_C_TYPE_STRING:
		*(const char **)storage = text;
		return true;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		*(int64_t *)storage = strtoll(text, NULL, 10);
		return true;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		*(uint64_t *)storage = strtoull(text, NULL, 10);
		return true;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		*(uint32_t *)storage = (uint32_t)strtoul(text, NULL, 10);
		return true;
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		*(int32_t *)storage = (int32_t)strtol(text, NULL, 10);
		return true;
	case PROTOBUF_C_TYPE_BOOL:
		*(protobuf_c_boolean *)storage = text[0] == 't';
		return true;
	case PROTOBUF_C_TYPE_ENUM:
		*(int *)storage = core_enum_value(field->descriptor, text);
		return true;
	default:
		core_fail(request, CHC_INTERNAL, "cannot read %s from a column", field->name);
		return false;
	}
}

/* Whether read_column reads field: not a message or bytes. */
static bool is_plain(const ProtobufCFieldDescriptor *field)
{
	return field->type != PROTOBUF_C_TYPE_MESSAGE && field->type != PROTOBUF_C_TYPE_BYTES;
}

bool core_read_columns(core_request *request, ProtobufCMessage *message, const char *const *fields,
                       const PGresult *result, int row)
{
	if (fields == NULL) {
		const ProtobufCMessageDescriptor *descriptor = message->descriptor;
		if ((unsigned)PQnfields(result) < descriptor->n_fields) {
			core_fail(request, CHC_INTERNAL, "a row of %s has too few columns",
			          descriptor->name);
			return false;
		}
		for (unsigned column = 0; column < descriptor->n_fields; column++) {
			const ProtobufCFieldDescriptor *field = &descriptor->fields[column];
			if (is_plain(field) && !read_column(request, message, field,
			                                    PQgetvalue(result, row, (int)column)))
				return false;
		}
		return true;
	}
	for (int column = 0; fields[column] != NULL; column++) {
		if (fields[column][0] == '\0')
			continue;
		const ProtobufCFieldDescriptor *field =
		        protobuf_c_message_descriptor_get_field_by_name(message->descriptor,
		                                                        fields[column]);
		if (field == NULL) {
			core_fail(request, CHC_INTERNAL, "%s has no field %s",
			          message->descriptor->name, fields[column]);
			return false;
		}
		if (!read_column(request, message, field, PQgetvalue(result, row, column)))
			return false;
	}
	return true;
}

void *core_row_message(core_request *request, const ProtobufCMessageDescriptor *descriptor,
                       const char *const *fields, const PGresult *result, int row)
{
	ProtobufCMessage *message = core_message_new(request, descriptor);
	if (message == NULL || !core_read_columns(request, message, fields, result, row))
		return NULL;
	return message;
}
