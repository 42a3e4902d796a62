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
#include "dispatch.h"
#include "entity.h"
#include "handler.h"
#include "listing.h"
#include "matching.h"
#include "validate.h"

/* A Feedback's fields in the order of their numbers (core_row_message). */
#define FEEDBACK_COLUMNS                                                                           \
	"f.need_id, f.solution_id, f.reason, f.recorded_by, "                                      \
	"(extract(epoch FROM f.created_at) * 1000)::bigint"
#define FEEDBACK_COLUMN_COUNT 5

static ProtobufCMessage *feedback_from_row(core_request *request, PGresult *result, int row)
{
	return core_row_message(request, &chc__v1__feedback__descriptor, NULL, result, row);
}

static chc_status feedback_rows(core_request *request, PGresult *result,
                                Chc__V1__Feedback ***feedback, size_t *count)
{
	return core_read_rows(request, feedback_from_row, result, (ProtobufCMessage ***)feedback,
	                      count);
}

static const core_statement feedback_upsert_statement = {
	"feedback_upsert",
	"INSERT INTO matching.feedback AS f (need_id, solution_id, reason, recorded_by) "
	"VALUES ($1::uuid, $2::uuid, $3, $4) ON CONFLICT (need_id, solution_id) DO UPDATE "
	"SET reason = excluded.reason, recorded_by = excluded.recorded_by, created_at = now() "
	"RETURNING " FEEDBACK_COLUMNS,
	4
};

void matching_precheck_record_feedback(core_request *request, const ProtobufCMessage *message)
{
	const Chc__V1__Feedback *feedback =
	        ((const Chc__V1__RecordFeedbackRequest *)message)->feedback;
	if (!core_check_present(request, "feedback", feedback))
		return;
	bool valid = core_check_uuid(request, "feedback.need_id", feedback->need_id);
	valid = core_check_uuid(request, "feedback.solution_id", feedback->solution_id) && valid;
	core_check_text(request, "feedback.reason", feedback->reason, 1, 500);
	if (core_failed(request) || !valid)
		return;
	/* The need and the solution must exist where they are kept. */
	matching_check_exists(request, "feedback.need_id", feedback->need_id,
	                      &chc__v1__municipality_service__descriptor, "GetNeed");
	if (!core_failed(request))
		matching_check_exists(request, "feedback.solution_id", feedback->solution_id,
		                      &chc__v1__company_service__descriptor, "GetSolution");
	if (!core_failed(request))
		request->prechecked = (void *)feedback;
}

static Chc__V1__Feedback *record_feedback(core_request *request,
                                          const Chc__V1__RecordFeedbackRequest *input)
{
	(void)input;
	const Chc__V1__Feedback *feedback = core_prechecked(request);
	if (feedback == NULL)
		return NULL;
	const char *values[] = { feedback->need_id, feedback->solution_id, feedback->reason,
		                 request->principal.subject };
	PGresult *result = NULL;
	Chc__V1__Feedback **stored = NULL;
	size_t count = 0;
	if (core_query(request, &feedback_upsert_statement, values, &result) != CHC_OK ||
	    feedback_rows(request, result, &stored, &count) != CHC_OK ||
	    matching_event(request, "feedback.not_a_match", feedback->need_id,
	                   feedback->solution_id) != CHC_OK)
		return NULL;
	return stored[0];
}
CORE_REPLY_HANDLER(matching, record_feedback, RecordFeedbackRequest, Feedback)

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
	CORE_LISTING_FILTERS(feedback_filters),
};

static Chc__V1__ListFeedbackResponse *list_feedback(core_request *request,
                                                    const Chc__V1__ListFeedbackRequest *input)
{
	core_list_page found;
	Chc__V1__ListFeedbackResponse *reply =
	        core_message_new(request, &chc__v1__list_feedback_response__descriptor);
	if (reply == NULL)
		return NULL;
	if (core_list(request, &feedback_listing, &input->base, &found) != CHC_OK ||
	    feedback_rows(request, found.rows, &reply->feedback, &reply->n_feedback) != CHC_OK)
		return NULL;
	reply->page = core_page_info(request, &found);
	return reply->page != NULL ? reply : NULL;
}
CORE_REPLY_HANDLER(matching, list_feedback, ListFeedbackRequest, ListFeedbackResponse)
