// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* `avcsnoop recommend`: findings (JSON lines) or AVC records in, ranked fixes out. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advice_out.h"
#include "auditlog.h"
#include "commands.h"
#include "finding_set.h"
#include "findings_io.h"
#include "json.h"
#include "escape.h"
#include "log.h"
#include "policy.h"
#include "recommend.h"
#include "util.h"
#include "verdict.h"

#define EXIT_STILL_DENIED EXIT_FINDINGS

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: avcsnoop recommend [OPTIONS] [FILE...]\n"
		"\n"
		"Explain SELinux denials and recommend the fixes the policy in force supports.\n"
		"Reads FILEs (or stdin, or '-'): findings exported by avcsnoop (JSON lines),\n"
		"audit.log lines, `ausearch -m avc --raw` output or kernel `audit: type=1400`\n"
		"lines; each line is recognised on its own. A finding is one access: every record\n"
		"of it is grouped, and it is advised once. Successes are skipped and counted.\n"
		"An AVC is read only where audit.log or the kernel writes it (type=AVC msg=audit(,\n"
		"or audit: type=1400 after dmesg's time or a syslog/journal line's \"HOST kernel:\");\n"
		"any other line mentioning one (logger can send it) is skipped and counted. Lines\n"
		"over 64 KiB are refused (exit 1). No fix is offered for a sensitive target\n"
		"(authentication or security files, selinuxfs, keys): a warning says why.\n"
		"\n"
		"  -P, --policy FILE       binary policy to ask (default: the live policy);\n"
		"                          works offline, e.g. /etc/selinux/default/policy/policy.33\n"
		"      --ports-local FILE  semanage's local ports (ports.local) to decide -a or -m\n"
		"      --verify            recompute each finding's access now, print whether it\n"
		"                          would be allowed (exit 3 when one is still denied)\n"
		"      --scontext CTX --tcontext CTX --tclass CLASS --perm PERM [--perm PERM...]\n"
		"      [--port N] [--path PATH]\n"
		"                          one access given on the command line instead of FILEs\n"
		"                          (what each fix's Verify line runs)\n"
		"      --max-findings N    findings (distinct accesses) kept (default 4096)\n"
		"  -j, --json              one JSON object per line\n"
		"      --long              with each fix, why it ranks there (the reasoning)\n"
		"  -v, --verbose           debug messages\n"
		"  -h, --help              this help\n"
		"\n"
		"Examples:\n"
		"  ausearch -m avc --raw | avcsnoop recommend\n"
		"  avcsnoop recommend --policy /etc/selinux/default/policy/policy.33 audit.log\n"
		"  avcsnoop trace --export findings.json; avcsnoop recommend -j findings.json\n"
		"  avcsnoop recommend --verify findings.json   # after applying a fix\n"
		"\n"
		"Exit status: 0 ok, 1 error (bad input lines are reported with their line number),\n"
		"2 bad usage, 3 with --verify when a finding would still be denied.\n"
		"JSON fields and exit codes: man avcsnoop (FIELDS, EXIT STATUS).\n");
}

