/*
 * test_paging.c - keyset pages against a real PostgreSQL: core_list and
 * core_search walked page by page over rows that tie on their sort keys,
 * hold NULLs and sort descending must show every row exactly once, in the
 * order one query over all of them gives; the total only when asked; a
 * token PostgreSQL cannot read is a bad page.page_token, not an error.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chc_test_main.h"

#include "chc/v1/municipalities.pb-c.h"
#include "chc/v1/tokens.pb-c.h"
#include "db.h"
#include "harness.h"
#include "keyset.h"
#include "listing.h"
#include "request.h"

#define ROWS           41
#define STRING(x)      #x
#define NUMBER_TEXT(x) STRING(x)

static core_db database;
static PGconn *connection;

static void run(const char *sql)
{
	PGresult *result = PQexec(connection, sql);
	if (PQresultStatus(result) != PGRES_COMMAND_OK && PQresultStatus(result) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(connection));
	PQclear(result);
}

static int setup(void **state)
{
	(void)state;
	chc_error error = { 0 };
	if (core_db_init(&database, harness_database_url()) != CHC_OK)
		return -1;
	connection = core_db_connection(&database, &error);
	chc_error_fini(&error);
	if (connection == NULL)
		return -1;
	/*
	 * Few names, groups and times for many rows: most rows tie with others
	 * on their first sort key (and some on two), a fifth have no group,
	 * times differ in microseconds, and words repeat so that search ranks
	 * tie too.
	 */
	run("DROP SCHEMA IF EXISTS paging_test CASCADE; CREATE SCHEMA paging_test; "
	    "CREATE TABLE paging_test.items (id int PRIMARY KEY, name text NOT NULL, grp int, "
	    "at timestamptz NOT NULL, body tsvector NOT NULL); "
	    "INSERT INTO paging_test.items SELECT i, (ARRAY['Ærø', 'alfa', 'Alfa', 'beta, \"b\"', "
	    "'alfa'])[i % 5 + 1], CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 END, "
	    "timestamptz '2024-05-01 10:00:00.123456+02' + (i % 4) * interval '1 microsecond', "
	    "to_tsvector('english', repeat('apple ', i % 3 + 1) || CASE WHEN i % 2 = 0 THEN "
	    "'pear' ELSE 'plum' END) FROM generate_series(1, " NUMBER_TEXT(ROWS) ") i");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	run("DROP SCHEMA IF EXISTS paging_test CASCADE");
	core_db_fini(&database);
	return 0;
}

/* The ids of sql's rows, in its order. */
static int expected_ids(const char *sql, int *ids)
{
	PGresult *result = PQexec(connection, sql);
	assert_int_equal(PQresultStatus(result), PGRES_TUPLES_OK);
	int rows = PQntuples(result);
	for (int i = 0; i < rows; i++)
		ids[i] = atoi(PQgetvalue(result, i, 0));
	PQclear(result);
	return rows;
}

/* One page of listing: a List (search NULL) or a Search for search. */
static chc_status one_page(const core_listing *listing, const char *search,
                           Chc__V1__PageRequest *page, core_request *request, core_list_page *found)
{
	*request = (core_request){ .db = connection, .database = &database, .method = "test" };
	*found = (core_list_page){ 0 };
	if (search == NULL) {
		/* A request with a page and no filters: ListTokens' shape. */
		Chc__V1__ListTokensRequest input = CHC__V1__LIST_TOKENS_REQUEST__INIT;
		input.page = page;
		return core_list(request, listing, &input.base, found);
	}
	Chc__V1__SearchNeedsRequest input = CHC__V1__SEARCH_NEEDS_REQUEST__INIT;
	input.query = (char *)search;
	input.page = page;
	return core_search(request, listing, NULL, &input.base, NULL, found);
}

/* Walks the whole list page by page at every size from 1 to 3 (and one
 * larger than the list) and checks it against the ids of expected_sql. */
