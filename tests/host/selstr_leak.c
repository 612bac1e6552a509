// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * selstr_leak trace|watch: the SELinux names of an attempt (the selstr map) are freed when
 * the attempt ends, also when its report finds the ring buffer full (trace) or the counter
 * table full (watch). Runs tests/host/selstr_leak.bpf.c, which ends attempts through the
 * connect path's own complete_attempt(), 3x more often than selstr has slots; every attempt
 * must still get its names, and selstr must be empty afterwards.
 * Prints one line and exits 0 when that holds, 1 when not, 2 when it cannot run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "avcsnoop.h"
#include "tests/host/selstr_leak.skel.h"

#define ATTEMPTS 3072

static __u64 stat_sum(int fd, __u32 which)
{
	int ncpus = libbpf_num_possible_cpus(), i;
	__u64 *vals, sum = 0;

	vals = calloc(ncpus > 0 ? ncpus : 1, sizeof(*vals));
	if (vals && !bpf_map_lookup_elem(fd, &which, vals))
		for (i = 0; i < ncpus; i++)
			sum += vals[i];
	free(vals);
	return sum;
}

static int count_entries(int fd, size_t key_size)
{
	char key[64], next[64];
	void *prev = NULL;
	int n = 0;

	if (key_size > sizeof(key))
		return -1;
	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, key_size);
		prev = key;
		n++;
	}
	return n;
}

int main(int argc, char **argv)
{
	struct selstr_leak_bpf *skel;
	bool watch = argc > 1 && !strcmp(argv[1], "watch");
	int prog_fd, i, left, named = 0, err, ret = 1;
	__u64 full, args[2];
	LIBBPF_OPTS(bpf_test_run_opts, run, .ctx_in = args, .ctx_size_in = sizeof(args));

	if (argc != 2 || (!watch && strcmp(argv[1], "trace"))) {
		fprintf(stderr, "usage: %s trace|watch\n", argv[0]);
		return 2;
	}
	skel = selstr_leak_bpf__open();
	if (!skel) {
		printf("cannot open the test object: %s\n", strerror(errno));
		return 2;
	}
	skel->rodata->cfg.mode = watch ? MODE_WATCH : MODE_TRACE;
	skel->rodata->cfg.ringbuf_bytes = (__u32)getpagesize();
	/* full from the first few reports on: nobody reads the ring, one counter slot */
	bpf_map__set_max_entries(skel->maps.events, (__u32)getpagesize());
	bpf_map__set_max_entries(skel->maps.agg, 1);
	err = selstr_leak_bpf__load(skel);
	if (err) {
		printf("cannot load the test object: %s\n", strerror(-err));
		ret = 2;
		goto out;
	}
	prog_fd = bpf_program__fd(skel->progs.selstr_attempt);
	for (i = 0; i < ATTEMPTS; i++) {
		args[0] = 1000 + (__u64)i;
		args[1] = 1 + (__u64)i % 60000;
		err = bpf_prog_test_run_opts(prog_fd, &run);
		if (err) {
			printf("BPF_PROG_TEST_RUN: %s\n", strerror(errno));
			ret = 2;
			goto out;
		}
		named += run.retval == 1;
	}
	full = stat_sum(bpf_map__fd(skel->maps.stats), watch ? STAT_AGG_OVERFLOW : STAT_RB_DROPS);
	left = count_entries(bpf_map__fd(skel->maps.selstr), bpf_map__key_size(skel->maps.selstr));
	if (full < ATTEMPTS / 2)
		printf("the %s was full for only %llu of %d attempts: the test did not test\n",
		       watch ? "counter table" : "ring buffer", (unsigned long long)full, ATTEMPTS);
	else if (named != ATTEMPTS)
		printf("names captured for %d of %d attempts\n", named, ATTEMPTS);
	else if (left != 0)
		printf("%d selstr entries left after every attempt ended\n", left);
	else
		ret = 0;
	if (!ret)
		printf("%d attempts, %s full for %llu: every one named, selstr empty\n", ATTEMPTS,
		       watch ? "counter table" : "ring buffer", (unsigned long long)full);
out:
	selstr_leak_bpf__destroy(skel);
	return ret;
}
