/*
 * chc/client.h - libchc's client: calls the CHC Match services over nng.
 *
 * A chc_client holds one nng REQ socket per service address and opens an
 * nng context per call, so one client may be shared by any number of
 * threads. Every call has a deadline and a token, and failed attempts that
 * are safe to repeat (UNAVAILABLE, DEADLINE_EXCEEDED of one attempt) are
 * retried with exponential backoff; writes carry an idempotency key that
 * every retry reuses, so a retried write is applied once.
 *
 * Typed calls come from protobuf-c's generated code: pass the generated
 * service descriptor and method name to chc_client_call, or bind a
 * chc_stub and call the generated stubs (chc__v1__..._service__get_need)
 * on it.
 */
#ifndef CHC_CLIENT_H
#define CHC_CLIENT_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stdint.h>

#include "chc/endpoints.h" /* chc_endpoint and the table of the services */
#include "chc/export.h"
#include "chc/status.h"
#include "chc/uuid.h" /* chc_uuid_generate, chc_uuid_is_valid */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chc_client chc_client;

/*
 * Read-your-writes: every read a client sends after its first write carries
 * this request metadata key with the whole milliseconds since its latest
 * write call ended (whatever that call's outcome: a write whose reply was
 * lost may still have committed). A service that reads from a PostgreSQL
 * replica serves a read whose value is under its CHC_READ_YOUR_WRITES_MS
 * from the primary instead, so the client sees what it wrote on any
 * instance. An age, not a time: the client's and the service's clocks
 * need not agree. Partners without libchc may send it the same way.
 */
#define CHC_METADATA_WRITE_AGE_MS "chc-write-age-ms"

typedef struct chc_client_options {
	/* Service addresses (tcp://, ipc://, tls+tcp://); several instances of
	 * a service comma-separated ("tcp://a:7101,tcp://b:7101"): calls are
	 * spread over the instances that answer, a call whose instance goes
	 * away is sent to another, and one that is down is dialled again in
	 * the background. NULL: the environment variable (CHC_COMPANIES_URL
	 * ...) or the default tcp://127.0.0.1:710x. */
	const char *urls[CHC_ENDPOINT_COUNT];
	/* Token sent with every call unless the call gives its own. NULL:
	 * CHC_TOKEN from the environment, or none. */
	const char *token;
	/* Whole-call deadline in milliseconds, retries included (default 10000). */
	int timeout_ms;
	/* Attempts per call, the first included (default 3). */
	int max_attempts;
	/* First retry delay in milliseconds, doubled each retry (default 50). */
	int initial_backoff_ms;
	/* PEM file of the CA that signs the services' certificates, for
	 * tls+tcp:// addresses. NULL: CHC_TLS_CA from the environment; empty
	 * there too: the system's CA store. Either way the certificate must
	 * also name the address's host; CHC_TLS_INSECURE=1 in the environment
	 * turns both checks off (with a warning on stderr). */
	const char *tls_ca_file;
	/* The largest reply accepted, in bytes. 0: four times
	 * CHC_MAX_MESSAGE_BYTES from the environment (the services' own limit,
	 * default 4 MiB), as the services accept; nng's default of 1 MiB would
	 * drop a large export chunk or list page, and the call would look like
	 * a timeout. */
	size_t max_reply_bytes;
} chc_client_options;

/* Per-call settings; zero-initialise and set what you need. */
typedef struct chc_call_options {
	int timeout_ms;              /* 0: the client's */
	const char *token;           /* NULL: the client's */
	const char *idempotency_key; /* NULL: a fresh UUID for writes */
	const char *request_id;      /* NULL: a fresh UUID */
	int max_attempts;            /* 0: the client's */
	/* Absolute deadline in Unix milliseconds, e.g. the deadline of the
	 * request a service is serving when it calls another; 0: none. The
	 * call ends at the earlier of this and timeout_ms; one already past
	 * fails at once with CHC_DEADLINE_EXCEEDED, sending nothing. */
	int64_t deadline_unix_ms;
} chc_call_options;

/* Fills options with the defaults (environment not yet read). */
CHC_API void chc_client_options_init(chc_client_options *options);

/*
 * Creates a client; sockets connect lazily on the first call to each
 * service. options may be NULL (all defaults). On success *client is
 * owned by the caller (chc_client_destroy). Returns CHC_OK,
 * CHC_INVALID_ARGUMENT (bad address or TLS file), CHC_RESOURCE_EXHAUSTED.
 */
