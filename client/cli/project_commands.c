/*
 * project_commands.c - chc project get|list|search|status|overdue|import:
 * collaboration projects. Projects are created from JSON (import), since a
 * project comes with its participants.
 */
#include <stdlib.h>
#include <string.h>

#include "chc/v1/projects.pb-c.h"
#include "cli.h"
#include "fields.h"
#include "noun.h"

static const cli_field project_fields[] = {
	{ "title", "title", FIELD_TEXT, "what the collaboration is", NULL },
	{ "description", "description", FIELD_TEXT, "its aim and plan", NULL },
	{ "need", "need_ids", FIELD_TEXT_LIST, "repeatable: a need it answers", NULL },
	{ "solution", "solution_ids", FIELD_TEXT_LIST, "repeatable: a solution it tries", NULL },
	{ "test-bed", "test_bed_ids", FIELD_TEXT_LIST, "repeatable: a test bed it uses", NULL },
	{ "language", "language", FIELD_TEXT, "da or en", NULL },
};

static const cli_field filter_fields[] = {
	{ "status", "status", FIELD_TEXT, "in this status:", &chc__v1__project_status__descriptor },
	{ "region", "region_code", FIELD_INT, "with a participant in this region", NULL },
	{ "need", "need_id", FIELD_TEXT, "answering this need", NULL },
	{ "solution", "solution_id", FIELD_TEXT, "trying this solution", NULL },
	{ "test-bed", "test_bed_id", FIELD_TEXT, "using this test bed", NULL },
};

static void party_text(const Chc__V1__Party *party, char *text, size_t size)
{
	char kind[64];
	if (party == NULL) {
		snprintf(text, size, "-");
		return;
	}
	cli_slug(&chc__v1__party_kind__descriptor, party->kind, kind);
	if (party->name[0] != '\0')
		snprintf(text, size, "%s %s", kind, party->name);
	else if (party->municipality_code || party->region_code)
		snprintf(text, size, "%s %d", kind,
		         party->municipality_code ? party->municipality_code : party->region_code);
	else
		snprintf(text, size, "%s %s", kind,
		         party->company_id[0]    ? party->company_id
		         : party->test_bed_id[0] ? party->test_bed_id
		                                 : party->organisation);
}

static void print_project(const ProtobufCMessage *record)
{
	const Chc__V1__Project *p = (const Chc__V1__Project *)record;
	char text[64];
	printf("%s  %s\n", p->id, p->title);
	printf("  status:   %s (version %lld)\n",
	       cli_slug(&chc__v1__project_status__descriptor, p->status, text),
	       (long long)p->version);
	printf("  budget:   %lld.%02lld DKK\n", (long long)(p->budget_ore / 100),
	       (long long)(p->budget_ore % 100));
	for (size_t i = 0; i < p->n_participants; i++) {
		const Chc__V1__Participant *x = p->participants[i];
		char who[256], role[64];
		party_text(x->party, who, sizeof(who));
		printf("  %-10s %-40s %12lld.%02lld DKK  %6s%%\n",
		       cli_slug(&chc__v1__participant_role__descriptor, x->role, role), who,
		       (long long)(x->commitment_ore / 100), (long long)(x->commitment_ore % 100),
		       x->share_percent);
	}
	for (size_t i = 0; i < p->n_milestones; i++)
		printf("  milestone %s  %s  %s%s\n", p->milestones[i]->id, p->milestones[i]->due,
		       p->milestones[i]->title, p->milestones[i]->done ? "  (done)" : "");
	for (size_t i = 0; i < p->n_history; i++) {
		const Chc__V1__HistoryEntry *h = p->history[i];
		char from[64], to[64], who[256];
		if (strcmp(h->kind, "status") == 0) {
			printf("  history  status %s -> %s  (%s) %s\n",
			       h->from ? cli_slug(&chc__v1__project_status__descriptor, h->from,
			                          from)
			               : "new",
			       cli_slug(&chc__v1__project_status__descriptor, h->to, to), h->by,
			       h->reason);
		} else {
			party_text(h->party, who, sizeof(who));
			printf("  history  %s: %s, %lld.%02lld DKK  (%s) %s\n", h->kind, who,
			       (long long)(h->commitment_ore / 100),
			       (long long)(h->commitment_ore % 100), h->by, h->reason);
		}
	}
}

