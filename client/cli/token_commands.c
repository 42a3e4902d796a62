/*
 * token_commands.c - chc token create|list|revoke (admin only). A token's
 * secret is printed once, by create; the services keep only its hash.
 */
#include <stdio.h>
#include <string.h>

#include "chc/v1/tokens.pb-c.h"
#include "cli.h"
#include "noun.h"

static const ProtobufCServiceDescriptor *const service = &chc__v1__token_service__descriptor;

static const char usage_text[] =
        "Usage: chc token create --role ROLE [--organisation ORG] [--name TEXT]\n"
        "                        [--expires-days N]\n"
        "       chc token list [--all] [--page-size N] [--page-token T]\n"
        "       chc token revoke ID\n\n"
        "  ROLE  reader, partner, secretariat, admin or service\n"
        "  ORG   a partner's organisation: company:<id>, municipality:<code> or\n"
        "        region:<code>\n"
        "  create prints the token once; keep it in a file only you can read and\n"
        "  give it to chc with --token-file FILE or CHC_TOKEN. list hides revoked\n"
        "  tokens unless --all. A revoked token is refused by every service within\n"
        "  CHC_AUTH_CACHE_SECONDS (5).\n";

static void print_token(const ProtobufCMessage *message)
{
	const Chc__V1__Token *token = (const void *)message;
	char role[64];
	printf("%s  %s%s%s  %s%s\n", token->id,
	       cli_slug(&chc__v1__role__descriptor, token->role, role),
	       token->organisation[0] ? " of " : "", token->organisation, token->name,
	       token->revoked_unix_ms ? "  (revoked)" : "");
}

static void print_created(const ProtobufCMessage *message)
{
	const Chc__V1__CreateTokenResponse *reply = (const void *)message;
	print_token(&reply->token->base);
	printf("%s\n", reply->secret);
	fprintf(stderr, "This is the only time the token is shown.\n");
}

static const cli_column token_columns[] = {
	{ "ID", "id", NULL },
	{ "ROLE", "role", NULL },
	{ "ORGANISATION", "organisation", NULL },
	{ "NAME", "name", NULL },
	{ "CREATED BY", "created_by", NULL },
};

static void print_tokens(const ProtobufCMessage *message)
{
	const Chc__V1__ListTokensResponse *reply = (const void *)message;
	cli_print_records(token_columns, CLI_COUNT(token_columns),
	                  (const ProtobufCMessage *const *)reply->tokens, reply->n_tokens, NULL, 0);
	cli_print_page(reply->n_tokens, reply->page, "tokens");
}

int cli_token(cli_state *cli, int argc, char **argv)
{
	static const char *const flags[] = { "all", "json", "help", NULL };
	static const char *const known[] = {
		"role", "organisation", "name",      "expires-days", "all",
		"json", "help",         "page-size", "page-token",   NULL
	};
	cli_arguments arguments;
	if (!cli_parse(argc, argv, flags, &arguments) || !cli_reject_unknown(&arguments, known))
		return CLI_EXIT_USAGE;
	cli->json = cli->json || cli_has_option(&arguments, "json");
	const char *verb = arguments.positional_count > 0 ? arguments.positionals[0] : "";
	json_t *request = json_object();
	int code = -1;
	long long days = 0;
	const char *role = cli_option_value(&arguments, "role");
	if (cli_has_option(&arguments, "help")) {
		code = -1;
	} else if (strcmp(verb, "create") == 0 && role != NULL && arguments.positional_count == 1) {
		if (!cli_option_int(&arguments, "expires-days", &days)) {
			code = CLI_EXIT_USAGE;
		} else {
			const char *organisation = cli_option_value(&arguments, "organisation");
			const char *name = cli_option_value(&arguments, "name");
			json_object_set_new(request, "role", json_string(role));
			json_object_set_new(request, "organisation",
			                    json_string(organisation ? organisation : ""));
			json_object_set_new(request, "name", json_string(name ? name : ""));
			json_object_set_new(request, "expires_in_days", json_integer(days));
			code = cli_call_json(cli, service, "CreateToken", request, print_created);
		}
	} else if (strcmp(verb, "list") == 0 && arguments.positional_count == 1) {
		json_object_set_new(request, "include_revoked",
		                    json_boolean(cli_has_option(&arguments, "all")));
		json_object_set_new(request, "page", cli_page_json(&arguments));
		code = cli_call_json(cli, service, "ListTokens", request, print_tokens);
	} else if (strcmp(verb, "revoke") == 0 && arguments.positional_count == 2) {
		json_object_set_new(request, "id", json_string(arguments.positionals[1]));
		code = cli_call_json(cli, service, "RevokeToken", request, print_token);
	}
	json_decref(request);
	if (code >= 0)
		return code;
	FILE *out = cli_has_option(&arguments, "help") ? stdout : stderr;
	fputs(usage_text, out);
	return out == stdout ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}
