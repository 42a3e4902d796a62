/*
 * server.c - the life of a service process and the path of every request.
 *
 * Workers are threads, each with its own nng REP context, its own aio and
 * its own PostgreSQL connection. A worker waits on its aio (so the request
 * may block on PostgreSQL without stalling nng's own threads), serves the
 * request and sends exactly one reply. Signals are taken by sigwait in the
 * main thread: no work happens in a signal handler.
 */
#include "server.h"

#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/supplemental/tls/tls.h>
#include <nng/supplemental/util/platform.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "chc/client.h"
#include "chc/v1/access.pb-c.h"
#include "chc/v1/rpc.pb-c.h"
#include "chc/version.h"
#include "db.h"
#include "digest.h"
#include "dispatch.h"
#include "events.h"
#include "file.h"
#include "health.h"
#include "http.h"
#include "idempotency.h"
#include "listen.h"
#include "log.h"
#include "metrics.h"
#include "person.h"
#include "readiness.h"
#include "tokens.h"
#include "wire_limits.h"

/* The hard cap nng enforces before our own limit: larger messages are
 * dropped by nng without a reply, so it sits well above CHC_MAX_MESSAGE_BYTES,
 * which is answered with RESOURCE_EXHAUSTED. */
#define TRANSPORT_LIMIT_FACTOR 4
/* A reply that cannot be queued in this time (a peer that stopped reading)
 * is dropped. Receives have no timeout: an armed timer on every receive
 * costs a wake-up of nng's timer thread per request, and the drain cancels
 * idle receives instead of waiting for them to time out. */
#define SEND_TIMEOUT_MS 5000
#define DRAIN_POLL_MS   5
/* How stale /readyz may be: a load balancer polls about this often. */
#define READINESS_INTERVAL_MS 1000

enum worker_state { WORKER_RECEIVING, WORKER_SERVING, WORKER_DONE };

typedef struct core_worker {
	struct core_server *server;
	pthread_t thread;
	nng_ctx context;
	nng_aio *aio;
	core_db db;
	/* The read replica's connection (CHC_DATABASE_READ_URL); no URL and
	 * never used without one. */
	core_db replica;
	int connected;
	atomic_int state; /* enum worker_state: which step the drain may cancel */
} core_worker;

struct core_server {
	const core_service_definition *definition;
	core_config config;
	core_dispatch dispatch;
	core_idempotency idempotency;
	core_auth *auth;
	nng_socket socket;
	core_worker *workers;
	int worker_count;
	atomic_int stopping;
	/* The replica was found unreachable and not reached since: its going
	 * and its return are logged once, not by every worker on every read. */
	atomic_int replica_down;
	char own_service_name[128];

	core_db probe;             /* the readiness thread's own connection */
	core_readiness *readiness; /* what /readyz and Health answer */

	pthread_t housekeeper;
	pthread_mutex_t housekeeping_lock;
	pthread_cond_t housekeeping_wake;
};

long core_required_schema_version(void)
{
	return CHC_SCHEMA_VERSION;
}

/* Run by the readiness thread every second, never on a probe's own path;
 * it also writes out the request log lines still buffered (log.h). */
static chc_status check_database(void *data, chc_error *error)
{
	core_log_flush();
	core_server *server = data;
	chc_status status = CHC_OK;
	PGconn *connection = core_db_connection(&server->probe, error);
	if (connection == NULL) {
		status = CHC_UNAVAILABLE;
	} else {
		long version = core_db_schema_version(connection, error);
		core_db_note_result(&server->probe);
		if (version < 0)
			status = error->code;
		else if (version < CHC_SCHEMA_VERSION)
			status = chc_error_set(error, CHC_FAILED_PRECONDITION,
			                       "schema is at version %ld, this build needs %d",
			                       version, CHC_SCHEMA_VERSION);
	}
	return status;
}

chc_status core_server_ready(core_server *server, chc_error *error)
{
	/* A draining instance says so at once, so that a load balancer stops
	 * sending it work while its last requests finish. */
	if (atomic_load(&server->stopping))
		return chc_error_set(error, CHC_UNAVAILABLE, "draining: not taking new requests");
	if (server->readiness == NULL)
		return chc_error_set(error, CHC_UNAVAILABLE, "starting");
	return core_readiness_last(server->readiness, error);
}

static chc_status ready_for_http(void *data, chc_error *error)
{
	return core_server_ready(data, error);
}

/* The transaction of a write: its deadline, its idempotency key, the
 * handler, the audit record and the stored reply, committed together or not
 * at all. */
