/*
 * consortia.c - candidate buying groups. Open needs are alike when they
 * share the care area, their target groups overlap (or one names none),
 * their procurement routes can be run as one procurement, and their
 * deadlines lie within the window of each other. Groups grow greedily in a
 * fixed order (care area, deadline, id), each need alike to every member
 * already in, so the same needs always give the same groups. A group needs
 * at least min_group_size distinct owners. Its solutions are those that
 * meet every member need's hard criteria, ranked by their mean score.
 */
#include "consortia.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chc/json.h"
#include "scoring_internal.h"

typedef struct need_view {
	size_t index;
	const Chc__V1__Need *need;
	long deadline_day; /* days since 1970-01-01; -1: none */
	int route_family;
} need_view;

/* Days since 1970-01-01 of "YYYY-MM-DD" (Howard Hinnant's civil days). */
static long civil_day(const char *date)
{
	int year, month, day;
	if (date == NULL || sscanf(date, "%4d-%2d-%2d", &year, &month, &day) != 3)
		return -1;
	year -= month <= 2;
	long era = (year >= 0 ? year : year - 399) / 400;
	long year_of_era = year - era * 400;
	long day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	long day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
	return era * 146097 + day_of_era - 719468;
}

/* Routes that can be run as one procurement share a family: buying off a
 * framework or directly; tendering openly; the innovation routes. */
static int route_family(int route)
{
	switch (route) {
	case CHC__V1__PROCUREMENT_ROUTE__PROCUREMENT_ROUTE_DIRECT_PURCHASE:
	case CHC__V1__PROCUREMENT_ROUTE__PROCUREMENT_ROUTE_SKI_FRAMEWORK:
		return 1;
	case CHC__V1__PROCUREMENT_ROUTE__PROCUREMENT_ROUTE_OPEN_TENDER:
		return 2;
	case CHC__V1__PROCUREMENT_ROUTE__PROCUREMENT_ROUTE_PRE_COMMERCIAL:
	case CHC__V1__PROCUREMENT_ROUTE__PROCUREMENT_ROUTE_INNOVATION_PROCUREMENT:
	case CHC__V1__PROCUREMENT_ROUTE__PROCUREMENT_ROUTE_INNOVATION_PARTNERSHIP:
		return 3;
	default:
		return 0; /* not stated: goes with any */
	}
}

static int compare_views(const void *x, const void *y)
{
	const need_view *a = x, *b = y;
	if (a->need->care_area != b->need->care_area)
		return a->need->care_area < b->need->care_area ? -1 : 1;
	if (a->deadline_day != b->deadline_day)
		return a->deadline_day < b->deadline_day ? -1 : 1;
	return strcmp(a->need->id, b->need->id);
}

static bool alike(const consortia_input *input, const need_facts *facts, const need_view *a,
                  const need_view *b)
{
	if (a->need->care_area != b->need->care_area)
		return false;
	uint32_t groups_a = facts[a->index].target_groups, groups_b = facts[b->index].target_groups;
	if (groups_a != 0 && groups_b != 0 && (groups_a & groups_b) == 0)
		return false;
	if (a->route_family != 0 && b->route_family != 0 && a->route_family != b->route_family)
		return false;
	if (a->deadline_day >= 0 && b->deadline_day >= 0) {
		long apart = a->deadline_day - b->deadline_day;
		if (apart < 0)
			apart = -apart;
		if (apart > input->deadline_window_days)
			return false;
	}
	return true;
}

static int64_t population_of(const consortia_input *input, int municipality_code, int region_code)
{
	const scoring_input *scoring = input->scoring;
	for (size_t i = 0; municipality_code != 0 && i < scoring->municipality_count; i++)
		if (scoring->municipalities[i].code == municipality_code)
			return scoring->municipalities[i].population;
	for (size_t i = 0; region_code != 0 && i < input->region_count; i++)
		if (input->regions[i].code == region_code)
			return input->regions[i].population;
	return 0;
}

static bool has_member(const consortia_group *group, int municipality_code, int region_code)
{
	for (size_t i = 0; i < group->member_count; i++)
		if (group->members[i].municipality_code == municipality_code &&
		    group->members[i].region_code == region_code)
			return true;
	return false;
}

