#include "csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Grows a request-owned array by doubling; core_alloc memory is never
 * freed early, so the old block simply stays until the request ends. */
static void *grow(core_request *request, void *old, size_t used, size_t *capacity, size_t item)
{
	if (used < *capacity)
		return old;
	size_t wanted = *capacity ? *capacity * 2 : 16;
	void *bigger = core_alloc(request, wanted * item);
	if (bigger != NULL && old != NULL)
		memcpy(bigger, old, used * item);
	*capacity = wanted;
	return bigger;
}

chc_status csv_parse(core_request *request, const char *text, csv_record **records, size_t *count)
{
	size_t length = strlen(text);
	/* Fields are copied into one buffer no longer than the text. */
	char *buffer = core_alloc(request, length + 1);
	if (buffer == NULL)
		return CHC_RESOURCE_EXHAUSTED;
	size_t record_capacity = 0, field_capacity = 0;
	csv_record *list = NULL;
	char **fields = NULL;
	size_t record_count = 0, field_count = 0;
	char *out = buffer;
	const char *p = text;
	while (*p != '\0') {
		char *field = out;
		if (*p == '"') {
			p++;
			for (;;) {
				if (*p == '\0') {
					char name[32];
					snprintf(name, sizeof(name), "csv.row[%zu]", record_count);
					return core_violation(request, name,
					                      "a quoted field is never closed");
				}
				if (*p == '"' && p[1] == '"') {
					*out++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					*out++ = *p++;
				}
			}
		}
		while (*p != '\0' && *p != ',' && *p != '\n' && *p != '\r')
			*out++ = *p++;
		*out++ = '\0';
		fields = grow(request, fields, field_count, &field_capacity, sizeof(char *));
		if (fields == NULL)
			return CHC_RESOURCE_EXHAUSTED;
		fields[field_count++] = field;
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '\r')
			p++;
		if (*p == '\n')
			p++;
		/* End of a record; a blank line is one empty field. */
		if (!(field_count == 1 && fields[0][0] == '\0')) {
			list = grow(request, list, record_count, &record_capacity,
			            sizeof(csv_record));
			if (list == NULL)
				return CHC_RESOURCE_EXHAUSTED;
			list[record_count++] = (csv_record){ fields, field_count };
			fields = NULL;
			field_capacity = 0;
		}
		field_count = 0;
	}
	*records = list;
	*count = record_count;
	return CHC_OK;
}
