/*
 * job_export.c - a finished job as one document a partner can check without
 * the service (docs/job-export.md): its parameters, the algorithm version,
 * the inputs it read with the fields it used, for test-bed jobs every allowed
 * solution-test bed pair with its fit, and its results. Nothing in it
 * depends on when or where the job ran, so the same inputs and parameters
 * give the same bytes.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chc/json.h"
#include "matching_jobs.h"

#define EXPORT_FORMAT_NAME "chc-job-export/1"
#define JSON_FLAGS         (JSON_COMPACT | JSON_REAL_PRECISION(10))

static const char *const solution_fields[] = { "id",
	                                       "company_id",
	                                       "name",
	                                       "categories",
	                                       "target_groups",
	                                       "trl",
	                                       "device_class",
	                                       "standards",
	                                       "gdpr_dpa_available",
	                                       "evidence_level",
	                                       "languages",
	                                       "indicative_price_dkk",
	                                       "deployments",
	                                       NULL };
static const char *const need_fields[] = { "id",
	                                   "owners",
	                                   "title",
	                                   "care_area",
	                                   "target_groups",
	                                   "min_trl",
	                                   "max_device_class",
	                                   "required_standards",
	                                   "gdpr_dpa_required",
	                                   "budget",
	                                   "procurement_route",
	                                   "deadline",
	                                   "criteria",
	                                   "language",
	                                   NULL };
static const char *const test_bed_fields[] = { "id",
	                                       "name",
	                                       "owner",
	                                       "care_areas",
	                                       "trl_min",
	                                       "trl_max",
	                                       "capacity_per_period",
	                                       "periods",
	                                       "region_code",
	                                       "fee_dkk",
	                                       "max_device_class",
	                                       "dpa_required",
	                                       "standards",
	                                       "preference",
	                                       NULL };
static const char *const feedback_fields[] = { "need_id", "solution_id", "reason", NULL };
static const char *const municipality_fields[] = { "code", "name", "region_code", "population",
	                                           NULL };
static const char *const region_fields[] = { "code", "name", "population", NULL };

static bool listed(const char *const *names, const char *name)
{
	for (; *names != NULL; names++)
		if (strcmp(*names, name) == 0)
			return true;
	return false;
}

/* The messages as JSON with only the fields the algorithms read: the rest
 * (free text, contact persons, timestamps) is not the job's input. */
static json_t *message_array(ProtobufCMessage *const *messages, size_t count,
                             const char *const *fields)
{
	json_t *array = json_array();
	for (size_t i = 0; array != NULL && i < count; i++) {
		json_t *object = NULL;
		if (chc_json_from_message(messages[i], 0, &object, NULL) != CHC_OK) {
			json_decref(array);
			return NULL;
		}
		const char *key;
		json_t *value;
		void *next;
		json_object_foreach_safe(object, next, key, value)
		{
			if (!listed(fields, key))
				json_object_del(object, key);
		}
		json_array_append_new(array, object);
	}
	return array;
}

