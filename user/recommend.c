// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <selinux/selinux.h>

#include "escape.h"
#include "finding_set.h"
#include "findings_io.h"
#include "policy_cost.h"
#include "recommend.h"
#include "util.h"
#include "verdict.h"

/* rank classes, lowest first */
enum {
	RANK_NOTE = 0,
	RANK_TARGETED_BOOL = 1,
	RANK_RELABEL = 2,
	RANK_MODULE = 3,       /* exact: one rule, nothing else opened */
	RANK_BROAD_BOOL = 4,   /* opens every port type to the source: its own catch-all */
	RANK_FOREIGN_BOOL = 5, /* another service's boolean: reaches many other domains */
	RANK_BREAKING = 6,     /* takes a permission away from another domain */
};

#define MAX_EFFECTS 64
#define MAX_TYPES   512

#define TSET(field, ...) text_set(field, sizeof(field), __VA_ARGS__)
/* an advice's texts: whole, in its arena */
#define ASET(ar, field, ...) ((field) = arena_printf(ar, __VA_ARGS__))
#define ACAT(ar, field, ...) arena_appendf(ar, &(field), __VA_ARGS__)

const char *fix_kind_name(enum fix_kind k)
{
	static const char *const names[] = {
		[FIX_NOT_SELINUX] = "not_selinux",
		[FIX_HIDDEN_NOTE] = "hidden_note",
		[FIX_NOTE] = "note",
		[FIX_BOOLEAN] = "boolean",
		[FIX_PORT_RELABEL] = "port_relabel",
		[FIX_FCONTEXT] = "fcontext_relabel",
		[FIX_MODULE] = "local_module",
	};

	return (unsigned int)k < sizeof(names) / sizeof(names[0]) ? names[k] : "unknown";
}

const char *fix_confidence_name(enum fix_confidence c)
{
	return c == CONFIDENCE_HIGH ? "high" : c == CONFIDENCE_MEDIUM ? "medium" : "low";
}

void fix_init(struct fix *fx)
{
	memset(fx, 0, sizeof(*fx));
	fx->if_text = fx->then_text = fx->grant = fx->why = "";
	fx->boolean = fx->type = fx->alternatives = fx->breaks_text = "";
}

static struct fix *add_fix(struct advice *a, enum fix_kind kind, enum fix_confidence conf,
			   int rank_class)
{
	struct fix *fx;

	if (a->nfixes >= ADVICE_MAX_FIXES)
		return NULL;
	fx = arena_alloc(&a->arena, sizeof(*fx));
	if (!fx) {
		/* the arena is full (overflow): the advice will be refused whole, and the
		 * engine may go on filling this one meanwhile
		 */
		fix_init(&a->spill);
		return &a->spill;
	}
	fix_init(fx);
	fx->kind = kind;
	fx->confidence = conf;
	fx->rank_class = rank_class;
	fx->seq = a->nfixes;
	a->fixes[a->nfixes++] = fx;
	return fx;
}

static struct command *new_cmd(struct arena *ar, struct command **list, int *n, const char *prog)
{
	struct command *cmd;

	if (*n >= FIX_MAX_CMDS)
		return NULL;
	cmd = arena_alloc(ar, sizeof(*cmd));
	if (!cmd)
		return NULL;
	command_init(cmd, ar, prog);
	list[(*n)++] = cmd;
	return cmd;
}

/* A new command of fx, started with its program; NULL when fx has no room left (the
 * engine never needs more than FIX_MAX_CMDS) or the arena is full.
 */
struct command *fix_add_cmd(struct arena *ar, struct fix *fx, const char *prog)
{
	return new_cmd(ar, fx->cmds, &fx->ncmds, prog);
}

/* A command of fx's undo list (the reverse of cmds, in the order to run them). */
struct command *fix_add_undo(struct arena *ar, struct fix *fx, const char *prog)
{
	return new_cmd(ar, fx->undo, &fx->nundo, prog);
}

static int copy_cmds(struct arena *ar, struct command **dst, struct command *const *src, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		dst[i] = arena_alloc(ar, sizeof(*dst[i]));
		if (!dst[i] || command_copy(dst[i], ar, src[i]))
			return -ENOSPC;
	}
	return 0;
}

int fix_copy(struct arena *ar, struct fix *dst, const struct fix *src)
{
	struct fix_break *breaks = NULL;

	*dst = *src;
	dst->if_text = arena_strdup(ar, src->if_text);
	dst->then_text = arena_strdup(ar, src->then_text);
	dst->grant = arena_strdup(ar, src->grant);
	dst->why = arena_strdup(ar, src->why);
	dst->boolean = arena_strdup(ar, src->boolean);
	dst->type = arena_strdup(ar, src->type);
	dst->alternatives = arena_strdup(ar, src->alternatives);
	dst->breaks_text = arena_strdup(ar, src->breaks_text);
	if (src->nbreaks) {
		breaks = arena_alloc(ar, sizeof(*breaks) * (size_t)src->nbreaks);
		if (breaks)
			memcpy(breaks, src->breaks, sizeof(*breaks) * (size_t)src->nbreaks);
		else
			dst->nbreaks = 0;
	}
	dst->breaks = breaks;
	/* rebuild is program text, shared */
	if (copy_cmds(ar, dst->cmds, src->cmds, src->ncmds) ||
	    copy_cmds(ar, dst->undo, src->undo, src->nundo) || ar->overflow)
		return -ENOSPC;
	return 0;
}

/* semanage, setsebool -P and semodule each rebuild the whole policy from its modules and
 * load it: measured in the labs, a few seconds on refpolicy and tens of seconds on RHEL's
 * targeted policy (thousands of modules). Said once per fix so nobody kills it half way.
 */
static const char rebuild_text[] =
	"each command rebuilds and reloads the policy: seconds on refpolicy, "
	"tens of seconds on the targeted policy (RHEL, Fedora); let it finish";

/* Arguments for cmd, program text or raw untrusted bytes alike. */
static void add_argv(struct command *cmd, const char *const *args)
{
	if (!cmd)
		return;
	for (; *args; args++)
		command_arg(cmd, *args);
}

#define ADD_ARGS(cmd, ...) add_argv(cmd, (const char *const[]){ __VA_ARGS__, NULL })

/* Untrusted text (comm, path, address, a context read from a file) as it may appear in a
 * sentence: escaped (\n, \xNN, \"), printable ASCII only.
 */
static const char *shown(char *buf, size_t sz, const char *raw)
{
	escape_str(buf, sz, raw, ESC_TEXT);
	return buf;
}

/* The untrusted parts of a finding as a sentence may show them: escaped once, here. */
struct words {
	char who[FINDING_NAME_LEN * 4];		/* "nginx", "the process" */
	char dest[(FINDING_CTX_LEN + 16) * 4];	/* "127.0.0.1:3000", "/run/app.sock", "" */
	char where[(FINDING_CTX_LEN + 16) * 4]; /* "port 3000", a dest, or "its target" */
	char path[FINDING_CTX_LEN * 4];		/* the socket or object path */
	char scontext[FINDING_CTX_LEN * 4], tcontext[FINDING_CTX_LEN * 4];
};

/* A name as shown: escaped, and its leading and trailing spaces written \x20, so that a
 * name like "    curl x|sh #" cannot pass for an indented command line.
 */
static const char *shown_name(char *buf, size_t sz, const char *raw)
{
	size_t len = strlen(raw), lead = strspn(raw, " "), trail = 0, n = 0, i;
	char mid[FINDING_CTX_LEN * 4];

	while (trail < len - lead && raw[len - 1 - trail] == ' ')
		trail++;
	buf[0] = '\0';
	for (i = 0; i < lead && n + 5 < sz; i++, n += 4)
		memcpy(buf + n, "\\x20", 5);
	escape_buf(mid, sizeof(mid), raw + lead, len - lead - trail, ESC_TEXT, 0);
	text_cat(buf, sz, "%s", mid);
	for (i = 0; i < trail; i++)
		text_cat(buf, sz, "\\x20");
	return buf;
}

static void words_init(struct words *w, const struct finding *f)
{
	char dest[FINDING_CTX_LEN + 16];

	finding_dest(f, dest, sizeof(dest));
	if (f->comm[0])
		shown_name(w->who, sizeof(w->who), f->comm);
	else
		text_set(w->who, sizeof(w->who), "the process");
	shown_name(w->dest, sizeof(w->dest), dest);
	/* a port's label decides a name_connect or name_bind: one finding for every address of
	 * the port
	 */
	if (f->dport && (!f->daddr[0] || (f->nperms == 1 && (!strcmp(f->perms[0], "name_connect") ||
							     !strcmp(f->perms[0], "name_bind")))))
		text_set(w->where, sizeof(w->where), "port %u", f->dport);
	else if (dest[0])
		text_set(w->where, sizeof(w->where), "%s", w->dest);
	else
		text_set(w->where, sizeof(w->where), "its target");
	shown_name(w->path, sizeof(w->path), f->path);
	shown(w->scontext, sizeof(w->scontext), f->scontext);
	shown(w->tcontext, sizeof(w->tcontext), f->tcontext);
}

