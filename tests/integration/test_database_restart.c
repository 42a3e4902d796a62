/*
 * test_database_restart.c - while PostgreSQL is down a service answers
 * UNAVAILABLE at once instead of hanging, and once it is back the workers
 * reconnect by themselves.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "chc_test_main.h"

#include "chc/v1/municipalities.pb-c.h"
#include "harness.h"

static chc_status get_municipality(chc_client *client)
{
	Chc__V1__GetMunicipalityRequest request = CHC__V1__GET_MUNICIPALITY_REQUEST__INIT;
	request.code = 101;
	chc_call_options options = { .timeout_ms = 3000, .max_attempts = 1 };
	chc_status status = harness_call_status(client, &chc__v1__municipality_service__descriptor,
	                                        "GetMunicipality", &request.base, &options);
	return status;
}

static void survives_a_database_restart(void **state)
{
	(void)state;
	harness_service service;
	assert_true(harness_start(&service, "municipalities", NULL));
	chc_client *client = harness_client(NULL, &service, NULL);
	assert_int_equal(get_municipality(client), CHC_OK);

	assert_int_equal(harness_postgres_fixture("stop-database"), 0);
	assert_int_equal(get_municipality(client), CHC_UNAVAILABLE);
	/* /readyz tells within the readiness interval (a second), and each
	 * probe answers at once: it reads the last check, never the database. */
	int code = 200;
	for (int attempt = 0; attempt < 30 && code == 200; attempt++) {
		char *answer = NULL;
		int64_t started = harness_monotonic_ms();
		code = harness_http_get(service.http_port, "/readyz", &answer);
		assert_true(harness_monotonic_ms() - started < 200);
		free(answer);
		if (code == 200)
			usleep(100 * 1000);
	}
	assert_int_equal(code, 503);
	char *body = NULL;
	assert_int_equal(harness_http_get(service.http_port, "/healthz", &body), 200);
	free(body);

	assert_int_equal(harness_postgres_fixture("start-database"), 0);
	chc_status status = CHC_UNAVAILABLE;
	for (int attempt = 0; attempt < 50 && status != CHC_OK; attempt++) {
		status = get_municipality(client);
		if (status != CHC_OK)
			usleep(100000);
	}
	assert_int_equal(status, CHC_OK);
	chc_client_destroy(client);
	assert_int_equal(harness_stop(&service), 0);
}

CHC_TEST_MAIN(NULL, NULL, cmocka_unit_test(survives_a_database_restart))
