/*
 * scoring_internal.h - what scoring.c and consortia.c share: the facts of a
 * solution and of a need as bit masks and integers, read once, and the
 * per-pair functions both use.
 */
#ifndef MATCHING_SCORING_INTERNAL_H
#define MATCHING_SCORING_INTERNAL_H

#include <stdbool.h>
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

/* How many hard criteria a solution with these facts fails (0: it may
 * match): the index keeps exactly these four facts per run of solutions,
 * so that one call decides for the whole run. */
static inline int scoring_hard_failures_of(const need_facts *need, int trl, int device_class,
                                           uint32_t standards, bool dpa)
{
	return (trl < need->min_trl) +
	       (need->max_device_class != 0 && device_class > need->max_device_class) +
	       ((need->standards & ~standards) != 0) + (need->dpa && !dpa);
}

/* How many hard criteria the pair fails (0: it may match). */
int scoring_hard_failures(const need_facts *need, const solution_facts *solution);

/* How well the pair meets one soft criterion, 0 to 1000 permille. */
int scoring_fulfilment(int criterion, const need_facts *need, const solution_facts *solution);

/* The soft score of the pair, 0 to 10000 basis points: the criteria's
 * fulfilment weighted by the need's weights. */
int32_t scoring_soft_score(const need_facts *need, const solution_facts *solution);

/* The most any solution with this care-area fulfilment (0 to 1000) and
 * evidence (0 to 4) can score for the need: every other criterion fully
 * met. Never below scoring_soft_score of such a solution. */
int32_t scoring_soft_bound(const need_facts *need, int care_area, int evidence);

/* Solutions with the same hard-criteria facts, next to each other in one
 * list of the index. */
typedef struct scoring_index_run {
	uint32_t standards;
	int32_t trl;
	int32_t device_class;
	bool dpa;
	uint32_t begin, end; /* into scoring_index.solutions */
} scoring_index_run;

/* A category (bit of solution_facts.categories; 0 for the solutions with
 * none) and an evidence level: the two facts that bound a solution's soft
 * score before it is scored. */
#define SCORING_INDEX_CATEGORIES 32
#define SCORING_INDEX_EVIDENCE   5
#define SCORING_INDEX_LISTS      (SCORING_INDEX_CATEGORIES * SCORING_INDEX_EVIDENCE)

typedef struct scoring_index_list {
	int category;
	int evidence;
	size_t run_begin, run_end; /* into scoring_index.runs */
} scoring_index_list;

/* Every solution once in the list of each of its categories and its
 * evidence; each list in runs of equal hard-criteria facts, highest TRL
 * first. */
typedef struct scoring_index {
	uint32_t *solutions;
	/* The facts of solutions[i] again, in the order a need reads them:
	 * read from the solutions' own order, every pair scored would be a
	 * cache miss. */
	solution_facts *facts;
	size_t solution_count; /* entries, counting a solution once per category */
	scoring_index_run *runs;
	size_t run_count;
	scoring_index_list lists[SCORING_INDEX_LISTS];
} scoring_index;

chc_status scoring_index_build(const solution_facts *solutions, size_t count, scoring_index *index,
                               chc_error *error);
void scoring_index_fini(scoring_index *index);

/* One list as a need visits it: the most its solutions can score, and the
 * categories that send a solution of this list to another list visited
 * for it instead (each solution is scored once, in the list of its best
 * category for the need). */
typedef struct scoring_index_visit {
	const scoring_index_list *list;
	int32_t bound;
	uint32_t elsewhere;
} scoring_index_visit;

/* The non-empty lists in the order a need visits them, highest bound
 * first; visits holds SCORING_INDEX_LISTS. Returns how many. */
size_t scoring_index_visits(const scoring_index *index, const need_facts *need,
                            scoring_index_visit *visits);

#endif /* MATCHING_SCORING_INTERNAL_H */
