/*
 * test_access.c - authentication and roles on all four services, driven
 * by the descriptors: every method of every service is called with no
 * token, an unknown token and a reader's token, so a new method is covered
 * without a new line here. Then tokens made, used and revoked through
 * TokenService, and the limits on idempotency keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <nng/nng.h>
#include <nng/supplemental/util/platform.h>

#include "chc/methods.h"
#include "chc/v1/access.pb-c.h"
#include "chc/v1/audit.pb-c.h"
#include "chc/v1/companies.pb-c.h"
#include "chc/v1/events.pb-c.h"
#include "chc/v1/matching.pb-c.h"
#include "chc/v1/municipalities.pb-c.h"
#include "chc/v1/projects.pb-c.h"
#include "chc/v1/rpc.pb-c.h"
#include "chc/v1/tokens.pb-c.h"
#include "harness.h"

static harness_stack stack;

/* The code a call of method (no payload) gets at url with token. */
static int code_of(const char *url, const char *method, const char *token, char *message,
                   size_t size)
{
	Chc__V1__RpcResponse *response = harness_envelope_call(url, method, NULL, 0, 0, token);
	assert_non_null(response);
	int code = response->code;
	if (message != NULL)
		snprintf(message, size, "%s", response->message);
	chc__v1__rpc_response__free_unpacked(response, NULL);
	return code;
}

/* Every method of service at url, as nobody, as a stranger and as a
 * reader. */
static void check_service(const char *url, const ProtobufCServiceDescriptor *service)
{
	for (unsigned i = 0; i < service->n_methods; i++) {
		char method[256], message[512];
		snprintf(method, sizeof(method), "/%s/%s", service->name, service->methods[i].name);
		int access = chc_method_access(method);
		assert_int_not_equal(access, CHC__V1__ACCESS__ACCESS_UNSPECIFIED);
		if (access == CHC__V1__ACCESS__ACCESS_PUBLIC)
			continue;
		int code = code_of(url, method, "", message, sizeof(message));
		if (code != CHC_UNAUTHENTICATED)
			fail_msg("%s without a token: %d %s", method, code, message);
		code = code_of(url, method, "chc_0000", message, sizeof(message));
		if (code != CHC_UNAUTHENTICATED)
			fail_msg("%s with an unknown token: %d %s", method, code, message);
		code = code_of(url, method, harness_token("reader"), message, sizeof(message));
		bool allowed = access == CHC__V1__ACCESS__ACCESS_READER;
		if (allowed && (code == CHC_UNAUTHENTICATED || code == CHC_PERMISSION_DENIED))
			fail_msg("%s refused a reader: %d %s", method, code, message);
		if (!allowed && code != CHC_PERMISSION_DENIED)
			fail_msg("%s let a reader through: %d %s", method, code, message);
		if (!allowed)
			assert_non_null(strstr(message, "role"));
	}
}

static void every_method_needs_its_role(void **state)
{
	(void)state;
	const struct {
		const harness_service *service;
		const ProtobufCServiceDescriptor *descriptor;
	} served[] = {
		{ &stack.municipalities, &chc__v1__municipality_service__descriptor },
		{ &stack.companies, &chc__v1__company_service__descriptor },
		{ &stack.matching, &chc__v1__matching_service__descriptor },
		{ &stack.projects, &chc__v1__project_service__descriptor },
	};
	for (size_t i = 0; i < sizeof(served) / sizeof(served[0]); i++) {
		check_service(served[i].service->url, served[i].descriptor);
		/* Every service answers the tokens and its events. */
		check_service(served[i].service->url, &chc__v1__token_service__descriptor);
		check_service(served[i].service->url, &chc__v1__events__descriptor);
		check_service(served[i].service->url, &chc__v1__audit_service__descriptor);
	}
	/* Health is public: probes carry no token. */
	assert_int_equal(code_of(stack.projects.url, "/chc.v1.Health/Check", "", NULL, 0), CHC_OK);
	/* Nobody learns which methods exist without a token. */
	assert_int_equal(
	        code_of(stack.projects.url, "/chc.v1.ProjectService/NoSuchMethod", "", NULL, 0),
	        CHC_UNAUTHENTICATED);
	assert_int_equal(
	        code_of(stack.projects.url, "/chc.v1.ProjectService/NoSuchMethod", NULL, NULL, 0),
	        CHC_UNIMPLEMENTED);
}

