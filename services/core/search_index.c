/*
 * search_index.c - postings of a table's tsvectors, matched and ranked as
 * PostgreSQL does (search_index.h says when and why).
 *
 * A document's share of a lexeme's rank depends only on that lexeme's
 * positions in the document, so it is computed once, when the document is
 * put, exactly as PostgreSQL's calc_rank_or computes it per query; a query
 * then adds the shares of its lexemes in PostgreSQL's order (lexemes
 * sorted bytewise, each once) with PostgreSQL's float and double steps, and
 * divides by their number. The same operations in the same order give the
 * same bits.
 */
#include "search_index.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"

/* ts_rank's default weights of D, C, B and A. */
static const float rank_weights[4] = { 0.1f, 0.2f, 0.4f, 1.0f };

/* More distinct lexemes than this in one query: PostgreSQL answers it. */
#define QUERY_LEXEMES_MAX 64
#define QUERY_NODES_MAX   512
#define NOTHING           UINT32_MAX

typedef struct posting {
	uint32_t document;
	double share; /* of the rank: (wjm + resj - wjm / (jm + 1)^2) / (pi^2 / 6) */
} posting;

typedef struct indexed_lexeme {
	char *text;
	size_t length;
	posting *postings;
	size_t count, capacity;
} indexed_lexeme;

typedef struct indexed_document {
	char key[CORE_SEARCH_KEY_MAX];
	bool held;
} indexed_document;

/* Open addressing from a name (lexeme text, document key) to its index. */
typedef struct table_slot {
	uint32_t hash;
	uint32_t value; /* NOTHING: empty */
} table_slot;

typedef struct table {
	table_slot *slots;
	size_t mask; /* slots - 1, a power of two less one */
	size_t used;
} table;

/* A query's sums and lexeme masks per document, kept for the next query
 * (zeroed again as used): allocating them per query costs page faults. */
typedef struct scratch {
	float *sums;
	uint64_t *masks;
	uint32_t *touched;
	size_t capacity;
	struct scratch *next;
} scratch;

struct core_search_index {
	indexed_lexeme *lexemes;
	size_t lexeme_count, lexeme_capacity;
	table lexeme_table;
	indexed_document *documents;
	size_t document_count, document_capacity;
	table document_table;
	size_t held, dropped;
	pthread_mutex_t scratch_lock;
	scratch *spare;
};

static uint32_t hash_of(const char *text, size_t length)
{
	return core_fnv1a(CORE_FNV1A_BASIS, text, length);
}

static bool grow(void **items, size_t *capacity, size_t needed, size_t size)
{
	if (needed <= *capacity)
		return true;
	size_t more = *capacity < 8 ? 8 : *capacity * 2;
	while (more < needed)
		more *= 2;
	void *grown = realloc(*items, more * size);
	if (grown == NULL)
		return false;
	*items = grown;
	*capacity = more;
	return true;
}

static bool table_init(table *t, size_t slots)
{
	t->slots = malloc(slots * sizeof(table_slot));
	if (t->slots == NULL)
		return false;
	for (size_t i = 0; i < slots; i++)
		t->slots[i].value = NOTHING;
	t->mask = slots - 1;
	t->used = 0;
	return true;
}

/* The slot of name, or the empty slot where it would go. */
static table_slot *table_find(const core_search_index *index, const table *t, const char *name,
                              size_t length, uint32_t hash)
{
	for (size_t at = hash & t->mask;; at = (at + 1) & t->mask) {
		table_slot *slot = &t->slots[at];
		if (slot->value == NOTHING)
			return slot;
		if (slot->hash != hash)
			continue;
		if (t == &index->lexeme_table) {
			const indexed_lexeme *held = &index->lexemes[slot->value];
			if (held->length == length && memcmp(held->text, name, length) == 0)
				return slot;
		} else if (strcmp(index->documents[slot->value].key, name) == 0) {
			return slot;
		}
	}
}

