/*
 * raw_server.c - the raw limit the benchmarks compare CHC Match against.
 *
 * Plain nng REP and plain libpq, no project code: each worker thread owns an
 * nng context and a database connection and receives one of
 *
 *   c:<uuid>  the row behind GetCompany         (companies.companies)
 *   m:<code>  the row behind GetMunicipality    (municipalities, its region)
 *   p:<uuid>  the rows behind GetProject        (projects.projects and its
 *             participants, history and milestones)
 *   t:<uuid>  the row behind GetTestBed         (matching.test_beds)
 *   w:<n>     a write: BEGIN, INSERT of a test bed named "bench write raw
 *             <n>", COMMIT
 *
 * runs it as a prepared statement, and answers the row's text fields joined
 * by tabs (a write: the new id). It does what the services must do at the
 * least (receive, look up or insert, reply) and nothing more: no envelope, no
 * protobuf, no validation, no idempotency record, no event, no audit, no
 * logging, no metrics. The ratio of the service's throughput to this one's
 * is what the project's own code costs.
 *
 *   chc-bench-raw-server tcp://127.0.0.1:7199 "host=... dbname=chc" [workers]
 */
#include <libpq-fe.h>
#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The columns the services read for GetCompany, GetProject and GetTestBed,
 * and the plainest lookup of what GetMunicipality returns; copied so that
 * this program shares no code with the services. GetProject answers with
 * the project's participants, history and milestones too, so the raw limit
 * reads them as well, in one statement (one subquery each, joined into
 * text): a raw limit that read the main row alone would be the limit of
 * another request, and its ratio would measure three tables, not our
 * code. */
static const char company_sql[] =
        "SELECT c.id, c.name, coalesce(c.cvr, ''), c.country, c.vat_number, c.legal_form, "
        "c.address, coalesce(c.municipality_code, 0), c.website, c.size_class, "
        "coalesce(c.founded_year, 0), c.description, array_to_string(c.categories, ','), "
        "c.status, c.version, (extract(epoch FROM c.created_at) * 1000)::bigint, "
        "(extract(epoch FROM c.updated_at) * 1000)::bigint, array_to_string(c.aliases, chr(31)) "
        "FROM companies.companies c WHERE c.id = $1::uuid";
static const char municipality_sql[] =
        "SELECT m.code, m.name, m.region_code, r.name, m.population, m.population_year "
        "FROM municipalities.municipalities m JOIN municipalities.regions r "
        "ON r.code = m.region_code WHERE m.code = $1::int";
static const char project_sql[] =
        "SELECT p.id, p.title, p.description, array_to_string(p.need_ids, ','), "
        "array_to_string(p.solution_ids, ','), array_to_string(p.test_bed_ids, ','), p.status, "
        "p.language, p.version, (extract(epoch FROM p.created_at) * 1000)::bigint, "
        "(extract(epoch FROM p.updated_at) * 1000)::bigint, coalesce(p.interest_id::text, ''), "
        "(SELECT string_agg(concat_ws(chr(31), a.position, a.party, a.role, a.name, "
        "a.commitment_ore), chr(30) ORDER BY a.position, a.party) "
        "FROM projects.participants a WHERE a.project_id = p.id), "
        "(SELECT string_agg(concat_ws(chr(31), h.seq, h.kind, h.from_status, h.to_status, "
        "h.by_principal, h.reason, h.party, h.commitment_ore, "
        "(extract(epoch FROM h.at) * 1000)::bigint), chr(30) ORDER BY h.seq) "
        "FROM projects.history h WHERE h.project_id = p.id), "
        "(SELECT string_agg(concat_ws(chr(31), m.id, m.title, to_char(m.due, 'YYYY-MM-DD'), "
        "m.done, m.responsible), chr(30) ORDER BY m.position, m.id) "
        "FROM projects.milestones m WHERE m.project_id = p.id) "
        "FROM projects.projects p WHERE p.id = $1::uuid";
static const char test_bed_sql[] =
        "SELECT t.id, t.name, t.description, t.owner_kind, coalesce(t.owner_municipality_code, 0), "
        "coalesce(t.owner_region_code, 0), t.organisation, t.type, "
        "array_to_string(t.care_areas, ','), t.trl_min, t.trl_max, t.capacity_per_period, "
        "array_to_string(t.periods, ','), t.region_code, t.fee_dkk, t.max_device_class, "
        "t.dpa_required, array_to_string(t.standards, ','), t.preference, t.status, t.version, "
        "(extract(epoch FROM t.created_at) * 1000)::bigint, "
        "(extract(epoch FROM t.updated_at) * 1000)::bigint "
        "FROM matching.test_beds t WHERE t.id = $1::uuid";
/* The same row the benchmark's CreateTestBed writes, closed so that no job
 * matches it. */
static const char write_sql[] =
        "INSERT INTO matching.test_beds (id, name, description, owner_kind, owner_region_code, "
        "type, care_areas, trl_min, trl_max, capacity_per_period, periods, region_code, "
        "max_device_class, preference, status) VALUES (gen_random_uuid(), "
        "'bench write raw ' || $1, 'written by the benchmark', 'region', 1084, 'living-lab', "
        "'{telemedicine}', 3, 7, 10, '{2027-Q1}', 1084, 'iia', 'fit', 'closed') RETURNING id";

/* The statement of each request tag; prepared under the tag's letter. */
static const struct raw_statement {
	char tag;
	const char *sql;
} statements[] = {
	{ 'c', company_sql },  { 'm', municipality_sql }, { 'p', project_sql },
	{ 't', test_bed_sql }, { 'w', write_sql },
};
enum { STATEMENT_COUNT = sizeof statements / sizeof statements[0] };

