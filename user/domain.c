// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <selinux/selinux.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "domain.h"
#include "enrich.h"
#include "log.h"
#include "policy.h"

#define SID_SLOTS     (AVC_DOMAIN_SIDS * 2)
#define PENDING_PROBE 8

int domain_add(struct domain_filter *df, const char *arg)
{
	const char *c;

	if (df->ntypes >= DOMAIN_MAX_TYPES) {
		p_err("--domain: at most %d domains", DOMAIN_MAX_TYPES);
		return -EINVAL;
	}
	if (!*arg || strlen(arg) >= DOMAIN_TYPE_LEN) {
		p_err("--domain: a type name has 1 to %d characters", DOMAIN_TYPE_LEN - 1);
		return -EINVAL;
	}
	for (c = arg; *c; c++)
		if (!(*c >= 'a' && *c <= 'z') && !(*c >= 'A' && *c <= 'Z') &&
		    !(*c >= '0' && *c <= '9') && *c != '_' && *c != '.' && *c != '-') {
			p_err("--domain: '%s' is not an SELinux type name (a type such as httpd_t: "
			      "letters, digits, '_', '.', '-')",
			      arg);
			return -EINVAL;
		}
	snprintf(df->given[df->ntypes], DOMAIN_TYPE_LEN, "%s", arg);
	snprintf(df->types[df->ntypes], DOMAIN_TYPE_LEN, "%s", arg);
	df->ntypes++;
	return 0;
}

int domain_prepare(struct domain_filter *df, const char *policy_file)
{
	struct policy *pol = NULL;
	char why[256];
	int err;

	if (!df->ntypes)
		return 0;
	err = domain_init(df);
	if (err)
		return err;
	/* names are checked against the policy at hand; the live one only where SELinux runs
	 * (elsewhere the loader says that no task has a domain)
	 */
	if (policy_file || is_selinux_enabled() > 0) {
		if (policy_open(&pol, policy_file, why, sizeof(why))) {
			p_warn("--domain: cannot check the names against the policy (%s): taken as "
			       "given",
			       why);
			return 0;
		}
	}
	err = domain_resolve(df, pol);
	if (pol)
		policy_close(pol);
	return err;
}

int domain_resolve(struct domain_filter *df, struct policy *pol)
{
	char primary[DOMAIN_TYPE_LEN];
	int i;

	if (!pol)
		return 0;
	for (i = 0; i < df->ntypes; i++) {
		if (policy_type_is_attr(pol, df->given[i])) {
			p_err("--domain %s: an attribute of policy %s, not a type: name the domain "
			      "itself (e.g. httpd_t)",
			      df->given[i], policy_path(pol));
			return -EINVAL;
		}
		if (policy_type_primary(pol, df->given[i], primary, sizeof(primary))) {
			p_err("--domain %s: no such type in policy %s", df->given[i],
			      policy_path(pol));
			return -EINVAL;
		}
		snprintf(df->types[i], DOMAIN_TYPE_LEN, "%s", primary);
	}
	return 0;
}

enum domain_state domain_match_context(const struct domain_filter *df, const char *context,
				       char *type, size_t typesz)
{
	int i;

	type[0] = '\0';
	if (!context || context_type(context, type, typesz))
		return DOMAIN_SID_UNSEEN;
	for (i = 0; i < df->ntypes; i++)
		if (!strcmp(type, df->types[i]))
			return DOMAIN_SID_WANTED;
	return DOMAIN_SID_UNWANTED;
}

static size_t sid_hash(__u32 sid)
{
	return (size_t)((sid * 2654435761U) % SID_SLOTS);
}

static struct domain_sid_slot *sid_slot(const struct domain_filter *df, __u32 sid)
{
	size_t i, h;

	if (!df->sids || !sid)
		return NULL;
	for (i = 0, h = sid_hash(sid); i < SID_SLOTS; i++, h = (h + 1) % SID_SLOTS)
		if (df->sids[h].sid == sid || !df->sids[h].sid)
			return &df->sids[h];
	return NULL;
}

