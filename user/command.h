/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A command the administrator may paste as root: a list of arguments (and at most a file
 * that standard output goes to), never text. Arguments come from the traced world (a comm,
 * a socket path, a port) and are kept as raw bytes; they are quoted, whole, by exactly one
 * function (command_shell_line) when a person or a JSON reader needs the shell form.
 */
#ifndef AVC_COMMAND_H
#define AVC_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

#define COMMAND_BUF_LEN	 1536 /* every argument, NUL-separated: at most this many bytes */
#define COMMAND_MAX_ARGS 16
#define COMMAND_FILE_LEN 96 /* the stdout file's name is shorter than this */
#define COMMAND_NOTE_LEN 96 /* and so is the note */

/* Its bytes live in the arena of the result that holds it (an advice, a tighten plan). */
struct command {
	struct arena *arena;
	int argc;
	size_t used;		 /* bytes of buf in use */
	char *buf;		 /* argv[0] NUL argv[1] NUL ..., in arena */
	const char *stdout_file; /* "" or the file '>' writes (a plain name) */
	const char *note;	 /* "" or program text shown after the command as "# note" */
	bool overflow;		 /* an argument did not fit: the command is unusable */
};

/* Start a command with its program name (program text, never untrusted), its bytes in ar. */
void command_init(struct command *c, struct arena *ar, const char *prog);
/* Append one argument, raw bytes up to the NUL. Returns 0 or -ENOSPC (then c->overflow):
 * more than COMMAND_MAX_ARGS or COMMAND_BUF_LEN bytes, or the arena full. Never cut.
 */
int command_arg(struct command *c, const char *arg);
/* Append one argument built from a format (numbers, program text). */
int command_argf(struct command *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The file standard output goes to (a plain name, shorter than COMMAND_FILE_LEN), and the
 * note (shorter than COMMAND_NOTE_LEN): 0, or -ENOSPC and the command unusable.
 */
int command_set_stdout(struct command *c, const char *file);
int command_set_note(struct command *c, const char *note);
/* src, its bytes copied into ar (another result's arena). 0 or -ENOSPC (dst unusable). */
int command_copy(struct command *dst, struct arena *ar, const struct command *src);
/* Argument i (0 = the program), or NULL past the end. */
const char *command_argv(const struct command *c, int i);

/*
 * Quote one argument for bash, so that pasting it gives back exactly these bytes:
 * plain when it is made of safe characters only, '...' when it is printable ASCII, else
 * bash's $'...' with \xNN for every control byte, DEL, byte >= 0x80, quote and backslash (so the printed
 * form is printable ASCII, and no terminal control or bidi character reaches the screen).
 * Returns the length, or -ENOSPC when dst is too small (dst then holds "").
 */
int shell_quote(char *dst, size_t dstsz, const char *src);
/* The whole command as one bash line: every argument quoted, then " > FILE" if any.
 * Returns the length or -ENOSPC. The note is not part of it.
 */
int command_shell_line(const struct command *c, char *dst, size_t dstsz);

/* A path as a file-context regular expression matching exactly that path: every regex
 * metacharacter escaped with a backslash, every byte that is not printable ASCII or is a
 * space written as \xNN, so the spec is one word of printable ASCII (file_contexts.local
 * is split on white space). Returns the length or -ENOSPC.
 */
int fcontext_regex_escape(char *dst, size_t dstsz, const char *path);

/* A path as a glob(3) pattern that matches exactly that path: * ? [ ] { } \ and ~ escaped
 * with a backslash (restorecon and setfiles expand their arguments with glob). Returns the
 * length or -ENOSPC.
 */
int glob_escape(char *dst, size_t dstsz, const char *path);

#endif
