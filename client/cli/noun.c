/*
 * noun.c - the verbs every noun shares, run from the noun's table.
 */
#include "noun.h"

#include <string.h>

#include "chc/v1/common.pb-c.h"

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

/* The address of field's value in message. */
static const void *field_value(const ProtobufCMessage *message,
                               const ProtobufCFieldDescriptor *field)
{
	return (const char *)message + field->offset;
}

static size_t field_count(const ProtobufCMessage *message, const ProtobufCFieldDescriptor *field)
{
	return *(const size_t *)((const char *)message + field->quantifier_offset);
}

/* One cell of record's row: points at the field's own text where it has
 * one, else writes into text. */
static const char *cell_text(const cli_column *column, const ProtobufCMessage *record,
                             const char *rank, char *text, size_t size)
{
	if (column->format != NULL) {
		column->format(record, text, size);
		return text;
	}
	if (column->field == NULL)
		return rank;
	const ProtobufCFieldDescriptor *field =
	        protobuf_c_message_descriptor_get_field_by_name(record->descriptor, column->field);
	const void *value = field_value(record, field);
	text[0] = '\0';
	if (field->label == PROTOBUF_C_LABEL_REPEATED && field->type == PROTOBUF_C_TYPE_ENUM)
		return cli_slugs(field->descriptor, *(int *const *)value,
		                 field_count(record, field), text, size);
	switch (field->type) {
	case PROTOBUF_C_TYPE_STRING:
		return *(char *const *)value;
	case PROTOBUF_C_TYPE_ENUM:
		chc_enum_slug(field->descriptor, *(const int *)value, text, size);
		break;
	case PROTOBUF_C_TYPE_INT64:
		snprintf(text, size, "%lld", (long long)*(const int64_t *)value);
		break;
	default:
		snprintf(text, size, "%d", *(const int32_t *)value);
		break;
	}
	return text;
}

void cli_print_records(const cli_column *columns, size_t column_count,
                       const ProtobufCMessage *const *records, size_t count, const float *ranks,
                       size_t rank_count)
{
	const char *headers[CLI_TABLE_COLUMNS];
	for (size_t c = 0; c < column_count; c++)
		headers[c] = columns[c].header;
	cli_table table;
	cli_table_init(&table, (int)column_count, headers);
	for (size_t i = 0; i < count; i++) {
		char rank[16] = "";
		if (i < rank_count)
			snprintf(rank, sizeof(rank), "%.3f", ranks[i]);
		char texts[CLI_TABLE_COLUMNS][256];
		const char *cells[CLI_TABLE_COLUMNS] = { NULL };
		for (size_t c = 0; c < column_count; c++)
			cells[c] = cell_text(&columns[c], records[i], rank, texts[c],
			                     sizeof(texts[c]));
		cli_table_add(&table, cells[0], cells[1], cells[2], cells[3], cells[4], cells[5],
		              cells[6], cells[7], cells[8], cells[9]);
	}
	cli_table_print(&table, stdout);
	cli_table_fini(&table);
}

/* A reply that holds a page of the noun's records: a table of them and
 * the page line. False when reply holds none. */
static bool print_records(const cli_noun *noun, const ProtobufCMessage *reply)
{
	const ProtobufCMessageDescriptor *type = reply->descriptor;
	const ProtobufCFieldDescriptor *records = NULL;
	for (unsigned i = 0; i < type->n_fields && records == NULL; i++)
		if (type->fields[i].label == PROTOBUF_C_LABEL_REPEATED &&
		    type->fields[i].type == PROTOBUF_C_TYPE_MESSAGE &&
		    type->fields[i].descriptor == noun->record)
			records = &type->fields[i];
	if (records == NULL)
		return false;
	const ProtobufCMessage *const *items =
	        *(const ProtobufCMessage *const *const *)field_value(reply, records);
	size_t count = field_count(reply, records);
	/* A search is a list with a rank for each record. */
	const ProtobufCFieldDescriptor *ranks =
	        protobuf_c_message_descriptor_get_field_by_name(type, "ranks");
	const float *rank_values = ranks ? *(const float *const *)field_value(reply, ranks) : NULL;
	size_t rank_count = ranks ? field_count(reply, ranks) : 0;
	bool searched = ranks != NULL && noun->searched_columns != NULL;
	if (noun->column_count == 0)
		for (size_t i = 0; i < count; i++)
			noun->print_record(items[i]);
	else
		cli_print_records(searched ? noun->searched_columns : noun->columns,
		                  searched ? noun->searched_column_count : noun->column_count,
		                  items, count, rank_values, rank_count);
	const ProtobufCFieldDescriptor *page =
	        protobuf_c_message_descriptor_get_field_by_name(type, "page");
	char what[64];
	snprintf(what, sizeof(what), "%s%s", ranks ? "matching " : "", noun->plural);
	cli_print_page(count,
	               page ? *(const Chc__V1__PageInfo *const *)field_value(reply, page) : NULL,
	               what);
	return true;
}

static void print_reply(const cli_noun *noun, const ProtobufCMessage *reply)
{
	if (reply->descriptor == noun->record)
		noun->print_record(reply);
	else if (!print_records(noun, reply) &&
	         (noun->print_other == NULL || !noun->print_other(reply)))
		cli_print_json(reply);
}

int cli_noun_call(cli_state *cli, const cli_noun *noun, const char *method, json_t *request)
{
	ProtobufCMessage *reply = NULL;
	int code = cli_call_message(cli, noun->service, method, request, &reply);
	if (code == CLI_EXIT_OK && cli->json)
		cli_print_json(reply);
	else if (code == CLI_EXIT_OK)
		print_reply(noun, reply);
	if (reply != NULL)
		protobuf_c_message_free_unpacked(reply, NULL);
	return code;
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
		code = cli_noun_call(cli, noun, verb->method, request);
	}
	if (code == CLI_EXIT_USAGE)
		fprintf(stderr, "usage: chc %s %s %s\n", noun->name, verb->name, verb->synopsis);
	json_decref(request);
	return code;
}
