// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The layout check of pinned maps (user/loader.c pin_spec_check) and the ABI version mark. */
#include <errno.h>
#include <linux/bpf.h>

#include "avcsnoop.h"
#include "loader.h"
#include "pin.h"
#include "test.h"

/* The info the kernel would report for the map s describes. */
static void info_of(const struct pin_spec *s, struct bpf_map_info *info)
{
	memset(info, 0, sizeof(*info));
	snprintf(info->name, sizeof(info->name), "%s", s->name);
	info->type = s->type;
	info->key_size = s->key_size;
	info->value_size = s->value_size;
	info->max_entries = s->max_entries ? s->max_entries : 10240;
}

TEST(pin_abi_version_follows_the_pinned_layouts)
{
	/*
	 * When this fails, a pinned layout changed: bump AVC_ABI_VERSION in include/avcsnoop.h
	 * and record here the sizes of the new version, so that an old pin is refused by name
	 * instead of read with the wrong layout.
	 */
	CHECK_INT(AVC_ABI_VERSION, 3);
	CHECK_INT(sizeof(struct agg_key), 64);
	CHECK_INT(sizeof(struct agg_val), 256);
	CHECK_INT(sizeof(struct avc_sel_names), 320);
	CHECK_INT(STAT_MAX, 7);
	CHECK_INT(VERDICT_MAX, 10);
}

TEST(pin_specs_describe_the_maps_watch_pins)
{
	const struct pin_spec *s;

	s = pin_spec_of("agg");
	CHECK(s != NULL);
	CHECK_INT(s->type, BPF_MAP_TYPE_HASH);
	CHECK_INT(s->key_size, sizeof(struct agg_key));
	CHECK_INT(s->value_size, sizeof(struct agg_val));
	s = pin_spec_of("agg_names");
	CHECK(s != NULL);
	CHECK_INT(s->value_size, sizeof(struct avc_sel_names));
	s = pin_spec_of("stats");
	CHECK(s != NULL);
	CHECK_INT(s->type, BPF_MAP_TYPE_PERCPU_ARRAY);
	CHECK_INT(s->value_size, sizeof(__u64));
	CHECK_INT(s->max_entries, STAT_MAX);
	s = pin_spec_of("abi");
	CHECK(s != NULL);
	CHECK_STR(s->name, "avc_abi");
	CHECK(pin_spec_of("link_avc_connect_enter") == NULL);
	CHECK(pin_spec_of("events") == NULL);
}

TEST(pin_spec_check_names_each_difference)
{
	const struct pin_spec *agg = pin_spec_of("agg"), *stats = pin_spec_of("stats");
	struct bpf_map_info info;
	char why[256];

	CHECK(agg && stats);
	info_of(agg, &info);
	CHECK_INT(pin_spec_check(agg, &info, true, why, sizeof(why)), 0);
	CHECK_STR(why, "");

	/* the map of the issue: `bpftool map create ... key 4096 value 8 ... name agg` */
	info.key_size = 4096;
	info.value_size = 8;
	CHECK_INT(pin_spec_check(agg, &info, true, why, sizeof(why)), -EPROTO);
	CHECK_STR(why, "key size 4096, expected 64; value size 8, expected 256");

	info_of(agg, &info);
	info.type = BPF_MAP_TYPE_LRU_HASH;
	CHECK_INT(pin_spec_check(agg, &info, true, why, sizeof(why)), -EPROTO);
	CHECK_STR(why, "type lru_hash, expected hash");

	/* a percpu value larger than the reader's buffer would overflow it */
	info_of(stats, &info);
	info.value_size = 16;
	CHECK_INT(pin_spec_check(stats, &info, true, why, sizeof(why)), -EPROTO);
	CHECK_STR(why, "value size 16, expected 8");
	info_of(stats, &info);
	info.max_entries = 3;
	CHECK_INT(pin_spec_check(stats, &info, true, why, sizeof(why)), -EPROTO);
	CHECK_STR(why, "3 entries, expected 7");

	/* any agg size is fine: --max-entries chooses it */
	info_of(agg, &info);
	info.max_entries = 5;
	CHECK_INT(pin_spec_check(agg, &info, true, why, sizeof(why)), 0);

	/* a small buffer holds what fits, still terminated */
	info.key_size = 4096;
	CHECK_INT(pin_spec_check(agg, &info, true, why, 10), -EPROTO);
	CHECK_STR(why, "key size ");
}

TEST(pin_spec_check_without_layout_tells_ours_of_any_version)
{
	const struct pin_spec *agg = pin_spec_of("agg");
	struct bpf_map_info info;
	char why[256];

	CHECK(agg);
	info_of(agg, &info);
	info.key_size = 96; /* an older avcsnoop's key: still ours to unpin */
	CHECK_INT(pin_spec_check(agg, &info, false, why, sizeof(why)), 0);
	snprintf(info.name, sizeof(info.name), "notours");
	CHECK_INT(pin_spec_check(agg, &info, false, why, sizeof(why)), -EPROTO);
	CHECK_STR(why, "named 'notours', expected 'agg'");
	info_of(agg, &info);
	info.type = BPF_MAP_TYPE_ARRAY;
	CHECK_INT(pin_spec_check(agg, &info, false, why, sizeof(why)), -EPROTO);
	CHECK_STR(why, "type array, expected hash");
}
