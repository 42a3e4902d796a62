/*
 * test_options.c - the chc command's option parser: "--" ends the options.
 */
#include <stddef.h>

#include "chc_test_main.h"

#include "cli.h"

static void double_dash_ends_the_options(void **state)
{
	(void)state;
	char *argv[] = { (char *)"search", (char *)"--page-size", (char *)"5", (char *)"--",
		         (char *)"--json", (char *)"-h",          NULL };
	cli_arguments arguments;
	assert_true(cli_parse(6, argv, NULL, &arguments));
	assert_int_equal(arguments.option_count, 1);
	assert_string_equal(arguments.options[0].name, "page-size");
	assert_int_equal(arguments.positional_count, 3);
	assert_string_equal(arguments.positionals[0], "search");
	assert_string_equal(arguments.positionals[1], "--json");
	assert_string_equal(arguments.positionals[2], "-h");
	assert_false(cli_has_option(&arguments, "json"));
	assert_false(cli_has_option(&arguments, "help"));
}

static void options_and_positionals(void **state)
{
	(void)state;
	char name[] = "--name=x"; /* the parser cuts it at '=' */
	char *argv[] = { (char *)"get", (char *)"--json", name, (char *)"id", NULL };
	cli_arguments arguments;
	assert_true(cli_parse(4, argv, NULL, &arguments));
	assert_true(cli_has_option(&arguments, "json"));
	assert_string_equal(cli_option_value(&arguments, "name"), "x");
	assert_int_equal(arguments.positional_count, 2);
}

CHC_TEST_MAIN(NULL, NULL, cmocka_unit_test(double_dash_ends_the_options),
              cmocka_unit_test(options_and_positionals))
