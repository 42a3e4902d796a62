/*
 * job_view.c - the progress line of a job and the difference between two
 * runs' results.
 */
#include "job_view.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void job_progress_line(const char *phase, int64_t done, int64_t total, double seconds, int width,
                       char *line, size_t size)
{
	double fraction = total > 0 ? (double)done / (double)total : 0;
	if (fraction > 1)
		fraction = 1;
	if (width < 1)
		width = 1;
	if (width > 60)
		width = 60;
	char bar[64];
	int filled = (int)(fraction * width);
	for (int i = 0; i < width; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[width] = '\0';
	double rate = seconds > 0 ? (double)done / seconds : 0;
	char left[32] = "";
	if (rate > 0 && total > done)
		snprintf(left, sizeof(left), "  %.0f s left", ceil((double)(total - done) / rate));
	if (total > 0)
		snprintf(line, size, "[%s] %3d%%  %s  %lld/%lld  %.0f/s%s", bar,
		         (int)(fraction * 100), phase, (long long)done, (long long)total, rate,
		         left);
	else
		snprintf(line, size, "[%s]       %s", bar, phase);
}

/* The key of a result within its run: what identifies "the same match". */
static bool result_key(const Chc__V1__JobResult *result, char *key, size_t size)
{
	switch (result->kind) {
	case CHC__V1__RESULT_KIND__RESULT_KIND_MATCH:
		snprintf(key, size, "m %s %s", result->need_id, result->solution_id);
		return true;
	case CHC__V1__RESULT_KIND__RESULT_KIND_ASSIGNED:
		snprintf(key, size, "a %s", result->solution_id);
		return true;
	default:
		return false;
	}
}

typedef struct keyed {
	char key[96];
	const Chc__V1__JobResult *result;
} keyed;

static int compare_keyed(const void *a, const void *b)
{
	return strcmp(((const keyed *)a)->key, ((const keyed *)b)->key);
}

static keyed *index_results(Chc__V1__JobResult *const *results, size_t count, size_t *indexed)
{
	keyed *index = malloc((count + 1) * sizeof(*index));
	*indexed = 0;
	if (index == NULL)
		return NULL;
	for (size_t i = 0; i < count; i++)
		if (result_key(results[i], index[*indexed].key, sizeof(index[*indexed].key)))
			index[(*indexed)++].result = results[i];
	if (*indexed > 1)
		qsort(index, *indexed, sizeof(*index), compare_keyed);
	return index;
}

static const Chc__V1__JobResult *find(const keyed *index, size_t count, const char *key)
{
	keyed probe = { .result = NULL };
	snprintf(probe.key, sizeof(probe.key), "%s", key);
	const keyed *found =
	        count > 0 ? bsearch(&probe, index, count, sizeof(*index), compare_keyed) : NULL;
	return found ? found->result : NULL;
}

static bool same(const Chc__V1__JobResult *a, const Chc__V1__JobResult *b)
{
	return a->rank == b->rank && fabs(a->score - b->score) < 0.005 &&
	       strcmp(a->test_bed_id, b->test_bed_id) == 0;
}

int job_diff(Chc__V1__JobResult *const *before, size_t before_count,
             Chc__V1__JobResult *const *after, size_t after_count, job_change **changes,
             size_t *change_count, size_t *unchanged)
{
	size_t before_indexed = 0, after_indexed = 0;
	keyed *before_index = index_results(before, before_count, &before_indexed);
	keyed *after_index = index_results(after, after_count, &after_indexed);
	*changes = malloc((before_count + after_count + 1) * sizeof(**changes));
	*change_count = 0;
	*unchanged = 0;
	if (before_index == NULL || after_index == NULL || *changes == NULL) {
		free(before_index);
		free(after_index);
		free(*changes);
		*changes = NULL;
		return -1;
	}
	char key[96];
	for (size_t i = 0; i < after_count; i++) {
		if (!result_key(after[i], key, sizeof(key)))
			continue;
		const Chc__V1__JobResult *old = find(before_index, before_indexed, key);
		if (old == NULL)
			(*changes)[(*change_count)++] =
			        (job_change){ JOB_CHANGE_APPEARED, NULL, after[i] };
		else if (!same(old, after[i]))
			(*changes)[(*change_count)++] =
			        (job_change){ JOB_CHANGE_CHANGED, old, after[i] };
		else
			(*unchanged)++;
	}
	for (size_t i = 0; i < before_count; i++)
		if (result_key(before[i], key, sizeof(key)) &&
		    find(after_index, after_indexed, key) == NULL)
			(*changes)[(*change_count)++] =
			        (job_change){ JOB_CHANGE_DISAPPEARED, before[i], NULL };
	free(before_index);
	free(after_index);
	return 0;
}
