// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* nginx's configuration grammar and the directives that open sockets (user/nginx_conf.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

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
	struct word *args; /* NGX_MAX_ARGS of them */
	int nargs;
	unsigned int start_line; /* the line of the directive's first word */
};

enum tok { TOK_DIRECTIVE, TOK_BLOCK, TOK_END, TOK_EOF, TOK_ERROR };

/* An upstream block's name, to tell "proxy_pass http://backend" from a host name. */
struct upstream_name {
	char name[NGX_HOST_LEN];
	enum ngx_ctx ctx;
	bool tcp, udp; /* used by a TCP pass, by a UDP (stream) pass */
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
};

/* The ssl_stapling and ssl_ocsp settings a server inherits (http, then server). */
struct ocsp {
	int stapling;	    /* -1 unset, 0 off, 1 on */
	bool stapling_file; /* ssl_stapling_file: the answer is read from a file, no socket */
	int ocsp;	    /* ssl_ocsp: -1 unset, 0 off, 1 on or leaf */
	char responder[NGX_HOST_LEN], ocsp_responder[NGX_HOST_LEN];
	unsigned int responder_line, ocsp_line, stapling_line, ocsp_on_line;
	char file[NGX_PATH_LEN], ocsp_file[NGX_PATH_LEN];
};

/* The context a directive is in. */
struct frame {
	enum ngx_ctx ctx;
	const char *block; /* "http", "server", "upstream", "location", ... ("" at the top) */
	char upstream[NGX_HOST_LEN];
	bool saw_listen;
	bool resolver;	 /* a resolver directive in this very block */
	bool udp_listen; /* a stream server with a "listen ... udp" */
	int depth;	 /* blocks above this one */
	struct ocsp ocsp;
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
	case NGX_CTX_MAIL:
		return "mail";
	case NGX_CTX_MAIN:
		break;
	}
	return "main";
}

/* ---- the lexer: nginx's ngx_conf_read_token, as a state machine over one buffer ---- */

static void words_free(struct lexer *lx)
{
	int i;

	for (i = 0; i < lx->nargs; i++) {
		free(lx->args[i].s);
		lx->args[i].s = NULL;
	}
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
	/* nginx keeps the byte (and then refuses the address or name); cutting the word there
	 * would judge another address than the one written
	 */
	if (memchr(raw, '\0', n))
		return perr(p, lx->name, lx->line, "a NUL byte inside a word");
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
			/* nginx: `if ($a = "")`: a ')' right after a closing quote starts a word */
			if (ch != ')')
				return lex_error(p, lx, "unexpected \"%s\"", ch);
			last_space = true;
			need_space = false;
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

static struct ngx_endpoint *ep_new_at(struct parser *p, const char *file, unsigned int line,
				      const char *directive, const struct frame *fr)
{
	struct ngx_conf *c = p->c;
	struct ngx_endpoint *e;

	if (c->n == NGX_MAX_ENDPOINTS) {
		perr(p, file, line, "more than %d sockets", NGX_MAX_ENDPOINTS);
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
			perr(p, file, line, "out of memory");
			return NULL;
		}
		c->cap = cap;
	}
	e = &c->v[c->n];
	memset(e, 0, sizeof(*e));
	p->needs_port[c->n] = false;
	c->n++;
	/* file names were checked against NGX_PATH_LEN where they were read */
	snprintf(e->file, sizeof(e->file), "%s", file);
	e->line = line;
	snprintf(e->directive, sizeof(e->directive), "%s", directive);
	snprintf(e->upstream, sizeof(e->upstream), "%s", fr->upstream);
	e->ctx = fr->ctx;
	return e;
}

