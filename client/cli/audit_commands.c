/*
 * audit_commands.c - chc audit list: the writes of all four services, who
 * made them and which fields they set, oldest first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chc/v1/audit.pb-c.h"
#include "cli.h"

static const char usage_text[] =
        "Usage: chc audit list [--record ID] [--actor PRINCIPAL] [--since YYYY-MM-DD]\n"
        "                      [--page-size N]\n\n"
        "  Every write of every service: when, which service, who (the token:<id> of\n"
        "  chc token list) and with which role, the method, the record and the names\n"
        "  of the fields it set (never their values). --page-size is per service\n"
        "  (default 50). Needs the secretariat or admin role.\n";

typedef struct audit_row {
	const char *service;
	const Chc__V1__AuditRecord *record;
} audit_row;

static int by_time(const void *left, const void *right)
{
	const audit_row *a = left;
	const audit_row *b = right;
	if (a->record->at_unix_ms != b->record->at_unix_ms)
		return a->record->at_unix_ms < b->record->at_unix_ms ? -1 : 1;
	return strcmp(a->service, b->service);
}

/* --since as a date: midnight UTC of that day, in milliseconds. */
static bool since_of(const char *text, int64_t *since)
{
	struct tm day = { 0 };
	char *end = strptime(text, "%Y-%m-%d", &day);
	if (end == NULL || *end != '\0') {
		fprintf(stderr, "chc: --since takes a date YYYY-MM-DD\n");
		return false;
	}
	*since = (int64_t)timegm(&day) * 1000;
	return true;
}

static void print_rows(const audit_row *rows, size_t count)
{
	static const char *const headers[] = { "AT (UTC)", "SERVICE", "ACTOR", "ROLE",
		                               "METHOD",   "RECORD",  "FIELDS" };
	cli_table table;
	cli_table_init(&table, 7, headers);
	for (size_t i = 0; i < count; i++) {
		const Chc__V1__AuditRecord *record = rows[i].record;
		time_t seconds = (time_t)(record->at_unix_ms / 1000);
		struct tm at;
		char when[32], fields[512] = "";
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", gmtime_r(&seconds, &at));
		for (size_t k = 0; k < record->n_fields; k++) {
			size_t used = strlen(fields);
			snprintf(fields + used, sizeof(fields) - used, "%s%s", k ? "," : "",
			         record->fields[k]);
		}
		const char *method = strrchr(record->method, '/');
		cli_table_add(&table, when, rows[i].service, record->actor, record->role,
		              method ? method + 1 : record->method, record->record, fields);
	}
	cli_table_print(&table, stdout);
	cli_table_fini(&table);
	printf("%zu writes\n", count);
}

int cli_audit(cli_state *cli, int argc, char **argv)
{
	static const char *const flags[] = { "json", "help", NULL };
	static const char *const known[] = { "record", "actor", "since", "page-size",
		                             "json",   "help",  NULL };
	cli_arguments arguments;
	if (!cli_parse(argc, argv, flags, &arguments) || !cli_reject_unknown(&arguments, known))
		return CLI_EXIT_USAGE;
	cli->json = cli->json || cli_has_option(&arguments, "json");
	bool listing = arguments.positional_count == 1 &&
	               strcmp(arguments.positionals[0], "list") == 0 &&
	               !cli_has_option(&arguments, "help");
	if (!listing) {
		FILE *out = cli_has_option(&arguments, "help") ? stdout : stderr;
		fputs(usage_text, out);
		return out == stdout ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	long long size = 50;
	Chc__V1__ListAuditRequest request = CHC__V1__LIST_AUDIT_REQUEST__INIT;
	Chc__V1__PageRequest page = CHC__V1__PAGE_REQUEST__INIT;
	const char *record = cli_option_value(&arguments, "record");
	const char *actor = cli_option_value(&arguments, "actor");
	const char *since = cli_option_value(&arguments, "since");
	if (!cli_option_int(&arguments, "page-size", &size) ||
	    (since != NULL && !since_of(since, &request.since_unix_ms)))
		return CLI_EXIT_USAGE;
	request.record = (char *)(record ? record : "");
	request.actor = (char *)(actor ? actor : "");
	page.page_size = (int32_t)size;
	request.page = &page;
	/* One call to each service: each keeps the audit of its own writes. */
	ProtobufCMessage *replies[CHC_ENDPOINT_COUNT] = { NULL };
	audit_row *rows = NULL;
	size_t count = 0;
	int code = cli_call_every_service(cli, &chc__v1__audit_service__descriptor, "ListAudit",
	                                  &request.base, replies);
	for (int endpoint = 0; endpoint < CHC_ENDPOINT_COUNT && code == CLI_EXIT_OK; endpoint++) {
		const Chc__V1__ListAuditResponse *reply = (const void *)replies[endpoint];
		audit_row *grown = realloc(rows, (count + reply->n_records + 1) * sizeof(*rows));
		if (grown == NULL) {
			code = CLI_EXIT_FAILURE;
			break;
		}
		rows = grown;
		for (size_t i = 0; i < reply->n_records; i++)
			rows[count++] = (audit_row){ chc_endpoint_describe(endpoint)->name,
				                     reply->records[i] };
	}
	if (code == CLI_EXIT_OK) {
		qsort(rows, count, sizeof(*rows), by_time);
		if (cli->json) {
			/* One document: each service's page under its name. */
			json_t *all = json_object();
			for (int endpoint = 0; endpoint < CHC_ENDPOINT_COUNT; endpoint++) {
				json_t *reply = NULL;
				if (chc_json_from_message(replies[endpoint], 0, &reply, NULL) ==
				    CHC_OK)
					json_object_set_new(
					        all, chc_endpoint_describe(endpoint)->name, reply);
			}
			json_dumpf(all, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			fputc('\n', stdout);
			json_decref(all);
		} else {
			print_rows(rows, count);
		}
	}
	free(rows);
	for (int endpoint = 0; endpoint < CHC_ENDPOINT_COUNT; endpoint++)
		if (replies[endpoint] != NULL)
			protobuf_c_message_free_unpacked(replies[endpoint], NULL);
	return code;
}
