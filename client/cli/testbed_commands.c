/*
 * testbed_commands.c - chc testbed create|get|update|list|import: the places
 * where a solution is tried before it is bought.
 */
#include <stdlib.h>
#include <string.h>

#include "chc/v1/matching.pb-c.h"
#include "cli.h"
#include "fields.h"
#include "noun.h"

static const cli_field test_bed_fields[] = {
	{ "name", "name", FIELD_TEXT, "what it is called", NULL },
	{ "description", "description", FIELD_TEXT, "what it offers", NULL },
	{ "owner-kind", "owner.kind", FIELD_TEXT,
	  "who owns it:", &chc__v1__test_bed_owner_kind__descriptor },
	{ "owner-municipality", "owner.municipality_code", FIELD_INT,
	  "the owning municipality (owner kind municipality)", NULL },
	{ "owner-region", "owner.region_code", FIELD_INT, "the owning region (owner kind region)",
	  NULL },
	{ "organisation", "owner.organisation", FIELD_TEXT,
	  "the hospital, university or company that runs it", NULL },
	{ "type", "type", FIELD_TEXT, "what kind of place:", &chc__v1__test_bed_type__descriptor },
	{ "care-area", "care_areas", FIELD_TEXT_LIST,
	  "repeatable, a care area it can test:", &chc__v1__care_category__descriptor },
	{ "trl-min", "trl_min", FIELD_INT, "lowest TRL it takes, 1 to 9", NULL },
	{ "trl-max", "trl_max", FIELD_INT, "highest TRL it takes, 1 to 9", NULL },
	{ "capacity", "capacity_per_period", FIELD_INT, "solutions hosted at once in one period",
	  NULL },
	{ "period", "periods", FIELD_TEXT_LIST, "repeatable: an open period, 2027-Q1 or 2027-03",
	  NULL },
	{ "region", "region_code", FIELD_INT, "where it is, 1081 to 1085", NULL },
	{ "fee", "fee_dkk", FIELD_INT, "fee per solution, DKK", NULL },
	{ "max-device-class", "max_device_class", FIELD_TEXT,
	  "the highest MDR class it accepts:", &chc__v1__device_class__descriptor },
	{ "dpa-required", "dpa_required", FIELD_BOOL,
	  "true when a data processing agreement is required", NULL },
	{ "standard", "standards", FIELD_TEXT_LIST,
	  "repeatable, a standard a solution must integrate with:",
	  &chc__v1__standard__descriptor },
	{ "preference", "preference", FIELD_TEXT, "how it ranks solutions for stable matching:",
	  &chc__v1__test_bed_preference__descriptor },
	{ "status", "status", FIELD_TEXT,
	  "only open ones are matched:", &chc__v1__test_bed_status__descriptor },
};

static const cli_field filter_fields[] = {
	{ "region", "region_code", FIELD_INT, "in this region", NULL },
	{ "care-area", "care_area", FIELD_TEXT, "takes this care area",
	  &chc__v1__care_category__descriptor },
	{ "trl", "trl", FIELD_INT, "its TRL window holds this TRL", NULL },
	{ "status", "status", FIELD_TEXT, "in this status", &chc__v1__test_bed_status__descriptor },
};

static void trl_cell(const ProtobufCMessage *record, char *text, size_t size)
{
	const Chc__V1__TestBed *t = (const Chc__V1__TestBed *)record;
	snprintf(text, size, "%d-%d", t->trl_min, t->trl_max);
}

static void places_cell(const ProtobufCMessage *record, char *text, size_t size)
{
	const Chc__V1__TestBed *t = (const Chc__V1__TestBed *)record;
	snprintf(text, size, "%d x %zu", t->capacity_per_period, t->n_periods);
}

static const cli_column columns[] = {
	{ "ID", "id", NULL },
	{ "REGION", "region_code", NULL },
	{ "TYPE", "type", NULL },
	{ "TRL", NULL, trl_cell },
	{ "PLACES", NULL, places_cell },
	{ "CARE AREAS", "care_areas", NULL },
	{ "NAME", "name", NULL },
};

