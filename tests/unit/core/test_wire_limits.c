/*
 * test_wire_limits.c - a payload's repeated fields and unpacked size are
 * counted on the wire, before protobuf-c allocates anything.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "chc_test_main.h"

#include "chc/v1/municipalities.pb-c.h"
#include "wire_limits.h"

/* CreateNeedRequest { need = 1 { <elements> } }, each element the same few
 * bytes; the outer length is a varint. */
static size_t need_with(uint8_t *out, size_t capacity, const uint8_t *element,
                        size_t element_length, size_t elements)
{
	size_t inner = element_length * elements;
	assert_true(inner + 8 < capacity);
	size_t at = 0;
	out[at++] = 0x0a; /* field 1, length-delimited */
	for (size_t value = inner;; value >>= 7) {
		out[at++] = (uint8_t)((value & 0x7f) | (value >= 0x80 ? 0x80 : 0));
		if (value < 0x80)
			break;
	}
	for (size_t i = 0; i < elements; i++, at += element_length)
		memcpy(out + at, element, element_length);
	return at;
}

/* Room for the largest payload a test builds. */
static uint8_t built[4 * CORE_WIRE_MAX_ITEMS];

static chc_status check(const uint8_t *payload, size_t length, char *field)
{
	return core_wire_check(&chc__v1__create_need_request__descriptor, payload, length, field,
	                       128);
}

static void a_repeated_field_past_the_limit_is_named(void **state)
{
	(void)state;
	char field[128];
	const uint8_t empty_owner[] = { 0x12, 0x00 }; /* owners = 2, empty */
	size_t length = need_with(built, sizeof(built), empty_owner, 2, CORE_WIRE_MAX_ITEMS);
	assert_int_equal(check(built, length, field), CHC_OK);
	length = need_with(built, sizeof(built), empty_owner, 2, CORE_WIRE_MAX_ITEMS + 1);
	assert_int_equal(check(built, length, field), CHC_INVALID_ARGUMENT);
	assert_string_equal(field, "need.owners");
	/* Packed enums count each element, not each run. */
	const uint8_t packed_groups[] = { 0x32, 0x04, 1, 2, 3, 4 }; /* target_groups = 6 */
	length = need_with(built, sizeof(built), packed_groups, 6, CORE_WIRE_MAX_ITEMS / 4 + 1);
	assert_int_equal(check(built, length, field), CHC_INVALID_ARGUMENT);
	assert_string_equal(field, "need.target_groups");
}

static void unknown_fields_count_too(void **state)
{
	(void)state;
	char field[128];
	const uint8_t unknown[] = { 0xf8, 0x07, 0x01 }; /* field 127, varint 1 */
	size_t length = need_with(built, sizeof(built), unknown, 3, CORE_WIRE_MAX_ITEMS + 1);
	assert_int_equal(check(built, length, field), CHC_INVALID_ARGUMENT);
	assert_string_equal(field, "need.(unknown fields)");
}

static void what_is_not_a_message_is_left_to_unpack(void **state)
{
	(void)state;
	char field[128];
	const uint8_t cut[] = { 0x0a, 0x10, 0x12 }; /* says 16 bytes, has 1 */
	assert_int_equal(check(cut, sizeof(cut), field), CHC_OK);
	const uint8_t group[] = { 0x0b };
	assert_int_equal(check(group, sizeof(group), field), CHC_OK);
	assert_int_equal(check(NULL, 0, field), CHC_OK);
}

CHC_TEST_MAIN(NULL, NULL, cmocka_unit_test(a_repeated_field_past_the_limit_is_named),
              cmocka_unit_test(unknown_fields_count_too),
              cmocka_unit_test(what_is_not_a_message_is_left_to_unpack))
