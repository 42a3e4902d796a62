/*
 * test_replica.c - with CHC_DATABASE_READ_URL, reads are served by a
 * streaming replica and writes by the primary, a caller reads its own
 * writes, and reads go on while the replica is down.
 *
 * The proof that a read reached the replica: replay is paused there
 * (pg_wal_replay_pause), so a need the primary holds is NOT_FOUND on it.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chc_test_main.h"

#include "chc/v1/municipalities.pb-c.h"
#include "chc/v1/rpc.pb-c.h"
#include "db.h"
#include "harness.h"

/* Short, so that a test can outwait it; long enough that a read sent right
 * after a write is inside it on a loaded machine. */
#define READ_YOUR_WRITES_MS 1500

static harness_service service;
static PGconn *primary;
static PGconn *replica;
static chc_client *writer; /* the caller that writes */
static chc_client *reader; /* another caller, that only reads */

static int replica_port(void)
{
	const char *port = getenv("CHC_TEST_PG_PORT");
	return (port != NULL ? atoi(port) : 55433) + 1;
}

/* libpq takes the last of two settings of one key: the fixture's URL with
 * the replica's port and a role. */
static void replica_url(char *url, size_t size, const char *user)
{
	snprintf(url, size, "%s port=%d user=%s", harness_database_url(), replica_port(), user);
}

static bool replica_has_replayed_primary(void)
{
	char lsn[64];
	snprintf(lsn, sizeof(lsn), "%s", harness_sql_value(primary, "SELECT pg_current_wal_lsn()"));
	char sql[160];
	snprintf(sql, sizeof(sql), "SELECT pg_last_wal_replay_lsn() >= '%s'::pg_lsn", lsn);
	for (int attempt = 0; attempt < 200; attempt++) {
		if (strcmp(harness_sql_value(replica, sql), "t") == 0)
			return true;
		usleep(100000);
	}
	return false;
}

static void replay_pause(void)
{
	assert_true(replica_has_replayed_primary());
	harness_sql_value(replica, "SELECT pg_wal_replay_pause()");
	const char *state = "";
	for (int attempt = 0; attempt < 100; attempt++) {
		state = harness_sql_value(replica, "SELECT pg_get_wal_replay_pause_state()");
		if (strcmp(state, "paused") == 0)
			break;
		usleep(50000);
	}
	assert_string_equal(state, "paused");
}

static void replay_resume(void)
{
	harness_sql_value(replica, "SELECT pg_wal_replay_resume()");
	assert_true(replica_has_replayed_primary());
}

static int group_setup(void **state)
{
	(void)state;
	if (harness_postgres_fixture("start-replica") != 0)
		return -1;
	char url[512];
	replica_url(url, sizeof(url), "chc");
	replica = PQconnectdb(url);
	primary = harness_database();
	if (PQstatus(replica) != CONNECTION_OK || primary == NULL)
		return -1;
	static char read_url[600];
	replica_url(url, sizeof(url), "chc_municipalities");
	snprintf(read_url, sizeof(read_url), "CHC_DATABASE_READ_URL=%s", url);
	static char window[64];
	snprintf(window, sizeof(window), "CHC_READ_YOUR_WRITES_MS=%d", READ_YOUR_WRITES_MS);
	const char *const extra[] = { read_url, window, NULL };
	if (!harness_start(&service, "municipalities", extra))
		return -1;
	writer = harness_client(NULL, &service, NULL);
	reader = harness_client(NULL, &service, NULL);
	return writer != NULL && reader != NULL ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	chc_client_destroy(writer);
	chc_client_destroy(reader);
	int stopped = harness_stop(&service);
	PQfinish(replica);
	PQfinish(primary);
	return stopped == 0 && harness_postgres_fixture("stop-replica") == 0 ? 0 : -1;
}

/* A need the writer creates; its id goes to id. */
static void create_need(chc_client *client, char id[37])
{
	char deadline[11];
	char text[1024];
	snprintf(text, sizeof(text),
	         "{\"need\":{\"owners\":[{\"municipality_code\":101}],\"title\":\"Telemonitorering "
	         "af borgere med KOL\",\"description\":\"Hjemmemonitorering efter udskrivelse\","
	         "\"care_area\":\"remote-monitoring\",\"target_groups\":[\"citizens-with-copd\"],"
	         "\"min_trl\":7,\"max_device_class\":\"iia\",\"gdpr_dpa_required\":true,"
	         "\"budget\":{\"min_dkk\":500000,\"max_dkk\":2000000},\"procurement_route\":"
	         "\"open-tender\",\"deadline\":\"%s\",\"contact\":{\"name\":\"Mette Hansen\","
	         "\"email\":\"mette@kk.dk\"}}}",
	         harness_date(120, deadline));
	harness_create(client, &chc__v1__municipality_service__descriptor, "CreateNeed", text, id);
}

