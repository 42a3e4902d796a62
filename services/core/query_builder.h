/*
 * query_builder.h - SQL with optional filters, every value a parameter.
 * Used by the List and Search handlers of every service.
 */
#ifndef CORE_QUERY_BUILDER_H
#define CORE_QUERY_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "request.h"

#define CORE_QUERY_MAX_VALUES 24

typedef struct core_query_builder {
	char sql[6144];
	size_t used;
	bool overflow; /* the SQL or the values did not fit: a bug, reported INTERNAL */
	const char *values[CORE_QUERY_MAX_VALUES];
	int count;
} core_query_builder;

/* Appends text as it is (constant SQL only). */
void core_query_append(core_query_builder *query, const char *text);

/* Appends a parameter value and returns its number ($n). */
int core_query_value(core_query_builder *query, const char *value);

/* Appends " AND condition", each "$?" in it replaced by value's parameter. */
void core_query_where(core_query_builder *query, const char *condition, const char *value);

/* Appends from's SQL between the offsets start and end (from->used at two
 * moments) and the values it refers to, the first value_count of from's.
 * to must already hold from's values before those as its own: a count
 * query built from a list's conditions without the list's paging. */
void core_query_copy(core_query_builder *to, const core_query_builder *from, size_t start,
                     size_t end, int value_count);

/* Runs the query (core_query_sql); INTERNAL when the builder overflowed,
 * RESOURCE_EXHAUSTED when a value is NULL (an allocation failed). */
chc_status core_query_run(core_request *request, const core_query_builder *query,
                          PGresult **result);

/* Request-owned decimal text of value. */
char *core_int_text(core_request *request, long long value);

/* Request-owned text input form of bytea ("\\x0a1b...") of bytes: a
 * parameter for a bytea column. NULL when memory runs out. */
char *core_bytea_text(core_request *request, const uint8_t *bytes, size_t length);

#endif /* CORE_QUERY_BUILDER_H */
