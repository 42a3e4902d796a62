/*
 * feedback_declines.c - a declined expression of interest in a need and a
 * solution is "not a match" for every later need_solution job.
 *
 * The projects service does not call us when an interest is declined: it
 * writes an "interest.declined" event (need, solution, reason, who) in the
 * decline's own transaction, so declining works while this service is down
 * and holds no lock while another service answers. We take those events
 * through ListEvents after the seq kept in matching.consumed_events, at
 * every housekeeping run and before a need_solution job reads its inputs.
 * One statement stores the feedback and moves the seq, and only from the
 * seq it read: two instances taking the same events store them once.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chc/client.h"
#include "chc/v1/events.pb-c.h"
#include "log.h"
#include "matching.h"
#include "remote.h"

#define DECLINES_SOURCE   "projects:interest.declined"
#define DECLINES_PER_CALL 1000
/* Housekeeping (and a stop) must not wait long on a projects service that
 * is away; ListEvents answers in milliseconds. */
#define DECLINES_TIMEOUT_MS 1000

/* Whether the last call found the projects service away: said once when
 * it goes and once when it is back, not at every housekeeping run. */
static atomic_bool projects_away;

/* $1 the events as [{"seq": n, "payload": {...}}], $2 the seq read, $3 the
 * newest seq among them. The newest decline of a pair wins. */
static const char take_sql[] =
        "WITH advanced AS (UPDATE matching.consumed_events SET seq = $3::bigint, "
        "updated_at = now() WHERE source = '" DECLINES_SOURCE "' AND seq = $2::bigint "
        "RETURNING 1), "
        "declined AS (SELECT DISTINCT ON (need_id, solution_id) * FROM ("
        "SELECT e.seq, (e.payload->>'need_id')::uuid AS need_id, "
        "(e.payload->>'solution_id')::uuid AS solution_id, e.payload->>'detail' AS reason, "
        "coalesce(e.payload->>'by', '') AS recorded_by "
        "FROM jsonb_to_recordset($1::jsonb) AS e(seq bigint, payload jsonb) "
        "WHERE e.payload->>'need_id' IS NOT NULL AND e.payload->>'solution_id' IS NOT NULL "
        "AND EXISTS (SELECT 1 FROM advanced)) d ORDER BY need_id, solution_id, seq DESC), "
        "stored AS (INSERT INTO matching.feedback AS f (need_id, solution_id, reason, "
        "recorded_by) SELECT need_id, solution_id, reason, recorded_by FROM declined "
        "ON CONFLICT (need_id, solution_id) DO UPDATE SET reason = excluded.reason, "
        "recorded_by = excluded.recorded_by, created_at = now() "
        "RETURNING f.need_id, f.solution_id) "
        "INSERT INTO matching.events (type, subject_id, audience, payload) "
        "SELECT 'feedback.not_a_match', need_id::text, '{secretariat}', "
        "jsonb_build_object('detail', solution_id::text, 'by', 'interest.declined') "
        "FROM stored";

static chc_status position(PGconn *connection, int64_t *seq, chc_error *error)
{
	PGresult *result = PQexec(connection, "SELECT seq FROM matching.consumed_events "
	                                      "WHERE source = '" DECLINES_SOURCE "'");
	chc_status status = CHC_OK;
	if (PQresultStatus(result) != PGRES_TUPLES_OK || PQntuples(result) != 1)
		status = chc_error_set(error, CHC_UNAVAILABLE,
		                       "cannot read where the declines stand: %s",
		                       PQerrorMessage(connection));
	else
		*seq = strtoll(PQgetvalue(result, 0, 0), NULL, 10);
	PQclear(result);
	return status;
}

/* The events as take_sql's $1: each payload is a JSON object already. */
static char *events_json(const Chc__V1__ListEventsResponse *events)
{
	size_t size = 3;
	for (size_t i = 0; i < events->n_events; i++)
		size += strlen(events->events[i]->payload_json) + 48;
	char *json = malloc(size);
	if (json == NULL)
		return NULL;
	size_t used = 0;
	json[used++] = '[';
	for (size_t i = 0; i < events->n_events; i++) {
		const char *payload = events->events[i]->payload_json;
		used += (size_t)snprintf(json + used, size - used,
		                         "%s{\"seq\":%lld,\"payload\":%s}", i > 0 ? "," : "",
		                         (long long)events->events[i]->seq,
		                         payload[0] != '\0' ? payload : "{}");
	}
	json[used++] = ']';
	json[used] = '\0';
	return json;
}

static chc_status take(PGconn *connection, const Chc__V1__ListEventsResponse *events,
                       int64_t read_seq, chc_error *error)
{
	char *json = events_json(events);
	if (json == NULL)
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	char from[24], to[24];
	snprintf(from, sizeof(from), "%lld", (long long)read_seq);
	snprintf(to, sizeof(to), "%lld", (long long)events->events[events->n_events - 1]->seq);
	const char *values[] = { json, from, to };
	PGresult *result = PQexecParams(connection, take_sql, 3, NULL, values, NULL, NULL, 0);
	chc_status status = CHC_OK;
	if (PQresultStatus(result) != PGRES_COMMAND_OK)
		status = chc_error_set(error, CHC_UNAVAILABLE, "cannot store the declines: %s",
		                       PQresultErrorMessage(result));
	else if (strcmp(PQcmdTuples(result), "0") != 0)
		core_log(CORE_LOG_INFO, "took %s declined interests as not a match",
		         PQcmdTuples(result));
	PQclear(result);
	free(json);
	return status;
}

chc_status feedback_take_declines(PGconn *connection, chc_error *error)
{
	Chc__V1__ListEventsRequest request = CHC__V1__LIST_EVENTS_REQUEST__INIT;
	request.limit = DECLINES_PER_CALL;
	request.type_prefix = "interest.declined";
	chc_call_options options = { .timeout_ms = DECLINES_TIMEOUT_MS };
	size_t taken = DECLINES_PER_CALL;
	chc_status status = CHC_OK;
	while (status == CHC_OK && taken == DECLINES_PER_CALL) {
		int64_t read_seq = 0;
		ProtobufCMessage *reply = NULL;
		status = position(connection, &read_seq, error);
		if (status != CHC_OK)
			break;
		request.after_seq = read_seq;
		status = chc_client_call_at(remote_client(), CHC_ENDPOINT_PROJECTS,
		                            &chc__v1__events__descriptor, "ListEvents",
		                            &request.base, &options, &reply, error);
		if (status == CHC_UNAVAILABLE || status == CHC_DEADLINE_EXCEEDED) {
			if (!atomic_exchange(&projects_away, true))
				core_log(CORE_LOG_WARN,
				         "declined interests wait: the projects service is away: "
				         "%s: %s",
				         chc_status_name(status),
				         error->message ? error->message : "");
			chc_error_fini(error);
			return CHC_OK;
		}
		if (status != CHC_OK)
			break;
		if (atomic_exchange(&projects_away, false))
			core_log(CORE_LOG_INFO, "declined interests: the projects service is back");
		const Chc__V1__ListEventsResponse *events = (const void *)reply;
		taken = events->n_events;
		if (taken > 0)
			status = take(connection, events, read_seq, error);
		protobuf_c_message_free_unpacked(reply, NULL);
	}
	return status;
}
