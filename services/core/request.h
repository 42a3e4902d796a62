/*
 * request.h - what a handler sees of the request it serves.
 *
 * The core passes a core_request as the closure_data of every handler that
 * protobuf-c's generated service table calls. Handlers validate, query the
 * database through req->db, and either call the closure with their reply or
 * record a failure with core_fail / core_violation and call the closure with
 * NULL. Memory a handler takes with core_alloc lives until the reply is sent.
 */
#ifndef CORE_REQUEST_H
#define CORE_REQUEST_H

#include <libpq-fe.h>
#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stdint.h>

#include "chc/status.h"

struct core_db;
struct core_server;
typedef struct core_result_node core_result_node;

/* Who is calling: derived from the token by auth.c. The roles of
 * proto/chc/v1/tokens.proto (chc.v1.Role), in the same order. */
typedef enum core_role {
	CORE_ROLE_NONE = 0, /* no token: only public methods */
	CORE_ROLE_READER = 1,
	CORE_ROLE_PARTNER = 2,
	CORE_ROLE_SECRETARIAT = 3,
	CORE_ROLE_ADMIN = 4,
	CORE_ROLE_SERVICE = 5,
} core_role;

/* Copied into each request, so that a token leaving the cache cannot pull
 * the strings from under a handler. */
typedef struct core_principal {
	char subject[48];      /* "token:<uuid>", or "anonymous" with authentication off */
	char organisation[64]; /* a partner's "company:<uuid>", "municipality:101" ... */
	core_role role;
} core_principal;

/* Secretariat, admin or service: the roles with every right in the
 * registries, projects and matching. */
bool core_principal_is_secretariat(const core_principal *principal);

/* The id of the company a partner token acts for; "" for every other
 * principal (a municipality's or region's partner, any other role). */
const char *core_principal_company(const core_principal *principal);

typedef struct core_allocation core_allocation;

typedef struct core_request {
	const char *method; /* full name, "/chc.v1.X/Y" */
	const char *request_id;
	int64_t deadline_unix_ms;
	core_principal principal;
	/* The caller's token: a service that calls another for this request
	 * sends it on, so the other checks and audits the caller, not the
	 * service ("" with authentication off). */
	const char *token;
	PGconn *db;               /* the worker's connection; NULL for Health */
	struct core_db *database; /* its reconnect and prepared-statement state */
	struct core_server *server;
	bool is_write; /* runs inside a transaction the core owns */
	/* The read replica, not the request, failed it: the core runs the
	 * read again on the primary. */
	bool replica_failed;
	/* The reply holds a secret (a new token): it is not kept for replays
	 * of its idempotency key, so no secret rests in the database. */
	bool reply_not_kept;
	/* What the audit records of a write (audit.c): the record its reply
	 * names and the fields its input set, comma separated (request-owned). */
	char audit_record[64];
	const char *audit_fields;
	/* What the method's precheck found with other services, for its
	 * handler (dispatch.h); request-owned, NULL without a precheck. */
	void *prechecked;

	chc_error error; /* code, message and violations when failed */
	bool replied;
	uint8_t *reply_payload; /* packed reply message, malloc'd */
	size_t reply_length;
	core_allocation *allocations;
	core_result_node *results; /* PGresults cleared at the end */
} core_request;

/* The token to call another service with for request: the caller's, or
 * NULL (the service's own CHC_TOKEN) when there is none. */
const char *core_forwarded_token(const core_request *request);

/* Records a failure (printf-style message) and returns code. */
chc_status core_fail(core_request *request, chc_status code, const char *format, ...)
        __attribute__((format(printf, 3, 4)));

/* Records one invalid field; the request fails with INVALID_ARGUMENT.
 * Returns CHC_INVALID_ARGUMENT. */
chc_status core_violation(core_request *request, const char *field, const char *format, ...)
        __attribute__((format(printf, 3, 4)));

/* True when the request has failed (a failure or a violation recorded). */
bool core_failed(const core_request *request);

/* The status of the failure recorded on request; when none is, records
 * RESOURCE_EXHAUSTED and returns it: the helpers that fill a row or a
 * parameter list return NULL or false without recording only when memory
 * runs out. One answer for every "the builder failed" path. */
chc_status core_failure(core_request *request);

/* Memory freed when the request ends. Returns NULL (and records
 * RESOURCE_EXHAUSTED) when memory runs out. Zero-filled. */
void *core_alloc(core_request *request, size_t size);
char *core_strdup(core_request *request, const char *text);

/* Hands a PGresult to the request, which clears it at its end. On
 * allocation failure clears it at once and records RESOURCE_EXHAUSTED. */
chc_status core_request_keep_result(core_request *request, PGresult *result);

/* Frees everything the request holds. */
void core_request_fini(core_request *request);

/* Forgets the reply and the failure of an attempt, so that the method can
 * run again (a read the replica could not serve, on the primary); memory
 * and results the attempt took stay the request's until it ends. */
void core_request_forget_outcome(core_request *request);

/*
 * Declares handler prefix_name, which protobuf-c's generated service table
 * (of type service) calls for a method taking chc.v1.input and replying
 * chc.v1.output, with the core_request as closure_data. Every service
 * declares its handlers so.
 */
#define CORE_HANDLER(service, prefix, name, input, output)                                         \
	void prefix##_##name(service *service_table, const Chc__V1__##input *request,              \
	                     Chc__V1__##output##_Closure closure, void *closure_data)

/* The closure the core passes to handlers: packs the reply. */
void core_request_reply(const ProtobufCMessage *message, void *closure_data);

/* Milliseconds since the Unix epoch, and a monotonic clock in microseconds. */
int64_t core_now_unix_ms(void);
int64_t core_monotonic_us(void);

#endif /* CORE_REQUEST_H */
