/*
 * auth.c - token check in constant time, so the comparison leaks nothing
 * about how much of a guessed token was right.
 */
#include "auth.h"

#include <string.h>

static int tokens_equal(const char *expected, const char *given)
{
	size_t expected_length = strlen(expected);
	size_t given_length = strlen(given);
	unsigned char difference = expected_length != given_length;
	for (size_t i = 0; i < expected_length; i++)
		difference |= (unsigned char)(expected[i] ^ given[i < given_length ? i : 0]);
	return difference == 0;
}

chc_status core_auth_principal(const char *expected, const char *token, core_principal *principal,
                               chc_error *error)
{
	if (expected == NULL || expected[0] == '\0') {
		*principal =
		        (core_principal){ .subject = "anonymous", .role = CORE_ROLE_SECRETARIAT };
		return CHC_OK;
	}
	if (token == NULL || token[0] == '\0')
		return chc_error_set(error, CHC_UNAUTHENTICATED, "missing token");
	if (!tokens_equal(expected, token))
		return chc_error_set(error, CHC_UNAUTHENTICATED, "invalid token");
	*principal = (core_principal){ .subject = "secretariat", .role = CORE_ROLE_SECRETARIAT };
	return CHC_OK;
}
