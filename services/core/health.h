/*
 * health.h - the chc.v1.Health service every process registers.
 */
#ifndef CORE_HEALTH_H
#define CORE_HEALTH_H

#include "chc/v1/health.pb-c.h"
#include "request.h"

/* The filled Health service table; own_service_name ("chc.v1.CompanyService")
 * is the other name it answers SERVING for. Static storage. */
ProtobufCService *core_health_service(const char *own_service_name);

#endif /* CORE_HEALTH_H */
