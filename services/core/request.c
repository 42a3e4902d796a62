/*
 * request.c - the lifetime of one request's memory and error state.
 */
#include "request.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"

struct core_allocation {
	core_allocation *next;
	max_align_t data[];
};

struct core_result_node {
	core_result_node *next;
	PGresult *result;
};

chc_status core_request_keep_result(core_request *request, PGresult *result)
{
	core_result_node *node = malloc(sizeof(*node));
	if (node == NULL) {
		PQclear(result);
		return core_fail(request, CHC_RESOURCE_EXHAUSTED, "out of memory");
	}
	node->result = result;
	node->next = request->results;
	request->results = node;
	return CHC_OK;
}

chc_status core_fail(core_request *request, chc_status code, const char *format, ...)
{
	char message[512];
	va_list arguments;
	va_start(arguments, format);
	vsnprintf(message, sizeof(message), format, arguments);
	va_end(arguments);
	/* Violations already recorded stay: they explain the failure. */
	return chc_error_set_headline(&request->error, code, "%s", message);
}

chc_status core_violation(core_request *request, const char *field, const char *format, ...)
{
	char description[512];
	va_list arguments;
	va_start(arguments, format);
	vsnprintf(description, sizeof(description), format, arguments);
	va_end(arguments);
	if (chc_error_add_violation(&request->error, field, description) != CHC_OK)
		return core_fail(request, CHC_RESOURCE_EXHAUSTED, "out of memory");
	/* The first violation is the request's headline. */
	if (request->error.violation_count == 1)
		chc_error_set_headline(&request->error, CHC_INVALID_ARGUMENT, "%s: %s", field,
		                       description);
	return CHC_INVALID_ARGUMENT;
}

bool core_failed(const core_request *request)
{
	return request->error.code != CHC_OK;
}

chc_status core_failure(core_request *request)
{
	if (core_failed(request))
		return request->error.code;
	return core_fail(request, CHC_RESOURCE_EXHAUSTED, "out of memory");
}

void *core_alloc(core_request *request, size_t size)
{
	core_allocation *allocation = calloc(1, sizeof(core_allocation) + size);
	if (allocation == NULL) {
		core_fail(request, CHC_RESOURCE_EXHAUSTED, "out of memory");
		return NULL;
	}
	allocation->next = request->allocations;
	request->allocations = allocation;
	return allocation->data;
}

char *core_strdup(core_request *request, const char *text)
{
	size_t length = strlen(text);
	char *copy = core_alloc(request, length + 1);
	if (copy != NULL)
		memcpy(copy, text, length + 1);
	return copy;
}

void core_request_fini(core_request *request)
{
	core_allocation *allocation = request->allocations;
	while (allocation != NULL) {
		core_allocation *next = allocation->next;
		free(allocation);
		allocation = next;
	}
	request->allocations = NULL;
	core_result_node *node = request->results;
	while (node != NULL) {
		core_result_node *next = node->next;
		PQclear(node->result);
		free(node);
		node = next;
	}
	request->results = NULL;
	free(request->reply_payload);
	request->reply_payload = NULL;
	chc_error_fini(&request->error);
}

void core_request_forget_outcome(core_request *request)
{
	free(request->reply_payload);
	request->reply_payload = NULL;
	request->reply_length = 0;
	request->replied = false;
	request->replica_failed = false;
	chc_error_fini(&request->error);
}

void core_request_reply(const ProtobufCMessage *message, void *closure_data)
{
	core_request *request = closure_data;
	request->replied = true;
	if (message == NULL) {
		if (!core_failed(request))
			core_fail(request, CHC_INTERNAL, "handler gave no reply and no error");
		return;
	}
	if (request->is_write)
		core_audit_note_reply(request, message);
	size_t length = protobuf_c_message_get_packed_size(message);
	uint8_t *payload = malloc(length > 0 ? length : 1);
	if (payload == NULL) {
		core_fail(request, CHC_RESOURCE_EXHAUSTED, "out of memory packing the reply");
		return;
	}
	protobuf_c_message_pack(message, payload);
	free(request->reply_payload);
	request->reply_payload = payload;
	request->reply_length = length;
}

int64_t core_now_unix_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

int64_t core_monotonic_us(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000;
}

const char *core_forwarded_token(const core_request *request)
{
	return request->token != NULL && request->token[0] != '\0' ? request->token : NULL;
}
