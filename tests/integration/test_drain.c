/*
 * test_drain.c - SIGTERM drains: a request in flight when the signal comes
 * is finished and answered before the process exits 0; one that outlasts
 * CHC_DRAIN_TIMEOUT_MS has its query cancelled, gets an error instead of
 * silence, and the process still exits 0; one stuck outside PostgreSQL (in
 * a call to a service that stopped answering) does not hold the process
 * past a last bound.
 *
 * The request is held in flight for real: the test takes, on its own
 * PostgreSQL connection, the advisory lock a write with a given idempotency
 * key must take, so the service's ExpireNeeds waits in PostgreSQL.
 */
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chc_test_main.h"

#include "chc/v1/municipalities.pb-c.h"
#include "chc/v1/projects.pb-c.h"
#include "harness.h"

#define HELD_KEY "drain-test-key"

typedef struct held_call {
	harness_service service;
	pthread_t thread;
	chc_status status;
} held_call;

static void *call_expire_needs(void *argument)
{
	held_call *call = argument;
	chc_client *client = harness_client(NULL, &call->service, NULL);
	chc_call_options options = { .timeout_ms = 30000,
		                     .idempotency_key = HELD_KEY,
		                     .max_attempts = 1 };
	Chc__V1__ExpireNeedsRequest request = CHC__V1__EXPIRE_NEEDS_REQUEST__INIT;
	call->status = harness_call_status(client, &chc__v1__municipality_service__descriptor,
	                                   "ExpireNeeds", &request.base, &options);
	chc_client_destroy(client);
	return NULL;
}

/* Takes the lock the held write will wait for, in a transaction left open. */
static PGconn *hold_the_key(void)
{
	PGconn *connection = harness_database();
	assert_non_null(connection);
	harness_sql_value(connection, "BEGIN");
	/* Keys are the caller's own: the lock is on the admin token's. */
	harness_sql_value(connection,
	                  "SELECT pg_advisory_xact_lock(hashtextextended((SELECT "
	                  "'token:' || id FROM auth.tokens WHERE role = 'admin' AND "
	                  "created_by = 'chc-migrate') || '/' || '" HELD_KEY "', 7101))");
	return connection;
}

/* Starts the held call and waits until the service is inside it. */
static void start_held_call(held_call *call, PGconn *holder)
{
	assert_int_equal(pthread_create(&call->thread, NULL, call_expire_needs, call), 0);
	for (int tries = 0; tries < 100; tries++) {
		const char *waiting = harness_sql_value(
		        holder, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
		                "AND NOT granted");
		if (waiting != NULL && strcmp(waiting, "1") == 0)
			return;
		usleep(50000);
	}
	fail_msg("the call never reached its lock");
}

/* A municipalities service started with drain_timeout (the environment
 * setting), and a call to it waiting on the key the returned connection
 * holds. */
static PGconn *start_with_held_call(held_call *call, const char *drain_timeout)
{
	const char *const environment[] = { drain_timeout, NULL };
	*call = (held_call){ .status = CHC_UNKNOWN };
	assert_true(harness_start(&call->service, "municipalities", environment));
	PGconn *holder = hold_the_key();
	start_held_call(call, holder);
	return holder;
}

static void request_in_flight_is_answered(void **state)
{
	(void)state;
	held_call call;
	PGconn *holder = start_with_held_call(&call, "CHC_DRAIN_TIMEOUT_MS=30000");
	harness_service *service = &call.service;

	char *body = NULL;
	assert_int_equal(harness_http_get(service->http_port, "/readyz", &body), 200);
	free(body);
	kill(service->pid, SIGTERM);
	usleep(300000);
	assert_true(harness_alive(service)); /* still draining: the call is in flight */
	/* ...and no longer ready, so that no new work is sent to it. */
	body = NULL;
	assert_int_equal(harness_http_get(service->http_port, "/readyz", &body), 503);
	assert_non_null(strstr(body, "draining"));
	free(body);
	harness_sql_value(holder, "COMMIT"); /* let the call finish */
	pthread_join(call.thread, NULL);
	assert_int_equal(call.status, CHC_OK);
	assert_int_equal(harness_stop(service), 0);
	PQfinish(holder);
}

static void drain_timeout_cancels_the_query(void **state)
{
	(void)state;
	held_call call;
	PGconn *holder = start_with_held_call(&call, "CHC_DRAIN_TIMEOUT_MS=300");
	harness_service *service = &call.service;

	kill(service->pid, SIGTERM);
	pthread_join(call.thread, NULL); /* answered although the lock is still held */
	assert_int_not_equal(call.status, CHC_OK);
	assert_int_equal(harness_stop(service), 0);
	harness_sql_value(holder, "ROLLBACK");
	PQfinish(holder);
}