/* Room for one more name at half load. */
static bool table_reserve(table *t)
{
	if ((t->used + 1) * 2 <= t->mask + 1)
		return true;
	table bigger;
	if (!table_init(&bigger, (t->mask + 1) * 2))
		return false;
	for (size_t i = 0; i <= t->mask; i++) {
		if (t->slots[i].value == NOTHING)
			continue;
		size_t at = t->slots[i].hash & bigger.mask;
		while (bigger.slots[at].value != NOTHING)
			at = (at + 1) & bigger.mask;
		bigger.slots[at] = t->slots[i];
	}
	bigger.used = t->used;
	free(t->slots);
	*t = bigger;
	return true;
}

core_search_index *core_search_index_new(void)
{
	core_search_index *index = calloc(1, sizeof(*index));
	if (index == NULL)
		return NULL;
	if (!table_init(&index->lexeme_table, 1024)) {
		free(index);
		return NULL;
	}
	if (!table_init(&index->document_table, 1024)) {
		free(index->lexeme_table.slots);
		free(index);
		return NULL;
	}
	pthread_mutex_init(&index->scratch_lock, NULL);
	return index;
}

void core_search_index_free(core_search_index *index)
{
	if (index == NULL)
		return;
	for (size_t i = 0; i < index->lexeme_count; i++) {
		free(index->lexemes[i].text);
		free(index->lexemes[i].postings);
	}
	free(index->lexemes);
	free(index->lexeme_table.slots);
	free(index->documents);
	free(index->document_table.slots);
	while (index->spare != NULL) {
		scratch *next = index->spare->next;
		free(index->spare->sums);
		free(index->spare->masks);
		free(index->spare->touched);
		free(index->spare);
		index->spare = next;
	}
	pthread_mutex_destroy(&index->scratch_lock);
	free(index);
}

size_t core_search_index_documents(const core_search_index *index)
{
	return index->held;
}

size_t core_search_index_dropped(const core_search_index *index)
{
	return index->dropped;
}

static void drop(core_search_index *index, uint32_t document)
{
	if (index->documents[document].held) {
		index->documents[document].held = false;
		index->held--;
		index->dropped++;
	}
}

void core_search_index_remove(core_search_index *index, const char *key)
{
	size_t length = strlen(key);
	table_slot *slot =
	        table_find(index, &index->document_table, key, length, hash_of(key, length));
	if (slot->value != NOTHING)
		drop(index, slot->value);
}

/* The lexeme of text (its escapes undone), added when new; NOTHING when
 * memory ran out. */
static uint32_t lexeme_of(core_search_index *index, const char *text, size_t length)
{
	uint32_t hash = hash_of(text, length);
	table_slot *slot = table_find(index, &index->lexeme_table, text, length, hash);
	if (slot->value != NOTHING)
		return slot->value;
	if (index->lexeme_count >= NOTHING - 1 ||
	    !grow((void **)&index->lexemes, &index->lexeme_capacity, index->lexeme_count + 1,
	          sizeof(indexed_lexeme)) ||
	    !table_reserve(&index->lexeme_table))
		return NOTHING;
	indexed_lexeme *added = &index->lexemes[index->lexeme_count];
	*added = (indexed_lexeme){ .text = malloc(length + 1), .length = length };
	if (added->text == NULL)
		return NOTHING;
	memcpy(added->text, text, length);
	added->text[length] = '\0';
	/* The table may have grown: find the empty slot again. */
	slot = table_find(index, &index->lexeme_table, text, length, hash);
	slot->hash = hash;
	slot->value = (uint32_t)index->lexeme_count;
	index->lexeme_table.used++;
	return (uint32_t)index->lexeme_count++;
}

/*
 * A quoted lexeme of a tsvector's or tsquery's output at *at ('it''s'),
 * its quotes and escapes undone into out (of size LEXEME_MAX); *at moves
 * past it. False when malformed or longer (PostgreSQL keeps no lexeme
 * of 2,047 bytes or more).
 */
