/*
 * listing.c - List and Search run from a listing's description and the
 * request's descriptor.
 *
 * A query over wide rows has two stages: the first orders only keys (an
 * index-only scan where the order has an index), starting after the page
 * token's row, the second builds the full columns for the one page of keys:
 * a broad search takes half the time because the columns are not built for
 * every match. A deep page costs what the first does (keyset.h), and the
 * total is a separate count, run only when asked.
 */
#include "listing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyset.h"
#include "metrics.h"
#include "query_builder.h"
#include "search_mirror.h"
#include "validate.h"

/* The storage of a singular field of message; NULL with INTERNAL recorded
 * when the listing names a field the message does not have (a bug). */
static const void *field_storage(core_request *request, const ProtobufCMessage *message,
                                 const char *name, const ProtobufCFieldDescriptor **field)
{
	*field = protobuf_c_message_descriptor_get_field_by_name(message->descriptor, name);
	if (*field == NULL || (*field)->label == PROTOBUF_C_LABEL_REPEATED) {
		core_fail(request, CHC_INTERNAL, "%s has no field %s to list by",
		          message->descriptor->name, name);
		return NULL;
	}
	return (const char *)message + (*field)->offset;
}

static int64_t integer_value(const ProtobufCFieldDescriptor *field, const void *storage)
{
	switch (field->type) {
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return *(const int64_t *)storage;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return *(const uint32_t *)storage;
	default: /* int32, sint32, sfixed32 and enums are all int-sized */
		return *(const int32_t *)storage;
	}
}

static const char *text_value(const void *storage)
{
	const char *text = *(const char *const *)storage;
	return text != NULL && text[0] != '\0' ? text : NULL;
}

/* Adds the filter's condition when its field is set and valid; a bad value
 * is recorded as a violation naming the field. */
static void add_filter(core_request *request, core_query_builder *query,
                       const ProtobufCMessage *message, const char *prefix,
                       const core_filter *filter)
{
	const ProtobufCFieldDescriptor *field = NULL;
	const void *storage = field_storage(request, message, filter->field, &field);
	if (storage == NULL)
		return;
	char name[96];
	snprintf(name, sizeof(name), "%s%s", prefix, filter->field);
	const char *text = NULL;
	int64_t number = 0;
	switch (filter->kind) {
	case CORE_FILTER_UUID:
		text = text_value(storage);
		if (text == NULL || !core_check_uuid(request, name, text))
			return;
		break;
	case CORE_FILTER_DATE:
		text = text_value(storage);
		if (text == NULL || !core_check_date(request, name, text, false))
			return;
		break;
	case CORE_FILTER_TEXT:
		text = text_value(storage);
		if (text == NULL || !core_check_text(request, name, text, 1, 200))
			return;
		break;
	case CORE_FILTER_ENUM:
		number = integer_value(field, storage);
		if (number == 0 ||
		    !core_check_enum(request, name, field->descriptor, (int)number, false))
			return;
		text = core_enum_slug(request, field->descriptor, (int)number);
		break;
	case CORE_FILTER_NUMBER:
		number = integer_value(field, storage);
		if (number == 0 ||
		    !core_check_range(request, name, number, filter->minimum, filter->maximum))
			return;
		text = core_int_text(request, number);
		break;
	case CORE_FILTER_CUSTOM: {
		const ProtobufCMessage *value = *(const ProtobufCMessage *const *)storage;
		if (value == NULL)
			return;
		text = filter->value_of(request, name, value);
		if (core_failed(request) || (text != NULL && text[0] == '\0'))
			return;
		break;
	}
	}
	/* A NULL text here is memory that ran out: the builder reports it. */
	core_query_where(query, filter->condition, text);
}

/* Every filter of the listing, then the page asked for; false when any
 * field was invalid (each one recorded). */
