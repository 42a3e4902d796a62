/*
 * test_transports.c - the three kinds of address a service listens on:
 * tcp:// (every other test), ipc://, and tls+tcp:// with certificates from
 * a throwaway CA. libchc checks the certificate (against CHC_TLS_CA, else
 * the system's store) and the name: another CA, another name or no CA file
 * of its own gets no answer it could mistake for the service's.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chc_test_main.h"
#include <nng/nng.h>
#include <nng/supplemental/util/platform.h>

#include "chc/events.h"
#include "chc/v1/municipalities.pb-c.h"
#include "harness.h"

static harness_service service;  /* its certificate names 127.0.0.1 */
static harness_service misnamed; /* its certificate names another host */
static char directory[] = "/tmp/chc-transports-XXXXXX";
static char ipc_url[128], tls_url[64], misnamed_url[64], events_url[64];
static char ca_file[160], stranger_file[160];

/* Runs a shell command (printf-style) in the test's directory; true when
 * it succeeded. */
static bool run(const char *format, ...) __attribute__((format(printf, 1, 2)));
static bool run(const char *format, ...)
{
	char command[1024], text[768];
	va_list arguments;
	va_start(arguments, format);
	vsnprintf(text, sizeof(text), format, arguments);
	va_end(arguments);
	snprintf(command, sizeof(command), "cd %s && %s >/dev/null 2>&1", directory, text);
	return system(command) == 0;
}

/* A self-signed CA: name.pem and name.key. */
static bool make_authority(const char *name)
{
	return run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
	           "-keyout %s.key -out %s.pem -days 2 -subj /CN=%s",
	           name, name, name);
}

/* name.pem and name.key, signed by the throwaway CA for the host name.
 * 127.0.0.1 is a DNS name as well as an IP address in the certificate:
 * Debian 12's mbedTLS (2.28) matches the name libchc checks against DNS
 * names only. */
static bool make_certificate(const char *name)
{
	return run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
	           "-keyout %s.key -out %s.csr -subj /CN=%s",
	           name, name, name) &&
	       run("printf 'subjectAltName=DNS:%s' > %s.ext", name, name) &&
	       run("openssl x509 -req -in %s.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
	           "-days 2 -out %s.pem -extfile %s.ext",
	           name, name, name);
}

/* chc-municipalities also listening on tls+tcp:// with the certificate of
 * name (and on ipc:// when ipc is not NULL). */
static bool start_with_certificate(harness_service *started, const char *name, char *url,
                                   size_t size, const char *ipc)
{
	snprintf(url, size, "tls+tcp://127.0.0.1:%d", harness_free_port());
	char also[256], certificate[200], key[200];
	snprintf(also, sizeof(also), "%s%s%s", url, ipc ? "," : "", ipc ? ipc : "");
	snprintf(certificate, sizeof(certificate), "CHC_TLS_CERT=%s/%s.pem", directory, name);
	snprintf(key, sizeof(key), "CHC_TLS_KEY=%s/%s.key", directory, name);
	/* The events too go out over tls+tcp://, with the same certificate. */
	char events[128] = "";
	if (ipc != NULL) {
		snprintf(events_url, sizeof(events_url), "tls+tcp://127.0.0.1:%d",
		         harness_free_port());
		snprintf(events, sizeof(events), "CHC_EVENTS_LISTEN=%s", events_url);
	}
	const char *const extra[] = { certificate, key, ipc != NULL ? events : NULL, NULL };
	return harness_start_also_on(started, "municipalities", also, extra);
}

static int start(void **state)
{
	(void)state;
	/* The throwaway CA, and a stranger no service's certificate comes from. */
	if (mkdtemp(directory) == NULL || !make_authority("ca") || !make_authority("stranger") ||
	    !make_certificate("127.0.0.1") || !make_certificate("elsewhere.example"))
		return -1;
	snprintf(ca_file, sizeof(ca_file), "%s/ca.pem", directory);
	snprintf(stranger_file, sizeof(stranger_file), "%s/stranger.pem", directory);
	snprintf(ipc_url, sizeof(ipc_url), "ipc://%s/municipalities.ipc", directory);
	return start_with_certificate(&service, "127.0.0.1", tls_url, sizeof(tls_url), ipc_url) &&
	                       start_with_certificate(&misnamed, "elsewhere.example", misnamed_url,
	                                              sizeof(misnamed_url), NULL)
	               ? 0
	               : -1;
}

static int stop(void **state)
{
	(void)state;
	int status = harness_stop(&service);
	status = harness_stop(&misnamed) == 0 && status == 0 ? 0 : -1;
	char command[200];
	snprintf(command, sizeof(command), "rm -rf %s", directory);
	return system(command) == 0 && status == 0 ? 0 : -1;
}

