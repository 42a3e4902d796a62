/*
 * events.c - domain events, out of the service's <schema>.events table.
 *
 * A service writes its events in the transaction of the change they
 * describe, so an event exists exactly when its change does. The publisher
 * reads what is new on a connection of its own and publishes it in sequence
 * order. A PUB socket drops messages for subscribers that are away or slow,
 * which is why ListEvents exists: a subscriber remembers the last seq it
 * handled and asks for the rest after a reconnect. The same holds for the
 * rare event whose transaction commits after one with a larger seq has
 * been published: the publisher has moved past it, ListEvents has it.
 */
#include "events.h"

#include <libpq-fe.h>
#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>
#include <nng/supplemental/util/platform.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chc/v1/events.pb-c.h"
#include "db.h"
#include "enum_columns.h"
#include "listen.h"
#include "log.h"
#include "request.h"
#include "validate.h"

/* New events reach subscribers within this time. */
#define EVENTS_POLL_MS 200
#define EVENTS_BATCH   500
#define LIST_DEFAULT   100
#define LIST_MAXIMUM   1000

/* Columns of an event row, the same in ListEvents and the publisher. */
#define EVENT_COLUMNS                                                                              \
	"seq, type, subject_id, array_to_string(audience, ','), payload::text, "                   \
	"(extract(epoch FROM created_at) * 1000)::bigint"

static char events_select_sql[256];
static char events_newest_sql[128];
static const char *events_own_service;

/* The SQL for schema, built once: the schema name comes from the service's
 * definition, never from a caller. */
static void events_build_sql(const char *schema)
{
	snprintf(events_select_sql, sizeof(events_select_sql),
	         "SELECT " EVENT_COLUMNS " FROM %s.events WHERE seq > $1::bigint "
	         "AND left(type, length($3)) = $3 ORDER BY seq LIMIT $2::int",
	         schema);
	snprintf(events_newest_sql, sizeof(events_newest_sql),
	         "SELECT coalesce(max(seq), 0) FROM %s.events", schema);
}

/* Fills event from row; strings point into result. audience is split in
 * place, into storage from allocate. */
static void event_from_row(Chc__V1__Event *event, PGresult *result, int row)
{
	chc__v1__event__init(event);
	event->seq = strtoll(PQgetvalue(result, row, 0), NULL, 10);
	event->service = (char *)events_own_service;
	event->type = PQgetvalue(result, row, 1);
	event->subject_id = PQgetvalue(result, row, 2);
	event->payload_json = PQgetvalue(result, row, 4);
	event->created_unix_ms = strtoll(PQgetvalue(result, row, 5), NULL, 10);
}

static void events_list_events(Chc__V1__Events_Service *service,
                               const Chc__V1__ListEventsRequest *input,
                               Chc__V1__ListEventsResponse_Closure closure, void *closure_data)
{
	(void)service;
	core_request *request = closure_data;
	core_check_range(request, "after_seq", input->after_seq, 0, INT64_MAX);
	if (input->limit != 0)
		core_check_range(request, "limit", input->limit, 1, LIST_MAXIMUM);
	core_check_text(request, "type_prefix", input->type_prefix, 0, 100);
	if (core_failed(request)) {
		closure(NULL, closure_data);
		return;
	}
	char after[24], limit[16];
	snprintf(after, sizeof(after), "%lld", (long long)input->after_seq);
	snprintf(limit, sizeof(limit), "%d", input->limit != 0 ? input->limit : LIST_DEFAULT);
	const char *values[] = { after, limit, input->type_prefix };
	PGresult *rows = NULL, *newest = NULL;
	if (core_query_sql(request, events_select_sql, 3, values, &rows) != CHC_OK ||
	    core_query_sql(request, events_newest_sql, 0, NULL, &newest) != CHC_OK) {
		closure(NULL, closure_data);
		return;
	}
	Chc__V1__ListEventsResponse reply = CHC__V1__LIST_EVENTS_RESPONSE__INIT;
	size_t count = (size_t)PQntuples(rows);
	Chc__V1__Event *events = core_alloc(request, (count + 1) * sizeof(*events));
	reply.events = core_alloc(request, (count + 1) * sizeof(*reply.events));
	if (events == NULL || reply.events == NULL) {
		closure(NULL, closure_data);
		return;
	}
	for (size_t i = 0; i < count; i++) {
		event_from_row(&events[i], rows, (int)i);
		events[i].audience =
		        core_word_list(request, PQgetvalue(rows, (int)i, 3), &events[i].n_audience);
		reply.events[i] = &events[i];
	}
	reply.n_events = count;
	reply.last_seq = strtoll(PQgetvalue(newest, 0, 0), NULL, 10);
	closure(core_failed(request) ? NULL : &reply, closure_data);
}

static Chc__V1__Events_Service events_service = CHC__V1__EVENTS__INIT(events_);

ProtobufCService *core_events_service(const char *schema, const char *own_service_name)
{
	events_own_service = own_service_name;
	events_build_sql(schema);
	return &events_service.base;
}

struct core_publisher {
	nng_socket socket;
	core_db db;
	long long last_seq;
	atomic_int stopping;
	pthread_t thread;
};

