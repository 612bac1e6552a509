// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* `avcsnoop preflight`: nginx's configuration in, the verdict of every socket it asks for out. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <selinux/label.h>
#include <selinux/selinux.h>

#include "advice_out.h"
#include "escape.h"
#include "finding_set.h"
#include "json.h"
#include "log.h"
#include "nginx_conf.h"
#include "policy.h"
#include "preflight.h"
#include "recommend.h"
#include "util.h"
#include "verdict.h"

#define MAX_ADDRS  16 /* addresses of one host name */
#define MAX_CHECKS 40 /* accesses of one (directive, address): a deep unix path */

/*
 * A row's verdict is trace's (enum avc_verdict, user/verdict.h): what trace will say when the
 * prediction comes true; VERDICT_UNKNOWN when the policy cannot tell. The decisive access of a
 * row is its worst: allowed < unknown < permissive < hidden < denied.
 */
static int pf_rank(enum avc_verdict v)
{
	switch (v) {
	case VERDICT_ALLOWED:
		return 0;
	case VERDICT_SELINUX_PERMISSIVE:
		return 2;
	case VERDICT_SELINUX_HIDDEN:
		return 3;
	case VERDICT_SELINUX_DENIED:
		return 4;
	default:
		return 1; /* unknown */
	}
}

/* true when a row of verdict v would be (or could be, if permissive) denied */
static bool pf_denied(enum avc_verdict v)
{
	return pf_rank(v) >= pf_rank(VERDICT_SELINUX_PERMISSIVE);
}

/* What nginx's process is, and how it was decided. */
struct domain {
	char type[POLICY_NAME_LEN];
	char context[POLICY_NAME_LEN + 32];
	char why[1024];
	bool enforcing; /* false: SELinux is permissive on this host */
	bool permissive_domain;
};

/* One (directive, address) and the accesses it needs. */
struct row {
	const struct ngx_endpoint *e;
	int family; /* AF_INET, AF_INET6, AF_UNIX, 0 (runtime) */
	char addr[INET6_ADDRSTRLEN];
	char dest[NGX_PATH_LEN + 8];  /* "127.0.0.1:8080", "[::1]:80", "/run/x.sock" (raw) */
	char target[POLICY_NAME_LEN]; /* the type the decisive access is on */
	char perms[256];	      /* "name_connect", "search write connectto" ... */
	enum avc_verdict verdict;
	char why[512]; /* unknown: why; denied: which access */
	long finding;  /* index in the finding set of the first denied access, or -1 */
};

struct pf {
	const struct preflight_opts *o;
	struct policy *pol;
	struct domain dom;
	struct selabel_handle *labels; /* file_contexts, or NULL */
	struct finding_set set;
	struct row *rows;
	size_t nrows, caprows;
	unsigned int local_low, local_high; /* ip_local_port_range: no name_bind check inside */
	bool keep_allowed; /* preflight_predict: allowed accesses are findings too */
};

/* ---- the domain ---- */

/* The file_contexts that belongs to a policy file: <root>/policy/policy.N ->
 * <root>/contexts/files/file_contexts (the layout of /etc/selinux/<type>).
 */
static void fc_for_policy(const char *policy, char *out, size_t outsz)
{
	char dir[1024];
	char *slash;

	out[0] = '\0';
	snprintf(dir, sizeof(dir), "%s", policy);
	slash = strrchr(dir, '/');
	if (!slash)
		return;
	*slash = '\0';
	slash = strrchr(dir, '/');
	if (!slash || strcmp(slash, "/policy"))
		return;
	*slash = '\0';
	text_set(out, outsz, "%s/contexts/files/file_contexts", dir);
	if (access(out, R_OK))
		out[0] = '\0';
}

static int open_labels(struct pf *pf, char *fc, size_t fcsz)
{
	struct selinux_opt opt = { SELABEL_OPT_PATH, NULL };

	fc[0] = '\0';
	if (pf->o->file_contexts)
		snprintf(fc, fcsz, "%s", pf->o->file_contexts);
	else if (pf->o->policy)
		fc_for_policy(pf->o->policy, fc, fcsz);
	else if (is_selinux_enabled() > 0 && selinux_file_context_path())
		snprintf(fc, fcsz, "%s", selinux_file_context_path());
	if (!fc[0])
		return -ENOENT;
	opt.value = fc;
	pf->labels = selabel_open(SELABEL_CTX_FILE, &opt, 1);
	return pf->labels ? 0 : -errno;
}

