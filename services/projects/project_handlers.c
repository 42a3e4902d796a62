/*
 * project_handlers.c - create, read and change a project: its fields, its
 * status along the lifecycle, its participants and their commitments, its
 * milestones. Every change is kept in the history and published as an
 * event, in the request's transaction.
 */
#include <stdio.h>
#include <string.h>

#include "chc/uuid.h"
#include "db.h"
#include "dispatch.h"
#include "entity.h"
#include "handler.h"
#include "projects.h"
#include "query_builder.h"
#include "update_mask.h"
#include "validate.h"

/* The project a caller changes, locked, at the version it read, whole. */
static Chc__V1__Project *load_for_change(core_request *request, const char *id,
                                         int64_t expected_version)
{
	Chc__V1__Project *project = (Chc__V1__Project *)core_entity_load_for_change(
	        request, &project_entity, "project_id", id, expected_version);
	if (project == NULL || project_complete(request, project) != CHC_OK)
		return NULL;
	return project;
}

/* The project as it now is: the reply of every call that changes one. */
static Chc__V1__Project *reply_loaded(core_request *request, const char *id)
{
	Chc__V1__Project *project = NULL;
	return project_load(request, id, false, &project) == CHC_OK ? project : NULL;
}

/* How every change to a project's participants ends: the project's
 * version moves, the history records the change (kind) with the party's
 * key and commitment, the event (type) names the party, and the reply is
 * the project as it now is. */
static Chc__V1__Project *participant_changed(core_request *request, Chc__V1__Project *project,
                                             const char *kind, const char *type, const char *reason,
                                             const char *key, int64_t commitment_ore)
{
	if (project_write(request, project) != CHC_OK ||
	    project_history_add(request, project->id, kind, 0, 0, reason, key, commitment_ore) !=
	            CHC_OK ||
	    project_event(request, type, project->id, key) != CHC_OK)
		return NULL;
	return reply_loaded(request, project->id);
}

static bool validate_text(core_request *request, const Chc__V1__Project *project)
{
	core_check_text(request, "project.title", project->title, 3, 200);
	core_check_text(request, "project.description", project->description, 0, 4000);
	if (project->language[0] != '\0' && strcmp(project->language, "da") != 0 &&
	    strcmp(project->language, "en") != 0)
		core_violation(request, "project.language", "must be \"da\" or \"en\"");
	return !core_failed(request);
}

/* The participants of a new project: each checked with its service, one
 * lead, no party twice, no commitment below zero. */
static bool validate_participants(core_request *request, const Chc__V1__Project *project,
                                  project_party *checked)
{
	if (project->n_participants == 0 || project->n_participants > 50) {
		core_violation(request, "project.participants", "needs 1 to 50 participants");
		return false;
	}
	size_t leads = 0;
	for (size_t i = 0; i < project->n_participants; i++) {
		const Chc__V1__Participant *participant = project->participants[i];
		char field[64];
		snprintf(field, sizeof(field), "project.participants[%zu].role", i);
		core_check_enum(request, field, &chc__v1__participant_role__descriptor,
		                participant->role, true);
		leads += participant->role == CHC__V1__PARTICIPANT_ROLE__PARTICIPANT_ROLE_LEAD;
		if (participant->commitment_ore < 0) {
			snprintf(field, sizeof(field), "project.participants[%zu].commitment_ore",
			         i);
			core_violation(request, field, "must not be below zero");
		}
	}
	if (leads != 1)
		core_violation(request, "project.participants", "needs exactly one lead, not %zu",
		               leads);
	if (core_failed(request))
		return false;
	const char **fields = core_alloc(request, project->n_participants * sizeof(*fields));
	const Chc__V1__Party **parties =
	        core_alloc(request, project->n_participants * sizeof(*parties));
	if (fields == NULL || parties == NULL)
		return false;
	for (size_t i = 0; i < project->n_participants; i++) {
		char field[64];
		snprintf(field, sizeof(field), "project.participants[%zu].party", i);
		fields[i] = core_strdup(request, field);
		parties[i] = project->participants[i]->party;
		if (fields[i] == NULL)
			return false;
	}
	if (project_parties_check(request, fields, parties, project->n_participants, checked) !=
	    CHC_OK)
		return false;
	for (size_t i = 0; i < project->n_participants; i++)
		for (size_t k = 0; k < i; k++)
			if (strcmp(checked[k].key, checked[i].key) == 0)
				core_violation(request, fields[i],
				               "takes part already (participant %zu)", k);
	return !core_failed(request);
}

