// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* nginx's configuration grammar and the directives that open sockets (user/nginx_conf.h). */
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "nginx_conf.h"

/* One word of a directive, unescaped. */
struct word {
	char *s;
	size_t len;
};

struct lexer {
	const char *name; /* the file, raw */
	const char *buf;
	size_t len, pos;
	unsigned int line;
	struct word args[NGX_MAX_ARGS];
	int nargs;
	unsigned int start_line; /* the line of the directive's first word */
};

enum tok { TOK_DIRECTIVE, TOK_BLOCK, TOK_END, TOK_EOF, TOK_ERROR };

/* An upstream block's name, to tell "proxy_pass http://backend" from a host name. */
struct upstream_name {
	char name[NGX_NAME_LEN];
	enum ngx_ctx ctx;
};

struct parser {
	struct ngx_conf *c;
	char *err;
	size_t errsz;
	struct upstream_name *ups;
	size_t nups, capups;
	/* passes naming a host without a port: an upstream, or the scheme's default port */
	bool *needs_port;
	size_t cap_needs;
	bool resolver; /* a resolver line was seen */
};

/* The context a directive is in. */
struct frame {
	enum ngx_ctx ctx;
	const char *block; /* "http", "server", "upstream", "location", ... ("" at the top) */
	char upstream[NGX_NAME_LEN];
	bool saw_listen;
};

