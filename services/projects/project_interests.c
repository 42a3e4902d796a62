/*
 * project_interests.c - expressions of interest, the way into a project,
 * with mutual opt-in: a company expresses interest in a need with one of its
 * solutions, a municipality or region owning a need in a solution, or a
 * test bed (its owner, sending as the test bed) in a solution. The
 * receiver first sees an anonymous card (the facts of the sender's side,
 * never who sent it); names are revealed when both have accepted, and then a
 * project opens in status exploring. A decline is recorded with the matching
 * service as "not a match" for the pair. Housekeeping reminds the receiver
 * of an interest unanswered for CHC_INTEREST_REMINDER_DAYS (14) and expires
 * it after CHC_INTEREST_EXPIRY_DAYS (30).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chc/uuid.h"
#include "chc/v1/companies.pb-c.h"
#include "chc/v1/matching.pb-c.h"
#include "chc/v1/municipalities.pb-c.h"
#include "db.h"
#include "entity.h"
#include "handler.h"
#include "listing.h"
#include "projects.h"
#include "remote.h"
#include "validate.h"

static int reminder_days = 14;
static int expiry_days = 30;

chc_status interests_settings_load(chc_error *error)
{
	if (core_config_days("CHC_INTEREST_REMINDER_DAYS", reminder_days, &reminder_days, error) !=
	            CHC_OK ||
	    core_config_days("CHC_INTEREST_EXPIRY_DAYS", expiry_days, &expiry_days, error) !=
	            CHC_OK)
		return error->code;
	return CHC_OK;
}

chc_status interests_housekeeping(PGconn *connection, chc_error *error)
{
	char sql[1024];
	snprintf(sql, sizeof(sql),
	         "WITH expired AS (UPDATE projects.interests SET state = 'expired', "
	         "version = version + 1, updated_at = now() WHERE state = 'open' AND created_at < "
	         "now() - make_interval(days => %d) RETURNING id), reminded AS (UPDATE "
	         "projects.interests SET reminded = true WHERE state = 'open' AND NOT reminded AND "
	         "created_at < now() - make_interval(days => %d) AND id NOT IN (SELECT id FROM "
	         "expired) RETURNING id) INSERT INTO projects.events (type, subject_id, audience) "
	         "SELECT 'interest.expired', id::text, '{secretariat}'::text[] FROM expired UNION "
	         "ALL "
	         "SELECT 'interest.reminder', id::text, '{secretariat}'::text[] FROM reminded",
	         expiry_days, reminder_days);
	PGresult *result = PQexec(connection, sql);
	chc_status status = CHC_OK;
	if (PQresultStatus(result) != PGRES_COMMAND_OK)
		status = chc_error_set(error, CHC_INTERNAL, "interest housekeeping: %s",
		                       PQresultErrorMessage(result));
	PQclear(result);
	return status;
}

#define INTEREST_COLUMNS                                                                           \
	"i.id, i.sender, i.sender_name, i.receiver, i.receiver_name, i.need_id, i.solution_id, "   \
	"i.message, i.state, i.decline_reason, coalesce(i.project_id::text, ''), i.card, "         \
	"i.from_job_id, i.reminded, i.version, (extract(epoch FROM i.created_at) * "               \
	"1000)::bigint, "                                                                          \
	"(extract(epoch FROM i.updated_at) * 1000)::bigint, coalesce(i.test_bed_id::text, '')"

enum interest_column {
	COLUMN_ID,
	COLUMN_SENDER,
	COLUMN_SENDER_NAME,
	COLUMN_RECEIVER,
	COLUMN_RECEIVER_NAME,
	COLUMN_NEED,
	COLUMN_SOLUTION,
	COLUMN_MESSAGE,
	COLUMN_STATE,
	COLUMN_DECLINE_REASON,
	COLUMN_PROJECT,
	COLUMN_CARD,
	COLUMN_JOB,
	COLUMN_REMINDED,
	COLUMN_VERSION,
	COLUMN_CREATED,
	COLUMN_UPDATED,
	COLUMN_TEST_BED,
	INTEREST_COLUMN_COUNT,
};

static void *request_allocate(void *data, size_t size)
{
	return core_alloc(data, size);
}

static void request_release(void *data, void *pointer)
{
	(void)data;
	(void)pointer;
}

/* The interest of a row as viewer (a party key, "" for the secretariat)
 * may see it: the receiver sees no sender until both have accepted. */
