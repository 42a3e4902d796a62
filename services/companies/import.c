/*
 * import.c - ImportCompanies: companies (and optionally one solution each)
 * from CSV.
 *
 * Every row is validated with the same rules as CreateCompany and
 * CreateSolution; bad rows are reported (row, field, reason) and left out
 * whole, so no row is ever half-written. Valid rows go through COPY into a
 * temporary staging table and from there into the tables in a few set-based
 * statements, all in the request's one transaction. Companies are found
 * again by CVR (or country and VAT number), solutions by company and name,
 * so importing the same file twice creates no duplicates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chc/json.h"
#include "chc/uuid.h"
#include "companies.h"
#include "csv.h"
#include "db.h"
#include "entity.h"
#include "enum_columns.h"
#include "handler.h"
#include "query_builder.h"
#include "validate.h"

enum column {
	NAME,
	CVR,
	COUNTRY,
	VAT_NUMBER,
	LEGAL_FORM,
	ADDRESS,
	MUNICIPALITY_CODE,
	WEBSITE,
	SIZE_CLASS,
	FOUNDED_YEAR,
	DESCRIPTION,
	CATEGORIES,
	SOLUTION_NAME,
	SOLUTION_DESCRIPTION,
	SOLUTION_CATEGORIES,
	SOLUTION_TARGET_GROUPS,
	SOLUTION_TRL,
	SOLUTION_DEVICE_CLASS,
	SOLUTION_STANDARDS,
	COLUMN_COUNT,
};

static const char *const column_names[COLUMN_COUNT] = {
	"name",
	"cvr",
	"country",
	"vat_number",
	"legal_form",
	"address",
	"municipality_code",
	"website",
	"size_class",
	"founded_year",
	"description",
	"categories",
	"solution_name",
	"solution_description",
	"solution_categories",
	"solution_target_groups",
	"solution_trl",
	"solution_device_class",
	"solution_standards",
};

typedef struct import_state {
	core_request *request;
	int positions[COLUMN_COUNT]; /* column index in the file, -1 when absent */
	Chc__V1__ImportCompaniesResponse *reply;
	size_t error_capacity;
	FILE *copy; /* the COPY text being built */
	char *copy_text;
	size_t copy_length;
	size_t errors_left_out;
} import_state;

/* A reply lists this many errors at the most: a file of a million bad rows
 * would otherwise make a reply larger than any message may be. */
#define IMPORT_MAX_ERRORS 1000

static const char *field_of(const import_state *state, const csv_record *record, enum column c)
{
	int position = state->positions[c];
	return position >= 0 && (size_t)position < record->count ? record->fields[position] : "";
}

static void add_error(import_state *state, int row, const char *field, const char *reason)
{
	Chc__V1__ImportCompaniesResponse *reply = state->reply;
	if (reply->n_errors == IMPORT_MAX_ERRORS) {
		state->errors_left_out++;
		return;
	}
	if (reply->n_errors == state->error_capacity) {
		size_t capacity = state->error_capacity ? state->error_capacity * 2 : 64;
		Chc__V1__ImportRowError **bigger =
		        core_alloc(state->request, capacity * sizeof(*bigger));
		if (bigger == NULL)
			return;
		if (reply->errors != NULL)
			memcpy(bigger, reply->errors, reply->n_errors * sizeof(*bigger));
		reply->errors = bigger;
		state->error_capacity = capacity;
	}
	Chc__V1__ImportRowError *error =
	        core_message_new(state->request, &chc__v1__import_row_error__descriptor);
	if (error == NULL)
		return;
	error->row = row;
	error->field = core_strdup(state->request, field);
	error->reason = core_strdup(state->request, reason);
	reply->errors[reply->n_errors++] = error;
}

/* The last error says how many more there were (row 0: the whole file). */
static void note_errors_left_out(import_state *state)
{
	if (state->errors_left_out == 0)
		return;
	/* The last one listed makes room, and is counted with the rest. */
	state->reply->n_errors--;
	char reason[96];
	snprintf(reason, sizeof(reason), "%zu more errors are not listed",
	         state->errors_left_out + 1);
	add_error(state, 0, "csv", reason);
}

