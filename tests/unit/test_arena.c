// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The arena an advice is built in (user/arena.h): growth, its cap, reset; and the command and
 * advice that live in one.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "arena.h"
#include "command.h"
#include "recommend.h"
#include "test.h"

/* Allocations past the first block come from new ones; nothing moves, nothing overlaps. */
TEST(arena_grows_past_a_block_and_keeps_what_it_gave)
{
	struct arena ar = { 0 };
	char *p[40];
	const char *big, *s;
	int i, k;

	for (i = 0; i < 40; i++) {
		p[i] = arena_alloc(&ar, 500);
		CHECK(p[i]);
		CHECK((uintptr_t)p[i] % _Alignof(max_align_t) == 0);
		memset(p[i], 'a' + i % 26, 500);
	}
	/* 40 x 500 bytes: more than one block */
	CHECK(ar.held > ARENA_BLOCK_SIZE);
	CHECK(arena_used(&ar) >= 40 * 500);
	for (i = 0; i < 40; i++)
		for (k = 0; k < 500; k++)
			CHECK(p[i][k] == 'a' + i % 26);
	/* one allocation larger than a block gets a block of its own */
	big = arena_alloc(&ar, 3 * ARENA_BLOCK_SIZE);
	CHECK(big);
	CHECK(!ar.overflow);
	s = arena_printf(&ar, "%s-%d", "text", 42);
	CHECK_STR(s, "text-42");
	CHECK_STR(arena_strdup(&ar, "copy"), "copy");
	arena_release(&ar);
	CHECK(!ar.head && !ar.held);
}

/* Appending grows the latest text in place, and copies an older one (or a literal). */
TEST(arena_appends_in_place_or_by_copy)
{
	struct arena ar = { 0 };
	const char *a = "", *b, *lit = "literal";
	const char *was;
	int i;

	CHECK_INT(arena_appendf(&ar, &a, "one"), 0);
	was = a;
	CHECK_INT(arena_appendf(&ar, &a, ", two"), 0);
	CHECK(a == was); /* the latest text: grown where it is */
	b = arena_strdup(&ar, "b");
	CHECK_INT(arena_appendf(&ar, &a, ", three"), 0);
	CHECK(a != was); /* no longer the latest: copied whole */
	CHECK_STR(a, "one, two, three");
	CHECK_STR(was, "one, two"); /* the old copy is untouched */
	CHECK_STR(b, "b");
	CHECK_INT(arena_appendf(&ar, &lit, " and more"), 0);
	CHECK_STR(lit, "literal and more");
	/* a text longer than a block, appended a piece at a time */
	a = "";
	for (i = 0; i < 1000; i++)
		CHECK_INT(arena_appendf(&ar, &a, "%04d,", i), 0);
	CHECK(strlen(a) == 5000);
	CHECK(!strncmp(a, "0000,0001,", 10) && !strcmp(a + 4995, "0999,"));
	arena_release(&ar);
}

/* Past its cap an arena refuses, says so, and never hands out a cut text. */
TEST(arena_cap_refuses_and_is_reported)
{
	const size_t part = ARENA_BLOCK_SIZE * 3 / 4;
	const char *s = "kept", *t;
	struct arena ar;
	char big[3000];

	arena_init(&ar, 2 * ARENA_BLOCK_SIZE);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK(arena_alloc(&ar, part));
	CHECK(arena_alloc(&ar, part)); /* a block each */
	CHECK(!ar.overflow);
	CHECK(ar.held == 2 * ARENA_BLOCK_SIZE);
	/* a third block would pass the cap */
	CHECK(!arena_alloc(&ar, part));
	CHECK(ar.overflow);
	t = arena_strdup(&ar, big);
	CHECK_STR(t, ""); /* all or nothing */
	CHECK_STR(arena_printf(&ar, "%s", big), "");
	CHECK_INT(arena_appendf(&ar, &s, "%s", big), -ENOSPC);
	CHECK_STR(s, "kept");
	CHECK(ar.held <= 2 * ARENA_BLOCK_SIZE);
	/* a cap below a block's size: the block is what the cap leaves */
	arena_release(&ar);
	arena_init(&ar, 1000);
	CHECK(arena_alloc(&ar, 500));
	CHECK(ar.held == 1000);
	CHECK(!arena_alloc(&ar, 500));
	CHECK(ar.overflow);
	/* one allocation larger than the cap, on an empty arena */
	arena_release(&ar);
	CHECK(!arena_alloc(&ar, 3 * ARENA_BLOCK_SIZE));
	CHECK(ar.overflow);
	arena_release(&ar);
}

