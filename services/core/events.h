/*
 * events.h - domain events: chc.v1.Events/ListEvents, answered by every
 * service about its own <schema>.events, and the publisher that sends each
 * new event on the service's nng PUB socket (CHC_EVENTS_LISTEN).
 */
#ifndef CORE_EVENTS_H
#define CORE_EVENTS_H

#include <libpq-fe.h>
#include <protobuf-c/protobuf-c.h>

#include "chc/status.h"
#include "config.h"
#include "db.h"

typedef struct core_publisher core_publisher;

/* The filled Events service table for the service that owns schema
 * (own_service_name: "chc.v1.CompanyService"). Static storage; call once. */
ProtobufCService *core_events_service(const char *schema, const char *own_service_name);

/*
 * Listens with a PUB socket on config's CHC_EVENTS_LISTEN (comma
 * separated, like CHC_LISTEN: tcp://, ipc://, tls+tcp:// with the service's
 * certificate) and starts the thread that publishes the events stored after it started:
 * it reads <schema>.events every 200 ms on a connection of its own, so an
 * event goes out within about that long of its transaction's commit, and a
 * subscriber that was away catches up with ListEvents. Each message is the
 * event's type, a NUL byte and the packed chc.v1.Event (subscribers filter
 * by type prefix). An empty address publishes nothing (*publisher = NULL).
 * Returns CHC_OK, CHC_INVALID_ARGUMENT (bad address), CHC_UNAVAILABLE.
 */
chc_status core_publisher_start(const core_config *config, const char *schema,
                                const char *own_service_name, core_publisher **publisher,
                                chc_error *error);

/* Publishes what is still new, stops the thread, closes the socket. Accepts
 * NULL. */
void core_publisher_stop(core_publisher *publisher);

/* Deletes schema's events older than days (CHC_EVENTS_RETENTION_DAYS):
 * without it the table only grows. Run by housekeeping. */
chc_status core_events_expire(PGconn *connection, const char *schema, int days, chc_error *error);

/* The statement that stores a domain event in schema's events table for
 * the secretariat's eyes only, in the parameters core_event_record gives. */
#define CORE_SECRETARIAT_EVENT_STATEMENT(name, schema)                                             \
	{                                                                                          \
		(name),                                                                            \
		        "INSERT INTO " schema                                                      \
		        ".events (type, subject_id, audience, payload) VALUES ($1, $2, "           \
		        "'{secretariat}', jsonb_build_object('detail', $3::text, 'by', "           \
		        "$4::text))",                                                              \
		        4                                                                          \
	}

/* Stores a domain event with statement, whose parameters are $1 type, $2
 * subject_id, $3 detail and $4 the caller (who the audience is, is the
 * statement's: CORE_SECRETARIAT_EVENT_STATEMENT or a service's own). */
chc_status core_event_record(core_request *request, const core_statement *statement,
                             const char *type, const char *subject_id, const char *detail);

#endif /* CORE_EVENTS_H */
