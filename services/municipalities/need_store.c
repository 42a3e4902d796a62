/*
 * need_store.c - needs in PostgreSQL. Enumerations are stored as their
 * proto slugs; owners live in need_owners, in the order they were given.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chc/uuid.h"
#include "db.h"
#include "entity.h"
#include "enum_columns.h"
#include "events.h"
#include "municipalities.h"
#include "query_builder.h"
#include "validate.h"

enum need_column {
	COLUMN_ID,
	COLUMN_TITLE,
	COLUMN_DESCRIPTION,
	COLUMN_CARE_AREA,
	COLUMN_TARGET_GROUPS,
	COLUMN_MIN_TRL,
	COLUMN_MAX_DEVICE_CLASS,
	COLUMN_REQUIRED_STANDARDS,
	COLUMN_GDPR,
	COLUMN_BUDGET_MIN,
	COLUMN_BUDGET_MAX,
	COLUMN_PROCUREMENT_ROUTE,
	COLUMN_DEADLINE,
	COLUMN_CRITERIA,
	COLUMN_CONTACT_NAME,
	COLUMN_CONTACT_EMAIL,
	COLUMN_CONTACT_PHONE,
	COLUMN_STATUS,
	COLUMN_LANGUAGE,
	COLUMN_VERSION,
	COLUMN_CREATED,
	COLUMN_UPDATED,
	COLUMN_OWNERS,
};

/* A need leaves matching when its deadline passes or when it has been open
 * for 6 months without an update; its owners are told by an event. The
 * row lock of UPDATE makes two concurrent runs expire each need once. */
const char need_expire_sql[] =
        "WITH expired AS ("
        " UPDATE municipalities.needs SET status = 'expired', version = version + 1,"
        " updated_at = now()"
        " WHERE status IN ('open', 'in-dialogue', 'draft')"
        " AND (deadline < current_date OR updated_at < now() - interval '6 months')"
        " RETURNING id, deadline < current_date AS past_deadline),"
        " told AS ("
        " INSERT INTO municipalities.events (type, subject_id, audience, payload)"
        " SELECT 'need.expired', e.id::text,"
        " coalesce((SELECT array_agg(coalesce('municipality:' || o.municipality_code,"
        " 'region:' || o.region_code))"
        " FROM municipalities.need_owners o WHERE o.need_id = e.id), '{}'),"
        " jsonb_build_object('reason', CASE WHEN e.past_deadline THEN 'deadline passed'"
        " ELSE 'no update for 6 months' END) FROM expired e RETURNING 1)"
        " SELECT count(*) FROM told";

