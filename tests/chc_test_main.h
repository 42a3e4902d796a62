/* The entry point every cmocka test program shares: the headers cmocka wants
 * included before it, and a main() that runs one group of tests with the
 * given group setup and teardown (NULL for none). */
#ifndef CHC_TEST_MAIN_H
#define CHC_TEST_MAIN_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#define CHC_TEST_MAIN(group_setup, group_teardown, ...)                                            \
	int main(void)                                                                             \
	{                                                                                          \
		const struct CMUnitTest tests[] = { __VA_ARGS__ };                                 \
		return cmocka_run_group_tests(tests, group_setup, group_teardown);                 \
	}

#endif
