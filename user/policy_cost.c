// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The TE rule index and the booleans' costs (moved from policy.c): what a boolean gates for
 * one domain (policy_bool_breadth) and over the whole policy (policy_bool_cost), from an index
 * of the policy's AV rules by (source, class) built on first use.
 */
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <selinux/selinux.h>
#include <sepol/booleans.h>
#include <sepol/context_record.h>
#include <sepol/debug.h>
#include <sepol/handle.h>
#include <sepol/policydb.h>
#include <sepol/policydb/conditional.h>
#include <sepol/policydb/ebitmap.h>
#include <sepol/policydb/policydb.h>
#include <sepol/policydb/services.h>
#include <sepol/policydb/sidtab.h>
#include <sepol/port_record.h>
#include <sepol/ports.h>

#include "policy.h"
#include "policy_cost.h"
#include "policy_internal.h"
#include "verdict.h"

/* cond_expr_t has a member named "bool", which <stdbool.h> turns into a keyword */
#pragma push_macro("bool")
#undef bool
static int expr_uses_bool(const cond_expr_t *e, uint32_t value)
{
	for (; e; e = e->next)
		if (e->expr_type == COND_BOOL && e->bool == value)
			return 1;
	return 0;
}
#pragma pop_macro("bool")

/* ---- memos ---- */

#define MEMO_MAX 8192 /* entries before a memo starts over */

static size_t memo_hash(uint64_t key)
{
	/* splitmix64's finaliser: keys differ in a few low bits of each field */
	key ^= key >> 30;
	key *= 0xbf58476d1ce4e5b9ULL;
	key ^= key >> 27;
	key *= 0x94d049bb133111ebULL;
	key ^= key >> 31;
	return (size_t)key;
}

void *memo_get(const struct memo *m, uint64_t key)
{
	size_t i;

	if (!m->cap)
		return NULL;
	for (i = memo_hash(key) & (m->cap - 1); m->slots[i].val; i = (i + 1) & (m->cap - 1))
		if (m->slots[i].key == key)
			return m->slots[i].val;
	return NULL;
}

void memo_clear(struct memo *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->slots[i].val);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

