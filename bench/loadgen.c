/*
 * loadgen.c - closed-loop load against a CHC Match service or the raw limit.
 *
 *   chc-bench-load --target chc|raw --method METHOD [--clients N] [--seconds S]
 *                  [--url URL] [--query "A|B|..."] [--page P] [--page-size K]
 *
 * METHOD is one of
 *   company, municipality, project, testbed   the hot read of each service
 *                                             (GetCompany ... GetTestBed)
 *   create     a write: CreateTestBed with its own idempotency key per call
 *              (raw: a plain INSERT of a test bed in a transaction)
 *   search     SearchSolutions over the --query texts (chc only)
 *   list       ListSolutions, page P of page size K (chc only)
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
 *
 * A deep page is reached the way a caller reaches it: page 1, then each
 * reply's next_page_token in turn, P - 1 times, with the token passed back
 * unchanged (its format is the service's business). The run then asks for
 * that one page over and over; the line also gives the page reached (fewer
 * than P when the list ends sooner) and the walk's time.
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
#include "chc/v1/matching.pb-c.h"
#include "chc/v1/municipalities.pb-c.h"
#include "chc/v1/projects.pb-c.h"
#include "closed_test_bed.h"

enum { MAX_CLIENTS = 256, WARMUP_MS = 500, MAX_SAMPLES = 4000000 };

typedef enum load_method {
	METHOD_COMPANY,
	METHOD_MUNICIPALITY,
	METHOD_PROJECT,
	METHOD_TEST_BED,
	METHOD_CREATE,
	METHOD_SEARCH,
	METHOD_LIST,
	METHOD_COUNT
} load_method;

/* What each --method is: the name it is reported under, the tag of its
 * request to the raw server (0: none there), where its keys come from
 * (NULL: none needed) and which service answers it. */
static const struct method_info {
	const char *word;
	const char *name;
	char raw_tag;
	const char *keys_sql;
	chc_endpoint endpoint;
} method_table[METHOD_COUNT] = {
	[METHOD_COMPANY] = { "company", "GetCompany", 'c',
	                     "SELECT id::text FROM companies.companies ORDER BY random() "
	                     "LIMIT 100000",
	                     CHC_ENDPOINT_COMPANIES },
	[METHOD_MUNICIPALITY] = { "municipality", "GetMunicipality", 'm',
	                          "SELECT code::text FROM municipalities.municipalities",
	                          CHC_ENDPOINT_MUNICIPALITIES },
	[METHOD_PROJECT] = { "project", "GetProject", 'p',
	                     "SELECT id::text FROM projects.projects ORDER BY random() LIMIT "
	                     "100000",
	                     CHC_ENDPOINT_PROJECTS },
	[METHOD_TEST_BED] = { "testbed", "GetTestBed", 't',
	                      "SELECT id::text FROM matching.test_beds ORDER BY random() "
	                      "LIMIT 100000",
	                      CHC_ENDPOINT_MATCHING },
	[METHOD_CREATE] = { "create", "CreateTestBed", 'w', NULL, CHC_ENDPOINT_MATCHING },
	[METHOD_SEARCH] = { "search", "SearchSolutions", 0, NULL, CHC_ENDPOINT_COMPANIES },
	[METHOD_LIST] = { "list", "ListSolutions", 0, NULL, CHC_ENDPOINT_COMPANIES },
};

