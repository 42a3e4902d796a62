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

static void print_duplicates(const Chc__V1__FindDuplicateCompaniesResponse *list)
{
	static const char *const headers[] = { "SCORE", "REASON", "FIRST", "SECOND" };
	cli_table table;
	cli_table_init(&table, 4, headers);
	for (size_t i = 0; i < list->n_pairs; i++) {
		const Chc__V1__DuplicatePair *p = list->pairs[i];
		char score[16], first[300], second[300];
		snprintf(score, sizeof(score), "%.2f", p->score);
		snprintf(first, sizeof(first), "%s (%s)", p->first->name, p->first->id);
		snprintf(second, sizeof(second), "%s (%s)", p->second->name, p->second->id);
		cli_table_add(&table, score, p->reason, first, second);
	}
	cli_table_print(&table, stdout);
	cli_table_fini(&table);
	cli_print_page(list->n_pairs, list->page, "likely duplicates");
}

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
	if (reply->descriptor == &chc__v1__find_duplicate_companies_response__descriptor) {
		print_duplicates((const void *)reply);
		return;
	}
	if (reply->descriptor == &chc__v1__remove_contact_response__descriptor) {
		printf("removed\n");
		return;
	}
	if (reply->descriptor == &chc__v1__contact_person__descriptor) {
		const Chc__V1__ContactPerson *person = (const void *)reply;
		printf("%s  %s (%s)\n", person->id, person->name, person->role);
		printf("  e-mail:   %s   phone: %s\n", person->email, person->phone);
		printf("  consent:  %s\n", person->consent_purpose);
		return;
	}
	if (reply->descriptor == &chc__v1__list_contacts_response__descriptor) {
		const Chc__V1__ListContactsResponse *list = (const void *)reply;
		static const char *const headers[] = { "ID",     "NAME",  "ROLE",
			                               "E-MAIL", "PHONE", "CONSENT" };
		cli_table table;
		cli_table_init(&table, 6, headers);
		for (size_t i = 0; i < list->n_contacts; i++) {
			const Chc__V1__ContactPerson *p = list->contacts[i];
			cli_table_add(&table, p->id, p->name, p->role, p->email, p->phone,
			              p->consent_purpose);
		}
		cli_table_print(&table, stdout);
		cli_table_fini(&table);
		return;
	}
	cli_print_json(reply);
}

/* chc company contact add|list|remove */
static int contact_command(cli_state *cli, const cli_arguments *arguments, const char *action,
                           json_t *request)
{
	const char *target = arguments->positional_count > 2 ? arguments->positionals[2] : NULL;
	if (strcmp(action, "list") == 0 && target != NULL) {
		json_object_set_new(request, "company_id", json_string(target));
		return cli_call_json(cli, service, "ListContacts", request, print_reply);
	}
	if (strcmp(action, "remove") == 0 && target != NULL) {
		json_object_set_new(request, "id", json_string(target));
		return cli_call_json(cli, service, "RemoveContact", request, print_reply);
	}
	const char *name = cli_option_value(arguments, "name");
	if (strcmp(action, "add") == 0 && target != NULL && name != NULL) {
		const char *email = cli_option_value(arguments, "email");
		const char *phone = cli_option_value(arguments, "phone");
		const char *role = cli_option_value(arguments, "role");
		const char *consent = cli_option_value(arguments, "consent");
		json_object_set_new(request, "contact",
		                    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "company_id",
		                              target, "name", name, "email", email ? email : "",
		                              "phone", phone ? phone : "", "role", role ? role : "",
		                              "consent_purpose", consent ? consent : ""));
		return cli_call_json(cli, service, "AddContact", request, print_reply);
	}
	fprintf(stderr,
	        "Usage: chc company contact add COMPANY_ID --name N [--email E] [--phone P]\n"
	        "                           [--role R] --consent PURPOSE\n"
	        "       chc company contact list COMPANY_ID\n"
	        "       chc company contact remove CONTACT_ID\n");
	return CLI_EXIT_USAGE;
}

/* Calls method with {"<key>": item + company_id} and returns the reply. */
static int create_owned(cli_state *cli, const char *method, const char *key, json_t *item,
                        const char *company_id, json_t **reply)
{
	if (!json_is_object(item)) {
		fprintf(stderr, "chc: %s: each %s must be a JSON object\n", method, key);
		return CLI_EXIT_USAGE;
	}
	json_t *body = json_deep_copy(item);
	json_object_set_new(body, "company_id", json_string(company_id));
	json_t *request = json_pack("{s:o}", key, body);
	int code = cli_call_json_reply(cli, service, method, request, reply);
	json_decref(request);
	return code;
}

/* Submits and approves a new solution: the secretariat loading data it has
 * vetted publishes it in one go, through the same moderation calls. */
static int publish_solution(cli_state *cli, json_t *solution)
{
	static const char *const steps[] = { "SubmitSolution", "ApproveSolution" };
	json_t *current = json_incref(solution);
	int code = CLI_EXIT_OK;
	for (size_t i = 0; i < 2 && code == CLI_EXIT_OK; i++) {
		json_t *request =
		        json_pack("{s:O, s:O}", "id", json_object_get(current, "id"),
		                  "expected_version", json_object_get(current, "version"));
		json_t *next = NULL;
		code = cli_call_json_reply(cli, service, steps[i], request, &next);
		json_decref(request);
		json_decref(current);
		current = next;
	}
	json_decref(current);
	return code;
}

