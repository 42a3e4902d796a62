/*
 * test_matching.c - the matching service with real companies and
 * municipalities services: test beds, every kind of job through the durable
 * queue, results with reasons, "not a match" feedback, exports that repeat
 * byte for byte, cancellation, and a job whose instance is killed in the
 * middle finishing on another with the same export.
 */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chc_test_main.h"

#include "chc/v1/companies.pb-c.h"
#include "chc/v1/matching.pb-c.h"
#include "chc/v1/municipalities.pb-c.h"
#include "harness.h"
#include "helpers.h"

static harness_stack stack;
static char company_id[37];
static char solution_ids[4][37];
static char need_ids[3][37];
static char test_bed_ids[3][37];

static ProtobufCMessage *call_json(const ProtobufCServiceDescriptor *service, const char *method,
                                   const char *json_text, chc_status expected, char *field,
                                   size_t field_size)
{
	return harness_call_json(stack.client, service, method, json_text, expected, field,
	                         field_size);
}

static ProtobufCMessage *matching_call(const char *method, const char *json_text,
                                       chc_status expected)
{
	return call_json(&chc__v1__matching_service__descriptor, method, json_text, expected, NULL,
	                 0);
}

static void expect_field(const char *method, const char *json_text, const char *expected_field)
{
	harness_expect_violation(stack.client, &chc__v1__matching_service__descriptor, method,
	                         json_text, expected_field);
}

/* A published solution: created, submitted, approved. */
static void publish_solution(const char *fields, char id[37])
{
	char text[2048];
	snprintf(text, sizeof(text),
	         "{\"solution\":{\"company_id\":\"%s\",\"description\":\"Telemonitorering i eget "
	         "hjem\",\"ce_marked\":true,\"data_hosting\":\"Denmark\",\"price_model\":"
	         "\"per-citizen\",%s}}",
	         company_id, fields);
	harness_publish_solution(stack.client, text, id);
}

static void open_need(const char *fields, char id[37])
{
	char deadline[11], text[2048];
	harness_date(120, deadline);
	snprintf(text, sizeof(text),
	         "{\"need\":{\"description\":\"Borgere skal kunne måles hjemme\",\"deadline\":"
	         "\"%s\",\"status\":\"open\",\"contact\":{\"name\":\"Mette Hansen\",\"email\":"
	         "\"mette@kk.dk\"},%s}}",
	         deadline, fields);
	harness_create(stack.client, &chc__v1__municipality_service__descriptor, "CreateNeed", text,
	               id);
}

static void create_test_bed(const char *fields, char id[37])
{
	char text[2048];
	snprintf(text, sizeof(text), "{\"test_bed\":{%s}}", fields);
	harness_create(stack.client, &chc__v1__matching_service__descriptor, "CreateTestBed", text,
	               id);
}

/* Starts the matching service, the first time with its peers, pausing
 * pause_ms after each phase of a job; the short lease lets another instance
 * take over a killed one's job soon. */
static bool start_matching(const char *pause_ms)
{
	char pause[64];
	snprintf(pause, sizeof(pause), "CHC_JOB_PHASE_PAUSE_MS=%s", pause_ms);
	const char *const extra[] = { pause, "CHC_JOB_LEASE_SECONDS=2", NULL };
	if (stack.count == 0)
		return harness_stack_start(&stack, "matching", extra);
	return harness_stack_start_again(&stack, extra);
}

