// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "command.h"

void command_init(struct command *c, struct arena *ar, const char *prog)
{
	memset(c, 0, sizeof(*c));
	c->arena = ar;
	c->stdout_file = "";
	c->note = "";
	command_arg(c, prog);
}

int command_arg(struct command *c, const char *arg)
{
	size_t len = strlen(arg);
	char *buf;

	if (c->overflow || c->argc >= COMMAND_MAX_ARGS || c->used + len + 1 > COMMAND_BUF_LEN) {
		c->overflow = true;
		return -ENOSPC;
	}
	/* in place while the command is the arena's latest text, as it is while being built */
	buf = arena_grow(c->arena, c->buf, c->used, c->used + len + 1);
	if (!buf) {
		c->overflow = true;
		return -ENOSPC;
	}
	memcpy(buf + c->used, arg, len + 1);
	c->buf = buf;
	c->used += len + 1;
	c->argc++;
	return 0;
}

int command_argf(struct command *c, const char *fmt, ...)
{
	char arg[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(arg, sizeof(arg), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(arg)) {
		c->overflow = true;
		return -ENOSPC;
	}
	return command_arg(c, arg);
}

static int set_text(struct command *c, const char **field, const char *text, size_t max)
{
	const char *s;

	if (!text[0]) {
		*field = "";
		return 0;
	}
	if (strlen(text) >= max) {
		c->overflow = true;
		return -ENOSPC;
	}
	s = arena_strdup(c->arena, text);
	if (!s[0]) {
		c->overflow = true;
		return -ENOSPC;
	}
	*field = s;
	return 0;
}

int command_set_stdout(struct command *c, const char *file)
{
	return set_text(c, &c->stdout_file, file, COMMAND_FILE_LEN);
}

int command_set_note(struct command *c, const char *note)
{
	return set_text(c, &c->note, note, COMMAND_NOTE_LEN);
}

int command_copy(struct command *dst, struct arena *ar, const struct command *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->arena = ar;
	dst->argc = src->argc;
	dst->used = src->used;
	dst->overflow = src->overflow;
	dst->stdout_file = "";
	dst->note = "";
	if (src->used) {
		dst->buf = arena_grow(ar, NULL, 0, src->used);
		if (!dst->buf) {
			dst->argc = 0;
			dst->used = 0;
			dst->overflow = true;
			return -ENOSPC;
		}
		memcpy(dst->buf, src->buf, src->used);
	}
	if (set_text(dst, &dst->stdout_file, src->stdout_file, COMMAND_FILE_LEN) ||
	    set_text(dst, &dst->note, src->note, COMMAND_NOTE_LEN))
		return -ENOSPC;
	return 0;
}

const char *command_argv(const struct command *c, int i)
{
	size_t off = 0;

	if (i < 0 || i >= c->argc)
		return NULL;
	while (i--)
		off += strlen(c->buf + off) + 1;
	return c->buf + off;
}

/* Characters that never need quoting in any position of a bash word. */
static bool shell_plain(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       strchr("_@%+=:,./-", ch);
}

struct out {
	char *dst;
	size_t sz, n;
	bool full;
};

static void put_bytes(struct out *o, const char *s, size_t len)
{
	if (o->full || o->n + len >= o->sz) {
		o->full = true;
		return;
	}
	memcpy(o->dst + o->n, s, len);
	o->n += len;
}

static void put_hex(struct out *o, unsigned char ch)
{
	static const char hex[] = "0123456789abcdef";
	char esc[4] = { '\\', 'x', hex[ch >> 4], hex[ch & 0xf] };

	put_bytes(o, esc, sizeof(esc));
}

static int out_end(struct out *o)
{
	if (o->full || o->n >= o->sz) {
		if (o->sz)
			o->dst[0] = '\0';
		return -ENOSPC;
	}
	o->dst[o->n] = '\0';
	return (int)o->n;
}

static void quote_into(struct out *o, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	bool plain = *s != '\0', printable = true;
	size_t i;

	for (i = 0; s[i]; i++) {
		plain &= shell_plain(s[i]);
		printable &= s[i] >= 0x20 && s[i] < 0x7f;
	}
	/* a leading '=' or '~' is harmless to bash, but '-' is for the program to judge:
	 * callers put "--" before positionals that may start with it
	 */
	if (plain) {
		put_bytes(o, src, i);
		return;
	}
	if (printable) {
		put_bytes(o, "'", 1);
		for (i = 0; s[i]; i++) {
			if (s[i] == '\'')
				put_bytes(o, "'\\''", 4);
			else
				put_bytes(o, (const char *)&s[i], 1);
		}
		put_bytes(o, "'", 1);
		return;
	}
	/* the quote and the backslash too as \xNN: older readline history scanners end a
	 * $'...' at \' and would expand a later '!'
	 */
	put_bytes(o, "$'", 2);
	for (i = 0; s[i]; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\'' && s[i] != '\\') {
			put_bytes(o, (const char *)&s[i], 1);
		} else {
			put_hex(o, s[i]);
		}
	}
	put_bytes(o, "'", 1);
}

int shell_quote(char *dst, size_t dstsz, const char *src)
{
	struct out o = { dst, dstsz, 0, false };

	quote_into(&o, src);
	return out_end(&o);
}

int command_shell_line(const struct command *c, char *dst, size_t dstsz)
{
	struct out o = { dst, dstsz, 0, false };
	size_t off = 0;
	int i;

	if (c->overflow || !c->argc) {
		o.full = true;
		return out_end(&o);
	}
	for (i = 0; i < c->argc; i++) {
		if (i)
			put_bytes(&o, " ", 1);
		quote_into(&o, c->buf + off);
		off += strlen(c->buf + off) + 1;
	}
	if (c->stdout_file[0]) {
		put_bytes(&o, " > ", 3);
		quote_into(&o, c->stdout_file);
	}
	return out_end(&o);
}

int fcontext_regex_escape(char *dst, size_t dstsz, const char *path)
{
	const unsigned char *s = (const unsigned char *)path;
	struct out o = { dst, dstsz, 0, false };

	for (; *s; s++) {
		if (*s <= 0x20 || *s >= 0x7f) {
			put_hex(&o, *s);
		} else if (strchr(".^$|?*+()[]{}\\", *s)) {
			put_bytes(&o, "\\", 1);
			put_bytes(&o, (const char *)s, 1);
		} else {
			put_bytes(&o, (const char *)s, 1);
		}
	}
	return out_end(&o);
}

int glob_escape(char *dst, size_t dstsz, const char *path)
{
	struct out o = { dst, dstsz, 0, false };
	const char *s;

	for (s = path; *s; s++) {
		if (strchr("*?[]{}\\~", *s))
			put_bytes(&o, "\\", 1);
		put_bytes(&o, s, 1);
	}
	return out_end(&o);
}
