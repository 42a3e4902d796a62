/*
 * test_solutions.c - solutions (validation, moderation, search, expiry),
 * contact persons, duplicates and merge, CSV import.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chc_test_main.h"

#include "chc/v1/companies.pb-c.h"
#include "harness.h"
#include "helpers.h"

static harness_stack stack;
static char company_id[37];

static ProtobufCMessage *call_json(const char *method, const char *json_text, chc_status expected,
                                   char *field, size_t field_size)
{
	return harness_call_json(stack.client, &chc__v1__company_service__descriptor, method,
	                         json_text, expected, field, field_size);
}

static int start(void **state)
{
	(void)state;
	/* The search index catches up with large changes at housekeeping. */
	setenv("CHC_HOUSEKEEPING_INTERVAL", "1", 1);
	if (!harness_stack_start(&stack, "companies", NULL))
		return -1;
	harness_create(stack.client, &chc__v1__company_service__descriptor, "CreateCompany",
	               "{\"company\":{\"name\":\"Hjertelys Monitor\",\"cvr\":\"10000114\","
	               "\"legal_form\":\"ApS\",\"municipality_code\":461,\"website\":"
	               "\"https://hjertelys.example\"}}",
	               company_id);
	return 0;
}

static int stop(void **state)
{
	(void)state;
	return harness_stack_stop(&stack);
}

static char *solution_request(const char *override)
{
	char base[1024];
	snprintf(
	        base, sizeof(base),
	        "{\"company_id\":\"%s\",\"name\":\"HjerteVagt\",\"description\":\"Telemonitorering "
	        "af hjertesvigt i eget hjem. Remote monitoring of heart failure at home.\","
	        "\"categories\":[\"remote-monitoring\"],\"target_groups\":"
	        "[\"citizens-with-heart-failure\"],\"trl\":8,\"device_class\":\"iia\",\"ce_"
	        "marked\":"
	        "true,\"standards\":[\"medcom\",\"hl7-fhir\"],\"gdpr_dpa_available\":true,"
	        "\"data_hosting\":\"Denmark\",\"evidence_level\":\"randomised-trial\","
	        "\"languages\":"
	        "[\"da\",\"en\"],\"price_model\":\"per-citizen\",\"indicative_price_dkk\":4500,"
	        "\"deployments\":[{\"municipality_code\":461},{\"region_code\":1084}]}",
	        company_id);
	return harness_request_with("solution", base, override);
}

static void expect_violation(const char *override, const char *expected)
{
	char *text = solution_request(override);
	harness_expect_violation(stack.client, &chc__v1__company_service__descriptor,
	                         "CreateSolution", text, expected);
	free(text);
}

static void action(const char *method, const char *id, long version, const char *extra,
                   chc_status expected, Chc__V1__Solution **out)
{
	char text[512];
	snprintf(text, sizeof(text), "{\"id\":\"%s\",\"expected_version\":%ld%s}", id, version,
	         extra);
	Chc__V1__Solution *solution = (void *)call_json(method, text, expected, NULL, 0);
	if (out != NULL)
		*out = solution;
	else if (solution != NULL)
		protobuf_c_message_free_unpacked(&solution->base, NULL);
}

