/*
 * test_consortia.c - buying groups: alike needs (care area, target groups,
 * procurement route, deadlines) of different owners are grouped with their
 * populations and budgets summed, unlike ones are kept apart, and a group's
 * solutions meet every member need's hard criteria.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "chc_test_main.h"

#include "consortia.h"
#include "matching_fixtures.h"

static const scoring_municipality municipalities[] = {
	{ 101, 1084, 650000 },
	{ 147, 1084, 104000 },
	{ 751, 1082, 370000 },
	{ 851, 1081, 224000 },
};
static const consortia_region regions[] = { { 1084, 1930000 } };

static void groups_alike_needs(void **state)
{
	(void)state;
	fixture_need made[5];
	const Chc__V1__Need *needs[5];
	int owners[5] = { 101, 147, 751, 851, 0 };
	for (int i = 0; i < 5; i++) {
		fixture_need_init(&made[i], i);
		made[i].owner.municipality_code = owners[i];
		needs[i] = &made[i].need;
	}
	/* 2: another care area; 3: a route of another family; 4: a region,
	 * with a deadline far from the others. */
	made[2].need.care_area = CHC__V1__CARE_CATEGORY__CARE_CATEGORY_ELDERLY_CARE;
	made[3].need.procurement_route =
	        CHC__V1__PROCUREMENT_ROUTE__PROCUREMENT_ROUTE_INNOVATION_PARTNERSHIP;
	made[4].owner.region_code = 1084;
	snprintf(made[4].deadline, sizeof(made[4].deadline), "2028-06-01");
	made[1].budget.min_dkk = 100000;
	made[1].budget.max_dkk = 300000;
	fixture_solution fits, lacks;
	fixture_solution_init(&fits, 0);
	fixture_solution_init(&lacks, 1);
	lacks.solution.trl = 5;
	const Chc__V1__Solution *solutions[] = { &fits.solution, &lacks.solution };
	scoring_input scoring = {
		.solutions = solutions,
		.solution_count = 2,
		.needs = needs,
		.need_count = 5,
		.municipalities = municipalities,
		.municipality_count = 4,
		.top_k = 10,
		.gap_report_size = 3,
	};
	consortia_input input = {
		.scoring = &scoring,
		.regions = regions,
		.region_count = 1,
		.deadline_window_days = 180,
		.min_group_size = 2,
		.max_solutions = 5,
	};
	consortia_group *groups = NULL;
	size_t count = 0;
	assert_int_equal(consortia_build(&input, &groups, &count, NULL), CHC_OK);
	assert_int_equal(count, 1);
	const consortia_group *group = &groups[0];
	assert_int_equal(group->member_count, 2);
	assert_int_equal(group->members[0].municipality_code, 101);
	assert_int_equal(group->members[1].municipality_code, 147);
	assert_int_equal(group->total_population, 754000);
	assert_int_equal(group->budget_min_dkk, 300000);
	assert_int_equal(group->budget_max_dkk, 800000);
	assert_int_equal(group->solution_count, 1);
	assert_int_equal(group->solutions[0].solution, 0);
	assert_non_null(strstr(group->members[1].reason, "remote-monitoring"));
	assert_non_null(strstr(group->members[1].reason, "citizens-with-copd"));
	consortia_free(groups, count);

	/* A wider window takes the region in; a group of three needs three. */
	input.deadline_window_days = 400;
	input.min_group_size = 3;
	assert_int_equal(consortia_build(&input, &groups, &count, NULL), CHC_OK);
	assert_int_equal(count, 1);
	assert_int_equal(groups[0].member_count, 3);
	assert_int_equal(groups[0].total_population, 754000 + 1930000);
	consortia_free(groups, count);

	input.min_group_size = 1;
	assert_int_equal(consortia_build(&input, &groups, &count, NULL), CHC_INVALID_ARGUMENT);
}

CHC_TEST_MAIN(NULL, NULL, cmocka_unit_test(groups_alike_needs))
