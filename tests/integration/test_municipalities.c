/*
 * test_municipalities.c - the reference data: 5 regions, 98 municipalities,
 * their populations, filters and paging.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chc/v1/municipalities.pb-c.h"
#include "harness.h"

static harness_stack stack;

static ProtobufCMessage *call(const char *method, const ProtobufCMessage *input,
                              chc_status expected)
{
	ProtobufCMessage *reply = NULL;
	chc_error error = { 0 };
	chc_status status =
	        chc_client_call(stack.client, &chc__v1__municipality_service__descriptor, method,
	                        input, NULL, &reply, &error);
	if (status != expected)
		fail_msg("%s: expected %s, got %s: %s", method, chc_status_name(expected),
		         chc_status_name(status), error.message);
	chc_error_fini(&error);
	return reply;
}

/* GetRegion or GetMunicipality: each asks for one code. */
static ProtobufCMessage *get_by_code(const char *method, int32_t code, chc_status expected)
{
	const ProtobufCMessageDescriptor *type =
	        protobuf_c_service_descriptor_get_method_by_name(
	                &chc__v1__municipality_service__descriptor, method)
	                ->input;
	union {
		ProtobufCMessage base;
		Chc__V1__GetRegionRequest region;
		Chc__V1__GetMunicipalityRequest municipality;
	} request;
	protobuf_c_message_init(type, &request);
	*(int32_t *)((char *)&request +
	             protobuf_c_message_descriptor_get_field_by_name(type, "code")->offset) = code;
	return call(method, &request.base, expected);
}

static void five_regions_with_populations(void **state)
{
	(void)state;
	Chc__V1__ListRegionsRequest request = CHC__V1__LIST_REGIONS_REQUEST__INIT;
	Chc__V1__ListRegionsResponse *reply = (void *)call("ListRegions", &request.base, CHC_OK);
	assert_int_equal(reply->n_regions, 5);
	assert_int_equal(reply->regions[0]->code, 1081);
	assert_string_equal(reply->regions[0]->name, "Region Nordjylland");
	assert_int_equal(reply->regions[4]->code, 1085);
	assert_string_equal(reply->regions[4]->name, "Region Sjælland");
	int municipalities = 0;
	for (size_t i = 0; i < reply->n_regions; i++)
		municipalities += reply->regions[i]->municipality_count;
	assert_int_equal(municipalities, 98);
	assert_int_equal(reply->total_population, 5992644);
	assert_int_equal(reply->regions[3]->population, 1930703); /* Hovedstaden */
	protobuf_c_message_free_unpacked(&reply->base, NULL);
}

static void get_region_and_bad_codes(void **state)
{
	(void)state;
	Chc__V1__Region *region = (void *)get_by_code("GetRegion", 1083, CHC_OK);
	assert_string_equal(region->name_en, "Region of Southern Denmark");
	assert_int_equal(region->municipality_count, 22);
	protobuf_c_message_free_unpacked(&region->base, NULL);
	assert_null(get_by_code("GetRegion", 1080, CHC_INVALID_ARGUMENT));
}

static void municipalities_paged_and_filtered(void **state)
{
	(void)state;
	Chc__V1__ListMunicipalitiesRequest request = CHC__V1__LIST_MUNICIPALITIES_REQUEST__INIT;
	Chc__V1__PageRequest page = CHC__V1__PAGE_REQUEST__INIT;
	page.page_size = 40;
	request.page = &page;
	int seen = 0, last_code = 0;
	char token[256] = "";
	/* The total only when asked (page one); the population on every page:
	 * it is of all the matching rows, not of the page's. */
	page.want_total = true;
	do {
		page.page_token = token;
		Chc__V1__ListMunicipalitiesResponse *reply =
		        (void *)call("ListMunicipalities", &request.base, CHC_OK);
		seen += (int)reply->n_municipalities;
		assert_int_equal(reply->page->total_size, page.want_total ? 98 : 0);
		assert_int_equal(reply->total_population, 5992644);
		for (size_t i = 0; i < reply->n_municipalities; i++) {
			assert_true(reply->municipalities[i]->code > last_code);
			last_code = reply->municipalities[i]->code;
		}
		assert_true(strlen(reply->page->next_page_token) < sizeof(token));
		snprintf(token, sizeof(token), "%s", reply->page->next_page_token);
		protobuf_c_message_free_unpacked(&reply->base, NULL);
		page.want_total = false;
	} while (token[0] != '\0');
	assert_int_equal(seen, 98);

	request.region_code = 1081;
	page.page_token = "";
	Chc__V1__ListMunicipalitiesResponse *north =
	        (void *)call("ListMunicipalities", &request.base, CHC_OK);
	assert_int_equal(north->n_municipalities, 11);
	assert_int_equal(north->total_population, 592768);
	protobuf_c_message_free_unpacked(&north->base, NULL);

	request.region_code = 0;
	request.name_prefix = "kø";
	Chc__V1__ListMunicipalitiesResponse *named =
	        (void *)call("ListMunicipalities", &request.base, CHC_OK);
	assert_int_equal(named->n_municipalities, 2); /* København, Køge */
	protobuf_c_message_free_unpacked(&named->base, NULL);

	page.page_token = "garbage";
	assert_null(call("ListMunicipalities", &request.base, CHC_INVALID_ARGUMENT));
	/* The offset tokens of before are not tokens any more. */
	page.page_token = "o40";
	assert_null(call("ListMunicipalities", &request.base, CHC_INVALID_ARGUMENT));
	page.page_token = "";
	page.page_size = 501;
	assert_null(call("ListMunicipalities", &request.base, CHC_INVALID_ARGUMENT));
	page.page_size = 10;
	request.region_code = 42;
	assert_null(call("ListMunicipalities", &request.base, CHC_INVALID_ARGUMENT));
}

