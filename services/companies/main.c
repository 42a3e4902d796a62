/*
 * chc-companies - serves chc.v1.CompanyService: the companies that offer
 * digital health solutions.
 */
#include "chc/endpoints.h"
#include "companies.h"
#include "server.h"

static companies_service service = CHC__V1__COMPANY_SERVICE__INIT(companies_);

/* Solutions unreviewed for 12 months expire at start and then
 * periodically; ExpireSolutions runs the same statement on demand. */
static chc_status expire_solutions(PGconn *connection, chc_error *error)
{
	PGresult *result = PQexec(connection, solution_expire_sql);
	chc_status status = CHC_OK;
	if (PQresultStatus(result) != PGRES_TUPLES_OK)
		status = chc_error_set(error, CHC_INTERNAL, "solution expiry failed: %s",
		                       PQresultErrorMessage(result));
	PQclear(result);
	return status;
}

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
		.housekeeping = expire_solutions,
	};
	return core_service_main(argc, argv, &definition);
}
