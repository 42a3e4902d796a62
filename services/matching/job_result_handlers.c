/*
 * job_result_handlers.c - a finished job's results, paged, and its export,
 * made once on the first request and then read in chunks.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithm_version.h"
#include "db.h"
#include "entity.h"
#include "handler.h"
#include "listing.h"
#include "matching.h"
#include "matching_jobs.h"
#include "query_builder.h"
#include "validate.h"

#define DEFAULT_CHUNK_BYTES (512 * 1024)
#define MAX_CHUNK_BYTES     (2 * 1024 * 1024)

/* The results of job_id in order, unpacked into the request. */
static chc_status results_rows(core_request *request, PGresult *result, int column,
                               Chc__V1__JobResult ***results, size_t *count)
{
	int rows = PQntuples(result);
	*count = 0;
	*results = core_alloc(request, (size_t)(rows + 1) * sizeof(**results));
	if (*results == NULL)
		return core_fail(request, CHC_RESOURCE_EXHAUSTED, "out of memory");
	for (int i = 0; i < rows; i++) {
		Chc__V1__JobResult *one = (Chc__V1__JobResult *)job_unpack_bytea(
		        request, &chc__v1__job_result__descriptor, PQgetvalue(result, i, column));
		if (one == NULL)
			return request->error.code;
		(*results)[(*count)++] = one;
	}
	return CHC_OK;
}

static const core_filter result_filters[] = {
	{ "job_id", CORE_FILTER_UUID, "r.job_id = $?::uuid", 0, 0, NULL },
	{ "kind", CORE_FILTER_ENUM, "r.kind = $?", 0, 0, NULL },
	{ "need_id", CORE_FILTER_UUID, "r.need_id = $?", 0, 0, NULL },
	{ "solution_id", CORE_FILTER_UUID, "r.solution_id = $?", 0, 0, NULL },
	{ "test_bed_id", CORE_FILTER_UUID, "r.test_bed_id = $?", 0, 0, NULL },
};

/* In the order the job stored them: best first within each need. */
static const core_listing result_listing = {
	.table = "matching.job_results r",
	.columns = "r.result",
	.column_count = 1,
	.order = "r.position, r.job_id",
	CORE_LISTING_FILTERS(result_filters),
};

static Chc__V1__ListJobResultsResponse *
list_job_results(core_request *request, const Chc__V1__ListJobResultsRequest *input)
{
	Chc__V1__Job *job = NULL;
	core_list_page found;
	Chc__V1__ListJobResultsResponse *reply =
	        core_message_new(request, &chc__v1__list_job_results_response__descriptor);
	if (reply == NULL)
		return NULL;
	/* The job must exist: an unknown job is NOT_FOUND, not an empty page. */
	if (!core_check_uuid(request, "job_id", input->job_id) ||
	    job_load(request, input->job_id, false, &job) != CHC_OK ||
	    core_list(request, &result_listing, &input->base, &found) != CHC_OK ||
	    results_rows(request, found.rows, 0, &reply->results, &reply->n_results) != CHC_OK)
		return NULL;
	reply->page = core_page_info(request, &found);
	return reply->page != NULL ? reply : NULL;
}
CORE_REPLY_HANDLER(matching, list_job_results, ListJobResultsRequest, ListJobResultsResponse)

static void sha256_hex(const void *data, size_t length, char hex[65])
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_length = 0;
	EVP_Digest(data, length, digest, &digest_length, EVP_sha256(), NULL);
	for (unsigned int i = 0; i < digest_length && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	hex[64] = '\0';
}

static const core_statement export_inputs_statement = {
	"job_export_inputs", "SELECT inputs FROM matching.jobs WHERE id = $1::uuid", 1
};
static const core_statement export_results_statement = {
	"job_export_results",
	"SELECT result FROM matching.job_results WHERE job_id = $1::uuid ORDER BY position", 1
};
static const core_statement export_store_statement = {
	"job_export_store",
	"INSERT INTO matching.job_exports (job_id, format, body, sha256) "
	"VALUES ($1::uuid, $2, $3::bytea, $4) ON CONFLICT DO NOTHING",
	4
};

