/*
 * test_companies.c - companies: create (municipality checked with the
 * municipalities service through libchc), validation, versions, archive,
 * lists.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chc/v1/companies.pb-c.h"
#include "harness.h"
#include "helpers.h"

static harness_stack stack;

static ProtobufCMessage *call_json(const char *method, const char *json_text, chc_status expected,
                                   char *field, size_t field_size)
{
	return harness_call_json(stack.client, &chc__v1__company_service__descriptor, method,
	                         json_text, expected, field, field_size);
}

static void expect_violation(const char *company, const char *expected_field)
{
	char request[4096];
	snprintf(request, sizeof(request), "{\"company\":%s}", company);
	harness_expect_violation(stack.client, &chc__v1__company_service__descriptor,
	                         "CreateCompany", request, expected_field);
}

static void create_get_update_archive(void **state)
{
	(void)state;
	Chc__V1__Company *company = (void *)call_json(
	        "CreateCompany",
	        "{\"company\":{\"name\":\"Nordlys Telehealth\",\"cvr\":\"12345674\",\"legal_form\":"
	        "\"ApS\",\"municipality_code\":751,\"website\":\"https://nordlys.example\","
	        "\"size_class\":\"small\",\"founded_year\":2019,\"categories\":[\"telemedicine\","
	        "\"remote-monitoring\"]}}",
	        CHC_OK, NULL, 0);
	assert_true(chc_uuid_is_valid(company->id));
	assert_string_equal(company->country, "DK");
	assert_int_equal(company->version, 1);
	assert_int_equal(company->n_categories, 2);
	char request[512];
	snprintf(request, sizeof(request), "{\"id\":\"%s\"}", company->id);
	Chc__V1__Company *got = (void *)call_json("GetCompany", request, CHC_OK, NULL, 0);
	assert_string_equal(got->name, "Nordlys Telehealth");
	assert_int_equal(got->municipality_code, 751);
	protobuf_c_message_free_unpacked(&got->base, NULL);

	snprintf(request, sizeof(request),
	         "{\"company\":{\"id\":\"%s\",\"size_class\":\"medium\"},\"update_mask\":"
	         "[\"size_class\"],\"expected_version\":1}",
	         company->id);
	Chc__V1__Company *updated = (void *)call_json("UpdateCompany", request, CHC_OK, NULL, 0);
	assert_int_equal(updated->size_class, CHC__V1__SIZE_CLASS__SIZE_CLASS_MEDIUM);
	assert_int_equal(updated->version, 2);
	assert_null(call_json("UpdateCompany", request, CHC_ABORTED, NULL, 0));
	protobuf_c_message_free_unpacked(&updated->base, NULL);

	/* The same CVR twice is one company. */
	assert_null(call_json("CreateCompany",
	                      "{\"company\":{\"name\":\"Nordlys Again\",\"cvr\":\"12345674\"}}",
	                      CHC_ALREADY_EXISTS, NULL, 0));

	snprintf(request, sizeof(request), "{\"id\":\"%s\",\"expected_version\":2}", company->id);
	Chc__V1__Company *archived = (void *)call_json("ArchiveCompany", request, CHC_OK, NULL, 0);
	assert_int_equal(archived->status, CHC__V1__COMPANY_STATUS__COMPANY_STATUS_ARCHIVED);
	free_messages(&archived->base, &company->base);
}

static void every_bad_field_is_named(void **state)
{
	(void)state;
	expect_violation("{\"name\":\"Bad Check ApS\",\"cvr\":\"12345678\"}", "company.cvr");
	expect_violation("{\"name\":\"No Id\"}", "company.cvr");
	expect_violation("{\"name\":\"Foreign AB\",\"country\":\"SE\"}", "company.vat_number");
	expect_violation("{\"name\":\"X\",\"cvr\":\"12345674\"}", "company.name");
	expect_violation("{\"name\":\"Somewhere ApS\",\"cvr\":\"12345674\",\"municipality_code\":"
	                 "998}",
	                 "company.municipality_code");
	expect_violation("{\"name\":\"Web ApS\",\"cvr\":\"12345674\",\"website\":\"ftp://x\"}",
	                 "company.website");
	expect_violation(
	        "{\"name\":\"Cat ApS\",\"cvr\":\"12345674\",\"categories\":[\"unspecified\"]}",
	        "company.categories[0]");
	expect_violation("{\"name\":\"Old ApS\",\"cvr\":\"12345674\",\"founded_year\":3000}",
	                 "company.founded_year");
	char *company = with_long_text("{\"name\":\"%s\",\"cvr\":\"12345674\"}", 2000, 'n');
	expect_violation(company, "company.name");
	free(company);
}

static void foreign_companies_and_lists(void **state)
{
	(void)state;
	Chc__V1__Company *foreign = (void *)call_json(
	        "CreateCompany",
	        "{\"company\":{\"name\":\"Fjällhälsa AB\",\"country\":\"SE\",\"vat_number\":"
	        "\"SE556677889901\",\"categories\":[\"mental-health\"]}}",
	        CHC_OK, NULL, 0);
	assert_string_equal(foreign->cvr, "");
	Chc__V1__ListCompaniesResponse *list = (void *)call_json(
	        "ListCompanies", "{\"category\":\"mental-health\"}", CHC_OK, NULL, 0);
	assert_int_equal(list->n_companies, 1);
	assert_string_equal(list->companies[0]->id, foreign->id);
	protobuf_c_message_free_unpacked(&list->base, NULL);
	list = (void *)call_json("ListCompanies", "{\"region_code\":1082}", CHC_OK, NULL, 0);
	assert_int_equal(list->n_companies, 1); /* Nordlys, in Vejle (751) */
	protobuf_c_message_free_unpacked(&list->base, NULL);
	assert_null(
	        call_json("ListCompanies", "{\"region_code\":7}", CHC_INVALID_ARGUMENT, NULL, 0));
	protobuf_c_message_free_unpacked(&foreign->base, NULL);
}

