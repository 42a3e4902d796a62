/*
 * fuzz_csv.c - libFuzzer target: the CSV parser behind ImportCompanies
 * takes any bytes a caller sends. It must never crash, read out of bounds
 * or leak; a malformed file is an INVALID_ARGUMENT, nothing else.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	core_request request = { 0 };
	csv_reader reader;
	csv_reader_init(&reader, text);
	csv_record record = { 0 };
	chc_status status;
	while ((status = csv_reader_next(&reader, &request, &record)) == CHC_OK && record.count > 0)
		for (size_t f = 0; f < record.count; f++)
			if (record.fields[f] == NULL)
				abort();
	if (status != CHC_OK && status != CHC_INVALID_ARGUMENT)
		abort();
	csv_reader_fini(&reader);
	core_request_fini(&request);
	free(text);
	return 0;
}
