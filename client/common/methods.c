#include "chc/methods.h"

#include <string.h>

bool chc_method_is_write(const char *method_name)
{
	static const char *const read_prefixes[] = { "Get",   "List",   "Search", "Find",
		                                     "Check", "Export", "Count" };
	for (size_t i = 0; i < sizeof(read_prefixes) / sizeof(read_prefixes[0]); i++)
		if (strncmp(method_name, read_prefixes[i], strlen(read_prefixes[i])) == 0)
			return false;
	return true;
}
