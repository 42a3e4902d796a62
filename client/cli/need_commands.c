/*
 * need_commands.c - chc need create|get|list|search|update|close|reopen|
 * expire|import.
 */
#include <stdlib.h>
#include <string.h>

#include "chc/v1/municipalities.pb-c.h"
#include "cli.h"
#include "fields.h"

static const ProtobufCServiceDescriptor *const service = &chc__v1__municipality_service__descriptor;

static const cli_field need_fields[] = {
	{ "owner", "owners", FIELD_OWNERS,
	  "owner code, repeatable: municipality (101) or region (1084)" },
	{ "title", "title", FIELD_TEXT, "short title" },
	{ "description", "description", FIELD_TEXT, "what is needed and why" },
	{ "care-area", "care_area", FIELD_TEXT, "category: remote-monitoring, telemedicine, ..." },
	{ "target-group", "target_groups", FIELD_TEXT_LIST, "repeatable: citizens-with-copd, ..." },
	{ "min-trl", "min_trl", FIELD_INT, "minimum technology readiness level, 1 to 9" },
	{ "device-class", "max_device_class", FIELD_TEXT,
	  "highest MDR class accepted: not-a-device, i, iia, iib, iii" },
	{ "standard", "required_standards", FIELD_TEXT_LIST, "repeatable: medcom, hl7-fhir, ..." },
	{ "gdpr-dpa", "gdpr_dpa_required", FIELD_BOOL,
	  "true when a data processing agreement is required" },
	{ "budget-min", "budget.min_dkk", FIELD_INT, "budget from, DKK" },
	{ "budget-max", "budget.max_dkk", FIELD_INT, "budget up to, DKK" },
	{ "route", "procurement_route", FIELD_TEXT,
	  "direct-purchase, ski-framework, open-tender, pre-commercial, innovation-procurement, "
	  "innovation-partnership" },
	{ "deadline", "deadline", FIELD_TEXT, "YYYY-MM-DD" },
	{ "criterion", "criteria", FIELD_CRITERIA, "repeatable name=weight, weights sum to 100" },
	{ "contact-name", "contact.name", FIELD_TEXT, "contact person" },
	{ "contact-email", "contact.email", FIELD_TEXT, "contact e-mail" },
	{ "contact-phone", "contact.phone", FIELD_TEXT, "contact phone" },
	{ "status", "status", FIELD_TEXT, "draft, open, in-dialogue, matched" },
	{ "language", "language", FIELD_TEXT, "da or en" },
};
#define NEED_FIELD_COUNT (sizeof(need_fields) / sizeof(need_fields[0]))

static const cli_field filter_fields[] = {
	{ "owner-municipality", "owner_municipality_code", FIELD_INT,
	  "owned by this municipality" },
	{ "owner-region", "owner_region_code", FIELD_INT, "owned by this region" },
	{ "region", "region_code", FIELD_INT,
	  "owned in this region (region or its municipalities)" },
	{ "care-area", "care_area", FIELD_TEXT, "category" },
	{ "status", "status", FIELD_TEXT, "draft, open, in-dialogue, matched, closed, expired" },
	{ "route", "procurement_route", FIELD_TEXT, "procurement route" },
	{ "deadline-from", "deadline_from", FIELD_TEXT, "YYYY-MM-DD" },
	{ "deadline-to", "deadline_to", FIELD_TEXT, "YYYY-MM-DD" },
};
#define FILTER_FIELD_COUNT (sizeof(filter_fields) / sizeof(filter_fields[0]))

static void print_owners(const Chc__V1__Need *need, char *text, size_t size)
{
	size_t used = 0;
	text[0] = '\0';
	for (size_t i = 0; i < need->n_owners && used + 8 < size; i++)
		used += (size_t)snprintf(text + used, size - used, "%s%d", i ? "," : "",
		                         need->owners[i]->municipality_code
		                                 ? need->owners[i]->municipality_code
		                                 : need->owners[i]->region_code);
}

