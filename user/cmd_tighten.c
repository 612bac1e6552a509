// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* `avcsnoop tighten`: allowed accesses (and a configuration's predictions) in, a plan out. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "escape.h"
#include "finding_set.h"
#include "findings_io.h"
#include "log.h"
#include "preflight.h"
#include "tighten.h"
#include "util.h"

#define MAX_INPUTS 64

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: avcsnoop tighten [OPTIONS] [-i FILE]... [--nginx-conf CONF]\n"
		"\n"
		"Undo a broad fix from what nginx really uses. Reads the allowed accesses\n"
		"exported by `avcsnoop trace --export FILE --allowed` or `avcsnoop watch --export\n"
		"FILE --allowed` (findings JSON lines) and/or predicts them from nginx's\n"
		"configuration (as preflight does), and asks the policy which elements grant each\n"
		"one now: a boolean's conditional rules, a local port label, unconditional rules\n"
		"(the base policy or a module). When a broad boolean is on (one recommend ranks\n"
		"as broad: httpd_can_network_connect opens every port, nis_enabled reaches\n"
		"hundreds of domains), it is turned off in memory and each access it was keeping\n"
		"gets recommend's own first fix (a targeted boolean, a port relabel, a local\n"
		"module). The plan is proved on the policy with every change applied: if an\n"
		"access would be denied, the plan is refused and the access named.\n"
		"\n"
		"  -i, --input FILE          findings JSON lines ('-' for stdin); repeatable\n"
		"      --nginx-conf CONF     add the accesses nginx's configuration CONF predicts\n"
		"  -d, --domain TYPE         nginx's domain for --nginx-conf (default: from the\n"
		"                            policy, as preflight decides it)\n"
		"      --file-contexts FILE  file_contexts for --nginx-conf (as preflight)\n"
		"  -P, --policy FILE         binary policy to ask (default: the live policy)\n"
		"      --ports-local FILE    semanage's local ports (ports.local)\n"
		"  -B, --bool NAME=0|1       a boolean's value on the host the accesses were seen\n"
		"                            on (getsebool -a): a policy file holds only the\n"
		"                            defaults; repeatable\n"
		"  -j, --json                one JSON object: accesses, steps (argv), proof,\n"
		"                            coverage\n"
		"  -v, --verbose             debug messages\n"
		"  -h, --help                this help\n"
		"\n"
		"Examples:\n"
		"  avcsnoop watch --export /var/lib/avcsnoop/allowed.json --allowed 60\n"
		"  avcsnoop tighten -i /var/lib/avcsnoop/allowed.json\n"
		"  avcsnoop tighten -i allowed.json --nginx-conf /etc/nginx/nginx.conf -j\n"
		"  avcsnoop tighten --policy policy.33 -B httpd_can_network_connect=1 -i a.json\n"
		"\n"
		"An access never seen while tracing and not named by the configuration (a nightly\n"
		"job, a failover upstream) would be cut by the plan: trace long enough, and give\n"
		"the configuration.\n"
		"\n"
		"Exit status: 0 nothing to tighten, 1 error, 2 bad usage, 3 a plan to apply,\n"
		"4 a broad grant is on but the plan was refused (an access would break).\n");
}

/* Findings JSON lines into set; allowed and failed alike (tighten sorts them). */
static int read_findings(FILE *in, const char *name, struct finding_set *set, unsigned long *bad)
{
	char *line = NULL, err[256], ename[256], eerr[1024];
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int ret = 0;

	while ((len = getline(&line, &cap, in)) >= 0) {
		struct finding f;
		size_t i = 0;
		int r;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		while (i < (size_t)len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == (size_t)len)
			continue;
		r = finding_read_json(line + i, (size_t)len - i, &f, err, sizeof(err));
		if (r < 0) {
			escape_str(ename, sizeof(ename), name, ESC_TEXT);
			escape_str(eerr, sizeof(eerr), err, ESC_TEXT);
			p_err("%s:%zu: %s", ename, lineno, eerr);
			(*bad)++;
			continue;
		}
		if (r == 0)
			continue; /* another record type (stats, advice) */
		if (finding_set_add(set, &f, NULL) == -ENOMEM) {
			ret = -ENOMEM;
			break;
		}
	}
	if (ferror(in)) {
		escape_str(ename, sizeof(ename), name, ESC_TEXT);
		p_err("%s: read error: %s", ename, strerror(errno));
		ret = -EIO;
	}
	free(line);
	return ret;
}

