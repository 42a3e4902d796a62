/*
 * project_queries.c - the projects' listing (filters, order, search
 * vector) that the core runs for ListProjects and SearchProjects, and the
 * milestones past due across open projects. Lists give the projects' own
 * fields; GetProject gives each whole.
 */
#include <stdio.h>
#include <stdlib.h>

#include "db.h"
#include "entity.h"
#include "handler.h"
#include "listing.h"
#include "projects.h"
#include "query_builder.h"
#include "validate.h"

/* The participant filter's key ("company:<uuid>", "municipality:101"). */
static const char *participant_key(core_request *request, const char *field,
                                   const ProtobufCMessage *value)
{
	char *key = core_alloc(request, 96);
	if (key != NULL && !project_party_key((const Chc__V1__Party *)value, key)) {
		core_violation(request, field, "names no party");
		return NULL;
	}
	return key;
}

static const core_filter project_filters[] = {
	{ "participant", CORE_FILTER_CUSTOM,
	  "EXISTS (SELECT 1 FROM projects.participants x WHERE x.project_id = p.id AND "
	  "x.party = $?)",
	  0, 0, participant_key },
	{ "status", CORE_FILTER_ENUM, "p.status = $?", 0, 0, NULL },
	{ "region_code", CORE_FILTER_NUMBER,
	  "EXISTS (SELECT 1 FROM projects.participants x WHERE x.project_id = p.id AND "
	  "x.region_code = $?::int)",
	  1081, 1085, NULL },
	{ "need_id", CORE_FILTER_UUID, "$?::uuid = ANY (p.need_ids)", 0, 0, NULL },
	{ "solution_id", CORE_FILTER_UUID, "$?::uuid = ANY (p.solution_ids)", 0, 0, NULL },
	{ "test_bed_id", CORE_FILTER_UUID, "$?::uuid = ANY (p.test_bed_ids)", 0, 0, NULL },
};

/* Most recently changed first: the projects that are moving. */
static const core_listing project_listing = {
	.entity = &project_entity,
	.order = "p.updated_at DESC, p.id",
	.search = "p.search",
	.filter_message = "filter",
	CORE_LISTING_FILTERS(project_filters),
};

CORE_LIST_HANDLER(projects, list_projects, ListProjectsRequest, ListProjectsResponse,
                  project_listing, chc__v1__list_projects_response__descriptor)

CORE_SEARCH_HANDLER(projects, search_projects, SearchProjectsRequest, SearchProjectsResponse,
                    project_listing, NULL, chc__v1__search_projects_response__descriptor)

#define OPEN_PROJECT "p.status NOT IN ('closed', 'cancelled')"

/* The milestones past due of open projects, soonest due first; paged and
 * counted like every list (a table of its own: the condition is fixed). */
static const core_listing overdue_listing = {
	.table = "(SELECT m.* FROM projects.milestones m JOIN projects.projects p ON p.id = "
	         "m.project_id WHERE NOT m.done AND m.due < current_date AND " OPEN_PROJECT ") m",
	.columns = "m.id, m.title, to_char(m.due, 'YYYY-MM-DD'), m.responsible, m.project_id",
	.column_count = 5,
	.order = "m.due, m.id",
};

static Chc__V1__ListOverdueMilestonesResponse *
list_overdue_milestones(core_request *request, const Chc__V1__ListOverdueMilestonesRequest *input)
{
	core_list_page found;
	Chc__V1__ListOverdueMilestonesResponse *reply =
	        core_message_new(request, &chc__v1__list_overdue_milestones_response__descriptor);
	if (reply == NULL || core_list(request, &overdue_listing, &input->base, &found) != CHC_OK)
		return NULL;
	PGresult *result = found.rows;
	int rows = PQntuples(result);
	reply->milestones = core_alloc(request, (size_t)(rows + 1) * sizeof(void *));
	if (reply->milestones == NULL)
		return NULL;
	for (int i = 0; i < rows; i++) {
		Chc__V1__Milestone *milestone =
		        core_message_new(request, &chc__v1__milestone__descriptor);
		if (milestone == NULL)
			return NULL;
		milestone->id = PQgetvalue(result, i, 0);
		milestone->title = PQgetvalue(result, i, 1);
		milestone->due = PQgetvalue(result, i, 2);
		if (PQgetvalue(result, i, 3)[0] != '\0')
			milestone->responsible =
			        project_party_from_key(request, PQgetvalue(result, i, 3));
		milestone->project_id = PQgetvalue(result, i, 4);
		reply->milestones[reply->n_milestones++] = milestone;
	}
	reply->page = core_page_info(request, &found);
	return reply->page != NULL ? reply : NULL;
}
CORE_REPLY_HANDLER(projects, list_overdue_milestones, ListOverdueMilestonesRequest,
                   ListOverdueMilestonesResponse)

const char project_overdue_sql[] =
        "WITH told AS (UPDATE projects.milestones m SET overdue_told = true FROM "
        "projects.projects p WHERE p.id = m.project_id AND NOT m.done AND NOT m.overdue_told "
        "AND m.due < current_date AND " OPEN_PROJECT " RETURNING m.id, m.project_id, m.title, "
        "m.due) INSERT INTO projects.events (type, subject_id, audience, payload) SELECT "
        "'milestone.overdue', project_id::text, '{secretariat}', jsonb_build_object("
        "'milestone_id', id::text, 'title', title, 'due', due::text) FROM told";
