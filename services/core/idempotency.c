/*
 * idempotency.c - the key, the request's fingerprint and the reply are one
 * row, written by the write's own transaction, so a crash can never leave a
 * write without its stored reply or the other way round.
 */
#include "idempotency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The template with every "@" replaced by the schema name. */
static char *format_sql(const char *template, const char *schema)
{
	size_t marks = 0;
	for (const char *p = template; *p != '\0'; p++)
		marks += *p == '@';
	size_t length = strlen(template) + marks * strlen(schema) + 1;
	char *sql = malloc(length);
	if (sql == NULL)
		return NULL;
	char *out = sql;
	for (const char *p = template; *p != '\0'; p++) {
		if (*p == '@') {
			memcpy(out, schema, strlen(schema));
			out += strlen(schema);
		} else {
			*out++ = *p;
		}
	}
	*out = '\0';
	return sql;
}

chc_status core_idempotency_init(core_idempotency *idempotency, const char *schema, int ttl_seconds)
{
	memset(idempotency, 0, sizeof(*idempotency));
	snprintf(idempotency->ttl_seconds, sizeof(idempotency->ttl_seconds), "%d", ttl_seconds);
	/* The transaction-scoped advisory lock serialises two concurrent
	 * first attempts with the same key; the second then sees the first's
	 * stored reply. */
	idempotency->sql[0] = strdup("SELECT pg_advisory_xact_lock(hashtextextended($1 || "
	                             "'/' || $2, 7101))");
	idempotency->sql[1] = format_sql("SELECT request_hash, response FROM @.idempotency_keys "
	                                 "WHERE subject = $1 AND key = $2 "
	                                 "AND created_at > now() - make_interval(secs => $3::int)",
	                                 schema);
	idempotency->sql[2] = format_sql(
	        "INSERT INTO @.idempotency_keys (subject, key, method, request_hash, response) "
	        "VALUES ($1, $2, $3, $4::bytea, $5::bytea) "
	        "ON CONFLICT (subject, key) DO UPDATE SET method = excluded.method, "
	        "request_hash = excluded.request_hash, response = excluded.response, "
	        "created_at = now()",
	        schema);
	idempotency->sql[3] = format_sql("DELETE FROM @.idempotency_keys WHERE created_at < "
	                                 "now() - make_interval(secs => $1::int)",
	                                 schema);
	if (idempotency->sql[0] == NULL || idempotency->sql[1] == NULL ||
	    idempotency->sql[2] == NULL || idempotency->sql[3] == NULL) {
		core_idempotency_fini(idempotency);
		return CHC_RESOURCE_EXHAUSTED;
	}
	idempotency->lock = (core_statement){ "chc_idempotency_lock", idempotency->sql[0], 2 };
	idempotency->lookup = (core_statement){ "chc_idempotency_lookup", idempotency->sql[1], 3 };
	idempotency->store = (core_statement){ "chc_idempotency_store", idempotency->sql[2], 5 };
	return CHC_OK;
}

void core_idempotency_fini(core_idempotency *idempotency)
{
	for (int i = 0; i < 4; i++)
		free(idempotency->sql[i]);
	memset(idempotency, 0, sizeof(*idempotency));
}

/* bytea travels as text in hex form: "\x0a1b..." */
static char *bytea_hex(core_request *request, const uint8_t *bytes, size_t length)
{
	char *text = core_alloc(request, 2 * length + 3);
	if (text == NULL)
		return NULL;
	text[0] = '\\';
	text[1] = 'x';
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < length; i++) {
		text[2 + 2 * i] = digits[bytes[i] >> 4];
		text[3 + 2 * i] = digits[bytes[i] & 15];
	}
	text[2 + 2 * length] = '\0';
	return text;
}

chc_status core_idempotency_begin(const core_idempotency *idempotency, core_request *request,
                                  const char *key, const uint8_t fingerprint[CORE_SHA256_BYTES],
                                  bool *replayed)
{
	*replayed = false;
	const char *subject = request->principal.subject;
	PGresult *result = NULL;
	const char *lock_values[] = { subject, key };
	chc_status status = core_query(request, &idempotency->lock, lock_values, &result);
	if (status != CHC_OK)
		return status;
	const char *lookup_values[] = { subject, key, idempotency->ttl_seconds };
	status = core_query(request, &idempotency->lookup, lookup_values, &result);
	if (status != CHC_OK || PQntuples(result) == 0)
		return status;
	size_t hash_length = 0;
	unsigned char *hash =
	        PQunescapeBytea((const unsigned char *)PQgetvalue(result, 0, 0), &hash_length);
	bool same = hash != NULL && hash_length == CORE_SHA256_BYTES &&
	            memcmp(hash, fingerprint, CORE_SHA256_BYTES) == 0;
	PQfreemem(hash);
	if (!same)
		return core_fail(request, CHC_FAILED_PRECONDITION,
		                 "idempotency key \"%s\" was already used for a different request",
		                 key);
	size_t reply_length = 0;
	unsigned char *reply =
	        PQunescapeBytea((const unsigned char *)PQgetvalue(result, 0, 1), &reply_length);
	if (reply == NULL)
		return core_fail(request, CHC_RESOURCE_EXHAUSTED, "out of memory");
	uint8_t *copy = malloc(reply_length > 0 ? reply_length : 1);
	if (copy == NULL) {
		PQfreemem(reply);
		return core_fail(request, CHC_RESOURCE_EXHAUSTED, "out of memory");
	}
	memcpy(copy, reply, reply_length);
	PQfreemem(reply);
	free(request->reply_payload);
	request->reply_payload = copy;
	request->reply_length = reply_length;
	request->replied = true;
	*replayed = true;
	return CHC_OK;
}

chc_status core_idempotency_answered(const core_idempotency *idempotency, core_request *request,
                                     const char *key, bool *answered)
{
	PGresult *result = NULL;
	const char *values[] = { request->principal.subject, key, idempotency->ttl_seconds };
	chc_status status = core_query(request, &idempotency->lookup, values, &result);
	*answered = status == CHC_OK && PQntuples(result) > 0;
	return status;
}

chc_status core_idempotency_store(const core_idempotency *idempotency, core_request *request,
                                  const char *key, const uint8_t fingerprint[CORE_SHA256_BYTES])
{
	const char *hash = bytea_hex(request, fingerprint, CORE_SHA256_BYTES);
	const char *reply = bytea_hex(request, request->reply_payload, request->reply_length);
	if (hash == NULL || reply == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	const char *values[] = { request->principal.subject, key, request->method, hash, reply };
	PGresult *result = NULL;
	return core_query(request, &idempotency->store, values, &result);
}

chc_status core_idempotency_expire(const core_idempotency *idempotency, PGconn *connection,
                                   chc_error *error)
{
	const char *values[] = { idempotency->ttl_seconds };
	PGresult *result =
	        PQexecParams(connection, idempotency->sql[3], 1, NULL, values, NULL, NULL, 0);
	chc_status status = CHC_OK;
	if (PQresultStatus(result) != PGRES_COMMAND_OK) {
		status = core_db_status_from_sqlstate(PQresultErrorField(result, PG_DIAG_SQLSTATE));
		chc_error_set(error, status, "expiring idempotency keys failed: %s",
		              PQresultErrorMessage(result));
	}
	PQclear(result);
	return status;
}
