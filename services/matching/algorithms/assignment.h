/*
 * assignment.h - the optimal test-bed assignment: each solution to at most
 * one test bed it may go to, never above a test bed's capacity, maximising
 * the total fit. Solved exactly as a minimum-cost flow.
 */
#ifndef MATCHING_ASSIGNMENT_H
#define MATCHING_ASSIGNMENT_H

#include <stddef.h>
#include <stdint.h>

#include "chc/status.h"

/* The allowed pairs of an instance; pair i joins pair_solution[i] and
 * pair_test_bed[i] with fit pair_fit[i] > 0. A solution may stay unassigned. */
typedef struct assignment_problem {
	int solution_count;
	int test_bed_count;
	const int *capacity; /* per test bed, >= 0 */
	size_t pair_count;
	const int *pair_solution;
	const int *pair_test_bed;
	const int64_t *pair_fit;
} assignment_problem;

/*
 * Solves problem optimally. assigned_pair (solution_count entries, caller
 * storage) receives for each solution the index of its pair, or -1 when it
 * stays unassigned; *total_fit the sum of the fits of the pairs chosen.
 * The same problem always gives the same answer. Returns CHC_OK,
 * CHC_INVALID_ARGUMENT (a pair out of range, a fit <= 0, a capacity < 0),
 * CHC_RESOURCE_EXHAUSTED, CHC_INTERNAL (the solver failed).
 */
chc_status assignment_solve(const assignment_problem *problem, int *assigned_pair,
                            int64_t *total_fit, chc_error *error);

#endif /* MATCHING_ASSIGNMENT_H */
