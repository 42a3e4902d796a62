/*
 * db.c - connections, statements and the one table that maps SQLSTATEs to
 * status codes.
 */
#include "db.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

chc_status core_db_init(core_db *db, const char *url)
{
	memset(db, 0, sizeof(*db));
	pthread_mutex_init(&db->cancel_lock, NULL);
	db->url = strdup(url);
	db->retry_interval_us = 200000;
	db->connect_timeout_seconds = "5";
	return db->url != NULL ? CHC_OK : CHC_RESOURCE_EXHAUSTED;
}

chc_status core_db_init_replica(core_db *db, const char *url)
{
	chc_status status = core_db_init(db, url);
	/* libpq waits at least 2 s whatever it is told; a shorter spacing
	 * would have every worker's reads wait on a host that is gone. */
	db->retry_interval_us = 2000000;
	db->connect_timeout_seconds = "2";
	db->read_replica = true;
	return status;
}

void core_db_fini(core_db *db)
{
	if (db == NULL || db->url == NULL)
		return;
	if (db->cancel != NULL)
		PQfreeCancel(db->cancel);
	if (db->connection != NULL)
		PQfinish(db->connection);
	free(db->url);
	free(db->prepared);
	pthread_mutex_destroy(&db->cancel_lock);
	memset(db, 0, sizeof(*db));
}

static void db_set_cancel(core_db *db, PGcancel *cancel)
{
	pthread_mutex_lock(&db->cancel_lock);
	if (db->cancel != NULL)
		PQfreeCancel(db->cancel);
	db->cancel = cancel;
	pthread_mutex_unlock(&db->cancel_lock);
}

void core_db_cancel(core_db *db)
{
	pthread_mutex_lock(&db->cancel_lock);
	if (db->cancel != NULL) {
		char reason[256];
		PQcancel(db->cancel, reason, sizeof(reason));
	}
	pthread_mutex_unlock(&db->cancel_lock);
}

static void db_forget(core_db *db)
{
	db_set_cancel(db, NULL);
	if (db->connection != NULL)
		PQfinish(db->connection);
	db->connection = NULL;
	if (db->prepared != NULL)
		memset(db->prepared, 0, db->prepared_capacity * sizeof(*db->prepared));
	db->prepared_count = 0;
}

/* The slot of name in the set: where it is, or the empty one where it goes. */
static size_t prepared_slot(const core_db *db, const char *name)
{
	size_t mask = db->prepared_capacity - 1;
	size_t slot = (size_t)(((uintptr_t)name >> 3) * 0x9E3779B97F4A7C15u) & mask;
	while (db->prepared[slot] != NULL && db->prepared[slot] != name)
		slot = (slot + 1) & mask;
	return slot;
}

static bool prepared_contains(const core_db *db, const char *name)
{
	return db->prepared_capacity > 0 && db->prepared[prepared_slot(db, name)] == name;
}

/* Forgets name again (its PREPARE failed): the set is rebuilt without it,
 * which keeps the probe sequences of the others whole. */
static void prepared_forget(core_db *db, const char *name)
{
	size_t capacity = db->prepared_capacity;
	const char **old = db->prepared;
	const char **kept = calloc(capacity, sizeof(*kept));
	if (kept == NULL) {
		/* Out of memory: a new connection has no statements, so the set
		 * is empty and true again. */
		db_forget(db);
		return;
	}
	db->prepared = kept;
	db->prepared_count = 0;
	for (size_t i = 0; i < capacity; i++)
		if (old[i] != NULL && old[i] != name) {
			db->prepared[prepared_slot(db, old[i])] = old[i];
			db->prepared_count++;
		}
	free(old);
}

