/*
 * test_bed_handlers.c - create, get, update and list test beds.
 */
#include <string.h>

#include "db.h"
#include "entity.h"
#include "handler.h"
#include "listing.h"
#include "matching.h"
#include "update_mask.h"
#include "validate.h"

static Chc__V1__TestBed *create_test_bed(core_request *request,
                                         const Chc__V1__CreateTestBedRequest *input)
{
	Chc__V1__TestBed *test_bed = (Chc__V1__TestBed *)core_entity_new(
	        request, "test_bed", (const ProtobufCMessage *)input->test_bed,
	        CHC__V1__TEST_BED_STATUS__TEST_BED_STATUS_OPEN);
	ProtobufCMessage *stored = NULL;
	if (test_bed == NULL || !test_bed_validate(request, test_bed) ||
	    test_bed_insert(request, test_bed) != CHC_OK ||
	    matching_event(request, "testbed.created", test_bed->id, test_bed->name) != CHC_OK ||
	    core_entity_load(request, &test_bed_entity, test_bed->id, false, &stored) != CHC_OK)
		return NULL;
	return (Chc__V1__TestBed *)stored;
}
CORE_REPLY_HANDLER(matching, create_test_bed, CreateTestBedRequest, TestBed)

CORE_GET_HANDLER(matching, get_test_bed, GetTestBedRequest, TestBed, test_bed_entity)
CORE_BATCH_GET_HANDLER(matching, batch_get_test_beds, BatchGetTestBedsRequest,
                       BatchGetTestBedsResponse, test_bed_entity, NULL,
                       chc__v1__batch_get_test_beds_response__descriptor)

static Chc__V1__TestBed *update_test_bed(core_request *request,
                                         const Chc__V1__UpdateTestBedRequest *input)
{
	static const char *const updatable[] = { "name",
		                                 "description",
		                                 "owner",
		                                 "type",
		                                 "care_areas",
		                                 "trl_min",
		                                 "trl_max",
		                                 "capacity_per_period",
		                                 "periods",
		                                 "region_code",
		                                 "fee_dkk",
		                                 "max_device_class",
		                                 "dpa_required",
		                                 "standards",
		                                 "preference",
		                                 "status",
		                                 NULL };
	if (!core_check_present(request, "test_bed", input->test_bed))
		return NULL;
	Chc__V1__TestBed *test_bed = (Chc__V1__TestBed *)core_entity_load_for_change(
	        request, &test_bed_entity, "test_bed.id", input->test_bed->id,
	        input->expected_version);
	if (test_bed == NULL)
		return NULL;
	ProtobufCMessage *stored = NULL;
	if (!core_apply_update_mask(request, &test_bed->base, &input->test_bed->base,
	                            input->update_mask, input->n_update_mask, updatable, NULL) ||
	    !test_bed_validate(request, test_bed) || test_bed_write(request, test_bed) != CHC_OK ||
	    matching_event(request, "testbed.updated", test_bed->id, test_bed->name) != CHC_OK ||
	    core_entity_load(request, &test_bed_entity, test_bed->id, false, &stored) != CHC_OK)
		return NULL;
	return (Chc__V1__TestBed *)stored;
}
CORE_REPLY_HANDLER(matching, update_test_bed, UpdateTestBedRequest, TestBed)

static const core_filter test_bed_filters[] = {
	{ "region_code", CORE_FILTER_NUMBER, "t.region_code = $?::int", 1081, 1085, NULL },
	{ "care_area", CORE_FILTER_ENUM, "$? = ANY (t.care_areas)", 0, 0, NULL },
	/* The test beds whose window of maturity holds this TRL. */
	{ "trl", CORE_FILTER_NUMBER, "t.trl_min <= $?::int AND t.trl_max >= $?::int", 1, 9, NULL },
	{ "status", CORE_FILTER_ENUM, "t.status = $?", 0, 0, NULL },
};

static const core_listing test_bed_listing = {
	.entity = &test_bed_entity,
	.order = "t.name, t.id",
	CORE_LISTING_FILTERS(test_bed_filters),
};

CORE_LIST_HANDLER(matching, list_test_beds, ListTestBedsRequest, ListTestBedsResponse,
                  test_bed_listing, chc__v1__list_test_beds_response__descriptor)
