/*
 * job_commands.c - the secretariat's main job at the command line:
 *
 *   chc match needs|testbeds|stable|consortia [PARAMETERS] [--wait]
 *   chc job list|get|watch|cancel|results|export|diff
 *   chc feedback not-a-match|list
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chc/v1/matching.pb-c.h"
#include "cli.h"
#include "fields.h"
#include "job_view.h"

static const ProtobufCServiceDescriptor *const service = &chc__v1__matching_service__descriptor;

#define WATCH_INTERVAL_US (200 * 1000)
#define DEFAULT_TOP_K     10

static double now_seconds(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static void print_job(const Chc__V1__Job *job)
{
	char kind[64], state[64];
	printf("%s  %s  %s\n", job->id, cli_slug(&chc__v1__job_kind__descriptor, job->kind, kind),
	       cli_slug(&chc__v1__job_state__descriptor, job->state, state));
	if (job->state == CHC__V1__JOB_STATE__JOB_STATE_RUNNING)
		printf("  phase:     %s (%lld of %lld)\n", job->phase, (long long)job->done,
		       (long long)job->total);
	if (job->summary[0] != '\0')
		printf("  summary:   %s\n", job->summary);
	if (job->error[0] != '\0')
		printf("  error:     %s\n", job->error);
	if (job->finished_unix_ms > 0)
		printf("  took:      %.2f s from submit to results stored, %d attempt%s\n",
		       (double)(job->finished_unix_ms - job->created_unix_ms) / 1000, job->attempts,
		       job->attempts == 1 ? "" : "s");
	printf("  results:   %lld   algorithm: %s\n", (long long)job->result_count,
	       job->algorithm_version);
	if (job->cancel_requested && job->state == CHC__V1__JOB_STATE__JOB_STATE_RUNNING)
		printf("  cancelling: it stops at its next progress report\n");
}

static void print_job_table(Chc__V1__Job **jobs, size_t count)
{
	static const char *const headers[] = { "ID", "KIND", "STATE", "RESULTS", "SUMMARY" };
	cli_table table;
	cli_table_init(&table, 5, headers);
	for (size_t i = 0; i < count; i++) {
		char kind[64], state[64], results[32];
		snprintf(results, sizeof(results), "%lld", (long long)jobs[i]->result_count);
		cli_table_add(&table, jobs[i]->id,
		              cli_slug(&chc__v1__job_kind__descriptor, jobs[i]->kind, kind),
		              cli_slug(&chc__v1__job_state__descriptor, jobs[i]->state, state),
		              results, jobs[i]->summary[0] ? jobs[i]->summary : jobs[i]->error);
	}
	cli_table_print(&table, stdout);
	cli_table_fini(&table);
}

static void print_reasons(const Chc__V1__JobResult *result)
{
	for (size_t i = 0; i < result->n_reasons; i++) {
		const Chc__V1__MatchReason *reason = result->reasons[i];
		if (reason->hard)
			printf("      %-6s %-14s %s\n", reason->met ? "met" : "FAILED",
			       reason->criterion, reason->detail);
		else
			printf("      %-6s %-14s weight %4.1f%%  %+6.2f  %s\n",
			       reason->met ? "met" : "weak", reason->criterion,
			       reason->weight * 100, reason->contribution, reason->detail);
	}
}

static void print_consortium(const Chc__V1__JobResult *result, bool reasons)
{
	const Chc__V1__Consortium *group = result->consortium;
	printf("#%d  %s\n", result->rank, result->explanation);
	for (size_t i = 0; i < group->n_members; i++) {
		const Chc__V1__ConsortiumMember *member = group->members[i];
		printf("    %-6d %-22s %9lld citizens",
		       member->municipality_code ? member->municipality_code : member->region_code,
		       member->name, (long long)member->population);
		if (reasons)
			printf("  %s", member->reason);
		printf("\n");
	}
	for (size_t i = 0; i < group->n_solutions; i++)
		printf("    solution %6.2f  %s  %s\n", group->solutions[i]->score,
		       group->solutions[i]->solution_id, group->solutions[i]->name);
}

static void print_results(const Chc__V1__ListJobResultsResponse *list, bool reasons)
{
	static const char *const headers[] = { "KIND",     "RANK",     "SCORE", "NEED",
		                               "SOLUTION", "TEST BED", "WHY" };
	cli_table table;
	cli_table_init(&table, 7, headers);
	for (size_t i = 0; i < list->n_results; i++) {
		const Chc__V1__JobResult *result = list->results[i];
		if (result->consortium != NULL) {
			print_consortium(result, reasons);
			continue;
		}
		char kind[64], rank[16], score[16];
		cli_slug(&chc__v1__result_kind__descriptor, result->kind, kind);
		snprintf(rank, sizeof(rank), "%d", result->rank);
		snprintf(score, sizeof(score), "%.2f", result->score);
		if (reasons) {
			printf("%-10s #%-3s %6s  %s | %s%s%s\n      %s\n", kind, rank, score,
			       result->need_title[0] ? result->need_title : "-",
			       result->solution_name, result->test_bed_name[0] ? " -> " : "",
			       result->test_bed_name, result->explanation);
			print_reasons(result);
		} else {
			cli_table_add(&table, kind, rank, score, result->need_title,
			              result->solution_name, result->test_bed_name,
			              result->explanation);
		}
	}
	if (table.rows > 0)
		cli_table_print(&table, stdout);
	cli_table_fini(&table);
	cli_print_page(list->n_results, list->page, "results");
}

static void print_reply(const ProtobufCMessage *reply)
{
	if (reply->descriptor == &chc__v1__job__descriptor) {
		print_job((const Chc__V1__Job *)reply);
	} else if (reply->descriptor == &chc__v1__list_jobs_response__descriptor) {
		const Chc__V1__ListJobsResponse *list = (const void *)reply;
		print_job_table(list->jobs, list->n_jobs);
		cli_print_page(list->n_jobs, list->page, "jobs");
	} else if (reply->descriptor == &chc__v1__list_job_results_response__descriptor) {
		print_results((const Chc__V1__ListJobResultsResponse *)reply, false);
	} else if (reply->descriptor == &chc__v1__feedback__descriptor) {
		const Chc__V1__Feedback *feedback = (const void *)reply;
		printf("not a match: need %s, solution %s: %s\n", feedback->need_id,
		       feedback->solution_id, feedback->reason);
	} else if (reply->descriptor == &chc__v1__list_feedback_response__descriptor) {
		const Chc__V1__ListFeedbackResponse *list = (const void *)reply;
		for (size_t i = 0; i < list->n_feedback; i++)
			printf("%s  %s  %s\n", list->feedback[i]->need_id,
			       list->feedback[i]->solution_id, list->feedback[i]->reason);
		cli_print_page(list->n_feedback, list->page, "not-a-match pairs");
	} else {
		cli_print_json(reply);
	}
}

static chc_status get_job(cli_state *cli, const char *id, Chc__V1__Job **job, chc_error *error)
{
	Chc__V1__GetJobRequest request = CHC__V1__GET_JOB_REQUEST__INIT;
	request.id = (char *)id;
	return cli_call(cli, service, "GetJob", &request.base, (ProtobufCMessage **)job, error);
}

/* Follows a job to its end: a redrawn bar on a terminal, one line per
 * phase otherwise. Exit status: 0 succeeded, 1 failed or cancelled. */
