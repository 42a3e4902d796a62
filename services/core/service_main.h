/*
 * service_main.h - the main() of a service program: its generated service
 * table filled with its handlers, its name (also its schema), and its
 * endpoints, numbered n in chc/endpoints.h. Every service wrote the same
 * definition out by hand, differing only in these; what a service adds
 * (housekeeping, start, stop) it passes as designated initializers.
 */
#ifndef CORE_SERVICE_MAIN_H
#define CORE_SERVICE_MAIN_H

#include "chc/endpoints.h"
#include "server.h"

/*
 * Defines main() for service program: its table is program##_service filled by
 * init (the generated ..._SERVICE__INIT) with the handlers program##_<method>,
 * then core_service_main runs it. The optional arguments are further
 * fields of its core_service_definition: .housekeeping = expire_needs.
 */
#define CORE_SERVICE_MAIN(program, init, n, ...)                                                   \
	static program##_service service = init(program##_);                                       \
	int main(int argc, char **argv)                                                            \
	{                                                                                          \
		static const core_service_definition definition = {                                \
			.name = #program,                                                          \
			.schema = #program,                                                        \
			.service = &service.base,                                                  \
			.default_listen = CHC_DEFAULT_URL(n),                                      \
			.default_http_listen = CHC_DEFAULT_HTTP(n),                                \
			.default_events_listen = CHC_DEFAULT_EVENTS(n),                            \
			__VA_ARGS__                                                                \
		};                                                                                 \
		return core_service_main(argc, argv, &definition);                                 \
	}

#endif /* CORE_SERVICE_MAIN_H */
