/*
 * chc-municipalities - serves chc.v1.MunicipalityService: the 5 regions,
 * the 98 municipalities and their needs.
 */
#include "db.h"
#include "municipalities.h"
#include "person.h"
#include "scope.h"
#include "service_main.h"

/* Expiry runs at start and then periodically, on housekeeping's own
 * connection; ExpireNeeds runs the same statement on demand. */
static chc_status expire_needs(PGconn *connection, chc_error *error)
{
	return core_db_housekeeping(connection, need_expire_sql, "need expiry failed", error);
}

/* A need's contact person: blanked, the need stays (it is the
 * municipality's, not the person's). */
static const core_person_source person_sources[] = {
	{ "need contacts",
	  "SELECT n.id AS need_id, n.title, n.contact_name, n.contact_email, n.contact_phone "
	  "FROM municipalities.needs n WHERE lower(n.contact_email) = lower($1)",
	  "UPDATE municipalities.needs SET contact_name = '', contact_email = '', "
	  "contact_phone = '', version = version + 1, updated_at = now() "
	  "WHERE lower(contact_email) = lower($1)" },
};

/* A partner municipality or region acts on the needs it owns, alone or
 * jointly. */
static const core_scope_record scope_records[] = {
	{ "need",
	  { "scope_need",
	    "SELECT CASE WHEN municipality_code IS NOT NULL THEN 'municipality:' || "
	    "municipality_code ELSE 'region:' || region_code END FROM municipalities.need_owners "
	    "WHERE need_id = $1::uuid",
	    1 } },
};

CORE_SERVICE_MAIN(municipalities, CHC__V1__MUNICIPALITY_SERVICE__INIT, 2,
                  .housekeeping = expire_needs, .person_sources = person_sources,
                  .person_source_count = sizeof(person_sources) / sizeof(person_sources[0]),
                  .scope_records = scope_records,
                  .scope_record_count = sizeof(scope_records) / sizeof(scope_records[0]))
