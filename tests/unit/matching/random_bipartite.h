/*
 * random_bipartite.h - random instances for the tests of the assignment and
 * the stable matching. Both algorithms take the same graph (solutions, test
 * beds with capacities, the pairs allowed) and differ only in what a pair
 * carries, so one generator and one feasibility check serve both.
 */
#ifndef RANDOM_BIPARTITE_H
#define RANDOM_BIPARTITE_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define BIPARTITE_MAX_TEST_BEDS 16
#define BIPARTITE_MAX_PAIRS     800

typedef struct bipartite {
	int solutions, test_beds;
	int capacity[BIPARTITE_MAX_TEST_BEDS];
	size_t pairs;
	int pair_solution[BIPARTITE_MAX_PAIRS];
	int pair_test_bed[BIPARTITE_MAX_PAIRS];
	/* What a pair carries: its fit for the assignment, the two sides'
	 * keys for the stable matching. */
	int64_t pair_fit[BIPARTITE_MAX_PAIRS];
	int64_t solution_key[BIPARTITE_MAX_PAIRS];
	int64_t test_bed_key[BIPARTITE_MAX_PAIRS];
} bipartite;

/* Draws what pair i carries. */
typedef void (*bipartite_pair_drawer)(bipartite *made, size_t i, unsigned *seed);

/*
 * Up to 40 solutions and max_test_beds test beds of capacity 0 to 3 (0: a
 * full or closed test bed), each pair allowed one time in one_in. draw runs
 * right after a pair is drawn, so that a seed keeps giving the instances
 * the tests were written against.
 */
static inline void bipartite_random(bipartite *made, int max_test_beds, int one_in,
                                    bipartite_pair_drawer draw, unsigned *seed)
{
	made->solutions = 1 + rand_r(seed) % 40;
	made->test_beds = 1 + rand_r(seed) % max_test_beds;
	for (int t = 0; t < made->test_beds; t++)
		made->capacity[t] = rand_r(seed) % 4;
	made->pairs = 0;
	for (int s = 0; s < made->solutions; s++)
		for (int t = 0; t < made->test_beds; t++)
			if (rand_r(seed) % one_in == 0) {
				size_t i = made->pairs++;
				made->pair_solution[i] = s;
				made->pair_test_bed[i] = t;
				draw(made, i, seed);
			}
}

/* The members assignment_problem and stable_problem share, filled from
 * made. */
#define BIPARTITE_PROBLEM_GRAPH(made)                                                              \
	.solution_count = (made)->solutions, .test_bed_count = (made)->test_beds,                  \
	.capacity = (made)->capacity, .pair_count = (made)->pairs,                                 \
	.pair_solution = (made)->pair_solution, .pair_test_bed = (made)->pair_test_bed

/* Each solution assigned holds one of its own pairs, and no test bed takes
 * more than its capacity. */
static inline void bipartite_assert_feasible(const bipartite *made, const int *assigned)
{
	int used[BIPARTITE_MAX_TEST_BEDS] = { 0 };
	for (int s = 0; s < made->solutions; s++) {
		if (assigned[s] < 0)
			continue;
		assert_true(assigned[s] < (int)made->pairs);
		assert_int_equal(made->pair_solution[assigned[s]], s);
		used[made->pair_test_bed[assigned[s]]]++;
	}
	for (int t = 0; t < made->test_beds; t++)
		assert_true(used[t] <= made->capacity[t]);
}

#endif /* RANDOM_BIPARTITE_H */
