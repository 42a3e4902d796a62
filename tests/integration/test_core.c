/*
 * test_core.c - services/core and libchc against a real PostgreSQL and real
 * sockets, where issue 12 found defects: more statements than the old cache
 * held, lists decoded twice from the same row, /readyz with a reason that
 * holds quotes, and a call whose deadline has already passed.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chc_test_main.h"

#include "chc/v1/common.pb-c.h"
#include "chc/v1/municipalities.pb-c.h"
#include "db.h"
#include "enum_columns.h"
#include "harness.h"
#include "http.h"
#include "request.h"

#define STATEMENTS 300

/* Statements are static in the services; here they are made once. */
static char statement_names[STATEMENTS][32];
static char statement_sql[STATEMENTS][64];
static core_statement statements[STATEMENTS];

static void many_statements(void **state)
{
	(void)state;
	core_db database;
	assert_int_equal(core_db_init(&database, harness_database_url()), CHC_OK);
	chc_error error = { 0 };
	PGconn *connection = core_db_connection(&database, &error);
	assert_non_null(connection);
	for (int i = 0; i < STATEMENTS; i++) {
		snprintf(statement_names[i], sizeof(statement_names[i]), "test_statement_%d", i);
		snprintf(statement_sql[i], sizeof(statement_sql[i]), "SELECT $1::int + %d", i);
		statements[i] = (core_statement){ statement_names[i], statement_sql[i], 1 };
	}
	/* Twice each: the second use must find the statement prepared, even
	 * past the 128 the old cache held (it re-prepared and got 42P05). */
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < STATEMENTS; i++) {
			core_request request = { .db = connection, .database = &database };
			const char *values[] = { "1" };
			PGresult *result = NULL;
			chc_status status = core_query(&request, &statements[i], values, &result);
			if (status != CHC_OK)
				fail_msg("statement %d, round %d: %s", i, round,
				         request.error.message);
			assert_int_equal(atoi(PQgetvalue(result, 0, 0)), i + 1);
			core_request_fini(&request);
		}
	assert_int_equal(database.prepared_count, STATEMENTS);
	core_db_fini(&database);
	chc_error_fini(&error);
}

static void lists_decoded_twice(void **state)
{
	(void)state;
	PGconn *connection = harness_database();
	PGresult *result = PQexec(connection, "SELECT 'remote-monitoring,telemedicine', "
	                                      "'Alfa' || chr(31) || 'Beta, Gamma'");
	assert_int_equal(PQresultStatus(result), PGRES_TUPLES_OK);
	core_request request = { .method = "test" };
	for (int round = 0; round < 2; round++) {
		size_t count = 0;
		int *values = core_enum_list(&request, &chc__v1__care_category__descriptor,
		                             PQgetvalue(result, 0, 0), &count);
		assert_int_equal(count, 2);
		assert_int_equal(values[0],
		                 CHC__V1__CARE_CATEGORY__CARE_CATEGORY_REMOTE_MONITORING);
		assert_int_equal(values[1], CHC__V1__CARE_CATEGORY__CARE_CATEGORY_TELEMEDICINE);
		char **aliases = core_split(&request, PQgetvalue(result, 0, 1), '\x1f', &count);
		assert_int_equal(count, 2);
		assert_string_equal(aliases[1], "Beta, Gamma");
	}
	/* libpq's memory is as it was. */
	assert_string_equal(PQgetvalue(result, 0, 0), "remote-monitoring,telemedicine");
	core_request_fini(&request);
	PQclear(result);
	PQfinish(connection);
}

static chc_status not_ready(void *data, chc_error *error)
{
	(void)data;
	return chc_error_set(error, CHC_UNAVAILABLE,
	                     "connection to server on socket \"/run/postgresql/.s.PGSQL.5432\" "
	                     "failed: No such file or directory\\n");
}

