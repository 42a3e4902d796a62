/*
 * auth.c - tokens to principals through a small cache, and the access
 * rule of each method.
 *
 * The cache is direct-mapped on the token's digest (uniformly random), so
 * a lookup is one slot under one mutex. Unknown tokens are cached too, so
 * a caller trying tokens costs the database one query per token per
 * CHC_AUTH_CACHE_SECONDS at most, and an address that keeps failing is
 * refused for the rest of the minute without asking at all. A token's rate
 * is a bucket kept in its cache slot, carried over when the slot is
 * refreshed.
 */
#include "auth.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "chc/v1/access.pb-c.h"
#include "digest.h"

#define CACHE_SLOTS       1024
#define PEER_SLOTS        256
#define FAILURE_WINDOW_MS 60000

typedef struct cache_entry {
	uint8_t digest[CORE_SHA256_BYTES];
	bool used;
	int64_t checked_ms;  /* when the database was asked */
	int64_t expires_ms;  /* the token's own expiry; 0: none */
	const char *refusal; /* NULL: a valid token */
	core_principal principal;
	double allowance;     /* calls the token may still make now */
	int64_t allowance_ms; /* when the allowance was last filled */
} cache_entry;

/* Failed authentications of one address in the current minute. */
typedef struct peer_entry {
	char peer[64];
	int failures;
	int64_t window_start_ms;
} peer_entry;

struct core_auth {
	core_auth_settings settings;
	int64_t cache_ms;
	pthread_mutex_t lock;
	cache_entry entries[CACHE_SLOTS];
	peer_entry peers[PEER_SLOTS];
};

/* The process's one auth, for core_auth_forget from a handler. */
static core_auth *process_auth;

static const char *const role_names[] = {
	"", "reader", "partner", "secretariat", "admin", "service"
};

const char *core_role_name(core_role role)
{
	return (unsigned)role < sizeof(role_names) / sizeof(role_names[0]) ? role_names[role] : "";
}

