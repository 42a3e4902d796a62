/*
 * harness.c - processes, ports, raw sockets and SQL for the integration
 * tests.
 */
#include "harness.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/util/platform.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "chc/v1/companies.pb-c.h"
#include "chc/v1/rpc.pb-c.h"

const char *harness_database_url(void)
{
	const char *url = getenv("CHC_TEST_DATABASE_URL");
	return url != NULL ? url : "host=/tmp port=55433 user=chc dbname=chc";
}

/* A port the kernel says is free; it may hand the same one out again once
 * the probing socket is closed, so the ports given out before are
 * remembered and skipped (a service's RPC, HTTP and events ports must
 * differ, or it starts and then fails to listen). */
static int probe_free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in address = { .sin_family = AF_INET };
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t length = sizeof(address);
	int port = -1;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&address, sizeof(address)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&address, &length) == 0)
		port = ntohs(address.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

int harness_free_port(void)
{
	static int given[256];
	static size_t count;
	for (int attempt = 0; attempt < 100; attempt++) {
		int port = probe_free_port();
		bool seen = false;
		for (size_t i = 0; i < count && i < 256 && !seen; i++)
			seen = given[i] == port;
		if (!seen) {
			given[count++ % 256] = port;
			return port;
		}
	}
	return -1;
}

bool harness_alive(const harness_service *service)
{
	return service->pid > 0 && waitpid(service->pid, NULL, WNOHANG) == 0;
}

bool harness_start(harness_service *service, const char *name, const char *const *extra)
{
	return harness_start_also_on(service, name, NULL, extra);
}

const char *harness_token(const char *role)
{
	/* The fixture writes them (chc-migrate token): admin, service, reader. */
	static char tokens[3][128];
	static const char *const roles[] = { "admin", "service", "reader" };
	for (int i = 0; i < 3; i++) {
		if (strcmp(role, roles[i]) != 0)
			continue;
		if (tokens[i][0] == '\0') {
			char path[512];
			snprintf(path, sizeof(path), "%s/test-home/%s.token", CHC_BUILD_DIR, role);
			FILE *in = fopen(path, "r");
			if (in != NULL && fgets(tokens[i], sizeof(tokens[i]), in) != NULL)
				tokens[i][strcspn(tokens[i], "\r\n")] = '\0';
			if (in != NULL)
				fclose(in);
		}
		return tokens[i];
	}
	return "";
}

/* Runs service->name on the ports service names and waits until it serves. */
static bool start_on_its_ports(harness_service *service, const char *also_listen,
                               const char *const *extra)
{
	const char *name = service->name;
	char program[512], listen[512], http[80], events[80], database[512];
	snprintf(program, sizeof(program), "%s/services/chc-%s", CHC_BUILD_DIR, name);
	snprintf(listen, sizeof(listen), "CHC_LISTEN=%s%s%s", service->url, also_listen ? "," : "",
	         also_listen ? also_listen : "");
	snprintf(http, sizeof(http), "CHC_HTTP_LISTEN=127.0.0.1:%d", service->http_port);
	snprintf(events, sizeof(events), "CHC_EVENTS_LISTEN=tcp://127.0.0.1:%d",
	         service->events_port);
	/* Each service as its own role (chc-migrate up made it), so every test
	 * also shows that the role's grants are enough; libpq takes the last
	 * of two user= settings. */
	snprintf(database, sizeof(database), "CHC_DATABASE_URL=%s user=chc_%s",
	         harness_database_url(), name);
	/* What a service presents when it calls another, unless extra says. */
	char token[160];
	snprintf(token, sizeof(token), "CHC_TOKEN=%s", harness_token("service"));
	pid_t pid = fork();
	if (pid == 0) {
		putenv(listen);
		putenv(http);
		putenv(events);
		putenv(database);
		putenv("CHC_LOG_LEVEL=warn");
		putenv("CHC_WORKERS=4");
		putenv(token);
		/* Suites fire many calls and many refused ones from one address:
		 * the limits are tested on their own (test_rpc_core). */
		putenv("CHC_TOKEN_RATE=0");
		putenv("CHC_AUTH_FAILURES=0");
		for (int i = 0; extra != NULL && extra[i] != NULL; i++)
			putenv((char *)extra[i]);
		/* CHC_TEST_SERVICE_WRAPPER runs the service under a tool such as
		 * valgrind: "valgrind --error-exitcode=99 --leak-check=full". */
		const char *wrapper = getenv("CHC_TEST_SERVICE_WRAPPER");
		if (wrapper != NULL && wrapper[0] != '\0') {
			char *words = strdup(wrapper);
			char *arguments[32];
			int count = 0;
			char *cursor = NULL;
			for (char *word = strtok_r(words, " ", &cursor); word != NULL && count < 30;
			     word = strtok_r(NULL, " ", &cursor))
				arguments[count++] = word;
			arguments[count++] = program;
			arguments[count] = NULL;
			execvp(arguments[0], arguments);
		} else {
			execl(program, program, (char *)NULL);
		}
		_exit(127);
	}
	service->pid = pid;
	chc_client_options options;
	chc_client_options_init(&options);
	for (int i = 0; i < CHC_ENDPOINT_COUNT; i++)
		options.urls[i] = service->url;
	chc_client *client = NULL;
	if (chc_client_create(&options, &client, NULL) != CHC_OK)
		return false;
	bool up = false;
	for (int attempt = 0; attempt < 300 && !up && harness_alive(service); attempt++) {
		int serving = 0;
		chc_call_options call = { .timeout_ms = 500, .max_attempts = 1 };
		up = chc_client_check_health(client, CHC_ENDPOINT_COMPANIES, &call, &serving,
		                             NULL) == CHC_OK &&
		     serving == 1;
		if (!up)
			nng_msleep(100);
	}
	chc_client_destroy(client);
	if (!up)
		fprintf(stderr, "harness: chc-%s did not come up\n", name);
	return up;
}

/* harness_start_also_on on rpc_port (0: a free one). */
static bool start_at(harness_service *service, const char *name, int rpc_port,
                     const char *also_listen, const char *const *extra)
{
	memset(service, 0, sizeof(*service));
	snprintf(service->name, sizeof(service->name), "%s", name);
	service->rpc_port = rpc_port != 0 ? rpc_port : harness_free_port();
	service->http_port = harness_free_port();
	service->events_port = harness_free_port();
	snprintf(service->url, sizeof(service->url), "tcp://127.0.0.1:%d", service->rpc_port);
	return start_on_its_ports(service, also_listen, extra);
}

bool harness_start_also_on(harness_service *service, const char *name, const char *also_listen,
                           const char *const *extra)
{
	return start_at(service, name, 0, also_listen, extra);
}

bool harness_restart(harness_service *service, const char *const *extra)
{
	if (harness_alive(service))
		return false;
	service->pid = 0;
	return start_on_its_ports(service, NULL, extra);
}

int harness_stop(harness_service *service)
{
	if (service->pid <= 0)
		return -1;
	kill(service->pid, SIGTERM);
	for (int i = 0; i < 600; i++) {
		int status = 0;
		pid_t done = waitpid(service->pid, &status, WNOHANG);
		if (done == service->pid) {
			service->pid = 0;
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		}
		nng_msleep(50);
	}
	kill(service->pid, SIGKILL);
	waitpid(service->pid, NULL, 0);
	service->pid = 0;
	return -1;
}

chc_client *harness_client(const harness_service *companies, const harness_service *municipalities,
                           const char *token)
{
	chc_client_options options;
	chc_client_options_init(&options);
	options.urls[CHC_ENDPOINT_COMPANIES] = companies ? companies->url : "tcp://127.0.0.1:1";
	options.urls[CHC_ENDPOINT_MUNICIPALITIES] =
	        municipalities ? municipalities->url : "tcp://127.0.0.1:1";
	options.token = token != NULL ? token : harness_token("admin");
	options.timeout_ms = 10000;
	chc_client *client = NULL;
	return chc_client_create(&options, &client, NULL) == CHC_OK ? client : NULL;
}

chc_client *harness_client_over_two(const harness_stack *stack, harness_service *second)
{
	if (!harness_start(second, "municipalities", NULL))
		return NULL;
	char both[2 * sizeof(second->url) + 1];
	snprintf(both, sizeof(both), "%s,%s", stack->municipalities.url, second->url);
	chc_client_options options;
	chc_client_options_init(&options);
	options.urls[CHC_ENDPOINT_MUNICIPALITIES] = both;
	const struct {
		chc_endpoint endpoint;
		const harness_service *service;
	} others[] = { { CHC_ENDPOINT_COMPANIES, &stack->companies },
		       { CHC_ENDPOINT_PROJECTS, &stack->projects },
		       { CHC_ENDPOINT_MATCHING, &stack->matching } };
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (others[i].service->pid != 0)
			options.urls[others[i].endpoint] = others[i].service->url;
	options.token = harness_token("admin");
	chc_client *client = NULL;
	return chc_client_create(&options, &client, NULL) == CHC_OK ? client : NULL;
}

chc_status harness_call_status(chc_client *client, const ProtobufCServiceDescriptor *service,
                               const char *method, const ProtobufCMessage *request,
                               const chc_call_options *options)
{
	ProtobufCMessage *reply = NULL;
	chc_status status =
	        chc_client_call(client, service, method, request, options, &reply, NULL);
	if (reply != NULL)
		protobuf_c_message_free_unpacked(reply, NULL);
	return status;
}

int harness_chc(const harness_stack *stack, const char *role, const char *arguments)
{
	const struct {
		const char *variable;
		const harness_service *service;
	} services[] = { { "CHC_MUNICIPALITIES_URL", &stack->municipalities },
		         { "CHC_COMPANIES_URL", &stack->companies },
		         { "CHC_MATCHING_URL", &stack->matching },
		         { "CHC_PROJECTS_URL", &stack->projects } };
	char command[1024];
	int length = snprintf(command, sizeof(command), "CHC_TOKEN=%s", harness_token(role));
	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		if (services[i].service->pid != 0)
			length +=
			        snprintf(command + length, sizeof(command) - (size_t)length,
			                 " %s=%s", services[i].variable, services[i].service->url);
	snprintf(command + length, sizeof(command) - (size_t)length,
	         " %s/client/chc %s >/dev/null 2>&1", CHC_BUILD_DIR, arguments);
	int status = system(command);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int harness_postgres_fixture(const char *action)
{
	char command[1024];
	snprintf(command, sizeof(command), "%s/tests/integration/postgres_fixture.sh %s %s %s",
	         CHC_SOURCE_DIR, action, CHC_BUILD_DIR, CHC_SOURCE_DIR);
	return system(command);
}

uint8_t *harness_raw_request(const char *url, const void *bytes, size_t length, int timeout_ms,
                             size_t *reply_length)
{
	nng_socket socket;
	if (nng_req0_open(&socket) != 0)
		return NULL;
	nng_socket_set_ms(socket, NNG_OPT_RECVTIMEO, timeout_ms);
	nng_socket_set_ms(socket, NNG_OPT_SENDTIMEO, timeout_ms);
	uint8_t *reply = NULL;
	void *received = NULL;
	size_t size = 0;
	if (nng_dial(socket, url, NULL, 0) == 0 &&
	    nng_send(socket, (void *)bytes, length, 0) == 0 &&
	    nng_recv(socket, &received, &size, NNG_FLAG_ALLOC) == 0) {
		reply = malloc(size > 0 ? size : 1);
		if (reply != NULL)
			memcpy(reply, received, size);
		*reply_length = size;
		nng_free(received, size);
	}
	nng_close(socket);
	return reply;
}

Chc__V1__RpcResponse *harness_envelope_call(const char *url, const char *method,
                                            const void *payload, size_t length,
                                            int64_t deadline_unix_ms, const char *token)
{
	Chc__V1__RpcRequest request = CHC__V1__RPC_REQUEST__INIT;
	request.method = (char *)method;
	request.request_id = "harness";
	request.deadline_unix_ms = deadline_unix_ms;
	request.token = (char *)(token ? token : harness_token("admin"));
	request.payload.data = (uint8_t *)payload;
	request.payload.len = length;
	size_t size = chc__v1__rpc_request__get_packed_size(&request);
	uint8_t *bytes = malloc(size + 1);
	chc__v1__rpc_request__pack(&request, bytes);
	size_t reply_length = 0;
	uint8_t *reply = harness_raw_request(url, bytes, size, 5000, &reply_length);
	free(bytes);
	if (reply == NULL)
		return NULL;
	Chc__V1__RpcResponse *response = chc__v1__rpc_response__unpack(NULL, reply_length, reply);
	free(reply);
	return response;
}

int harness_http_get(int port, const char *path, char **body)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof(address)) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	char request[256];
	int length =
	        snprintf(request, sizeof(request),
	                 "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path);
	if (write(fd, request, (size_t)length) != length) {
		close(fd);
		return -1;
	}
	char *text = NULL;
	size_t size = 0;
	FILE *memory = open_memstream(&text, &size);
	char chunk[4096];
	ssize_t got;
	while ((got = read(fd, chunk, sizeof(chunk))) > 0)
		fwrite(chunk, 1, (size_t)got, memory);
	fclose(memory);
	close(fd);
	int status = -1;
	if (text != NULL && sscanf(text, "HTTP/1.%*d %d", &status) == 1) {
		const char *start = strstr(text, "\r\n\r\n");
		*body = strdup(start ? start + 4 : "");
	}
	free(text);
	return status;
}

PGconn *harness_database(void)
{
	PGconn *connection = PQconnectdb(harness_database_url());
	if (PQstatus(connection) != CONNECTION_OK) {
		fprintf(stderr, "harness: %s", PQerrorMessage(connection));
		PQfinish(connection);
		return NULL;
	}
	return connection;
}

const char *harness_sql_value(PGconn *connection, const char *sql)
{
	static char value[1024];
	PGresult *result = PQexec(connection, sql);
	value[0] = '\0';
	if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) > 0)
		snprintf(value, sizeof(value), "%s", PQgetvalue(result, 0, 0));
	else if (PQresultStatus(result) != PGRES_COMMAND_OK &&
	         PQresultStatus(result) != PGRES_TUPLES_OK)
		fprintf(stderr, "harness: %s: %s", sql, PQerrorMessage(connection));
	PQclear(result);
	return value;
}

