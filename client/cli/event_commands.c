/*
 * event_commands.c - chc event list|watch: a service's domain events (need
 * expired, solution expired, companies merged ...), from its stored history
 * (chc.v1.Events/ListEvents) or live from its PUB socket.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "chc/events.h"
#include "chc/v1/events.pb-c.h"
#include "cli.h"

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: chc event list --service NAME [--after SEQ] [--limit N] [--type PREFIX]\n"
	        "       chc event watch --service NAME [--type PREFIX] [--url ADDRESS]\n\n"
	        "NAME is companies, municipalities, projects or matching. list reads the\n"
	        "stored events after SEQ (a subscriber's catch-up); watch prints each new\n"
	        "event as a JSON line until interrupted (default address: the service's\n"
	        "CHC_EVENTS_LISTEN default, tcp://127.0.0.1:7111 to 7114).\n");
}

static void print_events(const ProtobufCMessage *message)
{
	const Chc__V1__ListEventsResponse *reply = (const void *)message;
	static const char *const headers[] = { "SEQ", "TYPE", "SUBJECT", "AUDIENCE", "DETAILS" };
	cli_table table;
	cli_table_init(&table, 5, headers);
	for (size_t i = 0; i < reply->n_events; i++) {
		const Chc__V1__Event *event = reply->events[i];
		char seq[24], audience[160] = "";
		snprintf(seq, sizeof(seq), "%lld", (long long)event->seq);
		for (size_t a = 0; a < event->n_audience; a++)
			snprintf(audience + strlen(audience), sizeof(audience) - strlen(audience),
			         "%s%s", a > 0 ? " " : "", event->audience[a]);
		cli_table_add(&table, seq, event->type, event->subject_id, audience,
		              event->payload_json);
	}
	cli_table_print(&table, stdout);
	cli_table_fini(&table);
	printf("%zu events; the service's newest is %lld\n", reply->n_events,
	       (long long)reply->last_seq);
}

static int list_events(cli_state *cli, const cli_arguments *arguments, chc_endpoint endpoint)
{
	long long after = 0, limit = 0;
	if (!cli_option_int(arguments, "after", &after) ||
	    !cli_option_int(arguments, "limit", &limit))
		return CLI_EXIT_USAGE;
	Chc__V1__ListEventsRequest request = CHC__V1__LIST_EVENTS_REQUEST__INIT;
	request.after_seq = after;
	request.limit = (int32_t)limit;
	const char *type = cli_option_value(arguments, "type");
	request.type_prefix = (char *)(type != NULL ? type : "");
	chc_call_options options = { .timeout_ms = cli->timeout_ms, .token = cli->token };
	ProtobufCMessage *reply = NULL;
	chc_error error = { 0 };
	chc_status status =
	        chc_client_call_at(cli->client, endpoint, &chc__v1__events__descriptor,
	                           "ListEvents", &request.base, &options, &reply, &error);
	int code = CLI_EXIT_OK;
	if (status != CHC_OK)
		code = cli_report("ListEvents", status, &error);
	else if (cli->json)
		cli_print_json(reply);
	else
		print_events(reply);
	if (reply != NULL)
		protobuf_c_message_free_unpacked(reply, NULL);
	chc_error_fini(&error);
	return code;
}

/* Prints one event as a JSON line. */
static void print_event(const Chc__V1__Event *event)
{
	json_t *json = NULL;
	if (chc_json_from_message(&event->base, 0, &json, NULL) == CHC_OK) {
		json_dumpf(json, stdout, JSON_COMPACT);
		fputc('\n', stdout);
		fflush(stdout);
		json_decref(json);
	}
}

static volatile sig_atomic_t interrupted;

static void stop_watching(int signal_number)
{
	(void)signal_number;
	interrupted = 1;
}

static int watch_events(cli_state *cli, const cli_arguments *arguments, chc_endpoint endpoint)
{
	const char *url = cli_option_value(arguments, "url");
	if (url == NULL)
		url = chc_endpoint_describe(endpoint)->default_events;
	const char *type = cli_option_value(arguments, "type");
	chc_subscription *subscription = NULL;
	chc_error error = { 0 };
	chc_status status = chc_events_subscribe(cli->client, url, type, &subscription, &error);
	if (status != CHC_OK) {
		int code = cli_report("watching", status, &error);
		chc_error_fini(&error);
		return code;
	}
	signal(SIGINT, stop_watching);
	signal(SIGTERM, stop_watching);
	fprintf(stderr, "watching %s (Ctrl-C stops)\n", url);
	while (!interrupted) {
		Chc__V1__Event *event = NULL;
		status = chc_events_next(subscription, 200, &event, &error);
		if (status == CHC_OK) {
			print_event(event);
			chc__v1__event__free_unpacked(event, NULL);
		} else if (status != CHC_DEADLINE_EXCEEDED) {
			break;
		}
	}
	chc_events_unsubscribe(subscription);
	chc_error_fini(&error);
	return CLI_EXIT_OK;
}

int cli_event(cli_state *cli, int argc, char **argv)
{
	cli_arguments arguments;
	static const char *const known[] = { "service", "after", "limit", "type", "url", NULL };
	if (!cli_parse(argc, argv, NULL, &arguments) || !cli_reject_unknown(&arguments, known))
		return CLI_EXIT_USAGE;
	cli->json = cli->json || cli_has_option(&arguments, "json");
	if (cli_has_option(&arguments, "help")) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	const char *verb = arguments.positional_count > 0 ? arguments.positionals[0] : "";
	const char *service = cli_option_value(&arguments, "service");
	int endpoint = chc_endpoint_by_name(service);
	if (endpoint < 0 || arguments.positional_count != 1) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(verb, "list") == 0)
		return list_events(cli, &arguments, (chc_endpoint)endpoint);
	if (strcmp(verb, "watch") == 0)
		return watch_events(cli, &arguments, (chc_endpoint)endpoint);
	usage(stderr);
	return CLI_EXIT_USAGE;
}
