/*
 * matching_fixtures.h - solutions and needs built in memory for the tests
 * of the scoring and consortia algorithms.
 */
#ifndef MATCHING_FIXTURES_H
#define MATCHING_FIXTURES_H

#include <stdio.h>
#include <string.h>

#include "chc/v1/companies.pb-c.h"
#include "chc/v1/municipalities.pb-c.h"

typedef struct fixture_solution {
	Chc__V1__Solution solution;
	char id[40];
	Chc__V1__CareCategory categories[2];
	Chc__V1__TargetGroup target_groups[2];
	Chc__V1__Standard standards[3];
	char *languages[1];
	Chc__V1__Deployment deployment;
	Chc__V1__Deployment *deployments[1];
} fixture_solution;

/* A published solution that meets the fixture need, with id "s<number>". */
static inline void fixture_solution_init(fixture_solution *made, int number)
{
	Chc__V1__Solution empty = CHC__V1__SOLUTION__INIT;
	made->solution = empty;
	snprintf(made->id, sizeof(made->id), "s%03d", number);
	made->solution.id = made->id;
	made->solution.name = made->id;
	made->categories[0] = CHC__V1__CARE_CATEGORY__CARE_CATEGORY_REMOTE_MONITORING;
	made->solution.categories = made->categories;
	made->solution.n_categories = 1;
	made->target_groups[0] = CHC__V1__TARGET_GROUP__TARGET_GROUP_CITIZENS_WITH_COPD;
	made->solution.target_groups = made->target_groups;
	made->solution.n_target_groups = 1;
	made->standards[0] = CHC__V1__STANDARD__STANDARD_MEDCOM;
	made->standards[1] = CHC__V1__STANDARD__STANDARD_HL7_FHIR;
	made->solution.standards = made->standards;
	made->solution.n_standards = 2;
	made->solution.trl = 8;
	made->solution.device_class = CHC__V1__DEVICE_CLASS__DEVICE_CLASS_IIA;
	made->solution.gdpr_dpa_available = 1;
	made->solution.evidence_level = CHC__V1__EVIDENCE_LEVEL__EVIDENCE_LEVEL_PILOT;
	made->languages[0] = (char *)"da";
	made->solution.languages = made->languages;
	made->solution.n_languages = 1;
	made->solution.indicative_price_dkk = 300000;
	Chc__V1__Deployment deployment = CHC__V1__DEPLOYMENT__INIT;
	made->deployment = deployment;
	made->deployment.municipality_code = 101;
	made->deployments[0] = &made->deployment;
	made->solution.deployments = made->deployments;
	made->solution.n_deployments = 1;
}

typedef struct fixture_need {
	Chc__V1__Need need;
	char id[40];
	Chc__V1__NeedOwner owner;
	Chc__V1__NeedOwner *owners[1];
	Chc__V1__TargetGroup target_groups[1];
	Chc__V1__Standard standards[1];
	Chc__V1__BudgetRange budget;
	char deadline[11];
} fixture_need;

/* An open need of municipality 101 for COPD monitoring: TRL 7, class up to
 * IIa, MedCom, a data processing agreement, 200,000 to 500,000 DKK. */
static inline void fixture_need_init(fixture_need *made, int number)
{
	Chc__V1__Need empty = CHC__V1__NEED__INIT;
	made->need = empty;
	snprintf(made->id, sizeof(made->id), "n%03d", number);
	made->need.id = made->id;
	made->need.title = made->id;
	Chc__V1__NeedOwner owner = CHC__V1__NEED_OWNER__INIT;
	made->owner = owner;
	made->owner.municipality_code = 101;
	made->owners[0] = &made->owner;
	made->need.owners = made->owners;
	made->need.n_owners = 1;
	made->need.care_area = CHC__V1__CARE_CATEGORY__CARE_CATEGORY_REMOTE_MONITORING;
	made->target_groups[0] = CHC__V1__TARGET_GROUP__TARGET_GROUP_CITIZENS_WITH_COPD;
	made->need.target_groups = made->target_groups;
	made->need.n_target_groups = 1;
	made->need.min_trl = 7;
	made->need.max_device_class = CHC__V1__DEVICE_CLASS__DEVICE_CLASS_IIA;
	made->standards[0] = CHC__V1__STANDARD__STANDARD_MEDCOM;
	made->need.required_standards = made->standards;
	made->need.n_required_standards = 1;
	made->need.gdpr_dpa_required = 1;
	Chc__V1__BudgetRange budget = CHC__V1__BUDGET_RANGE__INIT;
	made->budget = budget;
	made->budget.min_dkk = 200000;
	made->budget.max_dkk = 500000;
	made->need.budget = &made->budget;
	made->need.procurement_route = CHC__V1__PROCUREMENT_ROUTE__PROCUREMENT_ROUTE_OPEN_TENDER;
	snprintf(made->deadline, sizeof(made->deadline), "2027-06-01");
	made->need.deadline = made->deadline;
	made->need.language = (char *)"da";
}

#endif /* MATCHING_FIXTURES_H */