static struct ngx_endpoint *ep_new(struct parser *p, const struct lexer *lx, const struct frame *fr)
{
	return ep_new_at(p, lx->name, lx->start_line, lx->args[0].s, fr);
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

/* "unix:///run/x.sock" and "/run/./x.sock" are the kernel's /run/x.sock: the path walk and
 * the labels are those of the path the kernel resolves ("." and repeated slashes dropped;
 * ".." is left, a symbolic link may stand before it).
 */
static void unix_path_normalise(char *out, size_t outsz, const char *in)
{
	size_t o = 0;
	const char *s = in;

	if (*s != '/') {
		snprintf(out, outsz, "%s", in);
		return;
	}
	while (*s && o + 2 < outsz) {
		if (*s == '/') {
			while (*s == '/')
				s++;
			if (s[0] == '.' && (s[1] == '/' || !s[1])) {
				s++;
				continue;
			}
			out[o++] = '/';
			continue;
		}
		out[o++] = *s++;
	}
	if (o > 1 && out[o - 1] == '/')
		o--;
	if (!o)
		out[o++] = '/';
	out[o] = '\0';
}

/* $request_uri, $uri and $document_uri always start with '/': after a fixed host[:port] the
 * address is known ("http://127.0.0.1:3000$request_uri").
 */
static bool uri_variable(const char *s)
{
	static const char *const known[] = { "$request_uri",   "$uri",	 "$document_uri",
					     "${request_uri}", "${uri}", "${document_uri}" };
	char name[NGX_NAME_LEN];
	size_t i;

	variable_name(s, name, sizeof(name));
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(name, known[i]))
			return true;
	return false;
}

/*
 * "host", "host:port", "[v6]:port", "[v6]", "*:port", "port" (listen only), "unix:/path"
 * into e. A bare IPv6 address without brackets is what nginx refuses too. Returns 0, 1 when
 * no port was written, or -EINVAL.
 */
static int parse_addr_at(struct parser *p, const char *file, unsigned int line, const char *dir,
			 struct ngx_endpoint *e, const char *s, bool listen)
{
	const char *colon, *host = s, *port = NULL;
	size_t hlen;
	char eb[NGX_MAX_TOKEN];

	if (!strncmp(s, "unix:", 5)) {
		/* nginx copies the rest into sun_path as it is: any non-empty name that fits */
		if (!s[5])
			return perr(p, file, line, "no path in the unix domain socket in \"%s\"",
				    dir);
		if (strlen(s + 5) > NGX_UNIX_PATH_MAX)
			return perr(p, file, line,
				    "too long path in the unix domain socket (over %d bytes)",
				    NGX_UNIX_PATH_MAX);
		e->is_unix = true;
		unix_path_normalise(e->path, sizeof(e->path), s + 5);
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
	return perr(p, file, line, "invalid address \"%s\" in \"%s\"",
		    eword(&(struct word){ (char *)s, strlen(s) }, eb, sizeof(eb)), dir);
}

static int parse_addr(struct parser *p, const struct lexer *lx, struct ngx_endpoint *e,
		      const char *s, bool listen)
{
	return parse_addr_at(p, lx->name, lx->start_line, lx->args[0].s, e, s, listen);
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
		if (fr->ctx != NGX_CTX_HTTP)
			return perr(p, lx->name, lx->start_line, "no port in \"listen\"");
		e->port = 80;
	}
	for (i = 2; i < lx->nargs; i++)
		if (!strcmp(lx->args[i].s, "quic") || !strcmp(lx->args[i].s, "udp"))
			e->udp = true;
	if (e->udp && fr->ctx == NGX_CTX_STREAM)
		fr->udp_listen = true;
	params_add(e, lx, 2);
	return 0;
}

