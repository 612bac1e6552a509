/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The subcommands; user/main.c dispatches to them from one table. */
#ifndef AVC_COMMANDS_H
#define AVC_COMMANDS_H

int cmd_trace(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_dump(int argc, char **argv);

/* `avcsnoop recommend`: wired into user/main.c's subcommand table. */
int cmd_recommend(int argc, char **argv);
int cmd_tighten(int argc, char **argv);

#endif
