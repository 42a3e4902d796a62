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
 * Whether a method writes. The rule lives in the .proto files: a method
 * that only reads declares protobuf's standard method option
 *
 *   rpc GetNeed(GetNeedRequest) returns (Need) {
 *     option idempotency_level = NO_SIDE_EFFECTS;
 *   }
 *
 * and every other method writes. protobuf-c does not keep method options
 * at run time, so the build reads them from protoc-c's descriptor set into
 * a table compiled into this library (client/common/method_access_gen.c).
 * method_name is the full gRPC-form name ("/chc.v1.MunicipalityService/
 * GetNeed") or the short one ("GetNeed"; the build fails if two methods of
 * one short name disagree). A name not in the .proto files counts as a
 * write: the safe side, since writes run in one server-side transaction and
 * carry an idempotency key. Thread-safe.
 */
CHC_API bool chc_method_is_write(const char *method_name);

/*
 * Who may call a method: its (chc.v1.access) option, a Chc__V1__Access
 * value (proto/chc/v1/access.proto), read from the same table; 0
 * (ACCESS_UNSPECIFIED) for a name not in the .proto files or a method that
 * declares none. Thread-safe.
 */
CHC_API int chc_method_access(const char *method_name);

/*
 * What a partner calling a method acts for: its (chc.v1.owner) option
 * (proto/chc/v1/access.proto), "KIND:FIELD" such as "company:solution.
 * company_id" or "solution:id"; "" for a name not in the .proto files or a
 * method that declares none. Thread-safe.
 */
CHC_API const char *chc_method_owner(const char *method_name);

#ifdef __cplusplus
}
#endif

#endif /* CHC_METHODS_H */
