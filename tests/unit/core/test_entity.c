/*
 * test_entity.c - the record a Create request carries, made new.
 */
#include <stddef.h>
#include <string.h>

#include "chc_test_main.h"

#include "chc/uuid.h"
#include "chc/v1/municipalities.pb-c.h"
#include "entity.h"

static void a_new_record_has_an_id_and_a_status(void **state)
{
	(void)state;
	core_request request = { 0 };
	Chc__V1__Need given = CHC__V1__NEED__INIT;
	given.title = "Hjemmemonitorering af KOL";
	Chc__V1__Need *need = (Chc__V1__Need *)core_entity_new(
	        &request, "need", &given.base, CHC__V1__NEED_STATUS__NEED_STATUS_OPEN);
	assert_non_null(need);
	assert_ptr_not_equal(need, &given);
	assert_true(chc_uuid_is_valid(need->id));
	assert_string_equal(given.id, ""); /* the caller's message is left as it came */
	assert_string_equal(need->title, "Hjemmemonitorering af KOL");
	assert_int_equal(need->status, CHC__V1__NEED_STATUS__NEED_STATUS_OPEN);
	/* A status the caller chose is kept. */
	given.status = CHC__V1__NEED_STATUS__NEED_STATUS_DRAFT;
	need = (Chc__V1__Need *)core_entity_new(&request, "need", &given.base,
	                                        CHC__V1__NEED_STATUS__NEED_STATUS_OPEN);
	assert_non_null(need);
	assert_int_equal(need->status, CHC__V1__NEED_STATUS__NEED_STATUS_DRAFT);
	assert_false(core_failed(&request));
	core_request_fini(&request);
}

static void an_absent_record_is_required(void **state)
{
	(void)state;
	core_request request = { 0 };
	assert_null(core_entity_new(&request, "need", NULL, 1));
	assert_int_equal(request.error.code, CHC_INVALID_ARGUMENT);
	assert_string_equal(request.error.violations[0].field, "need");
	core_request_fini(&request);
}

static void a_message_without_id_or_status_is_a_bug(void **state)
{
	(void)state;
	core_request request = { 0 };
	Chc__V1__BudgetRange budget = CHC__V1__BUDGET_RANGE__INIT;
	assert_null(core_entity_new(&request, "budget", &budget.base, 1));
	assert_int_equal(request.error.code, CHC_INTERNAL);
	core_request_fini(&request);
}

static void a_get_checks_the_id_before_any_query(void **state)
{
	(void)state;
	core_request request = { 0 }; /* no database: the check must fail first */
	static const core_entity nothing = { .noun = "thing" };
	assert_null(core_entity_get(&request, &nothing, "not-a-uuid"));
	assert_int_equal(request.error.code, CHC_INVALID_ARGUMENT);
	assert_string_equal(request.error.violations[0].field, "id");
	core_request_fini(&request);
}

CHC_TEST_MAIN(NULL, NULL, cmocka_unit_test(a_new_record_has_an_id_and_a_status),
              cmocka_unit_test(an_absent_record_is_required),
              cmocka_unit_test(a_message_without_id_or_status_is_a_bug),
              cmocka_unit_test(a_get_checks_the_id_before_any_query))
