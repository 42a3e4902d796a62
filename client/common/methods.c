/*
 * methods.c - whether a method writes, from the table generated out of the
 * method options in proto/chc/v1 (client/common/method_access_gen.c).
 */
#include "chc/methods.h"

#include <string.h>

typedef struct method_access {
	const char *full_name; /* "/chc.v1.CompanyService/GetCompany" */
	bool is_write;
} method_access;

static const method_access methods[] = {
#include "chc/method_access_table.inc"
};

static bool names_method(const char *full_name, const char *name)
{
	if (name[0] == '/')
		return strcmp(full_name, name) == 0;
	return strcmp(strrchr(full_name, '/') + 1, name) == 0;
}

bool chc_method_is_write(const char *method_name)
{
	if (method_name == NULL)
		return true;
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (names_method(methods[i].full_name, method_name))
			return methods[i].is_write;
	return true;
}
