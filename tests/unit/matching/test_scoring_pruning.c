/*
 * test_scoring_pruning.c - candidate pruning gives what scoring every pair
 * gives: on random catalogues (fixed seeds) the matches and the gap report
 * of every sampled need are the same entries in the same order, with the
 * same scores, whatever the weights, the top K, the gap report's size and
 * the feedback; and it scores fewer pairs.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chc_test_main.h"

#include "chc/v1/companies.pb-c.h"
#include "chc/v1/municipalities.pb-c.h"
#include "scoring.h"

enum { MUNICIPALITY_COUNT = 12 };

/* A solution and what its message points to, in one allocation. */
typedef struct random_solution {
	Chc__V1__Solution solution;
	char id[16];
	Chc__V1__CareCategory categories[3];
	Chc__V1__TargetGroup target_groups[3];
	Chc__V1__Standard standards[4];
	char *languages[2];
	Chc__V1__Deployment deployment_values[2];
	Chc__V1__Deployment *deployments[2];
} random_solution;

typedef struct random_need {
	Chc__V1__Need need;
	char id[16];
	Chc__V1__NeedOwner owner;
	Chc__V1__NeedOwner *owners[1];
	Chc__V1__TargetGroup target_groups[2];
	Chc__V1__Standard standards[2];
	Chc__V1__BudgetRange budget;
	Chc__V1__CriterionWeight criterion;
	Chc__V1__CriterionWeight *criteria[1];
} random_need;

typedef struct catalogue {
	random_solution *made_solutions;
	random_need *made_needs;
	const Chc__V1__Solution **solutions;
	const Chc__V1__Need **needs;
	size_t solution_count;
	size_t need_count;
	scoring_municipality municipalities[MUNICIPALITY_COUNT];
	scoring_feedback feedback[40];
	size_t feedback_count;
} catalogue;

static char *const languages[] = { "da", "en", "de", "sv" };

static int pick(unsigned *seed, int count)
{
	return rand_r(seed) % count;
}

static void random_solution_init(random_solution *made, size_t number, unsigned *seed)
{
	Chc__V1__Solution empty = CHC__V1__SOLUTION__INIT;
	made->solution = empty;
	/* Ids out of index order, so that ties are broken by id and not by
	 * the order of the input. */
	snprintf(made->id, sizeof(made->id), "s%06zu", (number * 7919) % 100003);
	made->solution.id = made->id;
	made->solution.n_categories = (size_t)pick(seed, 4);
	for (size_t i = 0; i < made->solution.n_categories; i++)
		made->categories[i] = (Chc__V1__CareCategory)(1 + pick(seed, 16));
	made->solution.categories = made->categories;
	made->solution.n_target_groups = (size_t)pick(seed, 4);
	for (size_t i = 0; i < made->solution.n_target_groups; i++)
		made->target_groups[i] = (Chc__V1__TargetGroup)(1 + pick(seed, 6));
	made->solution.target_groups = made->target_groups;
	made->solution.n_standards = (size_t)pick(seed, 5);
	for (size_t i = 0; i < made->solution.n_standards; i++)
		made->standards[i] = (Chc__V1__Standard)(1 + pick(seed, 5));
	made->solution.standards = made->standards;
	made->solution.trl = pick(seed, 10);
	made->solution.device_class = (Chc__V1__DeviceClass)pick(seed, 6);
	made->solution.gdpr_dpa_available = pick(seed, 3) != 0;
	made->solution.evidence_level = (Chc__V1__EvidenceLevel)pick(seed, 6);
	made->solution.indicative_price_dkk = 100000 * pick(seed, 8);
	made->solution.n_languages = (size_t)pick(seed, 3);
	for (size_t i = 0; i < made->solution.n_languages; i++)
		made->languages[i] = languages[pick(seed, 4)];
	made->solution.languages = made->languages;
	made->solution.n_deployments = (size_t)pick(seed, 3);
	for (size_t i = 0; i < made->solution.n_deployments; i++) {
		Chc__V1__Deployment deployment = CHC__V1__DEPLOYMENT__INIT;
		made->deployment_values[i] = deployment;
		if (pick(seed, 4) == 0)
			made->deployment_values[i].region_code = 1081 + pick(seed, 5);
		else
			made->deployment_values[i].municipality_code =
			        100 + pick(seed, MUNICIPALITY_COUNT + 2);
		made->deployments[i] = &made->deployment_values[i];
	}
	made->solution.deployments = made->deployments;
}

