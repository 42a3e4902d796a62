/*
 * company_store.c - companies in PostgreSQL; enumerations stored as slugs.
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

static ProtobufCMessage *company_from_row(core_request *request, PGresult *result, int row)
{
	Chc__V1__Company *company =
	        core_row_message(request, &chc__v1__company__descriptor, NULL, result, row);
	if (company == NULL)
		return NULL;
	/* Aliases are joined with the unit separator, names may hold commas:
	 * read again, over the comma list core_row_message made of them. */
	company->aliases = core_split(request, PQgetvalue(result, row, COMPANY_COLUMN_COUNT - 1),
	                              '\x1f', &company->n_aliases);
	return company->aliases != NULL ? &company->base : NULL;
}

CORE_TABLE_ENTITY_DEFINE(company_entity, "company", "company", "companies.companies c", "c.id",
                         COMPANY_COLUMNS, COMPANY_COLUMN_COUNT, company_from_row);
CORE_ENTITY_LOAD_FUNCTION(company_load, Chc__V1__Company, company_entity)

#define COMPANY_VALUE_COUNT 15

static bool company_values(core_request *request, const Chc__V1__Company *company, int region,
                           const char *values[COMPANY_VALUE_COUNT])
{
	values[0] = company->id;
	values[1] = company->name;
	values[2] = company->cvr[0] != '\0' ? company->cvr : NULL;
	values[3] = company->cvr[0] != '\0' ? "DK" : company->country;
	values[4] = company->vat_number;
	values[5] = company->legal_form;
	values[6] = company->address;
	values[7] = company->municipality_code != 0
	                    ? core_int_text(request, company->municipality_code)
	                    : NULL;
	values[8] = region != 0 ? core_int_text(request, region) : NULL;
	values[9] = company->website;
	values[10] = core_enum_slug(request, &chc__v1__size_class__descriptor, company->size_class);
	values[11] =
	        company->founded_year != 0 ? core_int_text(request, company->founded_year) : NULL;
	values[12] = company->description;
	values[13] = core_enum_array(request, &chc__v1__care_category__descriptor,
	                             (const int *)company->categories, company->n_categories);
	values[14] = core_enum_slug(request, &chc__v1__company_status__descriptor,
	                            company->status != 0
	                                    ? company->status
	                                    : CHC__V1__COMPANY_STATUS__COMPANY_STATUS_ACTIVE);
	/* NULLs above are SQL NULLs on purpose; the rest must exist. */
	return !core_failed(request) && values[10] != NULL && values[13] != NULL &&
	       values[14] != NULL;
}

static const core_statement company_insert_statement = {
	"company_insert",
	"INSERT INTO companies.companies (id, name, cvr, country, vat_number, legal_form, address, "
	"municipality_code, region_code, website, size_class, founded_year, description, "
	"categories, status) VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8::int, $9::int, $10, $11, "
	"$12::int, $13, $14::text[], $15)",
	COMPANY_VALUE_COUNT
};

static const core_statement company_update_statement = {
	"company_update",
	"UPDATE companies.companies SET name = $2, cvr = $3, country = $4, vat_number = $5, "
	"legal_form = $6, address = $7, municipality_code = $8::int, region_code = $9::int, "
	"website = $10, size_class = $11, founded_year = $12::int, description = $13, "
	"categories = $14::text[], status = $15, version = version + 1, updated_at = now() "
	"WHERE id = $1::uuid",
	COMPANY_VALUE_COUNT
};

static chc_status company_save(core_request *request, const Chc__V1__Company *company, int region,
                               const core_statement *statement)
{
	const char *values[COMPANY_VALUE_COUNT];
	if (!company_values(request, company, region, values))
		return core_failure(request);
	return core_execute(request, statement, values);
}

chc_status company_insert(core_request *request, const Chc__V1__Company *company, int region)
{
	return company_save(request, company, region, &company_insert_statement);
}

chc_status company_write(core_request *request, const Chc__V1__Company *company, int region)
{
	return company_save(request, company, region, &company_update_statement);
}

static const core_statement company_event_statement = {
	"company_event",
	"INSERT INTO companies.events (type, subject_id, audience, payload) VALUES ($1, $3, "
	"ARRAY['company:' || $2], jsonb_build_object('company_id', $2::text, 'detail', $4::text, "
	"'by', $5::text))",
	5
};

chc_status company_event(core_request *request, const char *type, const char *company_id,
                         const char *subject_id, const char *detail)
{
	const char *values[] = { type, company_id, subject_id, detail, request->principal.subject };
	return core_execute(request, &company_event_statement, values);
}