enum { LEXEME_MAX = 2048 };
static bool read_lexeme(const char **at, char *out, size_t *length)
{
	const char *p = *at;
	if (*p != '\'')
		return false;
	p++;
	size_t used = 0;
	for (;;) {
		if (*p == '\0' || used + 1 >= LEXEME_MAX)
			return false;
		if (*p == '\'') {
			if (p[1] != '\'')
				break;
			p++;
		} else if (*p == '\\') {
			p++;
			if (*p == '\0')
				return false;
		}
		out[used++] = *p++;
	}
	*at = p + 1;
	*length = used;
	return used > 0;
}

/* The share of the rank of a lexeme whose positions carry weights (0 D .. 3
 * A, in the vector's order): calc_rank_or's per-entry step, with its types. */
static double share_of(const unsigned char *weights, int count)
{
	float resj = 0.0f, wjm = -1.0f;
	int jm = 0;
	for (int j = 0; j < count; j++) {
		resj = resj + rank_weights[weights[j]] / ((j + 1) * (j + 1));
		if (rank_weights[weights[j]] > wjm) {
			wjm = rank_weights[weights[j]];
			jm = j;
		}
	}
	return (wjm + resj - wjm / ((jm + 1) * (jm + 1))) / 1.64493406685;
}

/* One entry of a vector's text ('lexeme':1A,5B or 'lexeme') into the
 * postings of document. */
static bool put_entry(core_search_index *index, uint32_t document, const char **at)
{
	char text[LEXEME_MAX];
	size_t length = 0;
	if (!read_lexeme(at, text, &length))
		return false;
	/* PostgreSQL keeps at most 256 positions a lexeme. */
	unsigned char weights[256];
	int count = 0;
	const char *p = *at;
	if (*p == ':') {
		do {
			p++;
			if (*p < '0' || *p > '9')
				return false;
			while (*p >= '0' && *p <= '9')
				p++;
			unsigned char weight = 0;
			if (*p >= 'A' && *p <= 'C')
				weight = (unsigned char)(3 - (*p++ - 'A'));
			if (count == 256)
				return false;
			weights[count++] = weight;
		} while (*p == ',');
	} else {
		/* No positions: ts_rank counts one of weight D. */
		weights[count++] = 0;
	}
	*at = p;
	uint32_t found = lexeme_of(index, text, length);
	if (found == NOTHING)
		return false;
	indexed_lexeme *entry = &index->lexemes[found];
	if (!grow((void **)&entry->postings, &entry->capacity, entry->count + 1, sizeof(posting)))
		return false;
	entry->postings[entry->count++] = (posting){ document, share_of(weights, count) };
	return true;
}

bool core_search_index_put(core_search_index *index, const char *key, const char *vector)
{
	size_t length = strlen(key);
	if (length == 0 || length >= CORE_SEARCH_KEY_MAX || index->document_count >= NOTHING - 1)
		return false;
	uint32_t hash = hash_of(key, length);
	table_slot *slot = table_find(index, &index->document_table, key, length, hash);
	if (slot->value != NOTHING)
		drop(index, slot->value);
	else if (!table_reserve(&index->document_table))
		return false;
	if (!grow((void **)&index->documents, &index->document_capacity, index->document_count + 1,
	          sizeof(indexed_document)))
		return false;
	uint32_t added = (uint32_t)index->document_count++;
	indexed_document *entry = &index->documents[added];
	memcpy(entry->key, key, length + 1);
	entry->held = true;
	index->held++;
	slot = table_find(index, &index->document_table, key, length, hash);
	if (slot->value == NOTHING)
		index->document_table.used++;
	slot->hash = hash;
	slot->value = added;
	/* A vector that fails half way leaves postings of a dropped document:
	 * queries pass over them. */
	const char *at = vector;
	while (*at == ' ')
		at++;
	while (*at != '\0') {
		if (!put_entry(index, added, &at)) {
			drop(index, added);
			return false;
		}
		while (*at == ' ')
			at++;
	}
	return true;
}

/* A query's tree: its lexemes (numbered in PostgreSQL's order) and
 * operators, read from the tsquery's text output. */
