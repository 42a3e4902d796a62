/*
 * scoring_criteria.c - the criteria of a need-to-solution match, one
 * function each, on facts read once into bit masks and integers
 * (docs/matching.md gives the rules and the default weights). Everything is
 * integer arithmetic: the same inputs give the same scores everywhere.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scoring_internal.h"

/* Default weights of the soft criteria, in ScoreWeights order. */
static const double default_weights[SCORING_SOFT_COUNT] = { 30, 20, 15, 10, 15, 10 };

void scoring_default_weights(double weights[SCORING_SOFT_COUNT])
{
	memcpy(weights, default_weights, sizeof(default_weights));
}

#define BIT(value) ((value) > 0 && (value) < 32 ? (uint32_t)1 << (value) : 0)

/* Categories that serve a care area in part: a care area's neighbours in
 * how Danish municipalities and regions organise the work. */
static uint32_t related_categories(int area)
{
	enum {
		TELEMEDICINE = 1,
		REMOTE_MONITORING,
		POPULATION_HEALTH,
		TRIALS,
		HEALTH_DATA,
		REHABILITATION,
		PREVENTION,
		ELDERLY_CARE,
		MENTAL_HEALTH,
		DIAGNOSTICS,
		MEDICATION,
		AI_DECISION_SUPPORT,
		WELFARE_TECHNOLOGY,
		HOME_CARE,
		CHRONIC_CARE,
		CARE_COORDINATION,
	};
	static const uint32_t related[17] = {
		[TELEMEDICINE] =
		        BIT(REMOTE_MONITORING) | BIT(CARE_COORDINATION) | BIT(MENTAL_HEALTH),
		[REMOTE_MONITORING] = BIT(TELEMEDICINE) | BIT(CHRONIC_CARE) | BIT(HOME_CARE),
		[POPULATION_HEALTH] = BIT(HEALTH_DATA) | BIT(AI_DECISION_SUPPORT) | BIT(PREVENTION),
		[TRIALS] = BIT(HEALTH_DATA) | BIT(REMOTE_MONITORING),
		[HEALTH_DATA] = BIT(POPULATION_HEALTH) | BIT(AI_DECISION_SUPPORT) | BIT(TRIALS),
		[REHABILITATION] = BIT(PREVENTION) | BIT(WELFARE_TECHNOLOGY) | BIT(HOME_CARE),
		[PREVENTION] = BIT(REHABILITATION) | BIT(POPULATION_HEALTH) | BIT(ELDERLY_CARE),
		[ELDERLY_CARE] = BIT(HOME_CARE) | BIT(WELFARE_TECHNOLOGY) | BIT(PREVENTION),
		[MENTAL_HEALTH] = BIT(TELEMEDICINE) | BIT(PREVENTION),
		[DIAGNOSTICS] = BIT(AI_DECISION_SUPPORT) | BIT(REMOTE_MONITORING),
		[MEDICATION] = BIT(CHRONIC_CARE) | BIT(HOME_CARE) | BIT(ELDERLY_CARE),
		[AI_DECISION_SUPPORT] =
		        BIT(DIAGNOSTICS) | BIT(HEALTH_DATA) | BIT(POPULATION_HEALTH),
		[WELFARE_TECHNOLOGY] = BIT(ELDERLY_CARE) | BIT(HOME_CARE) | BIT(REHABILITATION),
		[HOME_CARE] = BIT(ELDERLY_CARE) | BIT(WELFARE_TECHNOLOGY) | BIT(REMOTE_MONITORING),
		[CHRONIC_CARE] = BIT(REMOTE_MONITORING) | BIT(MEDICATION) | BIT(TELEMEDICINE),
		[CARE_COORDINATION] = BIT(TELEMEDICINE) | BIT(HEALTH_DATA) | BIT(HOME_CARE),
	};
	return area > 0 && area <= 16 ? related[area] : 0;
}

/* Population bands: municipalities of similar size buy alike. */
static int size_band(int64_t population)
{
	return population < 20000 ? 0 : population < 50000 ? 1 : population < 100000 ? 2 : 3;
}

static const scoring_municipality *find_municipality(const scoring_input *input, int code)
{
	size_t low = 0, high = input->municipality_count;
	while (low < high) {
		size_t middle = (low + high) / 2;
		if (input->municipalities[middle].code == code)
			return &input->municipalities[middle];
		if (input->municipalities[middle].code < code)
			low = middle + 1;
		else
			high = middle;
	}
	return NULL;
}

/* A solution's deployment and a need's owner name a place alike (a region
 * or a municipality), and are compared by the same region and population
 * band bits. */
static void add_place(const scoring_input *input, int region_code, int municipality_code,
                      uint32_t *regions, uint32_t *size_bands)
{
	if (region_code >= 1081 && region_code <= 1085)
		*regions |= BIT(region_code - 1080);
	const scoring_municipality *place = find_municipality(input, municipality_code);
	if (place != NULL) {
		*regions |= BIT(place->region_code - 1080);
		*size_bands |= BIT(size_band(place->population) + 1);
	}
}

