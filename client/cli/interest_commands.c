/*
 * interest_commands.c - chc interest create|from-job|get|list|accept|
 * decline|withdraw: expressions of interest with mutual opt-in. A side is
 * written KIND:VALUE: company:<id>, municipality:101, region:1084,
 * test_bed:<id>.
 */
#include <stdlib.h>
#include <string.h>

#include "chc/v1/projects.pb-c.h"
#include "cli.h"
#include "fields.h"
#include "noun.h"

static void print_interest(const ProtobufCMessage *record)
{
	const Chc__V1__Interest *interest = (const Chc__V1__Interest *)record;
	char state[64];
	printf("%s  %s\n", interest->id,
	       cli_slug(&chc__v1__interest_state__descriptor, interest->state, state));
	printf("  from:     %s\n", interest->sender ? interest->sender->name : "(anonymous)");
	printf("  to:       %s\n", interest->receiver ? interest->receiver->name : "");
	if (interest->test_bed_id[0] != '\0')
		printf("  test bed: %s   solution: %s\n", interest->test_bed_id,
		       interest->solution_id);
	else
		printf("  need:     %s   solution: %s\n", interest->need_id, interest->solution_id);
	if (interest->card != NULL)
		printf("  card:     %s, TRL %d, %zu categories, %zu standards\n",
		       interest->card->summary, interest->card->trl, interest->card->n_categories,
		       interest->card->n_standards);
	if (interest->message[0] != '\0')
		printf("  message:  %s\n", interest->message);
	if (interest->decline_reason[0] != '\0')
		printf("  declined: %s\n", interest->decline_reason);
	if (interest->project_id[0] != '\0')
		printf("  project:  %s\n", interest->project_id);
	printf("  version:  %lld\n", (long long)interest->version);
}

/* Adds the party of option to request under key; false on a bad value. */
static bool add_party(const cli_arguments *arguments, const char *option, json_t *request,
                      const char *key)
{
	if (!cli_has_option(arguments, option))
		return true;
	json_t *party = cli_party_json(arguments, option);
	if (party == NULL)
		return false;
	json_object_set_new(request, key, party);
	return true;
}

static int create(cli_state *cli, const cli_noun *noun, const cli_arguments *arguments,
                  json_t *request)
{
	json_t *interest = json_object();
	json_object_set_new(request, "interest", interest);
	const char *need = cli_option_value(arguments, "need");
	const char *solution = cli_option_value(arguments, "solution");
	const char *message = cli_option_value(arguments, "message");
	json_object_set_new(interest, "need_id", json_string(need ? need : ""));
	json_object_set_new(interest, "solution_id", json_string(solution ? solution : ""));
	json_object_set_new(interest, "message", json_string(message ? message : ""));
	if (!add_party(arguments, "as", interest, "sender"))
		return CLI_EXIT_USAGE;
	const char *job = cli_option_value(arguments, "from-job");
	if (job == NULL)
		return cli_noun_call(cli, noun, "CreateInterest", request);
	json_t *from_job = json_pack("{s:s, s:s, s:s, s:s}", "job_id", job, "need_id",
	                             need ? need : "", "solution_id", solution ? solution : "",
	                             "message", message ? message : "");
	json_t *sender = json_object_get(interest, "sender");
	if (sender != NULL)
		json_object_set(from_job, "sender", sender);
	int code = cli_noun_call(cli, noun, "CreateInterestFromJob", from_job);
	json_decref(from_job);
	return code;
}

/* get, accept, decline, withdraw: ID [--as KIND:VALUE] [--version V]. */
static int with_side(cli_state *cli, const cli_noun *noun, const cli_arguments *arguments,
                     json_t *request)
{
	(void)cli;
	(void)noun;
	cli_copy_option(arguments, "reason", request, "reason");
	return add_party(arguments, "as", request, "as") ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}

static int list(cli_state *cli, const cli_noun *noun, const cli_arguments *arguments,
                json_t *request)
{
	cli_copy_option(arguments, "state", request, "state");
	if (!add_party(arguments, "as", request, "party"))
		return CLI_EXIT_USAGE;
	json_object_set_new(request, "page", cli_page_json(arguments));
	return cli_noun_call(cli, noun, "ListInterests", request);
}

static const cli_verb verbs[] = {
	{ "create", CLI_VERB_CUSTOM, NULL,
	  "--as KIND:VALUE --need ID --solution ID [--message TEXT] [--from-job JOB]\n"
	  "                                       a test bed: --as test_bed:ID --solution ID",
	  create },
	{ "get", CLI_VERB_GET, "GetInterest",
	  "ID [--as KIND:VALUE]   the card, unless both accepted", with_side },
	{ "list", CLI_VERB_CUSTOM, NULL, "[--as KIND:VALUE] [--state S]", list },
	{ "accept", CLI_VERB_ACTION, "AcceptInterest",
	  "ID --version V --as KIND:VALUE   the receiver; opens a project", with_side },
	{ "decline", CLI_VERB_ACTION, "DeclineInterest",
	  "ID --version V --as KIND:VALUE --reason TEXT   \"not a match\" for matching",
	  with_side },
	{ "withdraw", CLI_VERB_ACTION, "WithdrawInterest", "ID --version V --as KIND:VALUE",
	  with_side },
};

static const char *const options[] = { "as",        "need",       "solution", "message",
	                               "from-job",  "state",      "reason",   "version",
	                               "page-size", "page-token", NULL };

const cli_noun cli_interest_noun = {
	.name = "interest",
	.plural = "interests",
	.service = &chc__v1__project_service__descriptor,
	.options = options,
	.verbs = verbs,
	.verb_count = CLI_COUNT(verbs),
	.record = &chc__v1__interest__descriptor,
	.print_record = print_interest,
	.example = "  chc interest create --as company:ID --need NEED --solution SOLUTION "
	           "--message \"Vi kan hjælpe\"\n"
	           "  chc interest get ID --as municipality:101      (no sender before both "
	           "accept)\n"
	           "  chc interest accept ID --version 1 --as municipality:101\n",
};
