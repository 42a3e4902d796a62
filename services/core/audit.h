/*
 * audit.h - every write recorded in the same transaction as the write:
 * who, when, the method, the request id, the record and the names of the
 * fields the call set; and AuditService, which lists them.
 */
#ifndef CORE_AUDIT_H
#define CORE_AUDIT_H

#include <protobuf-c/protobuf-c.h>

#include "chc/status.h"
#include "request.h"

/* Notes what a write's input set (update_mask, or the names of the fields
 * it set, one level into a message such as "need.title"), for the record
 * core_audit_write makes. Called with the decoded input before the handler
 * runs; the names are request-owned. */
void core_audit_note_input(core_request *request, const ProtobufCMessage *input);

/* Notes the id the reply names ("id", or the "id" of its one message
 * field, as CreateTokenResponse.token.id). */
void core_audit_note_reply(core_request *request, const ProtobufCMessage *reply);

/* Adds the write's record to the service's audit, in the request's
 * transaction. */
chc_status core_audit_write(core_request *request);

/* AuditService for the service that owns schema; names the table
 * core_audit_write writes to. Call once, at start. */
ProtobufCService *core_audit_service(const char *schema);

#endif /* CORE_AUDIT_H */
