/*
 * test_events.c - domain events: a change's event is published on the
 * service's PUB socket (type, NUL, chc.v1.Event) and kept for ListEvents,
 * whose arguments are validated like any call's, for
 * CHC_EVENTS_RETENTION_DAYS and no longer; another service's cache
 * follows them.
 */
#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>
#include <nng/supplemental/util/platform.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chc/v1/companies.pb-c.h"
#include "chc/v1/events.pb-c.h"
#include "chc/v1/municipalities.pb-c.h"
#include "harness.h"

static harness_stack stack;

/* Creates a valid need owned by municipality 101; returns its id (static). */
static const char *create_need(void)
{
	static char id[37];
	char deadline[11], text[1024];
	harness_date(90, deadline);
	snprintf(text, sizeof(text),
	         "{\"need\":{\"owners\":[{\"municipality_code\":101}],\"title\":\"Events test "
	         "need\",\"care_area\":\"rehabilitation\",\"min_trl\":5,\"max_device_class\":"
	         "\"iia\",\"procurement_route\":\"open-tender\",\"deadline\":\"%s\","
	         "\"criteria\":[{\"criterion\":\"price\",\"weight\":100}],\"contact\":{"
	         "\"name\":\"Mette Hansen\",\"email\":\"mette@kk.dk\"}}}",
	         deadline);
	harness_create(stack.client, &chc__v1__municipality_service__descriptor, "CreateNeed", text,
	               id);
	return id;
}

static void a_change_is_published(void **state)
{
	(void)state;
	nng_socket socket;
	char url[64];
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", stack.municipalities.events_port);
	assert_int_equal(nng_sub0_open(&socket), 0);
	assert_int_equal(nng_socket_set(socket, NNG_OPT_SUB_SUBSCRIBE, "need.created", 12), 0);
	assert_int_equal(nng_socket_set_ms(socket, NNG_OPT_RECVTIMEO, 5000), 0);
	assert_int_equal(nng_dial(socket, url, NULL, 0), 0);
	nng_msleep(300); /* PUB sends only to subscribers already connected */

	const char *id = create_need();
	nng_msg *message = NULL;
	assert_int_equal(nng_recvmsg(socket, &message, 0), 0);
	const char *body = nng_msg_body(message);
	size_t length = nng_msg_len(message);
	assert_string_equal(body, "need.created");
	size_t skip = strlen(body) + 1;
	Chc__V1__Event *event =
	        chc__v1__event__unpack(NULL, length - skip, (const uint8_t *)body + skip);
	assert_non_null(event);
	assert_string_equal(event->type, "need.created");
	assert_string_equal(event->subject_id, id);
	assert_string_equal(event->service, "chc.v1.MunicipalityService");
	assert_int_equal(event->n_audience, 1);
	assert_string_equal(event->audience[0], "municipality:101");
	assert_true(event->seq > 0);
	int64_t seq = event->seq;
	chc__v1__event__free_unpacked(event, NULL);
	nng_msg_free(message);
	nng_close(socket);

	/* The same event, read back as a subscriber that was away would. */
	Chc__V1__ListEventsRequest request = CHC__V1__LIST_EVENTS_REQUEST__INIT;
	request.after_seq = seq - 1;
	request.type_prefix = "need.";
	ProtobufCMessage *reply = NULL;
	assert_int_equal(chc_client_call_at(stack.client, CHC_ENDPOINT_MUNICIPALITIES,
	                                    &chc__v1__events__descriptor, "ListEvents",
	                                    &request.base, NULL, &reply, NULL),
	                 CHC_OK);
	const Chc__V1__ListEventsResponse *listed = (const void *)reply;
	assert_true(listed->n_events >= 1);
	assert_int_equal(listed->events[0]->seq, seq);
	assert_string_equal(listed->events[0]->subject_id, id);
	assert_true(listed->last_seq >= seq);
	protobuf_c_message_free_unpacked(reply, NULL);
}

