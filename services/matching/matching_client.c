/*
 * matching_client.c - how the matching service reads the other services
 * through its libchc client (remote.h): whole lists, page by page, and the
 * municipality reference data that test beds are checked against: the 98
 * codes do not change, so they are fetched once, in one paged List call,
 * and kept for the life of the process.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chc/client.h"
#include "chc/v1/municipalities.pb-c.h"
#include "matching.h"
#include "remote.h"

static pthread_mutex_t reference_lock = PTHREAD_MUTEX_INITIALIZER;
static int region_of_municipality[1000]; /* 0: not a municipality */
static bool reference_loaded;

/* Pages through method, request's page field pointing at page. */
static chc_status list_pages(const ProtobufCServiceDescriptor *service, const char *method,
                             const ProtobufCMessageDescriptor *reply_type,
                             ProtobufCMessage *request, Chc__V1__PageRequest *page,
                             matching_list_item each, void *context, chc_error *error)
{
	/* A List reply holds one repeated message field (the items) and a page. */
	const ProtobufCFieldDescriptor *items = NULL;
	for (unsigned i = 0; i < reply_type->n_fields && items == NULL; i++)
		if (reply_type->fields[i].label == PROTOBUF_C_LABEL_REPEATED &&
		    reply_type->fields[i].type == PROTOBUF_C_TYPE_MESSAGE)
			items = &reply_type->fields[i];
	const ProtobufCFieldDescriptor *page_field =
	        protobuf_c_message_descriptor_get_field_by_name(reply_type, "page");
	if (items == NULL)
		return chc_error_set(error, CHC_INTERNAL, "%s lists nothing", method);
	/* A token carries the last row's sort key (a name): as long as that. */
	char *token = NULL;
	int64_t total = 0;
	page->page_size = MATCHING_PAGE_SIZE;
	/* The total (for progress) is counted once, on the first page. */
	page->want_total = true;
	do {
		page->page_token = token != NULL ? token : "";
		ProtobufCMessage *reply = NULL;
		chc_status status = chc_client_call(remote_client(), service, method, request, NULL,
		                                    &reply, error);
		page->want_total = false;
		if (status != CHC_OK) {
			free(token);
			return chc_error_set_headline(error, status, "%s: %s", method,
			                              error->message ? error->message : "");
		}
		size_t count = *(const size_t *)((const char *)reply + items->quantifier_offset);
		ProtobufCMessage *const *item =
		        *(ProtobufCMessage *const *const *)((const char *)reply + items->offset);
		const Chc__V1__PageInfo *info =
		        page_field ? *(Chc__V1__PageInfo *const *)((const char *)reply +
		                                                   page_field->offset)
		                   : NULL;
		if (token == NULL && info != NULL)
			total = info->total_size;
		for (size_t i = 0; i < count && status == CHC_OK; i++)
			status = each(context, item[i], total, error);
		bool more = info != NULL && info->next_page_token[0] != '\0';
		free(token);
		token = more ? strdup(info->next_page_token) : NULL;
		protobuf_c_message_free_unpacked(reply, NULL);
		page->page_token = "";
		if (status == CHC_OK && more && token == NULL)
			status = chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
		if (status != CHC_OK) {
			free(token);
			return status;
		}
	} while (token != NULL);
	return CHC_OK;
}

chc_status matching_list_all(const ProtobufCServiceDescriptor *service, const char *method,
                             ProtobufCMessage *request, matching_list_item each, void *context,
                             chc_error *error)
{
	const ProtobufCMethodDescriptor *called =
	        protobuf_c_service_descriptor_get_method_by_name(service, method);
	if (called == NULL)
		return chc_error_set(error, CHC_INTERNAL, "no method %s", method);
	const ProtobufCFieldDescriptor *page_field =
	        protobuf_c_message_descriptor_get_field_by_name(called->input, "page");
	if (page_field == NULL || page_field->descriptor != &chc__v1__page_request__descriptor)
		return chc_error_set(error, CHC_INTERNAL, "%s takes no page", method);
	Chc__V1__PageRequest page = CHC__V1__PAGE_REQUEST__INIT;
	Chc__V1__PageRequest **slot =
	        (Chc__V1__PageRequest **)((char *)request + page_field->offset);
	Chc__V1__PageRequest *given = *slot;
	*slot = &page;
	chc_status status =
	        list_pages(service, method, called->output, request, &page, each, context, error);
	*slot = given; /* page lives no longer than this call */
	return status;
}

static chc_status remember_region(void *context, const ProtobufCMessage *item, int64_t total,
                                  chc_error *error)
{
	(void)context;
	(void)total;
	(void)error;
	const Chc__V1__Municipality *municipality = (const Chc__V1__Municipality *)item;
	if (municipality->code > 0 && municipality->code < 1000)
		region_of_municipality[municipality->code] = municipality->region_code;
	return CHC_OK;
}

static chc_status load_reference(chc_error *error)
{
	Chc__V1__ListMunicipalitiesRequest list = CHC__V1__LIST_MUNICIPALITIES_REQUEST__INIT;
	chc_status status =
	        matching_list_all(&chc__v1__municipality_service__descriptor, "ListMunicipalities",
	                          &list.base, remember_region, NULL, error);
	reference_loaded = status == CHC_OK;
	return status;
}

chc_status matching_check_exists(core_request *request, const char *field, const char *id,
                                 const ProtobufCServiceDescriptor *service, const char *method)
{
	chc_error error = { 0 };
	chc_call_options options = { .token = core_forwarded_token(request),
		                     .deadline_unix_ms = request->deadline_unix_ms };
	chc_status status = remote_get_by_id(&options, service, method, id, NULL, &error);
	if (status == CHC_NOT_FOUND)
		core_violation(request, field, "%s does not exist", id);
	else if (status != CHC_OK)
		core_fail(request, CHC_UNAVAILABLE, "cannot check %s %s: %s", field, id,
		          error.message ? error.message : "");
	chc_error_fini(&error);
	return status;
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
