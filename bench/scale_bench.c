/*
 * scale_bench.c - the need_solution scoring at European scale on one
 * machine (issue 11): a catalogue made in memory, scored with candidate
 * pruning for every need, and exhaustively for a sample of needs that must
 * come out the same.
 *
 *   chc-bench-scale [--solutions 500000] [--needs 50000] [--sample 200]
 *                   [--threads 0] [--seed 20261125]
 *
 * The catalogue is shaped like the real one: solutions from across Europe
 * (a Danish minority deployed in Danish municipalities, the rest deployed
 * abroad and speaking their own language and mostly English), mature ones
 * more common than early ones, most not a medical device or in a low class,
 * a few standards each; needs of Danish and other European municipalities
 * asking for TRL 6 to 8, a class, a standard or two and a data processing
 * agreement, with budgets. It prints one JSON object and exits 1 when the
 * sample differs.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "chc/v1/companies.pb-c.h"
#include "chc/v1/municipalities.pb-c.h"
#include "scoring.h"
#include "scoring_internal.h"

enum { DANISH_MUNICIPALITIES = 98, EUROPEAN_MUNICIPALITIES = 4000 };

typedef struct made_solution {
	Chc__V1__Solution solution;
	char id[40];
	Chc__V1__CareCategory categories[3];
	Chc__V1__TargetGroup target_groups[3];
	Chc__V1__Standard standards[12];
	char *languages[2];
	Chc__V1__Deployment deployment_values[3];
	Chc__V1__Deployment *deployments[3];
} made_solution;

typedef struct made_need {
	Chc__V1__Need need;
	char id[40];
	Chc__V1__NeedOwner owner;
	Chc__V1__NeedOwner *owners[1];
	Chc__V1__TargetGroup target_groups[2];
	Chc__V1__Standard standards[2];
	Chc__V1__BudgetRange budget;
	Chc__V1__CriterionWeight criterion_values[3];
	Chc__V1__CriterionWeight *criteria[3];
} made_need;

typedef struct catalogue {
	made_solution *made_solutions;
	made_need *made_needs;
	const Chc__V1__Solution **solutions;
	const Chc__V1__Need **needs;
	size_t solution_count;
	size_t need_count;
	scoring_municipality *municipalities;
	size_t municipality_count;
	scoring_feedback *feedback;
	size_t feedback_count;
} catalogue;

/* splitmix64: fast, and the same catalogue from the same seed everywhere. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 0 to count - 1 (0 when count is 0). */
static int below(uint64_t *state, int count)
{
	return count > 0 ? (int)(next_random(state) % (uint64_t)count) : 0;
}

static bool chance(uint64_t *state, int percent)
{
	return below(state, 100) < percent;
}

/* An index drawn with the given weights (any positive integers). */
static int weighted(uint64_t *state, const int *weights, int count)
{
	int total = 0;
	for (int i = 0; i < count; i++)
		total += weights[i];
	int draw = below(state, total);
	for (int i = 0; i < count; i++) {
		if (draw < weights[i])
			return i;
		draw -= weights[i];
	}
	return count - 1;
}

/* Between low and high, evenly on a logarithmic scale: prices and budgets
 * spread over orders of magnitude. */
static int64_t spread(uint64_t *state, double low, double high)
{
	double share = (double)(next_random(state) >> 11) / (double)(1ULL << 53);
	return (int64_t)(low * pow(high / low, share));
}

/* How often each care category (1 to 16) is offered and asked for: home
 * monitoring, elderly care and welfare technology lead, trials are rare. */
static const int category_weights[16] = { 12, 14, 3, 2, 6, 9, 7, 12, 6, 6, 5, 6, 10, 10, 9, 5 };
/* TRL 1 to 9: a published catalogue holds more mature solutions. */
static const int trl_weights[9] = { 2, 3, 5, 8, 10, 14, 18, 20, 20 };
/* Unspecified, not a device, I, IIa, IIb, III. */
static const int device_class_weights[6] = { 2, 45, 20, 20, 10, 3 };
/* Unspecified, none, pilot, observational, randomised, MAST. */
static const int evidence_weights[6] = { 10, 30, 30, 15, 10, 5 };
/* Percent of solutions that support each standard (MedCom, HL7 FHIR, IHE
 * XDS, IHE PCD, ISO 27001, ISO 13485, IEC 62304, Continua, DS 484, MitID,
 * FSIII, OIOSAML); the Danish ones mostly among Danish vendors. */
