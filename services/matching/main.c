/*
 * chc-matching - serves chc.v1.MatchingService: test beds, durable
 * matchmaking jobs and their results. It reads the other services only
 * through libchc.
 */
#include "chc/endpoints.h"
#include "matching.h"
#include "matching_jobs.h"
#include "server.h"

static matching_service service = CHC__V1__MATCHING_SERVICE__INIT(matching_);

/* The job workers start with the service and hand back a job in progress
 * when it stops, so that another instance (or the next start) takes it up. */
static chc_status start(const core_config *config, chc_error *error)
{
	job_settings settings;
	if (job_settings_load(&settings, error) != CHC_OK ||
	    matching_client_start(config, error) != CHC_OK)
		return error->code;
	if (job_workers_start(config, &settings, error) != CHC_OK) {
		matching_client_stop();
		return error->code;
	}
	return CHC_OK;
}

static void stop(void)
{
	job_workers_stop();
	matching_client_stop();
}

int main(int argc, char **argv)
{
	static const core_service_definition definition = {
		.name = "matching",
		.schema = "matching",
		.service = &service.base,
		.default_listen = CHC_DEFAULT_URL(4),
		.default_http_listen = CHC_DEFAULT_HTTP(4),
		.default_events_listen = CHC_DEFAULT_EVENTS(4),
		.start = start,
		.stop = stop,
	};
	return core_service_main(argc, argv, &definition);
}
