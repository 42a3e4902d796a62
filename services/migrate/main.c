/*
 * chc-migrate - applies the schema migrations: chc-migrate up|status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chc/version.h"
#include "config.h"
#include "migrate.h"

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: chc-migrate [--dir DIR] up|status\n"
	        "       chc-migrate --help | --version\n\n"
	        "  up       apply the pending migrations in order, each once, in a transaction\n"
	        "  status   show each migration: applied (when), pending, or CHANGED\n\n"
	        "Environment:\n"
	        "  CHC_DATABASE_URL     libpq connection string (default \"%s\")\n"
	        "  CHC_MIGRATIONS_DIR   where NNNN_name.sql files are (default ./migrations if it\n"
	        "                       exists, else %s)\n",
	        CORE_DEFAULT_DATABASE_URL, CHC_INSTALLED_MIGRATIONS);
}

int main(int argc, char **argv)
{
	const char *directory = getenv("CHC_MIGRATIONS_DIR");
	const char *command = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("chc-migrate %s (schema %d)\n", CHC_VERSION, CHC_SCHEMA_VERSION);
			return 0;
		}
		if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
			directory = argv[++i];
		} else if (command == NULL &&
		           (strcmp(argv[i], "up") == 0 || strcmp(argv[i], "status") == 0)) {
			command = argv[i];
		} else {
			fprintf(stderr, "chc-migrate: unexpected argument \"%s\" (try --help)\n",
			        argv[i]);
			return 2;
		}
	}
	if (command == NULL) {
		usage(stderr);
		return 2;
	}
	if (directory == NULL)
		directory =
		        access("migrations", R_OK) == 0 ? "migrations" : CHC_INSTALLED_MIGRATIONS;
	const char *url = getenv("CHC_DATABASE_URL");
	if (url == NULL)
		url = CORE_DEFAULT_DATABASE_URL;

	chc_error error = { 0 };
	migration_set set;
	if (migration_set_read(directory, &set, &error) != CHC_OK) {
		fprintf(stderr, "chc-migrate: %s\n", error.message);
		chc_error_fini(&error);
		return 1;
	}
	PGconn *connection = PQconnectdb(url);
	int exit_status = 0;
	if (PQstatus(connection) != CONNECTION_OK) {
		fprintf(stderr, "chc-migrate: cannot connect to the database: %s",
		        PQerrorMessage(connection));
		exit_status = 1;
	} else {
		PQclear(PQexec(connection, "SET client_min_messages = warning"));
		chc_status status = strcmp(command, "up") == 0
		                            ? migration_up(connection, &set, stdout, &error)
		                            : migration_status(connection, &set, stdout, &error);
		if (status != CHC_OK) {
			fprintf(stderr, "chc-migrate: %s\n", error.message);
			exit_status = 1;
		}
	}
	PQfinish(connection);
	migration_set_fini(&set);
	chc_error_fini(&error);
	return exit_status;
}
