/*
 * test_migrate.c - chc-migrate applies each file once, in order, records
 * checksums, refuses a changed file, takes turns under its lock; a service
 * refuses a schema older than it needs.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "chc_test_main.h"

#include "harness.h"

static char url[512];

/* Runs command with CHC_DATABASE_URL=url; its output in output. */
static int run(const char *command, char *output, size_t size)
{
	char line[2048];
	snprintf(line, sizeof(line), "export CHC_DATABASE_URL='%s'; %s 2>&1", url, command);
	FILE *pipe = popen(line, "r");
	size_t used = fread(output, 1, size - 1, pipe);
	output[used] = '\0';
	int status = pclose(pipe);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int fresh_database(void **state)
{
	(void)state;
	PGconn *admin = harness_database();
	harness_sql_value(admin, "DROP DATABASE IF EXISTS chc_migrate_test");
	harness_sql_value(admin, "CREATE DATABASE chc_migrate_test");
	PQfinish(admin);
	snprintf(url, sizeof(url), "%s", harness_database_url());
	char *name = strstr(url, "dbname=chc");
	assert_non_null(name);
	snprintf(name, sizeof(url) - (size_t)(name - url), "dbname=chc_migrate_test");
	return 0;
}

#define MIGRATE CHC_BUILD_DIR "/services/chc-migrate --dir " CHC_SOURCE_DIR "/migrations"

/* Runs chc-migrate with arguments and fails the test unless it exits with
 * status; returns its output (static). */
static const char *migrate(const char *arguments, int status)
{
	static char output[8192];
	char command[1024];
	snprintf(command, sizeof(command), MIGRATE " %s", arguments);
	assert_int_equal(run(command, output, sizeof(output)), status);
	return output;
}

static void applies_once_and_records_checksums(void **state)
{
	(void)state;
	const char *output = migrate("status", 0);
	assert_non_null(strstr(output, "0001_service_schemas.sql"));
	assert_non_null(strstr(output, "pending"));
	/* Two at once take turns under the advisory lock. */
	char both[8192];
	assert_int_equal(run("( " MIGRATE " up & " MIGRATE " up; wait $! )", both, sizeof(both)),
	                 0);
	assert_non_null(strstr(migrate("up", 0), "schema is current"));
	assert_null(strstr(migrate("status", 0), "pending"));
	PGconn *connection = PQconnectdb(url);
	assert_string_equal(harness_sql_value(connection, "SELECT count(*) FROM "
	                                                  "municipalities.municipalities"),
	                    "98");
	assert_int_equal(strlen(harness_sql_value(connection, "SELECT checksum FROM "
	                                                      "chc_schema_migrations LIMIT 1")),
	                 64);
	/* Someone edited an applied file. */
	harness_sql_value(connection, "UPDATE chc_schema_migrations SET checksum = repeat('0', 64) "
	                              "WHERE version = 2");
	PQfinish(connection);
	assert_non_null(
	        strstr(migrate("up", 1), "0002_regions_and_municipalities.sql was changed"));
	assert_non_null(strstr(migrate("status", 1), "CHANGED"));
}

static void service_refuses_an_old_schema(void **state)
{
	(void)state;
	PGconn *connection = PQconnectdb(url);
	harness_sql_value(connection, "DELETE FROM chc_schema_migrations WHERE version > 1");
	PQfinish(connection);
	char output[8192];
	assert_int_equal(run(CHC_BUILD_DIR "/services/chc-projects", output, sizeof(output)), 1);
	assert_non_null(strstr(output, "needs version"));
	assert_non_null(strstr(output, "chc-migrate up"));
}

CHC_TEST_MAIN(fresh_database, NULL, cmocka_unit_test(applies_once_and_records_checksums),
              cmocka_unit_test(service_refuses_an_old_schema))
