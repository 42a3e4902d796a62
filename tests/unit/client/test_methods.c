/*
 * test_methods.c - the read/write rule comes from the method options in the
 * .proto files, and keeps the classification every method had when the rule
 * was a name prefix.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "chc_test_main.h"

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

/* The rule before the method options: reads were named Get..., List...
 * (BatchGet... came after it, reads all the same). */
static bool written_by_old_prefix_rule(const char *name)
{
	static const char *const read_prefixes[] = { "Get",   "List",   "Search", "Find",
		                                     "Check", "Export", "Count",  "BatchGet" };
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

/* Methods named with and without their service, and names no service
 * has: an unknown method is a write, so that it is never replayed or
 * served as a read. */
static const struct {
	const char *method;
	bool write;
} known[] = {
	{ "/chc.v1.MatchingService/CreateTestBed", true },
	{ "/chc.v1.MatchingService/UpdateTestBed", true },
	{ "/chc.v1.MatchingService/SubmitJob", true },
	{ "/chc.v1.MatchingService/CancelJob", true },
	{ "/chc.v1.MatchingService/RecordFeedback", true },
	{ "/chc.v1.MatchingService/GetJob", false },
	{ "/chc.v1.MatchingService/ListJobResults", false },
	{ "/chc.v1.MatchingService/ExportJob", false },
	{ "/chc.v1.ProjectService/CreateInterest", true },
	{ "/chc.v1.ProjectService/AcceptInterest", true },
	{ "/chc.v1.ProjectService/ChangeProjectStatus", true },
	{ "/chc.v1.ProjectService/SetCommitment", true },
	{ "/chc.v1.ProjectService/GetInterest", false },
	{ "/chc.v1.ProjectService/SearchProjects", false },
	{ "/chc.v1.ProjectService/ListOverdueMilestones", false },
	{ "GetNeed", false },
	{ "BatchGetNeeds", false },
	{ "/chc.v1.CompanyService/BatchGetSolutions", false },
	{ "ListRegions", false },
	{ "SearchSolutions", false },
	{ "FindDuplicateCompanies", false },
	{ "CreateNeed", true },
	{ "ExpireNeeds", true },
	{ "MergeCompanies", true },
	{ "GetSomethingNew", true },
	{ "/chc.v1.Nowhere/GetNeed", true },
	{ NULL, true },
};

static void known_reads_and_writes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (chc_method_is_write(known[i].method) != known[i].write)
			fail_msg("%s should be a %s", known[i].method ? known[i].method : "NULL",
			         known[i].write ? "write" : "read");
}

CHC_TEST_MAIN(NULL, NULL, cmocka_unit_test(every_method_keeps_its_classification),
              cmocka_unit_test(known_reads_and_writes))
