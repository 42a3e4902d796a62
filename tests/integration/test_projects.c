/*
 * test_projects.c - collaboration projects with real municipalities,
 * companies and matching services: participants checked where they are
 * kept, exactly one lead, commitments and shares in integer øre, every move
 * the lifecycle allows and the ones it forbids, the history, milestones past
 * due, lists, search, interests, idempotency keys, and each bad input
 * refused with nothing written.
 */
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chc_test_main.h"
#include <jansson.h>

#include "chc/json.h"
#include "chc/uuid.h"
#include "chc/v1/companies.pb-c.h"
#include "chc/v1/matching.pb-c.h"
#include "chc/v1/municipalities.pb-c.h"
#include "chc/v1/person.pb-c.h"
#include "chc/v1/projects.pb-c.h"
#include "chc/v1/rpc.pb-c.h"
#include "harness.h"
#include "helpers.h"

static harness_stack stack;
static char company_id[37];
static char need_id[37];
static char solution_ids[3][37];

static ProtobufCMessage *call(const char *method, const char *json, chc_status expected)
{
	return harness_call_json(stack.client, &chc__v1__project_service__descriptor, method, json,
	                         expected, NULL, 0);
}

static void expect_field(const char *method, const char *json, const char *expected_field)
{
	harness_expect_violation(stack.client, &chc__v1__project_service__descriptor, method, json,
	                         expected_field);
}

static int start(void **state)
{
	(void)state;
	/* Every service (matching takes declined interests then) inherits it. */
	setenv("CHC_HOUSEKEEPING_INTERVAL", "1", 1);
	if (!harness_stack_start(&stack, "projects", NULL))
		return -1;
	harness_create(stack.client, &chc__v1__company_service__descriptor, "CreateCompany",
	               "{\"company\":{\"name\":\"Projekt Sundhed ApS\",\"cvr\":\"10000300\","
	               "\"municipality_code\":101}}",
	               company_id);
	char deadline[11], text[1024];
	harness_date(90, deadline);
	snprintf(text, sizeof(text),
	         "{\"need\":{\"owners\":[{\"municipality_code\":101}],\"title\":\"KOL hjemme\","
	         "\"care_area\":\"remote-monitoring\",\"target_groups\":[\"citizens-with-copd\"],"
	         "\"min_trl\":6,\"max_device_class\":\"iib\",\"procurement_route\":"
	         "\"open-tender\",\"deadline\":\"%s\",\"status\":\"open\",\"budget\":{"
	         "\"min_dkk\":100000,\"max_dkk\":900000}}}",
	         deadline);
	harness_create(stack.client, &chc__v1__municipality_service__descriptor, "CreateNeed", text,
	               need_id);
	for (int i = 0; i < 3; i++) {
		snprintf(text, sizeof(text),
		         "{\"solution\":{\"company_id\":\"%s\",\"name\":\"Lungeur %d\","
		         "\"categories\":[\"remote-monitoring\"],\"target_groups\":["
		         "\"citizens-with-copd\"],\"trl\":8,\"device_class\":\"iia\"}}",
		         company_id, i);
		harness_publish_solution(stack.client, text, solution_ids[i]);
	}
	return 0;
}

static int stop(void **state)
{
	(void)state;
	return harness_stack_stop(&stack);
}

/* A project of the company (lead), Copenhagen and the Capital Region, with
 * 100.00 and 200.00 DKK committed; extra fields merged in. */
static char *project_request(const char *extra)
{
	char *text = NULL;
	if (asprintf(&text,
	             "{\"project\":{\"title\":\"Telemonitorering af KOL i København\","
	             "\"description\":\"Afprøvning og fælles indkøb\",\"participants\":["
	             "{\"party\":{\"kind\":\"company\",\"company_id\":\"%s\"},\"role\":\"lead\"},"
	             "{\"party\":{\"kind\":\"municipality\",\"municipality_code\":101},\"role\":"
	             "\"investor\",\"commitment_ore\":10000},"
	             "{\"party\":{\"kind\":\"region\",\"region_code\":1084},\"role\":\"investor\","
	             "\"commitment_ore\":20000}]%s}}",
	             company_id, extra) < 0)
		return NULL;
	return text;
}

static Chc__V1__Project *create(const char *extra)
{
	char *text = project_request(extra);
	Chc__V1__Project *project = (void *)call("CreateProject", text, CHC_OK);
	free(text);
	return project;
}

static const Chc__V1__Participant *participant(const Chc__V1__Project *project, int kind)
{
	for (size_t i = 0; i < project->n_participants; i++)
		if ((int)project->participants[i]->party->kind == kind)
			return project->participants[i];
	return NULL;
}

static void create_and_shares(void **state)
{
	(void)state;
	Chc__V1__Project *project = create("");
	assert_int_equal(project->status, CHC__V1__PROJECT_STATUS__PROJECT_STATUS_PROPOSED);
	assert_int_equal(project->n_participants, 3);
	assert_int_equal(project->budget_ore, 30000);
	const Chc__V1__Participant *copenhagen =
	        participant(project, CHC__V1__PARTY_KIND__PARTY_KIND_MUNICIPALITY);
	assert_string_equal(copenhagen->party->name, "København");
	assert_string_equal(copenhagen->share_percent, "33.33");
	assert_string_equal(
	        participant(project, CHC__V1__PARTY_KIND__PARTY_KIND_REGION)->share_percent,
	        "66.66");
	assert_string_equal(
	        participant(project, CHC__V1__PARTY_KIND__PARTY_KIND_COMPANY)->party->name,
	        "Projekt Sundhed ApS");
	assert_int_equal(project->n_history, 1);
	assert_int_equal(project->version, 1);
	protobuf_c_message_free_unpacked(&project->base, NULL);
}

/* How often the instance whose /metrics is on http_port answered method
 * ("/chc.v1.CompanyService/GetCompany") with OK. */
static long answered(int http_port, const char *method)
{
	return harness_metric(http_port, "method=\"%s\",code=\"OK\"", method);
}

/* The calls another service may make of the companies and municipalities
 * services to check what a write names: BatchGets, and Gets one by one. */
static const char *const counted_methods[] = {
	"/chc.v1.CompanyService/BatchGetCompanies",
	"/chc.v1.CompanyService/BatchGetSolutions",
	"/chc.v1.CompanyService/GetCompany",
	"/chc.v1.CompanyService/GetSolution",
	"/chc.v1.MunicipalityService/BatchGetMunicipalities",
	"/chc.v1.MunicipalityService/BatchGetNeeds",
	"/chc.v1.MunicipalityService/GetMunicipality",
	"/chc.v1.MunicipalityService/GetNeed",
};
#define COUNTED_METHODS (sizeof(counted_methods) / sizeof(counted_methods[0]))