static int decide_domain(struct pf *pf)
{
	static const char *const managers[] = { "init_t", "initrc_t" };
	struct domain *d = &pf->dom;
	char fc[1024], efc[2048], exec_type[POLICY_NAME_LEN] = "", primary[POLICY_NAME_LEN];
	char *con = NULL;
	size_t i;

	d->enforcing = !policy_is_live(pf->pol) || security_getenforce() != 0;
	if (open_labels(pf, fc, sizeof(fc)) < 0)
		fc[0] = '\0';
	escape_str(efc, sizeof(efc), fc, ESC_TEXT);
	if (pf->o->domain) {
		snprintf(d->type, sizeof(d->type), "%s", pf->o->domain);
		text_set(d->why, sizeof(d->why), "given with --domain");
	} else if (!pf->labels) {
		snprintf(d->type, sizeof(d->type), "httpd_t");
		text_set(d->why, sizeof(d->why),
			 "assumed: no file_contexts for this policy to label " PREFLIGHT_NGINX_BIN
			 " with (use --domain or --file-contexts)");
	} else if (selabel_lookup(pf->labels, &con, PREFLIGHT_NGINX_BIN, S_IFREG) < 0 ||
		   context_type(con, exec_type, sizeof(exec_type))) {
		snprintf(d->type, sizeof(d->type), "httpd_t");
		text_set(d->why, sizeof(d->why),
			 "assumed: %s gives no label for " PREFLIGHT_NGINX_BIN " (use --domain)",
			 efc);
	} else {
		for (i = 0; i < sizeof(managers) / sizeof(managers[0]); i++) {
			char to[POLICY_NAME_LEN];

			if (policy_exec_transition(pf->pol, managers[i], exec_type, to,
						   sizeof(to)) ||
			    !strcmp(to, managers[i]))
				continue;
			snprintf(d->type, sizeof(d->type), "%s", to);
			text_set(d->why, sizeof(d->why),
				 "from the policy: " PREFLIGHT_NGINX_BIN " is %s by %s, and %s "
				 "executing it becomes %s (type_transition)",
				 exec_type, efc, managers[i], to);
			break;
		}
		if (!d->type[0]) {
			snprintf(d->type, sizeof(d->type), "httpd_t");
			text_set(d->why, sizeof(d->why),
				 "assumed: " PREFLIGHT_NGINX_BIN " is %s by %s, but no "
				 "type_transition from init_t or initrc_t on it (use --domain)",
				 exec_type, efc);
		}
	}
	freecon(con);
	if (policy_type_primary(pf->pol, d->type, primary, sizeof(primary))) {
		char et[POLICY_NAME_LEN * 4];

		escape_str(et, sizeof(et), d->type, ESC_TEXT);
		p_err("domain %s is not a type of the policy %s", et, policy_path(pf->pol));
		return -ENOENT;
	}
	snprintf(d->context, sizeof(d->context), "system_u:system_r:%s:s0", d->type);
	d->permissive_domain = policy_type_permissive(pf->pol, d->type);
	return 0;
}

/* ---- one access ---- */

struct access {
	const char *tclass;
	const char *perm;
	char target[POLICY_NAME_LEN + 64]; /* a type or a context */
	const char *object;		   /* the directory a dir access is about */
};

static struct finding base_finding(const struct pf *pf, const struct row *r)
{
	struct finding f;

	memset(&f, 0, sizeof(f));
	snprintf(f.comm, sizeof(f.comm), "nginx");
	snprintf(f.scontext, sizeof(f.scontext), "%s", pf->dom.context);
	f.count = 1;
	f.predicted = true;
	f.op = r->e->listen ? AVC_OP_BIND : AVC_OP_CONNECT;
	if (r->family == AF_INET || r->family == AF_INET6) {
		f.family = r->family == AF_INET ? AVC_AF_INET : AVC_AF_INET6;
		snprintf(f.daddr, sizeof(f.daddr), "%s", r->addr);
		f.dport = (uint16_t)r->e->port;
	} else if (r->family == AF_UNIX) {
		f.family = AVC_AF_UNIX;
		text_set(f.path, sizeof(f.path), "%s", r->e->path);
	}
	return f;
}

