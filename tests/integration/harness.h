/*
 * harness.h - integration tests start real service processes on free ports
 * against the fixture's PostgreSQL and talk to them over real nng sockets.
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "chc/chc.h"

typedef struct harness_service {
	char name[32];
	pid_t pid;
	int rpc_port;
	int http_port;
	int events_port; /* the PUB socket of its domain events */
	char url[64];
} harness_service;

/* Extra environment for a service, "NAME=value" strings, NULL-terminated. */
typedef const char *const harness_environment[];

/* The fixture's database URL (CHC_TEST_DATABASE_URL). */
const char *harness_database_url(void);

/* The token of role ("admin", "service" or "reader") that the fixture
 * made; "" when there is none. */
const char *harness_token(const char *role);

/* A port nobody listens on right now. */
int harness_free_port(void);

/*
 * Starts build/services/chc-<name> on free ports and waits until its Health
 * check answers SERVING (at most 30 s). CHC_TEST_SERVICE_WRAPPER, when set,
 * is a command line the service runs under (valgrind ...). extra may be NULL. Returns false
 * when it did not come up.
 */
bool harness_start(harness_service *service, const char *name, const char *const *extra);

/* harness_start that also listens on also_listen (comma separated
 * addresses: ipc://, tls+tcp:// ...), besides the tcp:// address the
 * harness picks and checks. */
bool harness_start_also_on(harness_service *service, const char *name, const char *also_listen,
                           const char *const *extra);

/* Starts a service that was stopped or killed again, on the ports it had,
 * so that whoever dials those finds it again (nng redials by itself).
 * False when it is still running or did not come up. */
bool harness_restart(harness_service *service, const char *const *extra);

/* SIGTERM and wait; returns the exit status (or -1 if it did not exit in 30 s). */
int harness_stop(harness_service *service);

/* True when the process is still running. */
bool harness_alive(const harness_service *service);

/*
 * The services a suite runs, each started after the ones it calls:
 * municipalities, companies, matching, projects. Those not started have
 * pid 0.
 */
typedef struct harness_stack {
	harness_service municipalities;
	harness_service companies;
	harness_service matching;
	harness_service projects;
	chc_client *client; /* reaches every started service */
	PGconn *database;
	/* CHC_<SERVICE>_URL=... of each started service but the last, so that
	 * a suite can start more instances that find their peers; the fourth,
	 * projects', is known before it starts: matching calls it too (for
	 * its declined interests), so its port is chosen first. */
	char environment[4][128];
	int projects_port; /* 0 without projects */
	int count;         /* how many services were started */
} harness_stack;

/* Starts the services up to and including last ("municipalities",
 * "companies", "matching" or "projects"), each told where the ones before
 * it are and the last also given extra (may be NULL); then opens the client
 * and the database connection. Returns false when anything failed. */
bool harness_stack_start(harness_stack *stack, const char *last, const char *const *extra);

/* Starts the stack's last service again, after the suite stopped or killed
 * it, with extra, and points the stack's client at the new instance. */
bool harness_stack_start_again(harness_stack *stack, const char *const *extra);

/* Starts service, one of the stack's, again on the ports it had, told where
 * the services before it are, as at first; the client needs no change. */
bool harness_stack_restart(harness_stack *stack, harness_service *service);

/* Closes the client and the connection and stops the services, last first;
 * returns 0 when every service exited with status 0, else -1. */
int harness_stack_stop(harness_stack *stack);

struct CMUnitTest;
/* Runs tests as one cmocka group around stack, started up to last. */
int harness_run_tests_on(const char *group_name, const struct CMUnitTest *tests, size_t count,
                         harness_stack *stack, const char *last);
