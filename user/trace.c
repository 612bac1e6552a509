// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* avcsnoop trace: one line (or JSON object) per connect() attempt, live. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "advice_out.h"
#include "commands.h"
#include "domain.h"
#include "enrich.h"
#include "escape.h"
#include "event.h"
#include "export.h"
#include "filter_opts.h"
#include "json.h"
#include "loader.h"
#include "log.h"
#include "recommend.h"
#include "safe_file.h"
#include "util.h"
#include "verdict.h"

struct trace_ctx {
	FILE *out;
	bool json;
	bool failed_only; /* -f, decided on the refined verdict */
	struct json j;
	double wall_offset;
	struct enricher *enr;
	unsigned long long printed;
	bool recommend; /* --recommend: advice once per finding (access) */
	struct advice *advice;
	const char *export_path; /* --export: the findings, written at exit */
	enum export_format export_fmt;
	struct finding_set findings; /* for --recommend and --export: one entry per access */
	unsigned long sel_changes;   /* SELinux state changes seen (policy loads, setenforce) */
	bool changes_in_ring;	     /* ... told in the events ring, in order with the attempts */
	unsigned long long status_peeks; /* status page reads (make bench, lab 99) */
	struct domain_filter *domain;	 /* --domain, or NULL */
	bool keep_allowed;		 /* --allowed: allowed accesses are findings too */
};

/* A change of SELinux's state: one record in the output, and what derives from the policy
 * (names, verdicts, advice) comes from the new state from here on.
 */
static void show_change(struct trace_ctx *t, const struct sel_change *chg)
{
	t->sel_changes++;
	if (t->json)
		sel_change_write_json(&t->j, chg);
	else
		sel_change_print_text(t->out, chg);
}

/* The status page: counted (its cost per read is measured once, at the end: make bench). */
static int peek_status(struct trace_ctx *t, struct sel_status *now)
{
	if (!enricher_following(t->enr))
		return 0; /* nothing to follow (no SELinux here, or --policy FILE) */
	t->status_peeks++;
	return enricher_status_peek(t->enr, now);
}

/*
 * Between two reads of the ring. Without change records in the ring, the status page is the
 * only source: read here and before each event. With them, the page is read before the
 * ring is drained: a change it shows was written into the ring before the page (the kernel
 * calls the traced function first), so draining applies it in order, and what the page shows
 * beyond that is a record the ring lost (full), caught up here.
 */
static void drain(struct trace_ctx *t, struct ring_buffer *rb)
{
	struct sel_status now;
	struct sel_change chg;
	int seen;

	if (!t->changes_in_ring) {
		ring_buffer__consume(rb);
		if (peek_status(t, &now) && enricher_follow_to(t->enr, &now, &chg))
			show_change(t, &chg);
		return;
	}
	seen = peek_status(t, &now);
	ring_buffer__consume(rb);
	if (seen && enricher_follow_to(t->enr, &now, &chg))
		show_change(t, &chg);
}

static int handle_change(struct trace_ctx *t, const struct sel_change_event *e)
{
	struct sel_change chg;

	if (enricher_follow_kernel(t->enr, e->kind, e->value,
				   t->wall_offset + (double)e->ts_ns / 1e9, &chg))
		show_change(t, &chg);
	return 0;
}

/* A failure (or permissive would-deny) joins its finding; a new finding gets its advice. */
static int note_finding(struct trace_ctx *t, const struct conn_record *rec)
{
	struct finding f, *found = NULL;
	int ret;

	if (!verdict_is_failure(rec->verdict) && rec->verdict != VERDICT_SELINUX_PERMISSIVE) {
		struct conn_record named;

		if (!t->keep_allowed || !t->export_path)
			return 0;
		/* --allowed: one finding per allowed access, for avcsnoop tighten */
		named = *rec;
		enrich_allowed_names(t->enr, &named);
		record_to_finding(&named, &f);
		ret = finding_set_add(&t->findings, &f, NULL);
		return ret == -ENOSPC ? 0 : ret < 0 ? ret : 0;
	}
	record_to_finding(rec, &f);
	ret = finding_set_add(&t->findings, &f, &found);
	if (ret == -ENOSPC)
		return 0; /* counted in findings.overflow, reported at exit */
	if (ret < 0)
		return ret;
	if (!t->recommend)
		return 0;
	/* advice once per access, and again when SELinux changed since it was given */
	if (ret == 0 && (!finding_is_selinux(found) || found->advised_state == t->sel_changes + 1))
		return 0;
	found->advised_state = t->sel_changes + 1;
	ret = recommend(finding_is_selinux(found) ? enricher_policy(t->enr) : NULL, found,
			t->advice);
	if (ret == -ENOSPC) {
		p_warn("no advice for this finding: it did not fit in its arena (a bug)");
		return 0;
	}
	if (ret) {
		p_warn("no advice for this finding: the policy could not be read");
		return 0;
	}
	t->advice->policy_seqno = enricher_policy_seqno(t->enr);
	if (t->json)
		advice_write_json(&t->j, found, t->advice);
	else
		advice_print_text(t->out, found, t->advice);
	return 0;
}

