/*
 * listen.c - the listeners of the RPC and events sockets, one way.
 */
#include "listen.h"

#include <nng/supplemental/tls/tls.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"

static chc_status listen_tls(nng_socket socket, const char *address, const char *setting,
                             const char *tls_cert, const char *tls_key, chc_error *error)
{
	if (tls_cert[0] == '\0' || tls_key[0] == '\0')
		return chc_error_set(error, CHC_INVALID_ARGUMENT,
		                     "%s: %s needs CHC_TLS_CERT and CHC_TLS_KEY", setting, address);
	char *certificate = NULL;
	char *key = NULL;
	nng_tls_config *tls = NULL;
	nng_listener listener;
	chc_status status =
	        core_read_file(tls_cert, CHC_INVALID_ARGUMENT, &certificate, NULL, error);
	if (status == CHC_OK)
		status = core_read_file(tls_key, CHC_INVALID_ARGUMENT, &key, NULL, error);
	int rv = 0;
	if (status == CHC_OK) {
		rv = nng_tls_config_alloc(&tls, NNG_TLS_MODE_SERVER);
		if (rv == 0)
			rv = nng_tls_config_own_cert(tls, certificate, key, NULL);
		if (rv == 0)
			rv = nng_listener_create(&listener, socket, address);
		if (rv == 0)
			rv = nng_listener_set_ptr(listener, NNG_OPT_TLS_CONFIG, tls);
		if (rv == 0)
			rv = nng_listener_start(listener, 0);
		if (rv != 0)
			status =
			        chc_error_set(error, CHC_UNAVAILABLE, "%s: cannot listen on %s: %s",
			                      setting, address, nng_strerror(rv));
	}
	if (tls != NULL)
		nng_tls_config_free(tls); /* the listener holds its own reference */
	free(certificate);
	free(key);
	return status;
}

chc_status core_listen(nng_socket socket, const char *addresses, const char *setting,
                       const char *tls_cert, const char *tls_key, chc_error *error)
{
	char *copy = strdup(addresses);
	if (copy == NULL)
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	chc_status status = CHC_OK;
	char *cursor = NULL;
	for (char *address = strtok_r(copy, ",", &cursor); address != NULL && status == CHC_OK;
	     address = strtok_r(NULL, ",", &cursor)) {
		while (*address == ' ')
			address++;
		if (strncmp(address, "tls+tcp://", 10) == 0) {
			status = listen_tls(socket, address, setting, tls_cert, tls_key, error);
			continue;
		}
		int rv = nng_listen(socket, address, NULL, 0);
		if (rv != 0)
			status = chc_error_set(
			        error,
			        rv == NNG_EADDRINVAL || rv == NNG_ENOTSUP ? CHC_INVALID_ARGUMENT
			                                                  : CHC_UNAVAILABLE,
			        "%s: cannot listen on %s: %s", setting, address, nng_strerror(rv));
	}
	free(copy);
	return status;
}
