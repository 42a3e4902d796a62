/*
 * testbed_commands.c - chc testbed create|get|update|list|import: the places
 * where a solution is tried before it is bought.
 */
#include <stdlib.h>
#include <string.h>

#include "chc/v1/matching.pb-c.h"
#include "cli.h"
#include "fields.h"

static const ProtobufCServiceDescriptor *const service = &chc__v1__matching_service__descriptor;

static const cli_field test_bed_fields[] = {
	{ "name", "name", FIELD_TEXT, "what it is called" },
	{ "description", "description", FIELD_TEXT, "what it offers" },
	{ "owner-kind", "owner.kind", FIELD_TEXT,
	  "region, municipality, hospital, university, private" },
	{ "owner-municipality", "owner.municipality_code", FIELD_INT,
	  "the owning municipality (owner kind municipality)" },
	{ "owner-region", "owner.region_code", FIELD_INT, "the owning region (owner kind region)" },
	{ "organisation", "owner.organisation", FIELD_TEXT,
	  "the hospital, university or company that runs it" },
	{ "type", "type", FIELD_TEXT,
	  "hospital-ward, home-care-unit, living-lab, simulation-lab, virtual-environment, "
	  "care-home, general-practice" },
	{ "care-area", "care_areas", FIELD_TEXT_LIST,
	  "repeatable: remote-monitoring, elderly-care, ..." },
	{ "trl-min", "trl_min", FIELD_INT, "lowest TRL it takes, 1 to 9" },
	{ "trl-max", "trl_max", FIELD_INT, "highest TRL it takes, 1 to 9" },
	{ "capacity", "capacity_per_period", FIELD_INT, "solutions hosted at once in one period" },
	{ "period", "periods", FIELD_TEXT_LIST, "repeatable: an open period, 2027-Q1 or 2027-03" },
	{ "region", "region_code", FIELD_INT, "where it is, 1081 to 1085" },
	{ "fee", "fee_dkk", FIELD_INT, "fee per solution, DKK" },
	{ "max-device-class", "max_device_class", FIELD_TEXT,
	  "highest MDR class it accepts: not-a-device, i, iia, iib, iii" },
	{ "dpa-required", "dpa_required", FIELD_BOOL,
	  "true when a data processing agreement is required" },
	{ "standard", "standards", FIELD_TEXT_LIST,
	  "repeatable: a standard a solution must integrate with" },
	{ "preference", "preference", FIELD_TEXT,
	  "how it ranks solutions for stable matching: fit, maturity, evidence, local" },
	{ "status", "status", FIELD_TEXT, "open, paused, closed" },
};
#define TEST_BED_FIELD_COUNT (sizeof(test_bed_fields) / sizeof(test_bed_fields[0]))

static const cli_field filter_fields[] = {
	{ "region", "region_code", FIELD_INT, "in this region" },
	{ "care-area", "care_area", FIELD_TEXT, "takes this care area" },
	{ "trl", "trl", FIELD_INT, "its TRL window holds this TRL" },
	{ "status", "status", FIELD_TEXT, "open, paused, closed" },
};
#define FILTER_FIELD_COUNT (sizeof(filter_fields) / sizeof(filter_fields[0]))

static void join_slugs(const ProtobufCEnumDescriptor *descriptor, const int *values, size_t count,
                       char *text, size_t size)
{
	size_t used = 0;
	text[0] = '\0';
	for (size_t i = 0; i < count && used + 2 < size; i++) {
		char slug[64];
		used += (size_t)snprintf(text + used, size - used, "%s%s", i ? "," : "",
		                         cli_slug(descriptor, values[i], slug));
	}
}

static void print_table(Chc__V1__TestBed **test_beds, size_t count)
{
	static const char *const headers[] = { "ID",     "REGION",     "TYPE", "TRL",
		                               "PLACES", "CARE AREAS", "NAME" };
	cli_table table;
	cli_table_init(&table, 7, headers);
	for (size_t i = 0; i < count; i++) {
		const Chc__V1__TestBed *t = test_beds[i];
		char region[16], type[64], trl[16], places[32], areas[256];
		snprintf(region, sizeof(region), "%d", t->region_code);
		cli_slug(&chc__v1__test_bed_type__descriptor, t->type, type);
		snprintf(trl, sizeof(trl), "%d-%d", t->trl_min, t->trl_max);
		snprintf(places, sizeof(places), "%d x %zu", t->capacity_per_period, t->n_periods);
		join_slugs(&chc__v1__care_category__descriptor, (const int *)t->care_areas,
		           t->n_care_areas, areas, sizeof(areas));
		cli_table_add(&table, t->id, region, type, trl, places, areas, t->name);
	}
	cli_table_print(&table, stdout);
	cli_table_fini(&table);
}

