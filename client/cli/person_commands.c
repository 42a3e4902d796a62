/*
 * person_commands.c - chc person export|erase --email ADDRESS: what every
 * service holds about a person (GDPR access and portability), or its
 * erasure, across all four services.
 */
#include <stdio.h>
#include <string.h>

#include "chc/v1/person.pb-c.h"
#include "cli.h"

static const char usage_text[] =
        "Usage: chc person export --email ADDRESS\n"
        "       chc person erase --email ADDRESS\n\n"
        "  export prints one JSON document: for each service, the records that hold\n"
        "  the person (contact persons, need contacts, stored replies, events).\n"
        "  erase removes or blanks them in every service, each in one transaction;\n"
        "  running it again erases nothing more. The audit keeps only that an\n"
        "  erasure happened. Needs the admin role.\n";

static int print_export(ProtobufCMessage *const replies[CHC_ENDPOINT_COUNT])
{
	json_t *all = json_object();
	for (int endpoint = 0; endpoint < CHC_ENDPOINT_COUNT; endpoint++) {
		const Chc__V1__ExportPersonResponse *reply = (const void *)replies[endpoint];
		json_t *data = json_loads(reply->data_json, 0, NULL);
		if (data != NULL && json_object_size(data) > 0)
			json_object_set_new(all, chc_endpoint_describe(endpoint)->name, data);
		else
			json_decref(data);
	}
	json_dumpf(all, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(all);
	return CLI_EXIT_OK;
}

static void print_erased(ProtobufCMessage *const replies[CHC_ENDPOINT_COUNT])
{
	int total = 0;
	for (int endpoint = 0; endpoint < CHC_ENDPOINT_COUNT; endpoint++) {
		const Chc__V1__ErasePersonResponse *reply = (const void *)replies[endpoint];
		printf("%-15s %d records erased\n", chc_endpoint_describe(endpoint)->name,
		       reply->records);
		total += reply->records;
	}
	printf("%d in all\n", total);
}

int cli_person(cli_state *cli, int argc, char **argv)
{
	static const char *const flags[] = { "json", "help", NULL };
	static const char *const known[] = { "email", "json", "help", NULL };
	cli_arguments arguments;
	if (!cli_parse(argc, argv, flags, &arguments) || !cli_reject_unknown(&arguments, known))
		return CLI_EXIT_USAGE;
	const char *verb = arguments.positional_count == 1 ? arguments.positionals[0] : "";
	const char *email = cli_option_value(&arguments, "email");
	bool exporting = strcmp(verb, "export") == 0;
	if (cli_has_option(&arguments, "help") || email == NULL ||
	    (!exporting && strcmp(verb, "erase") != 0)) {
		FILE *out = cli_has_option(&arguments, "help") ? stdout : stderr;
		fputs(usage_text, out);
		return out == stdout ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	Chc__V1__PersonRequest request = CHC__V1__PERSON_REQUEST__INIT;
	request.email = (char *)email;
	ProtobufCMessage *replies[CHC_ENDPOINT_COUNT] = { NULL };
	int code = cli_call_every_service(cli, &chc__v1__person_service__descriptor,
	                                  exporting ? "ExportPerson" : "ErasePerson", &request.base,
	                                  replies);
	if (code == CLI_EXIT_OK && exporting)
		code = print_export(replies);
	else if (code == CLI_EXIT_OK && (cli->json || cli_has_option(&arguments, "json")))
		for (int endpoint = 0; endpoint < CHC_ENDPOINT_COUNT; endpoint++)
			cli_print_json(replies[endpoint]);
	else if (code == CLI_EXIT_OK)
		print_erased(replies);
	for (int endpoint = 0; endpoint < CHC_ENDPOINT_COUNT; endpoint++)
		if (replies[endpoint] != NULL)
			protobuf_c_message_free_unpacked(replies[endpoint], NULL);
	return code;
}
