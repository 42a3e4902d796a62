/*
 * migrate.c - the advisory lock makes two chc-migrate runs (two containers
 * starting at once) take turns; the second then finds nothing to do.
 */
#include "migrate.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "file.h"

#define MIGRATION_LOCK_KEY "7100"

static int file_compare(const void *left, const void *right)
{
	return ((const migration_file *)left)->version - ((const migration_file *)right)->version;
}

static chc_status file_checksum(migration_file *file, chc_error *error)
{
	char *text = NULL;
	size_t length = 0;
	chc_status status = core_read_file(file->path, CHC_NOT_FOUND, &text, &length, error);
	if (status != CHC_OK)
		return status;
	uint8_t digest[CORE_SHA256_BYTES];
	const void *parts[] = { text };
	status = core_sha256(parts, &length, 1, digest);
	free(text);
	if (status != CHC_OK)
		return chc_error_set(error, status, "cannot compute the checksum of %s",
		                     file->path);
	core_sha256_hex(digest, file->checksum);
	return CHC_OK;
}

chc_status migration_set_read(const char *directory, migration_set *set, chc_error *error)
{
	memset(set, 0, sizeof(*set));
	DIR *dir = opendir(directory);
	if (dir == NULL)
		return chc_error_set(error, CHC_NOT_FOUND, "cannot open migrations directory %s",
		                     directory);
	chc_status status = CHC_OK;
	struct dirent *entry;
	while (status == CHC_OK && (entry = readdir(dir)) != NULL) {
		const char *name = entry->d_name;
		size_t length = strlen(name);
		if (length < 10 || strcmp(name + length - 4, ".sql") != 0 || name[4] != '_' ||
		    strspn(name, "0123456789") != 4)
			continue;
		migration_file *grown = realloc(set->files, (set->count + 1) * sizeof(*grown));
		if (grown == NULL) {
			status = chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
			break;
		}
		set->files = grown;
		migration_file *file = &set->files[set->count];
		memset(file, 0, sizeof(*file));
		file->version = atoi(name);
		file->name = strdup(name);
		if (asprintf(&file->path, "%s/%s", directory, name) < 0)
			file->path = NULL;
		set->count++;
		if (file->name == NULL || file->path == NULL)
			status = chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
		else
			status = file_checksum(file, error);
	}
	closedir(dir);
	if (status != CHC_OK) {
		migration_set_fini(set);
		return status;
	}
	qsort(set->files, set->count, sizeof(migration_file), file_compare);
	for (size_t i = 1; i < set->count; i++) {
		if (set->files[i].version == set->files[i - 1].version) {
			status = chc_error_set(error, CHC_FAILED_PRECONDITION,
			                       "two migrations have number %04d: %s and %s",
			                       set->files[i].version, set->files[i - 1].name,
			                       set->files[i].name);
			migration_set_fini(set);
			return status;
		}
	}
	return CHC_OK;
}

void migration_set_fini(migration_set *set)
{
	for (size_t i = 0; i < set->count; i++) {
		free(set->files[i].name);
		free(set->files[i].path);
	}
	free(set->files);
	memset(set, 0, sizeof(*set));
}

static chc_status exec_command(PGconn *connection, const char *sql, const char *what,
                               chc_error *error)
{
	PGresult *result = PQexec(connection, sql);
	ExecStatusType kind = PQresultStatus(result);
	chc_status status = CHC_OK;
	if (kind != PGRES_COMMAND_OK && kind != PGRES_TUPLES_OK) {
		char reason[600];
		snprintf(reason, sizeof(reason), "%s", PQerrorMessage(connection));
		reason[strcspn(reason, "\n")] = '\0';
		status = chc_error_set(error, CHC_FAILED_PRECONDITION, "%s failed: %s", what,
		                       reason);
	}
	PQclear(result);
	return status;
}

typedef struct applied_row {
	int version;
	char checksum[65];
	char applied_at[40];
} applied_row;

/* The applied rows, sorted by version; caller frees *rows. */
static chc_status read_applied(PGconn *connection, applied_row **rows, int *count, chc_error *error)
{
	chc_status status = exec_command(
	        connection,
	        "CREATE TABLE IF NOT EXISTS chc_schema_migrations ("
	        " version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
	        " applied_at timestamptz NOT NULL DEFAULT now())",
	        "creating chc_schema_migrations", error);
	if (status != CHC_OK)
		return status;
	PGresult *result =
	        PQexec(connection,
	               "SELECT version, checksum, to_char(applied_at, 'YYYY-MM-DD HH24:MI:SS') "
	               "FROM chc_schema_migrations ORDER BY version");
	if (PQresultStatus(result) != PGRES_TUPLES_OK) {
		PQclear(result);
		return chc_error_set(error, CHC_FAILED_PRECONDITION,
		                     "cannot read chc_schema_migrations: %s",
		                     PQerrorMessage(connection));
	}
	int n = PQntuples(result);
	*rows = calloc((size_t)(n > 0 ? n : 1), sizeof(applied_row));
	if (*rows == NULL) {
		PQclear(result);
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	}
	for (int i = 0; i < n; i++) {
		(*rows)[i].version = atoi(PQgetvalue(result, i, 0));
		snprintf((*rows)[i].checksum, sizeof((*rows)[i].checksum), "%s",
		         PQgetvalue(result, i, 1));
		snprintf((*rows)[i].applied_at, sizeof((*rows)[i].applied_at), "%s",
		         PQgetvalue(result, i, 2));
	}
	*count = n;
	PQclear(result);
	return CHC_OK;
}

