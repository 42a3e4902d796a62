/*
 * listing.h - every List and Search call of every service, run one way.
 *
 * A service describes a kind of record once (its table, its columns, its
 * order, its full-text vector, and how each filter field of its requests
 * narrows the rows); the request's own fields are read through its
 * protobuf descriptor, so a handler passes its request as it came and gets
 * one page back. Validation (naming the field), paging, totals and
 * ranking live here once, so a change to how pages work (keyset tokens,
 * totals only when asked) is made in one place for every service.
 */
#ifndef CORE_LISTING_H
#define CORE_LISTING_H

#include <libpq-fe.h>
#include <protobuf-c/protobuf-c.h>
#include <stdint.h>

#include "chc/v1/common.pb-c.h"
#include "entity.h"
#include "query_builder.h"
#include "request.h"
#include "search_mirror.h"

typedef enum core_filter_kind {
	CORE_FILTER_UUID,   /* a string field holding a UUID */
	CORE_FILTER_ENUM,   /* an enum field, compared as its slug */
	CORE_FILTER_NUMBER, /* an integer field within minimum..maximum */
	CORE_FILTER_DATE,   /* a string field "YYYY-MM-DD" */
	CORE_FILTER_TEXT,   /* a string field of at most 200 characters, compared as it is */
	CORE_FILTER_CUSTOM, /* a message field turned into text by value_of */
} core_filter_kind;

/* The text a message-valued filter stands for (request-owned); "" when the
 * value asks for no filtering; NULL with a violation of field recorded when
 * the value names nothing. */
typedef const char *(*core_filter_value)(core_request *request, const char *field,
                                         const ProtobufCMessage *value);

/* One filter field: unset (0, "" or no message) means "any". */
typedef struct core_filter {
	const char *field; /* its name in the filter message: "company_id" */
	core_filter_kind kind;
	/* SQL with the value as $? (every $? is the same value). */
	const char *condition;
	int64_t minimum, maximum;   /* CORE_FILTER_NUMBER */
	core_filter_value value_of; /* CORE_FILTER_CUSTOM */
} core_filter;

typedef struct core_listing {
	/* How a row becomes a message; NULL when the caller reads the rows
	 * itself (what a row shows depends on who asks). */
	const core_entity *entity;
	/* The table, key, columns and column count may be left out (NULL)
	 * when the entity was defined by them (CORE_TABLE_ENTITY_DEFINE). */
	const char *table; /* "companies.solutions s" */
	/* The row's unique id ("s.id"): pages are ordered and counted on keys
	 * first, and the columns built for the page's keys only. NULL for
	 * narrow rows, read in one stage. */
	const char *key;
	const char *columns; /* what entity->from_row reads, in its order */
	int column_count;
	/* "s.name, s.id": ends with the key (or columns unique together), so
	 * that a page token names one row and the next page starts right
	 * after it (keyset.h). A key is NOT NULL unless it says where NULLs go
	 * ("s.reviewed_on DESC NULLS LAST"). */
	const char *order;
	const char *search; /* the tsvector column: "s.search"; NULL: not searched */
	/* The request field holding the filter message ("filter"), or NULL
	 * when the filter fields sit in the request itself. */
	const char *filter_message;
	const core_filter *filters;
	size_t filter_count;
	/* Narrows the rows to what the caller may see (a partner: published
	 * records and its own), or NULL when every caller sees every row. */
	void (*visible)(const core_request *request, core_query_builder *query);
} core_listing;

/* A listing's filters and their count, as designated initializers:
 *     CORE_LISTING_FILTERS(need_filters), */
#define CORE_LISTING_FILTERS(array)                                                                \
	.filters = (array), .filter_count = sizeof(array) / sizeof((array)[0])

/* One page: request-owned, valid until the reply is sent. */
typedef struct core_list_page {
	/* columns, then the sort keys (a search's first is the rank), then
	 * whether a next page exists */
	PGresult *rows;
	ProtobufCMessage **messages; /* when the listing has an entity */
	size_t count;
	float *ranks; /* search only: one a message, best first */
	Chc__V1__PageInfo page;
} core_list_page;

/*
 * The page that input (a List request with the listing's filter fields and
 * a "page" field) asks for, in the listing's order. Every filter value is
 * checked first: INVALID_ARGUMENT names each bad field, and no SQL runs.
 * The page's total_size is counted only when page.want_total asks (0
 * otherwise); the next page starts after this page's last row.
 */
chc_status core_list(core_request *request, const core_listing *listing,
                     const ProtobufCMessage *input, core_list_page *found);

/* How every search parses its words ($1): Danish and English stems
 * together, so that a word in either language finds the record. */
#define CORE_SEARCH_TSQUERY                                                                        \
	"websearch_to_tsquery('danish', $1) || websearch_to_tsquery('english', $1)"

/*
 * The same for a Search request (a "query" field of 1..200 characters):
 * the rows whose search vector matches the query parsed with Danish and
 * English stems together (so a word in either language finds the record),
 * best rank first. condition, when not NULL, is constant SQL every row
 * must also meet (e.g. "s.status = 'published'"). mirror, when not NULL,
 * holds the search vectors of exactly the rows that meet condition, all
 * of which every caller may see (search_mirror.h): it answers the searches
 * without filters that it can answer as PostgreSQL would, without
 * PostgreSQL ranking every match.
 */
chc_status core_search(core_request *request, const core_listing *listing,
                       core_search_mirror *mirror, const ProtobufCMessage *input,
                       const char *condition, core_list_page *found);

/* found's page info as a request-owned copy, for a reply: the reply
 * outlives the handler's frame, which found may be part of. NULL (with
 * RESOURCE_EXHAUSTED recorded) when memory runs out. */
Chc__V1__PageInfo *core_page_info(core_request *request, const core_list_page *found);

/*
 * found as a reply message of type descriptor (a List or Search response):
 * its one repeated message field holds the page's messages, "ranks" (when
 * it has one) their ranks, "page" the page info. Every List and Search
 * handler over an entity filled its own reply so, field by field; the
 * response types differ only in their names. Request-owned; NULL with
 * INTERNAL recorded when the reply has no such fields (a bug), or
 * RESOURCE_EXHAUSTED when memory runs out.
 */
const ProtobufCMessage *core_page_reply(core_request *request,
                                        const ProtobufCMessageDescriptor *descriptor,
                                        const core_list_page *found);

/* core_list, then its page as a reply of type descriptor; NULL with the
 * failure recorded: the whole of a List handler over an entity. */
const ProtobufCMessage *core_list_reply(core_request *request, const core_listing *listing,
                                        const ProtobufCMessage *input,
                                        const ProtobufCMessageDescriptor *descriptor);

/* The same for core_search. */
const ProtobufCMessage *core_search_reply(core_request *request, const core_listing *listing,
                                          core_search_mirror *mirror, const ProtobufCMessage *input,
                                          const char *condition,
                                          const ProtobufCMessageDescriptor *descriptor);

#endif /* CORE_LISTING_H */
