/*
 * test_bed_pairs.h - what the assignment and the stable matching both
 * take: solutions, test beds with capacities, and the allowed pairs
 * between them (pair i joins pair_solution[i] and pair_test_bed[i]).
 */
#ifndef MATCHING_TEST_BED_PAIRS_H
#define MATCHING_TEST_BED_PAIRS_H

#include <stddef.h>
#include <stdint.h>

#include "chc/status.h"

/* CHC_OK, or CHC_INVALID_ARGUMENT naming the first fault: a negative
 * count, pairs without their arrays, a capacity < 0, a pair out of range
 * or (when pair_fit is not NULL) a pair whose fit is not above 0. */
chc_status test_bed_pairs_check(int solution_count, int test_bed_count, const int *capacity,
                                size_t pair_count, const int *pair_solution,
                                const int *pair_test_bed, const int64_t *pair_fit,
                                chc_error *error);

#endif /* MATCHING_TEST_BED_PAIRS_H */
