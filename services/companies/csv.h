/*
 * csv.h - RFC 4180 CSV: fields separated by commas, quoted with double
 * quotes (a quote inside doubled), records ended by LF or CRLF.
 */
#ifndef COMPANIES_CSV_H
#define COMPANIES_CSV_H

#include <stddef.h>

#include "request.h"

typedef struct csv_record {
	char **fields;
	size_t count;
} csv_record;

/*
 * Splits text into request-owned records; blank lines are skipped. Returns
 * CHC_OK, or CHC_INVALID_ARGUMENT (a violation naming the record) for a
 * quote that is never closed.
 */
chc_status csv_parse(core_request *request, const char *text, csv_record **records, size_t *count);

#endif /* COMPANIES_CSV_H */