/* server ADDR [weight=N] [backup] [resolve] ... inside an upstream block */
static int do_upstream_server(struct parser *p, const struct lexer *lx, struct frame *fr)
{
	struct ngx_endpoint *e;
	int i, r;

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
	for (i = 2; i < lx->nargs; i++)
		if (!strcmp(lx->args[i].s, "down"))
			e->down = true; /* nginx never picks it */
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
	/* the address ends where the URI starts; "unix:/path:/uri" ends at the colon */
	if (!strncmp(url, "unix:", 5)) {
		const char *end = strchr(url + 5, ':');

		n = end ? (size_t)(end - url) : strlen(url);
		dollar = memchr(url, '$', n);
	} else {
		/* a variable right after the host may still extend the host or the port
		 * ("http://app$suffix"), unless it is one that starts with the URI's '/'
		 */
		n = strcspn(url, "/?$");
		dollar = url[n] == '$' && !uri_variable(url + n) ? url + n : NULL;
	}
	if (dollar || !n) {
		e->runtime = true;
		dollar = strchr(url, '$');
		if (dollar)
			variable_name(dollar, e->variable, sizeof(e->variable));
		snprintf(e->host, sizeof(e->host), "%s", url);
		return 0;
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
	memset(&p->ups[p->nups], 0, sizeof(p->ups[0])); /* not yet used by any pass */
	snprintf(p->ups[p->nups].name, sizeof(p->ups[0].name), "%s", name);
	p->ups[p->nups++].ctx = ctx;
	return 0;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

#define NGX_MAX_FILE_SIZE (16 << 20)
#define PATH_MAX_WALK	  4096

/* A whole configuration file, NUL-terminated. Only a regular file: a FIFO or a device would
 * block or never end (opened O_NONBLOCK, then fstat). 0 or -errno (-EFBIG past 16 MiB,
 * -EINVAL not a regular file).
 */
static int read_whole(const char *path, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	size_t n = 0, cap;
	struct stat st;
	char *buf;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if (st.st_size > NGX_MAX_FILE_SIZE) {
		close(fd);
		return -EFBIG;
	}
	cap = (size_t)st.st_size + 1;
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t got = read(fd, buf + n, cap - 1 - n);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = -errno;

			free(buf);
			close(fd);
			return e;
		}
		n += (size_t)got;
		if (!got || n == cap - 1)
			break; /* a file that grows while read is read to its size at open */
	}
	close(fd);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* glob(3) expands everything before any cap can apply (a symbolic link loop under a few
 * "*" components costs minutes and gigabytes): this walk reads at most NGX_MAX_GLOB_WORK
 * directory entries and keeps at most NGX_MAX_FILES names, then stops with an error.
 */
struct globber {
	char **v;
	size_t n, cap;
	size_t work;
};

static int glob_add(struct globber *g, const char *path)
{
	if (g->n >= NGX_MAX_FILES)
		return -EMFILE;
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 16;
		char **v = realloc(g->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		g->v = v;
		g->cap = cap;
	}
	g->v[g->n] = strdup(path);
	if (!g->v[g->n])
		return -ENOMEM;
	g->n++;
	return 0;
}

static void glob_free(struct globber *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		free(g->v[i]);
	free(g->v);
}

/* path[0..plen) is a directory (literal); pat the rest of the pattern. */
static int glob_walk(struct globber *g, char *path, size_t plen, const char *pat)
{
	const char *slash;
	char comp[256];
	size_t clen;
	struct dirent *de;
	DIR *d;
	int r = 0;

	while (*pat == '/')
		pat++;
	if (!*pat)
		return plen ? glob_add(g, path) : 0;
	slash = strchr(pat, '/');
	clen = slash ? (size_t)(slash - pat) : strlen(pat);
	if (clen >= sizeof(comp) || plen + 1 + clen >= PATH_MAX_WALK)
		return -ENAMETOOLONG;
	memcpy(comp, pat, clen);
	comp[clen] = '\0';
	if (!has_glob(comp)) {
		struct stat st;

		path[plen] = '/';
		memcpy(path + plen + 1, comp, clen + 1);
		if (slash)
			r = glob_walk(g, path, plen + 1 + clen, slash + 1);
		else if (!lstat(path, &st))
			r = glob_add(g, path);
		path[plen] = '\0';
		return r;
	}
	d = opendir(plen ? path : "/");
	if (!d)
		return 0; /* not a directory, or unreadable: no match, as glob(3) */
	while (!r && (de = readdir(d))) {
		size_t nlen = strlen(de->d_name);

		if (++g->work > NGX_MAX_GLOB_WORK) {
			r = -E2BIG;
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    fnmatch(comp, de->d_name, FNM_PERIOD))
			continue;
		if (plen + 1 + nlen >= PATH_MAX_WALK) {
			r = -ENAMETOOLONG;
			break;
		}
		path[plen] = '/';
		memcpy(path + plen + 1, de->d_name, nlen + 1);
		r = slash ? glob_walk(g, path, plen + 1 + nlen, slash + 1) : glob_add(g, path);
		path[plen] = '\0';
	}
	closedir(d);
	return r;
}

static int do_include(struct parser *p, const struct lexer *lx, struct frame *fr, int depth)
{
	char full[PATH_MAX_WALK], eb[NGX_MAX_TOKEN];
	const char *arg, *base;
	struct globber g = { 0 };
	size_t i, blen;
	int r, n;

	if (lx->nargs != 2)
		return perr(p, lx->name, lx->start_line,
			    "invalid number of arguments in \"include\"");
	if (p->c->no_include)
		return perr(p, lx->name, lx->start_line, "include is not read here");
	arg = lx->args[1].s;
	/* absolute names under --root (a tree copied from another host), relative ones under
	 * the prefix; neither is a pattern itself
	 */
	base = arg[0] == '/' ? p->c->root : p->c->prefix;
	n = snprintf(full, sizeof(full), "%s%s%s", base, arg[0] == '/' ? "" : "/", arg);
	if (n < 0 || (size_t)n >= NGX_PATH_LEN)
		return perr(p, lx->name, lx->start_line,
			    "include \"%s\": a path longer than %d bytes",
			    eword(&lx->args[1], eb, sizeof(eb)), NGX_PATH_LEN - 1);
	if (!has_glob(arg))
		return parse_file(p, full, fr, depth + 1, lx->name, lx->start_line);
	blen = strlen(base);
	memcpy(full, base, blen + 1);
	r = glob_walk(&g, full, blen, arg);
	if (r) {
		glob_free(&g);
		if (r == -E2BIG)
			return perr(p, lx->name, lx->start_line,
				    "include \"%s\": the pattern reads more than %d directory "
				    "entries",
				    eword(&lx->args[1], eb, sizeof(eb)), NGX_MAX_GLOB_WORK);
		if (r == -EMFILE)
			return perr(p, lx->name, lx->start_line,
				    "include \"%s\": the pattern matches more than %d files",
				    eword(&lx->args[1], eb, sizeof(eb)), NGX_MAX_FILES);
		return perr(p, lx->name, lx->start_line, "include \"%s\": %s",
			    eword(&lx->args[1], eb, sizeof(eb)), strerror(-r));
	}
	/* nginx reads the matches in name order (glob(3) sorted, nginx sets no locale) */
	if (g.n) /* no match: g.v may be NULL, which qsort must not get */
		qsort(g.v, g.n, sizeof(char *), cmp_strp);
	for (i = 0, r = 0; i < g.n && !r; i++) {
		if (strlen(g.v[i]) >= NGX_PATH_LEN)
			r = perr(p, lx->name, lx->start_line,
				 "include \"%s\": a match longer than %d bytes",
				 eword(&lx->args[1], eb, sizeof(eb)), NGX_PATH_LEN - 1);
		else
			r = parse_file(p, g.v[i], fr, depth + 1, lx->name, lx->start_line);
	}
	glob_free(&g);
	return r;
}

static int parse_block(struct parser *p, struct lexer *lx, struct frame *fr, bool top, int depth);

/* An address with an optional "http://" and a URI ("auth_http", "ssl_stapling_responder"):
 * the socket nginx connects to, port 80 unless written.
 */
static int url_endpoint(struct parser *p, const char *file, unsigned int line, const char *dir,
			const char *url, bool need_http, const struct frame *fr)
{
	char addr[NGX_MAX_TOKEN + 1], eb[NGX_MAX_TOKEN];
	struct ngx_endpoint *e;
	size_t n;
	int r;

	if (!strncasecmp(url, "http://", 7))
		url += 7;
	else if (need_http)
		return perr(p, file, line, "invalid URL prefix in \"%s\"",
			    eword(&(struct word){ (char *)url, strlen(url) }, eb, sizeof(eb)));
	e = ep_new_at(p, file, line, dir, fr);
	if (!e)
		return -ENOMEM;
	if (!strncmp(url, "unix:", 5)) {
		const char *end = strchr(url + 5, ':');

		n = end ? (size_t)(end - url) : strlen(url);
	} else {
		n = strcspn(url, "/?");
	}
	snprintf(addr, sizeof(addr), "%.*s", (int)n, url);
	r = parse_addr_at(p, file, line, dir, e, addr, false);
	if (r < 0)
		return r;
	if (r == 1)
		e->port = 80;
	return 0;
}

/* error_log/access_log syslog:server=ADDR[:PORT][,...]: nginx sends datagrams (udp, or a unix
 * datagram socket), to port 514 unless written.
 */
static int do_syslog(struct parser *p, const struct lexer *lx, const struct frame *fr)
{
	const char *args = lx->args[1].s + 7, *srv = NULL, *at;
	char addr[NGX_MAX_TOKEN + 1];
	struct ngx_endpoint *e;
	int r;

	for (at = args; *at;) {
		size_t n = strcspn(at, ",");

		if (!strncmp(at, "server=", 7) && n > 7) {
			srv = at + 7;
			snprintf(addr, sizeof(addr), "%.*s", (int)(n - 7), srv);
		}
		at += n;
		at += *at == ',';
	}
	if (!srv)
		return perr(p, lx->name, lx->start_line, "no server specified in \"%s\"",
			    lx->args[0].s);
	e = ep_new(p, lx, fr);
	if (!e)
		return -ENOMEM;
	r = parse_addr(p, lx, e, addr, false);
	if (r < 0)
		return r;
	if (r == 1)
		e->port = 514;
	if (e->is_unix)
		e->dgram = true;
	else
		e->udp = true;
	return 0;
}

static bool is_on(const struct lexer *lx)
{
	return lx->nargs == 2 && (!strcmp(lx->args[1].s, "on") || !strcmp(lx->args[1].s, "leaf"));
}

/* ssl_stapling, ssl_ocsp and their responders: kept in the block, decided per server. */
static int do_ocsp(struct parser *p, const struct lexer *lx, struct frame *fr)
{
	struct ocsp *o = &fr->ocsp;
	const char *name = lx->args[0].s;

	if (lx->nargs != 2)
		return perr(p, lx->name, lx->start_line, "invalid number of arguments in \"%s\"",
			    name);
	if (!strcmp(name, "ssl_stapling")) {
		o->stapling = is_on(lx);
		o->stapling_line = lx->start_line;
		snprintf(o->file, sizeof(o->file), "%s", lx->name);
	} else if (!strcmp(name, "ssl_stapling_file")) {
		o->stapling_file = true;
	} else if (!strcmp(name, "ssl_stapling_responder")) {
		snprintf(o->responder, sizeof(o->responder), "%s", lx->args[1].s);
		o->responder_line = lx->start_line;
		snprintf(o->file, sizeof(o->file), "%s", lx->name);
	} else if (!strcmp(name, "ssl_ocsp")) {
		o->ocsp = is_on(lx);
		o->ocsp_on_line = lx->start_line;
		snprintf(o->ocsp_file, sizeof(o->ocsp_file), "%s", lx->name);
	} else {
		snprintf(o->ocsp_responder, sizeof(o->ocsp_responder), "%s", lx->args[1].s);
		o->ocsp_line = lx->start_line;
		snprintf(o->ocsp_file, sizeof(o->ocsp_file), "%s", lx->name);
	}
	return 0;
}

/* The OCSP sockets of one http server: the responder written, or the one the certificate
 * names (known at run time only).
 */
static int ocsp_endpoints(struct parser *p, const struct frame *srv)
{
	const struct ocsp *o = &srv->ocsp;
	struct ngx_endpoint *e;

	int r;

	/* both may be on in one server: each has its own responder */
	if (o->stapling == 1 && !o->stapling_file && o->responder[0]) {
		r = url_endpoint(p, o->file, o->responder_line, "ssl_stapling_responder",
				 o->responder, true, srv);
		if (r)
			return r;
	} else if (o->stapling == 1 && !o->stapling_file) {
		e = ep_new_at(p, o->file, o->stapling_line, "ssl_stapling", srv);
		if (!e)
			return -ENOMEM;
		e->runtime = true;
		snprintf(e->variable, sizeof(e->variable), "the certificate's OCSP URL");
	}
	if (o->ocsp == 1) {
		if (o->ocsp_responder[0])
			return url_endpoint(p, o->ocsp_file, o->ocsp_line, "ssl_ocsp_responder",
					    o->ocsp_responder, true, srv);
		e = ep_new_at(p, o->ocsp_file, o->ocsp_on_line, "ssl_ocsp", srv);
		if (!e)
			return -ENOMEM;
		e->runtime = true;
		snprintf(e->variable, sizeof(e->variable), "the client certificate's OCSP URL");
	}
	return 0;
}

/* Blocks whose lines are data (keys and values), never directives. */
static bool data_block(const char *name)
{
	static const char *const data[] = { "map",	     "types",	    "geo",
					    "split_clients", "charset_map", "match" };
	size_t i;

	for (i = 0; i < sizeof(data) / sizeof(data[0]); i++)
		if (!strcmp(name, data[i]))
			return true;
	return false;
}

static int open_block(struct parser *p, struct lexer *lx, struct frame *fr, int depth)
{
	struct frame *child;
	const char *name = lx->args[0].s;
	unsigned int line = lx->start_line;
	char file[NGX_PATH_LEN];
	size_t start = p->c->n, i;
	int r;

	/* an explicit bound: the parser recurses once per block */
	if (fr->depth + 1 > NGX_MAX_DEPTH)
		return perr(p, lx->name, line, "blocks nested deeper than %d", NGX_MAX_DEPTH);
	child = malloc(sizeof(*child));
	if (!child)
		return perr(p, lx->name, line, "out of memory");
	*child = *fr;
	child->depth = fr->depth + 1;
	child->block = "";
	child->saw_listen = false;
	child->resolver = false;
	child->udp_listen = false;
	if (!strcmp(name, "http") && fr->ctx == NGX_CTX_MAIN) {
		child->ctx = NGX_CTX_HTTP;
		child->block = "http";
	} else if (!strcmp(name, "stream") && fr->ctx == NGX_CTX_MAIN) {
		child->ctx = NGX_CTX_STREAM;
		child->block = "stream";
	} else if (!strcmp(name, "mail") && fr->ctx == NGX_CTX_MAIN) {
		child->ctx = NGX_CTX_MAIL;
		child->block = "mail";
	} else if (!strcmp(name, "server") && fr->ctx != NGX_CTX_MAIN &&
		   !strcmp(fr->block, ngx_ctx_name(fr->ctx))) {
		child->block = "server";
	} else if (!strcmp(name, "upstream") && fr->ctx != NGX_CTX_MAIN) {
		char eb[NGX_MAX_TOKEN];

		if (lx->nargs != 2) {
			free(child);
			return perr(p, lx->name, line,
				    "invalid number of arguments in \"upstream\"");
		}
		if (lx->args[1].len >= sizeof(child->upstream)) {
			free(child);
			return perr(p, lx->name, line, "upstream name \"%s\" longer than %zu bytes",
				    eword(&lx->args[1], eb, sizeof(eb)),
				    sizeof(child->upstream) - 1);
		}
		child->block = "upstream";
		snprintf(child->upstream, sizeof(child->upstream), "%s", lx->args[1].s);
		r = upstream_add(p, lx->args[1].s, fr->ctx);
		if (r) {
			free(child);
			return r;
		}
	} else if (data_block(name)) {
		child->block = "data";
	}
	snprintf(file, sizeof(file), "%s", lx->name);
	r = parse_block(p, lx, child, false, depth);
	if (r)
		goto out;
	/* nginx inherits resolver into every block inside, whatever the order of lines */
	for (i = start; child->resolver && i < p->c->n; i++)
		p->c->v[i].resolver = true;
	/* a UDP stream server proxies over UDP */
	for (i = start; child->udp_listen && i < p->c->n; i++)
		if (!p->c->v[i].listen && !strcmp(p->c->v[i].directive, "proxy_pass"))
			p->c->v[i].udp = true;
	if (strcmp(child->block, "server") || child->ctx != NGX_CTX_HTTP)
		goto out;
	r = ocsp_endpoints(p, child);
	if (r)
		goto out;
	/* an http server without listen listens on *:80 (nginx run as root, as its service is;
	 * *:8000 otherwise)
	 */
	if (!child->saw_listen) {
		struct ngx_endpoint *e = ep_new_at(p, file, line, "listen", fr);

		if (!e) {
			r = -ENOMEM;
			goto out;
		}
		e->listen = true;
		e->implicit = true;
		snprintf(e->host, sizeof(e->host), "*");
		e->port = 80;
	}
out:
	free(child);
	return r;
}

static int directive(struct parser *p, struct lexer *lx, struct frame *fr, int depth)
{
	const char *name = lx->args[0].s;

	if (lx->nargs < 1 || !name) /* the lexer returns no empty directive; said for analyzers */
		return 0;
	if (!strcmp(fr->block, "data"))
		return 0;
	if (!strcmp(name, "include"))
		return do_include(p, lx, fr, depth);
	if ((!strcmp(name, "error_log") || !strcmp(name, "access_log")) && lx->nargs >= 2 &&
	    !strncmp(lx->args[1].s, "syslog:", 7))
		return do_syslog(p, lx, fr);
	if (fr->ctx == NGX_CTX_MAIN)
		return 0;
	if (!strcmp(name, "resolver")) {
		fr->resolver = true;
		return 0;
	}
	if (!strcmp(name, "listen") && !strcmp(fr->block, "server"))
		return do_listen(p, lx, fr);
	if (!strcmp(name, "server") && !strcmp(fr->block, "upstream"))
		return do_upstream_server(p, lx, fr);
	if (fr->ctx == NGX_CTX_MAIL) {
		if (!strcmp(name, "auth_http")) {
			if (lx->nargs != 2)
				return perr(p, lx->name, lx->start_line,
					    "invalid number of arguments in \"auth_http\"");
			return url_endpoint(p, lx->name, lx->start_line, name, lx->args[1].s, false,
					    fr);
		}
		return 0;
	}
	if (fr->ctx == NGX_CTX_HTTP &&
	    (!strcmp(name, "ssl_stapling") || !strcmp(name, "ssl_stapling_file") ||
	     !strcmp(name, "ssl_stapling_responder") || !strcmp(name, "ssl_ocsp") ||
	     !strcmp(name, "ssl_ocsp_responder")))
		return do_ocsp(p, lx, fr);
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
	int r;

	lx.args = calloc(NGX_MAX_ARGS, sizeof(*lx.args));
	if (!lx.args)
		return perr(p, name, 0, "out of memory");
	r = parse_block(p, &lx, fr, true, depth);
	words_free(&lx);
	free(lx.args);
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
			return perr(p, from, from_line, "include \"%s\": %s", epath,
				    r == -EINVAL ? "not a regular file" : strerror(-r));
		return perr(p, path, 0, "%s", r == -EINVAL ? "not a regular file" : strerror(-r));
	}
	r = parse_text(p, path, buf, len, fr, depth);
	free(buf);
	return r;
}

