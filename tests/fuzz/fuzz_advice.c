// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target: a finding from any bytes (an audit line, a findings JSON line, or raw
 * bytes in every field) -> recommend() on a real CIL policy -> text and JSON advice. What an
 * administrator pastes as root must run exactly the commands the engine built, with exactly
 * their arguments (issue 8). Checked on every input, abort() on the first violation:
 *
 *  a. each command's bash line, split here as bash splits it (plain words, '...', \c and
 *     $'...' with \xHH \\ \'; anything else is refused), gives back its argv and redirect;
 *  b. each line of a text Do block is that bash line (+ "  # note" of program text), and
 *     splitting the printed line, comment and all, still gives back the argv;
 *  c. the text holds no control byte but '\n' and no byte >= 0x80 but the program's em
 *     dash; a line "Do" and the 4-space lines after it exist only for commands, in order;
 *  d. a local module is printf '%s\n' COMMENT RULE > my-NAME.cil and semodule -i of the same
 *     file: the comment is one line of printable ASCII starting with ';', the rule is
 *     (allow S T (CLASS (PERMS))) of names the policy knows, so the file holds that rule only;
 *  e. every command has one of the shapes the engine makes (table below): untrusted bytes
 *     only where the shape says, after "--" for semanage fcontext, restorecon, ls and
 *     systemctl; the fcontext spec, unescaped, is the restorecon path (+ "(/.*)?");
 *  f. the advice JSON and a finding with its compact recommendation are one line each of
 *     ASCII, strict JSON (a small parser here, and finding_read_json too), whose "commands"
 *     are the bash lines and whose "argv" / "stdout" are the commands' own.
 *
 * Input: byte 0 picks the reader of the rest: 0 an audit line, 1 a findings JSON line,
 * anything else raw fields: bytes 1-8 are a header (verdict, flags, dport, picks), then
 * NUL-separated fields comm, path, daddr, scontext, tcontext, tclass, perm... A pick below
 * a table's size takes a name the test policy knows (so the fuzzer reaches the policy's
 * fixes); otherwise the raw field is used.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advice_out.h"
#include "auditlog.h"
#include "command.h"
#include "findings_io.h"
#include "recommend.h"

#ifndef FUZZ_POLICY
#define FUZZ_POLICY "build/fuzz/bool_gate.policy"
#endif

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static struct policy *pol;
static const char *output; /* the text or JSON being checked, shown when a check fails */

/* ---- failing loudly ---- */

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz_advice: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (output)
		fprintf(stderr, "---- the output ----\n%s---- end ----\n", output);
	abort();
}

/* ---- a bash word splitter for the subset the quoter may produce ---- */

#define SPLIT_MAX_WORDS 32

struct split {
	int n;
	char *word[SPLIT_MAX_WORDS];
	char *redirect; /* the word after a lone '>', or NULL */
	char buf[COMMAND_BUF_LEN * 2 + COMMAND_FILE_LEN + 64];
	size_t used;
};

static bool plain_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       (ch && strchr("_@%+=:,./-", ch));
}