typedef enum node_kind { NODE_LEXEME, NODE_NOT, NODE_AND, NODE_OR } node_kind;

typedef struct node {
	node_kind kind;
	uint32_t item;        /* NODE_LEXEME: its number among the distinct lexemes */
	uint32_t left, right; /* operands' nodes (NOT: left) */
	const char *text;     /* NODE_LEXEME, before numbering: in the parser's buffer */
	size_t length;
} node;

typedef struct parser {
	const char *at;
	node nodes[QUERY_NODES_MAX];
	size_t count;
	char buffer[QUERY_NODES_MAX * 8];
	size_t buffer_used;
	bool unsupported; /* phrase, prefix or weight: PostgreSQL answers */
} parser;

static void skip_spaces(parser *p)
{
	while (*p->at == ' ')
		p->at++;
}

static uint32_t add_node(parser *p, node made)
{
	if (p->count == QUERY_NODES_MAX) {
		p->unsupported = true;
		return NOTHING;
	}
	p->nodes[p->count] = made;
	return (uint32_t)p->count++;
}

static uint32_t parse_or(parser *p);

/* A lexeme, a negation or a parenthesis. */
static uint32_t parse_unary(parser *p)
{
	skip_spaces(p);
	if (*p->at == '!') {
		p->at++;
		uint32_t operand = parse_unary(p);
		return operand == NOTHING
		               ? NOTHING
		               : add_node(p, (node){ .kind = NODE_NOT, .left = operand });
	}
	if (*p->at == '(') {
		p->at++;
		uint32_t inner = parse_or(p);
		skip_spaces(p);
		if (inner == NOTHING || *p->at != ')') {
			p->unsupported = true;
			return NOTHING;
		}
		p->at++;
		return inner;
	}
	char text[LEXEME_MAX];
	size_t length = 0;
	if (!read_lexeme(&p->at, text, &length) || *p->at == ':' ||
	    p->buffer_used + length > sizeof(p->buffer)) {
		p->unsupported = true;
		return NOTHING;
	}
	char *kept = p->buffer + p->buffer_used;
	memcpy(kept, text, length);
	p->buffer_used += length;
	return add_node(p, (node){ .kind = NODE_LEXEME, .text = kept, .length = length });
}

/* Operands joined by op (AND binds tighter than OR; a phrase operator, "<",
 * is not answered here). */
static uint32_t parse_binary(parser *p, char op, node_kind kind, uint32_t (*operand)(parser *))
{
	uint32_t left = operand(p);
	for (;;) {
		skip_spaces(p);
		if (*p->at == '<')
			p->unsupported = true;
		if (left == NOTHING || p->unsupported || *p->at != op)
			return p->unsupported ? NOTHING : left;
		p->at++;
		uint32_t right = operand(p);
		if (right == NOTHING)
			return NOTHING;
		left = add_node(p, (node){ .kind = kind, .left = left, .right = right });
	}
}

static uint32_t parse_and(parser *p)
{
	return parse_binary(p, '&', NODE_AND, parse_unary);
}

static uint32_t parse_or(parser *p)
{
	return parse_binary(p, '|', NODE_OR, parse_and);
}

/* PostgreSQL's order of lexemes: bytes, then the shorter first. */
static int compare_text(const char *a, size_t a_length, const char *b, size_t b_length)
{
	int order = memcmp(a, b, a_length < b_length ? a_length : b_length);
	if (order != 0)
		return order;
	return a_length < b_length ? -1 : a_length > b_length ? 1 : 0;
}

static int compare_lexeme_nodes(const void *a, const void *b)
{
	const node *x = *(const node *const *)a, *y = *(const node *const *)b;
	return compare_text(x->text, x->length, y->text, y->length);
}

