/*
 * config.c - every setting is one row of a table: name, default, meaning.
 * The table drives both parsing and --help, so they cannot drift apart.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum setting_kind { SETTING_STRING, SETTING_INT, SETTING_SIZE, SETTING_LEVEL } setting_kind;

typedef struct setting {
	const char *name;
	setting_kind kind;
	const char *fallback; /* NULL: taken from core_config_defaults */
	size_t offset;
	long minimum;
	long maximum;
	const char *meaning;
} setting;

#define FIELD(member) offsetof(core_config, member)

static const setting settings[] = {
	{ "CHC_DATABASE_URL", SETTING_STRING, CORE_DEFAULT_DATABASE_URL, FIELD(database_url), 0, 0,
	  "libpq connection string or URL" },
	{ "CHC_DATABASE_READ_URL", SETTING_STRING, "", FIELD(database_read_url), 0, 0,
	  "libpq connection string of a streaming replica for read-only methods (empty: every "
	  "read goes to CHC_DATABASE_URL)" },
	{ "CHC_READ_YOUR_WRITES_MS", SETTING_INT, "2000", FIELD(read_your_writes_ms), 0, 600000,
	  "a caller that wrote this recently (libchc says so with each read) reads from "
	  "CHC_DATABASE_URL, so it sees its own write while the replica catches up" },
	{ "CHC_LISTEN", SETTING_STRING, NULL, FIELD(listen), 0, 0,
	  "RPC addresses, comma separated: tcp://, ipc://, tls+tcp://" },
	{ "CHC_HTTP_LISTEN", SETTING_STRING, NULL, FIELD(http_listen), 0, 0,
	  "host:port for /healthz, /readyz, /metrics (empty: off)" },
	{ "CHC_EVENTS_LISTEN", SETTING_STRING, NULL, FIELD(events_listen), 0, 0,
	  "PUB addresses of the service's domain events, comma separated (empty: off)" },
	{ "CHC_WORKERS", SETTING_INT, "8", FIELD(workers), 1, 256,
	  "requests served at once; each worker holds one database connection" },
	{ "CHC_LOG_LEVEL", SETTING_LEVEL, "info", FIELD(log_level), 0, 0,
	  "debug, info, warn or error" },
	{ "CHC_AUTH", SETTING_STRING, "on", FIELD(auth), 0, 0,
	  "on: every call needs a token (chc token create); off: every caller is the "
	  "secretariat (a warning at start)" },
	{ "CHC_AUTH_CACHE_SECONDS", SETTING_INT, "5", FIELD(auth_cache_seconds), 0, 300,
	  "how long a token's check is cached: a revoked token is refused within this" },
	{ "CHC_TOKEN_RATE", SETTING_INT, "100", FIELD(token_rate), 0, 1000000,
	  "calls a second one reader's or partner's token may make of a service; more get "
	  "RESOURCE_EXHAUSTED (0: no limit)" },
	{ "CHC_AUTH_FAILURES", SETTING_INT, "20", FIELD(auth_failures), 0, 1000000,
	  "failed authentications one address may have in a minute before its calls are "
	  "refused for the rest of it (0: no limit)" },
	{ "CHC_TOKEN", SETTING_STRING, "", FIELD(token), 0, 0,
	  "the token this service presents when it calls another service (role service)" },
	{ "CHC_TLS_CERT", SETTING_STRING, "", FIELD(tls_cert), 0, 0,
	  "PEM certificate chain file for tls+tcp:// listeners" },
	{ "CHC_TLS_KEY", SETTING_STRING, "", FIELD(tls_key), 0, 0,
	  "PEM private key file for tls+tcp:// listeners" },
	{ "CHC_MAX_MESSAGE_BYTES", SETTING_SIZE, "4194304", FIELD(max_message_bytes), 1024,
	  64L * 1024 * 1024, "largest request accepted; larger ones get RESOURCE_EXHAUSTED" },
	{ "CHC_IDEMPOTENCY_TTL", SETTING_INT, "86400", FIELD(idempotency_ttl_seconds), 1,
	  365L * 86400, "seconds an idempotency key is remembered" },
	{ "CHC_EVENTS_RETENTION_DAYS", SETTING_INT, "30", FIELD(events_retention_days), 1, 3650,
	  "days a domain event is kept for ListEvents; a subscriber further behind starts over" },
	{ "CHC_HOUSEKEEPING_INTERVAL", SETTING_INT, "60", FIELD(housekeeping_seconds), 1, 86400,
	  "seconds between housekeeping runs (expiry, old idempotency keys and events)" },
	{ "CHC_DRAIN_TIMEOUT_MS", SETTING_INT, "10000", FIELD(drain_timeout_ms), 0, 600000,
	  "how long SIGTERM waits for requests in flight" },
};