static uint32_t enum_mask(const int *values, size_t count)
{
	uint32_t mask = 0;
	for (size_t i = 0; i < count; i++)
		mask |= BIT(values[i]);
	return mask;
}

static uint32_t language_bit(const char *language)
{
	if (strcmp(language, "da") == 0 || language[0] == '\0')
		return 1;
	return strcmp(language, "en") == 0 ? 2 : 4;
}

void scoring_solution_facts(const scoring_input *input, const Chc__V1__Solution *solution,
                            solution_facts *facts)
{
	memset(facts, 0, sizeof(*facts));
	facts->id = solution->id;
	facts->categories = enum_mask((const int *)solution->categories, solution->n_categories);
	facts->target_groups =
	        enum_mask((const int *)solution->target_groups, solution->n_target_groups);
	facts->standards = enum_mask((const int *)solution->standards, solution->n_standards);
	facts->trl = solution->trl;
	facts->device_class = solution->device_class;
	/* EVIDENCE_LEVEL_NONE is 1: none stated and none at all both count 0. */
	int evidence = (int)solution->evidence_level - 1;
	facts->evidence = evidence < 0 ? 0 : evidence > 4 ? 4 : evidence;
	facts->price_dkk = solution->indicative_price_dkk;
	facts->dpa = solution->gdpr_dpa_available;
	for (size_t i = 0; i < solution->n_languages; i++)
		facts->languages |= language_bit(solution->languages[i]);
	for (size_t i = 0; i < solution->n_deployments; i++) {
		const Chc__V1__Deployment *deployment = solution->deployments[i];
		facts->deployed = true;
		add_place(input, deployment->region_code, deployment->municipality_code,
		          &facts->regions, &facts->size_bands);
	}
}

/* The job's weights, or the defaults, with the need's own evaluation
 * criteria added: a criterion the need weighs at p percent adds p percent of
 * half the job's total to the soft criterion it maps to (docs/matching.md).
 * Integration and security are hard criteria (standards, DPA) already. */
static void need_weights(const scoring_input *input, const Chc__V1__Need *need, need_facts *facts)
{
	const double *weights = input->weights;
	double total = 0;
	for (int i = 0; i < SCORING_SOFT_COUNT; i++)
		total += weights[i];
	if (total <= 0)
		weights = default_weights;
	int64_t base_total = 0;
	for (int i = 0; i < SCORING_SOFT_COUNT; i++) {
		facts->weight[i] = llround(weights[i] * 1000);
		base_total += facts->weight[i];
	}
	for (size_t i = 0; i < need->n_criteria; i++) {
		int target = -1;
		switch (need->criteria[i]->criterion) {
		case CHC__V1__EVALUATION_CRITERION__EVALUATION_CRITERION_PRICE:
			target = SCORING_PRICE;
			break;
		case CHC__V1__EVALUATION_CRITERION__EVALUATION_CRITERION_QUALITY:
		case CHC__V1__EVALUATION_CRITERION__EVALUATION_CRITERION_EVIDENCE:
			target = SCORING_EVIDENCE;
			break;
		case CHC__V1__EVALUATION_CRITERION__EVALUATION_CRITERION_USABILITY:
			target = SCORING_LANGUAGE;
			break;
		case CHC__V1__EVALUATION_CRITERION__EVALUATION_CRITERION_SUPPORT:
			target = SCORING_DEPLOYMENTS;
			break;
		default:
			break;
		}
		if (target >= 0)
			facts->weight[target] += base_total / 2 * need->criteria[i]->weight / 100;
	}
	facts->weight_total = 0;
	for (int i = 0; i < SCORING_SOFT_COUNT; i++)
		facts->weight_total += facts->weight[i];
	if (facts->weight_total <= 0)
		facts->weight_total = 1;
}

void scoring_need_facts(const scoring_input *input, const Chc__V1__Need *need, need_facts *facts)
{
	memset(facts, 0, sizeof(*facts));
	facts->care_area = need->care_area;
	facts->care_area_bit = BIT(need->care_area);
	facts->related_areas = related_categories(need->care_area);
	facts->target_groups = enum_mask((const int *)need->target_groups, need->n_target_groups);
	facts->target_group_count = __builtin_popcount(facts->target_groups);
	facts->standards =
	        enum_mask((const int *)need->required_standards, need->n_required_standards);
	facts->min_trl = need->min_trl;
	facts->max_device_class = need->max_device_class;
	facts->dpa = need->gdpr_dpa_required;
	facts->budget_min_dkk = need->budget ? need->budget->min_dkk : 0;
	facts->budget_max_dkk = need->budget ? need->budget->max_dkk : 0;
	facts->language = language_bit(need->language);
	for (size_t i = 0; i < need->n_owners; i++) {
		const Chc__V1__NeedOwner *owner = need->owners[i];
		add_place(input, owner->region_code, owner->municipality_code, &facts->regions,
		          &facts->size_bands);
	}
	need_weights(input, need, facts);
}

