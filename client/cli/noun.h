/*
 * noun.h - one path for the verbs every noun shares: create, get, list,
 * search, update, the actions on one record at a version, and import. A
 * noun is a table (its service, its fields, its verbs and how to print a
 * reply); only a verb that differs is code of the noun's own.
 */
#ifndef CLI_NOUN_H
#define CLI_NOUN_H

#include "cli.h"
#include "fields.h"

typedef enum cli_verb_shape {
	CLI_VERB_CREATE, /* FIELDS: {"<wrapper>": fields} */
	CLI_VERB_GET,    /* ID: {"id": ID} */
	CLI_VERB_LIST,   /* [FILTERS]: filters (in "filter" or at the top), page */
	CLI_VERB_SEARCH, /* WORDS [FILTERS]: {"query", filters, page} */
	CLI_VERB_UPDATE, /* ID --version V FIELDS: the fields given, their mask */
	CLI_VERB_ACTION, /* ID [--version V] [--reason T]: {"id", "expected_version"} */
	CLI_VERB_PLAIN,  /* no arguments: {} */
	CLI_VERB_IMPORT, /* FILE.jsonl: a create per line */
	CLI_VERB_CUSTOM, /* the noun's own code */
} cli_verb_shape;

struct cli_noun;

/* A column of a noun's list: its header and the record's field it shows,
 * printed as the field's type says (text, number, enum slug, repeated enum
 * slugs joined); or format, for a cell no one field holds. Neither: the
 * rank of a search. */
typedef struct cli_column {
	const char *header;
	const char *field;
	void (*format)(const ProtobufCMessage *record, char *text, size_t size);
} cli_column;

typedef struct cli_verb {
	const char *name;
	cli_verb_shape shape;
	const char *method;   /* the service's method; NULL for CUSTOM */
	const char *synopsis; /* the usage line after "chc <noun> <verb> " */
	/* CUSTOM: runs the verb (request is an empty object the verb may use).
	 * Others: may add to the request before the call; false is a usage
	 * error. NULL: nothing. */
	int (*custom)(cli_state *cli, const struct cli_noun *noun, const cli_arguments *arguments,
	              json_t *request);
} cli_verb;

typedef struct cli_noun {
	const char *name;   /* "need" */
	const char *plural; /* "needs" */
	const ProtobufCServiceDescriptor *service;
	const char *wrapper;        /* the record's key in create and update: "need" */
	const char *filter_wrapper; /* "filter", or NULL when filters are top-level fields */
	const cli_field *fields;
	size_t field_count;
	const cli_field *filters;
	size_t filter_count;
	const char *const *flags;   /* options without a value, besides help and json */
	const char *const *options; /* other options its verbs take (NULL: version and
	                             * paging; give those too when listing others) */
	const cli_verb *verbs;
	size_t verb_count;
	/* How a reply reads: the record with print_record; a list or search
	 * of records (found in the reply by type) in a table of columns, or
	 * searched_columns for a search when its columns differ, or, with no
	 * columns, record after record; then the page line. print_other takes
	 * any other reply (false, or NULL: JSON). */
	const ProtobufCMessageDescriptor *record;
	void (*print_record)(const ProtobufCMessage *record);
	const cli_column *columns;
	size_t column_count;
	const cli_column *searched_columns;
	size_t searched_column_count;
	bool (*print_other)(const ProtobufCMessage *reply);
	const char *example; /* printed at the end of --help; may be NULL */
} cli_noun;

/* The nouns that are tables. */
extern const cli_noun cli_need_noun, cli_company_noun, cli_solution_noun, cli_testbed_noun,
        cli_project_noun, cli_interest_noun;

/* Parses the command line and runs the verb it names; --help and a wrong
 * line print the usage made from the table. Returns the exit status. */
int cli_run_noun(cli_state *cli, const cli_noun *noun, int argc, char **argv);

/* The usage of noun, from its table. */
void cli_noun_usage(const cli_noun *noun, FILE *out);

/* Calls method of the noun's service with request and prints the reply as
 * the noun's table says (JSON with --json). Returns the exit status. */
int cli_noun_call(cli_state *cli, const cli_noun *noun, const char *method, json_t *request);

/* A table of records, a column each; rank_count ranks fill the rank
 * column. */
void cli_print_records(const cli_column *columns, size_t column_count,
                       const ProtobufCMessage *const *records, size_t count, const float *ranks,
                       size_t rank_count);

/* The id after the verb, or NULL. */
const char *cli_noun_id(const cli_arguments *arguments);

#endif /* CLI_NOUN_H */
