/*
 * chc-projects - serves chc.v1.ProjectService: collaboration projects with
 * a lifecycle, participants, milestones and joint investment. It reaches
 * the other services only through libchc.
 */
#include "db.h"
#include "projects.h"
#include "remote.h"
#include "scope.h"
#include "service_main.h"

/* Milestones newly past due are told once (milestone.overdue); interests
 * unanswered are reminded, then expire. */
static chc_status housekeeping(PGconn *connection, chc_error *error)
{
	if (core_db_housekeeping(connection, project_overdue_sql, "overdue milestones", error) !=
	    CHC_OK)
		return error->code;
	return interests_housekeeping(connection, error);
}

static chc_status start(const core_config *config, chc_error *error)
{
	if (interests_settings_load(error) != CHC_OK)
		return error->code;
	return remote_start(config, 5000, error);
}

/* A partner acts on the projects it takes part in. */
static const core_scope_record scope_records[] = {
	{ "project",
	  { "scope_project", "SELECT party FROM projects.participants WHERE project_id = $1::uuid",
	    1 } },
};

CORE_SERVICE_MAIN(projects, CHC__V1__PROJECT_SERVICE__INIT, 3, .housekeeping = housekeeping,
                  .start = start, .stop = remote_stop, .scope_records = scope_records,
                  .scope_record_count = sizeof(scope_records) / sizeof(scope_records[0]),
                  .prechecks = projects_prechecks)
