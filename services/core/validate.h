/*
 * validate.h - field checks for handlers. Each check that fails has already
 * recorded an INVALID_ARGUMENT violation naming the field, so a handler
 * runs all its checks and then returns if core_failed(request).
 */
#ifndef CORE_VALIDATE_H
#define CORE_VALIDATE_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stdint.h>

#include "chc/v1/common.pb-c.h"
#include "request.h"

/* Text of minimum..maximum characters (UTF-8 code points), valid UTF-8,
 * no control characters but newlines and tabs. minimum 0: optional. */
bool core_check_text(core_request *request, const char *field, const char *value, size_t minimum,
                     size_t maximum);

bool core_check_range(core_request *request, const char *field, int64_t value, int64_t minimum,
                      int64_t maximum);

/* A message field the request must carry: value is not NULL. Every
 * handler that takes a record checked this by hand. */
bool core_check_present(core_request *request, const char *field, const void *value);

/* A UUID in text form. */
bool core_check_uuid(core_request *request, const char *field, const char *value);

/* A defined value of the enum; required rejects the zero (UNSPECIFIED). */
bool core_check_enum(core_request *request, const char *field,
                     const ProtobufCEnumDescriptor *descriptor, int value, bool required);

/* A list of defined, distinct enum values (none UNSPECIFIED), at most
 * maximum of them; violations name "name[i]". */
bool core_check_enum_list(core_request *request, const char *name,
                          const ProtobufCEnumDescriptor *descriptor, const int *values,
                          size_t count, size_t maximum);

/* A place given as a municipality or a region (a deployment, a need's
 * owner): exactly one of the two codes is set. Their ranges are checked
 * apart. */
bool core_check_place(core_request *request, const char *field, int municipality_code,
                      int region_code);

/* A calendar date "YYYY-MM-DD"; optional when value is "" and not required. */
bool core_check_date(core_request *request, const char *field, const char *value, bool required);

/* An e-mail address: something@domain.tld; optional when "". */
bool core_check_email(core_request *request, const char *field, const char *value);

/* The enum value's slug ("remote-monitoring"), as stored in the database.
 * Request-owned. */
const char *core_enum_slug(core_request *request, const ProtobufCEnumDescriptor *descriptor,
                           int value);

/* The value of a stored slug; 0 when the database holds a value this build
 * does not know. */
int core_enum_value(const ProtobufCEnumDescriptor *descriptor, const char *slug);

#endif /* CORE_VALIDATE_H */