static Chc__V1__CreateTokenResponse *create_token(const char *json, chc_status expected)
{
	return (void *)harness_call_json(stack.client, &chc__v1__token_service__descriptor,
	                                 "CreateToken", json, expected, NULL, 0);
}

/* A token made through TokenService works on every service at once, and
 * once revoked is refused by every service within the cache's second. */
static void tokens_are_made_and_revoked(void **state)
{
	(void)state;
	char field[64] = "";
	assert_null(harness_call_json(stack.client, &chc__v1__token_service__descriptor,
	                              "CreateToken", "{\"role\":\"partner\"}", CHC_INVALID_ARGUMENT,
	                              field, sizeof(field)));
	assert_string_equal(field, "organisation");
	assert_null(harness_call_json(stack.client, &chc__v1__token_service__descriptor,
	                              "CreateToken",
	                              "{\"role\":\"reader\",\"organisation\":\"region:1084\"}",
	                              CHC_INVALID_ARGUMENT, field, sizeof(field)));
	assert_string_equal(field, "organisation");

	Chc__V1__CreateTokenResponse *created = create_token(
	        "{\"role\":\"secretariat\",\"name\":\"test\",\"expires_in_days\":1}", CHC_OK);
	assert_non_null(created);
	assert_int_equal(strlen(created->secret), 4 + 64);
	assert_int_equal(created->token->role, CHC__V1__ROLE__ROLE_SECRETARIAT);
	assert_true(created->token->expires_unix_ms > created->token->created_unix_ms);
	const harness_service *services[] = { &stack.municipalities, &stack.companies,
		                              &stack.matching, &stack.projects };
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(code_of(services[i]->url, "/chc.v1.Events/ListEvents",
		                         created->secret, NULL, 0),
		                 CHC_OK);
	/* The secret is kept nowhere: only its hash is in the table. */
	char sql[256];
	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM auth.tokens WHERE secret_hash::text LIKE '%%%s%%'",
	         created->secret + 4);
	assert_string_equal(harness_sql_value(stack.database, sql), "0");

	char json[128];
	snprintf(json, sizeof(json), "{\"id\":\"%s\"}", created->token->id);
	Chc__V1__Token *revoked =
	        (void *)harness_call_json(stack.client, &chc__v1__token_service__descriptor,
	                                  "RevokeToken", json, CHC_OK, NULL, 0);
	assert_true(revoked->revoked_unix_ms > 0);
	protobuf_c_message_free_unpacked(&revoked->base, NULL);
	nng_msleep(1200); /* CHC_AUTH_CACHE_SECONDS=1 on every service of this suite */
	for (size_t i = 0; i < 4; i++) {
		char message[256];
		assert_int_equal(code_of(services[i]->url, "/chc.v1.Events/ListEvents",
		                         created->secret, message, sizeof(message)),
		                 CHC_UNAUTHENTICATED);
		assert_string_equal(message, "revoked token");
	}
	protobuf_c_message_free_unpacked(&created->base, NULL);

	Chc__V1__ListTokensResponse *listed = (void *)harness_call_json(
	        stack.client, &chc__v1__token_service__descriptor, "ListTokens",
	        "{\"include_revoked\":true}", CHC_OK, NULL, 0);
	assert_true(listed->n_tokens >= 4); /* the fixture's three and the one above */
	protobuf_c_message_free_unpacked(&listed->base, NULL);
}

/* Every write is in its service's audit, with who, the method, the record
 * and the names of the fields set; no one can change the audit. */