static chc_status get_need(chc_client *client, const char *id)
{
	Chc__V1__GetNeedRequest request = CHC__V1__GET_NEED_REQUEST__INIT;
	request.id = (char *)id;
	chc_call_options options = { .timeout_ms = 5000, .max_attempts = 1 };
	chc_status status = harness_call_status(client, &chc__v1__municipality_service__descriptor,
	                                        "GetNeed", &request.base, &options);
	return status;
}

static bool primary_holds(const char *id)
{
	char sql[160];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM municipalities.needs WHERE id = '%s'", id);
	return strcmp(harness_sql_value(primary, sql), "1") == 0;
}

static void reads_go_to_the_replica_writes_to_the_primary(void **state)
{
	(void)state;
	assert_string_equal(harness_sql_value(replica, "SELECT pg_is_in_recovery()"), "t");
	replay_pause();
	char id[37];
	create_need(writer, id);
	assert_true(primary_holds(id));
	/* Another caller reads the replica, which has not replayed the write. */
	assert_int_equal(get_need(reader, id), CHC_NOT_FOUND);
	/* The writer reads its own write, from the primary. */
	assert_int_equal(get_need(writer, id), CHC_OK);
	/* A write reads inside its transaction on the primary, even for a
	 * caller that has never written: the update finds the need. */
	chc_client *updater = harness_client(NULL, &service, NULL);
	char text[256];
	snprintf(text, sizeof(text),
	         "{\"need\":{\"id\":\"%s\",\"title\":\"Telemonitorering efter udskrivelse\"},"
	         "\"update_mask\":[\"title\"],\"expected_version\":1}",
	         id);
	ProtobufCMessage *updated =
	        harness_call_json(updater, &chc__v1__municipality_service__descriptor, "UpdateNeed",
	                          text, CHC_OK, NULL, 0);
	protobuf_c_message_free_unpacked(updated, NULL);
	chc_client_destroy(updater);
	assert_int_equal(get_need(reader, id), CHC_NOT_FOUND);
	replay_resume();
	assert_int_equal(get_need(reader, id), CHC_OK);
}

static void the_writer_reads_the_replica_again_after_the_window(void **state)
{
	(void)state;
	replay_pause();
	char id[37];
	create_need(writer, id);
	assert_int_equal(get_need(writer, id), CHC_OK);
	usleep((READ_YOUR_WRITES_MS + 300) * 1000);
	/* Past CHC_READ_YOUR_WRITES_MS the writer is a reader like any other:
	 * the window is the bound on replica lag the setting promises. */
	assert_int_equal(get_need(writer, id), CHC_NOT_FOUND);
	replay_resume();
	assert_int_equal(get_need(writer, id), CHC_OK);
}

/* GetNeed in an envelope of our own, with metadata key = value. */
static int32_t raw_get_need(const char *id, const char *key, const char *value)
{
	Chc__V1__GetNeedRequest request = CHC__V1__GET_NEED_REQUEST__INIT;
	request.id = (char *)id;
	uint8_t payload[128];
	size_t length = chc__v1__get_need_request__pack(&request, payload);
	Chc__V1__RpcRequest envelope = CHC__V1__RPC_REQUEST__INIT;
	envelope.method = "/chc.v1.MunicipalityService/GetNeed";
	envelope.request_id = "replica";
	envelope.token = (char *)harness_token("admin");
	envelope.payload.data = payload;
	envelope.payload.len = length;
	Chc__V1__RpcRequest__MetadataEntry entry = CHC__V1__RPC_REQUEST__METADATA_ENTRY__INIT;
	Chc__V1__RpcRequest__MetadataEntry *entries[] = { &entry };
	entry.key = (char *)key;
	entry.value = (char *)value;
	envelope.n_metadata = 1;
	envelope.metadata = entries;
	uint8_t bytes[1024];
	size_t size = chc__v1__rpc_request__pack(&envelope, bytes);
	size_t reply_length = 0;
	uint8_t *reply = harness_raw_request(service.url, bytes, size, 5000, &reply_length);
	assert_non_null(reply);
	Chc__V1__RpcResponse *response = chc__v1__rpc_response__unpack(NULL, reply_length, reply);
	free(reply);
	assert_non_null(response);
	int32_t code = response->code;
	chc__v1__rpc_response__free_unpacked(response, NULL);
	return code;
}