static const applied_row *find_applied(const applied_row *rows, int count, int version)
{
	for (int i = 0; i < count; i++)
		if (rows[i].version == version)
			return &rows[i];
	return NULL;
}

/* Every applied file must still have the checksum it was applied with. */
static chc_status verify_checksums(const migration_set *set, const applied_row *rows, int count,
                                   chc_error *error)
{
	for (size_t i = 0; i < set->count; i++) {
		const applied_row *row = find_applied(rows, count, set->files[i].version);
		if (row != NULL && strcmp(row->checksum, set->files[i].checksum) != 0)
			return chc_error_set(error, CHC_FAILED_PRECONDITION,
			                     "migration %s was changed after it was applied "
			                     "(checksum %.12s in the "
			                     "database, %.12s on disk): restore the file and put "
			                     "the change in a "
			                     "new migration",
			                     set->files[i].name, row->checksum,
			                     set->files[i].checksum);
	}
	return CHC_OK;
}

static chc_status apply_one(PGconn *connection, const migration_file *file, chc_error *error)
{
	char *sql = NULL;
	size_t length = 0;
	chc_status status = core_read_file(file->path, CHC_NOT_FOUND, &sql, &length, error);
	if (status != CHC_OK)
		return status;
	status = exec_command(connection, "BEGIN", "BEGIN", error);
	if (status == CHC_OK) {
		char what[300];
		snprintf(what, sizeof(what), "migration %s", file->name);
		status = exec_command(connection, sql, what, error);
	}
	if (status == CHC_OK) {
		char version[16];
		snprintf(version, sizeof(version), "%d", file->version);
		const char *values[] = { version, file->name, file->checksum };
		PGresult *result = PQexecParams(connection,
		                                "INSERT INTO chc_schema_migrations (version, name, "
		                                "checksum) VALUES ($1, $2, $3)",
		                                3, NULL, values, NULL, NULL, 0);
		if (PQresultStatus(result) != PGRES_COMMAND_OK)
			status = chc_error_set(error, CHC_FAILED_PRECONDITION,
			                       "recording %s failed: %s", file->name,
			                       PQerrorMessage(connection));
		PQclear(result);
	}
	if (status == CHC_OK)
		status = exec_command(connection, "COMMIT", "COMMIT", error);
	else {
		chc_error ignored = { 0 };
		exec_command(connection, "ROLLBACK", "ROLLBACK", &ignored);
		chc_error_fini(&ignored);
	}
	free(sql);
	return status;
}

chc_status migration_up(PGconn *connection, const migration_set *set, FILE *out, chc_error *error)
{
	chc_status status =
	        exec_command(connection, "SELECT pg_advisory_lock(" MIGRATION_LOCK_KEY ")",
	                     "taking the migration lock", error);
	if (status != CHC_OK)
		return status;
	applied_row *rows = NULL;
	int count = 0;
	status = read_applied(connection, &rows, &count, error);
	if (status == CHC_OK)
		status = verify_checksums(set, rows, count, error);
	int applied = 0;
	for (size_t i = 0; status == CHC_OK && i < set->count; i++) {
		if (find_applied(rows, count, set->files[i].version) != NULL)
			continue;
		status = apply_one(connection, &set->files[i], error);
		if (status == CHC_OK) {
			fprintf(out, "applied %s\n", set->files[i].name);
			applied++;
		}
	}
	if (status == CHC_OK && applied == 0)
		fprintf(out, "schema is current (version %d)\n",
		        set->count > 0 ? set->files[set->count - 1].version : 0);
	/* Under the same lock: two runs at once would race on the roles. */
	if (status == CHC_OK)
		status = migration_grant_service_roles(connection, error);
	free(rows);
	chc_error ignored = { 0 };
	exec_command(connection, "SELECT pg_advisory_unlock(" MIGRATION_LOCK_KEY ")",
	             "releasing the migration lock", &ignored);
	chc_error_fini(&ignored);
	return status;
}

chc_status migration_status(PGconn *connection, const migration_set *set, FILE *out,
                            chc_error *error)
{
	applied_row *rows = NULL;
	int count = 0;
	chc_status status = read_applied(connection, &rows, &count, error);
	if (status != CHC_OK)
		return status;
	bool changed = false;
	fprintf(out, "%-8s %-44s %s\n", "VERSION", "FILE", "STATE");
	for (size_t i = 0; i < set->count; i++) {
		const migration_file *file = &set->files[i];
		const applied_row *row = find_applied(rows, count, file->version);
		if (row == NULL) {
			fprintf(out, "%04d     %-44s pending\n", file->version, file->name);
		} else if (strcmp(row->checksum, file->checksum) != 0) {
			fprintf(out, "%04d     %-44s CHANGED since applied %s\n", file->version,
			        file->name, row->applied_at);
			changed = true;
		} else {
			fprintf(out, "%04d     %-44s applied %s\n", file->version, file->name,
			        row->applied_at);
		}
	}
	for (int i = 0; i < count; i++) {
		bool on_disk = false;
		for (size_t k = 0; k < set->count; k++)
			on_disk = on_disk || set->files[k].version == rows[i].version;
		if (!on_disk)
			fprintf(out, "%04d     %-44s applied %s, file missing\n", rows[i].version,
			        "?", rows[i].applied_at);
	}
	free(rows);
	if (changed)
		return chc_error_set(error, CHC_FAILED_PRECONDITION,
		                     "an applied migration was changed on disk");
	return CHC_OK;
}
