#include "digest.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>

static EVP_MD *sha256_method;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

/* Fetched once for the process: EVP_sha256() makes every EVP_DigestInit_ex
 * look the algorithm up in OpenSSL 3's provider tables again, under their
 * locks, and the token of every request is hashed. Kept until exit. */
static void fetch_sha256(void)
{
	sha256_method = EVP_MD_fetch(NULL, "SHA256", NULL);
}

chc_status core_sha256(const void *const *parts, const size_t *lengths, size_t part_count,
                       uint8_t digest[CORE_SHA256_BYTES])
{
	pthread_once(&sha256_once, fetch_sha256);
	EVP_MD_CTX *context = EVP_MD_CTX_new();
	if (context == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	int ok = EVP_DigestInit_ex(context, sha256_method != NULL ? sha256_method : EVP_sha256(),
	                           NULL);
	for (size_t i = 0; ok && i < part_count; i++)
		ok = EVP_DigestUpdate(context, parts[i], lengths[i]);
	unsigned int length = 0;
	ok = ok && EVP_DigestFinal_ex(context, digest, &length);
	EVP_MD_CTX_free(context);
	return ok && length == CORE_SHA256_BYTES ? CHC_OK : CHC_INTERNAL;
}

void core_sha256_hex(const uint8_t digest[CORE_SHA256_BYTES], char hex[CORE_SHA256_HEX])
{
	for (int i = 0; i < CORE_SHA256_BYTES; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}
