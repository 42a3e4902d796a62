/*
 * needs.c - the need handlers: create, read, update, close, reopen, list,
 * search and expire. Writes run inside the transaction the core opened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "entity.h"
#include "handler.h"
#include "municipalities.h"
#include "update_mask.h"
#include "validate.h"

static Chc__V1__Need *create_need(core_request *request, const Chc__V1__CreateNeedRequest *input)
{
	Chc__V1__Need *need = (Chc__V1__Need *)core_entity_new(
	        request, "need", (const ProtobufCMessage *)input->need,
	        CHC__V1__NEED_STATUS__NEED_STATUS_OPEN);
	if (need == NULL || !need_validate(request, need, true) ||
	    !need_validate_owners_exist(request, need))
		return NULL;
	Chc__V1__Need *stored = NULL;
	if (need_insert(request, need) != CHC_OK ||
	    need_event(request, "need.created", need, need->title) != CHC_OK ||
	    need_load(request, need->id, false, &stored) != CHC_OK)
		return NULL;
	return stored;
}
CORE_REPLY_HANDLER(municipalities, create_need, CreateNeedRequest, Need)

CORE_GET_HANDLER(municipalities, get_need, GetNeedRequest, Need, need_entity)
CORE_BATCH_GET_HANDLER(municipalities, batch_get_needs, BatchGetNeedsRequest, BatchGetNeedsResponse,
                       need_entity, NULL, chc__v1__batch_get_needs_response__descriptor)

/* Loads and locks the need, and checks the version the caller read. */
static Chc__V1__Need *load_for_change(core_request *request, const char *id,
                                      int64_t expected_version, bool version_required)
{
	if (!core_check_uuid(request, "id", id))
		return NULL;
	if (version_required && expected_version <= 0) {
		core_violation(request, "expected_version",
		               "is required: the version of the need you read");
		return NULL;
	}
	Chc__V1__Need *need = NULL;
	if (need_load(request, id, true, &need) != CHC_OK)
		return NULL;
	if (expected_version > 0 && need->version != expected_version) {
		core_fail(request, CHC_ABORTED,
		          "need %s changed since you read it: its version is %lld, you read %lld",
		          id, (long long)need->version, (long long)expected_version);
		return NULL;
	}
	return need;
}

/* Copies the masked fields of update onto need; false with a violation for
 * a field that cannot be updated. */
static bool apply_mask(core_request *request, Chc__V1__Need *need, const Chc__V1__Need *update,
                       char *const *mask, size_t count)
{
	static const char *const updatable[] = { "owners",
		                                 "title",
		                                 "description",
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
		                                 "contact",
		                                 "language",
		                                 "status",
		                                 NULL };
	for (size_t i = 0; i < count; i++) {
		/* Closing and reopening have their own calls and events. */
		Chc__V1__NeedStatus status = update->status;
		if (strcmp(mask[i], "status") == 0 &&
		    (status == CHC__V1__NEED_STATUS__NEED_STATUS_CLOSED ||
		     status == CHC__V1__NEED_STATUS__NEED_STATUS_EXPIRED ||
		     status == CHC__V1__NEED_STATUS__NEED_STATUS_UNSPECIFIED)) {
			core_violation(request, "need.status",
			               "can be draft, open, in-dialogue or matched here; use "
			               "CloseNeed, ReopenNeed or ExpireNeeds for the rest");
			return false;
		}
	}
	return core_apply_update_mask(request, &need->base, &update->base, mask, count, updatable,
	                              NULL);
}

static bool mask_names(char *const *mask, size_t count, const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(mask[i], name) == 0)
			return true;
	return false;
}

/* How every change to a need ends: saved with its owners, its event (type,
 * detail) stored, and the need as it now is replied. */
static Chc__V1__Need *save_and_reply(core_request *request, Chc__V1__Need *need, const char *type,
                                     const char *detail)
{
	Chc__V1__Need *stored = NULL;
	if (need_write(request, need) != CHC_OK ||
	    need_event(request, type, need, detail) != CHC_OK ||
	    need_load(request, need->id, false, &stored) != CHC_OK)
		return NULL;
	return stored;
}

