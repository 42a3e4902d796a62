/*
 * tokens.h - chc.v1.TokenService, which every service answers (the tokens
 * live in one table all of them read), and the one way a token is made,
 * shared with chc-migrate's first admin token.
 */
#ifndef CORE_TOKENS_H
#define CORE_TOKENS_H

#include <libpq-fe.h>
#include <protobuf-c/protobuf-c.h>

#include "chc/status.h"

ProtobufCService *core_token_service(void);

/*
 * Makes a token of role ("admin", "secretariat", ...) on connection: its
 * id in id, its secret (shown once, kept nowhere) in secret. organisation
 * is a partner's ("" for other roles); expires_in_days 0: never. Runs in
 * the caller's transaction, if any.
 */
chc_status core_token_create(PGconn *connection, const char *role, const char *organisation,
                             const char *name, int expires_in_days, const char *created_by,
                             char id[37], char secret[4 + 64 + 1], chc_error *error);

#endif /* CORE_TOKENS_H */
