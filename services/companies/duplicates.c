/*
 * duplicates.c - likely duplicate companies and their merge.
 *
 * Three signals, strongest first: the same CVR (cannot happen between two
 * rows, the column is unique, but an alias can carry an old one), the same
 * website domain, and names alike once legal forms and case are dropped
 * (pg_trgm similarity of name_key).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "companies.h"
#include "db.h"
#include "handler.h"
#include "keyset.h"
#include "query_builder.h"
#include "validate.h"

static const char duplicates_sql[] =
        "WITH pairs AS ("
        " SELECT a.id AS first, b.id AS second, 1.0::real AS score, 'same website domain' AS reason"
        " FROM companies.companies a JOIN companies.companies b"
        " ON a.website_domain = b.website_domain AND a.id < b.id"
        " WHERE a.status = 'active' AND b.status = 'active'"
        " UNION ALL"
        " SELECT a.id, b.id, similarity(a.name_key, b.name_key),"
        " CASE WHEN a.name_key = b.name_key THEN 'same name without legal form' ELSE"
        " 'similar names' END"
        " FROM companies.companies a JOIN companies.companies b"
        " ON a.name_key % b.name_key AND a.id < b.id"
        " WHERE a.status = 'active' AND b.status = 'active'"
        " AND similarity(a.name_key, b.name_key) >= $1::real),"
        " best AS (SELECT DISTINCT ON (first, second) first, second, score, reason FROM pairs"
        " ORDER BY first, second, score DESC)";

/* Strongest first; a pair is unique. The score is a real that PostgreSQL
 * prints exactly, so the page token can carry it (as a search's rank). */
#define DUPLICATES_ORDER "score DESC, first, second"

static Chc__V1__FindDuplicateCompaniesResponse *
find_duplicate_companies(core_request *request, const Chc__V1__FindDuplicateCompaniesRequest *input)
{
	core_sort sort;
	core_page page_asked;
	if (!core_sort_parse(&sort, "companies.duplicates", DUPLICATES_ORDER)) {
		core_fail(request, CHC_INTERNAL, "cannot page duplicates");
		return NULL;
	}
	float minimum = input->min_similarity == 0 ? 0.6f : input->min_similarity;
	if (minimum < 0.1f || minimum > 1.0f)
		core_violation(request, "min_similarity", "must be from 0.1 to 1");
	core_page_read(request, input->page, &sort, &page_asked);
	if (core_failed(request))
		return NULL;
	char minimum_text[16];
	snprintf(minimum_text, sizeof(minimum_text), "%.3f", minimum);
	/* The % operator uses pg_trgm's threshold; set it for this query. */
	PGresult *result = NULL;
	const char *threshold[] = { minimum_text };
	if (core_query_sql(request, "SELECT set_limit($1::real)", 1, threshold, &result) != CHC_OK)
		return NULL;
	core_query_builder query = { .used = 0 };
	core_query_value(&query, minimum_text);
	core_query_append(&query, duplicates_sql);
	core_query_append(&query, " SELECT first, second, score, reason, " DUPLICATES_ORDER
	                          " FROM best WHERE true");
	core_query_after(&query, &sort, &page_asked);
	core_query_order(&query, &sort, NULL);
	core_query_limit(request, &query, &page_asked);
	chc_status status = core_query_run(request, &query, &result);
	if (status != CHC_OK) {
		core_page_refused(request, &page_asked, status);
		return NULL;
	}
	int rows = 0;
	Chc__V1__PageInfo *page =
	        core_page_info_fill(request, &sort, &page_asked, result, 4, &rows);
	Chc__V1__FindDuplicateCompaniesResponse *reply =
	        page != NULL
	                ? core_message_new(request,
	                                   &chc__v1__find_duplicate_companies_response__descriptor)
	                : NULL;
	if (reply == NULL)
		return NULL;
	reply->pairs = core_alloc(request, (size_t)(rows + 1) * sizeof(*reply->pairs));
	for (int i = 0; reply->pairs != NULL && i < rows; i++) {
		Chc__V1__DuplicatePair *pair =
		        core_message_new(request, &chc__v1__duplicate_pair__descriptor);
		if (pair == NULL)
			break;
		if (company_load(request, PQgetvalue(result, i, 0), false, &pair->first) !=
		            CHC_OK ||
		    company_load(request, PQgetvalue(result, i, 1), false, &pair->second) != CHC_OK)
			break;
		pair->score = strtof(PQgetvalue(result, i, 2), NULL);
		pair->reason = PQgetvalue(result, i, 3);
		reply->pairs[reply->n_pairs++] = pair;
	}
	if (!core_failed(request) && page_asked.want_total) {
		/* Only when asked: it reads every pair, as page one does. */
		core_query_builder count = { .used = 0 };
		core_query_value(&count, minimum_text);
		core_query_append(&count, duplicates_sql);
		core_query_append(&count, " SELECT count(*) FROM best");
		if (core_query_run(request, &count, &result) == CHC_OK)
			page->total_size = strtoll(PQgetvalue(result, 0, 0), NULL, 10);
	}
	reply->page = page;
	return core_failed(request) ? NULL : reply;
}
CORE_REPLY_HANDLER(companies, find_duplicate_companies, FindDuplicateCompaniesRequest,
                   FindDuplicateCompaniesResponse)