static Chc__V1__Interest *interest_from_row(core_request *request, PGresult *result, int row,
                                            const char *viewer)
{
	Chc__V1__Interest *interest = core_message_new(request, &chc__v1__interest__descriptor);
	if (interest == NULL)
		return NULL;
	interest->id = PQgetvalue(result, row, COLUMN_ID);
	interest->state = core_enum_value(&chc__v1__interest_state__descriptor,
	                                  PQgetvalue(result, row, COLUMN_STATE));
	const char *sender = PQgetvalue(result, row, COLUMN_SENDER);
	bool revealed = interest->state == CHC__V1__INTEREST_STATE__INTEREST_STATE_ACCEPTED ||
	                viewer[0] == '\0' || strcmp(viewer, sender) == 0;
	if (revealed) {
		interest->sender = project_party_from_key(request, sender);
		if (interest->sender != NULL)
			interest->sender->name = PQgetvalue(result, row, COLUMN_SENDER_NAME);
	}
	interest->receiver =
	        project_party_from_key(request, PQgetvalue(result, row, COLUMN_RECEIVER));
	if (interest->receiver != NULL)
		interest->receiver->name = PQgetvalue(result, row, COLUMN_RECEIVER_NAME);
	interest->need_id = PQgetvalue(result, row, COLUMN_NEED);
	interest->solution_id = PQgetvalue(result, row, COLUMN_SOLUTION);
	interest->test_bed_id = PQgetvalue(result, row, COLUMN_TEST_BED);
	/* The id of the sender's side leads to the sender in one call: the
	 * receiver gets the card instead until both have accepted. */
	if (!revealed) {
		if (strncmp(sender, "company:", 8) == 0)
			interest->solution_id = (char *)"";
		else if (strncmp(sender, "test_bed:", 9) == 0)
			interest->test_bed_id = (char *)"";
		else
			interest->need_id = (char *)"";
	}
	interest->message = PQgetvalue(result, row, COLUMN_MESSAGE);
	interest->decline_reason = PQgetvalue(result, row, COLUMN_DECLINE_REASON);
	interest->project_id = PQgetvalue(result, row, COLUMN_PROJECT);
	interest->from_job_id = PQgetvalue(result, row, COLUMN_JOB);
	interest->reminded = PQgetvalue(result, row, COLUMN_REMINDED)[0] == 't';
	interest->version = strtoll(PQgetvalue(result, row, COLUMN_VERSION), NULL, 10);
	interest->created_unix_ms = strtoll(PQgetvalue(result, row, COLUMN_CREATED), NULL, 10);
	interest->updated_unix_ms = strtoll(PQgetvalue(result, row, COLUMN_UPDATED), NULL, 10);
	size_t length = 0;
	unsigned char *bytes = PQunescapeBytea(
	        (const unsigned char *)PQgetvalue(result, row, COLUMN_CARD), &length);
	ProtobufCAllocator allocator = { request_allocate, request_release, request };
	if (bytes != NULL)
		interest->card = chc__v1__anonymous_card__unpack(&allocator, length, bytes);
	PQfreemem(bytes);
	if (interest->receiver == NULL || (revealed && interest->sender == NULL))
		return NULL;
	return interest;
}

static const core_statement interest_get_statement = {
	"interest_get",
	"SELECT " INTEREST_COLUMNS " FROM projects.interests i WHERE i.id = $1::uuid", 1
};
static const core_statement interest_get_locked_statement = {
	"interest_get_for_update",
	"SELECT " INTEREST_COLUMNS " FROM projects.interests i WHERE i.id = $1::uuid FOR UPDATE", 1
};

/* The interest as viewer sees it; the row is kept in *row_result. */
static Chc__V1__Interest *interest_load(core_request *request, const char *id, bool for_update,
                                        const char *viewer)
{
	if (!core_check_uuid(request, "id", id))
		return NULL;
	const char *values[] = { id };
	PGresult *result = NULL;
	if (core_query(request,
	               for_update ? &interest_get_locked_statement : &interest_get_statement,
	               values, &result) != CHC_OK)
		return NULL;
	if (PQntuples(result) == 0) {
		core_fail(request, CHC_NOT_FOUND, "no interest has id %s", id);
		return NULL;
	}
	Chc__V1__Interest *interest = interest_from_row(request, result, 0, viewer);
	if (interest == NULL && !core_failed(request))
		core_fail(request, CHC_RESOURCE_EXHAUSTED, "out of memory");
	return interest;
}

/* The viewer's key from an optional "as" party ("" when none is given). */
static bool viewer_key(core_request *request, const char *field, const Chc__V1__Party *as,
                       char key[96])
{
	key[0] = '\0';
	if (as == NULL || as->kind == 0)
		return true;
	if (!project_party_key(as, key)) {
		core_violation(request, field, "names no party");
		return false;
	}
	return true;
}

/* Whom an interest is shown to: the secretariat sees it as the party it
 * names (key; "" for everyone's view), a partner always as its own
 * organisation whatever it names, a reader as no party at all, so that no
 * sender is shown to anyone but the secretariat and itself before both
 * sides have accepted. */
