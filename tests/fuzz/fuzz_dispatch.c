/*
 * fuzz_dispatch.c - libFuzzer target: every method of every service, with
 * any payload, and the RPC envelope around it. The table is built by
 * core_dispatch_add from the generated service descriptors, exactly as a
 * service builds its own, so a method added to a .proto file is fuzzed
 * without touching this file.
 *
 * The handlers run without a database: request->db is NULL, so every
 * statement fails as PostgreSQL being unreachable does (libpq answers a
 * NULL connection with an error, never a crash). What runs is what a
 * caller controls before any SQL: decoding, validation, update masks, page
 * tokens, filters and the building of dynamic SQL. Calls to other services
 * fail at once (no libchc client is started), as when they are down. That
 * keeps an input at microseconds and the target free of any setup.
 *
 * Whatever the input, a request must end with a known status, and a reply
 * must decode as the method's output.
 */
#include "fuzz_dispatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "chc/v1/access.pb-c.h"
#include "chc/v1/rpc.pb-c.h"
#include "db.h"
#include "dispatch.h"
#include "events.h"
#include "idempotency.h"
#include "log.h"
#include "person.h"
#include "request.h"
#include "tokens.h"

/* Each service header defines its own HANDLER shorthand. */
#include "companies.h"
#undef HANDLER
#include "municipalities.h"
#undef HANDLER
#include "projects.h"
#undef HANDLER
#include "matching.h"
#undef HANDLER

static companies_service companies = CHC__V1__COMPANY_SERVICE__INIT(companies_);
static municipalities_service municipalities = CHC__V1__MUNICIPALITY_SERVICE__INIT(municipalities_);
static projects_service projects = CHC__V1__PROJECT_SERVICE__INIT(projects_);
static matching_service matching = CHC__V1__MATCHING_SERVICE__INIT(matching_);

static core_dispatch table;
/* CHC_FUZZ_VERBOSE=1: each input's method and outcome on standard error,
 * to see how far the seeds reach. */
static bool verbose;
/* A connection state that never connects: the statements' NULL PGconn. */
static core_db no_database;

/* What a partner's token names; handlers compare it with the input's ids. */
static const char *const organisations[] = {
	"",
	"company:00000000-0000-4000-8000-000000000001",
	"municipality:101",
	"region:1084",
};

static void table_build(void)
{
	if (table.count > 0)
		return;
	core_log_setup("fuzz_dispatch", CORE_LOG_ERROR + 1);
	verbose = getenv("CHC_FUZZ_VERBOSE") != NULL;
	/* A host that does not exist: nothing here may reach a real server. */
	if (core_db_init(&no_database, "host=/nonexistent/chc-fuzz") != CHC_OK)
		abort();
	/* The services every process adds beside its own (server.c), once: they
	 * are the same code in each. Health is left out: its handler asks the
	 * running server whether it is ready, and there is none here. */
	ProtobufCService *services[] = {
		core_token_service(),
		core_audit_service("companies"),
		core_person_service("companies", "chc.v1.CompanyService", NULL, 0),
		core_events_service("companies", "chc.v1.CompanyService"),
		&companies.base,
		&municipalities.base,
		&projects.base,
		&matching.base,
	};
	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		if (core_dispatch_add(&table, services[i], true) != CHC_OK) {
			fprintf(stderr, "fuzz_dispatch: cannot add %s: %s\n",
			        services[i]->descriptor->name, core_dispatch_undeclared(&table));
			abort();
		}
	/* The checks with other services run as the services run them. */
	chc_error error = { 0 };
	if (core_dispatch_prechecks(&table, projects.base.descriptor, projects_prechecks, &error) !=
	            CHC_OK ||
	    core_dispatch_prechecks(&table, matching.base.descriptor, matching_prechecks, &error) !=
	            CHC_OK) {
		fprintf(stderr, "fuzz_dispatch: %s\n", error.message);
		abort();
	}
}

int fuzz_dispatch_method_index(const char *full_name)
{
	table_build();
	const core_method *method = core_dispatch_find(&table, full_name);
	return method != NULL ? (int)(method - table.methods) : -1;
}

const ProtobufCMessageDescriptor *fuzz_dispatch_method_input(const char *full_name)
{
	table_build();
	const core_method *method = core_dispatch_find(&table, full_name);
	return method != NULL ? method->descriptor->input : NULL;
}

static void caller_of(uint8_t flags, core_principal *principal)
{
	unsigned role = (flags >> FUZZ_DISPATCH_ROLE_SHIFT) & 0x7u;
	unsigned organisation = flags >> 4;
	principal->role = (core_role)(role % (CORE_ROLE_SERVICE + 1));
	snprintf(principal->subject, sizeof(principal->subject), "token:fuzz");
	snprintf(principal->organisation, sizeof(principal->organisation), "%s",
	         organisations[organisation % (sizeof(organisations) / sizeof(organisations[0]))]);
}