static void writes_are_audited(void **state)
{
	(void)state;
	Chc__V1__CreateTokenResponse *created =
	        create_token("{\"role\":\"reader\",\"name\":\"audited\"}", CHC_OK);
	assert_non_null(created);
	char json[160];
	snprintf(json, sizeof(json), "{\"record\":\"%s\"}", created->token->id);
	Chc__V1__ListAuditResponse *audit =
	        (void *)harness_call_json(stack.client, &chc__v1__audit_service__descriptor,
	                                  "ListAudit", json, CHC_OK, NULL, 0);
	assert_int_equal(audit->n_records, 1);
	const Chc__V1__AuditRecord *record = audit->records[0];
	assert_string_equal(record->method, "/chc.v1.TokenService/CreateToken");
	assert_string_equal(record->role, "admin");
	assert_int_equal(strncmp(record->actor, "token:", 6), 0);
	assert_int_equal(record->n_fields, 2);
	assert_string_equal(record->fields[0], "role");
	assert_string_equal(record->fields[1], "name");
	protobuf_c_message_free_unpacked(&audit->base, NULL);
	protobuf_c_message_free_unpacked(&created->base, NULL);
	harness_call_json(stack.client, &chc__v1__audit_service__descriptor, "ListAudit",
	                  "{\"since_unix_ms\":-1}", CHC_INVALID_ARGUMENT, NULL, 0);
	/* Not even the database's owner changes it. */
	static const char *const changes[] = { "UPDATE municipalities.audit SET actor = 'x'",
		                               "DELETE FROM municipalities.audit",
		                               "TRUNCATE municipalities.audit" };
	for (size_t i = 0; i < 3; i++) {
		PGresult *result = PQexec(stack.database, changes[i]);
		assert_int_equal(PQresultStatus(result), PGRES_FATAL_ERROR);
		PQclear(result);
	}
	assert_string_not_equal(
	        harness_sql_value(stack.database, "SELECT count(*) FROM municipalities.audit"),
	        "0");
}

/* chc audit list asks all four services; a reader may not. */
static int chc_audit_list(const char *role)
{
	char command[1024];
	snprintf(command, sizeof(command),
	         "CHC_TOKEN=%s CHC_MUNICIPALITIES_URL=%s CHC_COMPANIES_URL=%s CHC_MATCHING_URL=%s "
	         "CHC_PROJECTS_URL=%s %s/client/chc audit list --since 2020-01-01 >/dev/null",
	         harness_token(role), stack.municipalities.url, stack.companies.url,
	         stack.matching.url, stack.projects.url, CHC_BUILD_DIR);
	int status = system(command);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void audit_command(void **state)
{
	(void)state;
	assert_int_equal(chc_audit_list("admin"), 0);
	assert_int_equal(chc_audit_list("reader"), 6);
}

static void long_idempotency_keys_are_refused(void **state)
{
	(void)state;
	Chc__V1__RpcRequest request = CHC__V1__RPC_REQUEST__INIT;
	char key[200];
	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	request.method = "/chc.v1.MunicipalityService/ExpireNeeds";
	request.request_id = "long-key";
	request.idempotency_key = key;
	request.token = (char *)harness_token("admin");
	size_t length = chc__v1__rpc_request__get_packed_size(&request);
	uint8_t *bytes = malloc(length);
	chc__v1__rpc_request__pack(&request, bytes);
	size_t reply_length = 0;
	uint8_t *reply =
	        harness_raw_request(stack.municipalities.url, bytes, length, 5000, &reply_length);
	free(bytes);
	assert_non_null(reply);
	Chc__V1__RpcResponse *response = chc__v1__rpc_response__unpack(NULL, reply_length, reply);
	free(reply);
	assert_non_null(response);
	assert_int_equal(response->code, CHC_INVALID_ARGUMENT);
	assert_int_equal(response->n_violations, 1);
	assert_string_equal(response->violations[0]->field, "idempotency_key");
	chc__v1__rpc_response__free_unpacked(response, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_method_needs_its_role),
		cmocka_unit_test(tokens_are_made_and_revoked),
		cmocka_unit_test(writes_are_audited),
		cmocka_unit_test(audit_command),
		cmocka_unit_test(long_idempotency_keys_are_refused),
	};
	/* Every service of the suite inherits it: a revocation shows in a second. */
	setenv("CHC_AUTH_CACHE_SECONDS", "1", 1);
	if (!harness_stack_start(&stack, "projects", NULL))
		return 1;
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	return harness_stack_stop(&stack) == 0 ? failed : 1;
}
