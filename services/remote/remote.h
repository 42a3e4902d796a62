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

/*
 * Records of another service named by count ids (UUIDs) or, when ids is
 * NULL, by codes: one call of method, whose request lists them in its
 * repeated field keys (a BatchGet; NULL: a List that gives them all) and
 * whose reply lists those that exist. The reply is the caller's; NULL with
 * UNAVAILABLE (naming field) recorded.
 */
ProtobufCMessage *remote_fetch_many(core_request *request, const char *field,
                                    const ProtobufCServiceDescriptor *service, const char *method,
                                    const char *keys, char **ids, int32_t *codes, size_t count);

/* The record in reply (a message listing records in its one repeated
 * message field, core_records_field) whose field key is id (a string) or,
 * when id is NULL, code; NULL when there is none. Points into reply. */
const ProtobufCMessage *remote_found_record(const ProtobufCMessage *reply, const char *key,
                                            const char *id, int code);

/* What a caller of remote_batch_each makes of one id: item is its field
 * ("parameters.need_ids[2]"), record the record found (NULL: none; valid
 * only during the call). Records a failure on request to refuse it. */
typedef void (*remote_batch_visit)(core_request *request, const char *item, const char *id,
                                   const ProtobufCMessage *record, const void *context);

/*
 * The count ids of field through method, a BatchGet taking "ids", one call
 * per CORE_BATCH_MAX of them, and visit for each in order until the request
 * fails. The ids must be UUIDs already checked. Returns CHC_OK or the
 * request's failure.
 */
chc_status remote_batch_each(core_request *request, const char *field,
                             const ProtobufCServiceDescriptor *service, const char *method,
                             char *const *ids, size_t count, remote_batch_visit visit,
                             const void *context);

#endif /* REMOTE_H */