/* CreateProject's checks with the other services, before its transaction:
 * leaves each participant's party (project_party[]) for create_project. */
static void precheck_create_project(core_request *request, const ProtobufCMessage *message)
{
	const Chc__V1__Project *project = ((const Chc__V1__CreateProjectRequest *)message)->project;
	if (!core_check_present(request, "project", project))
		return;
	project_party *checked =
	        core_alloc(request, (project->n_participants + 1) * sizeof(*checked));
	if (checked != NULL && validate_text(request, project) &&
	    validate_participants(request, project, checked) &&
	    project_links_check(request, project, NULL, 0) == CHC_OK)
		request->prechecked = checked;
}

static Chc__V1__Project *create_project(core_request *request,
                                        const Chc__V1__CreateProjectRequest *input)
{
	const project_party *checked = core_prechecked(request);
	Chc__V1__Project *project =
	        checked == NULL
	                ? NULL
	                : (Chc__V1__Project *)core_entity_new(
	                          request, "project", (const ProtobufCMessage *)input->project,
	                          CHC__V1__PROJECT_STATUS__PROJECT_STATUS_PROPOSED);
	if (project == NULL)
		return NULL;
	const char *id = project->id;
	if (project->status != CHC__V1__PROJECT_STATUS__PROJECT_STATUS_PROPOSED &&
	    project->status != CHC__V1__PROJECT_STATUS__PROJECT_STATUS_EXPLORING) {
		core_violation(request, "project.status", "a project starts proposed or exploring");
		return NULL;
	}
	if (project_insert(request, project) != CHC_OK)
		return NULL;
	for (size_t i = 0; i < project->n_participants; i++)
		if (project_participant_add(
		            request, id, &checked[i], project->participants[i]->role,
		            project->participants[i]->commitment_ore, (int)i) != CHC_OK)
			return NULL;
	if (project_history_add(request, id, "status", 0, project->status, "created", NULL, 0) !=
	            CHC_OK ||
	    project_event(request, "project.created", id, project->title) != CHC_OK)
		return NULL;
	return reply_loaded(request, id);
}
CORE_REPLY_HANDLER(projects, create_project, CreateProjectRequest, Project)

static Chc__V1__Project *get_project(core_request *request, const Chc__V1__GetProjectRequest *input)
{
	if (!core_check_uuid(request, "id", input->id))
		return NULL;
	return reply_loaded(request, input->id);
}
CORE_REPLY_HANDLER(projects, get_project, GetProjectRequest, Project)

/* UpdateProject's checks with the other services, before its transaction
 * and so before the project is locked: the links the update sets. */
static void precheck_update_project(core_request *request, const ProtobufCMessage *message)
{
	const Chc__V1__UpdateProjectRequest *input = (const void *)message;
	if (core_check_present(request, "project", input->project) &&
	    project_links_check(request, input->project, input->update_mask,
	                        input->n_update_mask) == CHC_OK)
		request->prechecked = input->project;
}

static Chc__V1__Project *update_project(core_request *request,
                                        const Chc__V1__UpdateProjectRequest *input)
{
	static const char *const updatable[] = {
		"title", "description", "need_ids", "solution_ids", "test_bed_ids", "language", NULL
	};
	if (core_prechecked(request) == NULL)
		return NULL;
	Chc__V1__Project *project =
	        load_for_change(request, input->project->id, input->expected_version);
	if (project == NULL ||
	    !core_apply_update_mask(request, &project->base, &input->project->base,
	                            input->update_mask, input->n_update_mask, updatable, NULL) ||
	    !validate_text(request, project) || project_write(request, project) != CHC_OK ||
	    project_event(request, "project.updated", project->id, project->title) != CHC_OK)
		return NULL;
	return reply_loaded(request, project->id);
}
CORE_REPLY_HANDLER(projects, update_project, UpdateProjectRequest, Project)