static void moderation_and_search(void **state)
{
	(void)state;
	char *text = solution_request("{}");
	Chc__V1__Solution *solution = (void *)call_json("CreateSolution", text, CHC_OK, NULL, 0);
	free(text);
	assert_int_equal(solution->status, CHC__V1__SOLUTION_STATUS__SOLUTION_STATUS_DRAFT);
	assert_int_equal(solution->n_deployments, 2);
	char id[37];
	snprintf(id, sizeof(id), "%s", solution->id);
	protobuf_c_message_free_unpacked(&solution->base, NULL);
	/* Drafts are not found by partners. */
	Chc__V1__SearchSolutionsResponse *found = (void *)call_json(
	        "SearchSolutions", "{\"query\":\"hjertesvigt\"}", CHC_OK, NULL, 0);
	assert_int_equal(found->n_solutions, 0);
	protobuf_c_message_free_unpacked(&found->base, NULL);

	action("ApproveSolution", id, 1, "", CHC_FAILED_PRECONDITION, NULL);
	action("SubmitSolution", id, 1, "", CHC_OK, NULL);
	action("RejectSolution", id, 2, ",\"reason\":\"\"", CHC_INVALID_ARGUMENT, NULL);
	action("RejectSolution", id, 2, ",\"reason\":\"evidence missing\"", CHC_OK, NULL);
	action("SubmitSolution", id, 3, "", CHC_OK, NULL);
	action("ApproveSolution", id, 3, "", CHC_ABORTED, NULL); /* stale */
	action("ApproveSolution", id, 4, "", CHC_OK, &solution);
	assert_int_equal(solution->status, CHC__V1__SOLUTION_STATUS__SOLUTION_STATUS_PUBLISHED);
	assert_int_equal(strlen(solution->reviewed_on), 10);
	protobuf_c_message_free_unpacked(&solution->base, NULL);

	found = (void *)call_json("SearchSolutions", "{\"query\":\"hjertesvigt\"}", CHC_OK, NULL,
	                          0);
	assert_int_equal(found->n_solutions, 1);
	protobuf_c_message_free_unpacked(&found->base, NULL);
	found = (void *)call_json(
	        "SearchSolutions",
	        "{\"query\":\"heart failure monitoring\",\"filter\":{\"region_code\":"
	        "1083,\"trl_min\":7,\"standard\":\"medcom\"}}",
	        CHC_OK, NULL, 0);
	assert_int_equal(found->n_solutions, 1); /* Odense (461) is in Syddanmark */
	protobuf_c_message_free_unpacked(&found->base, NULL);
	found = (void *)call_json("SearchSolutions",
	                          "{\"query\":\"heart\",\"filter\":{\"device_class\":\"iii\"}}",
	                          CHC_OK, NULL, 0);
	assert_int_equal(found->n_solutions, 0);
	protobuf_c_message_free_unpacked(&found->base, NULL);

	/* Not reviewed for 12 months: expires, the company is told. */
	char sql[256];
	snprintf(sql, sizeof(sql),
	         "UPDATE companies.solutions SET reviewed_on = current_date - 400 WHERE id = '%s'",
	         id);
	harness_sql_value(stack.database, sql);
	Chc__V1__ExpireSolutionsResponse *expired =
	        (void *)call_json("ExpireSolutions", "{}", CHC_OK, NULL, 0);
	assert_int_equal(expired->expired, 1);
	protobuf_c_message_free_unpacked(&expired->base, NULL);
	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM companies.events WHERE type = 'solution.expired' AND "
	         "subject_id = '%s'",
	         id);
	assert_string_equal(harness_sql_value(stack.database, sql), "1");
	found = (void *)call_json("SearchSolutions", "{\"query\":\"hjertesvigt\"}", CHC_OK, NULL,
	                          0);
	assert_int_equal(found->n_solutions, 0);
	protobuf_c_message_free_unpacked(&found->base, NULL);
	action("RenewSolution", id, 6, "", CHC_OK, NULL);
}

static void every_bad_field_is_named(void **state)
{
	(void)state;
	expect_violation("{\"trl\":0}", "solution.trl");
	expect_violation("{\"trl\":10}", "solution.trl");
	expect_violation("{\"categories\":[]}", "solution.categories");
	expect_violation("{\"device_class\":\"unspecified\"}", "solution.device_class");
	expect_violation("{\"languages\":[\"dansk\"]}", "solution.languages[0]");
	expect_violation("{\"deployments\":[{\"municipality_code\":998}]}",
	                 "solution.deployments[0].municipality_code");
	expect_violation("{\"company_id\":\"00000000-0000-4000-8000-000000000000\"}",
	                 "solution.company_id");
	expect_violation("{\"status\":\"published\"}", "solution.status");
}

