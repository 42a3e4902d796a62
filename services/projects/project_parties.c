/*
 * project_parties.c - who takes part in a project, checked with the service
 * that keeps it, through libchc (the projects service reads no other
 * schema): companies with the companies service, municipalities and regions
 * with the municipalities service, test beds with the matching service.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chc/client.h"
#include "chc/v1/companies.pb-c.h"
#include "chc/v1/matching.pb-c.h"
#include "chc/v1/municipalities.pb-c.h"
#include "entity.h"
#include "projects.h"
#include "validate.h"

static chc_client *client;

chc_status projects_client_start(const core_config *config, chc_error *error)
{
	chc_client_options options;
	chc_client_options_init(&options);
	options.token = config->token;
	options.timeout_ms = 5000;
	return chc_client_create(&options, &client, error);
}

void projects_client_stop(void)
{
	chc_client_destroy(client);
	client = NULL;
}

ProtobufCMessage *project_fetch(core_request *request, const char *field, const char *what,
                                const ProtobufCServiceDescriptor *service, const char *method,
                                const ProtobufCMessage *input)
{
	ProtobufCMessage *reply = NULL;
	chc_error error = { 0 };
	chc_call_options options = { .deadline_unix_ms = request->deadline_unix_ms,
		                     .token = core_forwarded_token(request) };
	chc_status status =
	        chc_client_call(client, service, method, input, &options, &reply, &error);
	if (status == CHC_NOT_FOUND)
		core_fail(request, CHC_NOT_FOUND, "%s: no %s", field, what);
	else if (status != CHC_OK)
		core_fail(request, CHC_UNAVAILABLE, "cannot check %s (%s): %s", field, what,
		          error.message ? error.message : "");
	chc_error_fini(&error);
	return reply;
}

/* A party another service keeps: the field of Party that names it (a
 * UUID, or a code in minimum..maximum), its kind in keys ("test_bed") and
 * in messages ("test bed"), and the method that finds it. */
typedef struct kept_party {
	const char *field;
	int minimum;
	int maximum;
	const char *kind;
	const char *noun;
	const ProtobufCServiceDescriptor *service;
	const char *method;
} kept_party;

static const kept_party kept_company = {
	.field = "company_id",
	.kind = "company",
	.noun = "company",
	.service = &chc__v1__company_service__descriptor,
	.method = "GetCompany",
};
static const kept_party kept_municipality = {
	.field = "municipality_code",
	.minimum = 100,
	.maximum = 999,
	.kind = "municipality",
	.noun = "municipality",
	.service = &chc__v1__municipality_service__descriptor,
	.method = "GetMunicipality",
};
static const kept_party kept_region = {
	.field = "region_code",
	.minimum = 1081,
	.maximum = 1085,
	.kind = "region",
	.noun = "region",
	.service = &chc__v1__municipality_service__descriptor,
	.method = "GetRegion",
};
static const kept_party kept_test_bed = {
	.field = "test_bed_id",
	.kind = "test_bed",
	.noun = "test bed",
	.service = &chc__v1__matching_service__descriptor,
	.method = "GetTestBed",
};

/* The field called name of message, when it has one of type type. */
static const void *message_field(const ProtobufCMessage *message, const char *name,
                                 ProtobufCType type)
{
	const ProtobufCFieldDescriptor *field =
	        protobuf_c_message_descriptor_get_field_by_name(message->descriptor, name);
	if (field == NULL || field->type != type || field->label == PROTOBUF_C_LABEL_REPEATED)
		return NULL;
	return (const char *)message + field->offset;
}

/*
 * Checks the party source keeps, named by id (a UUID) or, when id is NULL,
 * by code, and asked for with input (the Get request of source->method):
 * the checks every kind of kept party had written out on its own. Every
 * reply carries the party's name; a municipality and a test bed also their
 * region.
 */