#define harness_run_group_on(tests, stack, last)                                                   \
	harness_run_tests_on(#tests, tests, sizeof(tests) / sizeof((tests)[0]), stack, last)

/* The main() of a test program whose tests (cmocka_unit_test(...), ...) run
 * around stack, started up to last; CHC_TEST_MAIN's counterpart. */
#define HARNESS_TEST_MAIN_ON(stack, last, ...)                                                     \
	int main(void)                                                                             \
	{                                                                                          \
		const struct CMUnitTest tests[] = { __VA_ARGS__ };                                 \
		return harness_run_group_on(tests, stack, last);                                   \
	}

/* Starts second, another municipalities instance beside stack's, and
 * returns a client (NULL on failure) that spreads its municipality calls
 * over both ("a,b" to libchc) and reaches stack's other running services:
 * how a test takes one instance away under load. */
chc_client *harness_client_over_two(const harness_stack *stack, harness_service *second);

/* A client whose endpoints point at the given services (NULL: unused),
 * calling with token (NULL: the admin token). */
chc_client *harness_client(const harness_service *companies, const harness_service *municipalities,
                           const char *token);

/*
 * Calls method of service with a request given as JSON text and fails the
 * test unless the status is expected. When field is not NULL it receives the
 * first violated field. Returns the reply (caller frees), NULL on failure.
 */
struct ProtobufCMessage;
struct ProtobufCMessage *harness_call_json(chc_client *client,
                                           const ProtobufCServiceDescriptor *service,
                                           const char *method, const char *json_text,
                                           chc_status expected, char *field, size_t field_size);

/* Calls method with json_text and fails the test unless it is refused
 * INVALID_ARGUMENT with expected_field as the first violated field. */
void harness_expect_violation(chc_client *client, const ProtobufCServiceDescriptor *service,
                              const char *method, const char *json_text,
                              const char *expected_field);

/*
 * Checks batch_method of service (a BatchGet) against get_method, its
 * single Get, with the ids of count (at least 2) records that exist: asked
 * for the second, an id with no record, the first, the second again and
 * the rest, it answers the records in that order, each once, each as
 * get_method gives it, the missing one left out; a bad id is a violation
 * of "ids[2]", none or 101 ids one of "ids".
 */
void harness_expect_batch_get(chc_client *client, const ProtobufCServiceDescriptor *service,
                              const char *batch_method, const char *get_method,
                              const char *const *ids, size_t count);

/* The records of a BatchGet reply: its one repeated message field. */
ProtobufCMessage *const *harness_batch_records(const ProtobufCMessage *reply, size_t *count);

/* Calls method, which must succeed, and copies the id of what it made. */
void harness_create(chc_client *client, const ProtobufCServiceDescriptor *service,
                    const char *method, const char *json_text, char id[37]);

/* Creates the solution of json_text ({"solution":{...}}), submits and
 * approves it, so that partners find it. */
void harness_publish_solution(chc_client *client, const char *json_text, char id[37]);

/* {"<key>": base} with the fields of override (a JSON object) put over
 * base's; caller frees. */
char *harness_request_with(const char *key, const char *base, const char *override);

/* Sends raw bytes on a fresh REQ socket and returns the reply bytes
 * (malloc'd) or NULL after timeout_ms. */
uint8_t *harness_raw_request(const char *url, const void *bytes, size_t length, int timeout_ms,
                             size_t *reply_length);

/* Sends an envelope built from the arguments (token NULL: the admin
 * token; "": none) and returns the decoded response (free with
 * chc__v1__rpc_response__free_unpacked). */
struct Chc__V1__RpcResponse *harness_envelope_call(const char *url, const char *method,
                                                   const void *payload, size_t length,
                                                   int64_t deadline_unix_ms, const char *token);

/* GET http://127.0.0.1:port/path; returns the status code and the body in
 * body (caller frees), or -1. */
int harness_http_get(int port, const char *path, char **body);

/* The value of the first /metrics sample whose labels end in the labels
 * that format gives ("method=\"%s\",code=\"OK\"", "ranked_by=\"%s\""): 0
 * when there is none yet; fails the test when /metrics does not answer. */
long harness_metric(int http_port, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Milliseconds on the monotonic clock, for deadlines in tests. */
int64_t harness_monotonic_ms(void);

/* Whether the instance whose /metrics is on http_port has answered method
 * (a service instance's share of a load spread over several). */
bool harness_http_served(int http_port, const char *method);

/* A direct libpq connection to the test database (for setup and checks). */
PGconn *harness_database(void);

/* Calls method once with options and gives only its status: the reply,
 * if any, is freed. */
chc_status harness_call_status(chc_client *client, const ProtobufCServiceDescriptor *service,
                               const char *method, const ProtobufCMessage *request,
                               const chc_call_options *options);

/* Runs the chc command line with arguments, as role (its token) and
 * reaching stack's running services; its output is dropped. Returns its
 * exit status, or -1 when it did not exit. */
int harness_chc(const harness_stack *stack, const char *role, const char *arguments);

/* Runs postgres_fixture.sh action ("stop-database", "start-replica" ...)
 * on the suite's PostgreSQL; returns system()'s status (0: done). */
int harness_postgres_fixture(const char *action);

/* Runs SQL and returns the first value of the first row (static buffer). */
const char *harness_sql_value(PGconn *connection, const char *sql);

/* A future date "YYYY-MM-DD", days from today. */
const char *harness_date(int days_from_today, char buffer[11]);

#endif /* HARNESS_H */
