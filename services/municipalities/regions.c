/*
 * regions.c - the reference data: regions and municipalities, read-only.
 */
#include <stdio.h>
#include <stdlib.h>

#include "db.h"
#include "entity.h"
#include "enum_columns.h"
#include "handler.h"
#include "keyset.h"
#include "municipalities.h"
#include "query_builder.h"
#include "validate.h"

static const core_statement list_regions_statement = {
	"list_regions",
	"SELECT r.code, r.name, r.name_en, coalesce(sum(m.population), 0), r.population_year, "
	"count(m.code) FROM municipalities.regions r "
	"LEFT JOIN municipalities.municipalities m ON m.region_code = r.code "
	"WHERE $1::int = 0 OR r.code = $1::int "
	"GROUP BY r.code ORDER BY r.code",
	1
};

/* Paged by code after the token's ($4, NULL on page one), one row past the
 * page to tell a next page is there; the count only when asked ($5), the
 * population of every match always (98 rows at most: cheap). */
static const core_statement list_municipalities_statement = {
	"list_municipalities",
	"WITH matching AS (SELECT m.code, m.name, m.region_code, m.population, "
	"m.population_year FROM municipalities.municipalities m "
	"WHERE ($1::int = 0 OR m.region_code = $1::int) "
	"AND ($2 = '' OR lower(m.name) LIKE lower($2) || '%')) "
	"SELECT x.code, x.name, x.region_code, r.name, x.population, x.population_year, "
	"CASE WHEN $5::bool THEN (SELECT count(*) FROM matching) ELSE 0 END, "
	"(SELECT sum(population) FROM matching) "
	"FROM matching x JOIN municipalities.regions r ON r.code = x.region_code "
	"WHERE $4::int IS NULL OR x.code > $4::int ORDER BY x.code LIMIT $3::int",
	5
};

/* The lookup by key alone: the list statement's filters and window sums are
 * work a single municipality does not need. */
static const core_statement get_municipality_statement = {
	"get_municipality",
	"SELECT m.code, m.name, m.region_code, r.name, m.population, m.population_year "
	"FROM municipalities.municipalities m JOIN municipalities.regions r ON r.code = "
	"m.region_code WHERE m.code = $1::int",
	1
};

/* GetMunicipality's lookup for many codes ($1, an int[]) at once, in their
 * order: what another service checks its records' municipalities with. */
static const core_statement get_municipalities_statement = {
	"get_municipalities",
	"SELECT m.code, m.name, m.region_code, r.name, m.population, m.population_year "
	"FROM municipalities.municipalities m JOIN municipalities.regions r ON r.code = "
	"m.region_code WHERE m.code = ANY($1::int[]) ORDER BY array_position($1::int[], m.code)",
	1
};

static long column_long(PGresult *result, int row, int column)
{
	return strtol(PQgetvalue(result, row, column), NULL, 10);
}

/* Whether result, of a Get by code (NULL: the query failed, recorded),
 * holds its row; NOT_FOUND recorded when it does not. */
static bool found_by_code(core_request *request, const PGresult *result, const char *noun, int code)
{
	if (result != NULL && PQntuples(result) == 0)
		core_fail(request, CHC_NOT_FOUND, "no %s has code %d", noun, code);
	return result != NULL && !core_failed(request);
}

static Chc__V1__Region *region_from_row(core_request *request, PGresult *result, int row)
{
	Chc__V1__Region *region = core_message_new(request, &chc__v1__region__descriptor);
	if (region == NULL)
		return NULL;
	region->code = (int32_t)column_long(result, row, 0);
	region->name = PQgetvalue(result, row, 1);
	region->name_en = PQgetvalue(result, row, 2);
	region->population = column_long(result, row, 3);
	region->population_year = (int32_t)column_long(result, row, 4);
	region->municipality_count = (int32_t)column_long(result, row, 5);
	return region;
}

