/*
 * test_needs.c - needs: create, validate each field, get, update with
 * versions, share, list with filters, search in Danish and English, close,
 * reopen and expire.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chc/v1/municipalities.pb-c.h"
#include "harness.h"
#include "helpers.h"

static harness_stack stack;

/* Calls method with a request written as JSON; returns the reply or NULL
 * and checks the status. The first violation's field goes to field. */
static ProtobufCMessage *call_json(const char *method, const char *json_text, chc_status expected,
                                   char *field, size_t field_size)
{
	return harness_call_json(stack.client, &chc__v1__municipality_service__descriptor, method,
	                         json_text, expected, field, field_size);
}

/* A valid CreateNeed request with the fields of override replaced. */
static char *create_request(const char *override)
{
	char deadline[11];
	harness_date(120, deadline);
	char base[2048];
	snprintf(base, sizeof(base),
	         "{\"owners\":[{\"municipality_code\":101}],\"title\":\"Telemonitorering af "
	         "borgere med KOL\",\"description\":\"Hjemmemonitorering efter udskrivelse, "
	         "remote monitoring of citizens with COPD after discharge\",\"care_area\":"
	         "\"remote-monitoring\",\"target_groups\":[\"citizens-with-copd\"],\"min_trl\":7,"
	         "\"max_device_class\":\"iia\",\"required_standards\":[\"medcom\",\"hl7-fhir\"],"
	         "\"gdpr_dpa_required\":true,\"budget\":{\"min_dkk\":500000,\"max_dkk\":2000000},"
	         "\"procurement_route\":\"open-tender\",\"deadline\":\"%s\",\"criteria\":"
	         "[{\"criterion\":\"price\",\"weight\":40},{\"criterion\":\"quality\",\"weight\":"
	         "60}],"
	         "\"contact\":{\"name\":\"Mette Hansen\",\"email\":\"mette@kk.dk\",\"phone\":\"+45 "
	         "33 66 33 66\"}}",
	         deadline);
	return harness_request_with("need", base, override);
}

static Chc__V1__Need *create_need(const char *override)
{
	char *text = create_request(override);
	Chc__V1__Need *need = (void *)call_json("CreateNeed", text, CHC_OK, NULL, 0);
	free(text);
	return need;
}

static void expect_violation(const char *override, const char *expected_field)
{
	char *text = create_request(override);
	harness_expect_violation(stack.client, &chc__v1__municipality_service__descriptor,
	                         "CreateNeed", text, expected_field);
	free(text);
}

static void create_and_get(void **state)
{
	(void)state;
	Chc__V1__Need *need = create_need("{}");
	assert_true(chc_uuid_is_valid(need->id));
	assert_int_equal(need->status, CHC__V1__NEED_STATUS__NEED_STATUS_OPEN);
	assert_int_equal(need->version, 1);
	assert_int_equal(need->n_owners, 1);
	assert_int_equal(need->owners[0]->municipality_code, 101);
	assert_int_equal(need->n_criteria, 2);
	assert_int_equal(need->budget->max_dkk, 2000000);
	assert_int_equal(need->n_required_standards, 2);
	char request[128];
	snprintf(request, sizeof(request), "{\"id\":\"%s\"}", need->id);
	Chc__V1__Need *again = (void *)call_json("GetNeed", request, CHC_OK, NULL, 0);
	assert_string_equal(again->title, need->title);
	assert_string_equal(again->deadline, need->deadline);
	free_messages(&again->base, &need->base);
	/* One event for the owners, in the same transaction. */
	assert_string_not_equal(
	        harness_sql_value(stack.database,
	                          "SELECT count(*) FROM municipalities.events WHERE "
	                          "type = 'need.created'"),
	        "0");
	assert_null(call_json("GetNeed", "{\"id\":\"00000000-0000-4000-8000-000000000000\"}",
	                      CHC_NOT_FOUND, NULL, 0));
	assert_null(call_json("GetNeed", "{\"id\":\"not-a-uuid\"}", CHC_INVALID_ARGUMENT, NULL, 0));
}

