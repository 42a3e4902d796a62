/*
 * search_mirror.c - the in-memory index of a table, loaded by housekeeping
 * and brought up to date before each search (search_mirror.h).
 */
#include "search_mirror.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "digest.h"
#include "listing.h"
#include "log.h"

/* Rows read per statement of a load. */
#define LOAD_CHUNK 5000
/* More changed rows than this at once (an import): the search asks
 * PostgreSQL until housekeeping has loaded the table anew. */
#define CHANGES_MAX 20000
/* Parsed search words kept (search words are short: ~300 KB). */
#define PARSED_SLOTS 1024

struct core_search_mirror {
	const core_search_mirror_source *source;
	pthread_rwlock_t lock;    /* readers query, a writer catches up or swaps */
	core_search_index *index; /* NULL until loaded */
	long long generation;     /* every row stamped up to it is in index */
	atomic_bool reload;       /* too many changes at once: housekeeping loads anew */
	core_statement query_statement;
	char query_name[64];
	char *query_sql;
	/* The words of recent searches, parsed: websearch_to_tsquery is
	 * IMMUTABLE (PostgreSQL's own promise: the same words parse the same
	 * way), so a search whose words were parsed before needs no statement
	 * of its own but the one that reads its page. One slot a hash. */
	pthread_mutex_t parsed_lock;
	struct parsed_words {
		char *words;
		char *query;
	} parsed[PARSED_SLOTS];
};

core_search_mirror *core_search_mirror_new(const core_search_mirror_source *source)
{
	core_search_mirror *mirror = calloc(1, sizeof(*mirror));
	if (mirror == NULL)
		return NULL;
	mirror->source = source;
	/* The words parsed and the counter read in one statement. */
	static const char parse[] = "SELECT (" CORE_SEARCH_TSQUERY ")::text, (";
	size_t size = sizeof(parse) + strlen(source->generation_sql) + 2;
	mirror->query_sql = malloc(size);
	if (mirror->query_sql == NULL) {
		free(mirror);
		return NULL;
	}
	snprintf(mirror->query_sql, size, "%s%s)", parse, source->generation_sql);
	snprintf(mirror->query_name, sizeof(mirror->query_name), "%s_search_mirror", source->name);
	mirror->query_statement = (core_statement){ mirror->query_name, mirror->query_sql, 1 };
	pthread_rwlock_init(&mirror->lock, NULL);
	pthread_mutex_init(&mirror->parsed_lock, NULL);
	return mirror;
}

void core_search_mirror_free(core_search_mirror *mirror)
{
	if (mirror == NULL)
		return;
	core_search_index_free(mirror->index);
	for (size_t i = 0; i < PARSED_SLOTS; i++) {
		free(mirror->parsed[i].words);
		free(mirror->parsed[i].query);
	}
	pthread_mutex_destroy(&mirror->parsed_lock);
	pthread_rwlock_destroy(&mirror->lock);
	free(mirror->query_sql);
	free(mirror);
}

static chc_status failed(chc_error *error, PGresult *result, const char *what)
{
	const char *state = result != NULL ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : NULL;
	chc_status status = state != NULL ? core_db_status_from_sqlstate(state) : CHC_UNAVAILABLE;
	chc_error_set(error, status, "search index %s: %s", what,
	              result != NULL ? PQresultErrorMessage(result) : "no result");
	PQclear(result);
	return status;
}

/* The whole table into a new index, in one snapshot with its generation. */
static chc_status load(const core_search_mirror_source *source, PGconn *connection,
                       core_search_index **loaded, long long *generation, chc_error *error)
{
	chc_status status = core_db_command(
	        connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", error);
	if (status != CHC_OK)
		return status;
	core_search_index *index = core_search_index_new();
	PGresult *result = index != NULL ? PQexec(connection, source->generation_sql) : NULL;
	if (index == NULL)
		status =
		        chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "search index: out of memory");
	else if (PQresultStatus(result) != PGRES_TUPLES_OK || PQntuples(result) != 1)
		status = failed(error, result, "generation"); /* clears result */
	else
		*generation = strtoll(PQgetvalue(result, 0, 0), NULL, 10);
	if (status == CHC_OK)
		PQclear(result);
	char after[CORE_SEARCH_KEY_MAX] = "00000000-0000-0000-0000-000000000000";
	char limit[16];
	snprintf(limit, sizeof(limit), "%d", LOAD_CHUNK);
	for (int rows = LOAD_CHUNK; status == CHC_OK && rows == LOAD_CHUNK;) {
		const char *values[2] = { after, limit };
		result = PQexecParams(connection, source->load_sql, 2, NULL, values, NULL, NULL, 0);
		if (PQresultStatus(result) != PGRES_TUPLES_OK) {
			status = failed(error, result, "load");
			break;
		}
		rows = PQntuples(result);
		for (int row = 0; status == CHC_OK && row < rows; row++) {
			const char *key = PQgetvalue(result, row, 0);
			if (!core_search_index_put(index, key, PQgetvalue(result, row, 1)))
				status =
				        chc_error_set(error, CHC_INTERNAL,
				                      "search index: cannot hold %s's vector", key);
			else
				snprintf(after, sizeof(after), "%s", key);
		}
		PQclear(result);
	}
	chc_error ended = { 0 };
	core_db_command(connection, status == CHC_OK ? "COMMIT" : "ROLLBACK", &ended);
	chc_error_fini(&ended);
	if (status != CHC_OK) {
		core_search_index_free(index);
		return status;
	}
	*loaded = index;
	return CHC_OK;
}