/* The row's permissions, each once (a path walk searches several directories). */
static void perms_add(struct row *r, const char *perm)
{
	size_t n = strlen(perm);
	const char *at;

	for (at = strstr(r->perms, perm); at; at = strstr(at + 1, perm))
		if ((at == r->perms || at[-1] == ' ') && (at[n] == ' ' || !at[n]))
			return;
	text_cat(r->perms, sizeof(r->perms), "%s%s", r->perms[0] ? " " : "", perm);
}

/* Check one access; a denied one becomes a finding of the set. */
static int check(struct pf *pf, struct row *r, const struct access *a)
{
	const char *perms[1] = { a->perm };
	struct policy_query q = { pf->dom.context, a->target, a->tclass, perms, 1 };
	struct policy_decision d;
	struct refined_verdict rv;
	struct finding f, *where = NULL;
	int ret;

	perms_add(r, a->perm);
	ret = policy_check(pf->pol, &q, &d);
	if (ret) {
		if (pf_rank(r->verdict) < pf_rank(VERDICT_UNKNOWN)) {
			r->verdict = VERDICT_UNKNOWN;
			snprintf(r->why, sizeof(r->why),
				 "the policy cannot evaluate %s %s on %s (%s)", a->tclass, a->perm,
				 a->target, strerror(-ret));
		}
		return 0;
	}
	if (d.allowed && !pf->keep_allowed)
		return 0;
	f = base_finding(pf, r);
	snprintf(f.tcontext, sizeof(f.tcontext), "%s", a->target);
	snprintf(f.tclass, sizeof(f.tclass), "%s", a->tclass);
	snprintf(f.perms[0], sizeof(f.perms[0]), "%s", a->perm);
	f.nperms = 1;
	if (a->object)
		snprintf(f.object, sizeof(f.object), "%s", a->object);
	if (d.allowed) {
		/* for tighten: what the configuration needs that the policy allows now */
		f.verdict = VERDICT_ALLOWED;
		ret = finding_set_add(&pf->set, &f, NULL);
		return ret == -ENOMEM ? ret : 0;
	}
	rv = verdict_predict_denial(!pf->dom.enforcing || pf->dom.permissive_domain, d.dontaudit);
	f.verdict = rv.verdict;
	f.err = rv.verdict == VERDICT_SELINUX_PERMISSIVE ? 0 : EACCES;
	f.hidden_by = rv.hidden_by;
	finding_derive_hidden(&f);
	ret = finding_set_add(&pf->set, &f, &where);
	if (ret == -ENOMEM)
		return ret;
	if (pf_rank(rv.verdict) > pf_rank(r->verdict) || r->finding < 0) {
		if (pf_rank(rv.verdict) > pf_rank(r->verdict) || r->verdict == VERDICT_ALLOWED) {
			char et[POLICY_NAME_LEN];

			r->verdict = rv.verdict;
			if (context_type(a->target, et, sizeof(et)))
				text_set(et, sizeof(et), "%s", a->target);
			snprintf(r->target, sizeof(r->target), "%s", et);
			snprintf(r->why, sizeof(r->why), "%s %s on %s", a->tclass, a->perm, et);
		}
		if (where && r->finding < 0)
			r->finding = (long)(where - pf->set.v);
	}
	return 0;
}

/* The object context of a bare type, as a port's or file's label would read. */
static void object_ctx(char *out, size_t sz, const char *type)
{
	snprintf(out, sz, "system_u:object_r:%s:s0", type);
}

/* ---- tcp/udp ---- */

static void check_inet(struct pf *pf, struct row *r, const void *bytes)
{
	const struct ngx_endpoint *e = r->e;
	const char *sclass = e->udp ? "udp_socket" : "tcp_socket";
	struct port_label pl;
	struct access a = { .tclass = sclass };

	if (policy_port_lookup(pf->pol, e->udp ? PROTO_UDP : PROTO_TCP, e->port, &pl)) {
		r->verdict = VERDICT_UNKNOWN;
		snprintf(r->why, sizeof(r->why), "the policy labels no %s port %u",
			 e->udp ? "udp" : "tcp", e->port);
		return;
	}
	snprintf(r->target, sizeof(r->target), "%s", pl.type);
	text_set(a.target, sizeof(a.target), "%s", pl.context[0] ? pl.context : pl.type);
	if (!e->listen) {
		a.perm = "name_connect";
		check(pf, r, &a);
		return;
	}
	/* the kernel checks name_bind only outside ip_local_port_range (and below 1024) */
	if (e->port < 1024 || e->port < pf->local_low || e->port > pf->local_high) {
		a.perm = "name_bind";
		check(pf, r, &a);
	} else {
		text_cat(r->why, sizeof(r->why),
			 "port %u is in ip_local_port_range %u-%u: the kernel "
			 "does not check name_bind; ",
			 e->port, pf->local_low, pf->local_high);
	}
	{
		char node[POLICY_NAME_LEN];

		if (policy_node_lookup(pf->pol, r->family, bytes, node, sizeof(node))) {
			perms_add(r, "node_bind");
			if (pf_rank(r->verdict) < pf_rank(VERDICT_UNKNOWN)) {
				r->verdict = VERDICT_UNKNOWN;
				snprintf(r->why, sizeof(r->why),
					 "node_bind: the policy has no nodecon and no node initial "
					 "SID to label %s with",
					 r->addr);
			}
			return;
		}
		object_ctx(a.target, sizeof(a.target), node);
		a.perm = "node_bind";
		check(pf, r, &a);
	}
}

