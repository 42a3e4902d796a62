/*
 * solution_validate.c - the rules for a solution's fields. Deployments'
 * municipality codes are checked with the municipalities service.
 */
#include <stdio.h>
#include <string.h>

#include "companies.h"
#include "validate.h"

static void validate_deployments(core_request *request, const Chc__V1__Solution *solution)
{
	if (solution->n_deployments > 103) {
		core_violation(request, "solution.deployments", "more places than Denmark has");
		return;
	}
	for (size_t i = 0; i < solution->n_deployments; i++) {
		const Chc__V1__Deployment *d = solution->deployments[i];
		char field[64];
		snprintf(field, sizeof(field), "solution.deployments[%zu]", i);
		if (!core_check_place(request, field, d->municipality_code, d->region_code))
			continue;
		if (d->region_code != 0) {
			snprintf(field, sizeof(field), "solution.deployments[%zu].region_code", i);
			core_check_range(request, field, d->region_code, 1081, 1085);
		} else {
			int region = 0;
			snprintf(field, sizeof(field),
			         "solution.deployments[%zu].municipality_code", i);
			municipality_code_check(request, field, d->municipality_code, &region);
		}
	}
}

bool solution_validate(core_request *request, const Chc__V1__Solution *s, bool is_new)
{
	core_check_uuid(request, "solution.company_id", s->company_id);
	core_check_text(request, "solution.name", s->name, 2, 200);
	core_check_text(request, "solution.description", s->description, 0, 10000);
	if (s->n_categories == 0)
		core_violation(request, "solution.categories", "needs at least one category");
	core_check_enum_list(request, "solution.categories", &chc__v1__care_category__descriptor,
	                     (const int *)s->categories, s->n_categories, 16);
	core_check_enum_list(request, "solution.target_groups", &chc__v1__target_group__descriptor,
	                     (const int *)s->target_groups, s->n_target_groups, 16);
	core_check_range(request, "solution.trl", s->trl, 1, 9);
	core_check_enum(request, "solution.device_class", &chc__v1__device_class__descriptor,
	                s->device_class, true);
	core_check_enum_list(request, "solution.standards", &chc__v1__standard__descriptor,
	                     (const int *)s->standards, s->n_standards, 32);
	core_check_text(request, "solution.data_hosting", s->data_hosting, 0, 100);
	core_check_enum(request, "solution.evidence_level", &chc__v1__evidence_level__descriptor,
	                s->evidence_level, false);
	if (s->n_languages > 10)
		core_violation(request, "solution.languages", "at most 10 languages");
	for (size_t i = 0; i < s->n_languages && i < 10; i++) {
		const char *code = s->languages[i];
		if (strlen(code) != 2 || strspn(code, "abcdefghijklmnopqrstuvwxyz") != 2) {
			char field[48];
			snprintf(field, sizeof(field), "solution.languages[%zu]", i);
			core_violation(request, field, "must be an ISO 639-1 code such as \"da\"");
		}
	}
	core_check_enum(request, "solution.price_model", &chc__v1__price_model__descriptor,
	                s->price_model, false);
	core_check_range(request, "solution.indicative_price_dkk", s->indicative_price_dkk, 0,
	                 INT64_C(100000000000));
	if (s->language[0] != '\0' && strcmp(s->language, "da") != 0 &&
	    strcmp(s->language, "en") != 0)
		core_violation(request, "solution.language", "must be \"da\" or \"en\"");
	if (is_new && s->status != CHC__V1__SOLUTION_STATUS__SOLUTION_STATUS_UNSPECIFIED &&
	    s->status != CHC__V1__SOLUTION_STATUS__SOLUTION_STATUS_DRAFT &&
	    s->status != CHC__V1__SOLUTION_STATUS__SOLUTION_STATUS_SUBMITTED)
		core_violation(
		        request, "solution.status",
		        "a new solution is draft or submitted; the secretariat publishes it");
	if (!core_failed(request))
		validate_deployments(request, s);
	return !core_failed(request);
}
