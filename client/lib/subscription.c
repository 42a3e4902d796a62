/*
 * subscription.c - a SUB socket on a service's events address. A message
 * is the event's type, one NUL byte, then the Event serialized: the type
 * in front is what nng's subscription prefix matches.
 */
#include "chc/events.h"

#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>
#include <stdlib.h>
#include <string.h>

#include "dial.h"

struct chc_subscription {
	nng_socket socket;
};

chc_status chc_events_subscribe(chc_client *client, const char *url, const char *type_prefix,
                                chc_subscription **subscription, chc_error *error)
{
	*subscription = NULL;
	if (client == NULL || url == NULL)
		return chc_error_set(error, CHC_INVALID_ARGUMENT, "no client or address");
	const char *prefix = type_prefix != NULL ? type_prefix : "";
	chc_subscription *made = calloc(1, sizeof(*made));
	if (made == NULL)
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	int rv = nng_sub0_open(&made->socket);
	if (rv == 0)
		rv = nng_socket_set(made->socket, NNG_OPT_SUB_SUBSCRIBE, prefix, strlen(prefix));
	chc_status status =
	        rv == 0 ? CHC_OK
	                : chc_error_set(error, CHC_RESOURCE_EXHAUSTED,
	                                "cannot open a subscription: %s", nng_strerror(rv));
	/* Non-blocking: a service that starts later is dialled when it comes. */
	if (status == CHC_OK)
		status = chc_dial(made->socket, url, chc_client_tls_ca_file(client),
		                  NNG_FLAG_NONBLOCK, error);
	if (status != CHC_OK) {
		if (rv == 0)
			nng_close(made->socket);
		free(made);
		return status;
	}
	*subscription = made;
	return CHC_OK;
}

chc_status chc_events_next(chc_subscription *subscription, int timeout_ms, Chc__V1__Event **event,
                           chc_error *error)
{
	*event = NULL;
	nng_socket_set_ms(subscription->socket, NNG_OPT_RECVTIMEO,
	                  timeout_ms > 0 ? timeout_ms : NNG_DURATION_ZERO);
	nng_msg *message = NULL;
	int rv = nng_recvmsg(subscription->socket, &message, 0);
	if (rv == NNG_ETIMEDOUT)
		return chc_error_set(error, CHC_DEADLINE_EXCEEDED, "no event in %d ms", timeout_ms);
	if (rv != 0)
		return chc_error_set(error, CHC_UNAVAILABLE, "the subscription ended: %s",
		                     nng_strerror(rv));
	const uint8_t *body = nng_msg_body(message);
	size_t length = nng_msg_len(message);
	const uint8_t *end = memchr(body, '\0', length);
	size_t skip = end != NULL ? (size_t)(end - body) + 1 : length;
	*event = end != NULL ? chc__v1__event__unpack(NULL, length - skip, body + skip) : NULL;
	nng_msg_free(message);
	if (*event == NULL)
		return chc_error_set(error, CHC_INTERNAL, "an event that does not decode");
	return CHC_OK;
}

void chc_events_unsubscribe(chc_subscription *subscription)
{
	if (subscription == NULL)
		return;
	nng_close(subscription->socket);
	free(subscription);
}