/* The permissions, space separated and escaped (identity for names the policy knows). */
static void perms_text(const struct finding *f, char *out, size_t sz)
{
	char perm[FINDING_NAME_LEN * 4];
	int i;

	out[0] = '\0';
	for (i = 0; i < f->nperms; i++)
		text_cat(out, sz, "%s%s", i ? " " : "", shown(perm, sizeof(perm), f->perms[i]));
}

/* ---- not SELinux ---- */

static void not_selinux(const struct finding *f, const struct words *w, struct advice *a)
{
	struct arena *ar = &a->arena;
	struct command *cmd;
	char ebuf[16];
	struct fix *fx;

	/* every sentence starts with the program's words, never with a name from the input */
	ASET(ar, a->summary, "Not an SELinux denial — %s: %s (%s); no SELinux change helps.",
	     w->who, verdict_text(f->verdict), errno_name(f->err, ebuf, sizeof(ebuf)));
	fx = add_fix(a, FIX_NOT_SELINUX, CONFIDENCE_HIGH, RANK_NOTE);
	ASET(ar, fx->if_text, "If %s cannot reach %s", w->who,
	     w->dest[0] ? w->dest : "its upstream");
	switch (f->verdict) {
	case VERDICT_ALLOWED:
	case VERDICT_IN_PROGRESS:
		ASET(ar, fx->then_text, "Then nothing is wrong here: the connection was allowed.");
		ASET(ar, fx->why, "verdict %s", verdict_name(f->verdict));
		return;
	case VERDICT_REFUSED:
		ASET(ar, fx->then_text,
		     "Then start the upstream, or fix the address in the proxy "
		     "configuration: nothing listens there (ECONNREFUSED).");
		ASET(ar, fx->why,
		     "the kernel answered connection refused after every security check "
		     "had allowed the attempt");
		if (f->family == AVC_AF_UNIX && f->path[0] == '/') {
			ADD_ARGS(fix_add_cmd(ar, fx, "ls"), "-lZ", "--", f->path);
			ADD_ARGS(fix_add_cmd(ar, fx, "ss"), "-xlp");
		} else if (f->dport) {
			cmd = fix_add_cmd(ar, fx, "ss");
			ADD_ARGS(cmd, "-ltnp");
			if (cmd)
				command_argf(cmd, "sport = :%u", f->dport);
		}
		return;
	case VERDICT_TIMED_OUT:
		ASET(ar, fx->then_text,
		     "Then look at the network path (firewall dropping packets, "
		     "routing, a dead host): the attempt timed out.");
		ASET(ar, fx->why,
		     "SELinux denials fail at once with EACCES; a timeout is the network");
		ADD_ARGS(fix_add_cmd(ar, fx, "nft"), "list", "ruleset");
		return;
	case VERDICT_LSM_DENIED:
		fx->confidence = CONFIDENCE_MEDIUM;
		ASET(ar, fx->then_text,
		     "Then look at the other LSMs (AppArmor, Landlock, ...): one of "
		     "them denied the connect, SELinux allowed it.");
		ASET(ar, fx->why, "security_socket_connect() failed without an SELinux denial");
		ADD_ARGS(fix_add_cmd(ar, fx, "cat"), "/sys/kernel/security/lsm");
		ADD_ARGS(fix_add_cmd(ar, fx, "journalctl"), "-k", "--grep", "apparmor=\"DENIED\"");
		return;
	case VERDICT_CGROUP_DENIED:
		fx->confidence = CONFIDENCE_MEDIUM;
		ASET(ar, fx->then_text,
		     "Then look at cgroup BPF programs (systemd IPAddressDeny=, "
		     "container runtimes) and the firewall: the LSMs allowed it.");
		ASET(ar, fx->why,
		     "the error was set at the cgroup connect hook, after every LSM "
		     "had allowed the attempt");
		ADD_ARGS(fix_add_cmd(ar, fx, "bpftool"), "cgroup", "tree");
		/* the comm is the likeliest unit name; "--" keeps a comm like -Hhost a name */
		if (f->comm[0])
			ADD_ARGS(fix_add_cmd(ar, fx, "systemctl"), "show", "-p", "IPAddressDeny",
				 "-p", "IPAddressAllow", "--", f->comm);
		return;
	default:
		fx->confidence = CONFIDENCE_LOW;
		ASET(ar, fx->then_text,
		     "Then look at the error itself (%s): it is not a permission "
		     "decision SELinux made.",
		     errno_name(f->err, ebuf, sizeof(ebuf)));
		ASET(ar, fx->why, "verdict %s", verdict_name(f->verdict));
		return;
	}
}

/* ---- policy-derived fixes ---- */

struct ctx {
	struct policy *p;
	const struct finding *f;
	struct advice *a;
	char stype[POLICY_NAME_LEN], ttype[POLICY_NAME_LEN];
	const char *perms[FINDING_MAX_PERMS];
	struct policy_query q;
	bool name_connect; /* a tcp name_connect to a known port */
	/* a port's label decides the access: name_connect or name_bind alone, to a known port
	 * of a transport with port labels (tcp, udp, sctp, dccp); NULL otherwise
	 */
	const char *port_perm;
	enum policy_proto proto;
	const struct words *w; /* the finding's untrusted parts, escaped */
	char ptext[FINDING_MAX_PERMS * FINDING_NAME_LEN * 4];
};

/* Length of the common prefix of two type names without their "_t"/"_port_t" suffixes:
 * how the policy names a service's types (httpd_t: http_port_t, httpd_runtime_t).
 */
static size_t affinity(const char *source, const char *type)
{
	size_t n = 0;

	while (source[n] && type[n] && source[n] == type[n] && source[n] != '_')
		n++;
	return n;
}

#define MIN_AFFINITY 3

/* A boolean reaches "well beyond" the source when it opens something to more than this many
 * other domains, or switches a dontaudit rule: another service's boolean (NIS's allow_ypbind
 * opens ports to ~370 nsswitch domains and hides their denials), never a targeted fix.
 */
#define BROAD_OTHER_DOMAINS 8

struct bool_choice {
	char grant[FIX_TEXT_LEN];     /* what it grants, in words (grant_words) */
	struct policy_breadth br;     /* what the source alone gains */
	struct policy_bool_cost cost; /* what the whole policy gains, loses, hides */
	struct policy_bool_effect e;
	bool catchall; /* every port type for the source */
};

/* The cost of a boolean: every permission it grants or revokes, in every domain, and every
 * denial whose audit it switches.
 */
static unsigned long bool_total_cost(const struct policy_bool_cost *c)
{
	return c->granted + c->revoked + c->hidden + c->revealed;
}

/* Another service's boolean: it opens or takes away something for many other domains, or
 * switches dontaudit rules (NIS's allow_ypbind), whatever the access it would allow.
 */
static bool bool_is_foreign(const struct bool_choice *b)
{
	return b->cost.other_domains_granted > BROAD_OTHER_DOMAINS ||
	       b->cost.other_domains_revoked > BROAD_OTHER_DOMAINS || b->cost.dontaudit_rules_on ||
	       b->cost.dontaudit_rules_off;
}

static bool bool_is_broad(const struct bool_choice *b)
{
	return b->catchall || bool_is_foreign(b);
}

static int cmp_choice(const void *x, const void *y)
{
	const struct bool_choice *a = x, *b = y;
	unsigned long ca = bool_total_cost(&a->cost), cb = bool_total_cost(&b->cost);

	if (bool_is_broad(a) != bool_is_broad(b))
		return bool_is_broad(a) ? 1 : -1;
	if (ca != cb)
		return ca < cb ? -1 : 1;
	if (a->br.perms != b->br.perms)
		return a->br.perms < b->br.perms ? -1 : 1;
	return strcmp(a->e.name, b->e.name);
}

/* Does the boolean open every port type to the source (httpd_can_network_connect)? */
static bool opens_every_port(struct ctx *c, const struct bool_choice *b)
{
	static char with[MAX_TYPES][POLICY_NAME_LEN];
	int nwith, universe = 0;

	if (!c->name_connect)
		return false;
	nwith = policy_connectable_ports(c->p, c->stype, b->e.name, b->e.value, with, MAX_TYPES,
					 &universe);
	return nwith > 0 && nwith >= universe;
}

/* Booleans that, flipped alone, allow q: targeted ones first, each group by its cost to the
 * whole policy.
 */
static int allowing_booleans(struct ctx *c, const struct policy_query *q, struct bool_choice *out,
			     int max)
{
	struct policy_bool_effect eff[MAX_EFFECTS];
	int n, i, k = 0;

	n = policy_bool_sweep(c->p, q, eff, MAX_EFFECTS);
	if (n < 0)
		return n;
	for (i = 0; i < n && k < max; i++) {
		if (!eff[i].allows)
			continue;
		memset(&out[k], 0, sizeof(out[k]));
		out[k].e = eff[i];
		policy_bool_breadth(c->p, c->stype, eff[i].name, eff[i].value, &out[k].br);
		policy_bool_cost(c->p, eff[i].name, eff[i].value, c->stype, &out[k].cost);
		out[k].catchall = opens_every_port(c, &out[k]);
		k++;
	}
	qsort(out, (size_t)k, sizeof(*out), cmp_choice);
	return k;
}

