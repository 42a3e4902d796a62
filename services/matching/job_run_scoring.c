/*
 * job_run_scoring.c - need_solution and consortia: the scoring input made
 * from a job's inputs, and their results with reasons.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chc/json.h"
#include "consortia.h"
#include "matching_jobs.h"
#include "scoring.h"

typedef struct scoring_context {
	scoring_input input;
	scoring_municipality *municipalities;
	scoring_feedback *feedback;
} scoring_context;

static int compare_id(const void *key, const void *element)
{
	return strcmp(key, *(const char *const *)element);
}

/* Index of id in a list of messages sorted by their first field, the id. */
static long find_by_id(void *const *items, size_t count, const char *id)
{
	/* Solution and Need both start with base, then the id string. */
	for (size_t low = 0, high = count; low < high;) {
		size_t middle = (low + high) / 2;
		const char *middle_id = *(const char *const *)((const char *)items[middle] +
		                                               sizeof(ProtobufCMessage));
		int order = compare_id(id, &middle_id);
		if (order == 0)
			return (long)middle;
		if (order < 0)
			high = middle;
		else
			low = middle + 1;
	}
	return -1;
}

static chc_status context_init(scoring_context *context, const job_run *run, chc_error *error)
{
	const Chc__V1__JobInputs *inputs = run->inputs;
	const Chc__V1__JobParameters *parameters = run->parameters;
	memset(context, 0, sizeof(*context));
	context->municipalities =
	        calloc(inputs->n_municipalities + 1, sizeof(*context->municipalities));
	context->feedback = calloc(inputs->n_feedback + 1, sizeof(*context->feedback));
	if (context->municipalities == NULL || context->feedback == NULL)
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	for (size_t i = 0; i < inputs->n_municipalities; i++) {
		context->municipalities[i].code = inputs->municipalities[i]->code;
		context->municipalities[i].region_code = inputs->municipalities[i]->region_code;
		context->municipalities[i].population = inputs->municipalities[i]->population;
	}
	size_t feedback_count = 0;
	for (size_t i = 0; i < inputs->n_feedback; i++) {
		long need = find_by_id((void *const *)inputs->needs, inputs->n_needs,
		                       inputs->feedback[i]->need_id);
		long solution = find_by_id((void *const *)inputs->solutions, inputs->n_solutions,
		                           inputs->feedback[i]->solution_id);
		if (need < 0 || solution < 0)
			continue; /* about a need or solution this job does not read */
		context->feedback[feedback_count].need = (size_t)need;
		context->feedback[feedback_count].solution = (size_t)solution;
		context->feedback[feedback_count].reason = inputs->feedback[i]->reason;
		feedback_count++;
	}
	scoring_input *input = &context->input;
	input->solutions = (const Chc__V1__Solution *const *)inputs->solutions;
	input->solution_count = inputs->n_solutions;
	input->needs = (const Chc__V1__Need *const *)inputs->needs;
	input->need_count = inputs->n_needs;
	input->municipalities = context->municipalities;
	input->municipality_count = inputs->n_municipalities;
	input->feedback = context->feedback;
	input->feedback_count = feedback_count;
	const Chc__V1__ScoreWeights *weights = parameters->weights;
	if (weights != NULL) {
		input->weights[SCORING_CARE_AREA] = weights->care_area;
		input->weights[SCORING_TARGET_GROUPS] = weights->target_groups;
		input->weights[SCORING_EVIDENCE] = weights->evidence;
		input->weights[SCORING_DEPLOYMENTS] = weights->deployments;
		input->weights[SCORING_PRICE] = weights->price;
		input->weights[SCORING_LANGUAGE] = weights->language;
	}
	input->top_k = parameters->top_k;
	input->gap_report_size = parameters->gap_report_size;
	return CHC_OK;
}

static void context_fini(scoring_context *context)
{
	free(context->municipalities);
	free(context->feedback);
}

/* The reasons of one pair as MatchReason messages; the explanation says
 * what decided: the failed hard criteria, or the strongest soft ones. */