static void random_need_init(random_need *made, size_t number, unsigned *seed)
{
	Chc__V1__Need empty = CHC__V1__NEED__INIT;
	made->need = empty;
	snprintf(made->id, sizeof(made->id), "n%06zu", number);
	made->need.id = made->id;
	Chc__V1__NeedOwner owner = CHC__V1__NEED_OWNER__INIT;
	made->owner = owner;
	made->owner.municipality_code = 100 + pick(seed, MUNICIPALITY_COUNT);
	made->owners[0] = &made->owner;
	made->need.owners = made->owners;
	made->need.n_owners = 1;
	made->need.care_area = (Chc__V1__CareCategory)pick(seed, 17);
	made->need.n_target_groups = (size_t)pick(seed, 3);
	for (size_t i = 0; i < made->need.n_target_groups; i++)
		made->target_groups[i] = (Chc__V1__TargetGroup)(1 + pick(seed, 6));
	made->need.target_groups = made->target_groups;
	made->need.n_required_standards = (size_t)pick(seed, 3);
	for (size_t i = 0; i < made->need.n_required_standards; i++)
		made->standards[i] = (Chc__V1__Standard)(1 + pick(seed, 5));
	made->need.required_standards = made->standards;
	made->need.min_trl = pick(seed, 10);
	made->need.max_device_class = (Chc__V1__DeviceClass)pick(seed, 6);
	made->need.gdpr_dpa_required = pick(seed, 2);
	if (pick(seed, 4) != 0) {
		Chc__V1__BudgetRange budget = CHC__V1__BUDGET_RANGE__INIT;
		made->budget = budget;
		made->budget.min_dkk = 100000 * pick(seed, 4);
		made->budget.max_dkk = made->budget.min_dkk + 100000 * pick(seed, 4);
		made->need.budget = &made->budget;
	}
	made->need.language = languages[pick(seed, 4)];
	if (pick(seed, 3) == 0) {
		Chc__V1__CriterionWeight criterion = CHC__V1__CRITERION_WEIGHT__INIT;
		made->criterion = criterion;
		made->criterion.criterion = (Chc__V1__EvaluationCriterion)(1 + pick(seed, 7));
		made->criterion.weight = 10 * pick(seed, 11);
		made->criteria[0] = &made->criterion;
		made->need.criteria = made->criteria;
		made->need.n_criteria = 1;
	}
}

/* Makes a catalogue and returns the input that scores it: top 10, gap
 * reports of 3, on two threads. */
static scoring_input catalogue_init(catalogue *made, size_t solution_count, size_t need_count,
                                    unsigned seed)
{
	memset(made, 0, sizeof(*made));
	made->made_solutions = calloc(solution_count, sizeof(*made->made_solutions));
	made->made_needs = calloc(need_count, sizeof(*made->made_needs));
	made->solutions = calloc(solution_count, sizeof(*made->solutions));
	made->needs = calloc(need_count, sizeof(*made->needs));
	assert_non_null(made->made_solutions);
	assert_non_null(made->made_needs);
	assert_non_null(made->solutions);
	assert_non_null(made->needs);
	made->solution_count = solution_count;
	made->need_count = need_count;
	for (size_t i = 0; i < solution_count; i++) {
		random_solution_init(&made->made_solutions[i], i, &seed);
		made->solutions[i] = &made->made_solutions[i].solution;
	}
	for (size_t i = 0; i < need_count; i++) {
		random_need_init(&made->made_needs[i], i, &seed);
		made->needs[i] = &made->made_needs[i].need;
	}
	for (int i = 0; i < MUNICIPALITY_COUNT; i++) {
		scoring_municipality place = { 100 + i, 1081 + i % 5, 8000 + 30000 * (int64_t)i };
		made->municipalities[i] = place;
	}
	made->feedback_count = sizeof(made->feedback) / sizeof(made->feedback[0]);
	for (size_t i = 0; i < made->feedback_count; i++) {
		made->feedback[i].need = (size_t)pick(&seed, (int)need_count);
		made->feedback[i].solution = (size_t)pick(&seed, (int)solution_count);
		made->feedback[i].reason = "not a match";
	}
	scoring_input input = {
		.solutions = made->solutions,
		.solution_count = made->solution_count,
		.needs = made->needs,
		.need_count = made->need_count,
		.municipalities = made->municipalities,
		.municipality_count = MUNICIPALITY_COUNT,
		.feedback = made->feedback,
		.feedback_count = made->feedback_count,
		.top_k = 10,
		.gap_report_size = 3,
		.threads = 2,
	};
	return input;
}

static void catalogue_fini(catalogue *made)
{
	free(made->made_solutions);
	free(made->made_needs);
	free(made->solutions);
	free(made->needs);
}