static void print_need_table(Chc__V1__Need **needs, size_t count, const float *ranks)
{
	static const char *const headers[] = { "ID",        "OWNERS",   "STATUS",
		                               "CARE AREA", "DEADLINE", "TITLE" };
	static const char *const ranked_headers[] = { "ID",     "RANK",     "OWNERS",
		                                      "STATUS", "DEADLINE", "TITLE" };
	cli_table table;
	cli_table_init(&table, 6, ranks ? ranked_headers : headers);
	for (size_t i = 0; i < count; i++) {
		const Chc__V1__Need *n = needs[i];
		char owners[128], status[64], area[64], rank[16];
		print_owners(n, owners, sizeof(owners));
		cli_slug(&chc__v1__need_status__descriptor, n->status, status);
		cli_slug(&chc__v1__care_category__descriptor, n->care_area, area);
		if (ranks != NULL) {
			snprintf(rank, sizeof(rank), "%.3f", ranks[i]);
			cli_table_add(&table, n->id, rank, owners, status, n->deadline, n->title);
		} else {
			cli_table_add(&table, n->id, owners, status, area, n->deadline, n->title);
		}
	}
	cli_table_print(&table, stdout);
	cli_table_fini(&table);
}

static void print_need(const Chc__V1__Need *n)
{
	char owners[256], text[64];
	print_owners(n, owners, sizeof(owners));
	printf("%s  %s\n", n->id, n->title);
	printf("  status:      %s (version %lld)\n",
	       cli_slug(&chc__v1__need_status__descriptor, n->status, text), (long long)n->version);
	printf("  owners:      %s\n", owners);
	printf("  care area:   %s\n",
	       cli_slug(&chc__v1__care_category__descriptor, n->care_area, text));
	printf("  min TRL:     %d   max device class: %s\n", n->min_trl,
	       cli_slug(&chc__v1__device_class__descriptor, n->max_device_class, text));
	printf("  route:       %s   deadline: %s\n",
	       cli_slug(&chc__v1__procurement_route__descriptor, n->procurement_route, text),
	       n->deadline);
	if (n->budget != NULL)
		printf("  budget:      %lld to %lld DKK\n", (long long)n->budget->min_dkk,
		       (long long)n->budget->max_dkk);
	if (n->description[0] != '\0')
		printf("  %s\n", n->description);
}

/* Prints a reply of any need method as people read it. */
static void print_reply(const ProtobufCMessage *reply)
{
	if (reply->descriptor == &chc__v1__need__descriptor) {
		print_need((const Chc__V1__Need *)reply);
	} else if (reply->descriptor == &chc__v1__list_needs_response__descriptor) {
		const Chc__V1__ListNeedsResponse *list = (const void *)reply;
		print_need_table(list->needs, list->n_needs, NULL);
		cli_print_page(list->n_needs, list->page, "needs");
	} else if (reply->descriptor == &chc__v1__search_needs_response__descriptor) {
		const Chc__V1__SearchNeedsResponse *list = (const void *)reply;
		print_need_table(list->needs, list->n_needs, list->ranks);
		cli_print_page(list->n_needs, list->page, "matching needs");
	} else {
		cli_print_json(reply);
	}
}

static int call_json(cli_state *cli, const char *method, json_t *request, bool quiet)
{
	return cli_call_json(cli, service, method, request, quiet ? NULL : print_reply);
}

static int import_one(cli_state *cli, json_t *object, int line, void *context)
{
	(void)context;
	json_t *request = json_pack("{s:O}", "need", object);
	int code = call_json(cli, "CreateNeed", request, true);
	json_decref(request);
	if (code != CLI_EXIT_OK)
		fprintf(stderr, "  (line %d)\n", line);
	return code;
}

