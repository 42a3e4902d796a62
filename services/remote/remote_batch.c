/*
 * remote_batch.c - many records of another service in one call: a BatchGet
 * (1 to CORE_BATCH_MAX keys, the records that exist in the order asked)
 * or a List that gives them all, and the record of one key in its reply.
 */
#include <stdio.h>
#include <string.h>

#include "entity.h"
#include "remote.h"

ProtobufCMessage *remote_fetch_many(core_request *request, const char *field,
                                    const ProtobufCServiceDescriptor *service, const char *method,
                                    const char *keys, char **ids, int32_t *codes, size_t count)
{
	const ProtobufCMethodDescriptor *called =
	        protobuf_c_service_descriptor_get_method_by_name(service, method);
	const ProtobufCFieldDescriptor *list =
	        called == NULL || keys == NULL
	                ? NULL
	                : protobuf_c_message_descriptor_get_field_by_name(called->input, keys);
	if (called == NULL ||
	    (keys != NULL && (list == NULL || list->label != PROTOBUF_C_LABEL_REPEATED))) {
		core_fail(request, CHC_INTERNAL, "%s.%s lists no %s", service->name, method,
		          keys != NULL ? keys : "records");
		return NULL;
	}
	ProtobufCMessage *input = core_message_new(request, called->input);
	if (input == NULL)
		return NULL;
	if (list != NULL) {
		*(size_t *)((char *)input + list->quantifier_offset) = count;
		*(void **)((char *)input + list->offset) =
		        ids != NULL ? (void *)ids : (void *)codes;
	}
	return remote_fetch(request, field, "what it names", service, method, input);
}

const ProtobufCMessage *remote_found_record(const ProtobufCMessage *reply, const char *key,
                                            const char *id, int code)
{
	const ProtobufCFieldDescriptor *field = core_records_field(reply->descriptor);
	if (field == NULL)
		return NULL;
	size_t count = *(const size_t *)((const char *)reply + field->quantifier_offset);
	ProtobufCMessage *const *records =
	        *(ProtobufCMessage *const *const *)((const char *)reply + field->offset);
	for (size_t i = 0; i < count; i++) {
		const char *value = core_message_string(records[i], key);
		int32_t number = 0;
		if (id != NULL ? value != NULL && strcmp(value, id) == 0
		               : core_message_int32(records[i], key, &number) && number == code)
			return records[i];
	}
	return NULL;
}

chc_status remote_batch_each(core_request *request, const char *field,
                             const ProtobufCServiceDescriptor *service, const char *method,
                             char *const *ids, size_t count, remote_batch_visit visit,
                             const void *context)
{
	for (size_t start = 0; start < count && !core_failed(request); start += CORE_BATCH_MAX) {
		size_t asked = count - start < CORE_BATCH_MAX ? count - start : CORE_BATCH_MAX;
		ProtobufCMessage *reply = remote_fetch_many(request, field, service, method, "ids",
		                                            (char **)ids + start, NULL, asked);
		for (size_t i = start; reply != NULL && i < start + asked && !core_failed(request);
		     i++) {
			char item[96];
			snprintf(item, sizeof(item), "%s[%zu]", field, i);
			visit(request, item, ids[i], remote_found_record(reply, "id", ids[i], 0),
			      context);
		}
		if (reply != NULL)
			protobuf_c_message_free_unpacked(reply, NULL);
	}
	return core_failed(request) ? request->error.code : CHC_OK;
}
