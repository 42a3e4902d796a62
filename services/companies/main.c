/*
 * chc-companies - serves chc.v1.CompanyService: the companies that offer
 * digital health solutions.
 */
#include "companies.h"
#include "db.h"
#include "service_main.h"

/* Solutions unreviewed for 12 months expire at start and then
 * periodically; ExpireSolutions runs the same statement on demand. */
static chc_status expire_solutions(PGconn *connection, chc_error *error)
{
	return core_db_housekeeping(connection, solution_expire_sql, "solution expiry failed",
	                            error);
}

CORE_SERVICE_MAIN(companies, CHC__V1__COMPANY_SERVICE__INIT, 1, .start = municipality_codes_start,
                  .stop = municipality_codes_stop, .housekeeping = expire_solutions)