static Chc__V1__Project *change_project_status(core_request *request,
                                               const Chc__V1__ChangeProjectStatusRequest *input)
{
	core_check_enum(request, "status", &chc__v1__project_status__descriptor, input->status,
	                true);
	core_check_text(request, "reason", input->reason, 0, 500);
	if (core_failed(request))
		return NULL;
	Chc__V1__Project *project = load_for_change(request, input->id, input->expected_version);
	if (project == NULL)
		return NULL;
	int from = project->status;
	if (!project_move_allowed(from, input->status)) {
		core_fail(request, CHC_FAILED_PRECONDITION,
		          "project %s is %s: it may move to %s, not to %s", project->id,
		          core_enum_slug(request, &chc__v1__project_status__descriptor, from),
		          project_moves_from(request, from),
		          core_enum_slug(request, &chc__v1__project_status__descriptor,
		                         input->status));
		return NULL;
	}
	project->status = input->status;
	char detail[160];
	snprintf(detail, sizeof(detail), "%s -> %s",
	         core_enum_slug(request, &chc__v1__project_status__descriptor, from),
	         core_enum_slug(request, &chc__v1__project_status__descriptor, input->status));
	if (project_write(request, project) != CHC_OK ||
	    project_history_add(request, project->id, "status", from, input->status, input->reason,
	                        NULL, 0) != CHC_OK ||
	    project_event(request, "project.status_changed", project->id, detail) != CHC_OK)
		return NULL;
	return reply_loaded(request, project->id);
}
CORE_REPLY_HANDLER(projects, change_project_status, ChangeProjectStatusRequest, Project)

/* The participant with key, or NULL. */
static Chc__V1__Participant *participant_of(Chc__V1__Project *project, const char *key)
{
	for (size_t i = 0; i < project->n_participants; i++) {
		char other[96];
		if (project_party_key(project->participants[i]->party, other) &&
		    strcmp(other, key) == 0)
			return project->participants[i];
	}
	return NULL;
}

static bool has_lead(const Chc__V1__Project *project)
{
	for (size_t i = 0; i < project->n_participants; i++)
		if (project->participants[i]->role ==
		    CHC__V1__PARTICIPANT_ROLE__PARTICIPANT_ROLE_LEAD)
			return true;
	return false;
}

/* AddParticipant's check of the party with its service, before the
 * transaction: leaves the project_party for add_participant. */
static void precheck_add_participant(core_request *request, const ProtobufCMessage *message)
{
	const Chc__V1__Participant *participant =
	        ((const Chc__V1__AddParticipantRequest *)message)->participant;
	if (!core_check_present(request, "participant", participant))
		return;
	core_check_enum(request, "participant.role", &chc__v1__participant_role__descriptor,
	                participant->role, true);
	if (participant->commitment_ore < 0)
		core_violation(request, "participant.commitment_ore", "must not be below zero");
	project_party *checked = core_alloc(request, sizeof(*checked));
	if (checked != NULL && !core_failed(request) &&
	    project_party_check(request, "participant.party", participant->party, checked) ==
	            CHC_OK)
		request->prechecked = checked;
}

static Chc__V1__Project *add_participant(core_request *request,
                                         const Chc__V1__AddParticipantRequest *input)
{
	const Chc__V1__Participant *participant = input->participant;
	const project_party *checked = core_prechecked(request);
	Chc__V1__Project *project = checked == NULL ? NULL
	                                            : load_for_change(request, input->project_id,
	                                                              input->expected_version);
	if (project == NULL)
		return NULL;
	if (participant_of(project, checked->key) != NULL) {
		core_fail(request, CHC_ALREADY_EXISTS, "%s takes part in project %s already",
		          checked->name, project->id);
		return NULL;
	}
	if (participant->role == CHC__V1__PARTICIPANT_ROLE__PARTICIPANT_ROLE_LEAD &&
	    has_lead(project)) {
		core_fail(request, CHC_FAILED_PRECONDITION,
		          "project %s has a lead already: a project has exactly one", project->id);
		return NULL;
	}
	if (project_participant_add(request, project->id, checked, participant->role,
	                            participant->commitment_ore,
	                            (int)project->n_participants) != CHC_OK)
		return NULL;
	return participant_changed(request, project, "participant_joined",
	                           "project.participant_joined", checked->name, checked->key,
	                           participant->commitment_ore);
}
CORE_REPLY_HANDLER(projects, add_participant, AddParticipantRequest, Project)