static int watch(cli_state *cli, const char *id)
{
	bool terminal = isatty(STDOUT_FILENO) && !cli->json;
	char phase[128] = "";
	double phase_started = now_seconds();
	for (;;) {
		Chc__V1__Job *job = NULL;
		chc_error error = { 0 };
		chc_status status = get_job(cli, id, &job, &error);
		if (status != CHC_OK) {
			int code = cli_report("GetJob", status, &error);
			chc_error_fini(&error);
			return code;
		}
		bool over = job->state != CHC__V1__JOB_STATE__JOB_STATE_QUEUED &&
		            job->state != CHC__V1__JOB_STATE__JOB_STATE_RUNNING;
		const char *now_phase = job->state == CHC__V1__JOB_STATE__JOB_STATE_QUEUED
		                                ? "waiting for a worker"
		                                : job->phase;
		if (strcmp(now_phase, phase) != 0) {
			if (!terminal && !over)
				printf("job %s: %s\n", id, now_phase);
			snprintf(phase, sizeof(phase), "%s", now_phase);
			phase_started = now_seconds();
		}
		if (terminal && !over) {
			char line[256];
			job_progress_line(phase, job->done, job->total,
			                  now_seconds() - phase_started, 30, line, sizeof(line));
			printf("\r\033[K%s", line);
		}
		fflush(stdout);
		if (over) {
			char state[64];
			if (terminal)
				printf("\r\033[K");
			if (cli->json)
				cli_print_json(&job->base);
			else
				printf("job %s %s: %s\n", id,
				       cli_slug(&chc__v1__job_state__descriptor, job->state, state),
				       job->error[0] ? job->error : job->summary);
			int code = job->state == CHC__V1__JOB_STATE__JOB_STATE_SUCCEEDED
			                   ? CLI_EXIT_OK
			                   : CLI_EXIT_FAILURE;
			protobuf_c_message_free_unpacked(&job->base, NULL);
			return code;
		}
		protobuf_c_message_free_unpacked(&job->base, NULL);
		usleep(WATCH_INTERVAL_US);
	}
}

