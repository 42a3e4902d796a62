/*
 * job_test_bed_pairs.c - which solutions may go to which test bed and how
 * well each pair fits. The hard criteria decide whether a pair is allowed;
 * the fit (1 to 1000) ranks the allowed pairs. docs/matching.md gives the
 * rules; the assignment, the stable matching and the export share them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chc/json.h"
#include "matching_jobs.h"

enum {
	FIT_CARE_AREA = 400, /* share of the solution's categories the test bed takes */
	FIT_MATURITY = 200,  /* how far up the test bed's TRL window the solution is */
	FIT_REGION = 200,    /* deployed in the test bed's region already */
	FIT_EVIDENCE = 100,  /* evidence level, 0 to 5 */
	FIT_FEE = 100,       /* a free test bed scores all of it; 500,000 DKK and above none */
};

typedef struct pair_facts {
	int care_overlap;
	bool care_ok, trl_ok, class_ok, dpa_ok, standards_ok;
	int missing_standard; /* the first standard the solution lacks */
	bool local;
	int care, maturity, region, evidence, fee;
	int64_t fit;
} pair_facts;

static bool has_value(const int *values, size_t count, int value)
{
	for (size_t i = 0; i < count; i++)
		if (values[i] == value)
			return true;
	return false;
}

static int region_of(const Chc__V1__JobInputs *inputs, int municipality_code)
{
	for (size_t low = 0, high = inputs->n_municipalities; low < high;) {
		size_t middle = (low + high) / 2;
		int code = inputs->municipalities[middle]->code;
		if (code == municipality_code)
			return inputs->municipalities[middle]->region_code;
		if (code < municipality_code)
			low = middle + 1;
		else
			high = middle;
	}
	return 0;
}

static bool deployed_in_region(const Chc__V1__JobInputs *inputs, const Chc__V1__Solution *solution,
                               int region_code)
{
	for (size_t i = 0; i < solution->n_deployments; i++) {
		const Chc__V1__Deployment *deployment = solution->deployments[i];
		if (deployment->region_code == region_code ||
		    (deployment->municipality_code != 0 &&
		     region_of(inputs, deployment->municipality_code) == region_code))
			return true;
	}
	return false;
}

bool test_bed_solution_is_local(const Chc__V1__JobInputs *inputs, const Chc__V1__Solution *solution,
                                const Chc__V1__TestBed *test_bed)
{
	return deployed_in_region(inputs, solution, test_bed->region_code);
}

static void pair_examine(const Chc__V1__JobInputs *inputs, const Chc__V1__Solution *solution,
                         const Chc__V1__TestBed *test_bed, pair_facts *facts)
{
	memset(facts, 0, sizeof(*facts));
	for (size_t i = 0; i < solution->n_categories; i++)
		facts->care_overlap += has_value((const int *)test_bed->care_areas,
		                                 test_bed->n_care_areas, solution->categories[i]);
	facts->care_ok = facts->care_overlap > 0;
	facts->trl_ok = solution->trl >= test_bed->trl_min && solution->trl <= test_bed->trl_max;
	facts->class_ok = (int)solution->device_class <= (int)test_bed->max_device_class;
	facts->dpa_ok = !test_bed->dpa_required || solution->gdpr_dpa_available;
	facts->standards_ok = true;
	for (size_t i = 0; i < test_bed->n_standards && facts->standards_ok; i++)
		if (!has_value((const int *)solution->standards, solution->n_standards,
		               test_bed->standards[i])) {
			facts->standards_ok = false;
			facts->missing_standard = test_bed->standards[i];
		}
	facts->local = deployed_in_region(inputs, solution, test_bed->region_code);
	size_t categories = solution->n_categories > 0 ? solution->n_categories : 1;
	facts->care = (int)(FIT_CARE_AREA * facts->care_overlap / (int)categories);
	int window = test_bed->trl_max - test_bed->trl_min + 1;
	facts->maturity =
	        window > 0 ? FIT_MATURITY * (solution->trl - test_bed->trl_min + 1) / window : 0;
	if (facts->maturity < 0)
		facts->maturity = 0;
	facts->region = facts->local ? FIT_REGION : 0;
	/* EVIDENCE_LEVEL_NONE is 1, a MAST assessment 5. */
	int evidence = (int)solution->evidence_level - 1;
	facts->evidence = FIT_EVIDENCE * (evidence < 0 ? 0 : evidence > 4 ? 4 : evidence) / 4;
	int64_t fee_penalty = test_bed->fee_dkk / 5000;
	facts->fee = fee_penalty >= FIT_FEE ? 0 : FIT_FEE - (int)fee_penalty;
	int64_t fit = facts->care + facts->maturity + facts->region + facts->evidence + facts->fee;
	facts->fit = fit < 1 ? 1 : fit > 1000 ? 1000 : fit;
}

