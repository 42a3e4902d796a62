/*
 * test_listing.c - a page of records as a List or Search reply, and the
 * keyset page tokens and SQL every list pages by.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chc_test_main.h"

#include "chc/v1/municipalities.pb-c.h"
#include "keyset.h"
#include "listing.h"

static void list_reply_holds_the_page(void **state)
{
	(void)state;
	core_request request = { 0 };
	Chc__V1__Need first = CHC__V1__NEED__INIT, second = CHC__V1__NEED__INIT;
	ProtobufCMessage *messages[] = { &first.base, &second.base, NULL };
	core_list_page found = { .messages = messages, .count = 2 };
	found.page = (Chc__V1__PageInfo)CHC__V1__PAGE_INFO__INIT;
	found.page.total_size = 7;
	const Chc__V1__ListNeedsResponse *reply =
	        (const Chc__V1__ListNeedsResponse *)core_page_reply(
	                &request, &chc__v1__list_needs_response__descriptor, &found);
	assert_non_null(reply);
	assert_int_equal(reply->n_needs, 2);
	assert_ptr_equal(reply->needs[1], &second);
	/* The page is the reply's own: found may be gone before it is sent. */
	assert_ptr_not_equal(reply->page, &found.page);
	assert_int_equal(reply->page->total_size, 7);
	assert_false(core_failed(&request));
	core_request_fini(&request);
}

static void search_reply_holds_the_ranks(void **state)
{
	(void)state;
	core_request request = { 0 };
	Chc__V1__Need need = CHC__V1__NEED__INIT;
	ProtobufCMessage *messages[] = { &need.base, NULL };
	float ranks[] = { 0.5f };
	core_list_page found = { .messages = messages, .count = 1, .ranks = ranks };
	found.page = (Chc__V1__PageInfo)CHC__V1__PAGE_INFO__INIT;
	const Chc__V1__SearchNeedsResponse *reply =
	        (const Chc__V1__SearchNeedsResponse *)core_page_reply(
	                &request, &chc__v1__search_needs_response__descriptor, &found);
	assert_non_null(reply);
	assert_int_equal(reply->n_needs, 1);
	assert_int_equal(reply->n_ranks, 1);
	assert_true(reply->ranks[0] == 0.5f);
	assert_non_null(reply->page);
	core_request_fini(&request);
}

static void a_reply_without_a_page_is_a_bug(void **state)
{
	(void)state;
	core_request request = { 0 };
	core_list_page found = { 0 };
	assert_null(core_page_reply(&request, &chc__v1__need__descriptor, &found));
	assert_int_equal(request.error.code, CHC_INTERNAL);
	core_request_fini(&request);
}

static void sort_keys_are_parsed(void **state)
{
	(void)state;
	core_sort sort;
	assert_true(core_sort_parse(&sort, "projects.projects p", "p.updated_at DESC, p.id"));
	assert_int_equal(sort.count, 2);
	assert_string_equal(sort.keys[0].expression, "p.updated_at");
	assert_true(sort.keys[0].descending);
	assert_false(sort.keys[0].nullable);
	assert_string_equal(sort.keys[1].expression, "p.id");
	assert_false(sort.keys[1].descending);
	uint32_t list = sort.fingerprint;
	/* A comma inside a call does not split the key. */
	assert_true(
	        core_sort_parse(&sort, "projects.projects p", "ts_rank(p.search, q.q) DESC, p.id"));
	assert_int_equal(sort.count, 2);
	assert_string_equal(sort.keys[0].expression, "ts_rank(p.search, q.q)");
	assert_true(sort.fingerprint != list);
	assert_true(core_sort_parse(&sort, "t", "g desc nulls last, n ASC NULLS FIRST, id asc"));
	assert_int_equal(sort.count, 3);
	assert_true(sort.keys[0].descending && sort.keys[0].nullable && !sort.keys[0].nulls_first);
	assert_true(!sort.keys[1].descending && sort.keys[1].nullable && sort.keys[1].nulls_first);
	assert_string_equal(sort.keys[1].expression, "n");
	assert_string_equal(sort.keys[2].expression, "id");
	/* The same order of another table is another list. */
	core_sort other;
	assert_true(core_sort_parse(&other, "u", "g desc nulls last, n ASC NULLS FIRST, id asc"));
	assert_true(other.fingerprint != sort.fingerprint);
	assert_false(core_sort_parse(&sort, "t", ""));
	assert_false(core_sort_parse(&sort, "t", "a, , b"));
	assert_false(core_sort_parse(&sort, "t", "a, b, c, d, e, f, g"));
}

