/*
 * pending_handlers.c - methods whose handlers are still being written.
 */
#include "matching.h"

#define PENDING(name, input, output)                                                               \
	void matching_##name(matching_service *service, const Chc__V1__##input *input_message,     \
	                     Chc__V1__##output##_Closure closure, void *closure_data)              \
	{                                                                                          \
		(void)service;                                                                     \
		(void)input_message;                                                               \
		core_fail(closure_data, CHC_UNIMPLEMENTED, "not yet");                             \
		closure(NULL, closure_data);                                                       \
	}

PENDING(submit_job, SubmitJobRequest, Job)
PENDING(get_job, GetJobRequest, Job)
PENDING(list_jobs, ListJobsRequest, ListJobsResponse)
PENDING(cancel_job, CancelJobRequest, Job)
PENDING(list_job_results, ListJobResultsRequest, ListJobResultsResponse)
PENDING(export_job, ExportJobRequest, ExportJobResponse)
PENDING(record_feedback, RecordFeedbackRequest, Feedback)
PENDING(list_feedback, ListFeedbackRequest, ListFeedbackResponse)