/* Applies result (changes_sql's rows after the counter in its first
 * column); the caller holds the lock for writing. */
static bool apply_changes(core_search_mirror *mirror, const PGresult *result)
{
	int rows = PQntuples(result);
	if (rows > CHANGES_MAX) {
		atomic_store(&mirror->reload, true);
		return false;
	}
	bool whole = true;
	for (int row = 0; row < rows; row++) {
		if (PQgetisnull(result, row, 1))
			continue;
		const char *key = PQgetvalue(result, row, 1);
		if (PQgetvalue(result, row, 2)[0] == 't')
			whole &= core_search_index_put(mirror->index, key,
			                               PQgetvalue(result, row, 3));
		else
			core_search_index_remove(mirror->index, key);
	}
	if (!whole) {
		atomic_store(&mirror->reload, true);
		return false;
	}
	if (rows > 0)
		mirror->generation = strtoll(PQgetvalue(result, 0, 0), NULL, 10);
	return true;
}

/* "SELECT counter, changed rows": changes_sql with the counter beside it,
 * so both come from one snapshot. */
static PGresult *read_changes(const core_search_mirror *mirror, PGconn *connection, long long since)
{
	char sql[2048];
	/* One row past the most taken at once says "too many". */
	snprintf(sql, sizeof(sql),
	         "SELECT g.generation, c.* FROM (%s) g (generation) LEFT JOIN (SELECT * FROM (%s) "
	         "changed LIMIT %d) c ON true",
	         mirror->source->generation_sql, mirror->source->changes_sql, CHANGES_MAX + 1);
	char text[24];
	snprintf(text, sizeof(text), "%lld", since);
	const char *values[1] = { text };
	return PQexecParams(connection, sql, 1, NULL, values, NULL, NULL, 0);
}

/* Catches up from generation since, unless another caller did. */
static chc_status catch_up(core_search_mirror *mirror, PGconn *connection, long long seen,
                           chc_error *error)
{
	pthread_rwlock_rdlock(&mirror->lock);
	bool behind = mirror->index != NULL && mirror->generation < seen;
	pthread_rwlock_unlock(&mirror->lock);
	if (!behind || atomic_load(&mirror->reload))
		return CHC_OK;
	pthread_rwlock_wrlock(&mirror->lock);
	chc_status status = CHC_OK;
	/* Again: another caller may have caught up meanwhile. */
	if (mirror->index != NULL && mirror->generation < seen && !atomic_load(&mirror->reload)) {
		PGresult *result = read_changes(mirror, connection, mirror->generation);
		if (PQresultStatus(result) != PGRES_TUPLES_OK)
			status = failed(error, result, "changes");
		else
			apply_changes(mirror, result);
		if (status == CHC_OK)
			PQclear(result);
	}
	pthread_rwlock_unlock(&mirror->lock);
	return status;
}

