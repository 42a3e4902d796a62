/*
 * job_store.c - job rows as chc.v1.Job messages.
 */
#include <stdlib.h>

#include "db.h"
#include "entity.h"
#include "matching.h"
#include "matching_jobs.h"
#include "validate.h"

const char *job_kind_name(int kind)
{
	static const char *const names[] = { "", "need-solution", "testbed-assignment",
		                             "testbed-stable", "consortia" };
	return kind > 0 && kind < (int)(sizeof(names) / sizeof(names[0])) ? names[kind] : "";
}

/* The parameters are a packed message: read apart. */
#define COLUMN_PARAMETERS 2

static ProtobufCMessage *job_from_row(core_request *request, PGresult *result, int row)
{
	Chc__V1__Job *job = core_row_message(request, &chc__v1__job__descriptor, NULL, result, row);
	if (job == NULL)
		return NULL;
	job->parameters = (Chc__V1__JobParameters *)job_unpack_bytea(
	        request, &chc__v1__job_parameters__descriptor,
	        PQgetvalue(result, row, COLUMN_PARAMETERS));
	return job->parameters != NULL ? &job->base : NULL;
}

CORE_TABLE_ENTITY_DEFINE(job_entity, "job", "job", "matching.jobs j", "j.id", JOB_COLUMNS,
                         JOB_COLUMN_COUNT, job_from_row);
CORE_ENTITY_LOAD_FUNCTION(job_load, Chc__V1__Job, job_entity)