const char *harness_date(int days_from_today, char buffer[11])
{
	time_t when = time(NULL) + (time_t)days_from_today * 86400;
	struct tm local;
	localtime_r(&when, &local);
	strftime(buffer, 11, "%Y-%m-%d", &local);
	return buffer;
}

ProtobufCMessage *harness_call_json(chc_client *client, const ProtobufCServiceDescriptor *service,
                                    const char *method, const char *json_text, chc_status expected,
                                    char *field, size_t field_size)
{
	const ProtobufCMethodDescriptor *descriptor =
	        protobuf_c_service_descriptor_get_method_by_name(service, method);
	if (descriptor == NULL)
		fail_msg("%s has no method %s", service->name, method);
	json_error_t parse_error;
	json_t *json = json_loads(json_text, 0, &parse_error);
	if (json == NULL)
		fail_msg("bad test JSON: %s: %s", parse_error.text, json_text);
	ProtobufCMessage *input = NULL;
	chc_error error = { 0 };
	if (chc_json_to_message(descriptor->input, json, &input, &error) != CHC_OK)
		fail_msg("test JSON does not fit %s: %s", descriptor->input->name, error.message);
	json_decref(json);
	ProtobufCMessage *reply = NULL;
	/* Tokens and events are answered by every service: ask municipalities. */
	chc_status status =
	        chc_endpoint_for_service(service->name) >= 0
	                ? chc_client_call(client, service, method, input, NULL, &reply, &error)
	                : chc_client_call_at(client, CHC_ENDPOINT_MUNICIPALITIES, service, method,
	                                     input, NULL, &reply, &error);
	protobuf_c_message_free_unpacked(input, NULL);
	if (status != expected)
		fail_msg("%s: expected %s, got %s: %s", method, chc_status_name(expected),
		         chc_status_name(status), error.message ? error.message : "");
	if (field != NULL && error.violation_count > 0)
		snprintf(field, field_size, "%s", error.violations[0].field);
	chc_error_fini(&error);
	return reply;
}

