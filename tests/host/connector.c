// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Test workload for the host suite: makes connect() attempts with known outcomes.
 *
 *   connector [OPTIONS] TARGET...
 *     TARGET: tcp4:ADDR:PORT | tcp6:ADDR:PORT | unix:PATH | abstract:NAME
 *             PORT 0 with --listen picks a free port
 *   --listen            open a listener on each target first (so the connect succeeds)
 *   --closed            bind a free port, close it, and connect there (refused)
 *   --bind              no connect: bind() a socket to each target and keep it (port 0 picks
 *                       a free one); prints "bind TARGET PORT ret=R errno=NAME"
 *   --again             with --bind: then bind a second socket to the same port
 *                       (EADDRINUSE); prints "again TARGET PORT ret=R errno=NAME"
 *   --comm NAME         set the task's comm (may hold any bytes, e.g. control characters)
 *   --cgroup DIR        move into this cgroup v2 directory first
 *   --landlock-allow P  Landlock: allow TCP connect only to port P (ABI >= 4)
 *   --landlock-bind-allow P
 *                       Landlock: allow TCP bind only to port P (ABI >= 4), before --bind
 *   --count N           repeat each connect N times
 *   --nonblock          non-blocking sockets (waits for the outcome with poll)
 *   --seconds S         benchmark: repeat for S seconds, print "rate CONNECTS_PER_SECOND" and
 *                       "cpurate CONNECTS_PER_CPU_SECOND" (this process's user + system time,
 *                       which includes the BPF programs run in its context)
 *   --io-uring          connect through io_uring (IORING_OP_CONNECT), not connect(2)
 *
 * Prints "pid PID" first, then per target "TARGET PORT ret=R errno=NAME", then
 * "attempts N". Exits 0 unless setup failed (a failed connect is an expected result).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/landlock.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* Landlock network rules (Linux 6.7, ABI 4); Debian 12's uapi headers predate them. */
#ifndef LANDLOCK_ACCESS_NET_CONNECT_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP	(1ULL << 0)
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#define LANDLOCK_RULE_NET_PORT		2
struct landlock_net_port_attr {
	__u64 allowed_access;
	__u64 port;
};
struct landlock_ruleset_attr_v4 {
	__u64 handled_access_fs;
	__u64 handled_access_net;
};
#else
#define landlock_ruleset_attr_v4 landlock_ruleset_attr
#endif

struct target {
	int family; /* AF_INET, AF_INET6, AF_UNIX */
	bool abstract;
	struct sockaddr_storage ss;
	socklen_t len;
	char spec[256];
};

static void die(const char *what)
{
	fprintf(stderr, "connector: %s: %s\n", what, strerror(errno));
	exit(2);
}

static int parse_target(const char *spec, struct target *t)
{
	char buf[256], *colon;

	memset(t, 0, sizeof(*t));
	snprintf(t->spec, sizeof(t->spec), "%s", spec);
	if (!strncmp(spec, "unix:", 5) || !strncmp(spec, "abstract:", 9)) {
		struct sockaddr_un *sun = (struct sockaddr_un *)&t->ss;
		const char *name = strchr(spec, ':') + 1;
		size_t n = strlen(name);

		t->family = AF_UNIX;
		sun->sun_family = AF_UNIX;
		t->abstract = spec[0] == 'a';
		if (n + t->abstract >= sizeof(sun->sun_path))
			return -1;
		memcpy(sun->sun_path + t->abstract, name, n);
		t->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + t->abstract + n +
				     !t->abstract);
		return 0;
	}
	if (strncmp(spec, "tcp4:", 5) && strncmp(spec, "tcp6:", 5))
		return -1;
	snprintf(buf, sizeof(buf), "%s", spec + 5);
	colon = strrchr(buf, ':');
	if (!colon)
		return -1;
	*colon = '\0';
	if (spec[3] == '4') {
		struct sockaddr_in *sin = (struct sockaddr_in *)&t->ss;

		t->family = sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)atoi(colon + 1));
		if (inet_pton(AF_INET, buf, &sin->sin_addr) != 1)
			return -1;
		t->len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&t->ss;
		char *a = buf;

		if (*a == '[') {
			a++;
			a[strcspn(a, "]")] = '\0';
		}
		t->family = sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)atoi(colon + 1));
		if (inet_pton(AF_INET6, a, &sin6->sin6_addr) != 1)
			return -1;
		t->len = sizeof(*sin6);
	}
	return 0;
}

static uint16_t target_port(const struct target *t)
{
	if (t->family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&t->ss)->sin_port);
	if (t->family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&t->ss)->sin6_port);
	return 0;
}

static void set_port(struct target *t, uint16_t port)
{
	if (t->family == AF_INET)
		((struct sockaddr_in *)&t->ss)->sin_port = htons(port);
	else if (t->family == AF_INET6)
		((struct sockaddr_in6 *)&t->ss)->sin6_port = htons(port);
}