/* "elderly-care like the group; shares frail-elderly with 101; route
 * ski-framework; deadline 2027-03-01, 12 days from the group's first" */
static void member_reason(const need_view *view, const need_view *first, const need_facts *facts,
                          char *text, size_t size)
{
	char area[64], route[64], shared[160] = "", name[64];
	chc_enum_slug(&chc__v1__care_category__descriptor, view->need->care_area, area,
	              sizeof(area));
	chc_enum_slug(&chc__v1__procurement_route__descriptor, view->need->procurement_route, route,
	              sizeof(route));
	uint32_t common = facts[view->index].target_groups & facts[first->index].target_groups;
	size_t used = 0;
	for (int value = 1; value < 32 && used + 40 < sizeof(shared); value++)
		if (common & ((uint32_t)1 << value))
			used += (size_t)snprintf(shared + used, sizeof(shared) - used, "%s%s",
			                         used ? ", " : "",
			                         chc_enum_slug(&chc__v1__target_group__descriptor,
			                                       value, name, sizeof(name)));
	long days = view->deadline_day >= 0 && first->deadline_day >= 0
	                    ? view->deadline_day - first->deadline_day
	                    : 0;
	if (view == first)
		snprintf(text, size, "%s; %s; route %s; deadline %s, the group's first", area,
		         used ? shared : "any target group", route,
		         view->need->deadline[0] ? view->need->deadline : "open");
	else
		snprintf(text, size,
		         "%s like the group; shares %s; route %s; deadline %s, %ld days from "
		         "the group's first",
		         area, used ? shared : "any target group", route,
		         view->need->deadline[0] ? view->need->deadline : "open", days);
}

static int compare_solutions(const void *x, const void *y, const solution_facts *facts)
{
	const consortia_solution *a = x, *b = y;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return strcmp(facts[a->solution].id, facts[b->solution].id);
}

static const solution_facts *sorting_facts; /* qsort has no context argument */

static int compare_solutions_sorting(const void *x, const void *y)
{
	return compare_solutions(x, y, sorting_facts);
}

