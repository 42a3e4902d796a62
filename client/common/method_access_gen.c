/*
 * method_access_gen - a build step: reads the FileDescriptorSet that protoc
 * writes for proto/chc/v1 (--descriptor_set_out) and writes the table of
 * every method, whether it writes and who may call it, which
 * common/methods.c includes.
 *
 * protobuf-c's generated descriptors drop method options, so the only
 * place the options survive is the descriptor set. A method reads when its
 * options say idempotency_level = NO_SIDE_EFFECTS (protobuf's standard
 * MethodOptions field 34); every other method writes. Who may call it is
 * the custom option (chc.v1.access) of proto/chc/v1/access.proto, kept in
 * the set as an extension field of MethodOptions (0 when a method declares
 * none: the services then refuse to start), and what a partner acts for is
 * the string option (chc.v1.owner). The set is parsed at the wire
 * level because the paths needed are few.
 *
 * Usage: method_access_gen DESCRIPTOR_SET OUTPUT
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whole_file.h"

/* Field numbers in google/protobuf/descriptor.proto. */
enum {
	SET_FILE = 1,
	FILE_PACKAGE = 2,
	FILE_SERVICE = 6,
	SERVICE_NAME = 1,
	SERVICE_METHOD = 2,
	METHOD_NAME = 1,
	METHOD_OPTIONS = 4,
	OPTIONS_IDEMPOTENCY_LEVEL = 34,
	OPTIONS_ACCESS = 51001, /* extend google.protobuf.MethodOptions in access.proto */
	OPTIONS_OWNER = 51002,
	NO_SIDE_EFFECTS = 1,
};

enum { WIRE_VARINT = 0, WIRE_FIXED64 = 1, WIRE_BYTES = 2, WIRE_FIXED32 = 5 };

typedef struct span {
	const uint8_t *data;
	size_t length;
} span;

typedef struct field {
	uint32_t number;
	int wire;
	uint64_t varint;
	span bytes;
} field;

typedef struct method_entry {
	char full_name[256];
	bool is_write;
	int access;      /* a chc.v1.Access value */
	char owner[128]; /* its (chc.v1.owner) option, "" when none */
} method_entry;

typedef struct method_list {
	method_entry *entries;
	size_t count;
} method_list;

static bool read_varint(span *in, uint64_t *value)
{
	*value = 0;
	for (unsigned shift = 0; shift < 64 && in->length > 0; shift += 7) {
		uint8_t byte = *in->data++;
		in->length--;
		*value |= (uint64_t)(byte & 0x7f) << shift;
		if ((byte & 0x80) == 0)
			return true;
	}
	return false;
}

/* Reads the next field of a message into out; false at the end or on a
 * malformed message (then *malformed is set). */
static bool next_field(span *in, field *out, bool *malformed)
{
	if (in->length == 0)
		return false;
	uint64_t key = 0;
	*malformed = true;
	if (!read_varint(in, &key))
		return false;
	out->number = (uint32_t)(key >> 3);
	out->wire = (int)(key & 7);
	out->varint = 0;
	out->bytes = (span){ NULL, 0 };
	size_t skip = 0;
	switch (out->wire) {
	case WIRE_VARINT:
		if (!read_varint(in, &out->varint))
			return false;
		break;
	case WIRE_FIXED64:
		skip = 8;
		break;
	case WIRE_FIXED32:
		skip = 4;
		break;
	case WIRE_BYTES: {
		uint64_t length = 0;
		if (!read_varint(in, &length) || length > in->length)
			return false;
		out->bytes = (span){ in->data, (size_t)length };
		skip = (size_t)length;
		break;
	}
	default:
		return false;
	}
	if (skip > in->length)
		return false;
	in->data += skip;
	in->length -= skip;
	*malformed = false;
	return true;
}

static void copy_string(span bytes, char *buffer, size_t size)
{
	size_t length = bytes.length < size - 1 ? bytes.length : size - 1;
	memcpy(buffer, bytes.data, length);
	buffer[length] = '\0';
}

/* Reads the options a method may declare; false when malformed. */
static bool read_options(span options, method_entry *entry)
{
	field f;
	bool malformed = false;
	while (next_field(&options, &f, &malformed)) {
		if (f.number == OPTIONS_IDEMPOTENCY_LEVEL && f.wire == WIRE_VARINT)
			entry->is_write = f.varint != NO_SIDE_EFFECTS;
		else if (f.number == OPTIONS_ACCESS && f.wire == WIRE_VARINT)
			entry->access = (int)f.varint;
		else if (f.number == OPTIONS_OWNER && f.wire == WIRE_BYTES)
			copy_string(f.bytes, entry->owner, sizeof(entry->owner));
	}
	return !malformed;
}

