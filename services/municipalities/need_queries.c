/*
 * need_queries.c - ListNeeds and SearchNeeds: the needs' listing (filters,
 * order, search vector); the core runs both calls.
 */
#include "handler.h"
#include "municipalities.h"

/* A need is owned by municipalities, regions or both (need_owners); the
 * region filter finds a need owned by the region itself or by any of its
 * municipalities. */
static const core_filter need_filters[] = {
	{ "owner_municipality_code", CORE_FILTER_NUMBER,
	  "EXISTS (SELECT 1 FROM municipalities.need_owners o WHERE o.need_id = n.id AND "
	  "o.municipality_code = $?::int)",
	  100, 999, NULL },
	{ "owner_region_code", CORE_FILTER_NUMBER,
	  "EXISTS (SELECT 1 FROM municipalities.need_owners o WHERE o.need_id = n.id AND "
	  "o.region_code = $?::int)",
	  1081, 1085, NULL },
	{ "region_code", CORE_FILTER_NUMBER,
	  "EXISTS (SELECT 1 FROM municipalities.need_owners o LEFT JOIN "
	  "municipalities.municipalities m ON m.code = o.municipality_code WHERE "
	  "o.need_id = n.id AND $?::int IN (o.region_code, m.region_code))",
	  1081, 1085, NULL },
	{ "care_area", CORE_FILTER_ENUM, "n.care_area = $?", 0, 0, NULL },
	{ "status", CORE_FILTER_ENUM, "n.status = $?", 0, 0, NULL },
	{ "procurement_route", CORE_FILTER_ENUM, "n.procurement_route = $?", 0, 0, NULL },
	{ "deadline_from", CORE_FILTER_DATE, "n.deadline >= $?::date", 0, 0, NULL },
	{ "deadline_to", CORE_FILTER_DATE, "n.deadline <= $?::date", 0, 0, NULL },
};

/* Soonest deadline first: what a company can still answer. */
static const core_listing need_listing = {
	.entity = &need_entity,
	.order = "n.deadline, n.id",
	.search = "n.search",
	.filter_message = "filter",
	CORE_LISTING_FILTERS(need_filters),
};

CORE_LIST_HANDLER(municipalities, list_needs, ListNeedsRequest, ListNeedsResponse, need_listing,
                  chc__v1__list_needs_response__descriptor)

CORE_SEARCH_HANDLER(municipalities, search_needs, SearchNeedsRequest, SearchNeedsResponse,
                    need_listing, NULL, chc__v1__search_needs_response__descriptor)
