/*
 * update_mask.h - applies an Update call's field mask, driven by the
 * message's descriptor: the fields a caller names are copied from the
 * request's message onto the stored one, and nothing else changes.
 */
#ifndef CORE_UPDATE_MASK_H
#define CORE_UPDATE_MASK_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>

#include "request.h"

/*
 * Copies the fields named in mask from update onto target, both messages of
 * the same type. The copy is shallow: strings, repeated fields and
 * sub-messages of target then point into update, which lives as long as the
 * request. Only names in updatable (NULL-terminated) are accepted; an empty
 * mask, or any other name, records INVALID_ARGUMENT on "update_mask" or
 * "update_mask[i]" (with hint added, when not NULL) and returns false.
 */
bool core_apply_update_mask(core_request *request, ProtobufCMessage *target,
                            const ProtobufCMessage *update, char *const *mask, size_t count,
                            const char *const *updatable, const char *hint);

#endif /* CORE_UPDATE_MASK_H */
