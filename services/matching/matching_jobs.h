/*
 * matching_jobs.h - durable matchmaking jobs: what the handlers, the worker,
 * the runs of each kind and the export share.
 *
 * A job is a row in matching.jobs. SubmitJob inserts it; a worker thread of
 * some matching instance claims it with FOR UPDATE SKIP LOCKED under a lease
 * that a heartbeat renews, reads its inputs through libchc once (kept packed
 * with the job, so a job taken up again runs on the same inputs), computes,
 * and stores the results with the final state in one transaction.
 */
#ifndef MATCHING_JOBS_H
#define MATCHING_JOBS_H

#include <libpq-fe.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chc/status.h"
#include "chc/v1/matching.pb-c.h"
#include "config.h"
#include "request.h"

/* job_codec.c */

/* A message stored packed in a bytea column (text form "\x..."), unpacked
 * into the request's memory; NULL with the failure recorded. */
ProtobufCMessage *job_unpack_bytea(core_request *request,
                                   const ProtobufCMessageDescriptor *descriptor,
                                   const char *bytea_text);

/* The packed bytes of message, malloc'd (caller frees). */
chc_status job_pack(const ProtobufCMessage *message, uint8_t **bytes, size_t *length);

/* Many small allocations freed together: a job's inputs and results. */
typedef struct job_arena {
	struct arena_block *blocks;
} job_arena;

void *job_arena_alloc(job_arena *arena, size_t size); /* zero-filled; NULL when out of memory */
char *job_arena_strdup(job_arena *arena, const char *text);
void job_arena_fini(job_arena *arena);
/* A protobuf-c allocator over the arena (messages unpacked into it are
 * freed with it). */
ProtobufCAllocator job_arena_allocator(job_arena *arena);

/* job_parameters.c */

/* Checks kind and parameters (INVALID_ARGUMENT naming the field) and fills
 * the defaults in place, so that the stored parameters say exactly what
 * ran; the records named are checked by the two below. */
bool job_parameters_check(core_request *request, int kind, Chc__V1__JobParameters *parameters);
/* The needs and solutions the parameters name, with their services: one
 * BatchGet per service (outside any transaction: a precheck). */
bool job_parameters_check_named(core_request *request, const Chc__V1__JobParameters *parameters);
/* The test beds the parameters name, in the service's own table. */
bool job_parameters_check_test_beds(core_request *request,
                                    const Chc__V1__JobParameters *parameters);

/* job_store.c: a Job's fields in the order of their numbers. */
#define JOB_COLUMNS                                                                                \
	"j.id, j.kind, j.parameters, j.state, j.phase, j.done, j.total, j.error, "                 \
	"j.cancel_requested, j.attempts, j.result_count, j.algorithm_version, j.summary, "         \
	"(extract(epoch FROM j.created_at) * 1000)::bigint, "                                      \
	"coalesce((extract(epoch FROM j.started_at) * 1000)::bigint, 0), "                         \
	"coalesce((extract(epoch FROM j.finished_at) * 1000)::bigint, 0), j.submitted_by"
#define JOB_COLUMN_COUNT 17

/* Jobs as records (entity.h); job_load is core_entity_load typed. */
extern const struct core_entity job_entity;
chc_status job_load(core_request *request, const char *id, bool for_update, Chc__V1__Job **job);

/* The slug of a kind as stored ("need-solution"), and back. */
const char *job_kind_name(int kind);

/* job_worker.c: the threads that claim and run jobs. */
typedef struct job_settings {
	int workers;        /* CHC_JOB_WORKERS */
	int lease_seconds;  /* CHC_JOB_LEASE_SECONDS */
	int phase_pause_ms; /* CHC_JOB_PHASE_PAUSE_MS: a pause after each phase */
} job_settings;

chc_status job_settings_load(job_settings *settings, chc_error *error);
chc_status job_workers_start(const core_config *config, const job_settings *settings,
                             chc_error *error);
