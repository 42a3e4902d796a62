/*
 * client.c - the nng side of libchc: sockets per service, a context per
 * call, deadlines, retries with backoff, and the envelope.
 */
#include "chc/client.h"

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/tls/tls.h>
#include <nng/supplemental/util/platform.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uuid/uuid.h>

#include "chc/methods.h"
#include "chc/v1/health.pb-c.h"
#include "chc/v1/rpc.pb-c.h"
#include "dial.h"

/* A context and its aio, kept for the next call once a call is done with
 * them: opening and freeing both on every call costs more than the call's
 * own work on a fast network. */
typedef struct chc_channel {
	nng_ctx context;
	nng_aio *aio;
	struct chc_channel *next;
} chc_channel;

struct chc_client {
	char *urls[CHC_ENDPOINT_COUNT];
	char *token;
	char *tls_ca_file;
	size_t max_reply_bytes;
	int timeout_ms;
	int max_attempts;
	int initial_backoff_ms;
	pthread_mutex_t lock; /* guards the lazy opening of sockets and the idle channels */
	nng_socket sockets[CHC_ENDPOINT_COUNT];
	bool connected[CHC_ENDPOINT_COUNT];
	chc_channel *idle[CHC_ENDPOINT_COUNT];
	/* Monotonic microseconds at the end of the latest write call; 0 before
	 * the first. Atomic: any thread's write counts for every thread's
	 * reads, without the lock on each call. */
	atomic_llong last_write_us;
};

void chc_client_options_init(chc_client_options *options)
{
	memset(options, 0, sizeof(*options));
	options->timeout_ms = 10000;
	options->max_attempts = 3;
	options->initial_backoff_ms = 50;
}

/* As the services: four times CHC_MAX_MESSAGE_BYTES (default 4 MiB). */
static size_t default_reply_limit(void)
{
	const char *text = getenv("CHC_MAX_MESSAGE_BYTES");
	char *end = NULL;
	unsigned long long bytes = text != NULL ? strtoull(text, &end, 10) : 0;
	if (text == NULL || end == text || *end != '\0' || bytes < 1024)
		bytes = 4194304;
	return (size_t)bytes * 4;
}

static char *copy_setting(const char *given, const char *variable, const char *fallback)
{
	const char *value = given;
	if (value == NULL && variable != NULL)
		value = getenv(variable);
	if (value == NULL)
		value = fallback;
	return value != NULL ? strdup(value) : NULL;
}

chc_status chc_client_create(const chc_client_options *options, chc_client **out, chc_error *error)
{
	chc_client_options defaults;
	if (options == NULL) {
		chc_client_options_init(&defaults);
		options = &defaults;
	}
	chc_client *client = calloc(1, sizeof(*client));
	if (client == NULL)
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	pthread_mutex_init(&client->lock, NULL);
	bool ok = true;
	for (int i = 0; i < CHC_ENDPOINT_COUNT; i++) {
		client->urls[i] =
		        copy_setting(options->urls[i], chc_endpoint_describe(i)->url_variable,
		                     chc_endpoint_describe(i)->default_url);
		ok = ok && client->urls[i] != NULL;
	}
	client->token = copy_setting(options->token, "CHC_TOKEN", "");
	client->tls_ca_file = copy_setting(options->tls_ca_file, "CHC_TLS_CA", "");
	client->max_reply_bytes =
	        options->max_reply_bytes > 0 ? options->max_reply_bytes : default_reply_limit();
	client->timeout_ms = options->timeout_ms > 0 ? options->timeout_ms : 10000;
	client->max_attempts = options->max_attempts > 0 ? options->max_attempts : 3;
	client->initial_backoff_ms =
	        options->initial_backoff_ms > 0 ? options->initial_backoff_ms : 50;
	if (!ok || client->token == NULL || client->tls_ca_file == NULL) {
		chc_client_destroy(client);
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	}
	*out = client;
	return CHC_OK;
}

