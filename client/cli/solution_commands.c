/*
 * solution_commands.c - chc solution create|get|list|search|update|submit|
 * approve|reject|renew|archive|expire.
 */
#include <stdlib.h>
#include <string.h>

#include "chc/v1/companies.pb-c.h"
#include "cli.h"
#include "fields.h"

static const ProtobufCServiceDescriptor *const service = &chc__v1__company_service__descriptor;

static const cli_field solution_fields[] = {
	{ "company", "company_id", FIELD_TEXT, "id of the company that sells it" },
	{ "name", "name", FIELD_TEXT, "name of the solution" },
	{ "description", "description", FIELD_TEXT, "what it does, for whom" },
	{ "category", "categories", FIELD_TEXT_LIST, "repeatable: remote-monitoring, ..." },
	{ "target-group", "target_groups", FIELD_TEXT_LIST, "repeatable: citizens-with-copd, ..." },
	{ "trl", "trl", FIELD_INT, "technology readiness level, 1 to 9" },
	{ "device-class", "device_class", FIELD_TEXT, "not-a-device, i, iia, iib, iii" },
	{ "ce-marked", "ce_marked", FIELD_BOOL, "true when CE marked" },
	{ "standard", "standards", FIELD_TEXT_LIST,
	  "repeatable: medcom, hl7-fhir, iso-27001, ..." },
	{ "gdpr-dpa", "gdpr_dpa_available", FIELD_BOOL,
	  "true when a data processing agreement is offered" },
	{ "hosting", "data_hosting", FIELD_TEXT, "where data is hosted: Denmark, EU, ..." },
	{ "evidence", "evidence_level", FIELD_TEXT,
	  "none, pilot, observational-study, randomised-trial, mast-assessment" },
	{ "spoken-language", "languages", FIELD_TEXT_LIST, "repeatable: da, en, ..." },
	{ "price-model", "price_model", FIELD_TEXT,
	  "subscription, per-citizen, license, one-off, pay-per-use" },
	{ "price", "indicative_price_dkk", FIELD_INT, "indicative price, DKK" },
	{ "deployed-in", "deployments", FIELD_OWNERS,
	  "repeatable: municipality (101) or region (1084)" },
	{ "language", "language", FIELD_TEXT, "language of the text: da or en" },
};
#define SOLUTION_FIELD_COUNT (sizeof(solution_fields) / sizeof(solution_fields[0]))

static const cli_field filter_fields[] = {
	{ "company", "company_id", FIELD_TEXT, "sold by this company" },
	{ "category", "category", FIELD_TEXT, "category" },
	{ "municipality", "municipality_code", FIELD_INT, "deployed in this municipality" },
	{ "region", "region_code", FIELD_INT, "deployed in this region" },
	{ "status", "status", FIELD_TEXT,
	  "draft, submitted, published, rejected, archived, expired" },
	{ "trl-min", "trl_min", FIELD_INT, "lowest TRL" },
	{ "trl-max", "trl_max", FIELD_INT, "highest TRL" },
	{ "device-class", "device_class", FIELD_TEXT, "MDR class" },
	{ "standard", "standard", FIELD_TEXT, "supports this standard" },
};
#define FILTER_FIELD_COUNT (sizeof(filter_fields) / sizeof(filter_fields[0]))

static void print_table(Chc__V1__Solution **solutions, size_t count, const float *ranks)
{
	static const char *const headers[] = { "ID", "STATUS", "TRL", "CLASS", "RANK", "NAME" };
	cli_table table;
	cli_table_init(&table, 6, headers);
	for (size_t i = 0; i < count; i++) {
		const Chc__V1__Solution *s = solutions[i];
		char status[64], device[64], trl[8], rank[16] = "";
		snprintf(trl, sizeof(trl), "%d", s->trl);
		if (ranks != NULL)
			snprintf(rank, sizeof(rank), "%.3f", ranks[i]);
		cli_table_add(&table, s->id,
		              cli_slug(&chc__v1__solution_status__descriptor, s->status, status),
		              trl,
		              cli_slug(&chc__v1__device_class__descriptor, s->device_class, device),
		              rank, s->name);
	}
	cli_table_print(&table, stdout);
	cli_table_fini(&table);
}

static void print_reply(const ProtobufCMessage *reply)
{
	char text[64];
	if (reply->descriptor == &chc__v1__solution__descriptor) {
		const Chc__V1__Solution *s = (const void *)reply;
		printf("%s  %s\n", s->id, s->name);
		printf("  status:     %s (version %lld)%s%s\n",
		       cli_slug(&chc__v1__solution_status__descriptor, s->status, text),
		       (long long)s->version, s->rejection_reason[0] ? ": " : "",
		       s->rejection_reason);
		printf("  company:    %s\n", s->company_id);
		printf("  TRL:        %d   device class: %s   CE: %s\n", s->trl,
		       cli_slug(&chc__v1__device_class__descriptor, s->device_class, text),
		       s->ce_marked ? "yes" : "no");
		printf("  evidence:   %s   reviewed: %s\n",
		       cli_slug(&chc__v1__evidence_level__descriptor, s->evidence_level, text),
		       s->reviewed_on[0] ? s->reviewed_on : "never");
		return;
	}
	if (reply->descriptor == &chc__v1__list_solutions_response__descriptor) {
		const Chc__V1__ListSolutionsResponse *list = (const void *)reply;
		print_table(list->solutions, list->n_solutions, NULL);
		cli_print_page(list->n_solutions, list->page, "solutions");
		return;
	}
	if (reply->descriptor == &chc__v1__search_solutions_response__descriptor) {
		const Chc__V1__SearchSolutionsResponse *list = (const void *)reply;
		print_table(list->solutions, list->n_solutions, list->ranks);
		cli_print_page(list->n_solutions, list->page, "matching solutions");
		return;
	}
	cli_print_json(reply);
}

