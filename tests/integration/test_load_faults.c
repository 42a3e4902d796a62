/*
 * test_load_faults.c - 32 callers keep the four services busy with mixed
 * reads and writes while things go wrong underneath: PostgreSQL stopped and
 * started again, a service killed and started again on its ports, SIGTERM of
 * a lone instance and of one of two, the database refusing writes. Each
 * scenario checks the codes the callers saw and that no call outlived its
 * deadline, then checks in SQL that every acknowledged write is there
 * exactly once; the writes that got no OK are then sent again with their
 * idempotency keys, and afterwards every write sent must be there once.
 *
 * CHC_LOAD_SECONDS (default 10; scripts/test.sh gives 60) is how long the
 * steady load runs; each fault scenario runs a third of that, at least
 * FAULT_SECONDS_MINIMUM. Each scenario prints one summary line.
 *
 * A full disk is test_disk_full's (it mounts a small file system, which
 * takes root); matching killed in the middle of a job is test_matching's.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "chc_test_main.h"
#include <nng/nng.h>
#include <nng/supplemental/util/platform.h>

#include "chc/v1/companies.pb-c.h"
#include "chc/v1/matching.pb-c.h"
#include "chc/v1/municipalities.pb-c.h"
#include "chc/v1/projects.pb-c.h"
#include "closed_test_bed.h"
#include "harness.h"

enum { CALLERS = 32, STATUS_COUNT = 17, FAULT_SECONDS_MINIMUM = 8 };
/* How long past its deadline a call may come back: the wake-up and the
 * hand-back on a machine the load keeps busy. A hang is far longer. */
#define DEADLINE_SLACK_MS 1500
/* How soon after a fault ends every call must succeed again. */
#define RECOVERY_MS 5000

typedef enum write_kind {
	WRITE_COMPANY,
	WRITE_NEED,
	WRITE_PROJECT,
	WRITE_TEST_BED,
	WRITE_KIND_COUNT
} write_kind;

/* One write a caller sent: enough to send the very same request again. */
typedef struct sent_write {
	write_kind kind;
	char name[40]; /* unique per write: the name or title the record gets */
	char key[37];
	bool acknowledged;
	int64_t started_ms; /* since the load began */
	int64_t finished_ms;
} sent_write;

typedef struct load load;

typedef struct caller {
	load *load;
	pthread_t thread;
	int number;
	unsigned seed;
	int sequence;
	sent_write *writes;
	size_t write_count;
	size_t write_capacity;
	/* What this caller last made of each kind: its reads ask for it. */
	char last_id[WRITE_KIND_COUNT][37];
} caller;

/* Which answers a scenario accepts. */
typedef bool (*answer_check)(bool is_write, chc_status status, const char *message);

struct load {
	const char *scenario;
	int number; /* of the scenario, in the names of its writes */
	chc_client *client;
	chc_call_options options;
	answer_check expected;
	int64_t began_ms;
	atomic_bool stopping;
	atomic_long calls;
	atomic_long answers[STATUS_COUNT];
	atomic_long slowest_ms;
	atomic_long last_failure_ms; /* since the load began; -1: none */
	atomic_long unexpected;
	pthread_mutex_t lock; /* guards first_unexpected */
	char first_unexpected[320];
	caller callers[CALLERS];
};

static harness_stack stack;
static load current;
static char run[9];                         /* this run's mark in every name */
static char need_deadline[11];              /* the same date for a need sent twice */
static char company_id[37];                 /* the lead of every project */
static char read_ids[WRITE_KIND_COUNT][37]; /* read until a caller made its own */

static int64_t since_began(void)
{
	return harness_monotonic_ms() - current.began_ms;
}

static void keep_maximum(atomic_long *maximum, long value)
{
	long seen = atomic_load(maximum);
	while (value > seen && !atomic_compare_exchange_weak(maximum, &seen, value))
		;
}

static int load_seconds(void)
{
	const char *text = getenv("CHC_LOAD_SECONDS");
	int seconds = text != NULL ? atoi(text) : 0;
	return seconds > 0 ? seconds : 10;
}

static int fault_seconds(void)
{
	int seconds = load_seconds() / 3;
	return seconds > FAULT_SECONDS_MINIMUM ? seconds : FAULT_SECONDS_MINIMUM;
}

