/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The fix recommender: a finding plus the policy in force give ranked fixes, each with exact
 * shell commands, what it grants in plain words, why it ranks where it does, and a
 * confidence. Every fact comes from the policy (user/policy.h), never from a table.
 *
 * Ranking (lowest first): notes (hidden denial, not SELinux, already allowed); targeted
 * booleans, narrowest first (fewest newly granted permissions, measured); a relabel (port or
 * file context) with whatever boolean it still needs; catch-all booleans (those that open
 * every port type to the source); an exact local module; another service's broad boolean
 * (one that reaches many other domains or switches dontaudit rules); last, a relabel that
 * takes a permission away from another domain (a breaking change, its losers named). Never
 * setenforce 0, never a permissive domain.
 */
#ifndef AVC_RECOMMEND_H
#define AVC_RECOMMEND_H

#include <stdbool.h>
#include <stdio.h>

#include "command.h"
#include "finding.h"
#include "json.h"
#include "policy.h"
#include "policy_relabel.h"

enum fix_kind {
	FIX_NOT_SELINUX,  /* diagnosis only: refused, another LSM, cgroup, timeout, error */
	FIX_HIDDEN_NOTE,  /* a dontaudit rule hides the denial: the audit log stays silent */
	FIX_NOTE,	  /* information (already allowed, unknown types, ...) */
	FIX_BOOLEAN,	  /* setsebool -P NAME 1 */
	FIX_PORT_RELABEL, /* semanage port -a|-m (+ the boolean it still needs) */
	FIX_FCONTEXT,	  /* semanage fcontext + restorecon */
	FIX_MODULE,	  /* a local policy module: the last resort */
};

enum fix_confidence { CONFIDENCE_LOW, CONFIDENCE_MEDIUM, CONFIDENCE_HIGH };

#define FIX_MAX_CMDS	 4
#define FIX_TEXT_LEN	 640 /* the fixed texts of --verify and tighten (not of an advice) */
#define ADVICE_MAX_FIXES 12
#define FIX_MAX_BREAKS	 POLICY_RELABEL_MAX_LOSERS
/* An advice's arena: far more than any advice takes (a few KiB); past it the advice is
 * refused whole (recommend returns -ENOSPC), never cut.
 */
#define ADVICE_ARENA_CAP (256 * 1024)

/* A domain a fix takes permissions away from. */
struct fix_break {
	char domain[POLICY_NAME_LEN];
	const char *perms[2]; /* "name_bind", "name_connect" (static strings) */
	int nperms;
};

/* Texts (if/then/grant/why, summary, notes) are built by the engine with every untrusted
 * value (comm, path, address, contexts read from a file) escaped as it is inserted: they
 * hold no control byte and no byte >= 0x80 from the input, and are printed as written.
 * Every text and command lives in the arena of the result that holds the fix (an advice, a
 * tighten plan); a text is never NULL ("" when there is none).
 */
struct fix {
	enum fix_kind kind;
	enum fix_confidence confidence;
	const char *if_text;   /* "If you want httpd_t to connect to port 3000 ..." */
	const char *then_text; /* "Then enable the 'httpd_can_network_relay' boolean." */
	const char *grant;     /* "httpd_t may connect to every TCP port" */
	const char *why;       /* why it ranks here */
	struct command *cmds[FIX_MAX_CMDS]; /* argv lists: quoted only when printed */
	int ncmds;
	/* the exact reverse of cmds, in the order to run them (a note has none) */
	struct command *undo[FIX_MAX_CMDS];
	int nundo;
	const char *rebuild; /* program text: how long applying takes when it is long, or NULL */
	/* machine-readable details ("" / 0 when not relevant) */
	const char *boolean; /* the boolean to set (also for a relabel's companion) */
	bool bool_value;
	const char *type;	  /* the new label of a relabel */
	const char *alternatives; /* other booleans that would do as well */
	unsigned long breadth;	  /* newly granted permissions, measured */
	/* what the fix takes from other domains: the first nbreaks (at most FIX_MAX_BREAKS) of
	 * nbreaks_total, and the same in words ("redis_t could no longer name_bind tcp/6379: ...")
	 */
	const struct fix_break *breaks;
	int nbreaks;
	unsigned long nbreaks_total;
	const char *breaks_text;
	int rank_class; /* internal ordering class (see the header) */
	int seq;	/* the order it was found in: ties of the ranking keep it */
};