static void trace_usage(FILE *f)
{
	fputs("Usage: avcsnoop trace [OPTIONS]\n"
	      "Trace connect() attempts of selected processes, with destination and verdict:\n"
	      "allowed, refused, denied by SELinux (audited, hidden by dontaudit, or permissive),\n"
	      "denied by another LSM or by a cgroup program/firewall.\n"
	      "\n" FILTER_USAGE
	      "  -f, --failed          show only failures (and SELinux permissive would-denies)\n"
	      "  -d, --duration SECS   stop after SECS seconds\n"
	      "  -j, --json            one JSON object per line (every field: man avcsnoop, FIELDS)\n"
	      "      --no-async        report EINPROGRESS as is; don't wait for the TCP outcome\n"
	      "      --no-selinux      don't attach the SELinux decision path\n"
	      "      --ringbuf-size N  ring buffer bytes (power of two, default 4194304)\n"
	      "      --recommend       advise a fix once per finding (access)\n"
	      "      --export FILE     at exit, one finding per access (counts by verdict, first and\n"
	      "                        last seen, contexts, advice) for avcsnoop recommend\n"
	      "      --format json|avc --export as findings JSON lines (default) or AVC records\n"
	      "      --allowed         --export keeps allowed accesses too, one finding per (source\n"
	      "                        type, port type, class, permission, port), for tighten\n"
	      "      --max-findings N  findings (distinct accesses) kept for --recommend and\n"
	      "                        --export (default 4096; further ones are counted)\n"
	      "  -P, --policy FILE     name types from this binary policy (default: the live one)\n"
	      "  -q, --quiet           no capability line and no header\n"
	      "  -v, --verbose         libbpf debug output\n"
	      "  -h, --help            this help\n"
	      "\n"
	      "Examples:\n"
	      "  avcsnoop trace                     # nginx's connects, live\n"
	      "  avcsnoop trace -f -j               # failures only, as JSON lines\n"
	      "  avcsnoop trace -a --port 3000      # any process connecting to port 3000\n"
	      "  avcsnoop trace -c nginx -c php-fpm -d 60\n"
	      "  avcsnoop trace --domain httpd_t    # nginx, httpd, php-fpm: whatever runs as httpd_t\n"
	      "  avcsnoop trace --recommend         # and what to do about each failure\n",
	      f);
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct trace_ctx *t = ctx;
	struct conn_record rec;
	char domain[64] = "";

	/* the ring's records are told apart by their size */
	_Static_assert(sizeof(struct sel_change_event) != sizeof(struct domain_sid_event) &&
			       sizeof(struct domain_sid_event) < sizeof(struct conn_event) &&
			       sizeof(struct sel_change_event) < sizeof(struct conn_event),
		       "ring records of the same size");
	if (size == sizeof(struct sel_change_event))
		return handle_change(t, data);
	if (size == sizeof(struct domain_sid_event)) {
		if (t->domain)
			domain_on_sid_event(t->domain, data);
		return 0;
	}
	if (size < sizeof(struct conn_event))
		return 0;
	if (t->domain && !domain_keep_event(t->domain, data, domain, sizeof(domain)))
		return 0;
	/* before naming: setenforce and policy loads count at once */
	if (!t->changes_in_ring) {
		struct sel_status now;
		struct sel_change chg;

		if (peek_status(t, &now) && enricher_follow_to(t->enr, &now, &chg))
			show_change(t, &chg);
	}
	record_from_event(&rec, data, size, t->wall_offset);
	snprintf(rec.domain, sizeof(rec.domain), "%s", domain);
	enrich_record(t->enr, &rec);
	/* -f on the refined verdict: a permissive would-deny is a connect the kernel saw
	 * succeed, and is shown
	 */
	if (t->failed_only && !verdict_is_failure(rec.verdict) &&
	    rec.verdict != VERDICT_SELINUX_PERMISSIVE)
		return 0;
	if (t->json)
		print_json(&t->j, &rec);
	else
		print_text(t->out, &rec);
	t->printed++;
	if (t->recommend || t->export_path)
		return note_finding(t, &rec);
	return 0;
}