/* Every value of a repeatable option, as a JSON array. */
static json_t *option_values(const cli_arguments *arguments, const char *name)
{
	json_t *values = json_array();
	for (int i = 0; i < arguments->option_count; i++)
		if (strcmp(arguments->options[i].name, name) == 0 && arguments->options[i].value)
			json_array_append_new(values, json_string(arguments->options[i].value));
	return values;
}

/* --weight care-area=2: the service judges the number (a negative one is
 * its INVALID_ARGUMENT, naming the field). */
static bool add_weights(const cli_arguments *arguments, json_t *parameters)
{
	static const char *const names[] = { "care-area",   "target-groups", "evidence",
		                             "deployments", "price",         "language" };
	json_t *weights = json_object();
	for (int i = 0; i < arguments->option_count; i++) {
		if (strcmp(arguments->options[i].name, "weight") != 0)
			continue;
		const char *text = arguments->options[i].value;
		const char *equals = text ? strchr(text, '=') : NULL;
		char *end = NULL;
		double value = equals ? strtod(equals + 1, &end) : 0;
		size_t known = sizeof(names) / sizeof(names[0]), k = 0;
		for (; equals && k < known; k++)
			if (strlen(names[k]) == (size_t)(equals - text) &&
			    strncmp(names[k], text, (size_t)(equals - text)) == 0)
				break;
		if (equals == NULL || k == known || end == equals + 1 || *end != '\0') {
			fprintf(stderr,
			        "chc: --weight %s: expected NAME=NUMBER with NAME one of "
			        "care-area, "
			        "target-groups, evidence, deployments, price, language\n",
			        text ? text : "");
			json_decref(weights);
			return false;
		}
		char field[32];
		snprintf(field, sizeof(field), "%s", names[k]);
		for (char *c = field; *c; c++)
			if (*c == '-')
				*c = '_';
		json_object_set_new(weights, field, json_real(value));
	}
	if (json_object_size(weights) > 0)
		json_object_set_new(parameters, "weights", weights);
	else
		json_decref(weights);
	return true;
}

