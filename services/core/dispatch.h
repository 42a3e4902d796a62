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

/*
 * A write's checks against other services, run before its transaction opens
 * (server.c): a call to another service inside the transaction would hold
 * the worker's connection, and any lock the write took, for as long as the
 * other service takes to answer. It records a failure on request, or leaves
 * what it found for the handler in request->prechecked (request-owned). It
 * does not run for a replay of an idempotency key answered before.
 */
typedef void (*core_precheck_function)(core_request *request, const ProtobufCMessage *input);

/* The precheck of one method of a service's own descriptor. */
typedef struct core_precheck {
	const char *method; /* "CreateProject" */
	core_precheck_function check;
} core_precheck;

typedef struct core_method {
	char *full_name; /* "/chc.v1.CompanyService/GetCompany" */
	ProtobufCService *service;
	unsigned index;
	const ProtobufCMethodDescriptor *descriptor;
	bool is_write; /* runs in a transaction with idempotency */
	int access;    /* who may call it: its (chc.v1.access) option */
	bool needs_database;
	core_scope_owner owner;          /* what a partner acts for: its (chc.v1.owner) option */
	core_precheck_function precheck; /* NULL: the method calls no other service */
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

/*
 * Gives the methods of service the prechecks name (ended by one whose
 * method is NULL; prechecks may be NULL).
 * CHC_FAILED_PRECONDITION with error naming the method when one is not a
 * method of service or does not write (a read has no transaction to keep
 * remote calls out of).
 */
chc_status core_dispatch_prechecks(core_dispatch *dispatch,
                                   const ProtobufCServiceDescriptor *service,
                                   const core_precheck *prechecks, chc_error *error);

/* The first method that declares no access option, or "". */
const char *core_dispatch_undeclared(const core_dispatch *dispatch);

/* The method named name, or NULL. Thread-safe once registration is over. */
const core_method *core_dispatch_find(const core_dispatch *dispatch, const char *name);

/*
 * Unpacks payload as the method's input and calls its handler with
 * request as closure data, its precheck first when it has one. Records
 * INVALID_ARGUMENT when the payload does not decode, PERMISSION_DENIED
 * when a partner acts for another organisation (scope.h), INTERNAL when
 * the handler gives no reply.
 */
void core_dispatch_invoke(const core_method *method, const uint8_t *payload, size_t length,
                          core_request *request);

/* The steps of core_dispatch_invoke, for a caller that runs something
 * between them (a write's transaction opens after the precheck). unpack
 * returns the input (free it with protobuf_c_message_free_unpacked) or NULL
 * with the failure recorded; precheck and call do nothing once the request
 * has failed. */
ProtobufCMessage *core_dispatch_unpack(const core_method *method, const uint8_t *payload,
                                       size_t length, core_request *request);
void core_dispatch_precheck(const core_method *method, const ProtobufCMessage *input,
                            core_request *request);
void core_dispatch_call(const core_method *method, const ProtobufCMessage *input,
                        core_request *request);

/* What the method's precheck left for its handler (request->prechecked);
 * NULL with INTERNAL recorded when none ran. */
void *core_prechecked(core_request *request);

void core_dispatch_fini(core_dispatch *dispatch);

#endif /* CORE_DISPATCH_H */
