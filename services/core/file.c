/*
 * file.c - whole files into memory.
 */
#include "file.h"

#include <stdio.h>
#include <stdlib.h>

chc_status core_read_file(const char *path, chc_status unreadable, char **text, size_t *length,
                          chc_error *error)
{
	FILE *file = fopen(path, "rb");
	if (file == NULL)
		return chc_error_set(error, unreadable, "cannot read %s", path);
	char *buffer = NULL;
	size_t size = 0;
	FILE *memory = open_memstream(&buffer, &size);
	char chunk[8192];
	size_t got;
	while (memory != NULL && (got = fread(chunk, 1, sizeof(chunk), file)) > 0)
		fwrite(chunk, 1, got, memory);
	fclose(file);
	if (memory == NULL || fclose(memory) != 0) {
		free(buffer);
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	}
	*text = buffer;
	if (length != NULL)
		*length = size;
	return CHC_OK;
}
