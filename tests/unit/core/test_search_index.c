/*
 * test_search_index.c - the in-memory search index: reading PostgreSQL's
 * tsvector and tsquery text, matching, ranking, paging, and refusing what
 * it cannot rank as PostgreSQL does. (test_solutions compares it with
 * PostgreSQL itself, rank for rank.)
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "chc_test_main.h"

#include "search_index.h"

static core_search_index *index_of_three(void)
{
	core_search_index *index = core_search_index_new();
	assert_non_null(index);
	assert_true(core_search_index_put(index, "a", "'failur':2A 'heart':1A"));
	assert_true(core_search_index_put(index, "b", "'heart':3B 'monitor':4B,7B"));
	assert_true(core_search_index_put(index, "c", "'o''brien':1 'back\\\\slash':2C"));
	return index;
}

static core_search_outcome query(core_search_index *index, const char *text,
                                 const core_search_after *after, core_search_hit *hits,
                                 size_t limit, size_t *count, size_t *total)
{
	return core_search_index_query(index, text, after, hits, limit, count, total);
}

static void ranks_are_ts_rank(void **state)
{
	(void)state;
	core_search_index *index = index_of_three();
	core_search_hit hits[4];
	size_t count = 0, total = 0;
	core_search_after first = { .given = false };
	assert_int_equal(query(index, "'heart'", &first, hits, 4, &count, &total),
	                 CORE_SEARCH_ANSWERED);
	assert_int_equal(count, 2);
	assert_int_equal(total, 2);
	/* ts_rank of one position of weight A: 1 / (pi^2 / 6); of B: 0.4 of it. */
	assert_string_equal(hits[0].key, "a");
	assert_true(fabsf(hits[0].rank - 0.6079271f) < 1e-7f);
	assert_string_equal(hits[1].key, "b");
	assert_true(fabsf(hits[1].rank - 0.2431708f) < 1e-7f);
	/* Two lexemes: the sum of their shares over two. */
	assert_int_equal(query(index, "'heart' | 'monitor'", &first, hits, 4, &count, &total),
	                 CORE_SEARCH_ANSWERED);
	assert_int_equal(count, 2);
	assert_string_equal(hits[0].key, "a");
	assert_true(fabsf(hits[0].rank - 0.6079271f / 2) < 1e-7f);
	/* b: 0.2431708 for heart, (0.4 + 0.5 - 0.4) / (pi^2 / 6) for monitor's two. */
	assert_string_equal(hits[1].key, "b");
	assert_true(fabsf(hits[1].rank - (0.2431708f + 0.3039636f) / 2) < 1e-6f);
	core_search_index_free(index);
}

static void operators_match_as_in_postgresql(void **state)
{
	(void)state;
	core_search_index *index = index_of_three();
	core_search_hit hits[4];
	size_t count = 0, total = 0;
	core_search_after first = { .given = false };
	/* What websearch_to_tsquery in two languages gives: AND under OR. */
	assert_int_equal(query(index, "'heart' & 'failur' | 'heart' & 'failure'", &first, hits, 4,
	                       &count, &total),
	                 CORE_SEARCH_ANSWERED);
	assert_int_equal(count, 1);
	assert_string_equal(hits[0].key, "a");
	assert_int_equal(
	        query(index, "'heart' & !'failur' | 'zebra'", &first, hits, 4, &count, &total),
	        CORE_SEARCH_ANSWERED);
	assert_int_equal(count, 1);
	assert_string_equal(hits[0].key, "b");
	assert_int_equal(query(index, "( 'zebra' | 'monitor' ) & 'heart' | 'o''brien'", &first,
	                       hits, 4, &count, &total),
	                 CORE_SEARCH_ANSWERED);
	assert_int_equal(count, 2);
	/* Quotes and backslashes come escaped in both texts. */
	assert_int_equal(query(index, "'back\\\\slash'", &first, hits, 4, &count, &total),
	                 CORE_SEARCH_ANSWERED);
	assert_int_equal(count, 1);
	assert_string_equal(hits[0].key, "c");
	/* No lexemes (all stop words): nothing, as in PostgreSQL. */
	assert_int_equal(query(index, "", &first, hits, 4, &count, &total), CORE_SEARCH_ANSWERED);
	assert_int_equal(total, 0);
	core_search_index_free(index);
}