static void run_transaction(core_worker *worker, const core_method *method,
                            const Chc__V1__RpcRequest *envelope, const ProtobufCMessage *input,
                            core_request *request)
{
	core_server *server = worker->server;
	/* The caller's deadline holds inside PostgreSQL too: a statement that
	 * waits on a lock or runs long is cancelled when the time left is up
	 * (DEADLINE_EXCEEDED), instead of holding the worker after the caller
	 * has gone. One round trip with the BEGIN. */
	char begin[96] = "BEGIN";
	if (request->deadline_unix_ms > 0) {
		int64_t left = request->deadline_unix_ms - core_now_unix_ms();
		snprintf(begin, sizeof(begin), "BEGIN; SET LOCAL statement_timeout = %lld",
		         (long long)(left > 1 ? left : 1));
	}
	if (core_db_command(request->db, begin, &request->error) != CHC_OK)
		return;
	const char *key = envelope->idempotency_key;
	uint8_t fingerprint[CORE_SHA256_BYTES];
	bool replayed = false;
	if (key[0] != '\0') {
		const void *parts[] = { envelope->method, "", envelope->payload.data };
		const size_t lengths[] = { strlen(envelope->method), 1, envelope->payload.len };
		if (core_sha256(parts, lengths, 3, fingerprint) != CHC_OK)
			core_fail(request, CHC_INTERNAL, "cannot fingerprint the request");
		else
			core_idempotency_begin(&server->idempotency, request, key, fingerprint,
			                       &replayed);
	}
	if (!replayed)
		core_dispatch_call(method, input, request);
	/* The audit record joins the write's transaction: no write without it. */
	if (!core_failed(request) && !replayed)
		core_audit_write(request);
	if (!core_failed(request) && !replayed && key[0] != '\0' && !request->reply_not_kept)
		core_idempotency_store(&server->idempotency, request, key, fingerprint);
	if (!core_failed(request) && !replayed) {
		chc_error commit_error = { 0 };
		if (core_db_command(request->db, "COMMIT", &commit_error) != CHC_OK)
			core_fail(request, commit_error.code, "%s", commit_error.message);
		chc_error_fini(&commit_error);
	} else if (PQstatus(request->db) == CONNECTION_OK) {
		chc_error rollback_error = { 0 };
		core_db_command(request->db, "ROLLBACK", &rollback_error);
		chc_error_fini(&rollback_error);
	}
}

/* The precheck of a write (dispatch.h), outside any transaction, unless
 * its idempotency key was answered before: a replay gives the stored reply
 * even when what the checks read has changed since. */
static void precheck_write(core_server *server, const core_method *method, const char *key,
                           const ProtobufCMessage *input, core_request *request)
{
	bool answered = false;
	if (method->precheck == NULL ||
	    (key[0] != '\0' &&
	     core_idempotency_answered(&server->idempotency, request, key, &answered) != CHC_OK) ||
	    answered)
		return;
	core_dispatch_precheck(method, input, request);
}

/* Runs the handler inside the transaction the core owns for writes. */
static void serve_write(core_worker *worker, const core_method *method,
                        const Chc__V1__RpcRequest *envelope, core_request *request)
{
	core_server *server = worker->server;
	const char *key = envelope->idempotency_key;
	if (strlen(key) > CORE_IDEMPOTENCY_KEY_MAX) {
		core_violation(request, "idempotency_key", "is longer than %d characters",
		               CORE_IDEMPOTENCY_KEY_MAX);
		return;
	}
	ProtobufCMessage *input = core_dispatch_unpack(method, envelope->payload.data,
	                                               envelope->payload.len, request);
	if (input == NULL)
		return;
	precheck_write(server, method, key, input, request);
	if (!core_failed(request))
		run_transaction(worker, method, envelope, input, request);
	protobuf_c_message_free_unpacked(input, NULL);
	core_db_note_result(&worker->db);
}

static void track_connection(core_worker *worker)
{
	int connected = worker->db.connection != NULL;
	if (connected != worker->connected) {
		core_metrics_database_connections(connected ? 1 : -1);
		worker->connected = connected;
	}
}

/* The caller wrote within CHC_READ_YOUR_WRITES_MS, by the age its libchc
 * sends (CHC_METADATA_WRITE_AGE_MS). An age that does not parse counts as
 * a fresh write: the primary is never wrong, only busier. */
