/*
 * project_store.c - projects in PostgreSQL: the project row, its
 * participants and their commitments, its history and its milestones, read
 * back whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "entity.h"
#include "enum_columns.h"
#include "projects.h"
#include "query_builder.h"
#include "validate.h"

enum project_column {
	COLUMN_ID,
	COLUMN_TITLE,
	COLUMN_DESCRIPTION,
	COLUMN_NEEDS,
	COLUMN_SOLUTIONS,
	COLUMN_TEST_BEDS,
	COLUMN_STATUS,
	COLUMN_LANGUAGE,
	COLUMN_VERSION,
	COLUMN_CREATED,
	COLUMN_UPDATED,
	COLUMN_INTEREST,
};

static int64_t number(PGresult *result, int row, int column)
{
	return strtoll(PQgetvalue(result, row, column), NULL, 10);
}

static ProtobufCMessage *project_from_row(core_request *request, PGresult *result, int row)
{
	Chc__V1__Project *project = core_alloc(request, sizeof(*project));
	if (project == NULL)
		return NULL;
	chc__v1__project__init(project);
	project->id = PQgetvalue(result, row, COLUMN_ID);
	project->title = PQgetvalue(result, row, COLUMN_TITLE);
	project->description = PQgetvalue(result, row, COLUMN_DESCRIPTION);
	project->need_ids = core_word_list(request, PQgetvalue(result, row, COLUMN_NEEDS),
	                                   &project->n_need_ids);
	project->solution_ids = core_word_list(request, PQgetvalue(result, row, COLUMN_SOLUTIONS),
	                                       &project->n_solution_ids);
	project->test_bed_ids = core_word_list(request, PQgetvalue(result, row, COLUMN_TEST_BEDS),
	                                       &project->n_test_bed_ids);
	project->status = core_enum_value(&chc__v1__project_status__descriptor,
	                                  PQgetvalue(result, row, COLUMN_STATUS));
	project->language = PQgetvalue(result, row, COLUMN_LANGUAGE);
	project->version = number(result, row, COLUMN_VERSION);
	project->created_unix_ms = number(result, row, COLUMN_CREATED);
	project->updated_unix_ms = number(result, row, COLUMN_UPDATED);
	project->interest_id = PQgetvalue(result, row, COLUMN_INTEREST);
	if (project->need_ids == NULL || project->solution_ids == NULL ||
	    project->test_bed_ids == NULL)
		return NULL;
	return &project->base;
}

static const core_statement project_get_statement = {
	"project_get", "SELECT " PROJECT_COLUMNS " FROM projects.projects p WHERE p.id = $1::uuid",
	1
};
static const core_statement project_get_locked_statement = {
	"project_get_for_update",
	"SELECT " PROJECT_COLUMNS " FROM projects.projects p WHERE p.id = $1::uuid FOR UPDATE", 1
};

const core_entity project_entity = {
	.noun = "project",
	.get = &project_get_statement,
	.get_for_update = &project_get_locked_statement,
	.from_row = project_from_row,
};

static const core_statement participants_statement = {
	"project_participants",
	"SELECT party, role, name, commitment_ore FROM projects.participants "
	"WHERE project_id = $1::uuid ORDER BY position, party",
	1
};
static const core_statement history_statement = {
	"project_history",
	"SELECT kind, from_status, to_status, by_principal, reason, party, commitment_ore, "
	"(extract(epoch FROM at) * 1000)::bigint FROM projects.history "
	"WHERE project_id = $1::uuid ORDER BY seq",
	1
};
static const core_statement milestones_statement = {
	"project_milestones",
	"SELECT id, title, to_char(due, 'YYYY-MM-DD'), done, responsible FROM projects.milestones "
	"WHERE project_id = $1::uuid ORDER BY position, id",
	1
};

/* "33.33": a share of the budget in percent, from integers. */
static char *share_text(core_request *request, int64_t part, int64_t whole)
{
	char text[48];
	/* In integers: 1/3 of 100 øre is "33.33", never 33.333333. */
	int64_t basis_points = whole > 0 ? part * 10000 / whole : 0;
	snprintf(text, sizeof(text), "%lld.%02lld", (long long)(basis_points / 100),
	         (long long)(basis_points % 100));
	return core_strdup(request, text);
}

