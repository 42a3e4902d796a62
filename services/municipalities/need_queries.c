/*
 * need_queries.c - ListNeeds and SearchNeeds: one filter builder for both,
 * every value a parameter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "municipalities.h"
#include "query_builder.h"
#include "validate.h"

static bool add_filters(core_request *request, core_query_builder *query,
                        const Chc__V1__NeedFilter *filter)
{
	if (filter == NULL)
		return true;
	if (filter->owner_municipality_code != 0 &&
	    core_check_range(request, "filter.owner_municipality_code",
	                     filter->owner_municipality_code, 100, 999))
		core_query_where(
		        query,
		        "EXISTS (SELECT 1 FROM municipalities.need_owners o WHERE o.need_id = "
		        "n.id AND o.municipality_code = $?::int)",
		        core_int_text(request, filter->owner_municipality_code));
	if (filter->owner_region_code != 0 &&
	    core_check_range(request, "filter.owner_region_code", filter->owner_region_code, 1081,
	                     1085))
		core_query_where(
		        query,
		        "EXISTS (SELECT 1 FROM municipalities.need_owners o WHERE o.need_id = "
		        "n.id AND o.region_code = $?::int)",
		        core_int_text(request, filter->owner_region_code));
	if (filter->region_code != 0 &&
	    core_check_range(request, "filter.region_code", filter->region_code, 1081, 1085))
		core_query_where(
		        query,
		        "EXISTS (SELECT 1 FROM municipalities.need_owners o LEFT JOIN "
		        "municipalities.municipalities m ON m.code = o.municipality_code WHERE "
		        "o.need_id = n.id AND $?::int IN (o.region_code, m.region_code))",
		        core_int_text(request, filter->region_code));
	if (filter->care_area != 0 &&
	    core_check_enum(request, "filter.care_area", &chc__v1__care_category__descriptor,
	                    filter->care_area, false))
		core_query_where(query, "n.care_area = $?",
		                 core_enum_slug(request, &chc__v1__care_category__descriptor,
		                                filter->care_area));
	if (filter->status != 0 &&
	    core_check_enum(request, "filter.status", &chc__v1__need_status__descriptor,
	                    filter->status, false))
		core_query_where(
		        query, "n.status = $?",
		        core_enum_slug(request, &chc__v1__need_status__descriptor, filter->status));
	if (filter->procurement_route != 0 &&
	    core_check_enum(request, "filter.procurement_route",
	                    &chc__v1__procurement_route__descriptor, filter->procurement_route,
	                    false))
		core_query_where(query, "n.procurement_route = $?",
		                 core_enum_slug(request, &chc__v1__procurement_route__descriptor,
		                                filter->procurement_route));
	if (filter->deadline_from[0] != '\0' &&
	    core_check_date(request, "filter.deadline_from", filter->deadline_from, false))
		core_query_where(query, "n.deadline >= $?::date", filter->deadline_from);
	if (filter->deadline_to[0] != '\0' &&
	    core_check_date(request, "filter.deadline_to", filter->deadline_to, false))
		core_query_where(query, "n.deadline <= $?::date", filter->deadline_to);
	return !core_failed(request);
}

/* Runs the query; the total (count(*) OVER ()) is the column after the
 * need columns. */
static chc_status run(core_request *request, core_query_builder *query, Chc__V1__Need ***needs,
                      size_t *count, PGresult **result, Chc__V1__PageInfo *page, long offset)
{
	chc_status status = core_query_run(request, query, result);
	if (status == CHC_OK)
		status = need_rows(request, *result, needs, count);
	if (status != CHC_OK)
		return status;
	return core_page_fill(request, *result, NEED_COLUMN_COUNT, offset, page);
}

void municipalities_list_needs(municipalities_service *service,
                               const Chc__V1__ListNeedsRequest *input,
                               Chc__V1__ListNeedsResponse_Closure closure, void *closure_data)
{
	(void)service;
	core_request *request = closure_data;
	int limit = 0;
	long offset = 0;
	core_query_builder query = { .used = 0 };
	core_query_append(&query, "SELECT " NEED_COLUMNS ", count(*) OVER () FROM "
	                          "municipalities.needs n WHERE true");
	bool valid = add_filters(request, &query, input->filter);
	valid = core_page_read(request, input->page, &limit, &offset) && valid;
	if (!valid) {
		closure(NULL, closure_data);
		return;
	}
	core_query_append(&query, " ORDER BY n.deadline, n.id");
	core_query_page(request, &query, limit, offset);
	Chc__V1__ListNeedsResponse reply = CHC__V1__LIST_NEEDS_RESPONSE__INIT;
	Chc__V1__PageInfo page = CHC__V1__PAGE_INFO__INIT;
	PGresult *result = NULL;
	if (run(request, &query, &reply.needs, &reply.n_needs, &result, &page, offset) != CHC_OK) {
		closure(NULL, closure_data);
		return;
	}
	reply.page = &page;
	closure(&reply, closure_data);
}

void municipalities_search_needs(municipalities_service *service,
                                 const Chc__V1__SearchNeedsRequest *input,
                                 Chc__V1__SearchNeedsResponse_Closure closure, void *closure_data)
{
	(void)service;
	core_request *request = closure_data;
	int limit = 0;
	long offset = 0;
	bool valid = core_check_text(request, "query", input->query, 1, 200);
	core_query_builder query = { .used = 0 };
	/* Both stemmers: Danish words and English words find the same need. */
	core_query_append(
	        &query, "SELECT " NEED_COLUMNS ", count(*) OVER (), ts_rank(n.search, q.q) "
	                "FROM municipalities.needs n, (SELECT websearch_to_tsquery('danish', "
	                "$1) || websearch_to_tsquery('english', $1) AS q) q WHERE n.search @@ q.q");
	core_query_value(&query, input->query);
	valid = add_filters(request, &query, input->filter) && valid;
	valid = core_page_read(request, input->page, &limit, &offset) && valid;
	if (!valid) {
		closure(NULL, closure_data);
		return;
	}
	core_query_append(&query, " ORDER BY ts_rank(n.search, q.q) DESC, n.id");
	core_query_page(request, &query, limit, offset);
	Chc__V1__SearchNeedsResponse reply = CHC__V1__SEARCH_NEEDS_RESPONSE__INIT;
	Chc__V1__PageInfo page = CHC__V1__PAGE_INFO__INIT;
	PGresult *result = NULL;
	if (run(request, &query, &reply.needs, &reply.n_needs, &result, &page, offset) != CHC_OK) {
		closure(NULL, closure_data);
		return;
	}
	reply.ranks = core_alloc(request, (reply.n_needs + 1) * sizeof(float));
	if (reply.ranks == NULL) {
		closure(NULL, closure_data);
		return;
	}
	for (size_t i = 0; i < reply.n_needs; i++)
		reply.ranks[i] = strtof(PQgetvalue(result, (int)i, NEED_COLUMN_COUNT + 1), NULL);
	reply.n_ranks = reply.n_needs;
	reply.page = &page;
	closure(&reply, closure_data);
}
