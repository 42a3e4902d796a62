/*
 * municipality_commands.c - chc region and chc municipality.
 */
#include <stdlib.h>
#include <string.h>

#include "chc/v1/municipalities.pb-c.h"
#include "cli.h"
#include "noun.h"

static const ProtobufCServiceDescriptor *const service = &chc__v1__municipality_service__descriptor;

static void print_regions(const ProtobufCMessage *message)
{
	const Chc__V1__ListRegionsResponse *reply = (const void *)message;
	static const char *const headers[] = { "CODE", "NAME", "ENGLISH", "MUNICIPALITIES",
		                               "POPULATION" };
	cli_table table;
	cli_table_init(&table, 5, headers);
	for (size_t i = 0; i < reply->n_regions; i++) {
		const Chc__V1__Region *r = reply->regions[i];
		char code[16], count[16], population[24];
		snprintf(code, sizeof(code), "%d", r->code);
		snprintf(count, sizeof(count), "%d", r->municipality_count);
		snprintf(population, sizeof(population), "%lld", (long long)r->population);
		cli_table_add(&table, code, r->name, r->name_en, count, population);
	}
	char total[24];
	snprintf(total, sizeof(total), "%lld", (long long)reply->total_population);
	cli_table_add(&table, "", "Denmark", "", "", total);
	cli_table_print(&table, stdout);
	cli_table_fini(&table);
}

static void print_region(const ProtobufCMessage *message)
{
	const Chc__V1__Region *r = (const void *)message;
	printf("%d  %s (%s)\n  municipalities: %d\n  population: %lld (%d)\n", r->code, r->name,
	       r->name_en, r->municipality_count, (long long)r->population, r->population_year);
}

static const cli_column municipality_columns[] = {
	{ "CODE", "code", NULL },
	{ "NAME", "name", NULL },
	{ "REGION", "region_name", NULL },
	{ "POPULATION", "population", NULL },
};

static void print_municipalities(const ProtobufCMessage *message)
{
	const Chc__V1__ListMunicipalitiesResponse *reply = (const void *)message;
	cli_print_records(municipality_columns, CLI_COUNT(municipality_columns),
	                  (const ProtobufCMessage *const *)reply->municipalities,
	                  reply->n_municipalities, NULL, 0);
	printf("%lld municipalities, population %lld%s\n",
	       (long long)(reply->page ? reply->page->total_size : 0),
	       (long long)reply->total_population,
	       reply->page && reply->page->next_page_token[0] ? " (more: --page-token "
	                                                        "from --json)"
	                                                      : "");
}

static void print_municipality(const ProtobufCMessage *message)
{
	const Chc__V1__Municipality *m = (const void *)message;
	printf("%d  %s\n  region: %s (%d)\n  population: %lld (%d)\n", m->code, m->name,
	       m->region_name, m->region_code, (long long)m->population, m->population_year);
}

/* list [--region CODE] [--name PREFIX], 200 to a page unless told. */
static bool municipalities_request(const cli_arguments *arguments, json_t *request)
{
	long long region = 0, size = 200;
	if (!cli_option_int(arguments, "region", &region) ||
	    !cli_option_int(arguments, "page-size", &size))
		return false;
	const char *name = cli_option_value(arguments, "name");
	const char *token = cli_option_value(arguments, "page-token");
	json_object_set_new(request, "region_code", json_integer((int32_t)region));
	json_object_set_new(request, "name_prefix", json_string(name ? name : ""));
	json_object_set_new(request, "page",
	                    json_pack("{s:i, s:s, s:b}", "page_size", (int32_t)size, "page_token",
	                              token ? token : "", "want_total", 1));
	return true;
}

/* A region or a municipality: both are listed and got by their code. */
typedef struct coded_noun {
	const char *const *options;
	const char *list_method;
	bool (*list_request)(const cli_arguments *arguments, json_t *request); /* NULL: {} */
	void (*print_list)(const ProtobufCMessage *reply);
	const char *get_method;
	void (*print_one)(const ProtobufCMessage *reply);
	const char *usage;
} coded_noun;

static int run_coded(cli_state *cli, const coded_noun *noun, int argc, char **argv)
{
	cli_arguments arguments;
	if (!cli_parse(argc, argv, NULL, &arguments) ||
	    !cli_reject_unknown(&arguments, noun->options))
		return CLI_EXIT_USAGE;
	cli->json = cli->json || cli_has_option(&arguments, "json");
	const char *verb = arguments.positional_count > 0 ? arguments.positionals[0] : "";
	json_t *request = json_object();
	int code = -1;
	if (strcmp(verb, "list") == 0 && !cli_has_option(&arguments, "help")) {
		code = noun->list_request == NULL || noun->list_request(&arguments, request)
		               ? cli_call_json(cli, service, noun->list_method, request,
		                               noun->print_list)
		               : CLI_EXIT_USAGE;
	} else if (strcmp(verb, "get") == 0 && arguments.positional_count == 2) {
		json_object_set_new(request, "code", json_integer(atoi(arguments.positionals[1])));
		code = cli_call_json(cli, service, noun->get_method, request, noun->print_one);
	}
	json_decref(request);
	if (code >= 0)
		return code;
	FILE *out = cli_has_option(&arguments, "help") ? stdout : stderr;
	fputs(noun->usage, out);
	return out == stdout ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}

int cli_region(cli_state *cli, int argc, char **argv)
{
	static const coded_noun region = {
		.list_method = "ListRegions",
		.print_list = print_regions,
		.get_method = "GetRegion",
		.print_one = print_region,
		.usage = "Usage: chc region list            the 5 regions with populations\n"
		         "       chc region get CODE        one region (1081 to 1085)\n",
	};
	return run_coded(cli, &region, argc, argv);
}

int cli_municipality(cli_state *cli, int argc, char **argv)
{
	static const char *const options[] = { "region", "name", "page-size", "page-token", NULL };
	static const coded_noun municipality = {
		.options = options,
		.list_method = "ListMunicipalities",
		.list_request = municipalities_request,
		.print_list = print_municipalities,
		.get_method = "GetMunicipality",
		.print_one = print_municipality,
		.usage =
		        "Usage: chc municipality list [--region CODE] [--name PREFIX] [--page-size "
		        "N]\n"
		        "                             [--page-token TOKEN]\n"
		        "       chc municipality get CODE\n",
	};
	return run_coded(cli, &municipality, argc, argv);
}
