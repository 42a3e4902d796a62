/*
 * json.c - descriptor-driven conversion between protobuf-c messages and
 * jansson values. Messages built here use the system allocator, so
 * protobuf_c_message_free_unpacked(message, NULL) frees them.
 */
#include "chc/json.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "CareCategory" -> "CARE_CATEGORY_" */
static void enum_prefix(const ProtobufCEnumDescriptor *descriptor, char *prefix, size_t size)
{
	size_t used = 0;
	const char *name = descriptor->short_name;
	for (size_t i = 0; name[i] != '\0' && used + 3 < size; i++) {
		if (i > 0 && isupper((unsigned char)name[i]))
			prefix[used++] = '_';
		prefix[used++] = (char)toupper((unsigned char)name[i]);
	}
	prefix[used++] = '_';
	prefix[used] = '\0';
}

const char *chc_enum_slug(const ProtobufCEnumDescriptor *descriptor, int value, char *buffer,
                          size_t size)
{
	const ProtobufCEnumValue *found = protobuf_c_enum_descriptor_get_value(descriptor, value);
	if (found == NULL) {
		snprintf(buffer, size, "%d", value);
		return NULL;
	}
	char prefix[128];
	enum_prefix(descriptor, prefix, sizeof(prefix));
	const char *name = found->name;
	if (strncmp(name, prefix, strlen(prefix)) == 0)
		name += strlen(prefix);
	size_t i = 0;
	for (; name[i] != '\0' && i + 1 < size; i++)
		buffer[i] = name[i] == '_' ? '-' : (char)tolower((unsigned char)name[i]);
	buffer[i] = '\0';
	return buffer;
}

/* Whether text is the slug of name (a value name without its prefix),
 * compared in place: imports parse an enum for every field of every row. */
static bool is_slug_of(const char *name, const char *text)
{
	for (; *name != '\0'; name++, text++) {
		char expected = *name == '_' ? '-' : (char)tolower((unsigned char)*name);
		if (*text != expected)
			return false;
	}
	return *text == '\0';
}

chc_status chc_enum_parse(const ProtobufCEnumDescriptor *descriptor, const char *text, int *value)
{
	char prefix[128];
	enum_prefix(descriptor, prefix, sizeof(prefix));
	size_t prefix_length = strlen(prefix);
	for (unsigned i = 0; i < descriptor->n_values; i++) {
		const ProtobufCEnumValue *candidate = &descriptor->values[i];
		const char *name = candidate->name;
		if (strncmp(name, prefix, prefix_length) == 0)
			name += prefix_length;
		if (strcmp(candidate->name, text) == 0 || is_slug_of(name, text)) {
			*value = candidate->value;
			return CHC_OK;
		}
	}
	char *end = NULL;
	errno = 0;
	long number = strtol(text, &end, 10);
	if (errno == 0 && end != text && *end == '\0' &&
	    protobuf_c_enum_descriptor_get_value(descriptor, (int)number) != NULL) {
		*value = (int)number;
		return CHC_OK;
	}
	return CHC_INVALID_ARGUMENT;
}

static json_t *scalar_to_json(const ProtobufCFieldDescriptor *field, const void *member)
{
	char slug[128];
	switch (field->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		return json_integer(*(const int32_t *)member);
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return json_integer(*(const uint32_t *)member);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return json_integer(*(const int64_t *)member);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return json_integer((json_int_t) * (const uint64_t *)member);
	case PROTOBUF_C_TYPE_FLOAT:
		return json_real(*(const float *)member);
	case PROTOBUF_C_TYPE_DOUBLE:
		return json_real(*(const double *)member);
	case PROTOBUF_C_TYPE_BOOL:
		return json_boolean(*(const protobuf_c_boolean *)member);
	case PROTOBUF_C_TYPE_ENUM: {
		int value = *(const int *)member;
		if (chc_enum_slug(field->descriptor, value, slug, sizeof(slug)) == NULL)
			return json_integer(value);
		return json_string(slug);
	}
	case PROTOBUF_C_TYPE_STRING: {
		const char *text = *(char *const *)member;
		return json_string(text != NULL ? text : "");
	}
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *data = member;
		char *hex = malloc(data->len * 2 + 1);
		if (hex == NULL)
			return NULL;
		for (size_t i = 0; i < data->len; i++)
			snprintf(hex + 2 * i, 3, "%02x", data->data[i]);
		hex[data->len * 2] = '\0';
		json_t *value = json_string(hex);
		free(hex);
		return value;
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessage *child = *(ProtobufCMessage *const *)member;
		json_t *value = NULL;
		if (child == NULL)
			return json_null();
		if (chc_json_from_message(child, 0, &value, NULL) != CHC_OK)
			return NULL;
		return value;
	}
	}
	return NULL;
}