static void contacts_and_deletion(void **state)
{
	(void)state;
	char text[512];
	snprintf(text, sizeof(text),
	         "{\"contact\":{\"company_id\":\"%s\",\"name\":\"Sofie Lund\",\"email\":"
	         "\"sofie@hjertelys.example\",\"role\":\"CEO\",\"consent_purpose\":\"matchmaking "
	         "with municipalities\"}}",
	         company_id);
	Chc__V1__ContactPerson *contact = (void *)call_json("AddContact", text, CHC_OK, NULL, 0);
	assert_true(contact->consent_unix_ms > 0);
	snprintf(text, sizeof(text),
	         "{\"contact\":{\"company_id\":\"%s\",\"name\":\"No "
	         "Consent\",\"email\":\"x@y.dk\"}}",
	         company_id);
	char field[64] = "";
	assert_null(call_json("AddContact", text, CHC_INVALID_ARGUMENT, field, sizeof(field)));
	assert_string_equal(field, "contact.consent_purpose");
	snprintf(text, sizeof(text), "{\"company_id\":\"%s\",\"page\":{\"want_total\":true}}",
	         company_id);
	Chc__V1__ListContactsResponse *list =
	        (void *)call_json("ListContacts", text, CHC_OK, NULL, 0);
	assert_int_equal(list->n_contacts, 1);
	assert_int_equal(list->page->total_size, 1);
	protobuf_c_message_free_unpacked(&list->base, NULL);
	snprintf(text, sizeof(text), "{\"company_id\":\"%s\",\"page\":{\"page_size\":501}}",
	         company_id);
	assert_null(call_json("ListContacts", text, CHC_INVALID_ARGUMENT, field, sizeof(field)));
	assert_string_equal(field, "page.page_size");
	snprintf(text, sizeof(text), "{\"id\":\"%s\"}", contact->id);
	protobuf_c_message_free_unpacked(call_json("RemoveContact", text, CHC_OK, NULL, 0), NULL);
	assert_null(call_json("RemoveContact", text, CHC_NOT_FOUND, NULL, 0));
	protobuf_c_message_free_unpacked(&contact->base, NULL);
	/* A company with solutions cannot be deleted, only archived. */
	snprintf(text, sizeof(text), "{\"id\":\"%s\",\"expected_version\":1}", company_id);
	assert_null(call_json("DeleteCompany", text, CHC_FAILED_PRECONDITION, NULL, 0));
}

static void duplicates_and_merge(void **state)
{
	(void)state;
	Chc__V1__Company *first =
	        (void *)call_json("CreateCompany",
	                          "{\"company\":{\"name\":\"ACME "
	                          "Health\",\"legal_form\":\"ApS\",\"cvr\":\"10000068\"}}",
	                          CHC_OK, NULL, 0);
	Chc__V1__Company *second = (void *)call_json(
	        "CreateCompany",
	        "{\"company\":{\"name\":\"Acme Health A/S\",\"cvr\":\"10000076\"}}", CHC_OK, NULL,
	        0);
	Chc__V1__FindDuplicateCompaniesResponse *found =
	        (void *)call_json("FindDuplicateCompanies", "{}", CHC_OK, NULL, 0);
	bool seen = false;
	for (size_t i = 0; i < found->n_pairs; i++)
		if ((strcmp(found->pairs[i]->first->id, first->id) == 0 ||
		     strcmp(found->pairs[i]->second->id, first->id) == 0) &&
		    strcmp(found->pairs[i]->reason, "same name without legal form") == 0)
			seen = true;
	assert_true(seen);
	protobuf_c_message_free_unpacked(&found->base, NULL);
	char text[256];
	snprintf(text, sizeof(text), "{\"keep_id\":\"%s\",\"merge_id\":\"%s\"}", first->id,
	         second->id);
	Chc__V1__MergeCompaniesResponse *merged =
	        (void *)call_json("MergeCompanies", text, CHC_OK, NULL, 0);
	assert_int_equal(merged->kept->n_aliases, 1);
	assert_string_equal(merged->kept->aliases[0], "Acme Health A/S");
	protobuf_c_message_free_unpacked(&merged->base, NULL);
	assert_null(call_json("MergeCompanies", text, CHC_FAILED_PRECONDITION, NULL, 0));
	assert_string_equal(harness_sql_value(stack.database,
	                                      "SELECT count(*) FROM companies.events "
	                                      "WHERE type = 'company.merged'"),
	                    "1");
	free_messages(&first->base, &second->base);
}

