/*
 * scoring_explain.c - the reasons behind one pair's score, in words: every
 * hard criterion met or failed ("needs TRL 7, has 5"), every soft criterion
 * with its weight and its share of the score, and "not a match" feedback.
 * Computed from the same facts and functions as the score itself.
 */
#include <stdio.h>
#include <string.h>

#include "chc/json.h"
#include "scoring_internal.h"

static const char *const soft_names[SCORING_SOFT_COUNT] = {
	"care_area", "target_groups", "evidence", "deployments", "price", "language",
};

static scoring_reason *next_reason(scoring_reason *reasons, size_t max, size_t *count,
                                   const char *criterion, bool met, bool hard)
{
	if (*count >= max)
		return NULL;
	scoring_reason *reason = &reasons[(*count)++];
	memset(reason, 0, sizeof(*reason));
	reason->criterion = criterion;
	reason->met = met;
	reason->hard = hard;
	return reason;
}

static const char *slug(const ProtobufCEnumDescriptor *descriptor, int value, char *buffer,
                        size_t size)
{
	return chc_enum_slug(descriptor, value, buffer, size);
}

/* "medcom, hl7-fhir": the standards of mask. */
static void standards_text(uint32_t mask, char *text, size_t size)
{
	size_t used = 0;
	text[0] = '\0';
	for (int value = 1; value < 32; value++) {
		if (!(mask & ((uint32_t)1 << value)))
			continue;
		char name[64];
		slug(&chc__v1__standard__descriptor, value, name, sizeof(name));
		if (used + strlen(name) + 3 < size)
			used += (size_t)snprintf(text + used, size - used, "%s%s", used ? ", " : "",
			                         name);
	}
}

static void hard_reasons(const need_facts *need, const solution_facts *solution,
                         scoring_reason *reasons, size_t max, size_t *count)
{
	scoring_reason *reason =
	        next_reason(reasons, max, count, "trl", solution->trl >= need->min_trl, true);
	if (reason != NULL)
		snprintf(reason->detail, sizeof(reason->detail), "needs TRL %d, has %d",
		         need->min_trl, solution->trl);
	bool class_met =
	        need->max_device_class == 0 || solution->device_class <= need->max_device_class;
	reason = next_reason(reasons, max, count, "device_class", class_met, true);
	if (reason != NULL) {
		char limit[64], has[64];
		slug(&chc__v1__device_class__descriptor, need->max_device_class, limit,
		     sizeof(limit));
		slug(&chc__v1__device_class__descriptor, solution->device_class, has, sizeof(has));
		if (need->max_device_class == 0)
			snprintf(reason->detail, sizeof(reason->detail),
			         "any MDR class accepted, has %s", has);
		else
			snprintf(reason->detail, sizeof(reason->detail),
			         "accepts MDR class up to %s, has %s", limit, has);
	}
	uint32_t missing = need->standards & ~solution->standards;
	reason = next_reason(reasons, max, count, "standards", missing == 0, true);
	if (reason != NULL) {
		char names[128];
		standards_text(missing != 0 ? missing : need->standards, names, sizeof(names));
		if (missing != 0)
			snprintf(reason->detail, sizeof(reason->detail), "needs %s, lacks %s",
			         names, __builtin_popcount(missing) > 1 ? "them" : "it");
		else if (need->standards != 0)
			snprintf(reason->detail, sizeof(reason->detail), "has %s as required",
			         names);
		else
			snprintf(reason->detail, sizeof(reason->detail), "no standard required");
	}
	reason = next_reason(reasons, max, count, "dpa", !need->dpa || solution->dpa, true);
	if (reason != NULL)
		snprintf(reason->detail, sizeof(reason->detail), "%s",
		         !need->dpa      ? "no data processing agreement required"
		         : solution->dpa ? "offers the data processing agreement required"
		                         : "needs a data processing agreement, offers none");
}

static void soft_detail(int criterion, const need_facts *need, const solution_facts *solution,
                        int fulfilment, char *detail, size_t size)
{
	char name[64];
	switch (criterion) {
	case SCORING_CARE_AREA:
		slug(&chc__v1__care_category__descriptor, need->care_area, name, sizeof(name));
		snprintf(detail, size, "%s %s", name,
		         fulfilment == 1000 ? "is one of its categories"
		         : fulfilment > 0   ? "is close to its categories"
		                            : "is not among its categories");
		break;
	case SCORING_TARGET_GROUPS:
		snprintf(detail, size, "serves %d of the %d target groups",
		         __builtin_popcount(need->target_groups & solution->target_groups),
		         need->target_group_count);
		break;
	case SCORING_EVIDENCE:
		slug(&chc__v1__evidence_level__descriptor, solution->evidence + 1, name,
		     sizeof(name));
		snprintf(detail, size, "evidence: %s", solution->evidence ? name : "none");
		break;
	case SCORING_DEPLOYMENTS:
		snprintf(detail, size, "%s",
		         fulfilment == 1000   ? "deployed in the need's region already"
		         : fulfilment > 0     ? "deployed in municipalities of similar size"
		         : solution->deployed ? "deployed elsewhere"
		                              : "not deployed yet");
		break;
	case SCORING_PRICE:
		if (solution->price_dkk <= 0 || need->budget_max_dkk <= 0)
			snprintf(detail, size, "price or budget not stated");
		else
			snprintf(detail, size, "indicative price %lld DKK, budget %lld to %lld DKK",
			         (long long)solution->price_dkk, (long long)need->budget_min_dkk,
			         (long long)need->budget_max_dkk);
		break;
	default:
		snprintf(detail, size, "%s",
		         fulfilment == 1000 ? "speaks the need's language"
		         : fulfilment > 0   ? "in English only"
		                            : "not in the need's language");
		break;
	}
}

size_t scoring_explain(const scoring_input *input, size_t need, size_t solution,
                       scoring_reason *reasons, size_t max, int32_t *score)
{
	solution_facts solution_facts_one;
	need_facts need_facts_one;
	scoring_solution_facts(input, input->solutions[solution], &solution_facts_one);
	scoring_need_facts(input, input->needs[need], &need_facts_one);
	size_t count = 0;
	hard_reasons(&need_facts_one, &solution_facts_one, reasons, max, &count);
	const char *feedback = NULL;
	for (size_t i = 0; i < input->feedback_count && feedback == NULL; i++)
		if (input->feedback[i].need == need && input->feedback[i].solution == solution)
			feedback = input->feedback[i].reason;
	for (int criterion = 0; criterion < SCORING_SOFT_COUNT; criterion++) {
		int fulfilment =
		        scoring_fulfilment(criterion, &need_facts_one, &solution_facts_one);
		scoring_reason *reason = next_reason(reasons, max, &count, soft_names[criterion],
		                                     fulfilment >= 500, false);
		if (reason == NULL)
			break;
		int64_t weight = need_facts_one.weight[criterion];
		reason->weight = (double)weight / (double)need_facts_one.weight_total;
		reason->contribution =
		        feedback
		                ? 0
		                : (int32_t)(weight * fulfilment * 10 / need_facts_one.weight_total);
		soft_detail(criterion, &need_facts_one, &solution_facts_one, fulfilment,
		            reason->detail, sizeof(reason->detail));
	}
	if (feedback != NULL) {
		scoring_reason *reason =
		        next_reason(reasons, max, &count, "feedback", false, false);
		if (reason != NULL)
			snprintf(reason->detail, sizeof(reason->detail), "not a match: %s",
			         feedback);
	}
	*score = feedback ? 0 : scoring_soft_score(&need_facts_one, &solution_facts_one);
	return count;
}
