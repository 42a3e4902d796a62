/*
 * chc-matching - serves chc.v1.MatchingService: test beds, durable
 * matchmaking jobs and their results. It reads the other services only
 * through libchc.
 */
#include "matching.h"
#include "server.h"

static matching_service service = CHC__V1__MATCHING_SERVICE__INIT(matching_);

static chc_status start(const core_config *config, chc_error *error)
{
	return matching_client_start(config, error);
}

static void stop(void)
{
	matching_client_stop();
}

int main(int argc, char **argv)
{
	static const core_service_definition definition = {
		.name = "matching",
		.schema = "matching",
		.service = &service.base,
		.default_listen = "tcp://127.0.0.1:7104",
		.default_http_listen = "127.0.0.1:8104",
		.default_events_listen = "tcp://127.0.0.1:7114",
		.start = start,
		.stop = stop,
	};
	return core_service_main(argc, argv, &definition);
}
