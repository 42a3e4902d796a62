/*
 * municipality_commands.c - chc region and chc municipality.
 */
#include <stdlib.h>
#include <string.h>

#include "chc/v1/municipalities.pb-c.h"
#include "cli.h"

static const ProtobufCServiceDescriptor *const service = &chc__v1__municipality_service__descriptor;

static int finish(cli_state *cli, const char *what, chc_status status, chc_error *error,
                  ProtobufCMessage *reply, void (*print)(const ProtobufCMessage *reply))
{
	int code = CLI_EXIT_OK;
	if (status != CHC_OK)
		code = cli_report(what, status, error);
	else if (cli->json)
		cli_print_json(reply);
	else
		print(reply);
	if (reply != NULL)
		protobuf_c_message_free_unpacked(reply, NULL);
	chc_error_fini(error);
	return code;
}

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

int cli_region(cli_state *cli, int argc, char **argv)
{
	cli_arguments arguments;
	if (!cli_parse(argc, argv, NULL, &arguments) || !cli_reject_unknown(&arguments, NULL))
		return CLI_EXIT_USAGE;
	cli->json = cli->json || cli_has_option(&arguments, "json");
	const char *verb = arguments.positional_count > 0 ? arguments.positionals[0] : "";
	chc_error error = { 0 };
	ProtobufCMessage *reply = NULL;
	if (strcmp(verb, "list") == 0 && !cli_has_option(&arguments, "help")) {
		Chc__V1__ListRegionsRequest request = CHC__V1__LIST_REGIONS_REQUEST__INIT;
		chc_status status =
		        cli_call(cli, service, "ListRegions", &request.base, &reply, &error);
		return finish(cli, "ListRegions", status, &error, reply, print_regions);
	}
	if (strcmp(verb, "get") == 0 && arguments.positional_count == 2) {
		Chc__V1__GetRegionRequest request = CHC__V1__GET_REGION_REQUEST__INIT;
		request.code = atoi(arguments.positionals[1]);
		chc_status status =
		        cli_call(cli, service, "GetRegion", &request.base, &reply, &error);
		return finish(cli, "GetRegion", status, &error, reply, print_region);
	}
	FILE *out = cli_has_option(&arguments, "help") ? stdout : stderr;
	fprintf(out, "Usage: chc region list            the 5 regions with populations\n"
	             "       chc region get CODE        one region (1081 to 1085)\n");
	return out == stdout ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}

static void print_municipalities(const ProtobufCMessage *message)
{
	const Chc__V1__ListMunicipalitiesResponse *reply = (const void *)message;
	static const char *const headers[] = { "CODE", "NAME", "REGION", "POPULATION" };
	cli_table table;
	cli_table_init(&table, 4, headers);
	for (size_t i = 0; i < reply->n_municipalities; i++) {
		const Chc__V1__Municipality *m = reply->municipalities[i];
		char code[16], population[24];
		snprintf(code, sizeof(code), "%d", m->code);
		snprintf(population, sizeof(population), "%lld", (long long)m->population);
		cli_table_add(&table, code, m->name, m->region_name, population);
	}
	cli_table_print(&table, stdout);
	cli_table_fini(&table);
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

int cli_municipality(cli_state *cli, int argc, char **argv)
{
	cli_arguments arguments;
	static const char *const known[] = { "region", "name", "page-size", "page-token", NULL };
	if (!cli_parse(argc, argv, NULL, &arguments) || !cli_reject_unknown(&arguments, known))
		return CLI_EXIT_USAGE;
	cli->json = cli->json || cli_has_option(&arguments, "json");
	const char *verb = arguments.positional_count > 0 ? arguments.positionals[0] : "";
	chc_error error = { 0 };
	ProtobufCMessage *reply = NULL;
	if (strcmp(verb, "list") == 0 && !cli_has_option(&arguments, "help")) {
		Chc__V1__ListMunicipalitiesRequest request =
		        CHC__V1__LIST_MUNICIPALITIES_REQUEST__INIT;
		Chc__V1__PageRequest page = CHC__V1__PAGE_REQUEST__INIT;
		long long region = 0, size = 200;
		if (!cli_option_int(&arguments, "region", &region) ||
		    !cli_option_int(&arguments, "page-size", &size))
			return CLI_EXIT_USAGE;
		request.region_code = (int32_t)region;
		const char *name = cli_option_value(&arguments, "name");
		request.name_prefix = (char *)(name ? name : "");
		page.page_size = (int32_t)size;
		const char *token = cli_option_value(&arguments, "page-token");
		page.page_token = (char *)(token ? token : "");
		request.page = &page;
		chc_status status =
		        cli_call(cli, service, "ListMunicipalities", &request.base, &reply, &error);
		return finish(cli, "ListMunicipalities", status, &error, reply,
		              print_municipalities);
	}
	if (strcmp(verb, "get") == 0 && arguments.positional_count == 2) {
		Chc__V1__GetMunicipalityRequest request = CHC__V1__GET_MUNICIPALITY_REQUEST__INIT;
		request.code = atoi(arguments.positionals[1]);
		chc_status status =
		        cli_call(cli, service, "GetMunicipality", &request.base, &reply, &error);
		return finish(cli, "GetMunicipality", status, &error, reply, print_municipality);
	}
	FILE *out = cli_has_option(&arguments, "help") ? stdout : stderr;
	fprintf(out,
	        "Usage: chc municipality list [--region CODE] [--name PREFIX] [--page-size N]\n"
	        "                             [--page-token TOKEN]\n"
	        "       chc municipality get CODE\n");
	return out == stdout ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}
