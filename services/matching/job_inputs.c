/*
 * job_inputs.c - what a job reads, once, before it computes: solutions and
 * needs through libchc (paged List calls, as any partner would read them),
 * test beds and feedback from the matching schema, the municipalities and
 * regions for populations and deployments. Everything is sorted by id, so
 * the same data gives the same inputs whatever order the services list it
 * in, and kept with the job (job_worker.c).
 */
#include <stdlib.h>
#include <string.h>

#include "chc/client.h"
#include "chc/v1/companies.pb-c.h"
#include "chc/v1/municipalities.pb-c.h"
#include "db.h"
#include "entity.h"
#include "matching.h"
#include "matching_jobs.h"
#include "remote.h"

/* A deep copy of message in the run's arena. */
static ProtobufCMessage *arena_copy(job_run *run, const ProtobufCMessage *message)
{
	uint8_t *packed = NULL;
	size_t length = 0;
	if (job_pack(message, &packed, &length) != CHC_OK)
		return NULL;
	ProtobufCAllocator allocator = job_arena_allocator(&run->arena);
	ProtobufCMessage *copy =
	        protobuf_c_message_unpack(message->descriptor, &allocator, length, packed);
	free(packed);
	return copy;
}

/* A growing array of message pointers in the arena. */
typedef struct message_list {
	void **items;
	size_t count;
	size_t capacity;
} message_list;

static chc_status list_add(job_run *run, message_list *list, const ProtobufCMessage *message,
                           chc_error *error)
{
	if (list->count == list->capacity) {
		size_t capacity = list->capacity ? 2 * list->capacity : 256;
		void **grown = job_arena_alloc(&run->arena, capacity * sizeof(void *));
		if (grown == NULL)
			return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
		if (list->count > 0)
			memcpy(grown, list->items, list->count * sizeof(void *));
		list->items = grown;
		list->capacity = capacity;
	}
	ProtobufCMessage *copy = arena_copy(run, message);
	if (copy == NULL)
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	list->items[list->count++] = copy;
	return CHC_OK;
}

static int compare_solution(const void *a, const void *b)
{
	return strcmp((*(Chc__V1__Solution *const *)a)->id, (*(Chc__V1__Solution *const *)b)->id);
}
static int compare_need(const void *a, const void *b)
{
	return strcmp((*(Chc__V1__Need *const *)a)->id, (*(Chc__V1__Need *const *)b)->id);
}
static int compare_test_bed(const void *a, const void *b)
{
	return strcmp((*(Chc__V1__TestBed *const *)a)->id, (*(Chc__V1__TestBed *const *)b)->id);
}
static int compare_feedback(const void *a, const void *b)
{
	const Chc__V1__Feedback *x = *(Chc__V1__Feedback *const *)a;
	const Chc__V1__Feedback *y = *(Chc__V1__Feedback *const *)b;
	int order = strcmp(x->need_id, y->need_id);
	return order != 0 ? order : strcmp(x->solution_id, y->solution_id);
}

static void sort_list(message_list *list, int (*compare)(const void *, const void *))
{
	if (list->count > 1)
		qsort(list->items, list->count, sizeof(void *), compare);
}

/* Collects listed items into a list, reporting progress on the way. */
typedef struct collector {
	job_run *run;
	message_list *list;
} collector;

static chc_status collect(void *context, const ProtobufCMessage *item, int64_t total,
                          chc_error *error)
{
	collector *into = context;
	chc_status status = list_add(into->run, into->list, item, error);
	if (status == CHC_OK &&
	    !job_run_progress(into->run, "reading inputs", (int64_t)into->list->count, total))
		status = chc_error_set(error, CHC_CANCELLED, "cancelled");
	return status;
}

/* Every record a List request lists, page by page, into list: the inputs
 * a job reads whole from the other services. */
static chc_status list_into(job_run *run, const ProtobufCServiceDescriptor *service,
                            const char *method, ProtobufCMessage *request, message_list *list,
                            chc_error *error)
{
	collector into = { run, list };
	return matching_list_all(service, method, request, collect, &into, error);
}

/* Where read_named puts each record its BatchGet found. */
typedef struct named_into {
	job_run *run;
	message_list *list;
	chc_error *error;
} named_into;

static void add_named(core_request *request, const char *item, const char *id,
                      const ProtobufCMessage *record, const void *context)
{
	const named_into *into = context;
	if (record == NULL)
		core_fail(request, CHC_NOT_FOUND, "%s: %s is gone", item, id);
	else if (list_add(into->run, into->list, record, into->error) != CHC_OK)
		core_fail(request, into->error->code, "%s", into->error->message);
}