static int start(void **state)
{
	(void)state;
	if (!start_matching("0"))
		return -1;
	/* The other suites share the database: this suite's jobs read every
	 * published solution and open need, so it starts from none. */
	harness_sql_value(stack.database, "UPDATE companies.solutions SET status = 'archived' "
	                                  "WHERE status = 'published'");
	harness_sql_value(stack.database, "UPDATE municipalities.needs SET status = 'closed' "
	                                  "WHERE status = 'open'");
	harness_sql_value(stack.database, "UPDATE matching.test_beds SET status = 'closed'");
	harness_create(
	        stack.client, &chc__v1__company_service__descriptor, "CreateCompany",
	        "{\"company\":{\"name\":\"Matchende Monitor\",\"cvr\":\"10000203\",\"legal_form\":"
	        "\"ApS\",\"municipality_code\":751}}",
	        company_id);
	publish_solution("\"name\":\"KOL-Kufferten\",\"categories\":[\"remote-monitoring\"],"
	                 "\"target_groups\":[\"citizens-with-copd\"],\"trl\":8,\"device_class\":"
	                 "\"iia\",\"standards\":[\"medcom\",\"hl7-fhir\"],\"gdpr_dpa_available\":"
	                 "true,\"evidence_level\":\"randomised-trial\",\"languages\":[\"da\"],"
	                 "\"indicative_price_dkk\":900000,\"deployments\":[{\"municipality_code\":"
	                 "101}]",
	                 solution_ids[0]);
	publish_solution("\"name\":\"Lungeven\",\"categories\":[\"remote-monitoring\"],"
	                 "\"target_groups\":[\"citizens-with-copd\"],\"trl\":5,\"device_class\":"
	                 "\"iia\",\"standards\":[\"hl7-fhir\"],\"gdpr_dpa_available\":true,"
	                 "\"evidence_level\":\"pilot\",\"languages\":[\"da\"]",
	                 solution_ids[1]);
	publish_solution("\"name\":\"Hjemmeblik\",\"categories\":[\"remote-monitoring\","
	                 "\"elderly-care\"],\"target_groups\":[\"citizens-with-copd\","
	                 "\"frail-elderly\"],\"trl\":7,\"device_class\":\"i\",\"standards\":"
	                 "[\"medcom\",\"hl7-fhir\"],\"gdpr_dpa_available\":true,\"evidence_level\":"
	                 "\"observational-study\",\"languages\":[\"da\",\"en\"],"
	                 "\"indicative_price_dkk\":400000",
	                 solution_ids[2]);
	publish_solution("\"name\":\"Faldvagt\",\"categories\":[\"elderly-care\"],"
	                 "\"target_groups\":[\"frail-elderly\"],\"trl\":6,\"device_class\":"
	                 "\"not-a-device\",\"standards\":[\"medcom\"],\"gdpr_dpa_available\":true,"
	                 "\"evidence_level\":\"pilot\",\"languages\":[\"da\"]",
	                 solution_ids[3]);
	open_need("\"owners\":[{\"municipality_code\":101}],\"title\":\"KOL i eget hjem\","
	          "\"care_area\":\"remote-monitoring\",\"target_groups\":[\"citizens-with-copd\"],"
	          "\"min_trl\":7,\"max_device_class\":\"iia\",\"required_standards\":[\"medcom\"],"
	          "\"gdpr_dpa_required\":true,\"budget\":{\"min_dkk\":500000,\"max_dkk\":1000000},"
	          "\"procurement_route\":\"open-tender\"",
	          need_ids[0]);
	open_need("\"owners\":[{\"municipality_code\":147}],\"title\":\"KOL-monitorering\","
	          "\"care_area\":\"remote-monitoring\",\"target_groups\":[\"citizens-with-copd\"],"
	          "\"min_trl\":6,\"max_device_class\":\"iib\",\"budget\":{\"min_dkk\":200000,"
	          "\"max_dkk\":800000},\"procurement_route\":\"open-tender\"",
	          need_ids[1]);
	open_need("\"owners\":[{\"region_code\":1084}],\"title\":\"Faldforebyggelse\","
	          "\"care_area\":\"elderly-care\",\"target_groups\":[\"frail-elderly\"],"
	          "\"min_trl\":5,\"max_device_class\":\"i\",\"procurement_route\":"
	          "\"ski-framework\"",
	          need_ids[2]);
	create_test_bed("\"name\":\"Hvidovre Hospital, lungemedicinsk afsnit\",\"owner\":"
	                "{\"kind\":\"region\",\"region_code\":1084},\"type\":\"hospital-ward\","
	                "\"care_areas\":[\"remote-monitoring\"],\"trl_min\":5,\"trl_max\":8,"
	                "\"capacity_per_period\":1,\"periods\":[\"2027-Q1\"],\"region_code\":1084,"
	                "\"max_device_class\":\"iib\",\"dpa_required\":true,\"standards\":"
	                "[\"hl7-fhir\"]",
	                test_bed_ids[0]);
	create_test_bed(
	        "\"name\":\"Aarhus Living Lab\",\"owner\":{\"kind\":\"municipality\","
	        "\"municipality_code\":751},\"type\":\"living-lab\",\"care_areas\":"
	        "[\"elderly-care\",\"remote-monitoring\"],\"trl_min\":4,\"trl_max\":7,"
	        "\"capacity_per_period\":1,\"periods\":[\"2027-Q1\"],\"region_code\":1082,"
	        "\"max_device_class\":\"iia\",\"fee_dkk\":25000,\"preference\":\"maturity\"",
	        test_bed_ids[1]);
	create_test_bed("\"name\":\"Simulationslab\",\"owner\":{\"kind\":\"university\","
	                "\"organisation\":\"SDU\"},\"type\":\"simulation-lab\",\"care_areas\":"
	                "[\"diagnostics\"],\"trl_min\":3,\"trl_max\":6,\"capacity_per_period\":2,"
	                "\"region_code\":1083,\"max_device_class\":\"iii\"",
	                test_bed_ids[2]);
	return 0;
}