/* Double the table (cap 0: the first one), rehashing what it holds. */
static int memo_grow(struct memo *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64, i, j;
	struct memo_slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < m->cap; i++) {
		if (!m->slots[i].val)
			continue;
		for (j = memo_hash(m->slots[i].key) & (cap - 1); slots[j].val;
		     j = (j + 1) & (cap - 1))
			;
		slots[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

int memo_put(struct memo *m, uint64_t key, void *val)
{
	size_t i;

	if (!val)
		return -EINVAL;
	if (m->n >= MEMO_MAX)
		memo_clear(m);
	if ((m->n + 1) * 2 > m->cap && memo_grow(m))
		return -ENOMEM;
	for (i = memo_hash(key) & (m->cap - 1); m->slots[i].val; i = (i + 1) & (m->cap - 1)) {
		if (m->slots[i].key == key) {
			free(m->slots[i].val);
			m->slots[i].val = val;
			return 0;
		}
	}
	m->slots[i] = (struct memo_slot){ .key = key, .val = val };
	m->n++;
	return 0;
}

int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Room for one more element of size elem in *v (n used, *cap allocated): 0 or -ENOMEM. */
static int vec_reserve(void **v, size_t n, size_t *cap, size_t elem)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	nv = realloc(*v, ncap * elem);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

int u32_vec_push(struct u32_vec *vec, uint32_t value)
{
	if (vec_reserve((void **)&vec->v, vec->n, &vec->cap, sizeof(*vec->v)))
		return -ENOMEM;
	vec->v[vec->n++] = value;
	return 0;
}

static int pair_add(struct u32_vec *s, uint32_t type, uint32_t tclass)
{
	return u32_vec_push(s, type << 16 | (tclass & 0xffff)); /* (type << 16) | class */
}

/* Every (target type, class) that an allow rule under boolean idx could open for stype. */
static int bool_rule_pairs(struct policy *p, uint32_t stype, int idx, struct u32_vec *s)
{
	policydb_t *db = pdb(p);
	cond_node_t *node;
	size_t i, j;

	for (node = db->cond_list; node; node = node->next) {
		cond_av_list_t *lists[2] = { node->true_list, node->false_list }, *l;
		int k;

		if (!expr_uses_bool(node->expr, (uint32_t)idx + 1))
			continue;
		for (k = 0; k < 2; k++) {
			for (l = lists[k]; l; l = l->next) {
				avtab_key_t *key = &l->node->key;
				type_datum_t *tt;
				ebitmap_node_t *en;
				unsigned int bit;

				if (!(key->specified & AVTAB_ALLOWED) ||
				    !ebitmap_get_bit(&db->type_attr_map[stype - 1],
						     key->source_type - 1))
					continue;
				tt = db->type_val_to_struct[key->target_type - 1];
				if (!tt || tt->flavor != TYPE_ATTRIB) {
					if (pair_add(s, key->target_type, key->target_class))
						return -ENOMEM;
					continue;
				}
				ebitmap_for_each_positive_bit(
					&db->attr_type_map[key->target_type - 1], en, bit)
				{
					if (pair_add(s, bit + 1, key->target_class))
						return -ENOMEM;
				}
			}
		}
	}
	if (!s->n)
		return 0;
	qsort(s->v, s->n, sizeof(*s->v), cmp_u32);
	for (i = 1, j = 1; i < s->n; i++)
		if (s->v[i] != s->v[j - 1])
			s->v[j++] = s->v[i];
	s->n = j;
	return 0;
}

static int breadth_te_gains(struct policy *p, uint32_t stype, int idx, bool value,
			    const struct u32_vec *pairs, uint32_t *gain);

int flipped_allowed(struct policy *p, int idx, bool value, sepol_security_id_t ssid,
		    sepol_security_id_t tsid, sepol_security_class_t tclass,
		    sepol_access_vector_t *allowed)
{
	struct sepol_av_decision avd;
	sepol_access_vector_t *known;
	unsigned int reason;
	uint64_t key = 0;
	bool keep = idx >= 0 && idx < (1 << 11) && ssid < (1U << 20) && tsid < (1U << 20) &&
		    tclass < (1U << 10);

	if (keep) {
		key = (uint64_t)ssid << 42 | (uint64_t)tsid << 22 | (uint64_t)tclass << 12 |
		      (uint64_t)idx << 1 | value;
		known = memo_get(&p->flipped, key);
		if (known) {
			*allowed = *known;
			return 0;
		}
	}
	activate(p);
	if (sepol_compute_av_reason(ssid, tsid, tclass, ~0U, &avd, &reason) < 0)
		return -EINVAL;
	*allowed = avd.allowed;
	if (keep && (known = malloc(sizeof(*known)))) {
		*known = avd.allowed;
		if (memo_put(&p->flipped, key, known))
			free(known);
	}
	return 0;
}

int policy_bool_breadth(struct policy *p, const char *source, const char *boolean, bool value,
			struct policy_breadth *out)
{
	char stype[POLICY_NAME_LEN];
	struct u32_vec s = { 0 };
	struct policy_breadth *known;
	sepol_security_id_t ssid;
	sepol_access_vector_t *before = NULL;
	uint32_t *gain = NULL;
	uint64_t key;
	type_datum_t *td;
	int idx = bool_index(p, boolean), ret = 0;
	bool cur, exact;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (idx < 0)
		return -ENOENT;
	if (strchr(source, ':') ? context_type(source, stype, sizeof(stype))
				: snprintf(stype, sizeof(stype), "%s", source) < 0)
		return -EINVAL;
	td = type_lookup(p, stype);
	activate(p);
	if (!td || type_sid(p, stype, true, &ssid))
		return -ENOENT;
	cur = pdb(p)->bool_val_to_struct[idx]->state;
	if (cur == value)
		return 0;
	/* the same source and boolean come back for every port type a relabel tries, and for
	 * every finding of the source
	 */
	key = (uint64_t)td->s.value << 32 | (uint64_t)idx << 1 | value;
	known = memo_get(&p->breadth, key);
	if (known) {
		*out = *known;
		return 0;
	}
	ret = bool_rule_pairs(p, td->s.value, idx, &s);
	if (ret || !s.n)
		goto out;
	gain = malloc(s.n * sizeof(*gain));
	if (!gain) {
		ret = -ENOMEM;
		goto out;
	}
	ret = breadth_te_gains(p, td->s.value, idx, value, &s, gain);
	if (ret < 0)
		goto out;
	exact = !ret;
	ret = 0;
	if (exact) {
		/* libsepol's decision is the TE one less what the constraints and the RBAC rules
		 * take away, none of which a boolean switches: what the flip grants is the TE
		 * gain that libsepol's decision after the flip allows. One decision for each
		 * pair whose TE rules gain anything.
		 */
		bool_set_idx(p, idx, value);
		for (i = 0; i < s.n; i++) {
			sepol_access_vector_t gained, allowed;
			sepol_security_id_t tsid;

			if (!gain[i] || value_sid(p, s.v[i] >> 16, false, &tsid))
				continue;
			/* a gain that no constraint names is libsepol's too: asked otherwise */
			if (!(gain[i] & te_constrained(p, s.v[i] & 0xffff)))
				allowed = gain[i];
			else if (flipped_allowed(p, idx, value, ssid, tsid, s.v[i] & 0xffff,
						 &allowed))
				continue;
			gained = allowed & gain[i];
			if (gained) {
				out->perms += (unsigned long)__builtin_popcount(gained);
				out->targets++;
			}
		}
		bool_set_idx(p, idx, cur);
		goto out;
	}
	/* the index cannot tell: libsepol's decision each way for every pair */
	before = calloc(s.n, sizeof(*before));
	if (!before) {
		ret = -ENOMEM;
		goto out;
	}
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1)
			bool_set_idx(p, idx, value);
		for (i = 0; i < s.n; i++) {
			struct sepol_av_decision avd;
			sepol_security_id_t tsid;
			unsigned int reason;
			sepol_access_vector_t gained;

			if (value_sid(p, s.v[i] >> 16, false, &tsid))
				continue;
			activate(p);
			if (sepol_compute_av_reason(ssid, tsid, s.v[i] & 0xffff, ~0U, &avd,
						    &reason) < 0)
				continue;
			if (pass == 0) {
				before[i] = avd.allowed;
				continue;
			}
			gained = avd.allowed & ~before[i];
			if (gained) {
				out->perms += (unsigned long)__builtin_popcount(gained);
				out->targets++;
			}
		}
	}
	bool_set_idx(p, idx, cur);
out:
	if (!ret && (known = malloc(sizeof(*known)))) {
		*known = *out;
		if (memo_put(&p->breadth, key, known))
			free(known);
	}
	free(gain);
	free(before);
	free(s.v);
	return ret;
}

