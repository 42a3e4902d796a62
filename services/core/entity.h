/*
 * entity.h - what every service does with its records the same way: read
 * one by id, plainly or locked for a change, or many by id in one statement
 * (a BatchGet); turn rows into messages; check the version a caller read
 * before it changes anything (listing.h runs their List and Search calls).
 * A service describes each kind of record once (its statements and how a
 * row becomes a message) and gets the rest here.
 */
#ifndef CORE_ENTITY_H
#define CORE_ENTITY_H

#include <libpq-fe.h>
#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stdint.h>

#include "chc/v1/common.pb-c.h"
#include "db.h"
#include "request.h"

/* A row as a request-owned message; NULL (with the failure recorded) when
 * memory runs out. */
typedef ProtobufCMessage *(*core_row_reader)(core_request *request, PGresult *result, int row);

typedef struct core_entity {
	const char *noun;                     /* "test bed": in messages to callers */
	const core_statement *get;            /* one row by id ($1) */
	const core_statement *get_for_update; /* the same, FOR UPDATE */
	const core_statement *get_many;       /* the rows of the ids in $1 (uuid[]), in its order */
	core_row_reader from_row;
	/* Where its rows are and what from_row reads, when the entity is
	 * defined by them (CORE_TABLE_ENTITY_DEFINE): a listing over it needs
	 * no more. */
	const char *table;   /* "companies.companies c" */
	const char *key;     /* "c.id" */
	const char *columns; /* the SELECT list from_row reads, in its order */
	int column_count;
} core_entity;

/*
 * Defines the core_entity name for one kind of record: noun for messages,
 * the statements prefix_get, prefix_get_for_update and prefix_get_many,
 * made of select ("SELECT ... FROM x") and the record's key ("x.id"): the
 * first two by "key = $1::uuid", the second with FOR UPDATE appended, the
 * third by "key = ANY($1::uuid[])" in the order of that array (a key asked
 * twice gives its row once, where first asked); and reader for its rows.
 * Every store wrote the first pair out by hand; they differ only by the
 * lock, and the third by its WHERE alone.
 */
#define CORE_ENTITY_DEFINE(name, noun_text, prefix, select, key_text, reader, ...)                 \
	static const core_statement name##_get_statement = {                                       \
		prefix "_get", select " WHERE " key_text " = $1::uuid", 1                          \
	};                                                                                         \
	static const core_statement name##_get_locked_statement = {                                \
		prefix "_get_for_update", select " WHERE " key_text " = $1::uuid FOR UPDATE", 1    \
	};                                                                                         \
	static const core_statement name##_get_many_statement = {                                  \
		prefix "_get_many",                                                                \
		select " WHERE " key_text                                                          \
		       " = ANY($1::uuid[]) ORDER BY array_position($1::uuid[], " key_text ")",     \
		1                                                                                  \
	};                                                                                         \
	const core_entity name = { .noun = noun_text,                                              \
		                   .get = &name##_get_statement,                                   \
		                   .get_for_update = &name##_get_locked_statement,                 \
		                   .get_many = &name##_get_many_statement,                         \
		                   .from_row = reader,                                             \
		                   __VA_ARGS__ }

/*
 * CORE_ENTITY_DEFINE for the rows of table ("companies.companies c") with
 * the unique key ("c.id") and the SELECT list columns (column_count of
 * them, what reader reads): its statements are built of them, and a
 * listing over the entity (listing.h) takes them from it.
 */
#define CORE_TABLE_ENTITY_DEFINE(name, noun_text, prefix, table_text, key_text, columns_text,      \
                                 count, reader)                                                    \
	CORE_ENTITY_DEFINE(name, noun_text, prefix, "SELECT " columns_text " FROM " table_text,    \
	                   key_text, reader, .table = table_text, .key = key_text,                 \
	                   .columns = columns_text, .column_count = count)

/*
 * Defines function, core_entity_load for entity with the record typed as
 * type (a generated message struct): the typed face each store gives its
 * callers, written once. Declare it in the service's header.
 */
