/*
 * uuid.c - record ids from libuuid.
 */
#include "chc/uuid.h"

#include <string.h>
#include <uuid/uuid.h>

void chc_uuid_generate(char text[37])
{
	uuid_t id;
	uuid_generate_random(id);
	uuid_unparse_lower(id, text);
}

bool chc_uuid_is_valid(const char *text)
{
	uuid_t id;
	return text != NULL && strlen(text) == 36 && uuid_parse(text, id) == 0;
}