static bool evaluate(const node *nodes, uint32_t at, uint64_t present)
{
	const node *n = &nodes[at];
	switch (n->kind) {
	case NODE_LEXEME:
		return (present >> n->item) & 1u;
	case NODE_NOT:
		return !evaluate(nodes, n->left, present);
	case NODE_AND:
		return evaluate(nodes, n->left, present) && evaluate(nodes, n->right, present);
	case NODE_OR:
		return evaluate(nodes, n->left, present) || evaluate(nodes, n->right, present);
	}
	return false;
}

static scratch *scratch_take(core_search_index *index)
{
	pthread_mutex_lock(&index->scratch_lock);
	scratch *taken = index->spare;
	if (taken != NULL)
		index->spare = taken->next;
	pthread_mutex_unlock(&index->scratch_lock);
	if (taken == NULL)
		taken = calloc(1, sizeof(*taken));
	if (taken == NULL || taken->capacity >= index->document_count)
		return taken;
	size_t capacity = index->document_count;
	float *sums = realloc(taken->sums, capacity * sizeof(float));
	if (sums != NULL)
		taken->sums = sums;
	uint64_t *masks = realloc(taken->masks, capacity * sizeof(uint64_t));
	if (masks != NULL)
		taken->masks = masks;
	uint32_t *touched = realloc(taken->touched, capacity * sizeof(uint32_t));
	if (touched != NULL)
		taken->touched = touched;
	if (sums == NULL || masks == NULL || touched == NULL) {
		free(taken->sums);
		free(taken->masks);
		free(taken->touched);
		free(taken);
		return NULL;
	}
	memset(sums + taken->capacity, 0, (capacity - taken->capacity) * sizeof(float));
	memset(masks + taken->capacity, 0, (capacity - taken->capacity) * sizeof(uint64_t));
	taken->capacity = capacity;
	return taken;
}

static void scratch_give_back(core_search_index *index, scratch *given)
{
	pthread_mutex_lock(&index->scratch_lock);
	given->next = index->spare;
	index->spare = given;
	pthread_mutex_unlock(&index->scratch_lock);
}

/* Whether document a (rank a_rank) comes before b in the order. */
static bool before(const core_search_index *index, float a_rank, uint32_t a, float b_rank,
                   uint32_t b)
{
	if (a_rank != b_rank)
		return a_rank > b_rank;
	return strcmp(index->documents[a].key, index->documents[b].key) < 0;
}

static bool after_page(const core_search_index *index, const core_search_after *after, float rank,
                       uint32_t document)
{
	if (!after->given)
		return true;
	if (rank != after->rank)
		return rank < after->rank;
	return strcmp(index->documents[document].key, after->key) > 0;
}

/* A query read: its tree, and its lexemes numbered as PostgreSQL's
 * SortAndUniqItems numbers them (sorted, each once). */
typedef struct read_query {
	parser parsed;
	uint32_t root;
	const node *distinct[QUERY_LEXEMES_MAX];
	size_t size;
	bool empty; /* no lexemes at all */
} read_query;

static core_search_outcome read_text(read_query *q, const char *text)
{
	parser *p = &q->parsed;
	*p = (parser){ .at = text };
	q->size = 0;
	skip_spaces(p);
	q->empty = *p->at == '\0';
	if (q->empty)
		return CORE_SEARCH_ANSWERED;
	q->root = parse_or(p);
	skip_spaces(p);
	if (q->root == NOTHING || p->unsupported || *p->at != '\0')
		return CORE_SEARCH_UNSUPPORTED;
	node *lexemes[QUERY_NODES_MAX] = { NULL };
	size_t lexeme_nodes = 0;
	for (size_t i = 0; i < p->count; i++)
		if (p->nodes[i].kind == NODE_LEXEME)
			lexemes[lexeme_nodes++] = &p->nodes[i];
	qsort(lexemes, lexeme_nodes, sizeof(lexemes[0]), compare_lexeme_nodes);
	for (size_t i = 0; i < lexeme_nodes; i++) {
		const node *last = q->size > 0 ? q->distinct[q->size - 1] : NULL;
		if (last != NULL && compare_text(last->text, last->length, lexemes[i]->text,
		                                 lexemes[i]->length) == 0) {
			lexemes[i]->item = (uint32_t)(q->size - 1);
			continue;
		}
		if (q->size == QUERY_LEXEMES_MAX)
			return CORE_SEARCH_UNSUPPORTED;
		lexemes[i]->item = (uint32_t)q->size;
		q->distinct[q->size++] = lexemes[i];
	}
	/* ts_rank ranks a query under AND by its lexemes' distances, and a
	 * query true of a document holding none of its lexemes ("!a") matches
	 * documents no posting names. */
	if ((p->nodes[q->root].kind == NODE_AND && q->size >= 2) || evaluate(p->nodes, q->root, 0))
		return CORE_SEARCH_UNSUPPORTED;
	return CORE_SEARCH_ANSWERED;
}

