/*
 * digest.h - SHA-256, used for idempotency request fingerprints and
 * migration checksums; FNV-1a for hash tables and page tokens.
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

/* FNV-1a, 32 bits: not a digest against anyone, a fast spread of short
 * names over hash tables and a check of page tokens against accidents.
 * Begin with CORE_FNV1A_BASIS; hashing on from a result hashes the
 * concatenation. Inline: hash tables call it on their hot path. */
#define CORE_FNV1A_BASIS 2166136261u

static inline uint32_t core_fnv1a(uint32_t hash, const void *data, size_t length)
{
	const unsigned char *byte = data;
	for (size_t i = 0; i < length; i++)
		hash = (hash ^ byte[i]) * 16777619u;
	return hash;
}

#endif /* CORE_DIGEST_H */
