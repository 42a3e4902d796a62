/*
 * job_worker.c - the threads that claim and run jobs.
 *
 * A worker claims the oldest claimable job (queued, or running under a
 * lease that ran out because its worker died) with FOR UPDATE SKIP LOCKED,
 * so instances sharing the database never run a job twice at once. While
 * the job runs, a heartbeat on a second connection writes its progress and
 * renews the lease every quarter second, and reads back whether it was
 * cancelled. The results and the final state are written in one
 * transaction, and only while this worker still holds the lease.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include "algorithm_version.h"
#include "chc/json.h"
#include "chc/uuid.h"
#include "db.h"
#include "log.h"
#include "matching.h"
#include "matching_jobs.h"

#define MAX_WORKERS       16
#define HEARTBEAT_MS      250
#define IDLE_WAIT_MS      1000
#define RECONNECT_WAIT_MS 1000

typedef struct job_worker {
	pthread_t thread;
	int number;
	char owner[80]; /* lease owner: host, process, worker */
	core_db db;     /* the run's connection, reconnected on demand */
	PGconn *connection;
	PGconn *listening; /* the connection LISTEN was sent on */
	PGconn *heartbeat_connection;
} job_worker;

static struct {
	job_settings settings;
	char *database_url;
	job_worker workers[MAX_WORKERS];
	int started;
	atomic_bool stopping;
	int wake_pipe[2]; /* written once at stop: wakes idle workers */
} pool = { .wake_pipe = { -1, -1 } };

static int setting(const char *name, int fallback, int minimum, int maximum, int *value,
                   chc_error *error)
{
	const char *text = getenv(name);
	*value = fallback;
	if (text == NULL || text[0] == '\0')
		return CHC_OK;
	char *end = NULL;
	long parsed = strtol(text, &end, 10);
	if (*end != '\0' || parsed < minimum || parsed > maximum)
		return chc_error_set(error, CHC_INVALID_ARGUMENT, "%s=%s: expected %d to %d", name,
		                     text, minimum, maximum);
	*value = (int)parsed;
	return CHC_OK;
}

chc_status job_settings_load(job_settings *settings, chc_error *error)
{
	if (setting("CHC_JOB_WORKERS", 1, 0, MAX_WORKERS, &settings->workers, error) != CHC_OK ||
	    setting("CHC_JOB_LEASE_SECONDS", 30, 1, 3600, &settings->lease_seconds, error) !=
	            CHC_OK ||
	    setting("CHC_JOB_PHASE_PAUSE_MS", 0, 0, 60000, &settings->phase_pause_ms, error) !=
	            CHC_OK)
		return error->code;
	return CHC_OK;
}

/* Runs a statement with text parameters; true when it did what status
 * expects. The result is cleared unless kept. */
static bool run_sql(PGconn *connection, const char *sql, int count, const char *const *values,
                    ExecStatusType expected, PGresult **kept)
{
	PGresult *result = PQexecParams(connection, sql, count, NULL, values, NULL, NULL, 0);
	bool ok = PQresultStatus(result) == expected;
	if (!ok)
		core_log(CORE_LOG_WARN, "job worker: %s", PQresultErrorMessage(result));
	if (kept != NULL && ok)
		*kept = result;
	else
		PQclear(result);
	return ok;
}

static PGconn *connect_database(void)
{
	PGconn *connection = PQconnectdb(pool.database_url);
	if (PQstatus(connection) != CONNECTION_OK) {
		PQfinish(connection);
		return NULL;
	}
	return connection;
}

static bool worker_connect(job_worker *worker)
{
	chc_error error = { 0 };
	core_db_note_result(&worker->db);
	worker->connection = core_db_connection(&worker->db, &error);
	chc_error_fini(&error);
	if (worker->connection == NULL)
		return false;
	if (worker->listening != worker->connection) {
		if (!run_sql(worker->connection, "LISTEN matching_jobs", 0, NULL, PGRES_COMMAND_OK,
		             NULL))
			return false;
		worker->listening = worker->connection;
	}
	if (worker->heartbeat_connection != NULL &&
	    PQstatus(worker->heartbeat_connection) == CONNECTION_OK)
		return true;
	PQfinish(worker->heartbeat_connection);
	worker->heartbeat_connection = connect_database();
	return worker->heartbeat_connection != NULL;
}