/* In the order each service calls only the ones before it. */
static const char *const stack_names[] = { "municipalities", "companies", "matching", "projects" };
static const char *const stack_variables[] = { "CHC_MUNICIPALITIES_URL", "CHC_COMPANIES_URL",
	                                       "CHC_MATCHING_URL", "CHC_PROJECTS_URL" };
#define MATCHING_INDEX 2
#define PROJECTS_INDEX 3
#define STACK_SIZE     4

static harness_service *stack_service(harness_stack *stack, int index)
{
	harness_service *const services[STACK_SIZE] = { &stack->municipalities, &stack->companies,
		                                        &stack->matching, &stack->projects };
	return services[index];
}

/* The environment of the service at index: the URLs of the ones before
 * it and, for matching, of projects when the stack has it (chosen before
 * any starts); then extra. Returns how many entries it set. */
static int stack_environment(harness_stack *stack, int index, const char *const *extra,
                             const char *environment[STACK_SIZE + 16])
{
	int count = 0;
	for (int i = 0; i < index; i++)
		environment[count++] = stack->environment[i];
	if (index == MATCHING_INDEX && stack->environment[PROJECTS_INDEX][0] != '\0')
		environment[count++] = stack->environment[PROJECTS_INDEX];
	for (int i = 0; extra != NULL && extra[i] != NULL && count < STACK_SIZE + 15; i++)
		environment[count++] = extra[i];
	environment[count] = NULL;
	return count;
}

