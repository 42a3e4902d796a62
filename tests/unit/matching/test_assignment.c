/*
 * test_assignment.c - the assignment is optimal: on random instances its
 * total fit equals the optimum of the same instance as a linear programme
 * solved by GLPK's glpsol (the constraint matrix of a bipartite b-matching
 * is totally unimodular, so the LP optimum is the integer optimum), and it
 * respects every capacity and pair.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chc_test_main.h"

#include "assignment.h"
#include "random_bipartite.h"

typedef bipartite instance;

static void draw_fit(bipartite *made, size_t i, unsigned *seed)
{
	made->pair_fit[i] = 1 + rand_r(seed) % 1000;
}

/* A random instance in made, and the problem that asks it. */
static assignment_problem random_problem(instance *made, unsigned *seed)
{
	bipartite_random(made, 8, 3, draw_fit, seed);
	assignment_problem problem = { BIPARTITE_PROBLEM_GRAPH(made), .pair_fit = made->pair_fit };
	return problem;
}

/* The constraint that the pairs with end[pair] == index take at most
 * bound; none when no pair has that end. */
static void write_row(FILE *lp, const instance *made, const int *end, int index, int bound)
{
	bool any = false;
	for (size_t i = 0; i < made->pairs; i++)
		if (end[i] == index) {
			fprintf(lp, " + x%zu", i);
			any = true;
		}
	if (any)
		fprintf(lp, " <= %d\n", bound);
}

/* The LP in CPLEX LP format, solved by glpsol; returns its optimum. */
static long long glpk_optimum(const instance *made)
{
	char lp_path[] = "/tmp/chc-assignment-XXXXXX";
	int descriptor = mkstemp(lp_path);
	assert_true(descriptor >= 0);
	FILE *lp = fdopen(descriptor, "w");
	fprintf(lp, "Maximize\n obj:");
	for (size_t i = 0; i < made->pairs; i++)
		fprintf(lp, " + %lld x%zu", (long long)made->pair_fit[i], i);
	if (made->pairs == 0)
		fprintf(lp, " 0 dummy");
	fprintf(lp, "\nSubject To\n");
	for (int s = 0; s < made->solutions; s++)
		write_row(lp, made, made->pair_solution, s, 1);
	for (int t = 0; t < made->test_beds; t++)
		write_row(lp, made, made->pair_test_bed, t, made->capacity[t]);
	fprintf(lp, "Bounds\n");
	for (size_t i = 0; i < made->pairs; i++)
		fprintf(lp, " 0 <= x%zu <= 1\n", i);
	if (made->pairs == 0)
		fprintf(lp, " 0 <= dummy <= 0\n");
	fprintf(lp, "End\n");
	fclose(lp);
	char command[256];
	snprintf(command, sizeof(command), "glpsol --lp %s --output /dev/stdout 2>&1", lp_path);
	FILE *output = popen(command, "r");
	assert_non_null(output);
	char line[512];
	long long optimum = -1;
	while (fgets(line, sizeof(line), output) != NULL) {
		double value = 0;
		if (sscanf(line, "Objective:  obj = %lf", &value) == 1)
			optimum = (long long)(value + 0.5);
	}
	pclose(output);
	unlink(lp_path);
	return optimum;
}

static void check_feasible(const instance *made, const int *assigned, int64_t total)
{
	bipartite_assert_feasible(made, assigned);
	int64_t sum = 0;
	for (int s = 0; s < made->solutions; s++)
		if (assigned[s] >= 0)
			sum += made->pair_fit[assigned[s]];
	assert_int_equal(sum, total);
}

static void optimal_like_glpk(void **state)
{
	(void)state;
	if (system("command -v glpsol >/dev/null 2>&1") != 0)
		skip(); /* glpk-utils: scripts/install-deps.sh --test installs it */
	unsigned seed = 20261125;
	for (int round = 0; round < 60; round++) {
		instance made;
		assignment_problem problem = random_problem(&made, &seed);
		int assigned[64];
		int64_t total = 0;
		chc_error error = { 0 };
		assert_int_equal(assignment_solve(&problem, assigned, &total, &error), CHC_OK);
		check_feasible(&made, assigned, total);
		long long optimum = glpk_optimum(&made);
		if (optimum != total)
			fail_msg("round %d: assignment %lld, LP optimum %lld", round,
			         (long long)total, optimum);
		chc_error_fini(&error);
	}
}

static void same_answer_every_time(void **state)
{
	(void)state;
	unsigned seed = 7;
	instance made;
	assignment_problem problem = random_problem(&made, &seed);
	int first[64], second[64];
	int64_t total = 0;
	assert_int_equal(assignment_solve(&problem, first, &total, NULL), CHC_OK);
	assert_int_equal(assignment_solve(&problem, second, &total, NULL), CHC_OK);
	assert_memory_equal(first, second, (size_t)made.solutions * sizeof(int));
}

static void bad_input(void **state)
{
	(void)state;
	int capacity[1] = { 1 };
	int solution[1] = { 0 }, test_bed[1] = { 0 };
	int64_t fit[1] = { 0 };
	assignment_problem problem = { 1, 1, capacity, 1, solution, test_bed, fit };
	int assigned[1];
	int64_t total = 0;
	chc_error error = { 0 };
	assert_int_equal(assignment_solve(&problem, assigned, &total, &error),
	                 CHC_INVALID_ARGUMENT);
	fit[0] = 5;
	test_bed[0] = 3;
	assert_int_equal(assignment_solve(&problem, assigned, &total, &error),
	                 CHC_INVALID_ARGUMENT);
	test_bed[0] = 0;
	capacity[0] = -1;
	assert_int_equal(assignment_solve(&problem, assigned, &total, &error),
	                 CHC_INVALID_ARGUMENT);
	chc_error_fini(&error);
	assignment_problem empty = { 0, 0, NULL, 0, NULL, NULL, NULL };
	assert_int_equal(assignment_solve(&empty, assigned, &total, NULL), CHC_OK);
	assert_int_equal(total, 0);
}

CHC_TEST_MAIN(NULL, NULL, cmocka_unit_test(optimal_like_glpk),
              cmocka_unit_test(same_answer_every_time), cmocka_unit_test(bad_input))
