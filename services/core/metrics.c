/*
 * metrics.c - a small fixed table under one mutex: a service has a few
 * dozen methods, so a linear scan costs less than the request it counts.
 */
#include "metrics.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define METRIC_METHODS 96
#define METRIC_CODES   17
#define METRIC_BUCKETS 12

static const double bucket_seconds[METRIC_BUCKETS] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
	                                               0.05,   0.1,   0.25,   0.5,   1.0,  2.5 };

typedef struct method_metrics {
	char name[96];
	uint64_t by_code[METRIC_CODES];
	uint64_t buckets[METRIC_BUCKETS];
	uint64_t count;
	double seconds_total;
} method_metrics;

static pthread_mutex_t metrics_lock = PTHREAD_MUTEX_INITIALIZER;
static method_metrics methods[METRIC_METHODS];
static size_t method_count;
static atomic_long in_flight;
static atomic_long database_connections;
static atomic_long searches_from_memory, searches_from_database;

void core_metrics_request_started(void)
{
	atomic_fetch_add(&in_flight, 1);
}

void core_metrics_database_connections(int change)
{
	atomic_fetch_add(&database_connections, change);
}

void core_metrics_search_answered(bool from_memory)
{
	atomic_fetch_add(from_memory ? &searches_from_memory : &searches_from_database, 1);
}

static method_metrics *method_slot(const char *name)
{
	for (size_t i = 0; i < method_count; i++)
		if (strcmp(methods[i].name, name) == 0)
			return &methods[i];
	if (method_count == METRIC_METHODS)
		return &methods[METRIC_METHODS - 1]; /* overflow shares the last slot */
	method_metrics *slot = &methods[method_count++];
	snprintf(slot->name, sizeof(slot->name), "%s", name);
	return slot;
}

void core_metrics_request_finished(const char *method, int code, int64_t duration_us)
{
	atomic_fetch_sub(&in_flight, 1);
	double seconds = (double)duration_us / 1e6;
	pthread_mutex_lock(&metrics_lock);
	/* Unknown method names come from callers: never let them grow the table. */
	method_metrics *slot = method_slot(method != NULL ? method : "unknown");
	if (code >= 0 && code < METRIC_CODES)
		slot->by_code[code]++;
	for (int i = 0; i < METRIC_BUCKETS; i++)
		if (seconds <= bucket_seconds[i])
			slot->buckets[i]++;
	slot->count++;
	slot->seconds_total += seconds;
	pthread_mutex_unlock(&metrics_lock);
}

chc_status core_metrics_render(const char *service, char **text, size_t *length)
{
	char *buffer = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buffer, &size);
	if (out == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	fprintf(out, "# HELP chc_requests_total RPC requests by method and status code.\n");
	fprintf(out, "# TYPE chc_requests_total counter\n");
	pthread_mutex_lock(&metrics_lock);
	for (size_t i = 0; i < method_count; i++)
		for (int code = 0; code < METRIC_CODES; code++)
			if (methods[i].by_code[code] > 0)
				fprintf(out,
				        "chc_requests_total{service=\"%s\",method=\"%s\",code=\"%"
				        "s\"} "
				        "%llu\n",
				        service, methods[i].name, chc_status_name(code),
				        (unsigned long long)methods[i].by_code[code]);
	fprintf(out, "# HELP chc_request_duration_seconds RPC latency by method.\n");
	fprintf(out, "# TYPE chc_request_duration_seconds histogram\n");
	for (size_t i = 0; i < method_count; i++) {
		const method_metrics *m = &methods[i];
		for (int b = 0; b < METRIC_BUCKETS; b++)
			fprintf(out,
			        "chc_request_duration_seconds_bucket{service=\"%s\",method=\"%s\","
			        "le=\"%g\"} %llu\n",
			        service, m->name, bucket_seconds[b],
			        (unsigned long long)m->buckets[b]);
		fprintf(out,
		        "chc_request_duration_seconds_bucket{service=\"%s\",method=\"%s\",le=\"+"
		        "Inf\"} "
		        "%llu\n",
		        service, m->name, (unsigned long long)m->count);
		fprintf(out,
		        "chc_request_duration_seconds_sum{service=\"%s\",method=\"%s\"} %.6f\n",
		        service, m->name, m->seconds_total);
		fprintf(out,
		        "chc_request_duration_seconds_count{service=\"%s\",method=\"%s\"} %llu\n",
		        service, m->name, (unsigned long long)m->count);
	}
	pthread_mutex_unlock(&metrics_lock);
	fprintf(out, "# HELP chc_requests_in_flight RPC requests being served now.\n");
	fprintf(out, "# TYPE chc_requests_in_flight gauge\n");
	fprintf(out, "chc_requests_in_flight{service=\"%s\"} %ld\n", service,
	        atomic_load(&in_flight));
	fprintf(out, "# HELP chc_database_connections Open PostgreSQL connections of workers.\n");
	fprintf(out, "# TYPE chc_database_connections gauge\n");
	fprintf(out, "chc_database_connections{service=\"%s\"} %ld\n", service,
	        atomic_load(&database_connections));
	if (atomic_load(&searches_from_memory) + atomic_load(&searches_from_database) > 0) {
		fprintf(out, "# HELP chc_searches_total Searches answered, by where they were "
		             "ranked: the in-memory index or PostgreSQL.\n");
		fprintf(out, "# TYPE chc_searches_total counter\n");
		fprintf(out, "chc_searches_total{service=\"%s\",ranked_by=\"memory\"} %ld\n",
		        service, atomic_load(&searches_from_memory));
		fprintf(out, "chc_searches_total{service=\"%s\",ranked_by=\"postgresql\"} %ld\n",
		        service, atomic_load(&searches_from_database));
	}
	if (fclose(out) != 0) {
		free(buffer);
		return CHC_RESOURCE_EXHAUSTED;
	}
	*text = buffer;
	*length = size;
	return CHC_OK;
}