static int stop(void **state)
{
	(void)state;
	return harness_stack_stop(&stack);
}

/* The suite's test beds in one BatchGetTestBeds call. */
static void batch_get_test_beds(void **state)
{
	(void)state;
	const char *ids[] = { test_bed_ids[0], test_bed_ids[1], test_bed_ids[2] };
	harness_expect_batch_get(stack.client, &chc__v1__matching_service__descriptor,
	                         "BatchGetTestBeds", "GetTestBed", ids, 3);
}

static void test_beds(void **state)
{
	(void)state;
	char text[1024];
	snprintf(text, sizeof(text), "{\"id\":\"%s\"}", test_bed_ids[1]);
	Chc__V1__TestBed *test_bed = (void *)matching_call("GetTestBed", text, CHC_OK);
	assert_string_equal(test_bed->name, "Aarhus Living Lab");
	assert_int_equal(test_bed->owner->municipality_code, 751);
	assert_int_equal(test_bed->n_care_areas, 2);
	assert_int_equal(test_bed->status, CHC__V1__TEST_BED_STATUS__TEST_BED_STATUS_OPEN);
	assert_int_equal(test_bed->version, 1);
	protobuf_c_message_free_unpacked(&test_bed->base, NULL);

	snprintf(text, sizeof(text),
	         "{\"test_bed\":{\"id\":\"%s\",\"fee_dkk\":30000},\"update_mask\":[\"fee_dkk\"],"
	         "\"expected_version\":1}",
	         test_bed_ids[1]);
	test_bed = (void *)matching_call("UpdateTestBed", text, CHC_OK);
	assert_int_equal(test_bed->fee_dkk, 30000);
	assert_int_equal(test_bed->version, 2);
	protobuf_c_message_free_unpacked(&test_bed->base, NULL);
	assert_null(matching_call("UpdateTestBed", text, CHC_ABORTED));

	Chc__V1__ListTestBedsResponse *list = (void *)matching_call(
	        "ListTestBeds",
	        "{\"care_area\":\"remote-monitoring\",\"trl\":8,\"status\":\"open\"}", CHC_OK);
	assert_int_equal(list->n_test_beds, 1);
	assert_string_equal(list->test_beds[0]->id, test_bed_ids[0]);
	protobuf_c_message_free_unpacked(&list->base, NULL);
	/* One TRL is both ends of the window; pages of one walk the three. */
	list = (void *)matching_call("ListTestBeds", "{\"trl\":3}", CHC_OK);
	assert_int_equal(list->n_test_beds, 1);
	assert_string_equal(list->test_beds[0]->id, test_bed_ids[2]);
	protobuf_c_message_free_unpacked(&list->base, NULL);
	list = (void *)matching_call("ListTestBeds",
	                             "{\"page\":{\"page_size\":2,\"want_total\":true}}", CHC_OK);
	assert_int_equal(list->n_test_beds, 2);
	assert_int_equal(list->page->total_size, 3);
	assert_string_not_equal(list->page->next_page_token, "");
	snprintf(text, sizeof(text), "{\"page\":{\"page_size\":2,\"page_token\":\"%s\"}}",
	         list->page->next_page_token);
	protobuf_c_message_free_unpacked(&list->base, NULL);
	list = (void *)matching_call("ListTestBeds", text, CHC_OK);
	assert_int_equal(list->n_test_beds, 1);
	assert_int_equal(list->page->total_size, 0); /* not asked */
	assert_string_equal(list->page->next_page_token, "");
	protobuf_c_message_free_unpacked(&list->base, NULL);
	expect_field("ListTestBeds", "{\"trl\":10}", "trl");
	expect_field("ListTestBeds", "{\"region_code\":1090,\"trl\":0}", "region_code");

	static const char valid[] =
	        "\"name\":\"X\",\"owner\":{\"kind\":\"region\",\"region_code\":1081},\"type\":"
	        "\"hospital-ward\",\"care_areas\":[\"telemedicine\"],\"trl_min\":4,\"trl_max\":7,"
	        "\"capacity_per_period\":1,\"region_code\":1081,\"max_device_class\":\"iia\"";
	struct {
		const char *change;
		const char *field;
	} cases[] = {
		{ ",\"trl_max\":3", "test_bed.trl_max" },
		{ ",\"care_areas\":[]", "test_bed.care_areas" },
		{ ",\"periods\":[\"2027-Q5\"]", "test_bed.periods[0]" },
		{ ",\"region_code\":1090", "test_bed.region_code" },
		{ ",\"owner\":{\"kind\":\"municipality\",\"municipality_code\":999}",
		  "test_bed.owner.municipality_code" },
		{ ",\"owner\":{\"kind\":\"municipality\",\"municipality_code\":751}",
		  "test_bed.region_code" },
		{ ",\"owner\":{\"kind\":\"hospital\"}", "test_bed.owner.organisation" },
		{ ",\"name\":\"\"", "test_bed.name" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "{\"test_bed\":{%s%s}}", valid, cases[i].change);
		expect_field("CreateTestBed", text, cases[i].field);
	}
	expect_field("GetTestBed", "{\"id\":\"nope\"}", "id");
	assert_null(matching_call("GetTestBed", "{\"id\":\"00000000-0000-4000-8000-000000000000\"}",
	                          CHC_NOT_FOUND));
}