static PGresult *query_regions(core_request *request, int code)
{
	char code_text[16];
	snprintf(code_text, sizeof(code_text), "%d", code);
	const char *values[] = { code_text };
	PGresult *result = NULL;
	if (core_query(request, &list_regions_statement, values, &result) != CHC_OK)
		return NULL;
	return result;
}

static Chc__V1__ListRegionsResponse *list_regions(core_request *request,
                                                  const Chc__V1__ListRegionsRequest *input)
{
	(void)input;
	PGresult *result = query_regions(request, 0);
	Chc__V1__ListRegionsResponse *reply =
	        result != NULL
	                ? core_message_new(request, &chc__v1__list_regions_response__descriptor)
	                : NULL;
	if (reply == NULL)
		return NULL;
	int rows = PQntuples(result);
	reply->regions = core_alloc(request, (size_t)(rows + 1) * sizeof(*reply->regions));
	for (int i = 0; reply->regions != NULL && i < rows; i++) {
		reply->regions[i] = region_from_row(request, result, i);
		if (reply->regions[i] == NULL)
			break;
		reply->n_regions++;
		reply->total_population += reply->regions[i]->population;
	}
	return core_failed(request) ? NULL : reply;
}
CORE_REPLY_HANDLER(municipalities, list_regions, ListRegionsRequest, ListRegionsResponse)

static Chc__V1__Region *get_region(core_request *request, const Chc__V1__GetRegionRequest *input)
{
	if (!core_check_range(request, "code", input->code, 1081, 1085))
		return NULL;
	PGresult *result = query_regions(request, input->code);
	return found_by_code(request, result, "region", input->code)
	               ? region_from_row(request, result, 0)
	               : NULL;
}
CORE_REPLY_HANDLER(municipalities, get_region, GetRegionRequest, Region)

static Chc__V1__Municipality *municipality_from_row(core_request *request, PGresult *result,
                                                    int row)
{
	Chc__V1__Municipality *municipality =
	        core_message_new(request, &chc__v1__municipality__descriptor);
	if (municipality == NULL)
		return NULL;
	municipality->code = (int32_t)column_long(result, row, 0);
	municipality->name = PQgetvalue(result, row, 1);
	municipality->region_code = (int32_t)column_long(result, row, 2);
	municipality->region_name = PQgetvalue(result, row, 3);
	municipality->population = column_long(result, row, 4);
	municipality->population_year = (int32_t)column_long(result, row, 5);
	return municipality;
}

static PGresult *query_municipalities(core_request *request, int region_code,
                                      const char *name_prefix, const core_page *page)
{
	char region_text[16], limit_text[16];
	snprintf(region_text, sizeof(region_text), "%d", region_code);
	snprintf(limit_text, sizeof(limit_text), "%d", page->limit + 1);
	const char *values[] = { region_text, name_prefix, limit_text,
		                 page->after ? page->keys[0] : NULL,
		                 page->want_total ? "true" : "false" };
	PGresult *result = NULL;
	chc_status status = core_query(request, &list_municipalities_statement, values, &result);
	if (status != CHC_OK) {
		core_page_refused(request, page, status);
		return NULL;
	}
	return result;
}