/* The records a job names, by method (a BatchGet), CORE_BATCH_MAX a call. */
static chc_status read_named(job_run *run, const ProtobufCServiceDescriptor *service,
                             const char *method, const char *field, char **ids, size_t count,
                             message_list *list, chc_error *error)
{
	/* A job runs for no caller: the service's own token, no deadline. */
	core_request request = { .method = "job", .request_id = run->id };
	named_into into = { run, list, error };
	chc_status status =
	        remote_batch_each(&request, field, service, method, ids, count, add_named, &into);
	if (status != CHC_OK)
		chc_error_set(error, status, "%s", request.error.message);
	core_request_fini(&request);
	return status;
}

static chc_status read_solutions(job_run *run, message_list *list, chc_error *error)
{
	const Chc__V1__JobParameters *parameters = run->parameters;
	if (parameters->n_solution_ids > 0)
		return read_named(run, &chc__v1__company_service__descriptor, "BatchGetSolutions",
		                  "parameters.solution_ids", parameters->solution_ids,
		                  parameters->n_solution_ids, list, error);
	Chc__V1__SolutionFilter filter = CHC__V1__SOLUTION_FILTER__INIT;
	filter.status = CHC__V1__SOLUTION_STATUS__SOLUTION_STATUS_PUBLISHED;
	Chc__V1__ListSolutionsRequest request = CHC__V1__LIST_SOLUTIONS_REQUEST__INIT;
	request.filter = &filter;
	return list_into(run, &chc__v1__company_service__descriptor, "ListSolutions", &request.base,
	                 list, error);
}

static chc_status read_needs(job_run *run, message_list *list, chc_error *error)
{
	const Chc__V1__JobParameters *parameters = run->parameters;
	if (parameters->n_need_ids > 0)
		return read_named(run, &chc__v1__municipality_service__descriptor, "BatchGetNeeds",
		                  "parameters.need_ids", parameters->need_ids,
		                  parameters->n_need_ids, list, error);
	Chc__V1__NeedFilter filter = CHC__V1__NEED_FILTER__INIT;
	filter.status = CHC__V1__NEED_STATUS__NEED_STATUS_OPEN;
	Chc__V1__ListNeedsRequest request = CHC__V1__LIST_NEEDS_REQUEST__INIT;
	request.filter = &filter;
	return list_into(run, &chc__v1__municipality_service__descriptor, "ListNeeds",
	                 &request.base, list, error);
}

static chc_status read_reference(job_run *run, message_list *municipalities, message_list *regions,
                                 chc_error *error)
{
	Chc__V1__ListMunicipalitiesRequest request = CHC__V1__LIST_MUNICIPALITIES_REQUEST__INIT;
	chc_status status = list_into(run, &chc__v1__municipality_service__descriptor,
	                              "ListMunicipalities", &request.base, municipalities, error);
	Chc__V1__ListRegionsRequest list_regions = CHC__V1__LIST_REGIONS_REQUEST__INIT;
	ProtobufCMessage *reply = NULL;
	if (status == CHC_OK)
		status =
		        chc_client_call(remote_client(), &chc__v1__municipality_service__descriptor,
		                        "ListRegions", &list_regions.base, NULL, &reply, error);
	if (status != CHC_OK)
		return status;
	const Chc__V1__ListRegionsResponse *found = (const void *)reply;
	for (size_t i = 0; i < found->n_regions && status == CHC_OK; i++)
		status = list_add(run, regions, &found->regions[i]->base, error);
	protobuf_c_message_free_unpacked(reply, NULL);
	return status;
}

