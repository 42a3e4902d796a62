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
	project->version = core_column_int64(result, row, COLUMN_VERSION);
	project->created_unix_ms = core_column_int64(result, row, COLUMN_CREATED);
	project->updated_unix_ms = core_column_int64(result, row, COLUMN_UPDATED);
	project->interest_id = PQgetvalue(result, row, COLUMN_INTEREST);
	if (project->need_ids == NULL || project->solution_ids == NULL ||
	    project->test_bed_ids == NULL)
		return NULL;
	return &project->base;
}

CORE_ENTITY_DEFINE(project_entity, "project", "project",
                   "SELECT " PROJECT_COLUMNS " FROM projects.projects p WHERE p.id = $1::uuid",
                   project_from_row);

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

static ProtobufCMessage *participant_from_row(core_request *request, PGresult *result, int row)
{
	Chc__V1__Participant *participant = core_alloc(request, sizeof(*participant));
	if (participant == NULL)
		return NULL;
	chc__v1__participant__init(participant);
	participant->party = project_party_from_key(request, PQgetvalue(result, row, 0));
	if (participant->party == NULL)
		return NULL;
	participant->party->name = PQgetvalue(result, row, 2);
	participant->role =
	        core_enum_value(&chc__v1__participant_role__descriptor, PQgetvalue(result, row, 1));
	participant->commitment_ore = core_column_int64(result, row, 3);
	return &participant->base;
}

static ProtobufCMessage *history_entry_from_row(core_request *request, PGresult *result, int row)
{
	Chc__V1__HistoryEntry *entry = core_alloc(request, sizeof(*entry));
	if (entry == NULL)
		return NULL;
	chc__v1__history_entry__init(entry);
	entry->kind = PQgetvalue(result, row, 0);
	entry->from =
	        core_enum_value(&chc__v1__project_status__descriptor, PQgetvalue(result, row, 1));
	entry->to =
	        core_enum_value(&chc__v1__project_status__descriptor, PQgetvalue(result, row, 2));
	entry->by = PQgetvalue(result, row, 3);
	entry->reason = PQgetvalue(result, row, 4);
	if (PQgetvalue(result, row, 5)[0] != '\0')
		entry->party = project_party_from_key(request, PQgetvalue(result, row, 5));
	entry->commitment_ore = core_column_int64(result, row, 6);
	entry->at_unix_ms = core_column_int64(result, row, 7);
	return &entry->base;
}

static ProtobufCMessage *milestone_from_row(core_request *request, PGresult *result, int row)
{
	Chc__V1__Milestone *milestone = core_alloc(request, sizeof(*milestone));
	if (milestone == NULL)
		return NULL;
	chc__v1__milestone__init(milestone);
	milestone->id = PQgetvalue(result, row, 0);
	milestone->title = PQgetvalue(result, row, 1);
	milestone->due = PQgetvalue(result, row, 2);
	milestone->done = core_column_bool(result, row, 3);
	if (PQgetvalue(result, row, 4)[0] != '\0')
		milestone->responsible =
		        project_party_from_key(request, PQgetvalue(result, row, 4));
	return &milestone->base;
}

/* The participants, then each one's share of the budget they make up. */
static chc_status read_participants(core_request *request, Chc__V1__Project *project)
{
	chc_status status = core_read_children(
	        request, &participants_statement, project->id, participant_from_row,
	        (ProtobufCMessage ***)&project->participants, &project->n_participants);
	if (status != CHC_OK)
		return status;
	project->budget_ore = 0;
	for (size_t i = 0; i < project->n_participants; i++)
		project->budget_ore += project->participants[i]->commitment_ore;
	for (size_t i = 0; i < project->n_participants; i++) {
		Chc__V1__Participant *participant = project->participants[i];
		participant->share_percent =
		        share_text(request, participant->commitment_ore, project->budget_ore);
		if (participant->share_percent == NULL)
			return core_failure(request);
	}
	return CHC_OK;
}

chc_status project_complete(core_request *request, Chc__V1__Project *project)
{
	chc_status status = read_participants(request, project);
	if (status == CHC_OK)
		status = core_read_children(
		        request, &history_statement, project->id, history_entry_from_row,
		        (ProtobufCMessage ***)&project->history, &project->n_history);
	if (status == CHC_OK)
		status = core_read_children(
		        request, &milestones_statement, project->id, milestone_from_row,
		        (ProtobufCMessage ***)&project->milestones, &project->n_milestones);
	for (size_t i = 0; status == CHC_OK && i < project->n_milestones; i++)
		project->milestones[i]->project_id = project->id;
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

static bool project_values(core_request *request, const ProtobufCMessage *record,
                           const char **values)
{
	const Chc__V1__Project *project = (const Chc__V1__Project *)record;
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

CORE_ENTITY_WRITE_FUNCTIONS(project, Chc__V1__Project, project_values)

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
	return core_execute(request, &participant_insert_statement, values);
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
		request->principal.subject,
		reason ? reason : "",
		party ? party : "",
		core_int_text(request, commitment_ore),
	};
	return core_execute(request, &history_insert_statement, values);
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
	const char *values[] = { type, project_id, detail, request->principal.subject };
	return core_execute(request, &project_event_statement, values);
}