/* Sleeps until a job is announced, the stop pipe is written, or timeout. */
static void wait_for_work(PGconn *connection, int timeout_ms)
{
	fd_set readable;
	FD_ZERO(&readable);
	int socket = connection != NULL ? PQsocket(connection) : -1;
	int highest = pool.wake_pipe[0];
	FD_SET(pool.wake_pipe[0], &readable);
	if (socket >= 0) {
		FD_SET(socket, &readable);
		if (socket > highest)
			highest = socket;
	}
	struct timeval timeout = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	if (select(highest + 1, &readable, NULL, NULL, &timeout) > 0 && socket >= 0 &&
	    FD_ISSET(socket, &readable)) {
		PQconsumeInput(connection);
		PGnotify *notify;
		while ((notify = PQnotifies(connection)) != NULL)
			PQfreemem(notify);
	}
}

/* Progress */

/* Each phase's time goes to the log: where a slow job spends it. */
static void time_phase(job_run *run, const char *phase)
{
	if (run->timed_phase != NULL && strcmp(run->timed_phase, phase) == 0)
		return;
	int64_t now = core_monotonic_us();
	if (run->timed_phase != NULL)
		core_log(CORE_LOG_INFO, "job %s: %s took %.0f ms", run->id, run->timed_phase,
		         (double)(now - run->phase_started_us) / 1000);
	run->timed_phase = phase;
	run->phase_started_us = now;
}

bool job_run_progress(job_run *run, const char *phase, int64_t done, int64_t total)
{
	time_phase(run, phase);
	atomic_store(&run->phase, phase);
	atomic_store(&run->done, done);
	atomic_store(&run->total, total);
	return !atomic_load(&run->stop) && !atomic_load(&pool.stopping);
}

bool job_run_phase_done(job_run *run)
{
	for (int waited = 0; waited < run->phase_pause_ms; waited += 50) {
		if (atomic_load(&run->stop) || atomic_load(&pool.stopping))
			return false;
		usleep(50 * 1000);
	}
	return !atomic_load(&run->stop) && !atomic_load(&pool.stopping);
}

chc_status job_run_add_result(job_run *run, Chc__V1__JobResult *result, chc_error *error)
{
	if (run->result_count == run->result_capacity) {
		size_t capacity = run->result_capacity ? 2 * run->result_capacity : 1024;
		Chc__V1__JobResult **grown = realloc(run->results, capacity * sizeof(*grown));
		if (grown == NULL)
			return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
		run->results = grown;
		run->result_capacity = capacity;
	}
	run->results[run->result_count++] = result;
	return CHC_OK;
}

/* The heartbeat */

typedef struct heartbeat {
	job_worker *worker;
	job_run *run;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool finished;
} heartbeat;

static void heartbeat_once(heartbeat *beat)
{
	job_run *run = beat->run;
	char done[32], total[32], lease[32];
	snprintf(done, sizeof(done), "%lld", (long long)atomic_load(&run->done));
	snprintf(total, sizeof(total), "%lld", (long long)atomic_load(&run->total));
	snprintf(lease, sizeof(lease), "%d", pool.settings.lease_seconds);
	const char *phase = atomic_load(&run->phase);
	const char *values[] = { run->id, beat->worker->owner, phase ? phase : "", done, total,
		                 lease };
	PGresult *result = NULL;
	if (!run_sql(beat->worker->heartbeat_connection,
	             "UPDATE matching.jobs SET phase = $3, done = $4::bigint, total = $5::bigint, "
	             "lease_expires_at = now() + make_interval(secs => $6::int) "
	             "WHERE id = $1::uuid AND lease_owner = $2 AND state = 'running' "
	             "RETURNING cancel_requested",
	             6, values, PGRES_TUPLES_OK, &result))
		return; /* the database is away: the lease runs on; try again */
	/* No row: another worker holds the job now (our lease ran out). */
	if (PQntuples(result) == 0 || PQgetvalue(result, 0, 0)[0] == 't')
		atomic_store(&run->stop, true);
	PQclear(result);
}

static void *heartbeat_main(void *argument)
{
	heartbeat *beat = argument;
	pthread_mutex_lock(&beat->lock);
	while (!beat->finished) {
		pthread_mutex_unlock(&beat->lock);
		heartbeat_once(beat);
		pthread_mutex_lock(&beat->lock);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += HEARTBEAT_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		if (!beat->finished)
			pthread_cond_timedwait(&beat->wake, &beat->lock, &until);
	}
	pthread_mutex_unlock(&beat->lock);
	return NULL;
}

