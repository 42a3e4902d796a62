/*
 * chc-companies - serves chc.v1.CompanyService: the companies that offer
 * digital health solutions.
 */
#include <stdio.h>

#include "companies.h"
#include "db.h"
#include "log.h"
#include "person.h"
#include "remote.h"
#include "scope.h"
#include "service_main.h"

/* Solutions unreviewed for 12 months expire at start and then
 * periodically (ExpireSolutions runs the same statement on demand); contact
 * persons of a company archived longer than CHC_CONTACT_RETENTION_DAYS
 * (365) are removed: no one keeps a person's data for a company the
 * cluster no longer works with. */
static chc_status housekeeping(PGconn *connection, chc_error *error)
{
	/* First: a fresh service searches in PostgreSQL until it is loaded. */
	chc_error unloaded = { 0 };
	if (solution_search_maintain(connection, &unloaded) != CHC_OK)
		core_log(CORE_LOG_WARN, "search index not updated: %s", unloaded.message);
	chc_error_fini(&unloaded);
	/* Not fatal to the rest: the old codes stay until the next look. */
	chc_error stale = { 0 };
	if (municipality_codes_refresh(&stale) != CHC_OK)
		core_log(CORE_LOG_WARN, "municipality codes not refreshed: %s", stale.message);
	chc_error_fini(&stale);
	int days = 0;
	if (core_config_days("CHC_CONTACT_RETENTION_DAYS", 365, &days, error) != CHC_OK ||
	    core_db_housekeeping(connection, solution_expire_sql, "solution expiry failed",
	                         error) != CHC_OK)
		return error->code;
	char sql[256];
	snprintf(sql, sizeof(sql),
	         "DELETE FROM companies.contacts c USING companies.companies co WHERE co.id = "
	         "c.company_id AND co.status = 'archived' AND co.updated_at < now() - "
	         "make_interval(days => %d)",
	         days);
	return core_db_housekeeping(connection, sql, "contact retention failed", error);
}

/* Contact persons are the service's only personal data. */
static const core_person_source person_sources[] = {
	{ "contact persons",
	  "SELECT c.id, c.company_id, c.name, c.email, c.phone, c.role, c.consent_purpose, "
	  "c.consent_at, c.created_at FROM companies.contacts c WHERE lower(c.email) = lower($1)",
	  "DELETE FROM companies.contacts WHERE lower(email) = lower($1)" },
};

/* A partner company acts on its own solutions and contact persons. */
static const core_scope_record scope_records[] = {
	{ "solution",
	  { "scope_solution",
	    "SELECT 'company:' || company_id FROM companies.solutions WHERE id = $1::uuid", 1 } },
	{ "contact",
	  { "scope_contact",
	    "SELECT 'company:' || company_id FROM companies.contacts WHERE id = $1::uuid", 1 } },
};

static chc_status start(const core_config *config, chc_error *error)
{
	chc_status status = solution_search_start(error);
	return status == CHC_OK ? municipality_codes_start(config, error) : status;
}

static void stop(void)
{
	remote_stop();
	solution_search_stop();
}

CORE_SERVICE_MAIN(companies, CHC__V1__COMPANY_SERVICE__INIT, 1, .start = start, .stop = stop,
                  .housekeeping = housekeeping, .person_sources = person_sources,
                  .person_source_count = sizeof(person_sources) / sizeof(person_sources[0]),
                  .scope_records = scope_records,
                  .scope_record_count = sizeof(scope_records) / sizeof(scope_records[0]))
