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

#define HANDLER(name, input, output) CORE_HANDLER(companies_service, companies, name, input, output)

HANDLER(create_company, CreateCompanyRequest, Company);
HANDLER(get_company, GetCompanyRequest, Company);
HANDLER(batch_get_companies, BatchGetCompaniesRequest, BatchGetCompaniesResponse);
HANDLER(update_company, UpdateCompanyRequest, Company);
HANDLER(archive_company, ArchiveCompanyRequest, Company);
HANDLER(delete_company, DeleteCompanyRequest, DeleteCompanyResponse);
HANDLER(list_companies, ListCompaniesRequest, ListCompaniesResponse);
HANDLER(create_solution, CreateSolutionRequest, Solution);
HANDLER(get_solution, GetSolutionRequest, Solution);
HANDLER(batch_get_solutions, BatchGetSolutionsRequest, BatchGetSolutionsResponse);
HANDLER(update_solution, UpdateSolutionRequest, Solution);
HANDLER(archive_solution, SolutionActionRequest, Solution);
HANDLER(list_solutions, ListSolutionsRequest, ListSolutionsResponse);
HANDLER(search_solutions, SearchSolutionsRequest, SearchSolutionsResponse);
HANDLER(submit_solution, SolutionActionRequest, Solution);
HANDLER(approve_solution, SolutionActionRequest, Solution);
HANDLER(reject_solution, RejectSolutionRequest, Solution);
HANDLER(renew_solution, SolutionActionRequest, Solution);
HANDLER(expire_solutions, ExpireSolutionsRequest, ExpireSolutionsResponse);
HANDLER(add_contact, AddContactRequest, ContactPerson);
HANDLER(list_contacts, ListContactsRequest, ListContactsResponse);
HANDLER(remove_contact, RemoveContactRequest, RemoveContactResponse);
HANDLER(find_duplicate_companies, FindDuplicateCompaniesRequest, FindDuplicateCompaniesResponse);
HANDLER(merge_companies, MergeCompaniesRequest, MergeCompaniesResponse);
HANDLER(import_companies, ImportCompaniesRequest, ImportCompaniesResponse);

#undef HANDLER

/* company_validate.c */

/* True when cvr is 8 digits whose modulus-11 check holds (weights
 * 2,7,6,5,4,3,2,1). */
bool companies_cvr_is_valid(const char *cvr);

/* Validates every field of company (prefix "company."). */
bool company_validate(core_request *request, const Chc__V1__Company *company);

/* solution_queries.c: the published solutions' search index
 * (search_mirror.h), made before serving, loaded and kept up to date by
 * housekeeping, freed after the last request. */
chc_status solution_search_start(chc_error *error);
chc_status solution_search_maintain(PGconn *connection, chc_error *error);
void solution_search_stop(void);

/* municipality_codes.c: the municipalities and their regions, fetched from
 * the municipalities service through libchc in one paged call and kept
 * (reloaded when the municipalities service says they changed). Starts
 * the process's client (remote.h), which remote_stop ends. */
chc_status municipality_codes_start(const core_config *config, chc_error *error);
/* Loads the codes again when the municipalities service has recorded a
 * change to them since the last look (run by housekeeping). */
chc_status municipality_codes_refresh(chc_error *error);

/* Records a violation of field when code is not a municipality; *region
 * receives its region. UNAVAILABLE when the table is not loaded yet and the
 * municipalities service cannot answer. Validation calls it, before any
 * write. */
chc_status municipality_code_check(core_request *request, const char *field, int code, int *region);

/* The region of a municipality already checked, from the table alone (no
 * call); 0 for a code it does not hold. For the store. */
int municipality_region(int code);

/* company_store.c, solution_store.c: the records (entity.h), and typed
 * wrappers of core_entity_load. */
struct core_entity;
extern const struct core_entity company_entity;
extern const struct core_entity solution_entity;
chc_status company_load(core_request *request, const char *id, bool for_update,
                        Chc__V1__Company **company);
chc_status company_insert(core_request *request, const Chc__V1__Company *company, int region);
chc_status company_write(core_request *request, const Chc__V1__Company *company, int region);

/* The SELECT list of every company query (alias c): a Company's fields in
 * the order of their numbers, as its row reader reads them
 * (core_row_message). */
#define COMPANY_COLUMNS                                                                            \
	"c.id, c.name, coalesce(c.cvr, ''), c.country, c.vat_number, c.legal_form, c.address, "    \
	"coalesce(c.municipality_code, 0), c.website, c.size_class, coalesce(c.founded_year, 0), " \
	"c.description, array_to_string(c.categories, ','), c.status, c.version, "                 \
	"(extract(epoch FROM c.created_at) * 1000)::bigint, "                                      \
	"(extract(epoch FROM c.updated_at) * 1000)::bigint, array_to_string(c.aliases, chr(31))"
#define COMPANY_COLUMN_COUNT 18

/* solution_store.c: a Solution's fields in the order of their numbers. */
#define SOLUTION_COLUMNS                                                                           \
	"s.id, s.company_id, s.name, s.description, array_to_string(s.categories, ','), "          \
	"array_to_string(s.target_groups, ','), s.trl, s.device_class, s.ce_marked, "              \
	"array_to_string(s.standards, ','), s.gdpr_dpa_available, s.data_hosting, "                \
	"s.evidence_level, array_to_string(s.languages, ','), s.price_model, "                     \
	"s.indicative_price_dkk, array_to_string(s.deployments, ','), s.status, "                  \
	"s.rejection_reason, coalesce(to_char(s.reviewed_on, 'YYYY-MM-DD'), ''), s.version, "      \
	"(extract(epoch FROM s.created_at) * 1000)::bigint, "                                      \
	"(extract(epoch FROM s.updated_at) * 1000)::bigint, s.language"
#define SOLUTION_COLUMN_COUNT 24

chc_status solution_load(core_request *request, const char *id, bool for_update,
                         Chc__V1__Solution **solution);
chc_status solution_insert(core_request *request, const Chc__V1__Solution *solution);
chc_status solution_write(core_request *request, const Chc__V1__Solution *solution);

/* Records a domain event about a company ("solution.expired" ...) for its
 * company, in the request's transaction. */
chc_status company_event(core_request *request, const char *type, const char *company_id,
                         const char *subject_id, const char *detail);

/* A published solution unreviewed for 12 months expires; its company is
 * told by an event. Used by ExpireSolutions and by housekeeping. */
extern const char solution_expire_sql[];

/* solution_validate.c: every field; is_new adds the rules of a new one. */
bool solution_validate(core_request *request, const Chc__V1__Solution *solution, bool is_new);

#endif /* COMPANIES_H */