static void print_summary(struct trace_ctx *t, const struct loader *ld)
{
	unsigned long long st[STAT_MAX];
	unsigned long long status_ns = enricher_status_cost_ns(t->enr, 1000);
	unsigned long long lost;

	unsigned long long dst[DSTAT_MAX] = { 0 };

	if (loader_read_stats(ld, st))
		return;
	if (t->domain)
		domain_read_stats(t->domain, dst);
	lost = st[STAT_RB_DROPS] + st[STAT_INFLIGHT_FULL] + dst[DSTAT_RING_FULL];
	if (t->json) {
		json_obj_begin(&t->j, NULL);
		json_str(&t->j, "type", "stats");
		json_uint(&t->j, "attempts", st[STAT_ATTEMPTS]);
		json_uint(&t->j, "events", st[STAT_EVENTS]);
		json_uint(&t->j, "printed", t->printed);
		json_uint(&t->j, "lost_ringbuf_full", st[STAT_RB_DROPS]);
		json_uint(&t->j, "lost_table_full", st[STAT_INFLIGHT_FULL]);
		json_uint(&t->j, "filtered", st[STAT_FILTERED]);
		json_uint(&t->j, "async_table_full", st[STAT_PENDING_FULL]);
		json_uint(&t->j, "findings", t->findings.n);
		json_uint(&t->j, "findings_overflow", t->findings.overflow);
		json_uint(&t->j, "policy_changes", t->sel_changes);
		json_str(&t->j, "changes_from", t->changes_in_ring ? "kernel" : "status_page");
		json_uint(&t->j, "status_reads", t->status_peeks);
		json_uint(&t->j, "status_read_ns", status_ns);
		json_str(&t->j, "cgroup_hook_facts", loader_cgroup_facts(ld));
		if (t->domain) {
			json_bool(&t->j, "domain_in_kernel", t->domain->kernel);
			json_uint(&t->j, "domain_dropped_kernel", dst[DSTAT_DROPPED]);
			json_uint(&t->j, "domain_dropped", t->domain->dropped);
			json_uint(&t->j, "domain_unresolved", t->domain->unresolved);
			json_uint(&t->j, "domain_unknown_sids_reported", dst[DSTAT_UNKNOWN]);
			json_uint(&t->j, "domain_lost_ringbuf_full", dst[DSTAT_RING_FULL]);
			json_uint(&t->j, "domain_sids_known", t->domain->nsids);
		}
		enricher_write_cgroup_stats(&t->j, t->enr);
		json_obj_end(&t->j);
		json_line_end(&t->j);
	}
	fprintf(stderr,
		"avcsnoop: %llu attempt%s, %llu event%s, %llu lost (ring buffer full: %llu, "
		"no memory for an attempt: %llu)%s\n",
		st[STAT_ATTEMPTS], plural_s(st[STAT_ATTEMPTS]), st[STAT_EVENTS],
		plural_s(st[STAT_EVENTS]), lost, st[STAT_RB_DROPS], st[STAT_INFLIGHT_FULL],
		lost ? "; raise --ringbuf-size" : "");
	if (t->domain)
		fprintf(stderr,
			"avcsnoop: --domain: %llu attempt(s) of other domains dropped (%llu in the "
			"kernel, %llu here), %llu of a domain that could not be read (the task had "
			"gone), %llu lost (ring buffer full)\n",
			dst[DSTAT_DROPPED] + t->domain->dropped, dst[DSTAT_DROPPED],
			t->domain->dropped, t->domain->unresolved, dst[DSTAT_RING_FULL]);
	p_debug("SELinux status page: %llu reads, %llu ns each; changes from %s", t->status_peeks,
		status_ns, t->changes_in_ring ? "the events ring" : "the status page");
	if (t->findings.overflow)
		fprintf(stderr,
			"avcsnoop: %zu findings kept; %llu failing attempt(s) of further findings "
			"were not (raise --max-findings)\n",
			t->findings.n, (unsigned long long)t->findings.overflow);
}