#define CORE_ENTITY_LOAD_FUNCTION(function, type, entity)                                          \
	chc_status function(core_request *request, const char *id, bool for_update, type **record) \
	{                                                                                          \
		ProtobufCMessage *loaded = NULL;                                                   \
		chc_status status = core_entity_load(request, &(entity), id, for_update, &loaded); \
		*record = (type *)loaded;                                                          \
		return status;                                                                     \
	}

/* A new, initialised message of type descriptor, request-owned: a row
 * read, or a handler's reply, which outlives the function that makes it
 * (handler.h). NULL with RESOURCE_EXHAUSTED recorded when memory runs out. */
void *core_message_new(core_request *request, const ProtobufCMessageDescriptor *descriptor);

/* A field of any message read by its name, for code that works on several
 * kinds (a Party-like message, the records of another service's reply):
 * the value of the singular string field name, or NULL when message has
 * none; and of the singular int32 or enum field name into *value, false
 * when it has none. */
const char *core_message_string(const ProtobufCMessage *message, const char *name);
bool core_message_int32(const ProtobufCMessage *message, const char *name, int32_t *value);

/*
 * Reads row's columns into message's fields, each as its type says: text
 * as it is (libpq's memory, which the request keeps), integers and
 * booleans parsed, an enum from its slug, a repeated enum or string from
 * its comma-joined list. Every row reader assigned its columns so, one
 * line a field. fields names them in column order ("" for a column the
 * caller reads itself, NULL after the last); or fields is NULL when the
 * first columns are the message's fields, every one, in the order of their
 * numbers, and a message or bytes field among them is the caller's to
 * read. False with
 * the failure recorded when memory runs out, or INTERNAL for a named field
 * that is not one of these types (a bug).
 */
bool core_read_columns(core_request *request, ProtobufCMessage *message, const char *const *fields,
                       const PGresult *result, int row);

/* A new message of type descriptor read from row by core_read_columns;
 * NULL with the failure recorded. */
void *core_row_message(core_request *request, const ProtobufCMessageDescriptor *descriptor,
                       const char *const *fields, const PGresult *result, int row);

/* Records a failure and returns from a handler: the closure gets no reply
 * and the core answers with the failure recorded on the request. */
#define CORE_FAIL_RETURN(closure, closure_data)                                                    \
	do {                                                                                       \
		(closure)(NULL, (closure_data));                                                   \
		return;                                                                            \
	} while (0)

/* The record with id; NOT_FOUND "no <noun> has id ..." when there is none. */
chc_status core_entity_load(core_request *request, const core_entity *entity, const char *id,
                            bool for_update, ProtobufCMessage **message);

/* The record a Get request's "id" names: a violation of "id" when it is
 * not a UUID, NOT_FOUND when there is none. NULL with the failure
 * recorded. The whole of every Get handler over an entity. */
ProtobufCMessage *core_entity_get(core_request *request, const core_entity *entity, const char *id);

/* The most records a BatchGet call asks for at once: a page's worth. */
#define CORE_BATCH_MAX 100

/* Whether the caller may see record, one a Get would otherwise answer
 * (GetSolution's unpublished solutions); NULL when every record is seen. */
typedef bool (*core_record_visible)(const core_request *request, const ProtobufCMessage *record);

/* A BatchGet request's list of count keys in field ("ids"): 1 to
 * CORE_BATCH_MAX of them, else a violation of field. */
bool core_check_batch(core_request *request, const char *field, size_t count);

/* The one repeated message field of a reply that lists records (a
 * BatchGet's, ListRegions'); NULL when descriptor has not exactly one. */
const ProtobufCFieldDescriptor *core_records_field(const ProtobufCMessageDescriptor *descriptor);

/*
 * The reply of type descriptor, whose one repeated message field holds
 * the count records (request-owned): every BatchGet's reply, built from
 * its descriptor. NULL with the failure recorded (INTERNAL when descriptor
 * has no such field: a bug).
 */
ProtobufCMessage *core_batch_reply(core_request *request,
                                   const ProtobufCMessageDescriptor *descriptor,
                                   ProtobufCMessage **records, size_t count);

