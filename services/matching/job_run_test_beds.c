/*
 * job_run_test_beds.c - testbed_assignment (the optimal assignment, a
 * minimum-cost flow) and testbed_stable (deferred acceptance): each solution
 * seeking a test bed to at most one that fits it, within capacities. Each
 * assignment says why; each solution left out says why not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assignment.h"
#include "matching_jobs.h"
#include "stable.h"

/* How a test bed ranks a solution in stable matching: its stated
 * preference first, then the pair's fit. */
static int64_t test_bed_key(const Chc__V1__JobInputs *inputs, const test_bed_pair *pair)
{
	const Chc__V1__TestBed *test_bed = inputs->test_beds[pair->test_bed];
	const Chc__V1__Solution *solution = inputs->solutions[pair->solution];
	int64_t first = 0;
	switch (test_bed->preference) {
	case CHC__V1__TEST_BED_PREFERENCE__TEST_BED_PREFERENCE_MATURITY:
		first = solution->trl;
		break;
	case CHC__V1__TEST_BED_PREFERENCE__TEST_BED_PREFERENCE_EVIDENCE:
		first = solution->evidence_level;
		break;
	case CHC__V1__TEST_BED_PREFERENCE__TEST_BED_PREFERENCE_LOCAL:
		first = test_bed_solution_is_local(inputs, solution, test_bed);
		break;
	default:
		break;
	}
	return first * 10000 + pair->fit;
}

static chc_status solve(job_run *run, const test_bed_pairs *pairs, int *assigned_pair,
                        int64_t *objective, chc_error *error)
{
	const Chc__V1__JobInputs *inputs = run->inputs;
	size_t count = pairs->pair_count;
	int *pair_solution = malloc((count + 1) * sizeof(int));
	int *pair_test_bed = malloc((count + 1) * sizeof(int));
	int64_t *pair_fit = malloc((count + 1) * sizeof(int64_t));
	int64_t *bed_key = malloc((count + 1) * sizeof(int64_t));
	chc_status status = CHC_OK;
	if (pair_solution == NULL || pair_test_bed == NULL || pair_fit == NULL || bed_key == NULL)
		status = chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	for (size_t i = 0; status == CHC_OK && i < count; i++) {
		pair_solution[i] = pairs->pairs[i].solution;
		pair_test_bed[i] = pairs->pairs[i].test_bed;
		pair_fit[i] = pairs->pairs[i].fit;
		bed_key[i] = test_bed_key(inputs, &pairs->pairs[i]);
	}
	if (status == CHC_OK && run->kind == CHC__V1__JOB_KIND__JOB_KIND_TESTBED_ASSIGNMENT) {
		assignment_problem problem = {
			.solution_count = (int)inputs->n_solutions,
			.test_bed_count = (int)inputs->n_test_beds,
			.capacity = pairs->capacity,
			.pair_count = count,
			.pair_solution = pair_solution,
			.pair_test_bed = pair_test_bed,
			.pair_fit = pair_fit,
		};
		status = assignment_solve(&problem, assigned_pair, objective, error);
	} else if (status == CHC_OK) {
		stable_problem problem = {
			.solution_count = (int)inputs->n_solutions,
			.test_bed_count = (int)inputs->n_test_beds,
			.capacity = pairs->capacity,
			.pair_count = count,
			.pair_solution = pair_solution,
			.pair_test_bed = pair_test_bed,
			.solution_key = pair_fit,
			.test_bed_key = bed_key,
		};
		status = stable_match(&problem, assigned_pair, error);
		size_t blocking = 0;
		if (status == CHC_OK &&
		    stable_find_blocking_pair(&problem, assigned_pair, &blocking))
			status = chc_error_set(error, CHC_INTERNAL,
			                       "the matching is not stable: pair %zu blocks it",
			                       blocking);
		*objective = 0;
		for (int s = 0; status == CHC_OK && s < (int)inputs->n_solutions; s++)
			if (assigned_pair[s] >= 0)
				*objective += pair_fit[assigned_pair[s]];
	}
	free(pair_solution);
	free(pair_test_bed);
	free(pair_fit);
	free(bed_key);
	return status;
}

typedef struct placed {
	int pair;
	int64_t fit;
	const char *solution_id;
} placed;

