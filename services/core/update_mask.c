/*
 * update_mask.c - field masks applied through protobuf-c's descriptors, so
 * a service lists which fields may change and writes no copying code.
 */
#include "update_mask.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "chc/json.h"

static void copy_field(ProtobufCMessage *target, const ProtobufCMessage *update,
                       const ProtobufCFieldDescriptor *field)
{
	char *to = (char *)target;
	const char *from = (const char *)update;
	size_t size = chc_field_value_size(field);
	if (field->label == PROTOBUF_C_LABEL_REPEATED) {
		/* The count, and the pointer to the values. */
		memcpy(to + field->quantifier_offset, from + field->quantifier_offset,
		       sizeof(size_t));
		size = sizeof(void *);
	} else if (field->quantifier_offset != 0) {
		/* The has_ flag, or the case of a oneof. */
		size_t flag = (field->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
		                      ? sizeof(uint32_t)
		                      : sizeof(protobuf_c_boolean);
		memcpy(to + field->quantifier_offset, from + field->quantifier_offset, flag);
	}
	memcpy(to + field->offset, from + field->offset, size);
}

static bool is_listed(const char *name, const char *const *names)
{
	for (size_t i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

bool core_apply_update_mask(core_request *request, ProtobufCMessage *target,
                            const ProtobufCMessage *update, char *const *mask, size_t count,
                            const char *const *updatable, const char *hint)
{
	if (count == 0) {
		core_violation(request, "update_mask", "name the fields to change");
		return false;
	}
	const ProtobufCMessageDescriptor *descriptor = target->descriptor;
	for (size_t i = 0; i < count; i++) {
		const ProtobufCFieldDescriptor *field =
		        is_listed(mask[i], updatable)
		                ? protobuf_c_message_descriptor_get_field_by_name(descriptor,
		                                                                  mask[i])
		                : NULL;
		if (field == NULL) {
			char name[40];
			snprintf(name, sizeof(name), "update_mask[%zu]", i);
			core_violation(request, name,
			               "\"%.60s\" is not a field of %s that can be updated%s%s",
			               mask[i], descriptor->short_name, hint != NULL ? "; " : "",
			               hint != NULL ? hint : "");
			return false;
		}
		copy_field(target, update, field);
	}
	return true;
}
