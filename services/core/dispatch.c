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

chc_status core_dispatch_prechecks(core_dispatch *dispatch,
                                   const ProtobufCServiceDescriptor *service,
                                   const core_precheck *prechecks, chc_error *error)
{
	for (size_t i = 0; prechecks != NULL && prechecks[i].method != NULL; i++) {
		char name[256];
		snprintf(name, sizeof(name), "/%s/%s", service->name, prechecks[i].method);
		core_method *method = (core_method *)core_dispatch_find(dispatch, name);
		if (method == NULL || !method->is_write)
			return chc_error_set(error, CHC_FAILED_PRECONDITION,
			                     "a precheck names %s, which %s", name,
			                     method == NULL ? "is no method" : "does not write");
		method->precheck = prechecks[i].check;
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

ProtobufCMessage *core_dispatch_unpack(const core_method *method, const uint8_t *payload,
                                       size_t length, core_request *request)
{
	char field[192];
	chc_status checked =
	        core_wire_check(method->descriptor->input, payload, length, field, sizeof(field));
	if (checked == CHC_INVALID_ARGUMENT) {
		core_violation(request, field, "has more than %d items", CORE_WIRE_MAX_ITEMS);
		return NULL;
	}
	if (checked != CHC_OK) {
		core_fail(request, checked, "a %s of %zu bytes would take too much memory unpacked",
		          method->descriptor->input->name, length);
		return NULL;
	}
	ProtobufCMessage *input =
	        protobuf_c_message_unpack(method->descriptor->input, NULL, length, payload);
	if (input == NULL) {
		core_fail(request, CHC_INVALID_ARGUMENT, "payload is not a valid %s message",
		          method->descriptor->input->name);
		return NULL;
	}
	if (!core_scope_permit(request, &method->owner, input)) {
		protobuf_c_message_free_unpacked(input, NULL);
		return NULL;
	}
	if (request->is_write)
		core_audit_note_input(request, input);
	return input;
}

void core_dispatch_precheck(const core_method *method, const ProtobufCMessage *input,
                            core_request *request)
{
	if (method->precheck != NULL && !core_failed(request))
		method->precheck(request, input);
}

void core_dispatch_call(const core_method *method, const ProtobufCMessage *input,
                        core_request *request)
{
	if (core_failed(request))
		return;
	method->service->invoke(method->service, method->index, input, core_request_reply, request);
	if (!request->replied && !core_failed(request))
		core_fail(request, CHC_INTERNAL, "handler of %s gave no reply", method->full_name);
}

void core_dispatch_invoke(const core_method *method, const uint8_t *payload, size_t length,
                          core_request *request)
{
	ProtobufCMessage *input = core_dispatch_unpack(method, payload, length, request);
	if (input == NULL)
		return;
	core_dispatch_precheck(method, input, request);
	core_dispatch_call(method, input, request);
	protobuf_c_message_free_unpacked(input, NULL);
}

void *core_prechecked(core_request *request)
{
	if (request->prechecked == NULL)
		core_fail(request, CHC_INTERNAL, "%s ran without its precheck", request->method);
	return request->prechecked;
}

void core_dispatch_fini(core_dispatch *dispatch)
{
	for (size_t i = 0; i < dispatch->count; i++)
		free(dispatch->methods[i].full_name);
	free(dispatch->methods);
	dispatch->methods = NULL;
	dispatch->count = 0;
}
