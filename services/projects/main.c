/*
 * chc-projects - serves chc.v1.ProjectService. The service answers health checks and
 * owns its schema; its calls arrive with the projects issue, and every call it
 * does not know yet is answered UNIMPLEMENTED by the core.
 */
#include "chc/endpoints.h"
#include "chc/v1/projects.pb-c.h"
#include "server.h"

static Chc__V1__ProjectService_Service projects_service = CHC__V1__PROJECT_SERVICE__INIT(projects_);

int main(int argc, char **argv)
{
	static const core_service_definition definition = {
		.name = "projects",
		.schema = "projects",
		.service = &projects_service.base,
		.default_listen = CHC_DEFAULT_URL(3),
		.default_http_listen = CHC_DEFAULT_HTTP(3),
		.default_events_listen = CHC_DEFAULT_EVENTS(3),
	};
	return core_service_main(argc, argv, &definition);
}