/* Makes the document from the stored inputs and results and keeps it. */
static chc_status export_make(core_request *request, const Chc__V1__Job *job, int format,
                              const char *format_name)
{
	const char *values[] = { job->id };
	PGresult *result = NULL;
	if (core_query(request, &export_inputs_statement, values, &result) != CHC_OK)
		return request->error.code;
	if (PQntuples(result) == 0 || PQgetisnull(result, 0, 0))
		return core_fail(request, CHC_FAILED_PRECONDITION, "job %s kept no inputs",
		                 job->id);
	Chc__V1__JobInputs *inputs = (Chc__V1__JobInputs *)job_unpack_bytea(
	        request, &chc__v1__job_inputs__descriptor, PQgetvalue(result, 0, 0));
	if (inputs == NULL)
		return request->error.code;
	Chc__V1__JobResult **results = NULL;
	size_t count = 0;
	if (core_query(request, &export_results_statement, values, &result) != CHC_OK ||
	    results_rows(request, result, 0, &results, &count) != CHC_OK)
		return request->error.code;
	char *document = NULL;
	size_t length = 0;
	chc_error error = { 0 };
	chc_status status =
	        job_export_build(job->kind, job->parameters, job->algorithm_version, inputs,
	                         results, count, format, &document, &length, &error);
	if (status != CHC_OK) {
		core_fail(request, status, "cannot export job %s: %s", job->id, error.message);
		chc_error_fini(&error);
		return status;
	}
	char hash[65];
	sha256_hex(document, length, hash);
	size_t escaped_length = 0;
	unsigned char *escaped = PQescapeByteaConn(request->db, (const unsigned char *)document,
	                                           length, &escaped_length);
	free(document);
	if (escaped == NULL)
		return core_fail(request, CHC_RESOURCE_EXHAUSTED, "out of memory");
	const char *store[] = { job->id, format_name, (const char *)escaped, hash };
	status = core_query(request, &export_store_statement, store, &result);
	PQfreemem(escaped);
	return status;
}

static const core_statement export_chunk_statement = {
	"job_export_chunk",
	"SELECT substring(body FROM ($3::bigint + 1)::int FOR $4::int), length(body), sha256 "
	"FROM matching.job_exports WHERE job_id = $1::uuid AND format = $2",
	4
};

static Chc__V1__ExportJobResponse *export_job(core_request *request,
                                              const Chc__V1__ExportJobRequest *input)
{
	Chc__V1__Job *job = NULL;
	if (!core_check_uuid(request, "job_id", input->job_id))
		return NULL;
	int format =
	        input->format != 0 ? input->format : CHC__V1__EXPORT_FORMAT__EXPORT_FORMAT_JSON;
	core_check_enum(request, "format", &chc__v1__export_format__descriptor, format, true);
	core_check_range(request, "offset", input->offset, 0, INT64_MAX);
	core_check_range(request, "max_bytes", input->max_bytes, 0, MAX_CHUNK_BYTES);
	if (core_failed(request) || job_load(request, input->job_id, false, &job) != CHC_OK)
		return NULL;
	if (job->state != CHC__V1__JOB_STATE__JOB_STATE_SUCCEEDED) {
		core_fail(request, CHC_FAILED_PRECONDITION, "job %s has not succeeded: it is %s",
		          job->id,
		          core_enum_slug(request, &chc__v1__job_state__descriptor, job->state));
		return NULL;
	}
	const char *format_name =
	        core_enum_slug(request, &chc__v1__export_format__descriptor, format);
	int chunk = input->max_bytes > 0 ? input->max_bytes : DEFAULT_CHUNK_BYTES;
	const char *values[] = { job->id, format_name, core_int_text(request, input->offset),
		                 core_int_text(request, chunk) };
	PGresult *result = NULL;
	if (core_query(request, &export_chunk_statement, values, &result) != CHC_OK)
		return NULL;
	if (PQntuples(result) == 0) {
		if (export_make(request, job, format, format_name) != CHC_OK ||
		    core_query(request, &export_chunk_statement, values, &result) != CHC_OK)
			return NULL;
		if (PQntuples(result) == 0) {
			core_fail(request, CHC_INTERNAL, "the export of job %s was not kept",
			          job->id);
			return NULL;
		}
	}
	Chc__V1__ExportJobResponse *reply =
	        core_message_new(request, &chc__v1__export_job_response__descriptor);
	if (reply == NULL)
		return NULL;
	size_t length = 0;
	unsigned char *data =
	        PQunescapeBytea((const unsigned char *)PQgetvalue(result, 0, 0), &length);
	if (data == NULL) {
		core_fail(request, CHC_RESOURCE_EXHAUSTED, "out of memory");
		return NULL;
	}
	reply->total_bytes = strtoll(PQgetvalue(result, 0, 1), NULL, 10);
	if (input->offset > reply->total_bytes) {
		PQfreemem(data);
		core_violation(request, "offset", "%lld is past the end (%lld bytes)",
		               (long long)input->offset, (long long)reply->total_bytes);
		return NULL;
	}
	/* The reply outlives this function: its bytes are the request's. */
	reply->data.data = core_alloc(request, length + 1);
	if (reply->data.data != NULL)
		memcpy(reply->data.data, data, length);
	PQfreemem(data);
	if (reply->data.data == NULL)
		return NULL;
	reply->data.len = length;
	int64_t end = input->offset + (int64_t)length;
	reply->next_offset = end < reply->total_bytes ? end : 0;
	reply->sha256 = PQgetvalue(result, 0, 2);
	return reply;
}
CORE_REPLY_HANDLER(matching, export_job, ExportJobRequest, ExportJobResponse)
