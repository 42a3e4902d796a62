/*
 * chc-municipalities - serves chc.v1.MunicipalityService: the 5 regions,
 * the 98 municipalities and their needs.
 */
#include "db.h"
#include "municipalities.h"
#include "service_main.h"

/* Expiry runs at start and then periodically, on housekeeping's own
 * connection; ExpireNeeds runs the same statement on demand. */
static chc_status expire_needs(PGconn *connection, chc_error *error)
{
	return core_db_housekeeping(connection, need_expire_sql, "need expiry failed", error);
}

CORE_SERVICE_MAIN(municipalities, CHC__V1__MUNICIPALITY_SERVICE__INIT, 2,
                  .housekeeping = expire_needs)
