/*
 * test_json.c - messages to and from JSON through the descriptors.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "chc_test_main.h"

#include "chc/json.h"
#include "chc/v1/municipalities.pb-c.h"

static void round_trip(void **state)
{
	(void)state;
	const char *text =
	        "{\"owners\":[{\"municipality_code\":101},{\"region_code\":1084}],\"title\":"
	        "\"Hjælp\",\"care_area\":\"remote-monitoring\",\"target_groups\":[\"frail-"
	        "elderly\","
	        "\"CARE_CATEGORY_X\"],\"min_trl\":7,\"budget\":{\"min_dkk\":1,\"max_dkk\":"
	        "9000000000},\"gdpr_dpa_required\":true}";
	json_t *json = json_loads(text, 0, NULL);
	ProtobufCMessage *message = NULL;
	chc_error error = { 0 };
	/* CARE_CATEGORY_X is no target group. */
	assert_int_equal(chc_json_to_message(&chc__v1__need__descriptor, json, &message, &error),
	                 CHC_INVALID_ARGUMENT);
	assert_string_equal(error.violations[0].field, "target_groups[1]");
	chc_error_fini(&error);
	json_array_remove(json_object_get(json, "target_groups"), 1);
	assert_int_equal(chc_json_to_message(&chc__v1__need__descriptor, json, &message, &error),
	                 CHC_OK);
	Chc__V1__Need *need = (Chc__V1__Need *)message;
	assert_int_equal(need->n_owners, 2);
	assert_int_equal(need->owners[1]->region_code, 1084);
	assert_string_equal(need->title, "Hjælp");
	assert_int_equal(need->care_area, CHC__V1__CARE_CATEGORY__CARE_CATEGORY_REMOTE_MONITORING);
	assert_int_equal(need->budget->max_dkk, 9000000000LL);
	assert_true(need->gdpr_dpa_required);
	json_t *back = NULL;
	assert_int_equal(chc_json_from_message(message, 0, &back, NULL), CHC_OK);
	assert_string_equal(json_string_value(json_object_get(back, "care_area")),
	                    "remote-monitoring");
	assert_int_equal(
	        json_integer_value(json_object_get(json_object_get(back, "budget"), "max_dkk")),
	        9000000000LL);
	assert_null(json_object_get(back, "description")); /* defaults left out */
	json_decref(back);
	json_decref(json);
	protobuf_c_message_free_unpacked(message, NULL);
}

static void unknown_fields_and_wrong_types_are_named(void **state)
{
	(void)state;
	json_t *json = json_loads("{\"titel\":\"x\",\"min_trl\":\"seven\"}", 0, NULL);
	ProtobufCMessage *message = NULL;
	chc_error error = { 0 };
	assert_int_equal(chc_json_to_message(&chc__v1__need__descriptor, json, &message, &error),
	                 CHC_INVALID_ARGUMENT);
	assert_null(message);
	assert_int_equal(error.violation_count, 2);
	chc_error_fini(&error);
	json_decref(json);
}

static void enum_slugs(void **state)
{
	(void)state;
	char slug[64];
	assert_string_equal(chc_enum_slug(&chc__v1__device_class__descriptor,
	                                  CHC__V1__DEVICE_CLASS__DEVICE_CLASS_IIA, slug,
	                                  sizeof(slug)),
	                    "iia");
	int value = 0;
	assert_int_equal(
	        chc_enum_parse(&chc__v1__procurement_route__descriptor, "ski-framework", &value),
	        CHC_OK);
	assert_int_equal(value, CHC__V1__PROCUREMENT_ROUTE__PROCUREMENT_ROUTE_SKI_FRAMEWORK);
	assert_int_equal(chc_enum_parse(&chc__v1__procurement_route__descriptor,
	                                "PROCUREMENT_ROUTE_OPEN_TENDER", &value),
	                 CHC_OK);
	assert_int_equal(chc_enum_parse(&chc__v1__procurement_route__descriptor, "3", &value),
	                 CHC_OK);
	assert_int_equal(value, 3);
	assert_int_equal(chc_enum_parse(&chc__v1__procurement_route__descriptor, "99", &value),
	                 CHC_INVALID_ARGUMENT);
	assert_null(chc_enum_slug(&chc__v1__device_class__descriptor, 77, slug, sizeof(slug)));
	assert_string_equal(slug, "77");
}

CHC_TEST_MAIN(NULL, NULL, cmocka_unit_test(round_trip),
              cmocka_unit_test(unknown_fields_and_wrong_types_are_named),
              cmocka_unit_test(enum_slugs))
