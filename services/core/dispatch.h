/*
 * dispatch.h - the method table, built from the service descriptors that
 * protobuf-c generates. A service registers its filled-in generated
 * `..._Service` struct; nothing lists the methods a second time.
 */
#ifndef CORE_DISPATCH_H
#define CORE_DISPATCH_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>

#include "chc/status.h"
#include "request.h"
#include "scope.h"

typedef struct core_method {
	char *full_name; /* "/chc.v1.CompanyService/GetCompany" */
	ProtobufCService *service;
	unsigned index;
	const ProtobufCMethodDescriptor *descriptor;
	bool is_write; /* runs in a transaction with idempotency */
	int access;    /* who may call it: its (chc.v1.access) option */
	bool needs_database;
	core_scope_owner owner; /* what a partner acts for: its (chc.v1.owner) option */
} core_method;

typedef struct core_dispatch {
	core_method *methods; /* sorted by full_name */
	size_t count;
} core_dispatch;

/*
 * Adds every method of service. needs_database is false for services that
 * answer without PostgreSQL (Health). Returns CHC_OK, CHC_ALREADY_EXISTS
 * when a method is registered twice, CHC_FAILED_PRECONDITION when a
 * method declares no access option (core_dispatch_undeclared names it),
 * CHC_RESOURCE_EXHAUSTED.
 */
chc_status core_dispatch_add(core_dispatch *dispatch, ProtobufCService *service,
                             bool needs_database);

/*
 * Reads every method's (chc.v1.owner) option against records, the kinds of
 * record the service resolves for partners. CHC_FAILED_PRECONDITION with
 * error naming the method when an ACCESS_PARTNER method declares no owner,
 * another method declares one, or an owner does not fit the request.
 */
chc_status core_dispatch_scope(core_dispatch *dispatch, const core_scope_record *records,
                               size_t record_count, chc_error *error);

/* The first method that declares no access option, or "". */
const char *core_dispatch_undeclared(const core_dispatch *dispatch);

/* The method named name, or NULL. Thread-safe once registration is over. */
const core_method *core_dispatch_find(const core_dispatch *dispatch, const char *name);

/*
 * Unpacks payload as the method's input and calls its handler with
 * request as closure data. Records INVALID_ARGUMENT when the payload does
 * not decode, PERMISSION_DENIED when a partner acts for another
 * organisation (scope.h), INTERNAL when the handler gives no reply.
 */
void core_dispatch_invoke(const core_method *method, const uint8_t *payload, size_t length,
                          core_request *request);

void core_dispatch_fini(core_dispatch *dispatch);

#endif /* CORE_DISPATCH_H */
