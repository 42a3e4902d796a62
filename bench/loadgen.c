/*
 * loadgen.c - closed-loop load against a CHC Match service or the raw limit.
 *
 *   chc-bench-load --target chc|raw --method company|municipality|search
 *                  [--clients N] [--seconds S] [--url URL] [--query "A|B|..."]
 *
 * N threads each send one request, wait for the reply and send the next for
 * S seconds (after a short warm-up that is not counted); the program prints
 * one line of JSON: requests, errors, rps, p50_us, p99_us. Against "chc" the
 * calls go through libchc as a partner would make them (one client shared
 * by every thread); against "raw" through plain nng REQ contexts to
 * chc-bench-raw-server. The ids asked for are read once from the database
 * (CHC_DATABASE_URL) and taken in turn, so every request is a real lookup;
 * searches ask the --query texts in turn, for published solutions only, as
 * partners see them.
 */
#include <chc/chc.h>
#include <getopt.h>
#include <libpq-fe.h>
#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chc/v1/companies.pb-c.h"
#include "chc/v1/municipalities.pb-c.h"

enum { MAX_CLIENTS = 256, WARMUP_MS = 500, MAX_SAMPLES = 4000000 };

typedef enum load_method { METHOD_COMPANY, METHOD_MUNICIPALITY, METHOD_SEARCH } load_method;

typedef struct load_settings {
	bool raw;
	load_method method;
	int clients;
	int seconds;
	const char *url;
	const char *query;
	char **keys; /* company ids or municipality codes, as text */
	size_t key_count;
} load_settings;

typedef struct load_shared {
	const load_settings *settings;
	chc_client *client;
	nng_socket socket;
	atomic_bool measuring;
	atomic_bool stopping;
	atomic_size_t next_key;
	atomic_size_t sample_count;
	atomic_size_t errors;
	uint32_t *samples; /* latencies in microseconds */
} load_shared;

static uint64_t now_us(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u;
}

static const char *next_key(load_shared *shared)
{
	size_t index = atomic_fetch_add(&shared->next_key, 1);
	return shared->settings->keys[index % shared->settings->key_count];
}

/* One request through libchc; returns 0 on an OK reply. */
static int call_chc(load_shared *shared)
{
	const load_settings *settings = shared->settings;
	ProtobufCMessage *reply = NULL;
	chc_status status;
	if (settings->method == METHOD_COMPANY) {
		Chc__V1__GetCompanyRequest request = CHC__V1__GET_COMPANY_REQUEST__INIT;
		request.id = (char *)next_key(shared);
		status = chc_client_call(shared->client, &chc__v1__company_service__descriptor,
		                         "GetCompany", &request.base, NULL, &reply, NULL);
	} else if (settings->method == METHOD_MUNICIPALITY) {
		Chc__V1__GetMunicipalityRequest request = CHC__V1__GET_MUNICIPALITY_REQUEST__INIT;
		request.code = atoi(next_key(shared));
		status = chc_client_call(shared->client, &chc__v1__municipality_service__descriptor,
		                         "GetMunicipality", &request.base, NULL, &reply, NULL);
	} else {
		Chc__V1__SearchSolutionsRequest request = CHC__V1__SEARCH_SOLUTIONS_REQUEST__INIT;
		Chc__V1__PageRequest page = CHC__V1__PAGE_REQUEST__INIT;
		page.page_size = 20;
		request.page = &page;
		request.query = (char *)next_key(shared);
		status = chc_client_call(shared->client, &chc__v1__company_service__descriptor,
		                         "SearchSolutions", &request.base, NULL, &reply, NULL);
	}
	if (reply != NULL)
		protobuf_c_message_free_unpacked(reply, NULL);
	return status == CHC_OK ? 0 : -1;
}

/* One request through a plain nng REQ context; returns 0 on a non-empty
 * reply (the raw server answers an empty one when the row is missing). */
static int call_raw(load_shared *shared, nng_ctx context, nng_aio *aio)
{
	char key[64];
	int length =
	        snprintf(key, sizeof key, "%c:%s",
	                 shared->settings->method == METHOD_COMPANY ? 'c' : 'm', next_key(shared));
	nng_msg *message = NULL;
	if (nng_msg_alloc(&message, 0) != 0 || nng_msg_append(message, key, (size_t)length) != 0) {
		nng_msg_free(message);
		return -1;
	}
	nng_aio_set_msg(aio, message);
	nng_ctx_send(context, aio);
	nng_aio_wait(aio);
	if (nng_aio_result(aio) != 0) {
		nng_msg_free(message);
		return -1;
	}
	nng_ctx_recv(context, aio);
	nng_aio_wait(aio);
	if (nng_aio_result(aio) != 0)
		return -1;
	nng_msg *reply = nng_aio_get_msg(aio);
	int ok = nng_msg_len(reply) > 0;
	nng_msg_free(reply);
	return ok ? 0 : -1;
}

