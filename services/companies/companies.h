/*
 * companies.h - the handlers of chc.v1.CompanyService and what they share.
 */
#ifndef COMPANIES_H
#define COMPANIES_H

#include <libpq-fe.h>

#include "chc/status.h"
#include "chc/v1/companies.pb-c.h"
#include "config.h"
#include "request.h"

typedef Chc__V1__CompanyService_Service companies_service;

#define HANDLER(name, input, output)                                                               \
	void companies_##name(companies_service *service, const Chc__V1__##input *request,         \
	                      Chc__V1__##output##_Closure closure, void *closure_data)

HANDLER(create_company, CreateCompanyRequest, Company);
HANDLER(get_company, GetCompanyRequest, Company);
HANDLER(update_company, UpdateCompanyRequest, Company);
HANDLER(archive_company, ArchiveCompanyRequest, Company);
HANDLER(list_companies, ListCompaniesRequest, ListCompaniesResponse);

#undef HANDLER

/* company_validate.c */

/* True when cvr is 8 digits whose modulus-11 check holds (weights
 * 2,7,6,5,4,3,2,1). */
bool companies_cvr_is_valid(const char *cvr);

/* Validates every field of company (prefix "company."). */
bool company_validate(core_request *request, const Chc__V1__Company *company);

/* municipality_codes.c: codes checked with the municipalities service
 * through libchc, remembered once known (codes do not change). */
chc_status municipality_codes_start(const core_config *config, chc_error *error);
void municipality_codes_stop(void);

/* Records a violation of field when code is not a municipality; *region
 * receives its region. UNAVAILABLE when the municipalities service cannot
 * answer. */
chc_status municipality_code_check(core_request *request, const char *field, int code, int *region);

/* company_store.c */
chc_status company_load(core_request *request, const char *id, bool for_update,
                        Chc__V1__Company **company);
chc_status company_insert(core_request *request, const Chc__V1__Company *company, int region);
chc_status company_write(core_request *request, const Chc__V1__Company *company, int region);
chc_status company_rows(core_request *request, PGresult *result, Chc__V1__Company ***companies,
                        size_t *count);

#define COMPANY_COLUMNS                                                                            \
	"c.id, c.name, coalesce(c.cvr, ''), c.country, c.vat_number, c.legal_form, c.address, "    \
	"coalesce(c.municipality_code, 0), c.website, c.size_class, coalesce(c.founded_year, 0), " \
	"c.description, array_to_string(c.categories, ','), c.status, c.version, "                 \
	"(extract(epoch FROM c.created_at) * 1000)::bigint, "                                      \
	"(extract(epoch FROM c.updated_at) * 1000)::bigint"

#endif /* COMPANIES_H */
