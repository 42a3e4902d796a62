/*
 * test_access.c - authentication, roles and partner scoping on all four
 * services, driven by the descriptors: every method of every service is
 * called with no token, an unknown token, a reader's and a partner's
 * token, and every method a partner may call is called by a partner of
 * another organisation and by the record's own, so a new method is covered
 * without a new line here. Then what a partner may read, tokens made, used
 * and revoked through TokenService, and the limits on idempotency keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <jansson.h>
#include <nng/nng.h>
#include <nng/supplemental/util/platform.h>

#include "chc/json.h"
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
#include "helpers.h"

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

static Chc__V1__CreateTokenResponse *create_token(const char *json, chc_status expected)
{
	return (void *)harness_call_json(stack.client, &chc__v1__token_service__descriptor,
	                                 "CreateToken", json, expected, NULL, 0);
}

/* The secret of a new partner token of organisation. */
static void partner_token(const char *organisation, char secret[80])
{
	char json[200];
	snprintf(json, sizeof(json),
	         "{\"role\":\"partner\",\"organisation\":\"%s\",\"name\":\"partner\"}",
	         organisation);
	Chc__V1__CreateTokenResponse *created = create_token(json, CHC_OK);
	assert_non_null(created);
	snprintf(secret, 80, "%s", created->secret);
	protobuf_c_message_free_unpacked(&created->base, NULL);
}

/* A partner that owns nothing in this suite. */
static char stranger[80];

/* Every method of service at url, as nobody, as a stranger, as a reader
 * and as a partner (which names no organisation in an empty request). */
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
		code = code_of(url, method, stranger, message, sizeof(message));
		if (access == CHC__V1__ACCESS__ACCESS_PARTNER && code != CHC_INVALID_ARGUMENT)
			fail_msg("%s: a partner naming no organisation got %d %s", method, code,
			         message);
		if (access == CHC__V1__ACCESS__ACCESS_READER &&
		    (code == CHC_UNAUTHENTICATED || code == CHC_PERMISSION_DENIED))
			fail_msg("%s refused a partner: %d %s", method, code, message);
		if (access > CHC__V1__ACCESS__ACCESS_PARTNER && code != CHC_PERMISSION_DENIED)
			fail_msg("%s let a partner through: %d %s", method, code, message);
	}
}