/* Remembers name; the set doubles before it is half full. */
static chc_status prepared_add(core_db *db, const char *name)
{
	if (2 * (db->prepared_count + 1) > db->prepared_capacity) {
		size_t capacity = db->prepared_capacity ? 2 * db->prepared_capacity : 64;
		const char **old = db->prepared;
		size_t old_capacity = db->prepared_capacity;
		db->prepared = calloc(capacity, sizeof(*db->prepared));
		if (db->prepared == NULL) {
			db->prepared = old;
			return CHC_RESOURCE_EXHAUSTED;
		}
		db->prepared_capacity = capacity;
		for (size_t i = 0; i < old_capacity; i++)
			if (old[i] != NULL)
				db->prepared[prepared_slot(db, old[i])] = old[i];
		free(old);
	}
	db->prepared[prepared_slot(db, name)] = name;
	db->prepared_count++;
	return CHC_OK;
}

PGconn *core_db_connection(core_db *db, chc_error *error)
{
	if (db->connection != NULL && PQstatus(db->connection) == CONNECTION_OK)
		return db->connection;
	int64_t now = core_monotonic_us();
	if (db->connection == NULL && now < db->next_attempt_us) {
		chc_error_set(error, CHC_UNAVAILABLE, "database unavailable, retrying shortly");
		return NULL;
	}
	db_forget(db);
	db->next_attempt_us = now + db->retry_interval_us;
	/* An unreachable server answers within connect_timeout, and a peer that
	 * vanished mid-query is noticed by TCP keepalives, instead of holding a
	 * worker until the kernel gives up; the URL's own settings win. */
	static const char *const keywords[] = { "connect_timeout",
		                                "keepalives",
		                                "keepalives_idle",
		                                "keepalives_interval",
		                                "keepalives_count",
		                                "dbname",
		                                NULL };
	const char *values[] = { db->connect_timeout_seconds, "1", "30", "10", "3", db->url, NULL };
	PGconn *connection = PQconnectdbParams(keywords, values, 1);
	if (connection == NULL || PQstatus(connection) != CONNECTION_OK) {
		char reason[256] = "out of memory";
		if (connection != NULL) {
			/* libpq ends its messages with a newline; drop it. */
			snprintf(reason, sizeof(reason), "%s", PQerrorMessage(connection));
			reason[strcspn(reason, "\n")] = '\0';
			PQfinish(connection);
		}
		chc_error_set(error, CHC_UNAVAILABLE, "database unavailable: %s", reason);
		return NULL;
	}
	db->connection = connection;
	db_set_cancel(db, PQgetCancel(connection));
	return connection;
}

void core_db_note_result(core_db *db)
{
	if (db->connection != NULL && PQstatus(db->connection) != CONNECTION_OK)
		db_forget(db);
}

typedef struct sqlstate_mapping {
	const char *prefix; /* a whole SQLSTATE or its two-letter class */
	chc_status status;
} sqlstate_mapping;

/* Whole codes first, then classes; the first match wins. A read-only
 * database (a standby, or writes turned off as when the disk filled up)
 * is UNAVAILABLE: the request was fine and succeeds unchanged once the
 * database takes writes again, so callers retry as after any outage. */
static const sqlstate_mapping sqlstate_table[] = {
	{ "23505", CHC_ALREADY_EXISTS },      /* unique_violation */
	{ "23503", CHC_FAILED_PRECONDITION }, /* foreign_key_violation */
	{ "23502", CHC_INVALID_ARGUMENT },    /* not_null_violation */
	{ "23514", CHC_INVALID_ARGUMENT },    /* check_violation */
	{ "40001", CHC_ABORTED },             /* serialization_failure */
	{ "40P01", CHC_ABORTED },             /* deadlock_detected */
	{ "55P03", CHC_ABORTED },             /* lock_not_available */
	{ "57014", CHC_DEADLINE_EXCEEDED },   /* query_canceled (statement_timeout) */
	{ "57P01", CHC_UNAVAILABLE },         /* admin_shutdown */
	{ "57P02", CHC_UNAVAILABLE },         /* crash_shutdown */
	{ "57P03", CHC_UNAVAILABLE },         /* cannot_connect_now */
	{ "53300", CHC_UNAVAILABLE },         /* too_many_connections */
	/* read_only_sql_transaction: the database was made read-only, or a
	 * read that writes reached the read replica (then served again on the
	 * primary) */
	{ "25006", CHC_UNAVAILABLE },
	{ "22", CHC_INVALID_ARGUMENT },   /* data exception */
	{ "08", CHC_UNAVAILABLE },        /* connection exception */
	{ "53", CHC_RESOURCE_EXHAUSTED }, /* insufficient resources */
	{ "42", CHC_INTERNAL },           /* syntax or access rule: our bug */
};

