/*
 * dial.c - dialling an address, verifying tls+tcp:// services, so that
 * the token sent with every call cannot be read by a man in the middle.
 */
#include "dial.h"

#include <nng/supplemental/tls/tls.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Debian's CA store (package ca-certificates): what a tls+tcp:// service is
 * checked against when CHC_TLS_CA names no file of its own. */
#define CHC_SYSTEM_CA_FILE "/etc/ssl/certs/ca-certificates.crt"

/* The host of "tls+tcp://host:port" ("[::1]" without its brackets): the
 * name the service's certificate must carry. */
static void host_of(const char *url, char *host, size_t size)
{
	const char *start = strstr(url, "://");
	start = start != NULL ? start + 3 : url;
	const char *end = NULL;
	if (*start == '[') {
		start++;
		end = strchr(start, ']');
	} else {
		end = strrchr(start, ':');
	}
	size_t length = end != NULL ? (size_t)(end - start) : strlen(start);
	snprintf(host, size, "%.*s", (int)(length < size ? length : size - 1), start);
}

static chc_status dial_tls(nng_socket socket, const char *url, const char *ca_file, int flags,
                           chc_error *error)
{
	nng_tls_config *tls = NULL;
	nng_dialer dialer;
	char host[256];
	host_of(url, host, sizeof(host));
	const char *insecure = getenv("CHC_TLS_INSECURE");
	bool verify = insecure == NULL || strcmp(insecure, "1") != 0;
	const char *ca = ca_file != NULL && ca_file[0] != '\0' ? ca_file : CHC_SYSTEM_CA_FILE;
	int rv = nng_tls_config_alloc(&tls, NNG_TLS_MODE_CLIENT);
	if (rv == 0 && verify)
		rv = nng_tls_config_ca_file(tls, ca);
	if (rv == 0 && verify)
		rv = nng_tls_config_server_name(tls, host);
	if (rv == 0)
		rv = nng_tls_config_auth_mode(tls, verify ? NNG_TLS_AUTH_MODE_REQUIRED
		                                          : NNG_TLS_AUTH_MODE_NONE);
	if (rv == 0 && !verify)
		fprintf(stderr,
		        "libchc: warning: CHC_TLS_INSECURE=1: the certificate of %s is not "
		        "checked\n",
		        url);
	if (rv == 0)
		rv = nng_dialer_create(&dialer, socket, url);
	if (rv == 0)
		rv = nng_dialer_set_ptr(dialer, NNG_OPT_TLS_CONFIG, tls);
	if (rv == 0)
		rv = nng_dialer_start(dialer, flags);
	if (tls != NULL)
		nng_tls_config_free(tls);
	if (rv != 0)
		return chc_error_set(error, CHC_UNAVAILABLE, "cannot connect to %s: %s%s%s%s", url,
		                     nng_strerror(rv),
		                     verify ? " (certificate checked against " : "",
		                     verify ? ca : "", verify ? ")" : "");
	return CHC_OK;
}

chc_status chc_dial(nng_socket socket, const char *url, const char *ca_file, int flags,
                    chc_error *error)
{
	if (strncmp(url, "tls+tcp://", 10) == 0)
		return dial_tls(socket, url, ca_file, flags, error);
	int rv = nng_dial(socket, url, NULL, flags);
	if (rv != 0)
		return chc_error_set(error,
		                     rv == NNG_EADDRINVAL || rv == NNG_ENOTSUP
		                             ? CHC_INVALID_ARGUMENT
		                             : CHC_UNAVAILABLE,
		                     "cannot connect to %s: %s", url, nng_strerror(rv));
	return CHC_OK;
}

chc_status chc_dial_all(nng_socket socket, const char *urls, const char *ca_file, chc_error *error)
{
	size_t length = strlen(urls);
	char *copy = malloc(length + 1);
	if (copy == NULL)
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	memcpy(copy, urls, length + 1);
	bool reached = false;
	bool mistaken = false;
	chc_error first = { 0 };
	char *save = NULL;
	for (char *url = strtok_r(copy, ",", &save); url != NULL && !mistaken;
	     url = strtok_r(NULL, ",", &save)) {
		chc_error attempt = { 0 };
		chc_status dialled = chc_dial(socket, url, ca_file, 0, &attempt);
		reached = reached || dialled == CHC_OK;
		/* An address nng does not take is a mistake to report, not to
		 * route around. */
		mistaken = dialled == CHC_INVALID_ARGUMENT;
		if (dialled != CHC_OK && first.code == CHC_OK)
			chc_error_set(&first, dialled, "%s", attempt.message);
		chc_error_fini(&attempt);
		if (dialled == CHC_UNAVAILABLE) {
			/* Down now, joins when it comes up: nng keeps redialling. */
			chc_error ignored = { 0 };
			chc_dial(socket, url, ca_file, NNG_FLAG_NONBLOCK, &ignored);
			chc_error_fini(&ignored);
		}
	}
	free(copy);
	chc_status status = CHC_OK;
	if (mistaken || !reached)
		status = chc_error_set(error,
		                       first.code != CHC_OK ? first.code : CHC_INVALID_ARGUMENT,
		                       "%s", first.message != NULL ? first.message : "no address");
	chc_error_fini(&first);
	return status;
}