static void bad_parameters(void **state)
{
	(void)state;
	char text[512];
	expect_field("SubmitJob", "{\"parameters\":{\"top_k\":10}}", "kind");
	expect_field("SubmitJob", "{\"kind\":\"need-solution\"}", "parameters.top_k");
	expect_field("SubmitJob", "{\"kind\":\"need-solution\",\"parameters\":{\"top_k\":0}}",
	             "parameters.top_k");
	expect_field("SubmitJob",
	             "{\"kind\":\"need-solution\",\"parameters\":{\"top_k\":5,\"weights\":"
	             "{\"price\":-1}}}",
	             "parameters.weights.price");
	expect_field("SubmitJob",
	             "{\"kind\":\"need-solution\",\"parameters\":{\"top_k\":5,\"need_ids\":"
	             "[\"00000000-0000-4000-8000-000000000000\"]}}",
	             "parameters.need_ids[0]");
	expect_field("SubmitJob",
	             "{\"kind\":\"testbed-assignment\",\"parameters\":{\"test_bed_ids\":"
	             "[\"00000000-0000-4000-8000-000000000000\"]}}",
	             "parameters.test_bed_ids[0]");
	expect_field("SubmitJob",
	             "{\"kind\":\"testbed-assignment\",\"parameters\":{\"period\":"
	             "\"soon\"}}",
	             "parameters.period");
	snprintf(text, sizeof(text), "{\"id\":\"%s\"}", need_ids[0]);
	expect_field("GetJob", "{\"id\":\"x\"}", "id");
	assert_null(matching_call("GetJob", text, CHC_NOT_FOUND));
}

