/*
 * test_methods.c - the read/write rule comes from the method options in the
 * .proto files, and keeps the classification every method had when the rule
 * was a name prefix.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "chc/methods.h"
#include "chc/v1/companies.pb-c.h"
#include "chc/v1/events.pb-c.h"
#include "chc/v1/health.pb-c.h"
#include "chc/v1/matching.pb-c.h"
#include "chc/v1/municipalities.pb-c.h"
#include "chc/v1/projects.pb-c.h"

static const ProtobufCServiceDescriptor *const services[] = {
	&chc__v1__company_service__descriptor, &chc__v1__municipality_service__descriptor,
	&chc__v1__project_service__descriptor, &chc__v1__matching_service__descriptor,
	&chc__v1__health__descriptor,          &chc__v1__events__descriptor,
};

/* The rule before the method options: reads were named Get..., List... */
static bool written_by_old_prefix_rule(const char *name)
{
	static const char *const read_prefixes[] = { "Get",   "List",   "Search", "Find",
		                                     "Check", "Export", "Count" };
	for (size_t i = 0; i < sizeof(read_prefixes) / sizeof(read_prefixes[0]); i++)
		if (strncmp(name, read_prefixes[i], strlen(read_prefixes[i])) == 0)
			return false;
	return true;
}

static void every_method_keeps_its_classification(void **state)
{
	(void)state;
	for (size_t s = 0; s < sizeof(services) / sizeof(services[0]); s++) {
		for (unsigned m = 0; m < services[s]->n_methods; m++) {
			const char *name = services[s]->methods[m].name;
			char full[256];
			snprintf(full, sizeof(full), "/%s/%s", services[s]->name, name);
			bool expected = written_by_old_prefix_rule(name);
			if (chc_method_is_write(full) != expected ||
			    chc_method_is_write(name) != expected)
				fail_msg("%s should be a %s", full, expected ? "write" : "read");
		}
	}
}

static void matching_reads_and_writes(void **state)
{
	(void)state;
	assert_true(chc_method_is_write("/chc.v1.MatchingService/CreateTestBed"));
	assert_true(chc_method_is_write("/chc.v1.MatchingService/UpdateTestBed"));
	assert_true(chc_method_is_write("/chc.v1.MatchingService/SubmitJob"));
	assert_true(chc_method_is_write("/chc.v1.MatchingService/CancelJob"));
	assert_true(chc_method_is_write("/chc.v1.MatchingService/RecordFeedback"));
	assert_false(chc_method_is_write("/chc.v1.MatchingService/GetJob"));
	assert_false(chc_method_is_write("/chc.v1.MatchingService/ListJobResults"));
	assert_false(chc_method_is_write("/chc.v1.MatchingService/ExportJob"));
}

static void projects_reads_and_writes(void **state)
{
	(void)state;
	assert_true(chc_method_is_write("/chc.v1.ProjectService/CreateInterest"));
	assert_true(chc_method_is_write("/chc.v1.ProjectService/AcceptInterest"));
	assert_true(chc_method_is_write("/chc.v1.ProjectService/ChangeProjectStatus"));
	assert_true(chc_method_is_write("/chc.v1.ProjectService/SetCommitment"));
	assert_false(chc_method_is_write("/chc.v1.ProjectService/GetInterest"));
	assert_false(chc_method_is_write("/chc.v1.ProjectService/SearchProjects"));
	assert_false(chc_method_is_write("/chc.v1.ProjectService/ListOverdueMilestones"));
}

static void unknown_methods_are_writes(void **state)
{
	(void)state;
	assert_true(chc_method_is_write("GetSomethingNew"));
	assert_true(chc_method_is_write("/chc.v1.Nowhere/GetNeed"));
	assert_true(chc_method_is_write(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_method_keeps_its_classification),
		cmocka_unit_test(matching_reads_and_writes),
		cmocka_unit_test(projects_reads_and_writes),
		cmocka_unit_test(unknown_methods_are_writes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
