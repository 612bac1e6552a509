/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Diagnostics: always on stderr, so stdout stays pure data (-j, --format). */
#ifndef AVC_LOG_H
#define AVC_LOG_H

#include <stdbool.h>

extern bool log_verbose;

void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void p_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void p_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void p_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
