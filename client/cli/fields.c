/*
 * fields.c - options to JSON for create and update commands.
 */
#include "fields.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The object that holds the last part of path, created on the way. */
static json_t *parent_of(json_t *object, const char *path, const char **leaf)
{
	const char *dot = strchr(path, '.');
	if (dot == NULL) {
		*leaf = path;
		return object;
	}
	char head[64];
	snprintf(head, sizeof(head), "%.*s", (int)(dot - path), path);
	json_t *child = json_object_get(object, head);
	if (child == NULL) {
		child = json_object();
		json_object_set_new(object, head, child);
	}
	return parent_of(child, dot + 1, leaf);
}

static bool parse_integer(const char *flag, const char *text, long long *value)
{
	char *end = NULL;
	errno = 0;
	*value = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0') {
		fprintf(stderr, "chc: --%s must be a whole number, not \"%s\"\n", flag, text);
		return false;
	}
	return true;
}

static bool add_item(const cli_field *field, const char *text, json_t *array)
{
	long long number = 0;
	switch (field->kind) {
	case FIELD_OWNERS:
		if (!parse_integer(field->flag, text, &number))
			return false;
		json_array_append_new(
		        array,
		        json_pack("{s:I}", number >= 1000 ? "region_code" : "municipality_code",
		                  (json_int_t)number));
		return true;
	case FIELD_CRITERIA: {
		const char *equals = strchr(text, '=');
		if (equals == NULL || !parse_integer(field->flag, equals + 1, &number)) {
			fprintf(stderr, "chc: --%s takes criterion=weight, such as price=40\n",
			        field->flag);
			return false;
		}
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)(equals - text), text);
		json_array_append_new(array, json_pack("{s:s, s:I}", "criterion", name, "weight",
		                                       (json_int_t)number));
		return true;
	}
	default:
		json_array_append_new(array, json_string(text));
		return true;
	}
}

bool cli_fields_to_json(const cli_arguments *arguments, const cli_field *fields, size_t field_count,
                        json_t *object, json_t *mask)
{
	for (size_t f = 0; f < field_count; f++) {
		const cli_field *field = &fields[f];
		if (!cli_has_option(arguments, field->flag))
			continue;
		const char *leaf = NULL;
		json_t *parent = parent_of(object, field->path, &leaf);
		const char *text = cli_option_value(arguments, field->flag);
		long long number = 0;
		switch (field->kind) {
		case FIELD_TEXT:
			json_object_set_new(parent, leaf, json_string(text ? text : ""));
			break;
		case FIELD_INT:
			if (text == NULL || !parse_integer(field->flag, text, &number))
				return false;
			json_object_set_new(parent, leaf, json_integer(number));
			break;
		case FIELD_BOOL:
			if (text == NULL ||
			    (strcmp(text, "true") != 0 && strcmp(text, "false") != 0)) {
				fprintf(stderr, "chc: --%s takes true or false\n", field->flag);
				return false;
			}
			json_object_set_new(parent, leaf, json_boolean(strcmp(text, "true") == 0));
			break;
		default: {
			json_t *array = json_array();
			for (int i = 0; i < arguments->option_count; i++)
				if (strcmp(arguments->options[i].name, field->flag) == 0 &&
				    arguments->options[i].value != NULL &&
				    arguments->options[i].value[0] != '\0' &&
				    !add_item(field, arguments->options[i].value, array)) {
					json_decref(array);
					return false;
				}
			json_object_set_new(parent, leaf, array);
			break;
		}
		}
		if (mask != NULL) {
			char top[64];
			snprintf(top, sizeof(top), "%.*s", (int)strcspn(field->path, "."),
			         field->path);
			bool present = false;
			size_t index;
			json_t *item;
			json_array_foreach(mask, index, item) present =
			        present || strcmp(json_string_value(item), top) == 0;
			if (!present)
				json_array_append_new(mask, json_string(top));
		}
	}
	return true;
}

