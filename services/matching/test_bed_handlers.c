/*
 * test_bed_handlers.c - create, get, update and list test beds.
 */
#include <string.h>

#include "chc/uuid.h"
#include "db.h"
#include "entity.h"
#include "matching.h"
#include "query_builder.h"
#include "update_mask.h"
#include "validate.h"

void matching_create_test_bed(matching_service *service, const Chc__V1__CreateTestBedRequest *input,
                              Chc__V1__TestBed_Closure closure, void *closure_data)
{
	(void)service;
	core_request *request = closure_data;
	if (!core_check_present(request, "test_bed", input->test_bed))
		CORE_FAIL_RETURN(closure, closure_data);
	Chc__V1__TestBed test_bed = *input->test_bed;
	char id[37];
	chc_uuid_generate(id);
	test_bed.id = id;
	if (test_bed.status == 0)
		test_bed.status = CHC__V1__TEST_BED_STATUS__TEST_BED_STATUS_OPEN;
	ProtobufCMessage *stored = NULL;
	if (!test_bed_validate(request, &test_bed) ||
	    test_bed_insert(request, &test_bed) != CHC_OK ||
	    matching_event(request, "testbed.created", id, test_bed.name) != CHC_OK ||
	    core_entity_load(request, &test_bed_entity, id, false, &stored) != CHC_OK)
		CORE_FAIL_RETURN(closure, closure_data);
	closure((Chc__V1__TestBed *)stored, closure_data);
}

void matching_get_test_bed(matching_service *service, const Chc__V1__GetTestBedRequest *input,
                           Chc__V1__TestBed_Closure closure, void *closure_data)
{
	(void)service;
	core_request *request = closure_data;
	ProtobufCMessage *test_bed = NULL;
	if (!core_check_uuid(request, "id", input->id) ||
	    core_entity_load(request, &test_bed_entity, input->id, false, &test_bed) != CHC_OK)
		CORE_FAIL_RETURN(closure, closure_data);
	closure((Chc__V1__TestBed *)test_bed, closure_data);
}

void matching_update_test_bed(matching_service *service, const Chc__V1__UpdateTestBedRequest *input,
                              Chc__V1__TestBed_Closure closure, void *closure_data)
{
	(void)service;
	core_request *request = closure_data;
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
		CORE_FAIL_RETURN(closure, closure_data);
	Chc__V1__TestBed *test_bed = (Chc__V1__TestBed *)core_entity_load_for_change(
	        request, &test_bed_entity, "test_bed.id", input->test_bed->id,
	        input->expected_version);
	if (test_bed == NULL)
		CORE_FAIL_RETURN(closure, closure_data);
	ProtobufCMessage *stored = NULL;
	if (!core_apply_update_mask(request, &test_bed->base, &input->test_bed->base,
	                            input->update_mask, input->n_update_mask, updatable, NULL) ||
	    !test_bed_validate(request, test_bed) || test_bed_write(request, test_bed) != CHC_OK ||
	    matching_event(request, "testbed.updated", test_bed->id, test_bed->name) != CHC_OK ||
	    core_entity_load(request, &test_bed_entity, test_bed->id, false, &stored) != CHC_OK)
		CORE_FAIL_RETURN(closure, closure_data);
	closure((Chc__V1__TestBed *)stored, closure_data);
}

void matching_list_test_beds(matching_service *service, const Chc__V1__ListTestBedsRequest *input,
                             Chc__V1__ListTestBedsResponse_Closure closure, void *closure_data)
{
	(void)service;
	core_request *request = closure_data;
	int limit = 0;
	long offset = 0;
	core_query_builder query = { .used = 0 };
	core_query_append(&query, "SELECT " TEST_BED_COLUMNS ", count(*) OVER () "
	                          "FROM matching.test_beds t WHERE true");
	if (input->region_code != 0 &&
	    core_check_range(request, "region_code", input->region_code, 1081, 1085))
		core_query_where(&query, "t.region_code = $?::int",
		                 core_int_text(request, input->region_code));
	if (input->care_area != 0 &&
	    core_check_enum(request, "care_area", &chc__v1__care_category__descriptor,
	                    input->care_area, false))
		core_query_where(&query, "$? = ANY (t.care_areas)",
		                 core_enum_slug(request, &chc__v1__care_category__descriptor,
		                                input->care_area));
	if (input->trl != 0 && core_check_range(request, "trl", input->trl, 1, 9)) {
		const char *trl = core_int_text(request, input->trl);
		core_query_where(&query, "t.trl_min <= $?::int", trl);
		core_query_where(&query, "t.trl_max >= $?::int", trl);
	}
	if (input->status != 0 &&
	    core_check_enum(request, "status", &chc__v1__test_bed_status__descriptor, input->status,
	                    false))
		core_query_where(&query, "t.status = $?",
		                 core_enum_slug(request, &chc__v1__test_bed_status__descriptor,
		                                input->status));
	core_page_read(request, input->page, &limit, &offset);
	if (core_failed(request))
		CORE_FAIL_RETURN(closure, closure_data);
	core_query_append(&query, " ORDER BY t.name, t.id");
	core_query_page(request, &query, limit, offset);
	Chc__V1__ListTestBedsResponse reply = CHC__V1__LIST_TEST_BEDS_RESPONSE__INIT;
	Chc__V1__PageInfo page = CHC__V1__PAGE_INFO__INIT;
	if (core_entity_list(request, &test_bed_entity, &query, TEST_BED_COLUMN_COUNT, offset,
	                     (ProtobufCMessage ***)&reply.test_beds, &reply.n_test_beds,
	                     &page) != CHC_OK)
		CORE_FAIL_RETURN(closure, closure_data);
	reply.page = &page;
	closure(&reply, closure_data);
}