/* A listen parameter that makes nginx bind() this address on its own even when a wildcard
 * listen of the same port exists (ngx_http_core_listen sets "bind" for each).
 */
static bool binds_alone(const char *params)
{
	static const char *const own[] = {
		"bind",	   "reuseport",	     "deferred",      "ipv6only=", "backlog=", "rcvbuf=",
		"sndbuf=", "accept_filter=", "so_keepalive=", "setfib=",   "fastopen="
	};
	const char *at = params;
	size_t i;

	while (*at) {
		size_t n = strcspn(at, " ");

		for (i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
			size_t k = strlen(own[i]);

			if (own[i][k - 1] == '=' ? n > k && !strncmp(at, own[i], k)
						 : n == k && !strncmp(at, own[i], k))
				return true;
		}
		at += n;
		at += *at == ' ';
	}
	return false;
}

static bool wildcard_host(const char *h)
{
	return !strcmp(h, "*") || !strcmp(h, "0.0.0.0") || !strcmp(h, "::");
}

/* 4 or 6 for a numeric address, else 0 (a name nginx resolves when it starts) */
static int numeric_family(const char *h)
{
	unsigned char b[16];

	if (!strcmp(h, "*") || inet_pton(AF_INET, h, b) == 1)
		return 4;
	return inet_pton(AF_INET6, h, b) == 1 ? 6 : 0;
}