static void count_answers(long counts[COUNTED_METHODS])
{
	for (size_t i = 0; i < COUNTED_METHODS; i++)
		counts[i] =
		        answered(i < 4 ? stack.companies.http_port : stack.municipalities.http_port,
		                 counted_methods[i]);
}

static void expect_answers(const long before[COUNTED_METHODS], const long expected[COUNTED_METHODS])
{
	long after[COUNTED_METHODS];
	count_answers(after);
	for (size_t i = 0; i < COUNTED_METHODS; i++)
		if (after[i] - before[i] != expected[i])
			fail_msg("%s answered %ld times, not %ld", counted_methods[i],
			         after[i] - before[i], expected[i]);
}

/* A new project's participants and links cost one call to each service
 * that keeps some of them, however many there are: a BatchGet, never a Get
 * per party. */
static void checks_are_batched(void **state)
{
	(void)state;
	long before[COUNTED_METHODS];
	count_answers(before);
	char text[1536];
	snprintf(text, sizeof(text),
	         "{\"project\":{\"title\":\"Fælles indkøb af lungeure\",\"participants\":["
	         "{\"party\":{\"kind\":\"company\",\"company_id\":\"%s\"},\"role\":\"lead\"},"
	         "{\"party\":{\"kind\":\"municipality\",\"municipality_code\":101},\"role\":"
	         "\"investor\"},{\"party\":{\"kind\":\"municipality\",\"municipality_code\":147},"
	         "\"role\":\"investor\"},{\"party\":{\"kind\":\"municipality\","
	         "\"municipality_code\":151},\"role\":\"investor\"}],\"need_ids\":[\"%s\"],"
	         "\"solution_ids\":[\"%s\",\"%s\",\"%s\"]}}",
	         company_id, need_id, solution_ids[0], solution_ids[1], solution_ids[2]);
	Chc__V1__Project *project = (void *)call("CreateProject", text, CHC_OK);
	assert_non_null(project);
	assert_int_equal(project->n_participants, 4);
	protobuf_c_message_free_unpacked(&project->base, NULL);
	const long expected[COUNTED_METHODS] = { 1, 1, 0, 0, 1, 1, 0, 0 };
	expect_answers(before, expected);
}

/* An UpdateProject sent raw, from a thread of its own. */
typedef struct raw_update {
	const char *url;
	uint8_t payload[512];
	size_t length;
	int code;
} raw_update;

static void *send_update(void *data)
{
	raw_update *update = data;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int64_t deadline = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000 + 2000;
	Chc__V1__RpcResponse *response =
	        harness_envelope_call(update->url, "/chc.v1.ProjectService/UpdateProject",
	                              update->payload, update->length, deadline, NULL);
	update->code = response != NULL ? (int)response->code : -1;
	if (response != NULL)
		chc__v1__rpc_response__free_unpacked(response, NULL);
	return NULL;
}

/* While an update waits on another service (the matching service, stopped,
 * asked about a test bed), the project is neither locked nor inside an open
 * transaction: another update of it goes through at once, and the waiting
 * one then fails without writing anything. */
static void slow_checks_hold_no_lock(void **state)
{
	(void)state;
	Chc__V1__Project *project = create("");
	assert_non_null(project);
	char project_id[37], test_bed_id[37];
	snprintf(project_id, sizeof(project_id), "%s", project->id);
	chc_uuid_generate(test_bed_id);
	Chc__V1__Project change = CHC__V1__PROJECT__INIT;
	change.id = project_id;
	char *test_beds[] = { test_bed_id };
	change.test_bed_ids = test_beds;
	change.n_test_bed_ids = 1;
	char *mask[] = { "test_bed_ids" };
	Chc__V1__UpdateProjectRequest update = CHC__V1__UPDATE_PROJECT_REQUEST__INIT;
	update.project = &change;
	update.update_mask = mask;
	update.n_update_mask = 1;
	update.expected_version = project->version;
	raw_update waiting = { .url = stack.projects.url };
	waiting.length = chc__v1__update_project_request__pack(&update, waiting.payload);
	protobuf_c_message_free_unpacked(&project->base, NULL);

	assert_int_equal(kill(stack.matching.pid, SIGSTOP), 0);
	pthread_t thread;
	assert_int_equal(pthread_create(&thread, NULL, send_update, &waiting), 0);
	usleep(300 * 1000);
	/* Within a second, or the lock it would wait on is the other's. */
	change.n_test_bed_ids = 0;
	change.title = "Telemonitorering, fase 2";
	mask[0] = "title";
	chc_call_options options = { .timeout_ms = 1000, .max_attempts = 1 };
	ProtobufCMessage *title_changed = NULL;
	chc_error error = { 0 };
	chc_status status =
	        chc_client_call(stack.client, &chc__v1__project_service__descriptor,
	                        "UpdateProject", &update.base, &options, &title_changed, &error);
	assert_int_equal(kill(stack.matching.pid, SIGCONT), 0);
	assert_int_equal(pthread_join(thread, NULL), 0);
	if (status != CHC_OK)
		fail_msg("the title's update ended %s: %s", chc_status_name(status), error.message);
	chc_error_fini(&error);
	assert_int_equal(((Chc__V1__Project *)title_changed)->version, 2);
	protobuf_c_message_free_unpacked(title_changed, NULL);
	/* NOT_FOUND when the matching service, going on, answers in time. */
	if (waiting.code != CHC_NOT_FOUND && waiting.code != CHC_UNAVAILABLE &&
	    waiting.code != CHC_DEADLINE_EXCEEDED)
		fail_msg("the waiting update ended %d", waiting.code);
	char sql[160];
	snprintf(sql, sizeof(sql),
	         "SELECT cardinality(test_bed_ids) FROM projects.projects WHERE id = '%s'",
	         project_id);
	assert_string_equal(harness_sql_value(stack.database, sql), "0");
}