/* ---- whole-policy cost of a boolean, and of a port relabel ---- */

/* A growable array of 64-bit values. */
struct u64_vec {
	uint64_t *v;
	size_t n, cap;
};

static int u64_vec_push(struct u64_vec *vec, uint64_t value)
{
	if (vec_reserve((void **)&vec->v, vec->n, &vec->cap, sizeof(*vec->v)))
		return -ENOMEM;
	vec->v[vec->n++] = value;
	return 0;
}

/* Sorts keys of at most 48 bits and drops duplicates: LSD radix, three 16-bit digits (a broad
 * boolean covers ~200,000 triples; qsort took 30 ms of CPU on them).
 */
static int u64_vec_sort_unique(struct u64_vec *vec)
{
	uint64_t *tmp, *from = vec->v, *to, *swap;
	size_t *count, i, j;
	unsigned int shift;

	if (vec->n < 2)
		return 0;
	tmp = malloc(vec->n * sizeof(*tmp));
	count = malloc(65536 * sizeof(*count));
	if (!tmp || !count) {
		free(tmp);
		free(count);
		return -ENOMEM;
	}
	to = tmp;
	for (shift = 0; shift < 48; shift += 16) {
		size_t sum = 0;

		memset(count, 0, 65536 * sizeof(*count));
		for (i = 0; i < vec->n; i++)
			count[(from[i] >> shift) & 0xffff]++;
		for (i = 0; i < 65536; i++) {
			size_t c = count[i];

			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < vec->n; i++)
			to[count[(from[i] >> shift) & 0xffff]++] = from[i];
		swap = from;
		from = to;
		to = swap;
	}
	/* after three passes the sorted keys are in tmp (from): copy back without duplicates */
	for (i = 1, j = 1, vec->v[0] = from[0]; i < vec->n; i++)
		if (from[i] != vec->v[j - 1])
			vec->v[j++] = from[i];
	vec->n = j;
	free(tmp);
	free(count);
	return 0;
}

/* (source type, class, target type) as a sortable key: sorted, the triples of one source
 * are together, and within them those of one class. Types and classes are 16-bit in avtab.
 */
static uint64_t triple_key(uint32_t stype, uint32_t ttype, uint32_t tclass)
{
	return (uint64_t)(stype & 0xffff) << 32 | (uint64_t)(tclass & 0xffff) << 16 |
	       (ttype & 0xffff);
}

static uint32_t triple_source(uint64_t key)
{
	return (uint32_t)(key >> 32);
}

static uint32_t triple_class(uint64_t key)
{
	return (uint32_t)(key >> 16) & 0xffff;
}

static uint32_t triple_target(uint64_t key)
{
	return (uint32_t)key & 0xffff;
}

/* The set bits of an ebitmap, plus one (type values), a 64-bit node at a time: libsepol's
 * ebitmap_for_each_positive_bit tests every bit below highbit.
 */
static int ebitmap_values(const ebitmap_t *e, struct u32_vec *out)
{
	const ebitmap_node_t *n;

	for (n = e->node; n; n = n->next) {
		uint64_t map = n->map;

		while (map) {
			if (u32_vec_push(out, n->startbit + (uint32_t)__builtin_ctzll(map) + 1))
				return -ENOMEM;
			map &= map - 1;
		}
	}
	return 0;
}

/* The primary types a rule's type field covers: the type itself, or an attribute's members
 * (attr_type_map, as the kernel applies the avtab).
 */
int rule_types(const policydb_t *db, uint32_t value, struct u32_vec *out)
{
	type_datum_t *td = db->type_val_to_struct[value - 1];

	out->n = 0;
	if (!td || td->flavor != TYPE_ATTRIB)
		return u32_vec_push(out, value);
	return ebitmap_values(&db->attr_type_map[value - 1], out);
}

/* Every (source type, target type, class) an avtab rule covers. */
static int rule_triples(const policydb_t *db, const avtab_key_t *key, struct u32_vec *src,
			struct u32_vec *tgt, struct u64_vec *out)
{
	size_t i, j;

	if (rule_types(db, key->source_type, src) || rule_types(db, key->target_type, tgt))
		return -ENOMEM;
	for (i = 0; i < src->n; i++)
		for (j = 0; j < tgt->n; j++)
			if (u64_vec_push(out, triple_key(src->v[i], tgt->v[j], key->target_class)))
				return -ENOMEM;
	return 0;
}

static const class_datum_t *class_datum(const policydb_t *db, uint32_t tclass)
{
	return tclass && tclass <= db->p_classes.nprim ? db->class_val_to_struct[tclass - 1] : NULL;
}

