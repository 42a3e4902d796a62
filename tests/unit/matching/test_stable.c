/*
 * test_stable.c - deferred acceptance gives stable matchings: on random
 * instances with ties and capacities no solution and test bed would both
 * rather have each other (checked by the library and again by a brute-force
 * check written here from the definition), and no capacity is exceeded.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "chc_test_main.h"

#include "random_bipartite.h"
#include "stable.h"

typedef bipartite instance;

/* Few distinct keys: many ties to break. */
static void draw_keys(bipartite *made, size_t i, unsigned *seed)
{
	made->solution_key[i] = rand_r(seed) % 5;
	made->test_bed_key[i] = rand_r(seed) % 5;
}

/* A random instance in made, and the problem that asks it. */
static stable_problem random_problem(instance *made, unsigned *seed)
{
	bipartite_random(made, 10, 2, draw_keys, seed);
	stable_problem problem = { BIPARTITE_PROBLEM_GRAPH(made),
		                   .solution_key = made->solution_key,
		                   .test_bed_key = made->test_bed_key };
	return problem;
}

/* The definition, written out: with ties broken by the lower index. */
static bool solution_wants(const instance *made, size_t a, size_t b)
{
	return made->solution_key[a] > made->solution_key[b] ||
	       (made->solution_key[a] == made->solution_key[b] &&
	        made->pair_test_bed[a] < made->pair_test_bed[b]);
}

static bool test_bed_wants(const instance *made, size_t a, size_t b)
{
	return made->test_bed_key[a] > made->test_bed_key[b] ||
	       (made->test_bed_key[a] == made->test_bed_key[b] &&
	        made->pair_solution[a] < made->pair_solution[b]);
}

static bool blocked_by_brute_force(const instance *made, const int *assigned)
{
	for (size_t i = 0; i < made->pairs; i++) {
		int s = made->pair_solution[i], t = made->pair_test_bed[i];
		if (assigned[s] == (int)i)
			continue;
		if (assigned[s] >= 0 && !solution_wants(made, i, (size_t)assigned[s]))
			continue;
		int held = 0;
		bool would_swap = false;
		for (int other = 0; other < made->solutions; other++) {
			int pair = assigned[other];
			if (pair < 0 || made->pair_test_bed[pair] != t)
				continue;
			held++;
			if (test_bed_wants(made, i, (size_t)pair))
				would_swap = true;
		}
		if (held < made->capacity[t] || would_swap)
			return true;
	}
	return false;
}

static void no_blocking_pair(void **state)
{
	(void)state;
	unsigned seed = 424242;
	for (int round = 0; round < 500; round++) {
		instance made;
		stable_problem problem = random_problem(&made, &seed);
		int assigned[64];
		chc_error error = { 0 };
		assert_int_equal(stable_match(&problem, assigned, &error), CHC_OK);
		bipartite_assert_feasible(&made, assigned);
		size_t blocking = 0;
		assert_false(stable_find_blocking_pair(&problem, assigned, &blocking));
		assert_false(blocked_by_brute_force(&made, assigned));
		chc_error_fini(&error);
	}
}

static void finds_a_blocking_pair(void **state)
{
	(void)state;
	/* Two solutions both want test bed 0 (one place), which prefers
	 * solution 1; giving the place to solution 0 is unstable. */
	int capacity[1] = { 1 };
	int solution[2] = { 0, 1 }, test_bed[2] = { 0, 0 };
	int64_t solution_key[2] = { 1, 1 }, test_bed_key[2] = { 1, 2 };
	stable_problem problem = {
		2, 1, capacity, 2, solution, test_bed, solution_key, test_bed_key
	};
	int assigned[2] = { 0, -1 };
	size_t blocking = 9;
	assert_true(stable_find_blocking_pair(&problem, assigned, &blocking));
	assert_int_equal(blocking, 1);
	assert_int_equal(stable_match(&problem, assigned, NULL), CHC_OK);
	assert_int_equal(assigned[0], -1);
	assert_int_equal(assigned[1], 1);
}

static void bad_input(void **state)
{
	(void)state;
	int capacity[1] = { 1 };
	int solution[2] = { 0, 0 }, test_bed[2] = { 0, 0 };
	int64_t keys[2] = { 1, 1 };
	stable_problem problem = { 1, 1, capacity, 2, solution, test_bed, keys, keys };
	int assigned[1];
	assert_int_equal(stable_match(&problem, assigned, NULL), CHC_INVALID_ARGUMENT);
	problem.pair_count = 1;
	test_bed[0] = 2;
	assert_int_equal(stable_match(&problem, assigned, NULL), CHC_INVALID_ARGUMENT);
}

CHC_TEST_MAIN(NULL, NULL, cmocka_unit_test(no_blocking_pair),
              cmocka_unit_test(finds_a_blocking_pair), cmocka_unit_test(bad_input))
