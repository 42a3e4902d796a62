/*
 * company_import.c - chc company import FILE.csv: the file is sent in
 * chunks of whole records under the service's message limit, each chunk
 * with the header row, a few chunks in flight at once; every bad row is
 * reported with its row number in the file, its field and the reason. Each
 * chunk is one transaction: when a chunk fails as a whole (the service is
 * gone, say) the rows before it are in and the message says from which row
 * to import again; re-importing rows already in changes nothing.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../common/whole_file.h"
#include "chc/v1/companies.pb-c.h"
#include "cli.h"

#define CHUNK_BYTES    (1024 * 1024)
#define IMPORT_SENDERS 3

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

/* One chunk of the file: whole records, sent with the header row. */
typedef struct import_chunk {
	const char *records;
	size_t length;
	int first_row; /* rows of the file before this chunk */
	chc_status status;
	chc_error error;
	Chc__V1__ImportCompaniesResponse *reply;
} import_chunk;

typedef struct import_job {
	cli_state *cli;
	const char *header;
	size_t header_length;
	bool dry_run;
	import_chunk *chunks;
	size_t chunk_count;
	pthread_mutex_t lock;
	size_t next_chunk;
	bool failed; /* a chunk failed as a whole: send no more */
} import_job;

/* Cuts the records after the header into chunks under CHUNK_BYTES. */
static import_chunk *split_chunks(const char *records, size_t *count)
{
	size_t capacity = 16, used = 0;
	import_chunk *chunks = calloc(capacity, sizeof(*chunks));
	int row = 0;
	while (chunks != NULL && *records != '\0') {
		if (used == capacity) {
			import_chunk *grown = realloc(chunks, 2 * capacity * sizeof(*chunks));
			if (grown == NULL) {
				free(chunks);
				return NULL;
			}
			memset(grown + capacity, 0, capacity * sizeof(*chunks));
			chunks = grown;
			capacity *= 2;
		}
		import_chunk *chunk = &chunks[used++];
		chunk->records = records;
		chunk->first_row = row;
		while (*records != '\0') {
			size_t next = record_length(records);
			if (chunk->length + next > CHUNK_BYTES && chunk->length > 0)
				break;
			chunk->length += next;
			records += next;
			row++;
		}
	}
	*count = used;
	return chunks;
}

static void send_chunk(import_job *job, import_chunk *chunk)
{
	char *csv = malloc(job->header_length + chunk->length + 1);
	if (csv == NULL) {
		chunk->status =
		        chc_error_set(&chunk->error, CHC_RESOURCE_EXHAUSTED, "out of memory");
		return;
	}
	memcpy(csv, job->header, job->header_length);
	memcpy(csv + job->header_length, chunk->records, chunk->length);
	csv[job->header_length + chunk->length] = '\0';
	Chc__V1__ImportCompaniesRequest request = CHC__V1__IMPORT_COMPANIES_REQUEST__INIT;
	request.csv = csv;
	request.dry_run = job->dry_run;
	ProtobufCMessage *reply = NULL;
	chunk->status = cli_call(job->cli, &chc__v1__company_service__descriptor, "ImportCompanies",
	                         &request.base, &reply, &chunk->error);
	chunk->reply = (Chc__V1__ImportCompaniesResponse *)reply;
	free(csv);
}

/* A sender: takes the next chunk until none are left or one failed. */
static void *send_chunks(void *argument)
{
	import_job *job = argument;
	for (;;) {
		pthread_mutex_lock(&job->lock);
		import_chunk *chunk = NULL;
		if (!job->failed && job->next_chunk < job->chunk_count)
			chunk = &job->chunks[job->next_chunk++];
		pthread_mutex_unlock(&job->lock);
		if (chunk == NULL)
			return NULL;
		send_chunk(job, chunk);
		if (chunk->status != CHC_OK) {
			pthread_mutex_lock(&job->lock);
			job->failed = true;
			pthread_mutex_unlock(&job->lock);
		}
	}
}

int cli_company_import_csv(cli_state *cli, const char *path, bool dry_run)
{
	size_t length = 0;
	char *text = chc_whole_file(path, &length);
	if (text == NULL) {
		fprintf(stderr, "chc: cannot read %s\n", path);
		return CLI_EXIT_USAGE;
	}
	import_job job = { .cli = cli, .header = text, .dry_run = dry_run };
	job.header_length = record_length(text);
	job.chunks = split_chunks(text + job.header_length, &job.chunk_count);
	if (job.chunks == NULL) {
		free(text);
		fprintf(stderr, "chc: out of memory\n");
		return CLI_EXIT_FAILURE;
	}
	/* Chunks are independent transactions: a few in flight keep the service's
	 * workers and PostgreSQL busy while the next chunk travels. */
	pthread_mutex_init(&job.lock, NULL);
	pthread_t senders[IMPORT_SENDERS];
	int started = 0;
	while (started < IMPORT_SENDERS && (size_t)started < job.chunk_count &&
	       pthread_create(&senders[started], NULL, send_chunks, &job) == 0)
		started++;
	if (started == 0)
		send_chunks(&job);
	for (int i = 0; i < started; i++)
		pthread_join(senders[i], NULL);
	pthread_mutex_destroy(&job.lock);

	int rows = 0, created = 0, updated = 0, solutions = 0, bad = 0;
	int code = CLI_EXIT_OK;
	for (size_t c = 0; c < job.chunk_count; c++) {
		import_chunk *chunk = &job.chunks[c];
		if (chunk->reply != NULL) {
			const Chc__V1__ImportCompaniesResponse *result = chunk->reply;
			rows += result->rows;
			created += result->companies_created;
			updated += result->companies_updated;
			solutions += result->solutions_created;
			for (size_t i = 0; i < result->n_errors; i++) {
				const Chc__V1__ImportRowError *e = result->errors[i];
				/* Row 1 is the first record after the header. */
				fprintf(stderr, "%s: row %d: %s: %s\n", path,
				        e->row == 0 ? 0 : e->row + chunk->first_row, e->field,
				        e->reason);
				bad++;
			}
			protobuf_c_message_free_unpacked(&chunk->reply->base, NULL);
		} else if (chunk->status != CHC_OK && code == CLI_EXIT_OK) {
			fprintf(stderr, "chc: rows %d and on were not imported\n",
			        chunk->first_row + 1);
			code = cli_report("ImportCompanies", chunk->status, &chunk->error);
		}
		chc_error_fini(&chunk->error);
	}
	free(job.chunks);
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