/* "a;b" of slugs into enum values; false with a reason for an unknown one. */
static int *parse_enums(core_request *scratch, const ProtobufCEnumDescriptor *descriptor,
                        const char *text, size_t *count, const char *field)
{
	*count = 0;
	int *values = core_alloc(scratch, (strlen(text) / 2 + 2) * sizeof(int));
	if (values == NULL)
		return NULL;
	char *copy = core_strdup(scratch, text);
	char *cursor = NULL;
	for (char *word = strtok_r(copy, ";", &cursor); word != NULL;
	     word = strtok_r(NULL, ";", &cursor)) {
		while (*word == ' ')
			word++;
		int value = 0;
		if (chc_enum_parse(descriptor, word, &value) != CHC_OK || value == 0) {
			core_violation(scratch, field, "\"%.40s\" is not a %s", word,
			               descriptor->short_name);
			break;
		}
		values[(*count)++] = value;
	}
	return values;
}

static bool parse_int(core_request *scratch, const char *text, int *value, const char *field)
{
	*value = 0;
	if (text[0] == '\0')
		return true;
	char *end = NULL;
	long parsed = strtol(text, &end, 10);
	if (*end != '\0' || parsed < -1000000 || parsed > 1000000) {
		core_violation(scratch, field, "\"%.20s\" is not a whole number", text);
		return false;
	}
	*value = (int)parsed;
	return true;
}

/* COPY text format: tab-separated, \N for NULL, backslash escapes. */
static void copy_field(FILE *out, const char *text, bool last)
{
	if (text == NULL) {
		fputs("\\N", out);
	} else {
		/* Runs of ordinary characters in one write; escapes between them. */
		for (const char *p = text; *p != '\0';) {
			size_t plain = strcspn(p, "\\\t\n\r");
			fwrite(p, 1, plain, out);
			p += plain;
			if (*p == '\0')
				break;
			fputs(*p == '\\'   ? "\\\\"
			      : *p == '\t' ? "\\t"
			      : *p == '\n' ? "\\n"
			                   : "\\r",
			      out);
			p++;
		}
	}
	fputc(last ? '\n' : '\t', out);
}

/* Validates one row; on success appends it to the COPY text. */
/* The company of a row, parsed and validated; its region from the
 * municipality table (checked once for the whole import). */
static void read_company(import_state *state, const csv_record *record, core_request *scratch,
                         Chc__V1__Company *company, int *region)
{
	company->name = (char *)field_of(state, record, NAME);
	company->cvr = (char *)field_of(state, record, CVR);
	company->country = (char *)field_of(state, record, COUNTRY);
	company->vat_number = (char *)field_of(state, record, VAT_NUMBER);
	company->legal_form = (char *)field_of(state, record, LEGAL_FORM);
	company->address = (char *)field_of(state, record, ADDRESS);
	company->website = (char *)field_of(state, record, WEBSITE);
	company->description = (char *)field_of(state, record, DESCRIPTION);
	int size = 0;
	const char *size_text = field_of(state, record, SIZE_CLASS);
	if (size_text[0] != '\0' &&
	    chc_enum_parse(&chc__v1__size_class__descriptor, size_text, &size) != CHC_OK)
		core_violation(scratch, "size_class", "\"%.20s\" is not a size class", size_text);
	company->size_class = size;
	parse_int(scratch, field_of(state, record, MUNICIPALITY_CODE), &company->municipality_code,
	          "municipality_code");
	parse_int(scratch, field_of(state, record, FOUNDED_YEAR), &company->founded_year,
	          "founded_year");
	company->categories = (Chc__V1__CareCategory *)parse_enums(
	        scratch, &chc__v1__care_category__descriptor, field_of(state, record, CATEGORIES),
	        &company->n_categories, "categories");
	*region = 0;
	if (!core_failed(scratch) && company_validate(scratch, company) &&
	    company->municipality_code != 0)
		municipality_code_check(scratch, "municipality_code", company->municipality_code,
		                        region);
}

/* The row's solution, when it names one, parsed and validated. */
static void read_solution(import_state *state, const csv_record *record, core_request *scratch,
                          Chc__V1__Solution *solution)
{
	/* The company's id is not known yet; any valid UUID passes. */
	static char placeholder[] = "00000000-0000-4000-8000-000000000000";
	solution->company_id = placeholder;
	solution->name = (char *)field_of(state, record, SOLUTION_NAME);
	solution->description = (char *)field_of(state, record, SOLUTION_DESCRIPTION);
	solution->categories = (Chc__V1__CareCategory *)parse_enums(
	        scratch, &chc__v1__care_category__descriptor,
	        field_of(state, record, SOLUTION_CATEGORIES), &solution->n_categories,
	        "solution_categories");
	solution->target_groups = (Chc__V1__TargetGroup *)parse_enums(
	        scratch, &chc__v1__target_group__descriptor,
	        field_of(state, record, SOLUTION_TARGET_GROUPS), &solution->n_target_groups,
	        "solution_target_groups");
	solution->standards =
	        (Chc__V1__Standard *)parse_enums(scratch, &chc__v1__standard__descriptor,
	                                         field_of(state, record, SOLUTION_STANDARDS),
	                                         &solution->n_standards, "solution_standards");
	parse_int(scratch, field_of(state, record, SOLUTION_TRL), &solution->trl, "solution_trl");
	int device = 0;
	const char *device_text = field_of(state, record, SOLUTION_DEVICE_CLASS);
	if (chc_enum_parse(&chc__v1__device_class__descriptor, device_text, &device) != CHC_OK)
		core_violation(scratch, "solution_device_class", "\"%.20s\" is not a device class",
		               device_text);
	solution->device_class = device;
	if (!core_failed(scratch))
		solution_validate(scratch, solution, true);
}