static bool job_running(const Chc__V1__Job *job)
{
	return job->state == CHC__V1__JOB_STATE__JOB_STATE_QUEUED ||
	       job->state == CHC__V1__JOB_STATE__JOB_STATE_RUNNING;
}

/* Polls the job until it is running phase or, with phase NULL, until it
 * has ended in expected_state; returns it (caller frees). Fails the test
 * after two minutes. */
static Chc__V1__Job *wait_for_job(const char *job_id, const char *phase, int expected_state)
{
	char get[96];
	snprintf(get, sizeof(get), "{\"id\":\"%.36s\"}", job_id);
	for (int i = 0; i < 4800; i++) {
		Chc__V1__Job *job = (void *)matching_call("GetJob", get, CHC_OK);
		if (phase != NULL ? job->state == CHC__V1__JOB_STATE__JOB_STATE_RUNNING &&
		                            strcmp(job->phase, phase) == 0
		                  : !job_running(job)) {
			if (phase == NULL && (int)job->state != expected_state)
				fail_msg("job %s ended %d, expected %d: %s", job->id, job->state,
				         expected_state, job->error);
			return job;
		}
		protobuf_c_message_free_unpacked(&job->base, NULL);
		usleep(25 * 1000);
	}
	fail_msg("job %s never reached phase %s or its end", job_id, phase ? phase : "");
	return NULL;
}

static void submit_job(const char *request, char id[37])
{
	Chc__V1__Job *job = (void *)matching_call("SubmitJob", request, CHC_OK);
	assert_true(job_running(job));
	snprintf(id, 37, "%s", job->id);
	protobuf_c_message_free_unpacked(&job->base, NULL);
}

/* Submits a job and waits for its end; returns it (caller frees). */
static Chc__V1__Job *run_job(const char *request, int expected_state)
{
	char id[37];
	submit_job(request, id);
	return wait_for_job(id, NULL, expected_state);
}

static Chc__V1__ListJobResultsResponse *results(const char *job_id, const char *filter)
{
	char text[512];
	snprintf(text, sizeof(text), "{\"job_id\":\"%s\",\"page\":{\"page_size\":500}%s}", job_id,
	         filter);
	return (void *)matching_call("ListJobResults", text, CHC_OK);
}

static const Chc__V1__MatchReason *reason(const Chc__V1__JobResult *result, const char *criterion)
{
	for (size_t i = 0; i < result->n_reasons; i++)
		if (strcmp(result->reasons[i]->criterion, criterion) == 0)
			return result->reasons[i];
	return NULL;
}

static void need_solution(void **state)
{
	(void)state;
	Chc__V1__Job *job = run_job("{\"kind\":\"need-solution\",\"parameters\":{\"top_k\":10}}",
	                            CHC__V1__JOB_STATE__JOB_STATE_SUCCEEDED);
	assert_true(job->result_count > 0);
	assert_true(strlen(job->summary) > 0);
	assert_true(strlen(job->algorithm_version) > 0);
	char filter[128];
	snprintf(filter, sizeof(filter), ",\"need_id\":\"%s\"", need_ids[0]);
	Chc__V1__ListJobResultsResponse *found = results(job->id, filter);
	/* Need 0 asks TRL 7, MedCom and class up to IIa: KOL-Kufferten and
	 * Hjemmeblik match; Lungeven (TRL 5, no MedCom) is a near miss. */
	size_t matches = 0, misses = 0;
	for (size_t i = 0; i < found->n_results; i++) {
		const Chc__V1__JobResult *result = found->results[i];
		assert_string_equal(result->need_id, need_ids[0]);
		if (result->kind == CHC__V1__RESULT_KIND__RESULT_KIND_MATCH) {
			matches++;
			assert_true(strcmp(result->solution_id, solution_ids[1]) != 0);
			assert_true(result->n_reasons > 0);
			assert_true(result->score > 0);
		} else if (result->kind == CHC__V1__RESULT_KIND__RESULT_KIND_NEAR_MISS &&
		           strcmp(result->solution_id, solution_ids[1]) == 0) {
			misses++;
			const Chc__V1__MatchReason *trl = reason(result, "trl");
			assert_non_null(trl);
			assert_false(trl->met);
			assert_non_null(strstr(trl->detail, "7"));
			assert_non_null(strcasestr(result->explanation, "medcom"));
		}
	}
	assert_int_equal(matches, 2);
	assert_int_equal(misses, 1);
	free_messages(&found->base, &job->base);
}

