/*
 * solution_store.c - solutions in PostgreSQL. Deployments are stored as
 * 'm101' (municipality) and 'r1084' (region), like need owners.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "companies.h"
#include "db.h"
#include "entity.h"
#include "enum_columns.h"
#include "query_builder.h"
#include "validate.h"

const char solution_expire_sql[] =
        "WITH expired AS ("
        " UPDATE companies.solutions SET status = 'expired', version = version + 1,"
        " updated_at = now()"
        " WHERE status = 'published' AND reviewed_on < current_date - interval '12 months'"
        " RETURNING id, company_id, name),"
        " told AS ("
        " INSERT INTO companies.events (type, subject_id, audience, payload)"
        " SELECT 'solution.expired', e.id::text, ARRAY['company:' || e.company_id],"
        " jsonb_build_object('company_id', e.company_id, 'name', e.name, 'reason',"
        " 'not reviewed for 12 months: renew it') FROM expired e RETURNING 1)"
        " SELECT count(*) FROM told";

static Chc__V1__Deployment **deployments_from_text(core_request *request, const char *text,
                                                   size_t *count)
{
	char **words = core_word_list(request, text, count);
	Chc__V1__Deployment **deployments =
	        core_alloc(request, (*count + 1) * sizeof(Chc__V1__Deployment *));
	if (words == NULL || deployments == NULL)
		return NULL;
	for (size_t i = 0; i < *count; i++) {
		Chc__V1__Deployment *deployment =
		        core_message_new(request, &chc__v1__deployment__descriptor);
		if (deployment == NULL)
			return NULL;
		if (words[i][0] == 'm')
			deployment->municipality_code = atoi(words[i] + 1);
		else
			deployment->region_code = atoi(words[i] + 1);
		deployments[i] = deployment;
	}
	return deployments;
}

/* Deployments are messages: read apart. */
#define COLUMN_DEPLOYMENTS 16

static ProtobufCMessage *solution_from_row(core_request *request, PGresult *result, int row)
{
	Chc__V1__Solution *s =
	        core_row_message(request, &chc__v1__solution__descriptor, NULL, result, row);
	if (s == NULL)
		return NULL;
	s->deployments = deployments_from_text(request, PQgetvalue(result, row, COLUMN_DEPLOYMENTS),
	                                       &s->n_deployments);
	if (core_failed(request) || s->deployments == NULL)
		return NULL;
	return &s->base;
}

CORE_TABLE_ENTITY_DEFINE(solution_entity, "solution", "solution", "companies.solutions s", "s.id",
                         SOLUTION_COLUMNS, SOLUTION_COLUMN_COUNT, solution_from_row);
CORE_ENTITY_LOAD_FUNCTION(solution_load, Chc__V1__Solution, solution_entity)

static char *deployments_array(core_request *request, const Chc__V1__Solution *solution)
{
	char **words = core_alloc(request, (solution->n_deployments + 1) * sizeof(char *));
	if (words == NULL)
		return NULL;
	for (size_t i = 0; i < solution->n_deployments; i++) {
		const Chc__V1__Deployment *d = solution->deployments[i];
		char word[16];
		snprintf(word, sizeof(word), "%c%d", d->municipality_code ? 'm' : 'r',
		         d->municipality_code ? d->municipality_code : d->region_code);
		words[i] = core_strdup(request, word);
		if (words[i] == NULL)
			return NULL;
	}
	return core_word_array(request, words, solution->n_deployments);
}

/* The regions of the deployments ('{1084,1085}'), kept beside them so
 * that a region filter needs no other service's data. */
static char *deployment_regions(core_request *request, const Chc__V1__Solution *solution)
{
	char **words = core_alloc(request, (solution->n_deployments + 1) * sizeof(char *));
	size_t count = 0;
	for (size_t i = 0; words != NULL && i < solution->n_deployments; i++) {
		const Chc__V1__Deployment *d = solution->deployments[i];
		/* Validation checked every code; the store only reads the table. */
		int region = d->municipality_code != 0 ? municipality_region(d->municipality_code)
		                                       : d->region_code;
		if (region == 0) {
			core_fail(request, CHC_INTERNAL, "municipality %d was not checked",
			          d->municipality_code);
			return NULL;
		}
		words[count++] = core_int_text(request, region);
	}
	return words != NULL ? core_word_array(request, words, count) : NULL;
}

