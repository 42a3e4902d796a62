/*
 * test_idempotency.c - a repeated write returns the first reply and writes
 * nothing; the same key with another request is refused.
 */
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

static Chc__V1__CreateNeedRequest *request_titled(const char *title)
{
	char deadline[11], text[1024];
	snprintf(text, sizeof(text),
	         "{\"need\":{\"owners\":[{\"region_code\":1085}],\"title\":\"%s\",\"care_area\":"
	         "\"rehabilitation\",\"min_trl\":5,\"max_device_class\":\"not-a-device\","
	         "\"procurement_route\":\"direct-purchase\",\"deadline\":\"%s\"}}",
	         title, harness_date(60, deadline));
	json_t *json = json_loads(text, 0, NULL);
	ProtobufCMessage *message = NULL;
	assert_int_equal(chc_json_to_message(&chc__v1__create_need_request__descriptor, json,
	                                     &message, NULL),
	                 CHC_OK);
	json_decref(json);
	return (Chc__V1__CreateNeedRequest *)message;
}

static chc_status create(const Chc__V1__CreateNeedRequest *request, const char *key,
                         Chc__V1__Need **need)
{
	chc_call_options options = { .idempotency_key = key };
	return chc_client_call(stack.client, &chc__v1__municipality_service__descriptor,
	                       "CreateNeed", &request->base, &options, (ProtobufCMessage **)need,
	                       NULL);
}

/* A new key in key, and a need titled title created with it: returns the
 * request, to send again. */
static Chc__V1__CreateNeedRequest *create_keyed(const char *title, char key[37],
                                                Chc__V1__Need **need)
{
	Chc__V1__CreateNeedRequest *request = request_titled(title);
	chc_uuid_generate(key);
	assert_int_equal(create(request, key, need), CHC_OK);
	return request;
}

/* Runs the SQL that format and its arguments make; its one value. */
__attribute__((format(printf, 1, 2))) static const char *sql_value(const char *format, ...)
{
	char sql[256];
	va_list arguments;
	va_start(arguments, format);
	vsnprintf(sql, sizeof(sql), format, arguments);
	va_end(arguments);
	return harness_sql_value(stack.database, sql);
}

/* How many needs the database holds titled title. */
static const char *needs_titled(const char *title)
{
	return sql_value("SELECT count(*) FROM municipalities.needs WHERE title = '%s'", title);
}

static void repeat_returns_the_first_reply(void **state)
{
	(void)state;
	char key[37];
	Chc__V1__Need *first = NULL, *second = NULL;
	Chc__V1__CreateNeedRequest *request = create_keyed("Genoptræning med app", key, &first);
	assert_int_equal(create(request, key, &second), CHC_OK);
	assert_string_equal(first->id, second->id);
	assert_int_equal(first->version, second->version);
	assert_string_equal(needs_titled("Genoptræning med app"), "1");
	free_messages(&first->base, &second->base, &request->base);
}

static void same_key_other_request_is_refused(void **state)
{
	(void)state;
	char key[37];
	Chc__V1__Need *need = NULL;
	Chc__V1__CreateNeedRequest *one = create_keyed("Første behov med nøgle", key, &need);
	Chc__V1__CreateNeedRequest *other = request_titled("Andet behov med samme nøgle");
	protobuf_c_message_free_unpacked(&need->base, NULL);
	need = NULL;
	assert_int_equal(create(other, key, &need), CHC_FAILED_PRECONDITION);
	assert_null(need);
	assert_string_equal(needs_titled("Andet behov med samme nøgle"), "0");
	free_messages(&one->base, &other->base);
}

static void failed_writes_store_nothing(void **state)
{
	(void)state;
	Chc__V1__CreateNeedRequest *bad = request_titled("x"); /* too short */
	char key[37];
	chc_uuid_generate(key);
	Chc__V1__Need *need = NULL;
	assert_int_equal(create(bad, key, &need), CHC_INVALID_ARGUMENT);
	assert_string_equal(
	        sql_value("SELECT count(*) FROM municipalities.idempotency_keys WHERE key = '%s'",
	                  key),
	        "0");
	protobuf_c_message_free_unpacked(&bad->base, NULL);
}

static void expired_keys_are_forgotten(void **state)
{
	(void)state;
	char key[37];
	Chc__V1__Need *first = NULL, *second = NULL;
	Chc__V1__CreateNeedRequest *request = create_keyed("Behov med gammel nøgle", key, &first);
	sql_value(
	        "UPDATE municipalities.idempotency_keys SET created_at = now() - interval '2 days' "
	        "WHERE key = '%s'",
	        key);
	assert_int_equal(create(request, key, &second), CHC_OK);
	assert_string_not_equal(first->id, second->id);
	free_messages(&first->base, &second->base, &request->base);
}

HARNESS_TEST_MAIN_ON(&stack, "municipalities", cmocka_unit_test(repeat_returns_the_first_reply),
                     cmocka_unit_test(same_key_other_request_is_refused),
                     cmocka_unit_test(failed_writes_store_nothing),
                     cmocka_unit_test(expired_keys_are_forgotten))