static int hexval(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static int put_byte(struct split *s, unsigned char ch, const char **why)
{
	if (!ch) {
		*why = "a NUL byte (bash cuts the word there)";
		return -1;
	}
	if (s->used + 2 > sizeof(s->buf)) {
		*why = "words longer than any command";
		return -1;
	}
	s->buf[s->used++] = (char)ch;
	return 0;
}

/*
 * The words bash makes of a one-line simple command, for the syntax command_shell_line()
 * may use and nothing more: a byte outside it (unquoted $ ` ; | & ( ) < * ? [ ~ ! { } " #
 * inside a word, a tab, a control byte, other $'...' escapes) is an error, so the quoter can
 * never lean on a rule this model does not know. '!' (history expansion, which runs before
 * quoting is parsed) is accepted only inside '...' and $'...', where bash >= 4.4 skips it.
 * Returns 0 or -1 with the reason in *why.
 */
static int shell_split(const char *line, bool allow_comment, struct split *s, const char **why)
{
	const unsigned char *p = (const unsigned char *)line;
	bool want_target = false;

	memset(s, 0, sizeof(*s));
	for (;;) {
		/* NAME=... as the first word is an assignment: bash would run no command */
		bool may_assign = !s->n && !want_target;
		char *start;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (*p == '#' && allow_comment) {
			for (; *p; p++)
				if (*p < 0x20 || *p >= 0x7f || *p == '!') {
					*why = "a comment byte that is not printable or is '!'";
					return -1;
				}
			break;
		}
		if (s->redirect) {
			*why = "a word after the redirect";
			return -1;
		}
		if (*p == '>' && p[1] == ' ' && !want_target) {
			if (!s->n) {
				*why = "a redirect with no command";
				return -1;
			}
			want_target = true;
			p++;
			continue;
		}
		start = s->buf + s->used;
		while (*p && *p != ' ') {
			bool empty = start == s->buf + s->used;

			if (plain_char(*p)) {
				if (*p == '=' && may_assign && !empty) {
					*why = "an assignment as the first word";
					return -1;
				}
				may_assign &= *p == '_' || (*p >= 'a' && *p <= 'z') ||
					      (*p >= 'A' && *p <= 'Z') ||
					      (*p >= '0' && *p <= '9' && !empty);
				if (put_byte(s, *p++, why))
					return -1;
			} else if (*p == '\\') {
				may_assign = false;
				if (p[1] < 0x20 || p[1] >= 0x7f) {
					*why = "a backslash before a byte that is not printable";
					return -1;
				}
				if (put_byte(s, p[1], why))
					return -1;
				p += 2;
			} else if (*p == '\'') {
				may_assign = false;
				for (p++; *p != '\''; p++) {
					if (*p < 0x20 || *p >= 0x7f) {
						*why = "an unterminated '...' or a byte in it that is "
						       "not printable";
						return -1;
					}
					if (put_byte(s, *p, why))
						return -1;
				}
				p++;
			} else if (*p == '$' && p[1] == '\'') {
				may_assign = false;
				for (p += 2; *p != '\''; p++) {
					int hi, lo;

					if (*p < 0x20 || *p >= 0x7f) {
						*why = "an unterminated $'...' or a byte in it that is "
						       "not printable";
						return -1;
					}
					if (*p != '\\') {
						if (put_byte(s, *p, why))
							return -1;
						continue;
					}
					p++;
					if (*p == '\\' || *p == '\'') {
						if (put_byte(s, *p, why))
							return -1;
						continue;
					}
					if (*p != 'x' || (hi = hexval(p[1])) < 0) {
						*why = "a $'...' escape other than \\xHH, \\\\ and \\'";
						return -1;
					}
					/* bash reads one or two hex digits, as many as there are */
					p++;
					lo = hexval(p[1]);
					if (lo >= 0) {
						hi = hi * 16 + lo;
						p++;
					}
					if (put_byte(s, (unsigned char)hi, why))
						return -1;
				}
				p++;
			} else {
				*why = "a byte bash would treat as syntax, unquoted";
				return -1;
			}
		}
		if (s->used + 1 > sizeof(s->buf)) {
			*why = "words longer than any command";
			return -1;
		}
		s->buf[s->used++] = '\0';
		if (want_target) {
			s->redirect = start;
			want_target = false;
		} else if (s->n < SPLIT_MAX_WORDS) {
			s->word[s->n++] = start;
		} else {
			*why = "more words than any command";
			return -1;
		}
	}
	if (want_target) {
		*why = "a redirect with no file";
		return -1;
	}
	return 0;
}

static void dump_cmd(const struct command *c)
{
	int i;

	for (i = 0; i < c->argc; i++) {
		const unsigned char *a = (const unsigned char *)command_argv(c, i);

		fprintf(stderr, "  argv[%d] = \"", i);
		for (; *a; a++)
			fprintf(stderr,
				*a >= 0x20 && *a < 0x7f && *a != '"' && *a != '\\' ? "%c"
										   : "\\x%02x",
				*a);
		fputs("\"\n", stderr);
	}
	if (c->stdout_file[0])
		fprintf(stderr, "  stdout = \"%s\"\n", c->stdout_file);
}

/* The words of line (a bash line, or the text line with its comment) are c's argv. */
static void check_split(const struct command *c, const char *line, bool allow_comment)
{
	struct split *s = malloc(sizeof(*s));
	const char *why = NULL;
	int i;

	if (!s)
		abort();
	if (shell_split(line, allow_comment, s, &why)) {
		dump_cmd(c);
		fail("bash line not in the safe subset (%s): %s", why, line);
	}
	if (s->n != c->argc)
		goto differ;
	for (i = 0; i < c->argc; i++)
		if (strcmp(s->word[i], command_argv(c, i)))
			goto differ;
	if (!!s->redirect != !!c->stdout_file[0] ||
	    (s->redirect && strcmp(s->redirect, c->stdout_file)))
		goto differ;
	free(s);
	return;
differ:
	dump_cmd(c);
	fail("bash would run other arguments than the command's: %s", line);
}

/* ---- what each command may be (e) ---- */

enum {
	K_NOTES = 1 << 0, /* not_selinux, hidden and other notes */
	K_BOOL = 1 << 1,
	K_PORT = 1 << 2,
	K_FCON = 1 << 3,
	K_MOD = 1 << 4,
};

struct shape {
	unsigned int kinds;
	const char *argv[10]; /* "<...>" are checked by check_slot(), the rest are literal */
	const char *stdout_file;
};

static const struct shape shapes[] = {
	{ K_BOOL | K_PORT, { "setsebool", "-P", "<bool>", "<01>" }, NULL },
	{ K_PORT, { "semanage", "port", "-a", "-t", "<type>", "-p", "tcp", "<port>" }, NULL },
	{ K_PORT, { "semanage", "port", "-m", "-t", "<type>", "-p", "tcp", "<port>" }, NULL },
	{ K_FCON, { "semanage", "fcontext", "-a", "-t", "<type>", "--", "<spec>" }, NULL },
	{ K_FCON,
	  { "semanage", "fcontext", "-a", "-t", "<type>", "-f", "s", "--", "<spec>" },
	  NULL },
	{ K_FCON, { "restorecon", "-Rv", "--", "<dir>" }, NULL },
	{ K_FCON, { "restorecon", "-v", "--", "<dir>" }, NULL },
	{ K_MOD, { "printf", "%s\\n", "<comment>", "<rule>" }, "<cil>" },
	{ K_MOD, { "semodule", "-i", "<cil>" }, NULL },
	{ K_NOTES, { "semodule", "-DB" }, NULL },
	{ K_NOTES, { "semodule", "-B" }, NULL },
	{ K_NOTES, { "ls", "-lZ", "--", "<fpath>" }, NULL },
	{ K_NOTES, { "ss", "-xlp" }, NULL },
	{ K_NOTES, { "ss", "-ltnp", "<sport>" }, NULL },
	{ K_NOTES, { "nft", "list", "ruleset" }, NULL },
	{ K_NOTES, { "cat", "/sys/kernel/security/lsm" }, NULL },
	{ K_NOTES, { "journalctl", "-k", "--grep", "apparmor=\"DENIED\"" }, NULL },
	{ K_NOTES, { "bpftool", "cgroup", "tree" }, NULL },
	{ K_NOTES,
	  { "systemctl", "show", "-p", "IPAddressDeny", "-p", "IPAddressAllow", "--", "<comm>" },
	  NULL },
};

static unsigned int kind_bit(enum fix_kind k)
{
	switch (k) {
	case FIX_BOOLEAN:
		return K_BOOL;
	case FIX_PORT_RELABEL:
		return K_PORT;
	case FIX_FCONTEXT:
		return K_FCON;
	case FIX_MODULE:
		return K_MOD;
	default:
		return K_NOTES;
	}
}

/* A name as the policy writes it: CIL and the shell both take it as one plain word. */
static bool policy_word(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* A type name the policy has, by its primary name. */
static bool policy_type(const char *name)
{
	char primary[POLICY_NAME_LEN];

	return policy_word(name) && !policy_type_primary(pol, name, primary, sizeof(primary)) &&
	       !strcmp(primary, name);
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

/* The finding's permissions as the engine lists them, after checking them in the policy. */
static void perms_words(const struct finding *f, char *out, size_t sz)
{
	size_t n = 0;
	uint32_t av;
	int i;

	out[0] = '\0';
	for (i = 0; i < f->nperms; i++) {
		if (!policy_word(f->perms[i]) || policy_perm_mask(pol, f->tclass, f->perms[i], &av))
			fail("a module rule for a permission the policy does not have");
		n += (size_t)snprintf(out + n, n < sz ? sz - n : 0, "%s%s", i ? " " : "",
				      f->perms[i]);
	}
	if (n >= sz)
		fail("permissions longer than any rule");
}

static void check_module_text(const struct finding *f, const struct advice *a, const char *comment,
			      const char *rule)
{
	char perms[FINDING_MAX_PERMS * FINDING_NAME_LEN], want[1024];
	uint16_t cls;

	if (!policy_type(a->source_type) || !policy_type(a->target_type) ||
	    !policy_word(f->tclass) || policy_class_value(pol, f->tclass, &cls))
		fail("a module rule with names the policy does not have: %s", rule);
	perms_words(f, perms, sizeof(perms));
	snprintf(want, sizeof(want), "(allow %s %s (%s (%s)))", a->source_type, a->target_type,
		 f->tclass, perms);
	if (strcmp(rule, want))
		fail("module rule \"%s\", expected \"%s\"", rule, want);
	/* printf writes the comment as one line: CIL skips it up to the newline */
	snprintf(want, sizeof(want), "; avcsnoop: %s %s %s:%s", a->source_type, perms,
		 a->target_type, f->tclass);
	if (comment[0] != ';' || !printable(comment) || strcmp(comment, want))
		fail("module comment \"%s\", expected \"%s\"", comment, want);
}

static bool cil_file_name(const char *s)
{
	size_t len = strlen(s), i;

	if (len < 8 || strncmp(s, "my-", 3) || strcmp(s + len - 4, ".cil"))
		return false;
	for (i = 3; i < len - 4; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      s[i] == '_'))
			return false;
	return true;
}

/* Per fix: what the commands share (one type, one module file, one fcontext path). */
struct fix_state {
	const char *cil;
	const char *spec, *dir;
	bool whole_dir, file_spec;
	char dir_buf[COMMAND_BUF_LEN]; /* restorecon's argument read back as glob(3) reads it */
};

/* What glob(3) makes of a pattern with no unescaped metacharacter: the path itself. False
 * when a metacharacter is not escaped (restorecon would expand it) or a backslash ends it.
 */
static bool glob_literal(const char *pat, char *out, size_t outsz)
{
	size_t n = 0;

	for (; *pat && n + 1 < outsz; pat++) {
		if (*pat == '\\') {
			if (!*++pat)
				return false;
		} else if (strchr("*?[]{}~", *pat)) {
			return false;
		}
		out[n++] = *pat;
	}
	out[n] = '\0';
	return !*pat;
}

static bool check_slot(const char *slot, const char *arg, const struct finding *f,
		       const struct advice *a, const struct fix *fx, const struct command *c,
		       struct fix_state *st)
{
	char num[32];

	if (!strcmp(slot, "<bool>"))
		return policy_word(arg) && policy_bool_get(pol, arg) >= 0 &&
		       !strcmp(arg, fx->boolean);
	if (!strcmp(slot, "<01>"))
		return !strcmp(arg, fx->bool_value ? "1" : "0");
	if (!strcmp(slot, "<type>"))
		return policy_type(arg) && !strcmp(arg, fx->type);
	if (!strcmp(slot, "<port>")) {
		snprintf(num, sizeof(num), "%u", f->dport);
		return f->dport && !strcmp(arg, num);
	}
	if (!strcmp(slot, "<sport>")) {
		snprintf(num, sizeof(num), "sport = :%u", f->dport);
		return f->dport && !strcmp(arg, num);
	}
	if (!strcmp(slot, "<spec>")) {
		st->spec = arg;
		st->file_spec = c->argc == 9; /* the "-f s" shape */
		return true;
	}
	if (!strcmp(slot, "<dir>")) {
		/* restorecon globs its arguments: every metacharacter must come escaped */
		if (!glob_literal(arg, st->dir_buf, sizeof(st->dir_buf)))
			fail("restorecon gets a glob pattern, not a path: %s", arg);
		st->dir = st->dir_buf;
		st->whole_dir = !strcmp(command_argv(c, 1), "-Rv");
		return st->dir[0] == '/';
	}
	if (!strcmp(slot, "<fpath>"))
		return f->path[0] == '/' && !strcmp(arg, f->path);
	if (!strcmp(slot, "<comm>"))
		return f->comm[0] && !strcmp(arg, f->comm);
	if (!strcmp(slot, "<comment>"))
		return true; /* with the rule, in check_module_text() */
	if (!strcmp(slot, "<rule>")) {
		check_module_text(f, a, command_argv(c, 2), arg);
		return true;
	}
	if (!strcmp(slot, "<cil>")) {
		if (!cil_file_name(arg) || (st->cil && strcmp(st->cil, arg)))
			return false;
		st->cil = arg;
		return true;
	}
	fail("unknown slot %s", slot);
}

static bool shape_matches(const struct shape *sh, const struct finding *f, const struct advice *a,
			  const struct fix *fx, const struct command *c, struct fix_state *st)
{
	int i;

	for (i = 0; i < c->argc; i++) {
		const char *want = sh->argv[i], *arg = command_argv(c, i);

		if (!want)
			return false;
		if (want[0] == '<' ? !check_slot(want, arg, f, a, fx, c, st) : strcmp(want, arg))
			return false;
	}
	if (i < (int)ARRAY_LEN(sh->argv) && sh->argv[i])
		return false;
	if (!sh->stdout_file)
		return !c->stdout_file[0];
	return check_slot(sh->stdout_file, c->stdout_file, f, a, fx, c, st);
}

/* The spec, its escapes undone, with a "(/.*)?" suffix when it covers a directory tree:
 * every regex metacharacter must be escaped, every other byte printable and plain.
 */
static void check_spec(const struct fix_state *st)
{
	static const char meta[] = ".^$|?*+()[]{}\\";
	char path[COMMAND_BUF_LEN];
	const char *s, *end;
	size_t n = 0;

	if (!st->spec || !st->dir)
		fail("an fcontext fix without both semanage fcontext and restorecon");
	s = st->spec;
	end = s + strlen(s);
	if (st->whole_dir == st->file_spec)
		fail("restorecon -Rv goes with a directory spec, -v with -f s");
	if (st->whole_dir) {
		if (end - s < 6 || strcmp(end - 6, "(/.*)?"))
			fail("a directory spec without (/.*)?: %s", st->spec);
		end -= 6;
	}
	while (s < end) {
		unsigned char ch = (unsigned char)*s++;

		if (ch == '\\') {
			int hi, lo;

			if (s < end && strchr(meta, *s) && *s) {
				path[n++] = *s++;
				continue;
			}
			if (end - s < 3 || s[0] != 'x' || (hi = hexval((unsigned char)s[1])) < 0 ||
			    (lo = hexval((unsigned char)s[2])) < 0)
				fail("a spec escape that is not \\META or \\xHH: %s", st->spec);
			ch = (unsigned char)(hi * 16 + lo);
			/* only what must be hex is hex: one spelling per path */
			if (ch > 0x20 && ch < 0x7f)
				fail("a printable byte written as hex in the spec: %s", st->spec);
			path[n++] = (char)ch;
			s += 3;
			continue;
		}
		if (ch <= 0x20 || ch >= 0x7f || strchr(meta, ch))
			fail("an unescaped regex or space byte in the spec: %s", st->spec);
		path[n++] = (char)ch;
	}
	path[n] = '\0';
	if (strcmp(path, st->dir))
		fail("the fcontext spec %s does not name the restorecon path %s", st->spec,
		     st->dir);
}

static void check_commands(const struct finding *f, const struct advice *a)
{
	static char line[COMMAND_BUF_LEN * 4 + COMMAND_FILE_LEN * 4 + 16];
	int i, k;
	size_t s;

	for (i = 0; i < a->nfixes; i++) {
		const struct fix *fx = a->fixes[i];
		struct fix_state st = { 0 };

		if (fx->ncmds < 0 || fx->ncmds > FIX_MAX_CMDS)
			fail("fix %d has %d commands", i, fx->ncmds);
		for (k = 0; k < fx->ncmds; k++) {
			const struct command *c = fx->cmds[k];

			if (c->overflow || c->argc < 1)
				fail("fix %d command %d is cut short (overflow): its argv would run "
				     "without its last arguments",
				     i, k);
			if (command_shell_line(c, line, sizeof(line)) < 0)
				fail("fix %d command %d has no bash line", i, k);
			/* (a) */
			if (!printable(line))
				fail("a bash line that is not printable ASCII: %s", line);
			check_split(c, line, false);
			/* (e) */
			for (s = 0; s < ARRAY_LEN(shapes); s++)
				if ((shapes[s].kinds & kind_bit(fx->kind)) &&
				    shape_matches(&shapes[s], f, a, fx, c, &st))
					break;
			if (s == ARRAY_LEN(shapes)) {
				dump_cmd(c);
				fail("a %s command of no known shape: %s", fix_kind_name(fx->kind),
				     line);
			}
			if (c->note[0] && (!printable(c->note) || strchr(c->note, '!')))
				fail("a note that is not plain printable text: %s", c->note);
		}
		/* (d): the module is written, then loaded, and nothing else */
		if (fx->kind == FIX_MODULE &&
		    (fx->ncmds != 2 || strcmp(command_argv(fx->cmds[0], 0), "printf") ||
		     strcmp(command_argv(fx->cmds[1], 0), "semodule")))
			fail("a module fix that is not printf then semodule -i");
		if (fx->kind == FIX_FCONTEXT)
			check_spec(&st);
		if (fx->kind == FIX_BOOLEAN && fx->ncmds != 1)
			fail("a boolean fix with %d commands", fx->ncmds);
	}
}

/* ---- (b, c) the text ---- */

static const char *next_line(const char **p, const char *end, size_t *len)
{
	const char *start = *p, *nl;

	if (start >= end)
		return NULL;
	nl = memchr(start, '\n', (size_t)(end - start));
	if (!nl)
		fail("text output not ending in a newline");
	*len = (size_t)(nl - start);
	*p = nl + 1;
	return start;
}

static void check_text(const char *text, size_t size, const struct advice *a)
{
	static char want[COMMAND_BUF_LEN * 4 + COMMAND_FILE_LEN * 4 + 128];
	static char got[sizeof(want)];
	const char *p = text, *end = text + size, *l;
	int fix = -1, cmd = 0, pending = 0, ndo = 0, want_do = 0, i;
	/* the block the pending lines belong to: 0 Do (fix's cmds), 1 Verify, 2 Undo */
	int block = 0;
	size_t len;

	for (i = 0; (size_t)i < size; i++) {
		unsigned char ch = (unsigned char)text[i];

		if ((ch < 0x20 && ch != '\n') || ch == 0x7f)
			fail("control byte 0x%02x in the text at %d", ch, i);
		if (ch >= 0x80) {
			/* the program's own text: "—" (U+2014) and nothing from the input */
			if ((size_t)i + 2 >= size || memcmp(text + i, "\xe2\x80\x94", 3))
				fail("byte 0x%02x in the text at %d", ch, i);
			i += 2;
		}
	}
	for (i = 0; i < a->nfixes; i++)
		want_do += a->fixes[i]->ncmds > 0;
	while ((l = next_line(&p, end, &len))) {
		if (len >= sizeof(got))
			fail("a text line of %zu bytes", len);
		memcpy(got, l, len);
		got[len] = '\0';
		if (pending) {
			const struct command *c = block == 1   ? &a->verify
						  : block == 2 ? a->fixes[fix]->undo[cmd]
							       : a->fixes[fix]->cmds[cmd];
			char shell[sizeof(want)];

			if (command_shell_line(c, shell, sizeof(shell)) < 0)
				fail("no bash line");
			snprintf(want, sizeof(want), "    %s%s%s", shell, c->note[0] ? "  # " : "",
				 c->note);
			if (strcmp(got, want))
				fail("%s line \"%s\", expected \"%s\"",
				     block == 1	  ? "Verify"
				     : block == 2 ? "Undo"
						  : "Do",
				     got, want);
			/* pasted as printed, comment included */
			check_split(c, got + 4, true);
			cmd++;
			pending--;
			continue;
		}
		if (!strcmp(got, "Do")) {
			for (fix++; fix < a->nfixes && !a->fixes[fix]->ncmds; fix++)
				;
			if (fix >= a->nfixes)
				fail("Do block %d has no fix with commands left to own it",
				     ndo + 1);
			pending = a->fixes[fix]->ncmds;
			cmd = 0;
			block = 0;
			ndo++;
			continue;
		}
		/* a fix's check and its reverse, after its Do block (issue 25) */
		if (!strncmp(got, "Verify", 6) && fix >= 0 && a->has_verify) {
			pending = 1;
			cmd = 0;
			block = 1;
			continue;
		}
		if (!strcmp(got, "Undo") && fix >= 0 && a->fixes[fix]->nundo) {
			pending = a->fixes[fix]->nundo;
			cmd = 0;
			block = 2;
			continue;
		}
		if (!strncmp(got, "    ", 4))
			fail("an indented line outside a Do block: \"%s\"", got);
	}
	if (pending || ndo != want_do)
		fail("%d Do blocks for %d fixes with commands", ndo, want_do);
}

/* ---- (f) a strict JSON reader, with the tree kept for lookups ---- */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jnode {
	enum jtype type;
	const char *key; /* decoded, in an object; NULL in an array */
	size_t keylen;
	const char *str; /* decoded string value */
	size_t len;
	int child, next, count;
};

struct jdoc {
	const char *s;
	size_t len, pos;
	struct jnode *node;
	int n, cap;
	char *arena; /* decoded strings: never longer than the text */
	size_t used;
	const char *err;
};

static int jfail(struct jdoc *d, const char *err)
{
	if (!d->err)
		d->err = err;
	return -1;
}

static void jws(struct jdoc *d)
{
	while (d->pos < d->len && strchr(" \t\n\r", d->s[d->pos]) && d->s[d->pos])
		d->pos++;
}

static int jhex4(struct jdoc *d, unsigned int *cp)
{
	int i, v;

	*cp = 0;
	if (d->len - d->pos < 4)
		return jfail(d, "short \\u escape");
	for (i = 0; i < 4; i++) {
		v = hexval((unsigned char)d->s[d->pos++]);
		if (v < 0)
			return jfail(d, "bad \\u escape");
		*cp = *cp * 16 + (unsigned int)v;
	}
	return 0;
}

/* A string at d->pos, decoded: \u0000-\u00ff are bytes (how the writer spells a byte), the
 * rest UTF-8.
 */
static int jstring(struct jdoc *d, const char **out, size_t *outlen)
{
	char *o = d->arena + d->used;
	size_t n = 0;

	if (d->pos >= d->len || d->s[d->pos] != '"')
		return jfail(d, "expected a string");
	d->pos++;
	for (;;) {
		unsigned char ch;
		unsigned int cp;

		if (d->pos >= d->len)
			return jfail(d, "unterminated string");
		ch = (unsigned char)d->s[d->pos++];
		if (ch == '"')
			break;
		if (ch < 0x20)
			return jfail(d, "control byte in a string");
		if (ch != '\\') {
			o[n++] = (char)ch;
			continue;
		}
		if (d->pos >= d->len)
			return jfail(d, "unterminated escape");
		ch = (unsigned char)d->s[d->pos++];
		switch (ch) {
		case '"':
		case '\\':
		case '/':
			o[n++] = (char)ch;
			continue;
		case 'b':
			o[n++] = '\b';
			continue;
		case 'f':
			o[n++] = '\f';
			continue;
		case 'n':
			o[n++] = '\n';
			continue;
		case 'r':
			o[n++] = '\r';
			continue;
		case 't':
			o[n++] = '\t';
			continue;
		case 'u':
			break;
		default:
			return jfail(d, "bad escape");
		}
		if (jhex4(d, &cp))
			return -1;
		if (cp >= 0xd800 && cp < 0xdc00) {
			unsigned int lo;

			if (d->len - d->pos < 6 || d->s[d->pos] != '\\' || d->s[d->pos + 1] != 'u')
				return jfail(d, "lone high surrogate");
			d->pos += 2;
			if (jhex4(d, &lo))
				return -1;
			if (lo < 0xdc00 || lo >= 0xe000)
				return jfail(d, "bad low surrogate");
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		} else if (cp >= 0xdc00 && cp < 0xe000) {
			return jfail(d, "lone low surrogate");
		}
		if (cp < 0x100) {
			o[n++] = (char)cp;
		} else if (cp < 0x800) {
			o[n++] = (char)(0xc0 | (cp >> 6));
			o[n++] = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			o[n++] = (char)(0xe0 | (cp >> 12));
			o[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			o[n++] = (char)(0x80 | (cp & 0x3f));
		} else {
			o[n++] = (char)(0xf0 | (cp >> 18));
			o[n++] = (char)(0x80 | ((cp >> 12) & 0x3f));
			o[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			o[n++] = (char)(0x80 | (cp & 0x3f));
		}
	}
	o[n] = '\0';
	d->used += n + 1;
	*out = o;
	*outlen = n;
	return 0;
}

static int jnumber(struct jdoc *d)
{
	const char *s = d->s;
	size_t p = d->pos, digits;

	if (p < d->len && s[p] == '-')
		p++;
	if (p < d->len && s[p] == '0') {
		p++;
	} else {
		for (digits = 0; p < d->len && s[p] >= '0' && s[p] <= '9'; p++)
			digits++;
		if (!digits)
			return jfail(d, "expected a value");
	}
	if (p < d->len && s[p] == '.') {
		for (p++, digits = 0; p < d->len && s[p] >= '0' && s[p] <= '9'; p++)
			digits++;
		if (!digits)
			return jfail(d, "no digit after '.'");
	}
	if (p < d->len && (s[p] == 'e' || s[p] == 'E')) {
		p++;
		if (p < d->len && (s[p] == '+' || s[p] == '-'))
			p++;
		for (digits = 0; p < d->len && s[p] >= '0' && s[p] <= '9'; p++)
			digits++;
		if (!digits)
			return jfail(d, "no digit in the exponent");
	}
	d->pos = p;
	return 0;
}

static int jnew(struct jdoc *d, enum jtype type)
{
	if (d->n == d->cap) {
		int cap = d->cap ? d->cap * 2 : 256;
		struct jnode *node = realloc(d->node, (size_t)cap * sizeof(*node));

		if (!node)
			abort();
		d->node = node;
		d->cap = cap;
	}
	memset(&d->node[d->n], 0, sizeof(d->node[0]));
	d->node[d->n].type = type;
	d->node[d->n].child = d->node[d->n].next = -1;
	return d->n++;
}

static int jvalue(struct jdoc *d, int depth)
{
	int idx, last = -1;
	char ch;

	if (depth > 32)
		return jfail(d, "nested too deep");
	jws(d);
	if (d->pos >= d->len)
		return jfail(d, "expected a value");
	ch = d->s[d->pos];
	if (ch == '"') {
		idx = jnew(d, J_STR);
		if (jstring(d, &d->node[idx].str, &d->node[idx].len))
			return -1;
		return idx;
	}
	if (ch == '{' || ch == '[') {
		char close = ch == '{' ? '}' : ']';

		idx = jnew(d, ch == '{' ? J_OBJ : J_ARR);
		d->pos++;
		jws(d);
		if (d->pos < d->len && d->s[d->pos] == close) {
			d->pos++;
			return idx;
		}
		for (;;) {
			const char *key = NULL;
			size_t keylen = 0;
			int child;

			jws(d);
			if (ch == '{') {
				if (jstring(d, &key, &keylen))
					return -1;
				jws(d);
				if (d->pos >= d->len || d->s[d->pos] != ':')
					return jfail(d, "expected ':'");
				d->pos++;
			}
			child = jvalue(d, depth + 1);
			if (child < 0)
				return -1;
			d->node[child].key = key;
			d->node[child].keylen = keylen;
			if (last < 0)
				d->node[idx].child = child;
			else
				d->node[last].next = child;
			last = child;
			d->node[idx].count++;
			jws(d);
			if (d->pos < d->len && d->s[d->pos] == ',') {
				d->pos++;
				continue;
			}
			if (d->pos < d->len && d->s[d->pos] == close) {
				d->pos++;
				return idx;
			}
			return jfail(d, "expected ',' or the end of the container");
		}
	}
	if (d->len - d->pos >= 4 && !memcmp(d->s + d->pos, "true", 4)) {
		d->pos += 4;
		return jnew(d, J_BOOL);
	}
	if (d->len - d->pos >= 5 && !memcmp(d->s + d->pos, "false", 5)) {
		d->pos += 5;
		return jnew(d, J_BOOL);
	}
	if (d->len - d->pos >= 4 && !memcmp(d->s + d->pos, "null", 4)) {
		d->pos += 4;
		return jnew(d, J_NULL);
	}
	idx = jnew(d, J_NUM);
	if (jnumber(d))
		return -1;
	return idx;
}

/* Parse one JSON line (the object and its newline); the root is node 0. */
static void jparse(struct jdoc *d, const char *text, size_t size, const char *what)
{
	size_t i;

	memset(d, 0, sizeof(*d));
	if (!size || text[size - 1] != '\n' || memchr(text, '\n', size - 1))
		fail("%s: not exactly one line", what);
	for (i = 0; i < size - 1; i++)
		if ((unsigned char)text[i] < 0x20 || (unsigned char)text[i] >= 0x7f)
			fail("%s: byte 0x%02x at %zu (the writer escapes to ASCII)", what,
			     (unsigned char)text[i], i);
	d->s = text;
	d->len = size - 1;
	d->arena = malloc(size + 1);
	if (!d->arena)
		abort();
	if (jvalue(d, 0) != 0 || (jws(d), d->pos != d->len))
		fail("%s: invalid JSON at byte %zu (%s): %.*s", what, d->pos,
		     d->err ? d->err : "trailing data", (int)d->len, text);
	if (d->node[0].type != J_OBJ)
		fail("%s: not an object", what);
}

static void jfree(struct jdoc *d)
{
	free(d->node);
	free(d->arena);
}

/* The member key of object obj (NULL when absent); a key twice is an error. */
static const struct jnode *jget(const struct jdoc *d, const struct jnode *obj, const char *key)
{
	const struct jnode *found = NULL;
	int i;

	if (!obj || obj->type != J_OBJ)
		fail("looking up \"%s\" in something that is not an object", key);
	for (i = obj->child; i >= 0; i = d->node[i].next)
		if (d->node[i].keylen == strlen(key) && !memcmp(d->node[i].key, key, strlen(key))) {
			if (found)
				fail("key \"%s\" twice", key);
			found = &d->node[i];
		}
	return found;
}

static const struct jnode *jat(const struct jdoc *d, const struct jnode *arr, int k)
{
	int i;

	for (i = arr->child; i >= 0 && k; i = d->node[i].next)
		k--;
	return i >= 0 ? &d->node[i] : NULL;
}

static bool jis(const struct jnode *n, const char *s)
{
	return n && n->type == J_STR && n->len == strlen(s) && !memcmp(n->str, s, n->len);
}

/* A fix's "commands" and "argv" as the one writer of them must write them. */
static void check_json_fix(const struct jdoc *d, const struct jnode *jf, const struct fix *fx,
			   const char *what)
{
	static char line[COMMAND_BUF_LEN * 4 + COMMAND_FILE_LEN * 4 + 16];
	const struct jnode *cmds = jget(d, jf, "commands"), *argvs = jget(d, jf, "argv");
	int k, i;

	if (!jis(jget(d, jf, "kind"), fix_kind_name(fx->kind)))
		fail("%s: a fix of another kind", what);
	if (!cmds || cmds->type != J_ARR || cmds->count != fx->ncmds || !argvs ||
	    argvs->type != J_ARR || argvs->count != fx->ncmds)
		fail("%s: \"commands\"/\"argv\" are not %d commands", what, fx->ncmds);
	for (k = 0; k < fx->ncmds; k++) {
		const struct command *c = fx->cmds[k];
		const struct jnode *jc = jat(d, argvs, k), *ja, *js, *jn;

		if (command_shell_line(c, line, sizeof(line)) < 0 || !jis(jat(d, cmds, k), line))
			fail("%s: commands[%d] is not the bash line %s", what, k, line);
		if (!jc || jc->type != J_OBJ)
			fail("%s: argv[%d] is not an object", what, k);
		ja = jget(d, jc, "argv");
		js = jget(d, jc, "stdout");
		jn = jget(d, jc, "note");
		if (!ja || ja->type != J_ARR || ja->count != c->argc ||
		    jc->count != 1 + !!js + !!jn)
			fail("%s: argv[%d] has not %d arguments (or other members)", what, k,
			     c->argc);
		for (i = 0; i < c->argc; i++)
			if (!jis(jat(d, ja, i), command_argv(c, i))) {
				dump_cmd(c);
				fail("%s: argv[%d][%d] differs from the command's", what, k, i);
			}
		if (c->stdout_file[0] ? !jis(js, c->stdout_file) : !!js)
			fail("%s: argv[%d].stdout differs", what, k);
		if (c->note[0] ? !jis(jn, c->note) : !!jn)
			fail("%s: argv[%d].note differs", what, k);
	}
}

static void check_json_fixes(const struct jdoc *d, const struct jnode *obj, const struct advice *a,
			     const char *what)
{
	/* notes go to "diagnoses", the changes to "fixes", each in the advice's order */
	const struct jnode *fixes = jget(d, obj, "fixes"), *diag = jget(d, obj, "diagnoses");
	int i, nf = 0, nd = 0;

	if (!fixes || fixes->type != J_ARR || !diag || diag->type != J_ARR)
		fail("%s: no \"fixes\" or \"diagnoses\" array", what);
	for (i = 0; i < a->nfixes; i++) {
		bool note = a->fixes[i]->kind < FIX_BOOLEAN;
		const struct jnode *jf = note ? jat(d, diag, nd++) : jat(d, fixes, nf++);

		if (!jf || jf->type != J_OBJ)
			fail("%s: entry %d is not an object", what, i);
		check_json_fix(d, jf, a->fixes[i], what);
	}
	if (fixes->count != nf || diag->count != nd)
		fail("%s: %d fixes and %d diagnoses, not %d and %d", what, (int)fixes->count,
		     (int)diag->count, nf, nd);
}

static void check_json(const char *text, size_t size, const struct finding *f,
		       const struct advice *a)
{
	struct finding back;
	struct jdoc d;
	char err[256];

	jparse(&d, text, size, "advice JSON");
	if (!jis(jget(&d, &d.node[0], "type"), "advice") ||
	    !jis(jget(&d, jget(&d, &d.node[0], "finding"), "comm"), f->comm))
		fail("advice JSON: type or finding.comm differs");
	check_json_fixes(&d, &d.node[0], a, "advice JSON");
	jfree(&d);
	/* the project's own strict reader takes it too (as a record of another type) */
	if (finding_read_json(text, size - 1, &back, err, sizeof(err)) != FINDING_READ_OTHER)
		fail("finding_read_json refuses the advice line: %s", err);
}

static void check_compact(const char *text, size_t size, const struct advice *a)
{
	struct finding back;
	struct jdoc d;
	char err[256];

	jparse(&d, text, size, "finding with recommendation");
	check_json_fixes(&d, jget(&d, &d.node[0], "recommendation"), a,
			 "finding with recommendation");
	jfree(&d);
	if (finding_read_json(text, size - 1, &back, err, sizeof(err)) != FINDING_READ_OK)
		fail("finding_read_json refuses a finding with its recommendation: %s", err);
}

/* ---- one finding through the engine and both outputs ---- */

static struct advice adv; /* reused: recommend() resets its arena */

static void check_finding(const struct finding *f)
{
	struct finding g = *f;
	char *text = NULL;
	size_t size = 0;
	struct json j;
	FILE *mem;

	recommend(pol, f, &adv);
	check_commands(f, &adv);

	mem = open_memstream(&text, &size);
	if (!mem)
		abort();
	advice_print_text(mem, f, &adv);
	fclose(mem);
	output = text;
	check_text(text, size, &adv);
	output = NULL;
	free(text);

	text = NULL;
	mem = open_memstream(&text, &size);
	if (!mem)
		abort();
	json_init(&j, mem);
	advice_write_json(&j, f, &adv);
	fclose(mem);
	output = text;
	check_json(text, size, f, &adv);
	output = NULL;
	free(text);

	/* times are not what this target is about: out-of-range ones are fuzz_findings' */
	g.first_seen = g.last_seen = 0;
	text = NULL;
	mem = open_memstream(&text, &size);
	if (!mem)
		abort();
	json_init(&j, mem);
	finding_write_json_advice(&j, &g, &adv);
	fclose(mem);
	output = text;
	check_compact(text, size, &adv);
	output = NULL;
	free(text);
}

/* Any raw string, quoted alone, splits back to itself (a, for bytes no finding reaches). */
static void check_quote(const char *raw)
{
	static char line[COMMAND_BUF_LEN * 4 + 16];
	static struct arena ar;
	static struct command c;

	arena_reset(&ar);
	command_init(&c, &ar, "echo");
	if (command_arg(&c, raw) || command_shell_line(&c, line, sizeof(line)) < 0)
		fail("a raw string that does not fit a command");
	check_split(&c, line, false);
}

/* ---- the input ---- */

static const char *const contexts[] = {
	"system_u:system_r:web_t:s0",		"system_u:object_r:app_port_t:s0",
	"system_u:object_r:cache_port_t:s0",	"system_u:object_r:web_port_t:s0",
	"system_u:object_r:db_port_t:s0",	"system_u:object_r:other_port_t:s0",
	"system_u:object_r:port_t:s0",		"system_u:object_r:web_runtime_t:s0",
	"system_u:object_r:web_var_run_t:s0",	"system_u:object_r:web_tmp_t:s0",
	"system_u:object_r:other_runtime_t:s0", "system_u:object_r:unlabeled_t:s0",
	"system_u:system_r:kernel_t:s0",
};
static const char *const classes[] = { "tcp_socket",	     "dir",    "sock_file",
				       "unix_stream_socket", "packet", "process" };
static const char *const perms[] = { "name_connect", "search", "write", "add_name",
				     "connectto",    "send",   "recv",	"name_bind" };
static const uint16_t families[] = { 0, AVC_AF_UNIX, AVC_AF_INET, AVC_AF_INET6 };
static const int errnos[] = { EACCES, EPERM, ECONNREFUSED, ETIMEDOUT, ENETUNREACH, 0 };

/* The next NUL-separated field of [*p, end), copied (cut to fit) into out. */
static void field(const uint8_t **p, const uint8_t *end, char *out, size_t sz)
{
	size_t n = 0;

	while (*p < end && **p) {
		if (n + 1 < sz)
			out[n++] = (char)**p;
		(*p)++;
	}
	if (*p < end)
		(*p)++;
	out[n] = '\0';
}

static void raw_finding(const uint8_t *data, size_t size, struct finding *f)
{
	const uint8_t *p = data + 9, *end = data + size;
	uint8_t hdr[9] = { 0 };
	char raw[FINDING_CTX_LEN];
	int i;

	memcpy(hdr, data, size < 9 ? size : 9);
	if (size < 9)
		p = end;
	memset(f, 0, sizeof(*f));
	f->verdict = (enum avc_verdict)(hdr[1] % VERDICT_MAX);
	f->hidden = hdr[2] & 1;
	f->permissive = hdr[2] & 2;
	f->origin = hdr[2] & 4 ? ORIGIN_AUDIT : ORIGIN_TRACE;
	f->family = families[(hdr[2] >> 3) & 3];
	f->err = errnos[(hdr[2] >> 5) % ARRAY_LEN(errnos)];
	f->dport = (uint16_t)(hdr[3] << 8 | hdr[4]);
	f->count = 1;
	field(&p, end, f->comm, sizeof(f->comm));
	field(&p, end, f->path, sizeof(f->path));
	field(&p, end, f->daddr, sizeof(f->daddr));
	field(&p, end, raw, sizeof(raw));
	snprintf(f->scontext, sizeof(f->scontext), "%s",
		 hdr[5] < ARRAY_LEN(contexts) ? contexts[hdr[5]] : raw);
	field(&p, end, raw, sizeof(raw));
	snprintf(f->tcontext, sizeof(f->tcontext), "%s",
		 hdr[6] < ARRAY_LEN(contexts) ? contexts[hdr[6]] : raw);
	field(&p, end, raw, sizeof(raw));
	snprintf(f->tclass, sizeof(f->tclass), "%s",
		 hdr[7] < ARRAY_LEN(classes) ? classes[hdr[7]] : raw);
	if (hdr[8]) {
		for (i = 0; i < (int)ARRAY_LEN(perms); i++)
			if (hdr[8] & (1u << i))
				snprintf(f->perms[f->nperms++], sizeof(f->perms[0]), "%s",
					 perms[i]);
	} else {
		while (p < end && f->nperms < FINDING_MAX_PERMS)
			field(&p, end, f->perms[f->nperms++], sizeof(f->perms[0]));
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char tmp[] = "/tmp/avcsnoop-fuzz-ports.XXXXXX", ports_local[64], err[512];
	const char *path = getenv("AVC_FUZZ_POLICY");
	int fd;

	(void)argc;
	(void)argv;
	if (!path)
		path = FUZZ_POLICY;
	if (policy_open(&pol, path, err, sizeof(err))) {
		fprintf(stderr, "fuzz_advice: policy %s: %s (make fuzz-build compiles it)\n", path,
			err);
		exit(1);
	}
	/* a local label for port 3001 makes the port relabel say -m; the file is unlinked at
	 * once and read through the descriptor kept open, so no run leaves it behind
	 */
	fd = mkstemp(tmp);
	if (fd < 0 || unlink(tmp) ||
	    dprintf(fd, "portcon tcp 3001 system_u:object_r:app_port_t:s0\n") < 0) {
		perror("fuzz_advice: ports.local");
		exit(1);
	}
	snprintf(ports_local, sizeof(ports_local), "/proc/self/fd/%d", fd);
	policy_set_local_ports_file(pol, ports_local);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct finding f;
	char err[256];
	int ret;

	if (!size)
		return 0;
	switch (data[0]) {
	case 0:
		ret = auditlog_parse_line((const char *)data + 1, size - 1, &f, err, sizeof(err));
		if (ret != AUDITLOG_FINDING)
			return 0;
		break;
	case 1:
		ret = finding_read_json((const char *)data + 1, size - 1, &f, err, sizeof(err));
		if (ret != FINDING_READ_OK)
			return 0;
		break;
	default:
		raw_finding(data, size, &f);
		check_quote(f.comm);
		check_quote(f.path);
		check_quote(f.daddr);
		check_quote(f.scontext);
		break;
	}
	check_finding(&f);
	return 0;
}
