/*
 * company_import.c - chc company import FILE.csv: the file is sent in
 * chunks of whole records under the service's message limit, each chunk
 * with the header row; every bad row is reported with its row number in the
 * file, its field and the reason.
 */
#include <stdlib.h>
#include <string.h>

#include "chc/v1/companies.pb-c.h"
#include "cli.h"

#define CHUNK_BYTES (3 * 1024 * 1024)

/* Length of the record at text: up to and including its newline, quotes
 * respected (a quoted field may hold newlines). */
static size_t record_length(const char *text)
{
	bool quoted = false;
	size_t i = 0;
	for (; text[i] != '\0'; i++) {
		if (text[i] == '"')
			quoted = !quoted;
		else if (text[i] == '\n' && !quoted)
			return i + 1;
	}
	return i;
}

static char *read_file(const char *path, size_t *length)
{
	FILE *file = fopen(path, "rb");
	if (file == NULL)
		return NULL;
	char *text = NULL;
	FILE *memory = open_memstream(&text, length);
	char chunk[65536];
	size_t got;
	while (memory != NULL && (got = fread(chunk, 1, sizeof(chunk), file)) > 0)
		fwrite(chunk, 1, got, memory);
	fclose(file);
	if (memory != NULL)
		fclose(memory);
	return text;
}

int cli_company_import_csv(cli_state *cli, const char *path, bool dry_run)
{
	size_t length = 0;
	char *text = read_file(path, &length);
	if (text == NULL) {
		fprintf(stderr, "chc: cannot read %s\n", path);
		return CLI_EXIT_USAGE;
	}
	size_t header_length = record_length(text);
	const char *cursor = text + header_length;
	int row_offset = 0;
	int rows = 0, created = 0, updated = 0, solutions = 0, bad = 0;
	int code = CLI_EXIT_OK;
	char *chunk = malloc(header_length + CHUNK_BYTES + 1);
	while (chunk != NULL && *cursor != '\0' && code == CLI_EXIT_OK) {
		memcpy(chunk, text, header_length);
		size_t used = header_length;
		int chunk_rows = 0;
		while (*cursor != '\0') {
			size_t next = record_length(cursor);
			if (used + next > header_length + CHUNK_BYTES && chunk_rows > 0)
				break;
			memcpy(chunk + used, cursor, next);
			used += next;
			cursor += next;
			chunk_rows++;
		}
		chunk[used] = '\0';
		Chc__V1__ImportCompaniesRequest request = CHC__V1__IMPORT_COMPANIES_REQUEST__INIT;
		request.csv = chunk;
		request.dry_run = dry_run;
		ProtobufCMessage *reply = NULL;
		chc_error error = { 0 };
		chc_status status = cli_call(cli, &chc__v1__company_service__descriptor,
		                             "ImportCompanies", &request.base, &reply, &error);
		if (status != CHC_OK) {
			code = cli_report("ImportCompanies", status, &error);
		} else {
			const Chc__V1__ImportCompaniesResponse *result = (const void *)reply;
			rows += result->rows;
			created += result->companies_created;
			updated += result->companies_updated;
			solutions += result->solutions_created;
			for (size_t i = 0; i < result->n_errors; i++) {
				const Chc__V1__ImportRowError *e = result->errors[i];
				/* Row 1 is the first record after the header. */
				fprintf(stderr, "%s: row %d: %s: %s\n", path,
				        e->row == 0 ? 0 : e->row + row_offset, e->field, e->reason);
				bad++;
			}
			protobuf_c_message_free_unpacked(reply, NULL);
		}
		chc_error_fini(&error);
		row_offset += chunk_rows;
	}
	free(chunk);
	free(text);
	if (code != CLI_EXIT_OK)
		return code;
	if (cli->json)
		printf("{\"rows\":%d,\"companies_created\":%d,\"companies_updated\":%d,"
		       "\"solutions_created\":%d,\"errors\":%d}\n",
		       rows, created, updated, solutions, bad);
	else
		printf("%s%d rows: %d companies created, %d updated, %d solutions created, %d rows "
		       "refused\n",
		       dry_run ? "dry run: " : "", rows, created, updated, solutions, bad);
	return bad == 0 ? CLI_EXIT_OK : CLI_EXIT_INVALID;
}
