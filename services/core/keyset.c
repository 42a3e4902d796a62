/*
 * keyset.c - page tokens that carry the last row's sort key, and the SQL
 * that reads the rows after it.
 *
 * A token is base64url (no padding: it goes on command lines and in URLs)
 * of: a version byte (1); the list's fingerprint (4 bytes); the number of
 * keys (1 byte); per key a flag byte (0: SQL NULL, 1: a value) and for a
 * value its length (2 bytes) and PostgreSQL's text of it; then an FNV-1a
 * check sum of all that (4 bytes). Integers are big-endian.
 *
 * The check sum is not a secret: it catches a token cut short or altered
 * by accident. A token forged on purpose can only move where a page
 * starts within rows the caller may list anyway, and a value PostgreSQL
 * cannot read (text for a timestamp) is refused as a bad page.page_token
 * by core_page_refused.
 */
#include "keyset.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chc/status.h"
#include "digest.h"
#include "entity.h"
#include "validate.h"

#define PAGE_DEFAULT  50
#define PAGE_MAXIMUM  500
#define TOKEN_VERSION 1
#define TOKEN_BAD     "is not a token this list gave out"

/* Strips " word" (any case) from the end of text; true when it was there. */
static bool strip_word(char *text, size_t *length, const char *word)
{
	size_t size = strlen(word);
	if (*length <= size || text[*length - size - 1] != ' ' ||
	    strncasecmp(text + *length - size, word, size) != 0)
		return false;
	*length -= size + 1;
	while (*length > 0 && text[*length - 1] == ' ')
		(*length)--;
	text[*length] = '\0';
	return true;
}

static bool parse_key(core_sort_key *key, const char *start, size_t length)
{
	while (length > 0 && isspace((unsigned char)*start)) {
		start++;
		length--;
	}
	while (length > 0 && isspace((unsigned char)start[length - 1]))
		length--;
	if (length == 0 || length >= sizeof(key->expression))
		return false;
	memcpy(key->expression, start, length);
	key->expression[length] = '\0';
	bool nulls_first = false;
	key->nullable = false;
	if (strip_word(key->expression, &length, "NULLS FIRST"))
		key->nullable = nulls_first = true;
	else if (strip_word(key->expression, &length, "NULLS LAST"))
		key->nullable = true;
	key->descending = strip_word(key->expression, &length, "DESC");
	if (!key->descending)
		strip_word(key->expression, &length, "ASC");
	/* PostgreSQL's default: NULLs are the largest value. */
	key->nulls_first = key->nullable ? nulls_first : key->descending;
	return length > 0;
}

bool core_sort_parse(core_sort *sort, const char *list, const char *order)
{
	sort->count = 0;
	int depth = 0;
	const char *start = order;
	for (const char *at = order;; at++) {
		/* A comma inside parentheses belongs to a call: ts_rank(a, b). */
		if (*at == '(')
			depth++;
		else if (*at == ')')
			depth--;
		if (*at != '\0' && (*at != ',' || depth > 0))
			continue;
		if (sort->count == CORE_SORT_MAX_KEYS ||
		    !parse_key(&sort->keys[sort->count], start, (size_t)(at - start)))
			return false;
		sort->count++;
		if (*at == '\0')
			break;
		start = at + 1;
	}
	sort->fingerprint = core_fnv1a(core_fnv1a(CORE_FNV1A_BASIS, list, strlen(list) + 1), order,
	                               strlen(order));
	return true;
}

static const char base64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void encode(const unsigned char *data, size_t length, char *out)
{
	size_t used = 0;
	for (size_t i = 0; i < length; i += 3) {
		uint32_t group = (uint32_t)data[i] << 16;
		if (i + 1 < length)
			group |= (uint32_t)data[i + 1] << 8;
		if (i + 2 < length)
			group |= data[i + 2];
		out[used++] = base64url[(group >> 18) & 63];
		out[used++] = base64url[(group >> 12) & 63];
		if (i + 1 < length)
			out[used++] = base64url[(group >> 6) & 63];
		if (i + 2 < length)
			out[used++] = base64url[group & 63];
	}
	out[used] = '\0';
}

