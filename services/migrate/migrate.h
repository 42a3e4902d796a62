/*
 * migrate.h - numbered SQL files applied in order, each once, in a
 * transaction, under an advisory lock, recorded with a SHA-256 checksum.
 */
#ifndef MIGRATE_H
#define MIGRATE_H

#include <libpq-fe.h>
#include <stdio.h>

#include "chc/status.h"

typedef struct migration_file {
	int version;
	char *name; /* "0001_core.sql" */
	char *path;
	char checksum[65];
} migration_file;

typedef struct migration_set {
	migration_file *files; /* sorted by version */
	size_t count;
} migration_set;

/* Reads directory's NNNN_name.sql files. Two files with one number are
 * refused (CHC_FAILED_PRECONDITION). */
chc_status migration_set_read(const char *directory, migration_set *set, chc_error *error);
void migration_set_fini(migration_set *set);

/* Applies the pending files, then grants the services' roles
 * (migration_grant_service_roles); writes one line per file applied to
 * out. An applied file whose checksum changed stops everything before any
 * change (CHC_FAILED_PRECONDITION). */
chc_status migration_up(PGconn *connection, const migration_set *set, FILE *out, chc_error *error);

/* Writes each file's state: applied (when), pending, or changed. Returns
 * CHC_FAILED_PRECONDITION when any applied file changed. */
chc_status migration_status(PGconn *connection, const migration_set *set, FILE *out,
                            chc_error *error);

/* Creates the login role of each service (chc_companies ...) when it is
 * missing and grants it its own schema's rows and nothing else (roles.c);
 * run by migration_up after the migrations, under their lock. */
chc_status migration_grant_service_roles(PGconn *connection, chc_error *error);

/* Gives each service role that the password file at path (libpq's
 * pgpass format, mode 0600) has no line for a new random password, and
 * appends the line; roles already there are left alone, so a stack's start
 * runs it every time. */
chc_status migration_service_passwords(PGconn *connection, const char *path, FILE *out,
                                       chc_error *error);

#endif /* MIGRATE_H */