static void list_arguments_are_validated(void **state)
{
	(void)state;
	Chc__V1__ListEventsRequest request = CHC__V1__LIST_EVENTS_REQUEST__INIT;
	request.limit = 5000;
	request.after_seq = -1;
	ProtobufCMessage *reply = NULL;
	chc_error error = { 0 };
	assert_int_equal(chc_client_call_at(stack.client, CHC_ENDPOINT_MUNICIPALITIES,
	                                    &chc__v1__events__descriptor, "ListEvents",
	                                    &request.base, NULL, &reply, &error),
	                 CHC_INVALID_ARGUMENT);
	assert_int_equal(error.violation_count, 2);
	assert_string_equal(error.violations[0].field, "after_seq");
	assert_string_equal(error.violations[1].field, "limit");
	chc_error_fini(&error);
}

/* Housekeeping (every second in this suite) removes events older than
 * the retention (30 days by default) and keeps the rest. */
static void old_events_are_removed(void **state)
{
	(void)state;
	PGconn *database = harness_database();
	PQclear(PQexec(database, "INSERT INTO municipalities.events (type, subject_id, created_at) "
	                         "VALUES ('test.old', 'retention', now() - interval '31 days'), "
	                         "('test.recent', 'retention', now() - interval '29 days')"));
	const char *count = "0";
	for (int i = 0; i < 60; i++) {
		count = harness_sql_value(database, "SELECT count(*) FROM municipalities.events "
		                                    "WHERE type = 'test.old'");
		if (strcmp(count, "0") == 0)
			break;
		nng_msleep(100);
	}
	assert_string_equal(count, "0");
	assert_string_equal(harness_sql_value(database, "SELECT count(*) FROM "
	                                                "municipalities.events WHERE type = "
	                                                "'test.recent'"),
	                    "1");
	PQfinish(database);
}

/* A municipality added by hand (as a municipal reform would) reaches the
 * companies service's cached codes through the municipalities service's
 * event, at its next housekeeping (every second here). */
static void cached_municipality_codes_follow_a_change(void **state)
{
	(void)state;
	const char *company = "{\"company\":{\"name\":\"Reform Care ApS\",\"cvr\":\"30000005\","
	                      "\"municipality_code\":998}}";
	char field[64] = "";
	assert_null(harness_call_json(stack.client, &chc__v1__company_service__descriptor,
	                              "CreateCompany", company, CHC_INVALID_ARGUMENT, field,
	                              sizeof(field)));
	assert_string_equal(field, "company.municipality_code");
	PGconn *database = harness_database();
	PQclear(PQexec(database, "INSERT INTO municipalities.municipalities (code, name, "
	                         "region_code, population, population_year) VALUES (998, "
	                         "'Reformkommune', 1084, 1000, 2026)"));
	Chc__V1__Company fields = CHC__V1__COMPANY__INIT;
	fields.name = "Reform Care ApS";
	fields.cvr = "30000005";
	fields.municipality_code = 998;
	Chc__V1__CreateCompanyRequest request = CHC__V1__CREATE_COMPANY_REQUEST__INIT;
	request.company = &fields;
	ProtobufCMessage *made = NULL;
	for (int i = 0; i < 50 && made == NULL; i++) {
		nng_msleep(200);
		if (chc_client_call(stack.client, &chc__v1__company_service__descriptor,
		                    "CreateCompany", &request.base, NULL, &made, NULL) != CHC_OK)
			made = NULL;
	}
	assert_non_null(made);
	assert_string_equal(harness_sql_value(database, "SELECT region_code FROM "
	                                                "companies.companies WHERE cvr = "
	                                                "'30000005'"),
	                    "1084");
	assert_non_null(made);
	protobuf_c_message_free_unpacked(made, NULL);
	PQclear(PQexec(database, "DELETE FROM companies.companies WHERE cvr = '30000005'"));
	PQclear(PQexec(database, "DELETE FROM municipalities.municipalities WHERE code = 998"));
	PQfinish(database);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_change_is_published),
		cmocka_unit_test(list_arguments_are_validated),
		cmocka_unit_test(old_events_are_removed),
		cmocka_unit_test(cached_municipality_codes_follow_a_change),
	};
	setenv("CHC_HOUSEKEEPING_INTERVAL", "1", 1); /* the services inherit it */
	return harness_run_group_on(tests, &stack, "companies");
}