static const core_statement participant_delete_statement = {
	"project_participant_delete",
	"DELETE FROM projects.participants WHERE project_id = $1::uuid AND party = $2", 2
};
static const core_statement commitment_statement = {
	"project_commitment",
	"UPDATE projects.participants SET commitment_ore = $3::bigint "
	"WHERE project_id = $1::uuid AND party = $2",
	3
};

/* The participant a change is about; NOT_FOUND when it does not take part. */
static Chc__V1__Participant *find_participant(core_request *request, Chc__V1__Project *project,
                                              const Chc__V1__Party *party, char key[96])
{
	if (!project_party_key(party, key)) {
		core_violation(request, "party", "names no participant");
		return NULL;
	}
	Chc__V1__Participant *participant = participant_of(project, key);
	if (participant == NULL)
		core_fail(request, CHC_NOT_FOUND, "%s does not take part in project %s", key,
		          project->id);
	return participant;
}

/* A participant who leaves takes its commitment with it, in the history. */
static Chc__V1__Project *remove_participant(core_request *request,
                                            const Chc__V1__RemoveParticipantRequest *input)
{
	if (!core_check_text(request, "reason", input->reason, 0, 500))
		return NULL;
	Chc__V1__Project *project =
	        load_for_change(request, input->project_id, input->expected_version);
	char key[96];
	Chc__V1__Participant *participant =
	        project ? find_participant(request, project, input->party, key) : NULL;
	if (participant == NULL)
		return NULL;
	if (participant->role == CHC__V1__PARTICIPANT_ROLE__PARTICIPANT_ROLE_LEAD) {
		core_fail(request, CHC_FAILED_PRECONDITION,
		          "%s leads project %s: make another participant the lead first", key,
		          project->id);
		return NULL;
	}
	const char *values[] = { project->id, key };
	PGresult *result = NULL;
	if (core_query(request, &participant_delete_statement, values, &result) != CHC_OK)
		return NULL;
	return participant_changed(request, project, "participant_left", "project.participant_left",
	                           input->reason, key, participant->commitment_ore);
}
CORE_REPLY_HANDLER(projects, remove_participant, RemoveParticipantRequest, Project)

static Chc__V1__Project *set_commitment(core_request *request,
                                        const Chc__V1__SetCommitmentRequest *input)
{
	if (input->commitment_ore < 0) {
		core_violation(request, "commitment_ore", "must not be below zero");
		return NULL;
	}
	Chc__V1__Project *project =
	        load_for_change(request, input->project_id, input->expected_version);
	char key[96];
	Chc__V1__Participant *participant =
	        project ? find_participant(request, project, input->party, key) : NULL;
	if (participant == NULL)
		return NULL;
	const char *values[] = { project->id, key, core_int_text(request, input->commitment_ore) };
	PGresult *result = NULL;
	if (core_query(request, &commitment_statement, values, &result) != CHC_OK)
		return NULL;
	return participant_changed(request, project, "commitment", "project.commitment_changed", "",
	                           key, input->commitment_ore);
}
CORE_REPLY_HANDLER(projects, set_commitment, SetCommitmentRequest, Project)

static const core_statement milestone_insert_statement = {
	"project_milestone_insert",
	"INSERT INTO projects.milestones (id, project_id, position, title, due, responsible) "
	"VALUES ($1::uuid, $2::uuid, $3::int, $4, $5::date, $6)",
	6
};

static Chc__V1__Project *add_milestone(core_request *request,
                                       const Chc__V1__AddMilestoneRequest *input)
{
	const Chc__V1__Milestone *milestone = input->milestone;
	if (!core_check_present(request, "milestone", milestone))
		return NULL;
	core_check_text(request, "milestone.title", milestone->title, 2, 200);
	core_check_date(request, "milestone.due", milestone->due, true);
	if (core_failed(request))
		return NULL;
	Chc__V1__Project *project =
	        load_for_change(request, input->project_id, input->expected_version);
	if (project == NULL)
		return NULL;
	char key[96] = "";
	if (milestone->responsible != NULL &&
	    find_participant(request, project, milestone->responsible, key) == NULL)
		return NULL;
	char id[37];
	chc_uuid_generate(id);
	const char *values[] = { id,
		                 project->id,
		                 core_int_text(request, (long long)project->n_milestones),
		                 milestone->title,
		                 milestone->due,
		                 key };
	PGresult *result = NULL;
	if (core_query(request, &milestone_insert_statement, values, &result) != CHC_OK ||
	    project_write(request, project) != CHC_OK ||
	    project_event(request, "milestone.added", project->id, milestone->title) != CHC_OK)
		return NULL;
	return reply_loaded(request, project->id);
}
CORE_REPLY_HANDLER(projects, add_milestone, AddMilestoneRequest, Project)