/* A result as PostgreSQL would return it: rows of two text columns, NULL
 * where a value is NULL. */
static PGresult *rows_of(const char *const (*values)[2], int rows)
{
	PGresult *result = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	PGresAttDesc columns[2] = { { .name = "a", .format = 0, .typid = 25, .typlen = -1 },
		                    { .name = "b", .format = 0, .typid = 25, .typlen = -1 } };
	assert_true(PQsetResultAttrs(result, 2, columns));
	for (int row = 0; row < rows; row++)
		for (int column = 0; column < 2; column++) {
			const char *value = values[row][column];
			assert_true(PQsetvalue(result, row, column, (char *)value,
			                       value != NULL ? (int)strlen(value) : -1));
		}
	return result;
}

static void page_tokens_round_trip(void **state)
{
	(void)state;
	core_request request = { 0 };
	core_sort sort;
	assert_true(core_sort_parse(&sort, "companies.companies c", "c.name, c.id"));
	static const char *const values[][2] = {
		{ "Ærø \"Sundhed\" ApS, 'x'", "5f0c6f8e-4a8e-4d3c-9a52-0e1c2b3a4d5e" },
		{ NULL, "1" },
	};
	PGresult *result = rows_of(values, 2);
	for (int row = 0; row < 2; row++) {
		char *token = core_page_token(&request, &sort, result, row, 0);
		assert_non_null(token);
		/* It goes on a command line as it is. */
		assert_int_equal(strspn(token,
		                        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		                        "0123456789-_"),
		                 strlen(token));
		Chc__V1__PageRequest page = CHC__V1__PAGE_REQUEST__INIT;
		page.page_token = token;
		page.page_size = 3;
		core_page read;
		assert_true(core_page_read(&request, &page, &sort, &read));
		assert_true(read.after);
		assert_false(read.want_total);
		assert_int_equal(read.limit, 3);
		if (values[row][0] == NULL)
			assert_null(read.keys[0]);
		else
			assert_string_equal(read.keys[0], values[row][0]);
		assert_string_equal(read.keys[1], values[row][1]);
	}
	/* No token: the first page, of 50 unless told. */
	core_page read;
	assert_true(core_page_read(&request, NULL, &sort, &read));
	assert_false(read.after);
	assert_int_equal(read.limit, 50);
	assert_false(core_failed(&request));
	PQclear(result);
	core_request_fini(&request);
}

/* The token must be refused, naming page.page_token. */
static void expect_refused(const core_sort *sort, const char *token)
{
	core_request request = { 0 };
	Chc__V1__PageRequest page = CHC__V1__PAGE_REQUEST__INIT;
	page.page_token = (char *)token;
	core_page read;
	if (core_page_read(&request, &page, sort, &read))
		fail_msg("token \"%.40s\" was taken", token);
	assert_int_equal(request.error.code, CHC_INVALID_ARGUMENT);
	assert_int_equal(request.error.violation_count, 1);
	assert_string_equal(request.error.violations[0].field, "page.page_token");
	core_request_fini(&request);
}

static void bad_page_tokens_are_refused(void **state)
{
	(void)state;
	core_request request = { 0 };
	core_sort sort, other;
	assert_true(core_sort_parse(&sort, "companies.companies c", "c.name, c.id"));
	assert_true(core_sort_parse(&other, "matching.test_beds t", "t.name, t.id"));
	static const char *const values[][2] = { { "Nordlys",
		                                   "5f0c6f8e-4a8e-4d3c-9a52-0e1c2b3a4d5e" } };
	PGresult *result = rows_of(values, 1);
	char *token = core_page_token(&request, &sort, result, 0, 0);
	assert_non_null(token);
	size_t length = strlen(token);
	/* The old offset tokens, and what is not base64url. */
	expect_refused(&sort, "o50");
	expect_refused(&sort, "garbage!");
	expect_refused(&sort, "AAAA");
	expect_refused(&sort, "A");
	/* Every single character changed, and every shorter prefix. */
	char *altered = strdup(token);
	for (size_t i = 0; i < length; i++) {
		char kept = altered[i];
		altered[i] = kept == 'A' ? 'B' : 'A';
		expect_refused(&sort, altered);
		altered[i] = kept;
		char *prefix = strndup(token, i);
		if (i > 0)
			expect_refused(&sort, prefix);
		free(prefix);
	}
	free(altered);
	/* More after it, another list's, and far too long. */
	char *longer = malloc(length + 5);
	snprintf(longer, length + 5, "%sAAAA", token);
	expect_refused(&sort, longer);
	free(longer);
	expect_refused(&other, token);
	char *huge = malloc(CORE_PAGE_TOKEN_MAX + 10);
	memset(huge, 'A', CORE_PAGE_TOKEN_MAX + 9);
	huge[CORE_PAGE_TOKEN_MAX + 9] = '\0';
	expect_refused(&sort, huge);
	free(huge);
	/* A bad size is its own field. */
	Chc__V1__PageRequest page = CHC__V1__PAGE_REQUEST__INIT;
	page.page_size = 501;
	core_page read;
	assert_false(core_page_read(&request, &page, &sort, &read));
	assert_string_equal(request.error.violations[0].field, "page.page_size");
	PQclear(result);
	core_request_fini(&request);
}