/* The permission bits a class defines (its own and its common's). */
static uint32_t class_perm_mask(const policydb_t *db, uint32_t tclass)
{
	const class_datum_t *cd = class_datum(db, tclass);

	if (!cd)
		return 0;
	return cd->permissions.nprim >= 32 ? ~0U : (1U << cd->permissions.nprim) - 1;
}

void te_index_free(struct te_index *ix)
{
	if (!ix)
		return;
	free(ix->rows);
	free(ix->row_start);
	free(ix->attr_start);
	free(ix->attrs);
	free(ix->constrained);
	free(ix);
}

uint32_t te_constrained(const struct policy *p, uint32_t tclass)
{
	const policydb_t *db = pdb(p);

	if (!p->te || p->te->bounded || !tclass || tclass > db->p_classes.nprim)
		return ~0U;
	return p->te->constrained[tclass - 1];
}

/* Counts (rows NULL) or copies the AV rules of an avtab. */
static void te_rows_collect(const avtab_t *tab, bool cond, struct te_row *rows, size_t *n)
{
	uint32_t slot;
	avtab_ptr_t node;

	for (slot = 0; tab->htable && slot < tab->nslot; slot++) {
		for (node = tab->htable[slot]; node; node = node->next) {
			uint16_t spec = node->key.specified & (AVTAB_ALLOWED | AVTAB_AUDITDENY);

			if (!spec)
				continue;
			if (rows)
				rows[*n] = (struct te_row){
					.node = cond ? node : NULL,
					.data = node->datum.data,
					.source = node->key.source_type,
					.tclass = node->key.target_class,
					.target = node->key.target_type,
					.specified = spec,
				};
			(*n)++;
		}
	}
}

/*
 * A stable counting sort of rows into out by class (by_class) or by source, whose values are
 * 1..keys. Leaves in start[k] the first row of key k, and in start[keys + 1] the row count.
 */
static void te_rows_sort(const struct te_row *in, struct te_row *out, size_t n, size_t keys,
			 bool by_class, uint32_t *start)
{
	size_t i;

	memset(start, 0, (keys + 2) * sizeof(*start));
	for (i = 0; i < n; i++)
		start[by_class ? in[i].tclass : in[i].source]++;
	for (i = 1; i <= keys + 1; i++)
		start[i] += start[i - 1];
	/* start[k] is now the end of key k: filling backwards leaves its beginning, stably */
	for (i = n; i-- > 0;)
		out[--start[by_class ? in[i].tclass : in[i].source]] = in[i];
}

int te_index_build(struct policy *p)
{
	policydb_t *db = pdb(p);
	uint32_t ntypes = db->p_types.nprim, v;
	struct u32_vec attrs = { 0 };
	struct te_index *ix;
	struct te_row *tmp = NULL;
	uint32_t *start = NULL;
	size_t n = 0;

	if (p->te)
		return 0;
	ix = calloc(1, sizeof(*ix));
	if (!ix)
		return -ENOMEM;
	te_rows_collect(&db->te_avtab, false, NULL, &n);
	te_rows_collect(&db->te_cond_avtab, true, NULL, &n);
	ix->rows = malloc((n ? n : 1) * sizeof(*ix->rows));
	tmp = malloc((n ? n : 1) * sizeof(*tmp));
	start = malloc(((size_t)(ntypes > db->p_classes.nprim ? ntypes : db->p_classes.nprim) + 2) *
		       sizeof(*start));
	ix->row_start = malloc(((size_t)ntypes + 2) * sizeof(*ix->row_start));
	ix->attr_start = malloc(((size_t)ntypes + 1) * sizeof(*ix->attr_start));
	if (!ix->rows || !tmp || !start || !ix->row_start || !ix->attr_start)
		goto nomem;
	ix->nrows = 0;
	te_rows_collect(&db->te_avtab, false, ix->rows, &ix->nrows);
	te_rows_collect(&db->te_cond_avtab, true, ix->rows, &ix->nrows);
	/* by class, then stably by source: sorted by (source, class) */
	te_rows_sort(ix->rows, tmp, ix->nrows, db->p_classes.nprim, true, start);
	te_rows_sort(tmp, ix->rows, ix->nrows, ntypes, false, start);
	memcpy(ix->row_start, start, ((size_t)ntypes + 2) * sizeof(*start));
	for (v = 1; v <= ntypes; v++) {
		ix->attr_start[v - 1] = (uint32_t)attrs.n;
		if (ebitmap_values(&db->type_attr_map[v - 1], &attrs))
			goto nomem;
	}
	ix->attr_start[ntypes] = (uint32_t)attrs.n;
	ix->attrs = attrs.v;
	attrs.v = NULL; /* the index's now */
	ix->constrained =
		calloc(db->p_classes.nprim ? db->p_classes.nprim : 1, sizeof(*ix->constrained));
	if (!ix->constrained)
		goto nomem;
	for (v = 1; v <= db->p_classes.nprim; v++) {
		const class_datum_t *cd = db->class_val_to_struct[v - 1];
		const constraint_node_t *cn;

		if (!cd || v == db->process_class) {
			ix->constrained[v - 1] = ~0U;
			continue;
		}
		for (cn = cd->constraints; cn; cn = cn->next)
			ix->constrained[v - 1] |= cn->permissions;
	}
	for (v = 1; v <= ntypes && !ix->bounded; v++)
		ix->bounded =
			db->type_val_to_struct[v - 1] && db->type_val_to_struct[v - 1]->bounds;
	free(tmp);
	free(start);
	p->te = ix;
	return 0;
nomem:
	free(attrs.v);
	free(tmp);
	free(start);
	te_index_free(ix);
	return -ENOMEM;
}