static bool wrote_recently(const core_server *server, const Chc__V1__RpcRequest *envelope)
{
	for (size_t i = 0; i < envelope->n_metadata; i++) {
		const Chc__V1__RpcRequest__MetadataEntry *entry = envelope->metadata[i];
		if (entry->key == NULL || strcmp(entry->key, CHC_METADATA_WRITE_AGE_MS) != 0)
			continue;
		char *end = NULL;
		long long age = entry->value != NULL ? strtoll(entry->value, &end, 10) : -1;
		if (end == NULL || end == entry->value || *end != '\0' || age < 0)
			return true;
		return age < server->config.read_your_writes_ms;
	}
	return false;
}

/* The replica's connection for a read, or NULL when the primary serves
 * it: no replica, a caller reading its own write, or a replica that cannot
 * be reached (its loss logged once, until a read succeeds there again). */
static PGconn *replica_connection(core_worker *worker, const Chc__V1__RpcRequest *envelope)
{
	core_server *server = worker->server;
	if (worker->replica.url == NULL || wrote_recently(server, envelope))
		return NULL;
	chc_error error = { 0 };
	PGconn *connection = core_db_connection(&worker->replica, &error);
	if (connection == NULL && atomic_exchange(&server->replica_down, 1) == 0)
		core_log(CORE_LOG_WARN, "read replica unavailable, reading from the primary: %s",
		         error.message);
	chc_error_fini(&error);
	return connection;
}

/* Serves a read on the replica. false when the primary must serve it:
 * there was no replica to use, or the replica failed the read (it went
 * away, the read writes, or recovery cancelled the query), which is never
 * the caller's failure while the primary can answer. */
static bool served_by_replica(core_worker *worker, const core_method *method,
                              const Chc__V1__RpcRequest *envelope, core_request *request)
{
	PGconn *connection = replica_connection(worker, envelope);
	if (connection == NULL)
		return false;
	request->db = connection;
	request->database = &worker->replica;
	core_dispatch_invoke(method, envelope->payload.data, envelope->payload.len, request);
	core_db_note_result(&worker->replica);
	request->database = &worker->db;
	request->db = NULL;
	/* Back only once a read succeeded there: another worker's connection
	 * from before the outage still looks open until it is used. */
	if (!request->replica_failed) {
		if (atomic_load(&worker->server->replica_down) &&
		    atomic_exchange(&worker->server->replica_down, 0) == 1)
			core_log(CORE_LOG_INFO, "read replica reached again: reading from it");
		return true;
	}
	core_log(CORE_LOG_DEBUG, "%s failed on the read replica (%s): served by the primary",
	         method->full_name, request->error.message);
	core_request_forget_outcome(request);
	return false;
}

/* Everything between the received bytes and the reply envelope. */
static void serve_envelope(core_worker *worker, const char *peer,
                           const Chc__V1__RpcRequest *envelope, core_request *request,
                           const core_method **found)
{
	core_server *server = worker->server;
	request->method = envelope->method;
	request->request_id = envelope->request_id;
	request->deadline_unix_ms = envelope->deadline_unix_ms;
	request->token = envelope->token;
	if (envelope->deadline_unix_ms > 0 && core_now_unix_ms() >= envelope->deadline_unix_ms) {
		core_fail(request, CHC_DEADLINE_EXCEEDED, "deadline passed before the request ran");
		return;
	}
	/* Who is calling comes before whether the method exists: a caller
	 * without a token learns nothing of the method table. */
	const core_method *method = core_dispatch_find(&server->dispatch, envelope->method);
	bool public = method != NULL && method->access == CHC__V1__ACCESS__ACCESS_PUBLIC;
	if (!public && core_auth_principal(server->auth, &worker->db, peer, envelope->token,
	                                   &request->principal, &request->error) != CHC_OK)
		return;
	if (method == NULL) {
		core_fail(request, CHC_UNIMPLEMENTED, "unknown method \"%.200s\"",
		          envelope->method);
		return;
	}
	if (core_auth_permit(&request->principal, method->access, method->full_name,
	                     &request->error) != CHC_OK)
		return;
	*found = method;
	request->is_write = method->is_write;
	/* A write's reads see its own transaction: only plain reads may go to
	 * the replica. */
	if (!method->is_write && method->needs_database &&
	    served_by_replica(worker, method, envelope, request))
		return;
	if (method->needs_database) {
		request->db = core_db_connection(&worker->db, &request->error);
		track_connection(worker);
		if (request->db == NULL)
			return;
	}
	if (method->is_write)
		serve_write(worker, method, envelope, request);
	else
		core_dispatch_invoke(method, envelope->payload.data, envelope->payload.len,
		                     request);
	if (method->needs_database) {
		core_db_note_result(&worker->db);
		track_connection(worker);
	}
}