static void print_test_bed(const Chc__V1__TestBed *t)
{
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
	join_slugs(&chc__v1__care_category__descriptor, (const int *)t->care_areas, t->n_care_areas,
	           list, sizeof(list));
	printf("  care areas:  %s\n", list);
	printf("  takes:       TRL %d to %d, MDR class up to %s%s\n", t->trl_min, t->trl_max,
	       cli_slug(&chc__v1__device_class__descriptor, t->max_device_class, text),
	       t->dpa_required ? ", a data processing agreement" : "");
	join_slugs(&chc__v1__standard__descriptor, (const int *)t->standards, t->n_standards, list,
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

static void print_reply(const ProtobufCMessage *reply)
{
	if (reply->descriptor == &chc__v1__test_bed__descriptor) {
		print_test_bed((const Chc__V1__TestBed *)reply);
	} else if (reply->descriptor == &chc__v1__list_test_beds_response__descriptor) {
		const Chc__V1__ListTestBedsResponse *list = (const void *)reply;
		print_table(list->test_beds, list->n_test_beds);
		cli_print_page(list->n_test_beds, list->page, "test beds");
	} else {
		cli_print_json(reply);
	}
}

static int import_one(cli_state *cli, json_t *object, int line, void *context)
{
	(void)context;
	json_t *request = json_pack("{s:O}", "test_bed", object);
	int code = cli_call_json(cli, service, "CreateTestBed", request, NULL);
	json_decref(request);
	if (code != CLI_EXIT_OK)
		fprintf(stderr, "  (line %d)\n", line);
	return code;
}

static void usage(FILE *out)
{
	fprintf(out, "Usage: chc testbed create FIELDS\n"
	             "       chc testbed get ID\n"
	             "       chc testbed list [FILTERS] [--page-size N] [--page-token T]\n"
	             "       chc testbed update ID --version V FIELDS   change the fields given\n"
	             "       chc testbed import FILE.jsonl   create one test bed per JSON line\n\n"
	             "FIELDS:\n");
	cli_fields_help(out, test_bed_fields, TEST_BED_FIELD_COUNT);
	fprintf(out, "\nFILTERS:\n");
	cli_fields_help(out, filter_fields, FILTER_FIELD_COUNT);
	fprintf(out, "\nExample:\n"
	             "  chc testbed create --name \"Hvidovre Hospital, lungemedicin\" --owner-kind "
	             "region \\\n"
	             "    --owner-region 1084 --region 1084 --type hospital-ward --care-area "
	             "remote-monitoring \\\n"
	             "    --trl-min 5 --trl-max 8 --capacity 2 --period 2027-Q1 --period 2027-Q2 "
	             "\\\n"
	             "    --max-device-class iib --dpa-required true --standard hl7-fhir\n");
}

int cli_testbed(cli_state *cli, int argc, char **argv)
{
	cli_arguments arguments;
	static const char *const extra[] = { "version", "page-size", "page-token", NULL };
	if (!cli_parse(argc, argv, NULL, &arguments))
		return CLI_EXIT_USAGE;
	const char *verb = arguments.positional_count > 0 ? arguments.positionals[0] : "";
	const char *id = arguments.positional_count > 1 ? arguments.positionals[1] : NULL;
	cli->json = cli->json || cli_has_option(&arguments, "json");
	if (cli_has_option(&arguments, "help")) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (verb[0] == '\0') {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	bool is_list = strcmp(verb, "list") == 0;
	const cli_field *fields = is_list ? filter_fields : test_bed_fields;
	size_t count = is_list ? FILTER_FIELD_COUNT : TEST_BED_FIELD_COUNT;
	if (!cli_reject_unknown(&arguments, cli_fields_names(fields, count, extra)))
		return CLI_EXIT_USAGE;
	json_t *request = json_object();
	json_t *body = json_object();
	json_t *mask = json_array();
	int code = CLI_EXIT_USAGE;
	long long version = 0;
	if (!cli_fields_to_json(&arguments, fields, count, body, mask) ||
	    !cli_option_int(&arguments, "version", &version)) {
		code = CLI_EXIT_USAGE;
	} else if (strcmp(verb, "create") == 0 && id == NULL) {
		json_object_set(request, "test_bed", body);
		code = cli_call_json(cli, service, "CreateTestBed", request, print_reply);
	} else if (strcmp(verb, "get") == 0 && id != NULL) {
		json_object_set_new(request, "id", json_string(id));
		code = cli_call_json(cli, service, "GetTestBed", request, print_reply);
	} else if (is_list && id == NULL) {
		json_object_update(request, body);
		json_object_set_new(request, "page", cli_page_json(&arguments));
		code = cli_call_json(cli, service, "ListTestBeds", request, print_reply);
	} else if (strcmp(verb, "update") == 0 && id != NULL) {
		json_object_set_new(body, "id", json_string(id));
		json_object_set(request, "test_bed", body);
		json_object_set(request, "update_mask", mask);
		json_object_set_new(request, "expected_version", json_integer(version));
		code = cli_call_json(cli, service, "UpdateTestBed", request, print_reply);
	} else if (strcmp(verb, "import") == 0 && id != NULL) {
		int imported = 0;
		int failures = cli_import_lines(id, import_one, cli, NULL, &imported);
		if (failures >= 0)
			printf("imported %d test beds, %d failed\n", imported, failures);
		code = failures == 0  ? CLI_EXIT_OK
		       : failures < 0 ? CLI_EXIT_USAGE
		                      : CLI_EXIT_INVALID;
	} else {
		usage(stderr);
	}
	json_decref(request);
	json_decref(body);
	json_decref(mask);
	return code;
}
