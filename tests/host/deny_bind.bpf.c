// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Test fixture: cgroup/bind4 and bind6 programs that refuse port 4242 with
 * bpf_set_retval(-EACCES) and port 4243 with a plain "return 0" (EPERM), as a cgroup policy
 * that reserves ports would. Any other port: allowed.
 */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define DENY_EACCES_PORT 4242
#define DENY_EPERM_PORT	 4243

char LICENSE[] SEC("license") = "GPL";

static __always_inline int deny_bind(struct bpf_sock_addr *ctx)
{
	__u16 port = bpf_ntohs((__u16)ctx->user_port);

	if (port == DENY_EACCES_PORT) {
		bpf_set_retval(-13 /* EACCES */);
		return 0;
	}
	if (port == DENY_EPERM_PORT)
		return 0;
	return 1;
}

SEC("cgroup/bind4")
int deny_bind4(struct bpf_sock_addr *ctx)
{
	return deny_bind(ctx);
}

SEC("cgroup/bind6")
int deny_bind6(struct bpf_sock_addr *ctx)
{
	return deny_bind(ctx);
}
