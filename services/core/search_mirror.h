/*
 * search_mirror.h - a table's search vectors in memory (search_index.h),
 * kept in step with the table across every instance of a service.
 *
 * The table's writes stamp each row they touch with their transaction's
 * generation, taken from a one-row counter whose lock the transaction
 * holds until it commits (migration 0017): generations become visible in
 * the order given out. So a mirror that has every row up to generation g
 * catches up by reading the rows stamped after g, and a caller who wrote
 * before searching finds the write (the search reads the counter first).
 *
 * Housekeeping loads the mirror (and loads it anew once replaced rows
 * outnumber the held ones); until the first load ends, and whenever the
 * index cannot answer a query exactly, the search runs in PostgreSQL as
 * before. Memory: about 550 bytes a row held (100,000 solutions: ~55 MB,
 * measured by bench/run.sh).
 */
#ifndef CORE_SEARCH_MIRROR_H
#define CORE_SEARCH_MIRROR_H

#include <libpq-fe.h>

#include "chc/status.h"
#include "request.h"
#include "search_index.h"

/* What a mirror reads, as SQL over the service's own schema. */
typedef struct core_search_mirror_source {
	const char *name; /* "solutions": names its prepared statements */
	/* One row, one column: the counter ("SELECT generation FROM ..."). */
	const char *generation_sql;
	/* The rows held, key and vector text (search::text), ordered by key,
	 * after key $1 (a key below every key first), at most $2 of them. */
	const char *load_sql;
	/* The rows stamped after generation $1: key, whether held ('t'/'f'),
	 * vector text (NULL when not held); deleted rows not held. */
	const char *changes_sql;
} core_search_mirror_source;

typedef struct core_search_mirror core_search_mirror;

/* NULL when memory ran out. source is static. */
core_search_mirror *core_search_mirror_new(const core_search_mirror_source *source);
void core_search_mirror_free(core_search_mirror *mirror);

/* From housekeeping, on its own connection: the first load, a new load
 * once needed, or catching up. */
chc_status core_search_mirror_maintain(core_search_mirror *mirror, PGconn *connection,
                                       chc_error *error);

/*
 * The page after *after of the rows matching text (the search words as
 * given; parsed as listing.h's searches parse them, or as parsed before),
 * best first, as search_index.h's core_search_index_query; *generation
 * the mirror's when it answered. Words not seen before are parsed in one
 * statement that also reads the counter, and the mirror catches up first
 * when it moved. Words seen before need no statement: the caller reads
 * the page's rows with the counter beside them
 * (core_search_mirror_generation_sql) and, when it is past *generation,
 * catches the mirror up (core_search_mirror_catch_up) and asks again, so
 * that a write made before the search is found by it.
 * CORE_SEARCH_UNSUPPORTED when not loaded or when the index cannot
 * answer; CORE_SEARCH_FAILED with the failure recorded on request when a
 * statement failed.
 */
core_search_outcome core_search_mirror_query(core_search_mirror *mirror, core_request *request,
                                             const char *text, const core_search_after *after,
                                             core_search_hit *hits, size_t limit, size_t *count,
                                             size_t *total, long long *generation);

/* The SQL that reads the counter (one row, one column). */
const char *core_search_mirror_generation_sql(const core_search_mirror *mirror);

/* Takes the rows stamped after the mirror's generation, when seen (a
 * counter read on request's connection) is past it. The failure is
 * recorded on request. */
chc_status core_search_mirror_catch_up(core_search_mirror *mirror, core_request *request,
                                       long long seen);

#endif /* CORE_SEARCH_MIRROR_H */
