/*
 * whole_file.h - a file read into memory whole, for the two programs that
 * need one: the method table generator and chc company import. It is a
 * header alone because the generator is built before any library.
 */
#ifndef CHC_WHOLE_FILE_H
#define CHC_WHOLE_FILE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/* The bytes of path, NUL-terminated (so that a text file is a string), and
 * their count in *length; NULL when it cannot be read. The caller frees. */
static inline char *chc_whole_file(const char *path, size_t *length)
{
	FILE *file = fopen(path, "rb");
	if (file == NULL)
		return NULL;
	char *text = NULL;
	FILE *memory = open_memstream(&text, length);
	char chunk[65536];
	size_t got;
	while (memory != NULL && (got = fread(chunk, 1, sizeof(chunk), file)) > 0)
		fwrite(chunk, 1, got, memory);
	bool failed = memory == NULL || ferror(file) != 0;
	fclose(file);
	/* Only closing the stream makes text and length final. */
	if (memory != NULL && fclose(memory) != 0)
		failed = true;
	if (failed) {
		free(text);
		return NULL;
	}
	return text;
}

#endif /* CHC_WHOLE_FILE_H */
