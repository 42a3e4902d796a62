/*
 * log.c - JSON log lines built with jansson and written with one fputs, so
 * that lines from different workers never interleave.
 *
 * In a service, standard error is fully buffered (core_log_buffer_requests).
 * Every line but a served request's
 * ordinary line is written at once, with whatever is buffered before it. A
 * request's line waits until LOG_FLUSH_MS have passed since the last write
 * (or until the buffer fills, or until the readiness thread's flush each
 * second): under load one write(2) carries many lines. On this VM a write
 * costs as much as the rest of a cached read's own work, and the benchmark
 * showed it as the whole gap to the raw limit's CPU per request. A SIGKILL
 * loses at most the last LOG_FLUSH_MS of request lines; a stop flushes all.
 */
#include "log.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *log_service = "chc";
static core_log_level log_threshold = CORE_LOG_INFO;

#define LOG_BUFFER_BYTES (64 * 1024)
#define LOG_FLUSH_MS     100
/* When stderr was last written out, in CLOCK_MONOTONIC_COARSE ms. */
static _Atomic int64_t last_flush_ms;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void core_log_setup(const char *service, core_log_level level)
{
	log_service = service;
	log_threshold = level;
}

void core_log_buffer_requests(void)
{
	/* setvbuf must come before the stream's first use: once. */
	static bool buffered;
	if (!buffered)
		setvbuf(stderr, NULL, _IOFBF, LOG_BUFFER_BYTES);
	buffered = true;
}

static int64_t monotonic_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

void core_log_flush(void)
{
	atomic_store(&last_flush_ms, monotonic_ms());
	fflush(stderr);
}

/* One whole line: at once when urgent, else when LOG_FLUSH_MS have passed
 * since the last write. */
static void log_emit(const char *text, bool urgent)
{
	fputs(text, stderr);
	if (urgent || monotonic_ms() - atomic_load(&last_flush_ms) >= LOG_FLUSH_MS)
		core_log_flush();
}

int core_log_enabled(core_log_level level)
{
	return level >= log_threshold;
}

/* "2026-11-25T10:21:38.123Z": now, in UTC, to the millisecond. */
static void log_stamp(char *stamp, size_t size)
{
	/* The date and time to the second, kept per thread while the second
	 * lasts: every request writes a line, most within the same second. */
	static _Thread_local time_t second = -1;
	static _Thread_local char seconds[32];
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	if (now.tv_sec != second) {
		struct tm utc;
		gmtime_r(&now.tv_sec, &utc);
		if (strftime(seconds, sizeof(seconds), "%Y-%m-%dT%H:%M:%S", &utc) == 0)
			seconds[0] = '\0';
		second = now.tv_sec;
	}
	snprintf(stamp, size, "%s.%03ldZ", seconds, now.tv_nsec / 1000000);
}

static json_t *log_line_start(core_log_level level)
{
	char stamp[40];
	log_stamp(stamp, sizeof(stamp));
	return json_pack("{s:s, s:s, s:s}", "time", stamp, "level", level_names[level], "service",
	                 log_service);
}

static void log_line_write(json_t *line, bool urgent)
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
	log_emit(text, urgent);
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
	log_line_write(line, true);
}

/* True when text goes into a JSON string as it is: printable ASCII with no
 * quote or backslash. Request ids, method names and principals are, and a
 * line of only such strings is written without building a jansson object. */
static int plain_json_text(const char *text)
{
	for (const unsigned char *c = (const unsigned char *)text; *c != '\0'; c++)
		if (*c < 0x20 || *c >= 0x7F || *c == '"' || *c == '\\')
			return 0;
	return 1;
}

/* A real number as jansson writes it with JSON_REAL_PRECISION(6): "%.6g",
 * ".0" added when it would read back as an integer, and the exponent
 * without its '+' and leading zeros. */
static void real_text(double value, char *text, size_t size)
{
	int length = snprintf(text, size, "%.6g", value);
	if (length < 0 || (size_t)length + 3 > size)
		return;
	if (strchr(text, '.') == NULL && strchr(text, 'e') == NULL) {
		memcpy(text + length, ".0", 3);
		return;
	}
	char *exponent = strchr(text, 'e');
	if (exponent == NULL)
		return;
	char *start = exponent + 1, *end = exponent + 2;
	if (*start == '-')
		start++;
	while (*end == '0')
		end++;
	if (end != start)
		memmove(start, end, strlen(end) + 1);
}

/* The request line of every call, in the same form and order as the
 * jansson object of core_log_request, built in one buffer: it is written
 * on every request, and the object's allocations cost more than the rest
 * of logging. 0 when a string needs escaping: then jansson writes it. */
static int log_request_plain(core_log_level level, const core_log_request_line *request,
                             const char *method, const char *request_id)
{
	bool error = request->code != 0 && request->message != NULL;
	if (!plain_json_text(method) || !plain_json_text(request_id) ||
	    !plain_json_text(log_service) ||
	    (request->principal != NULL && !plain_json_text(request->principal)) ||
	    (error && !plain_json_text(request->message)))
		return 0;
	char stamp[40], duration[40], line[2048];
	log_stamp(stamp, sizeof(stamp));
	real_text((double)request->duration_us / 1000.0, duration, sizeof(duration));
	int length =
	        snprintf(line, sizeof(line),
	                 "{\"time\":\"%s\",\"level\":\"%s\",\"service\":\"%s\",\"method\":\"%s\","
	                 "\"request_id\":\"%s\",\"code\":%d,\"duration_ms\":%s%s%s%s%s%s%s}\n",
	                 stamp, level_names[level], log_service, method, request_id, request->code,
	                 duration, request->principal != NULL ? ",\"principal\":\"" : "",
	                 request->principal != NULL ? request->principal : "",
	                 request->principal != NULL ? "\"" : "", error ? ",\"error\":\"" : "",
	                 error ? request->message : "", error ? "\"" : "");
	if (length < 0 || (size_t)length >= sizeof(line) - 20)
		return 0;
	if (request->replayed)
		memcpy(line + length - 2, ",\"replayed\":true}\n", sizeof(",\"replayed\":true}\n"));
	/* One fputs of the whole line: stdio locks the stream per call. */
	log_emit(line, level >= CORE_LOG_WARN);
	return 1;
}

void core_log_request(const core_log_request_line *request)
{
	/* Failures that are the server's fault are warnings; the caller's are info. */
	core_log_level level = (request->code == 13 || request->code == 14 || request->code == 2)
	                               ? CORE_LOG_WARN
	                               : CORE_LOG_INFO;
	if (!core_log_enabled(level))
		return;
	const char *method = request->method ? request->method : "";
	const char *request_id = request->request_id ? request->request_id : "";
	if (log_request_plain(level, request, method, request_id))
		return;
	json_t *line = log_line_start(level);
	if (line == NULL)
		return;
	json_object_set_new(line, "method", json_string(method));
	json_object_set_new(line, "request_id", json_string(request_id));
	json_object_set_new(line, "code", json_integer(request->code));
	json_object_set_new(line, "duration_ms", json_real((double)request->duration_us / 1000.0));
	if (request->principal != NULL)
		json_object_set_new(line, "principal", json_string(request->principal));
	if (request->code != 0 && request->message != NULL)
		json_object_set_new(line, "error", json_string(request->message));
	if (request->replayed)
		json_object_set_new(line, "replayed", json_true());
	log_line_write(line, level >= CORE_LOG_WARN);
}
