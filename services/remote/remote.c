/*
 * remote.c - the process's libchc client and the calls made through it.
 */
#include "remote.h"

#include <stdlib.h>

#include "entity.h"

static chc_client *client;

chc_status remote_start(const core_config *config, int timeout_ms, chc_error *error)
{
	chc_client_options options;
	chc_client_options_init(&options);
	options.token = config->token;
	options.timeout_ms = timeout_ms;
	return chc_client_create(&options, &client, error);
}

void remote_stop(void)
{
	chc_client_destroy(client);
	client = NULL;
}

chc_client *remote_client(void)
{
	return client;
}

/* The string field id of method's request, when method is a Get by id. */
static const ProtobufCFieldDescriptor *id_field_of(const ProtobufCMethodDescriptor *method)
{
	const ProtobufCFieldDescriptor *id_field =
	        method != NULL
	                ? protobuf_c_message_descriptor_get_field_by_name(method->input, "id")
	                : NULL;
	return id_field != NULL && id_field->type == PROTOBUF_C_TYPE_STRING ? id_field : NULL;
}

chc_status remote_get_by_id(const chc_call_options *options,
                            const ProtobufCServiceDescriptor *service, const char *method,
                            const char *id, ProtobufCMessage **reply, chc_error *error)
{
	const ProtobufCMethodDescriptor *called =
	        protobuf_c_service_descriptor_get_method_by_name(service, method);
	const ProtobufCFieldDescriptor *id_field = id_field_of(called);
	if (id_field == NULL)
		return chc_error_set(error, CHC_INTERNAL, "%s takes no id", method);
	/* Not request-owned: a job's reads run for no request. */
	ProtobufCMessage *input = calloc(1, called->input->sizeof_message);
	if (input == NULL)
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	protobuf_c_message_init(called->input, input);
	*(const char **)((char *)input + id_field->offset) = id;
	ProtobufCMessage *found = NULL;
	chc_status status = chc_client_call(client, service, method, input, options, &found, error);
	free(input);
	if (reply != NULL)
		*reply = found;
	else if (found != NULL)
		protobuf_c_message_free_unpacked(found, NULL);
	return status;
}

ProtobufCMessage *remote_fetch(core_request *request, const char *field, const char *what,
                               const ProtobufCServiceDescriptor *service, const char *method,
                               const ProtobufCMessage *input)
{
	ProtobufCMessage *reply = NULL;
	chc_error error = { 0 };
	chc_call_options options = { .deadline_unix_ms = request->deadline_unix_ms,
		                     .token = core_forwarded_token(request) };
	chc_status status =
	        chc_client_call(client, service, method, input, &options, &reply, &error);
	if (status == CHC_NOT_FOUND)
		core_fail(request, CHC_NOT_FOUND, "%s: no %s", field, what);
	else if (status != CHC_OK)
		core_fail(request, CHC_UNAVAILABLE, "cannot check %s (%s): %s", field, what,
		          error.message ? error.message : "");
	chc_error_fini(&error);
	return reply;
}

ProtobufCMessage *remote_get(core_request *request, const char *field, const char *what,
                             const ProtobufCServiceDescriptor *service, const char *method,
                             const char *id)
{
	const ProtobufCMethodDescriptor *get =
	        protobuf_c_service_descriptor_get_method_by_name(service, method);
	const ProtobufCFieldDescriptor *id_field = id_field_of(get);
	if (id_field == NULL) {
		core_fail(request, CHC_INTERNAL, "%s.%s is not a Get by id", service->name, method);
		return NULL;
	}
	ProtobufCMessage *input = core_message_new(request, get->input);
	if (input == NULL)
		return NULL;
	*(const char **)((char *)input + id_field->offset) = id;
	return remote_fetch(request, field, what, service, method, input);
}
