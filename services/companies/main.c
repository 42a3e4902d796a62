/*
 * chc-companies - serves chc.v1.CompanyService: the companies that offer
 * digital health solutions.
 */
#include <stdio.h>

#include "chc/endpoints.h"
#include "companies.h"
#include "person.h"
#include "server.h"

static companies_service service = CHC__V1__COMPANY_SERVICE__INIT(companies_);

/* Solutions unreviewed for 12 months expire at start and then
 * periodically; ExpireSolutions runs the same statement on demand. */
/* Solutions past their review expire; contact persons of a company
 * archived longer than CHC_CONTACT_RETENTION_DAYS (365) are removed: no one
 * keeps a person's data for a company the cluster no longer works with. */
static chc_status housekeeping(PGconn *connection, chc_error *error)
{
	int days = 0;
	if (core_config_days("CHC_CONTACT_RETENTION_DAYS", 365, &days, error) != CHC_OK)
		return error->code;
	PGresult *result = PQexec(connection, solution_expire_sql);
	chc_status status = CHC_OK;
	if (PQresultStatus(result) != PGRES_TUPLES_OK)
		status = chc_error_set(error, CHC_INTERNAL, "solution expiry failed: %s",
		                       PQresultErrorMessage(result));
	PQclear(result);
	if (status != CHC_OK)
		return status;
	char text[16];
	snprintf(text, sizeof(text), "%d", days);
	const char *values[] = { text };
	result = PQexecParams(connection,
	                      "DELETE FROM companies.contacts c USING companies.companies co "
	                      "WHERE co.id = c.company_id AND co.status = 'archived' AND "
	                      "co.updated_at < now() - make_interval(days => $1::int)",
	                      1, NULL, values, NULL, NULL, 0);
	if (PQresultStatus(result) != PGRES_COMMAND_OK)
		status = chc_error_set(error, CHC_INTERNAL, "contact retention failed: %s",
		                       PQresultErrorMessage(result));
	PQclear(result);
	return status;
}

/* Contact persons are the service's only personal data. */
static const core_person_source person_sources[] = {
	{ "contact persons",
	  "SELECT c.id, c.company_id, c.name, c.email, c.phone, c.role, c.consent_purpose, "
	  "c.consent_at, c.created_at FROM companies.contacts c WHERE lower(c.email) = lower($1)",
	  "DELETE FROM companies.contacts WHERE lower(email) = lower($1)" },
};

int main(int argc, char **argv)
{
	static const core_service_definition definition = {
		.name = "companies",
		.schema = "companies",
		.service = &service.base,
		.default_listen = CHC_DEFAULT_URL(1),
		.default_http_listen = CHC_DEFAULT_HTTP(1),
		.default_events_listen = CHC_DEFAULT_EVENTS(1),
		.start = municipality_codes_start,
		.stop = municipality_codes_stop,
		.housekeeping = housekeeping,
		.person_sources = person_sources,
		.person_source_count = sizeof(person_sources) / sizeof(person_sources[0]),
	};
	return core_service_main(argc, argv, &definition);
}