static void viewer_of_caller(const core_request *request, char key[96])
{
	if (core_principal_is_secretariat(&request->principal))
		return;
	snprintf(key, 96, "%s",
	         request->principal.role == CORE_ROLE_PARTNER ? request->principal.organisation
	                                                      : "(reader)");
}

/* Card, sender and receiver of a new interest in the pair. */
typedef struct interest_sides {
	project_party sender;
	project_party receiver;
	Chc__V1__AnonymousCard card;
	Chc__V1__CareCategory care_area;
	char title[300];
} interest_sides;

/* The card owns copies of the enum lists, allocated with the request, so it
 * outlives the need and solution it was read from. protobuf-c makes every
 * enum int-sized, so one copier serves all of them. */
static void *copy_enums(core_request *request, const void *values, size_t count)
{
	void *copy = core_alloc(request, (count + 1) * sizeof(int));
	if (copy != NULL && count > 0)
		memcpy(copy, values, count * sizeof(int));
	return copy;
}

/* The facts every card shows of its record, whatever its kind: the
 * standards it meets or asks for, its maturity and its device class. */
static void card_facts(core_request *request, Chc__V1__AnonymousCard *card, const void *standards,
                       size_t n_standards, int trl, int device_class)
{
	card->n_standards = n_standards;
	card->standards = copy_enums(request, standards, n_standards);
	card->trl = trl;
	card->device_class = device_class;
}

/* The card's summary: the record's first care category, or what (its
 * kind) when it has none. Names and titles often carry who made them: the
 * summary is the kind of thing, never its name. */
static char *card_summary(core_request *request, const int *categories, size_t count,
                          const char *what)
{
	return core_strdup(request,
	                   count > 0 ? core_enum_slug(request, &chc__v1__care_category__descriptor,
	                                              categories[0])
	                             : what);
}

/* The solution an interest names, from the companies service: the other
 * side of both kinds of interest. NULL with the failure recorded. */
static Chc__V1__Solution *fetch_solution(core_request *request, const char *solution_id)
{
	return (Chc__V1__Solution *)remote_get(request, "interest.solution_id", "such solution",
	                                       &chc__v1__company_service__descriptor, "GetSolution",
	                                       solution_id);
}

/* An offer to a solution goes to its company; company (size bytes) holds
 * its id past the solution message, which is freed before the receiver is
 * checked. */
static void receiver_is_company(Chc__V1__Party *receiver, char *company, size_t size,
                                const Chc__V1__Solution *solution)
{
	receiver->kind = CHC__V1__PARTY_KIND__PARTY_KIND_COMPANY;
	snprintf(company, size, "%s", solution->company_id);
	receiver->company_id = company;
}

/* The end both kinds of interest share, whatever status they reached: the
 * title names the sender's record (name) and the solution, the messages
 * fetched from the other services (each owned here, NULL when not
 * fetched) are freed, and the receiver is checked. */
static chc_status finish_sides(core_request *request, chc_status status, const char *name,
                               ProtobufCMessage *record, Chc__V1__Solution *solution,
                               const Chc__V1__Party *receiver, interest_sides *sides)
{
	if (status == CHC_OK)
		snprintf(sides->title, sizeof(sides->title), "%.140s + %.140s", name,
		         solution->name);
	if (record != NULL)
		protobuf_c_message_free_unpacked(record, NULL);
	if (solution != NULL)
		protobuf_c_message_free_unpacked(&solution->base, NULL);
	if (status == CHC_OK)
		status = project_party_check(request, "interest.receiver", receiver,
		                             &sides->receiver);
	return status;
}

/* Only a published solution is offered: FAILED_PRECONDITION otherwise.
 * A status already failed passes through. */
static chc_status require_published(core_request *request, chc_status status,
                                    const Chc__V1__Solution *solution, const char *solution_id)
{
	if (status == CHC_OK &&
	    solution->status != CHC__V1__SOLUTION_STATUS__SOLUTION_STATUS_PUBLISHED)
		return core_fail(request, CHC_FAILED_PRECONDITION, "solution %s is not published",
		                 solution_id);
	return status;
}

/* A test bed offers itself to a solution's company; the company sees the
 * test bed's facts: what it takes, not who runs it. */