/* A write waiting on a lock past its caller's deadline is cancelled in
 * PostgreSQL (statement_timeout from the time left), not left holding the
 * worker after the caller gave up. */
static void deadline_holds_inside_the_database(void **state)
{
	(void)state;
	harness_service service;
	assert_true(harness_start(&service, "municipalities", NULL));
	PGconn *holder = hold_the_key();
	chc_client *client = harness_client(NULL, &service, NULL);
	chc_call_options options = { .timeout_ms = 800,
		                     .idempotency_key = HELD_KEY,
		                     .max_attempts = 1 };
	Chc__V1__ExpireNeedsRequest request = CHC__V1__EXPIRE_NEEDS_REQUEST__INIT;
	ProtobufCMessage *reply = NULL;
	assert_int_equal(chc_client_call(client, &chc__v1__municipality_service__descriptor,
	                                 "ExpireNeeds", &request.base, &options, &reply, NULL),
	                 CHC_DEADLINE_EXCEEDED);
	usleep(500000);
	assert_string_equal(harness_sql_value(holder, "SELECT count(*) FROM pg_locks WHERE "
	                                              "locktype = 'advisory' AND NOT granted"),
	                    "0");
	chc_client_destroy(client);
	harness_sql_value(holder, "ROLLBACK");
	PQfinish(holder);
	assert_int_equal(harness_stop(&service), 0);
}

static harness_stack stack;

/* A project whose lead the projects service must look up at companies;
 * whatever its caller gets, it is not a project. */
static void *create_project(void *argument)
{
	chc_status *status = argument;
	Chc__V1__Party party = CHC__V1__PARTY__INIT;
	party.kind = CHC__V1__PARTY_KIND__PARTY_KIND_COMPANY;
	party.company_id = "00000000-0000-4000-8000-000000000009";
	Chc__V1__Participant lead = CHC__V1__PARTICIPANT__INIT;
	lead.party = &party;
	lead.role = CHC__V1__PARTICIPANT_ROLE__PARTICIPANT_ROLE_LEAD;
	Chc__V1__Participant *participants[] = { &lead };
	Chc__V1__Project project = CHC__V1__PROJECT__INIT;
	project.title = "Stuck";
	project.n_participants = 1;
	project.participants = participants;
	Chc__V1__CreateProjectRequest request = CHC__V1__CREATE_PROJECT_REQUEST__INIT;
	request.project = &project;
	chc_call_options options = { .timeout_ms = 8000, .max_attempts = 1 };
	*status = harness_call_status(stack.client, &chc__v1__project_service__descriptor,
	                              "CreateProject", &request.base, &options);
	return NULL;
}

/* A worker waiting on a stopped companies service (up to its client's
 * 5 s) is not in PostgreSQL, so cancelling queries does not free it: the
 * drain gives up on it 2 s later and the process exits non-zero at once
 * rather than after the call. */
static void drain_gives_up_on_a_stuck_worker(void **state)
{
	(void)state;
	static const char *const impatient[] = { "CHC_DRAIN_TIMEOUT_MS=300", NULL };
	assert_true(harness_stack_start(&stack, "projects", impatient));
	kill(stack.companies.pid, SIGSTOP);
	pthread_t caller;
	chc_status called = CHC_UNKNOWN;
	assert_int_equal(pthread_create(&caller, NULL, create_project, &called), 0);
	usleep(400000); /* the call is in projects, waiting on companies */
	kill(stack.projects.pid, SIGTERM);
	int status = 0;
	assert_int_equal(waitpid(stack.projects.pid, &status, 0), stack.projects.pid);
	stack.projects.pid = 0;
	/* Had it waited for the call, the drain would have ended cleanly (0). */
	assert_true(!WIFEXITED(status) || WEXITSTATUS(status) != 0);
	kill(stack.companies.pid, SIGCONT);
	pthread_join(caller, NULL);
	assert_int_not_equal(called, CHC_OK);
	stack.count--; /* projects is gone; stop the rest */
	assert_int_equal(harness_stack_stop(&stack), 0);
}

CHC_TEST_MAIN(NULL, NULL, cmocka_unit_test(request_in_flight_is_answered),
              cmocka_unit_test(deadline_holds_inside_the_database),
              cmocka_unit_test(drain_timeout_cancels_the_query),
              cmocka_unit_test(drain_gives_up_on_a_stuck_worker))
