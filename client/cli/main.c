/*
 * chc - the secretariat's command: chc <noun> <verb> [options].
 */
#include <stdlib.h>
#include <string.h>

#include "chc/version.h"
#include "cli.h"
#include "noun.h"

typedef struct noun {
	const char *name;
	int (*run)(cli_state *cli, int argc, char **argv); /* NULL: the noun's table runs */
	const cli_noun *table;
	const char *summary;
} noun;

static const noun nouns[] = {
	{ "health", cli_health, NULL, "check that all four services answer" },
	{ "region", cli_region, NULL, "Denmark's 5 regions: list, get" },
	{ "municipality", cli_municipality, NULL, "the 98 municipalities: list, get" },
	{ "need", NULL, &cli_need_noun,
	  "needs of municipalities and regions: create, get, list, search, ..." },
	{ "company", NULL, &cli_company_noun,
	  "companies: create, get, list, update, archive, delete, duplicates, merge, import, "
	  "contact" },
	{ "solution", NULL, &cli_solution_noun,
	  "solutions: create, get, list, search, update, submit, approve, reject, renew" },
	{ "testbed", NULL, &cli_testbed_noun,
	  "test beds where solutions are tried: create, get, list, update, "
	  "import" },
	{ "match", cli_match, NULL, "run a matchmaking job: needs, testbeds, stable, consortia" },
	{ "job", cli_job, NULL,
	  "matchmaking jobs: list, get, watch, cancel, results, export, diff" },
	{ "feedback", cli_feedback, NULL,
	  "\"not a match\" feedback later jobs honour: not-a-match, list" },
	{ "interest", NULL, &cli_interest_noun,
	  "expressions of interest, mutual opt-in: create, get, list, accept, decline, withdraw" },
	{ "project", NULL, &cli_project_noun,
	  "collaboration projects: get, list, search, update, status, overdue, import" },
	{ "event", cli_event, NULL, "a service's domain events: list (history), watch (live)" },
	{ "token", cli_token, NULL, "who may call the services: create, list, revoke (admin)" },
	{ "audit", cli_audit, NULL, "every write of every service, who made it: list" },
	{ "person", cli_person, NULL,
	  "a person's data in every service (GDPR): export, erase (admin)" },
	{ "call", cli_call_command, NULL, "call any method with a JSON request (for scripts)" },
};

/* The first line of path into token; false when path cannot be read. */
static bool read_token_file(const char *path, char token[256])
{
	FILE *in = fopen(path, "r");
	if (in == NULL)
		return false;
	bool read = fgets(token, 256, in) != NULL;
	fclose(in);
	token[read ? strcspn(token, "\r\n") : 0] = '\0';
	return read;
}

/* Never from the command line, where ps and the shell's history would
 * show it: --token-file FILE, CHC_TOKEN, or the admin token a stack wrote
 * to $CHC_HOME/admin.token (no token at all is the services' to refuse). */
static bool find_token(const char *token_file, char token[256])
{
	if (token_file != NULL) {
		if (read_token_file(token_file, token))
			return true;
		fprintf(stderr, "chc: cannot read a token from %s\n", token_file);
		return false;
	}
	const char *variable = getenv("CHC_TOKEN");
	if (variable != NULL) {
		snprintf(token, 256, "%s", variable);
		return true;
	}
	const char *home = getenv("CHC_HOME");
	char path[4096];
	snprintf(path, sizeof(path), "%s/admin.token", home != NULL ? home : ".chc");
	if (!read_token_file(path, token))
		token[0] = '\0';
	return true;
}

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: chc [--json] [--timeout MS] [--token-file FILE] <noun> <verb> [options]\n\n"
	        "Nouns:\n");
	for (size_t i = 0; i < sizeof(nouns) / sizeof(nouns[0]); i++)
		fprintf(out, "  %-14s %s\n", nouns[i].name, nouns[i].summary);
	fprintf(out, "\nEvery noun and verb takes --help. --json prints JSON for scripts.\n\n"
	             "Environment:\n");
	for (int i = 0; i < CHC_ENDPOINT_COUNT; i++)
		fprintf(out, "  %-23s default %s\n", chc_endpoint_describe(i)->url_variable,
		        chc_endpoint_describe(i)->default_url);
	fprintf(out,
	        "  CHC_TOKEN               token sent with every call; unset: the first line\n"
	        "                          of --token-file FILE, else of $CHC_HOME/admin.token\n"
	        "                          (CHC_HOME: ./.chc), which the stack makes\n"
	        "  CHC_TLS_CA              CA file for tls+tcp:// addresses\n\n"
	        "Exit status: 0 ok, 1 failure, 2 usage, 3 invalid argument, 4 not found,\n"
	        "5 conflict (exists, stale version, precondition), 6 not allowed,\n"
	        "7 service unavailable or too slow.\n");
}

int main(int argc, char **argv)
{
	cli_state state = { .timeout_ms = 0 };
	const char *token_file = NULL;
	char token[256] = "";
	int i = 1;
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			state.json = true;
		} else if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return CLI_EXIT_OK;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("chc %s\n", CHC_VERSION);
			return CLI_EXIT_OK;
		} else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
			state.timeout_ms = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--token-file") == 0 && i + 1 < argc) {
			token_file = argv[++i];
		} else {
			fprintf(stderr, "chc: unknown option %s (try --help)\n", argv[i]);
			return CLI_EXIT_USAGE;
		}
	}
	if (i == argc) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	const noun *chosen = NULL;
	for (size_t k = 0; k < sizeof(nouns) / sizeof(nouns[0]); k++)
		if (strcmp(nouns[k].name, argv[i]) == 0)
			chosen = &nouns[k];
	if (chosen == NULL) {
		fprintf(stderr, "chc: unknown noun \"%s\" (try chc --help)\n", argv[i]);
		return CLI_EXIT_USAGE;
	}
	if (!find_token(token_file, token))
		return CLI_EXIT_USAGE;
	state.token = token;
	chc_error error = { 0 };
	chc_client_options options = { .token = token };
	chc_status status = chc_client_create(&options, &state.client, &error);
	if (status != CHC_OK) {
		int code = cli_report("starting", status, &error);
		chc_error_fini(&error);
		return code;
	}
	int code = chosen->run != NULL
	                   ? chosen->run(&state, argc - i - 1, argv + i + 1)
	                   : cli_run_noun(&state, chosen->table, argc - i - 1, argv + i + 1);
	chc_client_destroy(state.client);
	return code;
}
