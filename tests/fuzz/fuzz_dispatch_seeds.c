/*
 * fuzz_dispatch_seeds.c - writes fuzz_dispatch's seed corpus from readable
 * JSON: each tests/fuzz/seeds/fuzz_dispatch/<service>.json is an array of
 * {"method": "/chc.v1.X/Y", "request": {...}} calls, converted with libchc's
 * JSON conversion (what chc does with a user's input). Each call becomes
 * two inputs, a whole envelope and a direct call, so that the corpus
 * follows the method table wherever a new method puts each one.
 *
 *   fuzz_dispatch_seeds SOURCE_DIR OUTPUT_DIR
 */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chc/json.h"
#include "chc/v1/rpc.pb-c.h"
#include "fuzz_dispatch.h"

/* The caller's role: a call's "role", else the secretariat's, which may
 * call nearly anything. In core_role's order. */
static uint8_t flags_of(json_t *call)
{
	static const char *const roles[] = { "none",        "reader", "partner",
		                             "secretariat", "admin",  "service" };
	const char *role = json_string_value(json_object_get(call, "role"));
	for (unsigned i = 0; role != NULL && i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(role, roles[i]) == 0)
			return (uint8_t)(i << FUZZ_DISPATCH_ROLE_SHIFT);
	return 3u << FUZZ_DISPATCH_ROLE_SHIFT;
}

static int write_input(const char *directory, const char *name, int n, const char *form,
                       uint8_t flags, const uint8_t *body, size_t length)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s-%02d-%s", directory, name, n, form);
	FILE *file = fopen(path, "wb");
	if (file == NULL) {
		perror(path);
		return -1;
	}
	int failed = fwrite(&flags, 1, 1, file) != 1 || fwrite(body, 1, length, file) != length;
	return fclose(file) != 0 || failed ? -1 : 0;
}

/* The call's two inputs; -1 naming what is wrong with it. */
static int write_call(const char *directory, const char *name, int n, json_t *call)
{
	const char *method = json_string_value(json_object_get(call, "method"));
	const ProtobufCMessageDescriptor *input = fuzz_dispatch_method_input(method);
	int index = fuzz_dispatch_method_index(method);
	if (input == NULL || index < 0) {
		fprintf(stderr, "%s: call %d: no method \"%s\"\n", name, n, method ? method : "");
		return -1;
	}
	ProtobufCMessage *message = NULL;
	chc_error error = { 0 };
	if (chc_json_to_message(input, json_object_get(call, "request"), &message, &error) !=
	    CHC_OK) {
		fprintf(stderr, "%s: call %d (%s): %s\n", name, n, method, error.message);
		chc_error_fini(&error);
		return -1;
	}
	/* The direct form: the method's place, then its payload, which the
	 * envelope carries too. */
	size_t length = protobuf_c_message_get_packed_size(message);
	uint8_t *direct = malloc(length + 2);
	if (direct == NULL) {
		protobuf_c_message_free_unpacked(message, NULL);
		return -1;
	}
	direct[0] = (uint8_t)(index & 0xff);
	direct[1] = (uint8_t)(index >> 8);
	protobuf_c_message_pack(message, direct + 2);
	protobuf_c_message_free_unpacked(message, NULL);
	Chc__V1__RpcRequest envelope = CHC__V1__RPC_REQUEST__INIT;
	envelope.method = (char *)method;
	envelope.request_id = "00000000-0000-4000-8000-0000000000aa";
	envelope.idempotency_key = "fuzz-seed";
	envelope.payload.data = direct + 2;
	envelope.payload.len = length;
	uint8_t *packed = malloc(chc__v1__rpc_request__get_packed_size(&envelope) + 1);
	int status = -1;
	if (packed != NULL) {
		size_t packed_length = chc__v1__rpc_request__pack(&envelope, packed);
		uint8_t flags = flags_of(call);
		status = write_input(directory, name, n, "direct", flags, direct, length + 2);
		if (status == 0)
			status = write_input(directory, name, n, "envelope",
			                     flags | FUZZ_DISPATCH_ENVELOPE, packed, packed_length);
	}
	free(packed);
	free(direct);
	return status;
}

static int write_file(const char *source, const char *directory, const char *file_name)
{
	char path[4096], name[256];
	snprintf(path, sizeof(path), "%s/%s", source, file_name);
	snprintf(name, sizeof(name), "%.*s", (int)(strlen(file_name) - strlen(".json")), file_name);
	json_error_t error;
	json_t *calls = json_load_file(path, 0, &error);
	if (!json_is_array(calls)) {
		fprintf(stderr, "%s:%d: %s\n", path, error.line,
		        calls ? "not an array of calls" : error.text);
		json_decref(calls);
		return -1;
	}
	int status = 0;
	for (size_t i = 0; i < json_array_size(calls) && status == 0; i++)
		status = write_call(directory, name, (int)i, json_array_get(calls, i));
	json_decref(calls);
	return status;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s SOURCE_DIR OUTPUT_DIR\n", argv[0]);
		return 2;
	}
	mkdir(argv[2], 0777); /* or it is there already; fopen says otherwise */
	DIR *source = opendir(argv[1]);
	if (source == NULL) {
		perror(argv[1]);
		return 1;
	}
	int status = 0, files = 0;
	for (struct dirent *entry; status == 0 && (entry = readdir(source)) != NULL;) {
		size_t length = strlen(entry->d_name);
		if (length > 5 && strcmp(entry->d_name + length - 5, ".json") == 0) {
			status = write_file(argv[1], argv[2], entry->d_name);
			files++;
		}
	}
	closedir(source);
	if (status == 0)
		printf("seeds of %d files written to %s\n", files, argv[2]);
	return status == 0 ? 0 : 1;
}