static void list_names(char *out, size_t sz, char (*names)[POLICY_NAME_LEN], int n, int show)
{
	int i;

	for (i = 0; i < n && i < show; i++)
		text_cat(out, sz, "%s%s", i ? ", " : "", names[i]);
	if (n > show)
		text_cat(out, sz, " and %d more", n - show);
}

/* "opens 15 permission(s) to httpd_t and 11487 to 373 other domain(s); hides 229343
 * denial(s) (238 dontaudit rule(s))": what a boolean does to the whole policy.
 */
static void whole_policy_words(const struct ctx *c, const struct bool_choice *b, char *out,
			       size_t sz)
{
	const struct policy_bool_cost *k = &b->cost;

	text_cat(out, sz,
		 "; in the whole policy it opens %lu permission(s) to %s and %lu to %lu other "
		 "domain(s)",
		 k->granted_source, c->stype, k->granted_others, k->other_domains_granted);
	if (k->revoked)
		text_cat(out, sz, ", takes %lu away from %lu domain(s)", k->revoked,
			 k->domains_revoked);
	if (k->dontaudit_rules_on || k->dontaudit_rules_off)
		text_cat(out, sz,
			 ", and switches %lu dontaudit rule(s) (%lu denial(s) hidden, %lu "
			 "revealed)",
			 k->dontaudit_rules_on + k->dontaudit_rules_off, k->hidden, k->revealed);
}

/* Plain words for what a boolean grants the source. */
static void grant_words(struct ctx *c, const struct bool_choice *b, char *out, size_t sz)
{
	static char now[MAX_TYPES][POLICY_NAME_LEN], with[MAX_TYPES][POLICY_NAME_LEN];
	char extra[MAX_TYPES / 4][POLICY_NAME_LEN];
	int nnow, nwith, universe = 0, i, j, nextra = 0;

	out[0] = '\0';
	if (c->name_connect) {
		nnow = policy_connectable_ports(c->p, c->stype, NULL, false, now, MAX_TYPES, NULL);
		nwith = policy_connectable_ports(c->p, c->stype, b->e.name, b->e.value, with,
						 MAX_TYPES, &universe);
		if (nwith > 0 && nwith >= universe) {
			text_set(out, sz, "%s may connect to every TCP port", c->stype);
		} else if (nwith > 0 && nnow >= 0) {
			for (i = 0; i < nwith && i < MAX_TYPES; i++) {
				bool had = false;

				for (j = 0; j < nnow && j < MAX_TYPES && !had; j++)
					had = !strcmp(now[j], with[i]);
				if (!had && nextra < MAX_TYPES / 4)
					text_set(extra[nextra++], POLICY_NAME_LEN, "%s", with[i]);
			}
			text_set(out, sz, "%s may connect to TCP ports labelled ", c->stype);
			list_names(out, sz, extra, nextra, 8);
		}
	}
	if (!out[0])
		text_set(out, sz, "%s gains %lu permission(s) on %lu (type, class) pair(s)",
			 c->stype, b->br.perms, b->br.targets);
	else
		text_cat(out, sz, " (%lu permission(s) in all)", b->br.perms);
	whole_policy_words(c, b, out, sz);
}

static void add_boolean_fix(struct ctx *c, const struct bool_choice *b, int position, int total)
{
	struct arena *ar = &c->a->arena;
	struct fix *fx;

	fx = add_fix(c->a, FIX_BOOLEAN, CONFIDENCE_HIGH, RANK_TARGETED_BOOL);
	if (!fx)
		return;
	fx->grant = arena_strdup(ar, b->grant);
	/* the source's own catch-all (every port, for good: the fix `avcsnoop tighten` takes
	 * back) comes after an exact module; another service's boolean (many other domains,
	 * dontaudit switched) after both: never the first fix
	 */
	if (b->catchall && !bool_is_foreign(b))
		fx->rank_class = RANK_BROAD_BOOL;
	else if (bool_is_broad(b))
		fx->rank_class = RANK_FOREIGN_BOOL;
	fx->boolean = arena_strdup(ar, b->e.name);
	fx->bool_value = b->e.value;
	fx->breadth = bool_total_cost(&b->cost);
	ASET(ar, fx->if_text, "If you want %s (%s) to %s %s (%s, %s)", c->w->who, c->stype,
	     c->ptext, c->w->where, c->ttype, c->f->tclass);
	ASET(ar, fx->then_text, "Then you must tell SELinux about this by %s the '%s' boolean.",
	     b->e.value ? "enabling" : "disabling", b->e.name);
	if (b->catchall)
		ASET(ar, fx->why,
		     "allows it, but opens every port type to %s (%lu permissions, "
		     "measured in this policy): ranked after targeted fixes and an exact module",
		     c->stype, b->br.perms);
	else if (bool_is_broad(b))
		ASET(ar, fx->why,
		     "allows it, but reaches %lu other domain(s)%s: another service's boolean, "
		     "ranked after an exact local module (%lu permission(s) and audit switches in "
		     "all)",
		     b->cost.other_domains_granted,
		     b->cost.dontaudit_rules_on || b->cost.dontaudit_rules_off
			     ? " and switches dontaudit rules"
			     : "",
		     bool_total_cost(&b->cost));
	else if (total > 1)
		ASET(ar, fx->why,
		     "%s of %d booleans that allow it: %lu permission(s) newly granted in the "
		     "whole policy (%lu to %s), measured in this policy",
		     position == 0 ? "narrowest" : "next narrowest", total,
		     bool_total_cost(&b->cost), b->cost.granted_source, c->stype);
	else
		ASET(ar, fx->why,
		     "the only boolean that allows it: %lu permission(s) newly granted in the "
		     "whole policy (%lu to %s)",
		     bool_total_cost(&b->cost), b->cost.granted_source, c->stype);
	ADD_ARGS(fix_add_cmd(ar, fx, "setsebool"), "-P", b->e.name, b->e.value ? "1" : "0");
	ADD_ARGS(fix_add_undo(ar, fx, "setsebool"), "-P", b->e.name, b->e.value ? "0" : "1");
	fx->rebuild = rebuild_text;
}

struct relabel_choice {
	char type[POLICY_NAME_LEN];
	size_t aff;
	bool needs_bool;
	struct bool_choice companions[4];
	int ncompanions;
	struct policy_relabel_cost relabel; /* who gains and loses the port */
	unsigned long cost; /* the relabel's permissions gained and lost + its companion's */
};

/* Port relabel: a port type named like the source (affinity) that the source may
 * name_connect now, or with one boolean.
 */
static bool in_choices(const char *name, const struct bool_choice *direct, int ndirect)
{
	int i;

	for (i = 0; i < ndirect; i++)
		if (!strcmp(direct[i].e.name, name))
			return true;
	return false;
}

/* The port type to relabel the finding's port to, the cheapest for the whole policy. */
static bool choose_relabel(struct ctx *c, const struct bool_choice *direct, int ndirect,
			   struct relabel_choice *out)
{
	static char types[MAX_TYPES][POLICY_NAME_LEN];
	const char *const perm[] = { c->port_perm };
	struct relabel_choice best = { 0 }, cand;
	struct port_label now = { .type = "" };
	bool have = false;
	int n, i;

	/* never the label the port has now (the finding may be older than a relabel) */
	policy_port_lookup(c->p, c->proto, c->f->dport, &now);
	n = policy_port_types(c->p, types, MAX_TYPES);
	for (i = 0; i < n && i < MAX_TYPES; i++) {
		struct policy_query q = { c->q.source, types[i], c->f->tclass, perm, 1 };
		struct policy_decision d;
		size_t aff = affinity(c->stype, types[i]);
		int k;

		if (aff < MIN_AFFINITY || !strcmp(types[i], c->ttype) ||
		    !strcmp(types[i], now.type))
			continue;
		memset(&cand, 0, sizeof(cand));
		text_set(cand.type, sizeof(cand.type), "%s", types[i]);
		cand.aff = aff;
		if (policy_check(c->p, &q, &d))
			continue;
		if (!d.allowed) {
			struct bool_choice all[8] = { 0 };
			int m, t;

			m = allowing_booleans(c, &q, all, 8);
			/* a boolean that allows the original label too makes the relabel moot; a
			 * broad one (another service's) is no companion of a narrow fix
			 */
			for (t = 0, k = 0; t < m && k < 4; t++)
				if (!in_choices(all[t].e.name, direct, ndirect) &&
				    !bool_is_broad(&all[t]))
					cand.companions[k++] = all[t];
			if (k <= 0)
				continue;
			cand.ncompanions = k;
			cand.needs_bool = true;
		}
		/* the cost over the whole policy: who gains and loses the port, plus the
		 * companion boolean's cost
		 */
		if (policy_port_relabel_cost(c->p, c->proto, c->f->dport, cand.type, &cand.relabel))
			continue;
		cand.cost = cand.relabel.perms_gained + cand.relabel.perms_lost +
			    (cand.needs_bool ? bool_total_cost(&cand.companions[0].cost) : 0);
		/* one that takes nothing from another domain; the cheapest; then the type named
		 * most like the source
		 */
		if (!have || (!cand.relabel.domains_losing && best.relabel.domains_losing) ||
		    (!cand.relabel.domains_losing == !best.relabel.domains_losing &&
		     (cand.cost < best.cost || (cand.cost == best.cost && cand.aff > best.aff))))
			best = cand;
		have = true;
	}
	*out = best;
	return have;
}