void chc_client_destroy(chc_client *client)
{
	if (client == NULL)
		return;
	for (int i = 0; i < CHC_ENDPOINT_COUNT; i++) {
		while (client->idle[i] != NULL) {
			chc_channel *channel = client->idle[i];
			client->idle[i] = channel->next;
			nng_aio_free(channel->aio);
			nng_ctx_close(channel->context);
			free(channel);
		}
		if (client->connected[i])
			nng_close(client->sockets[i]);
		free(client->urls[i]);
	}
	free(client->token);
	free(client->tls_ca_file);
	pthread_mutex_destroy(&client->lock);
	free(client);
}

const char *chc_client_tls_ca_file(const chc_client *client)
{
	return client->tls_ca_file;
}

const char *chc_client_url(const chc_client *client, chc_endpoint endpoint)
{
	if ((int)endpoint < 0 || endpoint >= CHC_ENDPOINT_COUNT)
		return NULL;
	return client->urls[endpoint];
}

int chc_endpoint_for_service(const char *service_name)
{
	for (int i = 0; i < CHC_ENDPOINT_COUNT; i++)
		if (strcmp(chc_endpoint_describe(i)->service, service_name) == 0)
			return i;
	return -1;
}

/* Opens and dials the endpoint's socket on first use, every instance its
 * address lists. A first dial that reaches none is reported at once
 * (UNAVAILABLE) and tried again by the next call; once connected, nng
 * redials by itself after an instance restarts. */
static chc_status endpoint_socket(chc_client *client, chc_endpoint endpoint, nng_socket *socket,
                                  chc_error *error)
{
	pthread_mutex_lock(&client->lock);
	chc_status status = CHC_OK;
	if (!client->connected[endpoint]) {
		nng_socket opened;
		const char *url = client->urls[endpoint];
		int rv = nng_req0_open(&opened);
		if (rv != 0) {
			status = chc_error_set(error, CHC_RESOURCE_EXHAUSTED,
			                       "cannot open a socket: %s", nng_strerror(rv));
		} else {
			nng_socket_set_size(opened, NNG_OPT_RECVMAXSZ, client->max_reply_bytes);
			nng_socket_set_ms(opened, NNG_OPT_RECONNMINT, 20);
			nng_socket_set_ms(opened, NNG_OPT_RECONNMAXT, 1000);
			status = chc_dial_all(opened, url, client->tls_ca_file, error);
			if (status == CHC_OK) {
				client->sockets[endpoint] = opened;
				client->connected[endpoint] = true;
			} else {
				nng_close(opened);
			}
		}
	}
	*socket = client->sockets[endpoint];
	pthread_mutex_unlock(&client->lock);
	return status;
}

static int64_t monotonic_us(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000;
}

static int64_t now_unix_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Reads the reply envelope into the caller's outputs. */
static chc_status read_response(nng_msg *message, uint8_t **reply, size_t *reply_length,
                                chc_error *error)
{
	Chc__V1__RpcResponse *response =
	        chc__v1__rpc_response__unpack(NULL, nng_msg_len(message), nng_msg_body(message));
	if (response == NULL)
		return chc_error_set(error, CHC_INTERNAL, "reply is not a chc.v1.RpcResponse");
	chc_status status = (chc_status)response->code;
	if (status != CHC_OK) {
		chc_error_set(error, status, "%s", response->message);
		for (size_t i = 0; i < response->n_violations; i++)
			chc_error_add_violation(error, response->violations[i]->field,
			                        response->violations[i]->description);
	} else {
		uint8_t *copy = malloc(response->payload.len > 0 ? response->payload.len : 1);
		if (copy == NULL) {
			status = chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
		} else {
			if (response->payload.len > 0)
				memcpy(copy, response->payload.data, response->payload.len);
			*reply = copy;
			*reply_length = response->payload.len;
		}
	}
	chc__v1__rpc_response__free_unpacked(response, NULL);
	return status;
}

/* An idle channel of endpoint's socket, or a new one. */
static chc_status channel_take(chc_client *client, chc_endpoint endpoint, nng_socket socket,
                               chc_channel **out, chc_error *error)
{
	pthread_mutex_lock(&client->lock);
	chc_channel *channel = client->idle[endpoint];
	if (channel != NULL)
		client->idle[endpoint] = channel->next;
	pthread_mutex_unlock(&client->lock);
	if (channel == NULL) {
		channel = calloc(1, sizeof(*channel));
		if (channel == NULL)
			return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
		int rv = nng_ctx_open(&channel->context, socket);
		if (rv != 0) {
			free(channel);
			return chc_error_set(error, CHC_UNAVAILABLE, "cannot open a context: %s",
			                     nng_strerror(rv));
		}
		rv = nng_aio_alloc(&channel->aio, NULL, NULL);
		if (rv != 0) {
			nng_ctx_close(channel->context);
			free(channel);
			return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
		}
	}
	*out = channel;
	return CHC_OK;
}