static void every_bad_field_is_named(void **state)
{
	(void)state;
	expect_violation("{\"owners\":[]}", "need.owners");
	expect_violation("{\"owners\":[{\"municipality_code\":999}]}",
	                 "need.owners[0].municipality_code");
	expect_violation("{\"owners\":[{\"municipality_code\":101},{\"region_code\":1099}]}",
	                 "need.owners[1].region_code");
	expect_violation("{\"owners\":[{\"municipality_code\":101,\"region_code\":1084}]}",
	                 "need.owners[0]");
	expect_violation("{\"min_trl\":0}", "need.min_trl");
	expect_violation("{\"min_trl\":10}", "need.min_trl");
	expect_violation("{\"budget\":{\"min_dkk\":3000000,\"max_dkk\":2000000}}",
	                 "need.budget.min_dkk");
	expect_violation("{\"criteria\":[{\"criterion\":\"price\",\"weight\":40},"
	                 "{\"criterion\":\"quality\",\"weight\":50}]}",
	                 "need.criteria");
	expect_violation("{\"deadline\":\"2020-01-01\"}", "need.deadline");
	expect_violation("{\"deadline\":\"2027-02-30\"}", "need.deadline");
	expect_violation("{\"title\":\"\"}", "need.title");
	expect_violation("{\"care_area\":\"unspecified\"}", "need.care_area");
	expect_violation("{\"contact\":{\"email\":\"no-at-sign\"}}", "need.contact.email");
	expect_violation("{\"status\":\"closed\"}", "need.status");
	expect_violation("{\"language\":\"sv\"}", "need.language");
	char *override = with_long_text("{\"title\":\"%s\"}", 2000, 'x');
	expect_violation(override, "need.title");
	free(override);
	/* Nothing of the refused needs was written. */
	assert_string_equal(harness_sql_value(stack.database,
	                                      "SELECT count(*) FROM municipalities.needs "
	                                      "WHERE min_trl NOT BETWEEN 1 AND 9"),
	                    "0");
}

/* How many needs ListNeeds gives for request (JSON). */
static size_t needs_listed(const char *request)
{
	Chc__V1__ListNeedsResponse *list = (void *)call_json("ListNeeds", request, CHC_OK, NULL, 0);
	size_t count = list->n_needs;
	protobuf_c_message_free_unpacked(&list->base, NULL);
	return count;
}

static void shared_needs_and_filters(void **state)
{
	(void)state;
	Chc__V1__Need *shared = create_need(
	        "{\"owners\":[{\"municipality_code\":751},{\"municipality_code\":727},"
	        "{\"region_code\":1082}],\"title\":\"Fælles videokonsultationer\",\"care_area\":"
	        "\"telemedicine\",\"procurement_route\":\"ski-framework\"}");
	assert_int_equal(shared->n_owners, 3);
	assert_int_equal(shared->owners[2]->region_code, 1082);
	Chc__V1__ListNeedsResponse *list = (void *)call_json(
	        "ListNeeds", "{\"filter\":{\"owner_municipality_code\":727}}", CHC_OK, NULL, 0);
	assert_int_equal(list->n_needs, 1);
	assert_string_equal(list->needs[0]->id, shared->id);
	protobuf_c_message_free_unpacked(&list->base, NULL);
	assert_int_equal(needs_listed("{\"filter\":{\"region_code\":1082,\"care_area\":"
	                              "\"telemedicine\"}}"),
	                 1);
	assert_true(needs_listed("{\"filter\":{\"procurement_route\":\"ski-framework\","
	                         "\"status\":\"open\"}}") >= 1);
	assert_int_equal(needs_listed("{\"filter\":{\"region_code\":1081}}"), 0);
	assert_null(call_json("ListNeeds", "{\"filter\":{\"deadline_from\":\"tomorrow\"}}",
	                      CHC_INVALID_ARGUMENT, NULL, 0));
	protobuf_c_message_free_unpacked(&shared->base, NULL);
}

