/*
 * health_command.c - chc health: /chc.v1.Health/Check on every service.
 */
#include <string.h>

#include "chc/v1/health.pb-c.h"
#include "cli.h"

int cli_health(cli_state *cli, int argc, char **argv)
{
	cli_arguments arguments;
	if (!cli_parse(argc, argv, NULL, &arguments) || !cli_reject_unknown(&arguments, NULL))
		return CLI_EXIT_USAGE;
	if (cli_has_option(&arguments, "help")) {
		printf("Usage: chc health [--json]\n\n"
		       "Asks each of the four services whether it is serving "
		       "(chc.v1.Health/Check).\n"
		       "Exits 0 when all four serve, 7 otherwise.\n");
		return CLI_EXIT_OK;
	}
	bool json = cli->json || cli_has_option(&arguments, "json");
	static const char *const headers[] = { "SERVICE", "ADDRESS", "STATUS", "DETAIL" };
	cli_table table;
	cli_table_init(&table, 4, headers);
	json_t *report = json_array();
	int failing = 0;
	for (int i = 0; i < CHC_ENDPOINT_COUNT; i++) {
		chc_error error = { 0 };
		int serving = 0;
		chc_call_options options = { .timeout_ms =
			                             cli->timeout_ms > 0 ? cli->timeout_ms : 2000,
			                     .token = cli->token,
			                     .max_attempts = 1 };
		chc_status status = chc_client_check_health(cli->client, (chc_endpoint)i, &options,
		                                            &serving, &error);
		char state[64];
		if (status == CHC_OK)
			chc_enum_slug(&chc__v1__health_check_response__serving_status__descriptor,
			              serving, state, sizeof(state));
		else
			snprintf(state, sizeof(state), "%s", chc_status_name(status));
		if (status != CHC_OK || serving != 1)
			failing++;
		const char *detail = status == CHC_OK ? "" : error.message;
		cli_table_add(&table, chc_endpoint_describe(i)->name,
		              chc_client_url(cli->client, (chc_endpoint)i), state, detail);
		json_array_append_new(report,
		                      json_pack("{s:s, s:s, s:s, s:s}", "service",
		                                chc_endpoint_describe(i)->name, "address",
		                                chc_client_url(cli->client, (chc_endpoint)i),
		                                "status", state, "detail", detail ? detail : ""));
		chc_error_fini(&error);
	}
	if (json) {
		json_dumpf(report, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	} else {
		cli_table_print(&table, stdout);
	}
	json_decref(report);
	cli_table_fini(&table);
	return failing == 0 ? CLI_EXIT_OK : CLI_EXIT_UNAVAILABLE;
}