static int match(cli_state *cli, const cli_arguments *arguments, const char *what)
{
	static const struct {
		const char *word;
		const char *kind;
		bool keeps_best;
	} kinds[] = {
		{ "needs", "need-solution", true },
		{ "testbeds", "testbed-assignment", false },
		{ "stable", "testbed-stable", false },
		{ "consortia", "consortia", true },
	};
	size_t k = 0;
	for (; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (strcmp(kinds[k].word, what) == 0)
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0])) {
		fprintf(stderr, "chc: match %s: expected needs, testbeds, stable or consortia\n",
		        what);
		return CLI_EXIT_USAGE;
	}
	static const cli_field parameter_fields[] = {
		{ "top-k", "top_k", FIELD_INT, NULL, NULL },
		{ "gap-report", "gap_report_size", FIELD_INT, NULL, NULL },
		{ "deadline-window", "deadline_window_days", FIELD_INT, NULL, NULL },
		{ "min-group-size", "min_group_size", FIELD_INT, NULL, NULL },
		{ "period", "period", FIELD_TEXT, NULL, NULL },
	};
	json_t *parameters = json_object();
	if (!cli_fields_to_json(arguments, parameter_fields, CLI_COUNT(parameter_fields),
	                        parameters, NULL)) {
		json_decref(parameters);
		return CLI_EXIT_USAGE;
	}
	if (kinds[k].keeps_best && !cli_has_option(arguments, "top-k"))
		json_object_set_new(parameters, "top_k", json_integer(DEFAULT_TOP_K));
	json_object_set_new(parameters, "need_ids", option_values(arguments, "need"));
	json_object_set_new(parameters, "solution_ids", option_values(arguments, "solution"));
	json_object_set_new(parameters, "test_bed_ids", option_values(arguments, "test-bed"));
	if (!add_weights(arguments, parameters)) {
		json_decref(parameters);
		return CLI_EXIT_USAGE;
	}
	json_t *request = json_pack("{s:s, s:o}", "kind", kinds[k].kind, "parameters", parameters);
	json_t *reply = NULL;
	int code = cli_call_json_reply(cli, service, "SubmitJob", request, &reply);
	json_decref(request);
	if (code != CLI_EXIT_OK)
		return code;
	const char *id = json_string_value(json_object_get(reply, "id"));
	char job_id[64];
	snprintf(job_id, sizeof(job_id), "%s", id ? id : "");
	if (cli_has_option(arguments, "wait")) {
		if (!cli->json)
			printf("submitted job %s\n", job_id);
		code = watch(cli, job_id);
	} else if (cli->json) {
		char *text = json_dumps(reply, JSON_INDENT(2));
		printf("%s\n", text ? text : "{}");
		free(text);
	} else {
		printf("submitted job %s: follow it with  chc job watch %s\n", job_id, job_id);
	}
	json_decref(reply);
	return code;
}

