/*
 * company_commands.c - chc company create|get|list|update|archive|import.
 */
#include <stdlib.h>
#include <string.h>

#include "chc/v1/companies.pb-c.h"
#include "cli.h"
#include "fields.h"

static const ProtobufCServiceDescriptor *const service = &chc__v1__company_service__descriptor;

static const cli_field company_fields[] = {
	{ "name", "name", FIELD_TEXT, "company name" },
	{ "cvr", "cvr", FIELD_TEXT, "Danish CVR number (8 digits)" },
	{ "country", "country", FIELD_TEXT, "ISO country code, for foreign companies" },
	{ "vat-number", "vat_number", FIELD_TEXT, "VAT number, for foreign companies" },
	{ "legal-form", "legal_form", FIELD_TEXT, "ApS, A/S, GmbH, ..." },
	{ "address", "address", FIELD_TEXT, "postal address" },
	{ "municipality", "municipality_code", FIELD_INT, "municipality code of the address" },
	{ "website", "website", FIELD_TEXT, "https://..." },
	{ "size", "size_class", FIELD_TEXT, "micro, small, medium, large" },
	{ "founded", "founded_year", FIELD_INT, "year founded" },
	{ "description", "description", FIELD_TEXT, "what the company does" },
	{ "category", "categories", FIELD_TEXT_LIST,
	  "repeatable: telemedicine, remote-monitoring, ..." },
};
#define COMPANY_FIELD_COUNT (sizeof(company_fields) / sizeof(company_fields[0]))

static const cli_field filter_fields[] = {
	{ "category", "category", FIELD_TEXT, "category" },
	{ "municipality", "municipality_code", FIELD_INT, "municipality code" },
	{ "region", "region_code", FIELD_INT, "region code" },
	{ "status", "status", FIELD_TEXT, "active or archived" },
	{ "size", "size_class", FIELD_TEXT, "micro, small, medium, large" },
};
#define FILTER_FIELD_COUNT (sizeof(filter_fields) / sizeof(filter_fields[0]))

static void print_reply(const ProtobufCMessage *reply)
{
	char text[64];
	if (reply->descriptor == &chc__v1__company__descriptor) {
		const Chc__V1__Company *c = (const void *)reply;
		printf("%s  %s %s\n", c->id, c->name, c->legal_form);
		printf("  status:   %s (version %lld)\n",
		       cli_slug(&chc__v1__company_status__descriptor, c->status, text),
		       (long long)c->version);
		printf("  CVR:      %s%s%s\n", c->cvr[0] ? c->cvr : c->country,
		       c->cvr[0] ? "" : " VAT ", c->cvr[0] ? "" : c->vat_number);
		printf("  size:     %s   municipality: %d\n",
		       cli_slug(&chc__v1__size_class__descriptor, c->size_class, text),
		       c->municipality_code);
		if (c->website[0])
			printf("  website:  %s\n", c->website);
		return;
	}
	if (reply->descriptor == &chc__v1__list_companies_response__descriptor) {
		const Chc__V1__ListCompaniesResponse *list = (const void *)reply;
		static const char *const headers[] = { "ID",           "NAME", "CVR",
			                               "MUNICIPALITY", "SIZE", "STATUS" };
		cli_table table;
		cli_table_init(&table, 6, headers);
		for (size_t i = 0; i < list->n_companies; i++) {
			const Chc__V1__Company *c = list->companies[i];
			char municipality[16], size[64], status[64];
			snprintf(municipality, sizeof(municipality), "%d", c->municipality_code);
			cli_table_add(
			        &table, c->id, c->name, c->cvr[0] ? c->cvr : c->country,
			        municipality,
			        cli_slug(&chc__v1__size_class__descriptor, c->size_class, size),
			        cli_slug(&chc__v1__company_status__descriptor, c->status, status));
		}
		cli_table_print(&table, stdout);
		cli_table_fini(&table);
		cli_print_page(list->n_companies, list->page, "companies");
		return;
	}
	cli_print_json(reply);
}

static int import_one(cli_state *cli, json_t *object, int line)
{
	json_t *request = json_pack("{s:O}", "company", object);
	int code = cli_call_json(cli, service, "CreateCompany", request, NULL);
	json_decref(request);
	if (code != CLI_EXIT_OK)
		fprintf(stderr, "  (line %d)\n", line);
	return code;
}

static void usage(FILE *out)
{
	fprintf(out, "Usage: chc company create FIELDS\n"
	             "       chc company get ID\n"
	             "       chc company list [FILTERS] [--page-size N] [--page-token T]\n"
	             "       chc company update ID --version V FIELDS\n"
	             "       chc company archive ID --version V\n"
	             "       chc company import FILE.jsonl   one company per JSON line\n\n"
	             "FIELDS:\n");
	cli_fields_help(out, company_fields, COMPANY_FIELD_COUNT);
	fprintf(out, "\nFILTERS:\n");
	cli_fields_help(out, filter_fields, FILTER_FIELD_COUNT);
}

int cli_company(cli_state *cli, int argc, char **argv)
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
	const cli_field *fields = is_list ? filter_fields : company_fields;
	size_t count = is_list ? FILTER_FIELD_COUNT : COMPANY_FIELD_COUNT;
	if (!cli_reject_unknown(&arguments, cli_fields_names(fields, count, extra)))
		return CLI_EXIT_USAGE;
	json_t *request = json_object();
	json_t *body = is_list ? request : json_object();
	json_t *mask = json_array();
	long long version = 0;
	int code = CLI_EXIT_USAGE;
	if (!cli_fields_to_json(&arguments, fields, count, body, mask) ||
	    !cli_option_int(&arguments, "version", &version)) {
		code = CLI_EXIT_USAGE;
	} else if (strcmp(verb, "create") == 0 && id == NULL) {
		json_object_set(request, "company", body);
		code = cli_call_json(cli, service, "CreateCompany", request, print_reply);
	} else if (strcmp(verb, "get") == 0 && id != NULL) {
		json_object_set_new(request, "id", json_string(id));
		code = cli_call_json(cli, service, "GetCompany", request, print_reply);
	} else if (is_list && id == NULL) {
		json_object_set_new(request, "page", cli_page_json(&arguments));
		code = cli_call_json(cli, service, "ListCompanies", request, print_reply);
	} else if (strcmp(verb, "update") == 0 && id != NULL) {
		json_object_set_new(body, "id", json_string(id));
		json_object_set(request, "company", body);
		json_object_set(request, "update_mask", mask);
		json_object_set_new(request, "expected_version", json_integer(version));
		code = cli_call_json(cli, service, "UpdateCompany", request, print_reply);
	} else if (strcmp(verb, "archive") == 0 && id != NULL) {
		json_object_set_new(request, "id", json_string(id));
		json_object_set_new(request, "expected_version", json_integer(version));
		code = cli_call_json(cli, service, "ArchiveCompany", request, print_reply);
	} else if (strcmp(verb, "import") == 0 && id != NULL) {
		int imported = 0;
		int failures = cli_import_lines(id, import_one, cli, &imported);
		if (failures >= 0)
			printf("imported %d companies, %d failed\n", imported, failures);
		code = failures == 0  ? CLI_EXIT_OK
		       : failures < 0 ? CLI_EXIT_USAGE
		                      : CLI_EXIT_INVALID;
	} else {
		usage(stderr);
	}
	if (body != request)
		json_decref(body);
	json_decref(request);
	json_decref(mask);
	return code;
}
