/*
 * tokens.c - CreateToken, ListTokens and RevokeToken (admin only, by the
 * access options in tokens.proto), and the making of a token.
 */
#include "tokens.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "chc/uuid.h"
#include "chc/v1/tokens.pb-c.h"
#include "db.h"
#include "entity.h"
#include "handler.h"
#include "listing.h"
#include "validate.h"

typedef Chc__V1__TokenService_Service tokens_service;

/* A Token's fields in the order of their numbers (core_row_message). */
#define TOKEN_COLUMNS                                                                              \
	"t.id, t.role, t.organisation, t.name, t.created_by, "                                     \
	"(extract(epoch FROM t.created_at) * 1000)::bigint, "                                      \
	"coalesce((extract(epoch FROM t.expires_at) * 1000)::bigint, 0), "                         \
	"coalesce((extract(epoch FROM t.revoked_at) * 1000)::bigint, 0)"
#define TOKEN_COLUMN_COUNT 8

static ProtobufCMessage *token_from_row(core_request *request, PGresult *result, int row)
{
	return core_row_message(request, &chc__v1__token__descriptor, NULL, result, row);
}

CORE_ENTITY_DEFINE(token_entity, "token", "token", "SELECT " TOKEN_COLUMNS " FROM auth.tokens t",
                   "t.id", token_from_row);

chc_status core_token_create(PGconn *connection, const char *role, const char *organisation,
                             const char *name, int expires_in_days, const char *created_by,
                             char id[37], char secret[4 + 64 + 1], chc_error *error)
{
	char hash[65];
	char days[16];
	if (core_auth_new_secret(secret) != CHC_OK || core_auth_secret_hash(secret, hash) != CHC_OK)
		return chc_error_set(error, CHC_INTERNAL, "cannot make a random secret");
	chc_uuid_generate(id);
	snprintf(days, sizeof(days), "%d", expires_in_days);
	const char *values[] = { id, hash, role, organisation, name, created_by, days };
	PGresult *result = PQexecParams(
	        connection,
	        "INSERT INTO auth.tokens (id, secret_hash, role, organisation, name, created_by, "
	        "expires_at) VALUES ($1::uuid, decode($2, 'hex'), $3, lower($4), $5, $6, CASE WHEN "
	        "$7::int > 0 THEN now() + make_interval(days => $7::int) END)",
	        7, NULL, values, NULL, NULL, 0);
	chc_status status = CHC_OK;
	if (PQresultStatus(result) != PGRES_COMMAND_OK)
		status = chc_error_set(
		        error,
		        core_db_status_from_sqlstate(PQresultErrorField(result, PG_DIAG_SQLSTATE)),
		        "cannot store the token: %s", PQerrorMessage(connection));
	PQclear(result);
	return status;
}

/* A partner's organisation: "company:<uuid>", "municipality:<code>" or
 * "region:<code>", the party keys the projects service uses too. */
static bool organisation_is_valid(const char *organisation)
{
	int code = 0;
	char tail = 0;
	if (strncmp(organisation, "company:", 8) == 0)
		return chc_uuid_is_valid(organisation + 8);
	if (sscanf(organisation, "municipality:%d%c", &code, &tail) == 1)
		return code >= 100 && code <= 999;
	if (sscanf(organisation, "region:%d%c", &code, &tail) == 1)
		return code >= 1081 && code <= 1085;
	return false;
}

static Chc__V1__CreateTokenResponse *create_token(core_request *request,
                                                  const Chc__V1__CreateTokenRequest *input)
{
	core_check_enum(request, "role", &chc__v1__role__descriptor, input->role, true);
	core_check_text(request, "name", input->name, 0, 200);
	core_check_range(request, "expires_in_days", input->expires_in_days, 0, 3650);
	bool partner = input->role == CHC__V1__ROLE__ROLE_PARTNER;
	if (partner && !organisation_is_valid(input->organisation))
		core_violation(request, "organisation",
		               "a partner's organisation is company:<id>, municipality:<code> or "
		               "region:<code>");
	else if (!partner && input->organisation[0] != '\0')
		core_violation(request, "organisation", "is only for partner tokens");
	if (core_failed(request))
		return NULL;
	char id[37];
	char secret[4 + 64 + 1];
	const char *role = core_enum_slug(request, &chc__v1__role__descriptor, input->role);
	Chc__V1__Token *token = NULL;
	if (role == NULL ||
	    core_token_create(request->db, role, input->organisation, input->name,
	                      input->expires_in_days, request->principal.subject, id, secret,
	                      &request->error) != CHC_OK ||
	    core_entity_load(request, &token_entity, id, false, (ProtobufCMessage **)&token) !=
	            CHC_OK)
		return NULL;
	request->reply_not_kept = true;
	Chc__V1__CreateTokenResponse *reply =
	        core_message_new(request, &chc__v1__create_token_response__descriptor);
	if (reply == NULL)
		return NULL;
	reply->token = token;
	/* The reply outlives this frame. */
	reply->secret = core_strdup(request, secret);
	return reply->secret != NULL ? reply : NULL;
}
static CORE_REPLY_HANDLER(tokens, create_token, CreateTokenRequest, CreateTokenResponse)

/* Oldest first: the first admin token heads the list. */
#define TOKEN_LISTING(table_text)                                                                  \
	{                                                                                          \
		.entity = &token_entity, .table = table_text, .columns = TOKEN_COLUMNS,            \
		.column_count = TOKEN_COLUMN_COUNT, .order = "t.created_at, t.id",                 \
	}
static const core_listing every_token = TOKEN_LISTING("auth.tokens t");
static const core_listing usable_tokens =
        TOKEN_LISTING("(SELECT * FROM auth.tokens WHERE revoked_at IS NULL) t");

static const Chc__V1__ListTokensResponse *list_tokens(core_request *request,
                                                      const Chc__V1__ListTokensRequest *input)
{
	return (const Chc__V1__ListTokensResponse *)core_list_reply(
	        request, input->include_revoked ? &every_token : &usable_tokens, &input->base,
	        &chc__v1__list_tokens_response__descriptor);
}
static CORE_REPLY_HANDLER(tokens, list_tokens, ListTokensRequest, ListTokensResponse)

static const core_statement token_revoke_statement = {
	"token_revoke",
	"UPDATE auth.tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = "
	"$1::uuid",
	1
};

/* Revoking twice is the same as once: the first time is kept. */
static Chc__V1__Token *revoke_token(core_request *request, const Chc__V1__RevokeTokenRequest *input)
{
	const char *values[] = { input->id };
	PGresult *result = NULL;
	ProtobufCMessage *token = NULL;
	if (!core_check_uuid(request, "id", input->id) ||
	    core_entity_load(request, &token_entity, input->id, true, &token) != CHC_OK ||
	    core_query(request, &token_revoke_statement, values, &result) != CHC_OK ||
	    core_entity_load(request, &token_entity, input->id, false, &token) != CHC_OK)
		return NULL;
	/* This service forgets it at once; the others within their cache's
	 * seconds. */
	core_auth_forget();
	return (Chc__V1__Token *)token;
}
static CORE_REPLY_HANDLER(tokens, revoke_token, RevokeTokenRequest, Token)

static tokens_service token_service = CHC__V1__TOKEN_SERVICE__INIT(tokens_);

ProtobufCService *core_token_service(void)
{
	return &token_service.base;
}
