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

static int64_t number(PGresult *result, int row, int column)
{
	return strtoll(PQgetvalue(result, row, column), NULL, 10);
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
	job->done = number(result, row, COLUMN_DONE);
	job->total = number(result, row, COLUMN_TOTAL);
	job->error = PQgetvalue(result, row, COLUMN_ERROR);
	job->cancel_requested = PQgetvalue(result, row, COLUMN_CANCEL_REQUESTED)[0] == 't';
	job->attempts = (int32_t)number(result, row, COLUMN_ATTEMPTS);
	job->result_count = number(result, row, COLUMN_RESULT_COUNT);
	job->algorithm_version = PQgetvalue(result, row, COLUMN_ALGORITHM_VERSION);
	job->summary = PQgetvalue(result, row, COLUMN_SUMMARY);
	job->created_unix_ms = number(result, row, COLUMN_CREATED);
	job->started_unix_ms = number(result, row, COLUMN_STARTED);
	job->finished_unix_ms = number(result, row, COLUMN_FINISHED);
	job->submitted_by = PQgetvalue(result, row, COLUMN_SUBMITTED_BY);
	return &job->base;
}

static const core_statement job_get_statement = {
	"job_get", "SELECT " JOB_COLUMNS " FROM matching.jobs j WHERE j.id = $1::uuid", 1
};
static const core_statement job_get_locked_statement = {
	"job_get_for_update",
	"SELECT " JOB_COLUMNS " FROM matching.jobs j WHERE j.id = $1::uuid FOR UPDATE", 1
};

const core_entity job_entity = {
	.noun = "job",
	.get = &job_get_statement,
	.get_for_update = &job_get_locked_statement,
	.from_row = job_from_row,
};

chc_status job_load(core_request *request, const char *id, bool for_update, Chc__V1__Job **job)
{
	ProtobufCMessage *loaded = NULL;
	chc_status status = core_entity_load(request, &job_entity, id, for_update, &loaded);
	*job = (Chc__V1__Job *)loaded;
	return status;
}
