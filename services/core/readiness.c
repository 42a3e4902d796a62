#include "readiness.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct core_readiness {
	core_readiness_check check;
	void *data;
	int interval_ms;
	pthread_t thread;
	pthread_mutex_t lock; /* guards the fields below */
	pthread_cond_t wake;
	bool stopping;
	chc_status status;
	char reason[256];
};

static void check_now(core_readiness *readiness)
{
	chc_error error = { 0 };
	chc_status status = readiness->check(readiness->data, &error);
	pthread_mutex_lock(&readiness->lock);
	readiness->status = status;
	snprintf(readiness->reason, sizeof(readiness->reason), "%s",
	         status != CHC_OK && error.message ? error.message : "");
	pthread_mutex_unlock(&readiness->lock);
	chc_error_fini(&error);
}

static void *readiness_main(void *argument)
{
	core_readiness *readiness = argument;
	pthread_mutex_lock(&readiness->lock);
	while (!readiness->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		long nanoseconds = until.tv_nsec + (long)readiness->interval_ms * 1000000L;
		until.tv_sec += nanoseconds / 1000000000L;
		until.tv_nsec = nanoseconds % 1000000000L;
		pthread_cond_timedwait(&readiness->wake, &readiness->lock, &until);
		if (readiness->stopping)
			break;
		pthread_mutex_unlock(&readiness->lock);
		check_now(readiness);
		pthread_mutex_lock(&readiness->lock);
	}
	pthread_mutex_unlock(&readiness->lock);
	return NULL;
}

chc_status core_readiness_start(core_readiness_check check, void *data, int interval_ms,
                                core_readiness **out, chc_error *error)
{
	*out = NULL;
	core_readiness *readiness = calloc(1, sizeof(*readiness));
	if (readiness == NULL)
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	readiness->check = check;
	readiness->data = data;
	readiness->interval_ms = interval_ms;
	pthread_mutex_init(&readiness->lock, NULL);
	pthread_cond_init(&readiness->wake, NULL);
	check_now(readiness);
	if (pthread_create(&readiness->thread, NULL, readiness_main, readiness) != 0) {
		pthread_cond_destroy(&readiness->wake);
		pthread_mutex_destroy(&readiness->lock);
		free(readiness);
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED,
		                     "cannot start the readiness thread");
	}
	*out = readiness;
	return CHC_OK;
}

chc_status core_readiness_last(core_readiness *readiness, chc_error *error)
{
	pthread_mutex_lock(&readiness->lock);
	chc_status status = readiness->status;
	if (status != CHC_OK)
		chc_error_set(error, status, "%s", readiness->reason);
	pthread_mutex_unlock(&readiness->lock);
	return status;
}

void core_readiness_stop(core_readiness *readiness)
{
	if (readiness == NULL)
		return;
	pthread_mutex_lock(&readiness->lock);
	readiness->stopping = true;
	pthread_cond_signal(&readiness->wake);
	pthread_mutex_unlock(&readiness->lock);
	pthread_join(readiness->thread, NULL);
	pthread_cond_destroy(&readiness->wake);
	pthread_mutex_destroy(&readiness->lock);
	free(readiness);
}