enum {
	OPT_NO_ASYNC = 256,
	OPT_NO_SELINUX,
	OPT_RINGBUF,
	OPT_RECOMMEND,
	OPT_POLICY,
	OPT_EXPORT,
	OPT_FORMAT,
	OPT_MAX_FINDINGS,
	OPT_ALLOWED,
};

/* What the command line asks for. */
struct trace_args {
	struct loader_opts lo;
	struct domain_filter domain;
	double duration;
	bool quiet;
	const char *policy_file;
};

/* 0, 1 when --help was printed, or -EINVAL (the message names the bad option). */
static int trace_parse(int argc, char **argv, struct trace_ctx *t, struct trace_args *a)
{
	static const struct option opts[] = {
		FILTER_LONGOPTS,
		{ "export", required_argument, NULL, OPT_EXPORT },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "max-findings", required_argument, NULL, OPT_MAX_FINDINGS },
		{ "allowed", no_argument, NULL, OPT_ALLOWED },
		{ "failed", no_argument, NULL, 'f' },
		{ "duration", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "no-async", no_argument, NULL, OPT_NO_ASYNC },
		{ "no-selinux", no_argument, NULL, OPT_NO_SELINUX },
		{ "ringbuf-size", required_argument, NULL, OPT_RINGBUF },
		{ "recommend", no_argument, NULL, OPT_RECOMMEND },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct loader_opts *lo = &a->lo;
	unsigned long v;
	int opt, err;

	lo->cfg.follow_async = 1;
	lo->cfg.mode = MODE_TRACE;
	lo->domain = &a->domain;
	optind = 1;
	while ((opt = getopt_long(argc, argv, FILTER_SHORTOPTS "fd:jqvhP:", opts, NULL)) != -1) {
		err = filter_opt(opt, optarg, lo);
		if (err < 0)
			return -EINVAL;
		if (err > 0)
			continue;
		switch (opt) {
		case 'f':
			t->failed_only = lo->failed_only = true;
			break;
		case 'd':
			if (parse_seconds(optarg, "-d", &a->duration))
				return -EINVAL;
			break;
		case 'j':
			t->json = true;
			break;
		case OPT_NO_ASYNC:
			lo->cfg.follow_async = 0;
			break;
		case OPT_NO_SELINUX:
			lo->no_selinux = true;
			break;
		case OPT_RINGBUF:
			if (parse_ulong(optarg, "--ringbuf-size", 4096, 1UL << 30, &v))
				return -EINVAL;
			if (v & (v - 1)) {
				p_err("--ringbuf-size: '%s' is not a power of two", optarg);
				return -EINVAL;
			}
			lo->ringbuf_bytes = (unsigned int)v;
			break;
		case OPT_RECOMMEND:
			t->recommend = true;
			break;
		case OPT_EXPORT:
			t->export_path = optarg;
			break;
		case OPT_ALLOWED:
			t->keep_allowed = true;
			break;
		case OPT_MAX_FINDINGS:
			if (parse_ulong(optarg, "--max-findings", 1, 1000000, &v))
				return -EINVAL;
			t->findings.max = v;
			break;
		case OPT_FORMAT:
			if (export_format_parse(optarg, &t->export_fmt)) {
				p_err("--format: '%s' is not json or avc", optarg);
				return -EINVAL;
			}
			break;
		case 'P':
		case OPT_POLICY:
			/* a file that cannot be read: a runtime error (1), as in recommend */
			if (check_input_file(optarg, "--policy"))
				return -ENOENT;
			a->policy_file = optarg;
			break;
		case 'q':
			a->quiet = true;
			break;
		case 'v':
			log_verbose = true;
			break;
		case 'h':
			trace_usage(stdout);
			return 1;
		default:
			usage_error("trace");
			return -EINVAL;
		}
	}
	if (optind < argc) {
		p_err("trace: unexpected argument '%s' (see avcsnoop trace --help)", argv[optind]);
		return -EINVAL;
	}
	if (t->keep_allowed && (!t->export_path || t->export_fmt == EXPORT_AVC || t->failed_only)) {
		p_err("--allowed: only with --export FILE in JSON format, and not with -f");
		return -EINVAL;
	}
	if (t->export_fmt == EXPORT_AVC && !t->export_path) {
		p_err("--format: only with --export FILE");
		return -EINVAL;
	}
	filter_finish(lo);
	return 0;
}

