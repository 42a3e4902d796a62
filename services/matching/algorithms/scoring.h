/*
 * scoring.h - need-to-solution scoring: hard criteria that rule a pair out
 * (and make the need's gap report), soft criteria that rank what is left,
 * and the reasons behind every score.
 *
 * Scores are integers in basis points (0 to 10000, shown as 0.00 to 100.00)
 * so that the same inputs give the same ranking, bit for bit, everywhere.
 */
#ifndef MATCHING_SCORING_H
#define MATCHING_SCORING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chc/status.h"
#include "chc/v1/matching.pb-c.h"

/* The soft criteria, in the order of ScoreWeights. */
enum scoring_criterion {
	SCORING_CARE_AREA = 0,
	SCORING_TARGET_GROUPS,
	SCORING_EVIDENCE,
	SCORING_DEPLOYMENTS,
	SCORING_PRICE,
	SCORING_LANGUAGE,
	SCORING_SOFT_COUNT,
};

/* A municipality as scoring sees it (deployments in the same region or in
 * municipalities of similar size). */
typedef struct scoring_municipality {
	int code;
	int region_code;
	int64_t population;
} scoring_municipality;

typedef struct scoring_feedback {
	size_t need;     /* index into needs */
	size_t solution; /* index into solutions */
	const char *reason;
} scoring_feedback;

typedef struct scoring_input {
	const Chc__V1__Solution *const *solutions;
	size_t solution_count;
	const Chc__V1__Need *const *needs;
	size_t need_count;
	const scoring_municipality *municipalities; /* sorted by code */
	size_t municipality_count;
	const scoring_feedback *feedback; /* "not a match" pairs */
	size_t feedback_count;
	double weights[SCORING_SOFT_COUNT]; /* >= 0; all 0: the defaults */
	int top_k;                          /* matches kept per need, >= 1 */
	int gap_report_size;                /* nearest misses kept per need, >= 0 */
	int threads;                        /* 0: one per core */
	/* Score every pair instead of the candidates the index leaves: the
	 * same output, kept to check that claim (docs/matching.md). */
	bool exhaustive;
} scoring_input;

typedef struct scoring_entry {
	uint32_t solution; /* index into solutions */
	int32_t score;     /* basis points; for a near miss, the soft score it would have */
	uint16_t failed;   /* hard criteria failed: 0 for a match */
} scoring_entry;

/* Per need: its best matches (score descending, then solution id) and its
 * nearest misses (fewest failed hard criteria, then score, then id). */
typedef struct scoring_need_result {
	scoring_entry *matches;
	size_t match_count;
	scoring_entry *near_misses;
	size_t near_miss_count;
} scoring_need_result;

typedef struct scoring_output {
	scoring_need_result *needs; /* need_count entries */
	size_t need_count;
	int64_t pairs_scored; /* pairs whose soft score was worked out */
} scoring_output;

/* Called now and then from the scoring threads' coordinator with the needs
 * done; returning false stops the run (CHC_CANCELLED). */
typedef bool (*scoring_progress)(void *context, int64_t done, int64_t total);

/* The documented default weights (docs/matching.md). */
void scoring_default_weights(double weights[SCORING_SOFT_COUNT]);

/*
 * Scores every solution against every need: exhaustively, or (the default)
 * only the candidates an index of the hard criteria and the categories
 * leaves, with the same output. On CHC_OK *output is filled
 * (release with scoring_output_fini). Returns CHC_OK, CHC_CANCELLED (progress
 * said stop), CHC_INVALID_ARGUMENT, CHC_RESOURCE_EXHAUSTED.
 */
chc_status scoring_run(const scoring_input *input, scoring_progress progress, void *context,
                       scoring_output *output, chc_error *error);

void scoring_output_fini(scoring_output *output);

/* One reason of a pair's score. */
typedef struct scoring_reason {
	const char *criterion; /* static: "trl", "device_class", "care_area" ... */
	bool met;
	bool hard;
	double weight;        /* the soft criterion's normalised weight, 0 for hard ones */
	int32_t contribution; /* basis points of the score it gave */
	char detail[160];     /* "needs TRL 7, has 5" */
} scoring_reason;

#define SCORING_MAX_REASONS 16

/*
 * The reasons of one pair, hard criteria first: every criterion, met or
 * failed, its weight and its share of the score; the pair's score in
 * *score. Returns the number of reasons written (at most max).
 */
size_t scoring_explain(const scoring_input *input, size_t need, size_t solution,
                       scoring_reason *reasons, size_t max, int32_t *score);

#endif /* MATCHING_SCORING_H */
