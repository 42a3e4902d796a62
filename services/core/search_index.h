/*
 * search_index.h - a table's full-text vectors held in memory, matched and
 * ranked exactly as PostgreSQL's "vector @@ query" and ts_rank(vector,
 * query) would, without reading a table row per match.
 *
 * Why: a search in PostgreSQL visits the heap row of every match to rank
 * it (the GIN index only says which rows match), about 4 us a match here:
 * 5 ms for a query matching 1,200 of 100,000 solutions, 45 ms for one
 * matching 10,000. Held here as postings (lexeme -> documents, each with
 * its share of the rank already computed), the same query costs the
 * postings it reads, tens of nanoseconds each.
 *
 * Exactness is the contract, since a page token made here may be read by
 * the SQL path and the other way round: a query is answered only when the
 * answer is PostgreSQL's, bit for bit (the rank is computed with the float
 * arithmetic of PostgreSQL's calc_rank_or, in its order). Anything else
 * (phrases, prefixes, weights, a query whose top operator is AND with two
 * or more lexemes, which ts_rank ranks by positions, or one that matches
 * documents holding none of its lexemes) is CORE_SEARCH_UNSUPPORTED, and
 * the caller asks PostgreSQL.
 *
 * Not thread-safe: readers may share it, a writer needs it alone
 * (search_mirror.h holds the lock).
 */
#ifndef CORE_SEARCH_INDEX_H
#define CORE_SEARCH_INDEX_H

#include <stdbool.h>
#include <stddef.h>

/* A document's key: a UUID's text, or anything as short that sorts
 * bytewise as the table's key does. */
#define CORE_SEARCH_KEY_MAX 64

typedef struct core_search_index core_search_index;

typedef struct core_search_hit {
	char key[CORE_SEARCH_KEY_MAX];
	float rank; /* what ts_rank(vector, query) gives */
} core_search_hit;

/* Where a page starts: after the hit (rank, key) in the order rank
 * descending, key ascending. */
typedef struct core_search_after {
	bool given;
	float rank;
	const char *key;
} core_search_after;

typedef enum core_search_outcome {
	CORE_SEARCH_ANSWERED,
	CORE_SEARCH_UNSUPPORTED, /* ask PostgreSQL */
	CORE_SEARCH_NO_MEMORY,
	CORE_SEARCH_FAILED, /* search_mirror.h: a statement failed, recorded on the request */
} core_search_outcome;

/* NULL when memory ran out. */
core_search_index *core_search_index_new(void);
void core_search_index_free(core_search_index *index);

/*
 * Puts document key with vector, a tsvector in PostgreSQL's text output
 * ("'care':3B 'dement':1A,5B"), in place of what key held. False when
 * memory ran out or the text is not a tsvector's output (the index is
 * unchanged but for key, which then holds nothing).
 */
bool core_search_index_put(core_search_index *index, const char *key, const char *vector);

/* Drops document key, when held. */
void core_search_index_remove(core_search_index *index, const char *key);

/* Documents held, and slots of documents since dropped or replaced (their
 * postings stay until the index is built anew). */
size_t core_search_index_documents(const core_search_index *index);
size_t core_search_index_dropped(const core_search_index *index);

/*
 * The documents matching query, a tsquery in PostgreSQL's text output
 * ("'heart' & 'failur' | 'heart' & 'failure'"), after *after, best first:
 * up to limit of them in hits, their number in *count, and every match
 * (after or not) in *total. An empty query matches nothing, as in
 * PostgreSQL.
 */
core_search_outcome core_search_index_query(core_search_index *index, const char *query,
                                            const core_search_after *after, core_search_hit *hits,
                                            size_t limit, size_t *count, size_t *total);

#endif /* CORE_SEARCH_INDEX_H */
