// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* avcsnoop: why can't nginx reach its upstream? Subcommands dispatch from one table. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "log.h"
#include "preflight.h"

/* from the file VERSION, through the Makefile (the Debian package carries the same) */
#ifndef AVCSNOOP_VERSION
#define AVCSNOOP_VERSION "unknown"
#endif

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct cmd cmds[] = {
	{ "trace", cmd_trace, "trace connect() attempts live, with their verdicts (default)" },
	{ "watch", cmd_watch, "count connects in the kernel; report failures every INTERVAL" },
	{ "dump", cmd_dump, "print the counters pinned by 'watch --pin DIR' once" },
	{ "recommend", cmd_recommend, "advise fixes for findings or AVC records, from the policy" },
	{ "preflight", cmd_preflight,
	  "predict the denials of an nginx configuration, before it runs" },
	{ "tighten", cmd_tighten, "undo a broad fix: the narrowest plan for what nginx uses" },
};

static void usage(FILE *f)
{
	size_t i;

	fputs("Usage: avcsnoop [COMMAND] [OPTIONS]\n"
	      "Explains why a process (nginx by default) cannot connect to its upstream: SELinux\n"
	      "denials (also those hidden by dontaudit), other LSMs, cgroup programs, refusals.\n"
	      "\nCommands:\n",
	      f);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
	fputs("\n'avcsnoop COMMAND --help' describes each command. See avcsnoop(8).\n"
	      "\nExamples:\n"
	      "  avcsnoop                 # same as 'avcsnoop trace': nginx's connects, live\n"
	      "  avcsnoop trace -f -j     # only failures, as JSON lines\n"
	      "  avcsnoop trace --recommend          # live, with fix advice per finding\n"
	      "  ausearch -m avc --raw | avcsnoop recommend\n"
	      "  avcsnoop recommend --policy policy.33 audit.log   # offline\n"
	      "  avcsnoop preflight /etc/nginx/nginx.conf        # before a deploy\n",
	      f);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
			usage(stdout);
			return 0;
		}
		if (argc >= 2 && !strcmp(argv[1], "--version")) {
			printf("avcsnoop %s\n", AVCSNOOP_VERSION);
			return 0;
		}
		return cmd_trace(argc, argv);
	}
	if (!strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	p_err("unknown command '%.64s' (see avcsnoop --help)", argv[1]);
	return 2;
}
