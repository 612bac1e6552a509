// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Every map and the configuration, defined once. Their shapes and what they hold are in
 * common.bpf.h, which the program files include (extern); bpftool's linker makes one object.
 */
#include "common.bpf.h"
#include "domain.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile struct avc_config cfg = {};

__u64 avc_active = 0;

struct inflight_map inflight SEC(".maps");
struct cgroup_tids_map cgroup_tids SEC(".maps");
struct selstr_map selstr SEC(".maps");
struct stats_map stats SEC(".maps");
struct events_map events SEC(".maps");
struct pending_map pending SEC(".maps");
struct cgroup_filter_map cgroup_filter SEC(".maps");
struct agg_map agg SEC(".maps");
struct agg_names_map agg_names SEC(".maps");
struct agg_quota_map agg_quota SEC(".maps");
struct nosys_socks_map nosys_socks SEC(".maps");
struct domain_sids_map domain_sids SEC(".maps");
struct domain_stats_map domain_stats SEC(".maps");
