// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* `avcsnoop preflight`: nginx's configuration in, the verdict of every socket it asks for out. */
#include <arpa/inet.h>
#include <dirent.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
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

#define ROW_DENIALS 8

/* One (directive, address) and the accesses it needs. */
struct row {
	const struct ngx_endpoint *e;
	int family; /* AF_INET, AF_INET6, AF_UNIX, 0 (runtime) */
	char addr[INET6_ADDRSTRLEN];
	char dest[NGX_PATH_LEN + 8];  /* "127.0.0.1:8080", "[::1]:80", "/run/x.sock" (raw) */
	bool by_name;		      /* a host name not resolved: judged by its port */
	char target[POLICY_NAME_LEN]; /* the type the decisive access is on */
	char perms[256];	      /* "name_connect", "search write connectto" ... */
	enum avc_verdict verdict;
	char why[512]; /* unknown: why; denied: which access */
	long finding;  /* index in the finding set of the first denied access, or -1 */
	/* every denied access the socket needs (a udp listen: name_bind and node_bind), each
	 * once; more than ROW_DENIALS are counted
	 */
	struct row_denial {
		char tclass[FINDING_NAME_LEN], perm[FINDING_NAME_LEN], type[POLICY_NAME_LEN];
		enum avc_verdict verdict;
		long finding;
	} den[ROW_DENIALS];
	int nden, den_more;
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
	bool keep_allowed;	/* preflight_predict: allowed accesses are findings too */
	struct lookup *lookups; /* --resolve: each host name once */
	size_t nlookups;
};

/* One host name resolved under --resolve. */
struct lookup {
	char host[NGX_HOST_LEN]; /* a copy: glibc's thread may read it after the deadline */
	struct gaicb cb;
	struct addrinfo hints;
	int status; /* getaddrinfo's, EAI_INPROGRESS past the deadline */
};

/* ---- the domain ---- */

/* The file_contexts that belongs to a policy file: <root>/policy/policy.N ->
 * <root>/contexts/files/file_contexts (the layout of /etc/selinux/<type>).
 */
static void fc_for_policy(const char *policy, char *out, size_t outsz)
{
	char dir[1024];

	out[0] = '\0';
	if (!policy_file_root(policy, dir, sizeof(dir)))
		return;
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

static int decide_domain(struct pf *pf, char *err, size_t errsz)
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
		snprintf(err, errsz, "domain %s is not a type of the policy %s", et,
			 policy_path(pf->pol));
		return -ENOENT;
	}
	snprintf(d->context, sizeof(d->context), "system_u:system_r:%s:s0", d->type);
	d->permissive_domain = policy_type_permissive(pf->pol, d->type);
	return 0;
}

/* ---- one access ---- */

struct pf_access {
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
		if (r->by_name)
			f.family = 0; /* a name: which family nginx gets is not known */
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

/* A denied access of the row, once per (class, permission, type). */
static void row_denial_add(struct row *r, const struct pf_access *a, enum avc_verdict v,
			   long finding)
{
	struct row_denial *d;
	char et[POLICY_NAME_LEN];
	int i;

	if (context_type(a->target, et, sizeof(et)))
		text_set(et, sizeof(et), "%s", a->target);
	for (i = 0; i < r->nden; i++)
		if (!strcmp(r->den[i].tclass, a->tclass) && !strcmp(r->den[i].perm, a->perm) &&
		    !strcmp(r->den[i].type, et))
			return;
	if (r->nden >= ROW_DENIALS) {
		r->den_more++;
		return;
	}
	d = &r->den[r->nden++];
	text_set(d->tclass, sizeof(d->tclass), "%s", a->tclass);
	text_set(d->perm, sizeof(d->perm), "%s", a->perm);
	text_set(d->type, sizeof(d->type), "%s", et);
	d->verdict = v;
	d->finding = finding;
}

/* Check one access; a denied one becomes a finding of the set. */
static int check(struct pf *pf, struct row *r, const struct pf_access *a)
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
	row_denial_add(r, a, rv.verdict, where ? (long)(where - pf->set.v) : -1);
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
	struct pf_access a = { .tclass = sclass };

