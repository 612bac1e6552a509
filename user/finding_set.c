// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "finding_set.h"
#include "findings_io.h"
#include "verdict.h"

#define SEP "\x1f"

bool finding_is_selinux(const struct finding *f)
{
	return verdict_is_selinux(f->verdict) || f->hidden || f->permissive;
}

bool finding_is_file_class(const char *tclass)
{
	static const char *const classes[] = { "dir",	    "sock_file", "file",    "lnk_file",
					       "fifo_file", "chr_file",	 "blk_file" };
	size_t i;

	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (!strcmp(tclass, classes[i]))
			return true;
	return false;
}

void finding_fix_dir(const struct finding *f, char *out, size_t outsz)
{
	char *slash;

	/* the tracer found the denied directory by its inode: that is what needs the label */
	if (!strcmp(f->tclass, "dir") && f->object[0] == '/') {
		snprintf(out, outsz, "%s", f->object);
		return;
	}
	snprintf(out, outsz, "%s", f->path);
	/* a traced unix connect carries the socket's path, whatever component was denied;
	 * an audit record's path names the object itself (a sock_file lives in its parent)
	 */
	if (f->path[0] == '/' && (f->origin == ORIGIN_TRACE || !strcmp(f->tclass, "sock_file"))) {
		slash = strrchr(out, '/');
		if (slash && slash != out)
			*slash = '\0';
		else if (slash)
			slash[1] = '\0';
	}
}

/* The transport whose port labels a name_connect/name_bind: "tcp", "udp", ... */
static const char *port_proto(const struct finding *f)
{
	static const char *const protos[] = { "tcp", "udp", "sctp", "dccp" };
	size_t i, n;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		n = strlen(protos[i]);
		if (!strncmp(f->tclass, protos[i], n) && !strcmp(f->tclass + n, "_socket"))
			return protos[i];
	}
	return NULL;
}

