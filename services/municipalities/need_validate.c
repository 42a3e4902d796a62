/*
 * need_validate.c - every field of a need, checked before anything is
 * written; each failure names its field (need.budget.min_dkk ...).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "municipalities.h"
#include "validate.h"

static void validate_owners(core_request *request, const Chc__V1__Need *need)
{
	if (need->n_owners == 0) {
		core_violation(request, "need.owners", "needs at least one municipality or region");
		return;
	}
	if (need->n_owners > 98 + 5) {
		core_violation(request, "need.owners", "has more owners than Denmark has");
		return;
	}
	for (size_t i = 0; i < need->n_owners; i++) {
		const Chc__V1__NeedOwner *owner = need->owners[i];
		char field[64];
		snprintf(field, sizeof(field), "need.owners[%zu]", i);
		if (!core_check_place(request, field, owner->municipality_code, owner->region_code))
			continue;
		for (size_t k = 0; k < i; k++)
			if (need->owners[k]->municipality_code == owner->municipality_code &&
			    need->owners[k]->region_code == owner->region_code)
				core_violation(request, field, "repeats owner %zu", k);
	}
}

static void validate_criteria(core_request *request, const Chc__V1__Need *need)
{
	int total = 0;
	for (size_t i = 0; i < need->n_criteria; i++) {
		char field[64];
		snprintf(field, sizeof(field), "need.criteria[%zu].criterion", i);
		core_check_enum(request, field, &chc__v1__evaluation_criterion__descriptor,
		                need->criteria[i]->criterion, true);
		for (size_t k = 0; k < i; k++)
			if (need->criteria[k]->criterion == need->criteria[i]->criterion)
				core_violation(request, field, "repeats criterion %zu", k);
		snprintf(field, sizeof(field), "need.criteria[%zu].weight", i);
		core_check_range(request, field, need->criteria[i]->weight, 1, 100);
		total += need->criteria[i]->weight;
	}
	if (need->n_criteria > 0 && total != 100)
		core_violation(request, "need.criteria", "weights must sum to 100, not %d", total);
}

static void validate_enum_list(core_request *request, const char *name,
                               const ProtobufCEnumDescriptor *descriptor, const int *values,
                               size_t count)
{
	for (size_t i = 0; i < count; i++) {
		char field[64];
		snprintf(field, sizeof(field), "%s[%zu]", name, i);
		core_check_enum(request, field, descriptor, values[i], true);
	}
}

static void today(char text[11])
{
	time_t now = time(NULL);
	struct tm local;
	localtime_r(&now, &local);
	strftime(text, 11, "%Y-%m-%d", &local);
}

bool need_validate(core_request *request, const Chc__V1__Need *need, bool is_new)
{
	validate_owners(request, need);
	core_check_text(request, "need.title", need->title, 3, 200);
	core_check_text(request, "need.description", need->description, 0, 10000);
	core_check_enum(request, "need.care_area", &chc__v1__care_category__descriptor,
	                need->care_area, true);
	validate_enum_list(request, "need.target_groups", &chc__v1__target_group__descriptor,
	                   (const int *)need->target_groups, need->n_target_groups);
	core_check_range(request, "need.min_trl", need->min_trl, 1, 9);
	core_check_enum(request, "need.max_device_class", &chc__v1__device_class__descriptor,
	                need->max_device_class, true);
	validate_enum_list(request, "need.required_standards", &chc__v1__standard__descriptor,
	                   (const int *)need->required_standards, need->n_required_standards);
	if (need->budget != NULL) {
		core_check_range(request, "need.budget.min_dkk", need->budget->min_dkk, 0,
		                 INT64_C(100000000000));
		core_check_range(request, "need.budget.max_dkk", need->budget->max_dkk, 0,
		                 INT64_C(100000000000));
		if (need->budget->max_dkk != 0 && need->budget->min_dkk > need->budget->max_dkk)
			core_violation(request, "need.budget.min_dkk",
			               "must not be above need.budget.max_dkk (%lld > %lld)",
			               (long long)need->budget->min_dkk,
			               (long long)need->budget->max_dkk);
	}
	core_check_enum(request, "need.procurement_route", &chc__v1__procurement_route__descriptor,
	                need->procurement_route, true);
	if (core_check_date(request, "need.deadline", need->deadline, true) && is_new) {
		char now[11];
		today(now);
		if (strcmp(need->deadline, now) < 0)
			core_violation(request, "need.deadline",
			               "%s is in the past: a new need's deadline must be today or "
			               "later",
			               need->deadline);
	}
	validate_criteria(request, need);
	if (need->contact != NULL) {
		core_check_text(request, "need.contact.name", need->contact->name, 0, 200);
		core_check_email(request, "need.contact.email", need->contact->email);
		const char *phone = need->contact->phone;
		if (strlen(phone) > 30 || strspn(phone, "0123456789 +-()") != strlen(phone))
			core_violation(request, "need.contact.phone",
			               "must be digits, spaces and + - ( ), at most 30");
	}
	if (is_new && need->status != CHC__V1__NEED_STATUS__NEED_STATUS_UNSPECIFIED &&
	    need->status != CHC__V1__NEED_STATUS__NEED_STATUS_DRAFT &&
	    need->status != CHC__V1__NEED_STATUS__NEED_STATUS_OPEN)
		core_violation(request, "need.status", "a new need is draft or open");
	else
		core_check_enum(request, "need.status", &chc__v1__need_status__descriptor,
		                need->status, false);
	if (need->language[0] != '\0' && strcmp(need->language, "da") != 0 &&
	    strcmp(need->language, "en") != 0)
		core_violation(request, "need.language", "must be \"da\" or \"en\"");
	return !core_failed(request);
}

static const core_statement unknown_owners_statement = {
	"need_unknown_owners",
	"SELECT o.i - 1, o.m, o.r FROM unnest($1::int[], $2::int[]) WITH ORDINALITY AS o(m, r, i) "
	"WHERE (o.m <> 0 AND NOT EXISTS (SELECT 1 FROM municipalities.municipalities "
	"WHERE code = o.m)) OR (o.r <> 0 AND NOT EXISTS (SELECT 1 FROM municipalities.regions "
	"WHERE code = o.r)) ORDER BY o.i",
	2
};

bool need_validate_owners_exist(core_request *request, const Chc__V1__Need *need)
{
	char municipalities[1200] = "{";
	char regions[1200] = "{";
	size_t m = 1, r = 1;
	for (size_t i = 0; i < need->n_owners && i < 103; i++) {
		m += (size_t)snprintf(municipalities + m, sizeof(municipalities) - m, "%s%d",
		                      i ? "," : "", need->owners[i]->municipality_code);
		r += (size_t)snprintf(regions + r, sizeof(regions) - r, "%s%d", i ? "," : "",
		                      need->owners[i]->region_code);
	}
	snprintf(municipalities + m, sizeof(municipalities) - m, "}");
	snprintf(regions + r, sizeof(regions) - r, "}");
	const char *values[] = { municipalities, regions };
	PGresult *result = NULL;
	if (core_query(request, &unknown_owners_statement, values, &result) != CHC_OK)
		return false;
	for (int row = 0; row < PQntuples(result); row++) {
		char field[80];
		const char *municipality = PQgetvalue(result, row, 1);
		bool is_municipality = strcmp(municipality, "0") != 0;
		snprintf(field, sizeof(field), "need.owners[%s].%s", PQgetvalue(result, row, 0),
		         is_municipality ? "municipality_code" : "region_code");
		core_violation(request, field, "%s is not a known %s code",
		               is_municipality ? municipality : PQgetvalue(result, row, 2),
		               is_municipality ? "municipality" : "region");
	}
	return PQntuples(result) == 0;
}