static void bad_projects(void **state)
{
	(void)state;
	char *text = NULL;
	/* A second lead, a commitment below zero, no title. */
	assert_true(asprintf(&text,
	                     "{\"project\":{\"title\":\"To ledere\",\"participants\":["
	                     "{\"party\":{\"kind\":\"company\",\"company_id\":\"%s\"},\"role\":"
	                     "\"lead\"},{\"party\":{\"kind\":\"region\",\"region_code\":1084},"
	                     "\"role\":\"lead\"}]}}",
	                     company_id) > 0);
	expect_field("CreateProject", text, "project.participants");
	free(text);
	assert_true(asprintf(&text,
	                     "{\"project\":{\"title\":\"Negativ\",\"participants\":["
	                     "{\"party\":{\"kind\":\"company\",\"company_id\":\"%s\"},\"role\":"
	                     "\"lead\",\"commitment_ore\":-1}]}}",
	                     company_id) > 0);
	expect_field("CreateProject", text, "project.participants[0].commitment_ore");
	free(text);
	expect_field("CreateProject", "{\"project\":{\"title\":\"x\"}}", "project.title");
	/* A participant that does not exist, a need that does not exist. */
	assert_null(call("CreateProject",
	                 "{\"project\":{\"title\":\"Ukendt\",\"participants\":[{\"party\":{"
	                 "\"kind\":\"company\",\"company_id\":"
	                 "\"00000000-0000-4000-8000-000000000000\"},\"role\":\"lead\"}]}}",
	                 CHC_NOT_FOUND));
	text = project_request(",\"need_ids\":[\"00000000-0000-4000-8000-000000000000\"]");
	assert_null(call("CreateProject", text, CHC_NOT_FOUND));
	free(text);
	assert_string_equal(harness_sql_value(stack.database,
	                                      "SELECT count(*) FROM projects.projects "
	                                      "WHERE title IN ('To ledere', 'Negativ', "
	                                      "'Ukendt')"),
	                    "0");
}

static Chc__V1__Project *move(const char *id, long version, const char *status, chc_status expected)
{
	char text[256];
	snprintf(text, sizeof(text),
	         "{\"id\":\"%s\",\"expected_version\":%ld,\"status\":\"%s\",\"reason\":\"test\"}",
	         id, version, status);
	return (void *)call("ChangeProjectStatus", text, expected);
}

static void lifecycle(void **state)
{
	(void)state;
	Chc__V1__Project *project = create("");
	char id[37];
	snprintf(id, sizeof(id), "%s", project->id);
	long version = (long)project->version;
	protobuf_c_message_free_unpacked(&project->base, NULL);
	static const char *const path[] = { "exploring", "agreed",     "testing", "evaluating",
		                            "testing",   "evaluating", "scaling", "closed" };
	for (size_t i = 0; i < sizeof(path) / sizeof(path[0]); i++) {
		/* A move the lifecycle forbids, before each allowed one. */
		Chc__V1__Project *refused = move(id, version, "proposed", CHC_FAILED_PRECONDITION);
		assert_null(refused);
		project = move(id, version, path[i], CHC_OK);
		assert_non_null(project);
		version = (long)project->version;
		protobuf_c_message_free_unpacked(&project->base, NULL);
	}
	assert_null(move(id, version, "cancelled", CHC_FAILED_PRECONDITION));
	assert_null(move(id, version - 1, "cancelled", CHC_ABORTED));
	char get[96];
	snprintf(get, sizeof(get), "{\"id\":\"%s\"}", id);
	project = (void *)call("GetProject", get, CHC_OK);
	assert_int_equal(project->n_history, 1 + 8);
	assert_string_equal(project->history[1]->kind, "status");
	assert_int_equal(project->history[1]->from,
	                 CHC__V1__PROJECT_STATUS__PROJECT_STATUS_PROPOSED);
	assert_int_equal(project->history[1]->to,
	                 CHC__V1__PROJECT_STATUS__PROJECT_STATUS_EXPLORING);
	protobuf_c_message_free_unpacked(&project->base, NULL);

	/* The message names the status and the moves allowed from it. */
	project = create("");
	chc_error error = { 0 };
	Chc__V1__ChangeProjectStatusRequest request = CHC__V1__CHANGE_PROJECT_STATUS_REQUEST__INIT;
	request.id = project->id;
	request.expected_version = project->version;
	request.status = CHC__V1__PROJECT_STATUS__PROJECT_STATUS_SCALING;
	ProtobufCMessage *reply = NULL;
	assert_int_equal(chc_client_call(stack.client, &chc__v1__project_service__descriptor,
	                                 "ChangeProjectStatus", &request.base, NULL, &reply,
	                                 &error),
	                 CHC_FAILED_PRECONDITION);
	assert_non_null(strstr(error.message, "is proposed"));
	assert_non_null(strstr(error.message, "exploring, cancelled"));
	chc_error_fini(&error);
	protobuf_c_message_free_unpacked(&project->base, NULL);
}

static void participants_and_commitments(void **state)
{
	(void)state;
	Chc__V1__Project *project = create("");
	char text[512];
	snprintf(text, sizeof(text),
	         "{\"project_id\":\"%s\",\"expected_version\":1,\"participant\":{\"party\":{"
	         "\"kind\":\"region\",\"region_code\":1082},\"role\":\"lead\"}}",
	         project->id);
	assert_null(call("AddParticipant", text, CHC_FAILED_PRECONDITION)); /* a second lead */
	snprintf(text, sizeof(text),
	         "{\"project_id\":\"%s\",\"expected_version\":1,\"participant\":{\"party\":{"
	         "\"kind\":\"region\",\"region_code\":1084},\"role\":\"partner\"}}",
	         project->id);
	assert_null(call("AddParticipant", text, CHC_ALREADY_EXISTS));
	snprintf(text, sizeof(text),
	         "{\"project_id\":\"%s\",\"expected_version\":1,\"participant\":{\"party\":{"
	         "\"kind\":\"hospital\",\"organisation\":\"Hvidovre Hospital\"},\"role\":"
	         "\"test-site\",\"commitment_ore\":30000}}",
	         project->id);
	Chc__V1__Project *joined = (void *)call("AddParticipant", text, CHC_OK);
	assert_int_equal(joined->budget_ore, 60000);
	assert_int_equal(joined->version, 2);
	snprintf(text, sizeof(text),
	         "{\"project_id\":\"%s\",\"expected_version\":2,\"party\":{\"kind\":"
	         "\"municipality\",\"municipality_code\":101},\"commitment_ore\":-5}",
	         project->id);
	expect_field("SetCommitment", text, "commitment_ore");
	snprintf(text, sizeof(text),
	         "{\"project_id\":\"%s\",\"expected_version\":2,\"party\":{\"kind\":\"region\","
	         "\"region_code\":1084},\"reason\":\"budget cut\"}",
	         project->id);
	Chc__V1__Project *left = (void *)call("RemoveParticipant", text, CHC_OK);
	/* The region took its 200.00 DKK along. */
	assert_int_equal(left->budget_ore, 40000);
	assert_int_equal(left->n_participants, 3);
	const Chc__V1__HistoryEntry *last = left->history[left->n_history - 1];
	assert_string_equal(last->kind, "participant_left");
	assert_int_equal(last->commitment_ore, 20000);
	assert_string_equal(last->reason, "budget cut");
	snprintf(text, sizeof(text),
	         "{\"project_id\":\"%s\",\"expected_version\":3,\"party\":{\"kind\":\"company\","
	         "\"company_id\":\"%s\"}}",
	         project->id, company_id);
	assert_null(call("RemoveParticipant", text, CHC_FAILED_PRECONDITION)); /* the lead */
	free_messages(&left->base, &joined->base, &project->base);
}