typedef struct raw_worker {
	pthread_t thread;
	nng_ctx context;
	nng_aio *aio;
	PGconn *connection;
} raw_worker;

static int prepare(PGconn *connection)
{
	for (size_t index = 0; index < STATEMENT_COUNT; index++) {
		char name[2] = { statements[index].tag, '\0' };
		PGresult *result = PQprepare(connection, name, statements[index].sql, 1, NULL);
		int ok = PQresultStatus(result) == PGRES_COMMAND_OK;
		if (!ok)
			fprintf(stderr, "prepare %s: %s", name, PQerrorMessage(connection));
		PQclear(result);
		if (!ok)
			return -1;
	}
	return 0;
}

/* Runs a statement that returns no rows; 0 when it succeeded. */
static int command(PGconn *connection, const char *sql)
{
	PGresult *result = PQexec(connection, sql);
	int rv = PQresultStatus(result) == PGRES_COMMAND_OK ? 0 : -1;
	PQclear(result);
	return rv;
}

/* Runs the lookup or the write the request names and builds the reply in
 * *reply: empty when the row is missing or the write failed. */
static int answer(PGconn *connection, nng_msg *request, nng_msg **reply)
{
	char key[64];
	size_t length = nng_msg_len(request);
	if (length < 3 || length >= sizeof key)
		return nng_msg_alloc(reply, 0);
	memcpy(key, nng_msg_body(request), length);
	key[length] = '\0';
	bool known = false;
	for (size_t index = 0; index < STATEMENT_COUNT; index++)
		known = known || statements[index].tag == key[0];
	if (!known || key[1] != ':')
		return nng_msg_alloc(reply, 0);
	/* A write is one transaction, as a service's is; a read is a single
	 * statement, which PostgreSQL runs in one anyway. */
	bool write = key[0] == 'w';
	if (write && command(connection, "BEGIN") != 0)
		return nng_msg_alloc(reply, 0);
	const char name[2] = { key[0], '\0' };
	const char *values[] = { key + 2 };
	PGresult *result = PQexecPrepared(connection, name, 1, values, NULL, NULL, 0);
	bool found = PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1;
	if (write && command(connection, found ? "COMMIT" : "ROLLBACK") != 0)
		found = false;
	int rv = nng_msg_alloc(reply, 0);
	if (rv == 0 && found) {
		for (int column = 0; column < PQnfields(result) && rv == 0; column++) {
			if (column > 0)
				rv = nng_msg_append(*reply, "\t", 1);
			if (rv == 0)
				rv = nng_msg_append(*reply, PQgetvalue(result, 0, column),
				                    (size_t)PQgetlength(result, 0, column));
		}
	}
	PQclear(result);
	return rv;
}

static void *serve(void *argument)
{
	raw_worker *worker = argument;
	for (;;) {
		nng_ctx_recv(worker->context, worker->aio);
		nng_aio_wait(worker->aio);
		if (nng_aio_result(worker->aio) != 0)
			return NULL; /* the socket closed */
		nng_msg *request = nng_aio_get_msg(worker->aio);
		nng_msg *reply = NULL;
		int rv = answer(worker->connection, request, &reply);
		nng_msg_free(request);
		if (rv != 0) {
			nng_msg_free(reply);
			continue;
		}
		nng_aio_set_msg(worker->aio, reply);
		nng_ctx_send(worker->context, worker->aio);
		nng_aio_wait(worker->aio);
		if (nng_aio_result(worker->aio) != 0)
			nng_msg_free(reply);
	}
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s URL DATABASE_URL [WORKERS]\n", argv[0]);
		return 2;
	}
	int count = argc == 4 ? atoi(argv[3]) : 8;
	if (count < 1 || count > 256) {
		fprintf(stderr, "workers: 1 to 256\n");
		return 2;
	}
	sigset_t signals;
	sigemptyset(&signals);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, &signals, NULL);

	nng_socket socket;
	int rv = nng_rep0_open(&socket);
	if (rv == 0)
		rv = nng_listen(socket, argv[1], NULL, 0);
	if (rv != 0) {
		fprintf(stderr, "listen %s: %s\n", argv[1], nng_strerror(rv));
		return 1;
	}
	raw_worker *workers = calloc((size_t)count, sizeof *workers);
	if (workers == NULL)
		return 1;
	int started = 0;
	for (; started < count; started++) {
		raw_worker *worker = &workers[started];
		worker->connection = PQconnectdb(argv[2]);
		if (PQstatus(worker->connection) != CONNECTION_OK ||
		    prepare(worker->connection) != 0) {
			fprintf(stderr, "database: %s", PQerrorMessage(worker->connection));
			PQfinish(worker->connection);
			break;
		}
		if (nng_ctx_open(&worker->context, socket) != 0 ||
		    nng_aio_alloc(&worker->aio, NULL, NULL) != 0 ||
		    pthread_create(&worker->thread, NULL, serve, worker) != 0) {
			fprintf(stderr, "cannot start worker %d\n", started);
			nng_aio_free(worker->aio);
			PQfinish(worker->connection);
			break;
		}
	}
	int status = started == count ? 0 : 1;
	if (status == 0) {
		printf("raw server on %s with %d workers\n", argv[1], count);
		fflush(stdout);
		int signal_number;
		sigwait(&signals, &signal_number);
	}
	nng_close(socket);
	for (int index = 0; index < started; index++) {
		pthread_join(workers[index].thread, NULL);
		nng_aio_free(workers[index].aio);
		PQfinish(workers[index].connection);
	}
	free(workers);
	return status;
}