/* --bind: one bind() as a server would (no SO_REUSEADDR), the socket kept until exit. */
static void bind_only(const char *what, struct target *t)
{
	struct sockaddr_storage got;
	socklen_t glen = sizeof(got);
	int fd = socket(t->family, SOCK_STREAM, 0), err = 0;

	if (fd < 0)
		die("socket");
	if (bind(fd, (struct sockaddr *)&t->ss, t->len))
		err = errno;
	else if (t->family != AF_UNIX && !target_port(t)) {
		if (getsockname(fd, (struct sockaddr *)&got, &glen))
			die("getsockname");
		set_port(t, t->family == AF_INET ? ntohs(((struct sockaddr_in *)&got)->sin_port)
						 : ntohs(((struct sockaddr_in6 *)&got)->sin6_port));
	}
	printf("%s %s %u ret=%d errno=%s\n", what, t->spec, target_port(t), err ? -1 : 0,
	       err ? strerrorname_np(err) : "0");
}

/* Bind (and listen on) the target's address; port 0 becomes a free port. */
static int bind_target(struct target *t, bool do_listen)
{
	struct sockaddr_storage got;
	socklen_t glen = sizeof(got);
	int one = 1, fd = socket(t->family, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (t->family == AF_UNIX && !t->abstract)
		unlink(((struct sockaddr_un *)&t->ss)->sun_path);
	if (bind(fd, (struct sockaddr *)&t->ss, t->len))
		die("bind");
	if (do_listen && listen(fd, 4096))
		die("listen");
	if (t->family != AF_UNIX) {
		if (getsockname(fd, (struct sockaddr *)&got, &glen))
			die("getsockname");
		set_port(t, t->family == AF_INET ? ntohs(((struct sockaddr_in *)&got)->sin_port)
						 : ntohs(((struct sockaddr_in6 *)&got)->sin6_port));
	}
	return fd;
}

/* access: LANDLOCK_ACCESS_NET_CONNECT_TCP or LANDLOCK_ACCESS_NET_BIND_TCP */
static void landlock_allow_only(uint16_t port, __u64 access)
{
	struct landlock_ruleset_attr_v4 attr = {
		.handled_access_net = access,
	};
	struct landlock_net_port_attr rule = {
		.allowed_access = access,
		.port = port,
	};
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	int fd;

	if (abi < 4) {
		fprintf(stderr, "connector: Landlock ABI %ld < 4: no network rules\n", abi);
		exit(3);
	}
	fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0)
		die("landlock_create_ruleset");
	if (syscall(SYS_landlock_add_rule, fd, LANDLOCK_RULE_NET_PORT, &rule, 0))
		die("landlock_add_rule");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		die("PR_SET_NO_NEW_PRIVS");
	if (syscall(SYS_landlock_restrict_self, fd, 0))
		die("landlock_restrict_self");
	close(fd);
}

static void join_cgroup(const char *dir)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "w");
	if (!f)
		die(path);
	fprintf(f, "%d\n", getpid());
	if (fclose(f))
		die(path);
}

/*
 * One IORING_OP_CONNECT through a fresh ring (raw syscalls: liburing is not a dependency).
 * Returns 0 or the positive errno of the completion.
 */
static int uring_connect(int fd, const struct target *t)
{
	struct io_uring_params p = { 0 };
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqe;
	unsigned int *sq_tail, *sq_array, *cq_head, *cq_tail, mask;
	size_t sq_len, cq_len;
	void *sq, *cq;
	int ring, res;

	ring = (int)syscall(__NR_io_uring_setup, 1, &p);
	if (ring < 0)
		die("io_uring_setup");
	sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED, ring, IORING_OFF_SQ_RING);
	cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED, ring, IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * sizeof(*sqes), PROT_READ | PROT_WRITE, MAP_SHARED, ring,
		    IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED)
		die("mmap io_uring");
	sq_tail = (unsigned int *)((char *)sq + p.sq_off.tail);
	sq_array = (unsigned int *)((char *)sq + p.sq_off.array);
	mask = *(unsigned int *)((char *)sq + p.sq_off.ring_mask);
	memset(&sqes[0], 0, sizeof(sqes[0]));
	sqes[0].opcode = IORING_OP_CONNECT;
	sqes[0].fd = fd;
	sqes[0].addr = (unsigned long)&t->ss;
	sqes[0].off = t->len;
	sq_array[*sq_tail & mask] = 0;
	__atomic_store_n(sq_tail, *sq_tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		die("io_uring_enter");
	cq_head = (unsigned int *)((char *)cq + p.cq_off.head);
	cq_tail = (unsigned int *)((char *)cq + p.cq_off.tail);
	if (*cq_head == __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE)) {
		fprintf(stderr, "connector: no io_uring completion\n");
		exit(2);
	}
	cqe = (struct io_uring_cqe *)((char *)cq + p.cq_off.cqes) +
	      (*cq_head & *(unsigned int *)((char *)cq + p.cq_off.ring_mask));
	res = cqe->res;
	__atomic_store_n(cq_head, *cq_head + 1, __ATOMIC_RELEASE);
	munmap(sqes, p.sq_entries * sizeof(*sqes));
	munmap(cq, cq_len);
	munmap(sq, sq_len);
	close(ring);
	return res < 0 ? -res : 0;
}

static bool use_uring;