/* Claiming and finishing */

static bool claim(job_worker *worker, job_run *run, bool *claimed)
{
	char lease[32];
	snprintf(lease, sizeof(lease), "%d", pool.settings.lease_seconds);
	const char *values[] = { worker->owner, lease };
	PGresult *result = NULL;
	*claimed = false;
	if (!run_sql(worker->connection,
	             "UPDATE matching.jobs j SET state = 'running', lease_owner = $1, "
	             "lease_expires_at = now() + make_interval(secs => $2::int), "
	             "attempts = attempts + 1, started_at = coalesce(started_at, now()) "
	             "WHERE j.id = (SELECT id FROM matching.jobs WHERE state = 'queued' OR "
	             "(state = 'running' AND lease_expires_at < now()) "
	             "ORDER BY created_at, id FOR UPDATE SKIP LOCKED LIMIT 1) "
	             "RETURNING j.id, j.kind, j.parameters, j.cancel_requested, j.attempts",
	             2, values, PGRES_TUPLES_OK, &result))
		return false;
	if (PQntuples(result) == 1) {
		*claimed = true;
		snprintf(run->id, sizeof(run->id), "%s", PQgetvalue(result, 0, 0));
		run->kind = 0;
		chc_enum_parse(&chc__v1__job_kind__descriptor, PQgetvalue(result, 0, 1),
		               &run->kind);
		size_t length = 0;
		unsigned char *bytes =
		        PQunescapeBytea((const unsigned char *)PQgetvalue(result, 0, 2), &length);
		ProtobufCAllocator allocator = job_arena_allocator(&run->arena);
		run->parameters = bytes == NULL
		                          ? NULL
		                          : (Chc__V1__JobParameters *)protobuf_c_message_unpack(
		                                    &chc__v1__job_parameters__descriptor,
		                                    &allocator, length, bytes);
		PQfreemem(bytes);
		atomic_store(&run->stop, PQgetvalue(result, 0, 3)[0] == 't');
		core_log(CORE_LOG_INFO, "job %s (%s) claimed by %s, attempt %s", run->id,
		         PQgetvalue(result, 0, 1), worker->owner, PQgetvalue(result, 0, 4));
	}
	PQclear(result);
	return true;
}

/* The inputs kept with the job, or read now and kept. */
static chc_status load_inputs(job_worker *worker, job_run *run, chc_error *error)
{
	const char *values[] = { run->id };
	PGresult *result = PQexecParams(worker->connection,
	                                "SELECT inputs FROM matching.jobs WHERE id = $1::uuid", 1,
	                                NULL, values, NULL, NULL, 1);
	chc_status status = CHC_OK;
	if (PQresultStatus(result) != PGRES_TUPLES_OK || PQntuples(result) != 1) {
		status = chc_error_set(error, CHC_UNAVAILABLE, "cannot read the job: %s",
		                       PQresultErrorMessage(result));
	} else if (!PQgetisnull(result, 0, 0)) {
		ProtobufCAllocator allocator = job_arena_allocator(&run->arena);
		run->inputs = (Chc__V1__JobInputs *)protobuf_c_message_unpack(
		        &chc__v1__job_inputs__descriptor, &allocator,
		        (size_t)PQgetlength(result, 0, 0),
		        (const uint8_t *)PQgetvalue(result, 0, 0));
		if (run->inputs == NULL)
			status = chc_error_set(error, CHC_DATA_LOSS,
			                       "the job's kept inputs do not decode");
	}
	PQclear(result);
	if (status != CHC_OK || run->inputs != NULL)
		return status;
	/* A decline just before the job counts in it; the projects service
	 * being away only leaves out declines not yet taken. */
	if (run->kind == CHC__V1__JOB_KIND__JOB_KIND_NEED_SOLUTION) {
		chc_error declines = { 0 };
		if (feedback_take_declines(worker->connection, &declines) != CHC_OK)
			core_log(CORE_LOG_WARN, "job %s: declined interests not taken: %s", run->id,
			         declines.message ? declines.message : "");
		chc_error_fini(&declines);
	}
	status = job_inputs_read(run, &worker->db, error);
	if (status != CHC_OK)
		return status;
	uint8_t *packed = NULL;
	size_t length = 0;
	if (job_pack(&run->inputs->base, &packed, &length) != CHC_OK)
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	char length_text[32];
	snprintf(length_text, sizeof(length_text), "%zu", length);
	const char *store[] = { run->id, worker->owner, (const char *)packed };
	const int lengths[] = { 0, 0, (int)length };
	const int formats[] = { 0, 0, 1 };
	result = PQexecParams(worker->connection,
	                      "UPDATE matching.jobs SET inputs = $3 WHERE id = $1::uuid AND "
	                      "lease_owner = $2 AND state = 'running'",
	                      3, NULL, store, lengths, formats, 0);
	if (PQresultStatus(result) != PGRES_COMMAND_OK)
		status = chc_error_set(error, CHC_UNAVAILABLE, "cannot keep the job's inputs: %s",
		                       PQresultErrorMessage(result));
	else if (strcmp(PQcmdTuples(result), "1") != 0)
		status = chc_error_set(error, CHC_ABORTED, "the job's lease was lost");
	PQclear(result);
	free(packed);
	return status;
}

