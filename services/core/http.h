/*
 * http.h - the small operations port: /healthz (the process answers),
 * /readyz (the database answers and its schema is current) and /metrics
 * (Prometheus text), served by nng's own HTTP server.
 */
#ifndef CORE_HTTP_H
#define CORE_HTTP_H

#include <stddef.h>

#include "chc/status.h"

/* Returns CHC_OK when ready, else a status with a reason in error. */
typedef chc_status (*core_ready_check)(void *data, chc_error *error);

typedef struct core_http core_http;

/*
 * Starts serving on address ("127.0.0.1:8101"). service names the metrics;
 * ready is called for every /readyz. Returns CHC_INVALID_ARGUMENT for an
 * address that does not parse, CHC_UNAVAILABLE when it cannot be bound.
 */
chc_status core_http_start(const char *address, const char *service, core_ready_check ready,
                           void *ready_data, core_http **http, chc_error *error);

/* Stops serving and frees; accepts NULL. */
void core_http_stop(core_http *http);

#endif /* CORE_HTTP_H */