static void feedback_is_honoured(void **state)
{
	(void)state;
	char text[512];
	snprintf(text, sizeof(text),
	         "{\"feedback\":{\"need_id\":\"%s\",\"solution_id\":\"%s\",\"reason\":\"tried it "
	         "in 2025\"}}",
	         need_ids[0], solution_ids[0]);
	Chc__V1__Feedback *feedback = (void *)matching_call("RecordFeedback", text, CHC_OK);
	assert_string_equal(feedback->reason, "tried it in 2025");
	protobuf_c_message_free_unpacked(&feedback->base, NULL);
	snprintf(text, sizeof(text),
	         "{\"feedback\":{\"need_id\":\"%s\",\"solution_id\":\"%s\",\"reason\":\"\"}}",
	         need_ids[0], solution_ids[0]);
	expect_field("RecordFeedback", text, "feedback.reason");

	Chc__V1__Job *job = run_job("{\"kind\":\"need-solution\",\"parameters\":{\"top_k\":10}}",
	                            CHC__V1__JOB_STATE__JOB_STATE_SUCCEEDED);
	char filter[160];
	snprintf(filter, sizeof(filter), ",\"need_id\":\"%s\",\"solution_id\":\"%s\"", need_ids[0],
	         solution_ids[0]);
	Chc__V1__ListJobResultsResponse *found = results(job->id, filter);
	for (size_t i = 0; i < found->n_results; i++) {
		assert_true(found->results[i]->score == 0);
		const Chc__V1__MatchReason *why = reason(found->results[i], "feedback");
		assert_non_null(why);
		assert_non_null(strstr(why->detail, "tried it in 2025"));
	}
	free_messages(&found->base, &job->base);
}

/* The whole export of a job, in chunks small enough to need several. */
static char *export_job(const char *job_id, const char *format, size_t *length)
{
	size_t used = 0;
	char *document = NULL;
	long long offset = 0;
	do {
		char text[256];
		snprintf(text, sizeof(text),
		         "{\"job_id\":\"%s\",\"format\":\"%s\",\"offset\":%lld,\"max_bytes\":4096}",
		         job_id, format, offset);
		Chc__V1__ExportJobResponse *chunk =
		        (void *)matching_call("ExportJob", text, CHC_OK);
		char *grown = realloc(document, used + chunk->data.len + 1);
		assert_non_null(grown);
		document = grown;
		memcpy(document + used, chunk->data.data, chunk->data.len);
		used += chunk->data.len;
		document[used] = '\0';
		offset = chunk->next_offset;
		assert_int_equal(strlen(chunk->sha256), 64);
		protobuf_c_message_free_unpacked(&chunk->base, NULL);
	} while (offset != 0);
	*length = used;
	return document;
}

static char *run_and_export(const char *request, size_t *length)
{
	Chc__V1__Job *job = run_job(request, CHC__V1__JOB_STATE__JOB_STATE_SUCCEEDED);
	char *document = export_job(job->id, "json", length);
	protobuf_c_message_free_unpacked(&job->base, NULL);
	return document;
}

