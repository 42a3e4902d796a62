/*
 * fields.h - command-line options that fill a message's fields, so that
 * create and update share one table per noun and the JSON converter does
 * the typing (enum slugs, numbers) once.
 */
#ifndef CLI_FIELDS_H
#define CLI_FIELDS_H

#include "cli.h"

typedef enum cli_field_kind {
	FIELD_TEXT,
	FIELD_INT,
	FIELD_BOOL,      /* --flag true|false */
	FIELD_TEXT_LIST, /* repeatable */
	FIELD_OWNERS,    /* repeatable: a municipality (101) or region (1084) code */
	FIELD_CRITERIA,  /* repeatable: criterion=weight */
} cli_field_kind;

typedef struct cli_field {
	const char *flag; /* option name without dashes */
	const char *path; /* field path in the message, "budget.min_dkk" */
	cli_field_kind kind;
	const char *help;
	const ProtobufCEnumDescriptor *values; /* an enum's: its slugs are listed in --help */
} cli_field;

/* Fills object from the options in fields; mask receives the top-level
 * field names given (for update masks). Returns false and prints why when a
 * value does not parse. */
bool cli_fields_to_json(const cli_arguments *arguments, const cli_field *fields, size_t field_count,
                        json_t *object, json_t *mask);

/* The party in --option KIND:VALUE (company:ID, municipality:101,
 * region:1084, test_bed:ID, hospital:NAME, knowledge_institution:NAME) as a
 * chc.v1.Party JSON object; NULL, with a message, when the option is missing
 * or does not parse. */
json_t *cli_party_json(const cli_arguments *arguments, const char *option);

/* Prints "  --flag VALUE   help" for each field. */
void cli_fields_help(FILE *out, const cli_field *fields, size_t field_count);

/* The option names of fields followed by extra (NULL-terminated), in a
 * static array, for cli_reject_unknown. */
const char *const *cli_fields_names(const cli_field *fields, size_t field_count,
                                    const char *const *extra);

/* Reads JSON lines from path and calls create for each object with
 * context; prints one line per failing line. Returns the number of failures
 * (negative when the file cannot be read). */
typedef int (*cli_line_importer)(cli_state *cli, json_t *object, int line, void *context);
int cli_import_lines(const char *path, cli_line_importer create, cli_state *cli, void *context,
                     int *imported);

#endif /* CLI_FIELDS_H */