static void milestones_lists_and_search(void **state)
{
	(void)state;
	Chc__V1__Project *project = create(",\"title\":\"Faldforebyggelse med sensorer\"");
	char text[512];
	snprintf(text, sizeof(text),
	         "{\"project_id\":\"%s\",\"expected_version\":1,\"milestone\":{\"title\":"
	         "\"Kontrakt underskrevet\",\"due\":\"2020-01-31\",\"responsible\":{\"kind\":"
	         "\"municipality\",\"municipality_code\":101}}}",
	         project->id);
	Chc__V1__Project *with = (void *)call("AddMilestone", text, CHC_OK);
	assert_int_equal(with->n_milestones, 1);
	char milestone_id[37];
	snprintf(milestone_id, sizeof(milestone_id), "%s", with->milestones[0]->id);
	Chc__V1__ListOverdueMilestonesResponse *overdue =
	        (void *)call("ListOverdueMilestones", "{\"page\":{\"page_size\":500}}", CHC_OK);
	bool found = false;
	for (size_t i = 0; i < overdue->n_milestones; i++)
		found = found || strcmp(overdue->milestones[i]->id, milestone_id) == 0;
	assert_true(found);
	protobuf_c_message_free_unpacked(&overdue->base, NULL);
	snprintf(text, sizeof(text),
	         "{\"project_id\":\"%s\",\"expected_version\":2,\"milestone_id\":\"%s\","
	         "\"done\":true}",
	         project->id, milestone_id);
	Chc__V1__Project *done = (void *)call("SetMilestoneDone", text, CHC_OK);
	assert_true(done->milestones[0]->done);

	snprintf(text, sizeof(text),
	         "{\"filter\":{\"participant\":{\"kind\":\"company\",\"company_id\":\"%s\"},"
	         "\"region_code\":1084,\"status\":\"proposed\"},\"page\":{\"page_size\":500}}",
	         company_id);
	Chc__V1__ListProjectsResponse *list = (void *)call("ListProjects", text, CHC_OK);
	assert_true(list->n_projects >= 1);
	protobuf_c_message_free_unpacked(&list->base, NULL);
	Chc__V1__SearchProjectsResponse *search =
	        (void *)call("SearchProjects", "{\"query\":\"faldforebyggelse\"}", CHC_OK);
	assert_true(search->n_projects >= 1);
	assert_string_equal(search->projects[0]->title, "Faldforebyggelse med sensorer");
	protobuf_c_message_free_unpacked(&search->base, NULL);
	expect_field("ListProjects", "{\"filter\":{\"participant\":{\"kind\":\"company\"}}}",
	             "filter.participant");
	expect_field("SearchProjects", "{\"query\":\"\",\"filter\":{\"need_id\":\"x\"}}", "query");
	expect_field("ListInterests", "{\"party\":{\"kind\":\"region\"}}", "party");
	free_messages(&done->base, &with->base, &project->base);
}

static Chc__V1__Interest *interest_from_company(int solution, chc_status expected)
{
	char text[512];
	snprintf(text, sizeof(text),
	         "{\"interest\":{\"sender\":{\"kind\":\"company\",\"company_id\":\"%s\"},"
	         "\"need_id\":\"%s\",\"solution_id\":\"%s\",\"message\":\"Vi kan hjælpe\"}}",
	         company_id, need_id, solution_ids[solution]);
	return (void *)call("CreateInterest", text, expected);
}

static Chc__V1__Interest *answer(const char *method, const Chc__V1__Interest *interest,
                                 const char *as, const char *reason, chc_status expected)
{
	char text[512];
	snprintf(text, sizeof(text),
	         "{\"id\":\"%s\",\"expected_version\":%lld,\"as\":%s,\"reason\":\"%s\"}",
	         interest->id, (long long)interest->version, as, reason);
	return (void *)call(method, text, expected);
}

static const char copenhagen[] = "{\"kind\":\"municipality\",\"municipality_code\":101}";

/* Mutual opt-in: the receiver sees an anonymous card, names are revealed
 * when both have accepted, and a project opens. */