static Chc__V1__Need *update_need(core_request *request, const Chc__V1__UpdateNeedRequest *input)
{
	if (!core_check_present(request, "need", input->need))
		return NULL;
	Chc__V1__Need *need =
	        load_for_change(request, input->need->id, input->expected_version, true);
	if (need == NULL)
		return NULL;
	if (need->status == CHC__V1__NEED_STATUS__NEED_STATUS_CLOSED ||
	    need->status == CHC__V1__NEED_STATUS__NEED_STATUS_EXPIRED) {
		core_fail(request, CHC_FAILED_PRECONDITION,
		          "need %s is closed or expired: reopen it before changing it", need->id);
		return NULL;
	}
	if (!apply_mask(request, need, input->need, input->update_mask, input->n_update_mask))
		return NULL;
	/* A deadline that is changed must lie ahead; one left alone may have
	 * passed (expiry handles that). */
	bool deadline_changed = mask_names(input->update_mask, input->n_update_mask, "deadline");
	if (!need_validate(request, need, false))
		return NULL;
	if (deadline_changed) {
		Chc__V1__Need probe = *need;
		probe.status = CHC__V1__NEED_STATUS__NEED_STATUS_OPEN;
		if (!need_validate(request, &probe, true))
			return NULL;
	}
	if (mask_names(input->update_mask, input->n_update_mask, "owners") &&
	    !need_validate_owners_exist(request, need))
		return NULL;
	return save_and_reply(request, need, "need.updated", "");
}
CORE_REPLY_HANDLER(municipalities, update_need, UpdateNeedRequest, Need)

static Chc__V1__Need *close_need(core_request *request, const Chc__V1__CloseNeedRequest *input)
{
	core_check_text(request, "reason", input->reason, 0, 1000);
	Chc__V1__Need *need =
	        core_failed(request)
	                ? NULL
	                : load_for_change(request, input->id, input->expected_version, false);
	if (need == NULL)
		return NULL;
	if (need->status == CHC__V1__NEED_STATUS__NEED_STATUS_CLOSED) {
		core_fail(request, CHC_FAILED_PRECONDITION, "need %s is already closed", need->id);
		return NULL;
	}
	need->status = CHC__V1__NEED_STATUS__NEED_STATUS_CLOSED;
	return save_and_reply(request, need, "need.closed", input->reason);
}
CORE_REPLY_HANDLER(municipalities, close_need, CloseNeedRequest, Need)

static Chc__V1__Need *reopen_need(core_request *request, const Chc__V1__ReopenNeedRequest *input)
{
	Chc__V1__Need *need = load_for_change(request, input->id, input->expected_version, false);
	if (need == NULL)
		return NULL;
	if (need->status != CHC__V1__NEED_STATUS__NEED_STATUS_CLOSED &&
	    need->status != CHC__V1__NEED_STATUS__NEED_STATUS_EXPIRED) {
		core_fail(request, CHC_FAILED_PRECONDITION,
		          "need %s is not closed or expired, so it cannot be reopened", need->id);
		return NULL;
	}
	need->status = CHC__V1__NEED_STATUS__NEED_STATUS_OPEN;
	if (input->deadline[0] != '\0') {
		need->deadline = input->deadline;
		if (!core_check_date(request, "deadline", input->deadline, true))
			return NULL;
	}
	/* The need must be valid as new: a passed deadline needs a new one. */
	if (!need_validate(request, need, true)) {
		if (input->deadline[0] == '\0')
			core_fail(request, CHC_INVALID_ARGUMENT,
			          "deadline: the need's deadline %s has passed; give a new one",
			          need->deadline);
		return NULL;
	}
	return save_and_reply(request, need, "need.reopened", need->deadline);
}
CORE_REPLY_HANDLER(municipalities, reopen_need, ReopenNeedRequest, Need)

CORE_EXPIRE_HANDLER(municipalities, expire_needs, ExpireNeedsRequest, ExpireNeedsResponse,
                    need_expire_sql, chc__v1__expire_needs_response__descriptor)