/* COPY text form of bytea: "\\x" then hex (the backslash escaped for COPY). */
static chc_status copy_results(PGconn *connection, const job_run *run, chc_error *error)
{
	PGresult *result =
	        PQexec(connection, "COPY matching.job_results (job_id, position, kind, need_id, "
	                           "solution_id, test_bed_id, result) FROM STDIN");
	bool ok = PQresultStatus(result) == PGRES_COPY_IN;
	PQclear(result);
	if (!ok)
		return chc_error_set(error, CHC_UNAVAILABLE, "cannot store results: %s",
		                     PQerrorMessage(connection));
	static const char digits[] = "0123456789abcdef";
	size_t capacity = 1 << 16;
	char *line = malloc(capacity);
	chc_status status = line != NULL ? CHC_OK : CHC_RESOURCE_EXHAUSTED;
	for (size_t i = 0; i < run->result_count && status == CHC_OK; i++) {
		const Chc__V1__JobResult *one = run->results[i];
		size_t packed_size = protobuf_c_message_get_packed_size(&one->base);
		size_t needed = 400 + 2 * packed_size;
		if (needed > capacity) {
			char *grown = realloc(line, needed);
			if (grown == NULL) {
				status = CHC_RESOURCE_EXHAUSTED;
				break;
			}
			line = grown;
			capacity = needed;
		}
		char kind[48];
		chc_enum_slug(&chc__v1__result_kind__descriptor, one->kind, kind, sizeof(kind));
		int used = snprintf(line, capacity, "%s\t%zu\t%s\t%s\t%s\t%s\t\\\\x", run->id, i,
		                    kind, one->need_id, one->solution_id, one->test_bed_id);
		uint8_t *packed = (uint8_t *)line + capacity - packed_size;
		protobuf_c_message_pack(&one->base, packed);
		char *cursor = line + used;
		for (size_t b = 0; b < packed_size; b++) {
			uint8_t byte = packed[b];
			*cursor++ = digits[byte >> 4];
			*cursor++ = digits[byte & 15];
		}
		*cursor++ = '\n';
		if (PQputCopyData(connection, line, (int)(cursor - line)) != 1)
			status = CHC_UNAVAILABLE;
	}
	free(line);
	if (PQputCopyEnd(connection, status == CHC_OK ? NULL : "results not stored") != 1)
		status = CHC_UNAVAILABLE;
	result = PQgetResult(connection);
	if (PQresultStatus(result) != PGRES_COMMAND_OK && status == CHC_OK)
		status = chc_error_set(error, CHC_UNAVAILABLE, "cannot store results: %s",
		                       PQresultErrorMessage(result));
	PQclear(result);
	while ((result = PQgetResult(connection)) != NULL)
		PQclear(result);
	if (status != CHC_OK && error->message == NULL)
		chc_error_set(error, status, "cannot store results");
	return status;
}

