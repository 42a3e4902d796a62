/*
 * chc-migrate - applies the schema migrations and grants each service's
 * role its own schema (chc-migrate up|status), gives those roles passwords
 * (chc-migrate passwords) and makes the first tokens of a fresh
 * installation (chc-migrate token), which no service can make before an
 * admin token exists.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "chc/version.h"
#include "config.h"
#include "migrate.h"
#include "tokens.h"

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: chc-migrate [--dir DIR] up|status\n"
	        "       chc-migrate token ROLE FILE [NAME]\n"
	        "       chc-migrate passwords FILE\n"
	        "       chc-migrate --help | --version\n\n"
	        "  up       apply the pending migrations in order, each once, in a transaction;\n"
	        "           then create each service's login role (chc_companies,\n"
	        "           chc_municipalities, chc_projects, chc_matching) and grant it its own\n"
	        "           schema's rows and nothing else\n"
	        "  status   show each migration: applied (when), pending, or CHANGED\n"
	        "  token    make a token of ROLE (admin, service, secretariat, reader) and write\n"
	        "           it to FILE, readable by its owner only (mode 0600); nothing is done\n"
	        "           when FILE holds a valid token, so a stack's start runs it every "
	        "time\n"
	        "  passwords  give each service role that FILE (libpq's password file format,\n"
	        "           mode 0600) has no line for a new random password and add the line;\n"
	        "           a service then connects with user=chc_<service> passfile=FILE\n\n"
	        "Environment:\n"
	        "  CHC_DATABASE_URL     libpq connection string (default \"%s\")\n"
	        "  CHC_MIGRATIONS_DIR   where NNNN_name.sql files are (default ./migrations if it\n"
	        "                       exists, else %s)\n",
	        CORE_DEFAULT_DATABASE_URL, CHC_INSTALLED_MIGRATIONS);
}

/* Whether the first line of path is a token the database knows and has
 * not revoked: then a stack that starts again keeps its tokens. */
static bool token_file_is_valid(PGconn *connection, const char *path)
{
	char secret[256] = "";
	FILE *in = fopen(path, "r");
	if (in == NULL)
		return false;
	bool read = fgets(secret, sizeof(secret), in) != NULL;
	fclose(in);
	secret[strcspn(secret, "\r\n")] = '\0';
	char hash[65];
	if (!read || core_auth_secret_hash(secret, hash) != CHC_OK)
		return false;
	const char *values[] = { hash };
	PGresult *result = PQexecParams(connection,
	                                "SELECT 1 FROM auth.tokens WHERE secret_hash = "
	                                "decode($1, 'hex') AND revoked_at IS NULL AND "
	                                "(expires_at IS NULL OR expires_at > now())",
	                                1, NULL, values, NULL, NULL, 0);
	bool valid = PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1;
	PQclear(result);
	return valid;
}

/* Writes a new token of role to path, readable by its owner only, unless
 * path already holds a valid one. The file is written beside and renamed,
 * so a reader never sees half a token. */
static int make_token(PGconn *connection, const char *role, const char *path, const char *name)
{
	if (token_file_is_valid(connection, path))
		return 0;
	char temporary[4096];
	snprintf(temporary, sizeof(temporary), "%s.new", path);
	unlink(temporary);
	int file = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (file < 0) {
		fprintf(stderr, "chc-migrate: cannot create %s: %s\n", temporary, strerror(errno));
		return 1;
	}
	char id[37];
	char secret[4 + 64 + 1];
	chc_error error = { 0 };
	int exit_status = 0;
	if (core_token_create(connection, role, "", name, 0, "chc-migrate", id, secret, &error) !=
	    CHC_OK) {
		fprintf(stderr, "chc-migrate: %s\n", error.message);
		exit_status = 1;
	} else if (dprintf(file, "%s\n", secret) < 0) {
		fprintf(stderr, "chc-migrate: cannot write %s\n", temporary);
		exit_status = 1;
	}
	if (close(file) != 0 || (exit_status == 0 && rename(temporary, path) != 0))
		exit_status = 1;
	if (exit_status != 0)
		unlink(temporary);
	else
		printf("token %s (%s) written to %s\n", id, role, path);
	chc_error_fini(&error);
	return exit_status;
}

static int passwords(PGconn *connection, const char *path)
{
	chc_error error = { 0 };
	int exit_status = 0;
	if (migration_service_passwords(connection, path, stdout, &error) != CHC_OK) {
		fprintf(stderr, "chc-migrate: %s\n", error.message);
		exit_status = 1;
	}
	chc_error_fini(&error);
	return exit_status;
}

/* chc-migrate token ROLE FILE [NAME] and chc-migrate passwords FILE. */
static int database_command(int argc, char **argv)
{
	bool token = strcmp(argv[1], "token") == 0;
	if (token ? argc < 4 || argc > 5 : argc != 3) {
		usage(stderr);
		return 2;
	}
	const char *url = getenv("CHC_DATABASE_URL");
	PGconn *connection = PQconnectdb(url != NULL ? url : CORE_DEFAULT_DATABASE_URL);
	int exit_status = 1;
	if (PQstatus(connection) != CONNECTION_OK)
		fprintf(stderr, "chc-migrate: cannot connect to the database: %s",
		        PQerrorMessage(connection));
	else if (token)
		exit_status =
		        make_token(connection, argv[2], argv[3], argc == 5 ? argv[4] : argv[2]);
	else
		exit_status = passwords(connection, argv[2]);
	PQfinish(connection);
	return exit_status;
}

int main(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "token") == 0 || strcmp(argv[1], "passwords") == 0))
		return database_command(argc, argv);
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