static bool read_request(core_request *request, const core_listing *listing,
                         const ProtobufCMessage *input, core_query_builder *query,
                         const core_sort *sort, core_page *page, bool *filtered)
{
	const ProtobufCMessage *filters = input;
	const char *prefix = "";
	char filter_prefix[64];
	const ProtobufCFieldDescriptor *field = NULL;
	if (listing->filter_message != NULL) {
		const void *storage =
		        field_storage(request, input, listing->filter_message, &field);
		filters = storage != NULL ? *(const ProtobufCMessage *const *)storage : NULL;
		snprintf(filter_prefix, sizeof(filter_prefix), "%s.", listing->filter_message);
		prefix = filter_prefix;
	}
	size_t before_filters = query->used;
	for (size_t i = 0; filters != NULL && i < listing->filter_count; i++)
		add_filter(request, query, filters, prefix, &listing->filters[i]);
	if (filtered != NULL)
		*filtered = query->used != before_filters;
	if (listing->visible != NULL)
		listing->visible(request, query);
	const void *storage = field_storage(request, input, "page", &field);
	if (storage != NULL && field->descriptor == &chc__v1__page_request__descriptor)
		core_page_read(request, *(const Chc__V1__PageRequest *const *)storage, sort, page);
	else if (storage != NULL)
		core_fail(request, CHC_INTERNAL, "%s has no page request", input->descriptor->name);
	return !core_failed(request);
}

/* Where a query's conditions are in its SQL: what the count repeats. */
typedef struct conditions {
	size_t start, end; /* offsets in the SQL: after "WHERE", before the paging */
	int value_count;   /* the values they (and what precedes them) use */
} conditions;

/* The rows matching the conditions of page_query, all of them: run only
 * when the caller asks, since it reads every match. prefix is the count
 * query up to its "WHERE ", with the same values as page_query's before
 * the conditions. */
static chc_status count_rows(core_request *request, const core_query_builder *page_query,
                             const char *prefix, const char *table, const char *from_rest,
                             const conditions *where, int64_t *total)
{
	core_query_builder query = { .used = 0 };
	core_query_append(&query, prefix);
	core_query_append(&query, table);
	core_query_append(&query, from_rest);
	core_query_copy(&query, page_query, where->start, where->end, where->value_count);
	PGresult *result = NULL;
	chc_status status = core_query_run(request, &query, &result);
	if (status == CHC_OK)
		*total = strtoll(PQgetvalue(result, 0, 0), NULL, 10);
	return status;
}

/* ", <key 1> AS chc_sort_1, ...": the sort key of each row, for the token. */
static void append_sort_columns(core_query_builder *query, const core_sort *sort)
{
	for (size_t i = 0; i < sort->count; i++) {
		char alias[48];
		snprintf(alias, sizeof(alias), " AS chc_sort_%u", (unsigned)(i + 1));
		core_query_append(query, ", ");
		core_query_append(query, sort->keys[i].expression);
		core_query_append(query, alias);
	}
}

/* The end of a list or search query: the first stage (the CTE "page",
 * written up to its conditions) is ordered and read one row past the page;
 * the second builds the page's rows in order, each with its sort key and
 * whether the row past the page came ("more"). Row layout: the listing's
 * columns, the sort keys, more. */
static void append_page(core_request *request, core_query_builder *query,
                        const core_listing *listing, const core_sort *sort, const core_page *page)
{
	core_query_after(query, sort, page);
	core_query_order(query, sort, NULL);
	core_query_limit(request, query, page);
	int limit = core_query_value(query, core_int_text(request, page->limit));
	char limit_text[16];
	snprintf(limit_text, sizeof(limit_text), "$%d::int", limit);
	if (listing->key != NULL) {
		core_query_append(query, ") SELECT ");
		core_query_append(query, listing->columns);
		for (size_t i = 0; i < sort->count; i++) {
			char column[48];
			snprintf(column, sizeof(column), ", page.chc_sort_%u", (unsigned)(i + 1));
			core_query_append(query, column);
		}
	} else {
		core_query_append(query, ") SELECT page.*");
	}
	core_query_append(query, ", (SELECT count(*) FROM page) > ");
	core_query_append(query, limit_text);
	core_query_append(query, " FROM page");
	if (listing->key != NULL) {
		core_query_append(query, " JOIN ");
		core_query_append(query, listing->table);
		core_query_append(query, " ON ");
		core_query_append(query, listing->key);
		core_query_append(query, " = page.key");
	}
	core_query_order(query, sort, "page.chc_sort_");
	core_query_append(query, " LIMIT ");
	core_query_append(query, limit_text);
}