static void usage(FILE *out)
{
	fprintf(out, "Usage: chc solution create FIELDS             a draft solution\n"
	             "       chc solution get ID\n"
	             "       chc solution list [FILTERS]\n"
	             "       chc solution search WORDS [FILTERS] [--all]   published only, unless "
	             "--all\n"
	             "       chc solution update ID --version V FIELDS\n"
	             "       chc solution submit|approve|renew|archive ID --version V\n"
	             "       chc solution reject ID --version V --reason TEXT\n"
	             "       chc solution expire               expire solutions unreviewed for 12 "
	             "months\n\n"
	             "FIELDS:\n");
	cli_fields_help(out, solution_fields, SOLUTION_FIELD_COUNT);
	fprintf(out, "\nFILTERS:\n");
	cli_fields_help(out, filter_fields, FILTER_FIELD_COUNT);
}

int cli_solution(cli_state *cli, int argc, char **argv)
{
	static const char *const flags[] = { "all", NULL };
	static const char *const extra[] = { "version",    "reason", "page-size",
		                             "page-token", "all",    NULL };
	cli_arguments arguments;
	if (!cli_parse(argc, argv, flags, &arguments))
		return CLI_EXIT_USAGE;
	const char *verb = arguments.positional_count > 0 ? arguments.positionals[0] : "";
	const char *id = arguments.positional_count > 1 ? arguments.positionals[1] : NULL;
	cli->json = cli->json || cli_has_option(&arguments, "json");
	if (cli_has_option(&arguments, "help")) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	bool is_list = strcmp(verb, "list") == 0 || strcmp(verb, "search") == 0;
	const cli_field *fields = is_list ? filter_fields : solution_fields;
	size_t count = is_list ? FILTER_FIELD_COUNT : SOLUTION_FIELD_COUNT;
	if (!cli_reject_unknown(&arguments, cli_fields_names(fields, count, extra)))
		return CLI_EXIT_USAGE;
	json_t *request = json_object();
	json_t *body = json_object();
	json_t *mask = json_array();
	long long version = 0;
	int code = CLI_EXIT_USAGE;
	static const char *const actions[][2] = { { "submit", "SubmitSolution" },
		                                  { "approve", "ApproveSolution" },
		                                  { "renew", "RenewSolution" },
		                                  { "archive", "ArchiveSolution" },
		                                  { "reject", "RejectSolution" } };
	const char *action = NULL;
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(verb, actions[i][0]) == 0)
			action = actions[i][1];
	if (!cli_fields_to_json(&arguments, fields, count, body, mask) ||
	    !cli_option_int(&arguments, "version", &version)) {
		code = CLI_EXIT_USAGE;
	} else if (strcmp(verb, "create") == 0 && id == NULL) {
		json_object_set(request, "solution", body);
		code = cli_call_json(cli, service, "CreateSolution", request, print_reply);
	} else if (strcmp(verb, "get") == 0 && id != NULL) {
		json_object_set_new(request, "id", json_string(id));
		code = cli_call_json(cli, service, "GetSolution", request, print_reply);
	} else if (strcmp(verb, "list") == 0 && id == NULL) {
		json_object_set(request, "filter", body);
		json_object_set_new(request, "page", cli_page_json(&arguments));
		code = cli_call_json(cli, service, "ListSolutions", request, print_reply);
	} else if (strcmp(verb, "search") == 0 && id != NULL) {
		json_object_set_new(request, "query", json_string(id));
		json_object_set(request, "filter", body);
		json_object_set_new(request, "include_unpublished",
		                    json_boolean(cli_has_option(&arguments, "all")));
		json_object_set_new(request, "page", cli_page_json(&arguments));
		code = cli_call_json(cli, service, "SearchSolutions", request, print_reply);
	} else if (strcmp(verb, "update") == 0 && id != NULL) {
		json_object_set_new(body, "id", json_string(id));
		json_object_set(request, "solution", body);
		json_object_set(request, "update_mask", mask);
		json_object_set_new(request, "expected_version", json_integer(version));
		code = cli_call_json(cli, service, "UpdateSolution", request, print_reply);
	} else if (action != NULL && id != NULL) {
		json_object_set_new(request, "id", json_string(id));
		json_object_set_new(request, "expected_version", json_integer(version));
		const char *reason = cli_option_value(&arguments, "reason");
		if (strcmp(verb, "reject") == 0)
			json_object_set_new(request, "reason", json_string(reason ? reason : ""));
		code = cli_call_json(cli, service, action, request, print_reply);
	} else if (strcmp(verb, "expire") == 0 && id == NULL) {
		code = cli_call_json(cli, service, "ExpireSolutions", request, print_reply);
	} else {
		usage(stderr);
	}
	json_decref(request);
	json_decref(body);
	json_decref(mask);
	return code;
}