chc_status core_search_mirror_maintain(core_search_mirror *mirror, PGconn *connection,
                                       chc_error *error)
{
	pthread_rwlock_rdlock(&mirror->lock);
	bool loaded = mirror->index != NULL;
	bool worn = loaded && core_search_index_dropped(mirror->index) >
	                              core_search_index_documents(mirror->index) + 1000;
	pthread_rwlock_unlock(&mirror->lock);
	if (loaded && !worn && !atomic_load(&mirror->reload)) {
		chc_status status = catch_up(mirror, connection, LLONG_MAX, error);
		/* Too many changes to take at once (an import): load anew now. */
		if (status != CHC_OK || !atomic_load(&mirror->reload))
			return status;
	}
	core_search_index *index = NULL;
	long long generation = 0;
	int64_t started = core_monotonic_us();
	chc_status status = load(mirror->source, connection, &index, &generation, error);
	if (status != CHC_OK)
		return status;
	pthread_rwlock_wrlock(&mirror->lock);
	core_search_index *old = mirror->index;
	mirror->index = index;
	mirror->generation = generation;
	atomic_store(&mirror->reload, false);
	pthread_rwlock_unlock(&mirror->lock);
	core_search_index_free(old);
	core_log(CORE_LOG_INFO, "search index of %s: %zu rows loaded in %lld ms",
	         mirror->source->name, core_search_index_documents(index),
	         (long long)((core_monotonic_us() - started) / 1000));
	return CHC_OK;
}

static size_t parsed_slot(const char *words)
{
	return core_fnv1a(CORE_FNV1A_BASIS, words, strlen(words)) % PARSED_SLOTS;
}

/* words' query as parsed before (request-owned), or NULL. */
static const char *parsed_before(core_search_mirror *mirror, core_request *request,
                                 const char *words)
{
	const struct parsed_words *slot = &mirror->parsed[parsed_slot(words)];
	pthread_mutex_lock(&mirror->parsed_lock);
	const char *query = slot->words != NULL && strcmp(slot->words, words) == 0
	                            ? core_strdup(request, slot->query)
	                            : NULL;
	pthread_mutex_unlock(&mirror->parsed_lock);
	return query;
}

/* Keeps words' query; when memory runs out, it is only not kept. */
static void keep_parsed(core_search_mirror *mirror, const char *words, const char *query)
{
	char *kept_words = strdup(words), *kept_query = strdup(query);
	if (kept_words == NULL || kept_query == NULL) {
		free(kept_words);
		free(kept_query);
		return;
	}
	struct parsed_words *slot = &mirror->parsed[parsed_slot(words)];
	pthread_mutex_lock(&mirror->parsed_lock);
	char *old_words = slot->words, *old_query = slot->query;
	slot->words = kept_words;
	slot->query = kept_query;
	pthread_mutex_unlock(&mirror->parsed_lock);
	free(old_words);
	free(old_query);
}

const char *core_search_mirror_generation_sql(const core_search_mirror *mirror)
{
	return mirror->source->generation_sql;
}

chc_status core_search_mirror_catch_up(core_search_mirror *mirror, core_request *request,
                                       long long seen)
{
	chc_error error = { 0 };
	chc_status status = catch_up(mirror, request->db, seen, &error);
	if (status != CHC_OK)
		core_fail(request, status, "%s", error.message);
	chc_error_fini(&error);
	return status;
}

core_search_outcome core_search_mirror_query(core_search_mirror *mirror, core_request *request,
                                             const char *text, const core_search_after *after,
                                             core_search_hit *hits, size_t limit, size_t *count,
                                             size_t *total, long long *generation)
{
	pthread_rwlock_rdlock(&mirror->lock);
	bool usable = mirror->index != NULL && !atomic_load(&mirror->reload);
	pthread_rwlock_unlock(&mirror->lock);
	if (!usable)
		return CORE_SEARCH_UNSUPPORTED;
	const char *query = parsed_before(mirror, request, text);
	if (query == NULL) {
		PGresult *parsed = NULL;
		const char *values[1] = { text };
		if (core_query(request, &mirror->query_statement, values, &parsed) != CHC_OK)
			return CORE_SEARCH_FAILED;
		query = PQgetvalue(parsed, 0, 0);
		keep_parsed(mirror, text, query);
		/* Catching up here spares the caller a second reading of the
		 * page when the counter has moved. */
		if (core_search_mirror_catch_up(
		            mirror, request, strtoll(PQgetvalue(parsed, 0, 1), NULL, 10)) != CHC_OK)
			return CORE_SEARCH_FAILED;
	}
	pthread_rwlock_rdlock(&mirror->lock);
	core_search_outcome outcome = CORE_SEARCH_UNSUPPORTED;
	/* reload: the changes were too many to take at once. */
	if (mirror->index != NULL && !atomic_load(&mirror->reload)) {
		outcome = core_search_index_query(mirror->index, query, after, hits, limit, count,
		                                  total);
		*generation = mirror->generation;
	}
	pthread_rwlock_unlock(&mirror->lock);
	return outcome;
}
