/*
 * test_projects.c - collaboration projects with real municipalities,
 * companies and matching services: participants checked where they are
 * kept, exactly one lead, commitments and shares in integer øre, every move
 * the lifecycle allows and the ones it forbids, the history, milestones past
 * due, lists, search, and each bad input refused with nothing written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chc/v1/companies.pb-c.h"
#include "chc/v1/projects.pb-c.h"
#include "harness.h"

static harness_service municipalities, companies, matching, projects;
static chc_client *client;
static char company_id[37];
static char environment[3][128];

static ProtobufCMessage *call(const char *method, const char *json, chc_status expected)
{
	return harness_call_json(client, &chc__v1__project_service__descriptor, method, json,
	                         expected, NULL, 0);
}

static void expect_field(const char *method, const char *json, const char *expected_field)
{
	char field[128] = "";
	assert_null(harness_call_json(client, &chc__v1__project_service__descriptor, method, json,
	                              CHC_INVALID_ARGUMENT, field, sizeof(field)));
	assert_string_equal(field, expected_field);
}

static int start(void **state)
{
	(void)state;
	if (!harness_start(&municipalities, "municipalities", NULL))
		return -1;
	snprintf(environment[0], sizeof(environment[0]), "CHC_MUNICIPALITIES_URL=%s",
	         municipalities.url);
	const char *const for_companies[] = { environment[0], NULL };
	if (!harness_start(&companies, "companies", for_companies))
		return -1;
	snprintf(environment[1], sizeof(environment[1]), "CHC_COMPANIES_URL=%s", companies.url);
	const char *const for_matching[] = { environment[0], environment[1], NULL };
	if (!harness_start(&matching, "matching", for_matching))
		return -1;
	snprintf(environment[2], sizeof(environment[2]), "CHC_MATCHING_URL=%s", matching.url);
	const char *const for_projects[] = { environment[0], environment[1], environment[2], NULL };
	if (!harness_start(&projects, "projects", for_projects))
		return -1;
	chc_client_options options;
	chc_client_options_init(&options);
	options.urls[CHC_ENDPOINT_COMPANIES] = companies.url;
	options.urls[CHC_ENDPOINT_MUNICIPALITIES] = municipalities.url;
	options.urls[CHC_ENDPOINT_MATCHING] = matching.url;
	options.urls[CHC_ENDPOINT_PROJECTS] = projects.url;
	if (chc_client_create(&options, &client, NULL) != CHC_OK)
		return -1;
	Chc__V1__Company *company = (void *)harness_call_json(
	        client, &chc__v1__company_service__descriptor, "CreateCompany",
	        "{\"company\":{\"name\":\"Projekt Sundhed ApS\",\"cvr\":\"10000300\","
	        "\"municipality_code\":101}}",
	        CHC_OK, NULL, 0);
	if (company == NULL)
		return -1;
	snprintf(company_id, sizeof(company_id), "%s", company->id);
	protobuf_c_message_free_unpacked(&company->base, NULL);
	return 0;
}

static int stop(void **state)
{
	(void)state;
	chc_client_destroy(client);
	int status = harness_stop(&projects);
	status |= harness_stop(&matching);
	status |= harness_stop(&companies);
	status |= harness_stop(&municipalities);
	return status == 0 ? 0 : -1;
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
	PGconn *database = harness_database();
	assert_string_equal(harness_sql_value(database, "SELECT count(*) FROM projects.projects "
	                                                "WHERE title IN ('To ledere', 'Negativ', "
	                                                "'Ukendt')"),
	                    "0");
	PQfinish(database);
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
	assert_int_equal(chc_client_call(client, &chc__v1__project_service__descriptor,
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
	protobuf_c_message_free_unpacked(&left->base, NULL);
	protobuf_c_message_free_unpacked(&joined->base, NULL);
	protobuf_c_message_free_unpacked(&project->base, NULL);
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
	protobuf_c_message_free_unpacked(&done->base, NULL);
	protobuf_c_message_free_unpacked(&with->base, NULL);
	protobuf_c_message_free_unpacked(&project->base, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_and_shares),
		cmocka_unit_test(bad_projects),
		cmocka_unit_test(lifecycle),
		cmocka_unit_test(participants_and_commitments),
		cmocka_unit_test(milestones_lists_and_search),
	};
	return cmocka_run_group_tests(tests, start, stop);
}