/* Every violation of the row, named by the file's column ("company.cvr" is
 * the column "cvr"). */
static void report_row(import_state *state, const core_request *scratch, int row)
{
	if (scratch->error.violation_count == 0)
		add_error(state, row, "", scratch->error.message);
	for (size_t i = 0; i < scratch->error.violation_count; i++) {
		const char *field = scratch->error.violations[i].field;
		if (strncmp(field, "company.", 8) == 0)
			field += 8;
		add_error(state, row, field, scratch->error.violations[i].description);
	}
}

/* One line of COPY text for the staging table. */
static void write_row(import_state *state, core_request *scratch, int row,
                      const Chc__V1__Company *company, int region,
                      const Chc__V1__Solution *solution, bool has_solution)
{
	char row_text[16], region_text[16], municipality_text[16], founded_text[16], trl_text[16];
	snprintf(row_text, sizeof(row_text), "%d", row);
	snprintf(region_text, sizeof(region_text), "%d", region);
	snprintf(municipality_text, sizeof(municipality_text), "%d", company->municipality_code);
	snprintf(founded_text, sizeof(founded_text), "%d", company->founded_year);
	snprintf(trl_text, sizeof(trl_text), "%d", solution->trl);
	char id[37];
	chc_uuid_generate(id);
	FILE *out = state->copy;
	copy_field(out, row_text, false);
	copy_field(out, id, false);
	copy_field(out, company->name, false);
	copy_field(out, company->cvr[0] ? company->cvr : NULL, false);
	copy_field(out, company->cvr[0] ? "DK" : company->country, false);
	copy_field(out, company->vat_number, false);
	copy_field(out, company->legal_form, false);
	copy_field(out, company->address, false);
	copy_field(out, company->municipality_code ? municipality_text : NULL, false);
	copy_field(out, region ? region_text : NULL, false);
	copy_field(out, company->website, false);
	copy_field(out,
	           core_enum_slug(scratch, &chc__v1__size_class__descriptor, company->size_class),
	           false);
	copy_field(out, company->founded_year ? founded_text : NULL, false);
	copy_field(out, company->description, false);
	copy_field(out,
	           core_enum_array(scratch, &chc__v1__care_category__descriptor,
	                           (const int *)company->categories, company->n_categories),
	           false);
	/* The solution's columns, \N each when the row has none. */
	enum { SOLUTION_COPY_FIELDS = 7 };
	const char *columns[SOLUTION_COPY_FIELDS] = { NULL };
	if (has_solution) {
		columns[0] = solution->name;
		columns[1] = solution->description;
		columns[2] =
		        core_enum_array(scratch, &chc__v1__care_category__descriptor,
		                        (const int *)solution->categories, solution->n_categories);
		columns[3] = core_enum_array(scratch, &chc__v1__target_group__descriptor,
		                             (const int *)solution->target_groups,
		                             solution->n_target_groups);
		columns[4] = trl_text;
		columns[5] = core_enum_slug(scratch, &chc__v1__device_class__descriptor,
		                            solution->device_class);
		columns[6] =
		        core_enum_array(scratch, &chc__v1__standard__descriptor,
		                        (const int *)solution->standards, solution->n_standards);
	}
	for (int i = 0; i < SOLUTION_COPY_FIELDS; i++)
		copy_field(out, columns[i], i == SOLUTION_COPY_FIELDS - 1);
}

/* A row is read, checked, and either written for COPY or reported. */
static void import_row(import_state *state, const csv_record *record, int row)
{
	core_request scratch = { .server = state->request->server,
		                 .database = state->request->database,
		                 .principal = state->request->principal };
	Chc__V1__Company company = CHC__V1__COMPANY__INIT;
	int region = 0;
	read_company(state, record, &scratch, &company, &region);
	Chc__V1__Solution solution = CHC__V1__SOLUTION__INIT;
	bool has_solution = field_of(state, record, SOLUTION_NAME)[0] != '\0';
	if (has_solution && !core_failed(&scratch))
		read_solution(state, record, &scratch, &solution);
	if (core_failed(&scratch))
		report_row(state, &scratch, row);
	else
		write_row(state, &scratch, row, &company, region, &solution, has_solution);
	core_request_fini(&scratch);
}