static void walk(const core_listing *listing, const char *search, const char *expected_sql)
{
	int expected[ROWS];
	int count = expected_ids(expected_sql, expected);
	assert_true(count > 3);
	static const int sizes[] = { 1, 2, 3, 500 };
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		int seen = 0, pages = 0;
		char *token = strdup("");
		do {
			Chc__V1__PageRequest page = CHC__V1__PAGE_REQUEST__INIT;
			page.page_size = sizes[s];
			page.page_token = token;
			page.want_total = pages == 0;
			core_request request;
			core_list_page found;
			if (one_page(listing, search, &page, &request, &found) != CHC_OK)
				fail_msg("%s, size %d, page %d: %s", listing->order, sizes[s],
				         pages, request.error.message);
			/* The total when asked (page one), else 0. */
			assert_int_equal(found.page.total_size, pages == 0 ? count : 0);
			int rows = PQntuples(found.rows);
			assert_true(rows <= sizes[s]);
			for (int i = 0; i < rows; i++) {
				int id = atoi(PQgetvalue(found.rows, i, 0));
				if (seen >= count || id != expected[seen])
					fail_msg("%s, size %d: row %d is %d, not %d",
					         listing->order, sizes[s], seen, id,
					         seen < count ? expected[seen] : -1);
				seen++;
			}
			/* A next page only when there are rows left: never an
			 * empty last page. */
			assert_int_equal(found.page.next_page_token[0] != '\0', seen < count);
			free(token);
			token = strdup(found.page.next_page_token);
			pages++;
			core_request_fini(&request);
		} while (token[0] != '\0');
		free(token);
		assert_int_equal(seen, count);
	}
}

#define ITEMS "paging_test.items t"

/* A listing of the test's items, one column, the id; key NULL: sorted in
 * one stage; search NULL: not searched. */
static core_listing items_listing(const char *key, const char *order, const char *search)
{
	return (core_listing){ .table = ITEMS,
		               .key = key,
		               .columns = "t.id",
		               .column_count = 1,
		               .order = order,
		               .search = search };
}

static void lists_walk_every_row_once(void **state)
{
	(void)state;
	/* Ascending with ties on the name (and the collation's order of case
	 * and of Æ). */
	core_listing by_name = items_listing(NULL, "t.name, t.id", NULL);
	walk(&by_name, NULL, "SELECT id FROM " ITEMS " ORDER BY t.name, t.id");
	/* Descending then ascending, ties on times a microsecond apart. */
	core_listing newest = items_listing(NULL, "t.at DESC, t.id", NULL);
	walk(&newest, NULL, "SELECT id FROM " ITEMS " ORDER BY t.at DESC, t.id");
	/* The same in two stages (keys first, then the page's columns). */
	newest.key = "t.id";
	walk(&newest, NULL, "SELECT id FROM " ITEMS " ORDER BY t.at DESC, t.id");
	/* Three keys, one all descending. */
	core_listing three = items_listing("t.id", "t.name DESC, t.at DESC, t.id DESC", NULL);
	walk(&three, NULL, "SELECT id FROM " ITEMS " ORDER BY t.name DESC, t.at DESC, t.id DESC");
	/* NULLs in a sort column, last and first, either direction. */
	core_listing groups = items_listing(NULL, "t.grp NULLS LAST, t.id", NULL);
	walk(&groups, NULL, "SELECT id FROM " ITEMS " ORDER BY t.grp NULLS LAST, t.id");
	groups.order = "t.grp DESC NULLS LAST, t.name, t.id";
	walk(&groups, NULL,
	     "SELECT id FROM " ITEMS " ORDER BY t.grp DESC NULLS LAST, t.name, t.id");
	groups.order = "t.grp NULLS FIRST, t.id DESC";
	walk(&groups, NULL, "SELECT id FROM " ITEMS " ORDER BY t.grp NULLS FIRST, t.id DESC");
	groups.order = "t.grp DESC NULLS FIRST, t.id";
	walk(&groups, NULL, "SELECT id FROM " ITEMS " ORDER BY t.grp DESC NULLS FIRST, t.id");
}

