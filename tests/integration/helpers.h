/*
 * helpers.h - what several integration tests share besides the harness:
 * freeing what they unpacked, and texts too long for a field.
 */
#ifndef TEST_HELPERS_H
#define TEST_HELPERS_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static inline void free_message_list(ProtobufCMessage *const *messages, size_t count)
{
	for (size_t i = 0; i < count; i++)
		protobuf_c_message_free_unpacked(messages[i], NULL);
}

/* Frees every message given (each a ProtobufCMessage *, which may be NULL). */
#define free_messages(...)                                                                         \
	free_message_list((ProtobufCMessage *const[]){ __VA_ARGS__ },                              \
	                  sizeof((ProtobufCMessage *const[]){ __VA_ARGS__ }) /                     \
	                          sizeof(ProtobufCMessage *))

/* format (JSON with one %s) with the %s filled by length copies of c:
 * a request whose field is too long. The caller frees it. */
static inline char *with_long_text(const char *format, size_t length, char c)
{
	const char *hole = strstr(format, "%s");
	char *filled = malloc(strlen(format) + length + 1);
	if (hole == NULL || filled == NULL) {
		free(filled);
		return NULL;
	}
	size_t before = (size_t)(hole - format);
	memcpy(filled, format, before);
	memset(filled + before, c, length);
	strcpy(filled + before + length, hole + 2);
	return filled;
}

#endif /* TEST_HELPERS_H */