/* ---- unix sockets ---- */

/* A file's label: the real one when SELinux is on, else what file_contexts gives it. */
static int file_label(struct pf *pf, const char *path, mode_t mode, char *out, size_t outsz,
		      const char **how)
{
	char *con = NULL;

	if (is_selinux_enabled() > 0 && policy_is_live(pf->pol) && getfilecon(path, &con) >= 0) {
		*how = "on disk";
	} else if (pf->labels && selabel_lookup(pf->labels, &con, path, mode) >= 0) {
		*how = "by file_contexts";
	} else {
		return -ENOENT;
	}
	snprintf(out, outsz, "%s", con);
	freecon(con);
	return 0;
}

/* The process listening on a unix socket path: /proc/net/unix gives its socket inode,
 * /proc/PID/fd the process holding it (root sees every process). 0 and the pid, or -ENOENT.
 */
static int unix_listener(const char *path, pid_t *pid)
{
	char *line = NULL, want[64] = "";
	size_t cap = 0;
	FILE *f = fopen("/proc/net/unix", "re");
	DIR *proc;
	struct dirent *de;
	int ret = -ENOENT;

	if (!f)
		return -ENOENT;
	while (getline(&line, &cap, f) > 0) {
		unsigned long inode, flags;
		int off = 0;
		char *sp;

		/* Num RefCount Protocol Flags Type St Inode Path */
		if (sscanf(line, "%*s %*s %*s %lx %*s %*s %lu %n", &flags, &inode, &off) < 2 ||
		    !off)
			continue;
		sp = line + off;
		sp[strcspn(sp, "\n")] = '\0';
		if (!(flags & 0x10000) || strcmp(sp, path)) /* __SO_ACCEPTCON: listening */
			continue;
		snprintf(want, sizeof(want), "socket:[%lu]", inode);
		break;
	}
	free(line);
	fclose(f);
	if (!want[0])
		return -ENOENT;
	proc = opendir("/proc");
	if (!proc)
		return -ENOENT;
	while (ret && (de = readdir(proc))) {
		char fddir[300];
		DIR *fds;
		struct dirent *fe;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(fddir, sizeof(fddir), "/proc/%s/fd", de->d_name);
		fds = opendir(fddir);
		if (!fds)
			continue;
		while ((fe = readdir(fds))) {
			char link[600], target[64];
			ssize_t n;

			snprintf(link, sizeof(link), "%s/%s", fddir, fe->d_name);
			n = readlink(link, target, sizeof(target) - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			if (!strcmp(target, want)) {
				*pid = (pid_t)atoi(de->d_name);
				ret = 0;
				break;
			}
		}
		closedir(fds);
	}
	closedir(proc);
	return ret;
}

static void check_unix(struct pf *pf, struct row *r)
{
	const char *path = r->e->path, *how = NULL;
	char dir[NGX_PATH_LEN], parent[NGX_PATH_LEN] = "/";
	struct access a = { .tclass = "dir", .perm = "search" };
	struct stat st;
	size_t i;

	if (path[0] != '/') {
		r->verdict = VERDICT_UNKNOWN;
		snprintf(r->why, sizeof(r->why),
			 "an abstract or relative socket name: no file "
			 "labels to check");
		return;
	}
	/* search on / and every directory down to the socket's */
	for (i = 0; path[i]; i++) {
		if (path[i] != '/')
			continue;
		snprintf(dir, sizeof(dir), "%.*s", i ? (int)i : 1, path);
		snprintf(parent, sizeof(parent), "%s", dir);
		if (file_label(pf, dir, S_IFDIR, a.target, sizeof(a.target), &how)) {
			r->verdict = VERDICT_UNKNOWN;
			snprintf(r->why, sizeof(r->why),
				 "no label for %s: SELinux is off here and "
				 "no file_contexts was found",
				 "a directory of the path");
			return;
		}
		a.object = dir;
		check(pf, r, &a);
	}
	a.object = NULL;
	if (r->e->listen) {
		/* nginx creates the socket: its label comes from type_transition at run time */
		if (!file_label(pf, parent, S_IFDIR, a.target, sizeof(a.target), &how)) {
			a.object = parent;
			a.perm = "write";
			check(pf, r, &a);
			a.perm = "add_name";
			check(pf, r, &a);
		}
		if (r->verdict == VERDICT_ALLOWED) {
			r->verdict = VERDICT_UNKNOWN;
			snprintf(r->why, sizeof(r->why),
				 "the socket nginx creates is labelled at run time (sock_file "
				 "create, unix_stream_socket listen not predicted)");
		}
		return;
	}
	if (lstat(path, &st) || !S_ISSOCK(st.st_mode)) {
		if (r->verdict == VERDICT_ALLOWED) {
			r->verdict = VERDICT_UNKNOWN;
			snprintf(r->why, sizeof(r->why),
				 "cannot be known yet: the socket does not "
				 "exist (its label and its peer come with it)");
		}
		return;
	}
	a.tclass = "sock_file";
	a.perm = "write";
	if (!file_label(pf, path, S_IFSOCK, a.target, sizeof(a.target), &how))
		check(pf, r, &a);
	{
		pid_t pid;
		char *con = NULL;

		a.tclass = "unix_stream_socket";
		a.perm = "connectto";
		if (unix_listener(path, &pid)) {
			perms_add(r, "connectto");
			if (r->verdict == VERDICT_ALLOWED) {
				r->verdict = VERDICT_UNKNOWN;
				snprintf(r->why, sizeof(r->why),
					 "connectto: no process listens on the socket (or it is "
					 "not visible: root reads every /proc/PID/fd)");
			}
			return;
		}
		if (getpidcon(pid, &con) < 0) {
			perms_add(r, "connectto");
			if (r->verdict == VERDICT_ALLOWED) {
				r->verdict = VERDICT_UNKNOWN;
				snprintf(r->why, sizeof(r->why),
					 "connectto: the listener, pid %d, has no SELinux context "
					 "here (%s)",
					 (int)pid,
					 is_selinux_enabled() > 0 ? "unreadable"
								  : "SELinux is off");
			}
			return;
		}
		snprintf(a.target, sizeof(a.target), "%s", con);
		freecon(con);
		check(pf, r, &a);
	}
}

/* ---- rows ---- */

static struct row *row_add(struct pf *pf, const struct ngx_endpoint *e)
{
	struct row *r;

	if (pf->nrows == pf->caprows) {
		size_t cap = pf->caprows ? 2 * pf->caprows : 32;
		struct row *v = realloc(pf->rows, cap * sizeof(*v));

		if (!v)
			return NULL;
		pf->rows = v;
		pf->caprows = cap;
	}
	r = &pf->rows[pf->nrows++];
	memset(r, 0, sizeof(*r));
	r->e = e;
	r->finding = -1;
	return r;
}

static int inet_row(struct pf *pf, const struct ngx_endpoint *e, int family, const void *bytes)
{
	struct row *r = row_add(pf, e);

	if (!r)
		return -ENOMEM;
	r->family = family;
	inet_ntop(family, bytes, r->addr, sizeof(r->addr));
	snprintf(r->dest, sizeof(r->dest), family == AF_INET6 ? "[%s]:%u" : "%s:%u", r->addr,
		 e->port);
	check_inet(pf, r, bytes);
	return 0;
}

static int endpoint_rows(struct pf *pf, const struct ngx_endpoint *e)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL, *ai;
	unsigned char seen[MAX_ADDRS][17];
	int nseen = 0, r;
	struct row *row;

	if (e->runtime || e->is_unix) {
		row = row_add(pf, e);
		if (!row)
			return -ENOMEM;
		if (e->is_unix) {
			row->family = AF_UNIX;
			snprintf(row->dest, sizeof(row->dest), "%s", e->path);
			check_unix(pf, row);
			return 0;
		}
		snprintf(row->dest, sizeof(row->dest), "%s", e->host);
		row->verdict = VERDICT_UNKNOWN;
		snprintf(row->why, sizeof(row->why),
			 "decided at run time: the address comes from %s%s", e->variable,
			 e->resolver ? " (a resolver is configured: names resolve then)" : "");
		return 0;
	}
	if (!strcmp(e->host, "*")) {
		struct in_addr any = { 0 };

		return inet_row(pf, e, AF_INET, &any);
	}
	r = getaddrinfo(e->host, NULL, &hints, &res);
	if (r) {
		char eh[NGX_HOST_LEN * 4];

		row = row_add(pf, e);
		if (!row)
			return -ENOMEM;
		escape_str(eh, sizeof(eh), e->host, ESC_TEXT);
		snprintf(row->dest, sizeof(row->dest), "%s:%u", e->host, e->port);
		row->verdict = VERDICT_UNKNOWN;
		text_set(row->why, sizeof(row->why), "%s does not resolve here: %s", eh,
			 gai_strerror(r));
		return 0;
	}
	for (ai = res; ai && nseen < MAX_ADDRS; ai = ai->ai_next) {
		unsigned char key[17];
		const void *bytes;
		int k;

		if (ai->ai_family == AF_INET)
			bytes = &((struct sockaddr_in *)ai->ai_addr)->sin_addr;
		else if (ai->ai_family == AF_INET6)
			bytes = &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
		else
			continue;
		memset(key, 0, sizeof(key));
		key[0] = (unsigned char)ai->ai_family;
		memcpy(key + 1, bytes, ai->ai_family == AF_INET ? 4 : 16);
		for (k = 0; k < nseen && memcmp(seen[k], key, sizeof(key)); k++)
			;
		if (k < nseen)
			continue;
		memcpy(seen[nseen++], key, sizeof(key));
		r = inet_row(pf, e, ai->ai_family, bytes);
		if (r)
			break;
	}
	freeaddrinfo(res);
	return r;
}

