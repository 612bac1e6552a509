/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The ground floor of the policy questions: pure string helpers on SELinux names (a context's
 * type, a transport's name and socket class) that need no policy, so parsers and their fuzzers
 * (user/findings_io.c) use them without linking libsepol. user/policy.h includes this header.
 */
#ifndef AVC_CONTEXT_H
#define AVC_CONTEXT_H

#include <stddef.h>

#define POLICY_NAME_LEN 128

/* The type field of a context "u:r:t[:mls]" copied into out; -EINVAL when malformed. */
int context_type(const char *context, char *out, size_t outsz);

enum policy_proto { PROTO_TCP, PROTO_UDP, PROTO_SCTP, PROTO_DCCP };
const char *proto_name(enum policy_proto proto);
/* The transport whose port labels decide name_connect/name_bind on tclass: tcp_socket is
 * PROTO_TCP, udp_socket PROTO_UDP, ... 0, or -ENOENT for any other class.
 */
int policy_proto_of_class(const char *tclass, enum policy_proto *out);

#endif
