/*
 * metrics.h - counters for Prometheus: requests by method and code, a
 * latency histogram by method, requests in flight, database connections.
 * Thread-safe.
 */
#ifndef CORE_METRICS_H
#define CORE_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chc/status.h"

void core_metrics_request_started(void);

/* Records one finished request; method may be NULL (undecodable). */
void core_metrics_request_finished(const char *method, int code, int64_t duration_us);

/* A worker's database connection came up (+1) or went away (-1). */
void core_metrics_database_connections(int change);

/* A search was answered, ranked in memory (search_mirror.h) or by
 * PostgreSQL. */
void core_metrics_search_answered(bool from_memory);

/* Writes the Prometheus text exposition; the caller frees *text. */
chc_status core_metrics_render(const char *service, char **text, size_t *length);

#endif /* CORE_METRICS_H */
