/*
 * test_disk_full.c - the disk under a table fills up while the companies
 * service writes to it: the write that needs room is refused
 * RESOURCE_EXHAUSTED saying the disk is full, reads go on, every write
 * acknowledged before is there exactly once, amcheck finds the table and
 * its indexes sound, and once room is made the next write succeeds without
 * a restart.
 *
 * The full disk is real, not simulated by a setting: the fixture mounts a
 * tmpfs (the companies table's size and 4 MiB more) holding the tablespace
 * nearly_full; the companies table moves into it and a filler table takes
 * the rest of its room. Mounting takes root: without it the suite exits
 * 77, which CTest reports as skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "chc_test_main.h"

#include "chc/v1/companies.pb-c.h"
#include "harness.h"

static harness_stack stack;

/* Runs sql, which must succeed. */
static void sql_ok(const char *sql)
{
	PGresult *result = PQexec(stack.database, sql);
	ExecStatusType status = PQresultStatus(result);
	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(stack.database));
	PQclear(result);
}

static int start(void **state)
{
	(void)state;
	if (!harness_stack_start(&stack, "companies", NULL))
		return -1;
	/* Room for the table as earlier suites left it (the load test writes
	 * tens of MiB of companies) and 4 MiB for the filler to take. */
	long table_mib = atol(harness_sql_value(
	        stack.database, "SELECT pg_table_size('companies.companies') / 1048576"));
	char size[32];
	snprintf(size, sizeof(size), "%ld", table_mib + 5);
	setenv("CHC_FULL_DISK_MIB", size, 1);
	int status = harness_postgres_fixture("fill-disk");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		harness_stack_stop(&stack);
		exit(77);
	}
	return status == 0 ? 0 : -1;
}

static int stop(void **state)
{
	(void)state;
	int stopped = harness_stack_stop(&stack);
	return harness_postgres_fixture("free-disk") == 0 ? stopped : -1;
}

/* A foreign company named name (a VAT number needs no check digits). */
static chc_status create_company(const char *name, char id[37], chc_error *error)
{
	char vat_number[32];
	snprintf(vat_number, sizeof(vat_number), "DISK%s", name + strlen("Fuld disk "));
	Chc__V1__Company company = CHC__V1__COMPANY__INIT;
	company.name = (char *)name;
	company.country = "NO";
	company.vat_number = vat_number;
	Chc__V1__CreateCompanyRequest request = CHC__V1__CREATE_COMPANY_REQUEST__INIT;
	request.company = &company;
	ProtobufCMessage *reply = NULL;
	chc_call_options options = { .timeout_ms = 5000, .max_attempts = 1 };
	chc_status status =
	        chc_client_call(stack.client, &chc__v1__company_service__descriptor,
	                        "CreateCompany", &request.base, &options, &reply, error);
	if (status == CHC_OK)
		snprintf(id, 37, "%s", ((Chc__V1__Company *)reply)->id);
	if (reply != NULL)
		protobuf_c_message_free_unpacked(reply, NULL);
	return status;
}

enum { MOST_WRITES = 300 };

static void writes_refused_while_full(void **state)
{
	(void)state;
	sql_ok("ALTER TABLE companies.companies SET TABLESPACE nearly_full");
	sql_ok("CREATE TABLE companies.disk_filler (filler text) TABLESPACE nearly_full");
	PGresult *filled = PQexec(
	        stack.database, "INSERT INTO companies.disk_filler SELECT repeat(md5(g::text), 30) "
	                        "FROM generate_series(1, 100000) g");
	const char *sqlstate = PQresultErrorField(filled, PG_DIAG_SQLSTATE);
	assert_string_equal(sqlstate != NULL ? sqlstate : "(none)", "53100"); /* disk_full */
	PQclear(filled);

	/* What room the table's last page has left goes first; then a write
	 * needs a new page and the disk has none. */
	static char acknowledged[MOST_WRITES + 1][37];
	int count = 0;
	chc_status refused = CHC_OK;
	chc_error error = { 0 };
	for (int i = 0; i < MOST_WRITES && refused == CHC_OK; i++) {
		char name[48];
		snprintf(name, sizeof(name), "Fuld disk %04d", i);
		refused = create_company(name, acknowledged[count], &error);
		if (refused == CHC_OK)
			count++;
	}
	assert_int_equal(refused, CHC_RESOURCE_EXHAUSTED);
	assert_non_null(strstr(error.message, "disk is full"));
	chc_error_fini(&error);
	printf("disk_full: %d writes acknowledged before the refusal\n", count);

	/* Reads go on. */
	Chc__V1__PageRequest page = CHC__V1__PAGE_REQUEST__INIT;
	page.page_size = 5;
	Chc__V1__ListCompaniesRequest list = CHC__V1__LIST_COMPANIES_REQUEST__INIT;
	list.page = &page;
	assert_int_equal(harness_call_status(stack.client, &chc__v1__company_service__descriptor,
	                                     "ListCompanies", &list.base, NULL),
	                 CHC_OK);
	if (count > 0) {
		Chc__V1__GetCompanyRequest get = CHC__V1__GET_COMPANY_REQUEST__INIT;
		get.id = acknowledged[0];
		assert_int_equal(harness_call_status(stack.client,
		                                     &chc__v1__company_service__descriptor,
		                                     "GetCompany", &get.base, NULL),
		                 CHC_OK);
	}

	/* Room made: the next write succeeds, with no restart. */
	sql_ok("DROP TABLE companies.disk_filler");
	assert_int_equal(create_company("Fuld disk 9999", acknowledged[count], &error), CHC_OK);
	count++;
	chc_error_fini(&error);

	/* Every acknowledged write is there once; nothing is corrupt. */
	for (int i = 0; i < count; i++) {
		char sql[128];
		snprintf(sql, sizeof(sql),
		         "SELECT count(*) FROM companies.companies WHERE id = '%.36s'",
		         acknowledged[i]);
		assert_string_equal(harness_sql_value(stack.database, sql), "1");
	}
	sql_ok("CREATE EXTENSION IF NOT EXISTS amcheck");
	assert_string_equal(harness_sql_value(stack.database,
	                                      "SELECT count(*) FROM "
	                                      "verify_heapam('companies.companies')"),
	                    "0");
	sql_ok("SELECT bt_index_check(i.indexrelid, true) FROM pg_index i "
	       "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
	       "WHERE i.indrelid = 'companies.companies'::regclass AND a.amname = 'btree'");
	sql_ok("ALTER TABLE companies.companies SET TABLESPACE pg_default");
}

CHC_TEST_MAIN(start, stop, cmocka_unit_test(writes_refused_while_full))
