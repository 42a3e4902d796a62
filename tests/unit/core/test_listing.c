/*
 * test_listing.c - a page of records as a List or Search reply.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "chc/v1/municipalities.pb-c.h"
#include "listing.h"

static void list_reply_holds_the_page(void **state)
{
	(void)state;
	core_request request = { 0 };
	Chc__V1__Need first = CHC__V1__NEED__INIT, second = CHC__V1__NEED__INIT;
	ProtobufCMessage *messages[] = { &first.base, &second.base, NULL };
	core_list_page found = { .messages = messages, .count = 2 };
	found.page = (Chc__V1__PageInfo)CHC__V1__PAGE_INFO__INIT;
	found.page.total_size = 7;
	const Chc__V1__ListNeedsResponse *reply =
	        (const Chc__V1__ListNeedsResponse *)core_page_reply(
	                &request, &chc__v1__list_needs_response__descriptor, &found);
	assert_non_null(reply);
	assert_int_equal(reply->n_needs, 2);
	assert_ptr_equal(reply->needs[1], &second);
	/* The page is the reply's own: found may be gone before it is sent. */
	assert_ptr_not_equal(reply->page, &found.page);
	assert_int_equal(reply->page->total_size, 7);
	assert_false(core_failed(&request));
	core_request_fini(&request);
}

static void search_reply_holds_the_ranks(void **state)
{
	(void)state;
	core_request request = { 0 };
	Chc__V1__Need need = CHC__V1__NEED__INIT;
	ProtobufCMessage *messages[] = { &need.base, NULL };
	float ranks[] = { 0.5f };
	core_list_page found = { .messages = messages, .count = 1, .ranks = ranks };
	found.page = (Chc__V1__PageInfo)CHC__V1__PAGE_INFO__INIT;
	const Chc__V1__SearchNeedsResponse *reply =
	        (const Chc__V1__SearchNeedsResponse *)core_page_reply(
	                &request, &chc__v1__search_needs_response__descriptor, &found);
	assert_non_null(reply);
	assert_int_equal(reply->n_needs, 1);
	assert_int_equal(reply->n_ranks, 1);
	assert_true(reply->ranks[0] == 0.5f);
	assert_non_null(reply->page);
	core_request_fini(&request);
}

static void a_reply_without_a_page_is_a_bug(void **state)
{
	(void)state;
	core_request request = { 0 };
	core_list_page found = { 0 };
	assert_null(core_page_reply(&request, &chc__v1__need__descriptor, &found));
	assert_int_equal(request.error.code, CHC_INTERNAL);
	core_request_fini(&request);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_reply_holds_the_page),
		cmocka_unit_test(search_reply_holds_the_ranks),
		cmocka_unit_test(a_reply_without_a_page_is_a_bug),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