/* Sleeps until the load has run until_ms, or at least minimum_ms more. */
static void run_until(int64_t until_ms, int64_t minimum_ms)
{
	int64_t left = until_ms - since_began();
	nng_msleep((nng_duration)(left > minimum_ms ? left : minimum_ms));
}

static bool reply_id(const ProtobufCMessage *reply, char id[37])
{
	/* Every message a Create method returns has its id as field "id". */
	const ProtobufCFieldDescriptor *field =
	        protobuf_c_message_descriptor_get_field_by_name(reply->descriptor, "id");
	if (field == NULL || field->type != PROTOBUF_C_TYPE_STRING)
		return false;
	snprintf(id, 37, "%s", *(char *const *)((const char *)reply + field->offset));
	return true;
}

/* A foreign company (no CVR to run out of), whose VAT number is its name's
 * letters and digits. */
static chc_status create_company(chc_client *client, const chc_call_options *options,
                                 const char *name, ProtobufCMessage **reply, chc_error *error)
{
	char vat_number[24];
	size_t length = 0;
	for (const char *c = name; *c != '\0' && length + 1 < sizeof(vat_number); c++)
		if (*c != '-')
			vat_number[length++] = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
	vat_number[length] = '\0';
	Chc__V1__Company company = CHC__V1__COMPANY__INIT;
	company.name = (char *)name;
	company.country = "NO";
	company.vat_number = vat_number;
	/* Checked with the municipalities service: one more service on the path. */
	company.municipality_code = 101;
	Chc__V1__CreateCompanyRequest request = CHC__V1__CREATE_COMPANY_REQUEST__INIT;
	request.company = &company;
	return chc_client_call(client, &chc__v1__company_service__descriptor, "CreateCompany",
	                       &request.base, options, reply, error);
}

/* A draft need, which no matching job reads. */
static chc_status create_need(chc_client *client, const chc_call_options *options,
                              const char *title, ProtobufCMessage **reply, chc_error *error)
{
	Chc__V1__NeedOwner owner = CHC__V1__NEED_OWNER__INIT;
	owner.region_code = 1085;
	Chc__V1__NeedOwner *owners[] = { &owner };
	Chc__V1__Need need = CHC__V1__NEED__INIT;
	need.n_owners = 1;
	need.owners = owners;
	need.title = (char *)title;
	need.care_area = CHC__V1__CARE_CATEGORY__CARE_CATEGORY_REHABILITATION;
	need.min_trl = 5;
	need.max_device_class = CHC__V1__DEVICE_CLASS__DEVICE_CLASS_NOT_A_DEVICE;
	need.procurement_route = CHC__V1__PROCUREMENT_ROUTE__PROCUREMENT_ROUTE_DIRECT_PURCHASE;
	need.deadline = need_deadline;
	need.status = CHC__V1__NEED_STATUS__NEED_STATUS_DRAFT;
	Chc__V1__CreateNeedRequest request = CHC__V1__CREATE_NEED_REQUEST__INIT;
	request.need = &need;
	return chc_client_call(client, &chc__v1__municipality_service__descriptor, "CreateNeed",
	                       &request.base, options, reply, error);
}

/* Led by the suite's company, which the projects service asks the
 * companies service about. */
static chc_status create_project(chc_client *client, const chc_call_options *options,
                                 const char *title, ProtobufCMessage **reply, chc_error *error)
{
	Chc__V1__Party party = CHC__V1__PARTY__INIT;
	party.kind = CHC__V1__PARTY_KIND__PARTY_KIND_COMPANY;
	party.company_id = company_id;
	Chc__V1__Participant lead = CHC__V1__PARTICIPANT__INIT;
	lead.party = &party;
	lead.role = CHC__V1__PARTICIPANT_ROLE__PARTICIPANT_ROLE_LEAD;
	Chc__V1__Participant *participants[] = { &lead };
	Chc__V1__Project project = CHC__V1__PROJECT__INIT;
	project.title = (char *)title;
	project.n_participants = 1;
	project.participants = participants;
	Chc__V1__CreateProjectRequest request = CHC__V1__CREATE_PROJECT_REQUEST__INIT;
	request.project = &project;
	return chc_client_call(client, &chc__v1__project_service__descriptor, "CreateProject",
	                       &request.base, options, reply, error);
}

