/*
 * scope.h - what a partner may act for.
 *
 * A partner's token is tied to one organisation ("company:<uuid>",
 * "municipality:101", "region:1084"). A method a partner may call declares,
 * next to itself in the .proto files, which field of its request names the
 * organisation it acts for (option (chc.v1.owner), access.proto): the id
 * or code itself, a Party-like message, or the id of a record the service
 * resolves to its owners. The check runs in the core before the handler,
 * inside the write's transaction, so no handler repeats it and a new
 * partner method cannot forget it.
 */
#ifndef CORE_SCOPE_H
#define CORE_SCOPE_H

#include <protobuf-c/protobuf-c.h>

#include "chc/status.h"
#include "db.h"
#include "request.h"

/* A kind of record a service resolves to the organisations it belongs to:
 * statement takes the record's id as $1 and gives one row per owning
 * organisation, in the form of a partner's organisation. */
typedef struct core_scope_record {
	const char *kind; /* "solution", as in option (owner) = "solution:id" */
	core_statement statement;
} core_scope_record;

/* How one method's owner option is read, parsed once at start. */
typedef struct core_scope_owner {
	const char *kind; /* company, municipality, region, organisation or a record kind */
	const ProtobufCFieldDescriptor *path[4]; /* the fields from the request down */
	unsigned depth;
	const char *field;               /* the dotted path, for messages */
	const core_scope_record *record; /* for a record kind */
} core_scope_owner;

/*
 * Parses option, "KIND:FIELD", against input (the method's request type)
 * and records; CHC_FAILED_PRECONDITION with error naming method when the
 * option is malformed, names no field of input, a field of the wrong type,
 * or a kind of record the service does not resolve.
 */
chc_status core_scope_owner_parse(const char *method, const char *option,
                                  const ProtobufCMessageDescriptor *input,
                                  const core_scope_record *records, size_t record_count,
                                  core_scope_owner *owner, chc_error *error);

/*
 * true when the request's principal is no partner, or when the
 * organisation input names through owner is the partner's own. Otherwise
 * records PERMISSION_DENIED naming the field and both organisations (or
 * INVALID_ARGUMENT when the field is empty or not an id) and returns
 * false.
 */
bool core_scope_permit(core_request *request, const core_scope_owner *owner,
                       const ProtobufCMessage *input);

#endif /* CORE_SCOPE_H */
