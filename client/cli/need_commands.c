/*
 * need_commands.c - chc need create|get|list|search|update|close|reopen|
 * expire|import.
 */
#include <stdlib.h>
#include <string.h>

#include "chc/v1/municipalities.pb-c.h"
#include "cli.h"
#include "fields.h"
#include "noun.h"

static const cli_field need_fields[] = {
	{ "owner", "owners", FIELD_OWNERS,
	  "owner code, repeatable: municipality (101) or region (1084)", NULL },
	{ "title", "title", FIELD_TEXT, "short title", NULL },
	{ "description", "description", FIELD_TEXT, "what is needed and why", NULL },
	{ "care-area", "care_area", FIELD_TEXT,
	  "what it is about:", &chc__v1__care_category__descriptor },
	{ "target-group", "target_groups", FIELD_TEXT_LIST,
	  "repeatable, who it is for:", &chc__v1__target_group__descriptor },
	{ "min-trl", "min_trl", FIELD_INT, "minimum technology readiness level, 1 to 9", NULL },
	{ "device-class", "max_device_class", FIELD_TEXT,
	  "the highest MDR class accepted:", &chc__v1__device_class__descriptor },
	{ "standard", "required_standards", FIELD_TEXT_LIST,
	  "repeatable, a standard required:", &chc__v1__standard__descriptor },
	{ "gdpr-dpa", "gdpr_dpa_required", FIELD_BOOL,
	  "true when a data processing agreement is required", NULL },
	{ "budget-min", "budget.min_dkk", FIELD_INT, "budget from, DKK", NULL },
	{ "budget-max", "budget.max_dkk", FIELD_INT, "budget up to, DKK", NULL },
	{ "route", "procurement_route", FIELD_TEXT,
	  "how it will be bought:", &chc__v1__procurement_route__descriptor },
	{ "deadline", "deadline", FIELD_TEXT, "YYYY-MM-DD", NULL },
	{ "criterion", "criteria", FIELD_CRITERIA,
	  "repeatable NAME=WEIGHT, the weights summing to 100; NAME one of:",
	  &chc__v1__evaluation_criterion__descriptor },
	{ "contact-name", "contact.name", FIELD_TEXT, "contact person", NULL },
	{ "contact-email", "contact.email", FIELD_TEXT, "contact e-mail", NULL },
	{ "contact-phone", "contact.phone", FIELD_TEXT, "contact phone", NULL },
	{ "status", "status", FIELD_TEXT, "draft, open, in-dialogue or matched", NULL },
	{ "language", "language", FIELD_TEXT, "da or en", NULL },
};

static const cli_field filter_fields[] = {
	{ "owner-municipality", "owner_municipality_code", FIELD_INT, "owned by this municipality",
	  NULL },
	{ "owner-region", "owner_region_code", FIELD_INT, "owned by this region", NULL },
	{ "region", "region_code", FIELD_INT, "owned in this region (region or its municipalities)",
	  NULL },
	{ "care-area", "care_area", FIELD_TEXT, "about this care area", NULL },
	{ "status", "status", FIELD_TEXT, "in this status:", &chc__v1__need_status__descriptor },
	{ "route", "procurement_route", FIELD_TEXT, "bought this way", NULL },
	{ "deadline-from", "deadline_from", FIELD_TEXT, "YYYY-MM-DD", NULL },
	{ "deadline-to", "deadline_to", FIELD_TEXT, "YYYY-MM-DD", NULL },
};

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

static void owners_cell(const ProtobufCMessage *need, char *text, size_t size)
{
	print_owners((const Chc__V1__Need *)need, text, size);
}

static const cli_column columns[] = {
	{ "ID", "id", NULL },
	{ "OWNERS", NULL, owners_cell },
	{ "STATUS", "status", NULL },
	{ "CARE AREA", "care_area", NULL },
	{ "DEADLINE", "deadline", NULL },
	{ "TITLE", "title", NULL },
};

/* A search shows its rank where a list shows the care area. */
static const cli_column searched_columns[] = {
	{ "ID", "id", NULL },
	{ "RANK", NULL, NULL },
	{ "OWNERS", NULL, owners_cell },
	{ "STATUS", "status", NULL },
	{ "DEADLINE", "deadline", NULL },
	{ "TITLE", "title", NULL },
};

static void print_need(const ProtobufCMessage *record)
{
	const Chc__V1__Need *n = (const Chc__V1__Need *)record;
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

/* close --reason TEXT, reopen --deadline YYYY-MM-DD. */
static int close_or_reopen(cli_state *cli, const cli_noun *noun, const cli_arguments *arguments,
                           json_t *request)
{
	(void)cli;
	(void)noun;
	const char *verb = arguments->positionals[0];
	const char *option = verb[0] == 'c' ? "reason" : "deadline";
	cli_copy_option(arguments, option, request, option);
	return CLI_EXIT_OK;
}

static const cli_verb verbs[] = {
	{ "create", CLI_VERB_CREATE, "CreateNeed", "FIELDS                  publish a need", NULL },
	{ "get", CLI_VERB_GET, "GetNeed", "ID", NULL },
	{ "list", CLI_VERB_LIST, "ListNeeds", "[FILTERS]", NULL },
	{ "search", CLI_VERB_SEARCH, "SearchNeeds",
	  "WORDS [FILTERS]         full text, Danish and English", NULL },
	{ "update", CLI_VERB_UPDATE, "UpdateNeed",
	  "ID --version V FIELDS   change the fields given", NULL },
	{ "close", CLI_VERB_ACTION, "CloseNeed", "ID [--version V] [--reason TEXT]",
	  close_or_reopen },
	{ "reopen", CLI_VERB_ACTION, "ReopenNeed", "ID [--version V] [--deadline YYYY-MM-DD]",
	  close_or_reopen },
	{ "expire", CLI_VERB_PLAIN, "ExpireNeeds",
	  "                        expire needs past deadline or idle", NULL },
	{ "import", CLI_VERB_IMPORT, "CreateNeed",
	  "FILE.jsonl              create one need per JSON line", NULL },
};

static const char *const options[] = { "version", "reason", "page-size", "page-token", NULL };

const cli_noun cli_need_noun = {
	.name = "need",
	.plural = "needs",
	.service = &chc__v1__municipality_service__descriptor,
	.wrapper = "need",
	.filter_wrapper = "filter",
	.fields = need_fields,
	.field_count = CLI_COUNT(need_fields),
	.filters = filter_fields,
	.filter_count = CLI_COUNT(filter_fields),
	.options = options,
	.verbs = verbs,
	.verb_count = CLI_COUNT(verbs),
	.record = &chc__v1__need__descriptor,
	.print_record = print_need,
	.columns = columns,
	.column_count = CLI_COUNT(columns),
	.searched_columns = searched_columns,
	.searched_column_count = CLI_COUNT(searched_columns),
	.example = "  chc need create --owner 101 --owner 147 --title \"Hjemmemonitorering af "
	           "KOL\" \\\n"
	           "    --care-area remote-monitoring --target-group citizens-with-copd "
	           "--min-trl 7 \\\n"
	           "    --device-class iia --standard medcom --route open-tender \\\n"
	           "    --deadline 2027-06-30 --criterion price=40 --criterion quality=60\n",
};
