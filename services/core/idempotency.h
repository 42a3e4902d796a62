/*
 * idempotency.h - a write that carries an idempotency key stores its reply
 * in the same transaction as the write; a repeat gets the stored reply and
 * writes nothing; the same key with another request is refused.
 *
 * Keys live in the service's own schema, table idempotency_keys, scoped by
 * the caller's subject, and expire after CHC_IDEMPOTENCY_TTL seconds.
 */
#ifndef CORE_IDEMPOTENCY_H
#define CORE_IDEMPOTENCY_H

#include <stdbool.h>

#include "db.h"
#include "digest.h"
#include "request.h"

/* The longest idempotency key accepted; a longer one is INVALID_ARGUMENT
 * (libchc makes UUIDs; a partner's own keys have room to spare). */
#define CORE_IDEMPOTENCY_KEY_MAX 128

typedef struct core_idempotency {
	core_statement lock;
	core_statement lookup;
	core_statement store;
	char *sql[4]; /* the last one deletes expired keys (housekeeping) */
	char ttl_seconds[24];
} core_idempotency;

chc_status core_idempotency_init(core_idempotency *idempotency, const char *schema,
                                 int ttl_seconds);
void core_idempotency_fini(core_idempotency *idempotency);

/*
 * Inside the request's open transaction: locks the key and looks it up.
 * When the same request was answered before, sets *replayed and puts the
 * stored reply in request->reply_payload. A different request under the
 * same key records FAILED_PRECONDITION.
 */
chc_status core_idempotency_begin(const core_idempotency *idempotency, core_request *request,
                                  const char *key, const uint8_t fingerprint[CORE_SHA256_BYTES],
                                  bool *replayed);

/*
 * Outside any transaction: whether key holds a reply already (of this
 * request or another), without the lock core_idempotency_begin takes. A
 * write's checks with other services are skipped for a replay.
 */
chc_status core_idempotency_answered(const core_idempotency *idempotency, core_request *request,
                                     const char *key, bool *answered);

/* Deletes expired keys; run by housekeeping on its own connection. */
chc_status core_idempotency_expire(const core_idempotency *idempotency, PGconn *connection,
                                   chc_error *error);

/* Stores the reply of a successful write under the key, in the same
 * transaction. */
chc_status core_idempotency_store(const core_idempotency *idempotency, core_request *request,
                                  const char *key, const uint8_t fingerprint[CORE_SHA256_BYTES]);

#endif /* CORE_IDEMPOTENCY_H */
