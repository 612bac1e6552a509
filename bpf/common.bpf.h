/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * State shared by avcsnoop's BPF objects, which bpftool links into one: connect.bpf.c owns
 * (defines) the maps and the configuration, the others declare them extern.
 */
#ifndef AVC_COMMON_BPF_H
#define AVC_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "avcsnoop.h"

#ifdef AVC_OWNER
#define AVC_SHARED
#else
#define AVC_SHARED extern
#endif

/* One connect() in flight on a thread: what later hooks add facts to. */
struct attempt {
	__u64 ts_ns;
	__u64 uaddr; /* user pointer to the sockaddr */
	__u64 sk;    /* struct sock *, once inet_sock_set_state saw SYN_SENT */
	__u64 pid_tgid;
	__u64 cgroup_id;
	__u32 uid;
	__u32 flags; /* enum avc_attempt_flag */
	__s32 lsm_err;
	__s32 cgroup_err;
	__u16 family;
	__u16 port;
	__u16 addrlen;
	__u16 early; /* the TCP outcome arrived before connect() returned EINPROGRESS */
	__s32 early_err;
	__u32 pad;
	__u8 addr[16];
	char comm[AVC_COMM_LEN];
	struct avc_decision sel;
};

/* Context strings from selinux_audited, keyed per attempt (they are rare and large). */
struct sel_key {
	__u64 ts_ns;
	__u32 tid;
	__u32 pad;
};

struct sel_strings {
	char scontext[AVC_CTX_LEN];
	char tcontext[AVC_CTX_LEN];
	char tclass[AVC_CLASS_LEN];
};

AVC_SHARED const volatile struct avc_config cfg;

/* tid → the attempt in its connect() syscall */
AVC_SHARED struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct attempt);
} inflight SEC(".maps");

AVC_SHARED struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct sel_key);
	__type(value, struct sel_strings);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} selstr SEC(".maps");

AVC_SHARED struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

static __always_inline void stat_inc(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &which);

	if (v)
		(*v)++;
}

/* The attempt the current thread is making, or NULL when it is not a traced connect(). */
static __always_inline struct attempt *current_attempt(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	return bpf_map_lookup_elem(&inflight, &tid);
}

#endif /* AVC_COMMON_BPF_H */