static chc_status owners_from_text(core_request *request, Chc__V1__Need *need, const char *text)
{
	size_t items = 0;
	char **words = core_word_list(request, text, &items);
	need->owners = core_alloc(request, (items + 1) * sizeof(*need->owners));
	if (words == NULL || need->owners == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	for (size_t i = 0; i < items; i++) {
		const char *item = words[i];
		Chc__V1__NeedOwner *owner =
		        core_message_new(request, &chc__v1__need_owner__descriptor);
		if (owner == NULL)
			return CHC_RESOURCE_EXHAUSTED;
		int code = atoi(item + 1);
		if (item[0] == 'm')
			owner->municipality_code = code;
		else
			owner->region_code = code;
		need->owners[need->n_owners++] = owner;
	}
	return CHC_OK;
}

static chc_status criteria_from_json(core_request *request, Chc__V1__Need *need, const char *text)
{
	json_t *array = json_loads(text, 0, NULL);
	if (!json_is_array(array)) {
		json_decref(array);
		return core_fail(request, CHC_INTERNAL, "stored criteria are not a JSON array");
	}
	size_t count = json_array_size(array);
	need->criteria = core_alloc(request, (count + 1) * sizeof(*need->criteria));
	for (size_t i = 0; need->criteria != NULL && i < count; i++) {
		json_t *item = json_array_get(array, i);
		Chc__V1__CriterionWeight *weight =
		        core_message_new(request, &chc__v1__criterion_weight__descriptor);
		if (weight == NULL)
			break;
		const char *slug = json_string_value(json_object_get(item, "criterion"));
		weight->criterion = core_enum_value(&chc__v1__evaluation_criterion__descriptor,
		                                    slug ? slug : "");
		weight->weight = (int32_t)json_integer_value(json_object_get(item, "weight"));
		need->criteria[need->n_criteria++] = weight;
	}
	json_decref(array);
	return core_failed(request) ? request->error.code : CHC_OK;
}

/* The need's fields in the order of NEED_COLUMNS; "" marks a column read
 * apart: its budget, criteria, contact and owners. */
static const char *const need_fields[] = { "id",
	                                   "title",
	                                   "description",
	                                   "care_area",
	                                   "target_groups",
	                                   "min_trl",
	                                   "max_device_class",
	                                   "required_standards",
	                                   "gdpr_dpa_required",
	                                   "",
	                                   "",
	                                   "procurement_route",
	                                   "deadline",
	                                   "",
	                                   "",
	                                   "",
	                                   "",
	                                   "status",
	                                   "language",
	                                   "version",
	                                   "created_unix_ms",
	                                   "updated_unix_ms",
	                                   "",
	                                   NULL };

static ProtobufCMessage *need_from_row(core_request *request, PGresult *result, int row)
{
	Chc__V1__Need *need =
	        core_row_message(request, &chc__v1__need__descriptor, need_fields, result, row);
	Chc__V1__BudgetRange *budget =
	        core_message_new(request, &chc__v1__budget_range__descriptor);
	Chc__V1__Contact *contact = core_message_new(request, &chc__v1__contact__descriptor);
	if (need == NULL || budget == NULL || contact == NULL)
		return NULL;
	budget->min_dkk = core_column_int64(result, row, COLUMN_BUDGET_MIN);
	budget->max_dkk = core_column_int64(result, row, COLUMN_BUDGET_MAX);
	need->budget = budget;
	contact->name = PQgetvalue(result, row, COLUMN_CONTACT_NAME);
	contact->email = PQgetvalue(result, row, COLUMN_CONTACT_EMAIL);
	contact->phone = PQgetvalue(result, row, COLUMN_CONTACT_PHONE);
	need->contact = contact;
	if (criteria_from_json(request, need, PQgetvalue(result, row, COLUMN_CRITERIA)) != CHC_OK ||
	    owners_from_text(request, need, PQgetvalue(result, row, COLUMN_OWNERS)) != CHC_OK)
		return NULL;
	return &need->base;
}

CORE_TABLE_ENTITY_DEFINE(need_entity, "need", "need", "municipalities.needs n", "n.id",
                         NEED_COLUMNS, NEED_COLUMN_COUNT, need_from_row);
CORE_ENTITY_LOAD_FUNCTION(need_load, Chc__V1__Need, need_entity)

static char *criteria_json(core_request *request, const Chc__V1__Need *need)
{
	json_t *array = json_array();
	for (size_t i = 0; array != NULL && i < need->n_criteria; i++) {
		const char *slug =
		        core_enum_slug(request, &chc__v1__evaluation_criterion__descriptor,
		                       need->criteria[i]->criterion);
		json_array_append_new(array, json_pack("{s:s, s:i}", "criterion", slug ? slug : "",
		                                       "weight", need->criteria[i]->weight));
	}
	char *text = array != NULL ? json_dumps(array, JSON_COMPACT) : NULL;
	json_decref(array);
	if (text == NULL) {
		core_fail(request, CHC_RESOURCE_EXHAUSTED, "out of memory");
		return NULL;
	}
	char *owned = core_strdup(request, text);
	free(text);
	return owned;
}

#define NEED_VALUE_COUNT 19

/* The parameters $1..$19 shared by insert and update, in column order. */
static bool need_values(core_request *request, const ProtobufCMessage *record, const char **values)
{
	const Chc__V1__Need *need = (const Chc__V1__Need *)record;
	const Chc__V1__Contact *contact = need->contact;
	values[0] = need->id;
	values[1] = need->title;
	values[2] = need->description;
	values[3] = core_enum_slug(request, &chc__v1__care_category__descriptor, need->care_area);
	values[4] = core_enum_array(request, &chc__v1__target_group__descriptor,
	                            (const int *)need->target_groups, need->n_target_groups);
	values[5] = core_int_text(request, need->min_trl);
	values[6] =
	        core_enum_slug(request, &chc__v1__device_class__descriptor, need->max_device_class);
	values[7] =
	        core_enum_array(request, &chc__v1__standard__descriptor,
	                        (const int *)need->required_standards, need->n_required_standards);
	values[8] = need->gdpr_dpa_required ? "true" : "false";
	values[9] = core_int_text(request, need->budget ? need->budget->min_dkk : 0);
	values[10] = core_int_text(request, need->budget ? need->budget->max_dkk : 0);
	values[11] = core_enum_slug(request, &chc__v1__procurement_route__descriptor,
	                            need->procurement_route);
	values[12] = need->deadline;
	values[13] = criteria_json(request, need);
	values[14] = contact ? contact->name : "";
	values[15] = contact ? contact->email : "";
	values[16] = contact ? contact->phone : "";
	values[17] = core_enum_slug(request, &chc__v1__need_status__descriptor, need->status);
	values[18] = need->language[0] != '\0' ? need->language : "da";
	for (int i = 0; i < NEED_VALUE_COUNT; i++)
		if (values[i] == NULL)
			return false;
	return true;
}

static const core_statement need_insert_statement = {
	"need_insert",
	"INSERT INTO municipalities.needs (id, title, description, care_area, target_groups, "
	"min_trl, max_device_class, required_standards, gdpr_dpa_required, budget_min_dkk, "
	"budget_max_dkk, procurement_route, deadline, criteria, contact_name, contact_email, "
	"contact_phone, status, language) VALUES ($1::uuid, $2, $3, $4, $5::text[], $6::int, $7, "
	"$8::text[], $9::boolean, $10::bigint, $11::bigint, $12, $13::date, $14::jsonb, $15, $16, "
	"$17, $18, $19)",
	NEED_VALUE_COUNT
};

static const core_statement need_update_statement = {
	"need_update",
	"UPDATE municipalities.needs SET title = $2, description = $3, care_area = $4, "
	"target_groups = $5::text[], min_trl = $6::int, max_device_class = $7, "
	"required_standards = $8::text[], gdpr_dpa_required = $9::boolean, "
	"budget_min_dkk = $10::bigint, budget_max_dkk = $11::bigint, procurement_route = $12, "
	"deadline = $13::date, criteria = $14::jsonb, contact_name = $15, contact_email = $16, "
	"contact_phone = $17, status = $18, language = $19, version = version + 1, "
	"updated_at = now() WHERE id = $1::uuid",
	NEED_VALUE_COUNT
};

static const core_statement owners_delete_statement = {
	"need_owners_delete", "DELETE FROM municipalities.need_owners WHERE need_id = $1::uuid", 1
};

static const core_statement owner_insert_statement = {
	"need_owner_insert",
	"INSERT INTO municipalities.need_owners (need_id, position, municipality_code, "
	"region_code) "
	"VALUES ($1::uuid, $2::int, nullif($3::int, 0), nullif($4::int, 0))",
	4
};

static chc_status write_owners(core_request *request, const Chc__V1__Need *need)
{
	PGresult *result = NULL;
	const char *id_value[] = { need->id };
	chc_status status = core_query(request, &owners_delete_statement, id_value, &result);
	for (size_t i = 0; status == CHC_OK && i < need->n_owners; i++) {
		const char *values[] = { need->id, core_int_text(request, (int64_t)i),
			                 core_int_text(request, need->owners[i]->municipality_code),
			                 core_int_text(request, need->owners[i]->region_code) };
		if (values[1] == NULL || values[2] == NULL || values[3] == NULL)
			return CHC_RESOURCE_EXHAUSTED;
		status = core_query(request, &owner_insert_statement, values, &result);
	}
	return status;
}

/* The need's row by statement (insert or update), then its owners. */
static chc_status need_save(core_request *request, const Chc__V1__Need *need,
                            const core_statement *statement)
{
	chc_status status = core_entity_write(request, statement, need_values, &need->base);
	if (status == CHC_OK)
		status = write_owners(request, need);
	return status;
}

chc_status need_insert(core_request *request, const Chc__V1__Need *need)
{
	return need_save(request, need, &need_insert_statement);
}

chc_status need_write(core_request *request, Chc__V1__Need *need)
{
	return need_save(request, need, &need_update_statement);
}

static const core_statement event_statement = {
	"need_event",
	"INSERT INTO municipalities.events (type, subject_id, audience, payload) "
	"SELECT $1, $2::uuid::text, coalesce(array_agg(coalesce('municipality:' || "
	"o.municipality_code, 'region:' || o.region_code)), '{}'), "
	"jsonb_build_object('detail', $3::text, 'by', $4::text) "
	"FROM municipalities.need_owners o WHERE o.need_id = $2::uuid",
	4
};

chc_status need_event(core_request *request, const char *type, const Chc__V1__Need *need,
                      const char *detail)
{
	return core_event_record(request, &event_statement, type, need->id, detail);
}