/*
 * One line of an import file: a company, or {"company": {...}, "solutions":
 * [...], "contacts": [...]} with the company's solutions and contact persons
 * (their company_id is filled in). publish is a bool *: approve each new
 * solution too.
 */
static int import_one(cli_state *cli, json_t *object, int line, void *context)
{
	bool publish = *(const bool *)context;
	json_t *company = json_object_get(object, "company");
	bool bundle = json_is_object(company);
	json_t *request = json_pack("{s:O}", "company", bundle ? company : object);
	json_t *created = NULL;
	int code = cli_call_json_reply(cli, service, "CreateCompany", request, &created);
	json_decref(request);
	const char *company_id = json_string_value(json_object_get(created, "id"));
	if (code == CLI_EXIT_OK && bundle && company_id != NULL) {
		size_t index;
		json_t *item;
		json_array_foreach(json_object_get(object, "contacts"), index, item)
		{
			json_t *contact = NULL;
			if (code == CLI_EXIT_OK)
				code = create_owned(cli, "AddContact", "contact", item, company_id,
				                    &contact);
			json_decref(contact);
		}
		json_array_foreach(json_object_get(object, "solutions"), index, item)
		{
			json_t *solution = NULL;
			if (code == CLI_EXIT_OK)
				code = create_owned(cli, "CreateSolution", "solution", item,
				                    company_id, &solution);
			if (code == CLI_EXIT_OK && publish)
				code = publish_solution(cli, solution);
			json_decref(solution);
		}
	}
	json_decref(created);
	if (code != CLI_EXIT_OK)
		fprintf(stderr, "  (line %d)\n", line);
	return code;
}

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: chc company create FIELDS\n"
	        "       chc company get ID\n"
	        "       chc company list [FILTERS] [--page-size N] [--page-token T]\n"
	        "       chc company update ID --version V FIELDS\n"
	        "       chc company archive ID --version V\n"
	        "       chc company import FILE.csv [--dry-run]\n"
	        "                    companies with a solution each, through COPY; bad rows are\n"
	        "                    reported with row, field and reason (docs/csv-import.md)\n"
	        "       chc company import FILE.jsonl [--publish]\n"
	        "                    one company per line, or {\"company\": {...}, \"solutions\":\n"
	        "                    [...], \"contacts\": [...]}; --publish approves the "
	        "solutions\n"
	        "       chc company duplicates [--min-similarity S]\n"
	        "       chc company merge KEEP_ID MERGE_ID\n"
	        "       chc company contact add|list|remove ...\n\n"
	        "FIELDS:\n");
	cli_fields_help(out, company_fields, COMPANY_FIELD_COUNT);
	fprintf(out, "\nFILTERS:\n");
	cli_fields_help(out, filter_fields, FILTER_FIELD_COUNT);
}

int cli_company(cli_state *cli, int argc, char **argv)
{
	cli_arguments arguments;
	static const char *const flags[] = { "dry-run", "publish", NULL };
	static const char *const extra[] = { "version",        "page-size", "page-token", "dry-run",
		                             "min-similarity", "email",     "phone",      "role",
		                             "consent",        "publish",   NULL };
	if (!cli_parse(argc, argv, flags, &arguments))
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
	} else if (strcmp(verb, "import") == 0 && id != NULL && strstr(id, ".csv") != NULL) {
		code = cli_company_import_csv(cli, id, cli_has_option(&arguments, "dry-run"));
	} else if (strcmp(verb, "delete") == 0 && id != NULL) {
		json_object_set_new(request, "id", json_string(id));
		json_object_set_new(request, "expected_version", json_integer(version));
		code = cli_call_json(cli, service, "DeleteCompany", request, print_reply);
	} else if (strcmp(verb, "duplicates") == 0 && id == NULL) {
		const char *similarity = cli_option_value(&arguments, "min-similarity");
		if (similarity != NULL)
			json_object_set_new(request, "min_similarity", json_real(atof(similarity)));
		json_object_set_new(request, "page", cli_page_json(&arguments));
		code = cli_call_json(cli, service, "FindDuplicateCompanies", request, print_reply);
	} else if (strcmp(verb, "merge") == 0 && id != NULL && arguments.positional_count == 3) {
		json_object_set_new(request, "keep_id", json_string(id));
		json_object_set_new(request, "merge_id", json_string(arguments.positionals[2]));
		code = cli_call_json(cli, service, "MergeCompanies", request, print_reply);
	} else if (strcmp(verb, "contact") == 0 && id != NULL) {
		code = contact_command(cli, &arguments, id, request);
	} else if (strcmp(verb, "import") == 0 && id != NULL) {
		int imported = 0;
		bool publish = cli_has_option(&arguments, "publish");
		int failures = cli_import_lines(id, import_one, cli, &publish, &imported);
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