static void same_entries(const scoring_entry *pruned, size_t pruned_count,
                         const scoring_entry *every, size_t every_count)
{
	assert_int_equal(pruned_count, every_count);
	for (size_t i = 0; i < every_count; i++) {
		assert_int_equal(pruned[i].solution, every[i].solution);
		assert_int_equal(pruned[i].score, every[i].score);
		assert_int_equal(pruned[i].failed, every[i].failed);
	}
}

typedef struct scored_pairs {
	int64_t pruned, every;
} scored_pairs;

/* Scores input both ways and compares every `step`th need; returns the
 * pairs each way scored. */
static scored_pairs compare(const scoring_input *input, size_t step)
{
	scoring_input exhaustive = *input;
	exhaustive.exhaustive = true;
	scoring_output pruned, every;
	assert_int_equal(scoring_run(input, NULL, NULL, &pruned, NULL), CHC_OK);
	assert_int_equal(scoring_run(&exhaustive, NULL, NULL, &every, NULL), CHC_OK);
	assert_int_equal(pruned.need_count, every.need_count);
	size_t matched = 0;
	for (size_t n = 0; n < every.need_count; n += step) {
		same_entries(pruned.needs[n].matches, pruned.needs[n].match_count,
		             every.needs[n].matches, every.needs[n].match_count);
		same_entries(pruned.needs[n].near_misses, pruned.needs[n].near_miss_count,
		             every.needs[n].near_misses, every.needs[n].near_miss_count);
		matched += every.needs[n].match_count;
	}
	/* Not a vacuous comparison: the sample has matches to compare. */
	assert_true(matched > 0);
	scored_pairs pairs = { pruned.pairs_scored, every.pairs_scored };
	scoring_output_fini(&pruned);
	scoring_output_fini(&every);
	return pairs;
}

/* The top 10 and the three nearest misses of a sample of needs. */
static void same_top_ten(void **state)
{
	(void)state;
	catalogue made;
	scoring_input input = catalogue_init(&made, 20000, 400, 20261125);
	scored_pairs pairs = compare(&input, 3);
	assert_true(pairs.pruned < pairs.every / 2);
	catalogue_fini(&made);
}

/* Other weights, top K and gap report sizes move the bounds: still the
 * same. */
static void same_whatever_the_parameters(void **state)
{
	(void)state;
	catalogue made;
	scoring_input input = catalogue_init(&made, 3000, 200, 7);
	static const double weights[][SCORING_SOFT_COUNT] = {
		{ 0, 0, 0, 0, 0, 0 },     { 100, 0, 0, 0, 0, 0 },   { 0, 0, 1000, 0, 0, 0 },
		{ 0, 50, 0, 50, 50, 50 }, { 1, 2, 3, 4, 5, 6 },     { 30, 20, 15, 10, 15, 10 },
		{ 0, 0, 0, 0, 0, 1 },     { 500, 0, 500, 0, 0, 0 },
	};
	static const int sizes[][2] = { { 1, 0 }, { 10, 3 }, { 100, 0 }, { 3, 20 }, { 40, 1 } };
	for (size_t w = 0; w < sizeof(weights) / sizeof(weights[0]); w++)
		for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			memcpy(input.weights, weights[w], sizeof(input.weights));
			input.top_k = sizes[k][0];
			input.gap_report_size = sizes[k][1];
			input.threads = 1 + (int)(k % 2);
			compare(&input, 1);
		}
	catalogue_fini(&made);
}

/* Every solution has the same facts: every score ties and the ids alone
 * decide, as they do when every pair is scored. */
static void ties_go_by_id(void **state)
{
	(void)state;
	catalogue made;
	scoring_input input = catalogue_init(&made, 500, 20, 3);
	static Chc__V1__Standard standards[] = { 1, 2, 3, 4 };
	Chc__V1__Solution *first = &made.made_solutions[0].solution;
	first->trl = 9;
	first->device_class = CHC__V1__DEVICE_CLASS__DEVICE_CLASS_NOT_A_DEVICE;
	first->gdpr_dpa_available = 1;
	first->standards = standards;
	first->n_standards = 4;
	for (size_t i = 0; i < made.solution_count; i++) {
		Chc__V1__Solution *solution = &made.made_solutions[i].solution;
		*solution = made.made_solutions[0].solution;
		solution->id = made.made_solutions[i].id;
	}
	compare(&input, 1);
	catalogue_fini(&made);
}

CHC_TEST_MAIN(NULL, NULL, cmocka_unit_test(same_top_ten),
              cmocka_unit_test(same_whatever_the_parameters), cmocka_unit_test(ties_go_by_id))
