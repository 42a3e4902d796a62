/*
 * noun.c - the verbs every noun shares, run from the noun's table.
 */
#include "noun.h"

#include <string.h>

void cli_noun_usage(const cli_noun *noun, FILE *out)
{
	int width = 0;
	for (size_t i = 0; i < noun->verb_count; i++)
		if ((int)strlen(noun->verbs[i].name) > width)
			width = (int)strlen(noun->verbs[i].name);
	for (size_t i = 0; i < noun->verb_count; i++)
		fprintf(out, "%s chc %s %-*s %s\n", i == 0 ? "Usage:" : "      ", noun->name, width,
		        noun->verbs[i].name, noun->verbs[i].synopsis);
	if (noun->field_count > 0) {
		fprintf(out, "\nFIELDS:\n");
		cli_fields_help(out, noun->fields, noun->field_count);
	}
	if (noun->filter_count > 0) {
		fprintf(out,
		        "\nFILTERS (list, search; paging with --page-size N --page-token T):\n");
		cli_fields_help(out, noun->filters, noun->filter_count);
	}
	if (noun->example != NULL)
		fprintf(out, "\nExample:\n%s", noun->example);
}

const char *cli_noun_id(const cli_arguments *arguments)
{
	return arguments->positional_count > 1 ? arguments->positionals[1] : NULL;
}

/* A create per line of a JSON-lines file. */
typedef struct import_context {
	const cli_noun *noun;
	const char *method;
} import_context;

static int import_one(cli_state *cli, json_t *object, int line, void *data)
{
	const import_context *context = data;
	json_t *request = json_pack("{s:O}", context->noun->wrapper, object);
	int code = cli_call_json(cli, context->noun->service, context->method, request, NULL);
	json_decref(request);
	if (code != CLI_EXIT_OK)
		fprintf(stderr, "  (line %d)\n", line);
	return code;
}

static int import_file(cli_state *cli, const cli_noun *noun, const cli_verb *verb, const char *path)
{
	import_context context = { noun, verb->method };
	int imported = 0;
	int failures = cli_import_lines(path, import_one, cli, &context, &imported);
	if (failures >= 0)
		printf("imported %d %s, %d failed\n", imported, noun->plural, failures);
	return failures == 0 ? CLI_EXIT_OK : failures < 0 ? CLI_EXIT_USAGE : CLI_EXIT_INVALID;
}

/* The request of a verb of a shared shape; false when the line is wrong. */
static bool build_request(const cli_noun *noun, const cli_verb *verb,
                          const cli_arguments *arguments, json_t *request)
{
	const char *id = cli_noun_id(arguments);
	bool listing = verb->shape == CLI_VERB_LIST || verb->shape == CLI_VERB_SEARCH;
	json_t *body = json_object();
	json_t *mask = json_array();
	long long version = 0;
	bool ok =
	        cli_fields_to_json(arguments, listing ? noun->filters : noun->fields,
	                           listing ? noun->filter_count : noun->field_count, body, mask) &&
	        cli_option_int(arguments, "version", &version);
	switch (verb->shape) {
	case CLI_VERB_CREATE:
		ok = ok && id == NULL;
		json_object_set(request, noun->wrapper, body);
		break;
	case CLI_VERB_GET:
		ok = ok && id != NULL;
		json_object_set_new(request, "id", json_string(id ? id : ""));
		break;
	case CLI_VERB_SEARCH:
		ok = ok && id != NULL;
		json_object_set_new(request, "query", json_string(id ? id : ""));
		/* A search filters and pages like a list. */
		__attribute__((fallthrough));
	case CLI_VERB_LIST:
		ok = ok && (verb->shape == CLI_VERB_SEARCH || id == NULL);
		if (noun->filter_wrapper != NULL)
			json_object_set(request, noun->filter_wrapper, body);
		else
			json_object_update(request, body);
		json_object_set_new(request, "page", cli_page_json(arguments));
		break;
	case CLI_VERB_UPDATE:
		ok = ok && id != NULL;
		json_object_set_new(body, "id", json_string(id ? id : ""));
		json_object_set(request, noun->wrapper, body);
		json_object_set(request, "update_mask", mask);
		json_object_set_new(request, "expected_version", json_integer(version));
		break;
	case CLI_VERB_ACTION:
		ok = ok && id != NULL;
		json_object_set_new(request, "id", json_string(id ? id : ""));
		json_object_set_new(request, "expected_version", json_integer(version));
		break;
	default:
		ok = ok && id == NULL;
		break;
	}
	json_decref(body);
	json_decref(mask);
	return ok;
}

int cli_run_noun(cli_state *cli, const cli_noun *noun, int argc, char **argv)
{
	cli_arguments arguments;
	if (!cli_parse(argc, argv, noun->flags, &arguments))
		return CLI_EXIT_USAGE;
	cli->json = cli->json || cli_has_option(&arguments, "json");
	if (cli_has_option(&arguments, "help")) {
		cli_noun_usage(noun, stdout);
		return CLI_EXIT_OK;
	}
	const char *name = arguments.positional_count > 0 ? arguments.positionals[0] : "";
	const cli_verb *verb = NULL;
	for (size_t i = 0; i < noun->verb_count && verb == NULL; i++)
		if (strcmp(noun->verbs[i].name, name) == 0)
			verb = &noun->verbs[i];
	if (verb == NULL) {
		if (name[0] != '\0')
			fprintf(stderr, "chc %s: unknown verb \"%s\"\n", noun->name, name);
		cli_noun_usage(noun, stderr);
		return CLI_EXIT_USAGE;
	}
	bool listing = verb->shape == CLI_VERB_LIST || verb->shape == CLI_VERB_SEARCH;
	static const char *const paging[] = { "version", "page-size", "page-token", NULL };
	const char *const *known =
	        cli_fields_names(listing ? noun->filters : noun->fields,
	                         listing ? noun->filter_count : noun->field_count,
	                         noun->options ? noun->options : paging);
	if (!cli_reject_unknown(&arguments, known))
		return CLI_EXIT_USAGE;
	json_t *request = json_object();
	int code = CLI_EXIT_USAGE;
	if (verb->shape == CLI_VERB_CUSTOM) {
		code = verb->custom(cli, noun, &arguments, request);
	} else if (verb->shape == CLI_VERB_IMPORT) {
		const char *path = cli_noun_id(&arguments);
		code = path != NULL ? import_file(cli, noun, verb, path) : CLI_EXIT_USAGE;
	} else if (!build_request(noun, verb, &arguments, request) ||
	           (verb->custom != NULL &&
	            verb->custom(cli, noun, &arguments, request) != CLI_EXIT_OK)) {
		code = CLI_EXIT_USAGE;
	} else {
		code = cli_call_json(cli, noun->service, verb->method, request, noun->print);
	}
	if (code == CLI_EXIT_USAGE)
		fprintf(stderr, "usage: chc %s %s %s\n", noun->name, verb->name, verb->synopsis);
	json_decref(request);
	return code;
}
