/*
 * stable.c - stable matching with capacities: solution-proposing deferred
 * acceptance (Gale and Shapley; Roth's hospitals/residents). Each solution
 * proposes down its list; each test bed holds its best proposals so far in
 * a heap with its least wanted on top and lets that one go when a better one
 * comes. O(pairs log capacity); the result is the solution-optimal stable
 * matching.
 */
#include "stable.h"
#include "test_bed_pairs.h"

#include <stdlib.h>
#include <string.h>

/* Does the test bed of a and b (the same one) want a's solution more? */
static bool test_bed_prefers(const stable_problem *problem, size_t a, size_t b)
{
	if (problem->test_bed_key[a] != problem->test_bed_key[b])
		return problem->test_bed_key[a] > problem->test_bed_key[b];
	return problem->pair_solution[a] < problem->pair_solution[b];
}

/* Does the solution of a and b (the same one) want a's test bed more? */
static bool solution_prefers(const stable_problem *problem, size_t a, size_t b)
{
	if (problem->solution_key[a] != problem->solution_key[b])
		return problem->solution_key[a] > problem->solution_key[b];
	return problem->pair_test_bed[a] < problem->pair_test_bed[b];
}

static const stable_problem *sorting_problem; /* qsort has no context argument */

static int compare_proposals(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	const stable_problem *problem = sorting_problem;
	if (problem->pair_solution[a] != problem->pair_solution[b])
		return problem->pair_solution[a] < problem->pair_solution[b] ? -1 : 1;
	if (solution_prefers(problem, a, b))
		return -1;
	return solution_prefers(problem, b, a) ? 1 : 0;
}

static chc_status check(const stable_problem *problem, chc_error *error)
{
	return test_bed_pairs_check(problem->solution_count, problem->test_bed_count,
	                            problem->capacity, problem->pair_count, problem->pair_solution,
	                            problem->pair_test_bed, NULL, error);
}

/* The heap of one test bed: its held pairs, least wanted at the root. */
typedef struct held_heap {
	size_t *pairs;
	int count;
} held_heap;

static void heap_swap(size_t *pairs, int a, int b)
{
	size_t kept = pairs[a];
	pairs[a] = pairs[b];
	pairs[b] = kept;
}

static void heap_push(const stable_problem *problem, held_heap *heap, size_t pair)
{
	int at = heap->count++;
	heap->pairs[at] = pair;
	while (at > 0) {
		int parent = (at - 1) / 2;
		/* The parent must be wanted no more than the child. */
		if (!test_bed_prefers(problem, heap->pairs[parent], heap->pairs[at]))
			break;
		heap_swap(heap->pairs, parent, at);
		at = parent;
	}
}

static void heap_replace_root(const stable_problem *problem, held_heap *heap, size_t pair)
{
	heap->pairs[0] = pair;
	int at = 0;
	for (;;) {
		int least = at, left = 2 * at + 1, right = left + 1;
		if (left < heap->count &&
		    test_bed_prefers(problem, heap->pairs[least], heap->pairs[left]))
			least = left;
		if (right < heap->count &&
		    test_bed_prefers(problem, heap->pairs[least], heap->pairs[right]))
			least = right;
		if (least == at)
			return;
		heap_swap(heap->pairs, at, least);
		at = least;
	}
}