static void local_port_range(struct pf *pf)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");

	pf->local_low = 32768; /* the kernel's default */
	pf->local_high = 60999;
	if (!f)
		return;
	if (fscanf(f, "%u %u", &pf->local_low, &pf->local_high) != 2) {
		pf->local_low = 32768;
		pf->local_high = 60999;
	}
	fclose(f);
}

/* ---- output ---- */

static void write_json_row(struct json *j, const struct pf *pf, const struct row *r)
{
	const struct ngx_endpoint *e = r->e;
	char perm[POLICY_NAME_LEN];
	const char *s;

	json_obj_begin(j, NULL);
	json_str(j, "type", "preflight");
	json_str(j, "file", e->file);
	json_uint(j, "line", e->line);
	json_str(j, "directive", e->directive);
	json_str(j, "context", ngx_ctx_name(e->ctx));
	if (e->upstream[0])
		json_str(j, "upstream", e->upstream);
	json_str(j, "access", e->listen ? "bind" : "connect");
	if (e->implicit)
		json_bool(j, "implicit", true);
	/* AF_* are the kernel's numbers, AVC_AF_* (verdict.h's family_name) the same */
	json_str(j, "family", r->family ? family_name((unsigned int)r->family) : "unknown");
	json_str(j, "dest", r->dest);
	if (r->family == AF_UNIX) {
		json_str(j, "path", e->path);
	} else if (r->family) {
		json_str(j, "addr", r->addr);
		json_uint(j, "port", e->port);
		json_str(j, "proto", e->udp ? "udp" : "tcp");
	}
	if (e->runtime)
		json_str(j, "variable", e->variable);
	if (e->params[0])
		json_str(j, "params", e->params);
	json_str(j, "target_type", r->target);
	json_arr_begin(j, "perms");
	for (s = r->perms; *s;) {
		size_t n = strcspn(s, " ");

		snprintf(perm, sizeof(perm), "%.*s", (int)n, s);
		json_str(j, NULL, perm);
		s += n;
		s += *s == ' ';
	}
	json_arr_end(j);
	json_str(j, "domain", pf->dom.type);
	json_str(j, "verdict", verdict_name(r->verdict));
	if (r->why[0])
		json_str(j, "why", r->why);
	json_obj_end(j);
	json_line_end(j);
}

