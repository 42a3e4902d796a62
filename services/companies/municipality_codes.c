/*
 * municipality_codes.c - the companies service does not read the
 * municipalities schema: it asks the municipalities service through libchc,
 * as any partner would. The 98 codes never change, so a code once known is
 * remembered for the life of the process.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "chc/client.h"
#include "chc/v1/municipalities.pb-c.h"
#include "companies.h"

static chc_client *municipalities_client;
/* 0 unknown yet, else the region code of the municipality. */
static atomic_int known_regions[1000];

chc_status municipality_codes_start(const core_config *config, chc_error *error)
{
	chc_client_options options;
	chc_client_options_init(&options);
	options.token = config->token;
	options.timeout_ms = 3000;
	return chc_client_create(&options, &municipalities_client, error);
}

void municipality_codes_stop(void)
{
	chc_client_destroy(municipalities_client);
	municipalities_client = NULL;
}

chc_status municipality_code_check(core_request *request, const char *field, int code, int *region)
{
	if (code < 100 || code > 999) {
		core_violation(request, field, "%d is not a 3-digit municipality code", code);
		return CHC_INVALID_ARGUMENT;
	}
	int remembered = atomic_load(&known_regions[code]);
	if (remembered != 0) {
		*region = remembered;
		return CHC_OK;
	}
	Chc__V1__GetMunicipalityRequest lookup = CHC__V1__GET_MUNICIPALITY_REQUEST__INIT;
	lookup.code = code;
	ProtobufCMessage *reply = NULL;
	chc_error error = { 0 };
	chc_status status =
	        chc_client_call(municipalities_client, &chc__v1__municipality_service__descriptor,
	                        "GetMunicipality", &lookup.base, NULL, &reply, &error);
	if (status == CHC_OK) {
		*region = ((Chc__V1__Municipality *)reply)->region_code;
		atomic_store(&known_regions[code], *region);
		protobuf_c_message_free_unpacked(reply, NULL);
	} else if (status == CHC_NOT_FOUND) {
		core_violation(request, field, "%d is not a known municipality code", code);
		status = CHC_INVALID_ARGUMENT;
	} else {
		core_fail(request, CHC_UNAVAILABLE,
		          "cannot check the municipality code with the municipalities service: %s",
		          error.message);
		status = CHC_UNAVAILABLE;
	}
	chc_error_fini(&error);
	return status;
}