static void every_method_needs_its_role(void **state)
{
	(void)state;
	partner_token("company:00000000-0000-4000-8000-000000000001", stranger);
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

/* What the other side owns: company B with a draft and a published
 * solution and a contact person, a need of Gladsaxe (159), a project of
 * both, an interest B sent Gladsaxe; and a partner token of each. */
static struct owned_records {
	char company[37], draft[37], solution[37], contact[37], need[37], project[37];
	char interest[37];
	char company_partner[80], municipality_partner[80];
} owned;

enum { OWNER_MUNICIPALITY = 159 };

/* Creates a record at service from the JSON that format and its arguments
 * make; its id in id. */
__attribute__((format(printf, 4, 5))) static void
create_owned(const ProtobufCServiceDescriptor *service, const char *method, char id[37],
             const char *format, ...)
{
	char text[1024];
	va_list arguments;
	va_start(arguments, format);
	vsnprintf(text, sizeof(text), format, arguments);
	va_end(arguments);
	harness_create(stack.client, service, method, text, id);
}

static void make_owned_records(void)
{
	if (owned.company[0] != '\0')
		return;
	char text[1024], deadline[11];
	create_owned(&chc__v1__company_service__descriptor, "CreateCompany", owned.company,
	             "{\"company\":{\"name\":\"Partner B ApS\",\"cvr\":\"10000408\","
	             "\"municipality_code\":101}}");
#define SOLUTION                                                                                   \
	"{\"solution\":{\"company_id\":\"%s\",\"name\":\"%s\",\"categories\":[\"remote-"           \
	"monitoring\"],\"trl\":8,\"device_class\":\"iia\"}}"
	create_owned(&chc__v1__company_service__descriptor, "CreateSolution", owned.draft, SOLUTION,
	             owned.company, "B kladde");
	snprintf(text, sizeof(text), SOLUTION, owned.company, "B publiceret");
#undef SOLUTION
	harness_publish_solution(stack.client, text, owned.solution);
	create_owned(&chc__v1__company_service__descriptor, "AddContact", owned.contact,
	             "{\"contact\":{\"company_id\":\"%s\",\"name\":\"Bo B\",\"email\":"
	             "\"bo@b.example\",\"consent_purpose\":\"matchmaking\"}}",
	             owned.company);
	create_owned(&chc__v1__municipality_service__descriptor, "CreateNeed", owned.need,
	             "{\"need\":{\"owners\":[{\"municipality_code\":%d}],\"title\":\"KOL\","
	             "\"care_area\":\"remote-monitoring\",\"min_trl\":6,\"max_device_class\":"
	             "\"iib\",\"procurement_route\":\"open-tender\",\"deadline\":\"%s\","
	             "\"status\":\"open\"}}",
	             OWNER_MUNICIPALITY, harness_date(90, deadline));
	create_owned(&chc__v1__project_service__descriptor, "CreateProject", owned.project,
	             "{\"project\":{\"title\":\"B og Gladsaxe\",\"participants\":["
	             "{\"party\":{\"kind\":\"company\",\"company_id\":\"%s\"},\"role\":\"lead\"},"
	             "{\"party\":{\"kind\":\"municipality\",\"municipality_code\":%d},"
	             "\"role\":\"investor\"}]}}",
	             owned.company, OWNER_MUNICIPALITY);
	create_owned(&chc__v1__project_service__descriptor, "CreateInterest", owned.interest,
	             "{\"interest\":{\"sender\":{\"kind\":\"company\",\"company_id\":\"%s\"},"
	             "\"need_id\":\"%s\",\"solution_id\":\"%s\",\"message\":\"Hej\"}}",
	             owned.company, owned.need, owned.solution);
	char organisation[64];
	snprintf(organisation, sizeof(organisation), "company:%s", owned.company);
	partner_token(organisation, owned.company_partner);
	snprintf(organisation, sizeof(organisation), "municipality:%d", OWNER_MUNICIPALITY);
	partner_token(organisation, owned.municipality_partner);
}

/* The value an owner option of kind names in field: the other side's
 * record; *owner is the secret of the partner it belongs to. */
static json_t *owned_value(const char *kind, const ProtobufCFieldDescriptor *field,
                           const char **owner)
{
	*owner = owned.company_partner;
	static const struct {
		const char *kind;
		const char *id;
	} records[] = { { "company", owned.company },
		        { "solution", owned.solution },
		        { "contact", owned.contact },
		        { "project", owned.project },
		        { "need", owned.need } };
	for (size_t i = 0; i < sizeof(records) / sizeof(records[0]); i++)
		if (strcmp(kind, records[i].kind) == 0) {
			if (strcmp(kind, "need") == 0)
				*owner = owned.municipality_partner;
			return json_string(records[i].id);
		}
	if (strcmp(kind, "organisation") != 0)
		fail_msg("an owner of kind %s: add a record of it here", kind);
	const ProtobufCMessageDescriptor *party = field->descriptor;
	if (protobuf_c_message_descriptor_get_field_by_name(party, "company_id") == NULL) {
		*owner = owned.municipality_partner;
		return json_pack("{s:i}", "municipality_code", OWNER_MUNICIPALITY);
	}
	json_t *value = json_pack("{s:s}", "company_id", owned.company);
	if (protobuf_c_message_descriptor_get_field_by_name(party, "kind") != NULL)
		json_object_set_new(value, "kind", json_string("company"));
	return value;
}

/* A request of type input whose owner path (option "KIND:PATH") names
 * the other side's record, packed; *owner as above. */
static uint8_t *owned_request(const ProtobufCMessageDescriptor *input, const char *option,
                              const char **owner, size_t *length)
{
	char kind[32], path[128];
	assert_int_equal(sscanf(option, "%31[^:]:%127s", kind, path), 2);
	json_t *root = json_object();
	json_t *cursor = root;
	const ProtobufCMessageDescriptor *message = input;
	for (char *save = NULL, *name = strtok_r(path, ".", &save); name != NULL;) {
		const ProtobufCFieldDescriptor *field =
		        protobuf_c_message_descriptor_get_field_by_name(message, name);
		assert_non_null(field);
		char *next = strtok_r(NULL, ".", &save);
		json_t *value = next != NULL ? json_object() : owned_value(kind, field, owner);
		if (next == NULL && field->label == PROTOBUF_C_LABEL_REPEATED)
			value = json_pack("[o]", value);
		json_object_set_new(cursor, name, value);
		cursor = value;
		message = field->descriptor;
		name = next;
	}
	ProtobufCMessage *request = NULL;
	chc_error error = { 0 };
	assert_int_equal(chc_json_to_message(input, root, &request, &error), CHC_OK);
	json_decref(root);
	*length = protobuf_c_message_get_packed_size(request);
	uint8_t *bytes = malloc(*length + 1);
	protobuf_c_message_pack(request, bytes);
	protobuf_c_message_free_unpacked(request, NULL);
	return bytes;
}

/* Every partner method of service at url: a partner of another
 * organisation is refused before anything runs, the record's own partner
 * is let through (to whatever its near-empty request then gets). */
static int check_partner_methods(const char *url, const ProtobufCServiceDescriptor *service)
{
	int checked = 0;
	for (unsigned i = 0; i < service->n_methods; i++) {
		char method[256];
		snprintf(method, sizeof(method), "/%s/%s", service->name, service->methods[i].name);
		if (chc_method_access(method) != CHC__V1__ACCESS__ACCESS_PARTNER)
			continue;
		const char *owner = NULL;
		size_t length = 0;
		uint8_t *payload = owned_request(service->methods[i].input,
		                                 chc_method_owner(method), &owner, &length);
		Chc__V1__RpcResponse *response =
		        harness_envelope_call(url, method, payload, length, 0, stranger);
		if (response->code != CHC_PERMISSION_DENIED ||
		    strstr(response->message, "acts for") == NULL)
			fail_msg("%s let a partner of another organisation through: %d %s", method,
			         response->code, response->message);
		chc__v1__rpc_response__free_unpacked(response, NULL);
		response = harness_envelope_call(url, method, payload, length, 0, owner);
		if (response->code == CHC_PERMISSION_DENIED ||
		    response->code == CHC_UNAUTHENTICATED)
			fail_msg("%s refused the record's own partner: %d %s", method,
			         response->code, response->message);
		chc__v1__rpc_response__free_unpacked(response, NULL);
		free(payload);
		checked++;
	}
	return checked;
}

static void partners_act_only_for_their_own(void **state)
{
	(void)state;
	make_owned_records();
	int checked =
	        check_partner_methods(stack.companies.url, &chc__v1__company_service__descriptor) +
	        check_partner_methods(stack.municipalities.url,
	                              &chc__v1__municipality_service__descriptor) +
	        check_partner_methods(stack.matching.url, &chc__v1__matching_service__descriptor) +
	        check_partner_methods(stack.projects.url, &chc__v1__project_service__descriptor);
	assert_true(checked >= 20);
}

/* The code of method called with json by the holder of secret. */
static int call_as(const char *secret, const char *url, const ProtobufCServiceDescriptor *service,
                   const char *method, const char *json, ProtobufCMessage **reply)
{
	const ProtobufCMethodDescriptor *found =
	        protobuf_c_service_descriptor_get_method_by_name(service, method);
	assert_non_null(found);
	json_t *root = json_loads(json, 0, NULL);
	assert_non_null(root);
	ProtobufCMessage *request = NULL;
	chc_error error = { 0 };
	assert_int_equal(chc_json_to_message(found->input, root, &request, &error), CHC_OK);
	json_decref(root);
	size_t length = protobuf_c_message_get_packed_size(request);
	uint8_t *bytes = malloc(length + 1);
	protobuf_c_message_pack(request, bytes);
	protobuf_c_message_free_unpacked(request, NULL);
	char full_name[256];
	snprintf(full_name, sizeof(full_name), "/%s/%s", service->name, method);
	Chc__V1__RpcResponse *response =
	        harness_envelope_call(url, full_name, bytes, length, 0, secret);
	free(bytes);
	int code = response->code;
	if (reply != NULL)
		*reply = code == CHC_OK ? protobuf_c_message_unpack(found->output, NULL,
		                                                    response->payload.len,
		                                                    response->payload.data)
		                        : NULL;
	chc__v1__rpc_response__free_unpacked(response, NULL);
	return code;
}

/* The solutions of company B that the holder of secret lists. */
static size_t listed_solutions(const char *secret, const char *method, const char *extra)
{
	char json[256];
	snprintf(json, sizeof(json), "{\"filter\":{\"company_id\":\"%s\"}%s}", owned.company,
	         extra);
	ProtobufCMessage *reply = NULL;
	assert_int_equal(call_as(secret, stack.companies.url, &chc__v1__company_service__descriptor,
	                         method, json, &reply),
	                 CHC_OK);
	size_t count = strcmp(method, "ListSolutions") == 0
	                       ? ((Chc__V1__ListSolutionsResponse *)reply)->n_solutions
	                       : ((Chc__V1__SearchSolutionsResponse *)reply)->n_solutions;
	protobuf_c_message_free_unpacked(reply, NULL);
	return count;
}

/* How many of company B's draft and published solution the holder of
 * secret gets from one BatchGetSolutions call. */
static size_t batch_solutions(const char *secret)
{
	char json[160];
	snprintf(json, sizeof(json), "{\"ids\":[\"%s\",\"%s\"]}", owned.draft, owned.solution);
	ProtobufCMessage *reply = NULL;
	assert_int_equal(call_as(secret, stack.companies.url, &chc__v1__company_service__descriptor,
	                         "BatchGetSolutions", json, &reply),
	                 CHC_OK);
	const Chc__V1__BatchGetSolutionsResponse *got = (const void *)reply;
	size_t count = got->n_solutions;
	assert_true(count > 0);
	assert_string_equal(got->solutions[count - 1]->id, owned.solution);
	protobuf_c_message_free_unpacked(reply, NULL);
	return count;
}

/* A draft is its company's and the secretariat's; an interest's sender is
 * hidden from everyone but itself and the secretariat until both accept. */
static void partners_read_what_they_may(void **state)
{
	(void)state;
	make_owned_records();
	char json[128];
	snprintf(json, sizeof(json), "{\"id\":\"%s\"}", owned.draft);
	const ProtobufCServiceDescriptor *companies = &chc__v1__company_service__descriptor;
	const char *url = stack.companies.url;
	assert_int_equal(call_as(stranger, url, companies, "GetSolution", json, NULL),
	                 CHC_NOT_FOUND);
	assert_int_equal(
	        call_as(harness_token("reader"), url, companies, "GetSolution", json, NULL),
	        CHC_NOT_FOUND);
	assert_int_equal(call_as(owned.company_partner, url, companies, "GetSolution", json, NULL),
	                 CHC_OK);
	/* A batch leaves out what GetSolution would not show. */
	assert_int_equal(batch_solutions(stranger), 1);
	assert_int_equal(batch_solutions(harness_token("reader")), 1);
	assert_int_equal(batch_solutions(owned.company_partner), 2);
	assert_int_equal(batch_solutions(harness_token("admin")), 2);
	assert_int_equal(listed_solutions(harness_token("admin"), "ListSolutions", ""), 2);
	assert_int_equal(listed_solutions(owned.company_partner, "ListSolutions", ""), 2);
	assert_int_equal(listed_solutions(stranger, "ListSolutions", ""), 1);
	assert_int_equal(listed_solutions(harness_token("reader"), "ListSolutions", ""), 1);
	const char *unpublished = ",\"query\":\"B\",\"include_unpublished\":true";
	assert_int_equal(listed_solutions(owned.company_partner, "SearchSolutions", unpublished),
	                 2);
	assert_int_equal(listed_solutions(stranger, "SearchSolutions", unpublished), 1);
	snprintf(json, sizeof(json), "{\"company_id\":\"%s\"}", owned.company);
	assert_int_equal(call_as(owned.company_partner, url, companies, "ListContacts", json, NULL),
	                 CHC_OK);
	assert_int_equal(call_as(stranger, url, companies, "ListContacts", json, NULL),
	                 CHC_PERMISSION_DENIED);

	snprintf(json, sizeof(json), "{\"id\":\"%s\"}", owned.interest);
	const struct {
		const char *secret;
		bool sees_sender;
	} viewers[] = { { harness_token("admin"), true },
		        { owned.company_partner, true },
		        { owned.municipality_partner, false },
		        { stranger, false },
		        { harness_token("reader"), false } };
	for (size_t i = 0; i < sizeof(viewers) / sizeof(viewers[0]); i++) {
		Chc__V1__Interest *interest = NULL;
		assert_int_equal(call_as(viewers[i].secret, stack.projects.url,
		                         &chc__v1__project_service__descriptor, "GetInterest", json,
		                         (ProtobufCMessage **)&interest),
		                 CHC_OK);
		assert_int_equal(interest->sender != NULL, viewers[i].sees_sender);
		protobuf_c_message_free_unpacked(&interest->base, NULL);
	}
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
	free_messages(&audit->base, &created->base);
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
	return harness_chc(&stack, role, "audit list --since 2020-01-01");
}

static void audit_command(void **state)
{
	(void)state;
	assert_int_equal(chc_audit_list("admin"), 0);
	assert_int_equal(chc_audit_list("reader"), 6);
}

/* The SQLSTATE of sql run as role ("" when it succeeds). */
static const char *sqlstate_as(const char *role, const char *sql)
{
	static char state[6];
	char url[512];
	snprintf(url, sizeof(url), "%s user=%s", harness_database_url(), role);
	PGconn *connection = PQconnectdb(url);
	assert_int_equal(PQstatus(connection), CONNECTION_OK);
	PGresult *result = PQexec(connection, sql);
	const char *code = PQresultErrorField(result, PG_DIAG_SQLSTATE);
	snprintf(state, sizeof(state), "%s", code != NULL ? code : "");
	PQclear(result);
	PQfinish(connection);
	return state;
}

/* Each service connects as its own role (the harness starts them so),
 * which reads and writes its own schema's rows and nothing else. */
static void services_have_least_privilege(void **state)
{
	(void)state;
	const char *const services[] = { "companies", "municipalities", "projects", "matching" };
	for (size_t i = 0; i < 4; i++) {
		char role[32], sql[160];
		snprintf(role, sizeof(role), "chc_%s", services[i]);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s.events", services[i]);
		assert_string_equal(sqlstate_as(role, sql), "");
		assert_string_equal(sqlstate_as(role, "SELECT count(*) FROM auth.tokens"), "");
		/* Another service's schema: 42501, insufficient privilege. */
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s.events", services[(i + 1) % 4]);
		assert_string_equal(sqlstate_as(role, sql), "42501");
		snprintf(sql, sizeof(sql), "DELETE FROM %s.audit", services[i]);
		assert_string_equal(sqlstate_as(role, sql), "42501");
		snprintf(sql, sizeof(sql), "ALTER TABLE %s.audit DISABLE TRIGGER USER",
		         services[i]);
		assert_string_equal(sqlstate_as(role, sql), "42501");
		snprintf(sql, sizeof(sql), "CREATE TABLE %s.mine (x int)", services[i]);
		assert_string_equal(sqlstate_as(role, sql), "42501");
	}
	assert_string_equal(
	        harness_sql_value(
	                stack.database,
	                "SELECT count(DISTINCT usename) FROM pg_stat_activity WHERE usename "
	                "LIKE 'chc\\_%'"),
	        "4");
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
		cmocka_unit_test(partners_act_only_for_their_own),
		cmocka_unit_test(partners_read_what_they_may),
		cmocka_unit_test(tokens_are_made_and_revoked),
		cmocka_unit_test(writes_are_audited),
		cmocka_unit_test(audit_command),
		cmocka_unit_test(long_idempotency_keys_are_refused),
		cmocka_unit_test(services_have_least_privilege),
	};
	/* Every service of the suite inherits it: a revocation shows in a second. */
	setenv("CHC_AUTH_CACHE_SECONDS", "1", 1);
	if (!harness_stack_start(&stack, "projects", NULL))
		return 1;
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	return harness_stack_stop(&stack) == 0 ? failed : 1;
}
