/*
 * output.c - what the chc command prints: aligned tables for people, JSON
 * for scripts, and errors on stderr with an exit status per kind.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "chc/v1/common.pb-c.h"
#include "cli.h"

int cli_exit_for(chc_status status)
{
	switch (status) {
	case CHC_OK:
		return CLI_EXIT_OK;
	case CHC_INVALID_ARGUMENT:
	case CHC_OUT_OF_RANGE:
		return CLI_EXIT_INVALID;
	case CHC_NOT_FOUND:
		return CLI_EXIT_NOT_FOUND;
	case CHC_ALREADY_EXISTS:
	case CHC_ABORTED:
	case CHC_FAILED_PRECONDITION:
		return CLI_EXIT_CONFLICT;
	case CHC_UNAUTHENTICATED:
	case CHC_PERMISSION_DENIED:
		return CLI_EXIT_DENIED;
	case CHC_UNAVAILABLE:
	case CHC_DEADLINE_EXCEEDED:
		return CLI_EXIT_UNAVAILABLE;
	default:
		return CLI_EXIT_FAILURE;
	}
}

int cli_report(const char *what, chc_status status, const chc_error *error)
{
	fprintf(stderr, "chc: %s failed: %s: %s\n", what, chc_status_name(status),
	        error != NULL && error->message != NULL ? error->message : "");
	for (size_t i = 0; error != NULL && i < error->violation_count; i++)
		fprintf(stderr, "  %s: %s\n", error->violations[i].field,
		        error->violations[i].description);
	/* What a secretariat most often meets on a fresh machine. */
	if (status == CHC_UNAVAILABLE)
		fprintf(stderr,
		        "  is the service running? scripts/stack.sh status shows each part; "
		        "CHC_*_URL say where chc looks\n");
	else if (status == CHC_UNAUTHENTICATED)
		fprintf(stderr,
		        "  give chc a token: CHC_TOKEN, --token-file FILE, or "
		        "$CHC_HOME/admin.token (the stack writes it; chc token create makes "
		        "others)\n");
	return cli_exit_for(status);
}

chc_status cli_call(cli_state *cli, const ProtobufCServiceDescriptor *service, const char *method,
                    const ProtobufCMessage *input, ProtobufCMessage **output, chc_error *error)
{
	chc_call_options options = { .timeout_ms = cli->timeout_ms, .token = cli->token };
	/* A service every process answers (tokens) is asked of the
	 * municipalities service: the one every installation runs. */
	if (chc_endpoint_for_service(service->name) < 0)
		return chc_client_call_at(cli->client, CHC_ENDPOINT_MUNICIPALITIES, service, method,
		                          input, &options, output, error);
	return chc_client_call(cli->client, service, method, input, &options, output, error);
}

int cli_call_every_service(cli_state *cli, const ProtobufCServiceDescriptor *service,
                           const char *method, const ProtobufCMessage *request,
                           ProtobufCMessage *replies[CHC_ENDPOINT_COUNT])
{
	chc_call_options options = { .timeout_ms = cli->timeout_ms, .token = cli->token };
	for (int endpoint = 0; endpoint < CHC_ENDPOINT_COUNT; endpoint++) {
		chc_error error = { 0 };
		chc_status status =
		        chc_client_call_at(cli->client, (chc_endpoint)endpoint, service, method,
		                           request, &options, &replies[endpoint], &error);
		char what[128];
		snprintf(what, sizeof(what), "%s at %s", method,
		         chc_endpoint_describe(endpoint)->name);
		int code = status == CHC_OK ? CLI_EXIT_OK : cli_report(what, status, &error);
		chc_error_fini(&error);
		if (code != CLI_EXIT_OK)
			return code;
	}
	return CLI_EXIT_OK;
}

void cli_print_json(const ProtobufCMessage *message)
{
	json_t *json = NULL;
	if (chc_json_from_message(message, 0, &json, NULL) != CHC_OK)
		return;
	json_dumpf(json, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(json);
}

const char *cli_slug(const ProtobufCEnumDescriptor *descriptor, int value, char buffer[64])
{
	chc_enum_slug(descriptor, value, buffer, 64);
	return buffer;
}

const char *cli_slugs(const ProtobufCEnumDescriptor *descriptor, const int *values, size_t count,
                      char *text, size_t size)
{
	size_t used = 0;
	text[0] = '\0';
	for (size_t i = 0; i < count && used + 2 < size; i++) {
		char slug[64];
		used += (size_t)snprintf(text + used, size - used, "%s%s", i ? "," : "",
		                         cli_slug(descriptor, values[i], slug));
	}
	return text;
}

void cli_table_init(cli_table *table, int columns, const char *const *headers)
{
	memset(table, 0, sizeof(*table));
	table->columns = columns;
	for (int i = 0; i < columns; i++)
		table->headers[i] = headers[i];
}

void cli_table_add(cli_table *table, ...)
{
	if (table->rows == table->capacity) {
		int capacity = table->capacity ? table->capacity * 2 : 32;
		char **cells = realloc(table->cells,
		                       (size_t)capacity * (size_t)table->columns * sizeof(char *));
		if (cells == NULL)
			return;
		table->cells = cells;
		table->capacity = capacity;
	}
	va_list arguments;
	va_start(arguments, table);
	for (int i = 0; i < table->columns; i++) {
		const char *text = va_arg(arguments, const char *);
		table->cells[table->rows * table->columns + i] = strdup(text ? text : "");
	}
	va_end(arguments);
	table->rows++;
}

/* Width on screen: UTF-8 code points (Danish letters are one column). */
static int display_width(const char *text)
{
	int width = 0;
	for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++)
		width += (*p & 0xC0) != 0x80;
	return width;
}

