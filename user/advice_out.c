// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The presentation of the recommender's data (user/recommend.h): sealert-style text and JSON.
 * The engine's texts already hold untrusted values escaped; commands are argv lists, quoted
 * here by command_shell_line() and nowhere else.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advice_out.h"
#include "escape.h"
#include "finding_set.h"
#include "findings_io.h"
#include "policy.h"
#include "recommend.h"
#include "util.h"
#include "verdict.h"

static bool is_note(const struct fix *fx)
{
	return fx->kind == FIX_NOT_SELINUX || fx->kind == FIX_HIDDEN_NOTE || fx->kind == FIX_NOTE;
}

/* Every human line goes out through here. Untrusted values were escaped when the text was
 * built; this only stops a control byte that slipped through (never the program's UTF-8).
 */
static void put(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(FILE *out, const char *fmt, ...)
{
	char *line = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	fputs_safe(line, out);
	free(line);
}

/* Prose is wrapped here so a fix reads on an 80-100 column terminal; commands never are: they
 * are pasted whole.
 */
#define TEXT_COLS 100

/* put() for prose: one paragraph (no newline inside), broken at spaces before TEXT_COLS,
 * continuation lines indented by cont spaces (fewer than 4: four mark a command line).
 */
static void put_wrapped(FILE *out, int cont, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void put_wrapped(FILE *out, int cont, const char *fmt, ...)
{
	char *text = NULL, *p, *brk;
	va_list ap;
	int n, width = TEXT_COLS;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	p = text;
	while ((int)strlen(p) > width) {
		char *next;

		/* the last space that keeps the line within width; a longer word stays whole */
		for (brk = p + width; brk > p && *brk != ' '; brk--)
			;
		if (brk == p) {
			brk = strchr(p + width, ' ');
			if (!brk)
				break;
		}
		/* the whole run of spaces goes: a continuation starts with cont spaces and a
		 * non-space, so no text from the input (a name holding "    cmd") can begin a
		 * line that reads as a command of a Do block
		 */
		for (next = brk; *next == ' '; next++)
			;
		while (brk > p && brk[-1] == ' ')
			brk--;
		if (!*next)
			break;
		*brk = '\0';
		fputs_safe(p, out);
		fprintf(out, "\n%*s", cont, "");
		p = next;
		width = TEXT_COLS - cont;
	}
	fputs_safe(p, out);
	fputc('\n', out);
	free(text);
}

/* The shell form of a command; "" (and a note) when it could not be built whole. */
static const char *shell_line(const struct command *c, char *buf, size_t sz)
{
	if (command_shell_line(c, buf, sz) < 0)
		return "";
	return buf;
}

/* Commands as shell lines, four spaces in, each with its note. */
static void print_cmds(FILE *out, struct command *const *cmds, int n, char *line, size_t sz)
{
	int k;

	for (k = 0; k < n; k++) {
		const struct command *c = cmds[k];

		if (!shell_line(c, line, sz)[0]) {
			put(out, "    # (a command too long to print whole was left out)\n");
			continue;
		}
		put(out, "    %s%s%s\n", line, c->note[0] ? "  # " : "", c->note);
	}
}

static bool text_long;

void advice_text_long(bool on)
{
	text_long = on;
}

void advice_print_text(FILE *out, const struct finding *f, const struct advice *a)
{
	static char line[COMMAND_BUF_LEN * 4 + COMMAND_FILE_LEN * 4 + 16];
	bool said_rebuild = false;
	int i, num = 0;

	(void)f;
	put_wrapped(out, 2, "%s", a->summary);
	if (a->policy[0])
		put(out, "  policy: %s\n", a->policy);
	if (a->notes[0])
		put_wrapped(out, 3, "  note: %s", a->notes);
	for (i = 0; i < a->nfixes; i++) {
		const struct fix *fx = a->fixes[i];

		put(out, "\n");
		if (is_note(fx))
			put(out, "*****  %s  *****\n",
			    fx->kind == FIX_HIDDEN_NOTE	  ? "Hidden by dontaudit"
			    : fx->kind == FIX_NOT_SELINUX ? "Not SELinux"
							  : "Note");
		else
			/* no "confidence" here: the rank says which to prefer, "It grants" what it
			 * costs; JSON keeps the field, defined in avcsnoop(8) FIELDS
			 */
			put(out, "*****  Fix %d: %s  *****\n", ++num, fix_kind_name(fx->kind));
		if (fx->if_text[0])
			put_wrapped(out, 2, "If %s",
				    fx->if_text + (strncmp(fx->if_text, "If ", 3) ? 0 : 3));
		if (fx->then_text[0])
			put_wrapped(out, 2, "%s", fx->then_text);
		if (fx->breaks_text[0])
			put_wrapped(out, 3, "  It breaks: %s.", fx->breaks_text);
		if (fx->grant[0])
			put_wrapped(out, 3, "  It grants: %s.", fx->grant);
		/* read in ten seconds: the rank already says which to prefer */
		if (fx->why[0] && (text_long || is_note(fx)))
			put_wrapped(out, 3, "  Why here: %s.", fx->why);
		if (fx->ncmds)
			put(out, "Do\n");
		print_cmds(out, fx->cmds, fx->ncmds, line, sizeof(line));
		/* said once per finding: the same sentence under every fix was most of the text */
		if (fx->ncmds && fx->rebuild && !said_rebuild) {
			put_wrapped(out, 3, "  (%s)", fx->rebuild);
			said_rebuild = true;
		}
		if (is_note(fx))
			continue;
		if (a->has_verify) {
			put(out, "Verify (exit 0: allowed now, 3: still denied)\n");
			struct command *const verify[] = { (struct command *)&a->verify };

			print_cmds(out, verify, 1, line, sizeof(line));
		}
		if (fx->nundo) {
			put(out, "Undo\n");
			print_cmds(out, fx->undo, fx->nundo, line, sizeof(line));
		}
	}
}

/* "breaks":[{"domain":..,"perms":[..]}] (and "breaks_total" when more lost than listed):
 * what a fix takes from other domains, or what an applied relabel took. The only writer.
 */
static void breaks_write_json(struct json *j, const struct fix_break *b, int n, unsigned long total)
{
	int i, k;

	json_arr_begin(j, "breaks");
	for (i = 0; i < n; i++) {
		json_obj_begin(j, NULL);
		json_str(j, "domain", b[i].domain);
		json_arr_begin(j, "perms");
		for (k = 0; k < b[i].nperms; k++)
			json_str(j, NULL, b[i].perms[k]);
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
	if (total > (unsigned long)n)
		json_uint(j, "breaks_total", total);
}

/* {"argv":[...],"stdout":"FILE"?,"note":"..."?}: one command, its exact arguments. */
static void command_write_json(struct json *j, const char *key, const struct command *c)
{
	int i;

	json_obj_begin(j, key);
	json_arr_begin(j, "argv");
	for (i = 0; i < c->argc; i++)
		json_str(j, NULL, command_argv(c, i));
	json_arr_end(j);
	if (c->stdout_file[0])
		json_str(j, "stdout", c->stdout_file);
	if (c->note[0])
		json_str(j, "note", c->note);
	json_obj_end(j);
}

/* "commands": the shell lines; "argv": the exact arguments (and the redirect); then a fix's
 * "verify", "undo" and "rebuild". The only writer of a fix's commands, for advice records and
 * compact recommendations alike.
 */
static void commands_write_json(struct json *j, const struct advice *a, const struct fix *fx)
{
	static char line[COMMAND_BUF_LEN * 4 + COMMAND_FILE_LEN * 4 + 16];
	int k;

	json_arr_begin(j, "commands");
	for (k = 0; k < fx->ncmds; k++)
		json_str(j, NULL, shell_line(fx->cmds[k], line, sizeof(line)));
	json_arr_end(j);
	json_arr_begin(j, "argv");
	for (k = 0; k < fx->ncmds; k++)
		command_write_json(j, NULL, fx->cmds[k]);
	json_arr_end(j);
	if (is_note(fx))
		return;
	/* a fix's check and its reverse: "verify" is the same command for every fix */
	if (a && a->has_verify)
		command_write_json(j, "verify", &a->verify);
	json_arr_begin(j, "undo");
	for (k = 0; k < fx->nundo; k++)
		command_write_json(j, NULL, fx->undo[k]);
	json_arr_end(j);
	if (fx->rebuild)
		json_str(j, "rebuild", fx->rebuild);
}

void fix_commands_write_json(struct json *j, const struct fix *fx)
{
	commands_write_json(j, NULL, fx);
}

/* One entry of "fixes" (rank 1...) or "diagnoses" (rank 0: written null). */
static void fix_write_json(struct json *j, const struct advice *a, const struct fix *fx, int rank)
{
	json_obj_begin(j, NULL);
	if (!rank)
		json_null(j, "rank");
	else
		json_int(j, "rank", rank);
	json_str(j, "kind", fix_kind_name(fx->kind));
	json_str(j, "confidence", fix_confidence_name(fx->confidence));
	json_str(j, "if", fx->if_text);
	json_str(j, "then", fx->then_text);
	json_str(j, "grant", fx->grant);
	json_str(j, "why", fx->why);
	commands_write_json(j, a, fx);
	if (fx->boolean[0]) {
		json_str(j, "boolean", fx->boolean);
		json_bool(j, "value", fx->bool_value);
	}
	if (fx->type[0])
		json_str(j, "new_type", fx->type);
	if (fx->alternatives[0])
		json_str(j, "alternatives", fx->alternatives);
	json_uint(j, "breadth", fx->breadth);
	if (fx->nbreaks_total) {
		breaks_write_json(j, fx->breaks, fx->nbreaks, fx->nbreaks_total);
		json_str(j, "breaks_text", fx->breaks_text);
	}
	json_obj_end(j);
}

void advice_write_json(struct json *j, const struct finding *f, const struct advice *a)
{
	int i, num = 0;

	json_obj_begin(j, NULL);
	json_str(j, "type", "advice");
	json_obj_begin(j, "finding");
	json_str(j, "comm", f->comm);
	json_uint(j, "pid", f->pid);
	finding_dest_write_json(j, f);
	if (f->dport)
		json_uint(j, "dport", f->dport);
	json_str(j, "verdict", verdict_name(f->verdict));
	errno_write_json(j, f->err);
	json_bool(j, "hidden", f->hidden);
	json_bool(j, "permissive", f->permissive);
	json_uint(j, "count", f->count);
	if (f->hidden_by)
		json_str(j, "hidden_by", f->hidden_by);
	json_double(j, "first_seen", f->first_seen, 6);
	json_double(j, "last_seen", f->last_seen, 6);
	finding_write_selinux_json(j, "selinux", f);
	finding_write_seen_json(j, f);
	json_obj_end(j);
	json_str(j, "summary", a->summary);
	json_str(j, "notes", a->notes);
	json_str(j, "policy", a->policy);
	if (a->policy_seqno)
		json_uint(j, "policy_seqno", a->policy_seqno);
	json_str(j, "source_type", a->source_type);
	json_str(j, "target_type", a->target_type);
	/* "diagnoses": what the finding means without a change to make (a dontaudit rule hides
	 * it, not SELinux, information); "fixes": the changes, best first. fixes[0] is always
	 * the text's Fix 1.
	 */
	json_arr_begin(j, "diagnoses");
	for (i = 0; i < a->nfixes; i++)
		if (is_note(a->fixes[i]))
			fix_write_json(j, a, a->fixes[i], 0);
	json_arr_end(j);
	json_arr_begin(j, "fixes");
	for (i = 0; i < a->nfixes; i++)
		if (!is_note(a->fixes[i]))
			fix_write_json(j, a, a->fixes[i], ++num);
	json_arr_end(j);
	json_obj_end(j);
	json_line_end(j);
}

void advice_write_compact(struct json *j, const char *key, const struct advice *a)
{
	int i, pass;

	json_obj_begin(j, key);
	json_str(j, "summary", a->summary);
	if (a->policy_seqno)
		json_uint(j, "policy_seqno", a->policy_seqno);
	for (pass = 0; pass < 2; pass++) {
		/* the diagnoses, then the fixes: as advice_write_json */
		json_arr_begin(j, pass ? "fixes" : "diagnoses");
		for (i = 0; i < a->nfixes; i++) {
			const struct fix *fx = a->fixes[i];

			if (is_note(fx) == !!pass)
				continue;
			json_obj_begin(j, NULL);
			json_str(j, "kind", fix_kind_name(fx->kind));
			json_str(j, "confidence", fix_confidence_name(fx->confidence));
			json_str(j, "then", fx->then_text);
			commands_write_json(j, a, fx);
			if (fx->nbreaks_total)
				breaks_write_json(j, fx->breaks, fx->nbreaks, fx->nbreaks_total);
			json_obj_end(j);
		}
		json_arr_end(j);
	}
	json_obj_end(j);
}

void verify_print_text(FILE *out, const struct finding *f, const struct verify_result *v)
{
	char dest[FINDING_CTX_LEN + 16], who[FINDING_NAME_LEN * 4], edest[sizeof(dest) * 4];
	char scon[FINDING_CTX_LEN * 4], target[sizeof(v->target) * 4], perms[FINDING_CTX_LEN * 4];
	char perm[FINDING_NAME_LEN * 4];
	size_t n = 0;
	int i;

	finding_dest(f, dest, sizeof(dest));
	escape_str(edest, sizeof(edest), dest, ESC_TEXT);
	escape_str(who, sizeof(who), f->comm[0] ? f->comm : "the process", ESC_TEXT);
	escape_str(scon, sizeof(scon), f->scontext, ESC_TEXT);
	escape_str(target, sizeof(target), v->target, ESC_TEXT);
	perms[0] = '\0';
	for (i = 0; i < f->nperms; i++) {
		escape_str(perm, sizeof(perm), f->perms[i], ESC_TEXT);
		n += (size_t)snprintf(perms + n, n < sizeof(perms) ? sizeof(perms) - n : 0, "%s%s",
				      i ? " " : "", perm);
	}
	put(out, "%-8s %s %s { %s } %s -> %s: %s\n",
	    !v->checked	 ? "UNKNOWN"
	    : v->allowed ? "ALLOWED"
			 : "DENIED",
	    who, scon, perms, edest[0] ? edest : "-", target[0] ? target : "-", v->note);
	if (v->breaks_text[0])
		put(out, "         the relabel from %s took: %s\n", v->breaks_from, v->breaks_text);
}

void verify_write_json(struct json *j, const struct finding *f, const struct verify_result *v)
{
	json_obj_begin(j, NULL);
	json_str(j, "type", "verify");
	json_str(j, "comm", f->comm);
	finding_dest_write_json(j, f);
	if (f->dport)
		json_uint(j, "dport", f->dport);
	finding_write_selinux_json(j, "selinux", f);
	json_bool(j, "checked", v->checked);
	if (v->checked)
		json_bool(j, "allowed", v->allowed);
	else
		json_null(j, "allowed");
	json_bool(j, "dontaudit", v->dontaudit);
	json_str(j, "target", v->target);
	json_str(j, "note", v->note);
	if (v->nbreaks_total) {
		json_str(j, "relabelled_from", v->breaks_from);
		breaks_write_json(j, v->breaks, v->nbreaks, v->nbreaks_total);
		json_str(j, "breaks_text", v->breaks_text);
	}
	json_obj_end(j);
	json_line_end(j);
}

void finding_write_json_advice(struct json *j, const struct finding *f, const struct advice *a)
{
	finding_json_begin(j, f);
	if (a)
		advice_write_compact(j, "recommendation", a);
	finding_json_end(j);
}

/* "7 attempts: 5 audited, 2 hidden (dontaudit)" */
static void counts_text(const struct finding *f, char *out, size_t sz)
{
	const struct finding_counts *c = &f->counts;
	size_t n;

	if (f->predicted) {
		/* preflight: nothing ran, each count is a directive's socket */
		snprintf(out, sz, "%llu directive socket%s, predicted%s",
			 (unsigned long long)c->total, c->total == 1 ? "" : "s",
			 c->hidden ? " denied and hidden (dontaudit)" : " denied");
		return;
	}
	n = (size_t)snprintf(out, sz, "%llu attempt%s", (unsigned long long)c->total,
			     c->total == 1 ? "" : "s");
	if (!finding_is_selinux(f) || n >= sz)
		return;
	n += (size_t)snprintf(out + n, sz - n, ":");
	if (c->audited && n < sz)
		n += (size_t)snprintf(out + n, sz - n, " %llu audited",
				      (unsigned long long)c->audited);
	if (c->hidden && n < sz)
		n += (size_t)snprintf(out + n, sz - n, "%s %llu HIDDEN (%s)", c->audited ? "," : "",
				      (unsigned long long)c->hidden,
				      !f->hidden_by			   ? "no AVC record"
				      : !strcmp(f->hidden_by, "dontaudit") ? "dontaudit"
									   : "audit off");
	if (c->permissive && n < sz)
		snprintf(out + n, sz - n, "%s %llu permissive (would be denied)",
			 c->audited || c->hidden ? "," : "", (unsigned long long)c->permissive);
}

/* "127.0.0.1:3000, [::1]:3000 by nginx[169]": the lists, escaped. */
static void seen_text(const struct finding *f, char *out, size_t sz)
{
	char esc[FINDING_DEST_LEN * 4];
	size_t n = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < f->ndests && n < sz; i++) {
		escape_str(esc, sizeof(esc), f->dests[i], ESC_TEXT);
		n += (size_t)snprintf(out + n, sz - n, "%s%s", i ? ", " : "", esc);
	}
	if (f->dests_unlisted && n < sz)
		n += (size_t)snprintf(out + n, sz - n, " and more (%llu attempt%s)",
				      (unsigned long long)f->dests_unlisted,
				      plural_s(f->dests_unlisted));
	for (i = 0; i < f->nprocs && n < sz; i++) {
		escape_str(esc, sizeof(esc), f->procs[i].comm, ESC_TEXT);
		n += (size_t)snprintf(out + n, sz - n, "%s%s", i ? ", " : " by ", esc);
		/* a prediction has a program and no process */
		if (f->procs[i].pid && n < sz)
			n += (size_t)snprintf(out + n, sz - n, "[%u]", f->procs[i].pid);
	}
	if (f->procs_unlisted && n < sz)
		snprintf(out + n, sz - n, " and others");
}

/* The access in one phrase: "httpd_t -> ntop_port_t:tcp_socket { name_connect }". */
static void access_text(const struct finding *f, char *out, size_t sz)
{
	char st[FINDING_CTX_LEN], tt[FINDING_CTX_LEN], est[sizeof(st) * 4], ett[sizeof(tt) * 4];
	char cls[FINDING_NAME_LEN * 4], perm[FINDING_NAME_LEN * 4], ebuf[16];
	size_t n;
	int i;

	if (!finding_is_selinux(f) || context_type(f->scontext, st, sizeof(st)) ||
	    context_type(f->tcontext, tt, sizeof(tt))) {
		snprintf(out, sz, "%s (%s)", verdict_text(f->verdict),
			 errno_name(f->err, ebuf, sizeof(ebuf)));
		return;
	}
	escape_str(est, sizeof(est), st, ESC_TEXT);
	escape_str(ett, sizeof(ett), tt, ESC_TEXT);
	escape_str(cls, sizeof(cls), f->tclass, ESC_TEXT);
	n = (size_t)snprintf(out, sz, "%s -> %s:%s {", est, ett, cls);
	for (i = 0; i < f->nperms && n < sz; i++) {
		escape_str(perm, sizeof(perm), f->perms[i], ESC_TEXT);
		n += (size_t)snprintf(out + n, sz - n, " %s", perm);
	}
	if (n < sz)
		snprintf(out + n, sz - n, " }");
}

void advice_top_fix_text(const struct advice *a, char *out, size_t sz)
{
	static char line[COMMAND_BUF_LEN * 4 + COMMAND_FILE_LEN * 4 + 16];
	size_t n = 0;
	int i, k;

	out[0] = '\0';
	for (i = 0; i < a->nfixes; i++) {
		const struct fix *fx = a->fixes[i];

		if (is_note(fx))
			continue;
		n = (size_t)snprintf(out, sz, "%s: ", fix_kind_name(fx->kind));
		for (k = 0; k < fx->ncmds && n < sz; k++)
			n += (size_t)snprintf(out + n, sz - n, "%s%s", k ? " && " : "",
					      shell_line(fx->cmds[k], line, sizeof(line)));
		return;
	}
	for (i = 0; i < a->nfixes; i++)
		if (a->fixes[i]->then_text[0]) {
			snprintf(out, sz, "%s", a->fixes[i]->then_text);
			return;
		}
}

void advice_print_summary_line(FILE *out, int index, const struct finding *f, const char *top_fix)
{
	static char acc[2048], cnt[256], seen[2048];

	access_text(f, acc, sizeof(acc));
	counts_text(f, cnt, sizeof(cnt));
	seen_text(f, seen, sizeof(seen));
	put(out, "%3d. %-2s %s; %s; %s\n", index, f->counts.hidden ? "!!" : "", acc, cnt, seen);
	if (top_fix && top_fix[0])
		put(out, "     %s %s\n", finding_is_selinux(f) ? "top fix" : "diagnosis", top_fix);
}

void advice_print_header(FILE *out, int index, int total, const struct finding *f)
{
	static char acc[2048], cnt[256], seen[2048];

	access_text(f, acc, sizeof(acc));
	counts_text(f, cnt, sizeof(cnt));
	seen_text(f, seen, sizeof(seen));
	put(out, "=== %d/%d: %s\n    %s; %s\n", index, total, acc, cnt, seen);
}
