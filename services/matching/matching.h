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

#endif /* MATCHING_H */
