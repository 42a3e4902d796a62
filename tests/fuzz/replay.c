/*
 * replay.c - runs a libFuzzer target's inputs once each without libFuzzer,
 * so that the seeds and every input that once crashed are replayed by the
 * ordinary test build (gcc, AddressSanitizer, valgrind) as well:
 *
 *   replay_<target> FILE_OR_DIRECTORY...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *file = fopen(path, "rb");
	if (file == NULL) {
		perror(path);
		return -1;
	}
	uint8_t *data = NULL;
	size_t size = 0, capacity = 0;
	for (;;) {
		if (size == capacity) {
			capacity = capacity ? 2 * capacity : 4096;
			uint8_t *grown = realloc(data, capacity);
			if (grown == NULL) {
				free(data);
				fclose(file);
				return -1;
			}
			data = grown;
		}
		size_t read = fread(data + size, 1, capacity - size, file);
		if (read == 0)
			break;
		size += read;
	}
	fclose(file);
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	return 0;
}

/* The number of inputs replayed, or -1. */
static int replay(const char *path)
{
	struct stat status;
	if (stat(path, &status) != 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(status.st_mode))
		return replay_file(path) == 0 ? 1 : -1;
	DIR *directory = opendir(path);
	if (directory == NULL) {
		perror(path);
		return -1;
	}
	int count = 0;
	for (struct dirent *entry; count >= 0 && (entry = readdir(directory)) != NULL;) {
		if (entry->d_name[0] == '.')
			continue;
		char child[4096];
		snprintf(child, sizeof(child), "%s/%s", path, entry->d_name);
		int replayed = replay(child);
		count = replayed < 0 ? -1 : count + replayed;
	}
	closedir(directory);
	return count;
}

int main(int argc, char **argv)
{
	int total = 0;
	for (int i = 1; i < argc; i++) {
		int count = replay(argv[i]);
		if (count < 0)
			return 1;
		total += count;
	}
	printf("%d inputs replayed\n", total);
	/* None at all: a path went wrong, and nothing was proved. */
	return total > 0 ? 0 : 1;
}
