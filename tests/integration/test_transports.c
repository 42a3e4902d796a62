/*
 * test_transports.c - the three kinds of address a service listens on:
 * tcp:// (every other test), ipc://, and tls+tcp:// with a certificate that
 * libchc checks against CHC_TLS_CA; a client that trusts another CA gets no
 * answer it could mistake for the service's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "chc/v1/municipalities.pb-c.h"
#include "harness.h"

static harness_service service;
static char directory[] = "/tmp/chc-transports-XXXXXX";
static char ipc_url[128], tls_url[64], certificate[160], key[160], stranger[160];

/* A self-signed certificate for 127.0.0.1 (the name libchc checks). */
static int make_certificate(const char *certificate_path, const char *key_path)
{
	char command[768];
	snprintf(command, sizeof(command),
	         "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
	         "-keyout %s -out %s -days 2 -subj /CN=127.0.0.1 "
	         "-addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1",
	         key_path, certificate_path);
	return system(command);
}

static int start(void **state)
{
	(void)state;
	if (mkdtemp(directory) == NULL)
		return -1;
	snprintf(certificate, sizeof(certificate), "%s/service.pem", directory);
	snprintf(key, sizeof(key), "%s/service.key", directory);
	snprintf(stranger, sizeof(stranger), "%s/stranger.pem", directory);
	char stranger_key[160];
	snprintf(stranger_key, sizeof(stranger_key), "%s/stranger.key", directory);
	if (make_certificate(certificate, key) != 0 ||
	    make_certificate(stranger, stranger_key) != 0)
		return -1;
	snprintf(ipc_url, sizeof(ipc_url), "ipc://%s/municipalities.ipc", directory);
	snprintf(tls_url, sizeof(tls_url), "tls+tcp://127.0.0.1:%d", harness_free_port());
	char also[256], certificate_setting[200], key_setting[200];
	snprintf(also, sizeof(also), "%s,%s", ipc_url, tls_url);
	snprintf(certificate_setting, sizeof(certificate_setting), "CHC_TLS_CERT=%s", certificate);
	snprintf(key_setting, sizeof(key_setting), "CHC_TLS_KEY=%s", key);
	const char *const extra[] = { certificate_setting, key_setting, NULL };
	return harness_start_also_on(&service, "municipalities", also, extra) ? 0 : -1;
}

static int stop(void **state)
{
	(void)state;
	int status = harness_stop(&service);
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
	assert_int_equal(get_copenhagen(tls_url, certificate, 5000), CHC_OK);
}

static void tls_refuses_a_client_that_trusts_another_ca(void **state)
{
	(void)state;
	chc_status status = get_copenhagen(tls_url, stranger, 1500);
	assert_true(status == CHC_UNAVAILABLE || status == CHC_DEADLINE_EXCEEDED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipc_is_served),
		cmocka_unit_test(tls_is_served_to_a_client_that_trusts_it),
		cmocka_unit_test(tls_refuses_a_client_that_trusts_another_ca),
	};
	return cmocka_run_group_tests(tests, start, stop);
}