static const char *setting_default(const setting *s, const core_config_defaults *defaults)
{
	if (s->fallback != NULL)
		return s->fallback;
	if (strcmp(s->name, "CHC_LISTEN") == 0)
		return defaults->listen;
	if (strcmp(s->name, "CHC_EVENTS_LISTEN") == 0)
		return defaults->events_listen != NULL ? defaults->events_listen : "";
	return defaults->http_listen;
}

static chc_status parse_level(const char *text, core_log_level *level)
{
	static const char *const names[] = { "debug", "info", "warn", "error" };
	for (int i = 0; i < 4; i++) {
		if (strcasecmp(text, names[i]) == 0) {
			*level = (core_log_level)i;
			return CHC_OK;
		}
	}
	return CHC_INVALID_ARGUMENT;
}

static chc_status parse_number(const setting *s, const char *text, long *value, chc_error *error)
{
	char *end = NULL;
	errno = 0;
	long parsed = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || parsed < s->minimum || parsed > s->maximum)
		return chc_error_set(error, CHC_INVALID_ARGUMENT,
		                     "%s must be a whole number from %ld to %ld, not \"%s\"",
		                     s->name, s->minimum, s->maximum, text);
	*value = parsed;
	return CHC_OK;
}

/* Stores number, already within the setting's bounds, in its int or size_t
 * field. */
static void store_number(const setting *s, char *field, long number)
{
	if (s->kind == SETTING_SIZE) {
		size_t value = (size_t)number;
		memcpy(field, &value, sizeof(value));
	} else {
		int value = (int)number;
		memcpy(field, &value, sizeof(value));
	}
}

chc_status core_config_load(core_config *config, const core_config_defaults *defaults,
                            chc_error *error)
{
	memset(config, 0, sizeof(*config));
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		const setting *s = &settings[i];
		const char *text = getenv(s->name);
		if (text == NULL)
			text = setting_default(s, defaults);
		char *base = (char *)config + s->offset;
		long number = 0;
		chc_status status = CHC_OK;
		switch (s->kind) {
		case SETTING_STRING: {
			char *copy = strdup(text);
			if (copy == NULL) {
				status = chc_error_set(error, CHC_RESOURCE_EXHAUSTED,
				                       "out of memory");
				break;
			}
			memcpy(base, &copy, sizeof(copy));
			break;
		}
		case SETTING_INT:
		case SETTING_SIZE:
			status = parse_number(s, text, &number, error);
			if (status == CHC_OK)
				store_number(s, base, number);
			break;
		case SETTING_LEVEL: {
			core_log_level level = CORE_LOG_INFO;
			status = parse_level(text, &level);
			if (status != CHC_OK)
				chc_error_set(error, status,
				              "%s must be debug, info, warn or error, not \"%s\"",
				              s->name, text);
			else
				memcpy(base, &level, sizeof(level));
			break;
		}
		}
		if (status != CHC_OK) {
			core_config_fini(config);
			return status;
		}
	}
	if (strcmp(config->auth, "on") != 0 && strcmp(config->auth, "off") != 0) {
		chc_error_set(error, CHC_INVALID_ARGUMENT, "CHC_AUTH must be on or off, not \"%s\"",
		              config->auth);
		core_config_fini(config);
		return CHC_INVALID_ARGUMENT;
	}
	return CHC_OK;
}

void core_config_fini(core_config *config)
{
	if (config == NULL)
		return;
	/* Every string setting was copied by core_config_load: the table says
	 * which fields to free, so a new one cannot be forgotten here. */
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		if (settings[i].kind != SETTING_STRING)
			continue;
		char *text = NULL;
		memcpy(&text, (char *)config + settings[i].offset, sizeof(text));
		free(text);
	}
	memset(config, 0, sizeof(*config));
}

void core_config_print_help(FILE *out, const core_config_defaults *defaults)
{
	fprintf(out, "Environment:\n");
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		const setting *s = &settings[i];
		const char *fallback = setting_default(s, defaults);
		fprintf(out, "  %-26s %s\n  %-26s (default: \"%s\")\n", s->name, s->meaning, "",
		        fallback);
	}
}

chc_status core_config_days(const char *name, int fallback, int *days, chc_error *error)
{
	*days = fallback;
	const char *text = getenv(name);
	if (text == NULL || text[0] == '\0')
		return CHC_OK;
	char *end = NULL;
	long value = strtol(text, &end, 10);
	if (*end != '\0' || value < 1 || value > 3650)
		return chc_error_set(error, CHC_INVALID_ARGUMENT, "%s=%s: expected 1 to 3650 days",
		                     name, text);
	*days = (int)value;
	return CHC_OK;
}
