// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * avcsnoop watch: in-kernel counters (bpf/common.bpf.h count_attempt), read every INTERVAL
 * and reported as a table, JSON lines, a Prometheus textfile and/or an export of findings.
 * avcsnoop dump: the same report, once, from counters pinned by `watch --pin`.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "commands.h"
#include "domain.h"
#include "enrich.h"
#include "escape.h"
#include "export.h"
#include "filter_opts.h"
#include "findings_io.h"
#include "hist.h"
#include "json.h"
#include "loader.h"
#include "log.h"
#include "metrics.h"
#include "pin.h"
#include "safe_file.h"
#include "util.h"
#include "verdict.h"
#include "watch.h"

struct prev_count {
	struct agg_key key;
	unsigned long long count;
};

struct watch_ctx {
	FILE *out;
	bool json, hist, quiet;
	struct json j;
	struct enricher *enr;
	struct agg_maps maps;
	double wall_offset;
	struct prev_count *prev; /* the previous report's totals, sorted by key */
	size_t nprev;
	const char *prom_path;
	const char *export_path;
	enum export_format export_fmt;
	bool keep_allowed; /* --allowed: the export has allowed accesses too (for tighten) */
	double interval;	      /* 0 for dump */
	struct domain_filter *domain; /* --domain in the kernel, or NULL */
	struct ring_buffer *rb;	      /* --domain: the kernel's reports of unknown SIDs */
};

int watch_row_rank(const struct watch_row *r)
{
	enum avc_verdict v = r->rec.verdict; /* refined: never the kernel's */

	if (v == VERDICT_SELINUX_HIDDEN)
		return 0;
	if (verdict_is_selinux(v))
		return 1;
	if (verdict_is_failure(v))
		return 2;
	return 3;
}

static int attrib_cmp(const struct attribution *x, const struct attribution *y)
{
	int c = strcmp(x->unit, y->unit);

	if (!c)
		c = strcmp(x->user_unit, y->user_unit);
	if (!c)
		c = strcmp(x->container, y->container);
	if (!c)
		c = strcmp(x->pod_uid, y->pod_uid);
	return c;
}

/* What a row is labelled by (table, JSON, Prometheus): comm, destination, refined verdict,
 * errno, unit and container. Two kernel keys (cgroups) that refine to the same labels are
 * one row.
 */
static int label_cmp(const struct watch_row *x, const struct watch_row *y)
{
	int c = memcmp(x->key.comm, y->key.comm, sizeof(x->key.comm));

	if (c)
		return c;
	if (x->key.op != y->key.op)
		return x->key.op < y->key.op ? -1 : 1;
	c = attrib_cmp(&x->rec.attrib, &y->rec.attrib);
	if (c)
		return c;
	if (x->key.family != y->key.family)
		return x->key.family < y->key.family ? -1 : 1;
	if (x->key.port != y->key.port)
		return x->key.port < y->key.port ? -1 : 1;
	c = memcmp(x->key.addr, y->key.addr, sizeof(x->key.addr));
	if (!c)
		c = memcmp(x->val.path, y->val.path, sizeof(x->val.path));
	if (c)
		return c;
	if (x->rec.verdict != y->rec.verdict)
		return x->rec.verdict < y->rec.verdict ? -1 : 1;
	if (x->key.err != y->key.err)
		return x->key.err < y->key.err ? -1 : 1;
	return 0;
}

static int label_qcmp(const void *a, const void *b)
{
	return label_cmp(a, b);
}

int watch_row_cmp(const void *a, const void *b)
{
	const struct watch_row *x = a, *y = b;
	int rx = watch_row_rank(x), ry = watch_row_rank(y);

	if (rx != ry)
		return rx - ry;
	if (x->val.count != y->val.count)
		return x->val.count > y->val.count ? -1 : 1;
	return label_cmp(x, y);
}

static int key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct agg_key));
}

void watch_row_series(const struct watch_row *r, struct prom_series *s)
{
	char dest[sizeof(s->dest)];

	memset(s, 0, sizeof(*s));
	memcpy(s->comm, r->key.comm, AVC_COMM_LEN);
	record_dest(&r->rec, dest, sizeof(dest));
	snprintf(s->dest, sizeof(s->dest), "%s", dest);
	s->verdict = verdict_name(r->rec.verdict);
	s->op = op_name(r->rec.op);
	snprintf(s->errno_name, sizeof(s->errno_name), "%s",
		 errno_name(r->key.err, dest, sizeof(dest)));
	snprintf(s->unit, sizeof(s->unit), "%s", r->rec.attrib.unit);
	snprintf(s->container, sizeof(s->container), "%s", r->rec.attrib.container);
	s->count = r->val.count;
	s->sum_ns = r->val.sum_ns;
	memcpy(s->hist, r->val.hist, sizeof(s->hist));
}