static int perr(struct parser *p, const char *file, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int perr(struct parser *p, const char *file, unsigned int line, const char *fmt, ...)
{
	char efile[NGX_PATH_LEN * 2], what[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	escape_str(efile, sizeof(efile), file, ESC_TEXT);
	if (line)
		snprintf(p->err, p->errsz, "%s:%u: %s", efile, line, what);
	else
		snprintf(p->err, p->errsz, "%s: %s", efile, what);
	return -EINVAL;
}

/* An untrusted word for an error message. */
static const char *eword(const struct word *w, char *buf, size_t sz)
{
	escape_buf(buf, sz, w->s, w->len, ESC_TEXT, 1);
	return buf;
}

const char *ngx_ctx_name(enum ngx_ctx ctx)
{
	switch (ctx) {
	case NGX_CTX_HTTP:
		return "http";
	case NGX_CTX_STREAM:
		return "stream";
	case NGX_CTX_MAIN:
		break;
	}
	return "main";
}

/* ---- the lexer: nginx's ngx_conf_read_token, as a state machine over one buffer ---- */

static void words_free(struct lexer *lx)
{
	int i;

	for (i = 0; i < lx->nargs; i++)
		free(lx->args[i].s);
	lx->nargs = 0;
}

/* Copy raw[0..n) into a new word, turning the escapes nginx knows into their bytes. */
static int word_add(struct parser *p, struct lexer *lx, const char *raw, size_t n)
{
	struct word *w;
	size_t i, o = 0;

	if (lx->nargs == NGX_MAX_ARGS)
		return perr(p, lx->name, lx->line, "more than %d words in one directive",
			    NGX_MAX_ARGS);
	if (n > NGX_MAX_TOKEN)
		return perr(p, lx->name, lx->line, "a word longer than %d bytes", NGX_MAX_TOKEN);
	w = &lx->args[lx->nargs];
	w->s = malloc(n + 1);
	if (!w->s)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (raw[i] == '\\' && i + 1 < n) {
			char nx = raw[i + 1];

			if (nx == '"' || nx == '\'' || nx == '\\') {
				w->s[o++] = nx;
				i++;
				continue;
			}
			if (nx == 't' || nx == 'r' || nx == 'n') {
				w->s[o++] = nx == 't' ? '\t' : nx == 'r' ? '\r' : '\n';
				i++;
				continue;
			}
		}
		w->s[o++] = raw[i];
	}
	w->s[o] = '\0';
	w->len = o;
	if (!lx->nargs)
		lx->start_line = lx->line;
	lx->nargs++;
	return 0;
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static enum tok lex_error(struct parser *p, struct lexer *lx, const char *fmt, char ch)
{
	char c[8];

	escape_buf(c, sizeof(c), &ch, 1, ESC_TEXT, 1);
	perr(p, lx->name, lx->line, fmt, c);
	return TOK_ERROR;
}

/* The next directive (words then ';'), block start (words then '{'), '}' or the end. */
static enum tok lex_next(struct parser *p, struct lexer *lx)
{
	bool last_space = true, need_space = false, comment = false, quoted = false;
	bool s_quoted = false, d_quoted = false, variable = false;
	size_t start = 0;

	words_free(lx);
	for (;;) {
		char ch;
		bool found = false;

		if (lx->pos >= lx->len) {
			if (lx->nargs || !last_space)
				return perr(p, lx->name, lx->line,
					    "unexpected end of file, expecting \";\" or \"}\""),
				       TOK_ERROR;
			return TOK_EOF;
		}
		ch = lx->buf[lx->pos++];
		if (ch == '\n') {
			lx->line++;
			if (comment)
				comment = false;
		}
		if (comment)
			continue;
		if (quoted) {
			quoted = false;
			continue;
		}
		if (need_space) {
			if (is_space(ch)) {
				last_space = true;
				need_space = false;
				continue;
			}
			if (ch == ';')
				return TOK_DIRECTIVE;
			if (ch == '{')
				return TOK_BLOCK;
			return lex_error(p, lx, "unexpected \"%s\"", ch);
		}
		if (last_space) {
			start = lx->pos - 1;
			if (is_space(ch))
				continue;
			switch (ch) {
			case ';':
			case '{':
				if (!lx->nargs)
					return lex_error(p, lx, "unexpected \"%s\"", ch);
				return ch == ';' ? TOK_DIRECTIVE : TOK_BLOCK;
			case '}':
				if (lx->nargs)
					return lex_error(p, lx, "unexpected \"%s\"", ch);
				lx->start_line = lx->line;
				return TOK_END;
			case '#':
				comment = true;
				continue;
			case '\\':
				quoted = true;
				last_space = false;
				continue;
			case '"':
				start++;
				d_quoted = true;
				last_space = false;
				continue;
			case '\'':
				start++;
				s_quoted = true;
				last_space = false;
				continue;
			case '$':
				variable = true;
				last_space = false;
				continue;
			default:
				last_space = false;
				continue;
			}
		}
		if (ch == '{' && variable)
			continue;
		variable = false;
		if (ch == '\\') {
			quoted = true;
			continue;
		}
		if (ch == '$') {
			variable = true;
			continue;
		}
		if (d_quoted) {
			if (ch == '"') {
				d_quoted = false;
				need_space = true;
				found = true;
			}
		} else if (s_quoted) {
			if (ch == '\'') {
				s_quoted = false;
				need_space = true;
				found = true;
			}
		} else if (is_space(ch) || ch == ';' || ch == '{') {
			last_space = true;
			found = true;
		}
		if (!found)
			continue;
		{
			/* a newline ending the word was counted already: the word is on the line
			 * before it
			 */
			int r = word_add(p, lx, lx->buf + start, lx->pos - 1 - start);

			if (r)
				return TOK_ERROR;
		}
		if (ch == ';')
			return TOK_DIRECTIVE;
		if (ch == '{')
			return TOK_BLOCK;
	}
}

/* ---- endpoints ---- */

static struct ngx_endpoint *ep_new(struct parser *p, const struct lexer *lx, const struct frame *fr)
{
	struct ngx_conf *c = p->c;
	struct ngx_endpoint *e;

	if (c->n == NGX_MAX_ENDPOINTS) {
		perr(p, lx->name, lx->start_line, "more than %d sockets", NGX_MAX_ENDPOINTS);
		return NULL;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		struct ngx_endpoint *v = realloc(c->v, cap * sizeof(*v));
		bool *needs = realloc(p->needs_port, cap * sizeof(*needs));

		if (needs)
			p->needs_port = needs;
		if (v)
			c->v = v;
		if (!v || !needs) {
			perr(p, lx->name, lx->start_line, "out of memory");
			return NULL;
		}
		c->cap = cap;
	}
	e = &c->v[c->n];
	memset(e, 0, sizeof(*e));
	p->needs_port[c->n] = false;
	c->n++;
	snprintf(e->file, sizeof(e->file), "%s", lx->name);
	e->line = lx->start_line;
	snprintf(e->directive, sizeof(e->directive), "%s", lx->args[0].s);
	snprintf(e->upstream, sizeof(e->upstream), "%s", fr->upstream);
	e->ctx = fr->ctx;
	return e;
}

/* "$name" or "${name}" starting at s, into out. */
static void variable_name(const char *s, char *out, size_t outsz)
{
	size_t n = 1;

	if (s[1] == '{') {
		while (s[n] && s[n] != '}')
			n++;
		if (s[n] == '}')
			n++;
	} else {
		while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
		       (s[n] >= '0' && s[n] <= '9') || s[n] == '_')
			n++;
	}
	snprintf(out, outsz, "%.*s", (int)n, s);
}

/*
 * "host", "host:port", "[v6]:port", "[v6]", "*:port", "port" (listen only), "unix:/path"
 * into e. A bare IPv6 address without brackets is what nginx refuses too. Returns 0, 1 when
 * no port was written, or -EINVAL.
 */
static int parse_addr(struct parser *p, const struct lexer *lx, struct ngx_endpoint *e,
		      const char *s, bool listen)
{
	const char *colon, *host = s, *port = NULL;
	size_t hlen;
	char eb[NGX_MAX_TOKEN];

	if (!strncmp(s, "unix:", 5)) {
		if (s[5] != '/' && s[5] != '@' && s[5] != '.')
			return perr(p, lx->name, lx->start_line, "bad unix socket \"%s\"",
				    eword(&(struct word){ (char *)s, strlen(s) }, eb, sizeof(eb)));
		e->is_unix = true;
		snprintf(e->path, sizeof(e->path), "%s", s + 5);
		return 0;
	}
	if (*s == '[') {
		const char *close = strchr(s, ']');

		if (!close)
			goto bad;
		host = s + 1;
		hlen = (size_t)(close - host);
		if (close[1] == ':')
			port = close + 2;
		else if (close[1])
			goto bad;
	} else {
		colon = strrchr(s, ':');
		if (colon && strchr(s, ':') != colon)
			goto bad; /* an IPv6 address needs brackets */
		if (colon) {
			hlen = (size_t)(colon - s);
			port = colon + 1;
		} else {
			hlen = strlen(s);
			if (listen && s[strspn(s, "0123456789")] == '\0') {
				port = s;
				host = "*";
				hlen = 1;
			}
		}
	}
	if (!hlen || hlen >= sizeof(e->host))
		goto bad;
	snprintf(e->host, sizeof(e->host), "%.*s", (int)hlen, host);
	if (!port)
		return 1;
	{
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(port, &end, 10);
		if (!*port || *end || v < 1 || v > 65535 || errno || port[0] == '+' ||
		    port[0] == '-' || port[0] == ' ')
			goto bad;
		e->port = (unsigned int)v;
	}
	return 0;
bad:
	return perr(p, lx->name, lx->start_line, "invalid address \"%s\" in \"%s\"",
		    eword(&(struct word){ (char *)s, strlen(s) }, eb, sizeof(eb)), lx->args[0].s);
}

static void params_add(struct ngx_endpoint *e, const struct lexer *lx, int from)
{
	size_t used = 0;
	int i;

	for (i = from; i < lx->nargs && used + 1 < sizeof(e->params); i++) {
		int n = snprintf(e->params + used, sizeof(e->params) - used, "%s%s",
				 used ? " " : "", lx->args[i].s);

		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/* listen ADDR [params]: http default 80; stream needs a port; quic and udp are UDP. */
static int do_listen(struct parser *p, const struct lexer *lx, struct frame *fr)
{
	struct ngx_endpoint *e;
	int i, r;

	if (lx->nargs < 2)
		return perr(p, lx->name, lx->start_line,
			    "invalid number of arguments in \"listen\"");
	e = ep_new(p, lx, fr);
	if (!e)
		return -ENOMEM;
	e->listen = true;
	fr->saw_listen = true;
	r = parse_addr(p, lx, e, lx->args[1].s, true);
	if (r < 0)
		return r;
	if (r == 1) {
		if (fr->ctx == NGX_CTX_STREAM)
			return perr(p, lx->name, lx->start_line, "no port in \"listen\"");
		e->port = 80;
	}
	for (i = 2; i < lx->nargs; i++)
		if (!strcmp(lx->args[i].s, "quic") || !strcmp(lx->args[i].s, "udp"))
			e->udp = true;
	params_add(e, lx, 2);
	return 0;
}

/* server ADDR [weight=N] [backup] [resolve] ... inside an upstream block */
static int do_upstream_server(struct parser *p, const struct lexer *lx, struct frame *fr)
{
	struct ngx_endpoint *e;
	int r;

	if (lx->nargs < 2)
		return perr(p, lx->name, lx->start_line,
			    "invalid number of arguments in \"server\"");
	e = ep_new(p, lx, fr);
	if (!e)
		return -ENOMEM;
	if (strchr(lx->args[1].s, '$'))
		return perr(p, lx->name, lx->start_line,
			    "a variable in an upstream server is not allowed");
	r = parse_addr(p, lx, e, lx->args[1].s, false);
	if (r < 0)
		return r;
	if (r == 1) {
		if (fr->ctx == NGX_CTX_STREAM)
			return perr(p, lx->name, lx->start_line, "no port in upstream server");
		e->port = 80;
	}
	params_add(e, lx, 2);
	return 0;
}

/* The scheme a pass directive may carry and the port it implies. */
struct scheme {
	const char *prefix;
	unsigned int port;
};

static const struct scheme http_schemes[] = { { "http://", 80 }, { "https://", 443 }, { 0 } };
static const struct scheme grpc_schemes[] = { { "grpc://", 80 }, { "grpcs://", 443 }, { 0 } };
static const struct scheme uwsgi_schemes[] = { { "uwsgi://", 0 }, { "suwsgi://", 0 }, { 0 } };

/* proxy_pass, fastcgi_pass, uwsgi_pass, scgi_pass, grpc_pass, memcached_pass */
static int do_pass(struct parser *p, const struct lexer *lx, struct frame *fr)
{
	const struct scheme *schemes = NULL, *sc;
	const char *dir = lx->args[0].s, *url, *dollar;
	unsigned int default_port = 0;
	char addr[NGX_MAX_TOKEN + 1];
	struct ngx_endpoint *e;
	bool scheme_required = false;
	size_t n;
	int r;

	if (lx->nargs != 2)
		return perr(p, lx->name, lx->start_line, "invalid number of arguments in \"%s\"",
			    dir);
	url = lx->args[1].s;
	if (!strcmp(dir, "proxy_pass") && fr->ctx == NGX_CTX_HTTP) {
		schemes = http_schemes;
		scheme_required = true;
	} else if (!strcmp(dir, "grpc_pass")) {
		schemes = grpc_schemes;
	} else if (!strcmp(dir, "uwsgi_pass")) {
		schemes = uwsgi_schemes;
	}
	for (sc = schemes; sc && sc->prefix; sc++) {
		if (!strncmp(url, sc->prefix, strlen(sc->prefix))) {
			url += strlen(sc->prefix);
			default_port = sc->port;
			break;
		}
	}
	if (scheme_required && (!sc || !sc->prefix)) {
		char eb[NGX_MAX_TOKEN];

		return perr(p, lx->name, lx->start_line, "invalid URL prefix in \"%s\"",
			    eword(&lx->args[1], eb, sizeof(eb)));
	}
	e = ep_new(p, lx, fr);
	if (!e)
		return -ENOMEM;
	e->resolver = p->resolver;
	dollar = strchr(url, '$');
	if (dollar) {
		e->runtime = true;
		variable_name(dollar, e->variable, sizeof(e->variable));
		snprintf(e->host, sizeof(e->host), "%s", url);
		return 0;
	}
	/* the address ends where the URI starts; "unix:/path:/uri" ends at the colon */
	if (!strncmp(url, "unix:", 5)) {
		const char *end = strchr(url + 5, ':');

		n = end ? (size_t)(end - url) : strlen(url);
	} else {
		n = strcspn(url, "/?");
	}
	snprintf(addr, sizeof(addr), "%.*s", (int)n, url);
	r = parse_addr(p, lx, e, addr, false);
	if (r < 0)
		return r;
	if (r == 1) {
		e->port = default_port;
		p->needs_port[p->c->n - 1] = true; /* an upstream's name, or the default port */
	}
	return 0;
}

/* ---- blocks and files ---- */

static int parse_file(struct parser *p, const char *path, struct frame *fr, int depth,
		      const char *from, unsigned int from_line);

static int upstream_add(struct parser *p, const char *name, enum ngx_ctx ctx)
{
	if (p->nups == p->capups) {
		size_t cap = p->capups ? 2 * p->capups : 8;
		struct upstream_name *v = realloc(p->ups, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		p->ups = v;
		p->capups = cap;
	}
	snprintf(p->ups[p->nups].name, sizeof(p->ups[0].name), "%s", name);
	p->ups[p->nups++].ctx = ctx;
	return 0;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

#define NGX_MAX_FILE_SIZE (16 << 20)

/* A whole configuration file, NUL-terminated. 0 or -errno (-EFBIG past 16 MiB). */
static int read_whole(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "re");
	size_t cap = 0, n = 0;
	char *buf = NULL;
	int r = 0;

	if (!f)
		return -errno;
	for (;;) {
		size_t got;

		if (n + 4096 + 1 > cap) {
			size_t ncap = cap ? 2 * cap : 8192;
			char *nb;

			if (ncap > NGX_MAX_FILE_SIZE + 8192) {
				r = -EFBIG;
				break;
			}
			nb = realloc(buf, ncap);
			if (!nb) {
				r = -ENOMEM;
				break;
			}
			buf = nb;
			cap = ncap;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0) {
			if (ferror(f))
				r = -EIO;
			break;
		}
	}
	fclose(f);
	if (r) {
		free(buf);
		return r;
	}
	if (!buf)
		buf = calloc(1, 1);
	if (!buf)
		return -ENOMEM;
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int do_include(struct parser *p, const struct lexer *lx, struct frame *fr, int depth)
{
	char full[NGX_PATH_LEN * 2], eb[NGX_MAX_TOKEN];
	const char *arg;
	glob_t g;
	size_t i;
	int r;

	if (lx->nargs != 2)
		return perr(p, lx->name, lx->start_line,
			    "invalid number of arguments in \"include\"");
	if (p->c->no_include)
		return perr(p, lx->name, lx->start_line, "include is not read here");
	arg = lx->args[1].s;
	if (arg[0] == '/')
		snprintf(full, sizeof(full), "%s", arg);
	else
		snprintf(full, sizeof(full), "%s/%s", p->c->prefix, arg);
	if (!has_glob(full))
		return parse_file(p, full, fr, depth + 1, lx->name, lx->start_line);
	memset(&g, 0, sizeof(g));
	r = glob(full, GLOB_NOSORT, NULL, &g);
	if (r == GLOB_NOMATCH) {
		globfree(&g);
		return 0; /* nginx: a pattern that matches nothing is fine */
	}
	if (r) {
		globfree(&g);
		return perr(p, lx->name, lx->start_line, "cannot read the files of \"%s\"",
			    eword(&lx->args[1], eb, sizeof(eb)));
	}
	/* nginx reads the matches in name order */
	qsort(g.gl_pathv, g.gl_pathc, sizeof(char *), cmp_strp);
	for (i = 0, r = 0; i < g.gl_pathc && !r; i++)
		r = parse_file(p, g.gl_pathv[i], fr, depth + 1, lx->name, lx->start_line);
	globfree(&g);
	return r;
}

static int parse_block(struct parser *p, struct lexer *lx, struct frame *fr, bool top, int depth);

static int open_block(struct parser *p, struct lexer *lx, struct frame *fr, int depth)
{
	struct frame child = *fr;
	const char *name = lx->args[0].s;
	unsigned int line = lx->start_line;
	char file[NGX_PATH_LEN];
	int r;

	child.block = "";
	child.saw_listen = false;
	if (!strcmp(name, "http") && fr->ctx == NGX_CTX_MAIN) {
		child.ctx = NGX_CTX_HTTP;
		child.block = "http";
	} else if (!strcmp(name, "stream") && fr->ctx == NGX_CTX_MAIN) {
		child.ctx = NGX_CTX_STREAM;
		child.block = "stream";
	} else if (!strcmp(name, "server") && fr->ctx != NGX_CTX_MAIN &&
		   !strcmp(fr->block, fr->ctx == NGX_CTX_HTTP ? "http" : "stream")) {
		child.block = "server";
	} else if (!strcmp(name, "upstream") && fr->ctx != NGX_CTX_MAIN) {
		if (lx->nargs != 2)
			return perr(p, lx->name, line,
				    "invalid number of arguments in \"upstream\"");
		child.block = "upstream";
		snprintf(child.upstream, sizeof(child.upstream), "%s", lx->args[1].s);
		r = upstream_add(p, lx->args[1].s, fr->ctx);
		if (r)
			return r;
	}
	snprintf(file, sizeof(file), "%s", lx->name);
	r = parse_block(p, lx, &child, false, depth);
	if (r)
		return r;
	/* an http server without listen listens on *:80 */
	if (!strcmp(child.block, "server") && child.ctx == NGX_CTX_HTTP && !child.saw_listen) {
		struct lexer at = { .name = file, .start_line = line, .nargs = 1 };
		struct ngx_endpoint *e;

		at.args[0].s = (char *)"listen";
		e = ep_new(p, &at, fr);
		if (!e)
			return -ENOMEM;
		e->listen = true;
		e->implicit = true;
		snprintf(e->host, sizeof(e->host), "*");
		e->port = 80;
	}
	return 0;
}

static int directive(struct parser *p, struct lexer *lx, struct frame *fr, int depth)
{
	const char *name = lx->args[0].s;

	if (!strcmp(name, "include"))
		return do_include(p, lx, fr, depth);
	if (fr->ctx == NGX_CTX_MAIN)
		return 0;
	if (!strcmp(name, "resolver")) {
		p->resolver = true;
		return 0;
	}
	if (!strcmp(name, "listen") && !strcmp(fr->block, "server"))
		return do_listen(p, lx, fr);
	if (!strcmp(name, "server") && !strcmp(fr->block, "upstream"))
		return do_upstream_server(p, lx, fr);
	if (!strcmp(name, "proxy_pass") ||
	    (fr->ctx == NGX_CTX_HTTP &&
	     (!strcmp(name, "fastcgi_pass") || !strcmp(name, "uwsgi_pass") ||
	      !strcmp(name, "scgi_pass") || !strcmp(name, "grpc_pass") ||
	      !strcmp(name, "memcached_pass"))))
		return do_pass(p, lx, fr);
	return 0; /* every other directive opens no socket */
}

static int parse_block(struct parser *p, struct lexer *lx, struct frame *fr, bool top, int depth)
{
	for (;;) {
		enum tok t = lex_next(p, lx);
		int r = 0;

		switch (t) {
		case TOK_ERROR:
			return -EINVAL;
		case TOK_EOF:
			if (!top)
				return perr(p, lx->name, lx->line,
					    "unexpected end of file, expecting \"}\"");
			return 0;
		case TOK_END:
			if (top)
				return perr(p, lx->name, lx->start_line, "unexpected \"}\"");
			return 0;
		case TOK_DIRECTIVE:
			r = directive(p, lx, fr, depth);
			break;
		case TOK_BLOCK:
			r = open_block(p, lx, fr, depth);
			break;
		}
		if (r)
			return r;
	}
}

static int parse_text(struct parser *p, const char *name, const char *buf, size_t len,
		      struct frame *fr, int depth)
{
	struct lexer lx = { .name = name, .buf = buf, .len = len, .line = 1 };
	int r = parse_block(p, &lx, fr, true, depth);

	words_free(&lx);
	return r;
}

static int parse_file(struct parser *p, const char *path, struct frame *fr, int depth,
		      const char *from, unsigned int from_line)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	if (depth > NGX_MAX_INCLUDE)
		return perr(p, from, from_line, "includes nested deeper than %d (a loop?)",
			    NGX_MAX_INCLUDE);
	if (++p->c->files > NGX_MAX_FILES)
		return perr(p, from, from_line, "more than %d files", NGX_MAX_FILES);
	r = read_whole(path, &buf, &len);
	if (r) {
		char epath[NGX_PATH_LEN * 2];

		escape_str(epath, sizeof(epath), path, ESC_TEXT);
		if (from)
			return perr(p, from, from_line, "include \"%s\": %s", epath, strerror(-r));
		return perr(p, path, 0, "%s", strerror(-r));
	}
	r = parse_text(p, path, buf, len, fr, depth);
	free(buf);
	return r;
}

/* A pass naming a host without a port: an upstream block of that name (then its servers are
 * the endpoints, listed where they are written), or the scheme's default port.
 */
static int finish(struct parser *p)
{
	struct ngx_conf *c = p->c;
	size_t i, o = 0, k;

	for (i = 0; i < c->n; i++) {
		struct ngx_endpoint *e = &c->v[i];
		bool upstream = false;

		if (p->needs_port && p->needs_port[i]) {
			for (k = 0; k < p->nups && !upstream; k++)
				upstream =
					p->ups[k].ctx == e->ctx && !strcmp(p->ups[k].name, e->host);
			if (upstream)
				continue;
			if (!e->port) {
				char eb[NGX_HOST_LEN * 4];

				escape_str(eb, sizeof(eb), e->host, ESC_TEXT);
				return perr(p, e->file, e->line,
					    "no port in upstream \"%s\" (and no upstream block of "
					    "that name)",
					    eb);
			}
		}
		if (o != i)
			c->v[o] = *e;
		o++;
	}
	c->n = o;
	return 0;
}

static void prefix_of(struct ngx_conf *c, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (c->prefix[0])
		return;
	if (!slash)
		snprintf(c->prefix, sizeof(c->prefix), ".");
	else if (slash == path)
		snprintf(c->prefix, sizeof(c->prefix), "/");
	else
		snprintf(c->prefix, sizeof(c->prefix), "%.*s", (int)(slash - path), path);
}

static int run(struct ngx_conf *c, const char *name, const char *buf, size_t len, char *err,
	       size_t errsz)
{
	struct parser p = { .c = c, .err = err, .errsz = errsz };
	struct frame top = { .ctx = NGX_CTX_MAIN, .block = "" };
	int r;

	if (errsz)
		err[0] = '\0';
	prefix_of(c, name);
	if (buf)
		r = parse_text(&p, name, buf, len, &top, 0);
	else
		r = parse_file(&p, name, &top, 0, NULL, 0);
	if (!r)
		r = finish(&p);
	free(p.ups);
	free(p.needs_port);
	return r;
}

int ngx_conf_read(const char *path, struct ngx_conf *c, char *err, size_t errsz)
{
	return run(c, path, NULL, 0, err, errsz);
}

int ngx_conf_read_buf(const char *name, const char *buf, size_t len, struct ngx_conf *c, char *err,
		      size_t errsz)
{
	return run(c, name, buf, len, err, errsz);
}

void ngx_conf_free(struct ngx_conf *c)
{
	free(c->v);
	c->v = NULL;
	c->n = c->cap = 0;
}