static const char staging_sql[] =
        "CREATE TEMP TABLE import_rows (row_number int, id uuid, name text, cvr text, country "
        "text, vat_number text, legal_form text, address text, municipality_code int, region_code "
        "int, website text, size_class text, founded_year int, description text, categories "
        "text[], solution_name text, solution_description text, solution_categories text[], "
        "solution_target_groups text[], solution_trl int, solution_device_class text, "
        "solution_standards text[]) ON COMMIT DROP";

/* The last row of a file wins when one company appears twice. */
static const char upsert_sql[] =
        "WITH latest AS (SELECT DISTINCT ON (coalesce(cvr, country || '/' || vat_number)) * FROM "
        "import_rows ORDER BY coalesce(cvr, country || '/' || vat_number), row_number DESC), "
        "danish AS (INSERT INTO companies.companies AS c (id, name, cvr, country, vat_number, "
        "legal_form, address, municipality_code, region_code, website, size_class, founded_year, "
        "description, categories) SELECT id, name, cvr, country, vat_number, legal_form, address, "
        "municipality_code, region_code, website, size_class, founded_year, description, "
        "categories FROM latest WHERE cvr IS NOT NULL ON CONFLICT (cvr) DO UPDATE SET name = "
        "excluded.name, legal_form = excluded.legal_form, address = excluded.address, "
        "municipality_code = excluded.municipality_code, region_code = excluded.region_code, "
        "website = excluded.website, size_class = excluded.size_class, founded_year = "
        "excluded.founded_year, description = excluded.description, categories = "
        "excluded.categories, version = c.version + 1, updated_at = now() WHERE (c.name, "
        "c.legal_form, c.address, c.municipality_code, c.website, c.size_class, c.founded_year, "
        "c.description, c.categories) IS DISTINCT FROM (excluded.name, excluded.legal_form, "
        "excluded.address, excluded.municipality_code, excluded.website, excluded.size_class, "
        "excluded.founded_year, excluded.description, excluded.categories) RETURNING (xmax = 0) "
        "AS created), "
        "foreign_rows AS (INSERT INTO companies.companies AS c (id, name, country, vat_number, "
        "legal_form, address, website, size_class, founded_year, description, categories) SELECT "
        "id, name, country, vat_number, legal_form, address, website, size_class, founded_year, "
        "description, categories FROM latest WHERE cvr IS NULL ON CONFLICT (country, vat_number) "
        "WHERE cvr IS NULL AND vat_number <> '' DO UPDATE SET name = excluded.name, legal_form = "
        "excluded.legal_form, address = excluded.address, website = excluded.website, size_class "
        "= excluded.size_class, founded_year = excluded.founded_year, description = "
        "excluded.description, categories = excluded.categories, version = c.version + 1, "
        "updated_at = now() WHERE (c.name, c.legal_form, c.address, c.website, c.size_class, "
        "c.founded_year, c.description, c.categories) IS DISTINCT FROM (excluded.name, "
        "excluded.legal_form, excluded.address, excluded.website, excluded.size_class, "
        "excluded.founded_year, excluded.description, excluded.categories) RETURNING (xmax = 0) "
        "AS created) "
        "SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM (SELECT "
        "created FROM danish UNION ALL SELECT created FROM foreign_rows) changed";

static const char solutions_sql[] =
        "INSERT INTO companies.solutions (id, company_id, name, description, categories, "
        "target_groups, trl, device_class, standards, status) SELECT DISTINCT ON (c.id, "
        "lower(r.solution_name)) gen_random_uuid(), c.id, r.solution_name, r.solution_description, "
        "r.solution_categories, r.solution_target_groups, r.solution_trl, r.solution_device_class, "
        "r.solution_standards, 'draft' FROM import_rows r JOIN companies.companies c ON (r.cvr IS "
        "NOT NULL AND c.cvr = r.cvr) OR (r.cvr IS NULL AND c.cvr IS NULL AND c.country = r.country "
        "AND c.vat_number = r.vat_number) WHERE r.solution_name IS NOT NULL ORDER BY c.id, "
        "lower(r.solution_name), r.row_number DESC ON CONFLICT (company_id, lower(name)) DO "
        "NOTHING";

#define COPY_PIECE_BYTES ((size_t)64 << 10)

