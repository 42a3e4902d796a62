/*
 * test_validate.c - the shared field checks.
 */
#include <stddef.h>
#include <string.h>

#include "chc_test_main.h"

#include "validate.h"

static void text_is_utf8_and_bounded(void **state)
{
	(void)state;
	core_request request = { 0 };
	assert_true(core_check_text(&request, "name", "Region Sjælland", 1, 15));
	assert_false(core_failed(&request));
	assert_false(core_check_text(&request, "name", "", 1, 10));
	assert_false(core_check_text(&request, "bad", "\xff\xfe", 0, 10));
	assert_false(core_check_text(&request, "control", "a\x01", 0, 10));
	assert_false(core_check_text(&request, "long", "abcdef", 0, 5));
	assert_int_equal(request.error.code, CHC_INVALID_ARGUMENT);
	assert_int_equal(request.error.violation_count, 4);
	assert_string_equal(request.error.violations[0].field, "name");
	assert_string_equal(request.error.violations[3].field, "long");
	assert_non_null(strstr(request.error.message, "name"));
	core_request_fini(&request);
}

static void dates_emails_uuids_ranges(void **state)
{
	(void)state;
	core_request request = { 0 };
	assert_true(core_check_date(&request, "d", "2028-02-29", true));
	assert_false(core_check_date(&request, "d", "2027-02-29", true));
	assert_false(core_check_date(&request, "d", "2027-13-01", true));
	assert_false(core_check_date(&request, "d", "27-01-01", true));
	assert_true(core_check_date(&request, "d", "", false));
	assert_false(core_check_date(&request, "d", "", true));
	assert_true(core_check_email(&request, "e", "anne@vejle.dk"));
	assert_true(core_check_email(&request, "e", ""));
	assert_false(core_check_email(&request, "e", "anne.vejle.dk"));
	assert_false(core_check_email(&request, "e", "anne@dk"));
	assert_false(core_check_email(&request, "e", "a b@c.dk"));
	assert_true(core_check_uuid(&request, "u", "0d3f1a5e-8b7c-4c39-9d41-2a6f5e7b8c9d"));
	assert_false(core_check_uuid(&request, "u", "0d3f1a5e"));
	assert_true(core_check_range(&request, "trl", 9, 1, 9));
	assert_false(core_check_range(&request, "trl", 10, 1, 9));
	assert_false(core_check_range(&request, "trl", 0, 1, 9));
	core_request_fini(&request);
}

static void presence_and_the_failure_recorded(void **state)
{
	(void)state;
	core_request request = { 0 };
	int record = 0;
	assert_true(core_check_present(&request, "company", &record));
	assert_false(core_failed(&request));
	/* Nothing recorded: a builder that failed silently ran out of memory. */
	assert_int_equal(core_failure(&request), CHC_RESOURCE_EXHAUSTED);
	core_request_fini(&request);

	core_request missing = { 0 };
	assert_false(core_check_present(&missing, "company", NULL));
	assert_int_equal(missing.error.violation_count, 1);
	assert_string_equal(missing.error.violations[0].field, "company");
	assert_non_null(strstr(missing.error.message, "is required"));
	/* A failure recorded stays the answer. */
	assert_int_equal(core_failure(&missing), CHC_INVALID_ARGUMENT);
	core_request_fini(&missing);
}

static void enums_are_stored_as_slugs(void **state)
{
	(void)state;
	core_request request = { 0 };
	assert_string_equal(core_enum_slug(&request, &chc__v1__care_category__descriptor,
	                                   CHC__V1__CARE_CATEGORY__CARE_CATEGORY_REMOTE_MONITORING),
	                    "remote-monitoring");
	assert_int_equal(core_enum_value(&chc__v1__care_category__descriptor, "remote-monitoring"),
	                 CHC__V1__CARE_CATEGORY__CARE_CATEGORY_REMOTE_MONITORING);
	assert_int_equal(core_enum_value(&chc__v1__care_category__descriptor, "no-such"), 0);
	assert_true(core_check_enum(&request, "c", &chc__v1__care_category__descriptor, 2, true));
	assert_false(core_check_enum(&request, "c", &chc__v1__care_category__descriptor, 0, true));
	assert_false(
	        core_check_enum(&request, "c", &chc__v1__care_category__descriptor, 999, false));
	core_request_fini(&request);
}

CHC_TEST_MAIN(NULL, NULL, cmocka_unit_test(text_is_utf8_and_bounded),
              cmocka_unit_test(dates_emails_uuids_ranges),
              cmocka_unit_test(presence_and_the_failure_recorded),
              cmocka_unit_test(enums_are_stored_as_slugs))