static chc_status check_kept(core_request *request, const char *field, const kept_party *source,
                             const char *id, int code, const ProtobufCMessage *input,
                             project_party *checked)
{
	char value_field[96];
	snprintf(value_field, sizeof(value_field), "%s.%s", field, source->field);
	if (id != NULL ? !core_check_uuid(request, value_field, id)
	               : !core_check_range(request, value_field, code, source->minimum,
	                                   source->maximum))
		return CHC_INVALID_ARGUMENT;
	char value[64];
	if (id != NULL)
		snprintf(value, sizeof(value), "%s", id);
	else
		snprintf(value, sizeof(value), "%d", code);
	char what[96];
	snprintf(what, sizeof(what), "%s %s", source->noun, value);
	ProtobufCMessage *reply =
	        project_fetch(request, value_field, what, source->service, source->method, input);
	if (reply == NULL)
		return request->error.code;
	const char *const *name = message_field(reply, "name", PROTOBUF_C_TYPE_STRING);
	const int32_t *region = message_field(reply, "region_code", PROTOBUF_C_TYPE_INT32);
	snprintf(checked->key, sizeof(checked->key), "%s:%s", source->kind, value);
	snprintf(checked->name, sizeof(checked->name), "%s", name != NULL ? *name : "");
	checked->region_code = region != NULL ? *region : 0;
	protobuf_c_message_free_unpacked(reply, NULL);
	return CHC_OK;
}

static chc_status check_company(core_request *request, const char *field,
                                const Chc__V1__Party *party, project_party *checked)
{
	Chc__V1__GetCompanyRequest get = CHC__V1__GET_COMPANY_REQUEST__INIT;
	get.id = party->company_id;
	return check_kept(request, field, &kept_company, party->company_id, 0, &get.base, checked);
}

static chc_status check_municipality(core_request *request, const char *field,
                                     const Chc__V1__Party *party, project_party *checked)
{
	Chc__V1__GetMunicipalityRequest get = CHC__V1__GET_MUNICIPALITY_REQUEST__INIT;
	get.code = party->municipality_code;
	return check_kept(request, field, &kept_municipality, NULL, party->municipality_code,
	                  &get.base, checked);
}

static chc_status check_region(core_request *request, const char *field,
                               const Chc__V1__Party *party, project_party *checked)
{
	Chc__V1__GetRegionRequest get = CHC__V1__GET_REGION_REQUEST__INIT;
	get.code = party->region_code;
	chc_status status = check_kept(request, field, &kept_region, NULL, party->region_code,
	                               &get.base, checked);
	/* A region is its own region. */
	if (status == CHC_OK)
		checked->region_code = party->region_code;
	return status;
}

static chc_status check_test_bed(core_request *request, const char *field,
                                 const Chc__V1__Party *party, project_party *checked)
{
	Chc__V1__GetTestBedRequest get = CHC__V1__GET_TEST_BED_REQUEST__INIT;
	get.id = party->test_bed_id;
	return check_kept(request, field, &kept_test_bed, party->test_bed_id, 0, &get.base,
	                  checked);
}

chc_status project_party_check(core_request *request, const char *field,
                               const Chc__V1__Party *party, project_party *checked)
{
	memset(checked, 0, sizeof(*checked));
	if (!core_check_present(request, field, party))
		return CHC_INVALID_ARGUMENT;
	char kind_field[96];
	snprintf(kind_field, sizeof(kind_field), "%s.kind", field);
	if (!core_check_enum(request, kind_field, &chc__v1__party_kind__descriptor, party->kind,
	                     true))
		return CHC_INVALID_ARGUMENT;
	switch (party->kind) {
	case CHC__V1__PARTY_KIND__PARTY_KIND_COMPANY:
		return check_company(request, field, party, checked);
	case CHC__V1__PARTY_KIND__PARTY_KIND_MUNICIPALITY:
		return check_municipality(request, field, party, checked);
	case CHC__V1__PARTY_KIND__PARTY_KIND_REGION:
		return check_region(request, field, party, checked);
	case CHC__V1__PARTY_KIND__PARTY_KIND_TEST_BED:
		return check_test_bed(request, field, party, checked);
	default: {
		char name_field[96];
		snprintf(name_field, sizeof(name_field), "%s.organisation", field);
		if (!core_check_text(request, name_field, party->organisation, 2, 150))
			return CHC_INVALID_ARGUMENT;
		snprintf(checked->key, sizeof(checked->key), "%s:%s",
		         party->kind == CHC__V1__PARTY_KIND__PARTY_KIND_HOSPITAL
		                 ? "hospital"
		                 : "knowledge_institution",
		         party->organisation);
		snprintf(checked->name, sizeof(checked->name), "%s", party->organisation);
		return CHC_OK;
	}
	}
}