static void csv_import_is_row_by_row_and_repeatable(void **state)
{
	(void)state;
	const char *csv =
	        "name,cvr,country,vat_number,legal_form,municipality_code,size_class,categories,"
	        "solution_name,solution_categories,solution_trl,solution_device_class\\n"
	        "Import Care,10000084,,,ApS,751,small,telemedicine;prevention,Care "
	        "App,prevention,6,"
	        "not-a-device\\n"
	        "Bad Check,12345678,,,ApS,101,,,,,,\\n"
	        "Fjord Helse,,NO,NO123456789,AS,,micro,mental-health,,,,\\n"
	        "\\\"Quoted, Name\\\",10000092,,,ApS,999,,,,,,\\n"
	        "Bad Trl,10000106,,,ApS,101,,,App,prevention,12,i\\n";
	char request[2048];
	snprintf(request, sizeof(request), "{\"csv\":\"%s\"}", csv);
	Chc__V1__ImportCompaniesResponse *reply =
	        (void *)call_json("ImportCompanies", request, CHC_OK, NULL, 0);
	assert_int_equal(reply->rows, 5);
	assert_int_equal(reply->companies_created, 2);
	assert_int_equal(reply->solutions_created, 1);
	assert_int_equal(reply->n_errors, 3);
	assert_int_equal(reply->errors[0]->row, 2);
	assert_string_equal(reply->errors[0]->field, "cvr");
	assert_int_equal(reply->errors[1]->row, 4);
	assert_string_equal(reply->errors[1]->field, "municipality_code");
	assert_int_equal(reply->errors[2]->row, 5);
	assert_string_equal(reply->errors[2]->field, "solution.trl");
	protobuf_c_message_free_unpacked(&reply->base, NULL);
	/* Nothing of the bad rows was written, and a second run adds nothing. */
	assert_string_equal(harness_sql_value(stack.database,
	                                      "SELECT count(*) FROM companies.companies "
	                                      "WHERE name IN ('Bad Check', 'Bad Trl', "
	                                      "'Quoted, Name')"),
	                    "0");
	reply = (void *)call_json("ImportCompanies", request, CHC_OK, NULL, 0);
	assert_int_equal(reply->companies_created, 0);
	assert_int_equal(reply->companies_updated, 0);
	assert_int_equal(reply->solutions_created, 0);
	protobuf_c_message_free_unpacked(&reply->base, NULL);
	/* A header the service does not know is reported, nothing imported. */
	reply = (void *)call_json("ImportCompanies", "{\"csv\":\"nom,cvr\\nX,1\\n\"}", CHC_OK, NULL,
	                          0);
	assert_int_equal(reply->n_errors, 2);
	assert_string_equal(reply->errors[0]->field, "header");
	assert_int_equal(reply->companies_created, 0);
	protobuf_c_message_free_unpacked(&reply->base, NULL);
}

static void an_import_lists_a_bounded_number_of_errors(void **state)
{
	(void)state;
	/* 1,500 rows with a bad CVR: the reply lists 1,000 errors, the last
	 * of them saying how many more there were, and imports nothing. */
	size_t rows = 1500, size = 64 + rows * 24;
	char *request = malloc(size);
	assert_non_null(request);
	size_t used = (size_t)snprintf(request, size, "{\"csv\":\"name,cvr\\n");
	for (size_t i = 0; i < rows; i++)
		used += (size_t)snprintf(request + used, size - used, "Bad Check,12345678\\n");
	snprintf(request + used, size - used, "\"}");
	Chc__V1__ImportCompaniesResponse *reply =
	        (void *)call_json("ImportCompanies", request, CHC_OK, NULL, 0);
	assert_int_equal(reply->rows, 1500);
	assert_int_equal(reply->companies_created, 0);
	assert_int_equal(reply->n_errors, 1000);
	assert_int_equal(reply->errors[998]->row, 999);
	assert_string_equal(reply->errors[999]->field, "csv");
	assert_string_equal(reply->errors[999]->reason, "501 more errors are not listed");
	protobuf_c_message_free_unpacked(&reply->base, NULL);
	free(request);
}

