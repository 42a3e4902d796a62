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
#include "events.h"
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

/* A project's row at columns first.. of row: GetProject's statement reads
 * it beside the parts of the project, the entity's statements alone. */
static Chc__V1__Project *project_at(core_request *request, PGresult *result, int row, int first)
{
	Chc__V1__Project *project = core_message_new(request, &chc__v1__project__descriptor);
	if (project == NULL)
		return NULL;
	project->id = PQgetvalue(result, row, first + COLUMN_ID);
	project->title = PQgetvalue(result, row, first + COLUMN_TITLE);
	project->description = PQgetvalue(result, row, first + COLUMN_DESCRIPTION);
	project->need_ids = core_word_list(request, PQgetvalue(result, row, first + COLUMN_NEEDS),
	                                   &project->n_need_ids);
	project->solution_ids =
	        core_word_list(request, PQgetvalue(result, row, first + COLUMN_SOLUTIONS),
	                       &project->n_solution_ids);
	project->test_bed_ids =
	        core_word_list(request, PQgetvalue(result, row, first + COLUMN_TEST_BEDS),
	                       &project->n_test_bed_ids);
	project->status = core_enum_value(&chc__v1__project_status__descriptor,
	                                  PQgetvalue(result, row, first + COLUMN_STATUS));
	project->language = PQgetvalue(result, row, first + COLUMN_LANGUAGE);
	project->version = core_column_int64(result, row, first + COLUMN_VERSION);
	project->created_unix_ms = core_column_int64(result, row, first + COLUMN_CREATED);
	project->updated_unix_ms = core_column_int64(result, row, first + COLUMN_UPDATED);
	project->interest_id = PQgetvalue(result, row, first + COLUMN_INTEREST);
	if (project->need_ids == NULL || project->solution_ids == NULL ||
	    project->test_bed_ids == NULL)
		return NULL;
	return project;
}

static ProtobufCMessage *project_from_row(core_request *request, PGresult *result, int row)
{
	Chc__V1__Project *project = project_at(request, result, row, 0);
	return project != NULL ? &project->base : NULL;
}

CORE_TABLE_ENTITY_DEFINE(project_entity, "project", "project", "projects.projects p", "p.id",
                         PROJECT_COLUMNS, PROJECT_COLUMN_COUNT, project_from_row);

/*
 * The whole project in one statement: one round trip and one snapshot
 * instead of a statement for the row and one for each of its three lists
 * (the read a GetProject is, and the reply of every change). Each part is
 * rows of its own (column PART), and every part's values start in the same
 * column (WHOLE_VALUES), each part reading them in its own way, so that a
 * row is as wide as the widest part (16 columns) and not as all of them
 * side by side (33: PostgreSQL answered about a fifth more of these a
 * second under pgbench at 8 clients). Columns shared by parts share a
 * type, text where they differ (a commitment is read back as a number
 * either way). The sort columns keep each list in its own order
 * (participants by position and party, history by seq, milestones by
 * position and id), in their own types; the first part names the types.
 */
enum whole_column {
	WHOLE_PART,
	WHOLE_VALUES = 4,
};
enum whole_part { PART_PROJECT, PART_PARTICIPANTS, PART_HISTORY, PART_MILESTONES, PART_COUNT };

/* Where each value of a history entry is among WHOLE_VALUES...: its time
 * is in the project's version column, the one bigint among them. */
enum history_value {
	HISTORY_KIND,
	HISTORY_FROM,
	HISTORY_TO,
	HISTORY_BY,
	HISTORY_REASON,
	HISTORY_PARTY,
	HISTORY_COMMITMENT,
	HISTORY_AT = HISTORY_COMMITMENT + 2,
};