CHC_API chc_status chc_client_create(const chc_client_options *options, chc_client **client,
                                     chc_error *error);

/* Closes the sockets and frees the client. Accepts NULL. No call may be in
 * flight. */
CHC_API void chc_client_destroy(chc_client *client);

/* The address the client uses for endpoint (static for the client's life). */
CHC_API const char *chc_client_url(const chc_client *client, chc_endpoint endpoint);

/* The endpoint that serves service ("chc.v1.CompanyService" ...); -1 for a
 * name no single endpoint serves (chc.v1.Health is served by every one). */
CHC_API int chc_endpoint_for_service(const char *service_name);

/*
 * Calls method (its short name, "GetNeed") of service at endpoint with
 * input, which must be a message of the method's input type. On CHC_OK,
 * *output is a new message of the method's output type that the caller
 * frees with protobuf_c_message_free_unpacked(*output, NULL). On failure
 * returns the status (the server's, or UNAVAILABLE / DEADLINE_EXCEEDED /
 * INTERNAL for transport and decoding failures) and fills error when not
 * NULL; on CHC_OK error is left empty, even when a retried attempt failed.
 * Thread-safe.
 */
CHC_API chc_status chc_client_call_at(chc_client *client, chc_endpoint endpoint,
                                      const ProtobufCServiceDescriptor *service, const char *method,
                                      const ProtobufCMessage *input,
                                      const chc_call_options *options, ProtobufCMessage **output,
                                      chc_error *error);

/* chc_client_call_at with the endpoint that serves service. Returns
 * CHC_INVALID_ARGUMENT for a service no single endpoint serves. */
CHC_API chc_status chc_client_call(chc_client *client, const ProtobufCServiceDescriptor *service,
                                   const char *method, const ProtobufCMessage *input,
                                   const chc_call_options *options, ProtobufCMessage **output,
                                   chc_error *error);

/*
 * Sends already-encoded bytes (payload of method's input type) and returns
 * the reply payload bytes (malloc'd, caller frees). The lowest layer; used
 * by the chc command's generic "call" and by tests of bad input.
 */
CHC_API chc_status chc_client_call_bytes(chc_client *client, chc_endpoint endpoint,
                                         const char *full_method, const uint8_t *payload,
                                         size_t length, bool is_write,
                                         const chc_call_options *options, uint8_t **reply,
                                         size_t *reply_length, chc_error *error);

/*
 * Asks endpoint's /chc.v1.Health/Check about the whole process. *serving is
 * the chc.v1.HealthCheckResponse.ServingStatus number (1 SERVING).
 */
CHC_API chc_status chc_client_check_health(chc_client *client, chc_endpoint endpoint,
                                           const chc_call_options *options, int *serving,
                                           chc_error *error);

/*
 * A stub binds a client, a service and call options to protobuf-c's
 * ProtobufCService, so the generated client functions work as they are:
 *
 *   chc_stub stub;
 *   chc_stub_init(&stub, client, &chc__v1__municipality_service__descriptor, NULL);
 *   Chc__V1__Need *need = NULL;
 *   chc__v1__municipality_service__get_need(&stub.base, &request,
 *                                          chc_stub_keep_reply, &need);
 *   if (stub.status != CHC_OK) ... stub.error.message ...
 *   chc_stub_fini(&stub);
 *
 * The closure receives the reply (NULL on failure) and owns it. One stub per
 * thread at a time; stub.status and stub.error describe its last call.
 */
typedef struct chc_stub {
	ProtobufCService base; /* must stay first: generated stubs take &stub.base */
	chc_client *client;
	chc_endpoint endpoint;
	chc_call_options options;
	chc_status status;
	chc_error error;
} chc_stub;

/* Binds a stub. options may be NULL. Release with chc_stub_fini. Returns
 * CHC_INVALID_ARGUMENT for a service no single endpoint serves. */
CHC_API chc_status chc_stub_init(chc_stub *stub, chc_client *client,
                                 const ProtobufCServiceDescriptor *service,
                                 const chc_call_options *options);

CHC_API void chc_stub_fini(chc_stub *stub);

/* A closure that stores the reply in *(ProtobufCMessage **)closure_data;
 * the caller then owns it (protobuf_c_message_free_unpacked). */
CHC_API void chc_stub_keep_reply(const ProtobufCMessage *message, void *closure_data);

#ifdef __cplusplus
}
#endif

#endif /* CHC_CLIENT_H */
