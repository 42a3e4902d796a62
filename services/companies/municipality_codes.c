/*
 * municipality_codes.c - the companies service does not read the
 * municipalities schema: it asks the municipalities service through libchc,
 * as any partner would. The 98 codes and their regions never change, so the
 * whole table is fetched once, in one paged List call, and kept: validation
 * checks codes against it before any write, and the store reads regions
 * from it without calling anyone. When the table does change (a municipal
 * reform, by migration or by hand), the municipalities service records a
 * "municipality.reference_changed" event (a trigger, migration 0014), and
 * housekeeping, which asks for such events, loads the table again.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "chc/client.h"
#include "chc/v1/events.pb-c.h"
#include "chc/v1/municipalities.pb-c.h"
#include "companies.h"
#include "log.h"
#include "remote.h"

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool loaded;
/* 0 not a municipality, else the region code of the municipality. */
static atomic_int known_regions[1000];
/* The newest reference event seen; only housekeeping's thread uses it. */
static int64_t seen_event = -1;

/* The whole table, page by page, into a fresh copy that replaces the old
 * one entry by entry (a code that is gone becomes 0). Once, unless
 * municipality_codes_refresh saw the table change. */
static chc_status load(chc_error *error)
{
	if (atomic_load(&loaded))
		return CHC_OK;
	pthread_mutex_lock(&load_lock);
	chc_status status = CHC_OK;
	Chc__V1__PageRequest page = CHC__V1__PAGE_REQUEST__INIT;
	Chc__V1__ListMunicipalitiesRequest list = CHC__V1__LIST_MUNICIPALITIES_REQUEST__INIT;
	page.page_size = 500;
	list.page = &page;
	char token[128] = "";
	int regions[1000] = { 0 };
	while (!atomic_load(&loaded)) {
		page.page_token = token;
		ProtobufCMessage *reply = NULL;
		status =
		        chc_client_call(remote_client(), &chc__v1__municipality_service__descriptor,
		                        "ListMunicipalities", &list.base, NULL, &reply, error);
		if (status != CHC_OK)
			break;
		const Chc__V1__ListMunicipalitiesResponse *found = (const void *)reply;
		for (size_t i = 0; i < found->n_municipalities; i++) {
			int code = found->municipalities[i]->code;
			if (code > 0 && code < 1000)
				regions[code] = found->municipalities[i]->region_code;
		}
		snprintf(token, sizeof(token), "%s",
		         found->page ? found->page->next_page_token : "");
		protobuf_c_message_free_unpacked(reply, NULL);
		if (token[0] == '\0') {
			for (int code = 0; code < 1000; code++)
				atomic_store(&known_regions[code], regions[code]);
			atomic_store(&loaded, true);
		}
	}
	pthread_mutex_unlock(&load_lock);
	return status;
}

chc_status municipality_codes_refresh(chc_error *error)
{
	Chc__V1__ListEventsRequest request = CHC__V1__LIST_EVENTS_REQUEST__INIT;
	request.after_seq = seen_event < 0 ? 0 : seen_event;
	request.limit = 1000;
	request.type_prefix = "municipality.reference_changed";
	ProtobufCMessage *reply = NULL;
	chc_status status = chc_client_call_at(remote_client(), CHC_ENDPOINT_MUNICIPALITIES,
	                                       &chc__v1__events__descriptor, "ListEvents",
	                                       &request.base, NULL, &reply, error);
	if (status != CHC_OK)
		return status;
	const Chc__V1__ListEventsResponse *events = (const void *)reply;
	/* The first look only learns where the events stand: the table loaded
	 * at start is newer than any event before it. */
	bool changed = seen_event >= 0 && events->n_events > 0;
	if (events->n_events == (size_t)request.limit)
		seen_event = events->events[events->n_events - 1]->seq;
	else
		seen_event = events->last_seq;
	protobuf_c_message_free_unpacked(reply, NULL);
	if (!changed)
		return CHC_OK;
	core_log(CORE_LOG_INFO, "municipalities changed: loading the codes again");
	atomic_store(&loaded, false);
	return load(error);
}

chc_status municipality_codes_start(const core_config *config, chc_error *error)
{
	chc_status status = remote_start(config, 3000, error);
	if (status != CHC_OK)
		return status;
	/* Early when the municipalities service is up; else on first use. */
	chc_error ignored = { 0 };
	if (load(&ignored) != CHC_OK)
		core_log(CORE_LOG_INFO, "municipality codes not loaded yet: %s", ignored.message);
	chc_error_fini(&ignored);
	return CHC_OK;
}

chc_status municipality_code_check(core_request *request, const char *field, int code, int *region)
{
	if (code < 100 || code > 999) {
		core_violation(request, field, "%d is not a 3-digit municipality code", code);
		return CHC_INVALID_ARGUMENT;
	}
	chc_error error = { 0 };
	chc_status status = load(&error);
	if (status != CHC_OK) {
		core_fail(request, CHC_UNAVAILABLE,
		          "cannot check the municipality code with the municipalities service: %s",
		          error.message);
		chc_error_fini(&error);
		return CHC_UNAVAILABLE;
	}
	*region = atomic_load(&known_regions[code]);
	if (*region == 0) {
		core_violation(request, field, "%d is not a known municipality code", code);
		return CHC_INVALID_ARGUMENT;
	}
	return CHC_OK;
}

int municipality_region(int code)
{
	return code > 0 && code < 1000 ? atomic_load(&known_regions[code]) : 0;
}