static const int standard_percent[12] = { 6, 45, 10, 5, 35, 15, 10, 5, 3, 4, 2, 3 };
static const int danish_standard_percent[12] = { 70, 50, 15, 5, 40, 15, 10, 5, 30, 40, 20, 30 };
/* The vendors' countries: Denmark, then the rest of Europe by language. */
static char *const country_languages[] = { "da", "de", "sv", "nl", "fr", "es",
	                                   "it", "fi", "no", "pl", "en" };
static const int country_weights[11] = { 12, 18, 10, 9, 10, 8, 7, 5, 5, 6, 10 };

static void make_municipalities(catalogue *made, uint64_t *state)
{
	made->municipality_count = DANISH_MUNICIPALITIES + EUROPEAN_MUNICIPALITIES;
	made->municipalities = calloc(made->municipality_count, sizeof(*made->municipalities));
	/* Danish municipalities 101 to 860 in five regions; European ones
	 * after them with no Danish region. Sorted by code, as scoring wants. */
	for (int i = 0; i < DANISH_MUNICIPALITIES; i++) {
		scoring_municipality place = { 101 + i * 7, 1081 + i % 5,
			                       spread(state, 2000, 650000) };
		made->municipalities[i] = place;
	}
	for (int i = 0; i < EUROPEAN_MUNICIPALITIES; i++) {
		scoring_municipality place = { 10000 + i, 0, spread(state, 3000, 3000000) };
		made->municipalities[DANISH_MUNICIPALITIES + i] = place;
	}
}

static int danish_municipality(const catalogue *made, uint64_t *state)
{
	return made->municipalities[below(state, DANISH_MUNICIPALITIES)].code;
}

static int european_municipality(const catalogue *made, uint64_t *state)
{
	return made->municipalities[DANISH_MUNICIPALITIES + below(state, EUROPEAN_MUNICIPALITIES)]
	        .code;
}

static void make_solution(const catalogue *made, made_solution *out, size_t number, uint64_t *state)
{
	Chc__V1__Solution empty = CHC__V1__SOLUTION__INIT;
	Chc__V1__Solution *solution = &out->solution;
	*solution = empty;
	/* Ids in no relation to the order made, like the services' UUIDs. */
	snprintf(out->id, sizeof(out->id), "%08x-%07zu", (unsigned)next_random(state), number);
	solution->id = out->id;
	solution->name = out->id;
	int country = weighted(state, country_weights, 11);
	bool danish = country == 0;
	static const int category_counts[3] = { 55, 35, 10 };
	solution->n_categories = 1 + (size_t)weighted(state, category_counts, 3);
	for (size_t i = 0; i < solution->n_categories; i++)
		out->categories[i] = 1 + weighted(state, category_weights, 16);
	solution->categories = out->categories;
	solution->n_target_groups = 1 + (size_t)below(state, 3);
	for (size_t i = 0; i < solution->n_target_groups; i++)
		out->target_groups[i] = 1 + below(state, 14);
	solution->target_groups = out->target_groups;
	const int *percent = danish ? danish_standard_percent : standard_percent;
	for (int standard = 0; standard < 12; standard++)
		if (chance(state, percent[standard]))
			out->standards[solution->n_standards++] = 1 + standard;
	solution->standards = out->standards;
	solution->trl = 1 + weighted(state, trl_weights, 9);
	solution->device_class = weighted(state, device_class_weights, 6);
	solution->gdpr_dpa_available = chance(state, 75);
	solution->evidence_level = weighted(state, evidence_weights, 6);
	solution->indicative_price_dkk = chance(state, 10) ? 0 : spread(state, 20000, 5000000);
	out->languages[solution->n_languages++] = country_languages[country];
	if (country != 10 && chance(state, 85))
		out->languages[solution->n_languages++] = "en";
	solution->languages = out->languages;
	/* Early solutions are deployed nowhere yet. */
	solution->n_deployments = solution->trl < 7 ? 0 : (size_t)below(state, 4);
	for (size_t i = 0; i < solution->n_deployments; i++) {
		Chc__V1__Deployment deployment = CHC__V1__DEPLOYMENT__INIT;
		out->deployment_values[i] = deployment;
		if (danish && chance(state, 20))
			out->deployment_values[i].region_code = 1081 + below(state, 5);
		else if (danish || chance(state, 5))
			out->deployment_values[i].municipality_code =
			        danish_municipality(made, state);
		else
			out->deployment_values[i].municipality_code =
			        european_municipality(made, state);
		out->deployments[i] = &out->deployment_values[i];
	}
	solution->deployments = out->deployments;
}

