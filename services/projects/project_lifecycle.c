/*
 * project_lifecycle.c - the moves a project's status may make:
 *
 *   proposed -> exploring -> agreed -> testing -> evaluating -> scaling -> closed
 *   evaluating -> testing (another round), evaluating -> closed,
 *   exploring -> closed (no deal), and any open status -> cancelled.
 */
#include <stdio.h>
#include <string.h>

#include "projects.h"
#include "validate.h"

enum {
	PROPOSED = CHC__V1__PROJECT_STATUS__PROJECT_STATUS_PROPOSED,
	EXPLORING = CHC__V1__PROJECT_STATUS__PROJECT_STATUS_EXPLORING,
	AGREED = CHC__V1__PROJECT_STATUS__PROJECT_STATUS_AGREED,
	TESTING = CHC__V1__PROJECT_STATUS__PROJECT_STATUS_TESTING,
	EVALUATING = CHC__V1__PROJECT_STATUS__PROJECT_STATUS_EVALUATING,
	SCALING = CHC__V1__PROJECT_STATUS__PROJECT_STATUS_SCALING,
	CLOSED = CHC__V1__PROJECT_STATUS__PROJECT_STATUS_CLOSED,
	CANCELLED = CHC__V1__PROJECT_STATUS__PROJECT_STATUS_CANCELLED,
};

static const int moves[][2] = {
	{ PROPOSED, EXPLORING },   { PROPOSED, CANCELLED },  { EXPLORING, AGREED },
	{ EXPLORING, CLOSED },     { EXPLORING, CANCELLED }, { AGREED, TESTING },
	{ AGREED, CANCELLED },     { TESTING, EVALUATING },  { TESTING, CANCELLED },
	{ EVALUATING, TESTING },   { EVALUATING, SCALING },  { EVALUATING, CLOSED },
	{ EVALUATING, CANCELLED }, { SCALING, CLOSED },      { SCALING, CANCELLED },
};

bool project_move_allowed(int from, int to)
{
	for (size_t i = 0; i < sizeof(moves) / sizeof(moves[0]); i++)
		if (moves[i][0] == from && moves[i][1] == to)
			return true;
	return false;
}

const char *project_moves_from(core_request *request, int from)
{
	char text[256] = "";
	size_t used = 0;
	for (size_t i = 0; i < sizeof(moves) / sizeof(moves[0]); i++)
		if (moves[i][0] == from)
			used += (size_t)snprintf(
			        text + used, sizeof(text) - used, "%s%s", used ? ", " : "",
			        core_enum_slug(request, &chc__v1__project_status__descriptor,
			                       moves[i][1]));
	return core_strdup(request, used ? text : "none: it has ended");
}
