/*
 * contacts.c - contact persons: the only personal data in the service, kept
 * in one table so that export and erasure touch one place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chc/uuid.h"
#include "companies.h"
#include "db.h"
#include "entity.h"
#include "handler.h"
#include "listing.h"
#include "query_builder.h"
#include "validate.h"

/* A ContactPerson's fields in the order of their numbers (core_row_message). */
#define CONTACT_COLUMNS                                                                            \
	"id, company_id, name, email, phone, role, consent_purpose, "                              \
	"(extract(epoch FROM consent_at) * 1000)::bigint"

static ProtobufCMessage *contact_from_row(core_request *request, PGresult *result, int row)
{
	return core_row_message(request, &chc__v1__contact_person__descriptor, NULL, result, row);
}

static const core_statement contact_insert_statement = {
	"contact_insert",
	"INSERT INTO companies.contacts (id, company_id, name, email, phone, role, "
	"consent_purpose, "
	"consent_at) SELECT $1::uuid, c.id, $3, $4, $5, $6, $7, CASE WHEN $8::bigint = 0 THEN "
	"now() "
	"ELSE to_timestamp($8::bigint / 1000.0) END FROM companies.companies c WHERE c.id = "
	"$2::uuid RETURNING " CONTACT_COLUMNS,
	8
};

static Chc__V1__ContactPerson *add_contact(core_request *request,
                                           const Chc__V1__AddContactRequest *input)
{
	const Chc__V1__ContactPerson *c = input->contact;
	if (!core_check_present(request, "contact", c))
		return NULL;
	core_check_uuid(request, "contact.company_id", c->company_id);
	core_check_text(request, "contact.name", c->name, 2, 200);
	core_check_email(request, "contact.email", c->email);
	if (strlen(c->phone) > 30 || strspn(c->phone, "0123456789 +-()") != strlen(c->phone))
		core_violation(request, "contact.phone",
		               "must be digits, spaces and + - ( ), at most 30");
	core_check_text(request, "contact.role", c->role, 0, 100);
	/* Consent is why the data may be kept at all. */
	core_check_text(request, "contact.consent_purpose", c->consent_purpose, 3, 500);
	if (c->email[0] == '\0' && c->phone[0] == '\0')
		core_violation(request, "contact.email",
		               "give an e-mail address or a phone number");
	if (core_failed(request))
		return NULL;
	char id[37];
	chc_uuid_generate(id);
	const char *values[] = { id,
		                 c->company_id,
		                 c->name,
		                 c->email,
		                 c->phone,
		                 c->role,
		                 c->consent_purpose,
		                 core_int_text(request, c->consent_unix_ms) };
	PGresult *result = NULL;
	if (core_query(request, &contact_insert_statement, values, &result) != CHC_OK)
		return NULL;
	if (PQntuples(result) == 0) {
		core_violation(request, "contact.company_id", "no company has id %s",
		               c->company_id);
		return NULL;
	}
	return (Chc__V1__ContactPerson *)contact_from_row(request, result, 0);
}
CORE_REPLY_HANDLER(companies, add_contact, AddContactRequest, ContactPerson)

static const core_entity contact_entity = { .noun = "contact person",
	                                    .from_row = contact_from_row };

static const core_filter contact_filters[] = {
	{ "company_id", CORE_FILTER_UUID, "company_id = $?::uuid", 0, 0, NULL },
};

/* Paged like every list: a company may keep many people on file. */
static const core_listing contact_listing = {
	.entity = &contact_entity,
	.table = "companies.contacts",
	.columns = CONTACT_COLUMNS,
	.column_count = 8,
	.order = "name, id",
	CORE_LISTING_FILTERS(contact_filters),
};

static const Chc__V1__ListContactsResponse *list_contacts(core_request *request,
                                                          const Chc__V1__ListContactsRequest *input)
{
	/* One company's contacts: the id is required, not a filter to leave out. */
	if (!core_check_uuid(request, "company_id", input->company_id))
		return NULL;
	return (const Chc__V1__ListContactsResponse *)core_list_reply(
	        request, &contact_listing, &input->base,
	        &chc__v1__list_contacts_response__descriptor);
}
CORE_REPLY_HANDLER(companies, list_contacts, ListContactsRequest, ListContactsResponse)

static const core_statement contact_delete_statement = {
	"contact_delete", "DELETE FROM companies.contacts WHERE id = $1::uuid RETURNING id", 1
};

static Chc__V1__RemoveContactResponse *remove_contact(core_request *request,
                                                      const Chc__V1__RemoveContactRequest *input)
{
	PGresult *result = NULL;
	const char *values[] = { input->id };
	if (!core_check_uuid(request, "id", input->id) ||
	    core_query(request, &contact_delete_statement, values, &result) != CHC_OK)
		return NULL;
	if (PQntuples(result) == 0) {
		core_fail(request, CHC_NOT_FOUND, "no contact has id %s", input->id);
		return NULL;
	}
	return core_message_new(request, &chc__v1__remove_contact_response__descriptor);
}
CORE_REPLY_HANDLER(companies, remove_contact, RemoveContactRequest, RemoveContactResponse)
