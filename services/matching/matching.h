/*
 * matching.h - the handlers of chc.v1.MatchingService and what they share.
 */
#ifndef MATCHING_H
#define MATCHING_H

#include <libpq-fe.h>

#include "chc/status.h"
#include "chc/v1/matching.pb-c.h"
#include "config.h"
#include "dispatch.h"
#include "request.h"

typedef Chc__V1__MatchingService_Service matching_service;

#define HANDLER(name, input, output) CORE_HANDLER(matching_service, matching, name, input, output)

HANDLER(create_test_bed, CreateTestBedRequest, TestBed);
HANDLER(get_test_bed, GetTestBedRequest, TestBed);
HANDLER(batch_get_test_beds, BatchGetTestBedsRequest, BatchGetTestBedsResponse);
HANDLER(update_test_bed, UpdateTestBedRequest, TestBed);
HANDLER(list_test_beds, ListTestBedsRequest, ListTestBedsResponse);
HANDLER(submit_job, SubmitJobRequest, Job);
HANDLER(get_job, GetJobRequest, Job);
HANDLER(list_jobs, ListJobsRequest, ListJobsResponse);
HANDLER(cancel_job, CancelJobRequest, Job);
HANDLER(list_job_results, ListJobResultsRequest, ListJobResultsResponse);
HANDLER(export_job, ExportJobRequest, ExportJobResponse);
HANDLER(record_feedback, RecordFeedbackRequest, Feedback);
HANDLER(list_feedback, ListFeedbackRequest, ListFeedbackResponse);

#undef HANDLER

/* matching_client.c: reads of the other services through the process's
 * libchc client (remote.h), and the municipality reference data (fetched
 * once in one paged call). */

/* Lists are read in pages of this many: the most a List call gives. */
#define MATCHING_PAGE_SIZE 500

/* Called for each item a List call returns, with the total it reported;
 * another status than CHC_OK stops the listing with it. */
typedef chc_status (*matching_list_item)(void *context, const ProtobufCMessage *item, int64_t total,
                                         chc_error *error);

/* Calls a List method page by page and hands each item to each. The
 * request's "page" field is this function's own while it runs (every
 * caller made one and wired it in); request is otherwise left as it came. */
chc_status matching_list_all(const ProtobufCServiceDescriptor *service, const char *method,
                             ProtobufCMessage *request, matching_list_item each, void *context,
                             chc_error *error);

/* Records a violation of field when id names no record of the owning
 * service (a Get by id), UNAVAILABLE when it cannot answer. */
chc_status matching_check_exists(core_request *request, const char *field, const char *id,
                                 const ProtobufCServiceDescriptor *service, const char *method);

/* The region of municipality code; CHC_NOT_FOUND for a code that is not
 * one, or the client's failure (UNAVAILABLE ...). */
chc_status matching_municipality_region(int code, int *region, chc_error *error);

/* feedback_handlers.c: RecordFeedback's fields, and its need and solution
 * with their services, before the transaction. */
void matching_precheck_record_feedback(core_request *request, const ProtobufCMessage *message);

/* feedback_declines.c: the projects service's declined interests not yet
 * taken, stored as "not a match" feedback on connection. */
chc_status feedback_take_declines(PGconn *connection, chc_error *error);

/* job_handlers.c: SubmitJob's parameters, and the needs and solutions
 * they name, before the transaction. */
void matching_precheck_submit_job(core_request *request, const ProtobufCMessage *message);

/* The writes that ask another service, asked before their transaction
 * (SubmitJob, RecordFeedback); for CORE_SERVICE_MAIN and the fuzzer. */
extern const core_precheck matching_prechecks[];

/* test_bed_validate.c: every field, then the owner's municipality. */
bool test_bed_validate(core_request *request, const Chc__V1__TestBed *test_bed);

/* test_bed_store.c */
#define TEST_BED_COLUMNS                                                                           \
	"t.id, t.name, t.description, t.owner_kind, coalesce(t.owner_municipality_code, 0), "      \
	"coalesce(t.owner_region_code, 0), t.organisation, t.type, "                               \
	"array_to_string(t.care_areas, ','), t.trl_min, t.trl_max, t.capacity_per_period, "        \
	"array_to_string(t.periods, ','), t.region_code, t.fee_dkk, t.max_device_class, "          \
	"t.dpa_required, array_to_string(t.standards, ','), t.preference, t.status, t.version, "   \
	"(extract(epoch FROM t.created_at) * 1000)::bigint, "                                      \
	"(extract(epoch FROM t.updated_at) * 1000)::bigint"
#define TEST_BED_COLUMN_COUNT 23

/* Test beds as records: core_entity_load, _list, _load_for_change. */
extern const struct core_entity test_bed_entity;
chc_status test_bed_insert(core_request *request, const Chc__V1__TestBed *test_bed);
chc_status test_bed_write(core_request *request, const Chc__V1__TestBed *test_bed);

/* Records a domain event of the matching service in the request's
 * transaction. */
chc_status matching_event(core_request *request, const char *type, const char *subject_id,
                          const char *detail);

#endif /* MATCHING_H */
