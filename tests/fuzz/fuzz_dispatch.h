/*
 * fuzz_dispatch.h - what the seed writer and the replayer share with the
 * dispatch harness: the input format, so that seeds are made from method
 * names and not from table positions that move when a method is added.
 *
 * An input is one flags byte, then:
 *   FUZZ_DISPATCH_ENVELOPE: a chc.v1.RpcRequest, served as the server does
 *     (decode, deadline, lookup, permission, idempotency key, dispatch);
 *   otherwise: two bytes (little-endian) choosing a method by its place in
 *     the table of every service's methods, then that method's payload.
 * The flags' top bits choose the caller's role and organisation.
 */
#ifndef FUZZ_DISPATCH_H
#define FUZZ_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

#define FUZZ_DISPATCH_ENVELOPE   0x01u
#define FUZZ_DISPATCH_ROLE_SHIFT 1

/* The place of the method named full_name ("/chc.v1.X/Y") in the harness's
 * table, or -1. */
int fuzz_dispatch_method_index(const char *full_name);

/* The method's input descriptor, or NULL. */
const struct ProtobufCMessageDescriptor *fuzz_dispatch_method_input(const char *full_name);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* FUZZ_DISPATCH_H */
