/*
 * dial.h - libchc's one way of reaching an address (inside the library,
 * not for partners): the calls' REQ sockets and the events' SUB sockets
 * are dialled and, for tls+tcp://, verified alike.
 */
#ifndef CHC_LIB_DIAL_H
#define CHC_LIB_DIAL_H

#include <nng/nng.h>

#include "chc/status.h"

/*
 * Dials url on socket (flags as nng_dial's). A tls+tcp:// service is
 * verified: its certificate against ca_file ("" : the system's CA store)
 * and its name against the address's host; CHC_TLS_INSECURE=1 turns that
 * off with a warning on stderr. UNAVAILABLE (INVALID_ARGUMENT for an
 * address nng does not take) with the reason.
 */
chc_status chc_dial(nng_socket socket, const char *url, const char *ca_file, int flags,
                    chc_error *error);

/*
 * Dials every address of a comma-separated list on one socket
 * ("tcp://a:7101,tcp://b:7101": several instances of a service). nng's REQ
 * then spreads requests over the connected instances and resends a request
 * whose instance went away to another. An instance that cannot be reached
 * now is dialled again in the background; CHC_OK when at least one was
 * reached, else the first failure.
 */
chc_status chc_dial_all(nng_socket socket, const char *urls, const char *ca_file, chc_error *error);

/* The CA file a client checks tls+tcp:// services against ("" : the
 * system's store), for the subscriptions it makes. */
struct chc_client;
const char *chc_client_tls_ca_file(const struct chc_client *client);

#endif /* CHC_LIB_DIAL_H */