/* Keeps a channel whose exchange ended cleanly; closes one that failed, so
 * that a late reply to an abandoned request never meets the next call. */
static void channel_release(chc_client *client, chc_endpoint endpoint, chc_channel *channel,
                            bool clean)
{
	if (clean) {
		pthread_mutex_lock(&client->lock);
		channel->next = client->idle[endpoint];
		client->idle[endpoint] = channel;
		pthread_mutex_unlock(&client->lock);
		return;
	}
	nng_aio_free(channel->aio);
	nng_ctx_close(channel->context);
	free(channel);
}

/*
 * The request's message, envelope packed into it; false when memory ran
 * out. Not inlined, so that its allocation has a name of its own in a
 * stack: Debian's nng 1.5.2 leaks the copy of a request that the REQ
 * protocol hands to a TCP pipe closing at that moment (nng issue #1713,
 * fixed in nng 1.7), and the sanitizer run names this function alone in
 * tests/lsan.supp, not every message nng allocates.
 */
__attribute__((noinline)) static bool request_message_alloc(const Chc__V1__RpcRequest *envelope,
                                                            nng_msg **message)
{
	if (nng_msg_alloc(message, chc__v1__rpc_request__get_packed_size(envelope)) != 0)
		return false;
	chc__v1__rpc_request__pack(envelope, nng_msg_body(*message));
	return true;
}

/* One attempt: send the envelope on a context of its own and wait for its
 * reply until attempt_ms pass. */
static chc_status attempt_call(chc_client *client, chc_endpoint endpoint, nng_socket socket,
                               const Chc__V1__RpcRequest *envelope, int attempt_ms, uint8_t **reply,
                               size_t *reply_length, chc_error *error)
{
	chc_channel *channel = NULL;
	chc_status status = channel_take(client, endpoint, socket, &channel, error);
	if (status != CHC_OK)
		return status;
	nng_aio *aio = channel->aio;
	nng_msg *message = NULL;
	if (!request_message_alloc(envelope, &message)) {
		channel_release(client, endpoint, channel, true);
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	}
	nng_aio_set_timeout(aio, attempt_ms);
	nng_aio_set_msg(aio, message);
	nng_ctx_send(channel->context, aio);
	nng_aio_wait(aio);
	int rv = nng_aio_result(aio);
	if (rv != 0) {
		nng_msg_free(message); /* a failed send leaves the message with us */
	} else {
		nng_aio_set_timeout(aio, attempt_ms);
		nng_ctx_recv(channel->context, aio);
		nng_aio_wait(aio);
		rv = nng_aio_result(aio);
		if (rv == 0) {
			nng_msg *answer = nng_aio_get_msg(aio);
			status = read_response(answer, reply, reply_length, error);
			nng_msg_free(answer);
		}
	}
	if (rv == NNG_ETIMEDOUT)
		status = chc_error_set(error, CHC_DEADLINE_EXCEEDED, "no reply within %d ms",
		                       attempt_ms);
	else if (rv != 0)
		status = chc_error_set(error, CHC_UNAVAILABLE, "transport failed: %s",
		                       nng_strerror(rv));
	channel_release(client, endpoint, channel, rv == 0);
	return status;
}

static bool retryable(chc_status status)
{
	return status == CHC_UNAVAILABLE || status == CHC_DEADLINE_EXCEEDED;
}

