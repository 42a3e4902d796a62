/*
 * project_queries.c - projects listed and searched with one filter builder
 * (Danish and English stems together, as needs and solutions), and the
 * milestones past due across open projects. Lists give the projects' own
 * fields; GetProject gives each whole.
 */
#include <stdio.h>
#include <stdlib.h>

#include "db.h"
#include "entity.h"
#include "projects.h"
#include "query_builder.h"
#include "validate.h"

static bool add_filters(core_request *request, core_query_builder *query,
                        const Chc__V1__ProjectFilter *filter)
{
	if (filter == NULL)
		return true;
	if (filter->participant != NULL) {
		char *key = core_alloc(request, 96);
		if (key != NULL && project_party_key(filter->participant, key))
			core_query_where(query,
			                 "EXISTS (SELECT 1 FROM projects.participants x WHERE "
			                 "x.project_id = p.id AND x.party = $?)",
			                 key);
		else
			core_violation(request, "filter.participant", "names no party");
	}
	if (filter->status != 0 &&
	    core_check_enum(request, "filter.status", &chc__v1__project_status__descriptor,
	                    filter->status, false))
		core_query_where(query, "p.status = $?",
		                 core_enum_slug(request, &chc__v1__project_status__descriptor,
		                                filter->status));
	if (filter->region_code != 0 &&
	    core_check_range(request, "filter.region_code", filter->region_code, 1081, 1085))
		core_query_where(query,
		                 "EXISTS (SELECT 1 FROM projects.participants x WHERE "
		                 "x.project_id = p.id AND x.region_code = $?::int)",
		                 core_int_text(request, filter->region_code));
	if (filter->need_id[0] != '\0' &&
	    core_check_uuid(request, "filter.need_id", filter->need_id))
		core_query_where(query, "$?::uuid = ANY (p.need_ids)", filter->need_id);
	if (filter->solution_id[0] != '\0' &&
	    core_check_uuid(request, "filter.solution_id", filter->solution_id))
		core_query_where(query, "$?::uuid = ANY (p.solution_ids)", filter->solution_id);
	if (filter->test_bed_id[0] != '\0' &&
	    core_check_uuid(request, "filter.test_bed_id", filter->test_bed_id))
		core_query_where(query, "$?::uuid = ANY (p.test_bed_ids)", filter->test_bed_id);
	return !core_failed(request);
}

void projects_list_projects(projects_service *service, const Chc__V1__ListProjectsRequest *input,
                            Chc__V1__ListProjectsResponse_Closure closure, void *closure_data)
{
	(void)service;
	core_request *request = closure_data;
	int limit = 0;
	long offset = 0;
	core_query_builder query = { .used = 0 };
	core_query_append(&query, "SELECT " PROJECT_COLUMNS ", count(*) OVER () "
	                          "FROM projects.projects p WHERE true");
	bool valid = add_filters(request, &query, input->filter);
	valid = core_page_read(request, input->page, &limit, &offset) && valid;
	if (!valid)
		CORE_FAIL_RETURN(closure, closure_data);
	core_query_append(&query, " ORDER BY p.updated_at DESC, p.id");
	core_query_page(request, &query, limit, offset);
	Chc__V1__ListProjectsResponse reply = CHC__V1__LIST_PROJECTS_RESPONSE__INIT;
	Chc__V1__PageInfo page = CHC__V1__PAGE_INFO__INIT;
	if (core_entity_list(request, &project_entity, &query, PROJECT_COLUMN_COUNT, offset,
	                     (ProtobufCMessage ***)&reply.projects, &reply.n_projects,
	                     &page) != CHC_OK)
		CORE_FAIL_RETURN(closure, closure_data);
	reply.page = &page;
	closure(&reply, closure_data);
}

