/*
 * solution_queries.c - ListSolutions and SearchSolutions: the solutions'
 * listing (filters, order, search vector); the core runs both calls.
 */
#include "auth.h"
#include "companies.h"
#include "handler.h"

static const core_filter solution_filters[] = {
	{ "company_id", CORE_FILTER_UUID, "s.company_id = $?::uuid", 0, 0, NULL },
	{ "category", CORE_FILTER_ENUM, "$? = ANY (s.categories)", 0, 0, NULL },
	{ "municipality_code", CORE_FILTER_NUMBER, "('m' || $?) = ANY (s.deployments)", 100, 999,
	  NULL },
	{ "region_code", CORE_FILTER_NUMBER, "$?::int = ANY (s.deployment_regions)", 1081, 1085,
	  NULL },
	{ "status", CORE_FILTER_ENUM, "s.status = $?", 0, 0, NULL },
	{ "trl_min", CORE_FILTER_NUMBER, "s.trl >= $?::int", 1, 9, NULL },
	{ "trl_max", CORE_FILTER_NUMBER, "s.trl <= $?::int", 1, 9, NULL },
	{ "device_class", CORE_FILTER_ENUM, "s.device_class = $?", 0, 0, NULL },
	{ "standard", CORE_FILTER_ENUM, "$? = ANY (s.standards)", 0, 0, NULL },
};

/* A company's drafts, solutions under review, rejected and archived ones
 * are its own and the secretariat's business: everyone else lists only
 * what is published. A partner's organisation was checked to be a UUID
 * when its token was made. */
static void solution_visible(const core_request *request, core_query_builder *query)
{
	if (core_principal_is_secretariat(&request->principal))
		return;
	const char *company = core_principal_company(&request->principal);
	if (company[0] != '\0')
		core_query_where(query, "(s.status = 'published' OR s.company_id = $?::uuid)",
		                 company);
	else
		core_query_append(query, " AND s.status = 'published'");
}

/* Ordered by name over an index on (status, name, id), so counting and
 * paging read only the index: the matching jobs read every solution, page
 * by page. */
static const core_listing solution_listing = {
	.entity = &solution_entity,
	.order = "s.name, s.id",
	.search = "s.search",
	.filter_message = "filter",
	CORE_LISTING_FILTERS(solution_filters),
	.visible = solution_visible,
};

/* The published solutions' search vectors in memory: what a search that
 * is not for unpublished ones reads (search_mirror.h; migration 0017
 * stamps the generations). */
static const core_search_mirror_source published_solutions = {
	.name = "solutions",
	.generation_sql = "SELECT generation FROM companies.search_generation",
	.load_sql = "SELECT id::text, search::text FROM companies.solutions WHERE status = "
	            "'published' AND id > $1::uuid ORDER BY id LIMIT $2::int",
	.changes_sql = "SELECT id::text, status = 'published', search::text FROM "
	               "companies.solutions WHERE search_generation > $1::bigint UNION ALL "
	               "SELECT id::text, false, NULL FROM companies.solutions_removed WHERE "
	               "search_generation > $1::bigint",
};

static core_search_mirror *published_mirror;

chc_status solution_search_start(chc_error *error)
{
	published_mirror = core_search_mirror_new(&published_solutions);
	return published_mirror != NULL ? CHC_OK
	                                : chc_error_set(error, CHC_RESOURCE_EXHAUSTED,
	                                                "no memory for the search index");
}

void solution_search_stop(void)
{
	core_search_mirror_free(published_mirror);
	published_mirror = NULL;
}

chc_status solution_search_maintain(PGconn *connection, chc_error *error)
{
	return core_search_mirror_maintain(published_mirror, connection, error);
}

CORE_LIST_HANDLER(companies, list_solutions, ListSolutionsRequest, ListSolutionsResponse,
                  solution_listing, chc__v1__list_solutions_response__descriptor)

static const Chc__V1__SearchSolutionsResponse *
search_solutions(core_request *request, const Chc__V1__SearchSolutionsRequest *input)
{
	/* A partner may ask for its own company's unpublished solutions
	 * (solution_visible keeps it to those); a reader has none. */
	if (input->include_unpublished && !core_principal_is_secretariat(&request->principal) &&
	    request->principal.role != CORE_ROLE_PARTNER) {
		core_fail(request, CHC_PERMISSION_DENIED,
		          "include_unpublished is for the secretariat and partners; this token's "
		          "role is %s",
		          core_role_name(request->principal.role));
		return NULL;
	}
	return (const Chc__V1__SearchSolutionsResponse *)core_search_reply(
	        request, &solution_listing, input->include_unpublished ? NULL : published_mirror,
	        &input->base, input->include_unpublished ? NULL : "s.status = 'published'",
	        &chc__v1__search_solutions_response__descriptor);
}
CORE_REPLY_HANDLER(companies, search_solutions, SearchSolutionsRequest, SearchSolutionsResponse)