chc_status core_db_status_from_sqlstate(const char *sqlstate)
{
	if (sqlstate == NULL)
		return CHC_UNAVAILABLE; /* no SQLSTATE: the connection itself failed */
	for (size_t i = 0; i < sizeof(sqlstate_table) / sizeof(sqlstate_table[0]); i++) {
		size_t length = strlen(sqlstate_table[i].prefix);
		if (strncmp(sqlstate, sqlstate_table[i].prefix, length) == 0)
			return sqlstate_table[i].status;
	}
	return CHC_INTERNAL;
}

static chc_status result_check(core_request *request, PGresult *result)
{
	ExecStatusType kind = PQresultStatus(result);
	if (kind == PGRES_TUPLES_OK || kind == PGRES_COMMAND_OK)
		return CHC_OK;
	const char *sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE);
	chc_status status = core_db_status_from_sqlstate(sqlstate);
	char reason[300];
	snprintf(reason, sizeof(reason), "%s",
	         result != NULL ? PQresultErrorMessage(result) : PQerrorMessage(request->db));
	reason[strcspn(reason, "\n")] = '\0';
	/* A replica that went away, refused a write, or cancelled the query
	 * for a conflict with recovery (40001) failed the read, not the
	 * caller: the primary is asked instead. */
	if (request->database != NULL && request->database->read_replica &&
	    (status == CHC_UNAVAILABLE || status == CHC_ABORTED)) {
		request->replica_failed = true;
		return core_fail(request, status, "read replica: %s", reason);
	}
	if (status == CHC_INTERNAL) {
		/* Our own SQL failed: log the detail, tell the caller little. */
		core_log(CORE_LOG_ERROR, "query failed in %s: %s (%s)", request->method, reason,
		         sqlstate ? sqlstate : "no sqlstate");
		core_fail(request, CHC_INTERNAL, "internal database error");
	} else if (status == CHC_UNAVAILABLE && sqlstate != NULL &&
	           strcmp(sqlstate, "25006") == 0) {
		core_fail(request, status,
		          "database is read-only: writes are refused until it takes them again");
	} else if (status == CHC_UNAVAILABLE) {
		core_fail(request, status, "database unavailable: %s", reason);
	} else if (sqlstate != NULL && strcmp(sqlstate, "53100") == 0) {
		/* disk_full: the caller's request was fine; an operator must make
		 * room, after which it succeeds unchanged. */
		core_log(CORE_LOG_ERROR, "disk full in %s: %s", request->method, reason);
		core_fail(request, status,
		          "database disk is full: writes are refused until space is freed");
	} else {
		/* The caller's mistake: PostgreSQL's own words without its "ERROR:"
		 * prefix; for a duplicate, the detail names the key and value. */
		const char *primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
		const char *detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
		const char *said =
		        status == CHC_ALREADY_EXISTS && detail != NULL ? detail : primary;
		core_fail(request, status, "%s",
		          said != NULL ? said
		          : reason[0]  ? reason
		                       : "database refused the change");
	}
	return status;
}

static chc_status finish(core_request *request, PGresult *result, PGresult **out)
{
	chc_status status = result_check(request, result);
	if (status != CHC_OK) {
		PQclear(result);
		core_db_note_result(request->database);
		return status;
	}
	if (core_request_keep_result(request, result) != CHC_OK)
		return CHC_RESOURCE_EXHAUSTED;
	*out = result;
	return CHC_OK;
}