/* The service at index with its environment (stack_environment). */
static bool stack_start_service(harness_stack *stack, int index, const char *const *extra)
{
	const char *environment[STACK_SIZE + 16];
	stack_environment(stack, index, extra, environment);
	harness_service *service = stack_service(stack, index);
	int port = index == PROJECTS_INDEX ? stack->projects_port : 0;
	if (!start_at(service, stack_names[index], port, NULL, environment))
		return false;
	snprintf(stack->environment[index], sizeof(stack->environment[index]), "%s=%s",
	         stack_variables[index], service->url);
	return true;
}

static bool stack_connect(harness_stack *stack)
{
	static const chc_endpoint endpoints[STACK_SIZE] = { CHC_ENDPOINT_MUNICIPALITIES,
		                                            CHC_ENDPOINT_COMPANIES,
		                                            CHC_ENDPOINT_MATCHING,
		                                            CHC_ENDPOINT_PROJECTS };
	chc_client_destroy(stack->client);
	stack->client = NULL;
	chc_client_options options;
	chc_client_options_init(&options);
	for (int i = 0; i < STACK_SIZE; i++)
		options.urls[endpoints[i]] =
		        i < stack->count ? stack_service(stack, i)->url : "tcp://127.0.0.1:1";
	/* A matching job waits on the queue, longer on a loaded machine. */
	options.timeout_ms = 20000;
	options.token = harness_token("admin");
	return chc_client_create(&options, &stack->client, NULL) == CHC_OK;
}

