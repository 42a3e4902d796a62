/*
 * messages.h - freeing what a test unpacked: most tests end by freeing
 * each reply and request they received, one call a message.
 */
#ifndef TEST_MESSAGES_H
#define TEST_MESSAGES_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

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

#endif /* TEST_MESSAGES_H */