static void exports_repeat(void **state)
{
	(void)state;
	static const char request[] = "{\"kind\":\"need-solution\",\"parameters\":{\"top_k\":3}}";
	size_t first_length = 0, second_length = 0;
	char *first = run_and_export(request, &first_length);
	char *second = run_and_export(request, &second_length);
	assert_int_equal(first_length, second_length);
	assert_memory_equal(first, second, first_length);
	json_error_t error;
	json_t *document = json_loads(first, 0, &error);
	assert_non_null(document);
	assert_string_equal(json_string_value(json_object_get(document, "kind")), "need-solution");
	assert_int_equal(
	        json_array_size(json_object_get(json_object_get(document, "inputs"), "solutions")),
	        4);
	assert_null(strstr(first, "mette@kk.dk")); /* no contact persons in an export */
	json_decref(document);
	free(first);
	free(second);

	Chc__V1__Job *job = run_job(request, CHC__V1__JOB_STATE__JOB_STATE_SUCCEEDED);
	size_t length = 0;
	char *csv = export_job(job->id, "csv", &length);
	assert_true(strncmp(csv, "kind,rank,need_id,", 18) == 0);
	free(csv);
	protobuf_c_message_free_unpacked(&job->base, NULL);
}

static void test_bed_assignment(void **state)
{
	(void)state;
	for (int stable = 0; stable < 2; stable++) {
		Chc__V1__Job *job =
		        run_job(stable ? "{\"kind\":\"testbed-stable\"}"
		                       : "{\"kind\":\"testbed-assignment\",\"parameters\":"
		                         "{\"period\":\"2027-Q1\"}}",
		                CHC__V1__JOB_STATE__JOB_STATE_SUCCEEDED);
		Chc__V1__ListJobResultsResponse *found = results(job->id, "");
		int per_bed[3] = { 0 };
		size_t assigned = 0, unassigned = 0;
		for (size_t i = 0; i < found->n_results; i++) {
			const Chc__V1__JobResult *result = found->results[i];
			if (result->kind == CHC__V1__RESULT_KIND__RESULT_KIND_ASSIGNED) {
				assigned++;
				for (int t = 0; t < 3; t++)
					per_bed[t] +=
					        strcmp(result->test_bed_id, test_bed_ids[t]) == 0;
				assert_non_null(reason(result, "trl"));
				assert_true(result->score > 0);
			} else {
				assert_int_equal(result->kind,
				                 CHC__V1__RESULT_KIND__RESULT_KIND_UNASSIGNED);
				assert_true(strlen(result->explanation) > 0);
				unassigned++;
			}
		}
		/* Four solutions seek (all below TRL 9); two places in Q1 fit
		 * them (the simulation lab takes only diagnostics). */
		assert_int_equal(assigned + unassigned, 4);
		assert_int_equal(per_bed[0], 1);
		assert_int_equal(per_bed[1], 1);
		assert_int_equal(per_bed[2], 0);
		free_messages(&found->base, &job->base);
	}
}

static void consortia(void **state)
{
	(void)state;
	Chc__V1__Job *job = run_job("{\"kind\":\"consortia\",\"parameters\":{\"top_k\":5}}",
	                            CHC__V1__JOB_STATE__JOB_STATE_SUCCEEDED);
	Chc__V1__ListJobResultsResponse *found = results(job->id, "");
	assert_true(found->n_results >= 1);
	const Chc__V1__Consortium *group = found->results[0]->consortium;
	assert_non_null(group);
	/* København and Frederiksberg both want COPD monitoring by open tender. */
	assert_int_equal(group->n_members, 2);
	assert_true(group->total_population > 600000);
	assert_int_equal(group->combined_budget->min_dkk, 700000);
	assert_int_equal(group->combined_budget->max_dkk, 1800000);
	for (size_t i = 0; i < group->n_members; i++)
		assert_true(strlen(group->members[i]->reason) > 0);
	free_messages(&found->base, &job->base);
}

/* A slow instance (a pause after each phase) is killed in the middle of a
 * job; the next instance takes the job up when the lease runs out and its
 * export equals an uninterrupted run's. Cancelling stops a running job. */