/* The values of an enum as its slugs, from the descriptor: the help can
 * never fall behind the .proto files. */
static void print_values(FILE *out, const ProtobufCEnumDescriptor *values)
{
	int column = 26;
	fprintf(out, "  %24s", "");
	for (unsigned i = 0, shown = 0; i < values->n_values; i++) {
		if (values->values[i].value == 0)
			continue;
		char slug[64];
		chc_enum_slug(values, values->values[i].value, slug, sizeof(slug));
		if (column + (int)strlen(slug) + 2 > 100) {
			fprintf(out, ",\n  %24s", "");
			column = 26;
		} else if (shown > 0) {
			fprintf(out, ", ");
		}
		fprintf(out, "%s", slug);
		column += (int)strlen(slug) + 2;
		shown++;
	}
	fprintf(out, "\n");
}

void cli_fields_help(FILE *out, const cli_field *fields, size_t field_count)
{
	for (size_t i = 0; i < field_count; i++) {
		fprintf(out, "  --%-20s %s\n", fields[i].flag, fields[i].help);
		if (fields[i].values != NULL)
			print_values(out, fields[i].values);
	}
}

const char *const *cli_fields_names(const cli_field *fields, size_t field_count,
                                    const char *const *extra)
{
	static const char *names[96];
	size_t used = 0;
	for (size_t i = 0; i < field_count && used + 1 < 96; i++)
		names[used++] = fields[i].flag;
	for (size_t i = 0; extra != NULL && extra[i] != NULL && used + 1 < 96; i++)
		names[used++] = extra[i];
	names[used] = NULL;
	return names;
}

int cli_import_lines(const char *path, cli_line_importer create, cli_state *cli, void *context,
                     int *imported)
{
	FILE *file = fopen(path, "r");
	if (file == NULL) {
		fprintf(stderr, "chc: cannot read %s\n", path);
		return -1;
	}
	char *text = NULL;
	size_t size = 0;
	int line = 0;
	int failures = 0;
	*imported = 0;
	while (getline(&text, &size, file) >= 0) {
		line++;
		if (text[strspn(text, " \t\r\n")] == '\0' || text[0] == '#')
			continue;
		json_error_t parse_error;
		json_t *object = json_loads(text, 0, &parse_error);
		if (!json_is_object(object)) {
			fprintf(stderr, "%s:%d: not a JSON object: %s\n", path, line,
			        parse_error.text);
			failures++;
		} else if (create(cli, object, line, context) == CLI_EXIT_OK) {
			(*imported)++;
		} else {
			failures++;
		}
		json_decref(object);
	}
	free(text);
	fclose(file);
	return failures;
}

json_t *cli_party_json(const cli_arguments *arguments, const char *option)
{
	const char *text = cli_option_value(arguments, option);
	const char *colon = text ? strchr(text, ':') : NULL;
	if (colon == NULL) {
		fprintf(stderr,
		        "chc: --%s takes KIND:VALUE: company:ID, municipality:101, "
		        "region:1084, test_bed:ID, hospital:NAME, knowledge_institution:NAME\n",
		        option);
		return NULL;
	}
	char kind[32];
	snprintf(kind, sizeof(kind), "%.*s", (int)(colon - text), text);
	const char *value = colon + 1;
	if (strcmp(kind, "company") == 0)
		return json_pack("{s:s, s:s}", "kind", kind, "company_id", value);
	if (strcmp(kind, "municipality") == 0)
		return json_pack("{s:s, s:i}", "kind", kind, "municipality_code", atoi(value));
	if (strcmp(kind, "region") == 0)
		return json_pack("{s:s, s:i}", "kind", kind, "region_code", atoi(value));
	if (strcmp(kind, "test_bed") == 0)
		return json_pack("{s:s, s:s}", "kind", "test-bed", "test_bed_id", value);
	return json_pack("{s:s, s:s}", "kind",
	                 strcmp(kind, "hospital") == 0 ? "hospital" : "knowledge-institution",
	                 "organisation", value);
}
