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

#endif /* CORE_EVENTS_H */