/* The postings of each of the query's lexemes (NULL: in no document). */
static void find_lexemes(const core_search_index *index, const read_query *q,
                         const indexed_lexeme **entries)
{
	for (size_t i = 0; i < q->size; i++) {
		const node *lexeme = q->distinct[i];
		const table_slot *slot =
		        table_find(index, &index->lexeme_table, lexeme->text, lexeme->length,
		                   hash_of(lexeme->text, lexeme->length));
		entries[i] = slot->value != NOTHING ? &index->lexemes[slot->value] : NULL;
	}
}

/*
 * The lexeme every match holds, with the fewest postings: without it the
 * query is false even with all the others present, which (without NOT,
 * whose absence is not monotone) means false for every document lacking
 * it. NOTHING when there is none ("a | b") or the query has a NOT.
 */
static uint32_t pivot_of(const read_query *q, const indexed_lexeme *const *entries)
{
	for (size_t i = 0; i < q->parsed.count; i++)
		if (q->parsed.nodes[i].kind == NODE_NOT)
			return NOTHING;
	uint64_t all = q->size == 64 ? ~(uint64_t)0 : ((uint64_t)1 << q->size) - 1;
	uint32_t pivot = NOTHING;
	for (size_t i = 0; i < q->size; i++) {
		if (evaluate(q->parsed.nodes, q->root, all & ~((uint64_t)1 << i)))
			continue;
		size_t postings = entries[i] != NULL ? entries[i]->count : 0;
		if (pivot == NOTHING ||
		    postings < (entries[pivot] != NULL ? entries[pivot]->count : 0))
			pivot = (uint32_t)i;
	}
	return pivot;
}

/* The first posting at or after from whose document is at least document:
 * postings are in document order (a document put later has a larger
 * number), so a search gallops forward. */
static size_t gallop(const indexed_lexeme *entry, size_t from, uint32_t document)
{
	size_t step = 1, low = from, high = from;
	while (high < entry->count && entry->postings[high].document < document) {
		low = high + 1;
		high += step;
		step *= 2;
	}
	if (high > entry->count)
		high = entry->count;
	while (low < high) {
		size_t middle = low + (high - low) / 2;
		if (entry->postings[middle].document < document)
			low = middle + 1;
		else
			high = middle;
	}
	return low;
}

/* Adds a share to document d's sum and sets lexeme i's bit. */
static void add_share(scratch *work, uint32_t d, size_t i, double share)
{
	work->masks[d] |= (uint64_t)1 << i;
	/* calc_rank_or's "res = res + share": float plus double, into a float. */
	work->sums[d] = work->sums[d] + share;
}

/*
 * Each posting of the query's lexemes into the sums and masks of its
 * document, lexeme by lexeme in their order (so that each document's sum
 * is added up in PostgreSQL's order); returns how many documents were
 * touched (listed in work->touched). With a pivot, only the documents
 * holding it are candidates, and the other lexemes' postings are searched
 * for them rather than read whole: "heart failure at home" reads 1,166
 * documents, not the 32,659 holding "home".
 */
