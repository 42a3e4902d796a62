/*
 * solution_handlers.c - solutions: create, read, update, list, search, and
 * moderation (submit, approve, reject, renew, archive, expire).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "companies.h"
#include "db.h"
#include "entity.h"
#include "handler.h"
#include "query_builder.h"
#include "update_mask.h"
#include "validate.h"

/* The company must exist and be active for a solution to be added. */
static bool company_is_active(core_request *request, const char *company_id)
{
	Chc__V1__Company *company = NULL;
	if (company_load(request, company_id, false, &company) != CHC_OK) {
		if (request->error.code == CHC_NOT_FOUND) {
			chc_error_fini(&request->error);
			core_violation(request, "solution.company_id", "no company has id %s",
			               company_id);
		}
		return false;
	}
	if (company->status == CHC__V1__COMPANY_STATUS__COMPANY_STATUS_ARCHIVED) {
		core_fail(request, CHC_FAILED_PRECONDITION, "company %s is archived", company_id);
		return false;
	}
	return true;
}

static Chc__V1__Solution *create_solution(core_request *request,
                                          const Chc__V1__CreateSolutionRequest *input)
{
	Chc__V1__Solution *solution = (Chc__V1__Solution *)core_entity_new(
	        request, "solution", (const ProtobufCMessage *)input->solution,
	        CHC__V1__SOLUTION_STATUS__SOLUTION_STATUS_DRAFT);
	if (solution == NULL)
		return NULL;
	solution->reviewed_on = "";
	solution->rejection_reason = "";
	Chc__V1__Solution *stored = NULL;
	if (!solution_validate(request, solution, true) ||
	    !company_is_active(request, solution->company_id) ||
	    solution_insert(request, solution) != CHC_OK ||
	    solution_load(request, solution->id, false, &stored) != CHC_OK)
		return NULL;
	return stored;
}
CORE_REPLY_HANDLER(companies, create_solution, CreateSolutionRequest, Solution)

/* An unpublished solution (a draft, one under review, rejected, expired,
 * archived) is seen by the secretariat and its own company's partner
 * tokens; to every other caller it does not exist. */
static bool may_see(const core_request *request, const Chc__V1__Solution *solution)
{
	if (solution->status == CHC__V1__SOLUTION_STATUS__SOLUTION_STATUS_PUBLISHED ||
	    core_principal_is_secretariat(&request->principal))
		return true;
	const char *company = core_principal_company(&request->principal);
	return company[0] != '\0' && strcasecmp(company, solution->company_id) == 0;
}

static Chc__V1__Solution *get_solution(core_request *request,
                                       const Chc__V1__GetSolutionRequest *input)
{
	Chc__V1__Solution *solution =
	        (Chc__V1__Solution *)core_entity_get(request, &solution_entity, input->id);
	if (solution != NULL && !may_see(request, solution)) {
		core_fail(request, CHC_NOT_FOUND, "solution %s not found", input->id);
		return NULL;
	}
	return solution;
}
CORE_REPLY_HANDLER(companies, get_solution, GetSolutionRequest, Solution)

/* may_see for core_entity_get_many: a solution GetSolution would not show
 * is left out, as one that does not exist is. */
static bool may_see_record(const core_request *request, const ProtobufCMessage *record)
{
	return may_see(request, (const Chc__V1__Solution *)record);
}
CORE_BATCH_GET_HANDLER(companies, batch_get_solutions, BatchGetSolutionsRequest,
                       BatchGetSolutionsResponse, solution_entity, may_see_record,
                       chc__v1__batch_get_solutions_response__descriptor)

/* The solution a caller changes, locked, at the version it read. */
static Chc__V1__Solution *load_for_change(core_request *request, const char *id,
                                          int64_t expected_version)
{
	return (Chc__V1__Solution *)core_entity_load_for_change(request, &solution_entity, "id", id,
	                                                        expected_version);
}

static bool apply_mask(core_request *request, Chc__V1__Solution *solution,
                       const Chc__V1__Solution *update, char *const *mask, size_t count)
{
	static const char *const updatable[] = { "name",
		                                 "description",
		                                 "categories",
		                                 "target_groups",
		                                 "trl",
		                                 "device_class",
		                                 "ce_marked",
		                                 "standards",
		                                 "gdpr_dpa_available",
		                                 "data_hosting",
		                                 "evidence_level",
		                                 "languages",
		                                 "price_model",
		                                 "indicative_price_dkk",
		                                 "deployments",
		                                 "language",
		                                 NULL };
	return core_apply_update_mask(
	        request, &solution->base, &update->base, mask, count, updatable,
	        "status changes through Submit, Approve, Reject, Renew, Archive");
}

