/*
 * test_scoring.c - need-to-solution scoring: each hard criterion rules a
 * pair out alone and says why, the gap report puts the nearest misses first,
 * weights move the ranking, feedback zeroes a pair and shows its reason, and
 * the output does not depend on threads, input order or timing.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "chc_test_main.h"

#include "matching_fixtures.h"
#include "scoring.h"

static const scoring_municipality municipalities[] = {
	{ 101, 1084, 650000 },
	{ 147, 1084, 104000 },
	{ 751, 1082, 370000 },
};

static scoring_input input_of(const Chc__V1__Solution *const *solutions, size_t solution_count,
                              const Chc__V1__Need *const *needs, size_t need_count)
{
	scoring_input input = {
		.solutions = solutions,
		.solution_count = solution_count,
		.needs = needs,
		.need_count = need_count,
		.municipalities = municipalities,
		.municipality_count = 3,
		.top_k = 10,
		.gap_report_size = 5,
		.threads = 1,
	};
	return input;
}

static const scoring_reason *find_reason(const scoring_reason *reasons, size_t count,
                                         const char *criterion)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(reasons[i].criterion, criterion) == 0)
			return &reasons[i];
	return NULL;
}

/* One fixture need and count fixture solutions numbered from 0, which a
 * test changes in place before it scores them. */
typedef struct scoring_scene {
	fixture_need need;
	fixture_solution made[5];
	const Chc__V1__Solution *solutions[5];
	const Chc__V1__Need *needs[1];
	scoring_input input;
} scoring_scene;

static void scene_init(scoring_scene *scene, size_t count)
{
	fixture_need_init(&scene->need, 1);
	scene->needs[0] = &scene->need.need;
	for (size_t i = 0; i < count; i++) {
		fixture_solution_init(&scene->made[i], (int)i);
		scene->solutions[i] = &scene->made[i].solution;
	}
	scene->input = input_of(scene->solutions, count, scene->needs, 1);
}

/* Each hard criterion fails alone, with its words. */
static void hard_criteria(void **state)
{
	(void)state;
	scoring_scene scene;
	scene_init(&scene, 5);
	fixture_solution *made = scene.made;
	made[1].solution.trl = 5;
	made[2].solution.device_class = CHC__V1__DEVICE_CLASS__DEVICE_CLASS_IIB;
	made[3].solution.n_standards = 1;
	made[3].standards[0] = CHC__V1__STANDARD__STANDARD_HL7_FHIR;
	made[4].solution.gdpr_dpa_available = 0;
	const scoring_input input = scene.input;
	scoring_output output;
	assert_int_equal(scoring_run(&input, NULL, NULL, &output, NULL), CHC_OK);
	assert_int_equal(output.needs[0].match_count, 1);
	assert_int_equal(output.needs[0].matches[0].solution, 0);
	assert_int_equal(output.needs[0].near_miss_count, 4);
	assert_int_equal(output.pairs_scored, 5);
	static const char *const failing[] = { NULL, "trl", "device_class", "standards", "dpa" };
	static const char *const words[] = { NULL, "needs TRL 7, has 5",
		                             "accepts MDR class up to iia, has iib",
		                             "needs medcom, lacks it",
		                             "needs a data processing agreement, offers none" };
	for (size_t s = 1; s < 5; s++) {
		scoring_reason reasons[SCORING_MAX_REASONS];
		int32_t score = 0;
		size_t count = scoring_explain(&input, 0, s, reasons, SCORING_MAX_REASONS, &score);
		const scoring_reason *reason = find_reason(reasons, count, failing[s]);
		assert_non_null(reason);
		assert_false(reason->met);
		assert_true(reason->hard);
		assert_string_equal(reason->detail, words[s]);
		for (size_t r = 0; r < count; r++)
			if (reasons[r].hard && strcmp(reasons[r].criterion, failing[s]) != 0)
				assert_true(reasons[r].met);
	}
	scoring_output_fini(&output);
}

/* Two failures are farther off than one, whatever the soft score. */
static void gap_report_nearest_first(void **state)
{
	(void)state;
	scoring_scene scene;
	scene_init(&scene, 2);
	fixture_solution *made = scene.made;
	made[0].solution.trl = 5;
	made[0].solution.gdpr_dpa_available = 0;
	made[0].solution.evidence_level = CHC__V1__EVIDENCE_LEVEL__EVIDENCE_LEVEL_MAST_ASSESSMENT;
	made[1].solution.trl = 6;
	made[1].solution.evidence_level = CHC__V1__EVIDENCE_LEVEL__EVIDENCE_LEVEL_NONE;
	scoring_input input = scene.input;
	scoring_output output;
	assert_int_equal(scoring_run(&input, NULL, NULL, &output, NULL), CHC_OK);
	assert_int_equal(output.needs[0].match_count, 0);
	assert_int_equal(output.needs[0].near_miss_count, 2);
	assert_int_equal(output.needs[0].near_misses[0].solution, 1);
	assert_int_equal(output.needs[0].near_misses[0].failed, 1);
	assert_int_equal(output.needs[0].near_misses[1].failed, 2);
	scoring_output_fini(&output);
}

