/*
 * job_parameters.c - a job's kind and parameters checked before any work
 * starts (INVALID_ARGUMENT naming the field), with the defaults filled in so
 * that the stored parameters say exactly what ran.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chc/uuid.h"
#include "chc/v1/companies.pb-c.h"
#include "chc/v1/municipalities.pb-c.h"
#include "db.h"
#include "matching.h"
#include "matching_jobs.h"
#include "remote.h"
#include "validate.h"

/* A job names a few records, not thousands: the ids it names are checked
 * with their services in batches of CORE_BATCH_MAX. */
#define MAX_NAMED_IDS 200

#define DEFAULT_GAP_REPORT_SIZE 3
#define DEFAULT_DEADLINE_WINDOW 180
#define DEFAULT_MIN_GROUP_SIZE  2

static bool check_weight(core_request *request, const char *name, double weight)
{
	char field[64];
	snprintf(field, sizeof(field), "parameters.weights.%s", name);
	if (!isfinite(weight) || weight < 0 || weight > 1000) {
		core_violation(request, field, "must be a number from 0 to 1000, not %g", weight);
		return false;
	}
	return true;
}

static void check_weights(core_request *request, const Chc__V1__ScoreWeights *weights)
{
	if (weights == NULL)
		return;
	check_weight(request, "care_area", weights->care_area);
	check_weight(request, "target_groups", weights->target_groups);
	check_weight(request, "evidence", weights->evidence);
	check_weight(request, "deployments", weights->deployments);
	check_weight(request, "price", weights->price);
	check_weight(request, "language", weights->language);
}

static bool check_id_list(core_request *request, const char *name, char **ids, size_t count)
{
	if (count > MAX_NAMED_IDS) {
		core_violation(request, name, "names %zu; at most %d", count, MAX_NAMED_IDS);
		return false;
	}
	bool valid = true;
	for (size_t i = 0; i < count; i++) {
		char field[64];
		snprintf(field, sizeof(field), "%s[%zu]", name, i);
		if (!core_check_uuid(request, field, ids[i])) {
			valid = false;
			continue;
		}
		for (size_t k = 0; k < i; k++)
			if (strcmp(ids[k], ids[i]) == 0) {
				core_violation(request, field, "repeats %s[%zu]", name, k);
				valid = false;
			}
	}
	return valid;
}

/* An id the owning service does not have (or does not show the caller). */
static void named_id_found(core_request *request, const char *item, const char *id,
                           const ProtobufCMessage *record, const void *context)
{
	(void)context;
	if (record == NULL)
		core_violation(request, item, "%s does not exist", id);
}

bool job_parameters_check_test_beds(core_request *request, const Chc__V1__JobParameters *parameters)
{
	char *const *ids = parameters->test_bed_ids;
	size_t count = parameters->n_test_bed_ids;
	for (size_t i = 0; i < count && !core_failed(request); i++) {
		static const core_statement exists = {
			"job_test_bed_exists",
			"SELECT 1 FROM matching.test_beds WHERE id = $1::uuid", 1
		};
		const char *values[] = { ids[i] };
		PGresult *result = NULL;
		if (core_query(request, &exists, values, &result) != CHC_OK)
			return false;
		if (PQntuples(result) == 0) {
			char field[64];
			snprintf(field, sizeof(field), "parameters.test_bed_ids[%zu]", i);
			core_violation(request, field, "%s does not exist", ids[i]);
		}
	}
	return !core_failed(request);
}

static bool period_is_valid(const char *period)
{
	int year = 0, part = 0;
	char tail = 0;
	if (strlen(period) != 7)
		return false;
	if (sscanf(period, "%4d-Q%1d%c", &year, &part, &tail) == 2)
		return part >= 1 && part <= 4;
	return sscanf(period, "%4d-%2d%c", &year, &part, &tail) == 2 && part >= 1 && part <= 12;
}

bool job_parameters_check(core_request *request, int kind, Chc__V1__JobParameters *parameters)
{
	if (!core_check_enum(request, "kind", &chc__v1__job_kind__descriptor, kind, true))
		return false;
	/* K of 0 is a mistake, not "the default": proto3 cannot tell them
	 * apart, so kinds that keep the best K ask for it (chc sends 10). */
	bool keeps_best = kind == CHC__V1__JOB_KIND__JOB_KIND_NEED_SOLUTION ||
	                  kind == CHC__V1__JOB_KIND__JOB_KIND_CONSORTIA;
	if (keeps_best && parameters->top_k == 0)
		core_violation(request, "parameters.top_k",
		               "is required: how many matches to keep per need, 1 to 100");
	else if (keeps_best)
		core_check_range(request, "parameters.top_k", parameters->top_k, 1, 100);
	if (parameters->gap_report_size == 0)
		parameters->gap_report_size = DEFAULT_GAP_REPORT_SIZE;
	core_check_range(request, "parameters.gap_report_size", parameters->gap_report_size, 1, 20);
	if (parameters->deadline_window_days == 0)
		parameters->deadline_window_days = DEFAULT_DEADLINE_WINDOW;
	core_check_range(request, "parameters.deadline_window_days",
	                 parameters->deadline_window_days, 1, 3650);
	if (parameters->min_group_size == 0)
		parameters->min_group_size = DEFAULT_MIN_GROUP_SIZE;
	core_check_range(request, "parameters.min_group_size", parameters->min_group_size, 2, 103);
	check_weights(request, parameters->weights);
	if (parameters->period[0] != '\0' && !period_is_valid(parameters->period))
		core_violation(request, "parameters.period",
		               "\"%.40s\" is not a period: a quarter \"2027-Q1\" or a month "
		               "\"2027-03\"",
		               parameters->period);
	bool ids_valid = check_id_list(request, "parameters.need_ids", parameters->need_ids,
	                               parameters->n_need_ids);
	ids_valid = check_id_list(request, "parameters.solution_ids", parameters->solution_ids,
	                          parameters->n_solution_ids) &&
	            ids_valid;
	ids_valid = check_id_list(request, "parameters.test_bed_ids", parameters->test_bed_ids,
	                          parameters->n_test_bed_ids) &&
	            ids_valid;
	return !core_failed(request) && ids_valid;
}

bool job_parameters_check_named(core_request *request, const Chc__V1__JobParameters *parameters)
{
	remote_batch_each(request, "parameters.need_ids",
	                  &chc__v1__municipality_service__descriptor, "BatchGetNeeds",
	                  parameters->need_ids, parameters->n_need_ids, named_id_found, NULL);
	remote_batch_each(request, "parameters.solution_ids", &chc__v1__company_service__descriptor,
	                  "BatchGetSolutions", parameters->solution_ids, parameters->n_solution_ids,
	                  named_id_found, NULL);
	return !core_failed(request);
}