static const core_statement milestone_done_statement = {
	"project_milestone_done",
	"UPDATE projects.milestones SET done = $3::boolean WHERE project_id = $1::uuid AND "
	"id = $2::uuid",
	3
};

static Chc__V1__Project *set_milestone_done(core_request *request,
                                            const Chc__V1__SetMilestoneDoneRequest *input)
{
	if (!core_check_uuid(request, "milestone_id", input->milestone_id))
		return NULL;
	Chc__V1__Project *project =
	        load_for_change(request, input->project_id, input->expected_version);
	if (project == NULL)
		return NULL;
	const char *values[] = { project->id, input->milestone_id, input->done ? "true" : "false" };
	PGresult *result = NULL;
	if (core_query(request, &milestone_done_statement, values, &result) != CHC_OK)
		return NULL;
	if (strcmp(PQcmdTuples(result), "1") != 0) {
		core_fail(request, CHC_NOT_FOUND, "project %s has no milestone %s", project->id,
		          input->milestone_id);
		return NULL;
	}
	if (project_write(request, project) != CHC_OK ||
	    project_event(request, input->done ? "milestone.done" : "milestone.reopened",
	                  project->id, input->milestone_id) != CHC_OK)
		return NULL;
	return reply_loaded(request, project->id);
}
CORE_REPLY_HANDLER(projects, set_milestone_done, SetMilestoneDoneRequest, Project)

static const core_statement project_interest_statement = {
	"project_interest",
	"UPDATE projects.projects SET interest_id = $2::uuid WHERE id = $1::uuid", 2
};

chc_status project_open_from_interest(core_request *request, const project_opening *opening,
                                      char project_id[37])
{
	Chc__V1__Project project = CHC__V1__PROJECT__INIT;
	chc_uuid_generate(project_id);
	char *needs[] = { (char *)opening->need_id };
	char *test_beds[] = { (char *)opening->test_bed_id };
	char *solutions[] = { (char *)opening->solution_id };
	project.id = project_id;
	project.title = (char *)opening->title;
	project.description = (char *)"Opened when both sides accepted an expression of interest.";
	project.need_ids = needs;
	project.n_need_ids = opening->need_id[0] != '\0';
	project.test_bed_ids = test_beds;
	project.n_test_bed_ids = opening->test_bed_id[0] != '\0';
	project.solution_ids = solutions;
	project.n_solution_ids = 1;
	project.status = CHC__V1__PROJECT_STATUS__PROJECT_STATUS_EXPLORING;
	const char *values[] = { project_id, opening->interest_id };
	PGresult *result = NULL;
	chc_status status = project_insert(request, &project);
	if (status == CHC_OK)
		status = project_participant_add(request, project_id, opening->lead,
		                                 CHC__V1__PARTICIPANT_ROLE__PARTICIPANT_ROLE_LEAD,
		                                 0, 0);
	if (status == CHC_OK)
		status = project_participant_add(request, project_id, opening->partner,
		                                 opening->partner_role, 0, 1);
	if (status == CHC_OK)
		status = core_query(request, &project_interest_statement, values, &result);
	if (status == CHC_OK)
		status = project_history_add(request, project_id, "status", 0, project.status,
		                             "both sides accepted an expression of interest", NULL,
		                             0);
	if (status == CHC_OK)
		status = project_event(request, "project.created", project_id, opening->title);
	return status;
}

const core_precheck projects_prechecks[] = {
	{ "CreateProject", precheck_create_project },
	{ "UpdateProject", precheck_update_project },
	{ "AddParticipant", precheck_add_participant },
	{ "CreateInterest", interests_precheck_create },
	{ "CreateInterestFromJob", interests_precheck_create_from_job },
	{ "AcceptInterest", interests_precheck_accept },
	{ NULL, NULL },
};
