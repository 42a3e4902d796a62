/*
 * job_store.c - job rows as chc.v1.Job messages.
 */
#include <stdlib.h>

#include "db.h"
#include "entity.h"
#include "matching.h"
#include "matching_jobs.h"
#include "validate.h"

enum job_column {
	COLUMN_ID,
	COLUMN_KIND,
	COLUMN_PARAMETERS,
	COLUMN_STATE,
	COLUMN_PHASE,
	COLUMN_DONE,
	COLUMN_TOTAL,
	COLUMN_ERROR,
	COLUMN_CANCEL_REQUESTED,
	COLUMN_ATTEMPTS,
	COLUMN_RESULT_COUNT,
	COLUMN_ALGORITHM_VERSION,
	COLUMN_SUMMARY,
	COLUMN_CREATED,
	COLUMN_STARTED,
	COLUMN_FINISHED,
	COLUMN_SUBMITTED_BY,
};

const char *job_kind_name(int kind)
{
	static const char *const names[] = { "", "need-solution", "testbed-assignment",
		                             "testbed-stable", "consortia" };
	return kind > 0 && kind < (int)(sizeof(names) / sizeof(names[0])) ? names[kind] : "";
}

static ProtobufCMessage *job_from_row(core_request *request, PGresult *result, int row)
{
	Chc__V1__Job *job = core_alloc(request, sizeof(*job));
	if (job == NULL)
		return NULL;
	chc__v1__job__init(job);
	job->id = PQgetvalue(result, row, COLUMN_ID);
	job->kind = core_enum_value(&chc__v1__job_kind__descriptor,
	                            PQgetvalue(result, row, COLUMN_KIND));
	job->parameters = (Chc__V1__JobParameters *)job_unpack_bytea(
	        request, &chc__v1__job_parameters__descriptor,
	        PQgetvalue(result, row, COLUMN_PARAMETERS));
	if (job->parameters == NULL)
		return NULL;
	job->state = core_enum_value(&chc__v1__job_state__descriptor,
	                             PQgetvalue(result, row, COLUMN_STATE));
	job->phase = PQgetvalue(result, row, COLUMN_PHASE);
	job->done = core_column_int64(result, row, COLUMN_DONE);
	job->total = core_column_int64(result, row, COLUMN_TOTAL);
	job->error = PQgetvalue(result, row, COLUMN_ERROR);
	job->cancel_requested = core_column_bool(result, row, COLUMN_CANCEL_REQUESTED);
	job->attempts = (int32_t)core_column_int64(result, row, COLUMN_ATTEMPTS);
	job->result_count = core_column_int64(result, row, COLUMN_RESULT_COUNT);
	job->algorithm_version = PQgetvalue(result, row, COLUMN_ALGORITHM_VERSION);
	job->summary = PQgetvalue(result, row, COLUMN_SUMMARY);
	job->created_unix_ms = core_column_int64(result, row, COLUMN_CREATED);
	job->started_unix_ms = core_column_int64(result, row, COLUMN_STARTED);
	job->finished_unix_ms = core_column_int64(result, row, COLUMN_FINISHED);
	job->submitted_by = PQgetvalue(result, row, COLUMN_SUBMITTED_BY);
	return &job->base;
}

CORE_TABLE_ENTITY_DEFINE(job_entity, "job", "job", "matching.jobs j", "j.id", JOB_COLUMNS,
                         JOB_COLUMN_COUNT, job_from_row);
CORE_ENTITY_LOAD_FUNCTION(job_load, Chc__V1__Job, job_entity)
