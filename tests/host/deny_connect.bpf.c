// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Test fixture: a cgroup/connect4 program that refuses two ports the way real cgroup
 * policies do. Port 4242: bpf_set_retval(-EACCES), the errno an LSM would give; port 4243:
 * a plain "return 0", which the kernel turns into EPERM. Port 4244 is rewritten to 4245, as a
 * socket load balancer rewrites a service address to a backend. Any other port: allowed.
 */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define DENY_EACCES_PORT 4242
#define DENY_EPERM_PORT	 4243
#define REWRITE_FROM	 4244
#define REWRITE_TO	 4245

char LICENSE[] SEC("license") = "GPL";

SEC("cgroup/connect4")
int deny_connect4(struct bpf_sock_addr *ctx)
{
	__u16 port = bpf_ntohs((__u16)ctx->user_port);

	if (port == DENY_EACCES_PORT) {
		bpf_set_retval(-13 /* EACCES */);
		return 0;
	}
	if (port == DENY_EPERM_PORT)
		return 0;
	if (port == REWRITE_FROM)
		ctx->user_port = bpf_htons(REWRITE_TO);
	return 1;
}