static void usage(FILE *out)
{
	fprintf(out, "Usage: chc need create FIELDS           publish a need\n"
	             "       chc need get ID\n"
	             "       chc need list [FILTERS] [--page-size N] [--page-token T]\n"
	             "       chc need search WORDS [FILTERS]  full text, Danish and English\n"
	             "       chc need update ID --version V FIELDS   change the fields given\n"
	             "       chc need close ID [--version V] [--reason TEXT]\n"
	             "       chc need reopen ID [--version V] [--deadline YYYY-MM-DD]\n"
	             "       chc need expire                  expire needs past deadline or idle\n"
	             "       chc need import FILE.jsonl       create one need per JSON line\n\n"
	             "FIELDS:\n");
	cli_fields_help(out, need_fields, NEED_FIELD_COUNT);
	fprintf(out, "\nFILTERS:\n");
	cli_fields_help(out, filter_fields, FILTER_FIELD_COUNT);
	fprintf(out, "\nExample:\n"
	             "  chc need create --owner 101 --owner 147 --title \"Hjemmemonitorering af "
	             "KOL\" \\\n"
	             "    --care-area remote-monitoring --target-group citizens-with-copd "
	             "--min-trl 7 \\\n"
	             "    --device-class iia --standard medcom --route open-tender \\\n"
	             "    --deadline 2027-06-30 --criterion price=40 --criterion quality=60\n");
}

int cli_need(cli_state *cli, int argc, char **argv)
{
	cli_arguments arguments;
	static const char *const extra[] = { "version", "reason", "page-size", "page-token", NULL };
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
	bool is_list = strcmp(verb, "list") == 0 || strcmp(verb, "search") == 0;
	const cli_field *fields = is_list ? filter_fields : need_fields;
	size_t count = is_list ? FILTER_FIELD_COUNT : NEED_FIELD_COUNT;
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
		json_object_set(request, "need", body);
		code = call_json(cli, "CreateNeed", request, false);
	} else if (strcmp(verb, "get") == 0 && id != NULL) {
		json_object_set_new(request, "id", json_string(id));
		code = call_json(cli, "GetNeed", request, false);
	} else if (strcmp(verb, "list") == 0) {
		json_object_set(request, "filter", body);
		json_object_set_new(request, "page", cli_page_json(&arguments));
		code = call_json(cli, "ListNeeds", request, false);
	} else if (strcmp(verb, "search") == 0 && id != NULL) {
		json_object_set_new(request, "query", json_string(id));
		json_object_set(request, "filter", body);
		json_object_set_new(request, "page", cli_page_json(&arguments));
		code = call_json(cli, "SearchNeeds", request, false);
	} else if (strcmp(verb, "update") == 0 && id != NULL) {
		json_object_set_new(body, "id", json_string(id));
		json_object_set(request, "need", body);
		json_object_set(request, "update_mask", mask);
		json_object_set_new(request, "expected_version", json_integer(version));
		code = call_json(cli, "UpdateNeed", request, false);
	} else if ((strcmp(verb, "close") == 0 || strcmp(verb, "reopen") == 0) && id != NULL) {
		json_object_set_new(request, "id", json_string(id));
		json_object_set_new(request, "expected_version", json_integer(version));
		const char *reason = cli_option_value(&arguments, "reason");
		if (reason != NULL && verb[0] == 'c')
			json_object_set_new(request, "reason", json_string(reason));
		const char *deadline = cli_option_value(&arguments, "deadline");
		if (deadline != NULL && verb[0] == 'r')
			json_object_set_new(request, "deadline", json_string(deadline));
		code = call_json(cli, verb[0] == 'c' ? "CloseNeed" : "ReopenNeed", request, false);
	} else if (strcmp(verb, "expire") == 0 && id == NULL) {
		code = call_json(cli, "ExpireNeeds", request, false);
	} else if (strcmp(verb, "import") == 0 && id != NULL) {
		int imported = 0;
		int failures = cli_import_lines(id, import_one, cli, NULL, &imported);
		if (failures >= 0)
			printf("imported %d needs, %d failed\n", imported, failures);
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