chc_status stable_match(const stable_problem *problem, int *assigned_pair, chc_error *error)
{
	chc_status status = check(problem, error);
	if (status != CHC_OK)
		return status;
	size_t pairs = problem->pair_count;
	int solutions = problem->solution_count, test_beds = problem->test_bed_count;
	size_t *order = malloc((pairs + 1) * sizeof(*order));
	size_t *first = calloc((size_t)solutions + 1, sizeof(*first)); /* list start per solution */
	size_t *next = calloc((size_t)solutions + 1, sizeof(*next));   /* next proposal */
	int *seen = malloc(((size_t)test_beds + 1) * sizeof(*seen));
	int *free_solutions = malloc(((size_t)solutions + 1) * sizeof(*free_solutions));
	held_heap *heaps = calloc((size_t)test_beds + 1, sizeof(*heaps));
	size_t *held = malloc((pairs + 1) * sizeof(*held));
	if (order == NULL || first == NULL || next == NULL || seen == NULL ||
	    free_solutions == NULL || heaps == NULL || held == NULL) {
		status = chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < pairs; i++)
		order[i] = i;
	sorting_problem = problem;
	qsort(order, pairs, sizeof(*order), compare_proposals);
	/* Each solution's list is a run of order; a pair listed twice is a
	 * mistake of the caller. */
	for (int t = 0; t < test_beds; t++)
		seen[t] = -1;
	for (size_t i = 0, at = 0; (int)at < solutions; at++) {
		first[at] = i;
		while (i < pairs && problem->pair_solution[order[i]] == (int)at) {
			int t = problem->pair_test_bed[order[i]];
			if (seen[t] == (int)at) {
				status = chc_error_set(
				        error, CHC_INVALID_ARGUMENT,
				        "solution %zu and test bed %d are paired twice", at, t);
				goto done;
			}
			seen[t] = (int)at;
			i++;
		}
	}
	first[solutions] = pairs;
	/* Each test bed holds at most its capacity, and at most the pairs that
	 * name it: the heaps share one array of the pairs' size. seen counts
	 * the pairs of each test bed now. */
	for (int t = 0; t < test_beds; t++)
		seen[t] = 0;
	for (size_t i = 0; i < pairs; i++)
		seen[problem->pair_test_bed[i]]++;
	size_t offset = 0;
	for (int t = 0; t < test_beds; t++) {
		heaps[t].pairs = held + offset;
		offset += (size_t)(seen[t] < problem->capacity[t] ? seen[t] : problem->capacity[t]);
	}
	int free_count = 0;
	for (int s = solutions - 1; s >= 0; s--) {
		next[s] = first[s];
		free_solutions[free_count++] = s;
	}
	while (free_count > 0) {
		int s = free_solutions[--free_count];
		while (next[s] < first[s + 1]) {
			size_t pair = order[next[s]++];
			int t = problem->pair_test_bed[pair];
			held_heap *heap = &heaps[t];
			if (heap->count < problem->capacity[t]) {
				heap_push(problem, heap, pair);
				s = -1;
				break;
			}
			if (heap->count > 0 && test_bed_prefers(problem, pair, heap->pairs[0])) {
				int rejected = problem->pair_solution[heap->pairs[0]];
				heap_replace_root(problem, heap, pair);
				s = rejected; /* proposes on down its own list */
			}
		}
	}
	for (int s = 0; s < solutions; s++)
		assigned_pair[s] = -1;
	for (int t = 0; t < test_beds; t++)
		for (int i = 0; i < heaps[t].count; i++)
			assigned_pair[problem->pair_solution[heaps[t].pairs[i]]] =
			        (int)heaps[t].pairs[i];
done:
	free(order);
	free(first);
	free(next);
	free(seen);
	free(free_solutions);
	free(heaps);
	free(held);
	return status;
}

bool stable_find_blocking_pair(const stable_problem *problem, const int *assigned_pair,
                               size_t *blocking_pair)
{
	int test_beds = problem->test_bed_count;
	int *count = calloc((size_t)test_beds + 1, sizeof(*count));
	long *worst = malloc(((size_t)test_beds + 1) * sizeof(*worst)); /* least wanted held pair */
	if (count == NULL || worst == NULL) {
		free(count);
		free(worst);
		return false;
	}
	for (int t = 0; t < test_beds; t++)
		worst[t] = -1;
	for (int s = 0; s < problem->solution_count; s++) {
		int pair = assigned_pair[s];
		if (pair < 0)
			continue;
		int t = problem->pair_test_bed[pair];
		count[t]++;
		if (worst[t] < 0 || test_bed_prefers(problem, (size_t)worst[t], (size_t)pair))
			worst[t] = pair;
	}
	bool found = false;
	for (size_t i = 0; i < problem->pair_count && !found; i++) {
		int s = problem->pair_solution[i], t = problem->pair_test_bed[i];
		int own = assigned_pair[s];
		if (own == (int)i)
			continue;
		bool solution_wants = own < 0 || solution_prefers(problem, i, (size_t)own);
		bool test_bed_wants =
		        count[t] < problem->capacity[t] ||
		        (worst[t] >= 0 && test_bed_prefers(problem, i, (size_t)worst[t]));
		if (solution_wants && test_bed_wants) {
			*blocking_pair = i;
			found = true;
		}
	}
	free(count);
	free(worst);
	return found;
}
