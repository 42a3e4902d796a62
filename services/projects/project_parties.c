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
#include "remote.h"
#include "validate.h"

/* A party another service keeps: its kind, the field of Party that names
 * it (a UUID, or a code in minimum..maximum), its kind in keys
 * ("test_bed") and in messages ("test bed"), and the call that finds many
 * of them at once (fetch_many's method, keys) with the field of each record
 * found that names it. */
typedef struct kept_party {
	Chc__V1__PartyKind party_kind;
	const char *field;
	int minimum;
	int maximum;
	const char *kind;
	const char *noun;
	const ProtobufCServiceDescriptor *service;
	const char *method;
	const char *keys;
	const char *key;
} kept_party;

#define KEPT(kind)       CHC__V1__PARTY_KIND__PARTY_KIND_##kind
#define KEPT_BY(service) &chc__v1__##service##_service__descriptor

/* Five regions: one List gives them all (no keys). */
static const kept_party kept_parties[] = {
	/* party kind, field, minimum, maximum, kind, noun, service, method, keys, key */
	{ KEPT(COMPANY), "company_id", 0, 0, "company", "company", KEPT_BY(company),
	  "BatchGetCompanies", "ids", "id" },
	{ KEPT(MUNICIPALITY), "municipality_code", 100, 999, "municipality", "municipality",
	  KEPT_BY(municipality), "BatchGetMunicipalities", "codes", "code" },
	{ KEPT(REGION), "region_code", 1081, 1085, "region", "region", KEPT_BY(municipality),
	  "ListRegions", NULL, "code" },
	{ KEPT(TEST_BED), "test_bed_id", 0, 0, "test_bed", "test bed", KEPT_BY(matching),
	  "BatchGetTestBeds", "ids", "id" },
};

static const kept_party *kept_party_of(Chc__V1__PartyKind party_kind)
{
	for (size_t i = 0; i < sizeof(kept_parties) / sizeof(kept_parties[0]); i++)
		if (kept_parties[i].party_kind == party_kind)
			return &kept_parties[i];
	return NULL;
}

/* What party names of source: its id (a UUID string; NULL when source
 * names by code) or its code. */
static const char *kept_id(const kept_party *source, const Chc__V1__Party *party)
{
	return core_message_string(&party->base, source->field);
}

static int kept_code(const kept_party *source, const Chc__V1__Party *party)
{
	int32_t code = 0;
	core_message_int32(&party->base, source->field, &code);
	return code;
}

/* The checks of a party that need no other service: its kind, the id or
 * code it names, an organisation's name (whose key and name it sets). */
static bool party_check_locally(core_request *request, const char *field,
                                const Chc__V1__Party *party, project_party *checked)
{
	if (!core_check_present(request, field, party))
		return false;
	char kind_field[96];
	snprintf(kind_field, sizeof(kind_field), "%s.kind", field);
	if (!core_check_enum(request, kind_field, &chc__v1__party_kind__descriptor, party->kind,
	                     true))
		return false;
	const kept_party *source = kept_party_of(party->kind);
	char value_field[96];
	if (source != NULL) {
		snprintf(value_field, sizeof(value_field), "%s.%s", field, source->field);
		const char *id = kept_id(source, party);
		return id != NULL ? core_check_uuid(request, value_field, id)
		                  : core_check_range(request, value_field, kept_code(source, party),
		                                     source->minimum, source->maximum);
	}
	snprintf(value_field, sizeof(value_field), "%s.organisation", field);
	if (!core_check_text(request, value_field, party->organisation, 2, 150))
		return false;
	snprintf(checked->key, sizeof(checked->key), "%s:%s",
	         party->kind == CHC__V1__PARTY_KIND__PARTY_KIND_HOSPITAL ? "hospital"
	                                                                 : "knowledge_institution",
	         party->organisation);
	snprintf(checked->name, sizeof(checked->name), "%s", party->organisation);
	return true;
}

/* The parties of source among parties, with one call: each found is
 * described (key, name, region), the first not found is NOT_FOUND. */
