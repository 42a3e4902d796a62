/*
 * projects.h - the handlers of chc.v1.ProjectService and what they share.
 */
#ifndef PROJECTS_H
#define PROJECTS_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "chc/status.h"
#include "chc/v1/projects.pb-c.h"
#include "config.h"
#include "dispatch.h"
#include "request.h"

typedef Chc__V1__ProjectService_Service projects_service;

#define HANDLER(name, input, output) CORE_HANDLER(projects_service, projects, name, input, output)

HANDLER(create_interest, CreateInterestRequest, Interest);
HANDLER(create_interest_from_job, CreateInterestFromJobRequest, Interest);
HANDLER(get_interest, GetInterestRequest, Interest);
HANDLER(list_interests, ListInterestsRequest, ListInterestsResponse);
HANDLER(accept_interest, AnswerInterestRequest, Interest);
HANDLER(decline_interest, AnswerInterestRequest, Interest);
HANDLER(withdraw_interest, AnswerInterestRequest, Interest);
HANDLER(create_project, CreateProjectRequest, Project);
HANDLER(get_project, GetProjectRequest, Project);
HANDLER(update_project, UpdateProjectRequest, Project);
HANDLER(change_project_status, ChangeProjectStatusRequest, Project);
HANDLER(add_participant, AddParticipantRequest, Project);
HANDLER(remove_participant, RemoveParticipantRequest, Project);
HANDLER(set_commitment, SetCommitmentRequest, Project);
HANDLER(add_milestone, AddMilestoneRequest, Project);
HANDLER(set_milestone_done, SetMilestoneDoneRequest, Project);
HANDLER(list_projects, ListProjectsRequest, ListProjectsResponse);
HANDLER(search_projects, SearchProjectsRequest, SearchProjectsResponse);
HANDLER(list_overdue_milestones, ListOverdueMilestonesRequest, ListOverdueMilestonesResponse);

#undef HANDLER

/* The checks of its writes with the other services, run before their
 * transactions open (dispatch.h): for main and the fuzz harness. */
extern const core_precheck projects_prechecks[];

/* project_interests.c: the prechecks of CreateInterest and
 * CreateInterestFromJob (the sides of the new interest). */
void interests_precheck_create(core_request *request, const ProtobufCMessage *message);
void interests_precheck_create_from_job(core_request *request, const ProtobufCMessage *message);
/* AcceptInterest's: the sides of the project it opens. */
void interests_precheck_accept(core_request *request, const ProtobufCMessage *message);

/* project_parties.c: who takes part, checked with the service that keeps
 * it (through remote.h), before anything is written. */

/* A party checked: its key ("company:<id>", "municipality:101" ...), its
 * name and, where it has one, its region. */
typedef struct project_party {
	char key[96];
	char name[200];
	int region_code;
} project_party;

/* Checks party (violations of field, NOT_FOUND naming a party that does not
 * exist, UNAVAILABLE when its service cannot answer) and describes it. */
chc_status project_party_check(core_request *request, const char *field,
                               const Chc__V1__Party *party, project_party *checked);

/* project_party_check of count parties, each named by its field: one call
 * to each service that keeps some of them, not one per party. */
chc_status project_parties_check(core_request *request, const char *const *fields,
                                 const Chc__V1__Party *const *parties, size_t count,
                                 project_party *checked);

/* The key of a party as given, without asking anyone (a party that takes
 * part already); false when it names none. */
bool project_party_key(const Chc__V1__Party *party, char key[96]);

/* The Party message of a stored key, request-owned. */
Chc__V1__Party *project_party_from_key(core_request *request, const char *key);

/* CHC_OK when the job matched the solution to the need; NOT_FOUND else. */
chc_status project_job_has_match(core_request *request, const char *job_id, const char *need_id,
                                 const char *solution_id);

/* Needs must be open, solutions published, test beds known (NOT_FOUND or
 * FAILED_PRECONDITION naming the one that is not): the links of project
 * that mask names (mask_count names; NULL: all), one call per service. */
chc_status project_links_check(core_request *request, const Chc__V1__Project *project,
                               char *const *mask, size_t mask_count);

/* project_lifecycle.c: the moves the lifecycle allows. */
bool project_move_allowed(int from, int to);
/* "agreed, closed, cancelled": the moves allowed from status, request-owned. */
const char *project_moves_from(core_request *request, int from);

/* project_store.c */
#define PROJECT_COLUMNS                                                                            \
	"p.id::text, p.title, p.description, array_to_string(p.need_ids, ','), "                   \
	"array_to_string(p.solution_ids, ','), array_to_string(p.test_bed_ids, ','), p.status, "   \
	"p.language, p.version, (extract(epoch FROM p.created_at) * 1000)::bigint, "               \
	"(extract(epoch FROM p.updated_at) * 1000)::bigint, coalesce(p.interest_id::text, '')"
#define PROJECT_COLUMN_COUNT 12

struct core_entity;
extern const struct core_entity project_entity;

/* The whole project: participants with their shares, history, milestones. */
chc_status project_load(core_request *request, const char *id, bool for_update,
                        Chc__V1__Project **project);
chc_status project_complete(core_request *request, Chc__V1__Project *project);
chc_status project_insert(core_request *request, const Chc__V1__Project *project);
chc_status project_write(core_request *request, const Chc__V1__Project *project);
chc_status project_participant_add(core_request *request, const char *project_id,
                                   const project_party *party, int role, int64_t commitment_ore,
                                   int position);
chc_status project_history_add(core_request *request, const char *project_id, const char *kind,
                               int from, int to, const char *reason, const char *party,
                               int64_t commitment_ore);
chc_status project_event(core_request *request, const char *type, const char *project_id,
                         const char *detail);

/* project_interests.c: the interest settings and housekeeping. */
chc_status interests_settings_load(chc_error *error);
chc_status interests_housekeeping(PGconn *connection, chc_error *error);

/* What an accepted interest opens: a project in exploring with the two
 * sides, linked to the need or the test bed ("" when not) and the solution. */
typedef struct {
	const char *interest_id;
	const project_party *lead;
	const project_party *partner;
	int partner_role; /* Chc__V1__ParticipantRole */
	const char *need_id;
	const char *test_bed_id;
	const char *solution_id;
	const char *title;
} project_opening;

/* Opens the project of an accepted interest; its id in project_id. */
chc_status project_open_from_interest(core_request *request, const project_opening *opening,
                                      char project_id[37]);

/* Housekeeping: a milestone.overdue event for each milestone newly past
 * due in an open project. */
extern const char project_overdue_sql[];

#endif /* PROJECTS_H */
