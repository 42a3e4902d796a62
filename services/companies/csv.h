/*
 * csv.h - RFC 4180 CSV: fields separated by commas, quoted with double
 * quotes (a quote inside doubled), records ended by LF or CRLF.
 *
 * The reader hands out one record at a time and reuses its memory for the
 * next, so what a file costs is its longest record, not its number of
 * records: a 4 MB body of two-byte lines would otherwise keep two million
 * field arrays alive until the request ends.
 */
#ifndef COMPANIES_CSV_H
#define COMPANIES_CSV_H

#include <stddef.h>

#include "request.h"

/* A record has at most this many fields; the import knows 22 columns, so
 * more is a broken file, not a wide one. */
#define CSV_MAX_FIELDS 1024

typedef struct csv_record {
	char **fields;
	size_t count;
} csv_record;

typedef struct csv_reader {
	const char *cursor;
	size_t records; /* records handed out so far, for the error's name */
	char *text;     /* the current record's fields, each NUL-terminated */
	size_t text_capacity;
	size_t *starts; /* where each field begins in text */
	char **fields;
	size_t field_capacity;
} csv_reader;

/* Reads text (NUL-terminated, owned by the caller, kept until fini). */
void csv_reader_init(csv_reader *reader, const char *text);

/*
 * The next record, blank lines skipped; record->count is 0 at the end. The
 * record's memory belongs to the reader and is overwritten by the next call.
 * Returns CHC_OK, CHC_INVALID_ARGUMENT (a violation on request naming
 * "csv.row[N]": a quote never closed, too many fields) or
 * CHC_RESOURCE_EXHAUSTED.
 */
chc_status csv_reader_next(csv_reader *reader, core_request *request, csv_record *record);

void csv_reader_fini(csv_reader *reader);

#endif /* COMPANIES_CSV_H */