static void merge_val(struct agg_val *into, const struct agg_val *v)
{
	int i;

	into->count += v->count;
	into->sum_ns += v->sum_ns;
	if (v->first_ns && (!into->first_ns || v->first_ns < into->first_ns))
		into->first_ns = v->first_ns;
	if (v->last_ns > into->last_ns) {
		into->last_ns = v->last_ns;
		into->pid = v->pid;
		into->sel = v->sel;
	}
	into->flags |= v->flags;
	for (i = 0; i < AVC_HIST_SLOTS; i++)
		into->hist[i] += v->hist[i];
}

/* Read every counter (one row per key: cgroups are merged by name_rows(), unit by unit),
 * compute the deltas. *entries: keys in the map.
 */
static int read_rows(struct watch_ctx *w, struct watch_row **out, size_t *nout, size_t *entries)
{
	struct agg_key key, next;
	struct watch_row *rows = NULL, *r;
	size_t n = 0, cap = 0, i, m;
	bool first = true;

	*entries = 0;
	while (bpf_map_get_next_key(w->maps.agg_fd, first ? NULL : &key, &next) == 0) {
		first = false;
		key = next;
		if (n == cap) {
			struct watch_row *nr;

			cap = cap ? cap * 2 : 64;
			nr = realloc(rows, cap * sizeof(*rows));
			if (!nr) {
				free(rows);
				return -ENOMEM;
			}
			rows = nr;
		}
		r = &rows[n];
		memset(r, 0, sizeof(*r));
		if (bpf_map_lookup_elem(w->maps.agg_fd, &key, &r->val))
			continue; /* deleted meanwhile */
		(*entries)++;
		r->key = key;
		if (r->val.flags & (AF_SEL_DENIED | AF_SEL_PERMISSIVE))
			r->has_names = !bpf_map_lookup_elem(w->maps.names_fd, &key, &r->names);
		/* one row per key, its cgroup kept: name_rows() attributes it to a unit or a
		 * container, then merges the rows labelled alike
		 */
		r->ncgroups = 1;
		n++;
	}
	m = n;
	if (n)
		qsort(rows, n, sizeof(*rows), key_cmp);
	for (i = 0; i < m; i++) {
		struct prev_count *p = w->nprev ? bsearch(&rows[i].key, w->prev, w->nprev,
							  sizeof(*w->prev), key_cmp)
						: NULL;

		rows[i].delta =
			rows[i].val.count - (p && p->count <= rows[i].val.count ? p->count : 0);
	}
	/* the totals of this report are the baseline of the next one */
	free(w->prev);
	w->prev = m ? malloc(m * sizeof(*w->prev)) : NULL;
	w->nprev = w->prev ? m : 0;
	for (i = 0; i < w->nprev; i++) {
		w->prev[i].key = rows[i].key;
		w->prev[i].count = rows[i].val.count;
	}
	*out = rows;
	*nout = m;
	return 0;
}

/* Name each row like a traced event (its own constructor, the same enrichment and refine
 * step), then merge the rows whose labels are now the same. Returns the new row count.
 */
static size_t name_rows(struct watch_ctx *w, struct watch_row *rows, size_t n)
{
	size_t i, m;

	for (i = 0; i < n; i++) {
		struct watch_row *r = &rows[i];

		record_from_counter(&r->rec, &r->key, &r->val, r->has_names ? &r->names : NULL,
				    w->wall_offset);
		enrich_record(w->enr, &r->rec);
		enrich_port_type(w->enr, &r->rec, r->port_type, sizeof(r->port_type));
	}
	if (n)
		qsort(rows, n, sizeof(*rows), label_qcmp);
	for (i = 0, m = 0; i < n; i++) {
		if (m && !label_cmp(&rows[m - 1], &rows[i])) {
			struct watch_row *into = &rows[m - 1];
			bool later = rows[i].val.last_ns > into->val.last_ns;

			/* the names of the latest attempt stand for the row */
			if (later) {
				struct watch_row keep = rows[i];

				keep.val = into->val;
				keep.delta = into->delta;
				keep.ncgroups = into->ncgroups;
				*into = keep;
			}
			merge_val(&into->val, &rows[i].val);
			into->delta += rows[i].delta;
			into->ncgroups += rows[i].ncgroups;
			into->rec.count = into->val.count;
			continue;
		}
		if (m != i)
			rows[m] = rows[i];
		m++;
	}
	return m;
}

static const char *hidden_note(const struct conn_record *rec)
{
	if (rec->verdict != VERDICT_SELINUX_HIDDEN)
		return "";
	if (!rec->hidden_by)
		return " (no AVC record)";
	return !strcmp(rec->hidden_by, "dontaudit") ? " (dontaudit)" : " (audit off)";
}

