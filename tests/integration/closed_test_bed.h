/*
 * closed_test_bed.h - the test bed that the load generator and the load and
 * fault tests write over and over: closed, so that no matching job offers
 * it and the writes change nothing a job sees.
 */
#ifndef CLOSED_TEST_BED_H
#define CLOSED_TEST_BED_H

#include "chc/v1/matching.pb-c.h"

typedef struct closed_test_bed {
	Chc__V1__TestBed test_bed;
	Chc__V1__TestBedOwner owner;
	Chc__V1__CareCategory care_area;
	char *periods[1];
} closed_test_bed;

/* A closed telemedicine living lab of region 1084 called name; the message
 * points into made, which must outlive it. */
static inline void closed_test_bed_init(closed_test_bed *made, char *name)
{
	Chc__V1__TestBedOwner owner = CHC__V1__TEST_BED_OWNER__INIT;
	made->owner = owner;
	made->owner.kind = CHC__V1__TEST_BED_OWNER_KIND__TEST_BED_OWNER_KIND_REGION;
	made->owner.region_code = 1084;
	made->care_area = CHC__V1__CARE_CATEGORY__CARE_CATEGORY_TELEMEDICINE;
	made->periods[0] = "2027-Q1";
	Chc__V1__TestBed test_bed = CHC__V1__TEST_BED__INIT;
	made->test_bed = test_bed;
	made->test_bed.name = name;
	made->test_bed.owner = &made->owner;
	made->test_bed.type = CHC__V1__TEST_BED_TYPE__TEST_BED_TYPE_LIVING_LAB;
	made->test_bed.n_care_areas = 1;
	made->test_bed.care_areas = &made->care_area;
	made->test_bed.trl_min = 3;
	made->test_bed.trl_max = 7;
	made->test_bed.capacity_per_period = 10;
	made->test_bed.n_periods = 1;
	made->test_bed.periods = made->periods;
	made->test_bed.region_code = 1084;
	made->test_bed.max_device_class = CHC__V1__DEVICE_CLASS__DEVICE_CLASS_IIA;
	made->test_bed.preference = CHC__V1__TEST_BED_PREFERENCE__TEST_BED_PREFERENCE_FIT;
	made->test_bed.status = CHC__V1__TEST_BED_STATUS__TEST_BED_STATUS_CLOSED;
}

#endif