bool harness_stack_start(harness_stack *stack, const char *last, const char *const *extra)
{
	memset(stack, 0, sizeof(*stack));
	int size = 0;
	while (size < STACK_SIZE && strcmp(stack_names[size], last) != 0)
		size++;
	if (size == STACK_SIZE)
		fail_msg("no service %s in the stack", last);
	if (size == PROJECTS_INDEX) {
		stack->projects_port = harness_free_port();
		snprintf(stack->environment[PROJECTS_INDEX], sizeof(stack->environment[0]),
		         "%s=tcp://127.0.0.1:%d", stack_variables[PROJECTS_INDEX],
		         stack->projects_port);
	}
	for (int i = 0; i <= size; i++) {
		if (!stack_start_service(stack, i, i == size ? extra : NULL))
			return false;
		stack->count = i + 1;
	}
	stack->database = harness_database();
	return stack_connect(stack) && stack->database != NULL;
}

bool harness_stack_restart(harness_stack *stack, harness_service *service)
{
	for (int i = 0; i < stack->count; i++) {
		if (stack_service(stack, i) != service)
			continue;
		const char *environment[STACK_SIZE + 16];
		stack_environment(stack, i, NULL, environment);
		return harness_restart(service, environment);
	}
	return false;
}

bool harness_stack_start_again(harness_stack *stack, const char *const *extra)
{
	return stack_start_service(stack, stack->count - 1, extra) && stack_connect(stack);
}

int harness_stack_stop(harness_stack *stack)
{
	chc_client_destroy(stack->client);
	stack->client = NULL;
	PQfinish(stack->database);
	stack->database = NULL;
	int status = 0;
	for (int i = stack->count - 1; i >= 0; i--)
		if (harness_stop(stack_service(stack, i)) != 0)
			status = -1;
	return status;
}