static void *run_client(void *argument)
{
	load_shared *shared = argument;
	nng_ctx context = NNG_CTX_INITIALIZER;
	nng_aio *aio = NULL;
	if (shared->settings->raw) {
		if (nng_ctx_open(&context, shared->socket) != 0 ||
		    nng_aio_alloc(&aio, NULL, NULL) != 0) {
			atomic_fetch_add(&shared->errors, 1);
			return NULL;
		}
		nng_aio_set_timeout(aio, 10000);
	}
	while (!atomic_load(&shared->stopping)) {
		uint64_t start = now_us();
		int rv = shared->settings->raw ? call_raw(shared, context, aio) : call_chc(shared);
		uint64_t elapsed = now_us() - start;
		if (!atomic_load(&shared->measuring))
			continue;
		if (rv != 0) {
			atomic_fetch_add(&shared->errors, 1);
			continue;
		}
		size_t slot = atomic_fetch_add(&shared->sample_count, 1);
		if (slot < MAX_SAMPLES)
			shared->samples[slot] =
			        elapsed > UINT32_MAX ? UINT32_MAX : (uint32_t)elapsed;
	}
	if (aio != NULL) {
		nng_aio_free(aio);
		nng_ctx_close(context);
	}
	return NULL;
}

static int compare_samples(const void *left, const void *right)
{
	uint32_t a = *(const uint32_t *)left, b = *(const uint32_t *)right;
	return (a > b) - (a < b);
}

/* Reads the keys the requests ask for: every company id, or every
 * municipality code. */
static int load_keys(load_settings *settings)
{
	const char *url = getenv("CHC_DATABASE_URL");
	if (settings->method == METHOD_SEARCH) {
		/* The queries, separated by '|', asked in turn. */
		settings->key_count = 1;
		for (const char *c = settings->query; *c != '\0'; c++)
			settings->key_count += *c == '|';
		settings->keys = calloc(settings->key_count, sizeof *settings->keys);
		char *copy = strdup(settings->query);
		if (settings->keys == NULL || copy == NULL) {
			free(copy);
			return -1;
		}
		char *cursor = NULL;
		size_t count = 0;
		for (char *query = strtok_r(copy, "|", &cursor); query != NULL;
		     query = strtok_r(NULL, "|", &cursor))
			if ((settings->keys[count] = strdup(query)) != NULL)
				count++;
		settings->key_count = count;
		free(copy);
		return count > 0 ? 0 : -1;
	}
	PGconn *connection = PQconnectdb(url != NULL ? url : "");
	if (PQstatus(connection) != CONNECTION_OK) {
		fprintf(stderr, "database: %s", PQerrorMessage(connection));
		PQfinish(connection);
		return -1;
	}
	const char *sql = settings->method == METHOD_COMPANY
	                          ? "SELECT id::text FROM companies.companies ORDER BY random() "
	                            "LIMIT 100000"
	                          : "SELECT code::text FROM municipalities.municipalities";
	PGresult *result = PQexec(connection, sql);
	int rv = -1;
	if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) > 0) {
		settings->key_count = (size_t)PQntuples(result);
		settings->keys = calloc(settings->key_count, sizeof *settings->keys);
		rv = settings->keys != NULL ? 0 : -1;
		for (size_t row = 0; rv == 0 && row < settings->key_count; row++) {
			settings->keys[row] = strdup(PQgetvalue(result, (int)row, 0));
			if (settings->keys[row] == NULL)
				rv = -1;
		}
	} else {
		fprintf(stderr, "no keys to ask for: %s", PQerrorMessage(connection));
	}
	PQclear(result);
	PQfinish(connection);
	return rv;
}

static void free_keys(load_settings *settings)
{
	if (settings->keys == NULL)
		return;
	for (size_t row = 0; row < settings->key_count; row++)
		free(settings->keys[row]);
	free(settings->keys);
}