/* Test beds and feedback are the matching service's own: read directly. */
static chc_status read_own(job_run *run, core_db *database, message_list *test_beds,
                           message_list *feedback, chc_error *error)
{
	core_request request = { .method = "job",
		                 .request_id = run->id,
		                 .principal = { .subject = "matching",
		                                .role = CORE_ROLE_SECRETARIAT },
		                 .db = database->connection,
		                 .database = database };
	const Chc__V1__JobParameters *parameters = run->parameters;
	chc_status status = CHC_OK;
	bool wants_test_beds = run->kind == CHC__V1__JOB_KIND__JOB_KIND_TESTBED_ASSIGNMENT ||
	                       run->kind == CHC__V1__JOB_KIND__JOB_KIND_TESTBED_STABLE;
	if (wants_test_beds && parameters->n_test_bed_ids > 0) {
		for (size_t i = 0; i < parameters->n_test_bed_ids && status == CHC_OK; i++) {
			ProtobufCMessage *test_bed = NULL;
			status = core_entity_load(&request, &test_bed_entity,
			                          parameters->test_bed_ids[i], false, &test_bed);
			if (status == CHC_OK)
				status = list_add(run, test_beds, test_bed, error);
		}
	} else if (wants_test_beds) {
		PGresult *result = NULL;
		ProtobufCMessage **found = NULL;
		size_t count = 0;
		status = core_query_sql(&request,
		                        "SELECT " TEST_BED_COLUMNS " FROM matching.test_beds t "
		                        "WHERE t.status = 'open' ORDER BY t.id",
		                        0, NULL, &result);
		if (status == CHC_OK)
			status = core_entity_rows(&request, &test_bed_entity, result, &found,
			                          &count);
		for (size_t i = 0; i < count && status == CHC_OK; i++)
			status = list_add(run, test_beds, found[i], error);
	}
	if (status == CHC_OK && run->kind == CHC__V1__JOB_KIND__JOB_KIND_NEED_SOLUTION) {
		PGresult *result = NULL;
		status = core_query_sql(&request,
		                        "SELECT need_id, solution_id, reason, recorded_by, "
		                        "(extract(epoch FROM created_at) * 1000)::bigint "
		                        "FROM matching.feedback ORDER BY need_id, solution_id",
		                        0, NULL, &result);
		for (int i = 0; status == CHC_OK && i < PQntuples(result); i++) {
			Chc__V1__Feedback one = CHC__V1__FEEDBACK__INIT;
			one.need_id = PQgetvalue(result, i, 0);
			one.solution_id = PQgetvalue(result, i, 1);
			one.reason = PQgetvalue(result, i, 2);
			one.recorded_by = PQgetvalue(result, i, 3);
			one.created_unix_ms = strtoll(PQgetvalue(result, i, 4), NULL, 10);
			status = list_add(run, feedback, &one.base, error);
		}
	}
	if (status != CHC_OK && request.error.message != NULL)
		chc_error_set(error, status, "%s", request.error.message);
	else if (status != CHC_OK && error->message == NULL)
		chc_error_set(error, status, "cannot read the test beds");
	core_request_fini(&request);
	return status;
}

chc_status job_inputs_read(job_run *run, core_db *database, chc_error *error)
{
	Chc__V1__JobInputs *inputs = job_arena_alloc(&run->arena, sizeof(*inputs));
	if (inputs == NULL)
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	chc__v1__job_inputs__init(inputs);
	message_list solutions = { 0 }, needs = { 0 }, test_beds = { 0 }, feedback = { 0 },
	             municipalities = { 0 }, regions = { 0 };
	bool wants_needs = run->kind == CHC__V1__JOB_KIND__JOB_KIND_NEED_SOLUTION ||
	                   run->kind == CHC__V1__JOB_KIND__JOB_KIND_CONSORTIA;
	chc_status status = read_solutions(run, &solutions, error);
	if (status == CHC_OK && wants_needs)
		status = read_needs(run, &needs, error);
	if (status == CHC_OK)
		status = read_reference(run, &municipalities, &regions, error);
	if (status == CHC_OK)
		status = read_own(run, database, &test_beds, &feedback, error);
	if (status != CHC_OK)
		return status;
	/* A need's contact person matters to no computation: the inputs, kept
	 * with the job, keep no personal data (nothing to erase here later). */
	for (size_t i = 0; i < needs.count; i++)
		((Chc__V1__Need *)needs.items[i])->contact = NULL;
	sort_list(&solutions, compare_solution);
	sort_list(&needs, compare_need);
	sort_list(&test_beds, compare_test_bed);
	sort_list(&feedback, compare_feedback);
	/* Municipalities and regions come sorted by code from their service. */
	inputs->solutions = (Chc__V1__Solution **)solutions.items;
	inputs->n_solutions = solutions.count;
	inputs->needs = (Chc__V1__Need **)needs.items;
	inputs->n_needs = needs.count;
	inputs->test_beds = (Chc__V1__TestBed **)test_beds.items;
	inputs->n_test_beds = test_beds.count;
	inputs->feedback = (Chc__V1__Feedback **)feedback.items;
	inputs->n_feedback = feedback.count;
	inputs->municipalities = (Chc__V1__Municipality **)municipalities.items;
	inputs->n_municipalities = municipalities.count;
	inputs->regions = (Chc__V1__Region **)regions.items;
	inputs->n_regions = regions.count;
	run->inputs = inputs;
	return CHC_OK;
}
