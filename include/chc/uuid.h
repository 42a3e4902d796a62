/*
 * chc/uuid.h - the UUIDs that name every record, in their 36-character
 * text form. Shared by libchc and the services.
 */
#ifndef CHC_UUID_H
#define CHC_UUID_H

#include <stdbool.h>

#include "chc/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes a new random UUID (version 4) in its 36-character text form,
 * lower case, to text. Thread-safe. */
CHC_API void chc_uuid_generate(char text[37]);

/* True when text is a UUID in its 36-character text form. */
CHC_API bool chc_uuid_is_valid(const char *text);

#ifdef __cplusplus
}
#endif

#endif /* CHC_UUID_H */