static bool pair_allowed(const pair_facts *facts)
{
	return facts->care_ok && facts->trl_ok && facts->class_ok && facts->dpa_ok &&
	       facts->standards_ok;
}

static int test_bed_capacity(const Chc__V1__TestBed *test_bed, const char *period)
{
	if (period[0] == '\0')
		return test_bed->capacity_per_period *
		       (test_bed->n_periods > 0 ? (int)test_bed->n_periods : 1);
	for (size_t i = 0; i < test_bed->n_periods; i++)
		if (strcmp(test_bed->periods[i], period) == 0)
			return test_bed->capacity_per_period;
	return 0;
}

chc_status test_bed_pairs_build(const Chc__V1__JobInputs *inputs,
                                const Chc__V1__JobParameters *parameters, test_bed_pairs *pairs,
                                chc_error *error)
{
	memset(pairs, 0, sizeof(*pairs));
	pairs->seeking = calloc(inputs->n_solutions + 1, sizeof(int));
	pairs->capacity = calloc(inputs->n_test_beds + 1, sizeof(int));
	size_t capacity = 1024;
	pairs->pairs = malloc(capacity * sizeof(*pairs->pairs));
	if (pairs->seeking == NULL || pairs->capacity == NULL || pairs->pairs == NULL) {
		test_bed_pairs_fini(pairs);
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	}
	for (size_t t = 0; t < inputs->n_test_beds; t++)
		pairs->capacity[t] = test_bed_capacity(inputs->test_beds[t], parameters->period);
	for (size_t s = 0; s < inputs->n_solutions; s++) {
		const Chc__V1__Solution *solution = inputs->solutions[s];
		/* A solution seeks a test bed until it is proven in operation
		 * (TRL 9), unless the job names the solutions. */
		if (parameters->n_solution_ids == 0 && solution->trl >= 9)
			continue;
		pairs->seeking[pairs->seeking_count++] = (int)s;
		for (size_t t = 0; t < inputs->n_test_beds; t++) {
			if (pairs->capacity[t] <= 0)
				continue;
			pair_facts facts;
			pair_examine(inputs, solution, inputs->test_beds[t], &facts);
			if (!pair_allowed(&facts))
				continue;
			if (pairs->pair_count == capacity) {
				capacity *= 2;
				test_bed_pair *grown =
				        realloc(pairs->pairs, capacity * sizeof(*grown));
				if (grown == NULL) {
					test_bed_pairs_fini(pairs);
					return chc_error_set(error, CHC_RESOURCE_EXHAUSTED,
					                     "out of memory");
				}
				pairs->pairs = grown;
			}
			pairs->pairs[pairs->pair_count++] = (test_bed_pair){ .solution = (int)s,
				                                             .test_bed = (int)t,
				                                             .fit = facts.fit };
		}
	}
	return CHC_OK;
}

void test_bed_pairs_fini(test_bed_pairs *pairs)
{
	free(pairs->seeking);
	free(pairs->capacity);
	free(pairs->pairs);
	memset(pairs, 0, sizeof(*pairs));
}