/* Stops claiming; a job running is handed back (queued again) for another
 * instance or the next start. */
void job_workers_stop(void);

/* One job being run. */
typedef struct job_run {
	char id[37];
	int kind;
	Chc__V1__JobParameters *parameters;
	Chc__V1__JobInputs *inputs;
	job_arena arena; /* parameters, inputs, results and their strings */
	Chc__V1__JobResult **results;
	size_t result_count;
	size_t result_capacity;
	char summary[256];
	int phase_pause_ms;
	const char *timed_phase; /* the phase whose time is being taken, for the log */
	int64_t phase_started_us;
	/* Progress, written by the run and read by the heartbeat. */
	_Atomic(const char *) phase;
	atomic_llong done;
	atomic_llong total;
	atomic_bool stop; /* cancelled, shut down, or the lease was lost */
} job_run;

/* Sets the phase and progress; false when the run must stop. */
bool job_run_progress(job_run *run, const char *phase, int64_t done, int64_t total);

/* Ends a phase: pauses when CHC_JOB_PHASE_PAUSE_MS asks to; false when the
 * run must stop. */
bool job_run_phase_done(job_run *run);

/* Appends a result (arena memory). */
chc_status job_run_add_result(job_run *run, Chc__V1__JobResult *result, chc_error *error);

/* job_inputs.c: reads what the job needs through libchc, sorted by id. */
struct core_db;
chc_status job_inputs_read(job_run *run, struct core_db *database, chc_error *error);

/* The runs of each kind: results appended to run. */
chc_status job_run_need_solution(job_run *run, chc_error *error);
chc_status job_run_test_beds(job_run *run, chc_error *error); /* assignment and stable */
chc_status job_run_consortia(job_run *run, chc_error *error);

/* job_test_bed_pairs.c: which solutions may go to which test bed, and how
 * well they fit, shared by the runs and the export. */
typedef struct test_bed_pair {
	int solution; /* index into inputs->solutions */
	int test_bed; /* index into inputs->test_beds */
	int64_t fit;  /* 1 to 1000 */
} test_bed_pair;

typedef struct test_bed_pairs {
	int *seeking; /* indexes of the solutions that seek a test bed */
	int seeking_count;
	int *capacity;        /* per test bed */
	test_bed_pair *pairs; /* by solution, then test bed */
	size_t pair_count;
} test_bed_pairs;

chc_status test_bed_pairs_build(const Chc__V1__JobInputs *inputs,
                                const Chc__V1__JobParameters *parameters, test_bed_pairs *pairs,
                                chc_error *error);
void test_bed_pairs_fini(test_bed_pairs *pairs);

/* The reasons of one pair's fit (hard criteria, then the parts of the
 * fit), in the arena. */
chc_status test_bed_pair_reasons_of(job_arena *arena, const Chc__V1__JobInputs *inputs,
                                    const Chc__V1__Solution *solution,
                                    const Chc__V1__TestBed *test_bed, Chc__V1__JobResult *result);

/* True when the solution is deployed in the test bed's region already. */
bool test_bed_solution_is_local(const Chc__V1__JobInputs *inputs, const Chc__V1__Solution *solution,
                                const Chc__V1__TestBed *test_bed);

/* How many hard criteria the pair fails, and the first one in words. */
int test_bed_pair_failures(const Chc__V1__JobInputs *inputs, const Chc__V1__Solution *solution,
                           const Chc__V1__TestBed *test_bed, char *first, size_t size);

/* job_export.c: the export document (docs/job-export.md), malloc'd. */
chc_status job_export_build(int kind, const Chc__V1__JobParameters *parameters,
                            const char *algorithm_version, const Chc__V1__JobInputs *inputs,
                            Chc__V1__JobResult *const *results, size_t result_count, int format,
                            char **document, size_t *length, chc_error *error);

#endif /* MATCHING_JOBS_H */