static size_t add_postings(const read_query *q, const indexed_lexeme *const *entries,
                           uint32_t pivot, scratch *work)
{
	if (pivot == NOTHING) {
		size_t touched = 0;
		for (size_t i = 0; i < q->size; i++) {
			for (size_t j = 0; entries[i] != NULL && j < entries[i]->count; j++) {
				uint32_t d = entries[i]->postings[j].document;
				if (work->masks[d] == 0)
					work->touched[touched++] = d;
				add_share(work, d, i, entries[i]->postings[j].share);
			}
		}
		return touched;
	}
	const indexed_lexeme *candidates = entries[pivot];
	if (candidates == NULL)
		return 0;
	for (size_t c = 0; c < candidates->count; c++)
		work->touched[c] = candidates->postings[c].document;
	for (size_t i = 0; i < q->size; i++) {
		const indexed_lexeme *entry = entries[i];
		size_t at = 0;
		for (size_t c = 0; entry != NULL && c < candidates->count && at < entry->count;
		     c++) {
			uint32_t d = work->touched[c];
			at = gallop(entry, at, d);
			if (at < entry->count && entry->postings[at].document == d)
				add_share(work, d, i, entry->postings[at].share);
		}
	}
	return candidates->count;
}

/* The best documents after the page: matched, ranked, kept in order in
 * best (at most limit); the touched entries of work zeroed again for the
 * next query. Returns how many were kept. */
static size_t keep_best(const core_search_index *index, const read_query *q, scratch *work,
                        size_t touched, const core_search_after *after, uint32_t *best,
                        float *best_rank, size_t limit, size_t *total)
{
	size_t kept = 0;
	for (size_t i = 0; i < touched; i++) {
		uint32_t d = work->touched[i];
		uint64_t present = work->masks[d];
		/* calc_rank_or's "res = res / size". */
		float rank = work->sums[d] / (int)q->size;
		work->masks[d] = 0;
		work->sums[d] = 0.0f;
		if (!index->documents[d].held || !evaluate(q->parsed.nodes, q->root, present))
			continue;
		(*total)++;
		if (limit == 0 || !after_page(index, after, rank, d))
			continue;
		if (kept == limit && !before(index, rank, d, best_rank[kept - 1], best[kept - 1]))
			continue;
		size_t at = kept < limit ? kept : limit - 1;
		while (at > 0 && before(index, rank, d, best_rank[at - 1], best[at - 1])) {
			best[at] = best[at - 1];
			best_rank[at] = best_rank[at - 1];
			at--;
		}
		best[at] = d;
		best_rank[at] = rank;
		if (kept < limit)
			kept++;
	}
	return kept;
}

core_search_outcome core_search_index_query(core_search_index *index, const char *query,
                                            const core_search_after *after, core_search_hit *hits,
                                            size_t limit, size_t *count, size_t *total)
{
	*count = 0;
	*total = 0;
	read_query *q = malloc(sizeof(*q));
	if (q == NULL)
		return CORE_SEARCH_NO_MEMORY;
	core_search_outcome outcome = read_text(q, query);
	/* No lexemes (only stop words): PostgreSQL matches nothing. */
	if (outcome != CORE_SEARCH_ANSWERED || q->empty) {
		free(q);
		return outcome;
	}
	scratch *work = scratch_take(index);
	uint32_t *best = malloc((limit + 1) * sizeof(uint32_t));
	float *best_rank = malloc((limit + 1) * sizeof(float));
	if (work != NULL && best != NULL && best_rank != NULL) {
		const indexed_lexeme *entries[QUERY_LEXEMES_MAX];
		find_lexemes(index, q, entries);
		size_t touched = add_postings(q, entries, pivot_of(q, entries), work);
		*count = keep_best(index, q, work, touched, after, best, best_rank, limit, total);
		for (size_t i = 0; i < *count; i++) {
			memcpy(hits[i].key, index->documents[best[i]].key, CORE_SEARCH_KEY_MAX);
			hits[i].rank = best_rank[i];
		}
	} else {
		outcome = CORE_SEARCH_NO_MEMORY;
	}
	if (work != NULL)
		scratch_give_back(index, work);
	free(best);
	free(best_rank);
	free(q);
	return outcome;
}