static Chc__V1__Solution *update_solution(core_request *request,
                                          const Chc__V1__UpdateSolutionRequest *input)
{
	if (!core_check_present(request, "solution", input->solution))
		return NULL;
	Chc__V1__Solution *solution =
	        load_for_change(request, input->solution->id, input->expected_version);
	if (solution == NULL)
		return NULL;
	if (solution->status == CHC__V1__SOLUTION_STATUS__SOLUTION_STATUS_ARCHIVED) {
		core_fail(request, CHC_FAILED_PRECONDITION, "solution %s is archived",
		          solution->id);
		return NULL;
	}
	Chc__V1__Solution *stored = NULL;
	if (!apply_mask(request, solution, input->solution, input->update_mask,
	                input->n_update_mask) ||
	    !solution_validate(request, solution, false) ||
	    solution_write(request, solution) != CHC_OK ||
	    solution_load(request, solution->id, false, &stored) != CHC_OK)
		return NULL;
	return stored;
}
CORE_REPLY_HANDLER(companies, update_solution, UpdateSolutionRequest, Solution)

/* A moderation step: from one of the allowed states to target. */
typedef struct transition {
	const char *name; /* for messages and the event: "approve" */
	unsigned allowed; /* bit per Chc__V1__SolutionStatus */
	Chc__V1__SolutionStatus target;
	bool secretariat_only;
	bool reviewed; /* sets reviewed_on to today */
} transition;

#define BIT(status) (1u << CHC__V1__SOLUTION_STATUS__SOLUTION_STATUS_##status)

static Chc__V1__Solution *move(core_request *request, const char *id, int64_t expected_version,
                               const transition *step, const char *reason)
{
	if (step->secretariat_only && !core_principal_is_secretariat(&request->principal)) {
		core_fail(request, CHC_PERMISSION_DENIED, "only the secretariat may %s solutions",
		          step->name);
		return NULL;
	}
	Chc__V1__Solution *solution = load_for_change(request, id, expected_version);
	if (solution == NULL)
		return NULL;
	if ((step->allowed & (1u << solution->status)) == 0) {
		char status[64];
		snprintf(status, sizeof(status), "%s",
		         core_enum_slug(request, &chc__v1__solution_status__descriptor,
		                        solution->status));
		core_fail(request, CHC_FAILED_PRECONDITION, "cannot %s solution %s: it is %s",
		          step->name, solution->id, status);
		return NULL;
	}
	solution->status = step->target;
	solution->rejection_reason = (char *)(reason != NULL ? reason : "");
	char today[11];
	if (step->reviewed) {
		time_t now = time(NULL);
		struct tm local;
		localtime_r(&now, &local);
		strftime(today, sizeof(today), "%Y-%m-%d", &local);
		solution->reviewed_on = today;
	}
	char type[48];
	snprintf(type, sizeof(type), "solution.%s", step->name);
	Chc__V1__Solution *stored = NULL;
	if (solution_write(request, solution) != CHC_OK ||
	    company_event(request, type, solution->company_id, solution->id,
	                  reason != NULL ? reason : "") != CHC_OK ||
	    solution_load(request, solution->id, false, &stored) != CHC_OK)
		return NULL;
	return stored;
}

static const transition submit_step = { "submit", BIT(DRAFT) | BIT(REJECTED),
	                                CHC__V1__SOLUTION_STATUS__SOLUTION_STATUS_SUBMITTED, false,
	                                false };
static const transition approve_step = { "approve", BIT(SUBMITTED),
	                                 CHC__V1__SOLUTION_STATUS__SOLUTION_STATUS_PUBLISHED, true,
	                                 true };
static const transition reject_step = { "reject", BIT(SUBMITTED),
	                                CHC__V1__SOLUTION_STATUS__SOLUTION_STATUS_REJECTED, true,
	                                false };
static const transition renew_step = { "renew", BIT(PUBLISHED) | BIT(EXPIRED),
	                               CHC__V1__SOLUTION_STATUS__SOLUTION_STATUS_PUBLISHED, true,
	                               true };
static const transition archive_step = {
	"archive", BIT(DRAFT) | BIT(SUBMITTED) | BIT(PUBLISHED) | BIT(REJECTED) | BIT(EXPIRED),
	CHC__V1__SOLUTION_STATUS__SOLUTION_STATUS_ARCHIVED, false, false
};

/* Defines companies_name: the step, given no reason (a SolutionActionRequest). */
#define SOLUTION_ACTION_HANDLER(name, step)                                                        \
	CORE_HANDLER_REPLYING(                                                                     \
	        companies, name, SolutionActionRequest, Solution,                                  \
	        move(closure_data, request->id, request->expected_version, &(step), NULL))

SOLUTION_ACTION_HANDLER(submit_solution, submit_step)
SOLUTION_ACTION_HANDLER(approve_solution, approve_step)
SOLUTION_ACTION_HANDLER(renew_solution, renew_step)
SOLUTION_ACTION_HANDLER(archive_solution, archive_step)

static Chc__V1__Solution *reject_solution(core_request *request,
                                          const Chc__V1__RejectSolutionRequest *input)
{
	if (!core_check_text(request, "reason", input->reason, 3, 2000))
		return NULL;
	return move(request, input->id, input->expected_version, &reject_step, input->reason);
}
CORE_REPLY_HANDLER(companies, reject_solution, RejectSolutionRequest, Solution)

CORE_EXPIRE_HANDLER(companies, expire_solutions, ExpireSolutionsRequest, ExpireSolutionsResponse,
                    solution_expire_sql, chc__v1__expire_solutions_response__descriptor)