enum domain_state domain_sid_state(const struct domain_filter *df, __u32 sid, const char **type)
{
	struct domain_sid_slot *s = sid_slot(df, sid);

	if (type)
		*type = "";
	if (!s || s->sid != sid)
		return DOMAIN_SID_UNSEEN;
	if (type)
		*type = s->type;
	return (enum domain_state)s->state;
}

int domain_sid_set(struct domain_filter *df, __u32 sid, enum domain_state st, const char *type)
{
	struct domain_sid_slot *s = sid_slot(df, sid);

	if (!s || (!s->sid && df->nsids >= AVC_DOMAIN_SIDS)) {
		df->sids_full++;
		return -ENOSPC;
	}
	if (!s->sid)
		df->nsids++;
	s->sid = sid;
	s->state = (__u8)st;
	snprintf(s->type, sizeof(s->type), "%s", st == DOMAIN_SID_WANTED ? type : "");
	return 0;
}

static size_t pending_hash(__u32 tid, __u64 ts_ns)
{
	return (size_t)((ts_ns ^ ((__u64)tid * 0x9e3779b97f4a7c15ULL)) % DOMAIN_PENDING);
}

void domain_pending_put(struct domain_filter *df, __u32 tid, __u64 ts_ns, __u32 sid)
{
	size_t h = pending_hash(tid, ts_ns), i, oldest = h;

	if (!df->pending)
		return;
	for (i = 0; i < PENDING_PROBE; i++) {
		struct domain_pending_slot *p = &df->pending[(h + i) % DOMAIN_PENDING];

		if (!p->ts_ns || (p->tid == tid && p->ts_ns == ts_ns)) {
			oldest = (h + i) % DOMAIN_PENDING;
			goto store;
		}
		if (p->ts_ns < df->pending[oldest].ts_ns)
			oldest = (h + i) % DOMAIN_PENDING;
	}
	/* every slot near it holds a report still waiting for its event: the oldest goes;
	 * its event, if it ever comes, is judged like an unreported one (counted here)
	 */
	df->pending_lost++;
store:
	df->pending[oldest].ts_ns = ts_ns;
	df->pending[oldest].tid = tid;
	df->pending[oldest].sid = sid;
}

bool domain_pending_take(struct domain_filter *df, __u32 tid, __u64 ts_ns, __u32 *sid)
{
	size_t h = pending_hash(tid, ts_ns), i;

	if (!df->pending)
		return false;
	for (i = 0; i < PENDING_PROBE; i++) {
		struct domain_pending_slot *p = &df->pending[(h + i) % DOMAIN_PENDING];

		if (p->ts_ns == ts_ns && p->tid == tid) {
			*sid = p->sid;
			p->ts_ns = 0;
			return true;
		}
	}
	return false;
}

int domain_init(struct domain_filter *df)
{
	df->sids_fd = df->stats_fd = -1;
	df->sids = calloc(SID_SLOTS, sizeof(*df->sids));
	df->pending = calloc(DOMAIN_PENDING, sizeof(*df->pending));
	if (!df->sids || !df->pending) {
		domain_free(df);
		return -ENOMEM;
	}
	return 0;
}

void domain_free(struct domain_filter *df)
{
	free(df->sids);
	free(df->pending);
	df->sids = NULL;
	df->pending = NULL;
	bpf_link__destroy(df->iter);
	df->iter = NULL;
}

