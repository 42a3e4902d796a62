/*
 * chc-matching - serves chc.v1.MatchingService: test beds, durable
 * matchmaking jobs and their results. It reads the other services only
 * through libchc.
 */
#include "dispatch.h"
#include "matching.h"
#include "matching_jobs.h"
#include "remote.h"
#include "service_main.h"

/* The job workers start with the service and hand back a job in progress
 * when it stops, so that another instance (or the next start) takes it up. */
static chc_status start(const core_config *config, chc_error *error)
{
	job_settings settings;
	if (job_settings_load(&settings, error) != CHC_OK ||
	    remote_start(config, 10000, error) != CHC_OK)
		return error->code;
	if (job_workers_start(config, &settings, error) != CHC_OK) {
		remote_stop();
		return error->code;
	}
	return CHC_OK;
}

static void stop(void)
{
	job_workers_stop();
	remote_stop();
}

/* Declined interests become "not a match" within a housekeeping interval
 * (and before any need_solution job reads its inputs). */
static chc_status housekeeping(PGconn *connection, chc_error *error)
{
	return feedback_take_declines(connection, error);
}

CORE_SERVICE_MAIN(matching, CHC__V1__MATCHING_SERVICE__INIT, 4, .start = start, .stop = stop,
                  .housekeeping = housekeeping, .prechecks = matching_prechecks)