static chc_status read_test_bed_sides(core_request *request, const Chc__V1__Party *sender_party,
                                      const char *test_bed_id, const char *solution_id,
                                      interest_sides *sides)
{
	if (test_bed_id[0] == '\0')
		test_bed_id = sender_party->test_bed_id;
	if (strcmp(test_bed_id, sender_party->test_bed_id) != 0) {
		core_violation(request, "interest.test_bed_id", "is not the sending test bed");
		return CHC_INVALID_ARGUMENT;
	}
	if (!core_check_uuid(request, "interest.solution_id", solution_id) ||
	    project_party_check(request, "interest.sender", sender_party, &sides->sender) != CHC_OK)
		return core_failed(request) ? request->error.code : CHC_INVALID_ARGUMENT;
	Chc__V1__TestBed *test_bed = (Chc__V1__TestBed *)remote_get(
	        request, "interest.test_bed_id", "such test bed",
	        &chc__v1__matching_service__descriptor, "GetTestBed", test_bed_id);
	Chc__V1__Solution *solution =
	        test_bed == NULL ? NULL : fetch_solution(request, solution_id);
	chc_status status = core_failed(request) ? request->error.code : CHC_OK;
	status = require_published(request, status, solution, solution_id);
	Chc__V1__Party receiver = CHC__V1__PARTY__INIT;
	char receiver_company[64] = ""; /* outlives the solution message */
	if (status == CHC_OK) {
		receiver_is_company(&receiver, receiver_company, sizeof(receiver_company),
		                    solution);
		sides->card.n_categories = test_bed->n_care_areas;
		sides->card.categories =
		        copy_enums(request, test_bed->care_areas, test_bed->n_care_areas);
		card_facts(request, &sides->card, test_bed->standards, test_bed->n_standards,
		           test_bed->trl_min, test_bed->max_device_class);
		sides->card.region_code = test_bed->region_code;
		sides->card.summary = card_summary(request, (const int *)test_bed->care_areas,
		                                   test_bed->n_care_areas, "a test bed");
	}
	return finish_sides(request, status, test_bed != NULL ? test_bed->name : "",
	                    (ProtobufCMessage *)test_bed, solution, &receiver, sides);
}

/* The two sides of an interest and the card the receiver sees: of a need
 * and a solution, or of a test bed and a solution. */
static chc_status read_sides(core_request *request, const Chc__V1__Party *sender_party,
                             const char *need_id, const char *test_bed_id, const char *solution_id,
                             interest_sides *sides)
{
	memset(sides, 0, sizeof(*sides));
	chc__v1__anonymous_card__init(&sides->card);
	if (sender_party != NULL &&
	    sender_party->kind == CHC__V1__PARTY_KIND__PARTY_KIND_TEST_BED) {
		if (need_id[0] != '\0') {
			core_violation(request, "interest.need_id",
			               "a test bed's interest names no need");
			return CHC_INVALID_ARGUMENT;
		}
		return read_test_bed_sides(request, sender_party, test_bed_id, solution_id, sides);
	}
	if (test_bed_id[0] != '\0') {
		core_violation(request, "interest.test_bed_id",
		               "is for a test bed's interest: the sender is not a test bed");
		return CHC_INVALID_ARGUMENT;
	}
	bool valid = core_check_uuid(request, "interest.need_id", need_id);
	valid = core_check_uuid(request, "interest.solution_id", solution_id) && valid;
	if (!valid ||
	    project_party_check(request, "interest.sender", sender_party, &sides->sender) != CHC_OK)
		return core_failed(request) ? request->error.code : CHC_INVALID_ARGUMENT;
	Chc__V1__Need *need = (Chc__V1__Need *)remote_get(
	        request, "interest.need_id", "such need",
	        &chc__v1__municipality_service__descriptor, "GetNeed", need_id);
	Chc__V1__Solution *solution = need == NULL ? NULL : fetch_solution(request, solution_id);
	chc_status status = core_failed(request) ? request->error.code : CHC_OK;
	if (status == CHC_OK && need->status != CHC__V1__NEED_STATUS__NEED_STATUS_OPEN &&
	    need->status != CHC__V1__NEED_STATUS__NEED_STATUS_IN_DIALOGUE)
		status =
		        core_fail(request, CHC_FAILED_PRECONDITION, "need %s is not open", need_id);
	status = require_published(request, status, solution, solution_id);
	Chc__V1__Party receiver = CHC__V1__PARTY__INIT;
	char receiver_company[64] = ""; /* outlives the solution message */
	if (status == CHC_OK && sender_party->kind == CHC__V1__PARTY_KIND__PARTY_KIND_COMPANY) {
		/* A company offers its own solution to the need's (first) owner;
		 * the receiver sees the solution's facts. */
		if (strcmp(solution->company_id, sender_party->company_id) != 0)
			status = core_violation(request, "interest.solution_id",
			                        "is not a solution of the sending company");
		receiver.kind = need->owners[0]->municipality_code
		                        ? CHC__V1__PARTY_KIND__PARTY_KIND_MUNICIPALITY
		                        : CHC__V1__PARTY_KIND__PARTY_KIND_REGION;
		receiver.municipality_code = need->owners[0]->municipality_code;
		receiver.region_code = need->owners[0]->region_code;
		Chc__V1__Solution *s = solution;
		sides->card.n_categories = s->n_categories;
		sides->card.categories = copy_enums(request, s->categories, s->n_categories);
		sides->card.n_target_groups = s->n_target_groups;
		sides->card.target_groups =
		        copy_enums(request, s->target_groups, s->n_target_groups);
		card_facts(request, &sides->card, s->standards, s->n_standards, s->trl,
		           s->device_class);
		sides->card.summary = card_summary(request, (const int *)s->categories,
		                                   s->n_categories, "a solution");
	} else if (status == CHC_OK &&
	           (sender_party->kind == CHC__V1__PARTY_KIND__PARTY_KIND_MUNICIPALITY ||
	            sender_party->kind == CHC__V1__PARTY_KIND__PARTY_KIND_REGION)) {
		/* A public buyer offers its own need to the solution's company;
		 * the company sees the need's facts. */
		bool owns = false;
		for (size_t i = 0; i < need->n_owners; i++)
			owns = owns || (need->owners[i]->municipality_code ==
			                        sender_party->municipality_code &&
			                need->owners[i]->region_code == sender_party->region_code);
		if (!owns)
			status = core_violation(
			        request, "interest.need_id",
			        "is not a need of the sending municipality or region");
		receiver_is_company(&receiver, receiver_company, sizeof(receiver_company),
		                    solution);
		sides->care_area = need->care_area;
		sides->card.categories = &sides->care_area;
		sides->card.n_categories = 1;
		sides->card.n_target_groups = need->n_target_groups;
		sides->card.target_groups =
		        copy_enums(request, need->target_groups, need->n_target_groups);
		card_facts(request, &sides->card, need->required_standards,
		           need->n_required_standards, need->min_trl, need->max_device_class);
		sides->card.region_code = sides->sender.region_code;
		if (need->budget != NULL) {
			Chc__V1__BudgetRange *budget =
			        core_message_new(request, &chc__v1__budget_range__descriptor);
			if (budget != NULL) {
				budget->min_dkk = need->budget->min_dkk;
				budget->max_dkk = need->budget->max_dkk;
				sides->card.budget = budget;
			}
		}
		sides->card.summary =
		        card_summary(request, (const int *)&need->care_area, 1, "a need");
	} else if (status == CHC_OK) {
		status = core_violation(
		        request, "interest.sender.kind",
		        "a company, a municipality, a region or a test bed expresses "
		        "interest");
	}
	return finish_sides(request, status, need != NULL ? need->title : "",
	                    (ProtobufCMessage *)need, solution, &receiver, sides);
}

