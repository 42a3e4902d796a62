/*
 * handler.h - the handlers protobuf-c calls, made of plain functions.
 *
 * protobuf-c calls a handler with its service, the request message and a
 * closure that must be called once: with the reply, or with NULL when the
 * failure recorded on the core_request (the closure data) is the answer.
 * Every handler wrote that protocol out again around its own work, each
 * early exit a CORE_FAIL_RETURN. Here a handler's work is a function that
 * returns its reply (request-owned) or NULL with the failure recorded, and
 * these macros make the protobuf-c entry point of it; a Get, List or
 * Search over an entity or a listing is the macro alone.
 */
#ifndef CORE_HANDLER_H
#define CORE_HANDLER_H

#include "entity.h"
#include "listing.h"
#include "request.h"

/*
 * Defines prefix_name, the handler of service type prefix_service (as
 * CORE_HANDLER declares it), which replies with reply: an expression of the
 * request message ("request") and the core_request ("closure_data"),
 * request-owned, or NULL with the failure recorded. The macros below are
 * its uses.
 */
#define CORE_HANDLER_REPLYING(prefix, name, input, output, reply)                                  \
	CORE_HANDLER(prefix##_service, prefix, name, input, output)                                \
	{                                                                                          \
		(void)service_table;                                                               \
		closure(reply, closure_data);                                                      \
	}

/* Defines prefix_name around the function
 *     static output *name(core_request *request, const input *input)
 * that the file defines first (input and output the generated types). */
#define CORE_REPLY_HANDLER(prefix, name, input, output)                                            \
	CORE_HANDLER_REPLYING(prefix, name, input, output, name(closure_data, request))

/* Defines prefix_name: the record of entity the request's "id" names. */
#define CORE_GET_HANDLER(prefix, name, input, output, entity)                                      \
	CORE_HANDLER_REPLYING(                                                                     \
	        prefix, name, input, output,                                                       \
	        (Chc__V1__##output *)core_entity_get(closure_data, &(entity), request->id))

/* Defines prefix_name: the records of entity the request's "ids" name
 * that visible (NULL: every one) lets the caller see, as a reply of type
 * descriptor (core_entity_get_many). */
#define CORE_BATCH_GET_HANDLER(prefix, name, input, output, entity, visible, descriptor)           \
	CORE_HANDLER_REPLYING(prefix, name, input, output,                                         \
	                      (const Chc__V1__##output *)core_entity_get_many(                     \
	                              closure_data, &(entity), request->ids, request->n_ids,       \
	                              visible, &(descriptor)))

/* Defines prefix_name: sql, what housekeeping runs to expire records, run
 * now, replying with how many it expired (core_expire_reply). */
#define CORE_EXPIRE_HANDLER(prefix, name, input, output, sql, descriptor)                          \
	CORE_HANDLER(prefix##_service, prefix, name, input, output)                                \
	{                                                                                          \
		(void)service_table;                                                               \
		(void)request; /* an expiry takes no arguments */                                  \
		closure((const Chc__V1__##output *)core_expire_reply(closure_data, sql,            \
		                                                     &(descriptor)),               \
		        closure_data);                                                             \
	}

/* Defines prefix_name: the page of listing the request asks for, as a
 * reply of type descriptor (core_list_reply). */
#define CORE_LIST_HANDLER(prefix, name, input, output, listing, descriptor)                        \
	CORE_HANDLER_REPLYING(prefix, name, input, output,                                         \
	                      (const Chc__V1__##output *)core_list_reply(                          \
	                              closure_data, &(listing), &request->base, &(descriptor)))

/* Defines prefix_name: the search of listing (core_search_reply), every
 * row also meeting condition (SQL, or NULL), answered by PostgreSQL. */
#define CORE_SEARCH_HANDLER(prefix, name, input, output, listing, condition, descriptor)           \
	CORE_HANDLER_REPLYING(                                                                     \
	        prefix, name, input, output,                                                       \
	        (const Chc__V1__##output *)core_search_reply(                                      \
	                closure_data, &(listing), NULL, &request->base, condition, &(descriptor)))

#endif /* CORE_HANDLER_H */
