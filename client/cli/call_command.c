/*
 * call_command.c - chc call METHOD [JSON]: any method of any service, the
 * request given as JSON, the reply printed as JSON. Everything comes from
 * the generated descriptors, so new methods work here without new code.
 */
#include <string.h>

#include "chc/v1/companies.pb-c.h"
#include "chc/v1/health.pb-c.h"
#include "chc/v1/matching.pb-c.h"
#include "chc/v1/municipalities.pb-c.h"
#include "chc/v1/projects.pb-c.h"
#include "cli.h"

static const ProtobufCServiceDescriptor *const services[] = {
	&chc__v1__company_service__descriptor, &chc__v1__municipality_service__descriptor,
	&chc__v1__project_service__descriptor, &chc__v1__matching_service__descriptor,
	&chc__v1__health__descriptor,
};

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: chc call [--endpoint NAME] /chc.v1.Service/Method ['{\"json\": ...}']\n\n"
	        "Sends the JSON request (default {}) and prints the reply as JSON.\n"
	        "--endpoint (companies, municipalities, projects, matching) picks the\n"
	        "process for chc.v1.Health. Methods:\n");
	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		for (unsigned m = 0; m < services[i]->n_methods; m++)
			fprintf(out, "  /%s/%s\n", services[i]->name, services[i]->methods[m].name);
}

int cli_call_command(cli_state *cli, int argc, char **argv)
{
	cli_arguments arguments;
	static const char *const known[] = { "endpoint", NULL };
	if (!cli_parse(argc, argv, NULL, &arguments) || !cli_reject_unknown(&arguments, known))
		return CLI_EXIT_USAGE;
	if (cli_has_option(&arguments, "help")) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (arguments.positional_count < 1 || arguments.positional_count > 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	const char *full = arguments.positionals[0];
	const ProtobufCServiceDescriptor *service = NULL;
	const char *method = NULL;
	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]) && service == NULL; i++) {
		size_t length = strlen(services[i]->name);
		if (full[0] == '/' && strncmp(full + 1, services[i]->name, length) == 0 &&
		    full[length + 1] == '/') {
			service = services[i];
			method = full + length + 2;
		}
	}
	if (service == NULL ||
	    protobuf_c_service_descriptor_get_method_by_name(service, method) == NULL) {
		fprintf(stderr, "chc: unknown method \"%s\" (chc call --help lists them)\n", full);
		return CLI_EXIT_USAGE;
	}
	const ProtobufCMethodDescriptor *descriptor =
	        protobuf_c_service_descriptor_get_method_by_name(service, method);
	json_error_t parse_error;
	json_t *json = json_loads(arguments.positional_count == 2 ? arguments.positionals[1] : "{}",
	                          0, &parse_error);
	if (json == NULL) {
		fprintf(stderr, "chc: the request is not JSON: %s\n", parse_error.text);
		return CLI_EXIT_USAGE;
	}
	chc_error error = { 0 };
	ProtobufCMessage *input = NULL;
	chc_status status = chc_json_to_message(descriptor->input, json, &input, &error);
	json_decref(json);
	if (status != CHC_OK) {
		int code = cli_report("reading the request", status, &error);
		chc_error_fini(&error);
		return code == CLI_EXIT_INVALID ? CLI_EXIT_USAGE : code;
	}
	int endpoint = chc_endpoint_for_service(service->name);
	const char *endpoint_name = cli_option_value(&arguments, "endpoint");
	if (endpoint_name != NULL && chc_endpoint_by_name(endpoint_name) >= 0)
		endpoint = chc_endpoint_by_name(endpoint_name);
	if (endpoint < 0) {
		fprintf(stderr, "chc: %s is served by every service: give --endpoint\n",
		        service->name);
		protobuf_c_message_free_unpacked(input, NULL);
		return CLI_EXIT_USAGE;
	}
	ProtobufCMessage *output = NULL;
	chc_call_options options = { .timeout_ms = cli->timeout_ms, .token = cli->token };
	status = chc_client_call_at(cli->client, (chc_endpoint)endpoint, service, method, input,
	                            &options, &output, &error);
	protobuf_c_message_free_unpacked(input, NULL);
	if (status != CHC_OK) {
		int code = cli_report(method, status, &error);
		chc_error_fini(&error);
		return code;
	}
	cli_print_json(output);
	protobuf_c_message_free_unpacked(output, NULL);
	return CLI_EXIT_OK;
}