/*
 * Runs sql, the statement housekeeping runs to expire records (its one
 * row counts them), on demand: the reply of type descriptor with that
 * count in its int32 field "expired". NULL with the failure recorded
 * (INTERNAL when descriptor has no such field: a bug).
 */
ProtobufCMessage *core_expire_reply(core_request *request, const char *sql,
                                    const ProtobufCMessageDescriptor *descriptor);

/*
 * The records of entity the count ids name (a BatchGet request's "ids"),
 * read by one statement (entity->get_many) as a reply of type descriptor
 * (core_batch_reply): in the order of ids, each once, and without the ids
 * that name no record, or one visible (NULL: any) says the caller may not
 * see. A violation of "ids" or "ids[i]" when they are not 1 to
 * CORE_BATCH_MAX UUIDs. NULL with the failure recorded. The whole of every
 * BatchGet handler over an entity.
 */
ProtobufCMessage *core_entity_get_many(core_request *request, const core_entity *entity,
                                       char *const *ids, size_t count, core_record_visible visible,
                                       const ProtobufCMessageDescriptor *descriptor);

/* Every row of result as messages (a request-owned array). */
chc_status core_entity_rows(core_request *request, const core_entity *entity, PGresult *result,
                            ProtobufCMessage ***messages, size_t *count);

/* Every row of result, each read by reader, as a request-owned array
 * (NULL-terminated); the failure recorded when a row cannot be read. */
chc_status core_read_rows(core_request *request, core_row_reader reader, PGresult *result,
                          ProtobufCMessage ***messages, size_t *count);

/* The rows statement returns for one record's id ($1): its children (a
 * project's history, its milestones), each read by reader. */
chc_status core_read_children(core_request *request, const core_statement *statement,
                              const char *id, core_row_reader reader, ProtobufCMessage ***messages,
                              size_t *count);

/*
 * The record a caller wants to change, locked until the request's
 * transaction ends: id must be a UUID (a violation of id_field),
 * expected_version is required, and a record whose "version" field differs
 * is ABORTED, naming both versions. NULL with the failure recorded.
 */
ProtobufCMessage *core_entity_load_for_change(core_request *request, const core_entity *entity,
                                              const char *id_field, const char *id,
                                              int64_t expected_version);

/* Fills the parameters of a record's insert or update statement ($1 its
 * id, then its columns in order); false when one cannot be made (the
 * failure recorded, or memory ran out). */
typedef bool (*core_values_builder)(core_request *request, const ProtobufCMessage *record,
                                    const char **values);

/* Runs statement, a record's insert or update, with the parameters builder
 * makes of record: the save every store wrote around its builder. */
chc_status core_entity_write(core_request *request, const core_statement *statement,
                             core_values_builder builder, const ProtobufCMessage *record);

/*
 * The record a Create request carries in its field named field (given, the
 * request's message, may be NULL: a violation "is required"), as a
 * request-owned shallow copy with a new "id" and, when its "status" is
 * unset, default_status. Every Create handler began so; what it then
 * checks and fills is its own. NULL with the failure recorded.
 */
ProtobufCMessage *core_entity_new(core_request *request, const char *field,
                                  const ProtobufCMessage *given, int default_status);

/*
 * Defines prefix_insert and prefix_write, which save a record of type (a
 * generated message struct) through the statements prefix_insert_statement
 * and prefix_update_statement with the parameters builder makes: the typed
 * face of core_entity_write, the same pair in every store that has one.
 * Declare them in the service's header.
 */
#define CORE_ENTITY_WRITE_FUNCTIONS(prefix, type, builder)                                         \
	chc_status prefix##_insert(core_request *request, const type *record)                      \
	{                                                                                          \
		return core_entity_write(request, &prefix##_insert_statement, builder,             \
		                         &record->base);                                           \
	}                                                                                          \
	chc_status prefix##_write(core_request *request, const type *record)                       \
	{                                                                                          \
		return core_entity_write(request, &prefix##_update_statement, builder,             \
		                         &record->base);                                           \
	}

#endif /* CORE_ENTITY_H */