static chc_status parties_check_kept(core_request *request, const kept_party *source,
                                     const char *const *fields,
                                     const Chc__V1__Party *const *parties, size_t count,
                                     project_party *checked)
{
	char **ids = core_alloc(request, (count + 1) * sizeof(*ids));
	int32_t *codes = core_alloc(request, (count + 1) * sizeof(*codes));
	if (ids == NULL || codes == NULL)
		return core_failure(request);
	size_t asked = 0, first = 0;
	bool by_id = false;
	for (size_t i = 0; i < count; i++) {
		if (parties[i]->kind != source->party_kind)
			continue;
		if (asked == 0)
			first = i;
		const char *id = kept_id(source, parties[i]);
		by_id = id != NULL;
		ids[asked] = (char *)id;
		codes[asked++] = kept_code(source, parties[i]);
	}
	if (asked == 0)
		return CHC_OK;
	char list_field[112];
	snprintf(list_field, sizeof(list_field), "%s.%s", fields[first], source->field);
	ProtobufCMessage *reply =
	        remote_fetch_many(request, list_field, source->service, source->method,
	                          source->keys, by_id ? ids : NULL, codes, asked);
	if (reply == NULL)
		return request->error.code;
	for (size_t i = 0; i < count && !core_failed(request); i++) {
		if (parties[i]->kind != source->party_kind)
			continue;
		const char *id = kept_id(source, parties[i]);
		int code = kept_code(source, parties[i]);
		char value[64];
		if (id != NULL)
			snprintf(value, sizeof(value), "%s", id);
		else
			snprintf(value, sizeof(value), "%d", code);
		const ProtobufCMessage *record = remote_found_record(reply, source->key, id, code);
		if (record == NULL) {
			core_fail(request, CHC_NOT_FOUND, "%s.%s: no %s %s", fields[i],
			          source->field, source->noun, value);
			break;
		}
		const char *name = core_message_string(record, "name");
		int32_t region = code; /* a region is its own region */
		core_message_int32(record, "region_code", &region);
		snprintf(checked[i].key, sizeof(checked[i].key), "%s:%s", source->kind, value);
		snprintf(checked[i].name, sizeof(checked[i].name), "%s", name != NULL ? name : "");
		checked[i].region_code = region;
	}
	protobuf_c_message_free_unpacked(reply, NULL);
	return core_failed(request) ? request->error.code : CHC_OK;
}

chc_status project_parties_check(core_request *request, const char *const *fields,
                                 const Chc__V1__Party *const *parties, size_t count,
                                 project_party *checked)
{
	memset(checked, 0, count * sizeof(*checked));
	for (size_t i = 0; i < count; i++)
		party_check_locally(request, fields[i], parties[i], &checked[i]);
	for (size_t k = 0; k < sizeof(kept_parties) / sizeof(kept_parties[0]); k++)
		if (!core_failed(request))
			parties_check_kept(request, &kept_parties[k], fields, parties, count,
			                   checked);
	return core_failed(request) ? request->error.code : CHC_OK;
}

chc_status project_party_check(core_request *request, const char *field,
                               const Chc__V1__Party *party, project_party *checked)
{
	return project_parties_check(request, &field, &party, 1, checked);
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
	Chc__V1__Party *party = core_message_new(request, &chc__v1__party__descriptor);
	if (party == NULL)
		return NULL;
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
	const char *method; /* its BatchGet */
	/* Why a record cannot be linked, or NULL; NULL: any record can. */
	const char *(*refused)(const ProtobufCMessage *record);
} project_link;

/* A record a project links to: there, and in the state a project needs. */
static void link_found(core_request *request, const char *item, const char *id,
                       const ProtobufCMessage *record, const void *context)
{
	const project_link *link = context;
	const char *refused =
	        record != NULL && link->refused != NULL ? link->refused(record) : NULL;
	if (record == NULL)
		core_fail(request, CHC_NOT_FOUND, "%s: no %s %s", item, link->noun, id);
	else if (refused != NULL)
		core_fail(request, CHC_FAILED_PRECONDITION, "%s: %s %s %s", item, link->noun, id,
		          refused);
}

/* Each id of the records of link; one call per CORE_BATCH_MAX ids (what
 * one BatchGet takes). */
static void link_check(core_request *request, const project_link *link, char *const *ids,
                       size_t count)
{
	char field[64];
	for (size_t i = 0; i < count; i++) {
		snprintf(field, sizeof(field), "project.%s[%zu]", link->field, i);
		core_check_uuid(request, field, ids[i]);
	}
	snprintf(field, sizeof(field), "project.%s", link->field);
	if (!core_failed(request))
		remote_batch_each(request, field, link->service, link->method, ids, count,
		                  link_found, link);
}

/* Whether field is among the count names of mask, or mask is NULL. */
static bool named(const char *field, char *const *mask, size_t count)
{
	if (mask == NULL)
		return true;
	for (size_t i = 0; i < count; i++)
		if (strcmp(mask[i], field) == 0)
			return true;
	return false;
}

chc_status project_links_check(core_request *request, const Chc__V1__Project *project,
                               char *const *mask, size_t mask_count)
{
	static const project_link needs = { "need_ids", "need",
		                            &chc__v1__municipality_service__descriptor,
		                            "BatchGetNeeds", need_refused };
	static const project_link solutions = { "solution_ids", "solution",
		                                &chc__v1__company_service__descriptor,
		                                "BatchGetSolutions", solution_refused };
	static const project_link test_beds = { "test_bed_ids", "test bed",
		                                &chc__v1__matching_service__descriptor,
		                                "BatchGetTestBeds", NULL };
	if (named("need_ids", mask, mask_count))
		link_check(request, &needs, project->need_ids, project->n_need_ids);
	if (named("solution_ids", mask, mask_count) && !core_failed(request))
		link_check(request, &solutions, project->solution_ids, project->n_solution_ids);
	if (named("test_bed_ids", mask, mask_count) && !core_failed(request))
		link_check(request, &test_beds, project->test_bed_ids, project->n_test_bed_ids);
	return core_failed(request) ? request->error.code : CHC_OK;
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
	Chc__V1__ListJobResultsResponse *found = (Chc__V1__ListJobResultsResponse *)remote_fetch(
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