static core_role role_named(const char *name)
{
	for (size_t i = 1; i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (strcmp(role_names[i], name) == 0)
			return (core_role)i;
	return CORE_ROLE_NONE;
}

bool core_principal_is_secretariat(const core_principal *principal)
{
	return principal->role == CORE_ROLE_SECRETARIAT || principal->role == CORE_ROLE_ADMIN ||
	       principal->role == CORE_ROLE_SERVICE;
}

const char *core_principal_company(const core_principal *principal)
{
	if (principal->role != CORE_ROLE_PARTNER ||
	    strncmp(principal->organisation, "company:", 8) != 0)
		return "";
	return principal->organisation + 8;
}

static int64_t now_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

chc_status core_auth_init(core_auth **auth, const core_auth_settings *settings)
{
	core_auth *created = calloc(1, sizeof(*created));
	if (created == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	created->settings = *settings;
	created->cache_ms = (int64_t)settings->cache_seconds * 1000;
	pthread_mutex_init(&created->lock, NULL);
	process_auth = created;
	*auth = created;
	return CHC_OK;
}

void core_auth_fini(core_auth *auth)
{
	if (auth == NULL)
		return;
	if (process_auth == auth)
		process_auth = NULL;
	pthread_mutex_destroy(&auth->lock);
	free(auth);
}

void core_auth_forget(void)
{
	core_auth *auth = process_auth;
	if (auth == NULL)
		return;
	pthread_mutex_lock(&auth->lock);
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		auth->entries[i].used = false;
	pthread_mutex_unlock(&auth->lock);
}

static chc_status digest_of(const char *secret, uint8_t digest[CORE_SHA256_BYTES])
{
	const void *parts[] = { secret };
	size_t lengths[] = { strlen(secret) };
	return core_sha256(parts, lengths, 1, digest);
}

chc_status core_auth_secret_hash(const char *secret, char hash[64 + 1])
{
	uint8_t digest[CORE_SHA256_BYTES];
	chc_status status = digest_of(secret, digest);
	if (status == CHC_OK)
		core_sha256_hex(digest, hash);
	return status;
}

chc_status core_auth_new_secret(char secret[4 + 64 + 1])
{
	uint8_t random[32];
	if (getrandom(random, sizeof(random), 0) != (ssize_t)sizeof(random))
		return CHC_INTERNAL;
	memcpy(secret, "chc_", 4);
	for (size_t i = 0; i < sizeof(random); i++)
		snprintf(secret + 4 + 2 * i, 3, "%02x", random[i]);
	return CHC_OK;
}

/* Asks the database about the token whose digest is entry->digest and
 * fills the entry. */
static chc_status look_up(core_db *db, cache_entry *entry, chc_error *error)
{
	PGconn *connection = core_db_connection(db, error);
	if (connection == NULL)
		return error->code;
	char hex[CORE_SHA256_HEX];
	core_sha256_hex(entry->digest, hex);
	const char *values[] = { hex };
	PGresult *result = PQexecParams(
	        connection,
	        "SELECT id, role, organisation, "
	        "coalesce((extract(epoch FROM expires_at) * 1000)::bigint, 0), "
	        "revoked_at IS NOT NULL FROM auth.tokens WHERE secret_hash = decode($1, 'hex')",
	        1, NULL, values, NULL, NULL, 0);
	chc_status status = CHC_OK;
	if (PQresultStatus(result) != PGRES_TUPLES_OK) {
		status = chc_error_set(error, CHC_UNAVAILABLE, "cannot check the token: %s",
		                       PQerrorMessage(connection));
	} else if (PQntuples(result) == 0) {
		entry->refusal = "unknown token";
	} else if (PQgetvalue(result, 0, 4)[0] == 't') {
		entry->refusal = "revoked token";
	} else {
		entry->refusal = NULL;
		entry->expires_ms = strtoll(PQgetvalue(result, 0, 3), NULL, 10);
		snprintf(entry->principal.subject, sizeof(entry->principal.subject), "token:%s",
		         PQgetvalue(result, 0, 0));
		snprintf(entry->principal.organisation, sizeof(entry->principal.organisation), "%s",
		         PQgetvalue(result, 0, 2));
		entry->principal.role = role_named(PQgetvalue(result, 0, 1));
	}
	PQclear(result);
	core_db_note_result(db);
	return status;
}

static peer_entry *peer_slot(core_auth *auth, const char *peer)
{
	unsigned hash = 5381;
	for (const char *c = peer; *c != '\0'; c++)
		hash = hash * 33 + (unsigned char)*c;
	return &auth->peers[hash % PEER_SLOTS];
}

/* Seconds peer must still wait, 0 when it may try; under the lock. */
static int peer_wait_seconds(core_auth *auth, const char *peer, int64_t now)
{
	const peer_entry *entry = peer_slot(auth, peer);
	if (strcmp(entry->peer, peer) != 0 || now - entry->window_start_ms >= FAILURE_WINDOW_MS ||
	    entry->failures < auth->settings.failures_allowed)
		return 0;
	return (int)((entry->window_start_ms + FAILURE_WINDOW_MS - now + 999) / 1000);
}

static void peer_failed(core_auth *auth, const char *peer, int64_t now)
{
	pthread_mutex_lock(&auth->lock);
	peer_entry *entry = peer_slot(auth, peer);
	if (strcmp(entry->peer, peer) != 0 || now - entry->window_start_ms >= FAILURE_WINDOW_MS) {
		snprintf(entry->peer, sizeof(entry->peer), "%s", peer);
		entry->failures = 0;
		entry->window_start_ms = now;
	}
	entry->failures++;
	pthread_mutex_unlock(&auth->lock);
}

/* Takes one call from the token's bucket in slot; false when it is empty.
 * Under the lock. */
static bool take_allowance(core_auth *auth, cache_entry *entry, int64_t now)
{
	double rate = auth->settings.token_rate;
	entry->allowance += (double)(now - entry->allowance_ms) * rate / 1000.0;
	if (entry->allowance > rate)
		entry->allowance = rate;
	entry->allowance_ms = now;
	if (entry->allowance < 1.0)
		return false;
	entry->allowance -= 1.0;
	return true;
}

static chc_status check_token(core_auth *auth, core_db *db, const char *token, int64_t now,
                              core_principal *principal, chc_error *error);

chc_status core_auth_principal(core_auth *auth, core_db *db, const char *peer, const char *token,
                               core_principal *principal, chc_error *error)
{
	memset(principal, 0, sizeof(*principal));
	if (!auth->settings.on) {
		snprintf(principal->subject, sizeof(principal->subject), "anonymous");
		principal->role = CORE_ROLE_SECRETARIAT;
		return CHC_OK;
	}
	int64_t now = now_ms();
	if (auth->settings.failures_allowed > 0) {
		pthread_mutex_lock(&auth->lock);
		int wait = peer_wait_seconds(auth, peer, now);
		pthread_mutex_unlock(&auth->lock);
		if (wait > 0)
			return chc_error_set(
			        error, CHC_RESOURCE_EXHAUSTED,
			        "too many failed authentications from %s: try again in "
			        "%d s",
			        peer, wait);
	}
	chc_status status = check_token(auth, db, token, now, principal, error);
	if (status == CHC_UNAUTHENTICATED && auth->settings.failures_allowed > 0)
		peer_failed(auth, peer, now);
	return status;
}

/* The digest of a token of at most 256 characters. A worker thread keeps
 * the last token it hashed with its digest: a caller sends the same token
 * call after call, and the hash was the costliest step of a cache hit. The
 * comparison takes the same time wherever the tokens differ, so that no
 * caller learns another's token from how fast it is refused. */
static chc_status token_digest(const char *token, uint8_t digest[CORE_SHA256_BYTES])
{
	static _Thread_local char last_token[256 + 1];
	static _Thread_local size_t last_length;
	static _Thread_local uint8_t last_digest[CORE_SHA256_BYTES];
	size_t length = strlen(token);
	if (last_length > 0 && length == last_length &&
	    CRYPTO_memcmp(token, last_token, length) == 0) {
		memcpy(digest, last_digest, CORE_SHA256_BYTES);
		return CHC_OK;
	}
	chc_status status = digest_of(token, digest);
	if (status == CHC_OK && length < sizeof(last_token)) {
		memcpy(last_token, token, length + 1);
		last_length = length;
		memcpy(last_digest, digest, CORE_SHA256_BYTES);
	}
	return status;
}

static chc_status check_token(core_auth *auth, core_db *db, const char *token, int64_t now,
                              core_principal *principal, chc_error *error)
{
	if (token == NULL || token[0] == '\0')
		return chc_error_set(error, CHC_UNAUTHENTICATED, "missing token");
	cache_entry found = { .used = true };
	if (strlen(token) > 256 || token_digest(token, found.digest) != CHC_OK)
		return chc_error_set(error, CHC_UNAUTHENTICATED, "unknown token");
	size_t slot = ((size_t)found.digest[0] | (size_t)found.digest[1] << 8) % CACHE_SLOTS;
	pthread_mutex_lock(&auth->lock);
	cache_entry *cached = &auth->entries[slot];
	bool hit = cached->used && now - cached->checked_ms < auth->cache_ms &&
	           memcmp(cached->digest, found.digest, sizeof(found.digest)) == 0;
	if (hit)
		found = *cached;
	pthread_mutex_unlock(&auth->lock);
	if (!hit) {
		chc_status status = look_up(db, &found, error);
		if (status != CHC_OK)
			return status;
		found.checked_ms = now;
		found.allowance = auth->settings.token_rate;
		found.allowance_ms = now;
		pthread_mutex_lock(&auth->lock);
		/* A refreshed slot keeps the token's bucket: refreshing must not
		 * hand out a new second's worth of calls. */
		if (cached->used &&
		    memcmp(cached->digest, found.digest, sizeof(found.digest)) == 0) {
			found.allowance = cached->allowance;
			found.allowance_ms = cached->allowance_ms;
		}
		*cached = found;
		pthread_mutex_unlock(&auth->lock);
	}
	if (found.refusal != NULL)
		return chc_error_set(error, CHC_UNAUTHENTICATED, "%s", found.refusal);
	if (found.expires_ms != 0 && now >= found.expires_ms)
		return chc_error_set(error, CHC_UNAUTHENTICATED, "expired token");
	if (found.principal.role == CORE_ROLE_NONE)
		return chc_error_set(error, CHC_UNAUTHENTICATED, "token of an unknown role");
	bool limited = auth->settings.token_rate > 0 && (found.principal.role == CORE_ROLE_READER ||
	                                                 found.principal.role == CORE_ROLE_PARTNER);
	if (limited) {
		pthread_mutex_lock(&auth->lock);
		bool allowed = memcmp(cached->digest, found.digest, sizeof(found.digest)) != 0 ||
		               take_allowance(auth, cached, now);
		pthread_mutex_unlock(&auth->lock);
		if (!allowed)
			return chc_error_set(error, CHC_RESOURCE_EXHAUSTED,
			                     "this token is over its rate of %d calls a second "
			                     "(CHC_TOKEN_RATE)",
			                     auth->settings.token_rate);
	}
	*principal = found.principal;
	return CHC_OK;
}

chc_status core_auth_permit(const core_principal *principal, int access, const char *method,
                            chc_error *error)
{
	core_role role = principal->role;
	const char *needs = NULL;
	switch (access) {
	case CHC__V1__ACCESS__ACCESS_PUBLIC:
		return CHC_OK;
	case CHC__V1__ACCESS__ACCESS_READER:
		needs = role != CORE_ROLE_NONE ? NULL : "a token";
		break;
	case CHC__V1__ACCESS__ACCESS_PARTNER:
		needs = role == CORE_ROLE_PARTNER || core_principal_is_secretariat(principal)
		                ? NULL
		                : "the partner, secretariat or admin role";
		break;
	case CHC__V1__ACCESS__ACCESS_SECRETARIAT:
		needs = core_principal_is_secretariat(principal) ? NULL
		                                                 : "the secretariat or admin role";
		break;
	case CHC__V1__ACCESS__ACCESS_ADMIN:
		needs = role == CORE_ROLE_ADMIN ? NULL : "the admin role";
		break;
	default:
		needs = "an access option in its .proto file";
		break;
	}
	if (needs == NULL)
		return CHC_OK;
	return chc_error_set(error, CHC_PERMISSION_DENIED, "%s needs %s; this token's role is %s",
	                     method, needs, role != CORE_ROLE_NONE ? core_role_name(role) : "none");
}