/* The losers of a port relabel, in the fix and in words: "redis_t could no longer name_bind
 * tcp/6379: a server running as redis_t could not listen on it (it would fail to start)".
 * Only what the policy says: a domain that loses name_bind is one that may bind the port
 * now (its server); one that loses name_connect, one that may connect to it now (a client).
 */
static void loss_words(struct arena *ar, const char **out, const struct policy_relabel_cost *r,
		       enum policy_proto proto, unsigned int port)
{
	int i;

	*out = "";
	for (i = 0; i < r->nlosers; i++) {
		const struct policy_relabel_loss *l = &r->losers[i];

		ACAT(ar, *out, "%s%s could no longer %s%s%s %s/%u: ", i ? "; " : "", l->domain,
		     l->name_bind ? "name_bind" : "", l->name_bind && l->name_connect ? " or " : "",
		     l->name_connect ? "name_connect" : "", proto_name(proto), port);
		if (l->name_bind)
			ACAT(ar, *out,
			     "a server running as %s that listens there would fail to start",
			     l->domain);
		else
			ACAT(ar, *out, "%s's connections to it would be denied", l->domain);
	}
	if ((unsigned long)r->nlosers < r->domains_losing)
		ACAT(ar, *out, "; and %lu other domain(s) lose what %s gave them",
		     r->domains_losing - (unsigned long)r->nlosers, r->old_type);
}

static void breaks_fill(struct fix_break *out, int *n, unsigned long *total,
			const struct policy_relabel_cost *r)
{
	int i;

	*n = 0;
	*total = r->domains_losing;
	for (i = 0; i < r->nlosers && i < FIX_MAX_BREAKS; i++) {
		struct fix_break *b = &out[(*n)++];

		memset(b, 0, sizeof(*b));
		text_set(b->domain, sizeof(b->domain), "%s", r->losers[i].domain);
		if (r->losers[i].name_bind)
			b->perms[b->nperms++] = "name_bind";
		if (r->losers[i].name_connect)
			b->perms[b->nperms++] = "name_connect";
	}
}

static void relabel_breaks(struct ctx *c, struct fix *fx, const struct policy_relabel_cost *r)
{
	struct arena *ar = &c->a->arena;
	struct fix_break *breaks;
	int n = r->nlosers < FIX_MAX_BREAKS ? r->nlosers : FIX_MAX_BREAKS;

	if (!r->domains_losing)
		return;
	breaks = n ? arena_alloc(ar, sizeof(*breaks) * (size_t)n) : NULL;
	if (breaks)
		breaks_fill(breaks, &fx->nbreaks, &fx->nbreaks_total, r);
	else
		fx->nbreaks_total = r->domains_losing;
	fx->breaks = breaks;
	loss_words(ar, &fx->breaks_text, r, c->proto, c->f->dport);
	fx->rank_class = RANK_BREAKING;
	fx->confidence = CONFIDENCE_LOW;
}

static void port_relabel(struct ctx *c, const struct relabel_choice *chosen)
{
	const struct relabel_choice best = *chosen;
	char local_type[POLICY_NAME_LEN], ranges[256];
	struct command *cmd;
	struct fix *fx;
	struct port_label now = { .type = "" };
	bool exact;
	int local;
	const bool bind = !strcmp(c->port_perm, "name_bind");
	const char *proto = proto_name(c->proto);
	struct arena *ar = &c->a->arena;

	fx = add_fix(c->a, FIX_PORT_RELABEL, CONFIDENCE_MEDIUM, RANK_RELABEL);
	if (!fx)
		return;
	fx->type = arena_strdup(ar, best.type);
	local = policy_port_local(c->p, c->proto, c->f->dport, local_type, sizeof(local_type));
	/* semanage refuses -a for a port that has a record of its own ("Port tcp/8081 already
	 * defined": refpolicy's transproxy_port_t), local or in the policy; a port that is only
	 * inside a range (ntop_port_t 3000-3001) takes -a
	 */
	exact = !policy_port_lookup(c->p, c->proto, c->f->dport, &now) && now.low == c->f->dport &&
		now.high == c->f->dport;
	policy_port_ranges(c->p, c->proto, best.type, ranges, sizeof(ranges));
	ASET(ar, fx->if_text, "If you want %s (%s) to %s port %u%s%s as it %s %s ports (%s)",
	     c->w->who, c->stype, bind ? "bind" : "connect to", c->f->dport,
	     c->proto == PROTO_TCP ? "" : "/", c->proto == PROTO_TCP ? "" : proto,
	     bind ? "binds" : "connects to", best.type, ranges[0] ? ranges : "no ports yet");
	ASET(ar, fx->then_text, "Then label port %u %s%s%s%s.", c->f->dport, best.type,
	     best.needs_bool ? " and enable the '" : "",
	     best.needs_bool ? best.companions[0].e.name : "", best.needs_bool ? "' boolean" : "");
	cmd = fix_add_cmd(ar, fx, "semanage");
	ADD_ARGS(cmd, "port", local == 1 || exact ? "-m" : "-a", "-t", best.type, "-p", proto);
	if (cmd)
		command_argf(cmd, "%u", c->f->dport);
	fx->rebuild = rebuild_text;
	/* the undo, last command first: the companion boolean back off (below), then the
	 * port back to its old local label (-m over a local record), or the local record
	 * deleted (-a, or -m over the policy's own record: deleting it restores that label)
	 */
	if (best.needs_bool)
		ADD_ARGS(fix_add_undo(ar, fx, "setsebool"), "-P", best.companions[0].e.name,
			 best.companions[0].e.value ? "0" : "1");
	cmd = fix_add_undo(ar, fx, "semanage");
	if (local == 1)
		ADD_ARGS(cmd, "port", "-m", "-t", local_type, "-p", proto);
	else
		ADD_ARGS(cmd, "port", "-d", "-t", best.type, "-p", proto);
	if (cmd)
		command_argf(cmd, "%u", c->f->dport);
	ASET(ar, fx->grant,
	     "port %u becomes %s for every domain: %lu domain(s) gain it (%lu permission(s)), %lu "
	     "lose what %s gave them (%lu)",
	     c->f->dport, best.type, best.relabel.domains_gaining, best.relabel.perms_gained,
	     best.relabel.domains_losing, c->ttype, best.relabel.perms_lost);
	fx->breadth = best.cost;
	relabel_breaks(c, fx, &best.relabel);
	if (best.needs_bool) {
		const struct bool_choice *b = &best.companions[0];
		int k;

		fx->boolean = arena_strdup(ar, b->e.name);
		fx->bool_value = b->e.value;
		ADD_ARGS(fix_add_cmd(ar, fx, "setsebool"), "-P", b->e.name, b->e.value ? "1" : "0");
		ACAT(ar, fx->grant, "; '%s' grants %s %lu permission(s)", b->e.name, c->stype,
		     b->br.perms);
		for (k = 1; k < best.ncompanions; k++)
			ACAT(ar, fx->alternatives, "%s%s (%lu permissions)", k > 1 ? ", " : "",
			     best.companions[k].e.name, best.companions[k].br.perms);
		ASET(ar, fx->why,
		     "%s may %s %s only with '%s' on (the narrowest of %d "
		     "booleans that allow it); of the port types %s may reach, this relabel costs "
		     "the whole policy least (%lu permission(s) gained or lost, the boolean's "
		     "included)",
		     c->stype, c->port_perm, best.type, b->e.name, best.ncompanions, c->stype,
		     best.cost);
		if (fx->alternatives[0])
			ACAT(ar, fx->then_text, " Instead of '%s', any one of these also does: %s.",
			     b->e.name, fx->alternatives);
	} else {
		ASET(ar, fx->why,
		     "%s may already %s %s with the current booleans; of the port "
		     "types %s may reach, this relabel costs the whole policy least (%lu "
		     "permission(s) gained or lost)",
		     c->stype, c->port_perm, best.type, c->stype, best.cost);
	}
	if (fx->nbreaks_total)
		ACAT(ar, fx->why,
		     "; it takes a permission away from %lu other domain(s): a breaking "
		     "change, ranked after every fix that breaks nothing",
		     fx->nbreaks_total);
	if (local == 1)
		ACAT(ar, fx->why, "; port %u already has a local label (%s): -m", c->f->dport,
		     local_type);
	else if (exact)
		ACAT(ar, fx->why, "; the policy defines port %u itself (%s): -m", c->f->dport,
		     now.type);
	else if (local < 0 && local != -ENOENT)
		ACAT(ar, fx->why,
		     "; semanage's local state is unreadable: if -a says 'already defined', use -m");
}

static bool is_sock_path(const struct finding *f)
{
	return f->path[0] == '/';
}

/* An absolute path without empty, "." or ".." components. */
static bool path_is_normal(const char *path)
{
	const char *p = path;

	if (*p != '/')
		return false;
	while (*p) {
		const char *comp = ++p, *end = strchrnul(comp, '/');
		size_t len = (size_t)(end - comp);

		if ((len == 0 && *end) || (len == 1 && comp[0] == '.') ||
		    (len == 2 && comp[0] == '.' && comp[1] == '.'))
			return false;
		p = end;
	}
	return true;
}