typedef struct load_settings {
	bool raw;
	load_method method;
	int clients;
	int seconds;
	int page;      /* list: the page asked for, 1 the first */
	int page_size; /* list */
	const char *url;
	const char *query;
	char **keys; /* ids, municipality codes or queries, as text */
	size_t key_count;
	char *page_token; /* list: the token of the page reached; NULL for page 1 */
	int page_reached;
	double walk_ms;
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

/* A test bed no job will match (closed) and that the benchmark deletes
 * afterwards by its name. */
static chc_status create_test_bed(load_shared *shared, ProtobufCMessage **reply)
{
	char name[64], key[37];
	snprintf(name, sizeof name, "bench write %zu", atomic_fetch_add(&shared->next_key, 1));
	/* A key of its own per call, as a partner's retried write would carry:
	 * the service records it with the write. */
	chc_uuid_generate(key);
	closed_test_bed made;
	closed_test_bed_init(&made, name);
	made.test_bed.description = "written by the benchmark";
	Chc__V1__CreateTestBedRequest request = CHC__V1__CREATE_TEST_BED_REQUEST__INIT;
	request.test_bed = &made.test_bed;
	chc_call_options options = { .idempotency_key = key };
	return chc_client_call(shared->client, &chc__v1__matching_service__descriptor,
	                       "CreateTestBed", &request.base, &options, reply, NULL);
}

static const ProtobufCServiceDescriptor *const services[CHC_ENDPOINT_COUNT] = {
	[CHC_ENDPOINT_COMPANIES] = &chc__v1__company_service__descriptor,
	[CHC_ENDPOINT_MUNICIPALITIES] = &chc__v1__municipality_service__descriptor,
	[CHC_ENDPOINT_PROJECTS] = &chc__v1__project_service__descriptor,
	[CHC_ENDPOINT_MATCHING] = &chc__v1__matching_service__descriptor,
};

/* A hot read: the Get request of info, its key (an id, or a municipality's
 * code) the next one in turn. */
static chc_status get_by_key(load_shared *shared, const struct method_info *info,
                             ProtobufCMessage **reply)
{
	const ProtobufCServiceDescriptor *service = services[info->endpoint];
	const ProtobufCMessageDescriptor *type =
	        protobuf_c_service_descriptor_get_method_by_name(service, info->name)->input;
	union {
		ProtobufCMessage base;
		Chc__V1__GetCompanyRequest company;
		Chc__V1__GetMunicipalityRequest municipality;
		Chc__V1__GetProjectRequest project;
		Chc__V1__GetTestBedRequest test_bed;
	} request;
	protobuf_c_message_init(type, &request);
	const char *key = next_key(shared);
	const ProtobufCFieldDescriptor *id =
	        protobuf_c_message_descriptor_get_field_by_name(type, "id");
	if (id != NULL)
		*(const char **)((char *)&request + id->offset) = key;
	else
		request.municipality.code = atoi(key);
	return chc_client_call(shared->client, service, info->name, &request.base, NULL, reply,
	                       NULL);
}

/* One request through libchc; returns 0 on an OK reply. */
static int call_chc(load_shared *shared)
{
	const load_settings *settings = shared->settings;
	ProtobufCMessage *reply = NULL;
	chc_status status;
	const struct method_info *info = &method_table[settings->method];
	switch (settings->method) {
	case METHOD_COMPANY:
	case METHOD_MUNICIPALITY:
	case METHOD_PROJECT:
	case METHOD_TEST_BED:
		status = get_by_key(shared, info, &reply);
		break;
	case METHOD_CREATE:
		status = create_test_bed(shared, &reply);
		break;
	case METHOD_SEARCH: {
		Chc__V1__SearchSolutionsRequest request = CHC__V1__SEARCH_SOLUTIONS_REQUEST__INIT;
		Chc__V1__PageRequest page = CHC__V1__PAGE_REQUEST__INIT;
		page.page_size = 20;
		request.page = &page;
		request.query = (char *)next_key(shared);
		status = chc_client_call(shared->client, services[info->endpoint], info->name,
		                         &request.base, NULL, &reply, NULL);
		break;
	}
	default: {
		Chc__V1__ListSolutionsRequest request = CHC__V1__LIST_SOLUTIONS_REQUEST__INIT;
		Chc__V1__PageRequest page = CHC__V1__PAGE_REQUEST__INIT;
		page.page_size = settings->page_size;
		if (settings->page_token != NULL)
			page.page_token = settings->page_token;
		request.page = &page;
		status = chc_client_call(shared->client, services[info->endpoint], info->name,
		                         &request.base, NULL, &reply, NULL);
		break;
	}
	}
	if (reply != NULL)
		protobuf_c_message_free_unpacked(reply, NULL);
	return status == CHC_OK ? 0 : -1;
}

/* One request through a plain nng REQ context; returns 0 on a non-empty
 * reply (the raw server answers an empty one when the row is missing or
 * the write failed). */
static int call_raw(load_shared *shared, nng_ctx context, nng_aio *aio)
{
	char key[64];
	char tag = method_table[shared->settings->method].raw_tag;
	int length = shared->settings->method == METHOD_CREATE
	                     ? snprintf(key, sizeof key, "%c:%zu", tag,
	                                atomic_fetch_add(&shared->next_key, 1))
	                     : snprintf(key, sizeof key, "%c:%s", tag, next_key(shared));
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

/* The queries, separated by '|', asked in turn. */
static int split_queries(load_settings *settings)
{
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

/* Reads the keys the requests ask for: ids or municipality codes from the
 * database, or the search queries. */
static int load_keys(load_settings *settings)
{
	if (settings->method == METHOD_SEARCH)
		return split_queries(settings);
	const char *sql = method_table[settings->method].keys_sql;
	if (sql == NULL)
		return 0;
	const char *url = getenv("CHC_DATABASE_URL");
	PGconn *connection = PQconnectdb(url != NULL ? url : "");
	if (PQstatus(connection) != CONNECTION_OK) {
		fprintf(stderr, "database: %s", PQerrorMessage(connection));
		PQfinish(connection);
		return -1;
	}
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
		fprintf(stderr, "no keys to ask for (%s): %s", sql, PQerrorMessage(connection));
	}
	PQclear(result);
	PQfinish(connection);
	return rv;
}

static void free_keys(load_settings *settings)
{
	free(settings->page_token);
	if (settings->keys == NULL)
		return;
	for (size_t row = 0; row < settings->key_count; row++)
		free(settings->keys[row]);
	free(settings->keys);
}

/* Follows the chain of next_page_token from page 1 to the page asked for,
 * or to the last page when the list ends sooner; keeps the token that asks
 * for the page reached. */
static int walk_to_page(load_shared *shared, load_settings *settings)
{
	uint64_t start = now_us();
	char *token = NULL;
	int page = 1;
	while (page < settings->page) {
		Chc__V1__ListSolutionsRequest request = CHC__V1__LIST_SOLUTIONS_REQUEST__INIT;
		Chc__V1__PageRequest paging = CHC__V1__PAGE_REQUEST__INIT;
		paging.page_size = settings->page_size;
		if (token != NULL)
			paging.page_token = token;
		request.page = &paging;
		ProtobufCMessage *reply = NULL;
		chc_error error;
		chc_error_init(&error);
		chc_status status =
		        chc_client_call(shared->client, &chc__v1__company_service__descriptor,
		                        "ListSolutions", &request.base, NULL, &reply, &error);
		if (status != CHC_OK) {
			fprintf(stderr, "ListSolutions page %d: %s\n", page, error.message);
			chc_error_fini(&error);
			free(token);
			return -1;
		}
		chc_error_fini(&error);
		const Chc__V1__ListSolutionsResponse *response = (const void *)reply;
		const char *next = response->page != NULL ? response->page->next_page_token : "";
		bool last = next == NULL || next[0] == '\0';
		if (!last) {
			free(token);
			token = strdup(next);
		}
		protobuf_c_message_free_unpacked(reply, NULL);
		if (last)
			break;
		if (token == NULL)
			return -1;
		page++;
	}
	settings->page_token = token;
	settings->page_reached = page;
	settings->walk_ms = (double)(now_us() - start) / 1000.0;
	return 0;
}

static int parse_arguments(int argc, char **argv, load_settings *settings)
{
	static const struct option options[] = {
		{ "target", required_argument, NULL, 0 },
		{ "method", required_argument, NULL, 0 },
		{ "clients", required_argument, NULL, 0 },
		{ "seconds", required_argument, NULL, 0 },
		{ "url", required_argument, NULL, 0 },
		{ "query", required_argument, NULL, 0 },
		{ "page", required_argument, NULL, 0 },
		{ "page-size", required_argument, NULL, 0 },
		{ NULL, 0, NULL, 0 },
	};
	*settings = (load_settings){
		.clients = 1, .seconds = 5, .page = 1, .page_size = 100, .query = "telemonitorering"
	};
	const char *target = "chc", *method = "company";
	/* Where each option's value goes, in the order of options: a number
	 * or a text. */
	int *const numbers[] = { NULL, NULL, &settings->clients, &settings->seconds,
		                 NULL, NULL, &settings->page,    &settings->page_size };
	const char **const texts[] = { &target,        &method,          NULL, NULL,
		                       &settings->url, &settings->query, NULL, NULL };
	int option, given = 0;
	while ((option = getopt_long(argc, argv, "", options, &given)) != -1) {
		if (option != 0)
			return -1;
		if (numbers[given] != NULL)
			*numbers[given] = atoi(optarg);
		else
			*texts[given] = optarg;
	}
	settings->raw = strcmp(target, "raw") == 0;
	if (!settings->raw && strcmp(target, "chc") != 0)
		return -1;
	int found = -1;
	for (int index = 0; index < METHOD_COUNT; index++)
		if (strcmp(method, method_table[index].word) == 0)
			found = index;
	if (found < 0 || (settings->raw && method_table[found].raw_tag == 0))
		return -1;
	settings->method = (load_method)found;
	if (settings->clients < 1 || settings->clients > MAX_CLIENTS || settings->seconds < 1 ||
	    settings->page < 1 || settings->page_size < 1)
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
	options.urls[method_table[settings->method].endpoint] = settings->url;
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
		        "usage: %s --target chc|raw --method "
		        "company|municipality|project|testbed|create|search|list\n"
		        "       [--clients N] [--seconds S] [--url URL] [--query \"A|B|...\"]\n"
		        "       [--page P] [--page-size K]\n"
		        "(search and list only against chc)\n",
		        argv[0]);
		return 2;
	}
	if (load_keys(&settings) != 0)
		return 1;
	load_shared shared = { .settings = &settings };
	shared.samples = calloc(MAX_SAMPLES, sizeof *shared.samples);
	if (shared.samples == NULL || open_transport(&shared) != 0 ||
	    (settings.method == METHOD_LIST && walk_to_page(&shared, &settings) != 0)) {
		free(shared.samples);
		chc_client_destroy(shared.client);
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
	printf("{\"target\":\"%s\",\"method\":\"%s\",\"clients\":%d,\"requests\":%zu,"
	       "\"errors\":%zu,\"rps\":%.0f,\"p50_us\":%u,\"p99_us\":%u",
	       settings.raw ? "raw" : "chc", method_table[settings.method].name, started, count,
	       atomic_load(&shared.errors), (double)count * 1e6 / (double)elapsed, p50, p99);
	if (settings.method == METHOD_LIST)
		printf(",\"page\":%d,\"page_size\":%d,\"walk_ms\":%.0f", settings.page_reached,
		       settings.page_size, settings.walk_ms);
	printf("}\n");

	if (settings.raw)
		nng_close(shared.socket);
	chc_client_destroy(shared.client);
	free(shared.samples);
	free_keys(&settings);
	return started == settings.clients && atomic_load(&shared.errors) == 0 ? 0 : 1;
}