/* Writes the export to out in chunks and checks its SHA-256. */
static int export_job(cli_state *cli, const char *id, const char *format, FILE *out)
{
	Chc__V1__ExportJobRequest request = CHC__V1__EXPORT_JOB_REQUEST__INIT;
	request.job_id = (char *)id;
	if (chc_enum_parse(&chc__v1__export_format__descriptor, format, (int *)&request.format) !=
	            CHC_OK ||
	    request.format == 0) {
		fprintf(stderr, "chc: --format %s: expected json or csv\n", format);
		return CLI_EXIT_USAGE;
	}
	EVP_MD_CTX *digest = EVP_MD_CTX_new();
	if (digest == NULL || EVP_DigestInit_ex(digest, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(digest);
		return CLI_EXIT_FAILURE;
	}
	char expected[65] = "";
	int code = CLI_EXIT_OK;
	do {
		Chc__V1__ExportJobResponse *chunk = NULL;
		chc_error error = { 0 };
		chc_status status = cli_call(cli, service, "ExportJob", &request.base,
		                             (ProtobufCMessage **)&chunk, &error);
		if (status != CHC_OK) {
			code = cli_report("ExportJob", status, &error);
			chc_error_fini(&error);
			break;
		}
		if (fwrite(chunk->data.data, 1, chunk->data.len, out) != chunk->data.len) {
			fprintf(stderr, "chc: cannot write the export\n");
			code = CLI_EXIT_FAILURE;
		}
		EVP_DigestUpdate(digest, chunk->data.data, chunk->data.len);
		snprintf(expected, sizeof(expected), "%s", chunk->sha256);
		request.offset = chunk->next_offset;
		protobuf_c_message_free_unpacked(&chunk->base, NULL);
	} while (request.offset != 0 && code == CLI_EXIT_OK);
	unsigned char hash[EVP_MAX_MD_SIZE];
	unsigned int length = 0;
	EVP_DigestFinal_ex(digest, hash, &length);
	EVP_MD_CTX_free(digest);
	char actual[65] = "";
	for (unsigned int i = 0; i < length && i < 32; i++)
		snprintf(actual + 2 * i, 3, "%02x", hash[i]);
	if (code == CLI_EXIT_OK && strcmp(actual, expected) != 0) {
		fprintf(stderr,
		        "chc: the export arrived damaged: SHA-256 %s, the service says %s\n",
		        actual, expected);
		code = CLI_EXIT_FAILURE;
	}
	return code;
}

/* All results of a job (matches and assignments are what diff compares). */
static chc_status all_results(cli_state *cli, const char *id,
                              Chc__V1__ListJobResultsResponse ***pages, size_t *page_count,
                              Chc__V1__JobResult ***results, size_t *count, chc_error *error)
{
	Chc__V1__PageRequest page = CHC__V1__PAGE_REQUEST__INIT;
	Chc__V1__ListJobResultsRequest request = CHC__V1__LIST_JOB_RESULTS_REQUEST__INIT;
	request.job_id = (char *)id;
	request.page = &page;
	page.page_size = 500;
	char token[128] = "";
	*pages = NULL;
	*results = NULL;
	*page_count = *count = 0;
	do {
		page.page_token = token;
		Chc__V1__ListJobResultsResponse *reply = NULL;
		chc_status status = cli_call(cli, service, "ListJobResults", &request.base,
		                             (ProtobufCMessage **)&reply, error);
		if (status != CHC_OK)
			return status;
		void *grown_pages = realloc(*pages, (*page_count + 1) * sizeof(**pages));
		void *grown_results =
		        realloc(*results, (*count + reply->n_results + 1) * sizeof(**results));
		if (grown_pages != NULL)
			*pages = grown_pages;
		if (grown_results != NULL)
			*results = grown_results;
		if (grown_pages == NULL || grown_results == NULL) {
			protobuf_c_message_free_unpacked(&reply->base, NULL);
			return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
		}
		(*pages)[(*page_count)++] = reply;
		for (size_t i = 0; i < reply->n_results; i++)
			(*results)[(*count)++] = reply->results[i];
		snprintf(token, sizeof(token), "%s",
		         reply->page ? reply->page->next_page_token : "");
	} while (token[0] != '\0');
	return CHC_OK;
}

static void free_results(Chc__V1__ListJobResultsResponse **pages, size_t page_count,
                         Chc__V1__JobResult **results)
{
	for (size_t i = 0; i < page_count; i++)
		protobuf_c_message_free_unpacked(&pages[i]->base, NULL);
	free(pages);
	free(results);
}

/* Where a result stood in one of the two jobs compared. */
static json_t *placement_json(const Chc__V1__JobResult *result)
{
	return json_pack("{s:i, s:f, s:s}", "rank", result->rank, "score", result->score,
	                 "test_bed_id", result->test_bed_id);
}

static void print_change(const job_change *change, bool json, json_t *list)
{
	static const char *const words[] = { "appeared", "disappeared", "changed" };
	const Chc__V1__JobResult *shown = change->after ? change->after : change->before;
	if (json) {
		json_t *item = json_pack("{s:s, s:s, s:s, s:s}", "change", words[change->kind],
		                         "need_id", shown->need_id, "solution_id",
		                         shown->solution_id, "test_bed_id", shown->test_bed_id);
		if (change->before)
			json_object_set_new(item, "before", placement_json(change->before));
		if (change->after)
			json_object_set_new(item, "after", placement_json(change->after));
		json_array_append_new(list, item);
		return;
	}
	char mark = change->kind == JOB_CHANGE_APPEARED      ? '+'
	            : change->kind == JOB_CHANGE_DISAPPEARED ? '-'
	                                                     : '~';
	printf("%c %s | %s", mark, shown->need_title[0] ? shown->need_title : shown->test_bed_name,
	       shown->solution_name);
	if (change->before && change->after)
		printf(": rank %d -> %d, score %.2f -> %.2f", change->before->rank,
		       change->after->rank, change->before->score, change->after->score);
	else
		printf(": rank %d, score %.2f", shown->rank, shown->score);
	if (change->before && change->after &&
	    strcmp(change->before->test_bed_id, change->after->test_bed_id) != 0)
		printf(", test bed %s -> %s", change->before->test_bed_name,
		       change->after->test_bed_name);
	printf("\n");
}

static int diff(cli_state *cli, const char *first, const char *second)
{
	Chc__V1__ListJobResultsResponse **pages[2] = { NULL, NULL };
	Chc__V1__JobResult **results[2] = { NULL, NULL };
	size_t page_counts[2] = { 0, 0 }, counts[2] = { 0, 0 };
	const char *ids[2] = { first, second };
	chc_error error = { 0 };
	int code = CLI_EXIT_OK;
	for (int i = 0; i < 2 && code == CLI_EXIT_OK; i++) {
		chc_status status = all_results(cli, ids[i], &pages[i], &page_counts[i],
		                                &results[i], &counts[i], &error);
		if (status != CHC_OK)
			code = cli_report("ListJobResults", status, &error);
	}
	chc_error_fini(&error);
	job_change *changes = NULL;
	size_t change_count = 0, unchanged = 0;
	if (code == CLI_EXIT_OK && job_diff(results[0], counts[0], results[1], counts[1], &changes,
	                                    &change_count, &unchanged) != 0)
		code = CLI_EXIT_FAILURE;
	if (code == CLI_EXIT_OK) {
		json_t *list = json_array();
		size_t counted[3] = { 0, 0, 0 };
		for (size_t i = 0; i < change_count; i++) {
			print_change(&changes[i], cli->json, list);
			counted[changes[i].kind]++;
		}
		if (cli->json) {
			json_t *document =
			        json_pack("{s:o, s:i, s:i, s:i, s:i}", "changes", list, "appeared",
			                  (int)counted[0], "disappeared", (int)counted[1],
			                  "changed", (int)counted[2], "unchanged", (int)unchanged);
			char *text = json_dumps(document, JSON_INDENT(2));
			printf("%s\n", text ? text : "{}");
			free(text);
			json_decref(document);
		} else {
			json_decref(list);
			printf("%zu appeared, %zu disappeared, %zu changed, %zu unchanged\n",
			       counted[0], counted[1], counted[2], unchanged);
		}
	}
	free(changes);
	for (int i = 0; i < 2; i++)
		free_results(pages[i], page_counts[i], results[i]);
	return code;
}

static void job_usage(FILE *out)
{
	fprintf(out,
	        "Usage: chc match needs|testbeds|stable|consortia [PARAMETERS] [--wait]\n"
	        "       chc job list [--kind K] [--state S] [--page-size N] [--page-token T]\n"
	        "       chc job get ID\n"
	        "       chc job watch ID        progress until it ends (bar on a terminal)\n"
	        "       chc job cancel ID\n"
	        "       chc job results ID [--kind "
	        "match|near-miss|assigned|unassigned|consortium]\n"
	        "                          [--need ID] [--solution ID] [--test-bed ID] "
	        "[--reasons]\n"
	        "       chc job export ID --format json|csv [--output FILE]\n"
	        "       chc job diff A B        matches that appeared, disappeared or changed\n"
	        "       chc feedback not-a-match --need ID --solution ID --reason TEXT\n"
	        "       chc feedback list [--need ID] [--solution ID]\n\n"
	        "PARAMETERS (chc match):\n"
	        "  --top-k N              matches kept per need, solutions per group (10)\n"
	        "  --need ID              repeatable: only these needs\n"
	        "  --solution ID          repeatable: only these solutions\n"
	        "  --test-bed ID          repeatable: only these test beds\n"
	        "  --period P             test beds open in this period (2027-Q1)\n"
	        "  --weight NAME=N        repeatable: care-area, target-groups, evidence,\n"
	        "                         deployments, price, language (docs/matching.md)\n"
	        "  --gap-report N         nearest misses kept per need (3)\n"
	        "  --deadline-window D    consortia: deadlines at most D days apart (180)\n"
	        "  --min-group-size N     consortia: members per group (2)\n"
	        "  --wait                 follow the job until it ends\n\n"
	        "Example:\n"
	        "  chc match needs --top-k 5 --weight price=30 --wait\n"
	        "  chc job results JOB --need NEED --reasons\n"
	        "  chc job export JOB --format json --output job.json\n");
}

static int job_results(cli_state *cli, const cli_arguments *arguments, const char *id)
{
	static const cli_field filter_fields[] = {
		{ "kind", "kind", FIELD_TEXT, NULL, NULL },
		{ "need", "need_id", FIELD_TEXT, NULL, NULL },
		{ "solution", "solution_id", FIELD_TEXT, NULL, NULL },
		{ "test-bed", "test_bed_id", FIELD_TEXT, NULL, NULL },
	};
	json_t *request = json_pack("{s:s}", "job_id", id);
	cli_fields_to_json(arguments, filter_fields, CLI_COUNT(filter_fields), request, NULL);
	json_object_set_new(request, "page", cli_page_json(arguments));
	int code;
	if (cli_has_option(arguments, "reasons") && !cli->json) {
		json_t *reply = NULL;
		const ProtobufCMethodDescriptor *method =
		        protobuf_c_service_descriptor_get_method_by_name(service, "ListJobResults");
		code = cli_call_json_reply(cli, service, "ListJobResults", request, &reply);
		ProtobufCMessage *message = NULL;
		if (code == CLI_EXIT_OK &&
		    chc_json_to_message(method->output, reply, &message, NULL) == CHC_OK) {
			print_results((const Chc__V1__ListJobResultsResponse *)message, true);
			protobuf_c_message_free_unpacked(message, NULL);
		}
		json_decref(reply);
	} else {
		code = cli_call_json(cli, service, "ListJobResults", request, print_reply);
	}
	json_decref(request);
	return code;
}

static int job_export(cli_state *cli, const cli_arguments *arguments, const char *id)
{
	const char *format = cli_option_value(arguments, "format");
	const char *path = cli_option_value(arguments, "output");
	FILE *out = stdout;
	if (path != NULL && (out = fopen(path, "wb")) == NULL) {
		perror(path);
		return CLI_EXIT_FAILURE;
	}
	int code = export_job(cli, id, format ? format : "json", out);
	if (out != stdout && fclose(out) != 0)
		code = CLI_EXIT_FAILURE;
	if (out != stdout && code == CLI_EXIT_OK)
		fprintf(stderr, "exported job %s to %s\n", id, path);
	return code;
}

int cli_job(cli_state *cli, int argc, char **argv)
{
	cli_arguments arguments;
	static const char *const flags[] = { "reasons", "wait", NULL };
	static const char *const known[] = { "kind",      "state",      "need",   "solution",
		                             "test-bed",  "format",     "output", "reasons",
		                             "page-size", "page-token", NULL };
	if (!cli_parse(argc, argv, flags, &arguments))
		return CLI_EXIT_USAGE;
	cli->json = cli->json || cli_has_option(&arguments, "json");
	const char *verb = arguments.positional_count > 0 ? arguments.positionals[0] : "";
	const char *id = arguments.positional_count > 1 ? arguments.positionals[1] : NULL;
	if (cli_has_option(&arguments, "help")) {
		job_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (!cli_reject_unknown(&arguments, known))
		return CLI_EXIT_USAGE;
	json_t *request = json_object();
	int code = CLI_EXIT_USAGE;
	if (strcmp(verb, "list") == 0 && id == NULL) {
		cli_copy_option(&arguments, "kind", request, "kind");
		cli_copy_option(&arguments, "state", request, "state");
		json_object_set_new(request, "page", cli_page_json(&arguments));
		code = cli_call_json(cli, service, "ListJobs", request, print_reply);
	} else if ((strcmp(verb, "get") == 0 || strcmp(verb, "cancel") == 0) && id != NULL) {
		json_object_set_new(request, "id", json_string(id));
		code = cli_call_json(cli, service, verb[0] == 'g' ? "GetJob" : "CancelJob", request,
		                     print_reply);
	} else if (strcmp(verb, "watch") == 0 && id != NULL) {
		code = watch(cli, id);
	} else if (strcmp(verb, "results") == 0 && id != NULL) {
		code = job_results(cli, &arguments, id);
	} else if (strcmp(verb, "export") == 0 && id != NULL) {
		code = job_export(cli, &arguments, id);
	} else if (strcmp(verb, "diff") == 0 && arguments.positional_count == 3) {
		code = diff(cli, id, arguments.positionals[2]);
	} else {
		job_usage(stderr);
	}
	json_decref(request);
	return code;
}

int cli_match(cli_state *cli, int argc, char **argv)
{
	cli_arguments arguments;
	static const char *const flags[] = { "wait", NULL };
	static const char *const known[] = {
		"top-k",          "need",   "solution",   "test-bed",
		"period",         "weight", "gap-report", "deadline-window",
		"min-group-size", "wait",   NULL
	};
	if (!cli_parse(argc, argv, flags, &arguments))
		return CLI_EXIT_USAGE;
	cli->json = cli->json || cli_has_option(&arguments, "json");
	if (cli_has_option(&arguments, "help")) {
		job_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (arguments.positional_count != 1 || !cli_reject_unknown(&arguments, known)) {
		job_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	return match(cli, &arguments, arguments.positionals[0]);
}

int cli_feedback(cli_state *cli, int argc, char **argv)
{
	cli_arguments arguments;
	static const char *const known[] = { "need",      "solution",   "reason",
		                             "page-size", "page-token", NULL };
	if (!cli_parse(argc, argv, NULL, &arguments))
		return CLI_EXIT_USAGE;
	cli->json = cli->json || cli_has_option(&arguments, "json");
	const char *verb = arguments.positional_count > 0 ? arguments.positionals[0] : "";
	if (cli_has_option(&arguments, "help")) {
		job_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (!cli_reject_unknown(&arguments, known))
		return CLI_EXIT_USAGE;
	const char *need = cli_option_value(&arguments, "need");
	const char *solution = cli_option_value(&arguments, "solution");
	const char *reason = cli_option_value(&arguments, "reason");
	json_t *request = json_object();
	int code = CLI_EXIT_USAGE;
	if (strcmp(verb, "not-a-match") == 0) {
		json_object_set_new(request, "feedback",
		                    json_pack("{s:s, s:s, s:s}", "need_id", need ? need : "",
		                              "solution_id", solution ? solution : "", "reason",
		                              reason ? reason : ""));
		code = cli_call_json(cli, service, "RecordFeedback", request, print_reply);
	} else if (strcmp(verb, "list") == 0) {
		cli_copy_option(&arguments, "need", request, "need_id");
		cli_copy_option(&arguments, "solution", request, "solution_id");
		json_object_set_new(request, "page", cli_page_json(&arguments));
		code = cli_call_json(cli, service, "ListFeedback", request, print_reply);
	} else {
		job_usage(stderr);
	}
	json_decref(request);
	return code;
}