	if (e->udp && !e->listen) {
		/* connect() on a UDP socket: the kernel checks name_connect for TCP (and SCTP,
		 * DCCP) only; what it checks is udp_socket connect on nginx's own socket
		 */
		text_set(a.target, sizeof(a.target), "%s", pf->dom.context);
		snprintf(r->target, sizeof(r->target), "%s", pf->dom.type);
		a.perm = "connect";
		check(pf, r, &a);
		if (r->verdict == VERDICT_ALLOWED)
			text_set(r->why, sizeof(r->why),
				 "UDP: no name_connect check (TCP only); udp_socket connect on "
				 "nginx's own socket");
		return;
	}
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
	if (r->by_name || !bytes) {
		char eh[NGX_HOST_LEN * 4];

		perms_add(r, "node_bind");
		escape_str(eh, sizeof(eh), e->host, ESC_TEXT);
		if (pf_rank(r->verdict) < pf_rank(VERDICT_UNKNOWN)) {
			r->verdict = VERDICT_UNKNOWN;
			text_set(
				r->why, sizeof(r->why),
				"node_bind depends on the address %s resolves to when nginx starts "
				"(not resolved: --resolve)",
				eh);
		}
		return;
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

	if (!pf->o->root && is_selinux_enabled() > 0 && policy_is_live(pf->pol) &&
	    getfilecon(path, &con) >= 0) {
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

/* The kernel's dev_t of a superblock (what sock_diag reports) from stat()'s st_dev. */
static unsigned int kernel_dev(dev_t dev)
{
	return (major(dev) << 20) | minor(dev);
}

/* The socket bound at the file st describes: sock_diag lists every unix socket with the
 * device and inode of the file it was bound to, the pair stat() gives for the file connect()
 * reaches. Matching the path text of /proc/net/unix instead believes any socket whose name
 * merely prints the same (the kernel prints names raw, newlines included). 0 and the socket's
 * inode, or -ENOENT.
 */
static int unix_bound_socket(const struct stat *st, bool dgram, unsigned long *ino)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} msg = {
		.nlh = { .nlmsg_len = sizeof(msg),
			 .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.req = { .sdiag_family = AF_UNIX,
			 .udiag_states = dgram ? ~0u : 1u << TCP_LISTEN,
			 .udiag_show = UDIAG_SHOW_VFS },
	};
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	long buf[8192 / sizeof(long)];
	int fd, ret = -ENOENT;
	bool done = false;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -errno;
	if (sendto(fd, &msg, sizeof(msg), 0, (struct sockaddr *)&nl, sizeof(nl)) < 0) {
		close(fd);
		return -errno;
	}
	while (!done) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			const struct unix_diag_msg *m = NLMSG_DATA(h);
			struct rtattr *a;
			unsigned int alen;

			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *ne = NLMSG_DATA(h);

				/* the kernel cannot list unix sockets (unix_diag not loaded) */
				if (ret && ne->error)
					ret = -EPROTONOSUPPORT;
				done = true;
				break;
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				done = true;
				break;
			}
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)) ||
			    m->udiag_type != (dgram ? SOCK_DGRAM : SOCK_STREAM))
				continue;
			alen = h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
			for (a = (struct rtattr *)(m + 1); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
				const struct unix_diag_vfs *v = RTA_DATA(a);

				if (a->rta_type != UNIX_DIAG_VFS || RTA_PAYLOAD(a) < sizeof(*v))
					continue;
				if (v->udiag_vfs_ino == st->st_ino &&
				    v->udiag_vfs_dev == kernel_dev(st->st_dev) && ret) {
					*ino = m->udiag_ino;
					ret = 0;
				}
			}
		}
	}
	close(fd);
	return ret;
}

