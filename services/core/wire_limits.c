#include "wire_limits.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Messages nest no deeper than this in our protos; a deeper payload is
 * refused rather than followed. */
#define MAX_DEPTH 32

typedef struct wire_walk {
	size_t unpacked_bytes; /* what protobuf-c would allocate, roughly */
	char *field;
	size_t field_size;
} wire_walk;

/* A varint's value and length, or 0 for a truncated or overlong one. */
static size_t read_varint(const uint8_t *data, size_t length, uint64_t *value)
{
	*value = 0;
	for (size_t i = 0; i < length && i < 10; i++) {
		*value |= (uint64_t)(data[i] & 0x7f) << (7 * i);
		if ((data[i] & 0x80) == 0)
			return i + 1;
	}
	return 0;
}

/* The bytes one element of a repeated scalar takes in the unpacked array. */
static size_t element_bytes(ProtobufCType type)
{
	switch (type) {
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_MESSAGE:
		return 8;
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	default:
		return 4;
	}
}

/* How many elements a packed run of length bytes holds. */
static size_t packed_elements(ProtobufCType type, const uint8_t *data, size_t length)
{
	switch (type) {
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_FLOAT:
		return length / 4;
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
		return length / 8;
	default: {
		size_t count = 0; /* varints: one ends at each byte without the high bit */
		for (size_t i = 0; i < length; i++)
			count += (data[i] & 0x80) == 0;
		return count;
	}
	}
}

/* One value of wire type after its tag: where its bytes start and how many
 * (a varint's or fixed value's own bytes, a length-delimited one's content);
 * returns the bytes it takes in all, 0 for a value that is cut short or of
 * a wire type protobuf-c refuses (groups). */
static size_t read_value(uint64_t wire_type, const uint8_t *data, size_t length,
                         const uint8_t **start, size_t *size)
{
	uint64_t value = 0;
	size_t prefix = 0;
	*start = data;
	switch (wire_type) {
	case 0:
		*size = read_varint(data, length, &value);
		break;
	case 1:
		*size = 8;
		break;
	case 2:
		prefix = read_varint(data, length, &value);
		if (prefix == 0 || value > length - prefix)
			return 0;
		*start = data + prefix;
		*size = (size_t)value;
		return prefix + *size;
	case 5:
		*size = 4;
		break;
	default:
		return 0;
	}
	return *size != 0 && *size <= length ? *size : 0;
}

static void name_field(wire_walk *walk, const char *prefix, const char *name)
{
	snprintf(walk->field, walk->field_size, "%s%s%s", prefix, prefix[0] ? "." : "", name);
}

static chc_status walk_message(wire_walk *walk, const ProtobufCMessageDescriptor *descriptor,
                               const uint8_t *data, size_t length, const char *prefix, int depth)
{
	if (depth > MAX_DEPTH)
		return CHC_RESOURCE_EXHAUSTED;
	walk->unpacked_bytes += descriptor->sizeof_message;
	size_t *counts = calloc(descriptor->n_fields + 1, sizeof(size_t));
	if (counts == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	size_t *unknown = &counts[descriptor->n_fields];
	chc_status status = CHC_OK;
	size_t at = 0;
	while (status == CHC_OK && at < length) {
		uint64_t tag = 0;
		size_t used = read_varint(data + at, length - at, &tag);
		if (used == 0)
			break;
		at += used;
		const uint8_t *start = NULL;
		size_t size = 0;
		used = read_value(tag & 7, data + at, length - at, &start, &size);
		if (used == 0)
			break;
		at += used;
		const ProtobufCFieldDescriptor *known =
		        tag >> 3 <= UINT32_MAX ? protobuf_c_message_descriptor_get_field(
		                                         descriptor, (unsigned)(tag >> 3))
		                               : NULL;
		if (known == NULL) {
			/* Kept by protobuf-c as an unknown field, a copy of its bytes. */
			walk->unpacked_bytes += sizeof(ProtobufCMessageUnknownField) + size;
			if (++*unknown > CORE_WIRE_MAX_ITEMS) {
				name_field(walk, prefix, "(unknown fields)");
				status = CHC_INVALID_ARGUMENT;
			}
			continue;
		}
		size_t *count = &counts[known - descriptor->fields];
		bool packed = (tag & 7) == 2 && known->type != PROTOBUF_C_TYPE_STRING &&
		              known->type != PROTOBUF_C_TYPE_BYTES &&
		              known->type != PROTOBUF_C_TYPE_MESSAGE;
		size_t elements = packed ? packed_elements(known->type, start, size) : 1;
		if (known->label == PROTOBUF_C_LABEL_REPEATED) {
			*count += elements;
			walk->unpacked_bytes += elements * element_bytes(known->type);
			if (*count > CORE_WIRE_MAX_ITEMS) {
				name_field(walk, prefix, known->name);
				status = CHC_INVALID_ARGUMENT;
				continue;
			}
		}
		if (known->type == PROTOBUF_C_TYPE_STRING || known->type == PROTOBUF_C_TYPE_BYTES)
			walk->unpacked_bytes += size + 1;
		if (known->type == PROTOBUF_C_TYPE_MESSAGE && (tag & 7) == 2) {
			char path[256];
			snprintf(path, sizeof(path), "%s%s%s", prefix, prefix[0] ? "." : "",
			         known->name);
			status =
			        walk_message(walk, known->descriptor, start, size, path, depth + 1);
		}
	}
	free(counts);
	return status;
}

chc_status core_wire_check(const ProtobufCMessageDescriptor *descriptor, const uint8_t *data,
                           size_t length, char *field, size_t field_size)
{
	wire_walk walk = { .field = field, .field_size = field_size };
	if (field_size > 0)
		field[0] = '\0';
	chc_status status = walk_message(&walk, descriptor, data, length, "", 0);
	if (status == CHC_OK && walk.unpacked_bytes > 8 * length + ((size_t)1 << 20))
		status = CHC_RESOURCE_EXHAUSTED;
	return status;
}