/* A closed test bed, which no matching job offers. */
static chc_status create_test_bed(chc_client *client, const chc_call_options *options,
                                  const char *name, ProtobufCMessage **reply, chc_error *error)
{
	closed_test_bed made;
	closed_test_bed_init(&made, (char *)name);
	Chc__V1__CreateTestBedRequest request = CHC__V1__CREATE_TEST_BED_REQUEST__INIT;
	request.test_bed = &made.test_bed;
	return chc_client_call(client, &chc__v1__matching_service__descriptor, "CreateTestBed",
	                       &request.base, options, reply, error);
}

/* Sends write with its own key; on OK copies the id of what it made. */
static chc_status send_write(chc_client *client, const chc_call_options *options,
                             const sent_write *write, char id[37], chc_error *error)
{
	typedef chc_status (*creator)(chc_client *, const chc_call_options *, const char *,
	                              ProtobufCMessage **, chc_error *);
	static const creator creators[WRITE_KIND_COUNT] = { create_company, create_need,
		                                            create_project, create_test_bed };
	chc_call_options keyed = *options;
	keyed.idempotency_key = write->key;
	ProtobufCMessage *reply = NULL;
	chc_status status = creators[write->kind](client, &keyed, write->name, &reply, error);
	if (status == CHC_OK && !reply_id(reply, id))
		status = chc_error_set(error, CHC_INTERNAL, "the reply names no id");
	if (reply != NULL)
		protobuf_c_message_free_unpacked(reply, NULL);
	return status;
}

/* The read of kind (or, every other time, of its neighbour without an
 * id: the solutions list, a municipality). */
static chc_status send_read(caller *self, write_kind kind, bool by_id, chc_error *error)
{
	const char *id = self->last_id[kind][0] != '\0' ? self->last_id[kind] : read_ids[kind];
	chc_client *client = self->load->client;
	const chc_call_options *options = &self->load->options;
	ProtobufCMessage *reply = NULL;
	chc_status status;
	if (kind == WRITE_COMPANY && by_id) {
		Chc__V1__GetCompanyRequest request = CHC__V1__GET_COMPANY_REQUEST__INIT;
		request.id = (char *)id;
		status = chc_client_call(client, &chc__v1__company_service__descriptor,
		                         "GetCompany", &request.base, options, &reply, error);
	} else if (kind == WRITE_COMPANY) {
		Chc__V1__PageRequest page = CHC__V1__PAGE_REQUEST__INIT;
		page.page_size = 10;
		Chc__V1__ListSolutionsRequest request = CHC__V1__LIST_SOLUTIONS_REQUEST__INIT;
		request.page = &page;
		status = chc_client_call(client, &chc__v1__company_service__descriptor,
		                         "ListSolutions", &request.base, options, &reply, error);
	} else if (kind == WRITE_NEED && by_id) {
		Chc__V1__GetNeedRequest request = CHC__V1__GET_NEED_REQUEST__INIT;
		request.id = (char *)id;
		status = chc_client_call(client, &chc__v1__municipality_service__descriptor,
		                         "GetNeed", &request.base, options, &reply, error);
	} else if (kind == WRITE_NEED) {
		Chc__V1__GetMunicipalityRequest request = CHC__V1__GET_MUNICIPALITY_REQUEST__INIT;
		request.code = 101;
		status = chc_client_call(client, &chc__v1__municipality_service__descriptor,
		                         "GetMunicipality", &request.base, options, &reply, error);
	} else if (kind == WRITE_PROJECT) {
		Chc__V1__GetProjectRequest request = CHC__V1__GET_PROJECT_REQUEST__INIT;
		request.id = (char *)id;
		status = chc_client_call(client, &chc__v1__project_service__descriptor,
		                         "GetProject", &request.base, options, &reply, error);
	} else {
		Chc__V1__GetTestBedRequest request = CHC__V1__GET_TEST_BED_REQUEST__INIT;
		request.id = (char *)id;
		status = chc_client_call(client, &chc__v1__matching_service__descriptor,
		                         "GetTestBed", &request.base, options, &reply, error);
	}
	if (reply != NULL)
		protobuf_c_message_free_unpacked(reply, NULL);
	return status;
}