static int compare_placed(const void *a, const void *b)
{
	const placed *x = a, *y = b;
	if (x->fit != y->fit)
		return x->fit > y->fit ? -1 : 1;
	return strcmp(x->solution_id, y->solution_id);
}

static Chc__V1__JobResult *new_result(job_run *run, int kind, const Chc__V1__Solution *solution)
{
	Chc__V1__JobResult *result = job_arena_alloc(&run->arena, sizeof(*result));
	if (result == NULL)
		return NULL;
	chc__v1__job_result__init(result);
	result->kind = kind;
	result->solution_id = solution->id;
	result->solution_name = solution->name;
	return result;
}

/* Assigned solutions, test bed by test bed, best fit first. */
static chc_status add_assigned(job_run *run, const test_bed_pairs *pairs, const int *assigned_pair,
                               int64_t *lowest_fit, chc_error *error)
{
	const Chc__V1__JobInputs *inputs = run->inputs;
	placed *kept = malloc((inputs->n_solutions + 1) * sizeof(*kept));
	if (kept == NULL)
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	chc_status status = CHC_OK;
	for (size_t t = 0; status == CHC_OK && t < inputs->n_test_beds; t++) {
		size_t count = 0;
		for (size_t s = 0; s < inputs->n_solutions; s++) {
			int pair = assigned_pair[s];
			if (pair >= 0 && pairs->pairs[pair].test_bed == (int)t)
				kept[count++] = (placed){ pair, pairs->pairs[pair].fit,
					                  inputs->solutions[s]->id };
		}
		qsort(kept, count, sizeof(*kept), compare_placed);
		lowest_fit[t] = count > 0 ? kept[count - 1].fit : 0;
		const Chc__V1__TestBed *test_bed = inputs->test_beds[t];
		for (size_t i = 0; status == CHC_OK && i < count; i++) {
			const test_bed_pair *pair = &pairs->pairs[kept[i].pair];
			const Chc__V1__Solution *solution = inputs->solutions[pair->solution];
			Chc__V1__JobResult *result = new_result(
			        run, CHC__V1__RESULT_KIND__RESULT_KIND_ASSIGNED, solution);
			char text[512];
			snprintf(text, sizeof(text), "fit %.1f of 100 at %s (%zu of %d places)",
			         pair->fit / 10.0, test_bed->name, count, pairs->capacity[t]);
			if (result == NULL ||
			    (result->rank = (int32_t)i + 1, result->test_bed_id = test_bed->id,
			     result->test_bed_name = test_bed->name,
			     result->score = pair->fit / 10.0,
			     result->explanation = job_arena_strdup(&run->arena, text),
			     result->explanation == NULL) ||
			    test_bed_pair_reasons_of(&run->arena, inputs, solution, test_bed,
			                             result) != CHC_OK)
				status = chc_error_set(error, CHC_RESOURCE_EXHAUSTED,
				                       "out of memory");
			else
				status = job_run_add_result(run, result, error);
		}
	}
	free(kept);
	return status;
}

/* Why a solution got no test bed: none fits it (the nearest one and what it
 * lacks), or every one that fits is full. */
static void explain_unassigned(job_run *run, const test_bed_pairs *pairs, int solution_index,
                               const int64_t *lowest_fit, size_t first_pair, size_t end_pair,
                               char *text, size_t size)
{
	const Chc__V1__JobInputs *inputs = run->inputs;
	const Chc__V1__Solution *solution = inputs->solutions[solution_index];
	if (first_pair == end_pair) {
		int fewest = 100;
		char nearest[256] = "no open test bed";
		for (size_t t = 0; t < inputs->n_test_beds; t++) {
			char first[160];
			int failures = test_bed_pair_failures(
			        inputs, solution, inputs->test_beds[t], first, sizeof(first));
			if (failures == 0 && pairs->capacity[t] <= 0)
				snprintf(first, sizeof(first), "has no place in the period"),
				        failures = 1;
			if (failures > 0 && failures < fewest) {
				fewest = failures;
				snprintf(nearest, sizeof(nearest), "nearest: %s %s",
				         inputs->test_beds[t]->name, first);
			}
		}
		snprintf(text, size, "no test bed fits it; %s", nearest);
		return;
	}
	size_t used = (size_t)snprintf(text, size, "every test bed that fits it is full:");
	for (size_t p = first_pair; p < end_pair && used + 80 < size; p++) {
		const test_bed_pair *pair = &pairs->pairs[p];
		used += (size_t)snprintf(text + used, size - used,
		                         "%s %s (%d places, lowest fit kept %.1f, this one %.1f)",
		                         p == first_pair ? "" : ";",
		                         inputs->test_beds[pair->test_bed]->name,
		                         pairs->capacity[pair->test_bed],
		                         lowest_fit[pair->test_bed] / 10.0, pair->fit / 10.0);
	}
}