/* cmocka's group fixtures take no argument of ours. */
static harness_stack *group_stack;
static const char *group_last;

static int group_setup(void **state)
{
	(void)state;
	return harness_stack_start(group_stack, group_last, NULL) ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	return harness_stack_stop(group_stack);
}

int harness_run_tests_on(const char *group_name, const struct CMUnitTest *tests, size_t count,
                         harness_stack *stack, const char *last)
{
	group_stack = stack;
	group_last = last;
	return _cmocka_run_group_tests(group_name, tests, count, group_setup, group_teardown);
}

void harness_expect_violation(chc_client *client, const ProtobufCServiceDescriptor *service,
                              const char *method, const char *json_text, const char *expected_field)
{
	char field[128] = "";
	assert_null(harness_call_json(client, service, method, json_text, CHC_INVALID_ARGUMENT,
	                              field, sizeof(field)));
	assert_string_equal(field, expected_field);
}

ProtobufCMessage *const *harness_batch_records(const ProtobufCMessage *reply, size_t *count)
{
	const ProtobufCMessageDescriptor *descriptor = reply->descriptor;
	for (unsigned i = 0; i < descriptor->n_fields; i++) {
		const ProtobufCFieldDescriptor *field = &descriptor->fields[i];
		if (field->label == PROTOBUF_C_LABEL_REPEATED &&
		    field->type == PROTOBUF_C_TYPE_MESSAGE) {
			*count = *(const size_t *)((const char *)reply + field->quantifier_offset);
			return *(ProtobufCMessage *const *const *)((const char *)reply +
			                                           field->offset);
		}
	}
	fail_msg("%s has no repeated message field", descriptor->name);
	return NULL;
}

/* {"ids":[...]} of the count ids, as malloc'd JSON text. */
static char *ids_request(const char *const *ids, size_t count)
{
	json_t *list = json_array();
	for (size_t i = 0; i < count; i++)
		json_array_append_new(list, json_string(ids[i]));
	json_t *request = json_pack("{s:o}", "ids", list);
	char *text = json_dumps(request, JSON_COMPACT);
	json_decref(request);
	assert_non_null(text);
	return text;
}

/* Whether two messages pack to the same bytes. */
static bool same_message(const ProtobufCMessage *a, const ProtobufCMessage *b)
{
	size_t length = protobuf_c_message_get_packed_size(a);
	if (length != protobuf_c_message_get_packed_size(b))
		return false;
	uint8_t *packed_a = malloc(length + 1), *packed_b = malloc(length + 1);
	assert_true(packed_a != NULL && packed_b != NULL);
	protobuf_c_message_pack(a, packed_a);
	protobuf_c_message_pack(b, packed_b);
	bool same = memcmp(packed_a, packed_b, length) == 0;
	free(packed_a);
	free(packed_b);
	return same;
}

void harness_expect_batch_get(chc_client *client, const ProtobufCServiceDescriptor *service,
                              const char *batch_method, const char *get_method,
                              const char *const *ids, size_t count)
{
	static const char missing[] = "00000000-0000-4000-8000-00000000dead";
	assert_true(count >= 2 && count <= 90);
	const char *asked[96] = { ids[1], missing, ids[0], ids[1] };
	const char *expected[96] = { ids[1], ids[0] };
	for (size_t i = 2; i < count; i++) {
		asked[i + 2] = ids[i];
		expected[i] = ids[i];
	}
	char *text = ids_request(asked, count + 2);
	ProtobufCMessage *reply =
	        harness_call_json(client, service, batch_method, text, CHC_OK, NULL, 0);
	free(text);
	assert_non_null(reply);
	size_t found = 0;
	ProtobufCMessage *const *records = harness_batch_records(reply, &found);
	assert_int_equal(found, count);
	for (size_t i = 0; i < count; i++) {
		char get[64];
		snprintf(get, sizeof(get), "{\"id\":\"%s\"}", expected[i]);
		ProtobufCMessage *single =
		        harness_call_json(client, service, get_method, get, CHC_OK, NULL, 0);
		assert_non_null(single);
		if (!same_message(records[i], single))
			fail_msg("%s: record %zu is not what %s gives for %s", batch_method, i,
			         get_method, expected[i]);
		protobuf_c_message_free_unpacked(single, NULL);
	}
	protobuf_c_message_free_unpacked(reply, NULL);

	const char *bad[] = { ids[0], ids[1], "not-a-uuid" };
	text = ids_request(bad, 3);
	harness_expect_violation(client, service, batch_method, text, "ids[2]");
	free(text);
	harness_expect_violation(client, service, batch_method, "{\"ids\":[]}", "ids");
	const char *too_many[101];
	for (size_t i = 0; i < 101; i++)
		too_many[i] = ids[i % count];
	text = ids_request(too_many, 101);
	harness_expect_violation(client, service, batch_method, text, "ids");
	free(text);
	/* The most there may be is answered. */
	text = ids_request(too_many, 100);
	reply = harness_call_json(client, service, batch_method, text, CHC_OK, NULL, 0);
	free(text);
	assert_non_null(reply);
	harness_batch_records(reply, &found);
	assert_int_equal(found, count);
	protobuf_c_message_free_unpacked(reply, NULL);
}