static sent_write *next_write(caller *self, write_kind kind)
{
	if (self->write_count == self->write_capacity) {
		size_t capacity = self->write_capacity ? 2 * self->write_capacity : 256;
		sent_write *grown = realloc(self->writes, capacity * sizeof(*grown));
		if (grown == NULL)
			return NULL;
		self->writes = grown;
		self->write_capacity = capacity;
	}
	sent_write *write = &self->writes[self->write_count++];
	memset(write, 0, sizeof(*write));
	write->kind = kind;
	snprintf(write->name, sizeof(write->name), "lf-%s-%d-%02d-%06d", run, self->load->number,
	         self->number, self->sequence++);
	chc_uuid_generate(write->key);
	return write;
}

static void note_answer(load *shared, const char *what, bool is_write, chc_status status,
                        const chc_error *error, int64_t started_ms)
{
	int64_t finished_ms = since_began();
	atomic_fetch_add(&shared->calls, 1);
	if ((int)status >= 0 && (int)status < STATUS_COUNT)
		atomic_fetch_add(&shared->answers[status], 1);
	keep_maximum(&shared->slowest_ms, (long)(finished_ms - started_ms));
	if (status != CHC_OK)
		keep_maximum(&shared->last_failure_ms, (long)finished_ms);
	const char *message = error->message != NULL ? error->message : "";
	if (shared->expected(is_write, status, message))
		return;
	if (atomic_fetch_add(&shared->unexpected, 1) == 0) {
		pthread_mutex_lock(&shared->lock);
		snprintf(shared->first_unexpected, sizeof(shared->first_unexpected),
		         "%s at %lld ms: %s: %s", what, (long long)finished_ms,
		         chc_status_name(status), message);
		pthread_mutex_unlock(&shared->lock);
	}
}

static void *caller_main(void *argument)
{
	caller *self = argument;
	load *shared = self->load;
	static const char *const write_methods[WRITE_KIND_COUNT] = { "CreateCompany", "CreateNeed",
		                                                     "CreateProject",
		                                                     "CreateTestBed" };
	static const char *const read_methods[WRITE_KIND_COUNT] = { "GetCompany/ListSolutions",
		                                                    "GetNeed/GetMunicipality",
		                                                    "GetProject", "GetTestBed" };
	while (!atomic_load(&shared->stopping)) {
		/* Four in ten calls write, one of each kind in turn at random. */
		int pick = (int)(rand_r(&self->seed) % 10);
		write_kind kind = (write_kind)(pick % WRITE_KIND_COUNT);
		chc_error error = { 0 };
		int64_t started_ms = since_began();
		if (pick < WRITE_KIND_COUNT) {
			sent_write *write = next_write(self, kind);
			if (write == NULL)
				break;
			write->started_ms = started_ms;
			char id[37];
			chc_status status =
			        send_write(shared->client, &shared->options, write, id, &error);
			write->finished_ms = since_began();
			write->acknowledged = status == CHC_OK;
			if (status == CHC_OK)
				memcpy(self->last_id[kind], id, sizeof(id));
			note_answer(shared, write_methods[kind], true, status, &error, started_ms);
		} else {
			chc_status status = send_read(self, kind, pick < 8, &error);
			note_answer(shared, read_methods[kind], false, status, &error, started_ms);
		}
		chc_error_fini(&error);
	}
	return NULL;
}

static void load_start(const char *scenario, chc_client *client, const chc_call_options *options,
                       answer_check expected)
{
	int number = current.number + 1;
	memset(&current, 0, sizeof(current));
	current.scenario = scenario;
	current.number = number;
	current.client = client;
	current.options = *options;
	current.expected = expected;
	atomic_store(&current.last_failure_ms, -1);
	pthread_mutex_init(&current.lock, NULL);
	current.began_ms = harness_monotonic_ms();
	for (int i = 0; i < CALLERS; i++) {
		caller *self = &current.callers[i];
		self->load = &current;
		self->number = i;
		self->seed = (unsigned)(number * 1000 + i);
		if (pthread_create(&self->thread, NULL, caller_main, self) != 0)
			fail_msg("cannot start caller %d", i);
	}
}

static void load_stop(void)
{
	atomic_store(&current.stopping, true);
	for (int i = 0; i < CALLERS; i++)
		pthread_join(current.callers[i].thread, NULL);
}