static void get_municipality(void **state)
{
	(void)state;
	Chc__V1__Municipality *m = (void *)get_by_code("GetMunicipality", 101, CHC_OK);
	assert_string_equal(m->name, "København");
	assert_int_equal(m->region_code, 1084);
	assert_int_equal(m->population, 667099);
	assert_int_equal(m->population_year, 2025);
	protobuf_c_message_free_unpacked(&m->base, NULL);
	/* Christiansø is not a municipality */
	assert_null(get_by_code("GetMunicipality", 411, CHC_NOT_FOUND));
	assert_null(get_by_code("GetMunicipality", 12, CHC_INVALID_ARGUMENT));
}

/* codes as a BatchGetMunicipalities call; NULL unless expected is CHC_OK. */
static Chc__V1__BatchGetMunicipalitiesResponse *batch(const int32_t *codes, size_t count,
                                                      chc_status expected)
{
	Chc__V1__BatchGetMunicipalitiesRequest request =
	        CHC__V1__BATCH_GET_MUNICIPALITIES_REQUEST__INIT;
	request.codes = (int32_t *)codes;
	request.n_codes = count;
	return (void *)call("BatchGetMunicipalities", &request.base, expected);
}

/* codes as a BatchGetMunicipalities call, which must be refused with field
 * as its first violation. */
static void expect_batch_violation(const int32_t *codes, size_t count, const char *field)
{
	Chc__V1__BatchGetMunicipalitiesRequest request =
	        CHC__V1__BATCH_GET_MUNICIPALITIES_REQUEST__INIT;
	request.codes = (int32_t *)codes;
	request.n_codes = count;
	ProtobufCMessage *reply = NULL;
	chc_error error = { 0 };
	assert_int_equal(chc_client_call(stack.client, &chc__v1__municipality_service__descriptor,
	                                 "BatchGetMunicipalities", &request.base, NULL, &reply,
	                                 &error),
	                 CHC_INVALID_ARGUMENT);
	assert_true(error.violation_count > 0);
	assert_string_equal(error.violations[0].field, field);
	chc_error_fini(&error);
}

/* Asked for Vejle, Christiansø (no municipality), København and Vejle
 * again: Vejle and København, each as GetMunicipality gives it. */
static void batch_get_municipalities(void **state)
{
	(void)state;
	static const int32_t codes[] = { 630, 411, 101, 630 };
	Chc__V1__BatchGetMunicipalitiesResponse *reply = batch(codes, 4, CHC_OK);
	assert_int_equal(reply->n_municipalities, 2);
	static const int32_t expected[] = { 630, 101 };
	for (size_t i = 0; i < 2; i++) {
		Chc__V1__GetMunicipalityRequest request = CHC__V1__GET_MUNICIPALITY_REQUEST__INIT;
		request.code = expected[i];
		Chc__V1__Municipality *single =
		        (void *)call("GetMunicipality", &request.base, CHC_OK);
		const Chc__V1__Municipality *got = reply->municipalities[i];
		assert_int_equal(got->code, single->code);
		assert_string_equal(got->name, single->name);
		assert_int_equal(got->region_code, single->region_code);
		assert_string_equal(got->region_name, single->region_name);
		assert_int_equal(got->population, single->population);
		assert_int_equal(got->population_year, single->population_year);
		protobuf_c_message_free_unpacked(&single->base, NULL);
	}
	assert_string_equal(reply->municipalities[1]->name, "København");
	protobuf_c_message_free_unpacked(&reply->base, NULL);

	static const int32_t bad[] = { 101, 630, 12 };
	expect_batch_violation(bad, 3, "codes[2]");
	expect_batch_violation(codes, 0, "codes");
	int32_t many[101];
	for (size_t i = 0; i < 101; i++)
		many[i] = 101;
	expect_batch_violation(many, 101, "codes");
	reply = batch(many, 100, CHC_OK);
	assert_int_equal(reply->n_municipalities, 1);
	protobuf_c_message_free_unpacked(&reply->base, NULL);
}

HARNESS_TEST_MAIN_ON(&stack, "municipalities", cmocka_unit_test(five_regions_with_populations),
                     cmocka_unit_test(get_region_and_bad_codes),
                     cmocka_unit_test(municipalities_paged_and_filtered),
                     cmocka_unit_test(get_municipality), cmocka_unit_test(batch_get_municipalities))
