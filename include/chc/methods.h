/*
 * chc/methods.h - rules about method names shared by servers and clients.
 */
#ifndef CHC_METHODS_H
#define CHC_METHODS_H

#include <stdbool.h>

#include "chc/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Whether a method writes, from its short name: every method is a write
 * except those whose names start with Get, List, Search, Find, Check,
 * Export or Count. Writes run in one server-side transaction and carry an
 * idempotency key. Thread-safe.
 */
CHC_API bool chc_method_is_write(const char *method_name);

#ifdef __cplusplus
}
#endif

#endif /* CHC_METHODS_H */
