/*
 * cli.h - what the chc command's parts share: the parsed command line, the
 * client, output in tables or JSON, and exit statuses that tell the kind of
 * failure.
 */
#ifndef CLI_H
#define CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "chc/client.h"
#include "chc/json.h"
#include "chc/status.h"

/* Exit statuses: scripts branch on the kind of failure. */
enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAILURE = 1, /* internal or unexpected */
	CLI_EXIT_USAGE = 2,   /* the command line is wrong */
	CLI_EXIT_INVALID = 3, /* the service refused a field (INVALID_ARGUMENT) */
	CLI_EXIT_NOT_FOUND = 4,
	CLI_EXIT_CONFLICT = 5,    /* ALREADY_EXISTS, ABORTED, FAILED_PRECONDITION */
	CLI_EXIT_DENIED = 6,      /* UNAUTHENTICATED, PERMISSION_DENIED */
	CLI_EXIT_UNAVAILABLE = 7, /* UNAVAILABLE, DEADLINE_EXCEEDED */
};

/* The number of entries of a table the compiler sees whole. */
#define CLI_COUNT(table) (sizeof(table) / sizeof((table)[0]))

#define CLI_MAX_OPTIONS     64
#define CLI_MAX_POSITIONALS 8

typedef struct cli_option {
	const char *name;  /* without the leading dashes */
	const char *value; /* NULL for a flag */
} cli_option;

typedef struct cli_arguments {
	cli_option options[CLI_MAX_OPTIONS];
	int option_count;
	const char *positionals[CLI_MAX_POSITIONALS];
	int positional_count;
} cli_arguments;

typedef struct cli_state {
	chc_client *client;
	bool json;
	int timeout_ms;
	const char *token; /* from --token-file, CHC_TOKEN or $CHC_HOME/admin.token */
} cli_state;

/* Parses "--name value", "--name=value" and the flags named in flags (a
 * NULL-terminated list, which always includes help, json). Returns false
 * and prints why on a malformed line. */
bool cli_parse(int argc, char **argv, const char *const *flags, cli_arguments *arguments);

/* The value of option name (the last one given), or NULL. */
const char *cli_option_value(const cli_arguments *arguments, const char *name);
bool cli_has_option(const cli_arguments *arguments, const char *name);

/* Sets key of request to the option's text when the line gives the option;
 * leaves the key out otherwise, so that the service's default holds. */
void cli_copy_option(const cli_arguments *arguments, const char *option, json_t *request,
                     const char *key);

/* Reads an integer option; false (with a message) when it does not parse. */
bool cli_option_int(const cli_arguments *arguments, const char *name, long long *value);

/* Fails with a usage message for an option the command does not know. */
bool cli_reject_unknown(const cli_arguments *arguments, const char *const *known);

/* Exit status for a call's status. */
int cli_exit_for(chc_status status);

/* Prints error (message and violations) to stderr; returns its exit status. */
int cli_report(const char *what, chc_status status, const chc_error *error);

/* Calls method of service with a request message; on success prints
 * nothing and returns the reply (caller frees). */
chc_status cli_call(cli_state *cli, const ProtobufCServiceDescriptor *service, const char *method,
                    const ProtobufCMessage *input, ProtobufCMessage **output, chc_error *error);

/* Converts request to the method's input and calls it; failures are
 * reported. The reply is the caller's to free. Returns the exit status. */
int cli_call_message(cli_state *cli, const ProtobufCServiceDescriptor *service, const char *method,
                     json_t *request, ProtobufCMessage **reply);

/*
 * Converts request to the method's input, calls it, and prints the reply:
 * JSON with --json, else with print (NULL: print nothing). Returns the exit
 * status.
 */
int cli_call_json(cli_state *cli, const ProtobufCServiceDescriptor *service, const char *method,
                  json_t *request, void (*print)(const ProtobufCMessage *reply));

/* Calls method of a service every process answers (audit, person data) at
 * each of the four services, replies in the order of the endpoints (the
 * caller frees them, also after a failure); the first failure is reported
 * naming its service. Returns the exit status. */
int cli_call_every_service(cli_state *cli, const ProtobufCServiceDescriptor *service,
                           const char *method, const ProtobufCMessage *request,
                           ProtobufCMessage *replies[CHC_ENDPOINT_COUNT]);

/* cli_call_json that hands the reply back as JSON (*reply, caller owns)
 * instead of printing it. */
int cli_call_json_reply(cli_state *cli, const ProtobufCServiceDescriptor *service,
                        const char *method, json_t *request, json_t **reply);

/* {"page_size": N, "page_token": T, "want_total": true} from --page-size
 * and --page-token: the total is asked for, since cli_print_page shows it. */
json_t *cli_page_json(const cli_arguments *arguments);

/* "3 of 80 needs; next page: --page-token AQx..." */
struct Chc__V1__PageInfo;
void cli_print_page(size_t shown, const struct Chc__V1__PageInfo *page, const char *noun);

/* Prints a message as pretty JSON on stdout. */
void cli_print_json(const ProtobufCMessage *message);

/* A table: add headers, then rows; printed with aligned columns. */
#define CLI_TABLE_COLUMNS 10
typedef struct cli_table {
	int columns;
	const char *headers[CLI_TABLE_COLUMNS];
	char **cells; /* rows * columns, owned */
	int rows;
	int capacity;
} cli_table;

void cli_table_init(cli_table *table, int columns, const char *const *headers);
void cli_table_add(cli_table *table, ...); /* columns strings, copied */
void cli_table_print(const cli_table *table, FILE *out);
void cli_table_fini(cli_table *table);

/* The slug of an enum value, in a static buffer of the caller. */
const char *cli_slug(const ProtobufCEnumDescriptor *descriptor, int value, char buffer[64]);

/* The slugs of values joined by commas, in text (cut to size). */
const char *cli_slugs(const ProtobufCEnumDescriptor *descriptor, const int *values, size_t count,
                      char *text, size_t size);

/* Nouns */
int cli_health(cli_state *cli, int argc, char **argv);
int cli_call_command(cli_state *cli, int argc, char **argv);
int cli_region(cli_state *cli, int argc, char **argv);
int cli_municipality(cli_state *cli, int argc, char **argv);
int cli_event(cli_state *cli, int argc, char **argv);
int cli_match(cli_state *cli, int argc, char **argv);
int cli_job(cli_state *cli, int argc, char **argv);
int cli_feedback(cli_state *cli, int argc, char **argv);
int cli_token(cli_state *cli, int argc, char **argv);
int cli_audit(cli_state *cli, int argc, char **argv);
int cli_person(cli_state *cli, int argc, char **argv);

/* company_import.c: chc company import FILE.csv */
int cli_company_import_csv(cli_state *cli, const char *path, bool dry_run);

#endif /* CLI_H */