/* Results and the final state, in one transaction, only under our lease. */
static chc_status finish_succeeded(job_worker *worker, job_run *run, chc_error *error)
{
	PGconn *connection = worker->connection;
	const char *id[] = { run->id };
	if (!run_sql(connection, "BEGIN", 0, NULL, PGRES_COMMAND_OK, NULL) ||
	    !run_sql(connection, "DELETE FROM matching.job_results WHERE job_id = $1::uuid", 1, id,
	             PGRES_COMMAND_OK, NULL)) {
		run_sql(connection, "ROLLBACK", 0, NULL, PGRES_COMMAND_OK, NULL);
		return chc_error_set(error, CHC_UNAVAILABLE, "cannot store results: %s",
		                     PQerrorMessage(connection));
	}
	chc_status status = copy_results(connection, run, error);
	char count[32];
	snprintf(count, sizeof(count), "%zu", run->result_count);
	const char *values[] = { run->id, worker->owner, count, run->summary };
	PGresult *result = NULL;
	if (status == CHC_OK &&
	    run_sql(connection,
	            "UPDATE matching.jobs SET state = 'succeeded', phase = 'done', done = total, "
	            "result_count = $3::bigint, summary = $4, finished_at = now(), "
	            "lease_owner = NULL, lease_expires_at = NULL "
	            "WHERE id = $1::uuid AND lease_owner = $2 AND state = 'running'",
	            4, values, PGRES_COMMAND_OK, &result)) {
		if (strcmp(PQcmdTuples(result), "1") != 0)
			status = chc_error_set(error, CHC_ABORTED, "the job's lease was lost");
		PQclear(result);
	} else if (status == CHC_OK) {
		status = chc_error_set(error, CHC_UNAVAILABLE, "cannot finish the job");
	}
	const char *event[] = { run->id, run->summary };
	if (status == CHC_OK &&
	    (!run_sql(connection,
	              "INSERT INTO matching.events (type, subject_id, audience, payload) VALUES "
	              "('job.succeeded', $1, '{secretariat}', jsonb_build_object('summary', "
	              "$2::text))",
	              2, event, PGRES_COMMAND_OK, NULL) ||
	     !run_sql(connection, "COMMIT", 0, NULL, PGRES_COMMAND_OK, NULL)))
		status = chc_error_set(error, CHC_UNAVAILABLE, "cannot finish the job");
	if (status != CHC_OK)
		run_sql(connection, "ROLLBACK", 0, NULL, PGRES_COMMAND_OK, NULL);
	return status;
}

/* Failed or cancelled: the state, the reason and the event together. */
static void finish_unsuccessful(job_worker *worker, job_run *run, const char *state,
                                const char *reason)
{
	const char *values[] = { run->id, worker->owner, state, reason };
	run_sql(worker->connection,
	        "WITH finished AS (UPDATE matching.jobs SET state = $3, error = $4, "
	        "finished_at = now(), lease_owner = NULL, lease_expires_at = NULL "
	        "WHERE id = $1::uuid AND lease_owner = $2 AND state = 'running' RETURNING id) "
	        "INSERT INTO matching.events (type, subject_id, audience, payload) "
	        "SELECT 'job.' || $3, id::text, '{secretariat}', jsonb_build_object('error', "
	        "$4::text) "
	        "FROM finished",
	        4, values, PGRES_COMMAND_OK, NULL);
}

/* Shutting down: the job goes back to the queue for another instance. */
static void hand_back(job_worker *worker, job_run *run)
{
	const char *values[] = { run->id, worker->owner };
	run_sql(worker->connection,
	        "UPDATE matching.jobs SET state = 'queued', lease_owner = NULL, "
	        "lease_expires_at = NULL, phase = 'waiting for a worker' "
	        "WHERE id = $1::uuid AND lease_owner = $2 AND state = 'running'",
	        2, values, PGRES_COMMAND_OK, NULL);
}

static chc_status compute(job_run *run, chc_error *error)
{
	switch (run->kind) {
	case CHC__V1__JOB_KIND__JOB_KIND_NEED_SOLUTION:
		return job_run_need_solution(run, error);
	case CHC__V1__JOB_KIND__JOB_KIND_TESTBED_ASSIGNMENT:
	case CHC__V1__JOB_KIND__JOB_KIND_TESTBED_STABLE:
		return job_run_test_beds(run, error);
	case CHC__V1__JOB_KIND__JOB_KIND_CONSORTIA:
		return job_run_consortia(run, error);
	default:
		return chc_error_set(error, CHC_INVALID_ARGUMENT, "unknown job kind %d", run->kind);
	}
}