static void an_import_larger_than_one_copy_piece(void **state)
{
	(void)state;
	/* The COPY text goes to PostgreSQL in 64 KiB pieces; 1,200 rows of
	 * foreign companies make several, and every row arrives whole. */
	size_t rows = 1200, size = 64 + rows * 96;
	char *request = malloc(size);
	assert_non_null(request);
	size_t used = (size_t)snprintf(request, size,
	                               "{\"csv\":\"name,country,vat_number,description\\n");
	for (size_t i = 0; i < rows; i++)
		used += (size_t)snprintf(request + used, size - used,
		                         "Piece %04zu,SE,SE%012zu,%s\\n", i, i,
		                         "a description long enough to fill pieces");
	snprintf(request + used, size - used, "\"}");
	Chc__V1__ImportCompaniesResponse *reply =
	        (void *)call_json("ImportCompanies", request, CHC_OK, NULL, 0);
	assert_int_equal(reply->n_errors, 0);
	assert_int_equal(reply->companies_created, 1200);
	protobuf_c_message_free_unpacked(&reply->base, NULL);
	free(request);
	assert_string_equal(harness_sql_value(stack.database,
	                                      "SELECT count(*) FROM companies.companies WHERE "
	                                      "name LIKE 'Piece %' AND description LIKE '%fill "
	                                      "pieces'"),
	                    "1200");
}

/* Solutions in every state the secretariat sees, in one BatchGetSolutions
 * call (test_access checks what partners and readers get). */
static void batch_get_solutions(void **state)
{
	(void)state;
	char ids[3][37];
	for (int i = 0; i < 3; i++) {
		char override[64];
		snprintf(override, sizeof(override), "{\"name\":\"Samlet %d\"}", i);
		char *text = solution_request(override);
		if (i == 0)
			harness_publish_solution(stack.client, text, ids[i]);
		else
			harness_create(stack.client, &chc__v1__company_service__descriptor,
			               "CreateSolution", text, ids[i]);
		free(text);
	}
	const char *asked[] = { ids[0], ids[1], ids[2] };
	harness_expect_batch_get(stack.client, &chc__v1__company_service__descriptor,
	                         "BatchGetSolutions", "GetSolution", asked, 3);
}

/* Every page of a search for text, 7 at a time, as (id, rank) lines in
 * out; the first page's total in *total. */
static void search_pages(const char *text, char *out, size_t size, long *total)
{
	size_t used = 0;
	char token[1024] = "";
	out[0] = '\0';
	for (int pages = 0; pages < 100; pages++) {
		char request[1536];
		snprintf(request, sizeof(request),
		         "{\"query\":\"%s\",\"page\":{\"page_size\":7,\"want_total\":%s,"
		         "\"page_token\":\"%s\"}}",
		         text, pages == 0 ? "true" : "false", token);
		Chc__V1__SearchSolutionsResponse *found =
		        (void *)call_json("SearchSolutions", request, CHC_OK, NULL, 0);
		assert_int_equal(found->n_ranks, found->n_solutions);
		if (pages == 0)
			*total = (long)found->page->total_size;
		for (size_t i = 0; i < found->n_solutions; i++) {
			int wrote = snprintf(out + used, size - used, "%s %.9g\n",
			                     found->solutions[i]->id, (double)found->ranks[i]);
			assert_true(wrote > 0 && (size_t)wrote < size - used);
			used += (size_t)wrote;
		}
		snprintf(token, sizeof(token), "%s", found->page->next_page_token);
		protobuf_c_message_free_unpacked(&found->base, NULL);
		if (token[0] == '\0')
			return;
	}
	fail_msg("more than 100 pages for \"%s\"", text);
}

/* The same from PostgreSQL alone: ts_rank over every match, in the order
 * a search promises. */
static void search_in_sql(const char *text, char *out, size_t size, long *total)
{
	const char *values[1] = { text };
	PGresult *result = PQexecParams(
	        stack.database,
	        "SELECT s.id, ts_rank(s.search, q.q) FROM companies.solutions s, (SELECT "
	        "websearch_to_tsquery('danish', $1) || websearch_to_tsquery('english', $1) AS q) q "
	        "WHERE s.search @@ q.q AND s.status = 'published' ORDER BY 2 DESC, s.id",
	        1, NULL, values, NULL, NULL, 0);
	assert_int_equal(PQresultStatus(result), PGRES_TUPLES_OK);
	size_t used = 0;
	out[0] = '\0';
	for (int row = 0; row < PQntuples(result); row++) {
		int wrote =
		        snprintf(out + used, size - used, "%s %.9g\n", PQgetvalue(result, row, 0),
		                 (double)strtof(PQgetvalue(result, row, 1), NULL));
		assert_true(wrote > 0 && (size_t)wrote < size - used);
		used += (size_t)wrote;
	}
	*total = PQntuples(result);
	PQclear(result);
}