bool project_party_key(const Chc__V1__Party *party, char key[96])
{
	if (party == NULL)
		return false;
	switch (party->kind) {
	case CHC__V1__PARTY_KIND__PARTY_KIND_COMPANY:
		snprintf(key, 96, "company:%.60s", party->company_id);
		return party->company_id[0] != '\0';
	case CHC__V1__PARTY_KIND__PARTY_KIND_MUNICIPALITY:
		snprintf(key, 96, "municipality:%d", party->municipality_code);
		return party->municipality_code != 0;
	case CHC__V1__PARTY_KIND__PARTY_KIND_REGION:
		snprintf(key, 96, "region:%d", party->region_code);
		return party->region_code != 0;
	case CHC__V1__PARTY_KIND__PARTY_KIND_TEST_BED:
		snprintf(key, 96, "test_bed:%.60s", party->test_bed_id);
		return party->test_bed_id[0] != '\0';
	case CHC__V1__PARTY_KIND__PARTY_KIND_HOSPITAL:
	case CHC__V1__PARTY_KIND__PARTY_KIND_KNOWLEDGE_INSTITUTION:
		snprintf(key, 96, "%s:%.70s",
		         party->kind == CHC__V1__PARTY_KIND__PARTY_KIND_HOSPITAL
		                 ? "hospital"
		                 : "knowledge_institution",
		         party->organisation);
		return party->organisation[0] != '\0';
	default:
		return false;
	}
}

Chc__V1__Party *project_party_from_key(core_request *request, const char *key)
{
	Chc__V1__Party *party = core_alloc(request, sizeof(*party));
	if (party == NULL)
		return NULL;
	chc__v1__party__init(party);
	const char *value = strchr(key, ':');
	if (value == NULL)
		return party;
	size_t kind_length = (size_t)(value - key);
	value++;
	if (strncmp(key, "company", kind_length) == 0) {
		party->kind = CHC__V1__PARTY_KIND__PARTY_KIND_COMPANY;
		party->company_id = core_strdup(request, value);
	} else if (strncmp(key, "municipality", kind_length) == 0) {
		party->kind = CHC__V1__PARTY_KIND__PARTY_KIND_MUNICIPALITY;
		party->municipality_code = atoi(value);
	} else if (strncmp(key, "region", kind_length) == 0) {
		party->kind = CHC__V1__PARTY_KIND__PARTY_KIND_REGION;
		party->region_code = atoi(value);
	} else if (strncmp(key, "test_bed", kind_length) == 0) {
		party->kind = CHC__V1__PARTY_KIND__PARTY_KIND_TEST_BED;
		party->test_bed_id = core_strdup(request, value);
	} else {
		party->kind = strncmp(key, "hospital", kind_length) == 0
		                      ? CHC__V1__PARTY_KIND__PARTY_KIND_HOSPITAL
		                      : CHC__V1__PARTY_KIND__PARTY_KIND_KNOWLEDGE_INSTITUTION;
		party->organisation = core_strdup(request, value);
	}
	return party;
}

ProtobufCMessage *project_get(core_request *request, const char *field, const char *what,
                              const ProtobufCServiceDescriptor *service, const char *method,
                              const char *id)
{
	const ProtobufCMethodDescriptor *get =
	        protobuf_c_service_descriptor_get_method_by_name(service, method);
	const ProtobufCFieldDescriptor *id_field =
	        get == NULL ? NULL
	                    : protobuf_c_message_descriptor_get_field_by_name(get->input, "id");
	if (id_field == NULL || id_field->type != PROTOBUF_C_TYPE_STRING) {
		core_fail(request, CHC_INTERNAL, "%s.%s is not a Get by id", service->name, method);
		return NULL;
	}
	ProtobufCMessage *input = core_message_new(request, get->input);
	if (input == NULL)
		return NULL;
	*(const char **)((char *)input + id_field->offset) = id;
	return project_fetch(request, field, what, service, method, input);
}

/* Why a need cannot be linked (it is not open), or NULL. */
static const char *need_refused(const ProtobufCMessage *record)
{
	const Chc__V1__Need *need = (const Chc__V1__Need *)record;
	return need->status == CHC__V1__NEED_STATUS__NEED_STATUS_OPEN ||
	                       need->status == CHC__V1__NEED_STATUS__NEED_STATUS_IN_DIALOGUE
	               ? NULL
	               : "is not open";
}