/* What one flip changes for one source type. */
struct source_delta {
	uint32_t type;
	uint32_t granted, revoked, hidden, revealed;
};

struct bool_cost_entry {
	bool valid;
	struct policy_bool_cost totals; /* as for source NULL */
	struct source_delta *sources;	/* sorted by type; only types with a change */
	size_t nsources;
};

void cost_cache_drop(struct policy *p)
{
	size_t i, n;

	memo_clear(&p->breadth);
	memo_clear(&p->connectable);
	memo_clear(&p->relabel);
	memo_clear(&p->flipped);
	if (!p->cost_cache)
		return;
	n = 2 * (size_t)pdb(p)->p_bools.nprim;
	for (i = 0; i < n; i++)
		free(p->cost_cache[i].sources);
	free(p->cost_cache);
	p->cost_cache = NULL;
}

/* A growable array of avtab nodes. */
struct node_vec {
	avtab_ptr_t *v;
	size_t n, cap;
};

static int node_vec_push(struct node_vec *vec, avtab_ptr_t node)
{
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 64;
		avtab_ptr_t *nv = realloc(vec->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		vec->v = nv;
		vec->cap = cap;
	}
	vec->v[vec->n++] = node;
	return 0;
}

static int cmp_node(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)(*(const avtab_ptr_t *)a);
	uintptr_t y = (uintptr_t)(*(const avtab_ptr_t *)b);

	return x < y ? -1 : x > y;
}

/* The conditional rules one flip switches (sorted by node address) and what they cover. */
struct flip {
	struct node_vec on, off;
	struct u64_vec triples; /* sorted, unique */
};

static void flip_free(struct flip *f)
{
	free(f->on.v);
	free(f->off.v);
	free(f->triples.v);
}

static int flip_list(const policydb_t *db, const cond_av_list_t *list, struct node_vec *nodes,
		     unsigned long *allow_rules, unsigned long *dontaudit_rules,
		     struct u32_vec *src, struct u32_vec *tgt, struct u64_vec *triples)
{
	const cond_av_list_t *l;

	for (l = list; l; l = l->next) {
		uint32_t spec = l->node->key.specified;

		if (!(spec & (AVTAB_ALLOWED | AVTAB_AUDITDENY)))
			continue;
		*allow_rules += !!(spec & AVTAB_ALLOWED);
		*dontaudit_rules += !!(spec & AVTAB_AUDITDENY);
		if (node_vec_push(nodes, l->node) ||
		    (triples && rule_triples(db, &l->node->key, src, tgt, triples)))
			return -ENOMEM;
	}
	return 0;
}

/*
 * The conditional rules that setting boolean idx to value switches: both lists of every
 * conditional whose expression changes value (the other booleans as they are). Counts them
 * into totals; with_triples: and every (source, target, class) they cover into f->triples.
 */
static int flip_collect(struct policy *p, int idx, bool value, struct policy_bool_cost *totals,
			struct flip *f, bool with_triples)
{
	policydb_t *db = pdb(p);
	cond_bool_datum_t *b = db->bool_val_to_struct[idx];
	struct u32_vec src = { 0 }, tgt = { 0 };
	int cur = b->state, ret = 0;
	cond_node_t *node;

	for (node = db->cond_list; node && !ret; node = node->next) {
		int before, after;

		if (!expr_uses_bool(node->expr, (uint32_t)idx + 1))
			continue;
		b->state = cur;
		before = cond_evaluate_expr(db, node->expr);
		b->state = value;
		after = cond_evaluate_expr(db, node->expr);
		/* -1: a malformed expression, which the kernel treats as false */
		if ((before > 0) == (after > 0))
			continue;
		ret = flip_list(db, after > 0 ? node->true_list : node->false_list, &f->on,
				&totals->allow_rules_on, &totals->dontaudit_rules_on, &src, &tgt,
				with_triples ? &f->triples : NULL);
		if (!ret)
			ret = flip_list(db, after > 0 ? node->false_list : node->true_list, &f->off,
					&totals->allow_rules_off, &totals->dontaudit_rules_off,
					&src, &tgt, with_triples ? &f->triples : NULL);
	}
	b->state = cur;
	free(src.v);
	free(tgt.v);
	if (!ret)
		ret = u64_vec_sort_unique(&f->triples);
	if (ret)
		return ret;
	if (f->on.n)
		qsort(f->on.v, f->on.n, sizeof(*f->on.v), cmp_node);
	if (f->off.n)
		qsort(f->off.v, f->off.n, sizeof(*f->off.v), cmp_node);
	return 0;
}