/* The SQL core_query_after writes for sort after keys. */
static void expect_after(const char *order, const char *first, const char *second,
                         const char *expected)
{
	core_sort sort;
	assert_true(core_sort_parse(&sort, "t", order));
	core_page page = { .limit = 10, .after = true, .keys = { first, second } };
	core_query_builder query = { .used = 0 };
	core_query_after(&query, &sort, &page);
	assert_false(query.overflow);
	assert_string_equal(query.sql, expected);
}

static void rows_after_the_token(void **state)
{
	(void)state;
	/* One direction: a row comparison, one index range. */
	expect_after("name, id", "N", "7", " AND ((name, id) > ($1, $2))");
	expect_after("at DESC, id DESC", "T", "7", " AND ((at, id) < ($1, $2))");
	/* Mixed: key by key, the first key's bound ahead. */
	expect_after("at DESC, id", "T", "7",
	             " AND (at <= $1 AND ((at < $1) OR (at = $1 AND id > $2)))");
	/* NULLs sort last here: after a value come the smaller values and the
	 * NULLs; after a NULL only the NULLs with a later id. */
	expect_after("g DESC NULLS LAST, id", "2", "7",
	             " AND (((g < $1 OR g IS NULL)) OR (g = $1 AND id > $2))");
	expect_after("g DESC NULLS LAST, id", NULL, "7", " AND ((g IS NULL AND id > $1))");
	/* NULLs first: after a NULL come the rest of the NULLs and every value. */
	expect_after("g NULLS FIRST, id", NULL, "7",
	             " AND ((g IS NOT NULL) OR (g IS NULL AND id > $1))");
	expect_after("g NULLS FIRST, id", "2", "7", " AND ((g > $1) OR (g = $1 AND id > $2))");
	/* No token: no condition. */
	core_sort sort;
	assert_true(core_sort_parse(&sort, "t", "name, id"));
	core_page first = { .limit = 10 };
	core_query_builder query = { .used = 0 };
	core_query_after(&query, &sort, &first);
	assert_string_equal(query.sql, "");
}

static void a_next_page_only_when_a_row_is_past_this_one(void **state)
{
	(void)state;
	core_request request = { 0 };
	core_sort sort;
	assert_true(core_sort_parse(&sort, "t", "name, id"));
	static const char *const values[][2] = { { "a", "1" }, { "a", "2" }, { "b", "3" } };
	core_page page = { .limit = 2 };
	PGresult *result = rows_of(values, 3);
	Chc__V1__PageInfo info = CHC__V1__PAGE_INFO__INIT;
	assert_int_equal(core_page_fill(&request, &sort, &page, result, 0, &info), 2);
	Chc__V1__PageRequest next = CHC__V1__PAGE_REQUEST__INIT;
	next.page_token = info.next_page_token;
	core_page read;
	assert_true(core_page_read(&request, &next, &sort, &read));
	/* The last row shown, not the one read past it. */
	assert_string_equal(read.keys[0], "a");
	assert_string_equal(read.keys[1], "2");
	PQclear(result);
	result = rows_of(values, 2);
	assert_int_equal(core_page_fill(&request, &sort, &page, result, 0, &info), 2);
	assert_string_equal(info.next_page_token, "");
	PQclear(result);
	core_request_fini(&request);
}

CHC_TEST_MAIN(NULL, NULL, cmocka_unit_test(list_reply_holds_the_page),
              cmocka_unit_test(search_reply_holds_the_ranks),
              cmocka_unit_test(a_reply_without_a_page_is_a_bug),
              cmocka_unit_test(sort_keys_are_parsed), cmocka_unit_test(page_tokens_round_trip),
              cmocka_unit_test(bad_page_tokens_are_refused), cmocka_unit_test(rows_after_the_token),
              cmocka_unit_test(a_next_page_only_when_a_row_is_past_this_one))