/* Sends one event: its type, a NUL byte, the serialized Event. Its
 * audience is split in a request of its own: libpq's memory is not ours to
 * cut. */
static void publish_row(core_publisher *publisher, PGresult *result, int row)
{
	Chc__V1__Event event;
	core_request scratch = { .method = "publish" };
	event_from_row(&event, result, row);
	event.audience = core_word_list(&scratch, PQgetvalue(result, row, 3), &event.n_audience);
	size_t type_length = strlen(event.type) + 1;
	size_t length = type_length + chc__v1__event__get_packed_size(&event);
	nng_msg *message = NULL;
	if (nng_msg_alloc(&message, length) == 0) {
		memcpy(nng_msg_body(message), event.type, type_length);
		chc__v1__event__pack(&event, (uint8_t *)nng_msg_body(message) + type_length);
		if (nng_sendmsg(publisher->socket, message, 0) != 0)
			nng_msg_free(message);
	}
	core_request_fini(&scratch);
	publisher->last_seq = event.seq;
}

/* Publishes every event newer than last_seq; false when the database is
 * away (the next round tries again from the same seq). */
static bool publish_new(core_publisher *publisher)
{
	chc_error error = { 0 };
	PGconn *connection = core_db_connection(&publisher->db, &error);
	chc_error_fini(&error);
	if (connection == NULL)
		return false;
	for (;;) {
		char after[24], limit[16];
		snprintf(after, sizeof(after), "%lld", publisher->last_seq);
		snprintf(limit, sizeof(limit), "%d", EVENTS_BATCH);
		const char *values[] = { after, limit, "" };
		PGresult *result =
		        PQexecParams(connection, events_select_sql, 3, NULL, values, NULL, NULL, 0);
		bool ok = PQresultStatus(result) == PGRES_TUPLES_OK;
		int rows = ok ? PQntuples(result) : 0;
		for (int row = 0; row < rows; row++)
			publish_row(publisher, result, row);
		PQclear(result);
		core_db_note_result(&publisher->db);
		if (!ok || rows < EVENTS_BATCH)
			return ok;
	}
}

static void *publisher_main(void *argument)
{
	core_publisher *publisher = argument;
	while (!atomic_load(&publisher->stopping)) {
		publish_new(publisher);
		nng_msleep(EVENTS_POLL_MS);
	}
	publish_new(publisher); /* what the last requests wrote */
	return NULL;
}

/* The newest seq already stored: subscribers hear of events from now on,
 * and read older ones with ListEvents. */
static chc_status read_newest(core_publisher *publisher, chc_error *error)
{
	PGconn *connection = core_db_connection(&publisher->db, error);
	if (connection == NULL)
		return error->code;
	PGresult *result = PQexec(connection, events_newest_sql);
	chc_status status = CHC_OK;
	if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1)
		publisher->last_seq = strtoll(PQgetvalue(result, 0, 0), NULL, 10);
	else
		status = chc_error_set(error, CHC_UNAVAILABLE, "cannot read the events: %s",
		                       PQerrorMessage(connection));
	PQclear(result);
	return status;
}

chc_status core_publisher_start(const core_config *config, const char *schema,
                                const char *own_service_name, core_publisher **out,
                                chc_error *error)
{
	*out = NULL;
	const char *address = config->events_listen;
	const char *database_url = config->database_url;
	if (address == NULL || address[0] == '\0')
		return CHC_OK;
	events_own_service = own_service_name;
	events_build_sql(schema);
	core_publisher *publisher = calloc(1, sizeof(*publisher));
	if (publisher == NULL)
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	chc_status status = core_db_init(&publisher->db, database_url);
	if (status == CHC_OK && nng_pub0_open(&publisher->socket) != 0)
		status = chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "cannot open a PUB socket");
	else if (status == CHC_OK)
		status = core_listen(publisher->socket, address, "CHC_EVENTS_LISTEN",
		                     config->tls_cert, config->tls_key, error);
	if (status == CHC_OK)
		status = read_newest(publisher, error);
	if (status == CHC_OK &&
	    pthread_create(&publisher->thread, NULL, publisher_main, publisher) != 0)
		status = chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "cannot start the publisher");
	if (status != CHC_OK) {
		if (nng_socket_id(publisher->socket) > 0)
			nng_close(publisher->socket);
		core_db_fini(&publisher->db);
		free(publisher);
		return status;
	}
	*out = publisher;
	return CHC_OK;
}

void core_publisher_stop(core_publisher *publisher)
{
	if (publisher == NULL)
		return;
	atomic_store(&publisher->stopping, 1);
	pthread_join(publisher->thread, NULL);
	nng_close(publisher->socket);
	core_db_fini(&publisher->db);
	free(publisher);
}

chc_status core_events_expire(PGconn *connection, const char *schema, int days, chc_error *error)
{
	char sql[256];
	snprintf(sql, sizeof(sql),
	         "DELETE FROM %s.events WHERE created_at < now() - make_interval(days => %d)",
	         schema, days);
	return core_db_housekeeping(connection, sql, "expiring events failed", error);
}

chc_status core_event_record(core_request *request, const core_statement *statement,
                             const char *type, const char *subject_id, const char *detail)
{
	const char *values[] = { type, subject_id, detail, request->principal.subject };
	return core_execute(request, statement, values);
}