/* The TE decision for one triple before and after the flip. */
struct te_flip_av {
	uint32_t allowed_before, allowed_after;
	uint32_t auditdeny_before, auditdeny_after;
};

/* Whether a rule applies before the flip, after it, or both. */
static void te_row_apply(const struct flip *f, const struct te_row *r, struct te_flip_av *av)
{
	bool before = true, after = true;

	if (r->node) {
		if (f->on.n && bsearch(&r->node, f->on.v, f->on.n, sizeof(*f->on.v), cmp_node))
			before = false;
		else if (f->off.n &&
			 bsearch(&r->node, f->off.v, f->off.n, sizeof(*f->off.v), cmp_node))
			after = false;
		else if (!(r->node->key.specified & AVTAB_ENABLED))
			return;
	}
	if (r->specified & AVTAB_ALLOWED) {
		av->allowed_before |= before ? r->data : 0;
		av->allowed_after |= after ? r->data : 0;
	} else {
		av->auditdeny_before &= before ? r->data : ~0U;
		av->auditdeny_after &= after ? r->data : ~0U;
	}
}

/* Scratch space for te_group(): which slots of the group each target attribute reaches. */
struct te_scratch {
	int32_t *attr_head; /* [ntypes]: first link of attribute value v at [v - 1]; -1: none */
	struct te_link {
		int32_t slot, next;
	} * links;
	size_t nlinks, cap;
};

/*
 * The TE decisions before and after the flip for keys[0..n), which share one source type and
 * class: the rules of each (source attribute, class) are read once, and each reaches the
 * group's targets through the target attributes they hold.
 */
static int te_group(const struct policy *p, const struct flip *f, const uint64_t *keys, size_t n,
		    struct te_flip_av *av, struct te_scratch *sc)
{
	const struct te_index *ix = p->te;
	uint32_t stype = triple_source(keys[0]), tclass = triple_class(keys[0]);
	size_t i, a, r;

	sc->nlinks = 0;
	for (i = 0; i < n; i++) {
		uint32_t t = triple_target(keys[i]);

		av[i] = (struct te_flip_av){ .auditdeny_before = ~0U, .auditdeny_after = ~0U };
		for (a = ix->attr_start[t - 1]; a < ix->attr_start[t]; a++) {
			if (sc->nlinks == sc->cap) {
				size_t ncap = sc->cap ? sc->cap * 2 : 1024;
				struct te_link *nl = realloc(sc->links, ncap * sizeof(*nl));

				if (!nl)
					return -ENOMEM;
				/* the analyzer cannot tell that only links below nlinks are read */
				memset(nl + sc->cap, 0, (ncap - sc->cap) * sizeof(*nl));
				sc->links = nl;
				sc->cap = ncap;
			}
			sc->links[sc->nlinks].slot = (int32_t)i;
			sc->links[sc->nlinks].next = sc->attr_head[ix->attrs[a] - 1];
			sc->attr_head[ix->attrs[a] - 1] = (int32_t)sc->nlinks++;
		}
	}
	if (!sc->links)
		return 0; /* the targets hold no type at all: nothing can reach them */
	for (a = ix->attr_start[stype - 1]; a < ix->attr_start[stype]; a++) {
		uint32_t sattr = ix->attrs[a];
		size_t lo = ix->row_start[sattr], hi = ix->row_start[sattr + 1];

		/* the first row of (sattr, tclass) */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (ix->rows[mid].tclass < tclass)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (r = lo; r < ix->row_start[sattr + 1] && ix->rows[r].tclass == tclass; r++) {
			const struct te_row *row = &ix->rows[r];
			int32_t l;

			for (l = sc->attr_head[row->target - 1]; l >= 0 && (size_t)l < sc->nlinks;
			     l = sc->links[l].next) {
				size_t slot = (size_t)sc->links[l].slot;

				if (slot < n)
					te_row_apply(f, row, &av[slot]);
			}
		}
	}
	/* leave attr_head all -1 for the next group */
	for (i = 0; i < n; i++) {
		uint32_t t = triple_target(keys[i]);

		for (a = ix->attr_start[t - 1]; a < ix->attr_start[t]; a++)
			sc->attr_head[ix->attrs[a] - 1] = -1;
	}
	return 0;
}

/* A pair of policy_bool_breadth() as a triple of the index, and its place among the pairs. */
struct gain_slot {
	uint64_t key;
	size_t pair;
};

