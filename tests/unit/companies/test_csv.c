/*
 * test_csv.c - the CSV reader behind ImportCompanies: RFC 4180 records one
 * at a time, in memory as large as the longest record, not the file.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "chc_test_main.h"

#include "csv.h"

/* A reader over a text, with the request it reports to. */
typedef struct csv_case {
	core_request request;
	csv_reader reader;
	csv_record record;
} csv_case;

static void case_open(csv_case *c, const char *text)
{
	c->request = (core_request){ 0 };
	csv_reader_init(&c->reader, text);
}

/* Reads the next record into c->record. */
static chc_status case_next(csv_case *c)
{
	return csv_reader_next(&c->reader, &c->request, &c->record);
}

static void case_close(csv_case *c)
{
	csv_reader_fini(&c->reader);
	core_request_fini(&c->request);
}

static void reads_quoted_fields_and_skips_blank_lines(void **state)
{
	(void)state;
	csv_case c;
	case_open(&c, "name,cvr\r\n\n\"Quoted, \"\"Name\"\"\",1\nlast,\"two\nlines\"");
	assert_int_equal(case_next(&c), CHC_OK);
	assert_int_equal(c.record.count, 2);
	assert_string_equal(c.record.fields[1], "cvr");
	assert_int_equal(case_next(&c), CHC_OK);
	assert_int_equal(c.record.count, 2);
	assert_string_equal(c.record.fields[0], "Quoted, \"Name\"");
	assert_int_equal(case_next(&c), CHC_OK);
	assert_string_equal(c.record.fields[1], "two\nlines");
	assert_int_equal(case_next(&c), CHC_OK);
	assert_int_equal(c.record.count, 0);
	case_close(&c);
}

static void a_file_of_short_lines_costs_one_record(void **state)
{
	(void)state;
	/* 4 MB of two-byte records: the reader's memory stays at its first
	 * allocation however many records pass through it. */
	size_t records = 2u << 20;
	char *text = malloc(records * 2 + 1);
	assert_non_null(text);
	for (size_t i = 0; i < records; i++)
		memcpy(text + 2 * i, "a\n", 2);
	text[records * 2] = '\0';
	csv_case c;
	case_open(&c, text);
	size_t read = 0;
	while (case_next(&c) == CHC_OK && c.record.count > 0)
		read++;
	assert_int_equal(read, records);
	assert_int_equal(c.reader.field_capacity, 32);
	assert_int_equal(c.reader.text_capacity, 256);
	case_close(&c);
	free(text);
}

static void broken_records_are_named(void **state)
{
	(void)state;
	csv_case c;
	case_open(&c, "name\n\"never closed\n");
	assert_int_equal(case_next(&c), CHC_OK);
	assert_int_equal(case_next(&c), CHC_INVALID_ARGUMENT);
	assert_non_null(strstr(c.request.error.message, "csv.row[1]"));
	case_close(&c);

	char *wide = malloc(CSV_MAX_FIELDS * 2 + 2);
	assert_non_null(wide);
	memset(wide, ',', CSV_MAX_FIELDS);
	wide[CSV_MAX_FIELDS] = '\0';
	case_open(&c, wide);
	assert_int_equal(case_next(&c), CHC_INVALID_ARGUMENT);
	assert_non_null(strstr(c.request.error.message, "more than 1024 fields"));
	case_close(&c);
	free(wide);
}

CHC_TEST_MAIN(NULL, NULL, cmocka_unit_test(reads_quoted_fields_and_skips_blank_lines),
              cmocka_unit_test(a_file_of_short_lines_costs_one_record),
              cmocka_unit_test(broken_records_are_named))
