/*
 * matching.h - the handlers of chc.v1.MatchingService and what they share.
 */
#ifndef MATCHING_H
#define MATCHING_H

#include <libpq-fe.h>

#include "chc/status.h"
#include "chc/v1/matching.pb-c.h"
#include "config.h"
#include "request.h"

typedef Chc__V1__MatchingService_Service matching_service;

#define HANDLER(name, input, output)                                                               \
	void matching_##name(matching_service *service, const Chc__V1__##input *request,           \
	                     Chc__V1__##output##_Closure closure, void *closure_data)

HANDLER(create_test_bed, CreateTestBedRequest, TestBed);
HANDLER(get_test_bed, GetTestBedRequest, TestBed);
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

/* Records the failure already set on the request and returns from a
 * handler. */
#define MATCHING_FAIL(closure, closure_data)                                                       \
	do {                                                                                       \
		(closure)(NULL, (closure_data));                                                   \
		return;                                                                            \
	} while (0)

/* matching_client.c: the libchc client to the other services, and the
 * municipality reference data (fetched once in one paged call). */
struct chc_client;
chc_status matching_client_start(const core_config *config, chc_error *error);
void matching_client_stop(void);
struct chc_client *matching_client(void);

/* The region of municipality code; CHC_NOT_FOUND for a code that is not
 * one, or the client's failure (UNAVAILABLE ...). */
chc_status matching_municipality_region(int code, int *region, chc_error *error);

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

chc_status test_bed_load(core_request *request, const char *id, bool for_update,
                         Chc__V1__TestBed **test_bed);
chc_status test_bed_rows(core_request *request, PGresult *result, Chc__V1__TestBed ***test_beds,
                         size_t *count);
chc_status test_bed_insert(core_request *request, const Chc__V1__TestBed *test_bed);
chc_status test_bed_write(core_request *request, const Chc__V1__TestBed *test_bed);

/* Records a domain event of the matching service in the request's
 * transaction. */
chc_status matching_event(core_request *request, const char *type, const char *subject_id,
                          const char *detail);

#endif /* MATCHING_H */
