/*
 * enum_columns.h - enum values in PostgreSQL columns: one value is stored as
 * its slug ("remote-monitoring"), a list as a text[] of slugs. Every service
 * stores its enums this way, so the proto enums stay the one vocabulary.
 */
#ifndef CORE_ENUM_COLUMNS_H
#define CORE_ENUM_COLUMNS_H

#include <protobuf-c/protobuf-c.h>

#include "request.h"

/* The text[] literal '{a,b}' of values; request-owned, NULL on OOM. */
char *core_enum_array(core_request *request, const ProtobufCEnumDescriptor *descriptor,
                      const int *values, size_t count);

/* Parses "a,b" (array_to_string of a slug array) into request-owned
 * values; slugs this build does not know become 0. text is not changed. */
int *core_enum_list(core_request *request, const ProtobufCEnumDescriptor *descriptor,
                    const char *text, size_t *count);

/* The text[] literal of plain words (languages: '{da,en}'); each word must
 * be letters only (checked by the caller). */
char *core_word_array(core_request *request, char *const *words, size_t count);

/* Splits text at each separator into request-owned strings (empty pieces
 * are skipped). text itself is not changed, so it may be libpq's memory,
 * and splitting the same row twice gives the same list. */
char **core_split(core_request *request, const char *text, char separator, size_t *count);

/* core_split at commas ("a,b", array_to_string of a text[]). */
char **core_word_list(core_request *request, const char *text, size_t *count);

#endif /* CORE_ENUM_COLUMNS_H */