void harness_create(chc_client *client, const ProtobufCServiceDescriptor *service,
                    const char *method, const char *json_text, char id[37])
{
	ProtobufCMessage *made =
	        harness_call_json(client, service, method, json_text, CHC_OK, NULL, 0);
	/* Every message a Create method returns has its id as field "id". */
	const ProtobufCFieldDescriptor *field =
	        protobuf_c_message_descriptor_get_field_by_name(made->descriptor, "id");
	assert_non_null(field);
	assert_int_equal(field->type, PROTOBUF_C_TYPE_STRING);
	snprintf(id, 37, "%s", *(char *const *)((const char *)made + field->offset));
	protobuf_c_message_free_unpacked(made, NULL);
}

void harness_publish_solution(chc_client *client, const char *json_text, char id[37])
{
	Chc__V1__Solution *solution =
	        (void *)harness_call_json(client, &chc__v1__company_service__descriptor,
	                                  "CreateSolution", json_text, CHC_OK, NULL, 0);
	snprintf(id, 37, "%s", solution->id);
	long version = (long)solution->version;
	protobuf_c_message_free_unpacked(&solution->base, NULL);
	const char *const steps[] = { "SubmitSolution", "ApproveSolution" };
	for (int i = 0; i < 2; i++) {
		char text[128];
		snprintf(text, sizeof(text), "{\"id\":\"%s\",\"expected_version\":%ld}", id,
		         version);
		solution = (void *)harness_call_json(client, &chc__v1__company_service__descriptor,
		                                     steps[i], text, CHC_OK, NULL, 0);
		version = (long)solution->version;
		protobuf_c_message_free_unpacked(&solution->base, NULL);
	}
}

char *harness_request_with(const char *key, const char *base, const char *override)
{
	json_t *object = json_loads(base, 0, NULL);
	json_t *changes = json_loads(override, 0, NULL);
	if (object == NULL || changes == NULL)
		fail_msg("bad test JSON: %s or %s", base, override);
	json_object_update(object, changes);
	json_t *request = json_pack("{s:o}", key, object);
	char *text = json_dumps(request, JSON_COMPACT);
	json_decref(request);
	json_decref(changes);
	return text;
}

long harness_metric(int http_port, const char *format, ...)
{
	char *body = NULL;
	assert_int_equal(harness_http_get(http_port, "/metrics", &body), 200);
	char needle[256];
	va_list arguments;
	va_start(arguments, format);
	int length = vsnprintf(needle, sizeof(needle) - 2, format, arguments);
	va_end(arguments);
	assert_true(length > 0 && (size_t)length < sizeof(needle) - 2);
	memcpy(needle + length, "} ", 3);
	const char *line = strstr(body, needle);
	long value = line != NULL ? strtol(line + strlen(needle), NULL, 10) : 0;
	free(body);
	return value;
}

int64_t harness_monotonic_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

bool harness_http_served(int http_port, const char *method)
{
	char *body = NULL;
	bool served = harness_http_get(http_port, "/metrics", &body) == 200 &&
	              strstr(body, method) != NULL;
	free(body);
	return served;
}
