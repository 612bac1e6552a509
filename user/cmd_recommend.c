// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* `avcsnoop recommend`: findings (JSON lines) or AVC records in, ranked fixes out. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#define EXIT_STILL_DENIED 3

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
		"      --max-findings N    findings (distinct accesses) kept (default 4096)\n"
		"  -j, --json              one JSON object per line\n"
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
		"2 bad usage, 3 with --verify when a finding would still be denied.\n");
}

struct read_stats {
	unsigned long lines, records, successes, ignored, bad, not_kernel, too_long;
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
		if (r == AUDITLOG_IGNORED) {
			st->ignored++;
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
	int rank;      /* 0 SELinux to act on, 1 SELinux already allowed now, 2 not SELinux */
	size_t seq;    /* first seen */
	char *top_fix; /* the summary line's fix (text output) */
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
 * Advice is computed into one scratch struct advice at a time (~130 KiB each: thousands of
 * them must not be held at once); the policy analysis behind it is cached by the engine, so
 * computing it again to print is cheap.
 */
struct run {
	struct policy *pol;
	bool json, verify;
	struct json j;
	struct item *items; /* in output order */
	struct advice *scratch;
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
		if (a->fixes[i].kind != FIX_NOTE)
			return 0;
	return 1;
}

static const struct advice *advise(struct run *rn, const struct finding *f)
{
	recommend(rn->pol, f, rn->scratch);
	return rn->scratch;
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

	printf("%zu finding(s): %zu SELinux, %zu other failure(s) (one per access; %lu record(s) "
	       "read, %lu success(es) skipped)\n",
	       rn->n, rn->nselinux, rn->n - rn->nselinux, st->records, st->successes);
	for (k = 0; k < rn->n; k++)
		advice_print_summary_line(stdout, (int)k + 1, rn->items[k].f, rn->items[k].top_fix);
	for (k = 0; k < rn->n; k++) {
		if (k == rn->nselinux)
			printf("\nNot SELinux (no SELinux change helps these):\n");
		fputs("\n", stdout);
		advice_print_header(stdout, (int)k + 1, (int)rn->n, rn->items[k].f);
		advice_print_text(stdout, rn->items[k].f, advise(rn, rn->items[k].f));
	}
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
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *policy_file = NULL, *ports_local = NULL;
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
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
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
	if (st.bad || st.ignored || st.successes || st.not_kernel || st.too_long || set.overflow ||
	    log_verbose)
		p_info("%lu line(s): %lu record(s) of %zu finding(s); %lu success(es) skipped; %lu "
		       "ignored (not AVC denials or findings); %lu malformed; %lu not from the "
		       "kernel; %lu too long%s",
		       st.lines, st.records, set.n, st.successes, st.ignored, st.bad, st.not_kernel,
		       st.too_long,
		       set.overflow ? "; more findings than --max-findings: the rest were counted"
				    : "");
	if (st.not_kernel)
		p_warn("%lu line(s) mention an AVC denial but are not audit records where audit.log "
		       "or the kernel writes them (a USER_AVC, or a syslog line any user can send "
		       "with logger): skipped",
		       st.not_kernel);
	if (set.overflow)
		p_warn("%llu record(s) of further findings were not kept (--max-findings %zu)",
		       (unsigned long long)set.overflow,
		       set.max ? set.max : (size_t)FINDING_SET_DEFAULT_MAX);
	if (st.bad || st.too_long)
		ret = 1;
	if (!set.n)
		goto out;

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
	rn.scratch = malloc(sizeof(*rn.scratch));
	if (!rn.items || !rn.scratch) {
		p_err("no memory for %zu findings", set.n);
		ret = 1;
		goto out;
	}
	for (k = 0; k < set.n; k++) {
		struct item *it = &rn.items[k];
		const struct advice *a = rn.verify ? NULL : advise(&rn, &set.v[k]);

		it->f = &set.v[k];
		it->seq = k;
		it->rank = rank_of(it->f, a);
		rn.nselinux += finding_is_selinux(it->f);
		if (a && !rn.json) {
			char line[8192];

			advice_top_fix_text(a, line, sizeof(line));
			it->top_fix = strdup(line);
		}
	}
	qsort(rn.items, set.n, sizeof(*rn.items), cmp_items);
	json_init(&rn.j, stdout);
	if (rn.verify)
		print_verify(&rn);
	else if (rn.json)
		for (k = 0; k < set.n; k++)
			advice_write_json(&rn.j, rn.items[k].f, advise(&rn, rn.items[k].f));
	else
		print_text(&rn, &st);
	fflush(stdout);
	if (rn.verify && rn.still_denied && !ret)
		ret = EXIT_STILL_DENIED;
out:
	for (k = 0; rn.items && k < rn.n; k++)
		free(rn.items[k].top_fix);
	free(rn.scratch);
	free(rn.items);
	policy_close(rn.pol);
	finding_set_free(&set);
	return ret;
}
