/*
 * consortia.h - candidate buying groups: municipalities and regions whose
 * open needs are alike (same care area, overlapping target groups,
 * compatible procurement routes, deadlines close together), with their
 * population, combined budget and the solutions that meet every member's
 * hard criteria.
 */
#ifndef MATCHING_CONSORTIA_H
#define MATCHING_CONSORTIA_H

#include <stddef.h>
#include <stdint.h>

#include "chc/status.h"
#include "scoring.h"

typedef struct consortia_region {
	int code;
	int64_t population;
} consortia_region;

typedef struct consortia_input {
	/* needs, solutions, municipalities and weights as for need_solution;
	 * the scoring of a solution for a need is scoring's. */
	const scoring_input *scoring;
	const consortia_region *regions; /* sorted by code */
	size_t region_count;
	int deadline_window_days; /* >= 0 */
	int min_group_size;       /* >= 2 */
	int max_solutions;        /* solutions kept per group, >= 0 */
} consortia_input;

typedef struct consortia_member {
	size_t need;           /* index into the needs */
	int municipality_code; /* exactly one of the two is set */
	int region_code;
	int64_t population;
	char reason[256]; /* why it is in the group */
} consortia_member;

typedef struct consortia_solution {
	uint32_t solution; /* index into the solutions */
	int32_t score;     /* mean of its scores for the members' needs, basis points */
} consortia_solution;

typedef struct consortia_group {
	int care_area; /* Chc__V1__CareCategory */
	consortia_member *members;
	size_t member_count;
	int64_t total_population;
	int64_t budget_min_dkk; /* sums of the members' budget ranges */
	int64_t budget_max_dkk;
	consortia_solution *solutions; /* best first */
	size_t solution_count;
} consortia_group;

/*
 * Builds the groups, largest total population first, deterministic for the
 * same input. On CHC_OK *groups (caller frees with consortia_free) holds
 * *count groups. Returns CHC_OK, CHC_INVALID_ARGUMENT, CHC_RESOURCE_EXHAUSTED.
 */
chc_status consortia_build(const consortia_input *input, consortia_group **groups, size_t *count,
                           chc_error *error);

void consortia_free(consortia_group *groups, size_t count);

#endif /* MATCHING_CONSORTIA_H */
