/*
 * company_handlers.c - create, get, update, archive and list companies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "companies.h"
#include "db.h"
#include "entity.h"
#include "handler.h"
#include "listing.h"
#include "update_mask.h"
#include "validate.h"

/* Validates the fields, then the municipality with its service. */
static bool company_check(core_request *request, const Chc__V1__Company *company, int *region)
{
	*region = 0;
	bool valid = company_validate(request, company);
	if (company->municipality_code != 0 &&
	    municipality_code_check(request, "company.municipality_code",
	                            company->municipality_code, region) != CHC_OK)
		valid = false;
	return valid;
}

static Chc__V1__Company *create_company(core_request *request,
                                        const Chc__V1__CreateCompanyRequest *input)
{
	Chc__V1__Company *company = (Chc__V1__Company *)core_entity_new(
	        request, "company", (const ProtobufCMessage *)input->company,
	        CHC__V1__COMPANY_STATUS__COMPANY_STATUS_ACTIVE);
	if (company == NULL)
		return NULL;
	/* A new company is active, whatever status the caller sent. */
	company->status = CHC__V1__COMPANY_STATUS__COMPANY_STATUS_ACTIVE;
	int region = 0;
	Chc__V1__Company *stored = NULL;
	if (!company_check(request, company, &region) ||
	    company_insert(request, company, region) != CHC_OK ||
	    company_load(request, company->id, false, &stored) != CHC_OK)
		return NULL;
	return stored;
}
CORE_REPLY_HANDLER(companies, create_company, CreateCompanyRequest, Company)

CORE_GET_HANDLER(companies, get_company, GetCompanyRequest, Company, company_entity)
CORE_BATCH_GET_HANDLER(companies, batch_get_companies, BatchGetCompaniesRequest,
                       BatchGetCompaniesResponse, company_entity, NULL,
                       chc__v1__batch_get_companies_response__descriptor)

/* The company a caller changes, locked, at the version it read. */
static Chc__V1__Company *load_for_change(core_request *request, const char *id,
                                         int64_t expected_version)
{
	return (Chc__V1__Company *)core_entity_load_for_change(request, &company_entity, "id", id,
	                                                       expected_version);
}

/* How every change to a company ends: saved (in region), and the company
 * as it now is the reply. */
static Chc__V1__Company *save(core_request *request, const Chc__V1__Company *company, int region)
{
	Chc__V1__Company *stored = NULL;
	if (company_write(request, company, region) != CHC_OK ||
	    company_load(request, company->id, false, &stored) != CHC_OK)
		return NULL;
	return stored;
}

static bool apply_mask(core_request *request, Chc__V1__Company *company,
                       const Chc__V1__Company *update, char *const *mask, size_t count)
{
	static const char *const updatable[] = {
		"name",       "cvr",          "country",           "vat_number",
		"legal_form", "address",      "municipality_code", "website",
		"size_class", "founded_year", "description",       "categories",
		NULL
	};
	return core_apply_update_mask(request, &company->base, &update->base, mask, count,
	                              updatable, NULL);
}

static Chc__V1__Company *update_company(core_request *request,
                                        const Chc__V1__UpdateCompanyRequest *input)
{
	if (!core_check_present(request, "company", input->company))
		return NULL;
	Chc__V1__Company *company =
	        load_for_change(request, input->company->id, input->expected_version);
	int region = 0;
	if (company == NULL ||
	    !apply_mask(request, company, input->company, input->update_mask,
	                input->n_update_mask) ||
	    !company_check(request, company, &region))
		return NULL;
	return save(request, company, region);
}
CORE_REPLY_HANDLER(companies, update_company, UpdateCompanyRequest, Company)

static Chc__V1__Company *archive_company(core_request *request,
                                         const Chc__V1__ArchiveCompanyRequest *input)
{
	Chc__V1__Company *company = load_for_change(request, input->id, input->expected_version);
	if (company == NULL)
		return NULL;
	if (company->status == CHC__V1__COMPANY_STATUS__COMPANY_STATUS_ARCHIVED) {
		core_fail(request, CHC_FAILED_PRECONDITION, "company %s is already archived",
		          company->id);
		return NULL;
	}
	company->status = CHC__V1__COMPANY_STATUS__COMPANY_STATUS_ARCHIVED;
	/* Its code was checked when it was stored; archiving keeps its region,
	 * read from the table under the row lock, with no call. */
	int region = municipality_region(company->municipality_code);
	/* Only a process that has not loaded the table yet asks for it. */
	if (region == 0 && company->municipality_code != 0 &&
	    municipality_code_check(request, "company.municipality_code",
	                            company->municipality_code, &region) != CHC_OK)
		return NULL;
	return save(request, company, region);
}
CORE_REPLY_HANDLER(companies, archive_company, ArchiveCompanyRequest, Company)

static const core_filter company_filters[] = {
	{ "category", CORE_FILTER_ENUM, "$? = ANY (c.categories)", 0, 0, NULL },
	{ "municipality_code", CORE_FILTER_NUMBER, "c.municipality_code = $?::int", 100, 999,
	  NULL },
	{ "region_code", CORE_FILTER_NUMBER, "c.region_code = $?::int", 1081, 1085, NULL },
	{ "status", CORE_FILTER_ENUM, "c.status = $?", 0, 0, NULL },
	{ "size_class", CORE_FILTER_ENUM, "c.size_class = $?", 0, 0, NULL },
};

static const core_listing company_listing = {
	.entity = &company_entity,
	.order = "c.name, c.id",
	CORE_LISTING_FILTERS(company_filters),
};

CORE_LIST_HANDLER(companies, list_companies, ListCompaniesRequest, ListCompaniesResponse,
                  company_listing, chc__v1__list_companies_response__descriptor)

static const core_statement company_delete_statement = {
	"company_delete", "DELETE FROM companies.companies WHERE id = $1::uuid", 1
};
static const core_statement company_has_solutions_statement = {
	"company_has_solutions",
	"SELECT count(*) FROM companies.solutions WHERE company_id = $1::uuid", 1
};

/* Only a company without solutions can be deleted; one with solutions is
 * archived instead, so that deployments and history keep their owner. */
static Chc__V1__DeleteCompanyResponse *delete_company(core_request *request,
                                                      const Chc__V1__DeleteCompanyRequest *input)
{
	Chc__V1__Company *company = load_for_change(request, input->id, input->expected_version);
	if (company == NULL)
		return NULL;
	const char *values[] = { company->id };
	PGresult *result = NULL;
	if (core_query(request, &company_has_solutions_statement, values, &result) != CHC_OK)
		return NULL;
	if (strcmp(PQgetvalue(result, 0, 0), "0") != 0) {
		core_fail(request, CHC_FAILED_PRECONDITION,
		          "company %s has %s solutions: archive it instead", company->id,
		          PQgetvalue(result, 0, 0));
		return NULL;
	}
	if (core_query(request, &company_delete_statement, values, &result) != CHC_OK ||
	    company_event(request, "company.deleted", company->id, company->id, company->name) !=
	            CHC_OK)
		return NULL;
	return core_message_new(request, &chc__v1__delete_company_response__descriptor);
}
CORE_REPLY_HANDLER(companies, delete_company, DeleteCompanyRequest, DeleteCompanyResponse)