/* A reset gives back all but one block, clears the overflow, and the arena serves again. */
TEST(arena_reset_keeps_one_block_and_clears_overflow)
{
	struct arena ar;
	int i;

	arena_init(&ar, 4 * ARENA_BLOCK_SIZE);
	for (i = 0; i < 10; i++)
		arena_alloc(&ar, ARENA_BLOCK_SIZE * 2 / 3);
	CHECK(ar.overflow); /* a block each: four, then the cap */
	arena_reset(&ar);
	CHECK(!ar.overflow);
	CHECK_INT(ar.held, ARENA_BLOCK_SIZE);
	CHECK(arena_used(&ar) == 0);
	CHECK(ar.cap == 4 * ARENA_BLOCK_SIZE);
	CHECK_STR(arena_printf(&ar, "again %d", 1), "again 1");
	arena_release(&ar);
	arena_reset(&ar); /* an empty arena resets to itself */
	CHECK(!ar.head && !ar.held);
}

/* A command's arguments grow in its arena; past the arena it is unusable, never cut. */
TEST(command_in_a_full_arena_is_refused_not_cut)
{
	struct arena ar;
	struct command c;
	char line[256], arg[1000];

	arena_init(&ar, ARENA_BLOCK_SIZE);
	command_init(&c, &ar, "setsebool");
	CHECK_INT(command_arg(&c, "-P"), 0);
	CHECK_INT(command_arg(&c, "httpd_can_network_relay"), 0);
	CHECK_INT(command_arg(&c, "1"), 0);
	CHECK_INT(command_set_note(&c, "a note"), 0);
	CHECK(command_shell_line(&c, line, sizeof(line)) > 0);
	CHECK_STR(line, "setsebool -P httpd_can_network_relay 1");
	CHECK_STR(c.note, "a note");
	/* fill the one block the cap allows: the next argument cannot fit */
	memset(arg, 'a', sizeof(arg) - 1);
	arg[sizeof(arg) - 1] = '\0';
	while (!ar.overflow && arena_alloc(&ar, 512))
		;
	CHECK_INT(command_arg(&c, arg), -ENOSPC);
	CHECK(c.overflow);
	CHECK(command_shell_line(&c, line, sizeof(line)) < 0);
	CHECK_STR(line, "");
	/* a file name too long for the redirect is refused the same way */
	arena_reset(&ar);
	command_init(&c, &ar, "printf");
	CHECK_INT(command_set_stdout(&c, arg), -ENOSPC);
	CHECK(c.overflow);
	arena_release(&ar);
}

/* An advice that cannot have a block at all is refused whole: no fix, no command. */
TEST(advice_in_an_arena_without_room_is_refused)
{
	struct advice a = { 0 };
	struct finding f;

	memset(&f, 0, sizeof(f));
	f.verdict = VERDICT_REFUSED;
	f.err = ECONNREFUSED;
	f.dport = 3000;
	strcpy(f.comm, "nginx");
	CHECK_INT(recommend(NULL, &f, &a), 0);
	CHECK(a.nfixes == 1 && !a.refused);
	CHECK(a.arena.cap == ADVICE_ARENA_CAP);
	CHECK_INT(a.fixes[0]->ncmds, 1);
	/* room for less than a block */
	advice_free(&a);
	arena_init(&a.arena, 64);
	CHECK_INT(recommend(NULL, &f, &a), -ENOSPC);
	CHECK(a.refused);
	CHECK_INT(a.nfixes, 0);
	CHECK(!a.has_verify);
	advice_free(&a);
}
