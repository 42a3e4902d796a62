/*
 * matching_client.c - the one libchc client through which the matching
 * service reads the other services (it never reads their schemas), and the
 * municipality reference data that test beds are checked against: the 98
 * codes do not change, so they are fetched once, in one paged List call,
 * and kept for the life of the process.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "chc/client.h"
#include "chc/v1/municipalities.pb-c.h"
#include "matching.h"

static chc_client *client;
static pthread_mutex_t reference_lock = PTHREAD_MUTEX_INITIALIZER;
static int region_of_municipality[1000]; /* 0: not a municipality */
static bool reference_loaded;

chc_status matching_client_start(const core_config *config, chc_error *error)
{
	chc_client_options options;
	chc_client_options_init(&options);
	options.token = config->token;
	options.timeout_ms = 10000;
	return chc_client_create(&options, &client, error);
}

void matching_client_stop(void)
{
	chc_client_destroy(client);
	client = NULL;
}

chc_client *matching_client(void)
{
	return client;
}

static chc_status load_reference(chc_error *error)
{
	Chc__V1__PageRequest page = CHC__V1__PAGE_REQUEST__INIT;
	Chc__V1__ListMunicipalitiesRequest list = CHC__V1__LIST_MUNICIPALITIES_REQUEST__INIT;
	page.page_size = 500;
	list.page = &page;
	char token[64] = "";
	do {
		page.page_token = token;
		ProtobufCMessage *reply = NULL;
		chc_status status =
		        chc_client_call(client, &chc__v1__municipality_service__descriptor,
		                        "ListMunicipalities", &list.base, NULL, &reply, error);
		if (status != CHC_OK)
			return status;
		const Chc__V1__ListMunicipalitiesResponse *found = (const void *)reply;
		for (size_t i = 0; i < found->n_municipalities; i++) {
			int code = found->municipalities[i]->code;
			if (code > 0 && code < 1000)
				region_of_municipality[code] =
				        found->municipalities[i]->region_code;
		}
		const char *next = found->page != NULL ? found->page->next_page_token : "";
		strncpy(token, next, sizeof(token) - 1);
		token[sizeof(token) - 1] = '\0';
		protobuf_c_message_free_unpacked(reply, NULL);
	} while (token[0] != '\0');
	reference_loaded = true;
	return CHC_OK;
}

chc_status matching_municipality_region(int code, int *region, chc_error *error)
{
	pthread_mutex_lock(&reference_lock);
	chc_status status = reference_loaded ? CHC_OK : load_reference(error);
	pthread_mutex_unlock(&reference_lock);
	if (status != CHC_OK)
		return status;
	*region = code > 0 && code < 1000 ? region_of_municipality[code] : 0;
	if (*region == 0)
		return chc_error_set(error, CHC_NOT_FOUND, "%d is not a municipality code", code);
	return CHC_OK;
}
