/*
 * chc/chc.h - everything a partner includes to use libchc:
 *
 *   status.h   status codes (gRPC's numbers) and error details
 *   client.h   the thread-safe client, calls, retries, stubs
 *   events.h   the services' domain events, live (subscriptions)
 *   json.h     messages to and from JSON
 *   methods.h  which methods write
 *   version.h  CHC_VERSION, CHC_SCHEMA_VERSION
 *
 * The request and reply types are protobuf-c's, generated from
 * proto/chc/v1/ and installed as chc/v1/<file>.pb-c.h.
 */
#ifndef CHC_CHC_H
#define CHC_CHC_H

#include "chc/client.h"
#include "chc/events.h"
#include "chc/json.h"
#include "chc/methods.h"
#include "chc/status.h"
#include "chc/version.h"

#endif /* CHC_CHC_H */
