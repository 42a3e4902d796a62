/*
 * feedback_handlers.c - "not a match": a need and a solution that should not
 * be matched again, with the reason. Every later need_solution job scores
 * the pair 0 and shows the reason.
 */
#include <stdlib.h>

#include "chc/uuid.h"
#include "chc/v1/companies.pb-c.h"
#include "chc/v1/municipalities.pb-c.h"
#include "db.h"
#include "entity.h"
#include "listing.h"
#include "matching.h"
#include "validate.h"

#define FEEDBACK_COLUMNS                                                                           \
	"f.need_id, f.solution_id, f.reason, f.recorded_by, "                                      \
	"(extract(epoch FROM f.created_at) * 1000)::bigint"
#define FEEDBACK_COLUMN_COUNT 5

static chc_status feedback_rows(core_request *request, PGresult *result,
                                Chc__V1__Feedback ***feedback, size_t *count)
{
	int rows = PQntuples(result);
	*count = 0;
	*feedback = core_alloc(request, (size_t)(rows + 1) * sizeof(**feedback));
	if (*feedback == NULL)
		return core_fail(request, CHC_RESOURCE_EXHAUSTED, "out of memory");
	for (int i = 0; i < rows; i++) {
		Chc__V1__Feedback *one = core_alloc(request, sizeof(*one));
		if (one == NULL)
			return core_fail(request, CHC_RESOURCE_EXHAUSTED, "out of memory");
		chc__v1__feedback__init(one);
		one->need_id = PQgetvalue(result, i, 0);
		one->solution_id = PQgetvalue(result, i, 1);
		one->reason = PQgetvalue(result, i, 2);
		one->recorded_by = PQgetvalue(result, i, 3);
		one->created_unix_ms = strtoll(PQgetvalue(result, i, 4), NULL, 10);
		(*feedback)[(*count)++] = one;
	}
	return CHC_OK;
}

static const core_statement feedback_upsert_statement = {
	"feedback_upsert",
	"INSERT INTO matching.feedback AS f (need_id, solution_id, reason, recorded_by) "
	"VALUES ($1::uuid, $2::uuid, $3, $4) ON CONFLICT (need_id, solution_id) DO UPDATE "
	"SET reason = excluded.reason, recorded_by = excluded.recorded_by, created_at = now() "
	"RETURNING " FEEDBACK_COLUMNS,
	4
};

void matching_record_feedback(matching_service *service,
                              const Chc__V1__RecordFeedbackRequest *input,
                              Chc__V1__Feedback_Closure closure, void *closure_data)
{
	(void)service;
	core_request *request = closure_data;
	const Chc__V1__Feedback *feedback = input->feedback;
	if (!core_check_present(request, "feedback", feedback))
		CORE_FAIL_RETURN(closure, closure_data);
	bool valid = core_check_uuid(request, "feedback.need_id", feedback->need_id);
	valid = core_check_uuid(request, "feedback.solution_id", feedback->solution_id) && valid;
	core_check_text(request, "feedback.reason", feedback->reason, 1, 500);
	if (core_failed(request) || !valid)
		CORE_FAIL_RETURN(closure, closure_data);
	/* The need and the solution must exist where they are kept. */
	matching_check_exists(request, "feedback.need_id", feedback->need_id,
	                      &chc__v1__municipality_service__descriptor, "GetNeed");
	if (!core_failed(request))
		matching_check_exists(request, "feedback.solution_id", feedback->solution_id,
		                      &chc__v1__company_service__descriptor, "GetSolution");
	if (core_failed(request))
		CORE_FAIL_RETURN(closure, closure_data);
	const char *values[] = { feedback->need_id, feedback->solution_id, feedback->reason,
		                 request->principal.subject };
	PGresult *result = NULL;
	Chc__V1__Feedback **stored = NULL;
	size_t count = 0;
	if (core_query(request, &feedback_upsert_statement, values, &result) != CHC_OK ||
	    feedback_rows(request, result, &stored, &count) != CHC_OK ||
	    matching_event(request, "feedback.not_a_match", feedback->need_id,
	                   feedback->solution_id) != CHC_OK)
		CORE_FAIL_RETURN(closure, closure_data);
	closure(stored[0], closure_data);
}

static const core_filter feedback_filters[] = {
	{ "need_id", CORE_FILTER_UUID, "f.need_id = $?::uuid", 0, 0, NULL },
	{ "solution_id", CORE_FILTER_UUID, "f.solution_id = $?::uuid", 0, 0, NULL },
};

/* Rows small enough to read in one stage; no entity: feedback_rows reads
 * them. */
static const core_listing feedback_listing = {
	.table = "matching.feedback f",
	.columns = FEEDBACK_COLUMNS,
	.column_count = FEEDBACK_COLUMN_COUNT,
	.order = "f.need_id, f.solution_id",
	.filters = feedback_filters,
	.filter_count = sizeof(feedback_filters) / sizeof(feedback_filters[0]),
};

void matching_list_feedback(matching_service *service, const Chc__V1__ListFeedbackRequest *input,
                            Chc__V1__ListFeedbackResponse_Closure closure, void *closure_data)
{
	(void)service;
	core_list_page found;
	Chc__V1__ListFeedbackResponse reply = CHC__V1__LIST_FEEDBACK_RESPONSE__INIT;
	if (core_list(closure_data, &feedback_listing, &input->base, &found) != CHC_OK ||
	    feedback_rows(closure_data, found.rows, &reply.feedback, &reply.n_feedback) != CHC_OK)
		CORE_FAIL_RETURN(closure, closure_data);
	reply.page = &found.page;
	closure(&reply, closure_data);
}
