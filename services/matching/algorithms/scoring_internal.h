/*
 * scoring_internal.h - what scoring.c and consortia.c share: the facts of a
 * solution and of a need as bit masks and integers, read once, and the
 * per-pair functions both use.
 */
#ifndef MATCHING_SCORING_INTERNAL_H
#define MATCHING_SCORING_INTERNAL_H

#include <stdint.h>

#include "scoring.h"

typedef struct solution_facts {
	const char *id;
	uint32_t categories;    /* bit per CareCategory value */
	uint32_t target_groups; /* bit per TargetGroup value */
	uint32_t standards;     /* bit per Standard value */
	uint32_t regions;       /* bit (code - 1080) per region deployed in */
	uint32_t size_bands;    /* bit per population band of municipalities deployed in */
	int trl;
	int device_class;
	int evidence; /* 0 (none) to 4 (a MAST assessment) */
	int64_t price_dkk;
	bool dpa;
	bool deployed;
	uint32_t languages; /* bit 0 da, bit 1 en, bit 2 another */
} solution_facts;

typedef struct need_facts {
	int care_area;
	uint32_t care_area_bit;
	uint32_t related_areas; /* categories that fit in part */
	uint32_t target_groups;
	int target_group_count;
	uint32_t standards;
	uint32_t regions;    /* of its owners */
	uint32_t size_bands; /* of its owning municipalities */
	int min_trl;
	int max_device_class; /* 0: no limit */
	bool dpa;
	int64_t budget_min_dkk;
	int64_t budget_max_dkk;
	uint32_t language;                  /* the bit of its text's language */
	int64_t weight[SCORING_SOFT_COUNT]; /* integer weights, the need's criteria applied */
	int64_t weight_total;
} need_facts;

/* The facts of every solution and need of input (malloc'd arrays, caller
 * frees). */
chc_status scoring_facts(const scoring_input *input, solution_facts **solutions, need_facts **needs,
                         chc_error *error);

/* The facts of one solution and of one need. */
void scoring_solution_facts(const scoring_input *input, const Chc__V1__Solution *solution,
                            solution_facts *facts);
void scoring_need_facts(const scoring_input *input, const Chc__V1__Need *need, need_facts *facts);

/* How many hard criteria the pair fails (0: it may match). */
int scoring_hard_failures(const need_facts *need, const solution_facts *solution);

/* How well the pair meets one soft criterion, 0 to 1000 permille. */
int scoring_fulfilment(int criterion, const need_facts *need, const solution_facts *solution);

/* The soft score of the pair, 0 to 10000 basis points: the criteria's
 * fulfilment weighted by the need's weights. */
int32_t scoring_soft_score(const need_facts *need, const solution_facts *solution);

#endif /* MATCHING_SCORING_INTERNAL_H */
