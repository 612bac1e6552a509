// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * --domain: every running task's SELinux SID, for user space to learn the SIDs in use before
 * the connect path attaches (user/domain.c pairs each with the task's attr/current).
 */
#include "domain.bpf.h"

SEC("iter/task")
int avc_domain_iter(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct domain_task_rec r = {};

	if (!task)
		return 0;
	r.pid = (__u32)BPF_CORE_READ(task, tgid);
	r.tid = (__u32)BPF_CORE_READ(task, pid);
	r.sid = task_sid(task);
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}