static void row_target(const struct watch_row *r, char *buf, size_t len)
{
	const char *t =
		r->rec.has_selinux && r->rec.target_type[0] ? r->rec.target_type : r->port_type;

	escape_str(buf, len, t[0] ? t : "-", ESC_TEXT);
}

static void row_perms(const struct watch_row *r, char *buf, size_t len)
{
	char raw[REC_MAX_PERMS * REC_NAME_LEN + 32];
	size_t n = 0;
	int i;

	raw[0] = '\0';
	for (i = 0; i < r->rec.nperms; i++)
		n += (size_t)snprintf(raw + n, sizeof(raw) - n, "%s%s", i ? "," : "",
				      r->rec.perms[i]);
	snprintf(raw + n, sizeof(raw) - n, "%s", hidden_note(&r->rec));
	escape_str(buf, len, raw[0] ? raw : "-", ESC_TEXT);
}

static void print_table(struct watch_ctx *w, const struct watch_row *rows, size_t n,
			const unsigned long long *st, size_t entries, unsigned long long max)
{
	char when[16], comm[4 * AVC_COMM_LEN + 4], raw[4 * AVC_PATH_LEN], dest[4 * AVC_PATH_LEN];
	char target[128], perms[4 * REC_MAX_PERMS * REC_NAME_LEN], errbuf[16];
	char who_raw[ATTRIB_UNIT_LEN], who[4 * ATTRIB_UNIT_LEN + 4];
	time_t now = time(NULL);
	bool attributed = false; /* the UNIT/CONTAINER column, when any row has one */
	struct tm tm;
	size_t i;

	for (i = 0; i < n; i++)
		attributed = attributed || attrib_present(&rows[i].rec.attrib);

	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	fprintf(w->out,
		"\n%s  %llu attempts traced, %zu rows, %zu/%llu counter entries, overflow %llu\n",
		when, st[STAT_ATTEMPTS], n, entries, max, st[STAT_AGG_OVERFLOW]);
	if (st[STAT_AGG_OVERFLOW])
		fprintf(w->out,
			"!! %llu attempts were not counted: the counter table is full "
			"(raise --max-entries)\n",
			st[STAT_AGG_OVERFLOW]);
	if (w->domain) {
		char list[256];
		unsigned long long dst[DSTAT_MAX];

		domain_read_stats(w->domain, dst);
		domain_list(w->domain, list, sizeof(list));
		fprintf(w->out,
			"domain %s: %llu attempt(s) of other domains dropped; not counted: %llu of "
			"these domains made before their SID was learnt, %llu of a domain that could "
			"not be read, %llu lost (ring buffer full)\n",
			list, dst[DSTAT_DROPPED], w->domain->uncounted_wanted,
			w->domain->unresolved, dst[DSTAT_RING_FULL]);
	}
	fprintf(w->out, "%-2s %-16s %-7s ", "", "COMM", "OP");
	if (attributed)
		fprintf(w->out, "%-24s ", "UNIT/CONTAINER");
	fprintf(w->out, "%-28s %-16s %-12s %8s %10s %9s  %-20s %s\n", "DEST", "VERDICT", "ERRNO",
		"NEW", "TOTAL", "AVG(us)", "TARGET", "PERMS");
	for (i = 0; i < n; i++) {
		const struct watch_row *r = &rows[i];
		int rank = watch_row_rank(r);

		escape_buf(comm, sizeof(comm), r->key.comm, AVC_COMM_LEN, ESC_TEXT, 0);
		record_dest(&r->rec, raw, sizeof(raw));
		escape_str(dest, sizeof(dest), raw, ESC_TEXT);
		row_target(r, target, sizeof(target));
		row_perms(r, perms, sizeof(perms));
		fprintf(w->out, "%-2s %-16s %-7s ",
			rank == 0   ? "!!"
			: rank <= 2 ? "!"
				    : "",
			comm, op_name(r->rec.op));
		if (attributed) {
			attrib_short(&r->rec.attrib, who_raw, sizeof(who_raw));
			escape_str(who, sizeof(who), who_raw, ESC_TEXT);
			fprintf(w->out, "%-24s ", who);
		}
		fprintf(w->out, "%-28s %-16s %-12s %8llu %10llu %9.1f  %-20s %s\n", dest,
			verdict_column(r->rec.verdict),
			errno_name(r->key.err, errbuf, sizeof(errbuf)), r->delta,
			(unsigned long long)r->val.count,
			r->val.count ? (double)r->val.sum_ns / (double)r->val.count / 1e3 : 0.0,
			target, perms);
	}
	if (!w->hist)
		return;
	for (i = 0; i < n; i++) {
		const struct watch_row *r = &rows[i];

		escape_buf(comm, sizeof(comm), r->key.comm, AVC_COMM_LEN, ESC_TEXT, 0);
		record_dest(&r->rec, raw, sizeof(raw));
		escape_str(dest, sizeof(dest), raw, ESC_TEXT);
		fprintf(w->out, "\n%s %s %s %s (%llu attempts, latency since counting began):\n",
			comm, op_name(r->rec.op), dest, verdict_name(r->rec.verdict),
			(unsigned long long)r->val.count);
		hist_print_log2(w->out, r->val.hist, AVC_HIST_SLOTS, "usecs");
	}
}

