/*
 * auth.h - turns the envelope's token into the principal handlers see.
 *
 * Today one shared token (CHC_TOKEN) identifies the secretariat; when it is
 * empty every caller is accepted as an anonymous secretariat (a developer's
 * machine). Roles are already part of the principal so that per-method
 * permissions can be added without touching handlers' signatures.
 */
#ifndef CORE_AUTH_H
#define CORE_AUTH_H

#include "chc/status.h"
#include "request.h"

/*
 * Fills principal from token. expected is the configured token ("" when
 * authentication is off). Returns CHC_OK or CHC_UNAUTHENTICATED with error
 * saying whether the token was missing or wrong.
 */
chc_status core_auth_principal(const char *expected, const char *token, core_principal *principal,
                               chc_error *error);

#endif /* CORE_AUTH_H */