static bool add_method(method_list *list, const char *package, const char *service, span method)
{
	char name[128] = "";
	method_entry read = { .is_write = true };
	field f;
	bool malformed = false;
	while (next_field(&method, &f, &malformed)) {
		if (f.number == METHOD_NAME && f.wire == WIRE_BYTES)
			copy_string(f.bytes, name, sizeof(name));
		else if (f.number == METHOD_OPTIONS && f.wire == WIRE_BYTES &&
		         !read_options(f.bytes, &read))
			malformed = true;
	}
	method_entry *grown = realloc(list->entries, (list->count + 1) * sizeof(*grown));
	if (malformed || name[0] == '\0' || grown == NULL)
		return false;
	list->entries = grown;
	method_entry *entry = &grown[list->count++];
	*entry = read;
	snprintf(entry->full_name, sizeof(entry->full_name), "/%s%s%s/%s", package,
	         package[0] != '\0' ? "." : "", service, name);
	return true;
}

/* The string field number of message (the last one, "" when none) in
 * text; false when message is malformed. Names come first in protoc's
 * output, but the order is not relied on: the whole message is read. */
static bool string_field(span message, uint32_t number, char *text, size_t size)
{
	field f;
	bool malformed = false;
	while (next_field(&message, &f, &malformed))
		if (f.number == number && f.wire == WIRE_BYTES)
			copy_string(f.bytes, text, size);
	return !malformed;
}

static bool add_service(method_list *list, const char *package, span service)
{
	char name[128] = "";
	if (!string_field(service, SERVICE_NAME, name, sizeof(name)) || name[0] == '\0')
		return false;
	field f;
	bool malformed = false;
	while (next_field(&service, &f, &malformed))
		if (f.number == SERVICE_METHOD && f.wire == WIRE_BYTES &&
		    !add_method(list, package, name, f.bytes))
			return false;
	return true;
}

static bool add_file(method_list *list, span file)
{
	char package[128] = "";
	if (!string_field(file, FILE_PACKAGE, package, sizeof(package)))
		return false;
	field f;
	bool malformed = false;
	while (next_field(&file, &f, &malformed))
		if (f.number == FILE_SERVICE && f.wire == WIRE_BYTES &&
		    !add_service(list, package, f.bytes))
			return false;
	return !malformed;
}

/* Short names are accepted by chc_method_is_write, so two methods of the
 * same short name must agree on whether they write. */
static const char *conflicting_short_name(const method_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		for (size_t j = i + 1; j < list->count; j++) {
			const char *a = strrchr(list->entries[i].full_name, '/');
			const char *b = strrchr(list->entries[j].full_name, '/');
			if (strcmp(a, b) == 0 &&
			    list->entries[i].is_write != list->entries[j].is_write)
				return a + 1;
		}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: method_access_gen DESCRIPTOR_SET OUTPUT\n");
		return 2;
	}
	size_t length = 0;
	uint8_t *data = (uint8_t *)chc_whole_file(argv[1], &length);
	if (data == NULL) {
		fprintf(stderr, "method_access_gen: cannot read %s\n", argv[1]);
		return 1;
	}
	method_list list = { 0 };
	span set = { data, length };
	field f;
	bool malformed = false;
	bool ok = true;
	while (ok && next_field(&set, &f, &malformed))
		if (f.number == SET_FILE && f.wire == WIRE_BYTES)
			ok = add_file(&list, f.bytes);
	ok = ok && !malformed;
	free(data);
	if (!ok) {
		fprintf(stderr, "method_access_gen: %s is not a FileDescriptorSet\n", argv[1]);
		free(list.entries);
		return 1;
	}
	const char *conflict = conflicting_short_name(&list);
	if (conflict != NULL) {
		fprintf(stderr, "method_access_gen: two methods named %s differ in read/write\n",
		        conflict);
		free(list.entries);
		return 1;
	}
	FILE *out = fopen(argv[2], "w");
	if (out == NULL) {
		fprintf(stderr, "method_access_gen: cannot write %s\n", argv[2]);
		free(list.entries);
		return 1;
	}
	fprintf(out, "/* Generated by method_access_gen from the .proto files; do not edit. */\n");
	for (size_t i = 0; i < list.count; i++)
		fprintf(out, "{ \"%s\", %s, %d, \"%s\" },\n", list.entries[i].full_name,
		        list.entries[i].is_write ? "true" : "false", list.entries[i].access,
		        list.entries[i].owner);
	free(list.entries);
	if (fclose(out) != 0) {
		fprintf(stderr, "method_access_gen: cannot write %s\n", argv[2]);
		return 1;
	}
	return 0;
}
