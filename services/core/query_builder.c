#include "query_builder.h"

#include <stdio.h>
#include <string.h>

#include "db.h"

void core_query_append(core_query_builder *query, const char *text)
{
	size_t length = strlen(text);
	if (query->used + length >= sizeof(query->sql)) {
		query->overflow = true;
		return;
	}
	memcpy(query->sql + query->used, text, length + 1);
	query->used += length;
}

int core_query_value(core_query_builder *query, const char *value)
{
	if (query->count == CORE_QUERY_MAX_VALUES) {
		query->overflow = true;
		return query->count;
	}
	query->values[query->count++] = value;
	return query->count;
}

void core_query_where(core_query_builder *query, const char *condition, const char *value)
{
	int number = core_query_value(query, value);
	char numbered[600];
	size_t length = (size_t)snprintf(numbered, sizeof(numbered), " AND ");
	/* Every $? is the one value: "t.trl_min <= $? AND t.trl_max >= $?". */
	for (const char *next = condition; *next != '\0' && length < sizeof(numbered);) {
		if (next[0] == '$' && next[1] == '?') {
			length += (size_t)snprintf(numbered + length, sizeof(numbered) - length,
			                           "$%d", number);
			next += 2;
		} else {
			numbered[length++] = *next++;
		}
	}
	if (length >= sizeof(numbered)) {
		query->overflow = true;
		return;
	}
	numbered[length] = '\0';
	core_query_append(query, numbered);
}

void core_query_copy(core_query_builder *to, const core_query_builder *from, size_t start,
                     size_t end, int value_count)
{
	if (from->overflow || start > end || end > from->used || to->count > value_count ||
	    value_count > from->count || to->used + (end - start) >= sizeof(to->sql)) {
		to->overflow = true;
		return;
	}
	memcpy(to->sql + to->used, from->sql + start, end - start);
	to->used += end - start;
	to->sql[to->used] = '\0';
	while (to->count < value_count)
		core_query_value(to, from->values[to->count]);
}

chc_status core_query_run(core_request *request, const core_query_builder *query, PGresult **result)
{
	if (query->overflow)
		return core_fail(request, CHC_INTERNAL, "query too large to build");
	for (int i = 0; i < query->count; i++)
		if (query->values[i] == NULL)
			return core_fail(request, CHC_RESOURCE_EXHAUSTED, "out of memory");
	return core_query_sql(request, query->sql, query->count, query->values, result);
}

char *core_bytea_text(core_request *request, const uint8_t *bytes, size_t length)
{
	static const char digits[] = "0123456789abcdef";
	char *text = core_alloc(request, 2 * length + 3);
	if (text == NULL)
		return NULL;
	text[0] = '\\';
	text[1] = 'x';
	for (size_t i = 0; i < length; i++) {
		text[2 + 2 * i] = digits[bytes[i] >> 4];
		text[3 + 2 * i] = digits[bytes[i] & 15];
	}
	return text;
}

char *core_int_text(core_request *request, long long value)
{
	char text[24];
	snprintf(text, sizeof(text), "%lld", value);
	return core_strdup(request, text);
}
