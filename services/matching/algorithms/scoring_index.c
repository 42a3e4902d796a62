/*
 * scoring_index.c - the solutions arranged so that a need reads only those
 * that could make its top K or its gap report (docs/matching.md, "Candidate
 * pruning"): one list per category and evidence level, because those two
 * facts bound the soft score before any pair is scored; within a list, runs
 * of solutions with the same hard-criteria facts, because one check then
 * decides a whole run.
 */
#include <stdlib.h>
#include <string.h>

#include "scoring_internal.h"

typedef struct index_entry {
	int32_t trl;
	int32_t device_class;
	uint32_t standards;
	uint32_t dpa;
	uint32_t solution;
	uint32_t list;
} index_entry;

static int compare_entries(const void *left, const void *right)
{
	const index_entry *a = left, *b = right;
	if (a->list != b->list)
		return a->list < b->list ? -1 : 1;
	/* Highest TRL first: the runs a strict need accepts come first. */
	if (a->trl != b->trl)
		return a->trl > b->trl ? -1 : 1;
	if (a->dpa != b->dpa)
		return a->dpa > b->dpa ? -1 : 1;
	if (a->device_class != b->device_class)
		return a->device_class < b->device_class ? -1 : 1;
	if (a->standards != b->standards)
		return a->standards < b->standards ? -1 : 1;
	return a->solution < b->solution ? -1 : a->solution > b->solution;
}

static bool same_hard_facts(const index_entry *a, const index_entry *b)
{
	return a->list == b->list && a->trl == b->trl && a->dpa == b->dpa &&
	       a->device_class == b->device_class && a->standards == b->standards;
}

static size_t list_of(int category, int evidence)
{
	return (size_t)category * SCORING_INDEX_EVIDENCE + (size_t)evidence;
}

chc_status scoring_index_build(const solution_facts *solutions, size_t count, scoring_index *index,
                               chc_error *error)
{
	memset(index, 0, sizeof(*index));
	for (int category = 0; category < SCORING_INDEX_CATEGORIES; category++)
		for (int evidence = 0; evidence < SCORING_INDEX_EVIDENCE; evidence++) {
			scoring_index_list *list = &index->lists[list_of(category, evidence)];
			list->category = category;
			list->evidence = evidence;
		}
	size_t entries = 0;
	for (size_t s = 0; s < count; s++)
		entries += solutions[s].categories
		                   ? (size_t)__builtin_popcount(solutions[s].categories)
		                   : 1;
	index_entry *sorted = malloc((entries + 1) * sizeof(*sorted));
	index->solutions = malloc((entries + 1) * sizeof(*index->solutions));
	index->facts = malloc((entries + 1) * sizeof(*index->facts));
	index->runs = malloc((entries + 1) * sizeof(*index->runs));
	if (sorted == NULL || index->solutions == NULL || index->facts == NULL ||
	    index->runs == NULL) {
		free(sorted);
		scoring_index_fini(index);
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	}
	size_t at = 0;
	for (size_t s = 0; s < count; s++) {
		const solution_facts *facts = &solutions[s];
		index_entry entry = { .trl = facts->trl,
			              .device_class = facts->device_class,
			              .standards = facts->standards,
			              .dpa = facts->dpa,
			              .solution = (uint32_t)s };
		uint32_t categories = facts->categories;
		if (categories == 0) {
			entry.list = (uint32_t)list_of(0, facts->evidence);
			sorted[at++] = entry;
		}
		for (; categories != 0; categories &= categories - 1) {
			entry.list = (uint32_t)list_of(__builtin_ctz(categories), facts->evidence);
			sorted[at++] = entry;
		}
	}
	qsort(sorted, entries, sizeof(*sorted), compare_entries);
	for (size_t i = 0; i < entries; i++) {
		index->solutions[i] = sorted[i].solution;
		index->facts[i] = solutions[sorted[i].solution];
		if (i == 0 || !same_hard_facts(&sorted[i - 1], &sorted[i])) {
			scoring_index_run *run = &index->runs[index->run_count];
			run->trl = sorted[i].trl;
			run->device_class = sorted[i].device_class;
			run->standards = sorted[i].standards;
			run->dpa = sorted[i].dpa != 0;
			run->begin = (uint32_t)i;
			scoring_index_list *list = &index->lists[sorted[i].list];
			if (list->run_end == list->run_begin)
				list->run_begin = index->run_count;
			list->run_end = ++index->run_count;
		}
		index->runs[index->run_count - 1].end = (uint32_t)i + 1;
	}
	index->solution_count = entries;
	free(sorted);
	return CHC_OK;
}

void scoring_index_fini(scoring_index *index)
{
	free(index->solutions);
	free(index->facts);
	free(index->runs);
	memset(index, 0, sizeof(*index));
}

size_t scoring_index_visits(const scoring_index *index, const need_facts *need,
                            scoring_index_visit *visits)
{
	/* The categories by what they give the care area for this need: a
	 * solution counts in its best category, and among equally good ones
	 * in the lowest (docs/matching.md, care_area). */
	uint32_t full = need->care_area_bit, part = need->related_areas & ~full;
	size_t count = 0;
	for (size_t i = 0; i < SCORING_INDEX_LISTS; i++) {
		const scoring_index_list *list = &index->lists[i];
		if (list->run_end == list->run_begin)
			continue;
		uint32_t bit = list->category > 0 ? (uint32_t)1 << list->category : 0;
		uint32_t lower = bit - 1;
		int care_area = 0;
		uint32_t elsewhere = 0;
		if (bit & full) {
			care_area = 1000;
			elsewhere = full & lower;
		} else if (bit & part) {
			care_area = 500;
			elsewhere = full | (part & lower);
		} else if (bit != 0) {
			elsewhere = full | part | (~(full | part) & lower);
		}
		scoring_index_visit visit = { list,
			                      scoring_soft_bound(need, care_area, list->evidence),
			                      elsewhere };
		/* Highest bound first; equal bounds in list order, so that every
		 * run visits in the same order. */
		size_t place = count++;
		while (place > 0 && visits[place - 1].bound < visit.bound) {
			visits[place] = visits[place - 1];
			place--;
		}
		visits[place] = visit;
	}
	return count;
}
