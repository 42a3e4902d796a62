/*
 * test_status.c - status names, SQLSTATE mapping and error details.
 */
#include <stddef.h>

#include "chc_test_main.h"

#include "chc/status.h"
#include "db.h"

static void names_follow_grpc(void **state)
{
	(void)state;
	assert_string_equal(chc_status_name(CHC_OK), "OK");
	assert_string_equal(chc_status_name(CHC_INVALID_ARGUMENT), "INVALID_ARGUMENT");
	assert_string_equal(chc_status_name(CHC_UNAUTHENTICATED), "UNAUTHENTICATED");
	assert_string_equal(chc_status_name((chc_status)99), "UNKNOWN");
	assert_string_equal(chc_status_name((chc_status)-1), "UNKNOWN");
	assert_int_equal(chc_status_from_name("RESOURCE_EXHAUSTED"), 8);
	assert_int_equal(chc_status_from_name("nope"), -1);
	assert_int_equal(CHC_FAILED_PRECONDITION, 9);
	assert_int_equal(CHC_UNIMPLEMENTED, 12);
}

static void sqlstates_map_to_statuses(void **state)
{
	(void)state;
	assert_int_equal(core_db_status_from_sqlstate("23505"), CHC_ALREADY_EXISTS);
	assert_int_equal(core_db_status_from_sqlstate("23503"), CHC_FAILED_PRECONDITION);
	assert_int_equal(core_db_status_from_sqlstate("40001"), CHC_ABORTED);
	assert_int_equal(core_db_status_from_sqlstate("57014"), CHC_DEADLINE_EXCEEDED);
	assert_int_equal(core_db_status_from_sqlstate("22P02"), CHC_INVALID_ARGUMENT);
	assert_int_equal(core_db_status_from_sqlstate("08006"), CHC_UNAVAILABLE);
	assert_int_equal(core_db_status_from_sqlstate("57P01"), CHC_UNAVAILABLE);
	assert_int_equal(core_db_status_from_sqlstate("25006"), CHC_UNAVAILABLE);
	assert_int_equal(core_db_status_from_sqlstate("42P01"), CHC_INTERNAL);
	assert_int_equal(core_db_status_from_sqlstate("XX000"), CHC_INTERNAL);
	assert_int_equal(core_db_status_from_sqlstate(NULL), CHC_UNAVAILABLE);
}

static void errors_keep_violations_under_a_headline(void **state)
{
	(void)state;
	chc_error error;
	chc_error_init(&error);
	assert_int_equal(chc_error_add_violation(&error, "need.title", "is required"), CHC_OK);
	assert_int_equal(error.code, CHC_INVALID_ARGUMENT);
	chc_error_set_headline(&error, CHC_INVALID_ARGUMENT, "need.title: is required");
	assert_int_equal(error.violation_count, 1);
	assert_string_equal(error.message, "need.title: is required");
	assert_int_equal(chc_error_set(&error, CHC_NOT_FOUND, "no need has id %d", 7),
	                 CHC_NOT_FOUND);
	assert_int_equal(error.violation_count, 0);
	assert_string_equal(error.message, "no need has id 7");
	chc_error_fini(&error);
	chc_error_fini(&error); /* twice is harmless */
	chc_error_fini(NULL);
	assert_int_equal(chc_error_set(NULL, CHC_INTERNAL, "ignored"), CHC_INTERNAL);
}

/* A caller may prefix the error's own message: matching_client.c's
 * "%s: %s" of the method and the failed call's message read it freed
 * (found by fuzz_dispatch). */
static void errors_take_their_own_message(void **state)
{
	(void)state;
	chc_error error;
	chc_error_init(&error);
	chc_error_set(&error, CHC_UNAVAILABLE, "no client, endpoint or method");
	chc_error_set_headline(&error, CHC_UNAVAILABLE, "%s: %s", "ListMunicipalities",
	                       error.message);
	assert_string_equal(error.message, "ListMunicipalities: no client, endpoint or method");
	chc_error_set(&error, CHC_NOT_FOUND, "%s (again)", error.message);
	assert_string_equal(error.message,
	                    "ListMunicipalities: no client, endpoint or method (again)");
	chc_error_fini(&error);
}

CHC_TEST_MAIN(NULL, NULL, cmocka_unit_test(names_follow_grpc),
              cmocka_unit_test(sqlstates_map_to_statuses),
              cmocka_unit_test(errors_keep_violations_under_a_headline),
              cmocka_unit_test(errors_take_their_own_message))