/* One pass of the task iterator: every task's (pid, tid, SID). 0 or -errno. */
static int iter_pass(struct domain_filter *df, struct domain_task_rec **out, size_t *n)
{
	size_t cap = 256, used = 0; /* in bytes */
	struct domain_task_rec *recs = calloc(cap, sizeof(*recs));
	ssize_t r = 0;
	int fd, err;

	*out = NULL;
	*n = 0;
	if (!recs)
		return -ENOMEM;
	fd = bpf_iter_create(bpf_link__fd(df->iter));
	if (fd < 0) {
		err = errno ? -errno : -EIO;
		free(recs);
		return err;
	}
	for (;;) {
		if (used == cap * sizeof(*recs)) {
			struct domain_task_rec *more = realloc(recs, 2 * cap * sizeof(*recs));

			if (!more) {
				free(recs);
				close(fd);
				return -ENOMEM;
			}
			recs = more;
			cap *= 2;
		}
		r = read(fd, (char *)recs + used, cap * sizeof(*recs) - used);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		used += (size_t)r;
	}
	err = r < 0 ? (errno ? -errno : -EIO) : 0;
	close(fd);
	if (err) {
		free(recs);
		return err;
	}
	df->learn_passes++;
	*out = recs;
	*n = used / sizeof(*recs);
	return 0;
}

static int rec_tid_cmp(const void *a, const void *b)
{
	const struct domain_task_rec *x = a, *y = b;

	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

struct candidate {
	__u32 sid, pid, tid;
	enum domain_state st;
	char type[64];
};

int domain_learn(struct domain_filter *df)
{
	struct domain_task_rec *first = NULL, *second = NULL, key, *again;
	struct candidate *cand = NULL;
	size_t n1, n2, i, j, nc = 0;
	char con[256], type[64];
	int err;

	if (!df->kernel || !df->iter)
		return 0;
	err = iter_pass(df, &first, &n1);
	if (err)
		goto out;
	cand = calloc(n1 ? n1 : 1, sizeof(*cand));
	if (!cand) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n1; i++) {
		struct domain_task_rec *t = &first[i];
		enum domain_state st;

		if (!t->sid || domain_sid_state(df, t->sid, NULL) != DOMAIN_SID_UNSEEN)
			continue;
		for (j = 0; j < nc && cand[j].sid != t->sid; j++)
			;
		if (j < nc)
			continue; /* one task per SID is enough */
		proc_task_context(t->pid, t->tid, con, sizeof(con));
		st = domain_match_context(df, con, type, sizeof(type));
		if (st == DOMAIN_SID_UNSEEN)
			continue; /* gone meanwhile, or no context: another task may tell */
		cand[nc].sid = t->sid;
		cand[nc].pid = t->pid;
		cand[nc].tid = t->tid;
		cand[nc].st = st;
		snprintf(cand[nc].type, sizeof(cand[nc].type), "%s", type);
		nc++;
	}
	if (!nc)
		goto out;
	/* the task may have changed domain (exec) between the SID and the context: a second
	 * pass must show it with the same SID, or the answer waits for another task
	 */
	err = iter_pass(df, &second, &n2);
	if (err)
		goto out;
	if (!second || !n2)
		goto out;
	qsort(second, n2, sizeof(*second), rec_tid_cmp);
	for (i = 0; i < nc; i++) {
		__u8 answer = cand[i].st == DOMAIN_SID_WANTED ? DOMAIN_WANTED : DOMAIN_UNWANTED;

		key.tid = cand[i].tid;
		again = bsearch(&key, second, n2, sizeof(*second), rec_tid_cmp);
		if (!again || again->sid != cand[i].sid || again->pid != cand[i].pid)
			continue;
		if (domain_sid_set(df, cand[i].sid, cand[i].st, cand[i].type))
			continue;
		if (bpf_map_update_elem(df->sids_fd, &cand[i].sid, &answer, BPF_ANY))
			df->sids_full++;
		p_debug("--domain: SID %u is %s (%s)", cand[i].sid,
			cand[i].st == DOMAIN_SID_WANTED ? "wanted" : "another domain",
			cand[i].type);
	}
out:
	free(first);
	free(second);
	free(cand);
	return err;
}

int domain_attach(struct domain_filter *df, int sids_fd, int stats_fd,
		  struct bpf_program *iter_prog)
{
	int err;

