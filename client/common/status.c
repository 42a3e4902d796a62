/*
 * status.c - status names and the caller-owned error detail.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chc/status.h"

static const char *const status_names[] = {
	"OK",
	"CANCELLED",
	"UNKNOWN",
	"INVALID_ARGUMENT",
	"DEADLINE_EXCEEDED",
	"NOT_FOUND",
	"ALREADY_EXISTS",
	"PERMISSION_DENIED",
	"RESOURCE_EXHAUSTED",
	"FAILED_PRECONDITION",
	"ABORTED",
	"OUT_OF_RANGE",
	"UNIMPLEMENTED",
	"INTERNAL",
	"UNAVAILABLE",
	"DATA_LOSS",
	"UNAUTHENTICATED",
};

const char *chc_status_name(chc_status code)
{
	if ((int)code < 0 || (size_t)code >= sizeof(status_names) / sizeof(status_names[0]))
		return "UNKNOWN";
	return status_names[code];
}

int chc_status_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++)
		if (strcmp(status_names[i], name) == 0)
			return (int)i;
	return -1;
}

void chc_error_init(chc_error *error)
{
	memset(error, 0, sizeof(*error));
}

void chc_error_fini(chc_error *error)
{
	if (error == NULL)
		return;
	for (size_t i = 0; i < error->violation_count; i++) {
		free(error->violations[i].field);
		free(error->violations[i].description);
	}
	free(error->violations);
	free(error->message);
	memset(error, 0, sizeof(*error));
}

/* The new message is formatted before the old one is freed: callers
 * prefix the error's own message ("%s: %s", method, error->message). */
__attribute__((format(printf, 1, 0))) static char *format_message(const char *format,
                                                                  va_list arguments)
{
	char *message = NULL;
	if (vasprintf(&message, format, arguments) < 0)
		message = NULL;
	return message != NULL ? message : strdup("");
}

static void set_message(chc_error *error, chc_status code, char *message)
{
	free(error->message);
	error->code = code;
	error->message = message;
}

chc_status chc_error_set(chc_error *error, chc_status code, const char *format, ...)
{
	if (error == NULL)
		return code;
	va_list arguments;
	va_start(arguments, format);
	char *message = format_message(format, arguments);
	va_end(arguments);
	chc_error_fini(error);
	set_message(error, code, message);
	return code;
}

chc_status chc_error_set_headline(chc_error *error, chc_status code, const char *format, ...)
{
	if (error == NULL)
		return code;
	va_list arguments;
	va_start(arguments, format);
	set_message(error, code, format_message(format, arguments));
	va_end(arguments);
	return code;
}

chc_status chc_error_add_violation(chc_error *error, const char *field, const char *description)
{
	if (error == NULL)
		return CHC_OK;
	chc_field_violation *grown =
	        realloc(error->violations, (error->violation_count + 1) * sizeof(*grown));
	if (grown == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	error->violations = grown;
	chc_field_violation *slot = &grown[error->violation_count];
	slot->field = strdup(field);
	slot->description = strdup(description);
	if (slot->field == NULL || slot->description == NULL) {
		free(slot->field);
		free(slot->description);
		return CHC_RESOURCE_EXHAUSTED;
	}
	error->violation_count++;
	if (error->code == CHC_OK)
		error->code = CHC_INVALID_ARGUMENT;
	return CHC_OK;
}