static const core_statement interest_open_statement = {
	"interest_open",
	"SELECT id FROM projects.interests WHERE need_id IS NOT DISTINCT FROM nullif($1, '')::uuid "
	"AND test_bed_id IS NOT DISTINCT FROM nullif($2, '')::uuid AND solution_id = $3::uuid "
	"AND state = 'open'",
	3
};
static const core_statement interest_insert_statement = {
	"interest_insert",
	"INSERT INTO projects.interests (id, sender, sender_name, receiver, receiver_name, "
	"need_id, solution_id, message, card, from_job_id, test_bed_id) VALUES ($1::uuid, $2, $3, "
	"$4, $5, nullif($6, '')::uuid, $7::uuid, $8, $9::bytea, $10, nullif($11, '')::uuid)",
	11
};

/* message packed, as a bytea parameter (request-owned). */
static char *packed_text(core_request *request, const ProtobufCMessage *message)
{
	size_t length = protobuf_c_message_get_packed_size(message);
	uint8_t *bytes = core_alloc(request, length + 1);
	if (bytes == NULL)
		return NULL;
	protobuf_c_message_pack(message, bytes);
	return core_bytea_text(request, bytes, length);
}

/* The pair an interest is about: a need or a test bed, and a solution. */
typedef struct {
	const char *need_id;
	const char *test_bed_id;
	const char *solution_id;
} interest_pair;

/* The checks of a new interest with the other services, before its
 * transaction: leaves its interest_sides for create. */
static void precheck(core_request *request, const Chc__V1__Party *sender, interest_pair subject,
                     const char *message)
{
	interest_sides *sides = core_alloc(request, sizeof(*sides));
	core_check_text(request, "interest.message", message, 0, 2000);
	if (sides != NULL && !core_failed(request) &&
	    read_sides(request, sender, subject.need_id, subject.test_bed_id, subject.solution_id,
	               sides) == CHC_OK)
		request->prechecked = sides;
}