static void print_text_row(FILE *out, const struct row *r, const char *top_fix)
{
	char loc[NGX_PATH_LEN + 16], eloc[sizeof(loc) * 4], edest[sizeof(r->dest) * 4];
	char dir[NGX_NAME_LEN * 2 + 16], edir[sizeof(dir) * 4];
	const struct ngx_endpoint *e = r->e;

	snprintf(loc, sizeof(loc), "%s:%u", e->file, e->line);
	escape_str(eloc, sizeof(eloc), loc, ESC_TEXT);
	escape_str(edest, sizeof(edest), r->dest, ESC_TEXT);
	if (e->upstream[0])
		snprintf(dir, sizeof(dir), "upstream %s", e->upstream);
	else
		snprintf(dir, sizeof(dir), "%s%s", e->directive, e->implicit ? " (none)" : "");
	escape_str(edir, sizeof(edir), dir, ESC_TEXT);
	fprintf(out, "%-28s %-18s %-24s %-20s %-22s ", eloc, edir, edest,
		r->target[0] ? r->target : "-", verdict_name(r->verdict));
	if (top_fix && top_fix[0])
		fputs_safe(top_fix, out);
	else if (r->why[0])
		fputs_safe(r->why, out);
	else
		fputs("-", out);
	fputc('\n', out);
}

