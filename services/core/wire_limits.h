/*
 * wire_limits.h - what a payload may cost before protobuf-c unpacks it.
 *
 * protobuf-c unpacks a whole message before any handler sees it, and a few
 * bytes on the wire can become many in memory: a repeated message field of
 * empty elements costs two bytes an element to send and a struct and a
 * pointer to hold, so a 4 MiB body could take hundreds of MiB before a
 * validator's "at most 103 owners" ever ran. This walks the wire format by
 * the descriptor first, counting what the unpacked message would hold.
 */
#ifndef CORE_WIRE_LIMITS_H
#define CORE_WIRE_LIMITS_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "chc/status.h"

/* No request field lists more than this; the validators' own limits are far
 * lower (103 owners, 48 periods), this one holds where none is written. */
#define CORE_WIRE_MAX_ITEMS 10000

/*
 * Checks a packed message of type descriptor. Returns CHC_OK (also for bytes
 * that are not a valid message: protobuf-c's unpack says so),
 * CHC_INVALID_ARGUMENT when a repeated field (its path written to field,
 * e.g. "owners" or "parameters.need_ids") has more than CORE_WIRE_MAX_ITEMS
 * elements, or CHC_RESOURCE_EXHAUSTED when the unpacked message would take
 * more than 8 bytes of memory for each byte of the payload, plus 1 MiB.
 */
chc_status core_wire_check(const ProtobufCMessageDescriptor *descriptor, const uint8_t *data,
                           size_t length, char *field, size_t field_size);

#endif /* CORE_WIRE_LIMITS_H */