static void load_report(int seconds)
{
	char answers[512] = "";
	size_t used = 0;
	for (int status = 0; status < STATUS_COUNT; status++) {
		long count = atomic_load(&current.answers[status]);
		if (count > 0 && used < sizeof(answers))
			used += (size_t)snprintf(answers + used, sizeof(answers) - used, "%s%s %ld",
			                         used ? ", " : "", chc_status_name(status), count);
	}
	printf("load_faults %s: %d callers, %d s, %ld calls (%s), slowest %ld ms, %ld "
	       "unexpected%s%s\n",
	       current.scenario, CALLERS, seconds, atomic_load(&current.calls), answers,
	       atomic_load(&current.slowest_ms), atomic_load(&current.unexpected),
	       current.first_unexpected[0] ? ", first: " : "", current.first_unexpected);
}

static void load_free(void)
{
	for (int i = 0; i < CALLERS; i++) {
		free(current.callers[i].writes);
		current.callers[i].writes = NULL;
	}
	pthread_mutex_destroy(&current.lock);
}

static int by_name(const void *left, const void *right)
{
	const sent_write *const *a = left;
	const sent_write *const *b = right;
	return strcmp((*a)->name, (*b)->name);
}

/* How many records carry each write's name, in writes' order (sorted by
 * name); returns the number of records nobody sent, or -1 when the query
 * failed. */
static long count_records(sent_write **writes, size_t count, int *found)
{
	char sql[1024];
	snprintf(sql, sizeof(sql),
	         "SELECT name, count(*) FROM (SELECT name FROM companies.companies UNION ALL "
	         "SELECT title FROM municipalities.needs UNION ALL SELECT title FROM "
	         "projects.projects UNION ALL SELECT name FROM matching.test_beds) AS made(name) "
	         "WHERE name LIKE 'lf-%s-%d-%%' GROUP BY name",
	         run, current.number);
	PGresult *result = PQexec(stack.database, sql);
	if (PQresultStatus(result) != PGRES_TUPLES_OK) {
		fprintf(stderr, "counting records failed: %s", PQerrorMessage(stack.database));
		PQclear(result);
		return -1;
	}
	memset(found, 0, count * sizeof(*found));
	long strays = 0;
	for (int row = 0; row < PQntuples(result); row++) {
		sent_write key = { .kind = WRITE_COMPANY };
		snprintf(key.name, sizeof(key.name), "%s", PQgetvalue(result, row, 0));
		const sent_write *wanted = &key;
		sent_write **match = bsearch(&wanted, writes, count, sizeof(*writes), by_name);
		if (match == NULL)
			strays++;
		else
			found[match - writes] = atoi(PQgetvalue(result, row, 1));
	}
	PQclear(result);
	return strays;
}

/*
 * Every acknowledged write is there once; the others are sent again with
 * their keys (each must now succeed, returning the stored reply where the
 * first attempt committed), and then every write is there once.
 */
static void writes_verify(void)
{
	size_t count = 0;
	for (int i = 0; i < CALLERS; i++)
		count += current.callers[i].write_count;
	sent_write **writes = calloc(count + 1, sizeof(*writes));
	int *found = calloc(count + 1, sizeof(*found));
	assert_non_null(writes);
	assert_non_null(found);
	size_t next = 0;
	for (int i = 0; i < CALLERS; i++)
		for (size_t k = 0; k < current.callers[i].write_count; k++)
			writes[next++] = &current.callers[i].writes[k];
	qsort(writes, count, sizeof(*writes), by_name);

	long acknowledged = 0, lost = 0, doubled = 0, unanswered = 0, committed_unanswered = 0;
	long strays = count_records(writes, count, found);
	for (size_t i = 0; i < count; i++) {
		acknowledged += writes[i]->acknowledged;
		lost += writes[i]->acknowledged && found[i] == 0;
		doubled += found[i] > 1;
		unanswered += !writes[i]->acknowledged;
		committed_unanswered += !writes[i]->acknowledged && found[i] == 1;
	}
	chc_call_options patient = { .timeout_ms = 20000, .max_attempts = 5 };
	long resend_failures = 0;
	char resend_failure[256] = "";
	for (size_t i = 0; i < count; i++) {
		if (writes[i]->acknowledged)
			continue;
		char id[37];
		chc_error error = { 0 };
		if (send_write(stack.client, &patient, writes[i], id, &error) != CHC_OK &&
		    resend_failures++ == 0)
			snprintf(resend_failure, sizeof(resend_failure), "%s: %s", writes[i]->name,
			         error.message);
		chc_error_fini(&error);
	}
	long strays_after = count_records(writes, count, found);
	long once = 0;
	for (size_t i = 0; i < count; i++)
		once += found[i] == 1;
	printf("load_faults %s: writes %zu sent, %ld acknowledged, %ld lost, %ld doubled; %ld "
	       "unanswered (%ld of them had committed) sent again, %ld failed; then %ld of %zu "
	       "found exactly once, %ld records nobody sent\n",
	       current.scenario, count, acknowledged, lost, doubled, unanswered,
	       committed_unanswered, resend_failures, once, count, strays_after);
	if (resend_failures > 0)
		fprintf(stderr, "first failed resend: %s\n", resend_failure);
	free(writes);
	free(found);
	assert_true(count > 0);
	assert_int_equal(strays, 0);
	assert_int_equal(lost, 0);
	assert_int_equal(doubled, 0);
	assert_int_equal(resend_failures, 0);
	assert_int_equal(strays_after, 0);
	assert_int_equal(once, (long)count);
}

