/*
 * dispatch.c - method lookup and invocation through protobuf-c's own
 * service machinery (ProtobufCService.invoke with the method's index).
 */
#include "dispatch.h"

#include "audit.h"
#include "chc/methods.h"
#include "chc/v1/access.pb-c.h"
#include "wire_limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int method_compare(const void *left, const void *right)
{
	const core_method *a = left;
	const core_method *b = right;
	return strcmp(a->full_name, b->full_name);
}

chc_status core_dispatch_add(core_dispatch *dispatch, ProtobufCService *service,
                             bool needs_database)
{
	const ProtobufCServiceDescriptor *descriptor = service->descriptor;
	size_t total = dispatch->count + descriptor->n_methods;
	core_method *methods = realloc(dispatch->methods, (total ? total : 1) * sizeof(*methods));
	if (methods == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	dispatch->methods = methods;
	for (unsigned i = 0; i < descriptor->n_methods; i++) {
		const ProtobufCMethodDescriptor *method = &descriptor->methods[i];
		size_t length = strlen(descriptor->name) + strlen(method->name) + 3;
		char *full_name = malloc(length);
		if (full_name == NULL)
			return CHC_RESOURCE_EXHAUSTED;
		snprintf(full_name, length, "/%s/%s", descriptor->name, method->name);
		if (core_dispatch_find(dispatch, full_name) != NULL) {
			free(full_name);
			return CHC_ALREADY_EXISTS;
		}
		dispatch->methods[dispatch->count++] = (core_method){
			.full_name = full_name,
			.service = service,
			.index = i,
			.descriptor = method,
			.is_write = needs_database && chc_method_is_write(full_name),
			.access = chc_method_access(full_name),
			.needs_database = needs_database,
		};
		qsort(dispatch->methods, dispatch->count, sizeof(core_method), method_compare);
	}
	return core_dispatch_undeclared(dispatch)[0] == '\0' ? CHC_OK : CHC_FAILED_PRECONDITION;
}

chc_status core_dispatch_scope(core_dispatch *dispatch, const core_scope_record *records,
                               size_t record_count, chc_error *error)
{
	for (size_t i = 0; i < dispatch->count; i++) {
		core_method *method = &dispatch->methods[i];
		const char *option = chc_method_owner(method->full_name);
		bool partner = method->access == CHC__V1__ACCESS__ACCESS_PARTNER;
		if (partner != (option[0] != '\0'))
			return chc_error_set(
			        error, CHC_FAILED_PRECONDITION,
			        partner ? "%s is ACCESS_PARTNER and declares no (owner) "
			                  "option: what would a partner act for?"
			                : "%s declares an (owner) option but is not "
			                  "ACCESS_PARTNER",
			        method->full_name);
		if (partner &&
		    core_scope_owner_parse(method->full_name, option, method->descriptor->input,
		                           records, record_count, &method->owner, error) != CHC_OK)
			return error->code;
	}
	return CHC_OK;
}

const char *core_dispatch_undeclared(const core_dispatch *dispatch)
{
	for (size_t i = 0; i < dispatch->count; i++)
		if (dispatch->methods[i].access == 0)
			return dispatch->methods[i].full_name;
	return "";
}

const core_method *core_dispatch_find(const core_dispatch *dispatch, const char *name)
{
	if (dispatch->count == 0 || name == NULL)
		return NULL;
	core_method key = { .full_name = (char *)name };
	return bsearch(&key, dispatch->methods, dispatch->count, sizeof(core_method),
	               method_compare);
}

void core_dispatch_invoke(const core_method *method, const uint8_t *payload, size_t length,
                          core_request *request)
{
	char field[192];
	chc_status checked =
	        core_wire_check(method->descriptor->input, payload, length, field, sizeof(field));
	if (checked == CHC_INVALID_ARGUMENT) {
		core_violation(request, field, "has more than %d items", CORE_WIRE_MAX_ITEMS);
		return;
	}
	if (checked != CHC_OK) {
		core_fail(request, checked, "a %s of %zu bytes would take too much memory unpacked",
		          method->descriptor->input->name, length);
		return;
	}
	ProtobufCMessage *input =
	        protobuf_c_message_unpack(method->descriptor->input, NULL, length, payload);
	if (input == NULL) {
		core_fail(request, CHC_INVALID_ARGUMENT, "payload is not a valid %s message",
		          method->descriptor->input->name);
		return;
	}
	if (!core_scope_permit(request, &method->owner, input)) {
		protobuf_c_message_free_unpacked(input, NULL);
		return;
	}
	if (request->is_write)
		core_audit_note_input(request, input);
	method->service->invoke(method->service, method->index, input, core_request_reply, request);
	protobuf_c_message_free_unpacked(input, NULL);
	if (!request->replied && !core_failed(request))
		core_fail(request, CHC_INTERNAL, "handler of %s gave no reply", method->full_name);
}

void core_dispatch_fini(core_dispatch *dispatch)
{
	for (size_t i = 0; i < dispatch->count; i++)
		free(dispatch->methods[i].full_name);
	free(dispatch->methods);
	dispatch->methods = NULL;
	dispatch->count = 0;
}