static void interests_open_projects(void **state)
{
	(void)state;
	Chc__V1__Interest *sent = interest_from_company(0, CHC_OK);
	assert_int_equal(sent->state, CHC__V1__INTEREST_STATE__INTEREST_STATE_OPEN);
	assert_int_equal(sent->receiver->municipality_code, 101);
	assert_null(interest_from_company(0, CHC_ALREADY_EXISTS));
	char text[512];
	snprintf(text, sizeof(text), "{\"id\":\"%s\",\"as\":%s}", sent->id, copenhagen);
	ProtobufCMessage *seen = call("GetInterest", text, CHC_OK);
	const Chc__V1__Interest *card_view = (const void *)seen;
	assert_null(card_view->sender);
	assert_non_null(card_view->card);
	assert_int_equal(card_view->card->trl, 8);
	assert_string_equal(card_view->card->summary, "remote-monitoring");
	/* Nothing in the receiver's bytes names the company. */
	size_t length = protobuf_c_message_get_packed_size(seen);
	uint8_t *bytes = malloc(length + 1);
	protobuf_c_message_pack(seen, bytes);
	assert_null(memmem(bytes, length, company_id, strlen(company_id)));
	assert_null(memmem(bytes, length, solution_ids[0], 36));
	assert_null(memmem(bytes, length, "Projekt Sundhed", 15));
	assert_null(memmem(bytes, length, "10000300", 8));
	assert_null(memmem(bytes, length, "Lungeur", 7)); /* the solution's name */
	free(bytes);
	protobuf_c_message_free_unpacked(seen, NULL);

	char company[128];
	snprintf(company, sizeof(company), "{\"kind\":\"company\",\"company_id\":\"%s\"}",
	         company_id);
	assert_null(answer("AcceptInterest", sent, company, "", CHC_PERMISSION_DENIED));
	Chc__V1__Interest *accepted = answer("AcceptInterest", sent, copenhagen, "", CHC_OK);
	assert_int_equal(accepted->state, CHC__V1__INTEREST_STATE__INTEREST_STATE_ACCEPTED);
	assert_non_null(accepted->sender); /* revealed now */
	assert_string_equal(accepted->sender->name, "Projekt Sundhed ApS");
	snprintf(text, sizeof(text), "{\"id\":\"%s\"}", accepted->project_id);
	Chc__V1__Project *project = (void *)call("GetProject", text, CHC_OK);
	assert_int_equal(project->status, CHC__V1__PROJECT_STATUS__PROJECT_STATUS_EXPLORING);
	assert_int_equal(project->n_participants, 2);
	assert_string_equal(project->interest_id, sent->id);
	const Chc__V1__Participant *lead =
	        participant(project, CHC__V1__PARTY_KIND__PARTY_KIND_MUNICIPALITY);
	assert_int_equal(lead->role, CHC__V1__PARTICIPANT_ROLE__PARTICIPANT_ROLE_LEAD);
	assert_null(answer("AcceptInterest", accepted, copenhagen, "", CHC_FAILED_PRECONDITION));
	free_messages(&project->base, &accepted->base, &sent->base);
}

/* A need-solution job for the test's need and one solution, run to the end. */
/* A need_solution job for the need and the solutions listed (JSON strings:
 * "\"id\",\"id\""), waited for until it has succeeded. */
static Chc__V1__Job *match_need_with_all(const char *solution_list)
{
	char text[512];
	snprintf(text, sizeof(text),
	         "{\"kind\":\"need-solution\",\"parameters\":{\"top_k\":3,\"need_ids\":"
	         "[\"%s\"],\"solution_ids\":[%s]}}",
	         need_id, solution_list);
	Chc__V1__Job *job =
	        (void *)harness_call_json(stack.client, &chc__v1__matching_service__descriptor,
	                                  "SubmitJob", text, CHC_OK, NULL, 0);
	char get[96];
	snprintf(get, sizeof(get), "{\"id\":\"%s\"}", job->id);
	for (int i = 0; i < 200 && job->state != CHC__V1__JOB_STATE__JOB_STATE_SUCCEEDED; i++) {
		protobuf_c_message_free_unpacked(&job->base, NULL);
		usleep(50 * 1000);
		job = (void *)harness_call_json(stack.client,
		                                &chc__v1__matching_service__descriptor, "GetJob",
		                                get, CHC_OK, NULL, 0);
	}
	assert_int_equal(job->state, CHC__V1__JOB_STATE__JOB_STATE_SUCCEEDED);
	return job;
}

static Chc__V1__Job *match_need_with(const char *solution_id)
{
	char list[64];
	snprintf(list, sizeof(list), "\"%s\"", solution_id);
	return match_need_with_all(list);
}

/* A job's named needs and solutions cost one BatchGet per service when it
 * is submitted (its precheck) and one when it reads them (its worker):
 * never a Get per item. */
static void job_checks_are_batched(void **state)
{
	(void)state;
	long before[COUNTED_METHODS];
	count_answers(before);
	char list[160];
	snprintf(list, sizeof(list), "\"%s\",\"%s\",\"%s\"", solution_ids[0], solution_ids[1],
	         solution_ids[2]);
	Chc__V1__Job *job = match_need_with_all(list);
	protobuf_c_message_free_unpacked(&job->base, NULL);
	const long expected[COUNTED_METHODS] = { 0, 2, 0, 0, 0, 2, 0, 0 };
	expect_answers(before, expected);
}

/* A decline reaches the matching service as "not a match" by its event; a withdrawal is
 * the sender's; an unanswered interest is reminded, then expires. */