static bool only_ok(bool is_write, chc_status status, const char *message)
{
	(void)is_write;
	(void)message;
	return status == CHC_OK;
}

static bool ok_or_unavailable(bool is_write, chc_status status, const char *message)
{
	(void)is_write;
	(void)message;
	return status == CHC_OK || status == CHC_UNAVAILABLE;
}

/* An answer is OK or UNAVAILABLE; no answer at all, while the only
 * instance is away, is the client's own DEADLINE_EXCEEDED. */
static bool answered_or_not_at_all(bool is_write, chc_status status, const char *message)
{
	(void)is_write;
	return status == CHC_OK || status == CHC_UNAVAILABLE ||
	       (status == CHC_DEADLINE_EXCEEDED && strncmp(message, "no reply within", 15) == 0);
}

static bool reads_go_on_writes_refused(bool is_write, chc_status status, const char *message)
{
	return status == CHC_OK || (is_write && status == CHC_UNAVAILABLE &&
	                            strstr(message, "database is read-only") != NULL);
}

static bool sql_command(const char *sql)
{
	PGresult *result = PQexec(stack.database, sql);
	bool done = PQresultStatus(result) == PGRES_COMMAND_OK ||
	            PQresultStatus(result) == PGRES_TUPLES_OK;
	if (!done)
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(stack.database));
	PQclear(result);
	return done;
}

static void steady_load(void **state)
{
	(void)state;
	chc_call_options options = { 0 };
	load_start("steady", stack.client, &options, only_ok);
	nng_msleep((nng_duration)load_seconds() * 1000);
	load_stop();
	load_report(load_seconds());
	assert_int_equal(atomic_load(&current.unexpected), 0);
	writes_verify();
	load_free();
}

/* While PostgreSQL is down every call comes back within its deadline with
 * UNAVAILABLE, and once it is back the services serve again by
 * themselves. */
static void database_restarted(void **state)
{
	(void)state;
	int64_t phase_ms = fault_seconds() * 1000;
	chc_call_options options = { .timeout_ms = 5000 };
	load_start("database_restart", stack.client, &options, ok_or_unavailable);
	run_until(phase_ms / 3, 0);
	int stopped = harness_postgres_fixture("stop-database");
	int64_t stopped_at = since_began();
	nng_msleep(2000);
	int started = harness_postgres_fixture("start-database");
	int64_t back_at = since_began();
	run_until(phase_ms, RECOVERY_MS + 2000);
	load_stop();
	load_report((int)(since_began() / 1000));
	long last_failure = atomic_load(&current.last_failure_ms);
	printf("load_faults database_restart: down at %lld ms, back at %lld ms, last failure at "
	       "%ld ms\n",
	       (long long)stopped_at, (long long)back_at, last_failure);
	PQreset(stack.database);
	assert_int_equal(stopped, 0);
	assert_int_equal(started, 0);
	assert_int_equal(atomic_load(&current.unexpected), 0);
	assert_true(atomic_load(&current.answers[CHC_UNAVAILABLE]) > 0);
	assert_true(atomic_load(&current.slowest_ms) <= options.timeout_ms + DEADLINE_SLACK_MS);
	assert_true(last_failure < back_at + RECOVERY_MS);
	writes_verify();
	load_free();
}