static chc_status read_participants(core_request *request, Chc__V1__Project *project)
{
	const char *values[] = { project->id };
	PGresult *result = NULL;
	chc_status status = core_query(request, &participants_statement, values, &result);
	if (status != CHC_OK)
		return status;
	int rows = PQntuples(result);
	project->participants = core_alloc(request, (size_t)(rows + 1) * sizeof(void *));
	if (project->participants == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	project->budget_ore = 0;
	for (int i = 0; i < rows; i++)
		project->budget_ore += number(result, i, 3);
	for (int i = 0; i < rows; i++) {
		Chc__V1__Participant *participant = core_alloc(request, sizeof(*participant));
		if (participant == NULL)
			return CHC_RESOURCE_EXHAUSTED;
		chc__v1__participant__init(participant);
		participant->party = project_party_from_key(request, PQgetvalue(result, i, 0));
		if (participant->party == NULL)
			return CHC_RESOURCE_EXHAUSTED;
		participant->party->name = PQgetvalue(result, i, 2);
		participant->role = core_enum_value(&chc__v1__participant_role__descriptor,
		                                    PQgetvalue(result, i, 1));
		participant->commitment_ore = number(result, i, 3);
		participant->share_percent =
		        share_text(request, participant->commitment_ore, project->budget_ore);
		project->participants[project->n_participants++] = participant;
	}
	return CHC_OK;
}

static chc_status read_history(core_request *request, Chc__V1__Project *project)
{
	const char *values[] = { project->id };
	PGresult *result = NULL;
	chc_status status = core_query(request, &history_statement, values, &result);
	if (status != CHC_OK)
		return status;
	int rows = PQntuples(result);
	project->history = core_alloc(request, (size_t)(rows + 1) * sizeof(void *));
	if (project->history == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	for (int i = 0; i < rows; i++) {
		Chc__V1__HistoryEntry *entry = core_alloc(request, sizeof(*entry));
		if (entry == NULL)
			return CHC_RESOURCE_EXHAUSTED;
		chc__v1__history_entry__init(entry);
		entry->kind = PQgetvalue(result, i, 0);
		entry->from = core_enum_value(&chc__v1__project_status__descriptor,
		                              PQgetvalue(result, i, 1));
		entry->to = core_enum_value(&chc__v1__project_status__descriptor,
		                            PQgetvalue(result, i, 2));
		entry->by = PQgetvalue(result, i, 3);
		entry->reason = PQgetvalue(result, i, 4);
		if (PQgetvalue(result, i, 5)[0] != '\0')
			entry->party = project_party_from_key(request, PQgetvalue(result, i, 5));
		entry->commitment_ore = number(result, i, 6);
		entry->at_unix_ms = number(result, i, 7);
		project->history[project->n_history++] = entry;
	}
	return CHC_OK;
}

static chc_status read_milestones(core_request *request, Chc__V1__Project *project)
{
	const char *values[] = { project->id };
	PGresult *result = NULL;
	chc_status status = core_query(request, &milestones_statement, values, &result);
	if (status != CHC_OK)
		return status;
	int rows = PQntuples(result);
	project->milestones = core_alloc(request, (size_t)(rows + 1) * sizeof(void *));
	if (project->milestones == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	for (int i = 0; i < rows; i++) {
		Chc__V1__Milestone *milestone = core_alloc(request, sizeof(*milestone));
		if (milestone == NULL)
			return CHC_RESOURCE_EXHAUSTED;
		chc__v1__milestone__init(milestone);
		milestone->id = PQgetvalue(result, i, 0);
		milestone->title = PQgetvalue(result, i, 1);
		milestone->due = PQgetvalue(result, i, 2);
		milestone->done = PQgetvalue(result, i, 3)[0] == 't';
		if (PQgetvalue(result, i, 4)[0] != '\0')
			milestone->responsible =
			        project_party_from_key(request, PQgetvalue(result, i, 4));
		milestone->project_id = project->id;
		project->milestones[project->n_milestones++] = milestone;
	}
	return CHC_OK;
}

chc_status project_complete(core_request *request, Chc__V1__Project *project)
{
	chc_status status = read_participants(request, project);
	if (status == CHC_OK)
		status = read_history(request, project);
	if (status == CHC_OK)
		status = read_milestones(request, project);
	if (status == CHC_RESOURCE_EXHAUSTED && !core_failed(request))
		core_fail(request, status, "out of memory");
	return status;
}

chc_status project_load(core_request *request, const char *id, bool for_update,
                        Chc__V1__Project **project)
{
	ProtobufCMessage *loaded = NULL;
	chc_status status = core_entity_load(request, &project_entity, id, for_update, &loaded);
	*project = (Chc__V1__Project *)loaded;
	if (status == CHC_OK)
		status = project_complete(request, *project);
	return status;
}

#define PROJECT_VALUE_COUNT 8

static bool project_values(core_request *request, const Chc__V1__Project *project,
                           const char *values[PROJECT_VALUE_COUNT])
{
	values[0] = project->id;
	values[1] = project->title;
	values[2] = project->description;
	values[3] = core_word_array(request, project->need_ids, project->n_need_ids);
	values[4] = core_word_array(request, project->solution_ids, project->n_solution_ids);
	values[5] = core_word_array(request, project->test_bed_ids, project->n_test_bed_ids);
	values[6] = core_enum_slug(request, &chc__v1__project_status__descriptor, project->status);
	values[7] = project->language[0] != '\0' ? project->language : "da";
	for (int i = 0; i < PROJECT_VALUE_COUNT; i++)
		if (values[i] == NULL)
			return false;
	return true;
}

static const core_statement project_insert_statement = {
	"project_insert",
	"INSERT INTO projects.projects (id, title, description, need_ids, solution_ids, "
	"test_bed_ids, status, language) VALUES ($1::uuid, $2, $3, $4::uuid[], $5::uuid[], "
	"$6::uuid[], $7, $8)",
	PROJECT_VALUE_COUNT
};
static const core_statement project_update_statement = {
	"project_update",
	"UPDATE projects.projects SET title = $2, description = $3, need_ids = $4::uuid[], "
	"solution_ids = $5::uuid[], test_bed_ids = $6::uuid[], status = $7, language = $8, "
	"version = version + 1, updated_at = now() WHERE id = $1::uuid",
	PROJECT_VALUE_COUNT
};

static chc_status project_save(core_request *request, const Chc__V1__Project *project,
                               const core_statement *statement)
{
	const char *values[PROJECT_VALUE_COUNT];
	if (!project_values(request, project, values))
		return core_fail(request, CHC_RESOURCE_EXHAUSTED, "out of memory");
	PGresult *result = NULL;
	return core_query(request, statement, values, &result);
}

chc_status project_insert(core_request *request, const Chc__V1__Project *project)
{
	return project_save(request, project, &project_insert_statement);
}

chc_status project_write(core_request *request, const Chc__V1__Project *project)
{
	return project_save(request, project, &project_update_statement);
}

static const core_statement participant_insert_statement = {
	"project_participant_insert",
	"INSERT INTO projects.participants (project_id, party, position, role, name, region_code, "
	"commitment_ore) VALUES ($1::uuid, $2, $3::int, $4, $5, nullif($6::int, 0), $7::bigint)",
	7
};

chc_status project_participant_add(core_request *request, const char *project_id,
                                   const project_party *party, int role, int64_t commitment_ore,
                                   int position)
{
	const char *values[] = {
		project_id,
		party->key,
		core_int_text(request, position),
		core_enum_slug(request, &chc__v1__participant_role__descriptor, role),
		party->name,
		core_int_text(request, party->region_code),
		core_int_text(request, commitment_ore),
	};
	PGresult *result = NULL;
	return core_query(request, &participant_insert_statement, values, &result);
}

static const core_statement history_insert_statement = {
	"project_history_insert",
	"INSERT INTO projects.history (project_id, kind, from_status, to_status, by_principal, "
	"reason, party, commitment_ore) VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8::bigint)",
	8
};

chc_status project_history_add(core_request *request, const char *project_id, const char *kind,
                               int from, int to, const char *reason, const char *party,
                               int64_t commitment_ore)
{
	const char *values[] = {
		project_id,
		kind,
		from ? core_enum_slug(request, &chc__v1__project_status__descriptor, from) : "",
		to ? core_enum_slug(request, &chc__v1__project_status__descriptor, to) : "",
		request->principal.subject ? request->principal.subject : "",
		reason ? reason : "",
		party ? party : "",
		core_int_text(request, commitment_ore),
	};
	PGresult *result = NULL;
	return core_query(request, &history_insert_statement, values, &result);
}

static const core_statement project_event_statement = {
	"project_event",
	"INSERT INTO projects.events (type, subject_id, audience, payload) VALUES ($1, $2, "
	"'{secretariat}', jsonb_build_object('detail', $3::text, 'by', $4::text))",
	4
};

chc_status project_event(core_request *request, const char *type, const char *project_id,
                         const char *detail)
{
	const char *values[] = { type, project_id, detail,
		                 request->principal.subject ? request->principal.subject : "" };
	PGresult *result = NULL;
	return core_query(request, &project_event_statement, values, &result);
}
