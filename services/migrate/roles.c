/*
 * roles.c - least privilege in PostgreSQL: each service connects as its own
 * login role, chc_<service>, with the rights its own schema's rows need and
 * nothing else. The tables stay the migrating owner's: a service that owned
 * its schema could alter it, drop the audit's append-only trigger or grant
 * itself more, and only the migrations change the schema.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth.h"
#include "migrate.h"

/* Run after every `up`, so that a table a later migration adds is granted
 * too. Reading and writing its rows (DELETE for erasure and retention),
 * its sequences; the audit only read and appended (its trigger refuses
 * changes, and the grant does not allow them in the first place); the
 * shared tokens read and written (TokenService is on every service); the
 * schema version read by the check at start. A migrating user without
 * CREATEROLE is warned and the services connect as whoever their
 * CHC_DATABASE_URL names. */
static const char grants_sql[] =
        "DO $grants$ DECLARE service text; role text; BEGIN "
        "FOREACH service IN ARRAY ARRAY['companies', 'municipalities', 'projects', 'matching'] "
        "LOOP "
        "  role := 'chc_' || service; "
        "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = role) THEN "
        "    BEGIN "
        "      EXECUTE format('CREATE ROLE %I LOGIN', role); "
        "    EXCEPTION WHEN insufficient_privilege THEN "
        "      RAISE WARNING 'cannot create role % (the migrating user needs CREATEROLE)', role; "
        "      CONTINUE; "
        "    END; "
        "  END IF; "
        "  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), "
        "role); "
        "  EXECUTE format('GRANT USAGE ON SCHEMA %I, auth TO %I', service, role); "
        "  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO "
        "%I', service, role); "
        "  EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', service, "
        "role); "
        "  EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I.audit FROM %I', service, role); "
        "  EXECUTE format('GRANT SELECT, INSERT, UPDATE ON auth.tokens TO %I', role); "
        "  EXECUTE format('GRANT SELECT ON public.chc_schema_migrations TO %I', role); "
        "END LOOP; "
        "END $grants$";

chc_status migration_grant_service_roles(PGconn *connection, chc_error *error)
{
	PGresult *result = PQexec(connection, grants_sql);
	chc_status status = CHC_OK;
	if (PQresultStatus(result) != PGRES_COMMAND_OK) {
		char reason[600];
		snprintf(reason, sizeof(reason), "%s", PQerrorMessage(connection));
		reason[strcspn(reason, "\n")] = '\0';
		status = chc_error_set(error, CHC_FAILED_PRECONDITION,
		                       "granting the services' roles failed: %s", reason);
	}
	PQclear(result);
	return status;
}

/* Whether the password file at path has a line for role. */
static bool has_line(const char *path, const char *role)
{
	FILE *in = fopen(path, "r");
	if (in == NULL)
		return false;
	char line[512], field[128];
	bool found = false;
	while (!found && fgets(line, sizeof(line), in) != NULL)
		found = sscanf(line, "%*[^:]:%*[^:]:%*[^:]:%127[^:]:", field) == 1 &&
		        strcmp(field, role) == 0;
	fclose(in);
	return found;
}

/* Sets a new random password for role (sent already hashed with
 * SCRAM-SHA-256, so the secret never crosses the wire or reaches the
 * server's log) and appends its line to the open file. */
static chc_status set_password(PGconn *connection, int file, const char *role, chc_error *error)
{
	char secret[4 + 64 + 1];
	if (core_auth_new_secret(secret) != CHC_OK)
		return chc_error_set(error, CHC_INTERNAL, "no random bytes for a password");
	char *hashed = PQencryptPasswordConn(connection, secret, role, "scram-sha-256");
	char *literal = hashed != NULL ? PQescapeLiteral(connection, hashed, strlen(hashed)) : NULL;
	char *identifier = PQescapeIdentifier(connection, role, strlen(role));
	chc_status status = CHC_OK;
	if (literal == NULL || identifier == NULL) {
		status = chc_error_set(error, CHC_INTERNAL, "cannot hash the password of %s: %s",
		                       role, PQerrorMessage(connection));
	} else {
		char sql[512];
		snprintf(sql, sizeof(sql), "ALTER ROLE %s PASSWORD %s", identifier, literal);
		PGresult *result = PQexec(connection, sql);
		if (PQresultStatus(result) != PGRES_COMMAND_OK)
			status = chc_error_set(error, CHC_FAILED_PRECONDITION,
			                       "cannot set the password of %s: %s", role,
			                       PQerrorMessage(connection));
		PQclear(result);
	}
	if (status == CHC_OK && dprintf(file, "*:*:*:%s:%s\n", role, secret) < 0)
		status = chc_error_set(error, CHC_INTERNAL, "cannot write the password of %s: %s",
		                       role, strerror(errno));
	PQfreemem(hashed);
	PQfreemem(literal);
	PQfreemem(identifier);
	return status;
}

chc_status migration_service_passwords(PGconn *connection, const char *path, FILE *out,
                                       chc_error *error)
{
	static const char *const roles[] = { "chc_companies", "chc_municipalities", "chc_projects",
		                             "chc_matching" };
	int file = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (file < 0)
		return chc_error_set(error, CHC_FAILED_PRECONDITION, "cannot open %s: %s", path,
		                     strerror(errno));
	/* libpq ignores a password file others can read. */
	chc_status status = fchmod(file, 0600) == 0 ? CHC_OK
	                                            : chc_error_set(error, CHC_FAILED_PRECONDITION,
	                                                            "cannot make %s private: %s",
	                                                            path, strerror(errno));
	for (size_t i = 0; status == CHC_OK && i < sizeof(roles) / sizeof(roles[0]); i++) {
		if (has_line(path, roles[i]))
			continue;
		status = set_password(connection, file, roles[i], error);
		if (status == CHC_OK)
			fprintf(out, "password of %s written to %s\n", roles[i], path);
	}
	if (close(file) != 0 && status == CHC_OK)
		status = chc_error_set(error, CHC_INTERNAL, "cannot write %s: %s", path,
		                       strerror(errno));
	return status;
}
