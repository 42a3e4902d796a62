/*
 * log.c - JSON log lines built with jansson and written with one fputs, so
 * that lines from different workers never interleave.
 */
#include "log.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *log_service = "chc";
static core_log_level log_threshold = CORE_LOG_INFO;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void core_log_setup(const char *service, core_log_level level)
{
	log_service = service;
	log_threshold = level;
}

int core_log_enabled(core_log_level level)
{
	return level >= log_threshold;
}

static json_t *log_line_start(core_log_level level)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct tm utc;
	gmtime_r(&now.tv_sec, &utc);
	char stamp[40];
	size_t used = strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &utc);
	snprintf(stamp + used, sizeof(stamp) - used, ".%03ldZ", now.tv_nsec / 1000000);
	return json_pack("{s:s, s:s, s:s}", "time", stamp, "level", level_names[level], "service",
	                 log_service);
}

static void log_line_write(json_t *line)
{
	if (line == NULL)
		return;
	char *text = json_dumps(line, JSON_COMPACT | JSON_REAL_PRECISION(6));
	json_decref(line);
	if (text == NULL)
		return;
	/* One fputs of the whole line: stdio locks the stream per call. */
	size_t length = strlen(text);
	char *with_newline = realloc(text, length + 2);
	if (with_newline != NULL) {
		with_newline[length] = '\n';
		with_newline[length + 1] = '\0';
		text = with_newline;
	}
	fputs(text, stderr);
	free(text);
}

void core_log(core_log_level level, const char *format, ...)
{
	if (!core_log_enabled(level))
		return;
	char message[1024];
	va_list arguments;
	va_start(arguments, format);
	vsnprintf(message, sizeof(message), format, arguments);
	va_end(arguments);
	json_t *line = log_line_start(level);
	if (line != NULL)
		json_object_set_new(line, "msg", json_string(message));
	log_line_write(line);
}

void core_log_request(const core_log_request_line *request)
{
	/* Failures that are the server's fault are warnings; the caller's are info. */
	core_log_level level = (request->code == 13 || request->code == 14 || request->code == 2)
	                               ? CORE_LOG_WARN
	                               : CORE_LOG_INFO;
	if (!core_log_enabled(level))
		return;
	json_t *line = log_line_start(level);
	if (line == NULL)
		return;
	json_object_set_new(line, "method", json_string(request->method ? request->method : ""));
	json_object_set_new(line, "request_id",
	                    json_string(request->request_id ? request->request_id : ""));
	json_object_set_new(line, "code", json_integer(request->code));
	json_object_set_new(line, "duration_ms", json_real((double)request->duration_us / 1000.0));
	if (request->principal != NULL)
		json_object_set_new(line, "principal", json_string(request->principal));
	if (request->code != 0 && request->message != NULL)
		json_object_set_new(line, "error", json_string(request->message));
	if (request->replayed)
		json_object_set_new(line, "replayed", json_true());
	log_line_write(line);
}
