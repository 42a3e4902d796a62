/*
 * listen.h - a socket listening on a comma-separated list of addresses,
 * as CHC_LISTEN (the RPC socket) and CHC_EVENTS_LISTEN (the events' PUB
 * socket) both give them: tcp://, ipc://, and tls+tcp:// with the service's
 * certificate (CHC_TLS_CERT, CHC_TLS_KEY).
 */
#ifndef CORE_LISTEN_H
#define CORE_LISTEN_H

#include <nng/nng.h>

#include "chc/status.h"

/* setting names the variable the addresses came from, for messages.
 * INVALID_ARGUMENT for an address nng does not take or a tls+tcp://
 * address without a certificate; UNAVAILABLE when one is taken. */
chc_status core_listen(nng_socket socket, const char *addresses, const char *setting,
                       const char *tls_cert, const char *tls_key, chc_error *error);

#endif /* CORE_LISTEN_H */
