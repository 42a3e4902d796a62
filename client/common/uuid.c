/*
 * uuid.c - record ids: random version-4 UUIDs, checked with libuuid.
 */
#include "chc/uuid.h"

#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <uuid/uuid.h>

void chc_uuid_generate(char text[37])
{
	uuid_t id;
	/* One getrandom per id: libuuid's uuid_generate_random also reseeds
	 * its own generator on every call (getpid, getuid, gettid, getppid,
	 * a clock), five system calls on every request libchc sends. Nothing
	 * is buffered between calls, so a forked child never repeats its
	 * parent's ids. libuuid remains the fallback for a kernel without
	 * getrandom. */
	if (getrandom(id, sizeof(id), 0) == (ssize_t)sizeof(id)) {
		id[6] = (uint8_t)((id[6] & 0x0F) | 0x40); /* version 4 */
		id[8] = (uint8_t)((id[8] & 0x3F) | 0x80); /* the RFC 4122 variant */
	} else {
		uuid_generate_random(id);
	}
	uuid_unparse_lower(id, text);
}

bool chc_uuid_is_valid(const char *text)
{
	uuid_t id;
	return text != NULL && strlen(text) == 36 && uuid_parse(text, id) == 0;
}