/* The first valid CVR number (modulus 11, weights 2765432 1) from start. */
static long valid_cvr(long start)
{
	static const int weights[] = { 2, 7, 6, 5, 4, 3, 2, 1 };
	for (long number = start;; number++) {
		long sum = 0, rest = number;
		for (int i = 7; i >= 0; i--, rest /= 10)
			sum += (rest % 10) * weights[i];
		if (sum % 11 == 0)
			return number;
	}
}

/* Three companies in one BatchGetCompanies call. */
static void batch_get_companies(void **state)
{
	(void)state;
	char ids[3][37];
	long cvr = 42000000;
	for (int i = 0; i < 3; i++) {
		char text[512];
		cvr = valid_cvr(cvr + 1);
		snprintf(text, sizeof(text),
		         "{\"company\":{\"name\":\"Samlet Hent %d\",\"cvr\":\"%ld\","
		         "\"municipality_code\":101}}",
		         i, cvr);
		harness_create(stack.client, &chc__v1__company_service__descriptor, "CreateCompany",
		               text, ids[i]);
	}
	const char *asked[] = { ids[0], ids[1], ids[2] };
	harness_expect_batch_get(stack.client, &chc__v1__company_service__descriptor,
	                         "BatchGetCompanies", "GetCompany", asked, 3);
}

/* Companies that tie on their names, walked by ListCompanies one to three
 * at a time: every company once, in name order; the total only when asked;
 * a token not given out is INVALID_ARGUMENT naming page.page_token. */
static void list_pages_by_name_and_id(void **state)
{
	(void)state;
	static const char *const names[] = { "Læsø Care", "Aabo Tele", "Læsø Care", "Zeta",
		                             "Læsø care", "Aabo Tele", "Læsø Care", "Læsø care" };
	enum { COUNT = sizeof(names) / sizeof(names[0]) };
	char text[1024];
	long cvr = 41000000;
	for (size_t i = 0; i < COUNT; i++) {
		cvr = valid_cvr(cvr + 1);
		snprintf(text, sizeof(text),
		         "{\"company\":{\"name\":\"%s\",\"cvr\":\"%ld\",\"municipality_code\":"
		         "825,\"categories\":[\"telemedicine\"]}}",
		         names[i], cvr);
		ProtobufCMessage *made = call_json("CreateCompany", text, CHC_OK, NULL, 0);
		assert_non_null(made);
		protobuf_c_message_free_unpacked(made, NULL);
	}
	PGresult *ordered =
	        PQexec(stack.database, "SELECT id::text FROM companies.companies "
	                               "WHERE municipality_code = 825 ORDER BY name, id");
	assert_int_equal(PQresultStatus(ordered), PGRES_TUPLES_OK);
	int count = PQntuples(ordered);
	assert_true(count >= (int)COUNT);
	for (int size = 1; size <= 3; size++) {
		char token[1024] = "";
		int seen = 0;
		bool first = true;
		do {
			snprintf(text, sizeof(text),
			         "{\"municipality_code\":825,\"page\":{\"page_size\":%d,"
			         "\"page_token\":\"%s\",\"want_total\":%s}}",
			         size, token, first ? "true" : "false");
			Chc__V1__ListCompaniesResponse *list =
			        (void *)call_json("ListCompanies", text, CHC_OK, NULL, 0);
			assert_non_null(list);
			assert_int_equal(list->page->total_size, first ? count : 0);
			assert_true(list->n_companies <= (size_t)size);
			for (size_t i = 0; i < list->n_companies; i++) {
				assert_true(seen < count);
				assert_string_equal(list->companies[i]->id,
				                    PQgetvalue(ordered, seen, 0));
				seen++;
			}
			assert_true(strlen(list->page->next_page_token) < sizeof(token));
			snprintf(token, sizeof(token), "%s", list->page->next_page_token);
			protobuf_c_message_free_unpacked(&list->base, NULL);
			first = false;
		} while (token[0] != '\0');
		assert_int_equal(seen, count);
	}
	PQclear(ordered);
	/* Not asked: no count. */
	Chc__V1__ListCompaniesResponse *list =
	        (void *)call_json("ListCompanies", "{\"municipality_code\":825}", CHC_OK, NULL, 0);
	assert_int_equal(list->page->total_size, 0);
	protobuf_c_message_free_unpacked(&list->base, NULL);
	char field[64] = "";
	assert_null(call_json("ListCompanies", "{\"page\":{\"page_token\":\"o50\"}}",
	                      CHC_INVALID_ARGUMENT, field, sizeof(field)));
	assert_string_equal(field, "page.page_token");
	/* Base64url, but no token this list gave out. */
	assert_null(call_json("ListCompanies", "{\"page\":{\"page_token\":\"AT0nPB0CAQAEAAAAAA\"}}",
	                      CHC_INVALID_ARGUMENT, field, sizeof(field)));
	assert_string_equal(field, "page.page_token");
}

HARNESS_TEST_MAIN_ON(&stack, "companies", cmocka_unit_test(create_get_update_archive),
                     cmocka_unit_test(every_bad_field_is_named),
                     cmocka_unit_test(foreign_companies_and_lists),
                     cmocka_unit_test(list_pages_by_name_and_id),
                     cmocka_unit_test(batch_get_companies))