static void search_in_danish_and_english(void **state)
{
	(void)state;
	Chc__V1__Need *need = create_need(
	        "{\"title\":\"Faldalarmer til ældre borgere\",\"description\":\"Automatisk "
	        "faldregistrering i eget hjem. Fall detection for elderly citizens living "
	        "alone.\",\"care_area\":\"elderly-care\"}");
	Chc__V1__SearchNeedsResponse *found =
	        (void *)call_json("SearchNeeds", "{\"query\":\"faldalarm\"}", CHC_OK, NULL, 0);
	assert_true(found->n_needs >= 1);
	assert_string_equal(found->needs[0]->id, need->id);
	assert_int_equal(found->n_ranks, found->n_needs);
	protobuf_c_message_free_unpacked(&found->base, NULL);
	found = (void *)call_json("SearchNeeds",
	                          "{\"query\":\"detecting falls\",\"filter\":{\"care_area\":"
	                          "\"elderly-care\"}}",
	                          CHC_OK, NULL, 0);
	assert_true(found->n_needs >= 1);
	assert_string_equal(found->needs[0]->id, need->id);
	protobuf_c_message_free_unpacked(&found->base, NULL);
	assert_null(call_json("SearchNeeds", "{\"query\":\"\"}", CHC_INVALID_ARGUMENT, NULL, 0));
	protobuf_c_message_free_unpacked(&need->base, NULL);
}

static void update_checks_the_version(void **state)
{
	(void)state;
	Chc__V1__Need *need = create_need("{}");
	char request[512];
	snprintf(request, sizeof(request),
	         "{\"need\":{\"id\":\"%s\",\"title\":\"Ny titel på behovet\",\"min_trl\":8},"
	         "\"update_mask\":[\"title\",\"min_trl\"],\"expected_version\":1}",
	         need->id);
	Chc__V1__Need *updated = (void *)call_json("UpdateNeed", request, CHC_OK, NULL, 0);
	assert_string_equal(updated->title, "Ny titel på behovet");
	assert_int_equal(updated->min_trl, 8);
	assert_int_equal(updated->version, 2);
	assert_int_equal(updated->n_criteria, 2); /* fields not named stay */
	/* The same update again carries a stale version. */
	assert_null(call_json("UpdateNeed", request, CHC_ABORTED, NULL, 0));
	snprintf(request, sizeof(request),
	         "{\"need\":{\"id\":\"%s\",\"min_trl\":12},\"update_mask\":[\"min_trl\"],"
	         "\"expected_version\":2}",
	         need->id);
	assert_null(call_json("UpdateNeed", request, CHC_INVALID_ARGUMENT, NULL, 0));
	snprintf(request, sizeof(request),
	         "{\"need\":{\"id\":\"%s\"},\"update_mask\":[\"id\"],\"expected_version\":2}",
	         need->id);
	assert_null(call_json("UpdateNeed", request, CHC_INVALID_ARGUMENT, NULL, 0));
	free_messages(&updated->base, &need->base);
}

static void close_and_reopen(void **state)
{
	(void)state;
	Chc__V1__Need *need = create_need("{}");
	char request[256];
	snprintf(request, sizeof(request), "{\"id\":\"%s\",\"reason\":\"bought\"}", need->id);
	Chc__V1__Need *closed = (void *)call_json("CloseNeed", request, CHC_OK, NULL, 0);
	assert_int_equal(closed->status, CHC__V1__NEED_STATUS__NEED_STATUS_CLOSED);
	assert_null(call_json("CloseNeed", request, CHC_FAILED_PRECONDITION, NULL, 0));
	snprintf(request, sizeof(request), "{\"id\":\"%s\"}", need->id);
	Chc__V1__Need *open = (void *)call_json("ReopenNeed", request, CHC_OK, NULL, 0);
	assert_int_equal(open->status, CHC__V1__NEED_STATUS__NEED_STATUS_OPEN);
	assert_int_equal(open->version, 3);
	assert_null(call_json("ReopenNeed", request, CHC_FAILED_PRECONDITION, NULL, 0));
	free_messages(&open->base, &closed->base, &need->base);
}