static bool has_perm(const struct finding *f, const char *perm)
{
	int i;

	for (i = 0; i < f->nperms; i++)
		if (!strcmp(f->perms[i], perm))
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int finding_key(const struct finding *f, char *out, size_t outsz)
{
	char stype[POLICY_NAME_LEN], ttype[POLICY_NAME_LEN], dir[FINDING_CTX_LEN];
	const char *perms[FINDING_MAX_PERMS], *proto;
	size_t n = 0;
	bool allowed;
	int i, len;

#define PUT(...)                                                                 \
	do {                                                                     \
		len = snprintf(out + n, n < outsz ? outsz - n : 0, __VA_ARGS__); \
		if (len < 0 || n + (size_t)len >= outsz)                         \
			return -ENOSPC;                                          \
		n += (size_t)len;                                                \
	} while (0)

	/* an allowed access with its names (trace/watch --allowed, for tighten) is keyed as
	 * an SELinux access is, under its own verdict: it never merges with a failure
	 */
	allowed = (f->verdict == VERDICT_ALLOWED || f->verdict == VERDICT_IN_PROGRESS) &&
		  !finding_is_selinux(f) && f->scontext[0] && f->tcontext[0];
	if ((!finding_is_selinux(f) && !allowed) ||
	    context_type(f->scontext, stype, sizeof(stype)) ||
	    context_type(f->tcontext, ttype, sizeof(ttype)) || !f->tclass[0] || !f->nperms) {
		/* not SELinux, or SELinux without names: the verdict and where it went */
		PUT("%s" SEP "%s" SEP "%s" SEP "%d" SEP,
		    finding_is_selinux(f) ? "selinux?" : "other", op_name(f->op),
		    verdict_name(f->verdict), f->err);
		if (f->dport)
			PUT("port %u", f->dport);
		else
			PUT("path %s", f->path);
		return (int)n;
	}
	for (i = 0; i < f->nperms; i++)
		perms[i] = f->perms[i];
	qsort(perms, (size_t)f->nperms, sizeof(perms[0]), cmp_str);
	PUT("%s" SEP "%s" SEP "%s" SEP "%s" SEP, allowed ? "allowed" : "selinux", stype, ttype,
	    f->tclass);
	for (i = 0; i < f->nperms; i++)
		if (!i || strcmp(perms[i], perms[i - 1]))
			PUT("%s%s", i ? "," : "", perms[i]);
	/* what the fix depends on: the port's label, or the directory's */
	proto = port_proto(f);
	if (proto && f->dport && (has_perm(f, "name_connect") || has_perm(f, "name_bind")))
		PUT(SEP "%s/%u", proto, f->dport);
	else if (finding_is_file_class(f->tclass)) {
		finding_fix_dir(f, dir, sizeof(dir));
		PUT(SEP "dir %s", dir);
	}
	return (int)n;
#undef PUT
}

/* Counts saturate at what a findings file can hold (FINDING_COUNT_MAX): never wrap. */
static void count_add(uint64_t *into, uint64_t n)
{
	*into = n > FINDING_COUNT_MAX - *into ? FINDING_COUNT_MAX : *into + n;
}

static void list_dest(struct finding *a, const char *dest, uint64_t count)
{
	int i;

	if (!dest[0])
		return;
	for (i = 0; i < a->ndests; i++)
		if (!strcmp(a->dests[i], dest))
			return;
	if (a->ndests < FINDING_MAX_DESTS)
		snprintf(a->dests[a->ndests++], FINDING_DEST_LEN, "%s", dest);
	else
		count_add(&a->dests_unlisted, count);
}

static void list_proc(struct finding *a, const struct finding_proc *p, uint64_t count)
{
	int i;

	if (!p->comm[0] && !p->pid)
		return;
	for (i = 0; i < a->nprocs; i++)
		if (a->procs[i].pid == p->pid && !strcmp(a->procs[i].comm, p->comm))
			return;
	if (a->nprocs < FINDING_MAX_PROCS)
		a->procs[a->nprocs++] = *p;
	else
		count_add(&a->procs_unlisted, count);
}

/* The verdict that stands for the finding: audited beats hidden beats permissive. */
static void representative_verdict(struct finding *f)
{
	if (f->counts.audited)
		f->verdict = VERDICT_SELINUX_DENIED;
	else if (f->counts.hidden)
		f->verdict = VERDICT_SELINUX_HIDDEN;
	else if (f->counts.permissive)
		f->verdict = VERDICT_SELINUX_PERMISSIVE;
}

void finding_normalize(struct finding *f)
{
	struct finding_proc self = { .pid = f->pid, .attrib = f->attrib };
	char dest[FINDING_CTX_LEN + 16];
	struct finding_counts *c = &f->counts;

	if (!f->count)
		f->count = 1;
	/* an AVC record names no system call: its permission does */
	if (has_perm(f, "name_bind") || has_perm(f, "node_bind"))
		f->op = AVC_OP_BIND;
	if (!c->total) {
		finding_derive_hidden(f);
		c->total = f->count;
		if (f->verdict == VERDICT_SELINUX_DENIED && !f->hidden)
			c->audited = f->count;
		else if (f->verdict == VERDICT_SELINUX_HIDDEN || f->hidden)
			c->hidden = f->count;
		else if (f->verdict == VERDICT_SELINUX_PERMISSIVE || f->permissive)
			c->permissive = f->count;
		else
			c->other = f->count;
	}
	f->count = c->total;
	if (!f->ndests) {
		finding_dest(f, dest, sizeof(dest));
		list_dest(f, dest, f->count);
	}
	if (!f->nprocs) {
		snprintf(self.comm, sizeof(self.comm), "%s", f->comm);
		list_proc(f, &self, f->count);
	}
	if (finding_is_selinux(f))
		representative_verdict(f);
	finding_derive_hidden(f);
}

void finding_merge(struct finding *a, const struct finding *b)
{
	struct finding nb = *b;
	int i;

	finding_normalize(&nb);
	count_add(&a->counts.total, nb.counts.total);
	count_add(&a->counts.audited, nb.counts.audited);
	count_add(&a->counts.hidden, nb.counts.hidden);
	count_add(&a->counts.permissive, nb.counts.permissive);
	count_add(&a->counts.other, nb.counts.other);
	a->count = a->counts.total;
	if (nb.first_seen > 0 && (!a->first_seen || nb.first_seen < a->first_seen))
		a->first_seen = nb.first_seen;
	if (nb.last_seen > a->last_seen)
		a->last_seen = nb.last_seen;
	for (i = 0; i < nb.ndests; i++)
		list_dest(a, nb.dests[i], 1);
	count_add(&a->dests_unlisted, nb.dests_unlisted);
	for (i = 0; i < nb.nprocs; i++)
		list_proc(a, &nb.procs[i], 1);
	count_add(&a->procs_unlisted, nb.procs_unlisted);
	if (!a->hidden_by)
		a->hidden_by = nb.hidden_by;
	/* names a later observation has and the first lacked (e.g. an audited record) */
	if (!a->scontext[0])
		snprintf(a->scontext, sizeof(a->scontext), "%s", nb.scontext);
	if (!a->tcontext[0])
		snprintf(a->tcontext, sizeof(a->tcontext), "%s", nb.tcontext);
	if (finding_is_selinux(a))
		representative_verdict(a);
	finding_derive_hidden(a);
}

/* FNV-1a, 64 bits */
static uint64_t hash_key(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int grow(struct finding_set *s)
{
	size_t cap = s->cap ? s->cap * 2 : 16, nslots = cap * 2, i;
	struct finding *nv = realloc(s->v, cap * sizeof(*nv));
	uint64_t *nh;
	char **nk;
	uint32_t *ns;

	if (!nv)
		return -ENOMEM;
	s->v = nv;
	nh = realloc(s->hashes, cap * sizeof(*nh));
	if (!nh)
		return -ENOMEM;
	s->hashes = nh;
	nk = realloc(s->keys, cap * sizeof(*nk));
	if (!nk)
		return -ENOMEM;
	s->keys = nk;
	ns = calloc(nslots, sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	for (i = 0; i < s->n; i++) {
		size_t slot = s->hashes[i] & (nslots - 1);

		while (ns[slot])
			slot = (slot + 1) & (nslots - 1);
		ns[slot] = (uint32_t)(i + 1);
	}
	free(s->slots);
	s->slots = ns;
	s->nslots = nslots;
	s->cap = cap;
	return 0;
}

int finding_set_add(struct finding_set *s, const struct finding *f, struct finding **where)
{
	size_t max = s->max ? s->max : FINDING_SET_DEFAULT_MAX, slot;
	char key[FINDING_KEY_LEN];
	uint64_t h;
	int err;

	if (finding_key(f, key, sizeof(key)) < 0)
		key[sizeof(key) - 1] = '\0'; /* a key cut short still groups its own kind */
	h = hash_key(key);
	for (slot = s->nslots ? h & (s->nslots - 1) : 0; s->nslots && s->slots[slot];
	     slot = (slot + 1) & (s->nslots - 1)) {
		size_t i = s->slots[slot] - 1;

		if (s->hashes[i] == h && !strcmp(s->keys[i], key)) {
			finding_merge(&s->v[i], f);
			if (where)
				*where = &s->v[i];
			return 0;
		}
	}
	if (s->n >= max) {
		s->overflow += f->count ? f->count : 1;
		return -ENOSPC;
	}
	if (s->n == s->cap) {
		err = grow(s);
		if (err)
			return err;
		for (slot = h & (s->nslots - 1); s->slots[slot];
		     slot = (slot + 1) & (s->nslots - 1))
			;
	}
	s->keys[s->n] = strdup(key);
	if (!s->keys[s->n])
		return -ENOMEM;
	s->v[s->n] = *f;
	finding_normalize(&s->v[s->n]);
	s->hashes[s->n] = h;
	s->slots[slot] = (uint32_t)(s->n + 1);
	if (where)
		*where = &s->v[s->n];
	s->n++;
	return 1;
}

void finding_set_free(struct finding_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->keys[i]);
	free(s->keys);
	free(s->hashes);
	free(s->slots);
	free(s->v);
	memset(s, 0, sizeof(*s));
}
