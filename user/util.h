/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef AVC_UTIL_H
#define AVC_UTIL_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

/* Exit codes, the same in every subcommand (docs/avcsnoop.8, EXIT STATUS). */
#define EXIT_RUNTIME  1 /* an error while working: a file that cannot be read, no BPF, ... */
#define EXIT_USAGE    2 /* bad command line: unknown option, bad value, missing argument */
#define EXIT_FINDINGS 3 /* the work was done and found something: a denial still there */

/* "s" when n calls for the plural of a count's noun ("1 attempt", "2 attempts"), else "". */
static inline const char *plural_s(unsigned long long n)
{
	return n == 1 ? "" : "s";
}

/* After getopt's own message for a bad option: one line pointing to the help, so the error
 * stays on the screen (the help itself is only for --help). Returns EXIT_USAGE.
 */
int usage_error(const char *cmd);

/* A file named on the command line, checked before any work starts: it exists, is not a
 * directory and can be opened for reading. On error prints "WHAT PATH: reason" (escaped)
 * and returns -errno.
 */
int check_input_file(const char *path, const char *what);
/* The directory a file will be created in exists and is a directory we may write. */
int check_output_dir(const char *path, const char *what);

/* Parse a whole decimal number in [min, max]; on error print "OPTION: 'VALUE' is ..." */
int parse_ulong(const char *s, const char *what, unsigned long min, unsigned long max,
		unsigned long *out);
/* Seconds, fractional allowed ("0.5"), > 0 */
int parse_seconds(const char *s, const char *what, double *out);

/* SIGINT, SIGTERM and SIGHUP set *flag. SA_RESTART: a write into a blocked pipe is resumed,
 * never cut short with EINTR (stdio would drop its buffer mid-line); the waits that must end
 * at a signal (nanosleep, poll, epoll_wait) are never restarted by the kernel anyway. SIGPIPE
 * is ignored: a closed stdout is noticed by output_closed() and ends the run as SIGINT does.
 */
void on_exit_signals(volatile sig_atomic_t *flag);
/* Block (hold pending) or unblock the signals of on_exit_signals(): a start-up that leaves
 * state behind (pins) is not cut in half; a signal held meanwhile is handled at unblock.
 */
void block_exit_signals(bool block);

/* Flush f; true when its reader has gone (EPIPE, or a pipe whose read end is closed, as
 * after `| head -1`). A terminal, a file or a closed descriptor is never "closed" here.
 */
bool output_closed(FILE *f);

/* CLOCK_MONOTONIC in seconds: deadlines and intervals (trace -d, watch's interval) */
double mono_now(void);

/* Sleep secs, less when a signal sets *stop or out's reader goes away (then *stop = SIGPIPE). */
void wait_for_stop(double secs, volatile sig_atomic_t *stop, FILE *out);

/* Text into a bounded buffer, where cutting it at the buffer's size is acceptable (sentences
 * for people): text_set is snprintf, text_cat appends; both always leave it NUL-terminated.
 */
void text_set(char *buf, size_t sz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void text_cat(char *buf, size_t sz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Is any process with one of these comms running? (for the "waiting for nginx" hint) */
bool comm_running(const char comms[][16], int n);

#endif
