/*
 * job_view.h - the parts of `chc job` that are pure computation, kept apart
 * so that tests check them without a service: the progress line and the
 * difference between two runs' results.
 */
#ifndef CLI_JOB_VIEW_H
#define CLI_JOB_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "chc/v1/matching.pb-c.h"

/* "[#########...........]  45%  scoring  450/1000  1234/s  3 s left" for a
 * phase begun seconds ago; width counts the bar's cells. */
void job_progress_line(const char *phase, int64_t done, int64_t total, double seconds, int width,
                       char *line, size_t size);

typedef enum job_change_kind {
	JOB_CHANGE_APPEARED,
	JOB_CHANGE_DISAPPEARED,
	JOB_CHANGE_CHANGED,
} job_change_kind;

/* One match that differs between run A and run B. Pointers into the
 * results compared. */
typedef struct job_change {
	job_change_kind kind;
	const Chc__V1__JobResult *before; /* NULL when it appeared */
	const Chc__V1__JobResult *after;  /* NULL when it disappeared */
} job_change;

/*
 * Compares the matches of two runs: need_solution matches keyed by need and
 * solution, test-bed assignments keyed by solution (a new test bed is a
 * change). A match whose rank, score or test bed differs has changed.
 * *changes (malloc'd, caller frees) lists them in B's order, then what
 * disappeared in A's; *unchanged counts the rest. Returns 0, or -1 when
 * memory runs out.
 */
int job_diff(Chc__V1__JobResult *const *before, size_t before_count,
             Chc__V1__JobResult *const *after, size_t after_count, job_change **changes,
             size_t *change_count, size_t *unchanged);

#endif /* CLI_JOB_VIEW_H */
