/*
 * test_bed_store.c - test beds in PostgreSQL; enumerations stored as slugs.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "entity.h"
#include "enum_columns.h"
#include "events.h"
#include "matching.h"
#include "query_builder.h"
#include "validate.h"

enum test_bed_column {
	COLUMN_ID,
	COLUMN_NAME,
	COLUMN_DESCRIPTION,
	COLUMN_OWNER_KIND,
	COLUMN_OWNER_MUNICIPALITY,
	COLUMN_OWNER_REGION,
	COLUMN_ORGANISATION,
	COLUMN_TYPE,
	COLUMN_CARE_AREAS,
	COLUMN_TRL_MIN,
	COLUMN_TRL_MAX,
	COLUMN_CAPACITY,
	COLUMN_PERIODS,
	COLUMN_REGION,
	COLUMN_FEE,
	COLUMN_MAX_DEVICE_CLASS,
	COLUMN_DPA_REQUIRED,
	COLUMN_STANDARDS,
	COLUMN_PREFERENCE,
	COLUMN_STATUS,
	COLUMN_VERSION,
	COLUMN_CREATED,
	COLUMN_UPDATED,
};

static ProtobufCMessage *test_bed_from_row(core_request *request, PGresult *result, int row)
{
	Chc__V1__TestBed *test_bed = core_message_new(request, &chc__v1__test_bed__descriptor);
	Chc__V1__TestBedOwner *owner =
	        core_message_new(request, &chc__v1__test_bed_owner__descriptor);
	char *care_areas = core_column_copy(request, result, row, COLUMN_CARE_AREAS);
	char *periods = core_column_copy(request, result, row, COLUMN_PERIODS);
	char *standards = core_column_copy(request, result, row, COLUMN_STANDARDS);
	if (test_bed == NULL || owner == NULL || care_areas == NULL || periods == NULL ||
	    standards == NULL)
		return NULL;
	test_bed->id = PQgetvalue(result, row, COLUMN_ID);
	test_bed->name = PQgetvalue(result, row, COLUMN_NAME);
	test_bed->description = PQgetvalue(result, row, COLUMN_DESCRIPTION);
	owner->kind = core_enum_value(&chc__v1__test_bed_owner_kind__descriptor,
	                              PQgetvalue(result, row, COLUMN_OWNER_KIND));
	owner->municipality_code =
	        (int32_t)core_column_int64(result, row, COLUMN_OWNER_MUNICIPALITY);
	owner->region_code = (int32_t)core_column_int64(result, row, COLUMN_OWNER_REGION);
	owner->organisation = PQgetvalue(result, row, COLUMN_ORGANISATION);
	test_bed->owner = owner;
	test_bed->type = core_enum_value(&chc__v1__test_bed_type__descriptor,
	                                 PQgetvalue(result, row, COLUMN_TYPE));
	size_t count = 0;
	test_bed->care_areas = (Chc__V1__CareCategory *)core_enum_list(
	        request, &chc__v1__care_category__descriptor, care_areas, &count);
	test_bed->n_care_areas = count;
	test_bed->trl_min = (int32_t)core_column_int64(result, row, COLUMN_TRL_MIN);
	test_bed->trl_max = (int32_t)core_column_int64(result, row, COLUMN_TRL_MAX);
	test_bed->capacity_per_period = (int32_t)core_column_int64(result, row, COLUMN_CAPACITY);
	test_bed->periods = core_word_list(request, periods, &count);
	test_bed->n_periods = count;
	test_bed->region_code = (int32_t)core_column_int64(result, row, COLUMN_REGION);
	test_bed->fee_dkk = core_column_int64(result, row, COLUMN_FEE);
	test_bed->max_device_class =
	        core_enum_value(&chc__v1__device_class__descriptor,
	                        PQgetvalue(result, row, COLUMN_MAX_DEVICE_CLASS));
	test_bed->dpa_required = PQgetvalue(result, row, COLUMN_DPA_REQUIRED)[0] == 't';
	test_bed->standards = (Chc__V1__Standard *)core_enum_list(
	        request, &chc__v1__standard__descriptor, standards, &count);
	test_bed->n_standards = count;
	test_bed->preference = core_enum_value(&chc__v1__test_bed_preference__descriptor,
	                                       PQgetvalue(result, row, COLUMN_PREFERENCE));
	test_bed->status = core_enum_value(&chc__v1__test_bed_status__descriptor,
	                                   PQgetvalue(result, row, COLUMN_STATUS));
	test_bed->version = core_column_int64(result, row, COLUMN_VERSION);
	test_bed->created_unix_ms = core_column_int64(result, row, COLUMN_CREATED);
	test_bed->updated_unix_ms = core_column_int64(result, row, COLUMN_UPDATED);
	if (test_bed->care_areas == NULL || test_bed->periods == NULL ||
	    test_bed->standards == NULL)
		return NULL;
	return &test_bed->base;
}

CORE_TABLE_ENTITY_DEFINE(test_bed_entity, "test bed", "test_bed", "matching.test_beds t", "t.id",
                         TEST_BED_COLUMNS, TEST_BED_COLUMN_COUNT, test_bed_from_row);

#define TEST_BED_VALUE_COUNT 20

static bool test_bed_values(core_request *request, const ProtobufCMessage *record,
                            const char **values)
{
	const Chc__V1__TestBed *test_bed = (const Chc__V1__TestBed *)record;
	const Chc__V1__TestBedOwner *owner = test_bed->owner;
	values[0] = test_bed->id;
	values[1] = test_bed->name;
	values[2] = test_bed->description;
	values[3] = core_enum_slug(request, &chc__v1__test_bed_owner_kind__descriptor, owner->kind);
	values[4] = owner->municipality_code != 0 ? core_int_text(request, owner->municipality_code)
	                                          : NULL;
	values[5] = owner->region_code != 0 ? core_int_text(request, owner->region_code) : NULL;
	values[6] = owner->organisation;
	values[7] = core_enum_slug(request, &chc__v1__test_bed_type__descriptor, test_bed->type);
	values[8] = core_enum_array(request, &chc__v1__care_category__descriptor,
	                            (const int *)test_bed->care_areas, test_bed->n_care_areas);
	values[9] = core_int_text(request, test_bed->trl_min);
	values[10] = core_int_text(request, test_bed->trl_max);
	values[11] = core_int_text(request, test_bed->capacity_per_period);
	values[12] = core_word_array(request, test_bed->periods, test_bed->n_periods);
	values[13] = core_int_text(request, test_bed->region_code);
	values[14] = core_int_text(request, test_bed->fee_dkk);
	values[15] = core_enum_slug(request, &chc__v1__device_class__descriptor,
	                            test_bed->max_device_class);
	values[16] = test_bed->dpa_required ? "true" : "false";
	values[17] = core_enum_array(request, &chc__v1__standard__descriptor,
	                             (const int *)test_bed->standards, test_bed->n_standards);
	values[18] = core_enum_slug(
	        request, &chc__v1__test_bed_preference__descriptor,
	        test_bed->preference != 0 ? test_bed->preference
	                                  : CHC__V1__TEST_BED_PREFERENCE__TEST_BED_PREFERENCE_FIT);
	values[19] = core_enum_slug(request, &chc__v1__test_bed_status__descriptor,
	                            test_bed->status != 0
	                                    ? test_bed->status
	                                    : CHC__V1__TEST_BED_STATUS__TEST_BED_STATUS_OPEN);
	for (int i = 0; i < TEST_BED_VALUE_COUNT; i++)
		if (values[i] == NULL && i != 4 && i != 5)
			return false;
	return !core_failed(request);
}

static const core_statement test_bed_insert_statement = {
	"test_bed_insert",
	"INSERT INTO matching.test_beds (id, name, description, owner_kind, "
	"owner_municipality_code, owner_region_code, organisation, type, care_areas, trl_min, "
	"trl_max, capacity_per_period, periods, region_code, fee_dkk, max_device_class, "
	"dpa_required, standards, preference, status) VALUES ($1::uuid, $2, $3, $4, $5::int, "
	"$6::int, $7, $8, $9::text[], $10::int, $11::int, $12::int, $13::text[], $14::int, "
	"$15::bigint, $16, $17::boolean, $18::text[], $19, $20)",
	TEST_BED_VALUE_COUNT
};

static const core_statement test_bed_update_statement = {
	"test_bed_update",
	"UPDATE matching.test_beds SET name = $2, description = $3, owner_kind = $4, "
	"owner_municipality_code = $5::int, owner_region_code = $6::int, organisation = $7, "
	"type = $8, care_areas = $9::text[], trl_min = $10::int, trl_max = $11::int, "
	"capacity_per_period = $12::int, periods = $13::text[], region_code = $14::int, "
	"fee_dkk = $15::bigint, max_device_class = $16, dpa_required = $17::boolean, "
	"standards = $18::text[], preference = $19, status = $20, version = version + 1, "
	"updated_at = now() WHERE id = $1::uuid",
	TEST_BED_VALUE_COUNT
};

CORE_ENTITY_WRITE_FUNCTIONS(test_bed, Chc__V1__TestBed, test_bed_values)

static const core_statement matching_event_statement =
        CORE_SECRETARIAT_EVENT_STATEMENT("matching_event", "matching");

chc_status matching_event(core_request *request, const char *type, const char *subject_id,
                          const char *detail)
{
	return core_event_record(request, &matching_event_statement, type, subject_id, detail);
}