static void run_job(job_worker *worker, job_run *run)
{
	heartbeat beat = { .worker = worker, .run = run };
	pthread_mutex_init(&beat.lock, NULL);
	pthread_cond_init(&beat.wake, NULL);
	bool beating = pthread_create(&beat.thread, NULL, heartbeat_main, &beat) == 0;
	chc_error error = { 0 };
	chc_status status = CHC_OK;
	if (run->parameters == NULL)
		status = chc_error_set(&error, CHC_DATA_LOSS, "the job's parameters do not decode");
	if (status == CHC_OK && job_run_progress(run, "reading inputs", 0, 0))
		status = load_inputs(worker, run, &error);
	if (status == CHC_OK && job_run_phase_done(run))
		status = compute(run, &error);
	if (status == CHC_OK &&
	    job_run_progress(run, "storing results", 0, (int64_t)run->result_count))
		status = finish_succeeded(worker, run, &error);
	pthread_mutex_lock(&beat.lock);
	beat.finished = true;
	pthread_cond_signal(&beat.wake);
	pthread_mutex_unlock(&beat.lock);
	if (beating)
		pthread_join(beat.thread, NULL);
	pthread_mutex_destroy(&beat.lock);
	pthread_cond_destroy(&beat.wake);

	bool stopped =
	        atomic_load(&run->stop) || atomic_load(&pool.stopping) || status == CHC_CANCELLED;
	if (status == CHC_OK) {
		core_log(CORE_LOG_INFO, "job %s succeeded: %s", run->id, run->summary);
	} else if (atomic_load(&pool.stopping)) {
		core_log(CORE_LOG_INFO, "job %s handed back: the service is stopping", run->id);
		hand_back(worker, run);
	} else if (stopped) {
		core_log(CORE_LOG_INFO, "job %s stopped: cancelled or its lease was lost", run->id);
		finish_unsuccessful(worker, run, "cancelled", "cancelled on request");
	} else if (status == CHC_UNAVAILABLE && PQstatus(worker->connection) != CONNECTION_OK) {
		/* The database went away: the lease will run out and the job be
		 * taken up again, by us or another instance. */
		core_log(CORE_LOG_WARN, "job %s interrupted: %s", run->id, error.message);
	} else {
		core_log(CORE_LOG_WARN, "job %s failed: %s", run->id, error.message);
		finish_unsuccessful(worker, run, "failed", error.message ? error.message : "");
	}
	chc_error_fini(&error);
}

static void *worker_main(void *argument)
{
	job_worker *worker = argument;
	while (!atomic_load(&pool.stopping)) {
		if (!worker_connect(worker)) {
			wait_for_work(NULL, RECONNECT_WAIT_MS);
			continue;
		}
		job_run run = { .phase_pause_ms = pool.settings.phase_pause_ms };
		bool claimed = false;
		if (claim(worker, &run, &claimed) && claimed)
			run_job(worker, &run);
		free(run.results);
		job_arena_fini(&run.arena);
		if (!claimed)
			wait_for_work(worker->connection, IDLE_WAIT_MS);
	}
	core_db_fini(&worker->db);
	PQfinish(worker->heartbeat_connection);
	worker->connection = worker->heartbeat_connection = worker->listening = NULL;
	return NULL;
}

chc_status job_workers_start(const core_config *config, const job_settings *settings,
                             chc_error *error)
{
	pool.settings = *settings;
	pool.database_url = strdup(config->database_url);
	atomic_store(&pool.stopping, false);
	if (pool.database_url == NULL || pipe(pool.wake_pipe) != 0)
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "cannot start the job workers");
	char host[64] = "";
	gethostname(host, sizeof(host) - 1);
	for (int i = 0; i < settings->workers; i++) {
		job_worker *worker = &pool.workers[i];
		worker->number = i;
		if (core_db_init(&worker->db, config->database_url) != CHC_OK) {
			job_workers_stop();
			return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
		}
		snprintf(worker->owner, sizeof(worker->owner), "%s:%ld:%d", host, (long)getpid(),
		         i);
		if (pthread_create(&worker->thread, NULL, worker_main, worker) != 0) {
			job_workers_stop();
			return chc_error_set(error, CHC_RESOURCE_EXHAUSTED,
			                     "cannot start job worker %d", i);
		}
		pool.started++;
	}
	return CHC_OK;
}

void job_workers_stop(void)
{
	atomic_store(&pool.stopping, true);
	if (pool.wake_pipe[1] >= 0 && write(pool.wake_pipe[1], "x", 1) < 0)
		core_log(CORE_LOG_WARN, "cannot wake the job workers: %s", strerror(errno));
	for (int i = 0; i < pool.started; i++)
		pthread_join(pool.workers[i].thread, NULL);
	pool.started = 0;
	for (int i = 0; i < 2; i++)
		if (pool.wake_pipe[i] >= 0) {
			close(pool.wake_pipe[i]);
			pool.wake_pipe[i] = -1;
		}
	free(pool.database_url);
	pool.database_url = NULL;
}
