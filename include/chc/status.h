/*
 * chc/status.h - status codes and error details shared by libchc and the
 * services.
 *
 * Codes are gRPC's canonical status codes with gRPC's numbers, so that a
 * partner in any language reads them the same way. A call that fails returns
 * its code; the optional caller-owned chc_error carries the message and the
 * offending fields.
 */
#ifndef CHC_STATUS_H
#define CHC_STATUS_H

#include <stddef.h>

#include "chc/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum chc_status {
	CHC_OK = 0,
	CHC_CANCELLED = 1,
	CHC_UNKNOWN = 2,
	CHC_INVALID_ARGUMENT = 3,
	CHC_DEADLINE_EXCEEDED = 4,
	CHC_NOT_FOUND = 5,
	CHC_ALREADY_EXISTS = 6,
	CHC_PERMISSION_DENIED = 7,
	CHC_RESOURCE_EXHAUSTED = 8,
	CHC_FAILED_PRECONDITION = 9,
	CHC_ABORTED = 10,
	CHC_OUT_OF_RANGE = 11,
	CHC_UNIMPLEMENTED = 12,
	CHC_INTERNAL = 13,
	CHC_UNAVAILABLE = 14,
	CHC_DATA_LOSS = 15,
	CHC_UNAUTHENTICATED = 16,
} chc_status;

/* One field that failed validation: the field's path and why. */
typedef struct chc_field_violation {
	char *field;
	char *description;
} chc_field_violation;

/*
 * Error detail of a failed call. Caller-owned: zero it or chc_error_init()
 * it, pass it to any number of calls (each call resets it), and release it
 * with chc_error_fini(). Not thread-safe: one chc_error per thread.
 */
typedef struct chc_error {
	chc_status code;
	char *message; /* never NULL after a failed call; "" when none */
	chc_field_violation *violations;
	size_t violation_count;
} chc_error;

/* Sets every field to empty. Accepts zeroed memory. */
CHC_API void chc_error_init(chc_error *error);

/* Frees what the error holds and empties it; accepts NULL and zeroed memory. */
CHC_API void chc_error_fini(chc_error *error);

/*
 * Empties the error, then records code and message (printf-style). Returns
 * code so that "return chc_error_set(err, CHC_X, ...)" reads naturally.
 * error may be NULL. On allocation failure the message stays "".
 */
CHC_API chc_status chc_error_set(chc_error *error, chc_status code, const char *format, ...)
        __attribute__((format(printf, 3, 4)));

/*
 * Sets code and message but keeps the violations already recorded, so a
 * headline can be given to a list of field errors. Returns code.
 */
CHC_API chc_status chc_error_set_headline(chc_error *error, chc_status code, const char *format,
                                          ...) __attribute__((format(printf, 3, 4)));

/*
 * Appends a field violation. Returns CHC_OK or CHC_RESOURCE_EXHAUSTED when
 * memory runs out. error may be NULL (then nothing is recorded).
 */
CHC_API chc_status chc_error_add_violation(chc_error *error, const char *field,
                                           const char *description);

/* The code's gRPC name, "INVALID_ARGUMENT"; "UNKNOWN" for numbers outside
 * the table. The string is static. Thread-safe. */
CHC_API const char *chc_status_name(chc_status code);

/* Parses a gRPC name such as "NOT_FOUND"; returns -1 when not a name. */
CHC_API int chc_status_from_name(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* CHC_STATUS_H */