static void print_json_rows(struct watch_ctx *w, const struct watch_row *rows, size_t n,
			    const unsigned long long *st, size_t entries, unsigned long long max)
{
	struct json *j = &w->j;
	char dest[4 * AVC_PATH_LEN], errbuf[16];
	struct timespec now;
	unsigned int s, last;
	double wall;
	size_t i;

	clock_gettime(CLOCK_REALTIME, &now);
	wall = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
	json_obj_begin(j, NULL);
	json_str(j, "type", "watch_interval");
	json_time(j, "time", wall);
	json_double(j, "interval_s", w->interval, 3);
	json_uint(j, "attempts", st[STAT_ATTEMPTS]);
	json_uint(j, "rows", n);
	json_uint(j, "entries", entries);
	json_uint(j, "max_entries", max);
	json_uint(j, "overflow", st[STAT_AGG_OVERFLOW]);
	if (w->domain) {
		unsigned long long dst[DSTAT_MAX];

		domain_read_stats(w->domain, dst);
		json_arr_begin(j, "domains");
		for (s = 0; s < (unsigned int)w->domain->ntypes; s++)
			json_str(j, NULL, w->domain->types[s]);
		json_arr_end(j);
		json_uint(j, "domain_dropped", dst[DSTAT_DROPPED]);
		json_uint(j, "domain_uncounted", w->domain->uncounted_wanted);
		json_uint(j, "domain_unresolved", w->domain->unresolved);
		json_uint(j, "domain_lost_ringbuf_full", dst[DSTAT_RING_FULL]);
	}
	enricher_write_cgroup_stats(j, w->enr);
	json_obj_end(j);
	json_line_end(j);
	for (i = 0; i < n; i++) {
		const struct watch_row *r = &rows[i];
		const struct conn_record *rec = &r->rec;

		json_obj_begin(j, NULL);
		json_str(j, "type", "watch");
		json_time(j, "time", wall);
		json_strn(j, "comm", r->key.comm, strnlen(r->key.comm, AVC_COMM_LEN));
		/* every counted attempt is of one of the domains: named when there is one */
		if (w->domain && w->domain->ntypes == 1)
			json_str(j, "domain", w->domain->types[0]);
		json_uint(j, "cgroups", r->ncgroups);
		attrib_write_json(j, &rec->attrib);
		json_str(j, "op", op_name(rec->op));
		json_str(j, "family", family_name(r->key.family));
		if (r->key.family == AVC_AF_INET || r->key.family == AVC_AF_INET6) {
			json_str(j, "daddr", rec->daddr);
			json_uint(j, "dport", r->key.port);
		} else if (r->key.family == AVC_AF_UNIX) {
			json_strn(j, "path", rec->path, rec->path_len);
			json_bool(j, "abstract", rec->abstract);
		}
		record_dest(rec, dest, sizeof(dest));
		json_str(j, "dest", dest);
		json_str(j, "verdict", verdict_name(rec->verdict));
		json_str(j, "errno", errno_name(r->key.err, errbuf, sizeof(errbuf)));
		json_uint(j, "new", r->delta);
		json_uint(j, "total", r->val.count);
		json_bool(j, "hidden", rec->verdict == VERDICT_SELINUX_HIDDEN);
		json_bool(j, "permissive", rec->verdict == VERDICT_SELINUX_PERMISSIVE);
		json_double(j, "mean_us",
			    r->val.count ? (double)r->val.sum_ns / (double)r->val.count / 1e3 : 0,
			    1);
		json_double(j, "first_seen", (double)r->val.first_ns / 1e9 + w->wall_offset, 6);
		json_double(j, "last_seen", (double)r->val.last_ns / 1e9 + w->wall_offset, 6);
		json_uint(j, "last_pid", r->val.pid);
		json_str(j, "port_type", r->port_type);
		if (rec->verdict == VERDICT_LSM_DENIED)
			json_str(j, "lsms", rec->lsms ? rec->lsms : "");
		if (rec->verdict == VERDICT_CGROUP_DENIED)
			json_bool(j, "cgroup_program", r->val.flags & AF_CGROUP_ERR);
		record_write_selinux_json(j, rec);
		/* slot i: latency in [2^i, 2^(i+1)) us; trailing empty slots left out */
		for (s = 0, last = 0; s < AVC_HIST_SLOTS; s++)
			if (r->val.hist[s])
				last = s + 1;
		json_arr_begin(j, "hist_log2_us");
		for (s = 0; s < last; s++)
			json_uint(j, NULL, r->val.hist[s]);
		json_arr_end(j);
		json_obj_end(j);
		json_line_end(j);
	}
}

