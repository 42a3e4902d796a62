/*
 * scoring.c - every solution against every need: the hard criteria decide
 * whether a pair may match (a pair that fails goes to the need's gap
 * report), the soft criteria rank the matches, and each need keeps its top K
 * and its nearest misses. Needs are shared among threads; each need is
 * scored by one thread alone, so the output never depends on timing. By
 * default only the candidates scoring_index.c leaves are scored.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chc/json.h"
#include "scoring_internal.h"

#define MAX_THREADS 64

typedef struct scoring_run_state {
	const scoring_input *input;
	const solution_facts *solutions;
	const need_facts *needs;
	const scoring_index *index; /* NULL: every pair is scored */
	scoring_output *output;
	const uint8_t *feedback_pairs; /* per need, 1 when any feedback names it */
	atomic_size_t next_need;
	atomic_size_t needs_done;
	atomic_bool stop;
	atomic_bool out_of_memory;
	atomic_llong pairs_scored;
} scoring_run_state;

/* Is a ranked before b? Higher score first, then the lower solution id
 * (then the earlier solution, should two share an id: the order must be
 * total for the candidates to give what every pair gives). */
static bool match_before(const scoring_run_state *state, const scoring_entry *a,
                         const scoring_entry *b)
{
	if (a->score != b->score)
		return a->score > b->score;
	int order = strcmp(state->solutions[a->solution].id, state->solutions[b->solution].id);
	return order != 0 ? order < 0 : a->solution < b->solution;
}

/* Nearer misses first: fewer failed hard criteria, then score, then id. */
static bool miss_before(const scoring_run_state *state, const scoring_entry *a,
                        const scoring_entry *b)
{
	if (a->failed != b->failed)
		return a->failed < b->failed;
	return match_before(state, a, b);
}

/* Keeps the best `limit` entries in order: a bounded insertion. */
static void keep(const scoring_run_state *state, scoring_entry *kept, size_t *count, size_t limit,
                 const scoring_entry *entry,
                 bool (*before)(const scoring_run_state *, const scoring_entry *,
                                const scoring_entry *))
{
	if (limit == 0)
		return;
	if (*count == limit && !before(state, entry, &kept[limit - 1]))
		return;
	size_t at = *count < limit ? (*count)++ : limit - 1;
	while (at > 0 && before(state, entry, &kept[at - 1])) {
		kept[at] = kept[at - 1];
		at--;
	}
	kept[at] = *entry;
}

static bool has_feedback(const scoring_input *input, size_t need, size_t solution)
{
	for (size_t i = 0; i < input->feedback_count; i++)
		if (input->feedback[i].need == need && input->feedback[i].solution == solution)
			return true;
	return false;
}

static bool need_result_init(scoring_run_state *state, scoring_need_result *result)
{
	size_t top_k = (size_t)state->input->top_k, gaps = (size_t)state->input->gap_report_size;
	result->matches = malloc((top_k + 1) * sizeof(scoring_entry));
	result->near_misses = malloc((gaps + 1) * sizeof(scoring_entry));
	if (result->matches != NULL && result->near_misses != NULL)
		return true;
	atomic_store(&state->out_of_memory, true);
	return false;
}

/* One need being scored: what score_every_pair and score_candidates both
 * read, set up once by score_need. */
typedef struct need_scoring {
	size_t need;
	const need_facts *facts;
	scoring_need_result *result;
	size_t top_k, gaps;
	bool feedback; /* some feedback names this need */
} need_scoring;

/* The soft score of the pair, or 0 when feedback turned it down. */
static int32_t pair_score(const scoring_run_state *state, const need_scoring *scoring,
                          size_t solution_index, const solution_facts *solution)
{
	if (scoring->feedback && has_feedback(state->input, scoring->need, solution_index))
		return 0;
	return scoring_soft_score(scoring->facts, solution);
}

