/*
 * test_dispatch.c - the method table comes from protobuf-c's descriptors.
 */
#include <stddef.h>
#include <string.h>

#include "chc_test_main.h"

#include "chc/v1/municipalities.pb-c.h"
#include "dispatch.h"
#include "health.h"

/* The municipalities service with no handlers: only its descriptor
 * matters here, no handler is called. */
static Chc__V1__MunicipalityService_Service descriptor_only_service(void)
{
	Chc__V1__MunicipalityService_Service service;
	memset(&service, 0, sizeof(service));
	service.base = (ProtobufCService)CHC__V1__MUNICIPALITY_SERVICE__BASE_INIT;
	return service;
}

static void methods_come_from_descriptors(void **state)
{
	(void)state;
	core_dispatch dispatch = { 0 };
	Chc__V1__MunicipalityService_Service service = descriptor_only_service();
	assert_int_equal(core_dispatch_add(&dispatch, core_health_service("chc.v1.X"), false),
	                 CHC_OK);
	assert_int_equal(core_dispatch_add(&dispatch, &service.base, true), CHC_OK);
	assert_int_equal(dispatch.count, 1 + chc__v1__municipality_service__descriptor.n_methods);
	const core_method *check = core_dispatch_find(&dispatch, "/chc.v1.Health/Check");
	assert_non_null(check);
	assert_false(check->needs_database);
	assert_false(check->is_write);
	const core_method *create =
	        core_dispatch_find(&dispatch, "/chc.v1.MunicipalityService/CreateNeed");
	assert_non_null(create);
	assert_true(create->is_write);
	assert_string_equal(create->descriptor->input->name, "chc.v1.CreateNeedRequest");
	const core_method *search =
	        core_dispatch_find(&dispatch, "/chc.v1.MunicipalityService/SearchNeeds");
	assert_non_null(search);
	assert_false(search->is_write);
	assert_null(core_dispatch_find(&dispatch, "/chc.v1.MunicipalityService/Nope"));
	assert_null(core_dispatch_find(&dispatch, "chc.v1.Health/Check"));
	assert_null(core_dispatch_find(&dispatch, ""));
	assert_null(core_dispatch_find(&dispatch, NULL));
	/* Registering a service twice is refused. */
	assert_int_equal(core_dispatch_add(&dispatch, &service.base, true), CHC_ALREADY_EXISTS);
	core_dispatch_fini(&dispatch);
}

static void undecodable_payload_never_reaches_the_handler(void **state)
{
	(void)state;
	core_dispatch dispatch = { 0 };
	Chc__V1__MunicipalityService_Service service = descriptor_only_service();
	assert_int_equal(core_dispatch_add(&dispatch, &service.base, true), CHC_OK);
	const core_method *get =
	        core_dispatch_find(&dispatch, "/chc.v1.MunicipalityService/GetMunicipality");
	static const uint8_t garbage[] = { 0x0a, 0x7f, 0x01 };
	core_request request = { 0 };
	core_dispatch_invoke(get, garbage, sizeof(garbage), &request);
	assert_int_equal(request.error.code, CHC_INVALID_ARGUMENT);
	assert_non_null(strstr(request.error.message, "chc.v1.GetMunicipalityRequest"));
	core_request_fini(&request);
	core_dispatch_fini(&dispatch);
}

CHC_TEST_MAIN(NULL, NULL, cmocka_unit_test(methods_come_from_descriptors),
              cmocka_unit_test(undecodable_payload_never_reaches_the_handler))