/* Decodes text into out (room for 3/4 of its length); the byte count, or
 * -1 when text is not base64url without padding. */
static long decode(const char *text, size_t length, unsigned char *out)
{
	if (length % 4 == 1)
		return -1;
	long used = 0;
	uint32_t group = 0;
	size_t bits = 0;
	for (size_t i = 0; i < length; i++) {
		const char *found = strchr(base64url, text[i]);
		if (text[i] == '\0' || found == NULL)
			return -1;
		group = (group << 6) | (uint32_t)(found - base64url);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[used++] = (unsigned char)(group >> bits);
			group &= (1u << bits) - 1;
		}
	}
	/* The bits left over are padding: an encoder leaves them zero. */
	return group == 0 ? used : -1;
}

static void put32(unsigned char *at, uint32_t value)
{
	at[0] = (unsigned char)(value >> 24);
	at[1] = (unsigned char)(value >> 16);
	at[2] = (unsigned char)(value >> 8);
	at[3] = (unsigned char)value;
}

static uint32_t get32(const unsigned char *at)
{
	return (uint32_t)at[0] << 24 | (uint32_t)at[1] << 16 | (uint32_t)at[2] << 8 | at[3];
}

/* The keys of a token in bytes[0..length), checked; false when it is not
 * a token of sort's list. */
static bool read_token(core_request *request, const core_sort *sort, const unsigned char *bytes,
                       size_t length, core_page *out)
{
	if (length < 10 || bytes[0] != TOKEN_VERSION ||
	    get32(bytes + length - 4) != core_fnv1a(CORE_FNV1A_BASIS, bytes, length - 4) ||
	    get32(bytes + 1) != sort->fingerprint || bytes[5] != sort->count)
		return false;
	size_t at = 6, end = length - 4;
	for (size_t i = 0; i < sort->count; i++) {
		if (at >= end || bytes[at] > 1)
			return false;
		if (bytes[at++] == 0) {
			out->keys[i] = NULL;
			continue;
		}
		if (end - at < 2)
			return false;
		size_t size = (size_t)bytes[at] << 8 | bytes[at + 1];
		at += 2;
		/* A value holding NUL would be cut short as a C string. */
		if (end - at < size || memchr(bytes + at, '\0', size) != NULL)
			return false;
		char *value = core_alloc(request, size + 1);
		if (value == NULL)
			return false;
		memcpy(value, bytes + at, size);
		value[size] = '\0';
		out->keys[i] = value;
		at += size;
	}
	return at == end;
}

bool core_page_read(core_request *request, const Chc__V1__PageRequest *page, const core_sort *sort,
                    core_page *out)
{
	*out = (core_page){ .limit = PAGE_DEFAULT };
	if (page == NULL)
		return true;
	out->want_total = page->want_total;
	if (page->page_size != 0) {
		if (!core_check_range(request, "page.page_size", page->page_size, 1, PAGE_MAXIMUM))
			return false;
		out->limit = page->page_size;
	}
	const char *token = page->page_token != NULL ? page->page_token : "";
	size_t length = strnlen(token, CORE_PAGE_TOKEN_MAX + 1);
	if (length == 0)
		return true;
	unsigned char bytes[CORE_PAGE_TOKEN_MAX / 4 * 3 + 3];
	long size = length <= CORE_PAGE_TOKEN_MAX ? decode(token, length, bytes) : -1;
	if (size < 0 || !read_token(request, sort, bytes, (size_t)size, out)) {
		if (!core_failed(request))
			core_violation(request, "page.page_token", TOKEN_BAD);
		return false;
	}
	out->after = true;
	return true;
}

/* Appends "$n" of a value already added. */
static void append_value(core_query_builder *query, int number)
{
	char text[16];
	snprintf(text, sizeof(text), "$%d", number);
	core_query_append(query, text);
}

