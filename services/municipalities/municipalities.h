/*
 * municipalities.h - the handlers of chc.v1.MunicipalityService and what
 * they share. The generated service table (main.c) calls them with the
 * core_request as closure_data.
 */
#ifndef MUNICIPALITIES_H
#define MUNICIPALITIES_H

#include <libpq-fe.h>

#include "chc/v1/municipalities.pb-c.h"
#include "request.h"

typedef Chc__V1__MunicipalityService_Service municipalities_service;

#define HANDLER(name, input, output)                                                               \
	CORE_HANDLER(municipalities_service, municipalities, name, input, output)

HANDLER(list_regions, ListRegionsRequest, ListRegionsResponse);
HANDLER(get_region, GetRegionRequest, Region);
HANDLER(list_municipalities, ListMunicipalitiesRequest, ListMunicipalitiesResponse);
HANDLER(get_municipality, GetMunicipalityRequest, Municipality);
HANDLER(batch_get_municipalities, BatchGetMunicipalitiesRequest, BatchGetMunicipalitiesResponse);
HANDLER(create_need, CreateNeedRequest, Need);
HANDLER(get_need, GetNeedRequest, Need);
HANDLER(batch_get_needs, BatchGetNeedsRequest, BatchGetNeedsResponse);
HANDLER(update_need, UpdateNeedRequest, Need);
HANDLER(close_need, CloseNeedRequest, Need);
HANDLER(reopen_need, ReopenNeedRequest, Need);
HANDLER(list_needs, ListNeedsRequest, ListNeedsResponse);
HANDLER(search_needs, SearchNeedsRequest, SearchNeedsResponse);
HANDLER(expire_needs, ExpireNeedsRequest, ExpireNeedsResponse);

#undef HANDLER

/* need_store.c: rows <-> messages */

/* Loads the need with id, locking its row when for_update. NOT_FOUND when
 * there is none. The need is request-owned. */
/* Needs as records (entity.h); need_load is a typed wrapper. */
struct core_entity;
extern const struct core_entity need_entity;
chc_status need_load(core_request *request, const char *id, bool for_update, Chc__V1__Need **need);

/* Inserts a new need (id and times already set). */
chc_status need_insert(core_request *request, const Chc__V1__Need *need);

/* Writes every field of need over its row and raises its version. */
chc_status need_write(core_request *request, Chc__V1__Need *need);

/* Records a domain event for the need's owners in the same transaction. */
chc_status need_event(core_request *request, const char *type, const Chc__V1__Need *need,
                      const char *detail);

/* The SELECT list every need query uses, aliased n for municipalities.needs;
 * need_entity's row reader reads its columns in this order. */
#define NEED_COLUMNS                                                                               \
	"n.id, n.title, n.description, n.care_area, array_to_string(n.target_groups, ','), "       \
	"n.min_trl, n.max_device_class, array_to_string(n.required_standards, ','), "              \
	"n.gdpr_dpa_required, n.budget_min_dkk, n.budget_max_dkk, n.procurement_route, "           \
	"to_char(n.deadline, 'YYYY-MM-DD'), n.criteria, n.contact_name, n.contact_email, "         \
	"n.contact_phone, n.status, n.language, n.version, "                                       \
	"(extract(epoch FROM n.created_at) * 1000)::bigint, "                                      \
	"(extract(epoch FROM n.updated_at) * 1000)::bigint, "                                      \
	"(SELECT string_agg(coalesce('m' || o.municipality_code, 'r' || o.region_code), ',' "      \
	"ORDER BY o.position) FROM municipalities.need_owners o WHERE o.need_id = n.id)"
#define NEED_COLUMN_COUNT 23

/* Expires needs past their deadline or idle for 6 months; the number
 * expired in *expired. Used by ExpireNeeds and by housekeeping. */
extern const char need_expire_sql[];

/* need_validate.c */

/* Validates every field of need; is_new adds the rules of a new need (a
 * deadline in the future, a status of draft or open). Violations are named
 * with prefix ("need."). Returns true when valid. */
bool need_validate(core_request *request, const Chc__V1__Need *need, bool is_new);

/* Checks that every owner's municipality or region code exists. */
bool need_validate_owners_exist(core_request *request, const Chc__V1__Need *need);

#endif /* MUNICIPALITIES_H */
