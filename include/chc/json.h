/*
 * chc/json.h - protobuf messages to and from JSON, driven by the
 * descriptors protobuf-c generates (one converter for every message).
 *
 * Field names are the .proto names. Enums are written as slugs: the value
 * name without its enum's prefix, in lower case with dashes
 * (CARE_CATEGORY_REMOTE_MONITORING is "remote-monitoring"); when reading,
 * the slug, the full value name and the number are all accepted. 64-bit
 * integers are JSON numbers; bytes are base16 strings.
 */
#ifndef CHC_JSON_H
#define CHC_JSON_H

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

#include "chc/export.h"
#include "chc/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A new JSON object for message; the caller owns it (json_decref). Fields
 * at their default value are left out unless include_defaults is set.
 * Returns CHC_OK or CHC_RESOURCE_EXHAUSTED.
 */
CHC_API chc_status chc_json_from_message(const ProtobufCMessage *message, int include_defaults,
                                         json_t **json, chc_error *error);

/*
 * A new message of type descriptor from a JSON object; the caller frees it
 * with protobuf_c_message_free_unpacked(*message, NULL). Unknown fields and
 * values of the wrong type give CHC_INVALID_ARGUMENT with the field's path
 * as a violation.
 */
CHC_API chc_status chc_json_to_message(const ProtobufCMessageDescriptor *descriptor,
                                       const json_t *json, ProtobufCMessage **message,
                                       chc_error *error);

/* Writes the slug of value to buffer; returns buffer, or NULL for a value
 * the enum does not define (then buffer holds the number). */
CHC_API const char *chc_enum_slug(const ProtobufCEnumDescriptor *descriptor, int value,
                                  char *buffer, size_t size);

/* Parses a slug, a full value name or a number; returns CHC_OK or
 * CHC_INVALID_ARGUMENT. */
CHC_API chc_status chc_enum_parse(const ProtobufCEnumDescriptor *descriptor, const char *text,
                                  int *value);

/* The bytes one value of field takes in its message's struct (one item of
 * a repeated field): what code walking messages by descriptor copies and
 * compares. */
CHC_API size_t chc_field_value_size(const ProtobufCFieldDescriptor *field);

/* Whether member, one value of field in its message's struct, is the
 * field's default (empty text or bytes, no message, zero): a field JSON
 * leaves out and the audit does not name. */
CHC_API int chc_field_is_default(const ProtobufCFieldDescriptor *field, const void *member);

#ifdef __cplusplus
}
#endif

#endif /* CHC_JSON_H */