/* key = value, or key IS NULL. */
static void append_equal(core_query_builder *query, const core_sort_key *key, int number)
{
	core_query_append(query, key->expression);
	if (number == 0) {
		core_query_append(query, " IS NULL");
		return;
	}
	core_query_append(query, " = ");
	append_value(query, number);
}

/* The rows of key after value in the order; false when there are none
 * (the value is NULL and NULLs sort last): then only later keys decide. */
static bool append_beyond(core_query_builder *query, const core_sort_key *key, int number)
{
	if (number == 0) {
		if (!key->nulls_first)
			return false;
		core_query_append(query, key->expression);
		core_query_append(query, " IS NOT NULL");
		return true;
	}
	bool nulls_after = key->nullable && !key->nulls_first;
	if (nulls_after)
		core_query_append(query, "(");
	core_query_append(query, key->expression);
	core_query_append(query, key->descending ? " < " : " > ");
	append_value(query, number);
	if (nulls_after) {
		core_query_append(query, " OR ");
		core_query_append(query, key->expression);
		core_query_append(query, " IS NULL)");
	}
	return true;
}

void core_query_after(core_query_builder *query, const core_sort *sort, const core_page *page)
{
	if (!page->after)
		return;
	int numbers[CORE_SORT_MAX_KEYS] = { 0 }; /* 0: the value is NULL */
	bool simple = true;
	for (size_t i = 0; i < sort->count; i++) {
		if (page->keys[i] != NULL)
			numbers[i] = core_query_value(query, page->keys[i]);
		simple = simple && page->keys[i] != NULL && !sort->keys[i].nullable &&
		         sort->keys[i].descending == sort->keys[0].descending;
	}
	core_query_append(query, " AND (");
	if (simple) {
		/* One direction, no NULLs: a row comparison, which PostgreSQL
		 * reads as one range of an index on the keys. */
		core_query_append(query, "(");
		for (size_t i = 0; i < sort->count; i++) {
			core_query_append(query, i > 0 ? ", " : "");
			core_query_append(query, sort->keys[i].expression);
		}
		core_query_append(query, sort->keys[0].descending ? ") < (" : ") > (");
		for (size_t i = 0; i < sort->count; i++) {
			core_query_append(query, i > 0 ? ", " : "");
			append_value(query, numbers[i]);
		}
		core_query_append(query, "))");
		return;
	}
	/* Mixed directions ("created_at DESC, id") or NULLs: key by key, the
	 * earlier keys equal and this one beyond. The first key's bound, when
	 * it has one, comes first so that an index on it still limits the
	 * scan. */
	const core_sort_key *first = &sort->keys[0];
	bool bounded = numbers[0] != 0 && !first->nullable;
	if (bounded) {
		core_query_append(query, first->expression);
		core_query_append(query, first->descending ? " <= " : " >= ");
		append_value(query, numbers[0]);
		core_query_append(query, " AND (");
	}
	bool any = false;
	for (size_t i = 0; i < sort->count; i++) {
		/* Written into a copy first: the term may turn out to be empty. */
		core_query_builder term = { .used = 0 };
		core_query_append(&term, any ? " OR (" : "(");
		for (size_t j = 0; j < i; j++) {
			append_equal(&term, &sort->keys[j], numbers[j]);
			core_query_append(&term, " AND ");
		}
		if (!append_beyond(&term, &sort->keys[i], numbers[i]))
			continue;
		core_query_append(&term, ")");
		if (term.overflow)
			query->overflow = true;
		else
			core_query_append(query, term.sql);
		any = true;
	}
	if (!any)
		core_query_append(query, "false");
	core_query_append(query, bounded ? "))" : ")");
}