/* A fix with no text, command or detail, its texts "". */
void fix_init(struct fix *fx);
/* A new command of fx (cmds or its undo list), started with its program, in ar; NULL when fx
 * has FIX_MAX_CMDS already or ar is full (then ar->overflow).
 */
struct command *fix_add_cmd(struct arena *ar, struct fix *fx, const char *prog);
struct command *fix_add_undo(struct arena *ar, struct fix *fx, const char *prog);
/* src with every text and command copied into ar: a fix that outlives src's result.
 * 0 or -ENOSPC (ar->overflow).
 */
int fix_copy(struct arena *ar, struct fix *dst, const struct fix *src);

/*
 * The advice for one finding. Everything variable (texts, fixes, commands) is in its arena:
 * recommend() starts it afresh, advice_free() gives it back. A zeroed struct advice is an
 * empty one.
 */
struct advice {
	struct arena arena;
	const char *summary;	 /* "SELinux is preventing nginx (httpd_t) from ..." */
	const char *notes;	 /* extra facts (e.g. a boolean that would hide it) */
	const char *source_type; /* "" when the types are unknown */
	const char *target_type;
	const char *policy;	    /* the policy file asked, "" when none */
	unsigned long policy_seqno; /* SELinux's policyload number it was computed on (0: not
				     * followed); set by the caller */
	/* the check that says whether a fix worked: `avcsnoop recommend --verify` on this
	 * finding's access, given whole on its command line (every fix of the advice shares it)
	 */
	struct command verify;
	bool has_verify;
	struct fix *fixes[ADVICE_MAX_FIXES]; /* in the arena, best first */
	int nfixes;
	bool refused;	  /* it did not fit in its arena: the summary says so, no fix */
	struct fix spill; /* what the engine fills when the arena is full: thrown away */
};

/*
 * Fill *a for finding f (its previous contents given back first; *a zeroed or from an
 * earlier call). p may be NULL for non-SELinux verdicts. Returns 0 or -errno; -ENOSPC: the
 * advice did not fit its arena and is refused whole (a->refused, a summary and no fix).
 */
/* Fill *a for finding f. p may be NULL for non-SELinux verdicts. Returns 0 or -errno. */
int recommend(struct policy *p, const struct finding *f, struct advice *a);
/* An advice with nothing in it (texts "", no fix), its arena reset for reuse: what
 * recommend() starts from. *a zeroed or from an earlier call.
 */
void advice_start(struct advice *a);
/* Give back what an advice holds: a zeroed, empty advice again. */
void advice_free(struct advice *a);
const char *fix_kind_name(enum fix_kind k);
const char *fix_confidence_name(enum fix_confidence c);

/* --verify: recompute the finding's access against the policy as it is now. The target is
 * re-derived where possible (the port's current label, the path's current file label), so
 * an applied relabel counts.
 */
struct verify_result {
	bool checked;	  /* false: not an SELinux finding, or not decidable (see note) */
	bool allowed;	  /* would now be allowed */
	bool dontaudit;	  /* still denied and hidden */
	char target[256]; /* the target context or type used */
	char note[FIX_TEXT_LEN];
	/* a port relabelled since the finding: the domains that lost a permission by it */
	struct fix_break breaks[FIX_MAX_BREAKS];
	int nbreaks;
	unsigned long nbreaks_total;
	char breaks_from[POLICY_NAME_LEN]; /* the port's type then */
	char breaks_text[FIX_TEXT_LEN];
};
int recommend_verify(struct policy *p, const struct finding *f, struct verify_result *v);

/* Whether recommend ranks turning boolean on as a broad fix for stype (catch-all: every
 * port type; or reaching well beyond stype; or switching dontaudit rules), judged from off
 * whatever its current value (restored). For tighten: the booleans it takes back.
 */
bool recommend_bool_is_broad(struct policy *p, const char *stype, const char *boolean);

#endif
