/*
 * listing.c - List and Search run from a listing's description and the
 * request's descriptor.
 *
 * A query over wide rows has two stages: the first orders and counts only
 * keys (an index-only scan where the order has an index), the second builds
 * the full columns for the one page of keys. A page deep in 20,000 solutions
 * takes 20 ms instead of 200, and a broad search half the time, because
 * the columns are not built for every match.
 */
#include "listing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query_builder.h"
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
                         const ProtobufCMessage *input, core_query_builder *query, int *limit,
                         long *offset)
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
	for (size_t i = 0; filters != NULL && i < listing->filter_count; i++)
		add_filter(request, query, filters, prefix, &listing->filters[i]);
	if (listing->visible != NULL)
		listing->visible(request, query);
	const void *page = field_storage(request, input, "page", &field);
	if (page != NULL && field->descriptor == &chc__v1__page_request__descriptor)
		core_page_read(request, *(const Chc__V1__PageRequest *const *)page, limit, offset);
	else if (page != NULL)
		core_fail(request, CHC_INTERNAL, "%s has no page request", input->descriptor->name);
	return !core_failed(request);
}

/* The page's rows into messages, ranks and page information. */
static chc_status read_page(core_request *request, const core_listing *listing,
                            const core_query_builder *query, long offset, bool ranked,
                            core_list_page *found)
{
	found->page = (Chc__V1__PageInfo)CHC__V1__PAGE_INFO__INIT;
	chc_status status = core_query_run(request, query, &found->rows);
	if (status != CHC_OK)
		return status;
	found->count = (size_t)PQntuples(found->rows);
	if (listing->entity != NULL) {
		status = core_entity_rows(request, listing->entity, found->rows, &found->messages,
		                          &found->count);
		if (status != CHC_OK)
			return status;
	}
	if (ranked) {
		found->ranks = core_alloc(request, (found->count + 1) * sizeof(float));
		if (found->ranks == NULL)
			return CHC_RESOURCE_EXHAUSTED;
		for (size_t i = 0; i < found->count; i++)
			found->ranks[i] = strtof(
			        PQgetvalue(found->rows, (int)i, listing->column_count + 1), NULL);
	}
	return core_page_fill(request, found->rows, listing->column_count, offset, &found->page);
}

/* " SELECT <columns>, page.total... FROM page JOIN <table> ON <key> = page.key" */
static void append_second_stage(core_query_builder *query, const core_listing *listing,
                                const char *extra_columns)
{
	core_query_append(query, ") SELECT ");
	core_query_append(query, listing->columns);
	core_query_append(query, ", page.total");
	core_query_append(query, extra_columns);
	core_query_append(query, " FROM page JOIN ");
	core_query_append(query, listing->table);
	core_query_append(query, " ON ");
	core_query_append(query, listing->key);
	core_query_append(query, " = page.key ORDER BY ");
}

chc_status core_list(core_request *request, const core_listing *listing,
                     const ProtobufCMessage *input, core_list_page *found)
{
	int limit = 0;
	long offset = 0;
	core_query_builder query = { .used = 0 };
	if (listing->key != NULL) {
		core_query_append(&query, "WITH page AS (SELECT ");
		core_query_append(&query, listing->key);
		core_query_append(&query, " AS key, count(*) OVER () AS total FROM ");
	} else {
		core_query_append(&query, "SELECT ");
		core_query_append(&query, listing->columns);
		core_query_append(&query, ", count(*) OVER () FROM ");
	}
	core_query_append(&query, listing->table);
	core_query_append(&query, " WHERE true");
	if (!read_request(request, listing, input, &query, &limit, &offset))
		return request->error.code;
	core_query_append(&query, " ORDER BY ");
	core_query_append(&query, listing->order);
	core_query_page(request, &query, limit, offset);
	if (listing->key != NULL) {
		append_second_stage(&query, listing, "");
		core_query_append(&query, listing->order);
	}
	return read_page(request, listing, &query, offset, false, found);
}

chc_status core_search(core_request *request, const core_listing *listing,
                       const ProtobufCMessage *input, const char *condition, core_list_page *found)
{
	int limit = 0;
	long offset = 0;
	const ProtobufCFieldDescriptor *field = NULL;
	const void *text = field_storage(request, input, "query", &field);
	if (text == NULL || listing->search == NULL || listing->key == NULL)
		return core_fail(request, CHC_INTERNAL, "%s is not a search",
		                 input->descriptor->name);
	core_check_text(request, "query", *(const char *const *)text, 1, 200);
	core_query_builder query = { .used = 0 };
	/* The query is parsed once, with both stemmers. */
	core_query_append(&query, "WITH q AS (SELECT websearch_to_tsquery('danish', $1) || "
	                          "websearch_to_tsquery('english', $1) AS q), page AS (SELECT ");
	core_query_value(&query, *(const char *const *)text);
	core_query_append(&query, listing->key);
	core_query_append(&query, " AS key, ts_rank(");
	core_query_append(&query, listing->search);
	core_query_append(&query, ", q.q) AS rank, count(*) OVER () AS total FROM ");
	core_query_append(&query, listing->table);
	core_query_append(&query, ", q WHERE ");
	core_query_append(&query, listing->search);
	core_query_append(&query, " @@ q.q");
	if (condition != NULL) {
		core_query_append(&query, " AND ");
		core_query_append(&query, condition);
	}
	if (!read_request(request, listing, input, &query, &limit, &offset))
		return request->error.code;
	core_query_append(&query, " ORDER BY rank DESC, ");
	core_query_append(&query, listing->key);
	core_query_page(request, &query, limit, offset);
	append_second_stage(&query, listing, ", page.rank");
	core_query_append(&query, "page.rank DESC, ");
	core_query_append(&query, listing->key);
	return read_page(request, listing, &query, offset, true, found);
}

const ProtobufCMessage *core_page_reply(core_request *request,
                                        const ProtobufCMessageDescriptor *descriptor,
                                        const core_list_page *found)
{
	ProtobufCMessage *reply = core_alloc(request, descriptor->sizeof_message);
	/* The page outlives the handler's frame, which found may be part of. */
	Chc__V1__PageInfo *page = core_alloc(request, sizeof(*page));
	if (reply == NULL || page == NULL)
		return NULL;
	descriptor->message_init(reply);
	*page = found->page;
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
                                          const ProtobufCMessage *input, const char *condition,
                                          const ProtobufCMessageDescriptor *descriptor)
{
	core_list_page found = { 0 };
	if (core_search(request, listing, input, condition, &found) != CHC_OK)
		return NULL;
	return core_page_reply(request, descriptor, &found);
}