static void make_need(const catalogue *made, made_need *out, size_t number, uint64_t *state)
{
	Chc__V1__Need empty = CHC__V1__NEED__INIT;
	Chc__V1__Need *need = &out->need;
	*need = empty;
	snprintf(out->id, sizeof(out->id), "need-%07zu", number);
	need->id = out->id;
	need->title = out->id;
	bool danish = chance(state, 30);
	Chc__V1__NeedOwner owner = CHC__V1__NEED_OWNER__INIT;
	out->owner = owner;
	if (danish && chance(state, 15))
		out->owner.region_code = 1081 + below(state, 5);
	else
		out->owner.municipality_code = danish ? danish_municipality(made, state)
		                                      : european_municipality(made, state);
	out->owners[0] = &out->owner;
	need->owners = out->owners;
	need->n_owners = 1;
	need->language = danish ? "da" : country_languages[1 + below(state, 10)];
	need->care_area = 1 + weighted(state, category_weights, 16);
	need->n_target_groups = (size_t)below(state, 3);
	for (size_t i = 0; i < need->n_target_groups; i++)
		out->target_groups[i] = 1 + below(state, 14);
	need->target_groups = out->target_groups;
	static const int min_trls[10] = { 5, 0, 0, 2, 3, 10, 25, 30, 20, 5 };
	need->min_trl = weighted(state, min_trls, 10);
	static const int max_classes[6] = { 40, 0, 10, 30, 15, 5 };
	need->max_device_class = weighted(state, max_classes, 6);
	/* A standard or two, the common ones: FHIR, ISO 27001, and MedCom in
	 * Denmark. */
	static const int standard_counts[3] = { 50, 35, 15 };
	need->n_required_standards = (size_t)weighted(state, standard_counts, 3);
	static const Chc__V1__Standard usual[3] = { CHC__V1__STANDARD__STANDARD_HL7_FHIR,
		                                    CHC__V1__STANDARD__STANDARD_ISO_27001,
		                                    CHC__V1__STANDARD__STANDARD_MEDCOM };
	for (size_t i = 0; i < need->n_required_standards; i++)
		out->standards[i] = usual[below(state, danish ? 3 : 2)];
	need->required_standards = out->standards;
	need->gdpr_dpa_required = chance(state, 70);
	if (chance(state, 80)) {
		Chc__V1__BudgetRange budget = CHC__V1__BUDGET_RANGE__INIT;
		out->budget = budget;
		out->budget.min_dkk = spread(state, 50000, 2000000);
		out->budget.max_dkk = out->budget.min_dkk * (15 + below(state, 26)) / 10;
		need->budget = &out->budget;
	}
	if (chance(state, 40)) {
		static const Chc__V1__EvaluationCriterion criteria[3] = {
			CHC__V1__EVALUATION_CRITERION__EVALUATION_CRITERION_PRICE,
			CHC__V1__EVALUATION_CRITERION__EVALUATION_CRITERION_QUALITY,
			CHC__V1__EVALUATION_CRITERION__EVALUATION_CRITERION_USABILITY
		};
		int price = 20 + 10 * below(state, 5);
		int weights[3] = { price, (100 - price) / 2, 100 - price - (100 - price) / 2 };
		for (int i = 0; i < 3; i++) {
			Chc__V1__CriterionWeight criterion = CHC__V1__CRITERION_WEIGHT__INIT;
			out->criterion_values[i] = criterion;
			out->criterion_values[i].criterion = criteria[i];
			out->criterion_values[i].weight = weights[i];
			out->criteria[i] = &out->criterion_values[i];
		}
		need->criteria = out->criteria;
		need->n_criteria = 3;
	}
	need->status = CHC__V1__NEED_STATUS__NEED_STATUS_OPEN;
}

static bool make_catalogue(catalogue *made, size_t solution_count, size_t need_count, uint64_t seed)
{
	memset(made, 0, sizeof(*made));
	uint64_t state = seed;
	made->solution_count = solution_count;
	made->need_count = need_count;
	made->made_solutions = calloc(solution_count + 1, sizeof(*made->made_solutions));
	made->made_needs = calloc(need_count + 1, sizeof(*made->made_needs));
	made->solutions = calloc(solution_count + 1, sizeof(*made->solutions));
	made->needs = calloc(need_count + 1, sizeof(*made->needs));
	/* "Not a match" from the secretariat: one need in a hundred has one. */
	made->feedback_count = need_count / 100;
	made->feedback = calloc(made->feedback_count + 1, sizeof(*made->feedback));
	make_municipalities(made, &state);
	if (made->made_solutions == NULL || made->made_needs == NULL || made->solutions == NULL ||
	    made->needs == NULL || made->feedback == NULL || made->municipalities == NULL)
		return false;
	for (size_t i = 0; i < solution_count; i++) {
		make_solution(made, &made->made_solutions[i], i, &state);
		made->solutions[i] = &made->made_solutions[i].solution;
	}
	for (size_t i = 0; i < need_count; i++) {
		make_need(made, &made->made_needs[i], i, &state);
		made->needs[i] = &made->made_needs[i].need;
	}
	for (size_t i = 0; i < made->feedback_count; i++) {
		made->feedback[i].need = (size_t)below(&state, (int)need_count);
		made->feedback[i].solution = (size_t)below(&state, (int)solution_count);
		made->feedback[i].reason = "not a match";
	}
	return true;
}