/* serve_write in server.c without the statements around the handler. */
static void serve_write(const core_method *method, const char *key, const uint8_t *payload,
                        size_t length, core_request *request)
{
	if (strlen(key) > CORE_IDEMPOTENCY_KEY_MAX) {
		core_violation(request, "idempotency_key", "is longer than %d characters",
		               CORE_IDEMPOTENCY_KEY_MAX);
		return;
	}
	core_dispatch_invoke(method, payload, length, request);
	if (!core_failed(request))
		core_audit_write(request);
}

static void serve(const core_method *method, const char *key, const uint8_t *payload, size_t length,
                  core_request *request)
{
	if (core_auth_permit(&request->principal, method->access, method->full_name,
	                     &request->error) != CHC_OK)
		return;
	request->is_write = method->is_write;
	if (method->is_write)
		serve_write(method, key, payload, length, request);
	else
		core_dispatch_invoke(method, payload, length, request);
}

/* serve_envelope in server.c: the same steps in the same order. */
static const core_method *serve_envelope(const uint8_t *data, size_t size, core_request *request)
{
	Chc__V1__RpcRequest *envelope = chc__v1__rpc_request__unpack(NULL, size, data);
	if (envelope == NULL) {
		core_fail(request, CHC_INVALID_ARGUMENT,
		          "request is not a chc.v1.RpcRequest envelope");
		return NULL;
	}
	request->method = envelope->method;
	request->request_id = envelope->request_id;
	request->deadline_unix_ms = envelope->deadline_unix_ms;
	request->token = envelope->token;
	const core_method *method = core_dispatch_find(&table, envelope->method);
	if (envelope->deadline_unix_ms > 0 && core_now_unix_ms() >= envelope->deadline_unix_ms)
		core_fail(request, CHC_DEADLINE_EXCEEDED, "deadline passed before the request ran");
	else if (method == NULL)
		core_fail(request, CHC_UNIMPLEMENTED, "unknown method \"%.200s\"",
		          envelope->method);
	else
		serve(method, envelope->idempotency_key, envelope->payload.data,
		      envelope->payload.len, request);
	/* The reply envelope is packed while the request still points into
	 * the request envelope, as pack_reply does. */
	Chc__V1__RpcResponse response = CHC__V1__RPC_RESPONSE__INIT;
	response.request_id = envelope->request_id;
	response.message = request->error.message ? request->error.message : "";
	uint8_t *packed = malloc(chc__v1__rpc_response__get_packed_size(&response) + 1);
	if (packed == NULL)
		abort();
	chc__v1__rpc_response__pack(&response, packed);
	free(packed);
	request->method = request->request_id = request->token = NULL;
	chc__v1__rpc_request__free_unpacked(envelope, NULL);
	return method;
}

/* A failure must carry a status a caller knows; success a decodable reply. */
static void check_outcome(const core_method *method, const core_request *request)
{
	chc_status code = request->error.code;
	if (code < CHC_OK || code > CHC_UNAUTHENTICATED) {
		fprintf(stderr, "%s ended with status %d\n", method ? method->full_name : "?",
		        (int)code);
		abort();
	}
	if (code == CHC_INTERNAL) {
		fprintf(stderr, "%s: INTERNAL: %s\n", method ? method->full_name : "?",
		        request->error.message ? request->error.message : "");
		abort();
	}
	if (code != CHC_OK || method == NULL)
		return;
	if (!request->replied) {
		fprintf(stderr, "%s succeeded without a reply\n", method->full_name);
		abort();
	}
	ProtobufCMessage *reply = protobuf_c_message_unpack(
	        method->descriptor->output, NULL, request->reply_length, request->reply_payload);
	if (reply == NULL) {
		fprintf(stderr, "%s replied with bytes that are no %s\n", method->full_name,
		        method->descriptor->output->name);
		abort();
	}
	protobuf_c_message_free_unpacked(reply, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	table_build();
	if (size < 1)
		return 0;
	uint8_t flags = data[0];
	core_request request = { .database = &no_database };
	caller_of(flags, &request.principal);
	const core_method *method = NULL;
	if (flags & FUZZ_DISPATCH_ENVELOPE) {
		method = serve_envelope(data + 1, size - 1, &request);
	} else if (size >= 3) {
		method = &table.methods[(data[1] | (size_t)data[2] << 8) % table.count];
		request.method = method->full_name;
		serve(method, "", data + 3, size - 3, &request);
	}
	if (verbose)
		fprintf(stderr, "%s: %s %s\n", method ? method->full_name : "(none)",
		        chc_status_name(request.error.code),
		        request.error.message ? request.error.message : "");
	check_outcome(method, &request);
	core_request_fini(&request);
	return 0;
}