/* The page's rows into messages, ranks and page information. */
static chc_status read_page(core_request *request, const core_listing *listing,
                            const core_query_builder *query, const core_sort *sort,
                            const core_page *page, bool ranked, core_list_page *found)
{
	found->page = (Chc__V1__PageInfo)CHC__V1__PAGE_INFO__INIT;
	chc_status status = core_query_run(request, query, &found->rows);
	if (status != CHC_OK)
		return core_page_refused(request, page, status);
	int rows = PQntuples(found->rows);
	found->count = (size_t)rows;
	if (listing->entity != NULL) {
		status = core_entity_rows(request, listing->entity, found->rows, &found->messages,
		                          &found->count);
		if (status != CHC_OK)
			return status;
	}
	int keys = listing->column_count;
	if (ranked) {
		found->ranks = core_alloc(request, (found->count + 1) * sizeof(float));
		if (found->ranks == NULL)
			return CHC_RESOURCE_EXHAUSTED;
		/* The rank is a search's first sort key. */
		for (size_t i = 0; i < found->count; i++)
			found->ranks[i] = strtof(PQgetvalue(found->rows, (int)i, keys), NULL);
	}
	bool more = rows > 0 && PQgetvalue(found->rows, 0, keys + (int)sort->count)[0] == 't';
	found->page.next_page_token =
	        more ? core_page_token(request, sort, found->rows, rows - 1, keys)
	             : core_strdup(request, "");
	return found->page.next_page_token != NULL ? CHC_OK : core_failure(request);
}

/*
 * How a list and a search end, once query holds their own conditions (where
 * starts them): the request's filters, the page asked for, and its total
 * when asked, counted by count_prefix, the table, count_from and the same
 * conditions.
 */
static chc_status run_page(core_request *request, const core_listing *listing,
                           const ProtobufCMessage *input, core_query_builder *query,
                           const core_sort *sort, conditions *where, bool ranked,
                           const char *count_prefix, const char *count_from, core_list_page *found)
{
	core_page page;
	if (!read_request(request, listing, input, query, sort, &page, NULL))
		return request->error.code;
	where->end = query->used;
	where->value_count = query->count;
	append_page(request, query, listing, sort, &page);
	chc_status status = read_page(request, listing, query, sort, &page, ranked, found);
	if (status == CHC_OK && page.want_total)
		status = count_rows(request, query, count_prefix, listing->table, count_from, where,
		                    &found->page.total_size);
	return status;
}

/* listing with what its entity says where it does not: the table, key and
 * columns of an entity defined by them (CORE_TABLE_ENTITY_DEFINE). */
static core_listing completed(const core_listing *listing)
{
	core_listing full = *listing;
	const core_entity *entity = listing->entity;
	if (entity != NULL && full.table == NULL) {
		full.table = entity->table;
		full.key = entity->key;
		full.columns = entity->columns;
		full.column_count = entity->column_count;
	}
	return full;
}

chc_status core_list(core_request *request, const core_listing *given,
                     const ProtobufCMessage *input, core_list_page *found)
{
	const core_listing full = completed(given), *listing = &full;
	core_sort sort;
	if (!core_sort_parse(&sort, listing->table, listing->order))
		return core_fail(request, CHC_INTERNAL, "%s: cannot page by \"%s\"",
		                 input->descriptor->name, listing->order);
	core_query_builder query = { .used = 0 };
	core_query_append(&query, "WITH page AS (SELECT ");
	core_query_append(&query, listing->key != NULL ? listing->key : listing->columns);
	core_query_append(&query, listing->key != NULL ? " AS key" : "");
	append_sort_columns(&query, &sort);
	core_query_append(&query, " FROM ");
	core_query_append(&query, listing->table);
	core_query_append(&query, " WHERE ");
	conditions where = { .start = query.used };
	core_query_append(&query, "true");
	return run_page(request, listing, input, &query, &sort, &where, false,
	                "SELECT count(*) FROM ", " WHERE ", found);
}