static chc_status add_reasons(job_run *run, const scoring_input *input, size_t need,
                              size_t solution, Chc__V1__JobResult *result, bool near_miss)
{
	scoring_reason reasons[SCORING_MAX_REASONS];
	int32_t score = 0;
	size_t count = scoring_explain(input, need, solution, reasons, SCORING_MAX_REASONS, &score);
	result->reasons = job_arena_alloc(&run->arena, (count + 1) * sizeof(*result->reasons));
	if (result->reasons == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	char explanation[1024] = "";
	size_t used = 0;
	for (size_t i = 0; i < count; i++) {
		Chc__V1__MatchReason *reason = job_arena_alloc(&run->arena, sizeof(*reason));
		if (reason == NULL)
			return CHC_RESOURCE_EXHAUSTED;
		chc__v1__match_reason__init(reason);
		reason->criterion = (char *)reasons[i].criterion;
		reason->met = reasons[i].met;
		reason->hard = reasons[i].hard;
		reason->weight = reasons[i].weight;
		reason->contribution = reasons[i].contribution / 100.0;
		reason->detail = job_arena_strdup(&run->arena, reasons[i].detail);
		if (reason->detail == NULL)
			return CHC_RESOURCE_EXHAUSTED;
		result->reasons[result->n_reasons++] = reason;
		/* A near miss is explained by what it lacks, a match by what it
		 * meets. */
		bool tell = near_miss ? !reasons[i].met
		                      : (reasons[i].met && !reasons[i].hard &&
		                         reasons[i].contribution > 0);
		if (!near_miss && !reasons[i].met && strcmp(reasons[i].criterion, "feedback") == 0)
			tell = true;
		if (tell && used + strlen(reasons[i].detail) + 3 < sizeof(explanation))
			used += (size_t)snprintf(explanation + used, sizeof(explanation) - used,
			                         "%s%s", used ? "; " : "", reasons[i].detail);
	}
	result->explanation = job_arena_strdup(&run->arena, explanation);
	return result->explanation != NULL ? CHC_OK : CHC_RESOURCE_EXHAUSTED;
}

static chc_status add_need_results(job_run *run, const scoring_input *input, size_t need,
                                   const scoring_need_result *found, chc_error *error)
{
	const Chc__V1__Need *the_need = input->needs[need];
	for (int pass = 0; pass < 2; pass++) {
		const scoring_entry *entries = pass == 0 ? found->matches : found->near_misses;
		size_t count = pass == 0 ? found->match_count : found->near_miss_count;
		for (size_t i = 0; i < count; i++) {
			const Chc__V1__Solution *solution = input->solutions[entries[i].solution];
			Chc__V1__JobResult *result = job_arena_alloc(&run->arena, sizeof(*result));
			if (result == NULL)
				return chc_error_set(error, CHC_RESOURCE_EXHAUSTED,
				                     "out of memory");
			chc__v1__job_result__init(result);
			result->kind = pass == 0 ? CHC__V1__RESULT_KIND__RESULT_KIND_MATCH
			                         : CHC__V1__RESULT_KIND__RESULT_KIND_NEAR_MISS;
			result->rank = (int32_t)i + 1;
			result->need_id = the_need->id;
			result->need_title = the_need->title;
			result->solution_id = solution->id;
			result->solution_name = solution->name;
			result->score = entries[i].score / 100.0;
			if (add_reasons(run, input, need, entries[i].solution, result, pass == 1) !=
			    CHC_OK)
				return chc_error_set(error, CHC_RESOURCE_EXHAUSTED,
				                     "out of memory");
			chc_status status = job_run_add_result(run, result, error);
			if (status != CHC_OK)
				return status;
		}
	}
	return CHC_OK;
}

static bool report_progress(void *context, int64_t done, int64_t total)
{
	return job_run_progress(context, "scoring", done, total);
}

chc_status job_run_need_solution(job_run *run, chc_error *error)
{
	scoring_context context;
	chc_status status = context_init(&context, run, error);
	scoring_output output = { 0 };
	if (status == CHC_OK)
		status = scoring_run(&context.input, report_progress, run, &output, error);
	size_t matches = 0, near_misses = 0;
	for (size_t need = 0; status == CHC_OK && need < output.need_count; need++) {
		if (need % 64 == 0 &&
		    !job_run_progress(run, "explaining", (int64_t)need, (int64_t)output.need_count))
			status = chc_error_set(error, CHC_CANCELLED, "cancelled");
		if (status == CHC_OK)
			status = add_need_results(run, &context.input, need, &output.needs[need],
			                          error);
		matches += output.needs[need].match_count;
		near_misses += output.needs[need].near_miss_count;
	}
	if (status == CHC_OK) {
		snprintf(run->summary, sizeof(run->summary),
		         "%zu needs x %zu solutions (%lld pairs scored): %zu matches, %zu near "
		         "misses",
		         context.input.need_count, context.input.solution_count,
		         (long long)output.pairs_scored, matches, near_misses);
		if (!job_run_phase_done(run))
			status = chc_error_set(error, CHC_CANCELLED, "cancelled");
	}
	scoring_output_fini(&output);
	context_fini(&context);
	return status;
}

static chc_status consortium_result(job_run *run, const scoring_input *input,
                                    const consortia_group *group, int rank,
                                    Chc__V1__JobResult **made)
{
	job_arena *arena = &run->arena;
	Chc__V1__JobResult *result = job_arena_alloc(arena, sizeof(*result));
	Chc__V1__Consortium *consortium = job_arena_alloc(arena, sizeof(*consortium));
	Chc__V1__BudgetRange *budget = job_arena_alloc(arena, sizeof(*budget));
	if (result == NULL || consortium == NULL || budget == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	chc__v1__job_result__init(result);
	chc__v1__consortium__init(consortium);
	chc__v1__budget_range__init(budget);
	result->kind = CHC__V1__RESULT_KIND__RESULT_KIND_CONSORTIUM;
	result->rank = rank;
	consortium->care_area = group->care_area;
	consortium->total_population = group->total_population;
	budget->min_dkk = group->budget_min_dkk;
	budget->max_dkk = group->budget_max_dkk;
	consortium->combined_budget = budget;
	consortium->members = job_arena_alloc(arena, (group->member_count + 1) * sizeof(void *));
	consortium->solutions =
	        job_arena_alloc(arena, (group->solution_count + 1) * sizeof(void *));
	if (consortium->members == NULL || consortium->solutions == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	for (size_t i = 0; i < group->member_count; i++) {
		const consortia_member *from = &group->members[i];
		Chc__V1__ConsortiumMember *member = job_arena_alloc(arena, sizeof(*member));
		if (member == NULL)
			return CHC_RESOURCE_EXHAUSTED;
		chc__v1__consortium_member__init(member);
		member->municipality_code = from->municipality_code;
		member->region_code = from->region_code;
		member->population = from->population;
		member->need_id = (char *)input->needs[from->need]->id;
		member->reason = job_arena_strdup(arena, from->reason);
		member->name = (char *)"";
		for (size_t m = 0; m < run->inputs->n_municipalities && from->municipality_code;
		     m++)
			if (run->inputs->municipalities[m]->code == from->municipality_code)
				member->name = run->inputs->municipalities[m]->name;
		for (size_t r = 0; r < run->inputs->n_regions && from->region_code; r++)
			if (run->inputs->regions[r]->code == from->region_code)
				member->name = run->inputs->regions[r]->name;
		consortium->members[consortium->n_members++] = member;
	}
	for (size_t i = 0; i < group->solution_count; i++) {
		Chc__V1__ConsortiumSolution *solution = job_arena_alloc(arena, sizeof(*solution));
		if (solution == NULL)
			return CHC_RESOURCE_EXHAUSTED;
		chc__v1__consortium_solution__init(solution);
		const Chc__V1__Solution *from = input->solutions[group->solutions[i].solution];
		solution->solution_id = from->id;
		solution->name = from->name;
		solution->score = group->solutions[i].score / 100.0;
		consortium->solutions[consortium->n_solutions++] = solution;
	}
	result->consortium = consortium;
	if (group->solution_count > 0) {
		result->solution_id = consortium->solutions[0]->solution_id;
		result->solution_name = consortium->solutions[0]->name;
		result->score = consortium->solutions[0]->score;
	}
	char area[64], text[512];
	chc_enum_slug(&chc__v1__care_category__descriptor, group->care_area, area, sizeof(area));
	snprintf(text, sizeof(text),
	         "%zu members buying %s together for %lld citizens, budget %lld to %lld DKK, "
	         "%zu solutions meet every member's requirements",
	         group->member_count, area, (long long)group->total_population,
	         (long long)group->budget_min_dkk, (long long)group->budget_max_dkk,
	         group->solution_count);
	result->explanation = job_arena_strdup(arena, text);
	*made = result;
	return result->explanation != NULL ? CHC_OK : CHC_RESOURCE_EXHAUSTED;
}

chc_status job_run_consortia(job_run *run, chc_error *error)
{
	scoring_context context;
	chc_status status = context_init(&context, run, error);
	const Chc__V1__JobInputs *inputs = run->inputs;
	consortia_region *regions = calloc(inputs->n_regions + 1, sizeof(*regions));
	if (status == CHC_OK && regions == NULL)
		status = chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	for (size_t i = 0; status == CHC_OK && i < inputs->n_regions; i++) {
		regions[i].code = inputs->regions[i]->code;
		regions[i].population = inputs->regions[i]->population;
	}
	consortia_input input = {
		.scoring = &context.input,
		.regions = regions,
		.region_count = inputs->n_regions,
		.deadline_window_days = run->parameters->deadline_window_days,
		.min_group_size = run->parameters->min_group_size,
		.max_solutions = run->parameters->top_k,
	};
	consortia_group *groups = NULL;
	size_t count = 0;
	if (status == CHC_OK && job_run_progress(run, "grouping", 0, (int64_t)inputs->n_needs))
		status = consortia_build(&input, &groups, &count, error);
	size_t members = 0;
	for (size_t i = 0; status == CHC_OK && i < count; i++) {
		Chc__V1__JobResult *result = NULL;
		status = consortium_result(run, &context.input, &groups[i], (int)i + 1, &result);
		if (status == CHC_OK)
			status = job_run_add_result(run, result, error);
		else
			chc_error_set(error, status, "out of memory");
		members += groups[i].member_count;
	}
	if (status == CHC_OK)
		snprintf(run->summary, sizeof(run->summary),
		         "%zu open needs: %zu candidate buying groups with %zu members",
		         inputs->n_needs, count, members);
	if (status == CHC_OK && !job_run_phase_done(run))
		status = chc_error_set(error, CHC_CANCELLED, "cancelled");
	consortia_free(groups, count);
	free(regions);
	context_fini(&context);
	return status;
}