static void what_it_cannot_rank_goes_to_postgresql(void **state)
{
	(void)state;
	core_search_index *index = index_of_three();
	core_search_hit hits[4];
	size_t count = 0, total = 0;
	core_search_after first = { .given = false };
	const char *refused[] = {
		"'heart' & 'failur'",   /* ranked by distances under AND */
		"'heart' <-> 'failur'", /* a phrase */
		"'heart' <2> 'failur'", /* a phrase with a distance */
		"'heart':*",            /* a prefix */
		"'heart':A | 'failur'", /* a weight */
		"!'heart'",             /* matches what holds none of its lexemes */
		"'heart' | !'failur'",  /* the same */
		"( 'heart' | 'monitor' ) & 'failur'",
		"'heart' |", /* not a tsquery's output */
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		assert_int_equal(query(index, refused[i], &first, hits, 4, &count, &total),
		                 CORE_SEARCH_UNSUPPORTED);
	/* One lexeme twice under AND is ranked as one: answered. */
	assert_int_equal(query(index, "'heart' & 'heart'", &first, hits, 4, &count, &total),
	                 CORE_SEARCH_ANSWERED);
	assert_int_equal(count, 2);
	core_search_index_free(index);
}

static void pages_follow_rank_then_key(void **state)
{
	(void)state;
	core_search_index *index = core_search_index_new();
	const char *keys[] = { "k3", "k1", "k5", "k2", "k4" };
	for (size_t i = 0; i < 5; i++)
		assert_true(core_search_index_put(index, keys[i], "'same':1"));
	assert_true(core_search_index_put(index, "k0", "'same':1A"));
	core_search_hit hits[3];
	size_t count = 0, total = 0;
	core_search_after after = { .given = false };
	char seen[64] = "";
	/* The token's key outlives the hits it came from, as a caller's does. */
	char last[CORE_SEARCH_KEY_MAX] = "";
	for (int page = 0; page < 3; page++) {
		assert_int_equal(query(index, "'same'", &after, hits, 2, &count, &total),
		                 CORE_SEARCH_ANSWERED);
		assert_int_equal(total, 6);
		for (size_t i = 0; i < count; i++)
			strcat(seen, hits[i].key);
		snprintf(last, sizeof(last), "%s", hits[count - 1].key);
		after = (core_search_after){ .given = true,
			                     .rank = hits[count - 1].rank,
			                     .key = last };
		if (page == 2) {
			assert_int_equal(query(index, "'same'", &after, hits, 2, &count, &total),
			                 CORE_SEARCH_ANSWERED);
			assert_int_equal(count, 0);
		}
	}
	assert_string_equal(seen, "k0k1k2k3k4k5");
	core_search_index_free(index);
}

static void documents_are_replaced_and_removed(void **state)
{
	(void)state;
	core_search_index *index = index_of_three();
	core_search_hit hits[4];
	size_t count = 0, total = 0;
	core_search_after first = { .given = false };
	assert_true(core_search_index_put(index, "a", "'zebra':1"));
	core_search_index_remove(index, "b");
	core_search_index_remove(index, "not-there");
	assert_int_equal(core_search_index_documents(index), 2);
	assert_int_equal(core_search_index_dropped(index), 2);
	assert_int_equal(query(index, "'heart'", &first, hits, 4, &count, &total),
	                 CORE_SEARCH_ANSWERED);
	assert_int_equal(total, 0);
	assert_int_equal(query(index, "'zebra'", &first, hits, 4, &count, &total),
	                 CORE_SEARCH_ANSWERED);
	assert_int_equal(count, 1);
	/* A vector that is not one holds nothing under its key. */
	assert_false(core_search_index_put(index, "a", "'zebra':x"));
	assert_false(core_search_index_put(index, "d", "zebra"));
	assert_int_equal(query(index, "'zebra'", &first, hits, 4, &count, &total),
	                 CORE_SEARCH_ANSWERED);
	assert_int_equal(total, 0);
	assert_int_equal(core_search_index_documents(index), 1);
	core_search_index_free(index);
}

static void many_documents_and_lexemes(void **state)
{
	(void)state;
	core_search_index *index = core_search_index_new();
	char key[32], vector[64];
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "d%05d", i);
		snprintf(vector, sizeof(vector), "'w%d':1 'common':2B", i);
		assert_true(core_search_index_put(index, key, vector));
	}
	core_search_hit hits[10];
	size_t count = 0, total = 0;
	core_search_after first = { .given = false };
	assert_int_equal(query(index, "'common'", &first, hits, 10, &count, &total),
	                 CORE_SEARCH_ANSWERED);
	assert_int_equal(total, 5000);
	assert_int_equal(count, 10);
	assert_string_equal(hits[9].key, "d00009");
	assert_int_equal(query(index, "'w4321' | 'w17'", &first, hits, 10, &count, &total),
	                 CORE_SEARCH_ANSWERED);
	assert_int_equal(count, 2);
	assert_string_equal(hits[0].key, "d00017");
	/* A lexeme every match holds (w4999, w17): only its documents are
	 * candidates, searched for in the other lexemes' postings. */
	assert_int_equal(query(index, "'w4999' & 'common' | 'w4999' & 'zebra'", &first, hits, 10,
	                       &count, &total),
	                 CORE_SEARCH_ANSWERED);
	assert_int_equal(total, 1);
	assert_string_equal(hits[0].key, "d04999");
	assert_int_equal(query(index, "'common' & 'w17' & 'w18'", &first, hits, 10, &count, &total),
	                 CORE_SEARCH_UNSUPPORTED);
	assert_int_equal(query(index, "'common' & 'w17' | 'w18' & 'common'", &first, hits, 10,
	                       &count, &total),
	                 CORE_SEARCH_ANSWERED);
	assert_int_equal(total, 2);
	assert_string_equal(hits[0].key, "d00017");
	assert_string_equal(hits[1].key, "d00018");
	core_search_index_free(index);
}

CHC_TEST_MAIN(NULL, NULL, cmocka_unit_test(ranks_are_ts_rank),
              cmocka_unit_test(operators_match_as_in_postgresql),
              cmocka_unit_test(what_it_cannot_rank_goes_to_postgresql),
              cmocka_unit_test(pages_follow_rank_then_key),
              cmocka_unit_test(documents_are_replaced_and_removed),
              cmocka_unit_test(many_documents_and_lexemes))
