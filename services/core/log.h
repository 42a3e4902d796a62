/*
 * log.h - one JSON object a line on standard error. The level is checked
 * before anything is formatted, so a debug line costs nothing at info.
 * Ordinary request lines are buffered for up to 100 ms (log.c says why);
 * every other line is written at once.
 */
#ifndef CORE_LOG_H
#define CORE_LOG_H

#include <stdint.h>

#include "config.h"

/* Sets the service name written in every line and the lowest level shown.
 * Call once before any thread starts. */
void core_log_setup(const char *service, core_log_level level);

/* True when a line at this level would be written. */
int core_log_enabled(core_log_level level);

/* A free-form event: {"time","level","service","msg"}. */
void core_log(core_log_level level, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* The one line written for every request. */
typedef struct core_log_request_line {
	const char *method;
	const char *request_id;
	int code;
	const char *message;
	int64_t duration_us;
	const char *principal;
	int replayed;
} core_log_request_line;

void core_log_request(const core_log_request_line *line);

/* Makes standard error fully buffered, so that ordinary request lines wait
 * up to 100 ms and go out many in one write. A service calls it once,
 * before anything is written to standard error. */
void core_log_buffer_requests(void);

/* Writes out the request lines still buffered: the readiness thread calls
 * it every second, so a line is never older than that when load stops. */
void core_log_flush(void);

#endif /* CORE_LOG_H */
