// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The end of an attempt that carried SELinux names, driven from user space through
 * BPF_PROG_TEST_RUN (tests/host/selstr_leak.c): the host has no SELinux to produce names,
 * so this program stands in for the SELinux hooks and then runs the very code the connect
 * path runs, complete_attempt() from bpf/common.bpf.h, linked against bpf/maps.bpf.c.
 */
#include "../../bpf/common.bpf.h"

/*
 * One attempt per run: ctx[0] its start time (distinct per run: a new selstr key), ctx[1] its
 * port (distinct per run in watch mode: a new counter key). Returns 1 when the names entry
 * could be created, i.e. the names a report would carry.
 */
/* the attempt lives in a map, as the connect path's do: on the stack, it and the counting
 * code's locals (the counter key, a new row's value) would pass the 512-byte BPF stack
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct attempt);
} selstr_scratch SEC(".maps");

SEC("raw_tp")
int selstr_attempt(__u64 *ctx)
{
	struct avc_sel_names *s;
	struct attempt *a;
	__u32 zero = 0;
	int created;

	a = bpf_map_lookup_elem(&selstr_scratch, &zero);
	if (!a)
		return 0;
	__builtin_memset(a, 0, sizeof(*a));
	a->ts_ns = ctx[0];
	a->pid_tgid = 42;
	a->family = AVC_AF_INET;
	a->port = (__u16)ctx[1];
	__builtin_memcpy(a->comm, "selstr-test", 12);
	/* what avc_sel_audited and record_denial leave behind */
	a->flags = AF_SEL_DENIED | AF_SEL_AUDITED;
	s = attempt_strings(a);
	created = s != NULL;
	if (s)
		__builtin_memcpy(s->tclass, "tcp_socket", 11);
	complete_attempt(a, -AVC_EACCES, AVC_EACCES, false);
	return created;
}