/* The writes of kind sent before at_ms and answered after it. */
static long writes_in_flight_at(write_kind kind, int64_t at_ms)
{
	long count = 0;
	for (int i = 0; i < CALLERS; i++)
		for (size_t k = 0; k < current.callers[i].write_count; k++) {
			const sent_write *write = &current.callers[i].writes[k];
			count += write->kind == kind && write->started_ms <= at_ms &&
			         write->finished_ms > at_ms;
		}
	return count;
}

/* SIGKILL of the companies service in the middle of writes, KILLS times;
 * it comes back on the same ports each time, and the callers' retries (one
 * key per write) carry every write through: none fails, none is doubled. */
static void service_killed(void **state)
{
	(void)state;
	enum { KILLS = 3 };
	int64_t phase_ms = fault_seconds() * 1000;
	chc_call_options options = { .timeout_ms = 15000, .max_attempts = 10 };
	load_start("service_killed", stack.client, &options, only_ok);
	int64_t killed_at[KILLS] = { 0 };
	int64_t longest_away_ms = 0;
	int kills = 0;
	bool restarted = true;
	for (int kill_number = 0; kill_number < KILLS && restarted; kill_number++) {
		run_until(phase_ms * (kill_number + 1) / (KILLS + 1), 0);
		killed_at[kill_number] = since_began();
		kill(stack.companies.pid, SIGKILL);
		waitpid(stack.companies.pid, NULL, 0);
		stack.companies.pid = 0;
		kills++;
		restarted = harness_stack_restart(&stack, &stack.companies);
		int64_t away_ms = since_began() - killed_at[kill_number];
		longest_away_ms = away_ms > longest_away_ms ? away_ms : longest_away_ms;
	}
	run_until(phase_ms, 3000);
	load_stop();
	load_report((int)(since_began() / 1000));
	long across = 0;
	for (int kill_number = 0; kill_number < kills; kill_number++)
		across += writes_in_flight_at(WRITE_COMPANY, killed_at[kill_number]);
	printf("load_faults service_killed: killed %d times, serving again within %lld ms each "
	       "time, %ld company writes in flight across a kill\n",
	       kills, (long long)longest_away_ms, across);
	assert_true(restarted);
	assert_int_equal(atomic_load(&current.unexpected), 0);
	writes_verify();
	load_free();
}

/* SIGTERM of the only projects instance: what was in flight is answered,
 * every answer is OK or UNAVAILABLE, the rest get no answer (no reply is
 * cut), and it exits 0. Calls make one attempt, so every answer is seen. */
static void lone_instance_terminated(void **state)
{
	(void)state;
	int64_t phase_ms = fault_seconds() * 1000;
	chc_call_options options = { .timeout_ms = 5000, .max_attempts = 1 };
	load_start("sigterm_lone_instance", stack.client, &options, answered_or_not_at_all);
	run_until(phase_ms / 3, 0);
	int64_t stopped_at = since_began();
	int exit_status = harness_stop(&stack.projects);
	int64_t exited_at = since_began();
	bool restarted = harness_stack_restart(&stack, &stack.projects);
	run_until(phase_ms, 3000);
	load_stop();
	load_report((int)(since_began() / 1000));
	printf("load_faults sigterm_lone_instance: SIGTERM at %lld ms, exited %d at %lld ms, %ld "
	       "project writes in flight at the signal\n",
	       (long long)stopped_at, exit_status, (long long)exited_at,
	       writes_in_flight_at(WRITE_PROJECT, stopped_at));
	assert_int_equal(exit_status, 0);
	assert_true(restarted);
	assert_int_equal(atomic_load(&current.unexpected), 0);
	assert_true(atomic_load(&current.slowest_ms) <= options.timeout_ms + DEADLINE_SLACK_MS);
	writes_verify();
	load_free();
}

/* Two municipalities instances given to libchc as "a,b": SIGTERM of one
 * under load costs no call; its callers move to the other. */