static int parse_arguments(int argc, char **argv, load_settings *settings)
{
	static const struct option options[] = {
		{ "target", required_argument, NULL, 't' },
		{ "method", required_argument, NULL, 'm' },
		{ "clients", required_argument, NULL, 'c' },
		{ "seconds", required_argument, NULL, 's' },
		{ "url", required_argument, NULL, 'u' },
		{ "query", required_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	*settings = (load_settings){ .clients = 1, .seconds = 5, .query = "telemonitorering" };
	const char *target = "chc", *method = "company";
	int option;
	while ((option = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (option) {
		case 't':
			target = optarg;
			break;
		case 'm':
			method = optarg;
			break;
		case 'c':
			settings->clients = atoi(optarg);
			break;
		case 's':
			settings->seconds = atoi(optarg);
			break;
		case 'u':
			settings->url = optarg;
			break;
		case 'q':
			settings->query = optarg;
			break;
		default:
			return -1;
		}
	}
	settings->raw = strcmp(target, "raw") == 0;
	if (!settings->raw && strcmp(target, "chc") != 0)
		return -1;
	if (strcmp(method, "company") == 0)
		settings->method = METHOD_COMPANY;
	else if (strcmp(method, "municipality") == 0)
		settings->method = METHOD_MUNICIPALITY;
	else if (strcmp(method, "search") == 0 && !settings->raw)
		settings->method = METHOD_SEARCH;
	else
		return -1;
	if (settings->clients < 1 || settings->clients > MAX_CLIENTS || settings->seconds < 1)
		return -1;
	return 0;
}

/* Opens what the clients send through: one libchc client, or one REQ
 * socket dialled to the raw server. */
static int open_transport(load_shared *shared)
{
	const load_settings *settings = shared->settings;
	if (settings->raw) {
		int rv = nng_req0_open(&shared->socket);
		if (rv == 0)
			rv = nng_dial(shared->socket,
			              settings->url != NULL ? settings->url
			                                    : "tcp://127.0.0.1:7199",
			              NULL, 0);
		if (rv != 0)
			fprintf(stderr, "raw server: %s\n", nng_strerror(rv));
		return rv == 0 ? 0 : -1;
	}
	chc_client_options options;
	chc_client_options_init(&options);
	options.max_attempts = 1;
	chc_endpoint endpoint = settings->method == METHOD_MUNICIPALITY
	                                ? CHC_ENDPOINT_MUNICIPALITIES
	                                : CHC_ENDPOINT_COMPANIES;
	options.urls[endpoint] = settings->url;
	chc_error error;
	chc_error_init(&error);
	chc_status status = chc_client_create(&options, &shared->client, &error);
	if (status != CHC_OK)
		fprintf(stderr, "client: %s\n", error.message);
	chc_error_fini(&error);
	return status == CHC_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
	load_settings settings;
	if (parse_arguments(argc, argv, &settings) != 0) {
		fprintf(stderr,
		        "usage: %s --target chc|raw --method company|municipality|search "
		        "[--clients N] [--seconds S] [--url URL] [--query \"A|B|...\"]\n"
		        "(search only against chc)\n",
		        argv[0]);
		return 2;
	}
	if (load_keys(&settings) != 0)
		return 1;
	load_shared shared = { .settings = &settings };
	shared.samples = calloc(MAX_SAMPLES, sizeof *shared.samples);
	if (shared.samples == NULL || open_transport(&shared) != 0) {
		free(shared.samples);
		free_keys(&settings);
		return 1;
	}
	pthread_t threads[MAX_CLIENTS];
	int started = 0;
	while (started < settings.clients &&
	       pthread_create(&threads[started], NULL, run_client, &shared) == 0)
		started++;
	struct timespec warmup = { 0, WARMUP_MS * 1000000L };
	nanosleep(&warmup, NULL);
	atomic_store(&shared.measuring, true);
	uint64_t start = now_us();
	struct timespec period = { settings.seconds, 0 };
	nanosleep(&period, NULL);
	atomic_store(&shared.measuring, false);
	uint64_t elapsed = now_us() - start;
	atomic_store(&shared.stopping, true);
	for (int index = 0; index < started; index++)
		pthread_join(threads[index], NULL);

	size_t count = atomic_load(&shared.sample_count);
	size_t kept = count < MAX_SAMPLES ? count : MAX_SAMPLES;
	qsort(shared.samples, kept, sizeof *shared.samples, compare_samples);
	uint32_t p50 = kept > 0 ? shared.samples[kept / 2] : 0;
	uint32_t p99 = kept > 0 ? shared.samples[kept * 99 / 100] : 0;
	static const char *const method_names[] = { "GetCompany", "GetMunicipality",
		                                    "SearchSolutions" };
	printf("{\"target\":\"%s\",\"method\":\"%s\",\"clients\":%d,\"requests\":%zu,"
	       "\"errors\":%zu,\"rps\":%.0f,\"p50_us\":%u,\"p99_us\":%u}\n",
	       settings.raw ? "raw" : "chc", method_names[settings.method], started, count,
	       atomic_load(&shared.errors), (double)count * 1e6 / (double)elapsed, p50, p99);

	if (settings.raw)
		nng_close(shared.socket);
	chc_client_destroy(shared.client);
	free(shared.samples);
	free_keys(&settings);
	return started == settings.clients && atomic_load(&shared.errors) == 0 ? 0 : 1;
}