static nng_msg *pack_reply(const core_request *request)
{
	Chc__V1__RpcResponse response = CHC__V1__RPC_RESPONSE__INIT;
	response.request_id = (char *)(request->request_id ? request->request_id : "");
	response.code = request->error.code;
	response.message = request->error.message ? request->error.message : "";
	Chc__V1__FieldViolation *items = NULL;
	Chc__V1__FieldViolation **pointers = NULL;
	size_t count = request->error.violation_count;
	if (count > 0) {
		items = calloc(count, sizeof(*items));
		pointers = calloc(count, sizeof(*pointers));
		if (items == NULL || pointers == NULL)
			count = 0;
		for (size_t i = 0; i < count; i++) {
			chc__v1__field_violation__init(&items[i]);
			items[i].field = request->error.violations[i].field;
			items[i].description = request->error.violations[i].description;
			pointers[i] = &items[i];
		}
		response.n_violations = count;
		response.violations = pointers;
	}
	if (request->error.code == CHC_OK) {
		response.payload.data = request->reply_payload;
		response.payload.len = request->reply_length;
	}
	size_t length = chc__v1__rpc_response__get_packed_size(&response);
	nng_msg *reply = NULL;
	if (nng_msg_alloc(&reply, length) == 0)
		chc__v1__rpc_response__pack(&response, nng_msg_body(reply));
	free(items);
	free(pointers);
	return reply;
}

/* The caller's address, for counting its failed authentications: the IP
 * of a tcp:// or tls+tcp:// peer; every ipc:// peer is one local caller. */
