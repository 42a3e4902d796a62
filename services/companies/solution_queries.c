/*
 * solution_queries.c - ListSolutions and SearchSolutions share one filter
 * builder; search ranks Danish and English stems together.
 */
#include <stdio.h>
#include <stdlib.h>

#include "companies.h"
#include "db.h"
#include "query_builder.h"
#include "validate.h"

static bool add_filters(core_request *request, core_query_builder *query,
                        const Chc__V1__SolutionFilter *filter)
{
	if (filter == NULL)
		return true;
	if (filter->company_id[0] != '\0' &&
	    core_check_uuid(request, "filter.company_id", filter->company_id))
		core_query_where(query, "s.company_id = $?::uuid", filter->company_id);
	if (filter->category != 0 &&
	    core_check_enum(request, "filter.category", &chc__v1__care_category__descriptor,
	                    filter->category, false))
		core_query_where(query, "$? = ANY (s.categories)",
		                 core_enum_slug(request, &chc__v1__care_category__descriptor,
		                                filter->category));
	if (filter->municipality_code != 0 && core_check_range(request, "filter.municipality_code",
	                                                       filter->municipality_code, 100, 999))
		core_query_where(query, "('m' || $?) = ANY (s.deployments)",
		                 core_int_text(request, filter->municipality_code));
	if (filter->region_code != 0 &&
	    core_check_range(request, "filter.region_code", filter->region_code, 1081, 1085))
		core_query_where(query, "$?::int = ANY (s.deployment_regions)",
		                 core_int_text(request, filter->region_code));
	if (filter->status != 0 &&
	    core_check_enum(request, "filter.status", &chc__v1__solution_status__descriptor,
	                    filter->status, false))
		core_query_where(query, "s.status = $?",
		                 core_enum_slug(request, &chc__v1__solution_status__descriptor,
		                                filter->status));
	if (filter->trl_min != 0 &&
	    core_check_range(request, "filter.trl_min", filter->trl_min, 1, 9))
		core_query_where(query, "s.trl >= $?::int",
		                 core_int_text(request, filter->trl_min));
	if (filter->trl_max != 0 &&
	    core_check_range(request, "filter.trl_max", filter->trl_max, 1, 9))
		core_query_where(query, "s.trl <= $?::int",
		                 core_int_text(request, filter->trl_max));
	if (filter->device_class != 0 &&
	    core_check_enum(request, "filter.device_class", &chc__v1__device_class__descriptor,
	                    filter->device_class, false))
		core_query_where(query, "s.device_class = $?",
		                 core_enum_slug(request, &chc__v1__device_class__descriptor,
		                                filter->device_class));
	if (filter->standard != 0 &&
	    core_check_enum(request, "filter.standard", &chc__v1__standard__descriptor,
	                    filter->standard, false))
		core_query_where(
		        query, "$? = ANY (s.standards)",
		        core_enum_slug(request, &chc__v1__standard__descriptor, filter->standard));
	return !core_failed(request);
}

static chc_status run(core_request *request, const core_query_builder *query,
                      Chc__V1__Solution ***solutions, size_t *count, PGresult **result,
                      Chc__V1__PageInfo *page, long offset)
{
	chc_status status = core_query_run(request, query, result);
	if (status == CHC_OK)
		status = solution_rows(request, *result, solutions, count);
	if (status != CHC_OK)
		return status;
	return core_page_fill(request, *result, SOLUTION_COLUMN_COUNT, offset, page);
}

