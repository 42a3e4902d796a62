/*
 * test_bed_validate.c - every field of a test bed, checked before anything
 * is written; each failure names its field (test_bed.trl_max ...). The
 * owner's municipality is checked against the reference data through the
 * municipalities service, before the store is touched.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "matching.h"
#include "validate.h"

/* "2027-Q1" .. "2027-Q4", or a month "2027-03". */
static bool period_is_valid(const char *period)
{
	int year = 0, part = 0;
	char tail = 0;
	if (strlen(period) == 7 && sscanf(period, "%4d-Q%1d%c", &year, &part, &tail) == 2)
		return year >= 2000 && year <= 2100 && part >= 1 && part <= 4;
	if (strlen(period) == 7 && isdigit((unsigned char)period[5]) &&
	    sscanf(period, "%4d-%2d%c", &year, &part, &tail) == 2)
		return year >= 2000 && year <= 2100 && part >= 1 && part <= 12;
	return false;
}

static void validate_periods(core_request *request, const Chc__V1__TestBed *test_bed)
{
	if (test_bed->n_periods > 48) {
		core_violation(request, "test_bed.periods", "at most 48 periods");
		return;
	}
	for (size_t i = 0; i < test_bed->n_periods; i++) {
		char field[64];
		snprintf(field, sizeof(field), "test_bed.periods[%zu]", i);
		if (!period_is_valid(test_bed->periods[i])) {
			core_violation(request, field,
			               "\"%.40s\" is not a period: a quarter \"2027-Q1\" or a "
			               "month \"2027-03\"",
			               test_bed->periods[i]);
			continue;
		}
		for (size_t k = 0; k < i; k++)
			if (strcmp(test_bed->periods[k], test_bed->periods[i]) == 0)
				core_violation(request, field, "repeats period %zu", k);
	}
}

/* The owner's kind decides which code it carries; a municipality must be
 * one (reference data) and lie in the test bed's region. */
static chc_status validate_owner(core_request *request, const Chc__V1__TestBed *test_bed)
{
	const Chc__V1__TestBedOwner *owner = test_bed->owner;
	if (!core_check_present(request, "test_bed.owner", owner))
		return CHC_INVALID_ARGUMENT;
	if (!core_check_enum(request, "test_bed.owner.kind",
	                     &chc__v1__test_bed_owner_kind__descriptor, owner->kind, true))
		return CHC_INVALID_ARGUMENT;
	core_check_text(request, "test_bed.owner.organisation", owner->organisation, 0, 200);
	switch (owner->kind) {
	case CHC__V1__TEST_BED_OWNER_KIND__TEST_BED_OWNER_KIND_MUNICIPALITY: {
		if (owner->region_code != 0)
			core_violation(request, "test_bed.owner.region_code",
			               "is not set for a municipality owner");
		if (!core_check_range(request, "test_bed.owner.municipality_code",
		                      owner->municipality_code, 100, 999))
			return CHC_INVALID_ARGUMENT;
		int region = 0;
		chc_error error = { 0 };
		chc_status status =
		        matching_municipality_region(owner->municipality_code, &region, &error);
		if (status == CHC_NOT_FOUND)
			core_violation(request, "test_bed.owner.municipality_code",
			               "%d is not a known municipality code",
			               owner->municipality_code);
		else if (status != CHC_OK)
			core_fail(request, CHC_UNAVAILABLE,
			          "cannot check the municipality code with the municipalities "
			          "service: %s",
			          error.message);
		else if (test_bed->region_code != 0 && region != test_bed->region_code)
			core_violation(request, "test_bed.region_code",
			               "is %d, but municipality %d lies in region %d",
			               test_bed->region_code, owner->municipality_code, region);
		chc_error_fini(&error);
		return status == CHC_OK || status == CHC_NOT_FOUND ? CHC_OK : CHC_UNAVAILABLE;
	}
	case CHC__V1__TEST_BED_OWNER_KIND__TEST_BED_OWNER_KIND_REGION:
		if (owner->municipality_code != 0)
			core_violation(request, "test_bed.owner.municipality_code",
			               "is not set for a region owner");
		if (core_check_range(request, "test_bed.owner.region_code", owner->region_code,
		                     1081, 1085) &&
		    test_bed->region_code != 0 && owner->region_code != test_bed->region_code)
			core_violation(request, "test_bed.region_code",
			               "is %d, but the owner is region %d", test_bed->region_code,
			               owner->region_code);
		return CHC_OK;
	default:
		if (owner->municipality_code != 0 || owner->region_code != 0)
			core_violation(request, "test_bed.owner",
			               "a hospital, university or private owner carries no "
			               "municipality or region code: name it in organisation");
		if (owner->organisation[0] == '\0')
			core_violation(request, "test_bed.owner.organisation",
			               "is required for a hospital, university or private owner");
		return CHC_OK;
	}
}

bool test_bed_validate(core_request *request, const Chc__V1__TestBed *test_bed)
{
	core_check_text(request, "test_bed.name", test_bed->name, 1, 200);
	core_check_text(request, "test_bed.description", test_bed->description, 0, 4000);
	core_check_enum(request, "test_bed.type", &chc__v1__test_bed_type__descriptor,
	                test_bed->type, true);
	if (test_bed->n_care_areas == 0)
		core_violation(request, "test_bed.care_areas", "needs at least one care area");
	core_check_enum_list(request, "test_bed.care_areas", &chc__v1__care_category__descriptor,
	                     (const int *)test_bed->care_areas, test_bed->n_care_areas, 16);
	bool window = core_check_range(request, "test_bed.trl_min", test_bed->trl_min, 1, 9);
	window = core_check_range(request, "test_bed.trl_max", test_bed->trl_max, 1, 9) && window;
	if (window && test_bed->trl_min > test_bed->trl_max)
		core_violation(request, "test_bed.trl_max", "%d is below trl_min %d",
		               test_bed->trl_max, test_bed->trl_min);
	core_check_range(request, "test_bed.capacity_per_period", test_bed->capacity_per_period, 0,
	                 10000);
	validate_periods(request, test_bed);
	core_check_range(request, "test_bed.region_code", test_bed->region_code, 1081, 1085);
	core_check_range(request, "test_bed.fee_dkk", test_bed->fee_dkk, 0, 1000000000000LL);
	core_check_enum(request, "test_bed.max_device_class", &chc__v1__device_class__descriptor,
	                test_bed->max_device_class, true);
	core_check_enum_list(request, "test_bed.standards", &chc__v1__standard__descriptor,
	                     (const int *)test_bed->standards, test_bed->n_standards, 12);
	core_check_enum(request, "test_bed.preference", &chc__v1__test_bed_preference__descriptor,
	                test_bed->preference, false);
	core_check_enum(request, "test_bed.status", &chc__v1__test_bed_status__descriptor,
	                test_bed->status, false);
	/* The remote check last, and only for an otherwise valid test bed. */
	if (core_failed(request))
		return false;
	return validate_owner(request, test_bed) == CHC_OK && !core_failed(request);
}