/* Price against evidence: the weights decide which of two wins. */
static void weights_move_the_ranking(void **state)
{
	(void)state;
	scoring_scene scene;
	scene_init(&scene, 2);
	fixture_solution *made = scene.made;
	made[0].solution.indicative_price_dkk = 400000; /* within budget, weak evidence */
	made[0].solution.evidence_level = CHC__V1__EVIDENCE_LEVEL__EVIDENCE_LEVEL_NONE;
	made[1].solution.indicative_price_dkk = 1000000; /* twice the budget, strong evidence */
	made[1].solution.evidence_level = CHC__V1__EVIDENCE_LEVEL__EVIDENCE_LEVEL_RANDOMISED_TRIAL;
	scoring_input input = scene.input;
	input.weights[SCORING_PRICE] = 10;
	scoring_output output;
	assert_int_equal(scoring_run(&input, NULL, NULL, &output, NULL), CHC_OK);
	assert_int_equal(output.needs[0].matches[0].solution, 0);
	scoring_output_fini(&output);
	memset(input.weights, 0, sizeof(input.weights));
	input.weights[SCORING_EVIDENCE] = 10;
	assert_int_equal(scoring_run(&input, NULL, NULL, &output, NULL), CHC_OK);
	assert_int_equal(output.needs[0].matches[0].solution, 1);
	scoring_output_fini(&output);
	input.weights[SCORING_EVIDENCE] = -1;
	assert_int_equal(scoring_run(&input, NULL, NULL, &output, NULL), CHC_INVALID_ARGUMENT);
}

static void feedback_zeroes_the_pair(void **state)
{
	(void)state;
	scoring_scene scene;
	scene_init(&scene, 1);
	scoring_input input = scene.input;
	scoring_feedback feedback = { 0, 0, "piloted in 2025, did not fit" };
	input.feedback = &feedback;
	input.feedback_count = 1;
	scoring_output output;
	assert_int_equal(scoring_run(&input, NULL, NULL, &output, NULL), CHC_OK);
	assert_int_equal(output.needs[0].matches[0].score, 0);
	scoring_reason reasons[SCORING_MAX_REASONS];
	int32_t score = 1;
	size_t count = scoring_explain(&input, 0, 0, reasons, SCORING_MAX_REASONS, &score);
	assert_int_equal(score, 0);
	const scoring_reason *reason = find_reason(reasons, count, "feedback");
	assert_non_null(reason);
	assert_non_null(strstr(reason->detail, "piloted in 2025"));
	scoring_output_fini(&output);
}

/* Many solutions and needs, varied: threads and input order change nothing. */
static void deterministic(void **state)
{
	(void)state;
	enum { SOLUTIONS = 300, NEEDS = 40 };
	static fixture_solution made[SOLUTIONS];
	static fixture_need wanted[NEEDS];
	const Chc__V1__Solution *solutions[SOLUTIONS], *reversed[SOLUTIONS];
	const Chc__V1__Need *needs[NEEDS];
	unsigned seed = 99;
	for (int i = 0; i < SOLUTIONS; i++) {
		fixture_solution_init(&made[i], i);
		made[i].solution.trl = 5 + rand_r(&seed) % 5;
		made[i].solution.evidence_level = rand_r(&seed) % 6;
		made[i].solution.indicative_price_dkk = rand_r(&seed) % 4 * 200000;
		made[i].categories[0] = 1 + rand_r(&seed) % 16;
		made[i].solution.n_standards = 1 + rand_r(&seed) % 2;
		solutions[i] = &made[i].solution;
		reversed[SOLUTIONS - 1 - i] = &made[i].solution;
	}
	for (int i = 0; i < NEEDS; i++) {
		fixture_need_init(&wanted[i], i);
		wanted[i].need.care_area = 1 + rand_r(&seed) % 16;
		needs[i] = &wanted[i].need;
	}
	scoring_input input = input_of(solutions, SOLUTIONS, needs, NEEDS);
	input.top_k = 7;
	scoring_output one, two, backwards;
	assert_int_equal(scoring_run(&input, NULL, NULL, &one, NULL), CHC_OK);
	input.threads = 2;
	assert_int_equal(scoring_run(&input, NULL, NULL, &two, NULL), CHC_OK);
	input.solutions = reversed;
	assert_int_equal(scoring_run(&input, NULL, NULL, &backwards, NULL), CHC_OK);
	for (int n = 0; n < NEEDS; n++) {
		assert_int_equal(one.needs[n].match_count, two.needs[n].match_count);
		assert_int_equal(one.needs[n].match_count, backwards.needs[n].match_count);
		for (size_t k = 0; k < one.needs[n].match_count; k++) {
			assert_int_equal(one.needs[n].matches[k].solution,
			                 two.needs[n].matches[k].solution);
			assert_int_equal(one.needs[n].matches[k].score,
			                 two.needs[n].matches[k].score);
			const scoring_entry *back = &backwards.needs[n].matches[k];
			assert_string_equal(solutions[one.needs[n].matches[k].solution]->id,
			                    reversed[back->solution]->id);
			assert_int_equal(one.needs[n].matches[k].score, back->score);
		}
	}
	scoring_output_fini(&one);
	scoring_output_fini(&two);
	scoring_output_fini(&backwards);
}

static bool stop_at_once(void *context, int64_t done, int64_t total)
{
	(void)context;
	(void)done;
	(void)total;
	return false;
}

static void cancelled(void **state)
{
	(void)state;
	scoring_scene scene;
	scene_init(&scene, 1);
	scoring_input input = scene.input;
	scoring_output output;
	assert_int_equal(scoring_run(&input, stop_at_once, NULL, &output, NULL), CHC_CANCELLED);
}

CHC_TEST_MAIN(NULL, NULL, cmocka_unit_test(hard_criteria),
              cmocka_unit_test(gap_report_nearest_first),
              cmocka_unit_test(weights_move_the_ranking),
              cmocka_unit_test(feedback_zeroes_the_pair), cmocka_unit_test(deterministic),
              cmocka_unit_test(cancelled))
