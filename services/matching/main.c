/*
 * chc-matching - serves chc.v1.MatchingService. The service answers health checks and
 * owns its schema; its calls arrive with the matching issue, and every call it
 * does not know yet is answered UNIMPLEMENTED by the core.
 */
#include "matching.h"
#include "server.h"

static matching_service service = CHC__V1__MATCHING_SERVICE__INIT(matching_);

int main(int argc, char **argv)
{
	static const core_service_definition definition = {
		.name = "matching",
		.schema = "matching",
		.service = &service.base,
		.default_listen = "tcp://127.0.0.1:7104",
		.default_http_listen = "127.0.0.1:8104",
		.default_events_listen = "tcp://127.0.0.1:7114",
	};
	return core_service_main(argc, argv, &definition);
}