static int cmp_gain_slot(const void *a, const void *b)
{
	const struct gain_slot *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

/* Does a conditional that reads boolean idx evaluate to undefined (-1) with it either way?
 * libsepol then disables both its lists, where flip_collect() reads the expression as false.
 */
static bool flip_undefined(struct policy *p, int idx, bool value)
{
	policydb_t *db = pdb(p);
	cond_bool_datum_t *b = db->bool_val_to_struct[idx];
	int cur = b->state;
	bool undefined = false;
	const cond_node_t *node;

	for (node = db->cond_list; node && !undefined; node = node->next) {
		if (!expr_uses_bool(node->expr, (uint32_t)idx + 1))
			continue;
		b->state = cur;
		undefined = cond_evaluate_expr(db, node->expr) < 0;
		b->state = value;
		undefined = undefined || cond_evaluate_expr(db, node->expr) < 0;
	}
	b->state = cur;
	return undefined;
}

/*
 * What each pair (target << 16 | class) of source stype gains by the TE rules alone when
 * boolean idx is set to value, from the index as te_group() reads it for policy_bool_cost():
 * gain[i] for pairs->v[i], the permissions allowed by the rules after the flip and not
 * before. libsepol's decision is the TE one less what the constraints and the RBAC rules
 * take away, and no boolean switches those: a pair gains in libsepol's decision what it
 * gains here and libsepol allows after the flip. Typebounds are the exception (a bounded
 * type's decision depends on its parent's, which a boolean can switch), and so is an
 * undefined conditional: then 1, and every pair is to be asked each way. 0, or -ENOMEM.
 */
static int breadth_te_gains(struct policy *p, uint32_t stype, int idx, bool value,
			    const struct u32_vec *pairs, uint32_t *gain)
{
	size_t ntypes = pdb(p)->p_types.nprim, i, start;
	struct policy_bool_cost counts = { 0 };
	struct te_scratch sc = { 0 };
	struct gain_slot *slots = NULL;
	struct te_flip_av *av = NULL;
	uint64_t *keys = NULL;
	struct flip f = { 0 };
	int ret;

	ret = te_index_build(p);
	if (ret)
		return ret;
	if (p->te->bounded || !stype || stype > ntypes || flip_undefined(p, idx, value))
		return 1;
	for (i = 0; i < pairs->n; i++)
		if (!(pairs->v[i] >> 16) || pairs->v[i] >> 16 > ntypes)
			return 1;
	ret = flip_collect(p, idx, value, &counts, &f, false);
	if (ret)
		goto out;
	slots = malloc(pairs->n * sizeof(*slots));
	keys = malloc(pairs->n * sizeof(*keys));
	av = calloc(pairs->n, sizeof(*av));
	sc.attr_head = malloc(ntypes * sizeof(*sc.attr_head));
	if (!slots || !keys || !av || !sc.attr_head) {
		ret = -ENOMEM;
		goto out;
	}
	memset(sc.attr_head, 0xff, ntypes * sizeof(*sc.attr_head)); /* every head -1 */
	/* te_group() takes the triples of one (source, class) together */
	for (i = 0; i < pairs->n; i++)
		slots[i] = (struct gain_slot){
			.key = triple_key(stype, pairs->v[i] >> 16, pairs->v[i] & 0xffff),
			.pair = i,
		};
	qsort(slots, pairs->n, sizeof(*slots), cmp_gain_slot);
	for (i = 0; i < pairs->n; i++)
		keys[i] = slots[i].key;
	for (start = 0; start < pairs->n && !ret; start = i) {
		for (i = start; i < pairs->n && keys[i] >> 16 == keys[start] >> 16; i++)
			;
		ret = te_group(p, &f, &keys[start], i - start, &av[start], &sc);
	}
	for (i = 0; !ret && i < pairs->n; i++)
		gain[slots[i].pair] = av[i].allowed_after & ~av[i].allowed_before;
out:
	free(sc.attr_head);
	free(sc.links);
	free(av);
	free(keys);
	free(slots);
	flip_free(&f);
	return ret;
}

int te_allowed(struct policy *p, uint32_t stype, uint32_t tclass, const uint32_t *targets, size_t n,
	       int idx, bool value, uint32_t *allowed)
{
	size_t ntypes = pdb(p)->p_types.nprim, i;
	struct policy_bool_cost counts = { 0 };
	struct te_scratch sc = { 0 };
	struct te_flip_av *av = NULL;
	uint64_t *keys = NULL;
	struct flip f = { 0 };
	int ret;

	if (!n)
		return 0;
	ret = te_index_build(p);
	if (ret)
		return ret;
	if (!stype || stype > ntypes || (idx >= 0 && flip_undefined(p, idx, value)))
		return 1;
	if (idx >= 0) {
		ret = flip_collect(p, idx, value, &counts, &f, false);
		if (ret)
			goto out;
	}
	keys = malloc(n * sizeof(*keys));
	av = calloc(n, sizeof(*av));
	sc.attr_head = malloc(ntypes * sizeof(*sc.attr_head));
	if (!keys || !av || !sc.attr_head) {
		ret = -ENOMEM;
		goto out;
	}
	memset(sc.attr_head, 0xff, ntypes * sizeof(*sc.attr_head)); /* every head -1 */
	for (i = 0; i < n; i++) {
		if (!targets[i] || targets[i] > ntypes) {
			ret = 1;
			goto out;
		}
		keys[i] = triple_key(stype, targets[i], tclass);
	}
	ret = te_group(p, &f, keys, n, av, &sc);
	for (i = 0; !ret && i < n; i++)
		allowed[i] = av[i].allowed_after;
out:
	free(sc.attr_head);
	free(sc.links);
	free(av);
	free(keys);
	flip_free(&f);
	return ret;
}

static void delta_add(const policydb_t *db, uint64_t key, const struct te_flip_av *av,
		      struct source_delta *d)
{
	uint32_t mask = class_perm_mask(db, triple_class(key));
	uint32_t denied_after = ~av->allowed_after & mask;

	d->granted += (uint32_t)__builtin_popcount(av->allowed_after & ~av->allowed_before & mask);
	d->revoked += (uint32_t)__builtin_popcount(av->allowed_before & ~av->allowed_after & mask);
	/* a cleared auditdeny bit is a dontaudit'd permission */
	d->hidden += (uint32_t)__builtin_popcount(av->auditdeny_before & ~av->auditdeny_after &
						  denied_after);
	d->revealed += (uint32_t)__builtin_popcount(~av->auditdeny_before & av->auditdeny_after &
						    denied_after);
}

static void totals_add(struct policy_bool_cost *t, const struct source_delta *d)
{
	t->granted += d->granted;
	t->revoked += d->revoked;
	t->hidden += d->hidden;
	t->revealed += d->revealed;
	t->domains_granted += d->granted > 0;
	t->domains_revoked += d->revoked > 0;
	t->domains++;
}

static int bool_cost_compute(struct policy *p, int idx, bool value, struct bool_cost_entry *e)
{
	size_t ntypes = pdb(p)->p_types.nprim, i, start, nsrc = 0;
	struct te_scratch sc = { 0 };
	struct te_flip_av *av = NULL;
	struct flip f = { 0 };
	int ret;

	memset(e, 0, sizeof(*e));
	e->totals.flips = true;
	ret = te_index_build(p);
	if (!ret)
		ret = flip_collect(p, idx, value, &e->totals, &f, true);
	if (ret || !f.triples.n)
		goto out;
	av = calloc(f.triples.n, sizeof(*av));
	sc.attr_head = malloc(ntypes * sizeof(*sc.attr_head));
	/* at most one delta per source type */
	e->sources = calloc(f.triples.n, sizeof(*e->sources));
	if (!av || !sc.attr_head || !e->sources) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < ntypes; i++)
		sc.attr_head[i] = -1;
	for (start = 0; start < f.triples.n && !ret; start = i) {
		uint64_t group = f.triples.v[start] >> 16; /* source and class */

		for (i = start; i < f.triples.n && f.triples.v[i] >> 16 == group; i++)
			;
		ret = te_group(p, &f, &f.triples.v[start], i - start, &av[start], &sc);
	}
	if (ret)
		goto out;
	for (i = 0; i < f.triples.n; i++) {
		uint32_t stype = triple_source(f.triples.v[i]);

		if (!nsrc || e->sources[nsrc - 1].type != stype)
			e->sources[nsrc++] = (struct source_delta){ .type = stype };
		delta_add(pdb(p), f.triples.v[i], &av[i], &e->sources[nsrc - 1]);
	}
	/* keep the types that changed */
	for (i = 0; i < nsrc; i++) {
		const struct source_delta *d = &e->sources[i];

		if (!d->granted && !d->revoked && !d->hidden && !d->revealed)
			continue;
		totals_add(&e->totals, d);
		e->sources[e->nsources++] = *d;
	}
	/* the cache keeps only the types that changed */
	if (e->nsources) {
		struct source_delta *kept = realloc(e->sources, e->nsources * sizeof(*e->sources));

		e->sources = kept ? kept : e->sources;
	} else {
		free(e->sources);
		e->sources = NULL;
	}
out:
	free(sc.attr_head);
	free(sc.links);
	free(av);
	flip_free(&f);
	if (ret) {
		free(e->sources);
		e->sources = NULL;
		e->nsources = 0;
		return ret;
	}
	e->valid = true;
	return 0;
}

