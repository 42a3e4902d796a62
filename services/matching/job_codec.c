/*
 * job_codec.c - messages kept packed in bytea columns (job parameters,
 * inputs, results), unpacked into the request's memory so that a handler
 * owns them like any other request allocation.
 */
#include <stdlib.h>
#include <string.h>

#include "matching_jobs.h"

static void *request_allocate(void *allocator_data, size_t size)
{
	return core_alloc(allocator_data, size);
}

/* Request memory is released with the request. */
static void request_release(void *allocator_data, void *pointer)
{
	(void)allocator_data;
	(void)pointer;
}

ProtobufCMessage *job_unpack_bytea(core_request *request,
                                   const ProtobufCMessageDescriptor *descriptor,
                                   const char *bytea_text)
{
	size_t length = 0;
	unsigned char *bytes = PQunescapeBytea((const unsigned char *)bytea_text, &length);
	if (bytes == NULL) {
		core_fail(request, CHC_RESOURCE_EXHAUSTED, "out of memory");
		return NULL;
	}
	ProtobufCAllocator allocator = {
		.alloc = request_allocate,
		.free = request_release,
		.allocator_data = request,
	};
	ProtobufCMessage *message =
	        protobuf_c_message_unpack(descriptor, &allocator, length, bytes);
	PQfreemem(bytes);
	if (message == NULL)
		core_fail(request, CHC_DATA_LOSS, "a stored %s does not decode", descriptor->name);
	return message;
}

chc_status job_pack(const ProtobufCMessage *message, uint8_t **bytes, size_t *length)
{
	*length = protobuf_c_message_get_packed_size(message);
	*bytes = malloc(*length + 1);
	if (*bytes == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	protobuf_c_message_pack(message, *bytes);
	return CHC_OK;
}

/* The arena: results are many small allocations made once and freed
 * together, so they come from large blocks. */
typedef struct arena_block {
	struct arena_block *next;
	size_t used;
	size_t size;
	max_align_t data[];
} arena_block;

void *job_arena_alloc(job_arena *arena, size_t size)
{
	size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	arena_block *block = arena->blocks;
	if (block == NULL || block->size - block->used < size) {
		size_t block_size = size > 1 << 20 ? size : 1 << 20;
		block = malloc(sizeof(*block) + block_size);
		if (block == NULL)
			return NULL;
		block->next = arena->blocks;
		block->used = 0;
		block->size = block_size;
		arena->blocks = block;
	}
	void *pointer = (char *)block->data + block->used;
	block->used += size;
	memset(pointer, 0, size);
	return pointer;
}

char *job_arena_strdup(job_arena *arena, const char *text)
{
	size_t length = strlen(text);
	char *copy = job_arena_alloc(arena, length + 1);
	if (copy != NULL)
		memcpy(copy, text, length + 1);
	return copy;
}

void job_arena_fini(job_arena *arena)
{
	arena_block *block = arena->blocks;
	while (block != NULL) {
		arena_block *next = block->next;
		free(block);
		block = next;
	}
	arena->blocks = NULL;
}

static void *arena_allocate(void *allocator_data, size_t size)
{
	return job_arena_alloc(allocator_data, size);
}

static void arena_release(void *allocator_data, void *pointer)
{
	(void)allocator_data;
	(void)pointer;
}

ProtobufCAllocator job_arena_allocator(job_arena *arena)
{
	ProtobufCAllocator allocator = {
		.alloc = arena_allocate,
		.free = arena_release,
		.allocator_data = arena,
	};
	return allocator;
}
