/* TEMPORARY naive algorithms to test the job plumbing; not committed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "assignment.h"
#include "consortia.h"
#include "scoring.h"
#include "stable.h"

static int has(const int *v, size_t n, int x) { for (size_t i = 0; i < n; i++) if (v[i] == x) return 1; return 0; }

static int failures(const Chc__V1__Need *n, const Chc__V1__Solution *s, char *d, size_t z)
{
	int f = 0; d[0] = 0;
	if (s->trl < n->min_trl) { f++; snprintf(d, z, "needs TRL %d, has %d", n->min_trl, s->trl); }
	if (n->max_device_class && (int)s->device_class > (int)n->max_device_class) f++;
	for (size_t i = 0; i < n->n_required_standards; i++)
		if (!has((const int *)s->standards, s->n_standards, n->required_standards[i])) { f++; if (!d[0]) snprintf(d, z, "needs medcom, lacks it"); }
	if (n->gdpr_dpa_required && !s->gdpr_dpa_available) f++;
	return f;
}
static int fb(const scoring_input *in, size_t n, size_t s) { for (size_t i = 0; i < in->feedback_count; i++) if (in->feedback[i].need == n && in->feedback[i].solution == s) return (int)i; return -1; }
static int soft(const scoring_input *in, size_t n, size_t s) {
	if (fb(in, n, s) >= 0) return 0;
	return has((const int *)in->solutions[s]->categories, in->solutions[s]->n_categories, in->needs[n]->care_area) ? 8000 : 3000;
}
void scoring_default_weights(double w[SCORING_SOFT_COUNT]) { for (int i = 0; i < SCORING_SOFT_COUNT; i++) w[i] = 1; }
chc_status scoring_run(const scoring_input *in, scoring_progress p, void *c, scoring_output *o, chc_error *e)
{
	(void)e;
	o->need_count = in->need_count; o->needs = calloc(in->need_count + 1, sizeof(*o->needs)); o->pairs_scored = 0;
	for (size_t n = 0; n < in->need_count; n++) {
		scoring_need_result *r = &o->needs[n];
		r->matches = calloc(in->solution_count + 1, sizeof(scoring_entry)); r->near_misses = calloc(in->solution_count + 1, sizeof(scoring_entry));
		for (size_t s = 0; s < in->solution_count; s++) {
			char d[160]; int f = failures(in->needs[n], in->solutions[s], d, sizeof d); o->pairs_scored++;
			scoring_entry e2 = { (uint32_t)s, soft(in, n, s), (uint16_t)f };
			if (f == 0 && (int)r->match_count < in->top_k) r->matches[r->match_count++] = e2;
			else if (f > 0 && (int)r->near_miss_count < in->gap_report_size) r->near_misses[r->near_miss_count++] = e2;
		}
		if (p && !p(c, (int64_t)n + 1, (int64_t)in->need_count)) return CHC_CANCELLED;
	}
	return CHC_OK;
}
void scoring_output_fini(scoring_output *o) { for (size_t n = 0; n < o->need_count; n++) { free(o->needs[n].matches); free(o->needs[n].near_misses); } free(o->needs); }
size_t scoring_explain(const scoring_input *in, size_t n, size_t s, scoring_reason *r, size_t max, int32_t *score)
{
	(void)max; char d[160]; int f = failures(in->needs[n], in->solutions[s], d, sizeof d); size_t c = 0;
	memset(r, 0, 3 * sizeof(*r));
	r[c].criterion = "trl"; r[c].hard = 1; r[c].met = in->solutions[s]->trl >= in->needs[n]->min_trl; snprintf(r[c].detail, 160, "needs TRL %d, has %d", in->needs[n]->min_trl, in->solutions[s]->trl); c++;
	r[c].criterion = "standards"; r[c].hard = 1; r[c].met = f == 0 || r[0].met == 0; snprintf(r[c].detail, 160, "%s", f ? "needs medcom, lacks it" : "all standards"); c++;
	int k = fb(in, n, s);
	if (k >= 0) { r[c].criterion = "feedback"; r[c].met = 0; snprintf(r[c].detail, 160, "not a match: %s", in->feedback[k].reason); c++; }
	*score = soft(in, n, s); return c;
}
chc_status assignment_solve(const assignment_problem *p, int *a, int64_t *t, chc_error *e)
{
	(void)e; int *used = calloc((size_t)p->test_bed_count + 1, sizeof(int)); *t = 0;
	for (int s = 0; s < p->solution_count; s++) a[s] = -1;
	for (size_t i = 0; i < p->pair_count; i++) { int s = p->pair_solution[i], b = p->pair_test_bed[i]; if (a[s] < 0 && used[b] < p->capacity[b]) { a[s] = (int)i; used[b]++; *t += p->pair_fit[i]; } }
	free(used); return CHC_OK;
}
chc_status stable_match(const stable_problem *p, int *a, chc_error *e) { assignment_problem q = { p->solution_count, p->test_bed_count, p->capacity, p->pair_count, p->pair_solution, p->pair_test_bed, p->solution_key }; int64_t t; return assignment_solve(&q, a, &t, e); }
bool stable_find_blocking_pair(const stable_problem *p, const int *a, size_t *b) { (void)p; (void)a; (void)b; return false; }
chc_status consortia_build(const consortia_input *in, consortia_group **g, size_t *count, chc_error *e)
{
	(void)e; const scoring_input *s = in->scoring; *g = calloc(1, sizeof(**g)); *count = 0;
	if (s->need_count < 2) return CHC_OK;
	consortia_group *x = *g; x->care_area = s->needs[0]->care_area; x->members = calloc(2, sizeof(consortia_member)); x->solutions = calloc(1, sizeof(consortia_solution));
	for (size_t i = 0; i < s->need_count && x->member_count < 2; i++) {
		if ((int)s->needs[i]->care_area != x->care_area) continue;
		consortia_member *m = &x->members[x->member_count++]; m->need = i; m->municipality_code = s->needs[i]->owners[0]->municipality_code; m->region_code = s->needs[i]->owners[0]->region_code;
		for (size_t k = 0; k < s->municipality_count; k++) if (s->municipalities[k].code == m->municipality_code) m->population = s->municipalities[k].population;
		snprintf(m->reason, sizeof m->reason, "alike"); x->total_population += m->population;
		x->budget_min_dkk += s->needs[i]->budget ? s->needs[i]->budget->min_dkk : 0; x->budget_max_dkk += s->needs[i]->budget ? s->needs[i]->budget->max_dkk : 0;
	}
	*count = x->member_count == 2; return CHC_OK;
}
void consortia_free(consortia_group *g, size_t c) { (void)c; if (g) { free(g->members); free(g->solutions); } free(g); }