void core_query_order(core_query_builder *query, const core_sort *sort, const char *alias)
{
	core_query_append(query, " ORDER BY ");
	for (size_t i = 0; i < sort->count; i++) {
		const core_sort_key *key = &sort->keys[i];
		char name[64];
		snprintf(name, sizeof(name), "%.40s%u", alias != NULL ? alias : "",
		         (unsigned)(i + 1));
		core_query_append(query, i > 0 ? ", " : "");
		core_query_append(query, alias != NULL ? name : key->expression);
		core_query_append(query, key->descending ? " DESC" : "");
		if (key->nullable)
			core_query_append(query, key->nulls_first ? " NULLS FIRST" : " NULLS LAST");
	}
}

void core_query_limit(core_request *request, core_query_builder *query, const core_page *page)
{
	core_query_append(query, " LIMIT ");
	append_value(query, core_query_value(query, core_int_text(request, page->limit + 1)));
	core_query_append(query, "::int");
}

char *core_page_token_of(core_request *request, const core_sort *sort, const char *const *values)
{
	size_t size = 6 + 4;
	for (size_t i = 0; i < sort->count; i++)
		size += 3 + (values[i] != NULL ? strlen(values[i]) : 0);
	if (size > CORE_PAGE_TOKEN_MAX / 4 * 3) {
		/* Sort keys are short columns (names, times, ids): a bug. */
		core_fail(request, CHC_INTERNAL, "sort key too long for a page token");
		return NULL;
	}
	unsigned char *bytes = core_alloc(request, size);
	char *token = core_alloc(request, size / 3 * 4 + 5);
	if (bytes == NULL || token == NULL)
		return NULL;
	bytes[0] = TOKEN_VERSION;
	put32(bytes + 1, sort->fingerprint);
	bytes[5] = (unsigned char)sort->count;
	size_t at = 6;
	for (size_t i = 0; i < sort->count; i++) {
		if (values[i] == NULL) {
			bytes[at++] = 0;
			continue;
		}
		size_t length = strlen(values[i]);
		bytes[at++] = 1;
		bytes[at++] = (unsigned char)(length >> 8);
		bytes[at++] = (unsigned char)length;
		memcpy(bytes + at, values[i], length);
		at += length;
	}
	put32(bytes + at, core_fnv1a(CORE_FNV1A_BASIS, bytes, at));
	encode(bytes, at + 4, token);
	return token;
}

char *core_page_token(core_request *request, const core_sort *sort, const PGresult *result, int row,
                      int first)
{
	const char *values[CORE_SORT_MAX_KEYS];
	for (size_t i = 0; i < sort->count; i++) {
		int column = first + (int)i;
		values[i] =
		        PQgetisnull(result, row, column) ? NULL : PQgetvalue(result, row, column);
	}
	return core_page_token_of(request, sort, values);
}

int core_page_fill(core_request *request, const core_sort *sort, const core_page *page,
                   const PGresult *result, int first, Chc__V1__PageInfo *info)
{
	int rows = PQntuples(result);
	int shown = rows < page->limit ? rows : page->limit;
	info->next_page_token = rows > page->limit
	                                ? core_page_token(request, sort, result, shown - 1, first)
	                                : core_strdup(request, "");
	return info->next_page_token != NULL ? shown : -1;
}

Chc__V1__PageInfo *core_page_info_fill(core_request *request, const core_sort *sort,
                                       const core_page *page, const PGresult *result, int first,
                                       int *rows)
{
	Chc__V1__PageInfo *info = core_message_new(request, &chc__v1__page_info__descriptor);
	*rows = info != NULL ? core_page_fill(request, sort, page, result, first, info) : -1;
	return *rows >= 0 ? info : NULL;
}

chc_status core_page_refused(core_request *request, const core_page *page, chc_status status)
{
	if (status != CHC_INVALID_ARGUMENT || !page->after || request->error.violation_count > 0)
		return status;
	/* The filters were checked before any SQL ran: the token's values are
	 * what PostgreSQL could not read. */
	chc_error_fini(&request->error);
	chc_error_init(&request->error);
	return core_violation(request, "page.page_token", TOKEN_BAD);
}
