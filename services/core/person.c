/*
 * person.c - ExportPerson and ErasePerson from a service's list of sources
 * and the two tables every schema has.
 */
#include "person.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chc/v1/person.pb-c.h"
#include "db.h"
#include "entity.h"
#include "handler.h"
#include "validate.h"

typedef Chc__V1__PersonService_Service person_service;

static const char *person_service_name;
static const core_person_source *person_sources;
static size_t person_source_count;

/* What every schema keeps beside the service's own tables: a stored reply
 * of a write that named the person (AddContact's, CreateNeed's), and
 * events whose payload did. Found by the address's bytes, in any case. */
static char replies_export_sql[256], replies_erase_sql[256];
static char events_export_sql[256], events_erase_sql[256];

static void build_sql(const char *schema)
{
	/* An address is printable ASCII: it stands as it is in the escaped
	 * text of the packed reply. */
	snprintf(replies_export_sql, sizeof(replies_export_sql),
	         "SELECT method, created_at FROM %s.idempotency_keys WHERE "
	         "position(lower($1) IN lower(encode(response, 'escape'))) > 0",
	         schema);
	snprintf(replies_erase_sql, sizeof(replies_erase_sql),
	         "DELETE FROM %s.idempotency_keys WHERE "
	         "position(lower($1) IN lower(encode(response, 'escape'))) > 0",
	         schema);
	snprintf(events_export_sql, sizeof(events_export_sql),
	         "SELECT seq, type, subject_id, payload, created_at FROM %s.events WHERE "
	         "position(lower($1) IN lower(payload::text)) > 0",
	         schema);
	snprintf(events_erase_sql, sizeof(events_erase_sql),
	         "DELETE FROM %s.events WHERE position(lower($1) IN lower(payload::text)) > 0",
	         schema);
}

/* Every source, the service's first, then the two the core keeps. */
static size_t source_count(void)
{
	return person_source_count + 2;
}

static core_person_source source_at(size_t i)
{
	if (i < person_source_count)
		return person_sources[i];
	if (i == person_source_count)
		return (core_person_source){ "stored replies", replies_export_sql,
			                     replies_erase_sql };
	return (core_person_source){ "events", events_export_sql, events_erase_sql };
}

static bool email_is_valid(core_request *request, const Chc__V1__PersonRequest *input)
{
	if (input->email[0] == '\0') {
		core_violation(request, "email", "is required: the person's e-mail address");
		return false;
	}
	return core_check_email(request, "email", input->email);
}

static Chc__V1__ExportPersonResponse *export_person(core_request *request,
                                                    const Chc__V1__PersonRequest *input)
{
	if (!email_is_valid(request, input))
		return NULL;
	json_t *data = json_object();
	int records = 0;
	for (size_t i = 0; i < source_count() && data != NULL; i++) {
		core_person_source source = source_at(i);
		char sql[1024];
		snprintf(sql, sizeof(sql),
		         "SELECT coalesce(json_agg(row_to_json(x)), '[]')::text, count(*) FROM "
		         "(%s) x",
		         source.export_sql);
		const char *values[] = { input->email };
		PGresult *result = NULL;
		if (core_query_sql(request, sql, 1, values, &result) != CHC_OK) {
			json_decref(data);
			return NULL;
		}
		int count = atoi(PQgetvalue(result, 0, 1));
		if (count > 0)
			json_object_set_new(data, source.what,
			                    json_loads(PQgetvalue(result, 0, 0), 0, NULL));
		records += count;
	}
	char *text = data != NULL ? json_dumps(data, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(data);
	char *kept = text != NULL ? core_strdup(request, text) : NULL;
	free(text);
	if (kept == NULL) {
		core_fail(request, CHC_RESOURCE_EXHAUSTED, "out of memory");
		return NULL;
	}
	Chc__V1__ExportPersonResponse *reply =
	        core_message_new(request, &chc__v1__export_person_response__descriptor);
	if (reply == NULL)
		return NULL;
	reply->service = (char *)person_service_name;
	reply->data_json = kept;
	reply->records = records;
	return reply;
}
static CORE_REPLY_HANDLER(person, export_person, PersonRequest, ExportPersonResponse)

/* In the write's transaction: all of it or none. */
static Chc__V1__ErasePersonResponse *erase_person(core_request *request,
                                                  const Chc__V1__PersonRequest *input)
{
	if (!email_is_valid(request, input))
		return NULL;
	int records = 0;
	for (size_t i = 0; i < source_count(); i++) {
		const char *values[] = { input->email };
		PGresult *result = NULL;
		if (core_query_sql(request, source_at(i).erase_sql, 1, values, &result) != CHC_OK)
			return NULL;
		records += atoi(PQcmdTuples(result));
	}
	/* The audit records the call (method, who, when) and the field's name;
	 * the reply, which replays would keep, names no one. */
	Chc__V1__ErasePersonResponse *reply =
	        core_message_new(request, &chc__v1__erase_person_response__descriptor);
	if (reply == NULL)
		return NULL;
	reply->service = (char *)person_service_name;
	reply->records = records;
	return reply;
}
static CORE_REPLY_HANDLER(person, erase_person, PersonRequest, ErasePersonResponse)

static person_service service_table = CHC__V1__PERSON_SERVICE__INIT(person_);

ProtobufCService *core_person_service(const char *schema, const char *service_name,
                                      const core_person_source *sources, size_t count)
{
	person_service_name = service_name;
	person_sources = sources;
	person_source_count = count;
	build_sql(schema);
	return &service_table.base;
}