size_t chc_field_value_size(const ProtobufCFieldDescriptor *field)
{
	switch (field->type) {
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return sizeof(int64_t);
	case PROTOBUF_C_TYPE_DOUBLE:
		return sizeof(double);
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(void *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	default: /* 32-bit integers, enums, float */
		return sizeof(int32_t);
	}
}

int chc_field_is_default(const ProtobufCFieldDescriptor *field, const void *member)
{
	switch (field->type) {
	case PROTOBUF_C_TYPE_STRING: {
		const char *text = *(char *const *)member;
		return text == NULL || text[0] == '\0';
	}
	case PROTOBUF_C_TYPE_BYTES:
		return ((const ProtobufCBinaryData *)member)->len == 0;
	case PROTOBUF_C_TYPE_MESSAGE:
		return *(void *const *)member == NULL;
	default: {
		static const uint8_t zero[8];
		return memcmp(member, zero, chc_field_value_size(field)) == 0;
	}
	}
}

chc_status chc_json_from_message(const ProtobufCMessage *message, int include_defaults,
                                 json_t **json, chc_error *error)
{
	const ProtobufCMessageDescriptor *descriptor = message->descriptor;
	json_t *object = json_object();
	if (object == NULL)
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	for (unsigned i = 0; i < descriptor->n_fields; i++) {
		const ProtobufCFieldDescriptor *field = &descriptor->fields[i];
		const uint8_t *base = (const uint8_t *)message;
		json_t *value = NULL;
		if (field->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t count = *(const size_t *)(base + field->quantifier_offset);
			if (count == 0 && !include_defaults)
				continue;
			const uint8_t *items = *(uint8_t *const *)(base + field->offset);
			value = json_array();
			for (size_t k = 0; value != NULL && k < count; k++)
				json_array_append_new(
				        value,
				        scalar_to_json(field,
				                       items + k * chc_field_value_size(field)));
		} else {
			const void *member = base + field->offset;
			if (!include_defaults && chc_field_is_default(field, member))
				continue;
			value = scalar_to_json(field, member);
		}
		if (value == NULL || json_object_set_new(object, field->name, value) != 0) {
			json_decref(object);
			return chc_error_set(error, CHC_RESOURCE_EXHAUSTED,
			                     "cannot convert field %s to JSON", field->name);
		}
	}
	*json = object;
	return CHC_OK;
}

static chc_status json_to_scalar(const ProtobufCFieldDescriptor *field, const json_t *value,
                                 void *member, const char *path, chc_error *error)
{
	switch (field->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		if (!json_is_integer(value) || json_integer_value(value) > INT32_MAX ||
		    json_integer_value(value) < INT32_MIN)
			break;
		*(int32_t *)member = (int32_t)json_integer_value(value);
		return CHC_OK;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		if (!json_is_integer(value))
			break;
		*(int64_t *)member = json_integer_value(value);
		return CHC_OK;
	case PROTOBUF_C_TYPE_FLOAT:
		if (!json_is_number(value))
			break;
		*(float *)member = (float)json_number_value(value);
		return CHC_OK;
	case PROTOBUF_C_TYPE_DOUBLE:
		if (!json_is_number(value))
			break;
		*(double *)member = json_number_value(value);
		return CHC_OK;
	case PROTOBUF_C_TYPE_BOOL:
		if (!json_is_boolean(value))
			break;
		*(protobuf_c_boolean *)member = json_is_true(value);
		return CHC_OK;
	case PROTOBUF_C_TYPE_ENUM: {
		int parsed = 0;
		if (json_is_integer(value)) {
			*(int *)member = (int)json_integer_value(value);
			return CHC_OK;
		}
		if (!json_is_string(value) ||
		    chc_enum_parse(field->descriptor, json_string_value(value), &parsed) !=
		            CHC_OK) {
			/* Say which values there are: the caller typed a word. */
			const ProtobufCEnumDescriptor *values = field->descriptor;
			char allowed[512] = "";
			for (unsigned i = 0; i < values->n_values; i++) {
				char slug[64];
				size_t used = strlen(allowed);
				if (values->values[i].value != 0 &&
				    chc_enum_slug(values, values->values[i].value, slug,
				                  sizeof(slug)) != NULL)
					snprintf(allowed + used, sizeof(allowed) - used, "%s%s",
					         used ? ", " : "", slug);
			}
			char description[600];
			snprintf(description, sizeof(description),
			         "not a value of this enum; one of: %s", allowed);
			chc_error_add_violation(error, path, description);
			return CHC_INVALID_ARGUMENT;
		}
		*(int *)member = parsed;
		return CHC_OK;
	}
	case PROTOBUF_C_TYPE_STRING: {
		if (!json_is_string(value))
			break;
		char *copy = strdup(json_string_value(value));
		if (copy == NULL)
			return CHC_RESOURCE_EXHAUSTED;
		*(char **)member = copy;
		return CHC_OK;
	}
	case PROTOBUF_C_TYPE_BYTES: {
		if (!json_is_string(value))
			break;
		const char *hex = json_string_value(value);
		size_t length = strlen(hex) / 2;
		uint8_t *data = malloc(length > 0 ? length : 1);
		if (data == NULL)
			return CHC_RESOURCE_EXHAUSTED;
		for (size_t i = 0; i < length; i++) {
			unsigned byte = 0;
			if (sscanf(hex + 2 * i, "%2x", &byte) != 1) {
				free(data);
				chc_error_add_violation(error, path, "not a base16 string");
				return CHC_INVALID_ARGUMENT;
			}
			data[i] = (uint8_t)byte;
		}
		*(ProtobufCBinaryData *)member = (ProtobufCBinaryData){ length, data };
		return CHC_OK;
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		if (!json_is_object(value))
			break;
		ProtobufCMessage *child = NULL;
		chc_status status = chc_json_to_message(field->descriptor, value, &child, error);
		if (status != CHC_OK) {
			return status;
		}
		*(ProtobufCMessage **)member = child;
		return CHC_OK;
	}
	}
	chc_error_add_violation(error, path, "has the wrong JSON type");
	return CHC_INVALID_ARGUMENT;
}

chc_status chc_json_to_message(const ProtobufCMessageDescriptor *descriptor, const json_t *json,
                               ProtobufCMessage **out, chc_error *error)
{
	if (!json_is_object(json))
		return chc_error_set(error, CHC_INVALID_ARGUMENT, "%s must be a JSON object",
		                     descriptor->name);
	ProtobufCMessage *message = calloc(1, descriptor->sizeof_message);
	if (message == NULL)
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	descriptor->message_init(message);
	/* Proto3 strings default to a shared empty string that
	 * free_unpacked knows not to free; leave those in place. */
	chc_status status = CHC_OK;
	const char *key;
	json_t *value;
	json_object_foreach((json_t *)json, key, value)
	{
		const ProtobufCFieldDescriptor *field =
		        protobuf_c_message_descriptor_get_field_by_name(descriptor, key);
		char path[256];
		snprintf(path, sizeof(path), "%s", key);
		if (field == NULL) {
			chc_error_add_violation(error, path, "is not a field of this message");
			status = CHC_INVALID_ARGUMENT;
			continue;
		}
		if (json_is_null(value))
			continue;
		uint8_t *base = (uint8_t *)message;
		if (field->label == PROTOBUF_C_LABEL_REPEATED) {
			if (!json_is_array(value)) {
				chc_error_add_violation(error, path, "must be a JSON array");
				status = CHC_INVALID_ARGUMENT;
				continue;
			}
			size_t count = json_array_size(value);
			uint8_t *items = calloc(count > 0 ? count : 1, chc_field_value_size(field));
			if (items == NULL) {
				status = CHC_RESOURCE_EXHAUSTED;
				break;
			}
			*(uint8_t **)(base + field->offset) = items;
			size_t filled = 0;
			for (size_t k = 0; k < count; k++) {
				char item_path[280];
				snprintf(item_path, sizeof(item_path), "%s[%zu]", path, k);
				chc_status item_status =
				        json_to_scalar(field, json_array_get(value, k),
				                       items + filled * chc_field_value_size(field),
				                       item_path, error);
				if (item_status == CHC_OK)
					filled++;
				else
					status = item_status;
			}
			*(size_t *)(base + field->quantifier_offset) = filled;
		} else {
			chc_status field_status =
			        json_to_scalar(field, value, base + field->offset, path, error);
			if (field_status != CHC_OK)
				status = field_status;
		}
	}
	if (status != CHC_OK) {
		protobuf_c_message_free_unpacked(message, NULL);
		if (status == CHC_RESOURCE_EXHAUSTED)
			return chc_error_set(error, status, "out of memory");
		if (error != NULL && error->violation_count > 0)
			return chc_error_set_headline(error, status, "%s: %s",
			                              error->violations[0].field,
			                              error->violations[0].description);
		return chc_error_set_headline(error, status, "invalid %s", descriptor->name);
	}
	*out = message;
	return CHC_OK;
}
