/*
 * person.h - chc.v1.PersonService: a person's data found by e-mail address,
 * exported or erased. A service lists where it keeps personal data (its
 * sources); the core adds what every service keeps (stored replies of
 * writes and events), so nothing of the person is left outside the audit's
 * record that an erasure happened.
 */
#ifndef CORE_PERSON_H
#define CORE_PERSON_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

/* One place a service keeps personal data. Both statements take the
 * e-mail address as $1 and compare it without case. */
typedef struct core_person_source {
	const char *what;       /* "contact persons": the key in the export */
	const char *export_sql; /* SELECT of the person's rows, as they are kept */
	const char *erase_sql;  /* DELETE or UPDATE that removes or blanks them */
} core_person_source;

/* PersonService for the service that owns schema and keeps its personal
 * data in sources (count may be 0: only stored replies and events). */
ProtobufCService *core_person_service(const char *schema, const char *service_name,
                                      const core_person_source *sources, size_t count);

#endif /* CORE_PERSON_H */
