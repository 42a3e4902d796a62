/*
 * test_cvr.c - the CVR modulus-11 check.
 */
#include <stddef.h>

#include "chc_test_main.h"

#include "companies.h"

static void modulus_eleven(void **state)
{
	(void)state;
	assert_true(companies_cvr_is_valid("12345674"));
	assert_false(companies_cvr_is_valid("12345678"));
	assert_false(companies_cvr_is_valid("1234567"));
	assert_false(companies_cvr_is_valid("123456740"));
	assert_false(companies_cvr_is_valid("1234567a"));
	assert_false(companies_cvr_is_valid("02345674"));
	assert_false(companies_cvr_is_valid(""));
}

CHC_TEST_MAIN(NULL, NULL, cmocka_unit_test(modulus_eleven))