static void decline_withdraw_expire(void **state)
{
	(void)state;
	static const char record_feedback_calls[] =
	        "SELECT count(*) FROM matching.audit WHERE method LIKE '%RecordFeedback'";
	char record_feedback_before[24];
	snprintf(record_feedback_before, sizeof(record_feedback_before), "%s",
	         harness_sql_value(stack.database, record_feedback_calls));
	Chc__V1__Interest *sent = interest_from_company(1, CHC_OK);
	assert_null(answer("DeclineInterest", sent, copenhagen, "", CHC_INVALID_ARGUMENT));
	/* Declining asks the matching service nothing: it works while that
	 * service is stopped, which takes the decline from the event later. */
	assert_int_equal(kill(stack.matching.pid, SIGSTOP), 0);
	Chc__V1__Interest *declined =
	        answer("DeclineInterest", sent, copenhagen, "tried it in 2025", CHC_OK);
	assert_int_equal(kill(stack.matching.pid, SIGCONT), 0);
	assert_int_equal(declined->state, CHC__V1__INTEREST_STATE__INTEREST_STATE_DECLINED);
	char text[512];
	snprintf(text, sizeof(text), "{\"need_id\":\"%s\",\"solution_id\":\"%s\"}", need_id,
	         solution_ids[1]);
	/* Housekeeping runs every second here (CHC_HOUSEKEEPING_INTERVAL=1). */
	Chc__V1__ListFeedbackResponse *feedback = NULL;
	for (int i = 0; i < 100; i++) {
		feedback = (void *)harness_call_json(stack.client,
		                                     &chc__v1__matching_service__descriptor,
		                                     "ListFeedback", text, CHC_OK, NULL, 0);
		if (feedback->n_feedback > 0)
			break;
		protobuf_c_message_free_unpacked(&feedback->base, NULL);
		feedback = NULL;
		usleep(100 * 1000);
	}
	assert_non_null(feedback);
	assert_int_equal(feedback->n_feedback, 1);
	assert_string_equal(feedback->feedback[0]->reason, "tried it in 2025");
	/* Recorded as the decliner's, who is in the projects service's audit. */
	assert_string_equal(feedback->feedback[0]->recorded_by,
	                    harness_sql_value(stack.database,
	                                      "SELECT actor FROM projects.audit WHERE method LIKE "
	                                      "'%DeclineInterest' ORDER BY seq DESC LIMIT 1"));
	protobuf_c_message_free_unpacked(&feedback->base, NULL);
	/* Taken once: the position moved to the decline's event. */
	assert_string_equal(harness_sql_value(stack.database,
	                                      "SELECT (SELECT seq FROM matching.consumed_events) = "
	                                      "(SELECT max(seq) FROM projects.events WHERE type = "
	                                      "'interest.declined')"),
	                    "t");
	/* The next job still lists the pair, scored 0 with the decline's reason. */
	Chc__V1__Job *job = match_need_with(solution_ids[1]);
	snprintf(text, sizeof(text), "{\"job_id\":\"%s\",\"solution_id\":\"%s\"}", job->id,
	         solution_ids[1]);
	Chc__V1__ListJobResultsResponse *found =
	        (void *)harness_call_json(stack.client, &chc__v1__matching_service__descriptor,
	                                  "ListJobResults", text, CHC_OK, NULL, 0);
	assert_int_equal(found->n_results, 1);
	assert_true(found->results[0]->score == 0);
	bool told = false;
	for (size_t i = 0; i < found->results[0]->n_reasons; i++)
		told = told || strstr(found->results[0]->reasons[i]->detail, "tried it in 2025");
	assert_true(told);
	free_messages(&found->base, &job->base);

	Chc__V1__Interest *again = interest_from_company(1, CHC_OK);
	char company[128];
	snprintf(company, sizeof(company), "{\"kind\":\"company\",\"company_id\":\"%s\"}",
	         company_id);
	assert_null(answer("WithdrawInterest", again, copenhagen, "", CHC_PERMISSION_DENIED));
	Chc__V1__Interest *withdrawn = answer("WithdrawInterest", again, company, "", CHC_OK);
	assert_int_equal(withdrawn->state, CHC__V1__INTEREST_STATE__INTEREST_STATE_WITHDRAWN);

	Chc__V1__Interest *old = interest_from_company(2, CHC_OK);
	Chc__V1__Interest *older = NULL;
	snprintf(text, sizeof(text),
	         "UPDATE projects.interests SET created_at = now() - interval '31 days' "
	         "WHERE id = '%s'",
	         old->id);
	harness_sql_value(stack.database, text);
	/* Housekeeping runs every second here (CHC_HOUSEKEEPING_INTERVAL=1). */
	snprintf(text, sizeof(text), "{\"id\":\"%s\"}", old->id);
	for (int i = 0; i < 100; i++) {
		older = (void *)call("GetInterest", text, CHC_OK);
		if (older->state == CHC__V1__INTEREST_STATE__INTEREST_STATE_EXPIRED)
			break;
		protobuf_c_message_free_unpacked(&older->base, NULL);
		older = NULL;
		usleep(100 * 1000);
	}
	assert_non_null(older);
	snprintf(text, sizeof(text),
	         "SELECT count(*) FROM projects.events WHERE type = 'interest.expired' AND "
	         "subject_id = '%s'",
	         old->id);
	assert_string_equal(harness_sql_value(stack.database, text), "1");
	free_messages(&older->base, &old->base, &withdrawn->base, &again->base, &declined->base,
	              &sent->base);
	/* No call of RecordFeedback: the decline came as an event. */
	assert_string_equal(harness_sql_value(stack.database, record_feedback_calls),
	                    record_feedback_before);
}

/* A test bed offers itself to a solution: the company sees what the test
 * bed takes, not its name; accepting opens a project the company leads with
 * the test bed as its test site. */
static void test_bed_interest(void **state)
{
	(void)state;
	Chc__V1__TestBed *test_bed = (void *)harness_call_json(
	        stack.client, &chc__v1__matching_service__descriptor, "CreateTestBed",
	        "{\"test_bed\":{\"name\":\"Rigshospitalet, Hjertecentret\",\"owner\":{\"kind\":"
	        "\"region\",\"region_code\":1084},\"type\":\"hospital-ward\",\"care_areas\":["
	        "\"remote-monitoring\"],\"trl_min\":6,\"trl_max\":8,\"capacity_per_period\":2,"
	        "\"periods\":[\"2027-Q1\"],\"region_code\":1084,\"max_device_class\":\"iib\"}}",
	        CHC_OK, NULL, 0);
	assert_non_null(test_bed);
	char sender[128], text[512];
	snprintf(sender, sizeof(sender), "{\"kind\":\"test-bed\",\"test_bed_id\":\"%s\"}",
	         test_bed->id);
	snprintf(text, sizeof(text),
	         "{\"interest\":{\"sender\":%s,\"need_id\":\"%s\",\"solution_id\":\"%s\"}}", sender,
	         need_id, solution_ids[0]);
	expect_field("CreateInterest", text, "interest.need_id");
	snprintf(text, sizeof(text),
	         "{\"interest\":{\"sender\":%s,\"solution_id\":\"%s\",\"message\":\"Vi har plads "
	         "i 2027\"}}",
	         sender, solution_ids[0]);
	Chc__V1__Interest *sent = (void *)call("CreateInterest", text, CHC_OK);
	assert_string_equal(sent->test_bed_id, test_bed->id);
	assert_string_equal(sent->need_id, "");
	assert_int_equal(sent->receiver->kind, CHC__V1__PARTY_KIND__PARTY_KIND_COMPANY);
	assert_null(call("CreateInterest", text, CHC_ALREADY_EXISTS));

	char company[128];
	snprintf(company, sizeof(company), "{\"kind\":\"company\",\"company_id\":\"%s\"}",
	         company_id);
	snprintf(text, sizeof(text), "{\"id\":\"%s\",\"as\":%s}", sent->id, company);
	Chc__V1__Interest *seen = (void *)call("GetInterest", text, CHC_OK);
	assert_null(seen->sender);
	assert_string_equal(seen->card->summary, "remote-monitoring");
	assert_int_equal(seen->card->trl, 6);
	assert_int_equal(seen->card->region_code, 1084);
	uint8_t bytes[4096];
	size_t length = chc__v1__interest__pack(seen, bytes);
	assert_null(memmem(bytes, length, "Rigshospitalet", 14));
	assert_null(memmem(bytes, length, test_bed->id, 36));

	Chc__V1__Interest *accepted = answer("AcceptInterest", sent, company, "", CHC_OK);
	snprintf(text, sizeof(text), "{\"id\":\"%s\"}", accepted->project_id);
	Chc__V1__Project *project = (void *)call("GetProject", text, CHC_OK);
	assert_int_equal(project->n_test_bed_ids, 1);
	assert_int_equal(project->n_need_ids, 0);
	const Chc__V1__Participant *site =
	        participant(project, CHC__V1__PARTY_KIND__PARTY_KIND_TEST_BED);
	assert_non_null(site);
	assert_int_equal(site->role, CHC__V1__PARTICIPANT_ROLE__PARTICIPANT_ROLE_TEST_SITE);
	assert_int_equal(participant(project, CHC__V1__PARTY_KIND__PARTY_KIND_COMPANY)->role,
	                 CHC__V1__PARTICIPANT_ROLE__PARTICIPANT_ROLE_LEAD);
	free_messages(&project->base, &accepted->base, &seen->base, &sent->base, &test_bed->base);
}