/* Everything the loop needs, after the programs are attached; 0 or -errno. */
static int trace_setup(struct trace_ctx *t, const struct trace_args *a, struct loader *ld,
		       struct ring_buffer **rb)
{
	const struct avc_config *cfg = &a->lo.cfg;

	t->enr = enricher_new(&ld->kf, a->policy_file);
	if (!t->enr || (t->recommend && !(t->advice = calloc(1, sizeof(*t->advice)))))
		return -ENOMEM;
	json_init(&t->j, t->out);
	t->wall_offset = mono_to_wall_offset();
	t->changes_in_ring = loader_sel_changes_in_ring(ld);
	*rb = ring_buffer__new(loader_ringbuf_fd(ld), handle_event, t, NULL);
	if (!*rb) {
		int err = -errno;

		p_err("ring buffer: %s", strerror(errno));
		return err;
	}
	if (a->quiet)
		return 0;
	loader_describe(ld, stderr);
	if (!t->json)
		print_text_header(t->out);
	if (!cfg->trace_all && !cfg->target_tgid &&
	    !comm_running((const char(*)[16])cfg->comms, cfg->ncomms)) {
		char esc[64];

		escape_str(esc, sizeof(esc), cfg->comms[0], ESC_TEXT);
		p_info("waiting for connect() by %s%s (none is running now; --all traces every "
		       "process)",
		       esc, cfg->ncomms > 1 ? " and the other -c names" : "");
	}
	fflush(t->out);
	return 0;
}

/* Until a signal, the deadline or a closed stdout; then the stats and the export. */
static int trace_run(struct trace_ctx *t, const struct trace_args *a, struct loader *ld,
		     struct ring_buffer *rb)
{
	volatile sig_atomic_t stop = 0;
	double deadline = a->duration > 0 ? mono_now() + a->duration : 0;
	int err = 0;

	on_exit_signals(&stop);
	while (!stop) {
		/* Events are submitted without wakeups: poll returns on the 100 ms timeout (or
		 * when the buffer is half full), then consume whatever is there.
		 */
		err = ring_buffer__poll(rb, 100);
		if (err < 0 && err != -EINTR) {
			p_err("reading events: %s", strerror(-err));
			break;
		}
		drain(t, rb); /* a change is shown even when nothing connects */
		/* stdout's reader has gone (| head): stop as SIGINT does, export and stats still */
		if (output_closed(t->out))
			break;
		if (deadline > 0 && mono_now() >= deadline)
			break;
	}
	err = err == -EINTR || err > 0 ? 0 : err;
	ring_buffer__consume(rb);
	print_summary(t, ld);
	fflush(t->out);
	if (t->export_path &&
	    export_write_file(t->export_path, t->export_fmt, &t->findings, enricher_policy(t->enr),
			      enricher_policy_seqno(t->enr)))
		err = -EIO;
	return err;
}

int cmd_trace(int argc, char **argv)
{
	struct trace_ctx t = { .out = stdout };
	struct trace_args a = { 0 };
	struct ring_buffer *rb = NULL;
	struct loader ld;
	int err;

	err = trace_parse(argc, argv, &t, &a);
	if (err)
		return err > 0 ? 0 : err == -EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
	/* the export is written at exit: a missing directory found then loses the whole run */
	if (t.export_path && check_output_dir(t.export_path, "--export"))
		return EXIT_RUNTIME;
	err = domain_prepare(&a.domain, a.policy_file);
	if (err) {
		domain_free(&a.domain);
		return err == -EINVAL ? 2 : 1;
	}
	if (a.domain.ntypes)
		t.domain = &a.domain;
	if (t.export_path)
		safe_file_remove_stale(t.export_path);
	if (loader_start(&ld, &a.lo)) {
		domain_free(&a.domain);
		return 1;
	}
	err = trace_setup(&t, &a, &ld, &rb);
	if (!err)
		err = trace_run(&t, &a, &ld, rb);
	finding_set_free(&t.findings);
	ring_buffer__free(rb);
	enricher_free(t.enr);
	if (t.advice)
		advice_free(t.advice);
	free(t.advice);
	loader_stop(&ld);
	domain_free(&a.domain);
	return err < 0 ? 1 : 0;
}
