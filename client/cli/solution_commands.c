/*
 * solution_commands.c - chc solution create|get|list|search|update|submit|
 * approve|reject|renew|archive|expire.
 */
#include <stdlib.h>
#include <string.h>

#include "chc/v1/companies.pb-c.h"
#include "cli.h"
#include "fields.h"
#include "noun.h"

static const cli_field solution_fields[] = {
	{ "company", "company_id", FIELD_TEXT, "id of the company that sells it", NULL },
	{ "name", "name", FIELD_TEXT, "name of the solution", NULL },
	{ "description", "description", FIELD_TEXT, "what it does, for whom", NULL },
	{ "category", "categories", FIELD_TEXT_LIST,
	  "repeatable, what it does:", &chc__v1__care_category__descriptor },
	{ "target-group", "target_groups", FIELD_TEXT_LIST,
	  "repeatable, who it serves:", &chc__v1__target_group__descriptor },
	{ "trl", "trl", FIELD_INT, "technology readiness level, 1 to 9", NULL },
	{ "device-class", "device_class", FIELD_TEXT,
	  "its class under the MDR:", &chc__v1__device_class__descriptor },
	{ "ce-marked", "ce_marked", FIELD_BOOL, "true when CE marked", NULL },
	{ "standard", "standards", FIELD_TEXT_LIST,
	  "repeatable, a standard it supports:", &chc__v1__standard__descriptor },
	{ "gdpr-dpa", "gdpr_dpa_available", FIELD_BOOL,
	  "true when a data processing agreement is offered", NULL },
	{ "hosting", "data_hosting", FIELD_TEXT, "where data is hosted: Denmark, EU, ...", NULL },
	{ "evidence", "evidence_level", FIELD_TEXT,
	  "the strongest evidence of its effect:", &chc__v1__evidence_level__descriptor },
	{ "spoken-language", "languages", FIELD_TEXT_LIST, "repeatable: da, en, ...", NULL },
	{ "price-model", "price_model", FIELD_TEXT,
	  "how it is paid for:", &chc__v1__price_model__descriptor },
	{ "price", "indicative_price_dkk", FIELD_INT, "indicative price, DKK", NULL },
	{ "deployed-in", "deployments", FIELD_OWNERS,
	  "repeatable: municipality (101) or region (1084)", NULL },
	{ "language", "language", FIELD_TEXT, "language of the text: da or en", NULL },
};

static const cli_field filter_fields[] = {
	{ "company", "company_id", FIELD_TEXT, "sold by this company", NULL },
	{ "category", "category", FIELD_TEXT, "category", NULL },
	{ "municipality", "municipality_code", FIELD_INT, "deployed in this municipality", NULL },
	{ "region", "region_code", FIELD_INT, "deployed in this region", NULL },
	{ "status", "status", FIELD_TEXT,
	  "in this status:", &chc__v1__solution_status__descriptor },
	{ "trl-min", "trl_min", FIELD_INT, "lowest TRL", NULL },
	{ "trl-max", "trl_max", FIELD_INT, "highest TRL", NULL },
	{ "device-class", "device_class", FIELD_TEXT, "MDR class", NULL },
	{ "standard", "standard", FIELD_TEXT, "supports this standard", NULL },
};

static const cli_column columns[] = {
	{ "ID", "id", NULL },   { "STATUS", "status", NULL },
	{ "TRL", "trl", NULL }, { "CLASS", "device_class", NULL },
	{ "RANK", NULL, NULL }, { "NAME", "name", NULL },
};

static void print_solution(const ProtobufCMessage *record)
{
	const Chc__V1__Solution *s = (const Chc__V1__Solution *)record;
	char text[64];
	printf("%s  %s\n", s->id, s->name);
	printf("  status:     %s (version %lld)%s%s\n",
	       cli_slug(&chc__v1__solution_status__descriptor, s->status, text),
	       (long long)s->version, s->rejection_reason[0] ? ": " : "", s->rejection_reason);
	printf("  company:    %s\n", s->company_id);
	printf("  TRL:        %d   device class: %s   CE: %s\n", s->trl,
	       cli_slug(&chc__v1__device_class__descriptor, s->device_class, text),
	       s->ce_marked ? "yes" : "no");
	printf("  evidence:   %s   reviewed: %s\n",
	       cli_slug(&chc__v1__evidence_level__descriptor, s->evidence_level, text),
	       s->reviewed_on[0] ? s->reviewed_on : "never");
}

/* search --all: the secretariat sees drafts and submissions too. */
static int search_all(cli_state *cli, const cli_noun *noun, const cli_arguments *arguments,
                      json_t *request)
{
	(void)cli;
	(void)noun;
	json_object_set_new(request, "include_unpublished",
	                    json_boolean(cli_has_option(arguments, "all")));
	return CLI_EXIT_OK;
}

/* reject --reason TEXT: the reason goes back to the company. */
static int with_reason(cli_state *cli, const cli_noun *noun, const cli_arguments *arguments,
                       json_t *request)
{
	(void)cli;
	(void)noun;
	const char *reason = cli_option_value(arguments, "reason");
	json_object_set_new(request, "reason", json_string(reason ? reason : ""));
	return CLI_EXIT_OK;
}

static const cli_verb verbs[] = {
	{ "create", CLI_VERB_CREATE, "CreateSolution", "FIELDS                  a draft solution",
	  NULL },
	{ "get", CLI_VERB_GET, "GetSolution", "ID", NULL },
	{ "list", CLI_VERB_LIST, "ListSolutions", "[FILTERS]", NULL },
	{ "search", CLI_VERB_SEARCH, "SearchSolutions",
	  "WORDS [FILTERS] [--all] published only, unless --all", search_all },
	{ "update", CLI_VERB_UPDATE, "UpdateSolution", "ID --version V FIELDS", NULL },
	{ "submit", CLI_VERB_ACTION, "SubmitSolution", "ID --version V          for review", NULL },
	{ "approve", CLI_VERB_ACTION, "ApproveSolution", "ID --version V          publish it",
	  NULL },
	{ "reject", CLI_VERB_ACTION, "RejectSolution", "ID --version V --reason TEXT",
	  with_reason },
	{ "renew", CLI_VERB_ACTION, "RenewSolution", "ID --version V          reviewed again",
	  NULL },
	{ "archive", CLI_VERB_ACTION, "ArchiveSolution", "ID --version V", NULL },
	{ "expire", CLI_VERB_PLAIN, "ExpireSolutions",
	  "                        expire solutions unreviewed for 12 months", NULL },
};

static const char *const flags[] = { "all", NULL };
static const char *const options[] = {
	"version", "reason", "page-size", "page-token", "all", NULL
};

const cli_noun cli_solution_noun = {
	.name = "solution",
	.plural = "solutions",
	.service = &chc__v1__company_service__descriptor,
	.wrapper = "solution",
	.filter_wrapper = "filter",
	.fields = solution_fields,
	.field_count = CLI_COUNT(solution_fields),
	.filters = filter_fields,
	.filter_count = CLI_COUNT(filter_fields),
	.flags = flags,
	.options = options,
	.verbs = verbs,
	.verb_count = CLI_COUNT(verbs),
	.record = &chc__v1__solution__descriptor,
	.print_record = print_solution,
	.columns = columns,
	.column_count = CLI_COUNT(columns),
	.example = "  chc solution create --company ID --name \"Nordlys Home\" --category "
	           "remote-monitoring \\\n"
	           "    --target-group citizens-with-copd --trl 8 --device-class iia --standard "
	           "medcom\n",
};