static void peer_address(nng_pipe pipe, char *peer, size_t size)
{
	nng_sockaddr address;
	snprintf(peer, size, "local");
	if (nng_pipe_get_addr(pipe, NNG_OPT_REMADDR, &address) != 0)
		return;
	if (address.s_family == NNG_AF_INET) {
		const uint8_t *ip = (const uint8_t *)&address.s_in.sa_addr;
		snprintf(peer, size, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
	} else if (address.s_family == NNG_AF_INET6) {
		size_t used = 0;
		for (int i = 0; i < 16 && used + 3 < size; i += 2)
			used += (size_t)snprintf(peer + used, size - used, "%s%02x%02x",
			                         i ? ":" : "", address.s_in6.sa_addr[i],
			                         address.s_in6.sa_addr[i + 1]);
	}
}

/* The same, kept for the pipe a worker served last: a worker mostly
 * serves the same few connections, and this saves a getpeername on most
 * requests. nng does not reuse a pipe id while the socket lives. */
static void peer_of(nng_msg *message, char *peer, size_t size)
{
	static _Thread_local uint32_t last_pipe;
	static _Thread_local char last_peer[64];
	nng_pipe pipe = nng_msg_get_pipe(message);
	uint32_t id = (uint32_t)nng_pipe_id(pipe);
	if (id == 0 || id != last_pipe) {
		peer_address(pipe, last_peer, sizeof(last_peer));
		last_pipe = id;
	}
	snprintf(peer, size, "%s", last_peer);
}

/* A request served, kept until its reply is on its way: what is logged
 * and counted of it, and what it holds. */
typedef struct served_request {
	core_request request;
	const core_method *method;
	Chc__V1__RpcRequest *envelope;
	int64_t duration_us;
} served_request;

/* Serves message into served and returns the reply (NULL when memory ran
 * out); served_finish must follow, after the reply is sent. */
static nng_msg *serve_message(core_worker *worker, nng_msg *message, served_request *served)
{
	core_server *server = worker->server;
	char peer[64];
	peer_of(message, peer, sizeof(peer));
	int64_t started = core_monotonic_us();
	core_metrics_request_started();
	*served = (served_request){ .request = { .server = server, .database = &worker->db } };
	core_request *request = &served->request;
	size_t length = nng_msg_len(message);
	if (length > server->config.max_message_bytes) {
		core_fail(request, CHC_RESOURCE_EXHAUSTED,
		          "request of %zu bytes is over the limit of %zu bytes", length,
		          server->config.max_message_bytes);
	} else if (core_wire_check(&chc__v1__rpc_request__descriptor, nng_msg_body(message), length,
	                           NULL, 0) != CHC_OK) {
		core_fail(request, CHC_INVALID_ARGUMENT,
		          "request envelope has more fields than it may");
	} else {
		served->envelope =
		        chc__v1__rpc_request__unpack(NULL, length, nng_msg_body(message));
		if (served->envelope == NULL)
			core_fail(request, CHC_INVALID_ARGUMENT,
			          "request is not a chc.v1.RpcRequest envelope");
		else
			serve_envelope(worker, peer, served->envelope, request, &served->method);
	}
	nng_msg *reply = pack_reply(request);
	served->duration_us = core_monotonic_us() - started;
	/* Counted before the reply leaves: whoever has the reply finds the
	 * call in /metrics. */
	core_metrics_request_finished(served->method ? served->method->full_name : NULL,
	                              request->error.code, served->duration_us);
	return reply;
}

/* The rest of a request, done while its reply travels: the reply does not
 * wait for the log line (a write(2) when it flushes the buffered lines,
 * log.h) nor for the request's memory to be freed. */
static void served_finish(served_request *served)
{
	const core_method *method = served->method;
	core_request *request = &served->request;
	core_log_request(&(core_log_request_line){
	        .method =
	                method ? method->full_name : (served->envelope ? "unknown" : "undecodable"),
	        .request_id = request->request_id,
	        .code = request->error.code,
	        .message = request->error.message,
	        .duration_us = served->duration_us,
	        .principal = request->principal.subject,
	});
	core_request_fini(request);
	if (served->envelope != NULL)
		chc__v1__rpc_request__free_unpacked(served->envelope, NULL);
}

static void *worker_main(void *argument)
{
	core_worker *worker = argument;
	core_server *server = worker->server;
	for (;;) {
		/* The state is set before the flag is read: a drain that starts
		 * after the read sees RECEIVING and cancels the receive. */
		atomic_store(&worker->state, WORKER_RECEIVING);
		if (atomic_load(&server->stopping))
			break;
		nng_aio_set_timeout(worker->aio, NNG_DURATION_INFINITE);
		nng_ctx_recv(worker->context, worker->aio);
		nng_aio_wait(worker->aio);
		int rv = nng_aio_result(worker->aio);
		if (rv == NNG_ECLOSED || rv == NNG_ECANCELED)
			break;
		if (rv != 0) {
			core_log(CORE_LOG_WARN, "receive failed: %s", nng_strerror(rv));
			continue;
		}
		atomic_store(&worker->state, WORKER_SERVING);
		nng_msg *message = nng_aio_get_msg(worker->aio);
		served_request served;
		nng_msg *reply = serve_message(worker, message, &served);
		nng_msg_free(message);
		if (reply == NULL) {
			core_log(CORE_LOG_ERROR, "out of memory building a reply");
			served_finish(&served);
			continue;
		}
		nng_aio_set_msg(worker->aio, reply);
		nng_aio_set_timeout(worker->aio, SEND_TIMEOUT_MS);
		nng_ctx_send(worker->context, worker->aio);
		served_finish(&served);
		nng_aio_wait(worker->aio);
		rv = nng_aio_result(worker->aio);
		if (rv != 0) {
			/* A failed send leaves the message with us. */
			nng_msg_free(reply);
			core_log(CORE_LOG_WARN, "reply not sent: %s", nng_strerror(rv));
		}
	}
	atomic_store(&worker->state, WORKER_DONE);
	return NULL;
}

static void *housekeeping_main(void *argument)
{
	core_server *server = argument;
	core_db db;
	if (core_db_init(&db, server->config.database_url) != CHC_OK)
		return NULL;
	pthread_mutex_lock(&server->housekeeping_lock);
	while (!atomic_load(&server->stopping)) {
		pthread_mutex_unlock(&server->housekeeping_lock);
		chc_error error = { 0 };
		PGconn *connection = core_db_connection(&db, &error);
		if (connection != NULL &&
		    core_idempotency_expire(&server->idempotency, connection, &error) == CHC_OK &&
		    core_events_expire(connection, server->definition->schema,
		                       server->config.events_retention_days, &error) == CHC_OK &&
		    server->definition->housekeeping != NULL)
			server->definition->housekeeping(connection, &error);
		if (error.code != CHC_OK)
			core_log(CORE_LOG_WARN, "housekeeping: %s: %s", chc_status_name(error.code),
			         error.message);
		chc_error_fini(&error);
		core_db_note_result(&db);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += server->config.housekeeping_seconds;
		pthread_mutex_lock(&server->housekeeping_lock);
		if (!atomic_load(&server->stopping))
			pthread_cond_timedwait(&server->housekeeping_wake,
			                       &server->housekeeping_lock, &until);
	}
	pthread_mutex_unlock(&server->housekeeping_lock);
	core_db_fini(&db);
	return NULL;
}

static chc_status check_schema(core_server *server, chc_error *error)
{
	core_db db;
	if (core_db_init(&db, server->config.database_url) != CHC_OK)
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	chc_status status = CHC_OK;
	PGconn *connection = core_db_connection(&db, error);
	if (connection == NULL) {
		status = CHC_UNAVAILABLE;
	} else {
		long version = core_db_schema_version(connection, error);
		if (version < 0)
			status = error->code;
		else if (version < CHC_SCHEMA_VERSION)
			status = chc_error_set(
			        error, CHC_FAILED_PRECONDITION,
			        "database schema is at version %ld but chc-%s %s needs version %d: "
			        "run chc-migrate up",
			        version, server->definition->name, CHC_VERSION, CHC_SCHEMA_VERSION);
	}
	core_db_fini(&db);
	return status;
}

static chc_status start_workers(core_server *server, chc_error *error)
{
	server->workers = calloc((size_t)server->config.workers, sizeof(core_worker));
	if (server->workers == NULL)
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	for (int i = 0; i < server->config.workers; i++) {
		core_worker *worker = &server->workers[i];
		worker->server = server;
		int rv = nng_ctx_open(&worker->context, server->socket);
		if (rv == 0)
			rv = nng_aio_alloc(&worker->aio, NULL, NULL);
		if (rv != 0 || core_db_init(&worker->db, server->config.database_url) != CHC_OK ||
		    (server->config.database_read_url[0] != '\0' &&
		     core_db_init_replica(&worker->replica, server->config.database_read_url) !=
		             CHC_OK) ||
		    pthread_create(&worker->thread, NULL, worker_main, worker) != 0) {
			if (worker->aio != NULL)
				nng_aio_free(worker->aio);
			core_db_fini(&worker->db);
			core_db_fini(&worker->replica);
			return chc_error_set(error, CHC_RESOURCE_EXHAUSTED,
			                     "cannot start worker %d", i);
		}
		server->worker_count++;
	}
	return CHC_OK;
}

/* After the drain's queries are cancelled, how long a worker may still
 * take: one stuck outside PostgreSQL (in a call to another service) is
 * not waited for past it. */
#define DRAIN_GRACE_MS 2000

/* false when workers were left running after DRAIN_GRACE_MS: then
 * nothing they use may be freed, and the process exits as it is. */
static bool stop_workers(core_server *server)
{
	atomic_store(&server->stopping, 1);
	/* Requests being served finish and are answered; idle receives are
	 * cancelled. A worker may be just about to start its receive when the
	 * flag is set, so the cancel is repeated until every worker is done.
	 * Past CHC_DRAIN_TIMEOUT_MS the queries still running are cancelled in
	 * PostgreSQL: their transactions roll back and their callers get an
	 * error instead of a reply that never comes. */
	int64_t give_up_us = core_monotonic_us() + (int64_t)server->config.drain_timeout_ms * 1000;
	bool cancelled = false;
	for (;;) {
		int running = 0;
		for (int i = 0; i < server->worker_count; i++) {
			core_worker *worker = &server->workers[i];
			int state = atomic_load(&worker->state);
			if (state == WORKER_RECEIVING)
				nng_aio_cancel(worker->aio);
			running += state != WORKER_DONE;
		}
		if (running == 0)
			break;
		if (!cancelled && core_monotonic_us() >= give_up_us) {
			core_log(CORE_LOG_WARN,
			         "%d requests still running after %d ms: cancelling their queries",
			         running, server->config.drain_timeout_ms);
			for (int i = 0; i < server->worker_count; i++) {
				core_db_cancel(&server->workers[i].db);
				if (server->workers[i].replica.url != NULL)
					core_db_cancel(&server->workers[i].replica);
			}
			cancelled = true;
		}
		if (cancelled && core_monotonic_us() >= give_up_us + DRAIN_GRACE_MS * 1000) {
			core_log(CORE_LOG_ERROR,
			         "%d requests still running %d ms after their queries were "
			         "cancelled: exiting without them",
			         running, DRAIN_GRACE_MS);
			return false;
		}
		nng_msleep(DRAIN_POLL_MS);
	}
	for (int i = 0; i < server->worker_count; i++)
		pthread_join(server->workers[i].thread, NULL);
	/* The last replies are queued on their pipes; give them a moment to be
	 * written before the socket closes under them. */
	nng_msleep(100);
	nng_close(server->socket);
	for (int i = 0; i < server->worker_count; i++) {
		nng_aio_free(server->workers[i].aio);
		if (server->workers[i].connected)
			core_metrics_database_connections(-1);
		core_db_fini(&server->workers[i].db);
		core_db_fini(&server->workers[i].replica);
	}
	free(server->workers);
	server->workers = NULL;
	server->worker_count = 0;
	return true;
}

static int print_usage(const core_service_definition *definition, FILE *out)
{
	fprintf(out,
	        "Usage: chc-%s [--help] [--version]\n\n"
	        "Serves %s over nng (REQ/REP, protobuf envelopes chc.v1.RpcRequest and\n"
	        "chc.v1.RpcResponse) and /healthz, /readyz, /metrics over HTTP.\n"
	        "SIGTERM or SIGINT drains the requests in flight, then exits 0.\n\n",
	        definition->name, definition->service->descriptor->name);
	core_config_print_help(out, &(core_config_defaults){ definition->default_listen,
	                                                     definition->default_http_listen,
	                                                     definition->default_events_listen });
	return 0;
}

static chc_status server_start(core_server *server, chc_error *error)
{
	const core_service_definition *definition = server->definition;
	chc_status status = core_idempotency_init(&server->idempotency, definition->schema,
	                                          server->config.idempotency_ttl_seconds);
	if (status != CHC_OK)
		return chc_error_set(error, status, "out of memory");
	core_auth_settings auth = { .on = strcmp(server->config.auth, "on") == 0,
		                    .cache_seconds = server->config.auth_cache_seconds,
		                    .token_rate = server->config.token_rate,
		                    .failures_allowed = server->config.auth_failures };
	status = core_auth_init(&server->auth, &auth);
	if (status == CHC_OK)
		status = core_dispatch_add(&server->dispatch,
		                           core_health_service(server->own_service_name), false);
	if (status == CHC_OK)
		status = core_dispatch_add(&server->dispatch, core_token_service(), true);
	if (status == CHC_OK)
		status = core_dispatch_add(&server->dispatch,
		                           core_audit_service(definition->schema), true);
	if (status == CHC_OK)
		status = core_dispatch_add(&server->dispatch,
		                           core_person_service(definition->schema,
		                                               server->own_service_name,
		                                               definition->person_sources,
		                                               definition->person_source_count),
		                           true);
	if (status == CHC_OK)
		status = core_dispatch_add(
		        &server->dispatch,
		        core_events_service(definition->schema, server->own_service_name), true);
	if (status == CHC_OK)
		status = core_dispatch_add(&server->dispatch, definition->service, true);
	if (status == CHC_FAILED_PRECONDITION)
		return chc_error_set(error, status,
		                     "%s declares no (chc.v1.access) option in its .proto file: "
		                     "nothing is served until every method says who may call it",
		                     core_dispatch_undeclared(&server->dispatch));
	if (status != CHC_OK)
		return chc_error_set(error, status, "cannot build the method table");
	if (core_dispatch_scope(&server->dispatch, definition->scope_records,
	                        definition->scope_record_count, error) != CHC_OK ||
	    core_dispatch_prechecks(&server->dispatch, definition->service->descriptor,
	                            definition->prechecks, error) != CHC_OK)
		return error->code;
	if (check_schema(server, error) != CHC_OK)
		return error->code;
	if (definition->start != NULL && definition->start(&server->config, error) != CHC_OK)
		return error->code;
	int rv = nng_rep0_open(&server->socket);
	if (rv != 0)
		return chc_error_set(error, CHC_INTERNAL, "cannot open the REP socket: %s",
		                     nng_strerror(rv));
	nng_socket_set_size(server->socket, NNG_OPT_RECVMAXSZ,
	                    server->config.max_message_bytes * TRANSPORT_LIMIT_FACTOR);
	if (core_listen(server->socket, server->config.listen, "CHC_LISTEN",
	                server->config.tls_cert, server->config.tls_key, error) != CHC_OK)
		return error->code;
	return start_workers(server, error);
}

/* --help, --version, or a mistake: the exit status, or -1 to go on. */
static int command_line(int argc, char **argv, const core_service_definition *definition)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return print_usage(definition, stdout);
		if (strcmp(argv[i], "--version") == 0) {
			printf("chc-%s %s (schema %d)\n", definition->name, CHC_VERSION,
			       CHC_SCHEMA_VERSION);
			return 0;
		}
		fprintf(stderr, "chc-%s: unknown argument \"%s\" (try --help)\n", definition->name,
		        argv[i]);
		return 2;
	}
	return -1;
}