static bool same_listen(const struct ngx_endpoint *a, const struct ngx_endpoint *b)
{
	if (!a->listen || !b->listen || a->ctx != b->ctx || a->udp != b->udp ||
	    a->is_unix != b->is_unix)
		return false;
	if (a->is_unix)
		return !strcmp(a->path, b->path);
	if (a->port != b->port)
		return false;
	if (wildcard_host(a->host) && wildcard_host(b->host))
		return numeric_family(a->host) == numeric_family(b->host);
	return !strcmp(a->host, b->host);
}

/* Several listen directives are one socket in nginx: the same address and port in several
 * servers, and an address under a wildcard listen of its port (nginx accepts on the wildcard
 * and asks getsockname), unless a parameter makes it bind on its own. One endpoint each,
 * the first explicit directive, with the others counted in "shared".
 */
static void merge_listens(struct ngx_conf *c)
{
	size_t i, k, o = 0;

	for (i = 0; i < c->n; i++) {
		struct ngx_endpoint *e = &c->v[i];
		struct ngx_endpoint *keep = NULL;
		int fam = e->listen && !e->is_unix ? numeric_family(e->host) : 0;

		for (k = 0; k < o && !keep; k++)
			if (same_listen(&c->v[k], e))
				keep = &c->v[k];
		for (k = 0;
		     k < o && !keep && fam && !wildcard_host(e->host) && !binds_alone(e->params);
		     k++) {
			const struct ngx_endpoint *w = &c->v[k];

			if (w->listen && !w->is_unix && w->ctx == e->ctx && w->udp == e->udp &&
			    w->port == e->port && wildcard_host(w->host) &&
			    numeric_family(w->host) == fam)
				keep = &c->v[k];
		}
		/* a wildcard written after the specific addresses it covers takes them over */
		if (!keep && fam && wildcard_host(e->host)) {
			size_t w = o, kk;

			for (kk = 0, o = 0; kk < w; kk++) {
				struct ngx_endpoint *x = &c->v[kk];

				if (x->listen && !x->is_unix && x->ctx == e->ctx &&
				    x->udp == e->udp && x->port == e->port &&
				    !wildcard_host(x->host) && numeric_family(x->host) == fam &&
				    !binds_alone(x->params)) {
					e->shared += 1 + x->shared;
					continue;
				}
				if (o != kk)
					c->v[o] = *x;
				o++;
			}
		}
		if (keep) {
			keep->shared += 1 + e->shared;
			if (keep->implicit && !e->implicit) {
				unsigned int shared = keep->shared;

				*keep = *e;
				keep->shared = shared;
			}
			continue;
		}
		if (o != i)
			c->v[o] = *e;
		o++;
	}
	c->n = o;
}

