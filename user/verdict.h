/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Names for the verdict vocabulary of include/avcsnoop.h and for errno values. */
#ifndef AVC_VERDICT_H
#define AVC_VERDICT_H

#include "avcsnoop.h"

/* Stable machine name used in JSON, metrics and findings: "selinux_denied". */
const char *verdict_name(enum avc_verdict v);
/* Short column text for trace output: "SELINUX-DENIED". */
const char *verdict_column(enum avc_verdict v);
/* A sentence for humans: "denied by SELinux". */
const char *verdict_text(enum avc_verdict v);
/* Parse a machine name; returns VERDICT_MAX when unknown. */
enum avc_verdict verdict_from_name(const char *name);
/* True for the verdicts that mean SELinux stopped, or would have stopped, the attempt. */
int verdict_is_selinux(enum avc_verdict v);
/* True when the attempt did not connect (anything but allowed and in progress). */
int verdict_is_failure(enum avc_verdict v);

/* "EACCES" for 13, "E123" for unknown values, "0" for 0. Returns a static or buf. */
const char *errno_name(int err, char *buf, unsigned long bufsz);
/* Inverse of errno_name for the names it knows; -1 when unknown. */
int errno_from_name(const char *name);

/* "inet", "inet6", "unix"; "other" for any other family. family_from_name: 0 if unknown. */
const char *family_name(unsigned int family);
unsigned int family_from_name(const char *name);

#endif
