/*
 * digest.h - SHA-256, used for idempotency request fingerprints and
 * migration checksums.
 */
#ifndef CORE_DIGEST_H
#define CORE_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "chc/status.h"

#define CORE_SHA256_BYTES 32
#define CORE_SHA256_HEX   (CORE_SHA256_BYTES * 2 + 1)

/* Digest of the concatenation of parts; returns CHC_INTERNAL if OpenSSL
 * fails. */
chc_status core_sha256(const void *const *parts, const size_t *lengths, size_t part_count,
                       uint8_t digest[CORE_SHA256_BYTES]);

/* Lower-case hex of a digest. */
void core_sha256_hex(const uint8_t digest[CORE_SHA256_BYTES], char hex[CORE_SHA256_HEX]);

#endif /* CORE_DIGEST_H */