static void survives_a_crash(void **state)
{
	(void)state;
	static const char request[] =
	        "{\"kind\":\"testbed-assignment\",\"parameters\":{\"period\":\"2027-Q1\"}}";
	size_t expected_length = 0;
	char *expected = run_and_export(request, &expected_length);
	assert_int_equal(harness_stop(&stack.matching), 0);
	assert_true(start_matching("800"));

	char id[37];
	submit_job(request, id);
	Chc__V1__Job *job = wait_for_job(id, "solving the assignment", 0);
	protobuf_c_message_free_unpacked(&job->base, NULL);
	kill(stack.matching.pid, SIGKILL);
	waitpid(stack.matching.pid, NULL, 0);
	assert_true(start_matching("0"));
	job = wait_for_job(id, NULL, CHC__V1__JOB_STATE__JOB_STATE_SUCCEEDED);
	assert_int_equal(job->attempts, 2);
	protobuf_c_message_free_unpacked(&job->base, NULL);
	size_t length = 0;
	char *resumed = export_job(id, "json", &length);
	assert_int_equal(length, expected_length);
	assert_memory_equal(resumed, expected, length);
	free(resumed);
	free(expected);

	assert_int_equal(harness_stop(&stack.matching), 0);
	assert_true(start_matching("800"));
	submit_job(request, id);
	job = wait_for_job(id, "solving the assignment", 0);
	protobuf_c_message_free_unpacked(&job->base, NULL);
	char get[96];
	snprintf(get, sizeof(get), "{\"id\":\"%s\"}", id);
	job = (void *)matching_call("CancelJob", get, CHC_OK);
	assert_true(job->cancel_requested);
	protobuf_c_message_free_unpacked(&job->base, NULL);
	job = wait_for_job(id, NULL, CHC__V1__JOB_STATE__JOB_STATE_CANCELLED);
	protobuf_c_message_free_unpacked(&job->base, NULL);
	assert_null(matching_call("CancelJob", get, CHC_FAILED_PRECONDITION));
	char export_request[128];
	snprintf(export_request, sizeof(export_request), "{\"job_id\":\"%s\"}", id);
	assert_null(matching_call("ExportJob", export_request, CHC_FAILED_PRECONDITION));
	assert_int_equal(harness_stop(&stack.matching), 0);
	assert_true(start_matching("0"));
}

/* Two instances on one queue: every job runs once, on one of them. */
static void two_instances_share_the_queue(void **state)
{
	(void)state;
	harness_service second;
	const char *const extra[] = { stack.environment[0], stack.environment[1],
		                      "CHC_JOB_LEASE_SECONDS=2", NULL };
	assert_true(harness_start(&second, "matching", extra));
	char ids[8][37];
	for (int i = 0; i < 8; i++) {
		submit_job(i % 2 ? "{\"kind\":\"testbed-stable\"}"
		                 : "{\"kind\":\"need-solution\",\"parameters\":{\"top_k\":3}}",
		           ids[i]);
	}
	for (int i = 0; i < 8; i++) {
		Chc__V1__Job *job =
		        wait_for_job(ids[i], NULL, CHC__V1__JOB_STATE__JOB_STATE_SUCCEEDED);
		assert_int_equal(job->attempts, 1);
		char sql[400];
		snprintf(sql, sizeof(sql),
		         "SELECT count(*) FROM matching.job_results WHERE job_id = '%.36s'",
		         ids[i]);
		assert_int_equal(atoll(harness_sql_value(stack.database, sql)), job->result_count);
		protobuf_c_message_free_unpacked(&job->base, NULL);
	}
	assert_int_equal(harness_stop(&second), 0);
}

CHC_TEST_MAIN(start, stop, cmocka_unit_test(test_beds), cmocka_unit_test(batch_get_test_beds),
              cmocka_unit_test(bad_parameters), cmocka_unit_test(need_solution),
              cmocka_unit_test(feedback_is_honoured), cmocka_unit_test(exports_repeat),
              cmocka_unit_test(test_bed_assignment), cmocka_unit_test(consortia),
              cmocka_unit_test(survives_a_crash), cmocka_unit_test(two_instances_share_the_queue))
