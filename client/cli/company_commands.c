/*
 * company_commands.c - chc company create|get|list|update|archive|import.
 */
#include <stdlib.h>
#include <string.h>

#include "chc/v1/companies.pb-c.h"
#include "cli.h"
#include "fields.h"
#include "noun.h"

static const ProtobufCServiceDescriptor *const service = &chc__v1__company_service__descriptor;

static const cli_field company_fields[] = {
	{ "name", "name", FIELD_TEXT, "company name", NULL },
	{ "cvr", "cvr", FIELD_TEXT, "Danish CVR number (8 digits)", NULL },
	{ "country", "country", FIELD_TEXT, "ISO country code, for foreign companies", NULL },
	{ "vat-number", "vat_number", FIELD_TEXT, "VAT number, for foreign companies", NULL },
	{ "legal-form", "legal_form", FIELD_TEXT, "ApS, A/S, GmbH, ...", NULL },
	{ "address", "address", FIELD_TEXT, "postal address", NULL },
	{ "municipality", "municipality_code", FIELD_INT, "municipality code of the address",
	  NULL },
	{ "website", "website", FIELD_TEXT, "https://...", NULL },
	{ "size", "size_class", FIELD_TEXT, "its size:", &chc__v1__size_class__descriptor },
	{ "founded", "founded_year", FIELD_INT, "year founded", NULL },
	{ "description", "description", FIELD_TEXT, "what the company does", NULL },
	{ "category", "categories", FIELD_TEXT_LIST,
	  "repeatable, what it works with:", &chc__v1__care_category__descriptor },
};

static const cli_field filter_fields[] = {
	{ "category", "category", FIELD_TEXT, "category", NULL },
	{ "municipality", "municipality_code", FIELD_INT, "municipality code", NULL },
	{ "region", "region_code", FIELD_INT, "region code", NULL },
	{ "status", "status", FIELD_TEXT, "in this status:", &chc__v1__company_status__descriptor },
	{ "size", "size_class", FIELD_TEXT, "of this size", NULL },
};

static void cvr_cell(const ProtobufCMessage *record, char *text, size_t size)
{
	const Chc__V1__Company *c = (const Chc__V1__Company *)record;
	snprintf(text, size, "%s", c->cvr[0] ? c->cvr : c->country);
}

static const cli_column columns[] = {
	{ "ID", "id", NULL },           { "NAME", "name", NULL },
	{ "CVR", NULL, cvr_cell },      { "MUNICIPALITY", "municipality_code", NULL },
	{ "SIZE", "size_class", NULL }, { "STATUS", "status", NULL },
};

static const cli_column contact_columns[] = {
	{ "ID", "id", NULL },       { "NAME", "name", NULL },
	{ "ROLE", "role", NULL },   { "E-MAIL", "email", NULL },
	{ "PHONE", "phone", NULL }, { "CONSENT", "consent_purpose", NULL },
};

static void print_company(const ProtobufCMessage *record)
{
	const Chc__V1__Company *c = (const Chc__V1__Company *)record;
	char text[64];
	printf("%s  %s %s\n", c->id, c->name, c->legal_form);
	printf("  status:   %s (version %lld)\n",
	       cli_slug(&chc__v1__company_status__descriptor, c->status, text),
	       (long long)c->version);
	printf("  CVR:      %s%s%s\n", c->cvr[0] ? c->cvr : c->country, c->cvr[0] ? "" : " VAT ",
	       c->cvr[0] ? "" : c->vat_number);
	printf("  size:     %s   municipality: %d\n",
	       cli_slug(&chc__v1__size_class__descriptor, c->size_class, text),
	       c->municipality_code);
	if (c->website[0])
		printf("  website:  %s\n", c->website);
}

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

/* Duplicates and contact persons. */
static bool print_other(const ProtobufCMessage *reply)
{
	if (reply->descriptor == &chc__v1__find_duplicate_companies_response__descriptor) {
		print_duplicates((const void *)reply);
	} else if (reply->descriptor == &chc__v1__remove_contact_response__descriptor) {
		printf("removed\n");
	} else if (reply->descriptor == &chc__v1__contact_person__descriptor) {
		const Chc__V1__ContactPerson *person = (const void *)reply;
		printf("%s  %s (%s)\n", person->id, person->name, person->role);
		printf("  e-mail:   %s   phone: %s\n", person->email, person->phone);
		printf("  consent:  %s\n", person->consent_purpose);
	} else if (reply->descriptor == &chc__v1__list_contacts_response__descriptor) {
		const Chc__V1__ListContactsResponse *list = (const void *)reply;
		cli_print_records(contact_columns, CLI_COUNT(contact_columns),
		                  (const ProtobufCMessage *const *)list->contacts, list->n_contacts,
		                  NULL, 0);
		cli_print_page(list->n_contacts, list->page, "contacts");
	} else {
		return false;
	}
	return true;
}