static void readyz_is_json(void **state)
{
	(void)state;
	int port = harness_free_port();
	char address[32];
	snprintf(address, sizeof(address), "127.0.0.1:%d", port);
	core_http *http = NULL;
	chc_error error = { 0 };
	assert_int_equal(core_http_start(address, "test", not_ready, NULL, &http, &error), CHC_OK);
	char *body = NULL;
	assert_int_equal(harness_http_get(port, "/readyz", &body), 503);
	json_error_t parse_error;
	json_t *document = json_loads(body, 0, &parse_error);
	if (document == NULL)
		fail_msg("/readyz is not JSON (%s): %s", parse_error.text, body);
	assert_string_equal(json_string_value(json_object_get(document, "status")), "not ready");
	assert_non_null(strstr(json_string_value(json_object_get(document, "reason")),
	                       "socket \"/run/postgresql/.s.PGSQL.5432\" failed"));
	json_decref(document);
	free(body);
	core_http_stop(http);
	chc_error_fini(&error);
}

static void deadline_already_passed(void **state)
{
	(void)state;
	harness_service service;
	assert_true(harness_start(&service, "municipalities", NULL));
	chc_client *client = harness_client(NULL, &service, NULL);
	Chc__V1__GetMunicipalityRequest request = CHC__V1__GET_MUNICIPALITY_REQUEST__INIT;
	request.code = 101;
	chc_call_options options = { .deadline_unix_ms = 1000 }; /* 1970 */
	ProtobufCMessage *reply = NULL;
	chc_error error = { 0 };
	assert_int_equal(chc_client_call(client, &chc__v1__municipality_service__descriptor,
	                                 "GetMunicipality", &request.base, &options, &reply,
	                                 &error),
	                 CHC_DEADLINE_EXCEEDED);
	assert_null(reply);
	options.deadline_unix_ms = 0;
	assert_int_equal(chc_client_call(client, &chc__v1__municipality_service__descriptor,
	                                 "GetMunicipality", &request.base, &options, &reply,
	                                 &error),
	                 CHC_OK);
	protobuf_c_message_free_unpacked(reply, NULL);
	chc_error_fini(&error);
	chc_client_destroy(client);
	assert_int_equal(harness_stop(&service), 0);
}

/* libchc's reply limit is applied (a tiny one drops a 98-row list), and
 * its default is the services' own, not nng's 1 MiB. */
static void reply_limit(void **state)
{
	(void)state;
	harness_service service;
	assert_true(harness_start(&service, "municipalities", NULL));
	Chc__V1__ListMunicipalitiesRequest request = CHC__V1__LIST_MUNICIPALITIES_REQUEST__INIT;
	for (int round = 0; round < 2; round++) {
		chc_client_options options;
		chc_client_options_init(&options);
		options.urls[CHC_ENDPOINT_MUNICIPALITIES] = service.url;
		options.timeout_ms = 1500;
		options.max_attempts = 1;
		options.max_reply_bytes = round == 0 ? 1024 : 0;
		options.token = harness_token("admin");
		chc_client *client = NULL;
		assert_int_equal(chc_client_create(&options, &client, NULL), CHC_OK);
		ProtobufCMessage *reply = NULL;
		chc_error error = { 0 };
		chc_status status =
		        chc_client_call(client, &chc__v1__municipality_service__descriptor,
		                        "ListMunicipalities", &request.base, NULL, &reply, &error);
		if (round == 0) {
			assert_int_not_equal(status, CHC_OK);
		} else {
			assert_int_equal(status, CHC_OK);
			protobuf_c_message_free_unpacked(reply, NULL);
		}
		chc_error_fini(&error);
		chc_client_destroy(client);
	}
	assert_int_equal(harness_stop(&service), 0);
}

CHC_TEST_MAIN(NULL, NULL, cmocka_unit_test(many_statements), cmocka_unit_test(lists_decoded_twice),
              cmocka_unit_test(readyz_is_json), cmocka_unit_test(deadline_already_passed),
              cmocka_unit_test(reply_limit))
