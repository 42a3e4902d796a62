#include "algorithm_version.h"

const char *matching_algorithm_version(void)
{
	return MATCHING_ALGORITHM_VERSION;
}
