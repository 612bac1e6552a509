/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Tighten: the recommender run backwards. From the accesses a domain was seen to make (allowed
 * findings of trace/watch --export --allowed) and those its configuration predicts
 * (preflight), and the policy in force: which policy elements grant each access now, which
 * broad grants (a catch-all boolean such as httpd_can_network_connect, another service's
 * boolean such as nis_enabled) can be taken back, and the changes that keep every access
 * allowed without them. Each replacement is recommend()'s own first fix for the access with
 * the broad grants turned off in memory, so tighten ranks exactly as recommend does; the
 * plan is then proved on the policy with every change applied in memory (booleans set, the
 * relabelled ports looked up under their new type, a local module's exact rule), and
 * refused, naming the access, when one would break.
 */
#ifndef AVC_TIGHTEN_H
#define AVC_TIGHTEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "finding_set.h"
#include "json.h"
#include "policy.h"
#include "recommend.h"

#define TIGHTEN_EXIT_PLAN    3 /* a plan to apply */
#define TIGHTEN_EXIT_REFUSED 4 /* broad grants found, but no plan keeps every access */

#define TIGHTEN_MAX_GRANTS   6
#define TIGHTEN_MAX_REMOVALS 8
#define TIGHTEN_MAX_STEPS    32
#define TIGHTEN_MAX_PROCS    8

/* What grants an access now. */
enum tighten_grant_kind {
	GRANT_BOOLEAN, /* a boolean's conditional rules: turned off alone, the access is denied */
	GRANT_LOCAL_PORT, /* the port's label is a local (semanage port) one */
	GRANT_RULES,	  /* unconditional rules: the base policy or a module */
};

struct tighten_grant {
	enum tighten_grant_kind kind;
	char name[POLICY_NAME_LEN]; /* the boolean, or the local port type */
};

struct tighten_access {
	const struct finding *f; /* the first finding of this access (observed, else predicted) */
	char stype[POLICY_NAME_LEN], ttype[POLICY_NAME_LEN]; /* primary names */
	char target[256]; /* the target asked: the port's label now, or the tcontext */
	bool port;	  /* name_connect/name_bind on a port: its label decides */
	enum policy_proto proto;
	bool observed, predicted;
	uint64_t count; /* observed attempts */
	double first_seen, last_seen;
	struct tighten_grant grants[TIGHTEN_MAX_GRANTS];
	int ngrants;
	int step;  /* the plan's step that keeps it, -1: it needs none */
	bool kept; /* the proof: allowed with the whole plan applied */
	char proof[FIX_TEXT_LEN];
};

/* A broad boolean the plan turns off, and what that takes back (measured, policy_bool_cost) */
struct tighten_removal {
	char boolean[POLICY_NAME_LEN];
	char stype[POLICY_NAME_LEN]; /* the domain it was judged broad for */
	unsigned long closes_source; /* permissions revoked from stype */
	unsigned long closes;	     /* ... from every domain */
	unsigned long domains;	     /* domains losing at least one */
	struct fix fix;		     /* setsebool -P NAME 0 */
};

struct tighten_step {
	struct fix fix; /* recommend()'s fix, as it gave it */
	int access;	/* the access it was chosen for */
};

enum tighten_outcome { TIGHTEN_NOTHING = 0, TIGHTEN_PLAN, TIGHTEN_REFUSED };

struct tighten_result {
	struct arena arena; /* the texts and commands of its fixes (steps, removals, catch-all) */
	enum tighten_outcome outcome;
	char policy[512];
	struct tighten_access *acc;
	size_t nacc;
	/* findings not taken: no SELinux names (no SELinux where they were seen), denied now,
	 * failures (recommend's business), accesses beyond the bound
	 */
	size_t no_names, denied_now, failures, overflow;
	struct tighten_removal removals[TIGHTEN_MAX_REMOVALS];
	int nremovals;
	struct tighten_step steps[TIGHTEN_MAX_STEPS];
	int nsteps;
	int broken;    /* accesses the plan would break */
	int unfixable; /* accesses no acceptable fix keeps (also broken) */
	unsigned long
		closes_source; /* sum over the removals, each measured after the ones before */
	char summary[FIX_TEXT_LEN * 2];
	/* coverage */
	size_t nobserved, npredicted;
	uint64_t attempts;
	double first_seen, last_seen;
	char procs[TIGHTEN_MAX_PROCS][FINDING_NAME_LEN];
	int nprocs;
	bool procs_more;
	char predicted_from[256];	      /* the configuration (raw), "" when none */
	char unconditional[FIX_TEXT_LEN];     /* a catch-all no boolean takes back, "" if none */
	char catchall_stype[POLICY_NAME_LEN]; /* its source: the plan replaces it, "" if none */
	struct fix catchall;		      /* the last step: remove it by hand */
};

#define TIGHTEN_MAX_ACCESSES 1024

/*
 * The plan for the allowed accesses of observed (trace/watch --export --allowed) and predicted
 * (preflight_predict) on p. p's booleans are changed while it works and restored before it
 * returns. *out is allocated (tighten_free). 0 or -errno.
 */
int tighten(struct policy *p, const struct finding_set *observed,
	    const struct finding_set *predicted, struct tighten_result **out);
void tighten_free(struct tighten_result *r);
/* Summary first, then what grants each access, then If/Then/Do per step, the proof, the
 * coverage.
 */
void tighten_print_text(FILE *out, const struct tighten_result *r);
/* One JSON object: {"type":"tighten","outcome":...,"summary":...,"accesses":[...],
 * "steps":[{..."argv":[...]}],"removals":[...],"proof":{...},"coverage":{...}}
 */
void tighten_write_json(struct json *j, const struct tighten_result *r);
/* The exit status of an outcome: 0, TIGHTEN_EXIT_PLAN or TIGHTEN_EXIT_REFUSED. */
int tighten_exit_status(const struct tighten_result *r);

#endif