	df->sids_fd = sids_fd;
	df->stats_fd = stats_fd;
	df->iter = bpf_program__attach_iter(iter_prog, NULL);
	if (!df->iter) {
		err = -errno;
		p_err("--domain: the task iterator: %s", strerror(errno));
		return err;
	}
	err = domain_learn(df);
	if (err)
		p_err("--domain: reading the tasks' SIDs: %s", strerror(-err));
	return err;
}

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

/* Was sid tried in a pass less than 100 ms ago (and not placed)? Records the try if not. */
static bool tried_recently(struct domain_filter *df, __u32 sid)
{
	__u64 now = mono_ns();
	unsigned int i;

	for (i = 0; i < sizeof(df->tried) / sizeof(df->tried[0]); i++)
		if (df->tried[i].sid == sid && now - df->tried[i].when_ns < 100000000ULL)
			return true;
	i = df->ntried++ % (sizeof(df->tried) / sizeof(df->tried[0]));
	df->tried[i].sid = sid;
	df->tried[i].when_ns = now;
	return false;
}

void domain_on_sid_event(struct domain_filter *df, const struct domain_sid_event *e)
{
	enum domain_state st = domain_sid_state(df, e->sid, NULL);

	if (st == DOMAIN_SID_UNSEEN && e->sid && !tried_recently(df, e->sid)) {
		if (domain_learn(df))
			p_debug("--domain: learning SID %u failed", e->sid);
		st = domain_sid_state(df, e->sid, NULL);
	}
	if (e->mode == MODE_TRACE) {
		domain_pending_put(df, e->tid, e->ts_ns, e->sid);
		return;
	}
	/* watch: the attempt was not counted */
	if (st == DOMAIN_SID_WANTED)
		df->uncounted_wanted++;
	else if (st == DOMAIN_SID_UNSEEN)
		df->unresolved++;
}

/* The domain of a task now, from its context (user-space mode, unreadable SIDs). */
static enum domain_state task_now(const struct domain_filter *df, __u32 pid, __u32 tid, char *type,
				  size_t typesz)
{
	char con[256];

	proc_task_context(pid, tid, con, sizeof(con));
	return domain_match_context(df, con, type, typesz);
}

bool domain_keep_event(struct domain_filter *df, const struct conn_event *e, char *type,
		       size_t typesz)
{
	enum domain_state st;
	const char *t = "";
	__u32 sid;

	type[0] = '\0';
	if (!df->ntypes)
		return true;
	if (!df->kernel) {
		st = task_now(df, e->pid, e->tid, type, typesz);
	} else if (domain_pending_take(df, e->tid, e->ts_ns, &sid)) {
		st = sid ? domain_sid_state(df, sid, &t)
			 : task_now(df, e->pid, e->tid, type, typesz);
		if (sid)
			snprintf(type, typesz, "%s", t);
	} else {
		/* not reported: the kernel knew its SID as one of the domains */
		if (df->ntypes == 1)
			snprintf(type, typesz, "%s", df->types[0]);
		else
			task_now(df, e->pid, e->tid, type, typesz);
		return true;
	}
	if (st == DOMAIN_SID_WANTED)
		return true;
	if (st == DOMAIN_SID_UNWANTED)
		df->dropped++;
	else
		df->unresolved++;
	type[0] = '\0';
	return false;
}

void domain_read_stats(const struct domain_filter *df, unsigned long long out[DSTAT_MAX])
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *vals;
	__u32 key;
	int cpu;

	memset(out, 0, DSTAT_MAX * sizeof(*out));
	if (!df->kernel || df->stats_fd < 0 || ncpu <= 0)
		return;
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return;
	for (key = 0; key < DSTAT_MAX; key++) {
		if (bpf_map_lookup_elem(df->stats_fd, &key, vals))
			continue;
		for (cpu = 0; cpu < ncpu; cpu++)
			out[key] += vals[cpu];
	}
	free(vals);
}

void domain_list(const struct domain_filter *df, char *out, size_t len)
{
	size_t n = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < df->ntypes && n < len; i++)
		n += (size_t)snprintf(out + n, len - n, "%s%s", i ? ", " : "", df->types[i]);
}