static void print_test_bed(const ProtobufCMessage *record)
{
	const Chc__V1__TestBed *t = (const Chc__V1__TestBed *)record;
	char text[64], list[512];
	printf("%s  %s\n", t->id, t->name);
	printf("  status:      %s (version %lld)\n",
	       cli_slug(&chc__v1__test_bed_status__descriptor, t->status, text),
	       (long long)t->version);
	if (t->owner != NULL) {
		printf("  owner:       %s",
		       cli_slug(&chc__v1__test_bed_owner_kind__descriptor, t->owner->kind, text));
		if (t->owner->municipality_code)
			printf(" %d", t->owner->municipality_code);
		if (t->owner->region_code)
			printf(" %d", t->owner->region_code);
		if (t->owner->organisation[0] != '\0')
			printf(" (%s)", t->owner->organisation);
		printf("\n");
	}
	printf("  type:        %s in region %d\n",
	       cli_slug(&chc__v1__test_bed_type__descriptor, t->type, text), t->region_code);
	cli_slugs(&chc__v1__care_category__descriptor, (const int *)t->care_areas, t->n_care_areas,
	          list, sizeof(list));
	printf("  care areas:  %s\n", list);
	printf("  takes:       TRL %d to %d, MDR class up to %s%s\n", t->trl_min, t->trl_max,
	       cli_slug(&chc__v1__device_class__descriptor, t->max_device_class, text),
	       t->dpa_required ? ", a data processing agreement" : "");
	cli_slugs(&chc__v1__standard__descriptor, (const int *)t->standards, t->n_standards, list,
	          sizeof(list));
	if (t->n_standards > 0)
		printf("  standards:   %s\n", list);
	printf("  places:      %d per period in", t->capacity_per_period);
	for (size_t i = 0; i < t->n_periods; i++)
		printf(" %s", t->periods[i]);
	printf("%s\n", t->n_periods == 0 ? " every period" : "");
	printf("  fee:         %lld DKK; ranks solutions by %s\n", (long long)t->fee_dkk,
	       cli_slug(&chc__v1__test_bed_preference__descriptor, t->preference, text));
	if (t->description[0] != '\0')
		printf("  %s\n", t->description);
}

static const cli_verb verbs[] = {
	{ "create", CLI_VERB_CREATE, "CreateTestBed", "FIELDS", NULL },
	{ "get", CLI_VERB_GET, "GetTestBed", "ID", NULL },
	{ "list", CLI_VERB_LIST, "ListTestBeds", "[FILTERS]", NULL },
	{ "update", CLI_VERB_UPDATE, "UpdateTestBed",
	  "ID --version V FIELDS       change the fields given", NULL },
	{ "import", CLI_VERB_IMPORT, "CreateTestBed",
	  "FILE.jsonl                  one test bed per JSON line", NULL },
};

const cli_noun cli_testbed_noun = {
	.name = "testbed",
	.plural = "test beds",
	.service = &chc__v1__matching_service__descriptor,
	.wrapper = "test_bed",
	.fields = test_bed_fields,
	.field_count = CLI_COUNT(test_bed_fields),
	.filters = filter_fields,
	.filter_count = CLI_COUNT(filter_fields),
	.verbs = verbs,
	.verb_count = CLI_COUNT(verbs),
	.record = &chc__v1__test_bed__descriptor,
	.print_record = print_test_bed,
	.columns = columns,
	.column_count = CLI_COUNT(columns),
	.example = "  chc testbed create --name \"Hvidovre Hospital, lungemedicin\" --owner-kind "
	           "region \\\n"
	           "    --owner-region 1084 --region 1084 --type hospital-ward --care-area "
	           "remote-monitoring \\\n"
	           "    --trl-min 5 --trl-max 8 --capacity 2 --period 2027-Q1 --period 2027-Q2 "
	           "\\\n"
	           "    --max-device-class iib --dpa-required true --standard hl7-fhir\n",
};