struct prom_args {
	const struct watch_row *rows;
	size_t n;
	struct prom_totals t;
};

static int prom_cb(FILE *f, void *arg)
{
	struct prom_args *pa = arg;
	struct prom_series *s = calloc(pa->n ? pa->n : 1, sizeof(*s));
	size_t i;

	if (!s)
		return -ENOMEM;
	for (i = 0; i < pa->n; i++)
		watch_row_series(&pa->rows[i], &s[i]);
	prom_write(f, s, prom_merge_series(s, pa->n), &pa->t);
	free(s);
	return 0;
}

static int write_export(struct watch_ctx *w, const struct watch_row *rows, size_t n)
{
	struct finding_set set = { 0 };
	struct finding f;
	size_t i;
	int err = 0;

	for (i = 0; i < n && !err; i++) {
		const struct conn_record *rec = &rows[i].rec;
		struct conn_record named;

		if (!verdict_is_failure(rec->verdict) && rec->verdict != VERDICT_SELINUX_PERMISSIVE) {
			if (!w->keep_allowed)
				continue;
			/* --allowed: the access's names, for one finding per allowed access */
			named = *rec;
			enrich_allowed_names(w->enr, &named);
			rec = &named;
		}
		record_to_finding(rec, &f);
		/* the row's attempts, all of its one (refined) verdict */
		memset(&f.counts, 0, sizeof(f.counts));
		f.count = rows[i].val.count;
		finding_normalize(&f);
		f.first_seen = (double)rows[i].val.first_ns / 1e9 + w->wall_offset;
		f.last_seen = (double)rows[i].val.last_ns / 1e9 + w->wall_offset;
		err = finding_set_add(&set, &f, NULL);
		if (err == -ENOSPC || err > 0)
			err = 0; /* a full set counts what it drops */
	}
	if (set.overflow)
		p_warn("%s: %llu attempt(s) of findings beyond the first %d were left out",
		       w->export_path, (unsigned long long)set.overflow, FINDING_SET_DEFAULT_MAX);
	if (!err)
		err = export_write_file(w->export_path, w->export_fmt, &set,
					enricher_policy(w->enr), enricher_policy_seqno(w->enr));
	finding_set_free(&set);
	return err;
}

static int report(struct watch_ctx *w)
{
	unsigned long long st[STAT_MAX] = { 0 }, max = 0;
	struct bpf_map_info info = { 0 };
	__u32 info_len = sizeof(info);
	struct watch_row *rows = NULL;
	size_t n = 0, entries = 0;
	struct sel_change chg;
	int err;

	if (w->rb)
		ring_buffer__consume(w->rb); /* the SIDs reported so far, learnt */
	read_stats_fd(w->maps.stats_fd, st);
	if (!bpf_obj_get_info_by_fd(w->maps.agg_fd, &info, &info_len))
		max = info.max_entries;
	/* SELinux changed since the last report: say so, and name this one with the new state */
	if (enricher_follow(w->enr, &chg)) {
		if (w->json)
			sel_change_write_json(&w->j, &chg);
		else
			sel_change_print_text(w->out, &chg);
	}
	err = read_rows(w, &rows, &n, &entries);
	if (err) {
		p_err("reading the counters: %s", strerror(-err));
		return err;
	}
	n = rows ? name_rows(w, rows, n) : 0;
	if (n)
		qsort(rows, n, sizeof(*rows), watch_row_cmp);
	if (w->json)
		print_json_rows(w, rows, n, st, entries, max);
	else if (!w->quiet || n)
		print_table(w, rows, n, st, entries, max);
	fflush(w->out);
	if (w->prom_path) {
		struct prom_args pa = { .rows = rows, .n = n };

		pa.t.attempts = st[STAT_ATTEMPTS];
		pa.t.overflow = st[STAT_AGG_OVERFLOW];
		pa.t.entries = entries;
		pa.t.max_entries = max;
		err = safe_file_write(w->prom_path, PROM_FILE_MODE, prom_cb, &pa);
	}
	if (w->export_path && !err)
		err = write_export(w, rows, n);
	free(rows);
	return err;
}