static int report(struct pf *pf, FILE *out)
{
	struct advice *adv = malloc(sizeof(*adv));
	size_t k, denied = 0, unknown = 0, allowed = 0;
	struct json j;
	char *fix = NULL;

	if (!adv)
		return -ENOMEM;
	json_init(&j, out);
	for (k = 0; k < pf->nrows; k++) {
		const struct row *r = &pf->rows[k];

		denied += pf_denied(r->verdict);
		unknown += r->verdict == VERDICT_UNKNOWN;
		allowed += r->verdict == VERDICT_ALLOWED;
	}
	if (pf->o->json) {
		for (k = 0; k < pf->nrows; k++)
			write_json_row(&j, pf, &pf->rows[k]);
		for (k = 0; k < pf->set.n; k++) {
			recommend(pf->pol, &pf->set.v[k], adv);
			advice_write_json(&j, &pf->set.v[k], adv);
		}
		free(adv);
		return 0;
	}
	fix = malloc(8192);
	if (!fix) {
		free(adv);
		return -ENOMEM;
	}
	fprintf(out, "nginx runs as %s: ", pf->dom.type);
	fputs_safe(pf->dom.why, out);
	fprintf(out, "\npolicy %s%s%s\n\n", policy_path(pf->pol),
		policy_is_live(pf->pol) ? (pf->dom.enforcing ? " (enforcing)" : " (permissive)")
					: " (a file: enforcing assumed)",
		pf->dom.permissive_domain ? "; the domain is permissive" : "");
	fprintf(out, "%-28s %-18s %-24s %-20s %-22s %s\n", "FILE:LINE", "DIRECTIVE", "DESTINATION",
		"TYPE", "VERDICT", "TOP FIX / WHY");
	for (k = 0; k < pf->nrows; k++) {
		const struct row *r = &pf->rows[k];

		fix[0] = '\0';
		if (r->finding >= 0) {
			recommend(pf->pol, &pf->set.v[r->finding], adv);
			advice_top_fix_text(adv, fix, 8192);
		}
		print_text_row(out, r, fix);
	}
	fprintf(out,
		"\n%zu socket(s): %zu allowed, %zu would be denied, %zu unknown; %zu "
		"distinct denied access(es)\n",
		pf->nrows, allowed, denied, unknown, pf->set.n);
	for (k = 0; k < pf->set.n; k++) {
		fputs("\n", out);
		recommend(pf->pol, &pf->set.v[k], adv);
		advice_print_header(out, (int)k + 1, (int)pf->set.n, &pf->set.v[k]);
		advice_print_text(out, &pf->set.v[k], adv);
	}
	free(fix);
	free(adv);
	return 0;
}