#define SOLUTION_VALUE_COUNT 22

static bool solution_values(core_request *request, const ProtobufCMessage *record,
                            const char **values)
{
	const Chc__V1__Solution *s = (const Chc__V1__Solution *)record;
	values[0] = s->id;
	values[1] = s->company_id;
	values[2] = s->name;
	values[3] = s->description;
	values[4] = core_enum_array(request, &chc__v1__care_category__descriptor,
	                            (const int *)s->categories, s->n_categories);
	values[5] = core_enum_array(request, &chc__v1__target_group__descriptor,
	                            (const int *)s->target_groups, s->n_target_groups);
	values[6] = core_int_text(request, s->trl);
	values[7] = core_enum_slug(request, &chc__v1__device_class__descriptor, s->device_class);
	values[8] = s->ce_marked ? "true" : "false";
	values[9] = core_enum_array(request, &chc__v1__standard__descriptor,
	                            (const int *)s->standards, s->n_standards);
	values[10] = s->gdpr_dpa_available ? "true" : "false";
	values[11] = s->data_hosting;
	values[12] =
	        core_enum_slug(request, &chc__v1__evidence_level__descriptor, s->evidence_level);
	values[13] = core_word_array(request, s->languages, s->n_languages);
	values[14] = core_enum_slug(request, &chc__v1__price_model__descriptor, s->price_model);
	values[15] = core_int_text(request, s->indicative_price_dkk);
	values[16] = deployments_array(request, s);
	values[17] = core_enum_slug(request, &chc__v1__solution_status__descriptor, s->status);
	values[18] = s->rejection_reason;
	values[19] = s->language[0] != '\0' ? s->language : "da";
	values[20] = s->reviewed_on[0] != '\0' ? s->reviewed_on : NULL;
	values[21] = deployment_regions(request, s);
	for (int i = 0; i < SOLUTION_VALUE_COUNT; i++)
		if (values[i] == NULL && i != 20)
			return false;
	return true;
}

static const core_statement solution_insert_statement = {
	"solution_insert",
	"INSERT INTO companies.solutions (id, company_id, name, description, categories, "
	"target_groups, trl, device_class, ce_marked, standards, gdpr_dpa_available, data_hosting, "
	"evidence_level, languages, price_model, indicative_price_dkk, deployments, status, "
	"rejection_reason, language, reviewed_on, deployment_regions) VALUES ($1::uuid, $2::uuid, "
	"$3, $4, $5::text[], "
	"$6::text[], $7::int, $8, $9::boolean, $10::text[], $11::boolean, $12, $13, $14::text[], "
	"$15, $16::bigint, $17::text[], $18, $19, $20, $21::date, $22::int[])",
	SOLUTION_VALUE_COUNT
};

static const core_statement solution_update_statement = {
	"solution_update",
	"UPDATE companies.solutions SET company_id = $2::uuid, name = $3, description = $4, "
	"categories = $5::text[], target_groups = $6::text[], trl = $7::int, device_class = $8, "
	"ce_marked = $9::boolean, standards = $10::text[], gdpr_dpa_available = $11::boolean, "
	"data_hosting = $12, evidence_level = $13, languages = $14::text[], price_model = $15, "
	"indicative_price_dkk = $16::bigint, deployments = $17::text[], status = $18, "
	"rejection_reason = $19, language = $20, reviewed_on = $21::date, "
	"deployment_regions = $22::int[], version = version + 1, "
	"updated_at = now() WHERE id = $1::uuid",
	SOLUTION_VALUE_COUNT
};

CORE_ENTITY_WRITE_FUNCTIONS(solution, Chc__V1__Solution, solution_values)
