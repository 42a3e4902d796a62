/*
 * endpoints.c - the one table of the four services.
 */
#include "chc/endpoints.h"

#include <stddef.h>
#include <string.h>

#define ENTRY(name, service, variable, n)                                                          \
	{                                                                                          \
		name, service, variable, CHC_DEFAULT_URL(n), CHC_DEFAULT_HTTP(n),                  \
		        CHC_DEFAULT_EVENTS(n)                                                      \
	}

static const chc_endpoint_info endpoints[CHC_ENDPOINT_COUNT] = {
	ENTRY("companies", "chc.v1.CompanyService", "CHC_COMPANIES_URL", 1),
	ENTRY("municipalities", "chc.v1.MunicipalityService", "CHC_MUNICIPALITIES_URL", 2),
	ENTRY("projects", "chc.v1.ProjectService", "CHC_PROJECTS_URL", 3),
	ENTRY("matching", "chc.v1.MatchingService", "CHC_MATCHING_URL", 4),
};

const chc_endpoint_info *chc_endpoint_describe(int endpoint)
{
	return endpoint >= 0 && endpoint < CHC_ENDPOINT_COUNT ? &endpoints[endpoint] : NULL;
}

int chc_endpoint_by_name(const char *name)
{
	for (int i = 0; name != NULL && i < CHC_ENDPOINT_COUNT; i++)
		if (strcmp(endpoints[i].name, name) == 0)
			return i;
	return -1;
}