static void watch_usage(FILE *f)
{
	fputs("Usage: avcsnoop watch [OPTIONS] [INTERVAL [COUNT]]\n"
	      "Count connect() attempts in the kernel (no event per attempt reaches user space) and\n"
	      "report every INTERVAL seconds (default 5) which destinations fail and why; stop after\n"
	      "COUNT reports (default: until SIGINT/SIGTERM, which print a last report).\n"
	      "\n" FILTER_USAGE
	      "      --max-entries N   size of the counter table (default 10240); when full, new\n"
	      "                        (comm, destination, verdict) triples count as overflow\n"
	      "  -j, --json            JSON lines per report (fields: README, avcsnoop(8))\n"
	      "      --hist            log2 latency histograms per row (bcc style)\n"
	      "      --prometheus FILE node_exporter textfile (mode 0644), replaced at each report\n"
	      "      --export FILE     distinct findings (failures) each report, for avcsnoop recommend\n"
	      "      --format json|avc export as findings JSON lines (default) or AVC records\n"
	      "      --allowed         --export keeps allowed accesses too (one finding per access,\n"
	      "                        counts, first and last seen), for avcsnoop tighten\n"
	      "      --pin DIR         pin counters and programs under DIR (bpffs): counting goes on\n"
	      "                        after exit; a later --pin DIR reuses them\n"
	      "      --unpin DIR       detach and remove what --pin DIR left, then exit\n"
	      "      --no-selinux      don't attach the SELinux decision path\n"
	      "      --policy FILE     name types from this binary policy (default: the live one)\n"
	      "  -q, --quiet           no capability line; skip empty tables\n"
	      "  -v, --verbose         libbpf debug output\n"
	      "  -h, --help            this help\n"
	      "\n"
	      "Examples:\n"
	      "  avcsnoop watch                      # nginx's connects, a table every 5 s\n"
	      "  avcsnoop watch --hist 10 6          # six 10-second reports with histograms\n"
	      "  avcsnoop watch --domain httpd_t 60  # every process running as httpd_t\n"
	      "  avcsnoop watch --pin /sys/fs/bpf/avcsnoop --prometheus /var/lib/prometheus/"
	      "node-exporter/avcsnoop.prom 60\n"
	      "  avcsnoop dump /sys/fs/bpf/avcsnoop  # read pinned counters once\n"
	      "  avcsnoop watch --unpin /sys/fs/bpf/avcsnoop\n",
	      f);
}

enum {
	OPT_MAX_ENTRIES = 256,
	OPT_HIST,
	OPT_PROM,
	OPT_EXPORT,
	OPT_FORMAT,
	OPT_PIN,
	OPT_UNPIN,
	OPT_NO_SELINUX,
	OPT_POLICY,
	OPT_ALLOWED,
};

struct watch_args {
	struct loader_opts lo;
	struct domain_filter domain;
	const char *pin_dir, *unpin_dir, *policy_file;
	unsigned long count;
};

/* Options shared by watch and dump; 1 handled, 0 not ours, -EINVAL bad. */
static int output_opt(struct watch_ctx *w, struct watch_args *a, int opt, const char *arg)
{
	switch (opt) {
	case 'j':
		w->json = true;
		return 1;
	case OPT_HIST:
		w->hist = true;
		return 1;
	case OPT_PROM:
		w->prom_path = arg;
		return 1;
	case OPT_EXPORT:
		w->export_path = arg;
		return 1;
	case OPT_ALLOWED:
		w->keep_allowed = true;
		return 1;
	case OPT_FORMAT:
		if (export_format_parse(arg, &w->export_fmt)) {
			p_err("--format: '%s' is not json or avc", arg);
			return -EINVAL;
		}
		return 1;
	case OPT_POLICY:
		if (access(arg, R_OK)) {
			p_err("--policy %s: %s", arg, strerror(errno));
			return -EINVAL;
		}
		a->policy_file = arg;
		return 1;
	case 'q':
		w->quiet = true;
		return 1;
	case 'v':
		log_verbose = true;
		return 1;
	default:
		return 0;
	}
}

#define OUTPUT_LONGOPTS                                                                     \
	{ "json", no_argument, NULL, 'j' }, { "hist", no_argument, NULL, OPT_HIST },        \
		{ "prometheus", required_argument, NULL, OPT_PROM },                        \
		{ "export", required_argument, NULL, OPT_EXPORT },                          \
		{ "allowed", no_argument, NULL, OPT_ALLOWED },                              \
		{ "format", required_argument, NULL, OPT_FORMAT },                          \
		{ "policy", required_argument, NULL, OPT_POLICY },                          \
		{ "quiet", no_argument, NULL, 'q' }, { "verbose", no_argument, NULL, 'v' }, \
	{                                                                                   \
		"help", no_argument, NULL, 'h'                                              \
	}