static void score_every_pair(scoring_run_state *state, const need_scoring *scoring)
{
	const scoring_input *input = state->input;
	scoring_need_result *result = scoring->result;
	size_t top_k = scoring->top_k, gaps = scoring->gaps;
	for (size_t s = 0; s < input->solution_count; s++) {
		const solution_facts *solution = &state->solutions[s];
		scoring_entry entry = { .solution = (uint32_t)s };
		entry.failed = (uint16_t)scoring_hard_failures(scoring->facts, solution);
		if (entry.failed > 0 && result->near_miss_count == gaps && gaps > 0 &&
		    entry.failed > result->near_misses[gaps - 1].failed)
			continue; /* farther off than every miss kept */
		if (entry.failed > 0 && gaps == 0)
			continue;
		entry.score = pair_score(state, scoring, s, solution);
		if (entry.failed == 0)
			keep(state, result->matches, &result->match_count, top_k, &entry,
			     match_before);
		else
			keep(state, result->near_misses, &result->near_miss_count, gaps, &entry,
			     miss_before);
	}
	atomic_fetch_add(&state->pairs_scored, (long long)input->solution_count);
}

/* Can no solution of a run with `failed` hard failures and a score of at
 * most `bound` enter the kept list? Only when the list is full and its last
 * entry goes before any such solution, whatever its id. */
static bool settled(const scoring_entry *kept, size_t count, size_t limit, int failed,
                    int32_t bound)
{
	if (limit == 0)
		return true;
	if (count < limit)
		return false;
	const scoring_entry *last = &kept[limit - 1];
	return last->failed < failed || (last->failed == failed && last->score > bound);
}

/*
 * The same result as score_every_pair, from the candidates alone: the lists
 * of the index come highest bound first, and a run of solutions is read
 * only when its hard failures and the list's bound leave it a chance to
 * enter the matches or the gap report. Whatever is skipped scores at most
 * the bound, below the last entry kept then, which only ever rises.
 */
static void score_candidates(scoring_run_state *state, const need_scoring *scoring)
{
	const need_facts *facts = scoring->facts;
	scoring_need_result *result = scoring->result;
	size_t top_k = scoring->top_k, gaps = scoring->gaps;
	scoring_index_visit visits[SCORING_INDEX_LISTS];
	size_t visit_count = scoring_index_visits(state->index, facts, visits);
	long long scored = 0;
	for (size_t v = 0; v < visit_count; v++) {
		const scoring_index_visit *visit = &visits[v];
		/* A near miss fails at least one criterion. */
		if (settled(result->matches, result->match_count, top_k, 0, visit->bound) &&
		    settled(result->near_misses, result->near_miss_count, gaps, 1, visit->bound))
			break;
		for (size_t r = visit->list->run_begin; r < visit->list->run_end; r++) {
			const scoring_index_run *run = &state->index->runs[r];
			int failed = scoring_hard_failures_of(facts, run->trl, run->device_class,
			                                      run->standards, run->dpa);
			bool match = failed == 0;
			scoring_entry *kept = match ? result->matches : result->near_misses;
			size_t *count = match ? &result->match_count : &result->near_miss_count;
			size_t limit = match ? top_k : gaps;
			if (settled(kept, *count, limit, failed, visit->bound))
				continue;
			for (uint32_t i = run->begin; i < run->end; i++) {
				uint32_t s = state->index->solutions[i];
				const solution_facts *solution = &state->index->facts[i];
				if (solution->categories & visit->elsewhere)
					continue; /* scored in the list of a better category */
				scoring_entry entry = { .solution = s, .failed = (uint16_t)failed };
				entry.score = pair_score(state, scoring, s, solution);
				scored++;
				keep(state, kept, count, limit, &entry,
				     match ? match_before : miss_before);
			}
		}
	}
	atomic_fetch_add(&state->pairs_scored, scored);
}

static void score_need(scoring_run_state *state, size_t need)
{
	need_scoring scoring = {
		.need = need,
		.facts = &state->needs[need],
		.result = &state->output->needs[need],
		.top_k = (size_t)state->input->top_k,
		.gaps = (size_t)state->input->gap_report_size,
		.feedback = state->feedback_pairs[need] != 0,
	};
	if (!need_result_init(state, scoring.result))
		return;
	if (state->index != NULL)
		score_candidates(state, &scoring);
	else
		score_every_pair(state, &scoring);
}

static void *scoring_thread(void *argument)
{
	scoring_run_state *state = argument;
	for (;;) {
		if (atomic_load(&state->stop) || atomic_load(&state->out_of_memory))
			return NULL;
		size_t need = atomic_fetch_add(&state->next_need, 1);
		if (need >= state->input->need_count)
			return NULL;
		score_need(state, need);
		atomic_fetch_add(&state->needs_done, 1);
	}
}