chc_status core_query(core_request *request, const core_statement *statement,
                      const char *const *values, PGresult **result)
{
	core_db *db = request->database;
	/* Statements are static structs: comparing names by address is exact. */
	if (!prepared_contains(db, statement->name)) {
		/* Room first: a statement prepared but not remembered would be
		 * prepared again on its next use, and PostgreSQL refuses that. */
		if (prepared_add(db, statement->name) != CHC_OK)
			return core_fail(request, CHC_RESOURCE_EXHAUSTED, "out of memory");
		PGresult *made = PQprepare(request->db, statement->name, statement->sql,
		                           statement->parameter_count, NULL);
		chc_status status = result_check(request, made);
		PQclear(made);
		if (status != CHC_OK) {
			prepared_forget(db, statement->name);
			core_db_note_result(db);
			return status;
		}
	}
	PGresult *answer = PQexecPrepared(request->db, statement->name, statement->parameter_count,
	                                  values, NULL, NULL, 0);
	return finish(request, answer, result);
}

chc_status core_execute(core_request *request, const core_statement *statement,
                        const char *const *values)
{
	PGresult *result = NULL;
	return core_query(request, statement, values, &result);
}

int64_t core_column_int64(const PGresult *result, int row, int column)
{
	return strtoll(PQgetvalue(result, row, column), NULL, 10);
}

bool core_column_bool(const PGresult *result, int row, int column)
{
	return PQgetvalue(result, row, column)[0] == 't';
}

char *core_column_copy(core_request *request, const PGresult *result, int row, int column)
{
	return core_strdup(request, PQgetvalue(result, row, column));
}

chc_status core_query_sql(core_request *request, const char *sql, int parameter_count,
                          const char *const *values, PGresult **result)
{
	PGresult *answer =
	        PQexecParams(request->db, sql, parameter_count, NULL, values, NULL, NULL, 0);
	return finish(request, answer, result);
}

chc_status core_db_command(PGconn *connection, const char *sql, chc_error *error)
{
	PGresult *result = PQexec(connection, sql);
	ExecStatusType kind = PQresultStatus(result);
	chc_status status = CHC_OK;
	if (kind != PGRES_COMMAND_OK && kind != PGRES_TUPLES_OK) {
		status = core_db_status_from_sqlstate(PQresultErrorField(result, PG_DIAG_SQLSTATE));
		char reason[300];
		snprintf(reason, sizeof(reason), "%s", PQerrorMessage(connection));
		reason[strcspn(reason, "\n")] = '\0';
		chc_error_set(error, status, "%s failed: %s", sql, reason);
	}
	PQclear(result);
	return status;
}

chc_status core_db_housekeeping(PGconn *connection, const char *sql, const char *what,
                                chc_error *error)
{
	PGresult *result = PQexec(connection, sql);
	ExecStatusType kind = PQresultStatus(result);
	chc_status status = CHC_OK;
	if (kind != PGRES_COMMAND_OK && kind != PGRES_TUPLES_OK)
		status = chc_error_set(error, CHC_INTERNAL, "%s: %s", what,
		                       PQresultErrorMessage(result));
	PQclear(result);
	return status;
}

long core_db_schema_version(PGconn *connection, chc_error *error)
{
	PGresult *result =
	        PQexec(connection, "SELECT coalesce(max(version), 0) FROM chc_schema_migrations");
	long version = -1;
	if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1) {
		version = strtol(PQgetvalue(result, 0, 0), NULL, 10);
	} else {
		char reason[300];
		snprintf(reason, sizeof(reason), "%s", PQerrorMessage(connection));
		reason[strcspn(reason, "\n")] = '\0';
		chc_error_set(error, CHC_FAILED_PRECONDITION,
		              "cannot read the schema version (run chc-migrate up): %s", reason);
	}
	PQclear(result);
	return version;
}