static void one_of_two_terminated(void **state)
{
	(void)state;
	harness_service second;
	chc_client *client = harness_client_over_two(&stack, &second);
	assert_non_null(client);

	int64_t phase_ms = fault_seconds() * 1000;
	chc_call_options options = { 0 };
	load_start("sigterm_one_of_two", client, &options, only_ok);
	run_until(phase_ms / 3, 0);
	bool both_served = harness_http_served(stack.municipalities.http_port, "CreateNeed") &&
	                   harness_http_served(second.http_port, "CreateNeed");
	int64_t stopped_at = since_began();
	int exit_status = harness_stop(&second);
	int64_t exited_at = since_began();
	run_until(phase_ms, 3000);
	load_stop();
	load_report((int)(since_began() / 1000));
	printf("load_faults sigterm_one_of_two: SIGTERM at %lld ms, exited %d at %lld ms, %ld "
	       "need writes in flight at the signal\n",
	       (long long)stopped_at, exit_status, (long long)exited_at,
	       writes_in_flight_at(WRITE_NEED, stopped_at));
	chc_client_destroy(client);
	assert_true(both_served);
	assert_int_equal(exit_status, 0);
	assert_int_equal(atomic_load(&current.unexpected), 0);
	writes_verify();
	load_free();
}

/*
 * The database refuses writes (default_transaction_read_only, which a
 * reload gives the services' open connections too): writes are refused
 * with UNAVAILABLE saying the database is read-only, reads go on, and once
 * writes are allowed again they work and nothing is missing or doubled.
 * Calls make one attempt, so every refusal is seen.
 */
static void database_read_only(void **state)
{
	(void)state;
	int64_t phase_ms = fault_seconds() * 1000;
	chc_call_options options = { .timeout_ms = 5000, .max_attempts = 1 };
	load_start("read_only_database", stack.client, &options, reads_go_on_writes_refused);
	run_until(phase_ms / 3, 0);
	bool made_read_only = sql_command("ALTER SYSTEM SET default_transaction_read_only = on") &&
	                      sql_command("SELECT pg_reload_conf()");
	int64_t read_only_at = since_began();
	run_until(2 * phase_ms / 3, 2000);
	bool made_writable = sql_command("ALTER SYSTEM RESET default_transaction_read_only") &&
	                     sql_command("SELECT pg_reload_conf()");
	int64_t writable_at = since_began();
	run_until(phase_ms, RECOVERY_MS + 2000);
	load_stop();
	load_report((int)(since_began() / 1000));
	long last_failure = atomic_load(&current.last_failure_ms);
	printf("load_faults read_only_database: read-only from %lld ms to %lld ms, last refusal "
	       "at %ld ms\n",
	       (long long)read_only_at, (long long)writable_at, last_failure);
	assert_true(made_read_only);
	assert_true(made_writable);
	assert_int_equal(atomic_load(&current.unexpected), 0);
	assert_true(atomic_load(&current.answers[CHC_UNAVAILABLE]) > 0);
	assert_true(last_failure < writable_at + RECOVERY_MS);
	writes_verify();
	load_free();
}

/* Whatever happened above, the database takes writes again. */
static int writable_again(void **state)
{
	(void)state;
	return sql_command("ALTER SYSTEM RESET default_transaction_read_only") &&
	                       sql_command("SELECT pg_reload_conf()")
	               ? 0
	               : -1;
}

static int start(void **state)
{
	(void)state;
	snprintf(run, sizeof(run), "%08x", (unsigned)(getpid() ^ time(NULL)));
	harness_date(90, need_deadline);
	if (!harness_stack_start(&stack, "projects", NULL))
		return -1;
	/* Records to read before a caller has made its own. */
	chc_call_options options = { 0 };
	for (int kind = 0; kind < WRITE_KIND_COUNT; kind++) {
		sent_write write = { .kind = (write_kind)kind };
		snprintf(write.name, sizeof(write.name), "lf-%s-first-%d", run, kind);
		chc_uuid_generate(write.key);
		chc_error error = { 0 };
		chc_status status =
		        send_write(stack.client, &options, &write, read_ids[kind], &error);
		if (status != CHC_OK)
			fprintf(stderr, "cannot create %s: %s\n", write.name, error.message);
		chc_error_fini(&error);
		if (status != CHC_OK)
			return -1;
		if (kind == WRITE_COMPANY)
			memcpy(company_id, read_ids[kind], sizeof(company_id));
	}
	return 0;
}

static int stop(void **state)
{
	(void)state;
	return harness_stack_stop(&stack);
}

CHC_TEST_MAIN(start, stop, cmocka_unit_test(steady_load), cmocka_unit_test(database_restarted),
              cmocka_unit_test(service_killed), cmocka_unit_test(lone_instance_terminated),
              cmocka_unit_test(one_of_two_terminated),
              cmocka_unit_test_teardown(database_read_only, writable_again))