static void *expire_once(void *argument)
{
	(void)argument;
	Chc__V1__ExpireNeedsResponse *reply =
	        (void *)call_json("ExpireNeeds", "{}", CHC_OK, NULL, 0);
	long expired = reply->expired;
	protobuf_c_message_free_unpacked(&reply->base, NULL);
	return (void *)expired;
}

static void needs_expire_once_and_tell_owners(void **state)
{
	(void)state;
	Chc__V1__Need *late = create_need("{\"title\":\"Behov med udløbet frist\"}");
	Chc__V1__Need *idle = create_need("{\"title\":\"Behov uden opdateringer\"}");
	char sql[512];
	snprintf(sql, sizeof(sql),
	         "UPDATE municipalities.needs SET deadline = current_date - 1 WHERE id = '%s'",
	         late->id);
	harness_sql_value(stack.database, sql);
	snprintf(sql, sizeof(sql),
	         "UPDATE municipalities.needs SET updated_at = now() - interval '7 months' WHERE "
	         "id = '%s'",
	         idle->id);
	harness_sql_value(stack.database, sql);
	/* Two runs at once expire each need once. */
	pthread_t first, second;
	void *first_count = NULL, *second_count = NULL;
	pthread_create(&first, NULL, expire_once, NULL);
	pthread_create(&second, NULL, expire_once, NULL);
	pthread_join(first, &first_count);
	pthread_join(second, &second_count);
	assert_int_equal((long)first_count + (long)second_count, 2);
	snprintf(sql, sizeof(sql), "SELECT status FROM municipalities.needs WHERE id = '%s'",
	         late->id);
	assert_string_equal(harness_sql_value(stack.database, sql), "expired");
	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM municipalities.events WHERE type = 'need.expired' AND "
	         "subject_id IN ('%s', '%s') AND 'municipality:101' = ANY (audience)",
	         late->id, idle->id);
	assert_string_equal(harness_sql_value(stack.database, sql), "2");
	/* An expired need whose deadline passed reopens only with a new one. */
	char request[256];
	snprintf(request, sizeof(request), "{\"id\":\"%s\"}", late->id);
	assert_null(call_json("ReopenNeed", request, CHC_INVALID_ARGUMENT, NULL, 0));
	char deadline[11];
	snprintf(request, sizeof(request), "{\"id\":\"%s\",\"deadline\":\"%s\"}", late->id,
	         harness_date(30, deadline));
	Chc__V1__Need *reopened = (void *)call_json("ReopenNeed", request, CHC_OK, NULL, 0);
	assert_int_equal(reopened->status, CHC__V1__NEED_STATUS__NEED_STATUS_OPEN);
	free_messages(&reopened->base, &late->base, &idle->base);
}

/* Needs of several owners, in one BatchGetNeeds call. */
static void batch_get_needs(void **state)
{
	(void)state;
	Chc__V1__Need *needs[3] = { create_need("{}"),
		                    create_need("{\"owners\":[{\"municipality_code\":751}]}"),
		                    create_need("{\"owners\":[{\"region_code\":1082}]}") };
	const char *ids[] = { needs[0]->id, needs[1]->id, needs[2]->id };
	harness_expect_batch_get(stack.client, &chc__v1__municipality_service__descriptor,
	                         "BatchGetNeeds", "GetNeed", ids, 3);
	free_messages(&needs[0]->base, &needs[1]->base, &needs[2]->base);
}

HARNESS_TEST_MAIN_ON(&stack, "municipalities", cmocka_unit_test(create_and_get),
                     cmocka_unit_test(batch_get_needs), cmocka_unit_test(every_bad_field_is_named),
                     cmocka_unit_test(shared_needs_and_filters),
                     cmocka_unit_test(search_in_danish_and_english),
                     cmocka_unit_test(update_checks_the_version),
                     cmocka_unit_test(close_and_reopen),
                     cmocka_unit_test(needs_expire_once_and_tell_owners))