static const cli_column columns[] = {
	{ "ID", "id", NULL },
	{ "STATUS", "status", NULL },
	{ "RANK", NULL, NULL },
	{ "TITLE", "title", NULL },
};

static bool print_overdue(const ProtobufCMessage *reply)
{
	if (reply->descriptor != &chc__v1__list_overdue_milestones_response__descriptor)
		return false;
	const Chc__V1__ListOverdueMilestonesResponse *list = (const void *)reply;
	for (size_t i = 0; i < list->n_milestones; i++)
		printf("%s  due %s  project %s  %s\n", list->milestones[i]->id,
		       list->milestones[i]->due, list->milestones[i]->project_id,
		       list->milestones[i]->title);
	cli_print_page(list->n_milestones, list->page, "overdue milestones");
	return true;
}

/* status ID --version V --to STATUS [--reason TEXT] */
static int move_to(cli_state *cli, const cli_noun *noun, const cli_arguments *arguments,
                   json_t *request)
{
	(void)cli;
	(void)noun;
	const char *to = cli_option_value(arguments, "to");
	const char *reason = cli_option_value(arguments, "reason");
	if (to == NULL)
		return CLI_EXIT_USAGE;
	json_object_set_new(request, "status", json_string(to));
	json_object_set_new(request, "reason", json_string(reason ? reason : ""));
	return CLI_EXIT_OK;
}

static int overdue(cli_state *cli, const cli_noun *noun, const cli_arguments *arguments,
                   json_t *request)
{
	json_object_set_new(request, "page", cli_page_json(arguments));
	return cli_noun_call(cli, noun, "ListOverdueMilestones", request);
}

/* The project id and version every change names; false on a bad line. */
static bool change_of(const cli_arguments *arguments, json_t *request)
{
	long long version = 0;
	const char *id = cli_noun_id(arguments);
	if (id == NULL || !cli_option_int(arguments, "version", &version))
		return false;
	json_object_set_new(request, "project_id", json_string(id));
	json_object_set_new(request, "expected_version", json_integer(version));
	return true;
}

/* join ID --version V --party KIND:VALUE --role ROLE [--ore N] */
static int join(cli_state *cli, const cli_noun *noun, const cli_arguments *arguments,
                json_t *request)
{
	const char *role = cli_option_value(arguments, "role");
	json_t *party = cli_party_json(arguments, "party");
	long long ore = 0;
	if (!change_of(arguments, request) || party == NULL || role == NULL ||
	    !cli_option_int(arguments, "ore", &ore)) {
		json_decref(party);
		return CLI_EXIT_USAGE;
	}
	json_object_set_new(request, "participant",
	                    json_pack("{s:o, s:s, s:I}", "party", party, "role", role,
	                              "commitment_ore", (json_int_t)ore));
	return cli_noun_call(cli, noun, "AddParticipant", request);
}

/* leave ID --version V --party KIND:VALUE [--reason TEXT] */
static int leave(cli_state *cli, const cli_noun *noun, const cli_arguments *arguments,
                 json_t *request)
{
	json_t *party = cli_party_json(arguments, "party");
	const char *reason = cli_option_value(arguments, "reason");
	if (!change_of(arguments, request) || party == NULL) {
		json_decref(party);
		return CLI_EXIT_USAGE;
	}
	json_object_set_new(request, "party", party);
	json_object_set_new(request, "reason", json_string(reason ? reason : ""));
	return cli_noun_call(cli, noun, "RemoveParticipant", request);
}

/* commit ID --version V --party KIND:VALUE --ore N */
static int commit(cli_state *cli, const cli_noun *noun, const cli_arguments *arguments,
                  json_t *request)
{
	json_t *party = cli_party_json(arguments, "party");
	long long ore = 0;
	if (!change_of(arguments, request) || party == NULL ||
	    !cli_option_int(arguments, "ore", &ore)) {
		json_decref(party);
		return CLI_EXIT_USAGE;
	}
	json_object_set_new(request, "party", party);
	json_object_set_new(request, "commitment_ore", json_integer(ore));
	return cli_noun_call(cli, noun, "SetCommitment", request);
}

/* milestone ID --version V --title T --due YYYY-MM-DD [--party KIND:VALUE],
 * or milestone ID --version V --done MILESTONE_ID */
