/*
 * file.h - a whole file read into memory: the TLS certificate and key the
 * server loads, the migrations chc-migrate runs. One reader, so that both
 * treat a missing file and a short memory the same way.
 */
#ifndef CORE_FILE_H
#define CORE_FILE_H

#include <stddef.h>

#include "chc/status.h"

/*
 * Reads path whole into *text (NUL-terminated, malloc'd: the caller frees
 * it) and its size into *length when length is not NULL. A file that cannot
 * be opened fails with unreadable ("cannot read <path>"), memory running
 * out with RESOURCE_EXHAUSTED; error says which.
 */
chc_status core_read_file(const char *path, chc_status unreadable, char **text, size_t *length,
                          chc_error *error);

#endif /* CORE_FILE_H */