/* GetMunicipality 101 through url, trusting ca (NULL: none). */
static chc_status get_copenhagen(const char *url, const char *ca, int timeout_ms)
{
	chc_client_options options;
	chc_client_options_init(&options);
	options.urls[CHC_ENDPOINT_MUNICIPALITIES] = url;
	options.tls_ca_file = ca;
	options.token = harness_token("admin");
	options.timeout_ms = timeout_ms;
	options.max_attempts = 1;
	chc_client *client = NULL;
	chc_status status = chc_client_create(&options, &client, NULL);
	if (status != CHC_OK)
		return status;
	Chc__V1__GetMunicipalityRequest request = CHC__V1__GET_MUNICIPALITY_REQUEST__INIT;
	request.code = 101;
	ProtobufCMessage *reply = NULL;
	status = chc_client_call(client, &chc__v1__municipality_service__descriptor,
	                         "GetMunicipality", &request.base, NULL, &reply, NULL);
	if (status == CHC_OK)
		assert_string_equal(((Chc__V1__Municipality *)reply)->name, "København");
	if (reply != NULL)
		protobuf_c_message_free_unpacked(reply, NULL);
	chc_client_destroy(client);
	return status;
}

static void ipc_is_served(void **state)
{
	(void)state;
	assert_int_equal(get_copenhagen(ipc_url, NULL, 5000), CHC_OK);
}

static void tls_is_served_to_a_client_that_trusts_it(void **state)
{
	(void)state;
	assert_int_equal(get_copenhagen(tls_url, ca_file, 5000), CHC_OK);
}

static void tls_refuses_a_client_that_trusts_another_ca(void **state)
{
	(void)state;
	chc_status status = get_copenhagen(tls_url, stranger_file, 1500);
	assert_true(status == CHC_UNAVAILABLE || status == CHC_DEADLINE_EXCEEDED);
}

/* Signed by the CA the client trusts, but for another name. */
static void tls_refuses_a_certificate_of_another_name(void **state)
{
	(void)state;
	chc_status status = get_copenhagen(misnamed_url, ca_file, 1500);
	assert_true(status == CHC_UNAVAILABLE || status == CHC_DEADLINE_EXCEEDED);
}

/* With no CA file the system's store is the judge: a throwaway CA is not in
 * it. CHC_TLS_INSECURE=1 is the one way round, for a developer's machine. */
static void tls_checks_by_default_and_insecure_takes_a_flag(void **state)
{
	(void)state;
	chc_status status = get_copenhagen(tls_url, NULL, 1500);
	assert_true(status == CHC_UNAVAILABLE || status == CHC_DEADLINE_EXCEEDED);
	setenv("CHC_TLS_INSECURE", "1", 1);
	status = get_copenhagen(misnamed_url, stranger_file, 5000);
	unsetenv("CHC_TLS_INSECURE");
	assert_int_equal(status, CHC_OK);
}

/* The events over tls+tcp://: a subscriber that trusts the CA gets the
 * need.created of a need made through the service; one that trusts
 * another CA gets nothing. */
static void events_are_published_over_tls(void **state)
{
	(void)state;
	chc_subscription *trusting = NULL, *stranger = NULL;
	chc_client_options options;
	chc_client_options_init(&options);
	options.urls[CHC_ENDPOINT_MUNICIPALITIES] = tls_url;
	options.tls_ca_file = ca_file;
	options.token = harness_token("admin");
	chc_client *client = NULL;
	assert_int_equal(chc_client_create(&options, &client, NULL), CHC_OK);
	assert_int_equal(chc_events_subscribe(client, events_url, "need.", &trusting, NULL),
	                 CHC_OK);
	options.tls_ca_file = stranger_file;
	chc_client *doubting = NULL;
	assert_int_equal(chc_client_create(&options, &doubting, NULL), CHC_OK);
	assert_int_equal(chc_events_subscribe(doubting, events_url, "", &stranger, NULL), CHC_OK);
	chc_client_destroy(doubting);
	nng_msleep(300); /* the subscriptions connect */
	char deadline[11], text[512], id[37];
	snprintf(text, sizeof(text),
	         "{\"need\":{\"owners\":[{\"municipality_code\":101}],\"title\":\"Over TLS\","
	         "\"care_area\":\"elderly-care\",\"min_trl\":5,\"max_device_class\":\"i\","
	         "\"procurement_route\":\"open-tender\",\"deadline\":\"%s\"}}",
	         harness_date(30, deadline));
	harness_create(client, &chc__v1__municipality_service__descriptor, "CreateNeed", text, id);
	Chc__V1__Event *event = NULL;
	chc_status status = CHC_DEADLINE_EXCEEDED;
	for (int waited = 0; waited < 20 && status == CHC_DEADLINE_EXCEEDED; waited++)
		status = chc_events_next(trusting, 250, &event, NULL);
	assert_int_equal(status, CHC_OK);
	assert_string_equal(event->type, "need.created");
	assert_string_equal(event->subject_id, id);
	chc__v1__event__free_unpacked(event, NULL);
	assert_int_equal(chc_events_next(stranger, 500, &event, NULL), CHC_DEADLINE_EXCEEDED);
	assert_null(event);
	chc_events_unsubscribe(trusting);
	chc_events_unsubscribe(stranger);
	chc_client_destroy(client);
}

CHC_TEST_MAIN(start, stop, cmocka_unit_test(ipc_is_served),
              cmocka_unit_test(tls_is_served_to_a_client_that_trusts_it),
              cmocka_unit_test(tls_refuses_a_client_that_trusts_another_ca),
              cmocka_unit_test(tls_refuses_a_certificate_of_another_name),
              cmocka_unit_test(tls_checks_by_default_and_insecure_takes_a_flag),
              cmocka_unit_test(events_are_published_over_tls))
