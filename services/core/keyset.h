/*
 * keyset.h - pages that start after the last row of the page before.
 *
 * A page token carries the sort key of the previous page's last row (the
 * order always ends with a unique key, so the row is known exactly), and
 * the next page is read as "the rows after it in the order": an index
 * range, not OFFSET, so page 1,000 costs what page 1 does. The number of
 * matching rows is counted only when the caller asks (PageRequest
 * .want_total), since counting reads every match.
 */
#ifndef CORE_KEYSET_H
#define CORE_KEYSET_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "chc/v1/common.pb-c.h"
#include "query_builder.h"
#include "request.h"

#define CORE_SORT_MAX_KEYS 6
/* A token holds whole sort values (a name of 200 characters); longer than
 * this, it is not one of ours. */
#define CORE_PAGE_TOKEN_MAX 4096

typedef struct core_sort_key {
	char expression[160]; /* "s.name", "ts_rank(s.search, q.q)" */
	bool descending;
	/* The order names where NULLs go ("... NULLS LAST"): the column may
	 * hold NULL. A key without it is taken to be NOT NULL, which lets the
	 * next page be one index range. */
	bool nullable;
	bool nulls_first; /* where NULLs sort (PostgreSQL: last ascending, first descending) */
} core_sort_key;

/* A list's order, key by key. */
typedef struct core_sort {
	core_sort_key keys[CORE_SORT_MAX_KEYS];
	size_t count;
	/* Of the list's name and order: a token from another list (or from
	 * this one before its order changed) is refused, not misread. */
	uint32_t fingerprint;
} core_sort;

/*
 * Parses an ORDER BY list ("p.updated_at DESC, p.id"; each key may end in
 * ASC or DESC, then NULLS FIRST or NULLS LAST) of the list called list
 * (its table: what tells its tokens apart from other lists'). False when
 * it has no keys, too many, or one too long: a bug in the listing.
 */
bool core_sort_parse(core_sort *sort, const char *list, const char *order);

/* One PageRequest, read. */
typedef struct core_page {
	int limit; /* rows on the page */
	bool want_total;
	/* A token was given: the page starts after the row whose sort key
	 * values are keys (request-owned; NULL is SQL NULL). */
	bool after;
	const char *keys[CORE_SORT_MAX_KEYS];
} core_page;

/*
 * Reads page (NULL: the first page of 50) for a list in sort's order. An
 * invalid size or a token this list did not give out (malformed, altered,
 * or another list's) is a violation of page.page_size / page.page_token.
 */
bool core_page_read(core_request *request, const Chc__V1__PageRequest *page, const core_sort *sort,
                    core_page *out);

/*
 * Appends " AND (...)": the rows after page's keys in sort's order, each
 * key value a parameter. Nothing when page starts at the first row.
 */
void core_query_after(core_query_builder *query, const core_sort *sort, const core_page *page);

/* Appends " ORDER BY" and the keys as prefix<expression>: "page.k1 DESC". With
 * prefix NULL, each key's own expression. */
void core_query_order(core_query_builder *query, const core_sort *sort, const char *prefix);

/* Appends " LIMIT $n" of one row more than the page: that row, when it
 * comes, tells that there is a next page (and is not shown). */
void core_query_limit(core_request *request, core_query_builder *query, const core_page *page);

/* The token of the page after row of result, whose sort key values are
 * its columns first..first+sort->count-1. Request-owned; NULL when memory
 * ran out (recorded). */
char *core_page_token(core_request *request, const core_sort *sort, const PGresult *result, int row,
                      int first);

/* The same from the sort key values themselves (NULL is SQL NULL), for a
 * page that did not come from PostgreSQL (search_mirror.h). */
char *core_page_token_of(core_request *request, const core_sort *sort, const char *const *values);

/*
 * For a query read with core_query_limit: the rows to show (at most the
 * page's limit) and info's next_page_token ("" on the last page), made
 * from the last row shown, whose keys are columns first... Returns -1 when
 * memory ran out (recorded).
 */
int core_page_fill(core_request *request, const core_sort *sort, const core_page *page,
                   const PGresult *result, int first, Chc__V1__PageInfo *info);

/* core_page_fill into a new request-owned page info, for a reply that is
 * request-owned too; *rows the rows to show. NULL with the failure
 * recorded (memory). */
Chc__V1__PageInfo *core_page_info_fill(core_request *request, const core_sort *sort,
                                       const core_page *page, const PGresult *result, int first,
                                       int *rows);

/*
 * A query that failed as INVALID_ARGUMENT after page's token was read:
 * PostgreSQL refused one of its values (a token made by hand with a valid
 * check sum). The failure becomes a violation of page.page_token, as a
 * malformed token is. Returns the request's status.
 */
chc_status core_page_refused(core_request *request, const core_page *page, chc_status status);

#endif /* CORE_KEYSET_H */