/* Blocks SIGTERM and SIGINT before nng starts its threads, so that only
 * the sigwait of the main thread ever sees them. */
static void block_signals(sigset_t *signals)
{
	sigemptyset(signals);
	sigaddset(signals, SIGTERM);
	sigaddset(signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, signals, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* What runs beside the RPC workers, started after them and stopped after
 * them. */
typedef struct server_extras {
	core_http *http;
	core_publisher *publisher;
	bool housekeeping;
} server_extras;

static chc_status extras_start(core_server *server, const char *log_name, server_extras *extras,
                               chc_error *error)
{
	if (server->config.http_listen[0] != '\0' &&
	    core_http_start(server->config.http_listen, log_name, ready_for_http, server,
	                    &extras->http, error) != CHC_OK)
		return error->code;
	if (core_publisher_start(&server->config, server->definition->schema,
	                         server->own_service_name, &extras->publisher, error) != CHC_OK)
		return error->code;
	extras->housekeeping =
	        pthread_create(&server->housekeeper, NULL, housekeeping_main, server) == 0;
	return CHC_OK;
}

/* The drain and the release of everything, in the order that lets the last
 * requests' events go out. false when workers were abandoned (the process
 * then exits without releasing what they may still use). */
static bool server_stop(core_server *server, server_extras *extras)
{
	if (!stop_workers(server))
		return false;
	if (extras->housekeeping) {
		pthread_mutex_lock(&server->housekeeping_lock);
		pthread_cond_signal(&server->housekeeping_wake);
		pthread_mutex_unlock(&server->housekeeping_lock);
		pthread_join(server->housekeeper, NULL);
	}
	core_http_stop(extras->http);
	core_readiness_stop(server->readiness);
	server->readiness = NULL;
	/* After the workers and housekeeping: their last events go out too. */
	core_publisher_stop(extras->publisher);
	if (server->definition->stop != NULL)
		server->definition->stop();
	core_dispatch_fini(&server->dispatch);
	core_idempotency_fini(&server->idempotency);
	core_auth_fini(server->auth);
	core_db_fini(&server->probe);
	core_config_fini(&server->config);
	return true;
}

int core_service_main(int argc, char **argv, const core_service_definition *definition)
{
	int exit_status = command_line(argc, argv, definition);
	if (exit_status >= 0)
		return exit_status;
	sigset_t signals;
	block_signals(&signals);

	static core_server server;
	server.definition = definition;
	snprintf(server.own_service_name, sizeof(server.own_service_name), "%s",
	         definition->service->descriptor->name);
	core_config_defaults defaults = { definition->default_listen,
		                          definition->default_http_listen,
		                          definition->default_events_listen };
	chc_error error = { 0 };
	char log_name[64];
	snprintf(log_name, sizeof(log_name), "chc-%s", definition->name);
	core_log_buffer_requests();
	if (core_config_load(&server.config, &defaults, &error) != CHC_OK) {
		core_log_setup(log_name, CORE_LOG_INFO);
		core_log(CORE_LOG_ERROR, "%s", error.message);
		chc_error_fini(&error);
		return 1;
	}
	core_log_setup(log_name, server.config.log_level);
	pthread_mutex_init(&server.housekeeping_lock, NULL);
	pthread_cond_init(&server.housekeeping_wake, NULL);
	core_db_init(&server.probe, server.config.database_url);
	server_extras extras = { .http = NULL };
	/* Before the listener: the first Health call already has an answer. */
	if (core_readiness_start(check_database, &server, READINESS_INTERVAL_MS, &server.readiness,
	                         &error) != CHC_OK ||
	    server_start(&server, &error) != CHC_OK ||
	    extras_start(&server, log_name, &extras, &error) != CHC_OK) {
		core_log(CORE_LOG_ERROR, "cannot start: %s", error.message);
		exit_status = 1;
	} else {
		if (strcmp(server.config.auth, "off") == 0)
			core_log(CORE_LOG_WARN, "CHC_AUTH=off: every caller is accepted as the "
			                        "secretariat, with no token");
		core_log(CORE_LOG_INFO,
		         "serving %s %s on %s (http %s, events %s, %d workers, reads from %s)",
		         server.own_service_name, CHC_VERSION, server.config.listen,
		         server.config.http_listen[0] ? server.config.http_listen : "off",
		         server.config.events_listen[0] ? server.config.events_listen : "off",
		         server.config.workers,
		         server.config.database_read_url[0] ? "a replica" : "the primary");
		int received = 0;
		sigwait(&signals, &received);
		core_log(CORE_LOG_INFO, "%s received: draining",
		         received == SIGTERM ? "SIGTERM" : "SIGINT");
		exit_status = 0;
	}
	if (!server_stop(&server, &extras))
		exit_status = 1;
	if (exit_status == 0)
		core_log(CORE_LOG_INFO, "stopped");
	chc_error_fini(&error);
	return exit_status;
}
