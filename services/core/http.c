/*
 * http.c - three handlers on nng's HTTP server. Each handler runs on an
 * nng thread and finishes its aio itself.
 */
#include "http.h"

#include <jansson.h>

#include <nng/nng.h>
#include <nng/supplemental/http/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

struct core_http {
	nng_http_server *server;
	const char *service;
	core_ready_check ready;
	void *ready_data;
};

static void http_reply(nng_aio *aio, uint16_t status, const char *content_type, const char *body,
                       size_t length)
{
	nng_http_res *response = NULL;
	int rv = nng_http_res_alloc(&response);
	if (rv == 0)
		rv = nng_http_res_set_status(response, status);
	if (rv == 0)
		rv = nng_http_res_set_header(response, "Content-Type", content_type);
	if (rv == 0)
		rv = nng_http_res_copy_data(response, body, length);
	if (rv != 0) {
		nng_http_res_free(response);
		nng_aio_finish(aio, rv);
		return;
	}
	nng_aio_set_output(aio, 0, response);
	nng_aio_finish(aio, 0);
}

static core_http *http_of(nng_aio *aio)
{
	nng_http_handler *handler = nng_aio_get_input(aio, 1);
	return nng_http_handler_get_data(handler);
}

static void handle_healthz(nng_aio *aio)
{
	static const char body[] = "{\"status\":\"alive\"}\n";
	http_reply(aio, 200, "application/json", body, sizeof(body) - 1);
}

static void handle_readyz(nng_aio *aio)
{
	core_http *http = http_of(aio);
	chc_error error = { 0 };
	chc_status status = http->ready(http->ready_data, &error);
	/* The reason is often libpq's ("socket \"/run/...\" failed"): jansson
	 * escapes what a hand-made string would not. */
	json_t *document =
	        status == CHC_OK
	                ? json_pack("{s:s}", "status", "ready")
	                : json_pack("{s:s, s:s}", "status", "not ready", "reason",
	                            error.message ? error.message : chc_status_name(status));
	chc_error_fini(&error);
	char *body = document ? json_dumps(document, JSON_COMPACT) : NULL;
	json_decref(document);
	const char *fallback =
	        status == CHC_OK ? "{\"status\":\"ready\"}" : "{\"status\":\"not ready\"}";
	const char *text = body ? body : fallback;
	char reply[1024];
	int length = snprintf(reply, sizeof(reply), "%s\n", text);
	if (length >= (int)sizeof(reply)) {
		/* A reason this long is cut: the status alone still parses. */
		length = snprintf(reply, sizeof(reply), "%s\n", fallback);
	}
	free(body);
	http_reply(aio, status == CHC_OK ? 200 : 503, "application/json", reply, (size_t)length);
}

static void handle_metrics(nng_aio *aio)
{
	core_http *http = http_of(aio);
	char *text = NULL;
	size_t length = 0;
	if (core_metrics_render(http->service, &text, &length) != CHC_OK) {
		nng_aio_finish(aio, NNG_ENOMEM);
		return;
	}
	http_reply(aio, 200, "text/plain; version=0.0.4", text, length);
	free(text);
}

chc_status core_http_start(const char *address, const char *service, core_ready_check ready,
                           void *ready_data, core_http **out, chc_error *error)
{
	core_http *http = calloc(1, sizeof(*http));
	if (http == NULL)
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	http->service = service;
	http->ready = ready;
	http->ready_data = ready_data;
	char text[300];
	snprintf(text, sizeof(text), "http://%s", address);
	nng_url *url = NULL;
	int rv = nng_url_parse(&url, text);
	if (rv != 0) {
		free(http);
		return chc_error_set(error, CHC_INVALID_ARGUMENT,
		                     "CHC_HTTP_LISTEN \"%s\" is not host:port: %s", address,
		                     nng_strerror(rv));
	}
	rv = nng_http_server_hold(&http->server, url);
	nng_url_free(url);
	static const struct {
		const char *path;
		void (*handler)(nng_aio *);
	} routes[] = {
		{ "/healthz", handle_healthz },
		{ "/readyz", handle_readyz },
		{ "/metrics", handle_metrics },
	};
	for (size_t i = 0; rv == 0 && i < sizeof(routes) / sizeof(routes[0]); i++) {
		nng_http_handler *handler = NULL;
		rv = nng_http_handler_alloc(&handler, routes[i].path, routes[i].handler);
		if (rv == 0)
			rv = nng_http_handler_set_data(handler, http, NULL);
		if (rv == 0)
			rv = nng_http_server_add_handler(http->server, handler);
		else if (handler != NULL)
			nng_http_handler_free(handler);
	}
	if (rv == 0)
		rv = nng_http_server_start(http->server);
	if (rv != 0) {
		if (http->server != NULL)
			nng_http_server_release(http->server);
		free(http);
		return chc_error_set(error, CHC_UNAVAILABLE, "cannot serve HTTP on %s: %s", address,
		                     nng_strerror(rv));
	}
	*out = http;
	return CHC_OK;
}

void core_http_stop(core_http *http)
{
	if (http == NULL)
		return;
	nng_http_server_stop(http->server);
	nng_http_server_release(http->server);
	free(http);
}