/* Unix sockets: a file type the source may search (dir) and write (sock_file), for the
 * directory that holds the socket.
 */
/* A file type the source may search (dir) and write (sock_file), named after it. */
static bool choose_fcontext_type(struct ctx *c, char *out, size_t outsz, bool *is_pid)
{
	static const char *const search[] = { "search" }, *const write[] = { "write" };
	static char types[MAX_TYPES][POLICY_NAME_LEN];
	struct policy_need needs[2] = { { "dir", search, 1 }, { "sock_file", write, 1 } };
	const char *best = NULL;
	size_t best_aff = 0;
	bool best_pid = false;
	int n, i;

	n = policy_types_allowing(c->p, c->stype, needs, 2, types, MAX_TYPES);
	for (i = 0; i < n && i < MAX_TYPES; i++) {
		size_t aff = affinity(c->stype, types[i]);
		bool pid = policy_type_has_attr(c->p, types[i], "pidfile");

		if (aff < MIN_AFFINITY)
			continue;
		/* under /run, prefer the policy's runtime-file types (attribute pidfile) */
		if (!best || (pid && !best_pid) || (pid == best_pid && aff > best_aff)) {
			best = types[i];
			best_aff = aff;
			best_pid = pid;
		}
	}
	if (!best)
		return false;
	text_set(out, outsz, "%s", best);
	*is_pid = best_pid;
	return true;
}

/* file_contexts.subs_dist and .subs of the policy in force (or of <root>/policy/policy.N's
 * <root>/contexts/files/): "ALIAS PATH" lines, ALIAS looked up as PATH. semanage refuses an
 * fcontext spec under an alias ("conflicts with equivalency rule '/run /var/run'": targeted
 * has /run as an alias of /var/run, refpolicy the other way round), so a spec is written under
 * the path it stands for. Rewrites path in place; alias set in alias (for the why text).
 */
#define FC_SUBS_LINE 1024
static bool fc_subs_apply_file(const char *file, char *path, size_t pathsz, char *alias,
			       size_t aliassz)
{
	char line[FC_SUBS_LINE], from[FC_SUBS_LINE], to[FC_SUBS_LINE], best_from[FC_SUBS_LINE];
	char best_to[FC_SUBS_LINE], rest[FINDING_CTX_LEN * 2];
	size_t best_len = 0;
	FILE *fp;

	fp = file ? fopen(file, "re") : NULL;
	if (!fp)
		return false;
	while (fgets(line, sizeof(line), fp)) {
		size_t n;

		if (sscanf(line, "%1023s %1023s", from, to) != 2 || from[0] != '/' || to[0] != '/')
			continue;
		n = strlen(from);
		while (n > 1 && from[n - 1] == '/')
			from[--n] = '\0';
		if (n > best_len && !strncmp(path, from, n) && (path[n] == '/' || !path[n])) {
			best_len = n;
			memcpy(best_from, from, n + 1);
			text_set(best_to, sizeof(best_to), "%s", to);
		}
	}
	fclose(fp);
	if (!best_len)
		return false;
	text_set(rest, sizeof(rest), "%s", path + best_len);
	if (snprintf(path, pathsz, "%s%s", best_to, rest) >= (int)pathsz)
		return false;
	text_set(alias, aliassz, "%s %s", best_from, best_to);
	return true;
}

static void fc_subs_files(const struct policy *p, char files[2][1024])
{
	const char *pp = policy_path(p);
	char dir[1024];

	files[0][0] = files[1][0] = '\0';
	if (policy_is_live(p) || !pp) {
		if (selinux_file_context_subs_dist_path())
			text_set(files[0], sizeof(files[0]), "%s",
				 selinux_file_context_subs_dist_path());
		if (selinux_file_context_subs_path())
			text_set(files[1], sizeof(files[1]), "%s",
				 selinux_file_context_subs_path());
		return;
	}
	if (!policy_file_root(pp, dir, sizeof(dir)))
		return;
	text_set(files[0], sizeof(files[0]), "%s/contexts/files/file_contexts.subs_dist", dir);
	text_set(files[1], sizeof(files[1]), "%s/contexts/files/file_contexts.subs", dir);
}

/* path under the name semanage fcontext takes (a few rounds: one alias may lead to another) */
static void fc_subs(const struct policy *p, char *path, size_t pathsz, char *alias, size_t aliassz)
{
	char files[2][1024];
	int round, i;

	alias[0] = '\0';
	fc_subs_files(p, files);
	for (round = 0; round < 4; round++) {
		bool changed = false;

		for (i = 0; i < 2; i++)
			changed |= fc_subs_apply_file(files[i][0] ? files[i] : NULL, path, pathsz,
						      alias, aliassz);
		if (!changed)
			break;
	}
}

static void fcontext_relabel(struct ctx *c, const char *best, bool best_pid)
{
	char dir[FINDING_CTX_LEN], spec[FINDING_CTX_LEN * 4 + 16], shown_dir[FINDING_CTX_LEN * 4];
	char aliases[256], restore[FINDING_CTX_LEN * 2], specpath[FINDING_CTX_LEN * 2];
	char subs[2 * FC_SUBS_LINE + 2];
	struct arena *ar = &c->a->arena;
	struct command *cmd;
	bool whole_dir = true;
	struct fix *fx;

	if (strcmp(c->f->tclass, "dir") && strcmp(c->f->tclass, "sock_file"))
		return;
	/* the directory: the denied one the tracer found, else the socket's parent */
	finding_fix_dir(c->f, dir, sizeof(dir));
	if (dir[0] != '/') {
		/* an audit record names only the last component: a guess under /run, and only
		 * for a plain name (no '/', not "." or "..")
		 */
		bool plain = !strcmp(c->f->tclass, "dir") && c->f->path[0] &&
			     !strchr(c->f->path, '/') && strcmp(c->f->path, ".") &&
			     strcmp(c->f->path, "..");

		text_set(dir, sizeof(dir), "/run/%s", plain ? c->f->path : "DIR");
	}
	/* a spec for a path that is not normal (., .., //) would not match the real one */
	if (!path_is_normal(dir))
		return;
	if (!strcmp(dir, "/run") || !strcmp(dir, "/var/run") || !strcmp(dir, "/tmp") ||
	    !strcmp(dir, "/"))
		whole_dir = false;
	/* the spec is a regular expression: the path's metacharacters are escaped, so it
	 * matches exactly the directory and what is below it
	 */
	text_set(specpath, sizeof(specpath), "%s", whole_dir ? dir : c->f->path);
	fc_subs(c->p, specpath, sizeof(specpath), subs, sizeof(subs));
	if (fcontext_regex_escape(spec, sizeof(spec) - 8, specpath) < 0)
		return;
	if (whole_dir)
		text_cat(spec, sizeof(spec), "(/.*)?");
	fx = add_fix(c->a, FIX_FCONTEXT, CONFIDENCE_MEDIUM, RANK_RELABEL);
	if (!fx)
		return;
	fx->type = arena_strdup(ar, best);
	policy_type_aliases(c->p, best, aliases, sizeof(aliases));
	cmd = fix_add_cmd(ar, fx, "semanage");
	ADD_ARGS(cmd, "fcontext", "-a", "-t", best);
	if (!whole_dir)
		ADD_ARGS(cmd, "-f", "s");
	ADD_ARGS(cmd, "--", spec);
	/* restorecon expands its arguments as glob(3) patterns (policycoreutils' restore.c,
	 * GLOB_NOCHECK|GLOB_BRACE|GLOB_TILDE): "/run/a.b(x)*[y]" would act on whatever that
	 * pattern matches, not on this directory (seen in the lab). The argument is the path
	 * with every glob metacharacter escaped, which glob reads back as exactly the path.
	 */
	if (glob_escape(restore, sizeof(restore), whole_dir ? dir : c->f->path) < 0)
		return;
	ADD_ARGS(fix_add_cmd(ar, fx, "restorecon"), whole_dir ? "-Rv" : "-v", "--", restore);
	/* the undo: the local rule deleted, then the files back to the policy's label */
	cmd = fix_add_undo(ar, fx, "semanage");
	ADD_ARGS(cmd, "fcontext", "-d");
	if (!whole_dir)
		ADD_ARGS(cmd, "-f", "s");
	ADD_ARGS(cmd, "--", spec);
	ADD_ARGS(fix_add_undo(ar, fx, "restorecon"), whole_dir ? "-Rv" : "-v", "--", restore);
	fx->rebuild = rebuild_text;
	shown(shown_dir, sizeof(shown_dir), dir);
	ASET(ar, fx->if_text, "If you want %s (%s) to reach the socket%s%s", c->w->who, c->stype,
	     is_sock_path(c->f) ? " " : "", is_sock_path(c->f) ? c->w->path : " in that directory");
	ASET(ar, fx->then_text,
	     "Then label %s %s%s%s%s, which %s may search and whose sockets it "
	     "may write.",
	     whole_dir ? "the directory and the socket" : "the socket", best,
	     aliases[0] ? " (alias " : "", aliases, aliases[0] ? ")" : "", c->stype);
	ASET(ar, fx->grant, "%s may use sockets under %s as it uses its own %s files; no boolean",
	     c->stype, whole_dir ? shown_dir : c->w->path, best);
	ASET(ar, fx->why,
	     "%s is a type %s may search (dir) and write (sock_file) with the current "
	     "booleans, named after it%s; the first denial is on the directory, so "
	     "labelling the socket alone is not enough",
	     best, c->stype, best_pid ? " and a runtime-file type (pidfile)" : "");
	if (subs[0]) {
		char shown_subs[sizeof(subs) * 4];

		shown(shown_subs, sizeof(shown_subs), subs);
		ACAT(ar, fx->why,
		     "; the spec is written under the path file_contexts.subs maps the alias to "
		     "(\"%s\"), as semanage requires",
		     shown_subs);
	}
	if (!is_sock_path(c->f)) {
		fx->confidence = CONFIDENCE_LOW;
		ACAT(ar, fx->why,
		     "; the record names only \"%s\": replace the guessed /run/ path with the real one",
		     c->w->path);
	}
}

