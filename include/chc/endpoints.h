/*
 * chc/endpoints.h - the four services, where they listen by default and the
 * environment variable that moves them: the one table the services, libchc
 * and the chc command all read.
 */
#ifndef CHC_ENDPOINTS_H
#define CHC_ENDPOINTS_H

#include "chc/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Which service process a call goes to. */
typedef enum chc_endpoint {
	CHC_ENDPOINT_COMPANIES = 0,
	CHC_ENDPOINT_MUNICIPALITIES = 1,
	CHC_ENDPOINT_PROJECTS = 2,
	CHC_ENDPOINT_MATCHING = 3,
	CHC_ENDPOINT_COUNT = 4,
} chc_endpoint;

/* Endpoint e listens by default on the loopback address, RPC port 7101 + e,
 * HTTP port 8101 + e and events port 7111 + e. As constants, for static
 * tables: n is the port's last digit, the endpoint plus one. */
#define CHC_DEFAULT_URL(n)    "tcp://127.0.0.1:710" #n
#define CHC_DEFAULT_HTTP(n)   "127.0.0.1:810" #n
#define CHC_DEFAULT_EVENTS(n) "tcp://127.0.0.1:711" #n

typedef struct chc_endpoint_info {
	const char *name;           /* "companies": the program is chc-companies */
	const char *service;        /* "chc.v1.CompanyService" */
	const char *url_variable;   /* "CHC_COMPANIES_URL" */
	const char *default_url;    /* "tcp://127.0.0.1:7101" */
	const char *default_http;   /* "127.0.0.1:8101" */
	const char *default_events; /* "tcp://127.0.0.1:7111" */
} chc_endpoint_info;

/* The table entry of endpoint (static storage), or NULL out of range. */
CHC_API const chc_endpoint_info *chc_endpoint_describe(int endpoint);

/* The endpoint named name ("matching"), or -1. */
CHC_API int chc_endpoint_by_name(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* CHC_ENDPOINTS_H */