static chc_status add_unassigned(job_run *run, const test_bed_pairs *pairs,
                                 const int *assigned_pair, const int64_t *lowest_fit,
                                 size_t *unassigned, chc_error *error)
{
	const Chc__V1__JobInputs *inputs = run->inputs;
	size_t next_pair = 0;
	*unassigned = 0;
	for (int i = 0; i < pairs->seeking_count; i++) {
		int s = pairs->seeking[i];
		size_t first_pair = next_pair;
		while (next_pair < pairs->pair_count && pairs->pairs[next_pair].solution == s)
			next_pair++;
		if (assigned_pair[s] >= 0)
			continue;
		Chc__V1__JobResult *result = new_result(
		        run, CHC__V1__RESULT_KIND__RESULT_KIND_UNASSIGNED, inputs->solutions[s]);
		char text[1024];
		explain_unassigned(run, pairs, s, lowest_fit, first_pair, next_pair, text,
		                   sizeof(text));
		if (result == NULL ||
		    (result->explanation = job_arena_strdup(&run->arena, text)) == NULL)
			return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
		chc_status status = job_run_add_result(run, result, error);
		if (status != CHC_OK)
			return status;
		(*unassigned)++;
	}
	return CHC_OK;
}

chc_status job_run_test_beds(job_run *run, chc_error *error)
{
	const Chc__V1__JobInputs *inputs = run->inputs;
	test_bed_pairs pairs;
	if (!job_run_progress(run, "finding the pairs that fit", 0, (int64_t)inputs->n_solutions))
		return chc_error_set(error, CHC_CANCELLED, "cancelled");
	chc_status status = test_bed_pairs_build(inputs, run->parameters, &pairs, error);
	if (status != CHC_OK)
		return status;
	int *assigned_pair = malloc((inputs->n_solutions + 1) * sizeof(int));
	int64_t *lowest_fit = calloc(inputs->n_test_beds + 1, sizeof(int64_t));
	int64_t objective = 0;
	if (assigned_pair == NULL || lowest_fit == NULL)
		status = chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	const char *phase = run->kind == CHC__V1__JOB_KIND__JOB_KIND_TESTBED_ASSIGNMENT
	                            ? "solving the assignment"
	                            : "deferred acceptance";
	if (status == CHC_OK && (!job_run_phase_done(run) ||
	                         !job_run_progress(run, phase, 0, (int64_t)pairs.pair_count)))
		status = chc_error_set(error, CHC_CANCELLED, "cancelled");
	if (status == CHC_OK)
		status = solve(run, &pairs, assigned_pair, &objective, error);
	if (status == CHC_OK && (!job_run_phase_done(run) ||
	                         !job_run_progress(run, "explaining", 0, pairs.seeking_count)))
		status = chc_error_set(error, CHC_CANCELLED, "cancelled");
	if (status == CHC_OK)
		status = add_assigned(run, &pairs, assigned_pair, lowest_fit, error);
	size_t unassigned = 0;
	if (status == CHC_OK)
		status = add_unassigned(run, &pairs, assigned_pair, lowest_fit, &unassigned, error);
	if (status == CHC_OK)
		snprintf(run->summary, sizeof(run->summary),
		         "%d solutions seeking x %zu test beds (%zu pairs fit): %zu assigned, "
		         "%zu not, total fit %.1f",
		         pairs.seeking_count, inputs->n_test_beds, pairs.pair_count,
		         (size_t)pairs.seeking_count - unassigned, unassigned, objective / 10.0);
	free(assigned_pair);
	free(lowest_fit);
	test_bed_pairs_fini(&pairs);
	return status;
}
