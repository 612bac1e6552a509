// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* `avcsnoop recommend`: findings (JSON lines) or AVC records in, ranked fixes out. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auditlog.h"
#include "finding_set.h"
#include "findings_io.h"
#include "json.h"
#include "escape.h"
#include "log.h"
#include "policy.h"
#include "recommend.h"
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
		"lines; each line is recognised on its own. Distinct findings are advised once.\n"
		"\n"
		"  -P, --policy FILE       binary policy to ask (default: the live policy);\n"
		"                          works offline, e.g. /etc/selinux/default/policy/policy.33\n"
		"      --ports-local FILE  semanage's local ports (ports.local) to decide -a or -m\n"
		"      --verify            recompute each finding's access now, print whether it\n"
		"                          would be allowed (exit 3 when one is still denied)\n"
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
		"3 with --verify when a finding would still be denied.\n");
}

struct read_stats {
	unsigned long lines, findings, ignored, bad;
};

static int read_input(FILE *in, const char *name, struct finding_set *set, struct read_stats *st)
{
	char *line = NULL, err[256];
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int ret = 0;

	while ((len = getline(&line, &cap, in)) >= 0) {
		struct finding f;
		size_t i = 0;
		int r;

		lineno++;
		st->lines++;
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
			{
				char ename[256], eerr[1024];

				escape_str(ename, sizeof(ename), name, ESC_TEXT);
				escape_str(eerr, sizeof(eerr), err, ESC_TEXT);
				p_err("%s:%zu: %s", ename, lineno, eerr);
			}
			st->bad++;
			continue;
		}
		if (r == 0) {
			st->ignored++;
			continue;
		}
		st->findings++;
		if (finding_set_add(set, &f)) {
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

int cmd_recommend(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'P' },
		{ "ports-local", required_argument, NULL, 'L' },
		{ "verify", no_argument, NULL, 'V' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *policy_file = NULL, *ports_local = NULL;
	struct finding_set set = { 0 };
	struct read_stats st = { 0 };
	struct policy *pol = NULL;
	bool json = false, verify = false, need_policy = false;
	int opt, ret = 0, i, still_denied = 0;
	struct json j;
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
			verify = true;
			break;
		case 'j':
			json = true;
			break;
		case 'v':
			log_verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind >= argc) {
		if (read_input(stdin, "<stdin>", &set, &st))
			ret = 1;
	}
	for (i = optind; i < argc; i++) {
		FILE *in = strcmp(argv[i], "-") ? fopen(argv[i], "re") : stdin;

		if (!in) {
			p_err("cannot open %s: %s", argv[i], strerror(errno));
			ret = 1;
			continue;
		}
		if (read_input(in, argv[i], &set, &st))
			ret = 1;
		if (in != stdin)
			fclose(in);
	}
	if (st.bad || st.ignored || log_verbose)
		p_info("%lu line(s): %lu finding(s), %zu distinct; %lu ignored (not AVC denials or "
		       "findings); %lu malformed",
		       st.lines, st.findings, set.n, st.ignored, st.bad);
	if (st.bad)
		ret = 1;
	if (!set.n) {
		if (!st.bad)
			p_info("no findings in the input");
		goto out;
	}

	for (k = 0; k < set.n; k++)
		if (verdict_is_selinux(set.v[k].verdict) || set.v[k].hidden || set.v[k].permissive)
			need_policy = true;
	if (need_policy) {
		int r = policy_open(&pol, policy_file, err, sizeof(err));

		if (r) {
			p_err("%s", err);
			ret = 1;
			goto out;
		}
		if (ports_local)
			policy_set_local_ports_file(pol, ports_local);
		p_debug("policy %s (version %u, %d booleans)", policy_path(pol),
			policy_version(pol), policy_bool_count(pol));
	}

	json_init(&j, stdout);
	for (k = 0; k < set.n; k++) {
		const struct finding *f = &set.v[k];

		if (verify) {
			struct verify_result v;

			if (pol)
				recommend_verify(pol, f, &v);
			else
				memset(&v, 0, sizeof(v));
			if (v.checked && !v.allowed)
				still_denied++;
			if (json)
				verify_write_json(&j, f, &v);
			else
				verify_print_text(stdout, f, &v);
			continue;
		}
		{
			struct advice *a = calloc(1, sizeof(*a));

			if (!a) {
				ret = 1;
				break;
			}
			recommend(pol, f, a);
			if (json) {
				advice_write_json(&j, f, a);
			} else {
				if (k)
					fputs("\n", stdout);
				printf("=== %zu/%zu: seen %llu time(s)\n", k + 1, set.n,
				       (unsigned long long)f->count);
				advice_print_text(stdout, f, a);
			}
			free(a);
		}
	}
	fflush(stdout);
	if (verify && still_denied && !ret)
		ret = EXIT_STILL_DENIED;
out:
	policy_close(pol);
	finding_set_free(&set);
	return ret;
}
