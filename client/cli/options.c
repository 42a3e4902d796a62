/*
 * options.c - a small command-line parser: positionals, "--name value",
 * "--name=value" and flags.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static bool is_flag(const char *name, const char *const *flags)
{
	if (strcmp(name, "help") == 0 || strcmp(name, "json") == 0)
		return true;
	for (int i = 0; flags != NULL && flags[i] != NULL; i++)
		if (strcmp(flags[i], name) == 0)
			return true;
	return false;
}

bool cli_parse(int argc, char **argv, const char *const *flags, cli_arguments *arguments)
{
	memset(arguments, 0, sizeof(*arguments));
	bool only_positionals = false;
	for (int i = 0; i < argc; i++) {
		const char *word = argv[i];
		/* "--" ends the options, as everywhere: what follows is taken as
		 * it is, even "--json" or a search for "-h". */
		if (!only_positionals && strcmp(word, "--") == 0) {
			only_positionals = true;
			continue;
		}
		if (!only_positionals && strcmp(word, "-h") == 0)
			word = "--help";
		if (only_positionals || strncmp(word, "--", 2) != 0 || word[2] == '\0') {
			if (arguments->positional_count == CLI_MAX_POSITIONALS) {
				fprintf(stderr, "chc: too many arguments at \"%s\"\n", word);
				return false;
			}
			arguments->positionals[arguments->positional_count++] = word;
			continue;
		}
		if (arguments->option_count == CLI_MAX_OPTIONS) {
			fprintf(stderr, "chc: too many options\n");
			return false;
		}
		cli_option *option = &arguments->options[arguments->option_count++];
		char *equals = strchr(word + 2, '=');
		if (equals != NULL) {
			*equals = '\0'; /* argv is ours to cut */
			option->name = word + 2;
			option->value = equals + 1;
		} else if (is_flag(word + 2, flags)) {
			option->name = word + 2;
		} else if (i + 1 < argc) {
			option->name = word + 2;
			option->value = argv[++i];
		} else {
			fprintf(stderr, "chc: %s needs a value\n", word);
			return false;
		}
	}
	return true;
}

const char *cli_option_value(const cli_arguments *arguments, const char *name)
{
	const char *value = NULL;
	for (int i = 0; i < arguments->option_count; i++)
		if (strcmp(arguments->options[i].name, name) == 0)
			value = arguments->options[i].value;
	return value;
}

bool cli_has_option(const cli_arguments *arguments, const char *name)
{
	for (int i = 0; i < arguments->option_count; i++)
		if (strcmp(arguments->options[i].name, name) == 0)
			return true;
	return false;
}

bool cli_option_int(const cli_arguments *arguments, const char *name, long long *value)
{
	const char *text = cli_option_value(arguments, name);
	if (text == NULL)
		return true;
	char *end = NULL;
	errno = 0;
	long long parsed = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0') {
		fprintf(stderr, "chc: --%s must be a whole number, not \"%s\"\n", name, text);
		return false;
	}
	*value = parsed;
	return true;
}

bool cli_reject_unknown(const cli_arguments *arguments, const char *const *known)
{
	for (int i = 0; i < arguments->option_count; i++) {
		const char *name = arguments->options[i].name;
		bool found = strcmp(name, "help") == 0 || strcmp(name, "json") == 0;
		for (int k = 0; !found && known != NULL && known[k] != NULL; k++)
			found = strcmp(known[k], name) == 0;
		if (!found) {
			fprintf(stderr, "chc: unknown option --%s (try --help)\n", name);
			return false;
		}
	}
	return true;
}

void cli_copy_option(const cli_arguments *arguments, const char *option, json_t *request,
                     const char *key)
{
	const char *value = cli_option_value(arguments, option);
	if (value != NULL)
		json_object_set_new(request, key, json_string(value));
}