static Chc__V1__Interest *create(core_request *request, const Chc__V1__Party *sender,
                                 interest_pair subject, const char *message, const char *job_id)
{
	const interest_sides *sides = core_prechecked(request);
	if (sides == NULL)
		return NULL;
	/* A test bed's interest may leave its own id implicit in the sender. */
	if (sender->kind == CHC__V1__PARTY_KIND__PARTY_KIND_TEST_BED)
		subject.test_bed_id = sender->test_bed_id;
	const char *pair[] = { subject.need_id, subject.test_bed_id, subject.solution_id };
	PGresult *result = NULL;
	if (core_query(request, &interest_open_statement, pair, &result) != CHC_OK)
		return NULL;
	if (PQntuples(result) > 0) {
		core_fail(request, CHC_ALREADY_EXISTS, "interest %s is open for this pair already",
		          PQgetvalue(result, 0, 0));
		return NULL;
	}
	char id[37];
	chc_uuid_generate(id);
	const char *values[] = { id,
		                 sides->sender.key,
		                 sides->sender.name,
		                 sides->receiver.key,
		                 sides->receiver.name,
		                 subject.need_id,
		                 subject.solution_id,
		                 message,
		                 packed_text(request, &sides->card.base),
		                 job_id,
		                 subject.test_bed_id };
	if (values[8] == NULL) {
		core_fail(request, CHC_RESOURCE_EXHAUSTED, "out of memory");
		return NULL;
	}
	/* The event names the pair, not the sender: it is read by more than
	 * the two sides. */
	Chc__V1__Interest *interest = NULL;
	if (core_query(request, &interest_insert_statement, values, &result) != CHC_OK ||
	    project_event(request, "interest.created", id, sides->receiver.key) != CHC_OK ||
	    (interest = interest_load(request, id, false, sides->sender.key)) == NULL)
		return NULL;
	return interest;
}

void interests_precheck_create(core_request *request, const ProtobufCMessage *message)
{
	const Chc__V1__Interest *interest =
	        ((const Chc__V1__CreateInterestRequest *)message)->interest;
	if (!core_check_present(request, "interest", interest))
		return;
	interest_pair subject = { interest->need_id, interest->test_bed_id, interest->solution_id };
	precheck(request, interest->sender, subject, interest->message);
}

static Chc__V1__Interest *create_interest(core_request *request,
                                          const Chc__V1__CreateInterestRequest *input)
{
	const Chc__V1__Interest *interest = input->interest;
	interest_pair subject = { interest->need_id, interest->test_bed_id, interest->solution_id };
	return create(request, interest->sender, subject, interest->message, "");
}
CORE_REPLY_HANDLER(projects, create_interest, CreateInterestRequest, Interest)

void interests_precheck_create_from_job(core_request *request, const ProtobufCMessage *message)
{
	const Chc__V1__CreateInterestFromJobRequest *input = (const void *)message;
	bool valid = core_check_uuid(request, "job_id", input->job_id);
	valid = core_check_uuid(request, "need_id", input->need_id) && valid;
	valid = core_check_uuid(request, "solution_id", input->solution_id) && valid;
	if (!valid || project_job_has_match(request, input->job_id, input->need_id,
	                                    input->solution_id) != CHC_OK)
		return;
	interest_pair subject = { input->need_id, "", input->solution_id };
	precheck(request, input->sender, subject, input->message);
}

static Chc__V1__Interest *
create_interest_from_job(core_request *request, const Chc__V1__CreateInterestFromJobRequest *input)
{
	interest_pair subject = { input->need_id, "", input->solution_id };
	return create(request, input->sender, subject, input->message, input->job_id);
}
CORE_REPLY_HANDLER(projects, create_interest_from_job, CreateInterestFromJobRequest, Interest)

static Chc__V1__Interest *get_interest(core_request *request,
                                       const Chc__V1__GetInterestRequest *input)
{
	char viewer[96];
	Chc__V1__Interest *interest = NULL;
	if (!viewer_key(request, "as", input->as, viewer))
		return NULL;
	viewer_of_caller(request, viewer);
	if ((interest = interest_load(request, input->id, false, viewer)) == NULL)
		return NULL;
	return interest;
}
CORE_REPLY_HANDLER(projects, get_interest, GetInterestRequest, Interest)

/* The party whose interests are listed ("" for the secretariat's view of
 * every interest). */
static const char *party_filter(core_request *request, const char *field,
                                const ProtobufCMessage *value)
{
	char *key = core_alloc(request, 96);
	if (key != NULL && !viewer_key(request, field, (const Chc__V1__Party *)value, key))
		return NULL;
	return key;
}

static const core_filter interest_filters[] = {
	{ "party", CORE_FILTER_CUSTOM, "$? IN (i.sender, i.receiver)", 0, 0, party_filter },
	{ "state", CORE_FILTER_ENUM, "i.state = $?", 0, 0, NULL },
};

/* No entity: what a row shows depends on who reads it (interest_from_row). */
static const core_listing interest_listing = {
	.table = "projects.interests i",
	.key = "i.id",
	.columns = INTEREST_COLUMNS,
	.column_count = INTEREST_COLUMN_COUNT,
	.order = "i.created_at DESC, i.id",
	CORE_LISTING_FILTERS(interest_filters),
};