void projects_search_projects(projects_service *service,
                              const Chc__V1__SearchProjectsRequest *input,
                              Chc__V1__SearchProjectsResponse_Closure closure, void *closure_data)
{
	(void)service;
	core_request *request = closure_data;
	int limit = 0;
	long offset = 0;
	bool valid = core_check_text(request, "query", input->query, 1, 200);
	core_query_builder query = { .used = 0 };
	core_query_append(&query,
	                  "WITH q AS (SELECT websearch_to_tsquery('danish', $1) || "
	                  "websearch_to_tsquery('english', $1) AS q) SELECT " PROJECT_COLUMNS
	                  ", count(*) OVER (), ts_rank(p.search, q.q) AS rank "
	                  "FROM projects.projects p, q WHERE p.search @@ q.q");
	core_query_value(&query, input->query);
	valid = add_filters(request, &query, input->filter) && valid;
	valid = core_page_read(request, input->page, &limit, &offset) && valid;
	if (!valid)
		CORE_FAIL_RETURN(closure, closure_data);
	core_query_append(&query, " ORDER BY rank DESC, p.id");
	core_query_page(request, &query, limit, offset);
	Chc__V1__SearchProjectsResponse reply = CHC__V1__SEARCH_PROJECTS_RESPONSE__INIT;
	Chc__V1__PageInfo page = CHC__V1__PAGE_INFO__INIT;
	PGresult *result = NULL;
	if (core_query_run(request, &query, &result) != CHC_OK ||
	    core_entity_rows(request, &project_entity, result,
	                     (ProtobufCMessage ***)&reply.projects, &reply.n_projects) != CHC_OK ||
	    core_page_fill(request, result, PROJECT_COLUMN_COUNT, offset, &page) != CHC_OK)
		CORE_FAIL_RETURN(closure, closure_data);
	reply.ranks = core_alloc(request, (reply.n_projects + 1) * sizeof(float));
	if (reply.ranks == NULL)
		CORE_FAIL_RETURN(closure, closure_data);
	for (size_t i = 0; i < reply.n_projects; i++)
		reply.ranks[i] = strtof(PQgetvalue(result, (int)i, PROJECT_COLUMN_COUNT + 1), NULL);
	reply.n_ranks = reply.n_projects;
	reply.page = &page;
	closure(&reply, closure_data);
}

#define OPEN_PROJECT "p.status NOT IN ('closed', 'cancelled')"

void projects_list_overdue_milestones(projects_service *service,
                                      const Chc__V1__ListOverdueMilestonesRequest *input,
                                      Chc__V1__ListOverdueMilestonesResponse_Closure closure,
                                      void *closure_data)
{
	(void)service;
	core_request *request = closure_data;
	int limit = 0;
	long offset = 0;
	if (!core_page_read(request, input->page, &limit, &offset))
		CORE_FAIL_RETURN(closure, closure_data);
	core_query_builder query = { .used = 0 };
	core_query_append(&query,
	                  "SELECT m.id, m.title, to_char(m.due, 'YYYY-MM-DD'), m.responsible, "
	                  "m.project_id, count(*) OVER () FROM projects.milestones m JOIN "
	                  "projects.projects p ON p.id = m.project_id WHERE NOT m.done AND "
	                  "m.due < current_date AND " OPEN_PROJECT " ORDER BY m.due, m.id");
	core_query_page(request, &query, limit, offset);
	PGresult *result = NULL;
	Chc__V1__ListOverdueMilestonesResponse reply =
	        CHC__V1__LIST_OVERDUE_MILESTONES_RESPONSE__INIT;
	Chc__V1__PageInfo page = CHC__V1__PAGE_INFO__INIT;
	if (core_query_run(request, &query, &result) != CHC_OK)
		CORE_FAIL_RETURN(closure, closure_data);
	int rows = PQntuples(result);
	reply.milestones = core_alloc(request, (size_t)(rows + 1) * sizeof(void *));
	if (reply.milestones == NULL)
		CORE_FAIL_RETURN(closure, closure_data);
	for (int i = 0; i < rows; i++) {
		Chc__V1__Milestone *milestone = core_alloc(request, sizeof(*milestone));
		if (milestone == NULL)
			CORE_FAIL_RETURN(closure, closure_data);
		chc__v1__milestone__init(milestone);
		milestone->id = PQgetvalue(result, i, 0);
		milestone->title = PQgetvalue(result, i, 1);
		milestone->due = PQgetvalue(result, i, 2);
		if (PQgetvalue(result, i, 3)[0] != '\0')
			milestone->responsible =
			        project_party_from_key(request, PQgetvalue(result, i, 3));
		milestone->project_id = PQgetvalue(result, i, 4);
		reply.milestones[reply.n_milestones++] = milestone;
	}
	if (core_page_fill(request, result, 5, offset, &page) != CHC_OK)
		CORE_FAIL_RETURN(closure, closure_data);
	reply.page = &page;
	closure(&reply, closure_data);
}

const char project_overdue_sql[] =
        "WITH told AS (UPDATE projects.milestones m SET overdue_told = true FROM "
        "projects.projects p WHERE p.id = m.project_id AND NOT m.done AND NOT m.overdue_told "
        "AND m.due < current_date AND " OPEN_PROJECT " RETURNING m.id, m.project_id, m.title, "
        "m.due) INSERT INTO projects.events (type, subject_id, audience, payload) SELECT "
        "'milestone.overdue', project_id::text, '{secretariat}', jsonb_build_object("
        "'milestone_id', id::text, 'title', title, 'due', due::text) FROM told";