static chc_status add_reason(job_arena *arena, Chc__V1__JobResult *result, const char *criterion,
                             bool met, bool hard, double weight, double contribution,
                             const char *detail)
{
	Chc__V1__MatchReason *reason = job_arena_alloc(arena, sizeof(*reason));
	if (reason == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	chc__v1__match_reason__init(reason);
	reason->criterion = (char *)criterion;
	reason->met = met;
	reason->hard = hard;
	reason->weight = weight;
	reason->contribution = contribution;
	reason->detail = job_arena_strdup(arena, detail);
	if (reason->detail == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	result->reasons[result->n_reasons++] = reason;
	return CHC_OK;
}

#define PAIR_REASON_COUNT 10

chc_status test_bed_pair_reasons_of(job_arena *arena, const Chc__V1__JobInputs *inputs,
                                    const Chc__V1__Solution *solution,
                                    const Chc__V1__TestBed *test_bed, Chc__V1__JobResult *result)
{
	pair_facts facts;
	pair_examine(inputs, solution, test_bed, &facts);
	result->reasons = job_arena_alloc(arena, (PAIR_REASON_COUNT + 1) * sizeof(void *));
	if (result->reasons == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	char text[160], slug[64];
	chc_status status = CHC_OK;
	snprintf(text, sizeof(text), "%d of its %zu categories are care areas the test bed takes",
	         facts.care_overlap, solution->n_categories);
	status = add_reason(arena, result, "care_area", facts.care_ok, true, 0, 0, text);
	snprintf(text, sizeof(text), "takes TRL %d to %d, has %d", test_bed->trl_min,
	         test_bed->trl_max, solution->trl);
	if (status == CHC_OK)
		status = add_reason(arena, result, "trl", facts.trl_ok, true, 0, 0, text);
	chc_enum_slug(&chc__v1__device_class__descriptor, test_bed->max_device_class, slug,
	              sizeof(slug));
	char has[64];
	chc_enum_slug(&chc__v1__device_class__descriptor, solution->device_class, has, sizeof(has));
	snprintf(text, sizeof(text), "takes MDR class up to %s, has %s", slug, has);
	if (status == CHC_OK)
		status =
		        add_reason(arena, result, "device_class", facts.class_ok, true, 0, 0, text);
	snprintf(text, sizeof(text), "%s",
	         !test_bed->dpa_required ? "no data processing agreement required"
	         : facts.dpa_ok          ? "offers the data processing agreement required"
	                                 : "needs a data processing agreement, offers none");
	if (status == CHC_OK)
		status = add_reason(arena, result, "dpa", facts.dpa_ok, true, 0, 0, text);
	if (facts.standards_ok) {
		snprintf(text, sizeof(text), "integrates with all %zu standards it requires",
		         test_bed->n_standards);
	} else {
		chc_enum_slug(&chc__v1__standard__descriptor, facts.missing_standard, slug,
		              sizeof(slug));
		snprintf(text, sizeof(text), "needs %s, lacks it", slug);
	}
	if (status == CHC_OK)
		status = add_reason(arena, result, "standards", facts.standards_ok, true, 0, 0,
		                    text);
	snprintf(text, sizeof(text), "care areas fit: %d of %d points", facts.care, FIT_CARE_AREA);
	if (status == CHC_OK)
		status = add_reason(arena, result, "care_area_fit", facts.care > 0, false,
		                    FIT_CARE_AREA / 10.0, facts.care / 10.0, text);
	snprintf(text, sizeof(text), "TRL %d in the window %d to %d: %d of %d points",
	         solution->trl, test_bed->trl_min, test_bed->trl_max, facts.maturity, FIT_MATURITY);
	if (status == CHC_OK)
		status = add_reason(arena, result, "maturity", facts.maturity > 0, false,
		                    FIT_MATURITY / 10.0, facts.maturity / 10.0, text);
	snprintf(text, sizeof(text), "%s in region %d",
	         facts.local ? "already deployed" : "not yet deployed", test_bed->region_code);
	if (status == CHC_OK)
		status = add_reason(arena, result, "region", facts.local, false, FIT_REGION / 10.0,
		                    facts.region / 10.0, text);
	chc_enum_slug(&chc__v1__evidence_level__descriptor, solution->evidence_level, slug,
	              sizeof(slug));
	snprintf(text, sizeof(text), "evidence: %s", solution->evidence_level ? slug : "none");
	if (status == CHC_OK)
		status = add_reason(arena, result, "evidence", facts.evidence > 0, false,
		                    FIT_EVIDENCE / 10.0, facts.evidence / 10.0, text);
	snprintf(text, sizeof(text), "fee %lld DKK", (long long)test_bed->fee_dkk);
	if (status == CHC_OK)
		status = add_reason(arena, result, "fee", facts.fee > 0, false, FIT_FEE / 10.0,
		                    facts.fee / 10.0, text);
	return status;
}

/* How many hard criteria the pair fails, and the first one's words. */
int test_bed_pair_failures(const Chc__V1__JobInputs *inputs, const Chc__V1__Solution *solution,
                           const Chc__V1__TestBed *test_bed, char *first, size_t size)
{
	pair_facts facts;
	pair_examine(inputs, solution, test_bed, &facts);
	int failures = !facts.care_ok + !facts.trl_ok + !facts.class_ok + !facts.dpa_ok +
	               !facts.standards_ok;
	char slug[64];
	if (!facts.care_ok)
		snprintf(first, size, "takes none of its care areas");
	else if (!facts.trl_ok)
		snprintf(first, size, "takes TRL %d to %d, has %d", test_bed->trl_min,
		         test_bed->trl_max, solution->trl);
	else if (!facts.class_ok)
		snprintf(first, size, "takes MDR class up to %s",
		         chc_enum_slug(&chc__v1__device_class__descriptor,
		                       test_bed->max_device_class, slug, sizeof(slug)));
	else if (!facts.dpa_ok)
		snprintf(first, size, "needs a data processing agreement");
	else if (!facts.standards_ok)
		snprintf(first, size, "needs %s, lacks it",
		         chc_enum_slug(&chc__v1__standard__descriptor, facts.missing_standard, slug,
		                       sizeof(slug)));
	else
		snprintf(first, size, "fits");
	return failures;
}