static int connect_once(const struct target *t, bool nonblock)
{
	int fd = socket(t->family, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0), 0);
	int ret, err = 0;

	if (fd < 0)
		die("socket");
	if (use_uring) {
		err = uring_connect(fd, t);
		close(fd);
		return err;
	}
	ret = connect(fd, (const struct sockaddr *)&t->ss, t->len);
	if (ret)
		err = errno;
	if (ret && err == EINPROGRESS) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		socklen_t elen = sizeof(err);

		poll(&p, 1, 5000);
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
		err = err ? err : 0;
		ret = err ? -1 : 0;
	}
	close(fd);
	return ret ? err : 0;
}

int main(int argc, char **argv)
{
	bool do_listen = false, closed = false, nonblock = false, bind_mode = false, again = false;
	long count = 1, attempts = 0, landlock_port = -1, landlock_bind_port = -1;
	double seconds = 0;
	const char *comm = NULL, *cgroup = NULL;
	struct target t;
	int i, err = 0, lfd = -1;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--listen"))
			do_listen = true;
		else if (!strcmp(argv[i], "--closed"))
			closed = true;
		else if (!strcmp(argv[i], "--bind"))
			bind_mode = true;
		else if (!strcmp(argv[i], "--again"))
			again = true;
		else if (!strcmp(argv[i], "--nonblock"))
			nonblock = true;
		else if (!strcmp(argv[i], "--io-uring"))
			use_uring = true;
		else if (!strcmp(argv[i], "--comm") && i + 1 < argc)
			comm = argv[++i];
		else if (!strcmp(argv[i], "--cgroup") && i + 1 < argc)
			cgroup = argv[++i];
		else if (!strcmp(argv[i], "--landlock-allow") && i + 1 < argc)
			landlock_port = atol(argv[++i]);
		else if (!strcmp(argv[i], "--landlock-bind-allow") && i + 1 < argc)
			landlock_bind_port = atol(argv[++i]);
		else if (!strcmp(argv[i], "--count") && i + 1 < argc)
			count = atol(argv[++i]);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else {
			fprintf(stderr, "connector: bad option %s\n", argv[i]);
			return 2;
		}
	}
	if (cgroup)
		join_cgroup(cgroup);
	if (comm && prctl(PR_SET_NAME, comm, 0, 0, 0))
		die("PR_SET_NAME");
	if (landlock_bind_port >= 0)
		landlock_allow_only((uint16_t)landlock_bind_port, LANDLOCK_ACCESS_NET_BIND_TCP);
	printf("pid %d\n", getpid());
	for (; i < argc; i++) {
		long n;

		if (parse_target(argv[i], &t)) {
			fprintf(stderr, "connector: bad target %s\n", argv[i]);
			return 2;
		}
		if (bind_mode) {
			bind_only("bind", &t);
			if (again)
				bind_only("again", &t);
			continue;
		}
		if (do_listen || closed)
			lfd = bind_target(&t, do_listen);
		if (closed) {
			close(lfd);
			lfd = -1;
		}
		/* Landlock after the listener exists: only connect() is restricted. */
		if (landlock_port >= 0) {
			landlock_allow_only((uint16_t)landlock_port,
					    LANDLOCK_ACCESS_NET_CONNECT_TCP);
			landlock_port = -1;
		}
		if (seconds > 0) {
			struct timespec t0, t1;
			struct rusage ru0, ru1;
			pid_t acceptor = -1;
			double el, cpu;

			/* a storm against a listener needs someone to accept, or the backlog fills */
			if (do_listen) {
				acceptor = fork();
				if (acceptor == 0) {
					prctl(PR_SET_PDEATHSIG, SIGKILL);
					for (;;) {
						int c = accept(lfd, NULL, NULL);

						if (c >= 0)
							close(c);
					}
				}
			}
			getrusage(RUSAGE_SELF, &ru0);
			clock_gettime(CLOCK_MONOTONIC, &t0);
			do {
				for (n = 0; n < 256; n++)
					err = connect_once(&t, nonblock);
				attempts += 256;
				clock_gettime(CLOCK_MONOTONIC, &t1);
				el = (double)(t1.tv_sec - t0.tv_sec) +
				     (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
			} while (el < seconds);
			getrusage(RUSAGE_SELF, &ru1);
			cpu = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) +
			      (double)(ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
			      (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e6 +
			      (double)(ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
			printf("rate %.0f\n", (double)attempts / el);
			printf("cpurate %.0f\n", cpu > 0 ? (double)attempts / cpu : 0);
			if (acceptor > 0)
				kill(acceptor, SIGKILL);
		}
		for (n = 0; seconds <= 0 && n < count; n++) {
			err = connect_once(&t, nonblock);
			attempts++;
		}
		printf("%s %u ret=%d errno=%s\n", t.spec, target_port(&t), err ? -1 : 0,
		       err ? strerrorname_np(err) : "0");
		if (lfd >= 0)
			close(lfd);
		if (t.family == AF_UNIX && !t.abstract && do_listen)
			unlink(((struct sockaddr_un *)&t.ss)->sun_path);
	}
	printf("attempts %ld\n", attempts);
	return 0;
}