/* Searches the companies instance whose HTTP port is http_port ranked
 * where ("memory", "postgresql"), from its /metrics. */
static long searches_of(int http_port, const char *where)
{
	return harness_metric(http_port, "ranked_by=\"%s\"", where);
}

static long searches_ranked_by(const char *where)
{
	return searches_of(stack.companies.http_port, where);
}

static void expect_same_search(const char *text)
{
	enum { SIZE = 64 << 10 };
	char *served = malloc(SIZE), *expected = malloc(SIZE);
	long served_total = -1, expected_total = -2;
	search_pages(text, served, SIZE, &served_total);
	search_in_sql(text, expected, SIZE, &expected_total);
	assert_string_equal(served, expected);
	assert_int_equal(served_total, expected_total);
	free(served);
	free(expected);
}

/* A search the in-memory index answers gives PostgreSQL's matches, ranks
 * (to the bit), order and pages; one it cannot rank as PostgreSQL does
 * goes to PostgreSQL; a write is found by the next search. */
static void searches_rank_as_postgresql(void **state)
{
	(void)state;
	char sql[2048];
	/* 400 published solutions from a small vocabulary, so that queries
	 * match many rows, with ties, repeated words and weights A and B. */
	snprintf(sql, sizeof(sql),
	         "WITH words (w) AS (SELECT ARRAY['heart', 'failure', 'telemonitorering', "
	         "'hjertesvigt', 'dementia', 'care', 'borgere', 'video', 'consultation', "
	         "'genoptræning', 'diabetes', 'O''Brien', 'home', 'hjem', 'pleje', 'fall']) "
	         "INSERT INTO companies.solutions (id, company_id, name, description, trl, "
	         "device_class, status, reviewed_on) SELECT gen_random_uuid(), '%s', 'Rank ' || "
	         "i || ' ' || w[1 + i %% 16] || ' ' || w[1 + (i / 3) %% 16], w[1 + (i * 7) %% 16] "
	         "|| ' ' || w[1 + (i / 5) %% 16] || ' and ' || w[1 + i %% 16] || ' ' || "
	         "w[1 + (i * 11) %% 16] || ' ' || w[1 + (i * 7) %% 16], 5, 'i', 'published', "
	         "current_date FROM words, generate_series(1, 400) i",
	         company_id);
	harness_sql_value(stack.database, sql);
	long memory = searches_ranked_by("memory");
	const char *answered[] = { "heart",
		                   "heart failure",
		                   "hjertesvigt OR dementia",
		                   "care -home",
		                   "telemonitorering borgere",
		                   "O'Brien",
		                   "genoptræning",
		                   "video consultation or diabetes",
		                   "nothing-matches-this" };
	for (size_t i = 0; i < sizeof(answered) / sizeof(answered[0]); i++)
		expect_same_search(answered[i]);
	long pages = searches_ranked_by("memory") - memory;
	assert_true(pages >= (long)(sizeof(answered) / sizeof(answered[0])));
	/* A phrase is ranked by positions: PostgreSQL answers it, the same. */
	long database = searches_ranked_by("postgresql");
	expect_same_search("\\\"heart failure\\\"");
	assert_true(searches_ranked_by("postgresql") > database);

	/* Renamed, archived, deleted: the next search knows. */
	harness_sql_value(stack.database,
	                  "UPDATE companies.solutions SET name = 'Rank zebrafinch' WHERE name "
	                  "LIKE 'Rank 7 %'");
	expect_same_search("zebrafinch");
	harness_sql_value(stack.database, "UPDATE companies.solutions SET status = 'archived' "
	                                  "WHERE name LIKE 'Rank 1_ %'");
	expect_same_search("heart");
	harness_sql_value(stack.database, "DELETE FROM companies.solutions WHERE name LIKE "
	                                  "'Rank 2_ %'");
	expect_same_search("heart failure");
	harness_sql_value(stack.database,
	                  "DELETE FROM companies.solutions WHERE name LIKE 'Rank %'");
	expect_same_search("heart");
}