static const char *solution_refused(const ProtobufCMessage *record)
{
	const Chc__V1__Solution *solution = (const Chc__V1__Solution *)record;
	return solution->status == CHC__V1__SOLUTION_STATUS__SOLUTION_STATUS_PUBLISHED
	               ? NULL
	               : "is not published";
}

/* A kind of record a project links to by id. */
typedef struct project_link {
	const char *field; /* "need_ids" */
	const char *noun;  /* "need" */
	const ProtobufCServiceDescriptor *service;
	const char *method; /* its Get */
	/* Why a record cannot be linked, or NULL; NULL: any record can. */
	const char *(*refused)(const ProtobufCMessage *record);
} project_link;

/* Each id of the records of link, one Get: present, and in the state a
 * project needs. */
static void link_check(core_request *request, const project_link *link, char *const *ids,
                       size_t count)
{
	for (size_t i = 0; i < count && !core_failed(request); i++) {
		char field[64], what[96];
		snprintf(field, sizeof(field), "project.%s[%zu]", link->field, i);
		snprintf(what, sizeof(what), "%s %s", link->noun, ids[i]);
		if (!core_check_uuid(request, field, ids[i]))
			break;
		ProtobufCMessage *record =
		        project_get(request, field, what, link->service, link->method, ids[i]);
		const char *refused =
		        record != NULL && link->refused != NULL ? link->refused(record) : NULL;
		if (refused != NULL)
			core_fail(request, CHC_FAILED_PRECONDITION, "%s: %s %s", field, what,
			          refused);
		if (record != NULL)
			protobuf_c_message_free_unpacked(record, NULL);
	}
}

chc_status project_links_check(core_request *request, const Chc__V1__Project *project)
{
	static const project_link needs = { "need_ids", "need",
		                            &chc__v1__municipality_service__descriptor, "GetNeed",
		                            need_refused };
	static const project_link solutions = { "solution_ids", "solution",
		                                &chc__v1__company_service__descriptor,
		                                "GetSolution", solution_refused };
	static const project_link test_beds = { "test_bed_ids", "test bed",
		                                &chc__v1__matching_service__descriptor,
		                                "GetTestBed", NULL };
	link_check(request, &needs, project->need_ids, project->n_need_ids);
	link_check(request, &solutions, project->solution_ids, project->n_solution_ids);
	link_check(request, &test_beds, project->test_bed_ids, project->n_test_bed_ids);
	return core_failed(request) ? request->error.code : CHC_OK;
}

chc_status project_record_not_a_match(core_request *request, const char *need_id,
                                      const char *solution_id, const char *reason)
{
	Chc__V1__Feedback feedback = CHC__V1__FEEDBACK__INIT;
	feedback.need_id = (char *)need_id;
	feedback.solution_id = (char *)solution_id;
	feedback.reason = (char *)reason;
	Chc__V1__RecordFeedbackRequest record = CHC__V1__RECORD_FEEDBACK_REQUEST__INIT;
	record.feedback = &feedback;
	ProtobufCMessage *reply = project_fetch(request, "feedback", "feedback service",
	                                        &chc__v1__matching_service__descriptor,
	                                        "RecordFeedback", &record.base);
	if (reply == NULL)
		return request->error.code;
	protobuf_c_message_free_unpacked(reply, NULL);
	return CHC_OK;
}

chc_status project_job_has_match(core_request *request, const char *job_id, const char *need_id,
                                 const char *solution_id)
{
	Chc__V1__ListJobResultsRequest list = CHC__V1__LIST_JOB_RESULTS_REQUEST__INIT;
	list.job_id = (char *)job_id;
	list.kind = CHC__V1__RESULT_KIND__RESULT_KIND_MATCH;
	list.need_id = (char *)need_id;
	list.solution_id = (char *)solution_id;
	char what[96];
	snprintf(what, sizeof(what), "job %s", job_id);
	Chc__V1__ListJobResultsResponse *found = (Chc__V1__ListJobResultsResponse *)project_fetch(
	        request, "job_id", what, &chc__v1__matching_service__descriptor, "ListJobResults",
	        &list.base);
	if (found == NULL)
		return request->error.code;
	chc_status status = found->n_results > 0
	                            ? CHC_OK
	                            : core_fail(request, CHC_NOT_FOUND,
	                                        "job %s matched no solution %s to need %s", job_id,
	                                        solution_id, need_id);
	protobuf_c_message_free_unpacked(&found->base, NULL);
	return status;
}