/* A matching job's result becomes an interest in one call; a pair the job
 * did not match is NOT_FOUND. */
static void interest_from_a_job(void **state)
{
	(void)state;
	char text[512];
	Chc__V1__Job *job = match_need_with(solution_ids[2]);
	snprintf(text, sizeof(text),
	         "{\"job_id\":\"%s\",\"need_id\":\"%s\",\"solution_id\":\"%s\",\"sender\":"
	         "%s,\"message\":\"Fra matchmaking\"}",
	         job->id, need_id, solution_ids[2], copenhagen);
	Chc__V1__Interest *interest = (void *)call("CreateInterestFromJob", text, CHC_OK);
	assert_string_equal(interest->from_job_id, job->id);
	assert_int_equal(interest->receiver->kind, CHC__V1__PARTY_KIND__PARTY_KIND_COMPANY);
	snprintf(text, sizeof(text),
	         "{\"job_id\":\"%s\",\"need_id\":\"%s\",\"solution_id\":\"%s\",\"sender\":"
	         "%s}",
	         job->id, need_id, solution_ids[0], copenhagen);
	assert_null(call("CreateInterestFromJob", text, CHC_NOT_FOUND));
	free_messages(&interest->base, &job->base);
}

/* A write repeated with its idempotency key returns the first reply and
 * writes once; the same key on another request is refused. */
static void repeated_writes(void **state)
{
	(void)state;
	char *text = project_request("");
	json_t *json = json_loads(text, 0, NULL);
	free(text);
	ProtobufCMessage *request = NULL;
	assert_int_equal(chc_json_to_message(&chc__v1__create_project_request__descriptor, json,
	                                     &request, NULL),
	                 CHC_OK);
	json_decref(json);
	const char *count = "SELECT count(*) FROM projects.projects";
	long before = atol(harness_sql_value(stack.database, count));
	char key[37];
	chc_uuid_generate(key);
	chc_call_options options = { .idempotency_key = key };
	Chc__V1__Project *first = NULL, *second = NULL;
	assert_int_equal(chc_client_call(stack.client, &chc__v1__project_service__descriptor,
	                                 "CreateProject", request, &options,
	                                 (ProtobufCMessage **)&first, NULL),
	                 CHC_OK);
	assert_int_equal(chc_client_call(stack.client, &chc__v1__project_service__descriptor,
	                                 "CreateProject", request, &options,
	                                 (ProtobufCMessage **)&second, NULL),
	                 CHC_OK);
	assert_string_equal(first->id, second->id);
	assert_int_equal(atol(harness_sql_value(stack.database, count)), before + 1);

	Chc__V1__ChangeProjectStatusRequest move = CHC__V1__CHANGE_PROJECT_STATUS_REQUEST__INIT;
	move.id = first->id;
	move.expected_version = first->version;
	move.status = CHC__V1__PROJECT_STATUS__PROJECT_STATUS_EXPLORING;
	move.reason = "same key, another call";
	Chc__V1__Project *moved = NULL;
	assert_int_equal(chc_client_call(stack.client, &chc__v1__project_service__descriptor,
	                                 "ChangeProjectStatus", &move.base, &options,
	                                 (ProtobufCMessage **)&moved, NULL),
	                 CHC_FAILED_PRECONDITION);
	assert_null(moved);
	free_messages(&first->base, &second->base, request);
}

/* Every pair of statuses: the move is accepted exactly when the lifecycle
 * allows it. */
static void every_move(void **state)
{
	(void)state;
	static const char *const names[] = { "",        "proposed", "exploring",
		                             "agreed",  "testing",  "evaluating",
		                             "scaling", "closed",   "cancelled" };
	/* How to reach each status from proposed. */
	static const char *const paths[9][6] = {
		[1] = { NULL },
		[2] = { "exploring", NULL },
		[3] = { "exploring", "agreed", NULL },
		[4] = { "exploring", "agreed", "testing", NULL },
		[5] = { "exploring", "agreed", "testing", "evaluating", NULL },
		[6] = { "exploring", "agreed", "testing", "evaluating", "scaling", NULL },
		[7] = { "exploring", "closed", NULL },
		[8] = { "cancelled", NULL },
	};
	static const bool allowed[9][9] = {
		[1] = { [2] = true, [8] = true },
		[2] = { [3] = true, [7] = true, [8] = true },
		[3] = { [4] = true, [8] = true },
		[4] = { [5] = true, [8] = true },
		[5] = { [4] = true, [6] = true, [7] = true, [8] = true },
		[6] = { [7] = true, [8] = true },
	};
	for (int from = 1; from <= 8; from++) {
		for (int to = 1; to <= 8; to++) {
			Chc__V1__Project *project = create("");
			char id[37];
			snprintf(id, sizeof(id), "%s", project->id);
			long version = (long)project->version;
			protobuf_c_message_free_unpacked(&project->base, NULL);
			for (int step = 0; paths[from][step] != NULL; step++) {
				project = move(id, version, paths[from][step], CHC_OK);
				version = (long)project->version;
				protobuf_c_message_free_unpacked(&project->base, NULL);
			}
			project = move(id, version, names[to],
			               allowed[from][to] ? CHC_OK : CHC_FAILED_PRECONDITION);
			if (project != NULL)
				protobuf_c_message_free_unpacked(&project->base, NULL);
		}
	}
}