void cli_table_print(const cli_table *table, FILE *out)
{
	int widths[CLI_TABLE_COLUMNS] = { 0 };
	for (int c = 0; c < table->columns; c++) {
		widths[c] = display_width(table->headers[c]);
		for (int r = 0; r < table->rows; r++) {
			const char *cell = table->cells[r * table->columns + c];
			int width = display_width(cell ? cell : "");
			if (width > widths[c])
				widths[c] = width > 60 ? 60 : width;
		}
	}
	for (int r = -1; r < table->rows; r++) {
		for (int c = 0; c < table->columns; c++) {
			const char *cell =
			        r < 0 ? table->headers[c] : table->cells[r * table->columns + c];
			if (cell == NULL)
				cell = "";
			int width = display_width(cell);
			bool last = c == table->columns - 1;
			if (width > 60 && !last) {
				/* Cut long cells at a character boundary. */
				int shown = 0;
				const char *p = cell;
				while (*p != '\0' && shown < 57) {
					p++;
					while ((*(const unsigned char *)p & 0xC0) == 0x80)
						p++;
					shown++;
				}
				fprintf(out, "%.*s...  ", (int)(p - cell), cell);
				continue;
			}
			fputs(cell, out);
			if (!last)
				fprintf(out, "%*s", widths[c] - width + 2, "");
		}
		fputc('\n', out);
	}
}

void cli_table_fini(cli_table *table)
{
	for (int i = 0; i < table->rows * table->columns; i++)
		free(table->cells[i]);
	free(table->cells);
	memset(table, 0, sizeof(*table));
}

int cli_call_message(cli_state *cli, const ProtobufCServiceDescriptor *service, const char *method,
                     json_t *request_json, ProtobufCMessage **reply)
{
	const ProtobufCMethodDescriptor *descriptor =
	        protobuf_c_service_descriptor_get_method_by_name(service, method);
	chc_error error = { 0 };
	ProtobufCMessage *request = NULL;
	chc_status status = chc_json_to_message(descriptor->input, request_json, &request, &error);
	if (status == CHC_OK) {
		status = cli_call(cli, service, method, request, reply, &error);
		protobuf_c_message_free_unpacked(request, NULL);
	}
	int code = status == CHC_OK ? CLI_EXIT_OK : cli_report(method, status, &error);
	chc_error_fini(&error);
	return code;
}

int cli_call_json(cli_state *cli, const ProtobufCServiceDescriptor *service, const char *method,
                  json_t *request_json, void (*print)(const ProtobufCMessage *reply))
{
	ProtobufCMessage *reply = NULL;
	int code = cli_call_message(cli, service, method, request_json, &reply);
	if (code == CLI_EXIT_OK && print != NULL && cli->json)
		cli_print_json(reply);
	else if (code == CLI_EXIT_OK && print != NULL)
		print(reply);
	if (reply != NULL)
		protobuf_c_message_free_unpacked(reply, NULL);
	return code;
}

int cli_call_json_reply(cli_state *cli, const ProtobufCServiceDescriptor *service,
                        const char *method, json_t *request_json, json_t **reply_json)
{
	ProtobufCMessage *reply = NULL;
	int code = cli_call_message(cli, service, method, request_json, &reply);
	if (code == CLI_EXIT_OK && chc_json_from_message(reply, 0, reply_json, NULL) != CHC_OK)
		code = CLI_EXIT_FAILURE;
	if (reply != NULL)
		protobuf_c_message_free_unpacked(reply, NULL);
	return code;
}

json_t *cli_page_json(const cli_arguments *arguments)
{
	/* Every list printed says "3 of 80": the total is asked for (the
	 * services count it only when asked). */
	json_t *page = json_pack("{s:b}", "want_total", 1);
	const char *size = cli_option_value(arguments, "page-size");
	const char *token = cli_option_value(arguments, "page-token");
	if (size != NULL)
		json_object_set_new(page, "page_size", json_integer(atoi(size)));
	if (token != NULL)
		json_object_set_new(page, "page_token", json_string(token));
	return page;
}

void cli_print_page(size_t shown, const struct Chc__V1__PageInfo *page, const char *noun)
{
	long long total = page != NULL ? (long long)page->total_size : (long long)shown;
	printf("%zu of %lld %s", shown, total, noun);
	if (page != NULL && page->next_page_token[0] != '\0')
		printf("; next page: --page-token %s", page->next_page_token);
	printf("\n");
}