static chc_status copy_rows(core_request *request, const char *text, size_t length)
{
	PGresult *result = NULL;
	if (core_query_sql(request, staging_sql, 0, NULL, &result) != CHC_OK)
		return request->error.code;
	PGresult *started = PQexec(request->db, "COPY import_rows FROM STDIN");
	bool ok = PQresultStatus(started) == PGRES_COPY_IN;
	PQclear(started);
	/* PQputCopyData takes an int: a body past 2 GiB would wrap, so it goes
	 * in pieces (PostgreSQL joins them; a piece may end mid-row). */
	for (size_t sent = 0; ok && sent < length; sent += COPY_PIECE_BYTES) {
		size_t piece = length - sent < COPY_PIECE_BYTES ? length - sent : COPY_PIECE_BYTES;
		ok = PQputCopyData(request->db, text + sent, (int)piece) == 1;
	}
	ok = PQputCopyEnd(request->db, ok ? NULL : "import aborted") == 1 && ok;
	PGresult *finished = PQgetResult(request->db);
	ok = ok && PQresultStatus(finished) == PGRES_COMMAND_OK;
	if (!ok)
		core_fail(request, CHC_INTERNAL, "copying the rows failed: %s",
		          PQresultErrorMessage(finished));
	PQclear(finished);
	/* Drain: libpq wants every result read before the next command. */
	while ((finished = PQgetResult(request->db)) != NULL)
		PQclear(finished);
	return ok ? CHC_OK : CHC_INTERNAL;
}

static bool read_header(import_state *state, const csv_record *header)
{
	for (int c = 0; c < COLUMN_COUNT; c++)
		state->positions[c] = -1;
	bool ok = true;
	for (size_t i = 0; i < header->count; i++) {
		bool known = false;
		for (int c = 0; c < COLUMN_COUNT; c++) {
			if (strcmp(header->fields[i], column_names[c]) == 0) {
				state->positions[c] = (int)i;
				known = true;
			}
		}
		if (!known) {
			char reason[160];
			snprintf(reason, sizeof(reason), "unknown column \"%.60s\"",
			         header->fields[i]);
			add_error(state, 0, "header", reason);
			ok = false;
		}
	}
	if (state->positions[NAME] < 0) {
		add_error(state, 0, "header", "the column \"name\" is required");
		ok = false;
	}
	return ok;
}

static Chc__V1__ImportCompaniesResponse *
import_companies(core_request *request, const Chc__V1__ImportCompaniesRequest *input)
{
	Chc__V1__ImportCompaniesResponse *reply =
	        core_message_new(request, &chc__v1__import_companies_response__descriptor);
	if (reply == NULL)
		return NULL;
	import_state state = { .request = request, .reply = reply };
	csv_reader reader;
	csv_reader_init(&reader, input->csv);
	csv_record record = { 0 };
	if (!core_check_text(request, "csv", input->csv, 1, SIZE_MAX) ||
	    csv_reader_next(&reader, request, &record) != CHC_OK || record.count == 0) {
		if (!core_failed(request))
			core_violation(request, "csv", "has no header row");
		csv_reader_fini(&reader);
		return NULL;
	}
	/* A file with a bad header is still counted, so that the reply says
	 * how many rows were not imported. */
	bool header_known = read_header(&state, &record);
	state.copy = open_memstream(&state.copy_text, &state.copy_length);
	if (state.copy == NULL)
		core_fail(request, CHC_RESOURCE_EXHAUSTED, "out of memory");
	int count = 0;
	while (!core_failed(request) && csv_reader_next(&reader, request, &record) == CHC_OK &&
	       record.count > 0) {
		count++;
		if (header_known)
			import_row(&state, &record, count);
	}
	if (state.copy != NULL)
		fclose(state.copy);
	note_errors_left_out(&state);
	csv_reader_fini(&reader);
	reply->rows = count;
	PGresult *result = NULL;
	if (!core_failed(request) && !input->dry_run && state.copy_length > 0 &&
	    copy_rows(request, state.copy_text, state.copy_length) == CHC_OK &&
	    core_query_sql(request, upsert_sql, 0, NULL, &result) == CHC_OK) {
		reply->companies_created = atoi(PQgetvalue(result, 0, 0));
		reply->companies_updated = atoi(PQgetvalue(result, 0, 1));
		if (core_query_sql(request, solutions_sql, 0, NULL, &result) == CHC_OK)
			reply->solutions_created = atoi(PQcmdTuples(result));
	}
	free(state.copy_text);
	return core_failed(request) ? NULL : reply;
}
CORE_REPLY_HANDLER(companies, import_companies, ImportCompaniesRequest, ImportCompaniesResponse)