void companies_list_solutions(companies_service *service,
                              const Chc__V1__ListSolutionsRequest *input,
                              Chc__V1__ListSolutionsResponse_Closure closure, void *closure_data)
{
	(void)service;
	core_request *request = closure_data;
	int limit = 0;
	long offset = 0;
	core_query_builder query = { .used = 0 };
	/* Counting and ordering read only ids and names (an index-only scan on
	 * status, name, id); the columns are built for the one page, not for
	 * every match: a page deep in 20,000 published solutions takes 20 ms
	 * instead of 200 (the matching jobs read them all, page by page). */
	core_query_append(&query, "WITH page AS (SELECT s.id, s.name, count(*) OVER () AS total "
	                          "FROM companies.solutions s WHERE true");
	bool valid = add_filters(request, &query, input->filter);
	valid = core_page_read(request, input->page, &limit, &offset) && valid;
	Chc__V1__ListSolutionsResponse reply = CHC__V1__LIST_SOLUTIONS_RESPONSE__INIT;
	Chc__V1__PageInfo page = CHC__V1__PAGE_INFO__INIT;
	PGresult *result = NULL;
	core_query_append(&query, " ORDER BY s.name, s.id");
	core_query_page(request, &query, limit, offset);
	core_query_append(&query, ") SELECT " SOLUTION_COLUMNS ", page.total FROM page "
	                          "JOIN companies.solutions s ON s.id = page.id "
	                          "ORDER BY page.name, page.id");
	if (!valid || run(request, &query, &reply.solutions, &reply.n_solutions, &result, &page,
	                  offset) != CHC_OK) {
		closure(NULL, closure_data);
		return;
	}
	reply.page = &page;
	closure(&reply, closure_data);
}

void companies_search_solutions(companies_service *service,
                                const Chc__V1__SearchSolutionsRequest *input,
                                Chc__V1__SearchSolutionsResponse_Closure closure,
                                void *closure_data)
{
	(void)service;
	core_request *request = closure_data;
	int limit = 0;
	long offset = 0;
	bool valid = core_check_text(request, "query", input->query, 1, 200);
	core_query_builder query = { .used = 0 };
	/* The query is parsed once; both stemmers, so a Danish word and an
	 * English word find the same solution. Ranking and counting read only
	 * ids and the search vector; the full columns are built for the one
	 * page of ids, not for every match (half the time of a broad search). */
	core_query_append(&query, "WITH q AS (SELECT websearch_to_tsquery('danish', $1) || "
	                          "websearch_to_tsquery('english', $1) AS q), "
	                          "ranked AS (SELECT s.id, ts_rank(s.search, q.q) AS rank, "
	                          "count(*) OVER () AS total FROM companies.solutions s, q "
	                          "WHERE s.search @@ q.q");
	core_query_value(&query, input->query);
	if (!input->include_unpublished)
		core_query_append(&query, " AND s.status = 'published'");
	valid = add_filters(request, &query, input->filter) && valid;
	valid = core_page_read(request, input->page, &limit, &offset) && valid;
	core_query_append(&query, " ORDER BY rank DESC, s.id");
	core_query_page(request, &query, limit, offset);
	core_query_append(&query, ") SELECT " SOLUTION_COLUMNS ", ranked.total, ranked.rank "
	                          "FROM ranked JOIN companies.solutions s ON s.id = ranked.id "
	                          "ORDER BY ranked.rank DESC, s.id");
	Chc__V1__SearchSolutionsResponse reply = CHC__V1__SEARCH_SOLUTIONS_RESPONSE__INIT;
	Chc__V1__PageInfo page = CHC__V1__PAGE_INFO__INIT;
	PGresult *result = NULL;
	if (!valid || run(request, &query, &reply.solutions, &reply.n_solutions, &result, &page,
	                  offset) != CHC_OK) {
		closure(NULL, closure_data);
		return;
	}
	reply.ranks = core_alloc(request, (reply.n_solutions + 1) * sizeof(float));
	if (reply.ranks == NULL) {
		closure(NULL, closure_data);
		return;
	}
	for (size_t i = 0; i < reply.n_solutions; i++)
		reply.ranks[i] =
		        strtof(PQgetvalue(result, (int)i, SOLUTION_COLUMN_COUNT + 1), NULL);
	reply.n_ranks = reply.n_solutions;
	reply.page = &page;
	closure(&reply, closure_data);
}