static Chc__V1__ListMunicipalitiesResponse *
list_municipalities(core_request *request, const Chc__V1__ListMunicipalitiesRequest *input)
{
	core_sort sort;
	core_page page_asked;
	if (!core_sort_parse(&sort, "municipalities.municipalities", "m.code")) {
		core_fail(request, CHC_INTERNAL, "cannot page municipalities");
		return NULL;
	}
	if (input->region_code != 0)
		core_check_range(request, "region_code", input->region_code, 1081, 1085);
	core_check_text(request, "name_prefix", input->name_prefix, 0, 100);
	core_page_read(request, input->page, &sort, &page_asked);
	if (core_failed(request))
		return NULL;
	/* LIKE wildcards in the prefix are the caller's letters, not patterns. */
	char prefix[404];
	size_t used = 0;
	for (const char *p = input->name_prefix; *p != '\0' && used + 2 < sizeof(prefix); p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			prefix[used++] = '\\';
		prefix[used++] = *p;
	}
	prefix[used] = '\0';
	PGresult *result = query_municipalities(request, input->region_code, prefix, &page_asked);
	if (result == NULL)
		return NULL;
	int rows = 0;
	Chc__V1__PageInfo *page =
	        core_page_info_fill(request, &sort, &page_asked, result, 0, &rows);
	Chc__V1__ListMunicipalitiesResponse *reply =
	        page != NULL ? core_message_new(request,
	                                        &chc__v1__list_municipalities_response__descriptor)
	                     : NULL;
	if (reply == NULL)
		return NULL;
	page->total_size = rows > 0 ? column_long(result, 0, 6) : 0;
	reply->municipalities =
	        core_alloc(request, (size_t)(rows + 1) * sizeof(*reply->municipalities));
	for (int i = 0; reply->municipalities != NULL && i < rows; i++) {
		reply->municipalities[i] = municipality_from_row(request, result, i);
		if (reply->municipalities[i] == NULL)
			break;
		reply->n_municipalities++;
	}
	if (rows > 0)
		reply->total_population = column_long(result, 0, 7);
	reply->page = page;
	return core_failed(request) ? NULL : reply;
}
CORE_REPLY_HANDLER(municipalities, list_municipalities, ListMunicipalitiesRequest,
                   ListMunicipalitiesResponse)

static Chc__V1__Municipality *get_municipality(core_request *request,
                                               const Chc__V1__GetMunicipalityRequest *input)
{
	if (!core_check_range(request, "code", input->code, 100, 999))
		return NULL;
	char code_text[16];
	snprintf(code_text, sizeof(code_text), "%d", input->code);
	const char *values[] = { code_text };
	PGresult *result = NULL;
	if (core_query(request, &get_municipality_statement, values, &result) != CHC_OK)
		result = NULL;
	return found_by_code(request, result, "municipality", input->code)
	               ? municipality_from_row(request, result, 0)
	               : NULL;
}
CORE_REPLY_HANDLER(municipalities, get_municipality, GetMunicipalityRequest, Municipality)

static ProtobufCMessage *municipality_row(core_request *request, PGresult *result, int row)
{
	Chc__V1__Municipality *municipality = municipality_from_row(request, result, row);
	return municipality != NULL ? &municipality->base : NULL;
}

/* core_entity_get_many for municipalities, whose keys are codes, not
 * UUIDs. */
static Chc__V1__BatchGetMunicipalitiesResponse *
batch_get_municipalities(core_request *request, const Chc__V1__BatchGetMunicipalitiesRequest *input)
{
	if (!core_check_batch(request, "codes", input->n_codes))
		return NULL;
	char **codes = core_alloc(request, input->n_codes * sizeof(*codes));
	if (codes == NULL)
		return NULL;
	for (size_t i = 0; i < input->n_codes; i++) {
		char field[32];
		snprintf(field, sizeof(field), "codes[%zu]", i);
		core_check_range(request, field, input->codes[i], 100, 999);
		codes[i] = core_int_text(request, input->codes[i]);
		if (codes[i] == NULL)
			return NULL;
	}
	if (core_failed(request))
		return NULL;
	const char *values[] = { core_word_array(request, codes, input->n_codes) };
	PGresult *result = NULL;
	ProtobufCMessage **municipalities = NULL;
	size_t count = 0;
	if (values[0] == NULL ||
	    core_query(request, &get_municipalities_statement, values, &result) != CHC_OK ||
	    core_read_rows(request, municipality_row, result, &municipalities, &count) != CHC_OK)
		return NULL;
	return (Chc__V1__BatchGetMunicipalitiesResponse *)core_batch_reply(
	        request, &chc__v1__batch_get_municipalities_response__descriptor, municipalities,
	        count);
}
CORE_REPLY_HANDLER(municipalities, batch_get_municipalities, BatchGetMunicipalitiesRequest,
                   BatchGetMunicipalitiesResponse)
