/*
 * chc-companies - serves chc.v1.CompanyService: the companies that offer
 * digital health solutions.
 */
#include "companies.h"
#include "server.h"

static companies_service service = CHC__V1__COMPANY_SERVICE__INIT(companies_);

int main(int argc, char **argv)
{
	static const core_service_definition definition = {
		.name = "companies",
		.schema = "companies",
		.service = &service.base,
		.default_listen = "tcp://127.0.0.1:7101",
		.default_http_listen = "127.0.0.1:8101",
		.start = municipality_codes_start,
		.stop = municipality_codes_stop,
	};
	return core_service_main(argc, argv, &definition);
}