static int milestone(cli_state *cli, const cli_noun *noun, const cli_arguments *arguments,
                     json_t *request)
{
	if (!change_of(arguments, request))
		return CLI_EXIT_USAGE;
	const char *done = cli_option_value(arguments, "done");
	if (done != NULL) {
		json_object_set_new(request, "milestone_id", json_string(done));
		json_object_set_new(request, "done", json_true());
		return cli_noun_call(cli, noun, "SetMilestoneDone", request);
	}
	const char *title = cli_option_value(arguments, "title");
	const char *due = cli_option_value(arguments, "due");
	json_t *item = json_pack("{s:s, s:s}", "title", title ? title : "", "due", due ? due : "");
	if (cli_has_option(arguments, "party")) {
		json_t *party = cli_party_json(arguments, "party");
		if (party == NULL) {
			json_decref(item);
			return CLI_EXIT_USAGE;
		}
		json_object_set_new(item, "responsible", party);
	}
	json_object_set_new(request, "milestone", item);
	return cli_noun_call(cli, noun, "AddMilestone", request);
}

/* create --lead KIND:VALUE FIELDS: the lead is the one participant a
 * project must have; the others join afterwards. */
static int create(cli_state *cli, const cli_noun *noun, const cli_arguments *arguments,
                  json_t *request)
{
	json_t *lead = cli_party_json(arguments, "lead");
	json_t *project = json_object();
	json_t *mask = json_array();
	bool ok = lead != NULL && cli_noun_id(arguments) == NULL &&
	          cli_fields_to_json(arguments, noun->fields, noun->field_count, project, mask);
	json_decref(mask);
	if (!ok) {
		json_decref(lead);
		json_decref(project);
		return CLI_EXIT_USAGE;
	}
	json_object_set_new(project, "participants",
	                    json_pack("[{s:o, s:s}]", "party", lead, "role", "lead"));
	json_object_set_new(request, "project", project);
	return cli_noun_call(cli, noun, "CreateProject", request);
}

static const cli_verb verbs[] = {
	{ "create", CLI_VERB_CUSTOM, NULL, "--lead KIND:VALUE --title T FIELDS   others join later",
	  create },
	{ "get", CLI_VERB_GET, "GetProject", "ID", NULL },
	{ "list", CLI_VERB_LIST, "ListProjects", "[FILTERS]", NULL },
	{ "search", CLI_VERB_SEARCH, "SearchProjects", "WORDS [FILTERS]   Danish and English",
	  NULL },
	{ "update", CLI_VERB_UPDATE, "UpdateProject", "ID --version V FIELDS", NULL },
	{ "status", CLI_VERB_ACTION, "ChangeProjectStatus",
	  "ID --version V --to STATUS [--reason TEXT]   along the lifecycle", move_to },
	{ "join", CLI_VERB_CUSTOM, NULL,
	  "ID --version V --party KIND:VALUE --role ROLE [--ore N]   investors commit øre", join },
	{ "leave", CLI_VERB_CUSTOM, NULL,
	  "ID --version V --party KIND:VALUE [--reason T]   takes its commitment along", leave },
	{ "commit", CLI_VERB_CUSTOM, NULL, "ID --version V --party KIND:VALUE --ore N", commit },
	{ "milestone", CLI_VERB_CUSTOM, NULL,
	  "ID --version V --title T --due YYYY-MM-DD [--party P] | --done MILESTONE_ID",
	  milestone },
	{ "overdue", CLI_VERB_CUSTOM, NULL, "                  milestones past due, all projects",
	  overdue },
	{ "import", CLI_VERB_IMPORT, "CreateProject",
	  "FILE.jsonl        a project (chc.v1.Project as JSON) per line", NULL },
};

static const char *const options[] = { "version",    "to",    "reason", "page-size",
	                               "page-token", "party", "role",   "ore",
	                               "due",        "done",  "lead",   NULL };

const cli_noun cli_project_noun = {
	.name = "project",
	.plural = "projects",
	.service = &chc__v1__project_service__descriptor,
	.wrapper = "project",
	.filter_wrapper = "filter",
	.fields = project_fields,
	.field_count = CLI_COUNT(project_fields),
	.filters = filter_fields,
	.filter_count = CLI_COUNT(filter_fields),
	.options = options,
	.verbs = verbs,
	.verb_count = CLI_COUNT(verbs),
	.record = &chc__v1__project__descriptor,
	.print_record = print_project,
	.columns = columns,
	.column_count = CLI_COUNT(columns),
	.print_other = print_overdue,
	.example =
	        "  chc project status ID --version 3 --to testing --reason \"contract signed\"\n",
};
