/*
 * test_job_view.c - `chc job`'s pure parts: the progress line and the
 * difference between two runs' results.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "chc_test_main.h"

#include "job_view.h"

static void progress_line(void **state)
{
	(void)state;
	char line[256];
	job_progress_line("scoring", 450, 1000, 2.0, 20, line, sizeof(line));
	assert_string_equal(line,
	                    "[#########...........]  45%  scoring  450/1000  225/s  3 s left");
	job_progress_line("reading inputs", 0, 0, 0.5, 4, line, sizeof(line));
	assert_string_equal(line, "[....]       reading inputs");
	job_progress_line("done", 10, 10, 1.0, 4, line, sizeof(line));
	assert_non_null(strstr(line, "100%"));
	assert_null(strstr(line, "left"));
}

static Chc__V1__JobResult result(int kind, const char *need, const char *solution,
                                 const char *test_bed, int rank, double score)
{
	Chc__V1__JobResult made = CHC__V1__JOB_RESULT__INIT;
	made.kind = kind;
	made.need_id = (char *)need;
	made.solution_id = (char *)solution;
	made.test_bed_id = (char *)test_bed;
	made.rank = rank;
	made.score = score;
	return made;
}

static void diff(void **state)
{
	(void)state;
	enum {
		MATCH = CHC__V1__RESULT_KIND__RESULT_KIND_MATCH,
		ASSIGNED = CHC__V1__RESULT_KIND__RESULT_KIND_ASSIGNED,
		MISS = CHC__V1__RESULT_KIND__RESULT_KIND_NEAR_MISS
	};
	Chc__V1__JobResult a[] = {
		result(MATCH, "n1", "s1", "", 1, 80), result(MATCH, "n1", "s2", "", 2, 70),
		result(MATCH, "n2", "s3", "", 1, 60), result(ASSIGNED, "", "s4", "t1", 1, 50),
		result(MISS, "n1", "s9", "", 1, 90),
	};
	Chc__V1__JobResult b[] = {
		result(MATCH, "n1", "s2", "", 1, 75),    result(MATCH, "n1", "s1", "", 2, 70),
		result(MATCH, "n2", "s3", "", 1, 60),    result(MATCH, "n2", "s5", "", 2, 40),
		result(ASSIGNED, "", "s4", "t2", 1, 50),
	};
	Chc__V1__JobResult *before[5], *after[5];
	for (int i = 0; i < 5; i++) {
		before[i] = &a[i];
		after[i] = &b[i];
	}
	job_change *changes = NULL;
	size_t count = 0, unchanged = 0;
	assert_int_equal(job_diff(before, 5, after, 5, &changes, &count, &unchanged), 0);
	assert_int_equal(unchanged, 1); /* n2 s3 */
	assert_int_equal(count, 4);
	assert_int_equal(changes[0].kind, JOB_CHANGE_CHANGED); /* n1 s2: rank 2 -> 1 */
	assert_string_equal(changes[0].after->solution_id, "s2");
	assert_int_equal(changes[1].kind, JOB_CHANGE_CHANGED);  /* n1 s1: score and rank */
	assert_int_equal(changes[2].kind, JOB_CHANGE_APPEARED); /* n2 s5 */
	assert_int_equal(changes[3].kind, JOB_CHANGE_CHANGED);  /* s4: test bed t1 -> t2 */
	free(changes);
	assert_int_equal(job_diff(before, 5, before, 5, &changes, &count, &unchanged), 0);
	assert_int_equal(count, 0);
	assert_int_equal(unchanged, 4);
	free(changes);
	assert_int_equal(job_diff(before, 3, NULL, 0, &changes, &count, &unchanged), 0);
	assert_int_equal(count, 3);
	assert_int_equal(changes[0].kind, JOB_CHANGE_DISAPPEARED);
	free(changes);
}

CHC_TEST_MAIN(NULL, NULL, cmocka_unit_test(progress_line), cmocka_unit_test(diff))