static void searches_walk_every_match_once(void **state)
{
	(void)state;
	/* Ranks are reals, and most tie: the token carries them exactly. */
	core_listing items = items_listing("t.id", "t.id", "t.body");
	walk(&items, "apple",
	     "SELECT id FROM " ITEMS ", (SELECT websearch_to_tsquery('danish', 'apple') || "
	     "websearch_to_tsquery('english', 'apple') AS q) q WHERE t.body @@ q.q "
	     "ORDER BY ts_rank(t.body, q.q) DESC, t.id");
	walk(&items, "apple pear",
	     "SELECT id FROM " ITEMS ", (SELECT websearch_to_tsquery('danish', 'apple pear') || "
	     "websearch_to_tsquery('english', 'apple pear') AS q) q WHERE t.body @@ q.q "
	     "ORDER BY ts_rank(t.body, q.q) DESC, t.id");
}

static void bad_tokens_are_invalid_arguments(void **state)
{
	(void)state;
	core_listing newest = items_listing("t.id", "t.at DESC, t.id", NULL);
	core_listing by_name = items_listing(NULL, "t.name, t.id", NULL);
	Chc__V1__PageRequest page = CHC__V1__PAGE_REQUEST__INIT;
	page.page_size = 2;
	core_request request;
	core_list_page found;
	assert_int_equal(one_page(&newest, NULL, &page, &request, &found), CHC_OK);
	char *token = strdup(found.page.next_page_token);
	core_request_fini(&request);

	/* Another list's token, an altered one, an old offset. */
	const char *bad[] = { "o2", "", "%%", NULL };
	char altered[CORE_PAGE_TOKEN_MAX];
	snprintf(altered, sizeof(altered), "%s", token);
	altered[3] = altered[3] == 'A' ? 'B' : 'A';
	bad[1] = altered;
	for (size_t i = 0; bad[i] != NULL; i++) {
		page.page_token = (char *)bad[i];
		assert_int_equal(one_page(&newest, NULL, &page, &request, &found),
		                 CHC_INVALID_ARGUMENT);
		assert_string_equal(request.error.violations[0].field, "page.page_token");
		core_request_fini(&request);
	}
	page.page_token = token;
	assert_int_equal(one_page(&by_name, NULL, &page, &request, &found), CHC_INVALID_ARGUMENT);
	assert_string_equal(request.error.violations[0].field, "page.page_token");
	core_request_fini(&request);
	/* A list's token is no search's. */
	newest.search = "t.body";
	assert_int_equal(one_page(&newest, "apple", &page, &request, &found), CHC_INVALID_ARGUMENT);
	assert_string_equal(request.error.violations[0].field, "page.page_token");
	core_request_fini(&request);
	newest.search = NULL;

	/* Made by hand, with a valid check sum, holding what is no time: the
	 * query fails in PostgreSQL, and the caller hears of its token. */
	core_sort sort;
	assert_true(core_sort_parse(&sort, newest.table, newest.order));
	PGresult *forged = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	PGresAttDesc columns[2] = { { .name = "at", .typid = 25, .typlen = -1 },
		                    { .name = "id", .typid = 25, .typlen = -1 } };
	assert_true(PQsetResultAttrs(forged, 2, columns));
	assert_true(PQsetvalue(forged, 0, 0, "yesterday-ish", 13));
	assert_true(PQsetvalue(forged, 0, 1, "7", 1));
	core_request maker = { 0 };
	page.page_token = core_page_token(&maker, &sort, forged, 0, 0);
	assert_non_null(page.page_token);
	assert_int_equal(one_page(&newest, NULL, &page, &request, &found), CHC_INVALID_ARGUMENT);
	assert_int_equal(request.error.violation_count, 1);
	assert_string_equal(request.error.violations[0].field, "page.page_token");
	core_request_fini(&request);
	/* The connection is fine afterwards. */
	page.page_token = token;
	assert_int_equal(one_page(&newest, NULL, &page, &request, &found), CHC_OK);
	assert_int_equal(PQntuples(found.rows), 2);
	core_request_fini(&request);
	core_request_fini(&maker);
	PQclear(forged);
	free(token);
}

CHC_TEST_MAIN(setup, teardown, cmocka_unit_test(lists_walk_every_row_once),
              cmocka_unit_test(searches_walk_every_match_once),
              cmocka_unit_test(bad_tokens_are_invalid_arguments))
