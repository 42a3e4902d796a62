/*
 * test_csv.c - the CSV reader behind ImportCompanies: RFC 4180 records one
 * at a time, in memory as large as the longest record, not the file.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "chc_test_main.h"

#include "csv.h"

static void reads_quoted_fields_and_skips_blank_lines(void **state)
{
	(void)state;
	core_request request = { 0 };
	csv_reader reader;
	csv_reader_init(&reader, "name,cvr\r\n\n\"Quoted, \"\"Name\"\"\",1\nlast,\"two\nlines\"");
	csv_record record;
	assert_int_equal(csv_reader_next(&reader, &request, &record), CHC_OK);
	assert_int_equal(record.count, 2);
	assert_string_equal(record.fields[1], "cvr");
	assert_int_equal(csv_reader_next(&reader, &request, &record), CHC_OK);
	assert_int_equal(record.count, 2);
	assert_string_equal(record.fields[0], "Quoted, \"Name\"");
	assert_int_equal(csv_reader_next(&reader, &request, &record), CHC_OK);
	assert_string_equal(record.fields[1], "two\nlines");
	assert_int_equal(csv_reader_next(&reader, &request, &record), CHC_OK);
	assert_int_equal(record.count, 0);
	csv_reader_fini(&reader);
	core_request_fini(&request);
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
	core_request request = { 0 };
	csv_reader reader;
	csv_reader_init(&reader, text);
	csv_record record;
	size_t read = 0;
	while (csv_reader_next(&reader, &request, &record) == CHC_OK && record.count > 0)
		read++;
	assert_int_equal(read, records);
	assert_int_equal(reader.field_capacity, 32);
	assert_int_equal(reader.text_capacity, 256);
	csv_reader_fini(&reader);
	core_request_fini(&request);
	free(text);
}

static void broken_records_are_named(void **state)
{
	(void)state;
	core_request request = { 0 };
	csv_reader reader;
	csv_reader_init(&reader, "name\n\"never closed\n");
	csv_record record;
	assert_int_equal(csv_reader_next(&reader, &request, &record), CHC_OK);
	assert_int_equal(csv_reader_next(&reader, &request, &record), CHC_INVALID_ARGUMENT);
	assert_non_null(strstr(request.error.message, "csv.row[1]"));
	csv_reader_fini(&reader);
	core_request_fini(&request);

	char *wide = malloc(CSV_MAX_FIELDS * 2 + 2);
	assert_non_null(wide);
	memset(wide, ',', CSV_MAX_FIELDS);
	wide[CSV_MAX_FIELDS] = '\0';
	request = (core_request){ 0 };
	csv_reader_init(&reader, wide);
	assert_int_equal(csv_reader_next(&reader, &request, &record), CHC_INVALID_ARGUMENT);
	assert_non_null(strstr(request.error.message, "more than 1024 fields"));
	csv_reader_fini(&reader);
	core_request_fini(&request);
	free(wide);
}

CHC_TEST_MAIN(NULL, NULL, cmocka_unit_test(reads_quoted_fields_and_skips_blank_lines),
              cmocka_unit_test(a_file_of_short_lines_costs_one_record),
              cmocka_unit_test(broken_records_are_named))
