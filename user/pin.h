/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Pinned state of watch --pin: the pin specs, the ABI map, pinning, opening and unpinning. */
#ifndef AVC_PIN_H
#define AVC_PIN_H

#include <stdbool.h>
#include <stddef.h>

#include "avcsnoop.h"
#include "loader.h"

/*
 * Pinning (watch --pin DIR): the counter maps and every link live under DIR on a bpffs, so
 * counting goes on after the process exits and a later process reads the same counters:
 *   DIR/agg, DIR/agg_names, DIR/stats       the watch-mode maps
 *   DIR/abi                                 a frozen one-entry array: AVC_ABI_VERSION
 *   DIR/link_<program>                      one per attached program (the links hold the
 *                                           programs, the programs hold the other maps)
 * Removing the files (loader_unpin) detaches everything. Every pinned map is checked against
 * its pin_spec before use: a foreign map or one of another version is refused, by name.
 */
struct bpf_map_info;

/* What the map pinned as DIR/file must be. */
struct pin_spec {
	const char *file;
	const char *name; /* the map's name in the kernel */
	__u32 type;	  /* enum bpf_map_type */
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries; /* 0: any (agg is sized by --max-entries) */
};

/* The spec of the map avcsnoop pins as DIR/file, or NULL when it pins no map by that name. */
const struct pin_spec *pin_spec_of(const char *file);

/*
 * Compare a pinned map's info with its spec. 0, or -EPROTO with every difference written to
 * why ("key size 4096, expected 112"). With layout false only the name and the type count:
 * enough to tell avcsnoop's maps of any version (--unpin) from another tool's.
 */
int pin_spec_check(const struct pin_spec *s, const struct bpf_map_info *info, bool layout,
		   char *why, size_t len);

/* Make dir a directory on a bpffs (mounting /sys/fs/bpf when it is missing). 0 or -errno. */
int pin_dir_prepare(const char *dir);
/* Pin the watch maps and every link of a started loader under dir. 0 or -errno. */
int loader_pin(struct loader *ld, const char *dir);
/*
 * Open the maps pinned under dir, each checked against its pin_spec, the version in dir/abi
 * against AVC_ABI_VERSION. 0; -ENOENT when nothing is pinned there (not reported); or -errno
 * after a message naming the pin, what was expected and what was found.
 * *nlinks: how many link_* pins are there (0: the counters no longer count).
 */
int pinned_open(const char *dir, struct agg_maps *m, int *nlinks);
void agg_maps_close(struct agg_maps *m);
/*
 * Remove avcsnoop's pins under dir, then dir: detaches the programs. dir must be on a bpffs,
 * and every entry named like one of avcsnoop's pins must be one (a map of the expected name
 * and type, of any version, or a link to an avc_ program): otherwise nothing is removed.
 * 0 or -errno after a message.
 */
int loader_unpin(const char *dir);

#endif