/* chc company contact add|list|remove */
static int contact_command(cli_state *cli, const cli_noun *noun, const cli_arguments *arguments,
                           json_t *request)
{
	const char *action = cli_noun_id(arguments);
	if (action == NULL)
		action = "";
	const char *target = arguments->positional_count > 2 ? arguments->positionals[2] : NULL;
	if (strcmp(action, "list") == 0 && target != NULL) {
		json_object_set_new(request, "company_id", json_string(target));
		json_object_set_new(request, "page", cli_page_json(arguments));
		return cli_noun_call(cli, noun, "ListContacts", request);
	}
	if (strcmp(action, "remove") == 0 && target != NULL) {
		json_object_set_new(request, "id", json_string(target));
		return cli_noun_call(cli, noun, "RemoveContact", request);
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
		return cli_noun_call(cli, noun, "AddContact", request);
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

/* FILE.csv through COPY, or FILE.jsonl a company (with its solutions and
 * contacts) per line. */
static int import_command(cli_state *cli, const cli_noun *noun, const cli_arguments *arguments,
                          json_t *request)
{
	(void)noun;
	(void)request;
	const char *path = cli_noun_id(arguments);
	if (path == NULL)
		return CLI_EXIT_USAGE;
	if (strstr(path, ".csv") != NULL)
		return cli_company_import_csv(cli, path, cli_has_option(arguments, "dry-run"));
	int imported = 0;
	bool publish = cli_has_option(arguments, "publish");
	int failures = cli_import_lines(path, import_one, cli, &publish, &imported);
	if (failures >= 0)
		printf("imported %d companies, %d failed\n", imported, failures);
	return failures == 0 ? CLI_EXIT_OK : failures < 0 ? CLI_EXIT_USAGE : CLI_EXIT_INVALID;
}

static int duplicates_command(cli_state *cli, const cli_noun *noun, const cli_arguments *arguments,
                              json_t *request)
{
	const char *similarity = cli_option_value(arguments, "min-similarity");
	if (similarity != NULL)
		json_object_set_new(request, "min_similarity", json_real(atof(similarity)));
	json_object_set_new(request, "page", cli_page_json(arguments));
	return cli_noun_call(cli, noun, "FindDuplicateCompanies", request);
}

static int merge_command(cli_state *cli, const cli_noun *noun, const cli_arguments *arguments,
                         json_t *request)
{
	if (arguments->positional_count != 3)
		return CLI_EXIT_USAGE;
	json_object_set_new(request, "keep_id", json_string(arguments->positionals[1]));
	json_object_set_new(request, "merge_id", json_string(arguments->positionals[2]));
	return cli_noun_call(cli, noun, "MergeCompanies", request);
}

static const cli_verb verbs[] = {
	{ "create", CLI_VERB_CREATE, "CreateCompany", "FIELDS", NULL },
	{ "get", CLI_VERB_GET, "GetCompany", "ID", NULL },
	{ "list", CLI_VERB_LIST, "ListCompanies", "[FILTERS]", NULL },
	{ "update", CLI_VERB_UPDATE, "UpdateCompany", "ID --version V FIELDS", NULL },
	{ "archive", CLI_VERB_ACTION, "ArchiveCompany", "ID --version V", NULL },
	{ "delete", CLI_VERB_ACTION, "DeleteCompany", "ID --version V  only one without solutions",
	  NULL },
	{ "import", CLI_VERB_CUSTOM, NULL,
	  "FILE.csv [--dry-run] | FILE.jsonl [--publish]   (docs/csv-import.md)", import_command },
	{ "duplicates", CLI_VERB_CUSTOM, NULL, "[--min-similarity S]", duplicates_command },
	{ "merge", CLI_VERB_CUSTOM, NULL, "KEEP_ID MERGE_ID   solutions and contacts move",
	  merge_command },
	{ "contact", CLI_VERB_CUSTOM, NULL, "add|list|remove ...", contact_command },
};

static const char *const flags[] = { "dry-run", "publish", NULL };
static const char *const options[] = { "version",        "page-size", "page-token", "dry-run",
	                               "min-similarity", "email",     "phone",      "role",
	                               "consent",        "publish",   NULL };

const cli_noun cli_company_noun = {
	.name = "company",
	.plural = "companies",
	.service = &chc__v1__company_service__descriptor,
	.wrapper = "company",
	.fields = company_fields,
	.field_count = CLI_COUNT(company_fields),
	.filters = filter_fields,
	.filter_count = CLI_COUNT(filter_fields),
	.flags = flags,
	.options = options,
	.verbs = verbs,
	.verb_count = CLI_COUNT(verbs),
	.record = &chc__v1__company__descriptor,
	.print_record = print_company,
	.columns = columns,
	.column_count = CLI_COUNT(columns),
	.print_other = print_other,
	.example = "  chc company create --name \"Nordlys Telehealth\" --cvr 12345674 "
	           "--municipality 751 \\\n"
	           "    --category telemedicine --size small\n",
};
