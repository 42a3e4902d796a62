/*
 * chc-municipalities - serves chc.v1.MunicipalityService: the 5 regions,
 * the 98 municipalities and their needs.
 */
#include <stdio.h>
#include <stdlib.h>

#include "chc/endpoints.h"
#include "municipalities.h"
#include "person.h"
#include "server.h"

static municipalities_service service = CHC__V1__MUNICIPALITY_SERVICE__INIT(municipalities_);

/* Expiry runs at start and then periodically, on housekeeping's own
 * connection; ExpireNeeds runs the same statement on demand. */
static chc_status expire_needs(PGconn *connection, chc_error *error)
{
	PGresult *result = PQexec(connection, need_expire_sql);
	chc_status status = CHC_OK;
	if (PQresultStatus(result) != PGRES_TUPLES_OK)
		status = chc_error_set(error, CHC_INTERNAL, "need expiry failed: %s",
		                       PQresultErrorMessage(result));
	PQclear(result);
	return status;
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

int main(int argc, char **argv)
{
	static const core_service_definition definition = {
		.name = "municipalities",
		.schema = "municipalities",
		.service = &service.base,
		.default_listen = CHC_DEFAULT_URL(2),
		.default_http_listen = CHC_DEFAULT_HTTP(2),
		.default_events_listen = CHC_DEFAULT_EVENTS(2),
		.housekeeping = expire_needs,
		.person_sources = person_sources,
		.person_source_count = sizeof(person_sources) / sizeof(person_sources[0]),
	};
	return core_service_main(argc, argv, &definition);
}