/* The solutions that meet every member need's hard criteria. */
static chc_status group_solutions(const consortia_input *input, const solution_facts *solutions,
                                  const need_facts *needs, const size_t *group_needs,
                                  size_t need_count, consortia_group *group)
{
	size_t count = input->scoring->solution_count;
	consortia_solution *found = malloc((count + 1) * sizeof(*found));
	if (found == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	size_t kept = 0;
	for (size_t s = 0; s < count; s++) {
		int64_t total = 0;
		bool fits = true;
		for (size_t i = 0; i < need_count && fits; i++) {
			fits = scoring_hard_failures(&needs[group_needs[i]], &solutions[s]) == 0;
			total += scoring_soft_score(&needs[group_needs[i]], &solutions[s]);
		}
		if (fits)
			found[kept++] =
			        (consortia_solution){ (uint32_t)s,
				                      (int32_t)(total / (int64_t)need_count) };
	}
	sorting_facts = solutions;
	if (kept > 1)
		qsort(found, kept, sizeof(*found), compare_solutions_sorting);
	if (kept > (size_t)input->max_solutions)
		kept = (size_t)input->max_solutions;
	group->solutions = found;
	group->solution_count = kept;
	return CHC_OK;
}

static int compare_groups(const void *x, const void *y)
{
	const consortia_group *a = x, *b = y;
	if (a->total_population != b->total_population)
		return a->total_population > b->total_population ? -1 : 1;
	return a->members[0].need < b->members[0].need ? -1
	                                               : a->members[0].need > b->members[0].need;
}

/* Builds one group from seed: returns false when it has too few owners. */
static chc_status grow(const consortia_input *input, const need_view *views, size_t view_count,
                       size_t seed, const bool *taken, const need_facts *facts, size_t *members,
                       size_t *member_count)
{
	*member_count = 0;
	members[(*member_count)++] = seed;
	for (size_t j = seed + 1; j < view_count; j++) {
		if (taken[j] || views[j].need->care_area != views[seed].need->care_area)
			continue;
		bool fits = true;
		for (size_t m = 0; m < *member_count && fits; m++)
			fits = alike(input, facts, &views[members[m]], &views[j]);
		if (fits)
			members[(*member_count)++] = j;
	}
	return CHC_OK;
}

chc_status consortia_build(const consortia_input *input, consortia_group **groups, size_t *count,
                           chc_error *error)
{
	*groups = NULL;
	*count = 0;
	if (input->min_group_size < 2 || input->deadline_window_days < 0 ||
	    input->max_solutions < 0)
		return chc_error_set(error, CHC_INVALID_ARGUMENT,
		                     "min_group_size must be 2 or more and the window and the "
		                     "solutions kept not negative");
	const scoring_input *scoring = input->scoring;
	size_t need_count = scoring->need_count;
	solution_facts *solutions = NULL;
	need_facts *needs = NULL;
	if (scoring_facts(scoring, &solutions, &needs, error) != CHC_OK)
		return CHC_RESOURCE_EXHAUSTED;
	need_view *views = malloc((need_count + 1) * sizeof(*views));
	bool *taken = calloc(need_count + 1, sizeof(*taken));
	size_t *members = malloc((need_count + 1) * sizeof(*members));
	size_t *member_needs = malloc((need_count + 1) * sizeof(*member_needs));
	consortia_group *made = calloc(need_count / 2 + 1, sizeof(*made));
	chc_status status = CHC_OK;
	if (views == NULL || taken == NULL || members == NULL || member_needs == NULL ||
	    made == NULL)
		status = chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	for (size_t i = 0; status == CHC_OK && i < need_count; i++)
		views[i] =
		        (need_view){ i, scoring->needs[i], civil_day(scoring->needs[i]->deadline),
			             route_family(scoring->needs[i]->procurement_route) };
	if (status == CHC_OK && need_count > 1)
		qsort(views, need_count, sizeof(*views), compare_views);
	size_t made_count = 0;
	for (size_t seed = 0; status == CHC_OK && seed < need_count; seed++) {
		if (taken[seed])
			continue;
		size_t member_count = 0;
		grow(input, views, need_count, seed, taken, needs, members, &member_count);
		consortia_group group = { .care_area = views[seed].need->care_area };
		group.members = calloc(need_count * 4 + 1, sizeof(*group.members));
		if (group.members == NULL) {
			status = chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
			break;
		}
		for (size_t m = 0; m < member_count; m++) {
			const need_view *view = &views[members[m]];
			member_needs[m] = view->index;
			if (view->need->budget != NULL) {
				group.budget_min_dkk += view->need->budget->min_dkk;
				group.budget_max_dkk += view->need->budget->max_dkk;
			}
			for (size_t o = 0; o < view->need->n_owners; o++) {
				const Chc__V1__NeedOwner *owner = view->need->owners[o];
				if (has_member(&group, owner->municipality_code,
				               owner->region_code))
					continue;
				consortia_member *member = &group.members[group.member_count++];
				member->need = view->index;
				member->municipality_code = owner->municipality_code;
				member->region_code = owner->region_code;
				member->population = population_of(input, owner->municipality_code,
				                                   owner->region_code);
				group.total_population += member->population;
				member_reason(view, &views[members[0]], needs, member->reason,
				              sizeof(member->reason));
			}
		}
		if ((int)group.member_count < input->min_group_size) {
			free(group.members);
			continue;
		}
		for (size_t m = 0; m < member_count; m++)
			taken[members[m]] = true;
		if (group_solutions(input, solutions, needs, member_needs, member_count, &group) !=
		    CHC_OK) {
			free(group.members);
			status = chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
			break;
		}
		made[made_count++] = group;
	}
	if (status == CHC_OK && made_count > 1)
		qsort(made, made_count, sizeof(*made), compare_groups);
	free(views);
	free(taken);
	free(members);
	free(member_needs);
	free(solutions);
	free(needs);
	if (status != CHC_OK) {
		consortia_free(made, made_count);
		return status;
	}
	*groups = made;
	*count = made_count;
	return CHC_OK;
}

void consortia_free(consortia_group *groups, size_t count)
{
	for (size_t i = 0; groups != NULL && i < count; i++) {
		free(groups[i].members);
		free(groups[i].solutions);
	}
	free(groups);
}