/* Longest module name spelled out in full; a longer one is shortened and hashed. The
 * file name (NAME.cil) must fit struct command's stdout_file.
 */
#define MODULE_NAME_MAX 88

static bool module_word(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/*
 * One module name per access: "my-SOURCE-TARGET-CLASS-PERM[-PERM...]", so the module for
 * nginx's 6379 and the one for its 11211 are two modules, and installing one never replaces
 * the other (semodule -i replaces a module of the same name). Names of [a-z0-9_] joined by
 * '-' read back unambiguously: distinct accesses, distinct names. A name the policy spells
 * otherwise, or too long for a file name, becomes "my-SOURCE_HASH": [a-z0-9_] only (one
 * '-', so never equal to a spelled-out name, which has four or more), its 64-bit FNV-1a
 * hash over the whole access keeping accesses apart. semodule names a module after its
 * file and takes letters, digits, '_' and '-'.
 */
static void module_name(const struct ctx *c, char *name, size_t sz)
{
	const char *part[3] = { c->stype, c->ttype, c->f->tclass };
	uint64_t h = 0xcbf29ce484222325ULL;
	bool plain = true;
	size_t i, n;
	int k;

	for (i = 0; i < 3; i++)
		plain = plain && module_word(part[i]);
	for (k = 0; k < c->f->nperms; k++)
		plain = plain && module_word(c->f->perms[k]);
	if (plain) {
		char full[4 * POLICY_NAME_LEN + FINDING_MAX_PERMS * (FINDING_NAME_LEN + 1)];

		text_set(full, sizeof(full), "my-%s-%s-%s", c->stype, c->ttype, c->f->tclass);
		for (k = 0; k < c->f->nperms; k++)
			text_cat(full, sizeof(full), "-%s", c->f->perms[k]);
		/* the whole name or none of it: a cut one could be another access's */
		if (strlen(full) <= MODULE_NAME_MAX && strlen(full) < sz) {
			text_set(name, sz, "%s", full);
			return;
		}
	}
	for (i = 0; i < 3; i++)
		for (n = 0; n <= strlen(part[i]); n++)
			h = (h ^ (unsigned char)part[i][n]) * 0x100000001b3ULL;
	for (k = 0; k < c->f->nperms; k++)
		for (n = 0; n <= strlen(c->f->perms[k]); n++)
			h = (h ^ (unsigned char)c->f->perms[k][n]) * 0x100000001b3ULL;
	text_set(name, sz, "my-");
	n = 3;
	for (i = 0; i < 40 && c->stype[i] && n + 1 < sz; i++) {
		char ch = c->stype[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')
			name[n++] = ch;
		else if (ch >= 'A' && ch <= 'Z')
			name[n++] = (char)(ch - 'A' + 'a');
	}
	name[n] = '\0';
	text_cat(name, sz, "_%016llx", (unsigned long long)h);
}

static void local_module(struct ctx *c)
{
	char name[MODULE_NAME_MAX + 1], file[MODULE_NAME_MAX + 8];
	char rule[4 * POLICY_NAME_LEN + FINDING_MAX_PERMS * FINDING_NAME_LEN];
	char comment[4 * POLICY_NAME_LEN + FINDING_MAX_PERMS * FINDING_NAME_LEN];
	struct arena *ar = &c->a->arena;
	struct command *cmd;
	struct fix *fx;

	module_name(c, name, sizeof(name));
	fx = add_fix(c->a, FIX_MODULE, CONFIDENCE_MEDIUM, RANK_MODULE);
	if (!fx)
		return;
	/* types, class and permissions were checked against the policy before we got here */
	text_set(rule, sizeof(rule), "(allow %s %s (%s (%s)))", c->stype, c->ttype, c->f->tclass,
		 c->ptext);
	ASET(ar, fx->if_text,
	     "If you believe %s (%s) should be allowed to %s %s (%s, %s) and no "
	     "boolean or label fits",
	     c->w->who, c->stype, c->ptext, c->w->where, c->ttype, c->f->tclass);
	ASET(ar, fx->then_text, "Then add a local policy module with exactly this rule:");
	ASET(ar, fx->grant, "%s may %s %s:%s, nothing more", c->stype, c->ptext, c->ttype,
	     c->f->tclass);
	ASET(ar, fx->why,
	     "exact: opens this one access and nothing else, but it is local policy you must "
	     "keep; collect every denial of the path first (the next check may fail after this "
	     "one); module %s is named after this access, so a module for another access never "
	     "replaces it",
	     name);
	/* no heredoc: printf writes each argument as one line; the comment holds only names
	 * the policy knows, so the file has exactly this rule and nothing from the input
	 */
	text_set(comment, sizeof(comment), "; avcsnoop: %s %s %s:%s", c->stype, c->ptext, c->ttype,
		 c->f->tclass);
	text_set(file, sizeof(file), "%s.cil", name);
	cmd = fix_add_cmd(ar, fx, "printf");
	ADD_ARGS(cmd, "%s\\n", comment, rule);
	if (cmd)
		command_set_stdout(cmd, file);
	ADD_ARGS(fix_add_cmd(ar, fx, "semodule"), "-i", file);
	/* semodule names a module after its file, without the extension */
	ADD_ARGS(fix_add_undo(ar, fx, "semodule"), "-r", name);
	fx->rebuild = rebuild_text;
}

/*
 * Is the target one no service should be granted by a pasted fix: authentication data
 * (shadow_t), the policy's own security files (auditd's logs and configuration, the
 * policy), the SELinux kernel interface (security_t) or key material (*_key_t)? Decided by
 * the attributes refpolicy and the targeted policies give file types (non_auth_file_type
 * and non_security_file_type hold every file type but those; targeted adds
 * security_file_type) where the policy has them; the two names are for what no attribute
 * marks. A forged or genuine record for such a target is a sign to investigate, not to fix.
 */
static bool sensitive_target(const struct ctx *c, char *why, size_t sz)
{
	const char *t = c->ttype;
	size_t n = strlen(t);

	if (policy_type_has_attr(c->p, t, "security_file_type")) {
		text_set(why, sz, "a security file type (attribute security_file_type)");
		return true;
	}
	if (policy_type_has_attr(c->p, t, "file_type")) {
		if (policy_type_is_attr(c->p, "non_auth_file_type") &&
		    !policy_type_has_attr(c->p, t, "non_auth_file_type")) {
			text_set(why, sz,
				 "an authentication file type (not in non_auth_file_type)");
			return true;
		}
		if (policy_type_is_attr(c->p, "non_security_file_type") &&
		    !policy_type_has_attr(c->p, t, "non_security_file_type")) {
			text_set(why, sz, "a security file type (not in non_security_file_type)");
			return true;
		}
	}
	if (!strcmp(t, "security_t")) {
		text_set(why, sz, "the SELinux kernel interface (selinuxfs)");
		return true;
	}
	if (n > 6 && !strcmp(t + n - 6, "_key_t")) {
		text_set(why, sz, "key material (a *_key_t type)");
		return true;
	}
	return false;
}

static int sort_fixes_cmp(const void *x, const void *y)
{
	const struct fix *a = *(struct fix *const *)x, *b = *(struct fix *const *)y;

	if (a->rank_class != b->rank_class)
		return a->rank_class - b->rank_class;
	if (a->breadth != b->breadth)
		return a->breadth < b->breadth ? -1 : 1;
	return a->seq - b->seq;
}

/*
 * What the policy says about one access, whatever its port number, path or process: the
 * expensive part of the advice (every boolean flipped, the cost of each over the whole
 * policy, every port type and file type tried). It is computed once per (source context,
 * target context, class, permissions, the port's current label) while the booleans stay as
 * they are (policy_state), and reused by every finding of the same kind: 50,000 denied ports
 * of one type cost one analysis.
 */
struct analysis {
	char key[FINDING_KEY_LEN];
	const struct policy *p;
	unsigned long state;
	int check_ret;
	struct policy_decision d;
	struct policy_bool_effect eff[MAX_EFFECTS];
	int neff;
	struct bool_choice bools[16];
	int nbools;
	bool have_relabel;
	struct relabel_choice relabel;
	bool have_fc;
	bool fc_pid;
	char fc_type[POLICY_NAME_LEN];
};

#define ANALYSIS_CACHE 32

static struct analysis *analyses[ANALYSIS_CACHE];
static unsigned int analysis_next;

static void analysis_key(const struct ctx *c, char *key, size_t sz)
{
	struct port_label pl = { .type = "" };
	int i;

	if (c->port_perm)
		policy_port_lookup(c->p, c->proto, c->f->dport, &pl);
	text_set(key, sz, "%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f", c->f->scontext, c->f->tcontext,
		 c->f->tclass, c->port_perm ? c->port_perm : "-", pl.type);
	for (i = 0; i < c->f->nperms; i++)
		text_cat(key, sz, "%s,", c->f->perms[i]);
}

/* The analysis of c's access: cached, or computed now (NULL when out of memory). */
static const struct analysis *analyse(struct ctx *c)
{
	char key[FINDING_KEY_LEN];
	struct analysis *an;
	unsigned int i;

	analysis_key(c, key, sizeof(key));
	for (i = 0; i < ANALYSIS_CACHE; i++) {
		an = analyses[i];
		/* states are unique in the process: the pointer alone could be a reused one */
		if (an && an->p == c->p && an->state == policy_state(c->p) && !strcmp(an->key, key))
			return an;
	}
	i = analysis_next++ % ANALYSIS_CACHE;
	if (!analyses[i] && !(analyses[i] = malloc(sizeof(*an))))
		return NULL;
	an = analyses[i];
	memset(an, 0, sizeof(*an));
	an->p = c->p;
	an->state = policy_state(c->p);
	text_set(an->key, sizeof(an->key), "%s", key);
	an->check_ret = policy_check(c->p, &c->q, &an->d);
	if (an->check_ret || an->d.allowed)
		return an;
	an->neff = policy_bool_sweep(c->p, &c->q, an->eff, MAX_EFFECTS);
	an->nbools = allowing_booleans(c, &c->q, an->bools, 16);
	if (an->nbools < 0)
		an->nbools = 0;
	for (i = 0; i < (unsigned int)an->nbools; i++)
		grant_words(c, &an->bools[i], an->bools[i].grant, sizeof(an->bools[i].grant));
	if (c->port_perm)
		an->have_relabel = choose_relabel(c, an->bools, an->nbools, &an->relabel);
	if (!strcmp(c->f->tclass, "dir") || !strcmp(c->f->tclass, "sock_file"))
		an->have_fc =
			choose_fcontext_type(c, an->fc_type, sizeof(an->fc_type), &an->fc_pid);
	/* the policy's state may have moved while we flipped booleans: it did not, they are
	 * restored; what counts is the state the answers were computed in
	 */
	an->state = policy_state(c->p);
	return an;
}

static int selinux_advice(struct policy *p, const struct finding *f, const struct words *w,
			  struct advice *a)
{
	struct ctx c = { .p = p, .f = f, .a = a, .w = w };
	struct arena *ar = &a->arena;
	char tclass[FINDING_NAME_LEN * 4];
	const struct analysis *an;
	bool only_permissive;
	struct command *cmd;
	struct policy_decision d;
	char raw[POLICY_NAME_LEN];
	struct fix *fx;
	int i;

	if (!f->scontext[0] || !f->tcontext[0] || !f->tclass[0] || !f->nperms) {
		ASET(ar, a->summary, "No SELinux contexts to reason about — %s: %s.", w->who,
		     verdict_text(f->verdict));
		fx = add_fix(a, FIX_NOTE, CONFIDENCE_LOW, RANK_NOTE);
		ASET(ar, fx->then_text,
		     "Then collect the denial with its contexts: run avcsnoop trace "
		     "as root, or read the AVC record (ausearch -m avc --raw).");
		return 0;
	}
	if (context_type(f->scontext, raw, sizeof(raw)) ||
	    policy_type_primary(p, raw, c.stype, sizeof(c.stype)) ||
	    context_type(f->tcontext, raw, sizeof(raw)) ||
	    policy_type_primary(p, raw, c.ttype, sizeof(c.ttype))) {
		ASET(ar, a->summary, "Types not in the policy %s — %s: %s / %s.", policy_path(p),
		     w->who, w->scontext, w->tcontext);
		fx = add_fix(a, FIX_NOTE, CONFIDENCE_LOW, RANK_NOTE);
		ASET(ar, fx->then_text,
		     "Then ask the policy in force: run on the machine that logged "
		     "it, or pass its policy file with --policy.");
		return 0;
	}
	a->source_type = arena_strdup(ar, c.stype);
	a->target_type = arena_strdup(ar, c.ttype);
	for (i = 0; i < f->nperms; i++)
		c.perms[i] = f->perms[i];
	c.q = (struct policy_query){ f->scontext, f->tcontext, f->tclass, c.perms, f->nperms };
	perms_text(f, c.ptext, sizeof(c.ptext));
	c.name_connect = f->dport && !strcmp(f->tclass, "tcp_socket") && f->nperms == 1 &&
			 !strcmp(f->perms[0], "name_connect");
	if (f->dport && f->nperms == 1 && !policy_proto_of_class(f->tclass, &c.proto) &&
	    (!strcmp(f->perms[0], "name_connect") || !strcmp(f->perms[0], "name_bind")))
		c.port_perm = f->perms[0];

	an = analyse(&c);
	if (!an)
		return -ENOMEM;
	d = an->d;
	if (an->check_ret) {
		ASET(ar, a->summary,
		     "The policy %s cannot evaluate %s on %s (unknown class or permission) — "
		     "%s.",
		     policy_path(p), c.ptext, shown(tclass, sizeof(tclass), f->tclass), w->who);
		fx = add_fix(a, FIX_NOTE, CONFIDENCE_LOW, RANK_NOTE);
		ASET(ar, fx->then_text, "Then ask the policy in force (--policy FILE).");
		return 0;
	}
	/* only permissive attempts: nothing was stopped yet */
	only_permissive = f->permissive && !f->counts.audited && !f->counts.hidden;
	ASET(ar, a->summary, "SELinux %s %s (%s) from %s on %s (%s, %s).",
	     only_permissive ? "would prevent (permissive: it was let through)" : "is preventing",
	     w->who, c.stype, c.ptext, w->where, c.ttype, f->tclass);
	if (d.allowed) {
		fx = add_fix(a, FIX_NOTE, CONFIDENCE_MEDIUM, RANK_NOTE);
		ASET(ar, fx->if_text,
		     "If this denial is from before a change (a boolean, a label, a "
		     "module)");
		ASET(ar, fx->then_text,
		     "Then nothing is left to do: the policy in force, with its "
		     "booleans as they are now, allows it.");
		ASET(ar, fx->why, "recomputed with libsepol on %s", policy_path(p));
		return 0;
	}
	if (d.reason & ~POLICY_REASON_TE) {
		ACAT(ar, a->notes,
		     "Denied also by %s%s%s: a boolean or TE rule "
		     "alone may not be enough. ",
		     d.reason & POLICY_REASON_CONSTRAINT ? "a constraint " : "",
		     d.reason & POLICY_REASON_RBAC ? "RBAC " : "",
		     d.reason & POLICY_REASON_BOUNDS ? "type bounds" : "");
	}

	/* dontaudit: what the policy says now, and which booleans hide or reveal it */
	if (f->hidden || f->verdict == VERDICT_SELINUX_HIDDEN || d.dontaudit) {
		fx = add_fix(a, FIX_HIDDEN_NOTE, CONFIDENCE_HIGH, RANK_NOTE);
		ASET(ar, fx->if_text, "If you are looking for this denial in the audit log");
		ASET(ar, fx->then_text,
		     "Then know that a dontaudit rule hides it: the audit log will "
		     "stay silent (no AVC record), and audit2why/sealert cannot "
		     "see it.");
		ASET(ar, fx->why, "%s",
		     d.dontaudit ? "the policy in force has no auditdeny bit for it"
				 : "no AVC record was seen for this denial");
		for (i = 0; i < an->neff; i++)
			if (an->eff[i].reveals)
				ACAT(ar, fx->why,
				     "; the dontaudit rule depends on "
				     "boolean %s=%d",
				     an->eff[i].name, an->eff[i].value ? 0 : 1);
		cmd = fix_add_cmd(ar, fx, "semodule");
		ADD_ARGS(cmd, "-DB");
		if (cmd)
			command_set_note(cmd, "show dontaudit'd denials while you debug");
		cmd = fix_add_cmd(ar, fx, "semodule");
		ADD_ARGS(cmd, "-B");
		if (cmd)
			command_set_note(cmd, "hide them again");
	} else {
		for (i = 0; i < an->neff; i++)
			if (an->eff[i].hides)
				ACAT(ar, a->notes,
				     "Setting %s=%d would hide this denial (dontaudit) without "
				     "allowing it. ",
				     an->eff[i].name, an->eff[i].value);
	}
	if (f->permissive)
		ACAT(ar, a->notes,
		     "%s succeeded only because SELinux or the domain "
		     "is permissive; in enforcing mode it fails. ",
		     only_permissive ? "It" : "Some attempts");

	if (sensitive_target(&c, raw, sizeof(raw))) {
		/* no boolean, relabel or module: each would hand the target to the source */
		ACAT(ar, a->notes, "WARNING: %s is %s: no fix is offered. ", c.ttype, raw);
		fx = add_fix(a, FIX_NOTE, CONFIDENCE_HIGH, RANK_NOTE);
		ASET(ar, fx->if_text, "If %s (%s) was denied %s on %s (%s)", w->who, c.stype,
		     c.ptext, c.ttype, raw);
		ASET(ar, fx->then_text,
		     "Then investigate before changing any policy: a service "
		     "reaching for it is a sign of compromise, a misconfiguration, "
		     "or a forged log line; allowing it gives %s %s on %s.",
		     c.stype, c.ptext, c.ttype);
		ASET(ar, fx->why, "the target is %s", raw);
		return 0;
	}
	for (i = 0; i < an->nbools; i++)
		add_boolean_fix(&c, &an->bools[i], i, an->nbools);
	if (an->have_relabel)
		port_relabel(&c, &an->relabel);
	if (an->have_fc)
		fcontext_relabel(&c, an->fc_type, an->fc_pid);
	local_module(&c);
	return 0;
}

/* The path --verify probes for a file-class finding's current label: the directory that
 * was denied for a traced unix socket, else the path itself; "" when there is none.
 */
static void verify_probe_path(const struct finding *f, char *out, size_t sz)
{
	out[0] = '\0';
	if (f->path[0] != '/' || !finding_is_file_class(f->tclass))
		return;
	if (!strcmp(f->tclass, "dir") && f->origin != ORIGIN_AUDIT && f->family == AVC_AF_UNIX)
		finding_fix_dir(f, out, sz);
	else
		text_set(out, sz, "%s", f->path);
}

/* `avcsnoop recommend --verify` with the access on its command line: the same check
 * recommend_verify() makes, runnable after a fix without the input the advice came from.
 */
static void verify_command(struct policy *p, const struct finding *f, struct advice *a)
{
	char probe[FINDING_CTX_LEN];
	struct command *cmd = &a->verify;
	int i;

	if (!p || !f->scontext[0] || !f->tcontext[0] || !f->tclass[0] || !f->nperms)
		return;
	command_init(cmd, &a->arena, "avcsnoop");
	ADD_ARGS(cmd, "recommend", "--verify");
	if (!policy_is_live(p))
		ADD_ARGS(cmd, "--policy", policy_path(p));
	ADD_ARGS(cmd, "--scontext", f->scontext, "--tcontext", f->tcontext, "--tclass", f->tclass);
	for (i = 0; i < f->nperms; i++)
		ADD_ARGS(cmd, "--perm", f->perms[i]);
	if (f->dport)
		command_argf(cmd, "--port=%u", f->dport);
	verify_probe_path(f, probe, sizeof(probe));
	if (probe[0])
		ADD_ARGS(cmd, "--path", probe);
	a->has_verify = !cmd->overflow;
}

/* An advice that did not fit its arena: refused whole, said in its summary. */
static void refuse(struct advice *a)
{
	advice_start(a);
	a->summary = arena_printf(&a->arena,
				  "No advice: it did not fit in %zu bytes, and a cut one is never "
				  "given (a bug: please report it).",
				  a->arena.cap);
	a->refused = true;
}

void advice_start(struct advice *a)
{
	struct arena ar = a->arena;

	/* the arena's blocks are kept for the next advice: one result at a time */
	arena_reset(&ar);
	if (!ar.cap)
		ar.cap = ADVICE_ARENA_CAP;
	memset(a, 0, sizeof(*a));
	a->arena = ar;
	a->summary = a->notes = a->source_type = a->target_type = a->policy = "";
}

int recommend(struct policy *p, const struct finding *f, struct advice *a)
{
	struct words *w = malloc(sizeof(*w));
	int ret = 0;

	advice_start(a);
	if (!w)
		return -ENOMEM;
	words_init(w, f);
	if (p)
		a->policy = arena_strdup(&a->arena, policy_path(p));
	if (!verdict_is_selinux(f->verdict) && !f->hidden && !f->permissive) {
		not_selinux(f, w, a);
	} else if (!p) {
		a->summary =
			arena_printf(&a->arena, "No policy loaded to reason about it — %s: %s.",
				     w->who, verdict_text(f->verdict));
		ret = -ENOENT;
	} else {
		ret = selinux_advice(p, f, w, a);
	}
	free(w);
	if (!ret && a->nfixes)
		verify_command(p, f, a);
	/* a command or text that did not fit: no part of this advice is given */
	if (a->arena.overflow) {
		refuse(a);
		return -ENOSPC;
	}
	/* stable: notes keep their order, fixes by class then breadth */
	qsort(a->fixes, (size_t)a->nfixes, sizeof(a->fixes[0]), sort_fixes_cmp);
	return ret;
}

void advice_free(struct advice *a)
{
	arena_release(&a->arena);
	memset(a, 0, sizeof(*a));
}

/* ---- for tighten: the same judgement of a boolean, asked from outside ---- */

bool recommend_bool_is_broad(struct policy *p, const char *stype, const char *boolean)
{
	struct ctx c = { .p = p, .name_connect = true };
	struct bool_choice b;
	int cur = policy_bool_get(p, boolean);
	bool broad;

	if (cur < 0)
		return false;
	memset(&b, 0, sizeof(b));
	text_set(c.stype, sizeof(c.stype), "%s", stype);
	text_set(b.e.name, sizeof(b.e.name), "%s", boolean);
	b.e.value = true;
	/* judged as the fix "turn it on" is judged: from off, every other boolean as it is */
	if (cur)
		policy_bool_set(p, boolean, false);
	if (policy_bool_cost(p, boolean, true, stype, &b.cost))
		memset(&b.cost, 0, sizeof(b.cost));
	b.catchall = opens_every_port(&c, &b);
	broad = bool_is_broad(&b);
	if (cur)
		policy_bool_set(p, boolean, true);
	return broad;
}

/* ---- --verify ---- */

/* The port was relabelled since the finding (its type then: the finding's target): which
 * domains lost a permission by it.
 */
static void verify_relabel_losses(struct policy *p, const struct finding *f, const char *now,
				  struct verify_result *v)
{
	char was[POLICY_NAME_LEN], prim[POLICY_NAME_LEN];
	struct policy_relabel_cost rc;
	struct arena words = { 0 };
	const char *text;

	if (context_type(f->tcontext, was, sizeof(was)) ||
	    policy_type_primary(p, was, prim, sizeof(prim)) || !strcmp(prim, now))
		return;
	if (policy_port_type_change_cost(p, PROTO_TCP, prim, now, &rc) || !rc.domains_losing)
		return;
	breaks_fill(v->breaks, &v->nbreaks, &v->nbreaks_total, &rc);
	text_set(v->breaks_from, sizeof(v->breaks_from), "%s", prim);
	loss_words(&words, &text, &rc, PROTO_TCP, f->dport);
	text_set(v->breaks_text, sizeof(v->breaks_text), "%s", text);
	arena_release(&words);
}

int recommend_verify(struct policy *p, const struct finding *f, struct verify_result *v)
{
	const char *perms[FINDING_MAX_PERMS];
	struct policy_decision d;
	struct policy_query q;
	char target[256] = "";
	int i, ret;

	memset(v, 0, sizeof(*v));
	if (!verdict_is_selinux(f->verdict) && !f->hidden && !f->permissive) {
		TSET(v->note, "not an SELinux finding (%s): nothing to recompute",
		     verdict_name(f->verdict));
		return 0;
	}
	if (!f->scontext[0] || !f->tclass[0] || !f->nperms) {
		TSET(v->note, "no contexts in the finding");
		return 0;
	}
	text_set(target, sizeof(target), "%s", f->tcontext);
	if (f->dport && !strncmp(f->tclass, "tcp_", 4)) {
		struct port_label pl;

		/* the port's label as the policy gives it now: an applied relabel counts */
		if (!policy_port_lookup(p, PROTO_TCP, f->dport, &pl)) {
			text_set(target, sizeof(target), "%s", pl.type);
			verify_relabel_losses(p, f, pl.type, v);
		}
	} else if (f->path[0] == '/' && finding_is_file_class(f->tclass) &&
		   is_selinux_enabled() > 0) {
		/* a relabel changes files only: unix_stream_socket connectto is checked against
		 * the peer process's socket label, which keeps the finding's tcontext
		 */
		char *con = NULL;
		char probe[FINDING_CTX_LEN];

		/* a traced directory denial: the directory that was denied (by its inode), or
		 * the socket's parent when it was not found
		 */
		verify_probe_path(f, probe, sizeof(probe));
		if (probe[0] && getfilecon(probe, &con) >= 0) {
			text_set(target, sizeof(target), "%s", con);
			freecon(con);
		}
	}
	for (i = 0; i < f->nperms; i++)
		perms[i] = f->perms[i];
	q = (struct policy_query){ f->scontext, target, f->tclass, perms, f->nperms };
	ret = policy_check(p, &q, &d);
	text_set(v->target, sizeof(v->target), "%s", target);
	if (ret) {
		TSET(v->note, "the policy cannot evaluate it (%s)", strerror(-ret));
		return 0;
	}
	v->checked = true;
	v->allowed = d.allowed;
	v->dontaudit = d.dontaudit;
	TSET(v->note, "%s",
	     d.allowed	   ? "would now be allowed"
	     : d.dontaudit ? "still denied, and hidden by dontaudit"
			   : "still denied");
	if (!d.allowed)
		text_cat(v->note, sizeof(v->note), " (%s)", d.denied_perms);
	return 0;
}