/* An interest unanswered for 14 days gets one reminder event. */
static void reminder(void **state)
{
	(void)state;
	Chc__V1__Interest *sent = interest_from_company(0, CHC_OK);
	char text[256];
	snprintf(text, sizeof(text),
	         "UPDATE projects.interests SET created_at = now() - interval '15 days' "
	         "WHERE id = '%s'",
	         sent->id);
	harness_sql_value(stack.database, text);
	snprintf(text, sizeof(text), "{\"id\":\"%s\"}", sent->id);
	Chc__V1__Interest *seen = NULL;
	for (int i = 0; i < 100; i++) {
		seen = (void *)call("GetInterest", text, CHC_OK);
		if (seen->reminded)
			break;
		protobuf_c_message_free_unpacked(&seen->base, NULL);
		seen = NULL;
		usleep(100 * 1000);
	}
	assert_non_null(seen);
	assert_int_equal(seen->state, CHC__V1__INTEREST_STATE__INTEREST_STATE_OPEN);
	snprintf(text, sizeof(text),
	         "SELECT count(*) FROM projects.events WHERE type = 'interest.reminder' AND "
	         "subject_id = '%s'",
	         sent->id);
	usleep(1500 * 1000); /* another housekeeping round: still one reminder */
	assert_string_equal(harness_sql_value(stack.database, text), "1");
	free_messages(&seen->base, &sent->base);
}

/* The person's records in all four services: ExportPerson of each. */
static int person_records(const char *method, const char *email, const char *needle)
{
	const harness_service *services[] = { &stack.municipalities, &stack.companies,
		                              &stack.matching, &stack.projects };
	const chc_endpoint endpoints[] = { CHC_ENDPOINT_MUNICIPALITIES, CHC_ENDPOINT_COMPANIES,
		                           CHC_ENDPOINT_MATCHING, CHC_ENDPOINT_PROJECTS };
	int records = 0;
	for (size_t i = 0; i < 4; i++) {
		Chc__V1__PersonRequest request = CHC__V1__PERSON_REQUEST__INIT;
		request.email = (char *)email;
		ProtobufCMessage *reply = NULL;
		chc_error error = { 0 };
		assert_non_null(services[i]->url);
		assert_int_equal(chc_client_call_at(stack.client, endpoints[i],
		                                    &chc__v1__person_service__descriptor, method,
		                                    &request.base, NULL, &reply, &error),
		                 CHC_OK);
		if (strcmp(method, "ExportPerson") == 0) {
			const Chc__V1__ExportPersonResponse *exported = (const void *)reply;
			records += exported->records;
			if (needle != NULL && exported->records > 0)
				assert_non_null(strstr(exported->data_json, needle));
		} else {
			records += ((const Chc__V1__ErasePersonResponse *)reply)->records;
		}
		protobuf_c_message_free_unpacked(reply, NULL);
		chc_error_fini(&error);
	}
	return records;
}

/* A person's data found, exported and erased across the services: a
 * company's contact person, a need's contact, the stored replies that
 * named them; erasing twice erases nothing more; only the audit's record
 * of the erasure is left, and it names no one. */
static void person_export_and_erasure(void **state)
{
	(void)state;
	const char *email = "Mette.Holm@Example.dk";
	char text[1024], deadline[11];
	snprintf(text, sizeof(text),
	         "{\"contact\":{\"company_id\":\"%s\",\"name\":\"Mette Holm\",\"email\":"
	         "\"mette.holm@example.dk\",\"consent_purpose\":\"matchmaking\"}}",
	         company_id);
	protobuf_c_message_free_unpacked(harness_call_json(stack.client,
	                                                   &chc__v1__company_service__descriptor,
	                                                   "AddContact", text, CHC_OK, NULL, 0),
	                                 NULL);
	snprintf(text, sizeof(text),
	         "{\"need\":{\"owners\":[{\"municipality_code\":101}],\"title\":\"Sensorer\","
	         "\"care_area\":\"elderly-care\",\"min_trl\":5,\"max_device_class\":\"i\","
	         "\"procurement_route\":\"open-tender\",\"deadline\":\"%s\",\"contact\":{"
	         "\"name\":\"Mette Holm\",\"email\":\"mette.holm@example.dk\"}}}",
	         harness_date(60, deadline));
	char need[37];
	harness_create(stack.client, &chc__v1__municipality_service__descriptor, "CreateNeed", text,
	               need);
	/* The contact, the need's contact, and the two stored replies. */
	assert_true(person_records("ExportPerson", email, "Mette Holm") >= 4);
	harness_call_json(stack.client, &chc__v1__person_service__descriptor, "ExportPerson",
	                  "{\"email\":\"not an address\"}", CHC_INVALID_ARGUMENT, NULL, 0);
	assert_true(person_records("ErasePerson", email, NULL) >= 4);
	assert_int_equal(person_records("ExportPerson", email, NULL), 0);
	assert_int_equal(person_records("ErasePerson", email, NULL), 0);
	/* Nothing of her is left in any table but the audit's record of the
	 * erasure, which holds no address. */
	const char *left = harness_sql_value(
	        stack.database,
	        "SELECT (SELECT count(*) FROM companies.contacts WHERE email ILIKE '%mette.holm%') "
	        "+ "
	        "(SELECT count(*) FROM municipalities.needs WHERE contact_name ILIKE '%mette "
	        "holm%') + "
	        "(SELECT count(*) FROM matching.jobs WHERE encode(inputs, 'escape') ILIKE "
	        "'%mette.holm%') + "
	        "(SELECT count(*) FROM municipalities.audit WHERE array_to_string(fields, ',') "
	        "ILIKE '%mette.holm%')");
	assert_string_equal(left, "0");
	snprintf(text, sizeof(text), "{\"id\":\"%s\"}", need);
	Chc__V1__Need *kept =
	        (void *)harness_call_json(stack.client, &chc__v1__municipality_service__descriptor,
	                                  "GetNeed", text, CHC_OK, NULL, 0);
	assert_string_equal(kept->title, "Sensorer");
	assert_true(kept->contact == NULL || kept->contact->email[0] == '\0');
	protobuf_c_message_free_unpacked(&kept->base, NULL);
}

CHC_TEST_MAIN(start, stop, cmocka_unit_test(create_and_shares), cmocka_unit_test(bad_projects),
              cmocka_unit_test(lifecycle), cmocka_unit_test(participants_and_commitments),
              cmocka_unit_test(milestones_lists_and_search),
              cmocka_unit_test(interests_open_projects), cmocka_unit_test(decline_withdraw_expire),
              cmocka_unit_test(interest_from_a_job), cmocka_unit_test(every_move),
              cmocka_unit_test(reminder), cmocka_unit_test(repeated_writes),
              cmocka_unit_test(test_bed_interest), cmocka_unit_test(person_export_and_erasure),
              cmocka_unit_test(checks_are_batched), cmocka_unit_test(job_checks_are_batched),
              cmocka_unit_test(slow_checks_hold_no_lock))