/* The process holding the socket bound at path: its inode from sock_diag, then the process
 * whose /proc/PID/fd has it (root sees every process). 0 and the pid, -ENOENT (none), or
 * another -errno when the kernel cannot be asked (-EPROTONOSUPPORT: no unix_diag).
 */
static int unix_listener(const char *path, bool dgram, pid_t *pid)
{
	char want[64];
	unsigned long ino = 0;
	struct stat st;
	DIR *proc;
	struct dirent *de;
	int ret = -ENOENT;

	if (stat(path, &st) || !S_ISSOCK(st.st_mode))
		return -ENOENT;
	ret = unix_bound_socket(&st, dgram, &ino);
	if (ret)
		return ret;
	ret = -ENOENT;
	snprintf(want, sizeof(want), "socket:[%lu]", ino);
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

/* The label file_contexts gives a socket file at path. */
static int selabel_lookup_raw_ctx(struct pf *pf, const char *path, char *out, size_t outsz)
{
	char *con = NULL;

	if (selabel_lookup(pf->labels, &con, path, S_IFSOCK) < 0)
		return -ENOENT;
	snprintf(out, outsz, "%s", con);
	freecon(con);
	return 0;
}

static void check_unix(struct pf *pf, struct row *r)
{
	const char *path = r->e->path, *how = NULL, *peer_class, *peer_perm;
	char dir[NGX_PATH_LEN], parent[NGX_PATH_LEN] = "/";
	struct pf_access a = { .tclass = "dir", .perm = "search" };
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
	peer_class = r->e->dgram ? "unix_dgram_socket" : "unix_stream_socket";
	peer_perm = r->e->dgram ? "sendto" : "connectto";
	if (pf->o->root || lstat(path, &st)) {
		/* not here (or a tree from another host): the socket file will carry the label
		 * file_contexts gives its path (restorecon's), unless its creator's
		 * type_transition says otherwise
		 */
		a.tclass = "sock_file";
		a.perm = "write";
		if (pf->labels && !selabel_lookup_raw_ctx(pf, path, a.target, sizeof(a.target))) {
			a.object = NULL;
			check(pf, r, &a);
		}
		perms_add(r, peer_perm);
		if (r->verdict == VERDICT_ALLOWED) {
			r->verdict = VERDICT_UNKNOWN;
			snprintf(r->why, sizeof(r->why),
				 "%s: the socket does not exist %s, so neither does its peer "
				 "(sock_file judged by file_contexts)",
				 peer_perm, pf->o->root ? "on this host" : "yet");
		}
		return;
	}
	if (!S_ISSOCK(st.st_mode)) {
		if (r->verdict == VERDICT_ALLOWED) {
			r->verdict = VERDICT_UNKNOWN;
			snprintf(r->why, sizeof(r->why), "the path is not a socket");
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
		int lr;

		a.tclass = peer_class;
		a.perm = peer_perm;
		lr = unix_listener(path, r->e->dgram, &pid);
		if (lr) {
			perms_add(r, peer_perm);
			if (r->verdict != VERDICT_ALLOWED)
				return;
			r->verdict = VERDICT_UNKNOWN;
			/* the path text of /proc/net/unix is not a fallback: anyone can bind a
			 * socket whose name prints as this path
			 */
			if (lr == -EPROTONOSUPPORT)
				snprintf(
					r->why, sizeof(r->why),
					"%s: the kernel does not list unix sockets by the file they "
					"are bound to here (unix_diag not loaded: modprobe "
					"unix_diag), so the listener is not known",
					peer_perm);
			else if (lr != -ENOENT)
				snprintf(r->why, sizeof(r->why),
					 "%s: cannot ask the kernel which socket is bound there "
					 "(sock_diag: %s)",
					 peer_perm, strerror(-lr));
			else
				snprintf(r->why, sizeof(r->why),
					 "%s: no process holds the socket bound at this path (or "
					 "it is not visible: root reads every /proc/PID/fd)",
					 peer_perm);
			return;
		}
		if (getpidcon(pid, &con) < 0) {
			perms_add(r, peer_perm);
			if (r->verdict == VERDICT_ALLOWED) {
				r->verdict = VERDICT_UNKNOWN;
				snprintf(r->why, sizeof(r->why),
					 "%s: the listener, pid %d, has no SELinux context "
					 "here (%s)",
					 peer_perm, (int)pid,
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

/* A host name not resolved (the default, or --resolve that failed): name_connect and
 * name_bind depend on the port alone, so the row is judged by it.
 */
static int name_row(struct pf *pf, const struct ngx_endpoint *e, const char *note)
{
	struct row *row = row_add(pf, e);

	if (!row)
		return -ENOMEM;
	row->family = AF_INET; /* tcp_socket/udp_socket are the same classes for both */
	row->by_name = true;
	snprintf(row->addr, sizeof(row->addr), "%.*s", (int)sizeof(row->addr) - 1, e->host);
	snprintf(row->dest, sizeof(row->dest), "%s:%u", e->host, e->port);
	check_inet(pf, row, NULL);
	if (note && row->verdict != VERDICT_UNKNOWN && !row->why[0])
		text_set(row->why, sizeof(row->why), "%s", note);
	return 0;
}

static const struct lookup *lookup_of(const struct pf *pf, const char *host)
{
	size_t i;

	for (i = 0; i < pf->nlookups; i++)
		if (!strcmp(pf->lookups[i].host, host))
			return &pf->lookups[i];
	return NULL;
}

static int endpoint_rows(struct pf *pf, const struct ngx_endpoint *e)
{
	unsigned char seen[MAX_ADDRS][17], bytes4[4], bytes6[16];
	const struct lookup *lk;
	struct addrinfo *ai;
	int nseen = 0, r = 0;
	struct row *row;

	if (e->down)
		return 0; /* "server ... down": nginx never connects to it */
	if (e->runtime || e->is_unix) {
		char ev[NGX_NAME_LEN * 4];

		row = row_add(pf, e);
		if (!row)
			return -ENOMEM;
		if (e->is_unix) {
			row->family = AF_UNIX;
			snprintf(row->dest, sizeof(row->dest), "%s", e->path);
			check_unix(pf, row);
			return 0;
		}
		snprintf(row->dest, sizeof(row->dest), "%s", e->host[0] ? e->host : "-");
		row->verdict = VERDICT_UNKNOWN;
		escape_str(ev, sizeof(ev), e->variable, ESC_TEXT);
		text_set(row->why, sizeof(row->why),
			 "decided at run time: the address comes from %s%s", ev,
			 e->resolver ? " (a resolver is configured: names resolve then)" : "");
		return 0;
	}
	if (!strcmp(e->host, "*")) {
		struct in_addr any = { 0 };

		return inet_row(pf, e, AF_INET, &any);
	}
	if (inet_pton(AF_INET, e->host, bytes4) == 1)
		return inet_row(pf, e, AF_INET, bytes4);
	if (inet_pton(AF_INET6, e->host, bytes6) == 1)
		return inet_row(pf, e, AF_INET6, bytes6);
	lk = pf->o->resolve ? lookup_of(pf, e->host) : NULL;
	if (!lk)
		return name_row(pf, e,
				e->listen ? NULL
					  : "a host name, not resolved (--resolve): name_connect "
					    "depends on the port only");
	if (lk->status) {
		char note[256];

		text_set(note, sizeof(note), "did not resolve here (%s): judged by the port",
			 lk->status == EAI_INPROGRESS || lk->status == EAI_CANCELED
				 ? "past the --resolve deadline"
				 : gai_strerror(lk->status));
		return name_row(pf, e, note);
	}
	for (ai = lk->cb.ar_result; ai && nseen < MAX_ADDRS; ai = ai->ai_next) {
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
	return r;
}

/* --resolve: every host name of the configuration at once (getaddrinfo_a), all within one
 * deadline; a name still pending then is cancelled and judged by its port.
 */
static int resolve_all(struct pf *pf, const struct ngx_conf *c)
{
	struct gaicb **list;
	struct timespec start, now;
	size_t i, n = 0;
	unsigned char b[16];

	pf->lookups = calloc(c->n ? c->n : 1, sizeof(*pf->lookups));
	list = calloc(c->n ? c->n : 1, sizeof(*list));
	if (!pf->lookups || !list) {
		free(list);
		return -ENOMEM;
	}
	for (i = 0; i < c->n; i++) {
		const struct ngx_endpoint *e = &c->v[i];
		struct lookup *l;

		if (e->runtime || e->is_unix || e->down || !strcmp(e->host, "*") ||
		    inet_pton(AF_INET, e->host, b) == 1 || inet_pton(AF_INET6, e->host, b) == 1 ||
		    lookup_of(pf, e->host))
			continue;
		l = &pf->lookups[pf->nlookups++];
		snprintf(l->host, sizeof(l->host), "%s", e->host);
		l->hints.ai_socktype = SOCK_STREAM;
		l->cb.ar_name = l->host;
		l->cb.ar_request = &l->hints;
		list[n++] = &l->cb;
	}
	if (n && getaddrinfo_a(GAI_NOWAIT, list, (int)n, NULL)) {
		for (i = 0; i < pf->nlookups; i++)
			pf->lookups[i].status = EAI_SYSTEM;
		free(list);
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		bool pending = false;
		double left;
		struct timespec ts;

		for (i = 0; i < n; i++)
			pending |= gai_error(list[i]) == EAI_INPROGRESS;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = pf->o->resolve_secs - (double)(now.tv_sec - start.tv_sec) -
		       (double)(now.tv_nsec - start.tv_nsec) / 1e9;
		if (!pending || left <= 0)
			break;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		gai_suspend((const struct gaicb *const *)list, (int)n, &ts);
	}
	for (i = 0; i < n; i++) {
		if (gai_error(list[i]) == EAI_INPROGRESS &&
		    gai_cancel(list[i]) == EAI_NOTCANCELED) {
			/* a look-up glibc cannot cancel still writes into its gaicb: keep it */
			pf->lookups[i].status = EAI_INPROGRESS;
			continue;
		}
		pf->lookups[i].status = gai_error(list[i]);
	}
	free(list);
	return 0;
}

static void lookups_free(struct pf *pf)
{
	size_t i;

	for (i = 0; i < pf->nlookups; i++) {
		if (pf->lookups[i].status == EAI_INPROGRESS)
			return; /* still written by glibc's thread: leaked on purpose */
		if (!pf->lookups[i].status && pf->lookups[i].cb.ar_result)
			freeaddrinfo(pf->lookups[i].cb.ar_result);
	}
	free(pf->lookups);
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
	json_str(j, "family",
		 r->by_name  ? "name"
		 : r->family ? family_name((unsigned int)r->family)
			     : "unknown");
	json_str(j, "dest", r->dest);
	if (e->shared)
		json_uint(j, "shared", e->shared);
	if (r->family == AF_UNIX) {
		json_str(j, "path", e->path);
	} else if (r->by_name) {
		json_str(j, "host", e->host);
		json_uint(j, "port", e->port);
		json_str(j, "proto", e->udp ? "udp" : "tcp");
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
	if (r->nden) {
		int i;

		json_arr_begin(j, "denials");
		for (i = 0; i < r->nden; i++) {
			json_obj_begin(j, NULL);
			json_str(j, "tclass", r->den[i].tclass);
			json_str(j, "perm", r->den[i].perm);
			json_str(j, "target_type", r->den[i].type);
			json_str(j, "verdict", verdict_name(r->den[i].verdict));
			json_obj_end(j);
		}
		json_arr_end(j);
		if (r->den_more)
			json_uint(j, "denials_not_listed", (unsigned long)r->den_more);
	}
	json_obj_end(j);
	json_line_end(j);
}

static void print_text_row(FILE *out, const struct row *r, const char *top_fix)
{
	char loc[NGX_PATH_LEN + 16], eloc[sizeof(loc) * 4], edest[sizeof(r->dest) * 4];
	char dir[NGX_HOST_LEN + NGX_NAME_LEN + 32], edir[sizeof(dir) * 4];
	const struct ngx_endpoint *e = r->e;

	snprintf(loc, sizeof(loc), "%s:%u", e->file, e->line);
	escape_str(eloc, sizeof(eloc), loc, ESC_TEXT);
	escape_str(edest, sizeof(edest), r->dest, ESC_TEXT);
	if (e->upstream[0])
		snprintf(dir, sizeof(dir), "upstream %s", e->upstream);
	else if (e->implicit)
		snprintf(dir, sizeof(dir), "%s (implicit)", e->directive);
	else
		snprintf(dir, sizeof(dir), "%s", e->directive);
	if (e->shared)
		text_cat(dir, sizeof(dir), " (+%u)", e->shared);
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

/* The advice of finding k, computed the first time a row or the details ask for it and
 * reused after (several rows may share one access). advs: one per finding, zeroed at first
 * (a computed advice has a summary).
 */
static const struct advice *advice_of(struct pf *pf, struct advice *advs, size_t k)
{
	if (!advs[k].summary)
		recommend(pf->pol, &pf->set.v[k], &advs[k]);
	return &advs[k];
}

/* A row that needs several denied accesses names each with its own top fix: fixing the
 * first alone would leave the socket denied.
 */
static void row_fixes_text(struct pf *pf, const struct row *r, struct advice *advs, char *out,
			   size_t sz)
{
	char one[2048];
	int i;

	out[0] = '\0';
	for (i = 0; i < r->nden; i++) {
		const struct row_denial *d = &r->den[i];

		one[0] = '\0';
		if (d->finding >= 0)
			advice_top_fix_text(advice_of(pf, advs, (size_t)d->finding), one,
					    sizeof(one));
		text_cat(out, sz, "%s%s on %s: %s", i ? "; " : "", d->perm, d->type,
			 one[0] ? one : verdict_name(d->verdict));
	}
	if (r->den_more)
		text_cat(out, sz, "; and %d more denied access(es)", r->den_more);
}

static int report(struct pf *pf, FILE *out)
{
	/* each finding's advice once, for its rows and its details */
	struct advice *advs = calloc(pf->set.n ? pf->set.n : 1, sizeof(*advs));
	size_t k, denied = 0, unknown = 0, allowed = 0;
	struct json j;
	char *fix = NULL;
	int ret = 0;

	if (!advs) {
		ret = -ENOMEM;
		goto out;
	}
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
		for (k = 0; k < pf->set.n; k++)
			advice_write_json(&j, &pf->set.v[k], advice_of(pf, advs, k));
		goto out;
	}
	fix = malloc(8192);
	if (!fix) {
		ret = -ENOMEM;
		goto out;
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
		if (r->nden > 1)
			row_fixes_text(pf, r, advs, fix, 8192);
		else if (r->finding >= 0)
			advice_top_fix_text(advice_of(pf, advs, (size_t)r->finding), fix, 8192);
		print_text_row(out, r, fix);
	}
	fprintf(out,
		"\n%zu socket(s): %zu allowed, %zu would be denied, %zu unknown; %zu "
		"distinct denied access(es)\n",
		pf->nrows, allowed, denied, unknown, pf->set.n);
	for (k = 0; k < pf->set.n; k++) {
		fputs("\n", out);
		advice_print_header(out, (int)k + 1, (int)pf->set.n, &pf->set.v[k]);
		advice_print_text(out, &pf->set.v[k], advice_of(pf, advs, k));
	}
out:
	for (k = 0; advs && k < pf->set.n; k++)
		advice_free(&advs[k]);
	free(advs);
	free(fix);
	return ret;
}

/* An error: on stderr, and under -j also as {"type":"error",...} on out, so that a consumer
 * of the JSON lines is not left with an empty stream.
 */
static int pf_fail(const struct preflight_opts *o, FILE *out, const char *msg)
{
	p_err("%s", msg);
	if (o->json) {
		struct json j;

		json_init(&j, out);
		json_obj_begin(&j, NULL);
		json_str(&j, "type", "error");
		json_str(&j, "command", "preflight");
		json_str(&j, "message", msg);
		json_obj_end(&j);
		json_line_end(&j);
		fflush(out);
	}
	return 1;
}

/* Where CONF is: under --root (a tree copied from another host: nginx's view of "/"), a
 * relative one under --prefix (nginx -p). Includes are relative to CONF's directory, as
 * nginx's are.
 */
static int conf_path(const struct preflight_opts *o, struct ngx_conf *c, char *path, size_t sz,
		     char *err, size_t errsz)
{
	const char *conf = o->conf;
	int n;

	if (o->root) {
		n = snprintf(c->root, sizeof(c->root), "%s", o->root);
		while (n > 1 && c->root[n - 1] == '/')
			c->root[--n] = '\0';
		if (n == 1 && c->root[0] == '/')
			c->root[0] = '\0';
		if ((size_t)n >= sizeof(c->root))
			goto long_path;
	}
	if (conf[0] == '/')
		n = snprintf(path, sz, "%s%s", c->root, conf);
	else if (o->prefix)
		n = snprintf(path, sz, "%s%s/%s", o->prefix[0] == '/' ? c->root : "", o->prefix,
			     conf);
	else
		n = snprintf(path, sz, "%s", conf);
	if (n < 0 || (size_t)n >= sz)
		goto long_path;
	return 0;
long_path:
	snprintf(err, errsz, "the configuration's path is longer than %zu bytes", sz - 1);
	return -ENAMETOOLONG;
}

int preflight_run(const struct preflight_opts *o, FILE *out)
{
	struct ngx_conf conf = { 0 };
	struct pf pf = { .o = o };
	char err[1024], path[NGX_PATH_LEN];
	size_t k;
	int ret = 0, r;
	bool unknown = false;

	if (conf_path(o, &conf, path, sizeof(path), err, sizeof(err)) ||
	    ngx_conf_read(path, &conf, err, sizeof(err))) {
		ngx_conf_free(&conf);
		return pf_fail(o, out, err);
	}
	r = policy_open(&pf.pol, o->policy, err, sizeof(err));
	if (r) {
		ngx_conf_free(&conf);
		return pf_fail(o, out, err);
	}
	local_port_range(&pf);
	if (decide_domain(&pf, err, sizeof(err))) {
		ret = pf_fail(o, out, err);
		goto out;
	}
	if (o->resolve && resolve_all(&pf, &conf)) {
		ret = pf_fail(o, out, "out of memory");
		goto out;
	}
	for (k = 0; k < conf.n && !ret; k++)
		if (endpoint_rows(&pf, &conf.v[k]))
			ret = 1;
	if (ret) {
		ret = pf_fail(o, out, "out of memory");
		goto out;
	}
	if (report(&pf, out)) {
		ret = pf_fail(o, out, "out of memory");
		goto out;
	}
	fflush(out);
	/* a CI gate must not pass what could not be judged: unknown has its own status */
	for (k = 0; k < pf.nrows; k++) {
		if (pf_denied(pf.rows[k].verdict))
			ret = PREFLIGHT_EXIT_DENIED;
		unknown |= pf.rows[k].verdict == VERDICT_UNKNOWN;
	}
	if (!ret && unknown)
		ret = PREFLIGHT_EXIT_UNKNOWN;
out:
	if (pf.labels)
		selabel_close(pf.labels);
	lookups_free(&pf);
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
	char err[1024], path[NGX_PATH_LEN];
	size_t k;
	int ret = 0;

	if (conf_path(o, &conf, path, sizeof(path), err, sizeof(err)) ||
	    ngx_conf_read(path, &conf, err, sizeof(err))) {
		p_err("%s", err);
		ngx_conf_free(&conf);
		return -EINVAL;
	}
	local_port_range(&pf);
	if (decide_domain(&pf, err, sizeof(err))) {
		p_err("%s", err);
		ret = -ENOENT;
		goto out;
	}
	if (o->resolve && resolve_all(&pf, &conf)) {
		ret = -ENOMEM;
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
	lookups_free(&pf);
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
		"grpc_pass, memcached_pass, upstream servers (not \"down\"), stream proxy_pass,\n"
		"mail auth_http, OCSP responders, syslog:server= and listen (one row per socket)\n"
		"is checked against the policy as `recommend --verify` would: name_connect on the\n"
		"port's type (udp_socket connect for UDP); dir search, sock_file write and\n"
		"connectto (sendto for datagrams) for unix sockets; name_bind and node_bind for\n"
		"listen.\n"
		"\n"
		"  -P, --policy FILE         binary policy to ask (default: the policy in force)\n"
		"      --domain TYPE         nginx's domain (default: from the policy: the label\n"
		"                            of " PREFLIGHT_NGINX_BIN
		" and init_t's type_transition)\n"
		"      --file-contexts FILE  file_contexts to label files with (default: the one\n"
		"                            beside the policy)\n"
		"      --prefix DIR          a relative CONF is under DIR (nginx -p)\n"
		"      --root DIR            a configuration copied from another host: CONF and\n"
		"                            absolute includes are read under DIR, unix sockets\n"
		"                            judged by file_contexts alone\n"
		"      --resolve[=SECS]      resolve host names (all within SECS, default 5);\n"
		"                            without it a name is judged by its port (name_connect\n"
		"                            depends on the port only) and nothing is sent to DNS\n"
		"  -j, --json                one JSON object per (directive, address), then the\n"
		"                            advice objects; an error as {\"type\":\"error\"}\n"
		"  -v, --verbose             debug messages\n"
		"  -h, --help                this help\n"
		"\n"
		"Examples:\n"
		"  avcsnoop preflight\n"
		"  avcsnoop preflight --policy /etc/selinux/default/policy/policy.33 site.conf\n"
		"\n"
		"Exit status: 0 every socket allowed, 1 error (a bad configuration is reported as\n"
		"FILE:LINE), 2 bad usage, 3 anything would be denied, 4 nothing denied but some\n"
		"socket unknown (decided at run time, an unlabelled port, no peer yet).\n");
}

int cmd_preflight(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'P' },
		{ "domain", required_argument, NULL, 'd' },
		{ "file-contexts", required_argument, NULL, 'F' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "root", required_argument, NULL, 'R' },
		{ "resolve", optional_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct preflight_opts o = { .conf = "/etc/nginx/nginx.conf", .resolve_secs = 5 };
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "P:jvh", opts, NULL)) != -1) {
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
		case 'p':
			o.prefix = optarg;
			break;
		case 'R':
			o.root = optarg;
			break;
		case 'r':
			o.resolve = true;
			if (!optarg)
				break;
			if (parse_seconds(optarg, "--resolve", &o.resolve_secs))
				return 2; /* said by parse_seconds */
			if (o.resolve_secs > 600) {
				p_err("--resolve: '%s' is over 600 seconds", optarg);
				return 2;
			}
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
			return usage_error("preflight");
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