static Chc__V1__ListInterestsResponse *list_interests(core_request *request,
                                                      const Chc__V1__ListInterestsRequest *input)
{
	char viewer[96] = "";
	core_list_page found;
	if (core_list(request, &interest_listing, &input->base, &found) != CHC_OK ||
	    !viewer_key(request, "party", input->party, viewer))
		return NULL;
	viewer_of_caller(request, viewer);
	Chc__V1__ListInterestsResponse *reply =
	        core_message_new(request, &chc__v1__list_interests_response__descriptor);
	if (reply == NULL)
		return NULL;
	reply->interests = core_alloc(request, (found.count + 1) * sizeof(void *));
	if (reply->interests == NULL)
		return NULL;
	for (size_t i = 0; i < found.count; i++) {
		Chc__V1__Interest *interest =
		        interest_from_row(request, found.rows, (int)i, viewer);
		if (interest == NULL)
			return NULL;
		reply->interests[reply->n_interests++] = interest;
	}
	reply->page = core_page_info(request, &found);
	return reply->page != NULL ? reply : NULL;
}
CORE_REPLY_HANDLER(projects, list_interests, ListInterestsRequest, ListInterestsResponse)

/* The open interest an answer is about, at the version read (locked when
 * lock is set), and answered by the side that may: the receiver, or for a
 * withdrawal the sender. */
static Chc__V1__Interest *load_for_answer(core_request *request,
                                          const Chc__V1__AnswerInterestRequest *input,
                                          bool by_sender, char viewer[96], bool lock)
{
	if (!viewer_key(request, "as", input->as, viewer))
		return NULL;
	if (viewer[0] == '\0') {
		core_violation(request, "as", "is required: the side that answers");
		return NULL;
	}
	if (input->expected_version <= 0) {
		core_violation(request, "expected_version",
		               "is required: the version of the interest you read");
		return NULL;
	}
	Chc__V1__Interest *interest = interest_load(request, input->id, lock, "");
	if (interest == NULL)
		return NULL;
	char sender[96], receiver[96];
	project_party_key(interest->sender, sender);
	project_party_key(interest->receiver, receiver);
	if (strcmp(viewer, by_sender ? sender : receiver) != 0) {
		core_fail(request, CHC_PERMISSION_DENIED, "only the %s of interest %s may %s",
		          by_sender ? "sender" : "receiver", interest->id,
		          by_sender ? "withdraw it" : "answer it");
		return NULL;
	}
	if (interest->version != input->expected_version) {
		core_fail(
		        request, CHC_ABORTED,
		        "interest %s changed since you read it: its version is %lld, you read %lld",
		        interest->id, (long long)interest->version,
		        (long long)input->expected_version);
		return NULL;
	}
	if (interest->state != CHC__V1__INTEREST_STATE__INTEREST_STATE_OPEN) {
		core_fail(request, CHC_FAILED_PRECONDITION, "interest %s is %s, not open",
		          interest->id,
		          core_enum_slug(request, &chc__v1__interest_state__descriptor,
		                         interest->state));
		return NULL;
	}
	return interest;
}

static const core_statement interest_answer_statement = {
	"interest_answer",
	"UPDATE projects.interests SET state = $2, decline_reason = $3, project_id = "
	"nullif($4, '')::uuid, version = version + 1, updated_at = now() WHERE id = $1::uuid",
	4
};

/* Taken before an answer's event is written and held to the commit: those
 * events then get their seqs in the order they commit, and the matching
 * service, which takes the declines after the last seq it took, skips none.
 * Answers are rare; nothing else waits on this lock. */
static const core_statement answer_lock_statement = {
	"interest_answer_lock",
	"SELECT pg_advisory_xact_lock(hashtext('projects.interest.answer'))", 0
};

/* An answer's event ($1 its type): the reason and who gave it, as every
 * event of the service has, and the interest's need and solution, from
 * which the matching service makes a decline "not a match" in every later
 * job (a test bed's interest has no need: it skips those). */
static const core_statement answer_event_statement = {
	"interest_answer_event",
	"INSERT INTO projects.events (type, subject_id, audience, payload) VALUES ($1, $2, "
	"'{secretariat}', jsonb_build_object('detail', $3::text, 'by', $4::text, 'need_id', "
	"nullif($5, ''), 'solution_id', $6::text))",
	6
};

static chc_status answer(core_request *request, const Chc__V1__Interest *interest, int state,
                         const char *reason, const char *project_id, const char *event)
{
	const char *values[] = {
		interest->id, core_enum_slug(request, &chc__v1__interest_state__descriptor, state),
		reason, project_id
	};
	const char *event_values[] = { event,
		                       interest->id,
		                       reason,
		                       request->principal.subject,
		                       interest->need_id,
		                       interest->solution_id };
	chc_status status = core_execute(request, &interest_answer_statement, values);
	if (status == CHC_OK)
		status = core_execute(request, &answer_lock_statement, NULL);
	return status == CHC_OK ? core_execute(request, &answer_event_statement, event_values)
	                        : status;
}