int preflight_run(const struct preflight_opts *o, FILE *out)
{
	struct ngx_conf conf = { 0 };
	struct pf pf = { .o = o };
	char err[1024];
	size_t k;
	int ret = 0, r;

	if (ngx_conf_read(o->conf, &conf, err, sizeof(err))) {
		p_err("%s", err);
		return 1;
	}
	r = policy_open(&pf.pol, o->policy, err, sizeof(err));
	if (r) {
		p_err("%s", err);
		ngx_conf_free(&conf);
		return 1;
	}
	local_port_range(&pf);
	if (decide_domain(&pf)) {
		ret = 1;
		goto out;
	}
	for (k = 0; k < conf.n && !ret; k++)
		if (endpoint_rows(&pf, &conf.v[k]))
			ret = 1;
	if (ret) {
		p_err("out of memory");
		goto out;
	}
	if (report(&pf, out)) {
		p_err("out of memory");
		ret = 1;
		goto out;
	}
	fflush(out);
	for (k = 0; k < pf.nrows; k++)
		if (pf_denied(pf.rows[k].verdict))
			ret = PREFLIGHT_EXIT_DENIED;
out:
	if (pf.labels)
		selabel_close(pf.labels);
	free(pf.rows);
	finding_set_free(&pf.set);
	policy_close(pf.pol);
	ngx_conf_free(&conf);
	return ret;
}

int preflight_predict(const struct preflight_opts *o, struct policy *pol, struct finding_set *out,
		      char *domain, size_t domainsz)
{
	struct ngx_conf conf = { 0 };
	struct pf pf = { .o = o, .pol = pol, .keep_allowed = true };
	char err[1024];
	size_t k;
	int ret = 0;

	if (ngx_conf_read(o->conf, &conf, err, sizeof(err))) {
		p_err("%s", err);
		return -EINVAL;
	}
	local_port_range(&pf);
	if (decide_domain(&pf)) {
		ret = -ENOENT;
		goto out;
	}
	snprintf(domain, domainsz, "%s", pf.dom.type);
	for (k = 0; k < conf.n && !ret; k++)
		ret = endpoint_rows(&pf, &conf.v[k]);
	for (k = 0; k < pf.set.n && !ret; k++)
		if (finding_set_add(out, &pf.set.v[k], NULL) == -ENOMEM)
			ret = -ENOMEM;
out:
	if (pf.labels)
		selabel_close(pf.labels);
	free(pf.rows);
	finding_set_free(&pf.set);
	ngx_conf_free(&conf);
	return ret;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: avcsnoop preflight [OPTIONS] [CONF]\n"
		"\n"
		"Predict, before nginx runs, which of the sockets its configuration asks for SELinux\n"
		"would deny, and the narrowest fix for each. Reads CONF (default\n"
		"/etc/nginx/nginx.conf) and its includes itself; never runs nginx. Every\n"
		"(directive, address) of proxy_pass, fastcgi_pass, uwsgi_pass, scgi_pass,\n"
		"grpc_pass, memcached_pass, upstream servers, stream proxy_pass and listen is\n"
		"checked against the policy as `recommend --verify` would: name_connect on the\n"
		"port's type; dir search, sock_file write and connectto for unix sockets;\n"
		"name_bind and node_bind for listen.\n"
		"\n"
		"  -P, --policy FILE         binary policy to ask (default: the policy in force)\n"
		"  -d, --domain TYPE         nginx's domain (default: from the policy: the label\n"
		"                            of " PREFLIGHT_NGINX_BIN
		" and init_t's type_transition)\n"
		"      --file-contexts FILE  file_contexts to label files with (default: the one\n"
		"                            beside the policy)\n"
		"  -j, --json                one JSON object per (directive, address), then the\n"
		"                            advice objects\n"
		"  -v, --verbose             debug messages\n"
		"  -h, --help                this help\n"
		"\n"
		"Examples:\n"
		"  avcsnoop preflight\n"
		"  avcsnoop preflight --policy /etc/selinux/default/policy/policy.33 site.conf\n"
		"\n"
		"Exit status: 0 every socket allowed (or unknown: decided at run time), 1 error\n"
		"(a bad configuration is reported as FILE:LINE), 2 bad usage, 3 anything would be\n"
		"denied.\n");
}

int cmd_preflight(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'P' },
		{ "domain", required_argument, NULL, 'd' },
		{ "file-contexts", required_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct preflight_opts o = { .conf = "/etc/nginx/nginx.conf" };
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "P:d:jvh", opts, NULL)) != -1) {
		switch (opt) {
		case 'P':
			o.policy = optarg;
			break;
		case 'd':
			o.domain = optarg;
			break;
		case 'F':
			o.file_contexts = optarg;
			break;
		case 'j':
			o.json = true;
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
	if (optind < argc - 1) {
		p_err("one configuration file at most (see avcsnoop preflight --help)");
		return 2;
	}
	if (optind == argc - 1)
		o.conf = argv[optind];
	return preflight_run(&o, stdout);
}
