/*
 * test_bed_pairs.c - the checks of an instance that the assignment and the
 * stable matching share.
 */
#include "test_bed_pairs.h"

chc_status test_bed_pairs_check(int solution_count, int test_bed_count, const int *capacity,
                                size_t pair_count, const int *pair_solution,
                                const int *pair_test_bed, const int64_t *pair_fit, chc_error *error)
{
	if (solution_count < 0 || test_bed_count < 0)
		return chc_error_set(error, CHC_INVALID_ARGUMENT, "negative counts");
	if (pair_count > 0 && (pair_solution == NULL || pair_test_bed == NULL))
		return chc_error_set(error, CHC_INVALID_ARGUMENT, "pairs without their arrays");
	for (int t = 0; t < test_bed_count; t++)
		if (capacity[t] < 0)
			return chc_error_set(error, CHC_INVALID_ARGUMENT,
			                     "test bed %d has capacity %d", t, capacity[t]);
	for (size_t i = 0; i < pair_count; i++) {
		if (pair_solution[i] < 0 || pair_solution[i] >= solution_count ||
		    pair_test_bed[i] < 0 || pair_test_bed[i] >= test_bed_count)
			return chc_error_set(error, CHC_INVALID_ARGUMENT,
			                     "pair %zu is out of range", i);
		if (pair_fit != NULL && pair_fit[i] <= 0)
			return chc_error_set(error, CHC_INVALID_ARGUMENT, "pair %zu has fit %lld",
			                     i, (long long)pair_fit[i]);
	}
	return CHC_OK;
}