chc_status chc_client_call_bytes(chc_client *client, chc_endpoint endpoint, const char *full_method,
                                 const uint8_t *payload, size_t length, bool is_write,
                                 const chc_call_options *options, uint8_t **reply,
                                 size_t *reply_length, chc_error *error)
{
	chc_error_fini(error);
	if (client == NULL || (int)endpoint < 0 || endpoint >= CHC_ENDPOINT_COUNT ||
	    full_method == NULL)
		return chc_error_set(error, CHC_INVALID_ARGUMENT, "no client, endpoint or method");
	chc_call_options none = { 0 };
	if (options == NULL)
		options = &none;
	int timeout_ms = options->timeout_ms > 0 ? options->timeout_ms : client->timeout_ms;
	int attempts = options->max_attempts > 0 ? options->max_attempts : client->max_attempts;
	char request_id[37];
	char idempotency_key[37];
	if (options->request_id == NULL)
		chc_uuid_generate(request_id);

	Chc__V1__RpcRequest envelope = CHC__V1__RPC_REQUEST__INIT;
	envelope.method = (char *)full_method;
	envelope.request_id = (char *)(options->request_id ? options->request_id : request_id);
	envelope.token = (char *)(options->token ? options->token : client->token);
	/* Every attempt of a write carries the same key: a retry after a lost
	 * reply returns the first reply instead of writing twice. */
	if (options->idempotency_key != NULL)
		envelope.idempotency_key = (char *)options->idempotency_key;
	else if (is_write) {
		/* Made only here: a read carries no key, and a new id is a
		 * system call. */
		chc_uuid_generate(idempotency_key);
		envelope.idempotency_key = idempotency_key;
	}
	envelope.payload.data = (uint8_t *)payload;
	envelope.payload.len = length;
	int64_t deadline = now_unix_ms() + timeout_ms;
	if (options->deadline_unix_ms > 0 && options->deadline_unix_ms < deadline)
		deadline = options->deadline_unix_ms;
	envelope.deadline_unix_ms = deadline;
	/* The age is taken once for every attempt: a retry sent later says a
	 * younger age than the truth, which errs towards the primary. */
	char write_age[24];
	Chc__V1__RpcRequest__MetadataEntry age_entry = CHC__V1__RPC_REQUEST__METADATA_ENTRY__INIT;
	Chc__V1__RpcRequest__MetadataEntry *metadata[] = { &age_entry };
	int64_t last_write_us = atomic_load(&client->last_write_us);
	if (!is_write && last_write_us != 0) {
		snprintf(write_age, sizeof(write_age), "%lld",
		         (long long)((monotonic_us() - last_write_us) / 1000));
		age_entry.key = CHC_METADATA_WRITE_AGE_MS;
		age_entry.value = write_age;
		envelope.n_metadata = 1;
		envelope.metadata = metadata;
	}

	chc_status status = CHC_DEADLINE_EXCEEDED;
	int backoff_ms = client->initial_backoff_ms;
	for (int attempt = 1; attempt <= attempts; attempt++) {
		int64_t remaining = deadline - now_unix_ms();
		if (remaining <= 0) {
			/* Out of time, not out of reach: the caller may not retry
			 * what it has no time left for. */
			status = chc_error_set(error, CHC_DEADLINE_EXCEEDED,
			                       "the deadline passed before attempt %d was sent",
			                       attempt);
			break;
		}
		nng_socket socket;
		status = endpoint_socket(client, endpoint, &socket, error);
		if (status == CHC_OK) {
			/* Leave later attempts their share of the remaining time. */
			int attempt_ms = (int)(remaining / (attempts - attempt + 1));
			if (attempt_ms < 100)
				attempt_ms = (int)remaining;
			status = attempt_call(client, endpoint, socket, &envelope, attempt_ms,
			                      reply, reply_length, error);
		}
		if (!retryable(status) || attempt == attempts)
			break;
		/* The server's own DEADLINE_EXCEEDED means the whole deadline passed. */
		if (now_unix_ms() + backoff_ms >= deadline)
			break;
		nng_msleep(backoff_ms);
		backoff_ms *= 2;
	}
	if (is_write)
		atomic_store(&client->last_write_us, monotonic_us());
	/* An attempt a retry overcame is no failure of the call: leave no
	 * error behind for a caller that looks at error, not the status. */
	if (status == CHC_OK)
		chc_error_fini(error);
	return status;
}

