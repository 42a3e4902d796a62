/*
 * methods.c - whether a method writes and who may call it, from the table generated out of the
 * method options in proto/chc/v1 (client/common/method_access_gen.c).
 */
#include "chc/methods.h"

#include <string.h>

typedef struct method_access {
	const char *full_name; /* "/chc.v1.CompanyService/GetCompany" */
	bool is_write;
	int access;        /* Chc__V1__Access */
	const char *owner; /* (chc.v1.owner), "" when none */
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

static const method_access *method_named(const char *method_name)
{
	for (size_t i = 0; method_name != NULL && i < sizeof(methods) / sizeof(methods[0]); i++)
		if (names_method(methods[i].full_name, method_name))
			return &methods[i];
	return NULL;
}

bool chc_method_is_write(const char *method_name)
{
	const method_access *method = method_named(method_name);
	return method == NULL || method->is_write;
}

int chc_method_access(const char *method_name)
{
	const method_access *method = method_named(method_name);
	return method != NULL ? method->access : 0;
}

const char *chc_method_owner(const char *method_name)
{
	const method_access *method = method_named(method_name);
	return method != NULL ? method->owner : "";
}