static chc_status check(const scoring_input *input, chc_error *error)
{
	if (input->top_k < 1)
		return chc_error_set(error, CHC_INVALID_ARGUMENT, "top_k must be at least 1");
	if (input->gap_report_size < 0)
		return chc_error_set(error, CHC_INVALID_ARGUMENT, "gap_report_size is negative");
	for (int i = 0; i < SCORING_SOFT_COUNT; i++)
		if (!(input->weights[i] >= 0))
			return chc_error_set(error, CHC_INVALID_ARGUMENT, "weight %d is negative",
			                     i);
	for (size_t i = 0; i < input->feedback_count; i++)
		if (input->feedback[i].need >= input->need_count ||
		    input->feedback[i].solution >= input->solution_count)
			return chc_error_set(error, CHC_INVALID_ARGUMENT,
			                     "feedback %zu is out of range", i);
	return CHC_OK;
}

static void wait_a_little(void)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	nanosleep(&pause, NULL);
}

chc_status scoring_run(const scoring_input *input, scoring_progress progress, void *context,
                       scoring_output *output, chc_error *error)
{
	memset(output, 0, sizeof(*output));
	chc_status status = check(input, error);
	if (status != CHC_OK)
		return status;
	solution_facts *solutions = NULL;
	need_facts *needs = NULL;
	if (scoring_facts(input, &solutions, &needs, error) != CHC_OK)
		return CHC_RESOURCE_EXHAUSTED;
	output->needs = calloc(input->need_count + 1, sizeof(*output->needs));
	uint8_t *feedback_pairs = calloc(input->need_count + 1, 1);
	if (output->needs == NULL || feedback_pairs == NULL) {
		free(solutions);
		free(needs);
		free(feedback_pairs);
		free(output->needs);
		output->needs = NULL;
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	}
	output->need_count = input->need_count;
	for (size_t i = 0; i < input->feedback_count; i++)
		feedback_pairs[input->feedback[i].need] = 1;
	scoring_index index = { 0 };
	if (!input->exhaustive &&
	    scoring_index_build(solutions, input->solution_count, &index, error) != CHC_OK) {
		free(solutions);
		free(needs);
		free(feedback_pairs);
		scoring_output_fini(output);
		return CHC_RESOURCE_EXHAUSTED;
	}
	scoring_run_state state = {
		.input = input,
		.solutions = solutions,
		.needs = needs,
		.index = input->exhaustive ? NULL : &index,
		.output = output,
		.feedback_pairs = feedback_pairs,
	};
	long cores = input->threads > 0 ? input->threads : sysconf(_SC_NPROCESSORS_ONLN);
	int threads = cores < 1 ? 1 : cores > MAX_THREADS ? MAX_THREADS : (int)cores;
	pthread_t workers[MAX_THREADS];
	int started = 0;
	for (int i = 0; i < threads; i++)
		if (pthread_create(&workers[i], NULL, scoring_thread, &state) == 0)
			started++;
	if (started == 0)
		scoring_thread(&state);
	/* This thread reports progress while the others score. */
	while (started > 0 && atomic_load(&state.needs_done) < input->need_count &&
	       !atomic_load(&state.stop) && !atomic_load(&state.out_of_memory)) {
		if (progress != NULL && !progress(context, (int64_t)atomic_load(&state.needs_done),
		                                  (int64_t)input->need_count))
			atomic_store(&state.stop, true);
		else
			wait_a_little();
	}
	for (int i = 0; i < started; i++)
		pthread_join(workers[i], NULL);
	output->pairs_scored = atomic_load(&state.pairs_scored);
	if (atomic_load(&state.out_of_memory))
		status = chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	else if (atomic_load(&state.stop))
		status = chc_error_set(error, CHC_CANCELLED, "cancelled");
	else if (progress != NULL &&
	         !progress(context, (int64_t)input->need_count, (int64_t)input->need_count))
		status = chc_error_set(error, CHC_CANCELLED, "cancelled");
	scoring_index_fini(&index);
	free(solutions);
	free(needs);
	free(feedback_pairs);
	if (status != CHC_OK)
		scoring_output_fini(output);
	return status;
}

void scoring_output_fini(scoring_output *output)
{
	for (size_t i = 0; output->needs != NULL && i < output->need_count; i++) {
		free(output->needs[i].matches);
		free(output->needs[i].near_misses);
	}
	free(output->needs);
	memset(output, 0, sizeof(*output));
}
