/*
 * remote.h - the one libchc client through which a service reads another
 * (no service reads another's schema), and the calls every such service
 * made alike. A library of its own, apart from chc_core: only the services
 * that call another link libchc.
 */
#ifndef REMOTE_H
#define REMOTE_H

#include <protobuf-c/protobuf-c.h>

#include "chc/client.h"
#include "chc/status.h"
#include "config.h"
#include "request.h"

/* Creates the process's client with the service's token; calls give up
 * after timeout_ms (how long the service can wait for another differs). */
chc_status remote_start(const core_config *config, int timeout_ms, chc_error *error);
void remote_stop(void);
chc_client *remote_client(void);

/* Calls a Get method whose request holds one field, id. options may be
 * NULL (the service's own token, the client's timeout). *reply (may be
 * NULL: not wanted) is the caller's. CHC_NOT_FOUND when there is none. */
chc_status remote_get_by_id(const chc_call_options *options,
                            const ProtobufCServiceDescriptor *service, const char *method,
                            const char *id, ProtobufCMessage **reply, chc_error *error);

/* One call on behalf of request: its deadline and its caller's token
 * (core_forwarded_token). NULL with NOT_FOUND ("<field>: no <what>") or
 * UNAVAILABLE (naming field and what) recorded. The reply is the caller's. */
ProtobufCMessage *remote_fetch(core_request *request, const char *field, const char *what,
                               const ProtobufCServiceDescriptor *service, const char *method,
                               const ProtobufCMessage *input);

/* remote_fetch of the record with id by method, a Get whose request is its
 * id alone. */
ProtobufCMessage *remote_get(core_request *request, const char *field, const char *what,
                             const ProtobufCServiceDescriptor *service, const char *method,
                             const char *id);

#endif /* REMOTE_H */
