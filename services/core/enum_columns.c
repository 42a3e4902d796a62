#include "enum_columns.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "validate.h"

char *core_enum_array(core_request *request, const ProtobufCEnumDescriptor *descriptor,
                      const int *values, size_t count)
{
	char **slugs = core_alloc(request, (count + 1) * sizeof(char *));
	if (slugs == NULL)
		return NULL;
	for (size_t i = 0; i < count; i++) {
		slugs[i] = (char *)core_enum_slug(request, descriptor, values[i]);
		if (slugs[i] == NULL)
			return NULL;
	}
	return core_word_array(request, slugs, count);
}

char *core_word_array(core_request *request, char *const *words, size_t count)
{
	size_t length = 3;
	for (size_t i = 0; i < count; i++)
		length += strlen(words[i]) + 1;
	char *text = core_alloc(request, length);
	if (text == NULL)
		return NULL;
	size_t used = 0;
	text[used++] = '{';
	for (size_t i = 0; i < count; i++) {
		if (i > 0)
			text[used++] = ',';
		memcpy(text + used, words[i], strlen(words[i]));
		used += strlen(words[i]);
	}
	text[used++] = '}';
	text[used] = '\0';
	return text;
}

char **core_split(core_request *request, const char *text, char separator, size_t *count)
{
	*count = 0;
	size_t items = 1;
	for (const char *p = text; *p != '\0'; p++)
		items += *p == separator;
	char **words = core_alloc(request, items * sizeof(char *));
	/* A copy of its own: text is often libpq's, which is not ours to cut. */
	char *copy = core_strdup(request, text);
	if (words == NULL || copy == NULL || copy[0] == '\0')
		return words;
	char *word = copy;
	for (char *end = copy;; end++) {
		if (*end != separator && *end != '\0')
			continue;
		bool last = *end == '\0';
		*end = '\0';
		if (word[0] != '\0')
			words[(*count)++] = word;
		if (last)
			break;
		word = end + 1;
	}
	return words;
}

char **core_word_list(core_request *request, const char *text, size_t *count)
{
	return core_split(request, text, ',', count);
}

int *core_enum_list(core_request *request, const ProtobufCEnumDescriptor *descriptor,
                    const char *text, size_t *count)
{
	char **words = core_word_list(request, text, count);
	if (words == NULL)
		return NULL;
	int *values = core_alloc(request, (*count + 1) * sizeof(int));
	if (values == NULL)
		return NULL;
	for (size_t i = 0; i < *count; i++)
		values[i] = core_enum_value(descriptor, words[i]);
	return values;
}
