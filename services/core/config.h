/*
 * config.h - the one configuration surface of a service: CHC_* environment
 * variables, each with a default that works on a developer's machine.
 */
#ifndef CORE_CONFIG_H
#define CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "chc/status.h"

typedef enum core_log_level {
	CORE_LOG_DEBUG = 0,
	CORE_LOG_INFO = 1,
	CORE_LOG_WARN = 2,
	CORE_LOG_ERROR = 3,
} core_log_level;

typedef struct core_config {
	char *database_url;
	char *database_read_url; /* a streaming replica for reads; "" none */
	int read_your_writes_ms; /* a caller's reads this soon after its write: the primary */
	char *listen;            /* RPC address(es), comma separated */
	char *http_listen;       /* host:port of /healthz, /readyz, /metrics; "" off */
	char *events_listen;     /* PUB address(es) of the domain events; "" off */
	int workers;
	core_log_level log_level;
	char *token; /* what this service presents when it calls another */
	char *auth;  /* "on" (tokens required) or "off" (everyone is the secretariat) */
	int auth_cache_seconds;
	int token_rate;    /* calls a second a reader's or partner's token may make; 0 off */
	int auth_failures; /* failed authentications an address may have a minute; 0 off */
	char *tls_cert;    /* PEM certificate chain for tls+tcp:// listeners */
	char *tls_key;     /* PEM private key for tls+tcp:// listeners */
	size_t max_message_bytes;
	int idempotency_ttl_seconds;
	int events_retention_days;
	int housekeeping_seconds;
	int drain_timeout_ms;
} core_config;

/* Defaults a service passes to core_config_load: its own ports. */
typedef struct core_config_defaults {
	const char *listen;
	const char *http_listen;
	const char *events_listen;
} core_config_defaults;

/*
 * Reads the CHC_* variables into config (caller storage; release with
 * core_config_fini). Returns CHC_INVALID_ARGUMENT with a message naming the
 * variable when one does not parse.
 */
chc_status core_config_load(core_config *config, const core_config_defaults *defaults,
                            chc_error *error);

void core_config_fini(core_config *config);

/* Writes the table of variables, their defaults and meaning (for --help). */
void core_config_print_help(FILE *out, const core_config_defaults *defaults);

/* The database URL used when CHC_DATABASE_URL is unset: the private
 * PostgreSQL that scripts/stack.sh starts. */
#define CORE_DEFAULT_DATABASE_URL "postgresql://chc@127.0.0.1:55432/chc"

/* A service's own setting of days (1..3650) from the environment: fallback
 * when unset, INVALID_ARGUMENT naming it when it is not a number of days. */
chc_status core_config_days(const char *name, int fallback, int *days, chc_error *error);

#endif /* CORE_CONFIG_H */
