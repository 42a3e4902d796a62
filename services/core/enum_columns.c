#include "enum_columns.h"

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

char **core_word_list(core_request *request, char *text, size_t *count)
{
	*count = 0;
	size_t items = 1;
	for (const char *p = text; *p != '\0'; p++)
		items += *p == ',';
	char **words = core_alloc(request, items * sizeof(char *));
	if (words == NULL || text[0] == '\0')
		return words;
	char *cursor = NULL;
	for (char *word = strtok_r(text, ",", &cursor); word != NULL;
	     word = strtok_r(NULL, ",", &cursor))
		words[(*count)++] = word;
	return words;
}

int *core_enum_list(core_request *request, const ProtobufCEnumDescriptor *descriptor, char *text,
                    size_t *count)
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