void interests_precheck_accept(core_request *request, const ProtobufCMessage *message)
{
	const Chc__V1__AnswerInterestRequest *input = (const void *)message;
	char viewer[96];
	Chc__V1__Interest *interest = load_for_answer(request, input, false, viewer, false);
	interest_sides *sides = interest == NULL ? NULL : core_alloc(request, sizeof(*sides));
	if (sides != NULL &&
	    read_sides(request, interest->sender, interest->need_id, interest->test_bed_id,
	               interest->solution_id, sides) == CHC_OK)
		request->prechecked = sides;
}

/* Both sides have accepted: a project opens, led by the public buyer, or for
 * a test bed's interest by the company, the test bed its test site. The
 * sides were read from their services by the precheck: an interest's pair
 * never changes, only its state, which the locked load checks again. */
static Chc__V1__Interest *accept_interest(core_request *request,
                                          const Chc__V1__AnswerInterestRequest *input)
{
	const interest_sides *sides = core_prechecked(request);
	char viewer[96];
	Chc__V1__Interest *interest =
	        sides == NULL ? NULL : load_for_answer(request, input, false, viewer, true);
	if (interest == NULL)
		return NULL;
	bool sender_is_company = interest->sender->kind == CHC__V1__PARTY_KIND__PARTY_KIND_COMPANY;
	bool sender_is_test_bed = interest->test_bed_id[0] != '\0';
	project_opening opening = {
		.interest_id = interest->id,
		.lead = sender_is_company || sender_is_test_bed ? &sides->receiver : &sides->sender,
		.partner =
		        sender_is_company || sender_is_test_bed ? &sides->sender : &sides->receiver,
		.partner_role = sender_is_test_bed
		                        ? CHC__V1__PARTICIPANT_ROLE__PARTICIPANT_ROLE_TEST_SITE
		                        : CHC__V1__PARTICIPANT_ROLE__PARTICIPANT_ROLE_PARTNER,
		.need_id = interest->need_id,
		.test_bed_id = interest->test_bed_id,
		.solution_id = interest->solution_id,
		.title = sides->title,
	};
	char project_id[37];
	Chc__V1__Interest *answered = NULL;
	if (project_open_from_interest(request, &opening, project_id) != CHC_OK ||
	    answer(request, interest, CHC__V1__INTEREST_STATE__INTEREST_STATE_ACCEPTED, "",
	           project_id, "interest.accepted") != CHC_OK ||
	    (answered = interest_load(request, interest->id, false, viewer)) == NULL)
		return NULL;
	return answered;
}
CORE_REPLY_HANDLER(projects, accept_interest, AnswerInterestRequest, Interest)

/* How an answer closes an interest without a project: the side that may
 * give it, how long its reason must be, and the state and event it leads
 * to. A decline is also "not a match" for a need and solution in every
 * later matching job, which the matching service learns from its event
 * (answer_event_statement); it keeps no such feedback for test beds. */
typedef struct interest_closing {
	bool by_sender;
	size_t reason_minimum;
	int state;
	const char *event;
} interest_closing;

static Chc__V1__Interest *close_interest(core_request *request,
                                         const Chc__V1__AnswerInterestRequest *input,
                                         const interest_closing *how)
{
	if (!core_check_text(request, "reason", input->reason, how->reason_minimum, 500))
		return NULL;
	char viewer[96];
	Chc__V1__Interest *interest = load_for_answer(request, input, how->by_sender, viewer, true);
	Chc__V1__Interest *answered = NULL;
	if (interest == NULL ||
	    answer(request, interest, how->state, input->reason, "", how->event) != CHC_OK ||
	    (answered = interest_load(request, interest->id, false, viewer)) == NULL)
		return NULL;
	return answered;
}

static Chc__V1__Interest *decline_interest(core_request *request,
                                           const Chc__V1__AnswerInterestRequest *input)
{
	static const interest_closing decline = {
		.reason_minimum = 3,
		.state = CHC__V1__INTEREST_STATE__INTEREST_STATE_DECLINED,
		.event = "interest.declined",
	};
	return close_interest(request, input, &decline);
}
CORE_REPLY_HANDLER(projects, decline_interest, AnswerInterestRequest, Interest)

static Chc__V1__Interest *withdraw_interest(core_request *request,
                                            const Chc__V1__AnswerInterestRequest *input)
{
	static const interest_closing withdraw = {
		.by_sender = true,
		.state = CHC__V1__INTEREST_STATE__INTEREST_STATE_WITHDRAWN,
		.event = "interest.withdrawn",
	};
	return close_interest(request, input, &withdraw);
}
CORE_REPLY_HANDLER(projects, withdraw_interest, AnswerInterestRequest, Interest)
