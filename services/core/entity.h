/*
 * entity.h - what every service does with its records the same way: read
 * one by id, plainly or locked for a change; turn rows into messages; check
 * the version a caller read before it changes anything (listing.h runs
 * their List and Search calls). A service describes each kind of record once (its
 * statements and how a row becomes a message) and gets the rest here.
 */
#ifndef CORE_ENTITY_H
#define CORE_ENTITY_H

#include <libpq-fe.h>
#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stdint.h>

#include "chc/v1/common.pb-c.h"
#include "db.h"
#include "request.h"

/* A row as a request-owned message; NULL (with the failure recorded) when
 * memory runs out. */
typedef ProtobufCMessage *(*core_row_reader)(core_request *request, PGresult *result, int row);

typedef struct core_entity {
	const char *noun;                     /* "test bed": in messages to callers */
	const core_statement *get;            /* one row by id ($1) */
	const core_statement *get_for_update; /* the same, FOR UPDATE */
	core_row_reader from_row;
} core_entity;

/* Records a failure and returns from a handler: the closure gets no reply
 * and the core answers with the failure recorded on the request. */
#define CORE_FAIL_RETURN(closure, closure_data)                                                    \
	do {                                                                                       \
		(closure)(NULL, (closure_data));                                                   \
		return;                                                                            \
	} while (0)

/* The record with id; NOT_FOUND "no <noun> has id ..." when there is none. */
chc_status core_entity_load(core_request *request, const core_entity *entity, const char *id,
                            bool for_update, ProtobufCMessage **message);

/* Every row of result as messages (a request-owned array). */
chc_status core_entity_rows(core_request *request, const core_entity *entity, PGresult *result,
                            ProtobufCMessage ***messages, size_t *count);

/*
 * The record a caller wants to change, locked until the request's
 * transaction ends: id must be a UUID (a violation of id_field),
 * expected_version is required, and a record whose "version" field differs
 * is ABORTED, naming both versions. NULL with the failure recorded.
 */
ProtobufCMessage *core_entity_load_for_change(core_request *request, const core_entity *entity,
                                              const char *id_field, const char *id,
                                              int64_t expected_version);

#endif /* CORE_ENTITY_H */