static void catalogue_free(catalogue *made)
{
	free(made->made_solutions);
	free(made->made_needs);
	free(made->solutions);
	free(made->needs);
	free(made->municipalities);
	free(made->feedback);
}

static double clock_seconds(clockid_t clock)
{
	struct timespec at;
	clock_gettime(clock, &at);
	return (double)at.tv_sec + (double)at.tv_nsec / 1e9;
}

static double now(void)
{
	return clock_seconds(CLOCK_MONOTONIC);
}

/* The CPU time of every thread of the process: on a shared machine the
 * wall clock also counts the other programs' turns. */
static double cpu_now(void)
{
	return clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

static bool same_entries(const scoring_entry *a, size_t a_count, const scoring_entry *b,
                         size_t b_count)
{
	if (a_count != b_count)
		return false;
	for (size_t i = 0; i < a_count; i++)
		if (a[i].solution != b[i].solution || a[i].score != b[i].score ||
		    a[i].failed != b[i].failed)
			return false;
	return true;
}

static int usage(void)
{
	fprintf(stderr, "usage: chc-bench-scale [--solutions N] [--needs N] [--sample N] "
	                "[--threads N] [--seed N]\n");
	return 2;
}

int main(int argc, char **argv)
{
	long solution_count = 500000, need_count = 50000, sample = 200, threads = 0;
	unsigned long long seed = 20261125;
	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			return usage();
		const char *name = argv[i], *value = argv[++i];
		if (strcmp(name, "--solutions") == 0)
			solution_count = atol(value);
		else if (strcmp(name, "--needs") == 0)
			need_count = atol(value);
		else if (strcmp(name, "--sample") == 0)
			sample = atol(value);
		else if (strcmp(name, "--threads") == 0)
			threads = atol(value);
		else if (strcmp(name, "--seed") == 0)
			seed = strtoull(value, NULL, 10);
		else
			return usage();
	}
	if (solution_count < 1 || need_count < 1 || sample < 1 || threads < 0)
		return usage();
	if (sample > need_count)
		sample = need_count;

	double start = now();
	catalogue made;
	if (!make_catalogue(&made, (size_t)solution_count, (size_t)need_count, seed)) {
		fprintf(stderr, "chc-bench-scale: out of memory\n");
		catalogue_free(&made);
		return 1;
	}
	double generate_seconds = now() - start;
	scoring_input input = {
		.solutions = made.solutions,
		.solution_count = made.solution_count,
		.needs = made.needs,
		.need_count = made.need_count,
		.municipalities = made.municipalities,
		.municipality_count = made.municipality_count,
		.feedback = made.feedback,
		.feedback_count = made.feedback_count,
		.top_k = 10,
		.gap_report_size = 3,
		.threads = (int)threads,
	};
	scoring_default_weights(input.weights);

	/* The index alone, as scoring_run builds it, to show its share. */
	start = now();
	solution_facts *solution_facts_of = NULL;
	need_facts *need_facts_of = NULL;
	scoring_index index = { 0 };
	chc_status status = scoring_facts(&input, &solution_facts_of, &need_facts_of, NULL);
	double facts_seconds = now() - start;
	start = now();
	if (status == CHC_OK)
		status = scoring_index_build(solution_facts_of, made.solution_count, &index, NULL);
	double index_seconds = now() - start;
	size_t index_entries = index.solution_count, index_runs = index.run_count;
	scoring_index_fini(&index);
	free(solution_facts_of);
	free(need_facts_of);

	scoring_output pruned = { 0 }, every = { 0 };
	start = now();
	double cpu_start = cpu_now();
	if (status == CHC_OK)
		status = scoring_run(&input, NULL, NULL, &pruned, NULL);
	double pruned_seconds = now() - start, pruned_cpu_seconds = cpu_now() - cpu_start;

	/* Every pair of a sample of needs spread over the whole run. */
	const Chc__V1__Need **sample_needs = calloc((size_t)sample, sizeof(*sample_needs));
	size_t *sampled = calloc((size_t)sample, sizeof(*sampled));
	scoring_input exhaustive = input;
	exhaustive.needs = sample_needs;
	exhaustive.need_count = (size_t)sample;
	exhaustive.exhaustive = true;
	/* The sample's own feedback, renumbered to its needs. */
	scoring_feedback *sample_feedback =
	        calloc(made.feedback_count + 1, sizeof(*sample_feedback));
	exhaustive.feedback = sample_feedback;
	exhaustive.feedback_count = 0;
	if (sample_needs == NULL || sampled == NULL || sample_feedback == NULL)
		status = CHC_RESOURCE_EXHAUSTED;
	for (long i = 0; status == CHC_OK && i < sample; i++) {
		sampled[i] = (size_t)i * made.need_count / (size_t)sample;
		sample_needs[i] = made.needs[sampled[i]];
		for (size_t f = 0; f < made.feedback_count; f++)
			if (made.feedback[f].need == sampled[i]) {
				sample_feedback[exhaustive.feedback_count] = made.feedback[f];
				sample_feedback[exhaustive.feedback_count++].need = (size_t)i;
			}
	}
	start = now();
	cpu_start = cpu_now();
	if (status == CHC_OK)
		status = scoring_run(&exhaustive, NULL, NULL, &every, NULL);
	double exhaustive_seconds = now() - start, exhaustive_cpu_seconds = cpu_now() - cpu_start;

	bool equal = status == CHC_OK;
	size_t differing = 0, matches = 0, near_misses = 0;
	for (long i = 0; status == CHC_OK && i < sample; i++) {
		const scoring_need_result *a = &pruned.needs[sampled[i]], *b = &every.needs[i];
		if (!same_entries(a->matches, a->match_count, b->matches, b->match_count) ||
		    !same_entries(a->near_misses, a->near_miss_count, b->near_misses,
		                  b->near_miss_count))
			differing++;
	}
	equal = equal && differing == 0;
	for (size_t n = 0; n < pruned.need_count; n++) {
		matches += pruned.needs[n].match_count;
		near_misses += pruned.needs[n].near_miss_count;
	}
	if (threads == 0)
		threads = sysconf(_SC_NPROCESSORS_ONLN);
	struct rusage usage_of;
	getrusage(RUSAGE_SELF, &usage_of);
	double per_need = exhaustive_seconds / (double)sample;
	printf("{\"solutions\":%zu,\"needs\":%zu,\"top_k\":%d,\"gap_report\":%d,\"threads\":%ld,"
	       "\"generate_seconds\":%.2f,\"facts_seconds\":%.3f,\"index_seconds\":%.3f,"
	       "\"index_entries\":%zu,\"index_runs\":%zu,\"pruned_seconds\":%.2f,"
	       "\"pruned_cpu_seconds\":%.2f,"
	       "\"pruned_pairs_scored\":%lld,\"pruned_pairs_per_need\":%.0f,"
	       "\"matches\":%zu,\"near_misses\":%zu,\"sample_needs\":%ld,"
	       "\"exhaustive_seconds\":%.2f,\"exhaustive_cpu_seconds\":%.2f,"
	       "\"exhaustive_ms_per_need\":%.2f,\"exhaustive_cpu_ms_per_need\":%.2f,"
	       "\"exhaustive_all_needs_estimate_seconds\":%.0f,\"sample_equal\":%s,"
	       "\"sample_differing\":%zu,\"peak_rss_kb\":%ld,\"status\":%d}\n",
	       made.solution_count, made.need_count, input.top_k, input.gap_report_size, threads,
	       generate_seconds, facts_seconds, index_seconds, index_entries, index_runs,
	       pruned_seconds, pruned_cpu_seconds, (long long)pruned.pairs_scored,
	       (double)pruned.pairs_scored / (double)made.need_count, matches, near_misses, sample,
	       exhaustive_seconds, exhaustive_cpu_seconds, per_need * 1000,
	       exhaustive_cpu_seconds * 1000 / (double)sample, per_need * (double)made.need_count,
	       equal ? "true" : "false", differing, usage_of.ru_maxrss, status);
	scoring_output_fini(&pruned);
	scoring_output_fini(&every);
	free(sample_needs);
	free(sampled);
	free(sample_feedback);
	catalogue_free(&made);
	return equal ? 0 : 1;
}