static const core_statement whole_statement = {
	"project_whole",
	"SELECT 0, 0::bigint, NULL::text, NULL::uuid, " PROJECT_COLUMNS " "
	"FROM projects.projects p WHERE p.id = $1::uuid "
	"UNION ALL SELECT 1, position, party, NULL, party, role, name, commitment_ore::text, "
	"NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL "
	"FROM projects.participants WHERE project_id = $1::uuid "
	"UNION ALL SELECT 2, seq, NULL, NULL, kind, from_status, to_status, by_principal, reason, "
	"party, commitment_ore::text, NULL, (extract(epoch FROM at) * 1000)::bigint, NULL, NULL, "
	"NULL FROM projects.history WHERE project_id = $1::uuid "
	"UNION ALL SELECT 3, position, NULL, id, id::text, title, to_char(due, 'YYYY-MM-DD'), "
	"CASE WHEN done THEN 't' ELSE 'f' END, responsible, NULL, NULL, NULL, NULL, NULL, NULL, "
	"NULL FROM projects.milestones WHERE project_id = $1::uuid "
	"ORDER BY 1, 2, 3, 4",
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

static ProtobufCMessage *participant_at(core_request *request, PGresult *result, int row)
{
	Chc__V1__Participant *participant =
	        core_message_new(request, &chc__v1__participant__descriptor);
	if (participant == NULL)
		return NULL;
	participant->party = project_party_from_key(request, PQgetvalue(result, row, WHOLE_VALUES));
	if (participant->party == NULL)
		return NULL;
	participant->party->name = PQgetvalue(result, row, WHOLE_VALUES + 2);
	participant->role = core_enum_value(&chc__v1__participant_role__descriptor,
	                                    PQgetvalue(result, row, WHOLE_VALUES + 1));
	participant->commitment_ore = core_column_int64(result, row, WHOLE_VALUES + 3);
	return &participant->base;
}

static ProtobufCMessage *history_entry_at(core_request *request, PGresult *result, int row)
{
	Chc__V1__HistoryEntry *entry =
	        core_message_new(request, &chc__v1__history_entry__descriptor);
	if (entry == NULL)
		return NULL;
	entry->kind = PQgetvalue(result, row, WHOLE_VALUES + HISTORY_KIND);
	entry->from = core_enum_value(&chc__v1__project_status__descriptor,
	                              PQgetvalue(result, row, WHOLE_VALUES + HISTORY_FROM));
	entry->to = core_enum_value(&chc__v1__project_status__descriptor,
	                            PQgetvalue(result, row, WHOLE_VALUES + HISTORY_TO));
	entry->by = PQgetvalue(result, row, WHOLE_VALUES + HISTORY_BY);
	entry->reason = PQgetvalue(result, row, WHOLE_VALUES + HISTORY_REASON);
	if (PQgetvalue(result, row, WHOLE_VALUES + HISTORY_PARTY)[0] != '\0')
		entry->party = project_party_from_key(
		        request, PQgetvalue(result, row, WHOLE_VALUES + HISTORY_PARTY));
	entry->commitment_ore = core_column_int64(result, row, WHOLE_VALUES + HISTORY_COMMITMENT);
	entry->at_unix_ms = core_column_int64(result, row, WHOLE_VALUES + HISTORY_AT);
	return &entry->base;
}

static ProtobufCMessage *milestone_at(core_request *request, PGresult *result, int row)
{
	Chc__V1__Milestone *milestone = core_message_new(request, &chc__v1__milestone__descriptor);
	if (milestone == NULL)
		return NULL;
	milestone->id = PQgetvalue(result, row, WHOLE_VALUES);
	milestone->title = PQgetvalue(result, row, WHOLE_VALUES + 1);
	milestone->due = PQgetvalue(result, row, WHOLE_VALUES + 2);
	milestone->done = core_column_bool(result, row, WHOLE_VALUES + 3);
	if (PQgetvalue(result, row, WHOLE_VALUES + 4)[0] != '\0')
		milestone->responsible =
		        project_party_from_key(request, PQgetvalue(result, row, WHOLE_VALUES + 4));
	return &milestone->base;
}

/* The rows of one part as request-owned messages; rows of a part are
 * together, the result being ordered by part. */
static chc_status read_part(core_request *request, PGresult *result, const int bounds[2],
                            core_row_reader reader, ProtobufCMessage ***messages, size_t *count)
{
	*count = 0;
	*messages = core_alloc(request, (size_t)(bounds[1] - bounds[0] + 1) * sizeof(**messages));
	if (*messages == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	for (int row = bounds[0]; row < bounds[1]; row++) {
		ProtobufCMessage *message = reader(request, result, row);
		if (message == NULL)
			return core_failure(request);
		(*messages)[(*count)++] = message;
	}
	return CHC_OK;
}

/* Fills project's lists from the whole statement's result, then each
 * participant's share of the budget they make up. */
static chc_status read_parts(core_request *request, PGresult *result, Chc__V1__Project *project)
{
	int bounds[PART_COUNT][2] = { { 0 } };
	int rows = PQntuples(result);
	for (int row = 0, part = -1; row < rows; row++) {
		int this_part = (int)core_column_int64(result, row, WHOLE_PART);
		if (this_part < 0 || this_part >= PART_COUNT)
			return core_fail(request, CHC_INTERNAL, "project part %d unknown",
			                 this_part);
		if (this_part != part) {
			part = this_part;
			bounds[part][0] = row;
		}
		bounds[part][1] = row + 1;
	}
	chc_status status =
	        read_part(request, result, bounds[PART_PARTICIPANTS], participant_at,
	                  (ProtobufCMessage ***)&project->participants, &project->n_participants);
	if (status == CHC_OK)
		status = read_part(request, result, bounds[PART_HISTORY], history_entry_at,
		                   (ProtobufCMessage ***)&project->history, &project->n_history);
	if (status == CHC_OK)
		status = read_part(request, result, bounds[PART_MILESTONES], milestone_at,
		                   (ProtobufCMessage ***)&project->milestones,
		                   &project->n_milestones);
	if (status == CHC_RESOURCE_EXHAUSTED && !core_failed(request))
		core_fail(request, status, "out of memory");
	if (status != CHC_OK)
		return status;
	for (size_t i = 0; i < project->n_milestones; i++)
		project->milestones[i]->project_id = project->id;
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

static PGresult *query_whole(core_request *request, const char *id)
{
	const char *values[] = { id };
	PGresult *result = NULL;
	if (core_query(request, &whole_statement, values, &result) != CHC_OK)
		return NULL;
	return result;
}

chc_status project_complete(core_request *request, Chc__V1__Project *project)
{
	PGresult *result = query_whole(request, project->id);
	if (result == NULL)
		return core_failure(request);
	return read_parts(request, result, project);
}

chc_status project_load(core_request *request, const char *id, bool for_update,
                        Chc__V1__Project **project)
{
	*project = NULL;
	/* A row locked for a change comes from the entity's FOR UPDATE
	 * statement (a UNION cannot lock); its parts then in one more. */
	if (for_update) {
		ProtobufCMessage *loaded = NULL;
		chc_status status = core_entity_load(request, &project_entity, id, true, &loaded);
		if (status != CHC_OK)
			return status;
		*project = (Chc__V1__Project *)loaded;
		return project_complete(request, *project);
	}
	PGresult *result = query_whole(request, id);
	if (result == NULL)
		return core_failure(request);
	/* The project's own row sorts first; none: there is no such project. */
	if (PQntuples(result) == 0 || core_column_int64(result, 0, WHOLE_PART) != PART_PROJECT)
		return core_fail(request, CHC_NOT_FOUND, "no %s has id %s", project_entity.noun,
		                 id);
	Chc__V1__Project *loaded = project_at(request, result, 0, WHOLE_VALUES);
	if (loaded == NULL)
		return core_failure(request);
	chc_status status = read_parts(request, result, loaded);
	if (status == CHC_OK)
		*project = loaded;
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

static const core_statement project_event_statement =
        CORE_SECRETARIAT_EVENT_STATEMENT("project_event", "projects");

chc_status project_event(core_request *request, const char *type, const char *project_id,
                         const char *detail)
{
	return core_event_record(request, &project_event_statement, type, project_id, detail);
}
