/*
 * health.c - chc.v1.Health/Check, answered by every service from the core.
 * As in gRPC's health protocol, an empty name asks about the process and an
 * unknown name is NOT_FOUND.
 */
#include "health.h"

#include <string.h>

#include "server.h"

static const char *health_own_service;

static void health_check(Chc__V1__Health_Service *service, const Chc__V1__HealthCheckRequest *input,
                         Chc__V1__HealthCheckResponse_Closure closure, void *closure_data)
{
	(void)service;
	core_request *request = closure_data;
	const char *name = input->service;
	if (name[0] != '\0' && strcmp(name, health_own_service) != 0 &&
	    strcmp(name, "chc.v1.Health") != 0) {
		core_fail(request, CHC_NOT_FOUND, "unknown service \"%s\"", name);
		closure(NULL, closure_data);
		return;
	}
	Chc__V1__HealthCheckResponse reply = CHC__V1__HEALTH_CHECK_RESPONSE__INIT;
	chc_error error = { 0 };
	reply.status = core_server_ready(request->server, &error) == CHC_OK
	                       ? CHC__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING
	                       : CHC__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__NOT_SERVING;
	chc_error_fini(&error);
	closure(&reply, closure_data);
}

static Chc__V1__Health_Service health_service = CHC__V1__HEALTH__INIT(health_);

ProtobufCService *core_health_service(const char *own_service_name)
{
	health_own_service = own_service_name;
	return &health_service.base;
}