/* The age travels in the envelope's metadata, so a partner without libchc
 * reads its writes the same way. */
static void partners_send_the_write_age_themselves(void **state)
{
	(void)state;
	replay_pause();
	char id[37];
	create_need(writer, id);
	assert_int_equal(raw_get_need(id, CHC_METADATA_WRITE_AGE_MS, "0"), CHC_OK);
	assert_int_equal(raw_get_need(id, CHC_METADATA_WRITE_AGE_MS, "600000"), CHC_NOT_FOUND);
	assert_int_equal(raw_get_need(id, "x-something-else", "0"), CHC_NOT_FOUND);
	/* An age that does not parse is taken as a fresh write. */
	assert_int_equal(raw_get_need(id, CHC_METADATA_WRITE_AGE_MS, "soon"), CHC_OK);
	replay_resume();
}

static void reads_go_on_while_the_replica_is_down(void **state)
{
	(void)state;
	char before[37];
	create_need(writer, before);
	assert_true(replica_has_replayed_primary());
	assert_int_equal(get_need(reader, before), CHC_OK);
	assert_int_equal(harness_postgres_fixture("stop-replica"), 0);
	/* Every worker's replica connection is gone: the first read on each
	 * fails there and is served by the primary, as are the reads after. */
	char during[37];
	create_need(writer, during);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(get_need(reader, before), CHC_OK);
		assert_int_equal(get_need(reader, during), CHC_OK);
	}

	/* Back: the workers reconnect to it by themselves. */
	assert_int_equal(harness_postgres_fixture("resume-replica"), 0);
	PQreset(replica);
	assert_int_equal(PQstatus(replica), CONNECTION_OK);
	replay_pause();
	char after[37];
	create_need(writer, after);
	chc_status status = CHC_OK;
	for (int attempt = 0; attempt < 100 && status == CHC_OK; attempt++) {
		status = get_need(reader, after);
		if (status == CHC_OK)
			usleep(100000);
	}
	assert_int_equal(status, CHC_NOT_FOUND);
	replay_resume();
}

static const core_statement replica_read = { "replica_read", "SELECT pg_is_in_recovery()", 0 };
static const core_statement replica_write = { "replica_write",
	                                      "INSERT INTO chc_replica_probe VALUES (1)", 0 };

/* A read that writes (ExportJob keeps the export it makes on its first
 * request) is refused by the replica with 25006: the request is marked as
 * the replica's failure, which the core answers by running it again on
 * the primary, instead of INTERNAL for the caller. */
static void the_replica_refusing_a_write_fails_the_replica_not_the_read(void **state)
{
	(void)state;
	harness_sql_value(primary, "CREATE TABLE IF NOT EXISTS chc_replica_probe (n int)");
	assert_true(replica_has_replayed_primary());
	char url[512];
	replica_url(url, sizeof(url), "chc");
	core_db database;
	assert_int_equal(core_db_init_replica(&database, url), CHC_OK);
	chc_error error = { 0 };
	PGconn *connection = core_db_connection(&database, &error);
	assert_non_null(connection);
	core_request request = { .db = connection, .database = &database };
	PGresult *result = NULL;
	assert_int_equal(core_query(&request, &replica_read, NULL, &result), CHC_OK);
	assert_string_equal(PQgetvalue(result, 0, 0), "t");
	assert_false(request.replica_failed);
	assert_int_equal(core_query(&request, &replica_write, NULL, &result), CHC_UNAVAILABLE);
	assert_true(request.replica_failed);
	core_request_forget_outcome(&request);
	assert_false(request.replica_failed);
	assert_int_equal(request.error.code, CHC_OK);
	core_request_fini(&request);
	core_db_fini(&database);
	chc_error_fini(&error);
	harness_sql_value(primary, "DROP TABLE chc_replica_probe");
}

CHC_TEST_MAIN(group_setup, group_teardown,
              cmocka_unit_test(reads_go_to_the_replica_writes_to_the_primary),
              cmocka_unit_test(the_writer_reads_the_replica_again_after_the_window),
              cmocka_unit_test(partners_send_the_write_age_themselves),
              cmocka_unit_test(reads_go_on_while_the_replica_is_down),
              cmocka_unit_test(the_replica_refusing_a_write_fails_the_replica_not_the_read))