/* A pass naming a host without a port: an upstream block of that name (then its servers are
 * the endpoints, listed where they are written), or the scheme's default port. An upstream
 * only UDP stream servers proxy to is connected to over UDP.
 */
static int finish(struct parser *p)
{
	struct ngx_conf *c = p->c;
	size_t i, o = 0, k;

	for (i = 0; i < c->n; i++) {
		struct ngx_endpoint *e = &c->v[i];
		struct upstream_name *up = NULL;

		if (p->needs_port && p->needs_port[i]) {
			for (k = 0; k < p->nups && !up; k++)
				if (p->ups[k].ctx == e->ctx && !strcmp(p->ups[k].name, e->host))
					up = &p->ups[k];
			if (up) {
				if (e->udp)
					up->udp = true;
				else
					up->tcp = true;
				continue;
			}
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
	for (i = 0; i < c->n; i++) {
		struct ngx_endpoint *e = &c->v[i];

		if (!e->upstream[0] || e->listen)
			continue;
		for (k = 0; k < p->nups; k++)
			if (p->ups[k].ctx == e->ctx && !strcmp(p->ups[k].name, e->upstream) &&
			    p->ups[k].udp && !p->ups[k].tcp)
				e->udp = true;
	}
	merge_listens(c);
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
	struct frame top = { .ctx = NGX_CTX_MAIN,
			     .block = "",
			     .ocsp = { .stapling = -1, .ocsp = -1 } };
	int r;

	if (errsz)
		err[0] = '\0';
	if (strlen(name) >= NGX_PATH_LEN)
		return perr(&p, name, 0, "a path longer than %d bytes", NGX_PATH_LEN - 1);
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
