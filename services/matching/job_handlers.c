/*
 * job_handlers.c - submit, get, list and cancel jobs. Submitting returns at
 * once: the work runs on a worker thread of whichever matching instance
 * claims the job first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithm_version.h"
#include "chc/uuid.h"
#include "db.h"
#include "dispatch.h"
#include "entity.h"
#include "handler.h"
#include "listing.h"
#include "matching.h"
#include "matching_jobs.h"
#include "validate.h"

static const core_statement job_insert_statement = {
	"job_insert",
	"INSERT INTO matching.jobs (id, kind, parameters, algorithm_version, submitted_by) "
	"VALUES ($1::uuid, $2, $3::bytea, $4, $5)",
	5
};

/* Wakes the workers of every instance; delivered when the transaction
 * commits, so a worker never looks before the row is there. */
static const core_statement job_notify_statement = { "job_notify",
	                                             "SELECT pg_notify('matching_jobs', $1)", 1 };

/* The parameters checked, with their defaults, and the needs and solutions
 * they name asked of their services before the transaction opens; left for
 * submit_job. */
void matching_precheck_submit_job(core_request *request, const ProtobufCMessage *message)
{
	const Chc__V1__SubmitJobRequest *input = (const Chc__V1__SubmitJobRequest *)message;
	Chc__V1__JobParameters *parameters = core_alloc(request, sizeof(*parameters));
	if (parameters == NULL)
		return;
	chc__v1__job_parameters__init(parameters);
	if (input->parameters != NULL)
		*parameters = *input->parameters;
	if (job_parameters_check(request, input->kind, parameters) &&
	    job_parameters_check_named(request, parameters))
		request->prechecked = parameters;
}

static Chc__V1__Job *submit_job(core_request *request, const Chc__V1__SubmitJobRequest *input)
{
	const Chc__V1__JobParameters *checked = core_prechecked(request);
	if (checked == NULL || !job_parameters_check_test_beds(request, checked))
		return NULL;
	uint8_t *packed = NULL;
	size_t length = 0;
	if (job_pack(&checked->base, &packed, &length) != CHC_OK) {
		core_fail(request, CHC_RESOURCE_EXHAUSTED, "out of memory");
		return NULL;
	}
	char id[37];
	chc_uuid_generate(id);
	const char *values[] = {
		id,
		core_enum_slug(request, &chc__v1__job_kind__descriptor, input->kind),
		core_bytea_text(request, packed, length),
		MATCHING_ALGORITHM_VERSION,
		request->principal.subject,
	};
	free(packed);
	PGresult *result = NULL;
	Chc__V1__Job *job = NULL;
	const char *notify[] = { id };
	if (values[1] == NULL || values[2] == NULL) {
		core_fail(request, CHC_RESOURCE_EXHAUSTED, "out of memory");
		return NULL;
	}
	if (core_query(request, &job_insert_statement, values, &result) != CHC_OK ||
	    core_query(request, &job_notify_statement, notify, &result) != CHC_OK ||
	    matching_event(request, "job.submitted", id, values[1]) != CHC_OK ||
	    job_load(request, id, false, &job) != CHC_OK)
		return NULL;
	return job;
}
CORE_REPLY_HANDLER(matching, submit_job, SubmitJobRequest, Job)

CORE_GET_HANDLER(matching, get_job, GetJobRequest, Job, job_entity)

static const core_filter job_filters[] = {
	{ "kind", CORE_FILTER_ENUM, "j.kind = $?", 0, 0, NULL },
	{ "state", CORE_FILTER_ENUM, "j.state = $?", 0, 0, NULL },
};

/* Newest first: the job just asked for is on the first page. */
static const core_listing job_listing = {
	.entity = &job_entity,
	.order = "j.created_at DESC, j.id",
	CORE_LISTING_FILTERS(job_filters),
};

CORE_LIST_HANDLER(matching, list_jobs, ListJobsRequest, ListJobsResponse, job_listing,
                  chc__v1__list_jobs_response__descriptor)

/* A queued job is cancelled at once; a running one is asked to stop, and
 * its worker stops at its next progress report (within a second). */
static const core_statement job_cancel_statement = {
	"job_cancel",
	"UPDATE matching.jobs SET cancel_requested = true, "
	"state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END, "
	"finished_at = CASE WHEN state = 'queued' THEN now() ELSE finished_at END "
	"WHERE id = $1::uuid",
	1
};

static Chc__V1__Job *cancel_job(core_request *request, const Chc__V1__CancelJobRequest *input)
{
	Chc__V1__Job *job = NULL;
	if (!core_check_uuid(request, "id", input->id) ||
	    job_load(request, input->id, true, &job) != CHC_OK)
		return NULL;
	if (job->state != CHC__V1__JOB_STATE__JOB_STATE_QUEUED &&
	    job->state != CHC__V1__JOB_STATE__JOB_STATE_RUNNING) {
		core_fail(request, CHC_FAILED_PRECONDITION, "job %s has already %s", job->id,
		          core_enum_slug(request, &chc__v1__job_state__descriptor, job->state));
		return NULL;
	}
	const char *values[] = { job->id };
	PGresult *result = NULL;
	const char *event = job->state == CHC__V1__JOB_STATE__JOB_STATE_QUEUED
	                            ? "job.cancelled"
	                            : "job.cancel_requested";
	if (core_query(request, &job_cancel_statement, values, &result) != CHC_OK ||
	    matching_event(request, event, job->id, "") != CHC_OK ||
	    job_load(request, job->id, false, &job) != CHC_OK)
		return NULL;
	return job;
}
CORE_REPLY_HANDLER(matching, cancel_job, CancelJobRequest, Job)

const core_precheck matching_prechecks[] = {
	{ "SubmitJob", matching_precheck_submit_job },
	{ "RecordFeedback", matching_precheck_record_feedback },
	{ NULL, NULL },
};
