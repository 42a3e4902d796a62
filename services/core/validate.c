/*
 * validate.c - the checks every handler shares, so a rule (what a date is,
 * how long a name may be) is written once.
 */
#include "validate.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chc/json.h"
#include "chc/uuid.h"

/* Counts code points; -1 when text is not valid UTF-8 or holds control
 * characters other than tab and newline. */
static long utf8_length(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	long count = 0;
	while (*p != '\0') {
		int extra;
		if (*p < 0x80) {
			if (*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
				return -1;
			extra = 0;
		} else if ((*p & 0xE0) == 0xC0 && *p >= 0xC2) {
			extra = 1;
		} else if ((*p & 0xF0) == 0xE0) {
			extra = 2;
		} else if ((*p & 0xF8) == 0xF0 && *p <= 0xF4) {
			extra = 3;
		} else {
			return -1;
		}
		p++;
		for (int i = 0; i < extra; i++, p++)
			if ((*p & 0xC0) != 0x80)
				return -1;
		count++;
	}
	return count;
}

bool core_check_text(core_request *request, const char *field, const char *value, size_t minimum,
                     size_t maximum)
{
	long length = utf8_length(value);
	if (length < 0) {
		core_violation(request, field,
		               "must be valid UTF-8 text without control characters");
		return false;
	}
	if (minimum > 0 && length == 0) {
		core_violation(request, field, "is required");
		return false;
	}
	if ((size_t)length < minimum || (size_t)length > maximum) {
		core_violation(request, field, "must be %zu to %zu characters, not %ld", minimum,
		               maximum, length);
		return false;
	}
	return true;
}

bool core_check_range(core_request *request, const char *field, int64_t value, int64_t minimum,
                      int64_t maximum)
{
	if (value < minimum || value > maximum) {
		core_violation(request, field, "must be from %lld to %lld, not %lld",
		               (long long)minimum, (long long)maximum, (long long)value);
		return false;
	}
	return true;
}

bool core_check_present(core_request *request, const char *field, const void *value)
{
	if (value == NULL) {
		core_violation(request, field, "is required");
		return false;
	}
	return true;
}

bool core_check_uuid(core_request *request, const char *field, const char *value)
{
	if (!chc_uuid_is_valid(value)) {
		core_violation(request, field, "must be a UUID, not \"%.60s\"", value);
		return false;
	}
	return true;
}

bool core_check_enum(core_request *request, const char *field,
                     const ProtobufCEnumDescriptor *descriptor, int value, bool required)
{
	if (value == 0 && required) {
		core_violation(request, field, "is required");
		return false;
	}
	if (protobuf_c_enum_descriptor_get_value(descriptor, value) == NULL) {
		core_violation(request, field, "%d is not a %s", value, descriptor->name);
		return false;
	}
	return true;
}

bool core_check_place(core_request *request, const char *field, int municipality_code,
                      int region_code)
{
	if ((municipality_code != 0) != (region_code != 0))
		return true;
	core_violation(request, field,
	               "must give exactly one of municipality_code and region_code");
	return false;
}

bool core_check_enum_list(core_request *request, const char *name,
                          const ProtobufCEnumDescriptor *descriptor, const int *values,
                          size_t count, size_t maximum)
{
	if (count > maximum) {
		core_violation(request, name, "at most %zu values", maximum);
		return false;
	}
	bool valid = true;
	for (size_t i = 0; i < count; i++) {
		char field[96];
		snprintf(field, sizeof(field), "%s[%zu]", name, i);
		if (!core_check_enum(request, field, descriptor, values[i], true)) {
			valid = false;
			continue;
		}
		for (size_t k = 0; k < i; k++)
			if (values[k] == values[i]) {
				core_violation(request, field, "repeats value %zu", k);
				valid = false;
			}
	}
	return valid;
}

bool core_check_date(core_request *request, const char *field, const char *value, bool required)
{
	if (value[0] == '\0') {
		if (required)
			core_violation(request, field, "is required (YYYY-MM-DD)");
		return !required;
	}
	int year = 0, month = 0, day = 0;
	char tail = 0;
	if (strlen(value) != 10 ||
	    sscanf(value, "%4d-%2d-%2d%c", &year, &month, &day, &tail) != 3 || year < 1900 ||
	    year > 2200 || month < 1 || month > 12 || day < 1) {
		core_violation(request, field, "must be a date YYYY-MM-DD, not \"%.40s\"", value);
		return false;
	}
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (day > days[month - 1] + (month == 2 ? leap : 0)) {
		core_violation(request, field, "%s is not a day of the calendar", value);
		return false;
	}
	return true;
}

bool core_check_email(core_request *request, const char *field, const char *value)
{
	if (value[0] == '\0')
		return true;
	const char *at = strchr(value, '@');
	const char *dot = at != NULL ? strrchr(at, '.') : NULL;
	bool ok = at != NULL && at != value && strchr(at + 1, '@') == NULL && dot != NULL &&
	          dot > at + 1 && dot[1] != '\0' && strlen(value) <= 254;
	for (const char *p = value; ok && *p != '\0'; p++)
		if (isspace((unsigned char)*p))
			ok = false;
	if (!ok)
		core_violation(request, field, "must be an e-mail address such as name@example.dk");
	return ok;
}

const char *core_enum_slug(core_request *request, const ProtobufCEnumDescriptor *descriptor,
                           int value)
{
	char slug[128];
	chc_enum_slug(descriptor, value, slug, sizeof(slug));
	return core_strdup(request, slug);
}

int core_enum_value(const ProtobufCEnumDescriptor *descriptor, const char *slug)
{
	int value = 0;
	if (chc_enum_parse(descriptor, slug, &value) != CHC_OK)
		return 0;
	return value;
}
