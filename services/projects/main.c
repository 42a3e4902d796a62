/*
 * chc-projects - serves chc.v1.ProjectService: collaboration projects with
 * a lifecycle, participants, milestones and joint investment. It reaches
 * the other services only through libchc.
 */
#include <stdio.h>

#include "chc/endpoints.h"
#include "projects.h"
#include "server.h"

static projects_service service = CHC__V1__PROJECT_SERVICE__INIT(projects_);

/* Milestones newly past due are told once (milestone.overdue); interests
 * unanswered are reminded, then expire. */
static chc_status housekeeping(PGconn *connection, chc_error *error)
{
	PGresult *result = PQexec(connection, project_overdue_sql);
	chc_status status = CHC_OK;
	if (PQresultStatus(result) != PGRES_COMMAND_OK)
		status = chc_error_set(error, CHC_INTERNAL, "overdue milestones: %s",
		                       PQresultErrorMessage(result));
	PQclear(result);
	if (status == CHC_OK)
		status = interests_housekeeping(connection, error);
	return status;
}

static chc_status start(const core_config *config, chc_error *error)
{
	if (interests_settings_load(error) != CHC_OK)
		return error->code;
	return projects_client_start(config, error);
}

int main(int argc, char **argv)
{
	static const core_service_definition definition = {
		.name = "projects",
		.schema = "projects",
		.service = &service.base,
		.default_listen = CHC_DEFAULT_URL(3),
		.default_http_listen = CHC_DEFAULT_HTTP(3),
		.default_events_listen = CHC_DEFAULT_EVENTS(3),
		.housekeeping = housekeeping,
		.start = start,
		.stop = projects_client_stop,
	};
	return core_service_main(argc, argv, &definition);
}
