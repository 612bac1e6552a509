// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include "escape.h"
#include "log.h"
#include "util.h"

static void bad_value(const char *what, const char *s, const char *why)
{
	char esc[128];

	escape_str(esc, sizeof(esc), s, ESC_TEXT);
	p_err("%s: '%s' %s", what, esc, why);
}

int parse_ulong(const char *s, const char *what, unsigned long min, unsigned long max,
		unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!s || !*s || !isdigit((unsigned char)*s)) {
		bad_value(what, s ? s : "", "is not a number");
		return -EINVAL;
	}
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end) {
		bad_value(what, s, "is not a number");
		return -EINVAL;
	}
	if (errno == ERANGE || v < min || v > max) {
		char why[96];

		snprintf(why, sizeof(why), "is out of range (%lu to %lu)", min, max);
		bad_value(what, s, why);
		return -ERANGE;
	}
	*out = v;
	return 0;
}

int parse_seconds(const char *s, const char *what, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = s && *s ? strtod(s, &end) : 0;
	if (!s || !*s || *end || errno || !isfinite(v) || v <= 0 || v > 1e7) {
		bad_value(what, s ? s : "", "is not a positive number of seconds");
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* wait_for_stop() checks for a closed output this often */
#define WAIT_SLICE_NS 100000000L

static volatile sig_atomic_t *exit_flag;

static void handle_exit_signal(int sig)
{
	if (exit_flag)
		*exit_flag = sig;
}

void on_exit_signals(volatile sig_atomic_t *flag)
{
	struct sigaction sa = { .sa_handler = handle_exit_signal, .sa_flags = SA_RESTART };
	struct sigaction ign = { .sa_handler = SIG_IGN };

	exit_flag = flag;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* a closed terminal or `systemctl kill -s HUP`: a last report, as SIGTERM */
	sigaction(SIGHUP, &sa, NULL);
	/* `| head -1` must not kill us before the export and the stats are written: a write to
	 * a pipe without a reader fails with EPIPE instead, and output_closed() notices it
	 */
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, NULL);
}

void block_exit_signals(bool block)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

bool output_closed(FILE *f)
{
	struct pollfd p = { .fd = fileno(f) };

	if (fflush(f) && errno == EPIPE)
		return true;
	/* nothing to flush: a pipe's write end polls POLLERR once its last reader is gone */
	return p.fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}

void wait_for_stop(double secs, volatile sig_atomic_t *stop, FILE *out)
{
	struct timespec now, end;
	long long left_ns;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += (time_t)secs;
	end.tv_nsec += (long)((secs - (double)(time_t)secs) * 1e9);
	while (!*stop) {
		struct timespec slice = { 0 };

		if (output_closed(out)) {
			*stop = SIGPIPE;
			return;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		left_ns = (long long)(end.tv_sec - now.tv_sec) * 1000000000LL +
			  (end.tv_nsec - now.tv_nsec);
		if (left_ns <= 0)
			return;
		/* a signal cuts the slice short (nanosleep is never restarted); a closed reader
		 * is noticed within 100 ms
		 */
		slice.tv_nsec = left_ns < WAIT_SLICE_NS ? (long)left_ns : WAIT_SLICE_NS;
		nanosleep(&slice, NULL);
	}
}

bool comm_running(const char comms[][16], int n)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	bool found = false;

	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		char path[300], comm[32] = "";
		FILE *f;
		int i;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
		for (i = 0; i < n; i++)
			if (!strncmp(comm, comms[i], 16))
				found = true;
	}
	closedir(d);
	return found;
}

void text_set(char *buf, size_t sz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sz, fmt, ap);
	va_end(ap);
}

void text_cat(char *buf, size_t sz, const char *fmt, ...)
{
	size_t used = strnlen(buf, sz);
	va_list ap;

	if (used + 1 >= sz)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, sz - used, fmt, ap);
	va_end(ap);
}

double mono_now(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

int usage_error(const char *cmd)
{
	fprintf(stderr, "Try 'avcsnoop %s --help' for the options.\n", cmd);
	return EXIT_USAGE;
}

static int path_error(const char *what, const char *path, const char *why)
{
	char esc[512];

	escape_str(esc, sizeof(esc), path, ESC_TEXT);
	p_err("%s %s: %s", what, esc, why);
	return -EINVAL;
}

int check_input_file(const char *path, const char *what)
{
	struct stat st;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		err = errno;
		path_error(what, path, strerror(err));
		return -err;
	}
	err = fstat(fd, &st) ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
	close(fd);
	if (err) {
		path_error(what, path, strerror(err));
		return -err;
	}
	return 0;
}

int check_output_dir(const char *path, const char *what)
{
	char dir[4096];

	if (!path[0])
		return path_error(what, path, "an empty file name");
	const char *slash = strrchr(path, '/');
	struct stat st;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (stat(dir, &st)) {
		int err = errno;

		path_error(what, path,
			   err == ENOENT ? "its directory does not exist" : strerror(err));
		return -err;
	}
	if (!S_ISDIR(st.st_mode))
		return path_error(what, path, "its directory is not a directory");
	if (access(dir, W_OK | X_OK))
		return path_error(what, path, "its directory is not writable");
	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		return path_error(what, path, "is a directory");
	return 0;
}