static const core_statement move_solutions_statement = {
	"merge_move_solutions",
	"UPDATE companies.solutions SET company_id = $1::uuid, version = version + 1, "
	"updated_at = now() WHERE company_id = $2::uuid",
	2
};
static const core_statement move_contacts_statement = {
	"merge_move_contacts",
	"UPDATE companies.contacts SET company_id = $1::uuid WHERE company_id = $2::uuid", 2
};
static const core_statement keep_alias_statement = {
	"merge_keep_alias",
	"UPDATE companies.companies k SET aliases = k.aliases || m.name || m.aliases, "
	"version = k.version + 1, updated_at = now() FROM companies.companies m "
	"WHERE k.id = $1::uuid AND m.id = $2::uuid",
	2
};
static const core_statement archive_merged_statement = {
	"merge_archive",
	"UPDATE companies.companies SET status = 'archived', cvr = NULL, vat_number = '', "
	"version = version + 1, updated_at = now() WHERE id = $1::uuid",
	1
};

static Chc__V1__MergeCompaniesResponse *merge_companies(core_request *request,
                                                        const Chc__V1__MergeCompaniesRequest *input)
{
	core_check_uuid(request, "keep_id", input->keep_id);
	core_check_uuid(request, "merge_id", input->merge_id);
	if (!core_failed(request) && strcmp(input->keep_id, input->merge_id) == 0)
		core_violation(request, "merge_id", "is the company to keep");
	Chc__V1__Company *kept = NULL, *merged = NULL;
	if (core_failed(request) || company_load(request, input->keep_id, true, &kept) != CHC_OK ||
	    company_load(request, input->merge_id, true, &merged) != CHC_OK)
		return NULL;
	if (merged->status == CHC__V1__COMPANY_STATUS__COMPANY_STATUS_ARCHIVED) {
		core_fail(request, CHC_FAILED_PRECONDITION, "company %s is archived already",
		          merged->id);
		return NULL;
	}
	const char *pair[] = { kept->id, merged->id };
	const char *merged_only[] = { merged->id };
	PGresult *solutions = NULL, *contacts = NULL, *result = NULL;
	char detail[600];
	snprintf(detail, sizeof(detail), "merged %s (%s) into %s", merged->name, merged->id,
	         kept->id);
	Chc__V1__MergeCompaniesResponse *reply =
	        core_message_new(request, &chc__v1__merge_companies_response__descriptor);
	if (reply == NULL)
		return NULL;
	/* The CVR of the merged company is released (archived rows keep no
	 * CVR) so that it stays unique; its name is kept as an alias. */
	if (core_query(request, &move_solutions_statement, pair, &solutions) != CHC_OK ||
	    core_query(request, &move_contacts_statement, pair, &contacts) != CHC_OK ||
	    core_query(request, &keep_alias_statement, pair, &result) != CHC_OK ||
	    core_query(request, &archive_merged_statement, merged_only, &result) != CHC_OK ||
	    company_event(request, "company.merged", kept->id, merged->id, detail) != CHC_OK ||
	    company_load(request, kept->id, false, &reply->kept) != CHC_OK)
		return NULL;
	reply->solutions_moved = atoi(PQcmdTuples(solutions));
	reply->contacts_moved = atoi(PQcmdTuples(contacts));
	return reply;
}
CORE_REPLY_HANDLER(companies, merge_companies, MergeCompaniesRequest, MergeCompaniesResponse)
