/*
 * stable.h - stable matching with capacities (the hospitals/residents
 * problem), solution-proposing deferred acceptance.
 */
#ifndef MATCHING_STABLE_H
#define MATCHING_STABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chc/status.h"

/* The acceptable pairs and both sides' preferences over them: for pair i
 * a higher solution_key[i] means the solution prefers that test bed more,
 * a higher test_bed_key[i] means the test bed prefers that solution more.
 * Equal keys are broken by the lower index (test bed for solutions,
 * solution for test beds), so every preference list is strict. */
typedef struct stable_problem {
	int solution_count;
	int test_bed_count;
	const int *capacity; /* per test bed, >= 0 */
	size_t pair_count;
	const int *pair_solution;
	const int *pair_test_bed;
	const int64_t *solution_key;
	const int64_t *test_bed_key;
} stable_problem;

/*
 * Solution-proposing deferred acceptance: the solution-optimal stable
 * matching. assigned_pair (solution_count entries) receives each solution's
 * pair index or -1. Deterministic. Returns CHC_OK, CHC_INVALID_ARGUMENT
 * (a pair out of range, a capacity < 0, a pair listed twice),
 * CHC_RESOURCE_EXHAUSTED.
 */
chc_status stable_match(const stable_problem *problem, int *assigned_pair, chc_error *error);

/*
 * Looks for a blocking pair of the matching in assigned_pair: an acceptable
 * pair whose solution is unassigned or prefers its test bed to its own, and
 * whose test bed has a free place or prefers the solution to one of its
 * own. Returns true and sets *blocking_pair when one exists. For tests and
 * for the job's self-check.
 */
bool stable_find_blocking_pair(const stable_problem *problem, const int *assigned_pair,
                               size_t *blocking_pair);

#endif /* MATCHING_STABLE_H */
