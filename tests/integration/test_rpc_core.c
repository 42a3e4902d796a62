/*
 * test_rpc_core.c - every request gets exactly one reply: garbage, unknown
 * methods, bad payloads, oversized messages, past deadlines and bad tokens
 * get their codes, and the service stays up (tokens and roles: test_access).
 * Also health, HTTP and drain.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "chc_test_main.h"
#include <nng/nng.h>
#include <nng/supplemental/util/platform.h>

#include "chc/v1/health.pb-c.h"
#include "chc/v1/municipalities.pb-c.h"
#include "chc/v1/rpc.pb-c.h"
#include "harness.h"

static harness_service service;

static int start_services(void **state)
{
	(void)state;
	static const char *const small[] = { "CHC_MAX_MESSAGE_BYTES=2048", NULL };
	return harness_start(&service, "municipalities", small) ? 0 : -1;
}

static int stop_services(void **state)
{
	(void)state;
	harness_stop(&service);
	return 0;
}

static void expect_code(Chc__V1__RpcResponse *response, int code)
{
	assert_non_null(response);
	if (response->code != code)
		fail_msg("expected code %d, got %d (%s)", code, response->code, response->message);
	chc__v1__rpc_response__free_unpacked(response, NULL);
}

static void health_is_serving(void **state)
{
	(void)state;
	Chc__V1__RpcResponse *response =
	        harness_envelope_call(service.url, "/chc.v1.Health/Check", NULL, 0, 0, NULL);
	assert_non_null(response);
	assert_int_equal(response->code, 0);
	Chc__V1__HealthCheckResponse *health = chc__v1__health_check_response__unpack(
	        NULL, response->payload.len, response->payload.data);
	assert_non_null(health);
	assert_int_equal(health->status, CHC__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING);
	chc__v1__health_check_response__free_unpacked(health, NULL);
	chc__v1__rpc_response__free_unpacked(response, NULL);
}

static void health_of_unknown_service_is_not_found(void **state)
{
	(void)state;
	Chc__V1__HealthCheckRequest request = CHC__V1__HEALTH_CHECK_REQUEST__INIT;
	request.service = "chc.v1.NoSuchService";
	uint8_t bytes[64];
	size_t length = chc__v1__health_check_request__pack(&request, bytes);
	expect_code(
	        harness_envelope_call(service.url, "/chc.v1.Health/Check", bytes, length, 0, NULL),
	        CHC_NOT_FOUND);
}

static void garbage_bytes_get_invalid_argument(void **state)
{
	(void)state;
	static const uint8_t garbage[] = { 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02 };
	size_t length = 0;
	uint8_t *reply = harness_raw_request(service.url, garbage, sizeof(garbage), 5000, &length);
	assert_non_null(reply);
	expect_code(chc__v1__rpc_response__unpack(NULL, length, reply), CHC_INVALID_ARGUMENT);
	free(reply);
	/* An empty message is a valid empty envelope with no method and no
	 * token: who is calling is asked first. */
	reply = harness_raw_request(service.url, "", 0, 5000, &length);
	assert_non_null(reply);
	expect_code(chc__v1__rpc_response__unpack(NULL, length, reply), CHC_UNAUTHENTICATED);
	free(reply);
	assert_true(harness_alive(&service));
}

static void unknown_method_is_unimplemented(void **state)
{
	(void)state;
	expect_code(harness_envelope_call(service.url, "/chc.v1.MunicipalityService/NoSuchMethod",
	                                  NULL, 0, 0, NULL),
	            CHC_UNIMPLEMENTED);
	expect_code(harness_envelope_call(service.url, "not even a method name", NULL, 0, 0, NULL),
	            CHC_UNIMPLEMENTED);
}

