/*
 * test_client.c - libchc: unreachable services fail fast with UNAVAILABLE,
 * generated stubs work over libchc's transport, one client serves many
 * threads, one client spreads its calls over two instances of a service
 * and loses none when one is killed, and the chc command tells failures by
 * exit status.
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <cmocka.h>
#include <nng/nng.h>
#include <nng/supplemental/util/platform.h>

#include "chc/v1/municipalities.pb-c.h"
#include "harness.h"

static harness_stack stack;

static void unreachable_is_unavailable_quickly(void **state)
{
	(void)state;
	char url[64];
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", harness_free_port());
	chc_client_options options;
	chc_client_options_init(&options);
	options.urls[CHC_ENDPOINT_MUNICIPALITIES] = url;
	chc_client *lonely = NULL;
	assert_int_equal(chc_client_create(&options, &lonely, NULL), CHC_OK);
	struct timespec begin, end;
	clock_gettime(CLOCK_MONOTONIC, &begin);
	int serving = 0;
	chc_error error = { 0 };
	assert_int_equal(chc_client_check_health(lonely, CHC_ENDPOINT_MUNICIPALITIES, NULL,
	                                         &serving, &error),
	                 CHC_UNAVAILABLE);
	clock_gettime(CLOCK_MONOTONIC, &end);
	assert_true(end.tv_sec - begin.tv_sec < 5);
	assert_non_null(strstr(error.message, url));
	chc_error_fini(&error);
	chc_client_destroy(lonely);
}

static void generated_stubs_work(void **state)
{
	(void)state;
	chc_stub stub;
	assert_int_equal(chc_stub_init(&stub, stack.client,
	                               &chc__v1__municipality_service__descriptor, NULL),
	                 CHC_OK);
	Chc__V1__GetMunicipalityRequest request = CHC__V1__GET_MUNICIPALITY_REQUEST__INIT;
	request.code = 461;
	Chc__V1__Municipality *odense = NULL;
	chc__v1__municipality_service__get_municipality(
	        &stub.base, &request, (Chc__V1__Municipality_Closure)chc_stub_keep_reply, &odense);
	assert_int_equal(stub.status, CHC_OK);
	assert_string_equal(odense->name, "Odense");
	chc__v1__municipality__free_unpacked(odense, NULL);
	request.code = 5;
	Chc__V1__Municipality *none = NULL;
	chc__v1__municipality_service__get_municipality(
	        &stub.base, &request, (Chc__V1__Municipality_Closure)chc_stub_keep_reply, &none);
	assert_int_equal(stub.status, CHC_INVALID_ARGUMENT);
	assert_null(none);
	chc_stub_fini(&stub);
}

static void *many_calls(void *argument)
{
	(void)argument;
	long failures = 0;
	for (int i = 0; i < 50; i++) {
		Chc__V1__GetMunicipalityRequest request = CHC__V1__GET_MUNICIPALITY_REQUEST__INIT;
		request.code = 101;
		ProtobufCMessage *reply = NULL;
		if (chc_client_call(stack.client, &chc__v1__municipality_service__descriptor,
		                    "GetMunicipality", &request.base, NULL, &reply, NULL) != CHC_OK)
			failures++;
		else
			protobuf_c_message_free_unpacked(reply, NULL);
	}
	return (void *)failures;
}

static void one_client_many_threads(void **state)
{
	(void)state;
	pthread_t threads[8];
	for (int i = 0; i < 8; i++)
		pthread_create(&threads[i], NULL, many_calls, NULL);
	long failures = 0;
	for (int i = 0; i < 8; i++) {
		void *result = NULL;
		pthread_join(threads[i], &result);
		failures += (long)result;
	}
	assert_int_equal(failures, 0);
}

typedef struct steady_load {
	chc_client *client;
	volatile int stop;
	long calls;
	long failures;
	char failure[256];
} steady_load;

static void *keep_calling(void *argument)
{
	steady_load *load = argument;
	while (!load->stop) {
		Chc__V1__GetMunicipalityRequest request = CHC__V1__GET_MUNICIPALITY_REQUEST__INIT;
		request.code = 101;
		ProtobufCMessage *reply = NULL;
		chc_error error = { 0 };
		if (chc_client_call(load->client, &chc__v1__municipality_service__descriptor,
		                    "GetMunicipality", &request.base, NULL, &reply,
		                    &error) != CHC_OK) {
			__atomic_add_fetch(&load->failures, 1, __ATOMIC_RELAXED);
			snprintf(load->failure, sizeof(load->failure), "%s", error.message);
		} else {
			protobuf_c_message_free_unpacked(reply, NULL);
		}
		chc_error_fini(&error);
		__atomic_add_fetch(&load->calls, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* CHC_MUNICIPALITIES_URL=a,b: both instances take calls, and SIGKILL of
 * one under load costs no call (nng resends a request whose instance went
 * away to the other, libchc retries the rest). */
static void two_instances_one_killed(void **state)
{
	(void)state;
	harness_service second;
	steady_load load = { .stop = 0 };
	load.client = harness_client_over_two(&stack, &second);
	assert_non_null(load.client);
	pthread_t threads[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&threads[i], NULL, keep_calling, &load);
	nng_msleep(700);
	assert_true(harness_http_served(stack.municipalities.http_port, "GetMunicipality"));
	assert_true(harness_http_served(second.http_port, "GetMunicipality"));
	kill(second.pid, SIGKILL);
	waitpid(second.pid, NULL, 0);
	long at_kill = __atomic_load_n(&load.calls, __ATOMIC_RELAXED);
	nng_msleep(1000);
	load.stop = 1;
	for (int i = 0; i < 4; i++)
		pthread_join(threads[i], NULL);
	chc_client_destroy(load.client);
	if (load.failures != 0)
		fail_msg("%ld of %ld calls failed: %s", load.failures, load.calls, load.failure);
	/* The survivor went on serving after the kill. */
	assert_true(load.calls > at_kill + 50);
}

static int chc_command(const char *arguments)
{
	return harness_chc(&stack, "admin", arguments);
}

static void command_exit_statuses(void **state)
{
	(void)state;
	assert_int_equal(chc_command("municipality get 101"), 0);
	assert_int_equal(chc_command("--json region list"), 0);
	assert_int_equal(chc_command("municipality get 999"), 4);
	assert_int_equal(chc_command("municipality get 5"), 3);
	assert_int_equal(chc_command("need create --title x"), 3);
	assert_int_equal(chc_command("need --help"), 0);
	assert_int_equal(chc_command("nonsense"), 2);
	assert_int_equal(chc_command("need list --no-such-option 1"), 2);
	assert_int_equal(chc_command("--version"), 0);
}

HARNESS_TEST_MAIN_ON(&stack, "municipalities", cmocka_unit_test(unreachable_is_unavailable_quickly),
                     cmocka_unit_test(generated_stubs_work),
                     cmocka_unit_test(one_client_many_threads),
                     cmocka_unit_test(two_instances_one_killed),
                     cmocka_unit_test(command_exit_statuses))
