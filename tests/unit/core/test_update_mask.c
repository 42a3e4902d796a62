/*
 * test_update_mask.c - field masks applied through the descriptors: every
 * kind of field is copied, nothing unnamed changes, and names that may not
 * change are refused with the mask entry named.
 */
#include <stddef.h>
#include <string.h>

#include "chc_test_main.h"

#include "chc/v1/municipalities.pb-c.h"
#include "update_mask.h"

static void named_fields_are_copied(void **state)
{
	(void)state;
	core_request request = { 0 };
	Chc__V1__Need stored = CHC__V1__NEED__INIT;
	stored.title = "Old title";
	stored.min_trl = 5;
	stored.description = "Kept";
	Chc__V1__Need update = CHC__V1__NEED__INIT;
	Chc__V1__TargetGroup groups[] = { CHC__V1__TARGET_GROUP__TARGET_GROUP_FRAIL_ELDERLY,
		                          CHC__V1__TARGET_GROUP__TARGET_GROUP_CHILDREN };
	Chc__V1__BudgetRange budget = CHC__V1__BUDGET_RANGE__INIT;
	budget.max_dkk = 1000000;
	update.title = "New title";
	update.min_trl = 8;
	update.gdpr_dpa_required = 1;
	update.max_device_class = CHC__V1__DEVICE_CLASS__DEVICE_CLASS_IIA;
	update.target_groups = groups;
	update.n_target_groups = 2;
	update.budget = &budget;
	update.description = "Not named, not copied";
	char *mask[] = { "title",         "min_trl", "gdpr_dpa_required", "max_device_class",
		         "target_groups", "budget" };
	static const char *const updatable[] = {
		"title",         "min_trl", "gdpr_dpa_required", "max_device_class",
		"target_groups", "budget",  "description",       NULL
	};
	assert_true(core_apply_update_mask(&request, &stored.base, &update.base, mask, 6, updatable,
	                                   NULL));
	assert_string_equal(stored.title, "New title");
	assert_int_equal(stored.min_trl, 8);
	assert_true(stored.gdpr_dpa_required);
	assert_int_equal(stored.max_device_class, CHC__V1__DEVICE_CLASS__DEVICE_CLASS_IIA);
	assert_int_equal(stored.n_target_groups, 2);
	assert_ptr_equal(stored.target_groups, groups);
	assert_ptr_equal(stored.budget, &budget);
	assert_string_equal(stored.description, "Kept");
	assert_false(core_failed(&request));
	core_request_fini(&request);
}

static void other_names_are_refused(void **state)
{
	(void)state;
	core_request request = { 0 };
	Chc__V1__Need stored = CHC__V1__NEED__INIT;
	Chc__V1__Need update = CHC__V1__NEED__INIT;
	static const char *const updatable[] = { "title", NULL };
	char *mask[] = { "title", "version" };
	assert_false(core_apply_update_mask(&request, &stored.base, &update.base, mask, 2,
	                                    updatable, "use the other calls"));
	assert_int_equal(request.error.code, CHC_INVALID_ARGUMENT);
	assert_string_equal(request.error.violations[0].field, "update_mask[1]");
	assert_non_null(strstr(request.error.violations[0].description, "use the other calls"));
	core_request_fini(&request);

	core_request empty = { 0 };
	assert_false(core_apply_update_mask(&empty, &stored.base, &update.base, NULL, 0, updatable,
	                                    NULL));
	assert_string_equal(empty.error.violations[0].field, "update_mask");
	core_request_fini(&empty);
}

CHC_TEST_MAIN(NULL, NULL, cmocka_unit_test(named_fields_are_copied),
              cmocka_unit_test(other_names_are_refused))