static const char *plural(unsigned long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

struct read_stats {
	unsigned long lines, records, successes, ignored, bad, not_kernel, too_long;
	unsigned long long uncounted; /* attempts an export says its source could not count */
	unsigned long other; /* of the ignored: audit records of another type (AVC_PATH, ...) */
	char other_type[16]; /* the first such record's type */
	unsigned long no_matches; /* ausearch's "<no matches>" lines */
};

/* No audit record or findings line comes near this: a longer line is refused, not read. */
#define LINE_MAX_BYTES (64 * 1024)

/*
 * One line (NUL bytes kept) into buf of LINE_MAX_BYTES + 1 bytes: its length, the newline
 * dropped; -1 at the end of input; -2 for a line longer than LINE_MAX_BYTES, whose rest is
 * read and dropped: memory stays bounded whatever the input.
 */
static ssize_t read_line(FILE *in, char *buf)
{
	size_t n = 0;
	bool long_line = false;
	int ch;

	while ((ch = getc_unlocked(in)) != EOF) {
		if (ch == '\n')
			return long_line ? -2 : (ssize_t)n;
		if (n < LINE_MAX_BYTES)
			buf[n++] = (char)ch;
		else
			long_line = true;
	}
	if (long_line)
		return -2;
	return n ? (ssize_t)n : -1;
}

static int read_input(FILE *in, const char *name, struct finding_set *set, struct read_stats *st)
{
	char *line = malloc(LINE_MAX_BYTES + 1), err[256];
	size_t lineno = 0;
	ssize_t len;
	int ret = 0;

	if (!line) {
		p_err("no memory for a line buffer");
		return -ENOMEM;
	}
	while ((len = read_line(in, line)) != -1) {
		struct finding f;
		size_t i = 0;
		int r;

		lineno++;
		st->lines++;
		if (len == -2) {
			char ename[256];

			escape_str(ename, sizeof(ename), name, ESC_TEXT);
			p_err("%s:%zu: a line longer than %d bytes: refused (no audit record or "
			      "finding is that long)",
			      ename, lineno, LINE_MAX_BYTES);
			st->too_long++;
			continue;
		}
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		while (i < (size_t)len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == (size_t)len)
			continue; /* blank */
		if (line[i] == '{')
			r = finding_read_json(line + i, (size_t)len - i, &f, err, sizeof(err));
		else
			r = auditlog_parse_line(line, (size_t)len, &f, err, sizeof(err));
		if (r < 0) {
			char ename[256], eerr[1024];

			escape_str(ename, sizeof(ename), name, ESC_TEXT);
			escape_str(eerr, sizeof(eerr), err, ESC_TEXT);
			p_err("%s:%zu: %s", ename, lineno, eerr);
			st->bad++;
			continue;
		}
		if (line[i] == '{' && r == FINDING_READ_UNCOUNTED) {
			st->uncounted += f.count;
			continue;
		}
		if (r == AUDITLOG_IGNORED) {
			char type[16];

			if (!strncmp(line + i, "<no matches>", 12))
				st->no_matches++;
			st->ignored++;
			/* an AVC_PATH (its AVC's path), SYSCALL, PROCTITLE, ... record: read as
			 * what it is, skipped and counted
			 */
			if (line[i] != '{' &&
			    auditlog_record_type(line, (size_t)len, type, sizeof(type)) &&
			    strcmp(type, "AVC") && strcmp(type, "1400")) {
				if (!st->other++)
					text_set(st->other_type, sizeof(st->other_type), "%s",
						 type);
			}
			continue;
		}
		if (r == AUDITLOG_NOT_KERNEL) {
			st->not_kernel++;
			continue;
		}
		/* a success (a trace -j stream has them) is never a finding */
		if (!verdict_is_failure(f.verdict) && !finding_is_selinux(&f)) {
			st->successes++;
			continue;
		}
		st->records++;
		r = finding_set_add(set, &f, NULL);
		if (r == -ENOMEM) {
			ret = -ENOMEM;
			break;
		}
	}
	if (ferror(in)) {
		p_err("%s: read error: %s", name, strerror(errno));
		ret = -EIO;
	}
	free(line);
	return ret;
}

/* One finding and its advice, with where it goes in the output. */
struct item {
	const struct finding *f;
	struct advice *adv; /* computed once, NULL with --verify */
	int rank;	    /* 0 SELinux to act on, 1 SELinux already allowed now, 2 not SELinux */
	size_t seq;	    /* first seen */
	char *top_fix;	    /* the summary line's fix (text output) */
};

/* SELinux findings to act on first, then those the policy now allows, then the others;
 * each group by attempts, most first, then as first seen.
 */
static int cmp_items(const void *x, const void *y)
{
	const struct item *a = x, *b = y;

	if (a->rank != b->rank)
		return a->rank - b->rank;
	if (a->f->count != b->f->count)
		return a->f->count > b->f->count ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/*
 * Each finding's advice is computed once, ranks it and is printed; it is held until the end
 * of the run (its arena: a few KiB, the size of its texts).
 */
struct run {
	struct policy *pol;
	bool json, verify;
	struct json j;
	struct item *items; /* in output order */
	size_t n, nselinux;
	int still_denied;
};

static int rank_of(const struct finding *f, const struct advice *a)
{
	int i;

	if (!finding_is_selinux(f))
		return 2;
	if (!a)
		return 0;
	for (i = 0; i < a->nfixes; i++)
		if (a->fixes[i]->kind != FIX_NOTE)
			return 0;
	return 1;
}

static void print_verify(struct run *rn)
{
	struct verify_result v;
	size_t k;

	for (k = 0; k < rn->n; k++) {
		const struct finding *f = rn->items[k].f;

		if (rn->pol)
			recommend_verify(rn->pol, f, &v);
		else
			memset(&v, 0, sizeof(v));
		if (v.checked && !v.allowed)
			rn->still_denied++;
		if (rn->json)
			verify_write_json(&rn->j, f, &v);
		else
			verify_print_text(stdout, f, &v);
	}
}

/* Summary lines, then the If/Then/Do of each SELinux finding, then the other failures. */
static void print_text(struct run *rn, const struct read_stats *st)
{
	size_t k;

	printf("%zu %s: %zu SELinux, %zu other %s (one per access; %lu %s read, %lu %s "
	       "skipped)\n",
	       rn->n, plural(rn->n, "finding", "findings"), rn->nselinux, rn->n - rn->nselinux,
	       plural(rn->n - rn->nselinux, "failure", "failures"), st->records,
	       plural(st->records, "record", "records"), st->successes,
	       plural(st->successes, "success", "successes"));
	for (k = 0; k < rn->n; k++)
		advice_print_summary_line(stdout, (int)k + 1, rn->items[k].f, rn->items[k].top_fix);
	for (k = 0; k < rn->n; k++) {
		if (k == rn->nselinux)
			printf("\nNot SELinux (no SELinux change helps these):\n");
		fputs("\n", stdout);
		advice_print_header(stdout, (int)k + 1, (int)rn->n, rn->items[k].f);
		advice_print_text(stdout, rn->items[k].f, rn->items[k].adv);
	}
}

/* One access named on the command line (--scontext ... --perm ...), as an AVC record would
 * give it: what a fix's Verify line runs, and a question anyone may ask.
 */
struct manual {
	const char *scon, *tcon, *tclass, *path;
	const char *perms[FINDING_MAX_PERMS];
	int nperms;
	unsigned long port;
	bool any;
};

static int manual_copy(char *dst, size_t sz, const char *src, const char *what)
{
	if (strlen(src) >= sz || !*src) {
		p_err("%s: %s", what, *src ? "too long" : "empty");
		return -EINVAL;
	}
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

static int manual_finding(const struct manual *m, struct finding *f)
{
	int i;

	memset(f, 0, sizeof(*f));
	if (!m->scon || !m->tcon || !m->tclass || !m->nperms) {
		p_err("an access on the command line needs --scontext, --tcontext, --tclass and "
		      "--perm");
		return -EINVAL;
	}
	if (manual_copy(f->scontext, sizeof(f->scontext), m->scon, "--scontext") ||
	    manual_copy(f->tcontext, sizeof(f->tcontext), m->tcon, "--tcontext") ||
	    manual_copy(f->tclass, sizeof(f->tclass), m->tclass, "--tclass") ||
	    (m->path && manual_copy(f->path, sizeof(f->path), m->path, "--path")))
		return -EINVAL;
	for (i = 0; i < m->nperms; i++)
		if (manual_copy(f->perms[i], sizeof(f->perms[i]), m->perms[i], "--perm"))
			return -EINVAL;
	f->nperms = m->nperms;
	f->origin = ORIGIN_AUDIT;
	f->op = !strcmp(f->perms[0], "name_bind") || !strcmp(f->perms[0], "node_bind")
			? AVC_OP_BIND
			: AVC_OP_CONNECT;
	f->verdict = VERDICT_SELINUX_DENIED;
	f->err = EACCES;
	f->count = 1;
	f->counts.total = 1;
	f->counts.audited = 1;
	f->dport = (uint16_t)m->port;
	if (m->port)
		snprintf(f->dests[f->ndests++], sizeof(f->dests[0]), ":%lu", m->port);
	return 0;
}

/* Nothing to advise: say what that means, since silence is exactly what a dontaudit'd
 * denial looks like in the audit log, and what to run instead.
 */
static void print_empty(const struct read_stats *st)
{
	unsigned long skipped = st->not_kernel + st->bad + st->too_long;

	/* lines were refused (warned about above): the input was not empty, so the dontaudit
	 * explanation would mislead; say what was read and stop
	 */
	if (skipped) {
		printf("No AVC denial from the kernel in the input (%lu %s read, %lu %s skipped: "
		       "the warning on stderr says why).\n",
		       st->lines, plural(st->lines, "line", "lines"), skipped,
		       plural(skipped, "line", "lines"));
		return;
	}
	printf("No denials in the input (%lu %s read%s).\n"
	       "An empty audit log does not mean SELinux allowed it: a denial hidden by a\n"
	       "dontaudit rule leaves no AVC record. To see every denial, hidden ones too, run as\n"
	       "root\n"
	       "    avcsnoop trace --recommend\n"
	       "and reproduce the failure while it runs (e.g. curl -sS http://127.0.0.1/).\n"
	       "Or turn dontaudit rules off for a while (semodule -DB; semodule -B to restore),\n"
	       "reproduce, and read the audit log again (ausearch -m avc -ts recent --raw).\n",
	       st->lines, plural(st->lines, "line", "lines"),
	       st->no_matches ? "; ausearch found no matches" : "");
}

/* The last JSON line: what was read and found ("findings":0 with a "hint" when empty). */
static void write_summary_json(struct run *rn, const struct read_stats *st)
{
	json_obj_begin(&rn->j, NULL);
	json_str(&rn->j, "type", "summary");
	json_uint(&rn->j, "findings", rn->n);
	json_uint(&rn->j, "selinux", rn->nselinux);
	json_uint(&rn->j, "other", rn->n - rn->nselinux);
	json_uint(&rn->j, "lines", st->lines);
	json_uint(&rn->j, "records", st->records);
	json_uint(&rn->j, "successes_skipped", st->successes);
	json_uint(&rn->j, "ignored", st->ignored);
	json_uint(&rn->j, "malformed", st->bad);
	if (rn->pol)
		json_str(&rn->j, "policy", policy_path(rn->pol));
	if (rn->verify)
		json_uint(&rn->j, "still_denied", (unsigned long)rn->still_denied);
	if (!rn->n)
		json_str(&rn->j, "hint",
			 "no denials: a dontaudit'd denial leaves no AVC record; run "
			 "`avcsnoop trace --recommend` as root and reproduce the failure");
	json_obj_end(&rn->j);
	json_line_end(&rn->j);
}

int cmd_recommend(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'P' },
		{ "ports-local", required_argument, NULL, 'L' },
		{ "verify", no_argument, NULL, 'V' },
		{ "json", no_argument, NULL, 'j' },
		{ "max-findings", required_argument, NULL, 'M' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "long", no_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ "scontext", required_argument, NULL, 'S' },
		{ "tcontext", required_argument, NULL, 'T' },
		{ "tclass", required_argument, NULL, 'C' },
		{ "perm", required_argument, NULL, 'R' },
		{ "port", required_argument, NULL, 'O' },
		{ "path", required_argument, NULL, 'A' },
		{ 0 },
	};
	const char *policy_file = NULL, *ports_local = NULL;
	char other[96] = "";
	struct manual man = { 0 };
	struct finding_set set = { 0 };
	struct read_stats st = { 0 };
	struct run rn = { 0 };
	bool need_policy = false;
	int opt, ret = 0, i;
	unsigned long v;
	char err[512];
	size_t k;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "P:jvh", opts, NULL)) != -1) {
		switch (opt) {
		case 'P':
			policy_file = optarg;
			break;
		case 'L':
			ports_local = optarg;
			break;
		case 'V':
			rn.verify = true;
			break;
		case 'j':
			rn.json = true;
			break;
		case 'M':
			if (parse_ulong(optarg, "--max-findings", 1, 1000000, &v))
				return 2;
			set.max = v;
			break;
		case 'v':
			log_verbose = true;
			break;
		case 'W':
			advice_text_long(true);
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'S':
			man.scon = optarg;
			man.any = true;
			break;
		case 'T':
			man.tcon = optarg;
			man.any = true;
			break;
		case 'C':
			man.tclass = optarg;
			man.any = true;
			break;
		case 'R':
			if (man.nperms >= FINDING_MAX_PERMS) {
				p_err("--perm: at most %d", FINDING_MAX_PERMS);
				return EXIT_USAGE;
			}
			man.perms[man.nperms++] = optarg;
			man.any = true;
			break;
		case 'O':
			if (parse_ulong(optarg, "--port", 1, 65535, &man.port))
				return EXIT_USAGE;
			man.any = true;
			break;
		case 'A':
			man.path = optarg;
			man.any = true;
			break;
		default:
			return usage_error("recommend");
		}
	}
	if (man.any && optind < argc) {
		p_err("an access on the command line (--scontext ...) or FILEs, not both");
		return usage_error("recommend");
	}
	/* every path named is checked before any work: a typo must not cost a parse of a
	 * whole audit log first
	 */
	if (policy_file && check_input_file(policy_file, "--policy"))
		return EXIT_RUNTIME;
	if (ports_local && check_input_file(ports_local, "--ports-local"))
		return EXIT_RUNTIME;
	for (i = optind; i < argc; i++)
		if (strcmp(argv[i], "-") && check_input_file(argv[i], "input"))
			return EXIT_RUNTIME;
	if (man.any) {
		struct finding f;

		if (manual_finding(&man, &f))
			return usage_error("recommend");
		if (finding_set_add(&set, &f, NULL) == -ENOMEM) {
			p_err("no memory");
			return EXIT_RUNTIME;
		}
		st.records = 1;
	} else if (optind >= argc) {
		if (isatty(STDIN_FILENO))
			p_info("reading AVC records or findings from the terminal: paste them and "
			       "press Ctrl-D, or give a FILE (ausearch -m avc --raw | avcsnoop "
			       "recommend; avcsnoop recommend --help)");
		if (read_input(stdin, "<stdin>", &set, &st))
			ret = 1;
	}
	for (i = optind; i < argc; i++) {
		FILE *in = strcmp(argv[i], "-") ? fopen(argv[i], "re") : stdin;

		if (!in) {
			char ename[1024];

			escape_str(ename, sizeof(ename), argv[i], ESC_TEXT);
			p_err("cannot open %s: %s", ename, strerror(errno));
			ret = 1;
			continue;
		}
		if (read_input(in, argv[i], &set, &st))
			ret = 1;
		if (in != stdin)
			fclose(in);
	}
	if (st.other)
		text_set(other, sizeof(other), ", of which %lu other audit record(s): the first %s",
			 st.other, st.other_type);
	if (st.bad || st.ignored || st.successes || st.not_kernel || st.too_long || set.overflow ||
	    log_verbose)
		p_info("%lu line(s): %lu record(s) of %zu finding(s); %lu success(es) skipped; %lu "
		       "ignored (not AVC denials or findings%s); %lu malformed; %lu not from the "
		       "kernel; %lu too long%s",
		       st.lines, st.records, set.n, st.successes, st.ignored, other, st.bad,
		       st.not_kernel, st.too_long,
		       set.overflow ? "; more findings than --max-findings: the rest were counted"
				    : "");
	if (st.not_kernel)
		p_warn("%lu line(s) mention an AVC denial but are not audit records where audit.log "
		       "or the kernel writes them (a USER_AVC, or a syslog line any user can send "
		       "with logger): skipped",
		       st.not_kernel);
	if (st.uncounted)
		p_warn("the input says %llu attempt(s) were not counted where it was made (watch's "
		       "counter table was full: raise --max-entries): findings may be missing here",
		       st.uncounted);
	if (set.overflow)
		p_warn("%llu record(s) of further findings were not kept (--max-findings %zu)",
		       (unsigned long long)set.overflow,
		       set.max ? set.max : (size_t)FINDING_SET_DEFAULT_MAX);
	if (st.bad || st.too_long)
		ret = 1;
	if (!set.n) {
		if (rn.json) {
			json_init(&rn.j, stdout);
			write_summary_json(&rn, &st);
		} else {
			print_empty(&st);
		}
		goto out;
	}

	for (k = 0; k < set.n; k++)
		need_policy |= finding_is_selinux(&set.v[k]);
	if (need_policy) {
		int r = policy_open(&rn.pol, policy_file, err, sizeof(err));

		if (r) {
			p_err("%s", err);
			ret = 1;
			goto out;
		}
		if (ports_local)
			policy_set_local_ports_file(rn.pol, ports_local);
		p_debug("policy %s (version %u, %d booleans)", policy_path(rn.pol),
			policy_version(rn.pol), policy_bool_count(rn.pol));
	}
	rn.n = set.n;
	rn.items = calloc(set.n, sizeof(*rn.items));
	if (!rn.items) {
		p_err("no memory for %zu findings", set.n);
		ret = 1;
		goto out;
	}
	for (k = 0; k < set.n; k++) {
		struct item *it = &rn.items[k];

		it->f = &set.v[k];
		it->seq = k;
		if (!rn.verify) {
			it->adv = calloc(1, sizeof(*it->adv));
			if (!it->adv) {
				p_err("no memory for the advice of %zu findings", set.n);
				ret = 1;
				goto out;
			}
			recommend(rn.pol, it->f, it->adv);
		}
		it->rank = rank_of(it->f, it->adv);
		rn.nselinux += finding_is_selinux(it->f);
		if (it->adv && !rn.json) {
			char line[8192];

			advice_top_fix_text(it->adv, line, sizeof(line));
			it->top_fix = strdup(line);
		}
	}
	qsort(rn.items, set.n, sizeof(*rn.items), cmp_items);
	json_init(&rn.j, stdout);
	if (rn.verify)
		print_verify(&rn);
	else if (rn.json)
		for (k = 0; k < set.n; k++)
			advice_write_json(&rn.j, rn.items[k].f, rn.items[k].adv);
	else
		print_text(&rn, &st);
	if (rn.json)
		write_summary_json(&rn, &st);
	fflush(stdout);
	if (rn.verify && rn.still_denied && !ret)
		ret = EXIT_STILL_DENIED;
out:
	for (k = 0; rn.items && k < rn.n; k++) {
		free(rn.items[k].top_fix);
		if (rn.items[k].adv)
			advice_free(rn.items[k].adv);
		free(rn.items[k].adv);
	}
	free(rn.items);
	policy_close(rn.pol);
	finding_set_free(&set);
	return ret;
}