chc_status scoring_facts(const scoring_input *input, solution_facts **solutions, need_facts **needs,
                         chc_error *error)
{
	*solutions = malloc((input->solution_count + 1) * sizeof(**solutions));
	*needs = malloc((input->need_count + 1) * sizeof(**needs));
	if (*solutions == NULL || *needs == NULL) {
		free(*solutions);
		free(*needs);
		*solutions = NULL;
		*needs = NULL;
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	}
	for (size_t i = 0; i < input->solution_count; i++)
		scoring_solution_facts(input, input->solutions[i], &(*solutions)[i]);
	for (size_t i = 0; i < input->need_count; i++)
		scoring_need_facts(input, input->needs[i], &(*needs)[i]);
	return CHC_OK;
}

int scoring_hard_failures(const need_facts *need, const solution_facts *solution)
{
	return scoring_hard_failures_of(need, solution->trl, solution->device_class,
	                                solution->standards, solution->dpa);
}

/* Each criterion's fulfilment in permille (0 to 1000). */
static int scoring_care_area(const need_facts *need, const solution_facts *solution)
{
	if (solution->categories & need->care_area_bit)
		return 1000;
	return (solution->categories & need->related_areas) ? 500 : 0;
}

static int scoring_target_groups(const need_facts *need, const solution_facts *solution)
{
	if (need->target_group_count == 0)
		return 1000; /* the need names no one in particular */
	return 1000 * __builtin_popcount(need->target_groups & solution->target_groups) /
	       need->target_group_count;
}

static int scoring_evidence(const need_facts *need, const solution_facts *solution)
{
	(void)need;
	return 250 * solution->evidence; /* none 0, pilot 250 ... MAST 1000 */
}

static int scoring_deployments(const need_facts *need, const solution_facts *solution)
{
	if (solution->regions & need->regions)
		return 1000;
	return (solution->size_bands & need->size_bands) ? 600 : 0;
}

static int scoring_price(const need_facts *need, const solution_facts *solution)
{
	int64_t price = solution->price_dkk, low = need->budget_min_dkk,
	        high = need->budget_max_dkk;
	if (price <= 0 || high <= 0)
		return 500; /* unknown: neither for nor against */
	if (price <= high)
		return price >= low ? 1000 : 800;
	/* Above the budget: less the further above, nothing at twice it. */
	int64_t over = (price - high) * 1000 / high;
	return over >= 1000 ? 0 : (int)(1000 - over);
}

static int scoring_language(const need_facts *need, const solution_facts *solution)
{
	if (solution->languages & need->language)
		return 1000;
	return (solution->languages & 2) ? 400 : 0;
}

int scoring_fulfilment(int criterion, const need_facts *need, const solution_facts *solution)
{
	switch (criterion) {
	case SCORING_CARE_AREA:
		return scoring_care_area(need, solution);
	case SCORING_TARGET_GROUPS:
		return scoring_target_groups(need, solution);
	case SCORING_EVIDENCE:
		return scoring_evidence(need, solution);
	case SCORING_DEPLOYMENTS:
		return scoring_deployments(need, solution);
	case SCORING_PRICE:
		return scoring_price(need, solution);
	default:
		return scoring_language(need, solution);
	}
}

int32_t scoring_soft_score(const need_facts *need, const solution_facts *solution)
{
	int64_t sum = need->weight[SCORING_CARE_AREA] * scoring_care_area(need, solution) +
	              need->weight[SCORING_TARGET_GROUPS] * scoring_target_groups(need, solution) +
	              need->weight[SCORING_EVIDENCE] * scoring_evidence(need, solution) +
	              need->weight[SCORING_DEPLOYMENTS] * scoring_deployments(need, solution) +
	              need->weight[SCORING_PRICE] * scoring_price(need, solution) +
	              need->weight[SCORING_LANGUAGE] * scoring_language(need, solution);
	return (int32_t)(sum * 10 / need->weight_total);
}

/* The most a criterion can add, given the least and the most it can be
 * fulfilled: a need's own evaluation criteria could in principle make a
 * weight negative. */
static int64_t most(int64_t weight, int lowest, int highest)
{
	return weight * (weight > 0 ? highest : lowest);
}

int32_t scoring_soft_bound(const need_facts *need, int care_area, int evidence)
{
	/* The sum of scoring_soft_score with the criteria the index does not
	 * know at the most the need allows them (dividing a larger sum never
	 * gives less): deployments full only where the need has a region,
	 * 600 where it has a size band; price 500 whatever the solution when
	 * the need has no budget. The tighter, the sooner a need stops. */
	int deployments = need->regions != 0 ? 1000 : need->size_bands != 0 ? 600 : 0;
	int price_lowest = need->budget_max_dkk <= 0 ? 500 : 0;
	int price_highest = need->budget_max_dkk <= 0 ? 500 : 1000;
	int64_t sum = need->weight[SCORING_CARE_AREA] * care_area +
	              most(need->weight[SCORING_TARGET_GROUPS], 0, 1000) +
	              need->weight[SCORING_EVIDENCE] * (250 * evidence) +
	              most(need->weight[SCORING_DEPLOYMENTS], 0, deployments) +
	              most(need->weight[SCORING_PRICE], price_lowest, price_highest) +
	              most(need->weight[SCORING_LANGUAGE], 0, 1000);
	return (int32_t)(sum * 10 / need->weight_total);
}
