#include "csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void csv_reader_init(csv_reader *reader, const char *text)
{
	*reader = (csv_reader){ .cursor = text };
}

void csv_reader_fini(csv_reader *reader)
{
	free(reader->text);
	free(reader->starts);
	free(reader->fields);
	*reader = (csv_reader){ 0 };
}

static chc_status put_character(csv_reader *reader, size_t *used, char c)
{
	if (*used == reader->text_capacity) {
		size_t capacity = reader->text_capacity ? reader->text_capacity * 2 : 256;
		char *bigger = realloc(reader->text, capacity);
		if (bigger == NULL)
			return CHC_RESOURCE_EXHAUSTED;
		reader->text = bigger;
		reader->text_capacity = capacity;
	}
	reader->text[(*used)++] = c;
	return CHC_OK;
}

static chc_status start_field(csv_reader *reader, size_t count, size_t at)
{
	if (count == reader->field_capacity) {
		size_t capacity = reader->field_capacity ? reader->field_capacity * 2 : 32;
		size_t *starts = realloc(reader->starts, capacity * sizeof(*starts));
		if (starts == NULL)
			return CHC_RESOURCE_EXHAUSTED;
		reader->starts = starts;
		char **fields = realloc(reader->fields, capacity * sizeof(*fields));
		if (fields == NULL)
			return CHC_RESOURCE_EXHAUSTED;
		reader->fields = fields;
		reader->field_capacity = capacity;
	}
	reader->starts[count] = at;
	return CHC_OK;
}

static chc_status violation(csv_reader *reader, core_request *request, const char *reason)
{
	char name[40];
	snprintf(name, sizeof(name), "csv.row[%zu]", reader->records);
	return core_violation(request, name, "%s", reason);
}

/* One record's fields into reader->text; the cursor ends past its line. */
static chc_status read_record(csv_reader *reader, core_request *request, size_t *count)
{
	const char *p = reader->cursor;
	size_t used = 0;
	*count = 0;
	for (;;) {
		if (*count == CSV_MAX_FIELDS)
			return violation(reader, request, "has more than 1024 fields");
		if (start_field(reader, *count, used) != CHC_OK)
			return CHC_RESOURCE_EXHAUSTED;
		(*count)++;
		if (*p == '"') {
			for (p++;; p++) {
				if (*p == '\0')
					return violation(reader, request,
					                 "a quoted field is never closed");
				if (*p == '"' && p[1] != '"')
					break;
				if (*p == '"')
					p++; /* a doubled quote stands for one */
				if (put_character(reader, &used, *p) != CHC_OK)
					return CHC_RESOURCE_EXHAUSTED;
			}
			p++;
		}
		for (; *p != '\0' && *p != ',' && *p != '\n' && *p != '\r'; p++)
			if (put_character(reader, &used, *p) != CHC_OK)
				return CHC_RESOURCE_EXHAUSTED;
		if (put_character(reader, &used, '\0') != CHC_OK)
			return CHC_RESOURCE_EXHAUSTED;
		if (*p != ',')
			break;
		p++;
	}
	if (*p == '\r')
		p++;
	if (*p == '\n')
		p++;
	reader->cursor = p;
	return CHC_OK;
}

chc_status csv_reader_next(csv_reader *reader, core_request *request, csv_record *record)
{
	*record = (csv_record){ 0 };
	while (*reader->cursor != '\0') {
		size_t count = 0;
		chc_status status = read_record(reader, request, &count);
		if (status == CHC_RESOURCE_EXHAUSTED)
			return core_fail(request, status, "out of memory reading the CSV");
		if (status != CHC_OK)
			return status;
		/* A blank line is one empty field: skipped. */
		if (count == 1 && reader->text[0] == '\0')
			continue;
		for (size_t i = 0; i < count; i++)
			reader->fields[i] = reader->text + reader->starts[i];
		reader->records++;
		*record = (csv_record){ reader->fields, count };
		return CHC_OK;
	}
	return CHC_OK;
}
