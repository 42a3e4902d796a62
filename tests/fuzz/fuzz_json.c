/*
 * fuzz_json.c - libFuzzer target: libchc's descriptor-driven JSON to
 * protobuf conversion (what chc and partners feed with user input), for a
 * message with every kind of field: strings, enums, repeated enums, nested
 * and repeated messages, 64-bit integers, booleans. Whatever converts must
 * convert back to JSON and pack.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "chc/json.h"
#include "chc/v1/companies.pb-c.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *json = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	if (json == NULL)
		return 0;
	ProtobufCMessage *message = NULL;
	chc_error error;
	chc_error_init(&error);
	if (chc_json_to_message(&chc__v1__solution__descriptor, json, &message, &error) == CHC_OK) {
		json_t *back = NULL;
		if (chc_json_from_message(message, 1, &back, NULL) != CHC_OK)
			abort();
		json_decref(back);
		size_t length = protobuf_c_message_get_packed_size(message);
		uint8_t *packed = malloc(length + 1);
		if (packed == NULL)
			abort();
		protobuf_c_message_pack(message, packed);
		free(packed);
		protobuf_c_message_free_unpacked(message, NULL);
	}
	chc_error_fini(&error);
	json_decref(json);
	return 0;
}