static json_t *inputs_json(int kind, const Chc__V1__JobInputs *inputs)
{
	json_t *object = json_object();
	if (object == NULL)
		return NULL;
	bool test_beds = kind == CHC__V1__JOB_KIND__JOB_KIND_TESTBED_ASSIGNMENT ||
	                 kind == CHC__V1__JOB_KIND__JOB_KIND_TESTBED_STABLE;
	/* Each list the job read, when its kind reads it. */
	const struct {
		const char *name;
		bool read;
		ProtobufCMessage *const *items;
		size_t count;
		const char *const *fields;
	} lists[] = {
#define INPUT_LIST(name, read, fields)                                                             \
	{ #name, read, (ProtobufCMessage *const *)inputs->name, inputs->n_##name, fields }
		INPUT_LIST(solutions, true, solution_fields),
		INPUT_LIST(needs, !test_beds, need_fields),
		INPUT_LIST(test_beds, test_beds, test_bed_fields),
		INPUT_LIST(feedback, kind == CHC__V1__JOB_KIND__JOB_KIND_NEED_SOLUTION,
		           feedback_fields),
		INPUT_LIST(municipalities, true, municipality_fields),
		INPUT_LIST(regions, kind == CHC__V1__JOB_KIND__JOB_KIND_CONSORTIA, region_fields),
#undef INPUT_LIST
	};
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if (lists[i].read)
			json_object_set_new(
			        object, lists[i].name,
			        message_array(lists[i].items, lists[i].count, lists[i].fields));
	return object;
}

/* A growing text buffer. */
typedef struct text_buffer {
	char *data;
	size_t length;
	size_t capacity;
	bool failed;
} text_buffer;

static void append(text_buffer *buffer, const char *text, size_t length)
{
	if (buffer->failed)
		return;
	if (buffer->length + length + 1 > buffer->capacity) {
		size_t capacity = buffer->capacity ? buffer->capacity : 1 << 16;
		while (buffer->length + length + 1 > capacity)
			capacity *= 2;
		char *grown = realloc(buffer->data, capacity);
		if (grown == NULL) {
			buffer->failed = true;
			return;
		}
		buffer->data = grown;
		buffer->capacity = capacity;
	}
	memcpy(buffer->data + buffer->length, text, length);
	buffer->length += length;
	buffer->data[buffer->length] = '\0';
}

static void append_text(text_buffer *buffer, const char *text)
{
	append(buffer, text, strlen(text));
}

/* The pairs are many (726,000 at 20,000 x 500): written directly, not as a
 * JSON tree, and last, so that the rest of the document is one dump. */
static chc_status append_pairs(text_buffer *buffer, const Chc__V1__JobInputs *inputs,
                               const Chc__V1__JobParameters *parameters, chc_error *error)
{
	test_bed_pairs pairs;
	chc_status status = test_bed_pairs_build(inputs, parameters, &pairs, error);
	if (status != CHC_OK)
		return status;
	append_text(buffer, ",\"capacities\":{");
	for (size_t t = 0; t < inputs->n_test_beds; t++) {
		char line[96];
		snprintf(line, sizeof(line), "%s\"%s\":%d", t ? "," : "", inputs->test_beds[t]->id,
		         pairs.capacity[t]);
		append_text(buffer, line);
	}
	append_text(buffer, "},\"pairs\":[");
	for (size_t i = 0; i < pairs.pair_count; i++) {
		char line[128];
		const test_bed_pair *pair = &pairs.pairs[i];
		snprintf(line, sizeof(line), "%s[\"%s\",\"%s\",%lld]", i ? "," : "",
		         inputs->solutions[pair->solution]->id,
		         inputs->test_beds[pair->test_bed]->id, (long long)pair->fit);
		append_text(buffer, line);
	}
	append_text(buffer, "]");
	test_bed_pairs_fini(&pairs);
	return CHC_OK;
}

static chc_status export_json(int kind, const Chc__V1__JobParameters *parameters,
                              const char *algorithm_version, const Chc__V1__JobInputs *inputs,
                              Chc__V1__JobResult *const *results, size_t result_count,
                              text_buffer *buffer, chc_error *error)
{
	json_t *document = json_object();
	json_t *parameters_json = NULL;
	if (document == NULL ||
	    chc_json_from_message(&parameters->base, 1, &parameters_json, error) != CHC_OK) {
		json_decref(document);
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	}
	char kind_name[64];
	chc_enum_slug(&chc__v1__job_kind__descriptor, kind, kind_name, sizeof(kind_name));
	json_object_set_new(document, "format", json_string(EXPORT_FORMAT_NAME));
	json_object_set_new(document, "kind", json_string(kind_name));
	json_object_set_new(document, "algorithm_version", json_string(algorithm_version));
	json_object_set_new(document, "parameters", parameters_json);
	json_object_set_new(document, "inputs", inputs_json(kind, inputs));
	json_t *results_json = json_array();
	for (size_t i = 0; results_json != NULL && i < result_count; i++) {
		json_t *one = NULL;
		if (chc_json_from_message(&results[i]->base, 0, &one, NULL) == CHC_OK)
			json_array_append_new(results_json, one);
	}
	json_object_set_new(document, "results", results_json);
	char *text = json_dumps(document, JSON_FLAGS);
	json_decref(document);
	if (text == NULL)
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	/* Reopen the object to append the pairs as its last members. */
	append(buffer, text, strlen(text) - 1);
	free(text);
	chc_status status = CHC_OK;
	if (kind == CHC__V1__JOB_KIND__JOB_KIND_TESTBED_ASSIGNMENT ||
	    kind == CHC__V1__JOB_KIND__JOB_KIND_TESTBED_STABLE)
		status = append_pairs(buffer, inputs, parameters, error);
	append_text(buffer, "}\n");
	return status;
}

/* RFC 4180: a field with a comma, quote or line break is quoted, its quotes
 * doubled. */
static void append_csv_field(text_buffer *buffer, const char *field, bool last)
{
	if (strpbrk(field, ",\"\r\n") == NULL) {
		append_text(buffer, field);
	} else {
		append_text(buffer, "\"");
		for (const char *p = field; *p != '\0'; p++) {
			append(buffer, p, 1);
			if (*p == '"')
				append(buffer, "\"", 1);
		}
		append_text(buffer, "\"");
	}
	append_text(buffer, last ? "\r\n" : ",");
}

static void export_csv(Chc__V1__JobResult *const *results, size_t result_count, text_buffer *buffer)
{
	append_text(buffer, "kind,rank,need_id,need_title,solution_id,solution_name,test_bed_id,"
	                    "test_bed_name,score,members,explanation\r\n");
	for (size_t i = 0; i < result_count; i++) {
		const Chc__V1__JobResult *result = results[i];
		char kind[48], rank[16], score[32], members[1024] = "";
		chc_enum_slug(&chc__v1__result_kind__descriptor, result->kind, kind, sizeof(kind));
		snprintf(rank, sizeof(rank), "%d", result->rank);
		snprintf(score, sizeof(score), "%.2f", result->score);
		size_t used = 0;
		for (size_t m = 0; result->consortium != NULL &&
		                   m < result->consortium->n_members && used + 40 < sizeof(members);
		     m++) {
			const Chc__V1__ConsortiumMember *member = result->consortium->members[m];
			used += (size_t)snprintf(
			        members + used, sizeof(members) - used, "%s%d", m ? " " : "",
			        member->municipality_code ? member->municipality_code
			                                  : member->region_code);
		}
		append_csv_field(buffer, kind, false);
		append_csv_field(buffer, rank, false);
		append_csv_field(buffer, result->need_id, false);
		append_csv_field(buffer, result->need_title, false);
		append_csv_field(buffer, result->solution_id, false);
		append_csv_field(buffer, result->solution_name, false);
		append_csv_field(buffer, result->test_bed_id, false);
		append_csv_field(buffer, result->test_bed_name, false);
		append_csv_field(buffer, score, false);
		append_csv_field(buffer, members, false);
		append_csv_field(buffer, result->explanation, true);
	}
}

chc_status job_export_build(int kind, const Chc__V1__JobParameters *parameters,
                            const char *algorithm_version, const Chc__V1__JobInputs *inputs,
                            Chc__V1__JobResult *const *results, size_t result_count, int format,
                            char **document, size_t *length, chc_error *error)
{
	text_buffer buffer = { 0 };
	chc_status status = CHC_OK;
	if (format == CHC__V1__EXPORT_FORMAT__EXPORT_FORMAT_CSV)
		export_csv(results, result_count, &buffer);
	else
		status = export_json(kind, parameters, algorithm_version, inputs, results,
		                     result_count, &buffer, error);
	if (status == CHC_OK && buffer.failed)
		status = chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	if (status != CHC_OK) {
		free(buffer.data);
		return status;
	}
	*document = buffer.data;
	*length = buffer.length;
	return CHC_OK;
}