int cmd_tighten(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "nginx-conf", required_argument, NULL, 'C' },
		{ "domain", required_argument, NULL, 'd' },
		{ "file-contexts", required_argument, NULL, 'F' },
		{ "policy", required_argument, NULL, 'P' },
		{ "ports-local", required_argument, NULL, 'L' },
		{ "bool", required_argument, NULL, 'B' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *inputs[MAX_INPUTS], *bools[MAX_INPUTS], *policy_file = NULL, *ports_local = NULL;
	struct preflight_opts po = { 0 };
	struct finding_set observed = { 0 }, predicted = { 0 };
	struct tighten_result *res = NULL;
	struct policy *pol = NULL;
	unsigned long bad = 0;
	int ninputs = 0, nbools = 0, opt, ret = 0, i;
	bool json = false;
	char err[512], domain[POLICY_NAME_LEN];

	optind = 1;
	while ((opt = getopt_long(argc, argv, "i:d:P:B:jvh", opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			if (ninputs >= MAX_INPUTS) {
				p_err("-i: at most %d files", MAX_INPUTS);
				return 2;
			}
			inputs[ninputs++] = optarg;
			break;
		case 'C':
			po.conf = optarg;
			break;
		case 'd':
			po.domain = optarg;
			break;
		case 'F':
			po.file_contexts = optarg;
			break;
		case 'P':
			policy_file = optarg;
			break;
		case 'L':
			ports_local = optarg;
			break;
		case 'B': {
			const char *eq = strchr(optarg, '=');

			if (!eq || eq == optarg || (strcmp(eq, "=0") && strcmp(eq, "=1")) ||
			    nbools >= MAX_INPUTS) {
				char e[256];

				escape_str(e, sizeof(e), optarg, ESC_TEXT);
				p_err("--bool: '%s' is not NAME=0 or NAME=1", e);
				return 2;
			}
			bools[nbools++] = optarg;
			break;
		}
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
			return 2;
		}
	}
	for (i = optind; i < argc; i++) {
		if (ninputs >= MAX_INPUTS) {
			p_err("at most %d input files", MAX_INPUTS);
			return 2;
		}
		inputs[ninputs++] = argv[i];
	}
	if (!ninputs && !po.conf) {
		p_err("tighten: nothing to read: give -i FILE (from trace/watch --export FILE "
		      "--allowed) and/or --nginx-conf CONF (see avcsnoop tighten --help)");
		return 2;
	}
	if ((po.domain || po.file_contexts) && !po.conf) {
		p_err("--domain and --file-contexts: only with --nginx-conf");
		return 2;
	}
	for (i = 0; i < ninputs; i++) {
		FILE *in = strcmp(inputs[i], "-") ? fopen(inputs[i], "re") : stdin;

		if (!in) {
			char ename[1024];

			escape_str(ename, sizeof(ename), inputs[i], ESC_TEXT);
			p_err("cannot open %s: %s", ename, strerror(errno));
			ret = 1;
			goto out;
		}
		if (read_findings(in, inputs[i], &observed, &bad))
			ret = 1;
		if (in != stdin)
			fclose(in);
	}
	/* a plan from half the input would cut what the other half needs */
	if (bad || ret) {
		p_err("tighten: the input is not whole (%lu bad line(s)): no plan", bad);
		ret = 1;
		goto out;
	}
	if (observed.overflow) {
		p_err("tighten: more accesses than %d in the input: a plan would cut the rest",
		      FINDING_SET_DEFAULT_MAX);
		ret = 1;
		goto out;
	}
	if (policy_open(&pol, policy_file, err, sizeof(err))) {
		p_err("%s", err);
		ret = 1;
		goto out;
	}
	if (ports_local)
		policy_set_local_ports_file(pol, ports_local);
	for (i = 0; i < nbools; i++) {
		char name[POLICY_NAME_LEN], e[POLICY_NAME_LEN * 4];
		const char *eq = strchr(bools[i], '=');

		text_set(name, sizeof(name), "%.*s", (int)(eq - bools[i]), bools[i]);
		if (policy_bool_set(pol, name, eq[1] == '1')) {
			escape_str(e, sizeof(e), name, ESC_TEXT);
			p_err("--bool: no boolean '%s' in the policy %s", e, policy_path(pol));
			ret = 1;
			goto out;
		}
	}
	if (po.conf) {
		po.policy = policy_file;
		if (preflight_predict(&po, pol, &predicted, domain, sizeof(domain))) {
			ret = 1;
			goto out;
		}
		p_debug("%zu access(es) predicted for %s", predicted.n, domain);
	}
	if (tighten(pol, &observed, &predicted, &res)) {
		p_err("out of memory");
		ret = 1;
		goto out;
	}
	if (json) {
		struct json j;

		json_init(&j, stdout);
		tighten_write_json(&j, res);
	} else {
		tighten_print_text(stdout, res);
	}
	fflush(stdout);
	ret = tighten_exit_status(res);
out:
	tighten_free(res);
	policy_close(pol);
	finding_set_free(&observed);
	finding_set_free(&predicted);
	return ret;
}