/* More changes at once than a search takes on its way (an import): the
 * searches go to PostgreSQL until housekeeping has loaded the index anew,
 * within a run or two (every second here). */
static void a_large_change_is_loaded_anew(void **state)
{
	(void)state;
	char sql[1024];
	snprintf(sql, sizeof(sql),
	         "INSERT INTO companies.solutions (id, company_id, name, description, trl, "
	         "device_class, status, reviewed_on) SELECT gen_random_uuid(), '%s', 'Bulk ' || i, "
	         "'bulkword number ' || i, 5, 'i', 'published', current_date FROM "
	         "generate_series(1, 20500) i",
	         company_id);
	harness_sql_value(stack.database, sql);
	long memory = searches_ranked_by("memory");
	/* Up to two minutes: the services may run under valgrind. */
	int64_t until = harness_monotonic_ms() + 120 * 1000;
	do {
		expect_same_search("bulkword 77");
		struct timespec pause = { 0, 200 * 1000 * 1000 };
		nanosleep(&pause, NULL);
	} while (searches_ranked_by("memory") == memory && harness_monotonic_ms() < until);
	assert_true(searches_ranked_by("memory") > memory);
	expect_same_search("bulkword 12345 OR 20500");
	harness_sql_value(stack.database,
	                  "DELETE FROM companies.solutions WHERE name LIKE 'Bulk %'");
}

/* Two instances, each with its own index: what one publishes, the other
 * finds with the next search, ranked in its memory. */
static void another_instance_finds_what_one_wrote(void **state)
{
	(void)state;
	harness_service second;
	const char *const extra[] = { stack.environment[0], NULL };
	assert_true(harness_start(&second, "companies", extra));
	chc_client *other = harness_client(&second, &stack.municipalities, NULL);
	assert_non_null(other);
	const char *search = "{\"query\":\"kolibrimonitor\"}";
	/* Until its housekeeping has loaded the index, it asks PostgreSQL. */
	int64_t until = harness_monotonic_ms() + 120 * 1000;
	do {
		Chc__V1__SearchSolutionsResponse *found =
		        (void *)harness_call_json(other, &chc__v1__company_service__descriptor,
		                                  "SearchSolutions", search, CHC_OK, NULL, 0);
		assert_int_equal(found->n_solutions, 0);
		protobuf_c_message_free_unpacked(&found->base, NULL);
	} while (searches_of(second.http_port, "memory") == 0 && harness_monotonic_ms() < until);
	long memory = searches_of(second.http_port, "memory");
	assert_true(memory > 0);
	char id[37];
	char *text = solution_request("{\"name\":\"Kolibrimonitor\"}");
	harness_publish_solution(stack.client, text, id);
	free(text);
	Chc__V1__SearchSolutionsResponse *found =
	        (void *)harness_call_json(other, &chc__v1__company_service__descriptor,
	                                  "SearchSolutions", search, CHC_OK, NULL, 0);
	assert_int_equal(found->n_solutions, 1);
	assert_string_equal(found->solutions[0]->id, id);
	protobuf_c_message_free_unpacked(&found->base, NULL);
	assert_int_equal(searches_of(second.http_port, "memory"), memory + 1);
	chc_client_destroy(other);
	assert_int_equal(harness_stop(&second), 0);
}

CHC_TEST_MAIN(start, stop, cmocka_unit_test(moderation_and_search),
              cmocka_unit_test(searches_rank_as_postgresql),
              cmocka_unit_test(a_large_change_is_loaded_anew),
              cmocka_unit_test(another_instance_finds_what_one_wrote),
              cmocka_unit_test(batch_get_solutions), cmocka_unit_test(every_bad_field_is_named),
              cmocka_unit_test(contacts_and_deletion), cmocka_unit_test(duplicates_and_merge),
              cmocka_unit_test(csv_import_is_row_by_row_and_repeatable),
              cmocka_unit_test(an_import_lists_a_bounded_number_of_errors),
              cmocka_unit_test(an_import_larger_than_one_copy_piece))
