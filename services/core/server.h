/*
 * server.h - what a service program hands to the core: its name, its
 * schema, the generated service table filled with its handlers, and
 * optional housekeeping. core_service_main does everything else.
 */
#ifndef CORE_SERVER_H
#define CORE_SERVER_H

#include <libpq-fe.h>
#include <protobuf-c/protobuf-c.h>

#include "chc/status.h"
#include "config.h"

typedef struct core_server core_server;

typedef struct core_service_definition {
	const char *name;          /* "companies": program chc-companies */
	const char *schema;        /* the PostgreSQL schema the service owns */
	ProtobufCService *service; /* the generated ..._Service, filled by _INIT */
	const char *default_listen;
	const char *default_http_listen;
	const char *default_events_listen; /* the PUB socket of its domain events */
	/* Runs at start and every CHC_HOUSEKEEPING_INTERVAL seconds on its own
	 * connection (e.g. expiry). Optional. */
	chc_status (*housekeeping)(PGconn *connection, chc_error *error);
	/* Called once before serving and after the last request. Optional. */
	chc_status (*start)(const core_config *config, chc_error *error);
	void (*stop)(void);
	/* Where it keeps personal data, for PersonService (person.h). */
	const struct core_person_source *person_sources;
	size_t person_source_count;
	/* The kinds of record its partner methods name by id (scope.h). */
	const struct core_scope_record *scope_records;
	size_t scope_record_count;
	/* Its writes' checks against other services, run before their
	 * transactions open (dispatch.h); ended by one naming no method. */
	const struct core_precheck *prechecks;
} core_service_definition;

/*
 * The whole life of a service process: --help and --version, configuration,
 * schema check, listeners, workers, HTTP, housekeeping, and the drain on
 * SIGTERM or SIGINT. Returns the process exit status (0 after a clean
 * drain, 1 when it could not start, 2 for a bad command line).
 */
int core_service_main(int argc, char **argv, const core_service_definition *definition);

/* Whether the process can serve: database reachable and schema current.
 * Used by /readyz and by the Health service. */
chc_status core_server_ready(core_server *server, chc_error *error);

/* The schema version this build needs (the newest migration). */
long core_required_schema_version(void);

#endif /* CORE_SERVER_H */