static int cmp_delta_type(const void *key, const void *elem)
{
	uint32_t t = *(const uint32_t *)key, u = ((const struct source_delta *)elem)->type;

	return t < u ? -1 : t > u;
}

int policy_bool_cost(struct policy *p, const char *boolean, bool value, const char *source,
		     struct policy_bool_cost *cost)
{
	int idx = bool_index(p, boolean), ret;
	const struct source_delta *d = NULL;
	struct bool_cost_entry *e;
	uint32_t stype = 0;

	memset(cost, 0, sizeof(*cost));
	if (idx < 0)
		return -ENOENT;
	if (source && (ret = subject_type_value(p, source, &stype)))
		return ret;
	if (!!pdb(p)->bool_val_to_struct[idx]->state == value)
		return 0;
	if (!p->cost_cache) {
		p->cost_cache = calloc(2 * (size_t)pdb(p)->p_bools.nprim, sizeof(*p->cost_cache));
		if (!p->cost_cache)
			return -ENOMEM;
	}
	e = &p->cost_cache[2 * (size_t)idx + value];
	if (!e->valid && (ret = bool_cost_compute(p, idx, value, e)))
		return ret;
	*cost = e->totals;
	if (stype && e->nsources)
		d = bsearch(&stype, e->sources, e->nsources, sizeof(*e->sources), cmp_delta_type);
	if (d) {
		cost->granted_source = d->granted;
		cost->revoked_source = d->revoked;
	}
	cost->granted_others = cost->granted - cost->granted_source;
	cost->revoked_others = cost->revoked - cost->revoked_source;
	cost->other_domains_granted = cost->domains_granted - (d && d->granted);
	cost->other_domains_revoked = cost->domains_revoked - (d && d->revoked);
	return 0;
}