static double mono_now(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* --domain: wait out the interval reading the kernel's reports of unknown SIDs, so that a
 * new domain's SID is learnt within 100 ms of its first attempt.
 */
static void wait_reading_ring(struct watch_ctx *w, volatile sig_atomic_t *stop)
{
	double end = mono_now() + w->interval, left;
	int err;

	while (!*stop) {
		if (output_closed(w->out)) {
			*stop = SIGPIPE;
			return;
		}
		left = end - mono_now();
		if (left <= 0)
			return;
		err = ring_buffer__poll(w->rb, left < 0.1 ? (int)(left * 1000) + 1 : 100);
		if (err < 0 && err != -EINTR) {
			p_err("reading the domain reports: %s", strerror(-err));
			return;
		}
	}
}

static int watch_ring_event(void *ctx, void *data, size_t size)
{
	struct watch_ctx *w = ctx;

	if (size == sizeof(struct domain_sid_event))
		domain_on_sid_event(w->domain, data);
	return 0;
}

static int run(struct watch_ctx *w, struct watch_args *a, struct kernel_features *kf)
{
	volatile sig_atomic_t stop = 0;
	unsigned long done = 0;
	int err = 0;

	w->enr = enricher_new(kf, a->policy_file);
	json_init(&w->j, w->out);
	w->wall_offset = mono_to_wall_offset();
	on_exit_signals(&stop);
	if (!w->interval) /* dump */
		return report(w);
	/* a signal or a closed stdout (| head) cuts the wait short: that report is the final one */
	while (!stop && (!a->count || done < a->count)) {
		if (w->rb)
			wait_reading_ring(w, &stop);
		else
			wait_for_stop(w->interval, &stop, w->out);
		err = report(w);
		done++;
		if (err || output_closed(w->out))
			break;
	}
	return err;
}

/* 0, 1 when --help was printed or --unpin was done (*rc set), -EINVAL on a bad option. */
static int watch_parse(int argc, char **argv, struct watch_ctx *w, struct watch_args *a, int *rc)
{
	static const struct option opts[] = {
		FILTER_LONGOPTS,
		OUTPUT_LONGOPTS,
		{ "max-entries", required_argument, NULL, OPT_MAX_ENTRIES },
		{ "pin", required_argument, NULL, OPT_PIN },
		{ "unpin", required_argument, NULL, OPT_UNPIN },
		{ "no-selinux", no_argument, NULL, OPT_NO_SELINUX },
		{},
	};
	unsigned long v;
	int opt, err;

	optind = 1;
	while ((opt = getopt_long(argc, argv, FILTER_SHORTOPTS "jqvh", opts, NULL)) != -1) {
		err = filter_opt(opt, optarg, &a->lo);
		if (!err)
			err = output_opt(w, a, opt, optarg);
		if (err < 0)
			return -EINVAL;
		if (err > 0)
			continue;
		switch (opt) {
		case OPT_MAX_ENTRIES:
			if (parse_ulong(optarg, "--max-entries", 1, 1UL << 24, &v))
				return -EINVAL;
			a->lo.max_entries = (unsigned int)v;
			break;
		case OPT_PIN:
			a->pin_dir = optarg;
			break;
		case OPT_UNPIN:
			a->unpin_dir = optarg;
			break;
		case OPT_NO_SELINUX:
			a->lo.no_selinux = true;
			break;
		case 'h':
			watch_usage(stdout);
			*rc = 0;
			return 1;
		default:
			watch_usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc && parse_seconds(argv[optind++], "INTERVAL", &w->interval))
		return -EINVAL;
	if (optind < argc && parse_ulong(argv[optind++], "COUNT", 1, ~0UL >> 1, &a->count))
		return -EINVAL;
	if (optind < argc) {
		p_err("watch: unexpected argument '%s' (see avcsnoop watch --help)", argv[optind]);
		return -EINVAL;
	}
	if (w->interval < 0.01) {
		p_err("INTERVAL: '%g' is below 0.01 seconds", w->interval);
		return -EINVAL;
	}
	if (a->unpin_dir) {
		*rc = loader_unpin(a->unpin_dir) ? 1 : 0;
		return 1;
	}
	if (w->export_fmt == EXPORT_AVC && !w->export_path) {
		p_err("--format: only with --export FILE");
		return -EINVAL;
	}
	if (w->keep_allowed && (!w->export_path || w->export_fmt == EXPORT_AVC)) {
		p_err("--allowed: only with --export FILE in JSON format");
		return -EINVAL;
	}
	if (a->pin_dir && a->domain.ntypes) {
		p_err("--domain: not with --pin (the SIDs of domains that appear after this process "
		      "exits could not be learnt; run watch --domain unpinned)");
		return -EINVAL;
	}
	filter_finish(&a->lo);
	return 0;
}

/* The counters: reused from a pin, or a started loader (pinned when asked). 0 or -errno. */
static int watch_setup(struct watch_ctx *w, struct watch_args *a, struct loader *ld, bool *loaded,
		       struct kernel_features *kf)
{
	int err, nlinks = 0;

	if (a->pin_dir) {
		if (geteuid() != 0) {
			p_err("--pin needs root (bpffs, CAP_BPF)");
			return -EPERM;
		}
		if (pin_dir_prepare(a->pin_dir))
			return -EINVAL;
		err = pinned_open(a->pin_dir, &w->maps, &nlinks);
		if (!err) {
			if (probe_kernel(kf))
				memset(kf, 0, sizeof(*kf));
			if (!w->quiet)
				p_info("reusing the counters pinned under %s (%d programs attached%s); "
				       "their filters are those of the run that pinned them",
				       a->pin_dir, nlinks,
				       nlinks ? "" : ": nothing counts any more");
			return 0;
		}
		if (err != -ENOENT)
			return err; /* pinned_open named the pin and the problem */
	}
	err = loader_start(ld, &a->lo);
	if (err)
		return err;
	*loaded = true;
	*kf = ld->kf;
	loader_agg_maps(ld, &w->maps);
	if (a->domain.ntypes && a->domain.kernel) {
		w->domain = &a->domain;
		w->rb = ring_buffer__new(loader_ringbuf_fd(ld), watch_ring_event, w, NULL);
		if (!w->rb) {
			err = -errno;
			p_err("ring buffer: %s", strerror(errno));
			return err;
		}
	}
	if (a->pin_dir && loader_pin(ld, a->pin_dir))
		return -EIO;
	if (!w->quiet) {
		loader_describe(ld, stderr);
		if (a->pin_dir)
			p_info("counters pinned under %s: counting goes on after exit; "
			       "'avcsnoop watch --unpin %s' stops it",
			       a->pin_dir, a->pin_dir);
	}
	return 0;
}

int cmd_watch(int argc, char **argv)
{
	struct watch_ctx w = { .out = stdout, .interval = 5 };
	struct watch_args a;
	struct kernel_features kf;
	struct loader ld = { 0 };
	bool loaded = false;
	int err, rc = 0;

	memset(&a, 0, sizeof(a));
	a.lo.cfg.follow_async = 1;
	a.lo.cfg.mode = MODE_WATCH;
	a.lo.domain = &a.domain;
	err = watch_parse(argc, argv, &w, &a, &rc);
	if (err)
		return err > 0 ? rc : 2;
	err = domain_prepare(&a.domain, a.policy_file);
	if (err) {
		domain_free(&a.domain);
		return err == -EINVAL ? 2 : 1;
	}
	err = watch_setup(&w, &a, &ld, &loaded, &kf);
	if (!err)
		err = run(&w, &a, &kf);
	enricher_free(w.enr);
	free(w.prev);
	agg_maps_close(&w.maps);
	ring_buffer__free(w.rb);
	if (loaded)
		loader_stop(&ld);
	domain_free(&a.domain);
	return err ? 1 : 0;
}

static void dump_usage(FILE *f)
{
	fputs("Usage: avcsnoop dump [OPTIONS] DIR\n"
	      "Print once the counters pinned under DIR by 'avcsnoop watch --pin DIR'.\n"
	      "\n"
	      "  -j, --json            JSON lines (as watch -j)\n"
	      "      --hist            log2 latency histograms per row\n"
	      "      --prometheus FILE node_exporter textfile\n"
	      "      --export FILE     distinct findings, for avcsnoop recommend\n"
	      "      --format json|avc export format\n"
	      "      --allowed         the export keeps allowed accesses too (for tighten)\n"
	      "      --policy FILE     name types from this binary policy\n"
	      "  -q, --quiet, -v, --verbose, -h, --help\n",
	      f);
}

int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = { OUTPUT_LONGOPTS, {} };
	struct watch_ctx w = { .out = stdout, .interval = 0 };
	struct watch_args a = { 0 };
	struct kernel_features kf;
	int opt, err, nlinks;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "jqvh", opts, NULL)) != -1) {
		err = output_opt(&w, &a, opt, optarg);
		if (err < 0)
			return 2;
		if (err > 0)
			continue;
		if (opt == 'h') {
			dump_usage(stdout);
			return 0;
		}
		dump_usage(stderr);
		return 2;
	}
	if (optind != argc - 1) {
		p_err("dump: expected one pin directory (see avcsnoop dump --help)");
		return 2;
	}
	if (w.export_fmt == EXPORT_AVC && !w.export_path) {
		p_err("--format: only with --export FILE");
		return 2;
	}
	if (w.keep_allowed && (!w.export_path || w.export_fmt == EXPORT_AVC)) {
		p_err("--allowed: only with --export FILE in JSON format");
		return 2;
	}
	err = pinned_open(argv[optind], &w.maps, &nlinks);
	if (err) {
		if (err == -ENOENT) /* otherwise pinned_open named the pin and the problem */
			p_err("dump %s: no counters pinned there (%s); start 'avcsnoop watch --pin "
			      "%s'",
			      argv[optind], strerror(-err), argv[optind]);
		return 1;
	}
	if (!nlinks && !w.quiet)
		p_warn("%s: no program is attached any more: these counts are final", argv[optind]);
	if (probe_kernel(&kf))
		memset(&kf, 0, sizeof(kf));
	err = run(&w, &a, &kf);
	enricher_free(w.enr);
	free(w.prev);
	agg_maps_close(&w.maps);
	return err ? 1 : 0;
}
