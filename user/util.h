/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef AVC_UTIL_H
#define AVC_UTIL_H

#include <signal.h>
#include <stdbool.h>

/* Parse a whole decimal number in [min, max]; on error print "OPTION: 'VALUE' is ..." */
int parse_ulong(const char *s, const char *what, unsigned long min, unsigned long max,
		unsigned long *out);
/* Seconds, fractional allowed ("0.5"), > 0 */
int parse_seconds(const char *s, const char *what, double *out);

/* SIGINT/SIGTERM set *flag (no SA_RESTART, so blocking calls return EINTR). */
void on_exit_signals(volatile sig_atomic_t *flag);

/* Is any process with one of these comms running? (for the "waiting for nginx" hint) */
bool comm_running(const char comms[][16], int n);

#endif