static void undecodable_payload_is_invalid_argument(void **state)
{
	(void)state;
	static const uint8_t payload[] = { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff,
		                           0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	expect_code(harness_envelope_call(service.url,
	                                  "/chc.v1.MunicipalityService/GetMunicipality", payload,
	                                  sizeof(payload), 0, NULL),
	            CHC_INVALID_ARGUMENT);
}

static void oversized_message_is_resource_exhausted(void **state)
{
	(void)state;
	size_t size = 4096;
	uint8_t *payload = calloc(1, size);
	Chc__V1__RpcResponse *response = harness_envelope_call(
	        service.url, "/chc.v1.MunicipalityService/ListRegions", payload, size, 0, NULL);
	free(payload);
	expect_code(response, CHC_RESOURCE_EXHAUSTED);
	assert_true(harness_alive(&service));
}

static void past_deadline_is_not_run(void **state)
{
	(void)state;
	Chc__V1__RpcResponse *response = harness_envelope_call(
	        service.url, "/chc.v1.MunicipalityService/ExpireNeeds", NULL, 0, 1000, NULL);
	assert_non_null(response);
	assert_int_equal(response->code, CHC_DEADLINE_EXCEEDED);
	assert_non_null(strstr(response->message, "deadline"));
	chc__v1__rpc_response__free_unpacked(response, NULL);
}

/* A reader's token over its rate, and an address that keeps failing, get
 * RESOURCE_EXHAUSTED; the secretariat's calls have no rate. */
static void limits_hold(void **state)
{
	(void)state;
	harness_service limited;
	static const char *const limits[] = { "CHC_TOKEN_RATE=5", "CHC_AUTH_FAILURES=3", NULL };
	assert_true(harness_start(&limited, "municipalities", limits));
	const char *method = "/chc.v1.MunicipalityService/ListRegions";
	int exhausted = 0;
	for (int i = 0; i < 20; i++) {
		Chc__V1__RpcResponse *response = harness_envelope_call(limited.url, method, NULL, 0,
		                                                       0, harness_token("reader"));
		assert_non_null(response);
		exhausted += response->code == CHC_RESOURCE_EXHAUSTED;
		chc__v1__rpc_response__free_unpacked(response, NULL);
	}
	assert_true(exhausted >= 10);
	for (int i = 0; i < 20; i++)
		expect_code(harness_envelope_call(limited.url, method, NULL, 0, 0, NULL), CHC_OK);
	nng_msleep(1100); /* a second refills the reader's five */
	expect_code(harness_envelope_call(limited.url, method, NULL, 0, 0, harness_token("reader")),
	            CHC_OK);
	for (int i = 0; i < 3; i++)
		expect_code(harness_envelope_call(limited.url, method, NULL, 0, 0, "wrong"),
		            CHC_UNAUTHENTICATED);
	Chc__V1__RpcResponse *response =
	        harness_envelope_call(limited.url, method, NULL, 0, 0, NULL);
	assert_int_equal(response->code, CHC_RESOURCE_EXHAUSTED);
	assert_non_null(strstr(response->message, "failed authentications from 127.0.0.1"));
	chc__v1__rpc_response__free_unpacked(response, NULL);
	assert_int_equal(harness_stop(&limited), 0);
}

static void violations_name_the_field(void **state)
{
	(void)state;
	chc_client *client = harness_client(NULL, &service, NULL);
	Chc__V1__GetMunicipalityRequest request = CHC__V1__GET_MUNICIPALITY_REQUEST__INIT;
	request.code = 5000;
	ProtobufCMessage *reply = NULL;
	chc_error error = { 0 };
	assert_int_equal(chc_client_call(client, &chc__v1__municipality_service__descriptor,
	                                 "GetMunicipality", &request.base, NULL, &reply, &error),
	                 CHC_INVALID_ARGUMENT);
	assert_int_equal(error.violation_count, 1);
	assert_string_equal(error.violations[0].field, "code");
	chc_error_fini(&error);
	chc_client_destroy(client);
}

static void http_endpoints_answer(void **state)
{
	(void)state;
	char *body = NULL;
	assert_int_equal(harness_http_get(service.http_port, "/healthz", &body), 200);
	free(body);
	assert_int_equal(harness_http_get(service.http_port, "/readyz", &body), 200);
	assert_non_null(strstr(body, "ready"));
	free(body);
	assert_int_equal(harness_http_get(service.http_port, "/metrics", &body), 200);
	assert_non_null(strstr(body, "chc_requests_total{"));
	assert_non_null(strstr(body, "chc_request_duration_seconds_bucket{"));
	assert_non_null(strstr(body, "chc_requests_in_flight"));
	assert_non_null(strstr(body, "chc_database_connections"));
	assert_non_null(strstr(body, "code=\"UNIMPLEMENTED\""));
	free(body);
	assert_int_equal(harness_http_get(service.http_port, "/nothing-here", &body), 404);
	free(body);
}

static void sigterm_drains_and_exits_zero(void **state)
{
	(void)state;
	harness_service victim;
	assert_true(harness_start(&victim, "matching", NULL));
	assert_int_equal(harness_stop(&victim), 0);
}

CHC_TEST_MAIN(start_services, stop_services, cmocka_unit_test(health_is_serving),
              cmocka_unit_test(health_of_unknown_service_is_not_found),
              cmocka_unit_test(garbage_bytes_get_invalid_argument),
              cmocka_unit_test(unknown_method_is_unimplemented),
              cmocka_unit_test(undecodable_payload_is_invalid_argument),
              cmocka_unit_test(oversized_message_is_resource_exhausted),
              cmocka_unit_test(past_deadline_is_not_run), cmocka_unit_test(limits_hold),
              cmocka_unit_test(violations_name_the_field), cmocka_unit_test(http_endpoints_answer),
              cmocka_unit_test(sigterm_drains_and_exits_zero))
