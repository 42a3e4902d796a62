/*
 * db.h - one PostgreSQL connection per worker, reconnected on demand (at
 * most every 200 ms), the statements prepared on it, and the query helpers
 * handlers use. All SQL is parameterised; values travel as text. Results a
 * handler gets belong to its request and are cleared when it ends.
 */
#ifndef CORE_DB_H
#define CORE_DB_H

#include <libpq-fe.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "chc/status.h"
#include "request.h"

typedef struct core_db {
	char *url;
	PGconn *connection;
	int64_t next_attempt_us; /* reconnects are spaced, not hammered */
	/* How far apart, and how long one attempt may take: a read replica
	 * that is down is tried less often and given up on sooner than the
	 * primary, since its reads have the primary to go to meanwhile. */
	int64_t retry_interval_us;
	const char *connect_timeout_seconds;
	bool read_replica; /* its failures send the read to the primary */
	/* The statements prepared on this connection: an open-addressing set
	 * of their names' addresses (statements are static), as many as a
	 * service has; empty again after a reconnect. */
	const char **prepared;
	size_t prepared_capacity; /* a power of two, or 0 */
	size_t prepared_count;
	/* What another thread needs to cancel the query running on the
	 * connection (the drain, when its time is up); guarded by cancel_lock. */
	pthread_mutex_t cancel_lock;
	PGcancel *cancel;
} core_db;

/* Stores the URL; connects lazily. */
chc_status core_db_init(core_db *db, const char *url);

/* core_db_init for a streaming replica that reads can do without: tried
 * at most every 2 s, each attempt given up after 2 s. */
chc_status core_db_init_replica(core_db *db, const char *url);
void core_db_fini(core_db *db);

/* Asks PostgreSQL to cancel the query running on db's connection, if any;
 * safe from any thread. The query fails with SQLSTATE 57014. */
void core_db_cancel(core_db *db);

/*
 * Returns a working connection, reconnecting if the last one broke (at most
 * every 200 ms). Returns NULL, with error set to UNAVAILABLE, while
 * PostgreSQL cannot be reached.
 */
PGconn *core_db_connection(core_db *db, chc_error *error);

/* Marks the connection broken when res says the server went away. */
void core_db_note_result(core_db *db);

/* Maps a failed result's SQLSTATE to a status (23505 ALREADY_EXISTS ...). */
chc_status core_db_status_from_sqlstate(const char *sqlstate);

/* A statement that is prepared once per connection and run by name. */
typedef struct core_statement {
	const char *name;
	const char *sql;
	int parameter_count;
} core_statement;

/*
 * Runs statement with text parameters (NULL is SQL NULL). On success
 * *result is a PGRES_TUPLES_OK or PGRES_COMMAND_OK result the request owns
 * (freed at its end). On failure records the mapped status on request and
 * returns it.
 */
chc_status core_query(core_request *request, const core_statement *statement,
                      const char *const *values, PGresult **result);

/* Runs a statement whose result nobody reads (an INSERT, an UPDATE, an
 * event): core_query without the result, which the request still owns.
 * Every store had the same two lines for each write. */
chc_status core_execute(core_request *request, const core_statement *statement,
                        const char *const *values);

/* Column helpers every row reader needs: a column as a number (0 when
 * NULL or empty), as a boolean ('t'), and as a request-owned copy (for the
 * decoders that split in place: libpq's memory is not ours to write; NULL
 * with the failure recorded when memory runs out). */
int64_t core_column_int64(const PGresult *result, int row, int column);
bool core_column_bool(const PGresult *result, int row, int column);
char *core_column_copy(core_request *request, const PGresult *result, int row, int column);

/* Runs ad-hoc SQL (dynamic filters) with text parameters; same contract. */
chc_status core_query_sql(core_request *request, const char *sql, int parameter_count,
                          const char *const *values, PGresult **result);

/* Runs a command without parameters whose result nobody keeps: the core's
 * BEGIN, COMMIT and ROLLBACK around a write, housekeeping's statements. On
 * failure error holds the mapped status and PostgreSQL's message. */
chc_status core_db_command(PGconn *connection, const char *sql, chc_error *error);

/* Runs one of housekeeping's statements on its own connection; INTERNAL
 * "<what>: <PostgreSQL's message>" when it fails. The expiry and overdue
 * passes of the services each wrote this out around their SQL. */
chc_status core_db_housekeeping(PGconn *connection, const char *sql, const char *what,
                                chc_error *error);

/*
 * The highest applied migration version, or -1 with error set when the
 * migrations table cannot be read.
 */
long core_db_schema_version(PGconn *connection, chc_error *error);

#endif /* CORE_DB_H */