#define SEARCH_QUERY "WITH q AS (SELECT " CORE_SEARCH_TSQUERY " AS q)"

/* found's messages (and ranks) in the order of hits: the rows of a
 * mirrored search come back in PostgreSQL's order, by key (the listing's
 * key as text in the column after the entity's). A hit whose row no
 * longer meets the search's condition (changed since) is left out. */
static chc_status order_as_hits(core_request *request, const core_listing *listing,
                                const core_search_hit *hits, size_t shown, core_list_page *found)
{
	ProtobufCMessage **ordered = core_alloc(request, (shown + 1) * sizeof(*ordered));
	found->ranks = core_alloc(request, (shown + 1) * sizeof(float));
	if (ordered == NULL || found->ranks == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	size_t kept = 0;
	for (size_t i = 0; i < shown; i++) {
		for (size_t row = 0; row < found->count; row++) {
			if (strcmp(PQgetvalue(found->rows, (int)row, listing->column_count),
			           hits[i].key) != 0)
				continue;
			ordered[kept] = found->messages[row];
			found->ranks[kept++] = hits[i].rank;
			break;
		}
	}
	found->messages = ordered;
	found->count = kept;
	return CHC_OK;
}

/*
 * The rows of a mirrored search's hits (the first shown of them), in their
 * order, with the counter of the mirror's table read in the same
 * statement (*counter): "SELECT <columns>, <key>::text, counter FROM
 * (<counter>) LEFT JOIN <table> ON <key> = ANY (keys) AND <condition>",
 * which gives the counter even for no rows.
 */
static chc_status read_hit_rows(core_request *request, const core_listing *listing,
                                core_search_mirror *mirror, const char *condition,
                                const core_search_hit *hits, size_t shown, core_list_page *found,
                                long long *counter)
{
	/* The keys as an array literal: UUIDs and the like need no quoting. */
	char *keys = core_alloc(request, shown * (CORE_SEARCH_KEY_MAX + 1) + 3);
	if (keys == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	size_t used = 0;
	keys[used++] = '{';
	for (size_t i = 0; i < shown; i++) {
		size_t length = strlen(hits[i].key);
		memcpy(keys + used, hits[i].key, length);
		used += length;
		keys[used++] = ',';
	}
	keys[shown > 0 ? used - 1 : used++] = '}';
	keys[used] = '\0';
	core_query_builder rows = { .used = 0 };
	core_query_append(&rows, "SELECT ");
	core_query_append(&rows, listing->columns);
	core_query_append(&rows, ", ");
	core_query_append(&rows, listing->key);
	core_query_append(&rows, "::text, chc_counter.generation FROM (");
	core_query_append(&rows, core_search_mirror_generation_sql(mirror));
	core_query_append(&rows, ") chc_counter (generation) LEFT JOIN ");
	core_query_append(&rows, listing->table);
	core_query_append(&rows, " ON ");
	core_query_append(&rows, listing->key);
	char any[32];
	snprintf(any, sizeof(any), " = ANY ($%d)", core_query_value(&rows, keys));
	core_query_append(&rows, any);
	if (condition != NULL) {
		core_query_append(&rows, " AND ");
		core_query_append(&rows, condition);
	}
	chc_status status = core_query_run(request, &rows, &found->rows);
	if (status != CHC_OK)
		return status;
	int key_column = listing->column_count;
	*counter = strtoll(PQgetvalue(found->rows, 0, key_column + 1), NULL, 10);
	found->count = 0;
	found->messages = NULL;
	if (PQgetisnull(found->rows, 0, key_column))
		return order_as_hits(request, listing, hits, 0, found);
	status = core_entity_rows(request, listing->entity, found->rows, &found->messages,
	                          &found->count);
	return status == CHC_OK ? order_as_hits(request, listing, hits, shown, found) : status;
}

/*
 * A search answered by the listing's mirror (search_mirror.h): the page's
 * keys from memory, then their rows in one statement. *answered stays
 * false when the mirror cannot answer exactly (a filter, a query it does
 * not rank as PostgreSQL would, not loaded yet): PostgreSQL answers then.
 */
static chc_status search_mirrored(core_request *request, const core_listing *listing,
                                  core_search_mirror *mirror, const ProtobufCMessage *input,
                                  const char *text, const char *condition, const core_sort *sort,
                                  bool *answered, core_list_page *found)
{
	*answered = false;
	core_query_builder query = { .used = 0 };
	core_page page;
	bool filtered = false;
	if (!read_request(request, listing, input, &query, sort, &page, &filtered))
		return request->error.code;
	core_search_after after = { .given = page.after };
	if (filtered || listing->entity == NULL)
		return CHC_OK;
	if (page.after) {
		char *end = NULL;
		if (page.keys[0] == NULL || page.keys[1] == NULL)
			return CHC_OK;
		after.rank = strtof(page.keys[0], &end);
		after.key = page.keys[1];
		if (end == page.keys[0] || *end != '\0')
			return CHC_OK;
	}
	size_t limit = (size_t)page.limit, count = 0, total = 0;
	core_search_hit *hits = core_alloc(request, (limit + 1) * sizeof(*hits));
	if (hits == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	/* A second round only when the counter read beside the rows is past
	 * the mirror's when it answered: it then catches up first, so that
	 * what was written before this search is in it. */
	for (int round = 0;; round++) {
		long long answered_at = 0, counter = 0;
		switch (core_search_mirror_query(mirror, request, text, &after, hits, limit + 1,
		                                 &count, &total, &answered_at)) {
		case CORE_SEARCH_ANSWERED:
			break;
		case CORE_SEARCH_UNSUPPORTED:
			return CHC_OK;
		case CORE_SEARCH_NO_MEMORY:
			return core_fail(request, CHC_RESOURCE_EXHAUSTED,
			                 "out of memory for a search");
		case CORE_SEARCH_FAILED:
			return request->error.code;
		}
		size_t shown = count > limit ? limit : count;
		chc_status status = read_hit_rows(request, listing, mirror, condition, hits, shown,
		                                  found, &counter);
		if (status != CHC_OK)
			return status;
		if (counter <= answered_at || round == 1)
			break;
		if (core_search_mirror_catch_up(mirror, request, counter) != CHC_OK)
			return request->error.code;
	}
	*answered = true;
	found->page = (Chc__V1__PageInfo)CHC__V1__PAGE_INFO__INIT;
	found->page.total_size = page.want_total ? (int64_t)total : 0;
	if (count > limit) {
		char rank[32];
		snprintf(rank, sizeof(rank), "%.9g", (double)hits[limit - 1].rank);
		const char *values[2] = { rank, hits[limit - 1].key };
		found->page.next_page_token = core_page_token_of(request, sort, values);
	} else {
		found->page.next_page_token = core_strdup(request, "");
	}
	return found->page.next_page_token != NULL ? CHC_OK : core_failure(request);
}

chc_status core_search(core_request *request, const core_listing *given, core_search_mirror *mirror,
                       const ProtobufCMessage *input, const char *condition, core_list_page *found)
{
	const core_listing full = completed(given), *listing = &full;
	const ProtobufCFieldDescriptor *field = NULL;
	const void *text = field_storage(request, input, "query", &field);
	if (text == NULL || listing->search == NULL || listing->key == NULL)
		return core_fail(request, CHC_INTERNAL, "%s is not a search",
		                 input->descriptor->name);
	/*
	 * Best rank first, the key breaking ties: paged by keyset like a list.
	 * That is sound for a float: ts_rank gives the same real for the same
	 * row and query every time it runs, and PostgreSQL prints a real in
	 * the fewest digits that read back as exactly that real (since 12, by
	 * default), so "rank < the last rank" in the token excludes precisely
	 * the rows already shown. It saves the top-N sort over every row
	 * before a deep page; the rank itself is still computed per match.
	 */
	char order[2 * 160 + 32]; /* two keys: what core_sort_key holds */
	snprintf(order, sizeof(order), "ts_rank(%s, q.q) DESC, %s", listing->search, listing->key);
	core_sort sort;
	if (!core_sort_parse(&sort, listing->table, order))
		return core_fail(request, CHC_INTERNAL, "%s: cannot page by \"%s\"",
		                 input->descriptor->name, order);
	core_check_text(request, "query", *(const char *const *)text, 1, 200);
	if (mirror != NULL && !core_failed(request)) {
		bool answered = false;
		chc_status status =
		        search_mirrored(request, listing, mirror, input, *(const char *const *)text,
		                        condition, &sort, &answered, found);
		if (status != CHC_OK || answered) {
			if (status == CHC_OK)
				core_metrics_search_answered(true);
			return status;
		}
	}
	core_metrics_search_answered(false);
	core_query_builder query = { .used = 0 };
	/* The query is parsed once, with both stemmers. */
	core_query_append(&query, SEARCH_QUERY ", page AS (SELECT ");
	core_query_value(&query, *(const char *const *)text);
	core_query_append(&query, listing->key);
	core_query_append(&query, " AS key");
	append_sort_columns(&query, &sort);
	core_query_append(&query, " FROM ");
	core_query_append(&query, listing->table);
	core_query_append(&query, ", q WHERE ");
	conditions where = { .start = query.used };
	core_query_append(&query, listing->search);
	core_query_append(&query, " @@ q.q");
	if (condition != NULL) {
		core_query_append(&query, " AND ");
		core_query_append(&query, condition);
	}
	return run_page(request, listing, input, &query, &sort, &where, true,
	                SEARCH_QUERY " SELECT count(*) FROM ", ", q WHERE ", found);
}

Chc__V1__PageInfo *core_page_info(core_request *request, const core_list_page *found)
{
	Chc__V1__PageInfo *page = core_alloc(request, sizeof(*page));
	if (page != NULL)
		*page = found->page;
	return page;
}

const ProtobufCMessage *core_page_reply(core_request *request,
                                        const ProtobufCMessageDescriptor *descriptor,
                                        const core_list_page *found)
{
	ProtobufCMessage *reply = core_message_new(request, descriptor);
	Chc__V1__PageInfo *page = core_page_info(request, found);
	if (reply == NULL || page == NULL)
		return NULL;
	bool has_items = false, has_page = false;
	for (unsigned i = 0; i < descriptor->n_fields; i++) {
		const ProtobufCFieldDescriptor *field = &descriptor->fields[i];
		char *storage = (char *)reply + field->offset;
		if (field->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t *count = (size_t *)((char *)reply + field->quantifier_offset);
			if (field->type == PROTOBUF_C_TYPE_MESSAGE && !has_items) {
				*(ProtobufCMessage ***)storage = found->messages;
				*count = found->count;
				has_items = true;
			} else if (field->type == PROTOBUF_C_TYPE_FLOAT &&
			           strcmp(field->name, "ranks") == 0) {
				*(float **)storage = found->ranks;
				*count = found->count;
			}
		} else if (field->type == PROTOBUF_C_TYPE_MESSAGE &&
		           field->descriptor == &chc__v1__page_info__descriptor) {
			*(Chc__V1__PageInfo **)storage = page;
			has_page = true;
		}
	}
	if (!has_items || !has_page) {
		core_fail(request, CHC_INTERNAL, "%s is not a page of records", descriptor->name);
		return NULL;
	}
	return reply;
}

const ProtobufCMessage *core_list_reply(core_request *request, const core_listing *listing,
                                        const ProtobufCMessage *input,
                                        const ProtobufCMessageDescriptor *descriptor)
{
	core_list_page found = { 0 };
	if (core_list(request, listing, input, &found) != CHC_OK)
		return NULL;
	return core_page_reply(request, descriptor, &found);
}

const ProtobufCMessage *core_search_reply(core_request *request, const core_listing *listing,
                                          core_search_mirror *mirror, const ProtobufCMessage *input,
                                          const char *condition,
                                          const ProtobufCMessageDescriptor *descriptor)
{
	core_list_page found = { 0 };
	if (core_search(request, listing, mirror, input, condition, &found) != CHC_OK)
		return NULL;
	return core_page_reply(request, descriptor, &found);
}
