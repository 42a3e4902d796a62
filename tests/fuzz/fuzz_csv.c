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
	csv_record *records = NULL;
	size_t count = 0;
	chc_status status = csv_parse(&request, text, &records, &count);
	if (status != CHC_OK && status != CHC_INVALID_ARGUMENT)
		abort();
	for (size_t r = 0; status == CHC_OK && r < count; r++)
		for (size_t f = 0; f < records[r].count; f++)
			if (records[r].fields[f] == NULL)
				abort();
	core_request_fini(&request);
	free(text);
	return 0;
}
