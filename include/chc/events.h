/*
 * chc/events.h - the services' domain events, live.
 *
 * Every service publishes each change it makes (need.created,
 * interest.accepted, ...) on its events address (CHC_EVENTS_LISTEN:
 * tcp://127.0.0.1:7111..7114 by default, or tls+tcp://). A subscription
 * receives the events whose type starts with a prefix, from the moment it
 * is made; what was published before is read with the Events service's
 * ListEvents (a subscriber that was away catches up from the last sequence
 * number it saw). A tls+tcp:// address is verified as calls are: the
 * certificate against CHC_TLS_CA or the system's CA store, and the name.
 *
 *   chc_subscription *subscription = NULL;
 *   chc_events_subscribe(client, "tcp://127.0.0.1:7112", "need.", &subscription, &error);
 *   Chc__V1__Event *event = NULL;
 *   while (chc_events_next(subscription, 1000, &event, &error) != CHC_UNAVAILABLE)
 *       if (event != NULL) { ...; chc__v1__event__free_unpacked(event, NULL); }
 *   chc_events_unsubscribe(subscription);
 */
#ifndef CHC_EVENTS_H
#define CHC_EVENTS_H

#include "chc/client.h"
#include "chc/v1/events.pb-c.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chc_subscription chc_subscription;

/*
 * Subscribes to the events published at url whose type starts with
 * type_prefix ("" for all). CHC_OK with *subscription (the caller's, ended
 * with chc_events_unsubscribe); UNAVAILABLE or INVALID_ARGUMENT with the
 * reason when url cannot be dialled. The client only lends its TLS
 * settings; it may be destroyed before the subscription.
 */
CHC_API chc_status chc_events_subscribe(chc_client *client, const char *url,
                                        const char *type_prefix, chc_subscription **subscription,
                                        chc_error *error);

/*
 * Waits at most timeout_ms for the next event: CHC_OK with *event (the
 * caller frees it with chc__v1__event__free_unpacked), CHC_DEADLINE_EXCEEDED
 * with *event NULL when none came, UNAVAILABLE when the subscription ended.
 * One thread at a time per subscription.
 */
CHC_API chc_status chc_events_next(chc_subscription *subscription, int timeout_ms,
                                   Chc__V1__Event **event, chc_error *error);

CHC_API void chc_events_unsubscribe(chc_subscription *subscription);

#ifdef __cplusplus
}
#endif

#endif /* CHC_EVENTS_H */
