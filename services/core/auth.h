/*
 * auth.h - who is calling, and whether they may call the method.
 *
 * A call carries a token; its SHA-256 is looked up in auth.tokens (one
 * table every service reads) and the answer kept in a per-process cache
 * for a few seconds (CHC_AUTH_CACHE_SECONDS), so the hot path costs one
 * hash and no round trip, and a revoked or expired token is refused by
 * every service within those seconds. Who may call a method is declared
 * next to it in the .proto files (option (chc.v1.access)).
 */
#ifndef CORE_AUTH_H
#define CORE_AUTH_H

#include <stdbool.h>

#include "chc/status.h"
#include "db.h"
#include "request.h"

typedef struct core_auth core_auth;

typedef struct core_auth_settings {
	/* false: every caller is the anonymous secretariat (CHC_AUTH=off, for
	 * a developer's machine; the server logs a warning). */
	bool on;
	int cache_seconds;
	/* Calls a second one reader's or partner's token may make of one
	 * service (bursts of as many); 0: no limit. The secretariat's, admin's
	 * and services' own tokens have none. */
	int token_rate;
	/* Failed authentications one address may have in a minute before its
	 * calls are refused for the rest of that minute; 0: no limit. */
	int failures_allowed;
} core_auth_settings;

chc_status core_auth_init(core_auth **auth, const core_auth_settings *settings);
void core_auth_fini(core_auth *auth);

/*
 * The principal of token, sent from peer (the caller's address).
 * UNAUTHENTICATED when it is missing, unknown, expired or revoked;
 * RESOURCE_EXHAUSTED when the token is over its rate or peer has failed
 * too often this minute; UNAVAILABLE when the token is not cached and the
 * database cannot be asked (db is the calling worker's connection).
 */
chc_status core_auth_principal(core_auth *auth, core_db *db, const char *peer, const char *token,
                               core_principal *principal, chc_error *error);

/* CHC_OK when principal may call method, whose access is a
 * Chc__V1__Access value; PERMISSION_DENIED naming the roles it needs. */
chc_status core_auth_permit(const core_principal *principal, int access, const char *method,
                            chc_error *error);

/* Forgets every cached token of this process (after a revocation here;
 * the other processes forget it when their cache entry ages out). */
void core_auth_forget(void);

/* The SHA-256 of a token's secret in hex: auth.tokens keeps
 * decode(hash, 'hex'), never the secret. */
chc_status core_auth_secret_hash(const char *secret, char hash[64 + 1]);

/* A new secret: "chc_" and 64 hex digits of 256 random bits from the
 * operating system. */
chc_status core_auth_new_secret(char secret[4 + 64 + 1]);

/* The role's name ("secretariat"), or "" for none. */
const char *core_role_name(core_role role);

#endif /* CORE_AUTH_H */