chc_status chc_client_call_at(chc_client *client, chc_endpoint endpoint,
                              const ProtobufCServiceDescriptor *service, const char *method,
                              const ProtobufCMessage *input, const chc_call_options *options,
                              ProtobufCMessage **output, chc_error *error)
{
	const ProtobufCMethodDescriptor *descriptor =
	        protobuf_c_service_descriptor_get_method_by_name(service, method);
	if (descriptor == NULL)
		return chc_error_set(error, CHC_INVALID_ARGUMENT, "%s has no method %s",
		                     service->name, method);
	if (input->descriptor != descriptor->input)
		return chc_error_set(error, CHC_INVALID_ARGUMENT, "%s takes %s, not %s", method,
		                     descriptor->input->name, input->descriptor->name);
	char full_method[256];
	snprintf(full_method, sizeof(full_method), "/%s/%s", service->name, method);
	size_t length = protobuf_c_message_get_packed_size(input);
	uint8_t *payload = malloc(length > 0 ? length : 1);
	if (payload == NULL)
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	protobuf_c_message_pack(input, payload);
	uint8_t *reply = NULL;
	size_t reply_length = 0;
	chc_status status = chc_client_call_bytes(client, endpoint, full_method, payload, length,
	                                          chc_method_is_write(method), options, &reply,
	                                          &reply_length, error);
	free(payload);
	if (status != CHC_OK)
		return status;
	ProtobufCMessage *message =
	        protobuf_c_message_unpack(descriptor->output, NULL, reply_length, reply);
	free(reply);
	if (message == NULL)
		return chc_error_set(error, CHC_INTERNAL, "reply is not a valid %s",
		                     descriptor->output->name);
	*output = message;
	return CHC_OK;
}

chc_status chc_client_call(chc_client *client, const ProtobufCServiceDescriptor *service,
                           const char *method, const ProtobufCMessage *input,
                           const chc_call_options *options, ProtobufCMessage **output,
                           chc_error *error)
{
	int endpoint = chc_endpoint_for_service(service->name);
	if (endpoint < 0)
		return chc_error_set(error, CHC_INVALID_ARGUMENT,
		                     "%s is served by every endpoint: use chc_client_call_at",
		                     service->name);
	return chc_client_call_at(client, (chc_endpoint)endpoint, service, method, input, options,
	                          output, error);
}

chc_status chc_client_check_health(chc_client *client, chc_endpoint endpoint,
                                   const chc_call_options *options, int *serving, chc_error *error)
{
	Chc__V1__HealthCheckRequest request = CHC__V1__HEALTH_CHECK_REQUEST__INIT;
	ProtobufCMessage *output = NULL;
	chc_status status = chc_client_call_at(client, endpoint, &chc__v1__health__descriptor,
	                                       "Check", &request.base, options, &output, error);
	if (status != CHC_OK)
		return status;
	*serving = ((Chc__V1__HealthCheckResponse *)output)->status;
	protobuf_c_message_free_unpacked(output, NULL);
	return CHC_OK;
}

static void stub_invoke(ProtobufCService *service, unsigned method_index,
                        const ProtobufCMessage *input, ProtobufCClosure closure, void *closure_data)
{
	chc_stub *stub = (chc_stub *)service;
	ProtobufCMessage *output = NULL;
	stub->status = chc_client_call_at(stub->client, stub->endpoint, service->descriptor,
	                                  service->descriptor->methods[method_index].name, input,
	                                  &stub->options, &output, &stub->error);
	closure(stub->status == CHC_OK ? output : NULL, closure_data);
}

chc_status chc_stub_init(chc_stub *stub, chc_client *client,
                         const ProtobufCServiceDescriptor *service, const chc_call_options *options)
{
	memset(stub, 0, sizeof(*stub));
	int endpoint = chc_endpoint_for_service(service->name);
	if (endpoint < 0)
		return chc_error_set(&stub->error, CHC_INVALID_ARGUMENT,
		                     "%s is served by every endpoint", service->name);
	stub->base.descriptor = service;
	stub->base.invoke = stub_invoke;
	stub->client = client;
	stub->endpoint = (chc_endpoint)endpoint;
	if (options != NULL)
		stub->options = *options;
	return CHC_OK;
}

void chc_stub_fini(chc_stub *stub)
{
	if (stub != NULL)
		chc_error_fini(&stub->error);
}

void chc_stub_keep_reply(const ProtobufCMessage *message, void *closure_data)
{
	*(ProtobufCMessage **)closure_data = (ProtobufCMessage *)message;
}
