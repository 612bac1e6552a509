/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A reader of nginx's configuration, for `avcsnoop preflight`: the sockets nginx will connect
 * to and listen on, with the file and line that asks for each. It follows nginx's grammar
 * (src/core/ngx_conf_file.c): directives end in ';', blocks in '{' '}', '#' starts a comment
 * at a token's start, '...' and "..." quote (\" \' \\ \t \r \n are escapes, any other
 * backslash pair is kept), a backslash outside quotes takes the next byte as it is, "${"
 * does not open a block, a ')' may follow a closing quote (`if ($a = "")`). `include` takes a
 * glob relative to the prefix (the main file's directory), absolute ones under the root (a
 * tree copied from another host); an included file is parsed in the context of the include,
 * as nginx does, and must be a regular file. Unknown directives are skipped. Every limit
 * (block depth, word length, path lengths, glob work) is an error naming FILE:LINE, never a
 * truncation. It never runs nginx and resolves no host name: the endpoints carry the host as
 * written. Strings are raw bytes from the files: escape them when printing.
 */
#ifndef AVC_NGINX_CONF_H
#define AVC_NGINX_CONF_H

#include <stdbool.h>
#include <stddef.h>

#define NGX_PATH_LEN	  512
#define NGX_HOST_LEN	  256
#define NGX_NAME_LEN	  64
#define NGX_MAX_INCLUDE	  16	 /* include depth (a loop ends here, with an error) */
#define NGX_MAX_FILES	  1024	 /* files read in all */
#define NGX_MAX_ARGS	  1024	 /* words in one directive (server_name lists are long) */
#define NGX_MAX_DEPTH	  64	 /* blocks inside blocks (nginx's own configs use < 10) */
#define NGX_MAX_GLOB_WORK 100000 /* directory entries one include pattern may read */
#define NGX_UNIX_PATH_MAX 107	 /* sizeof(sun_path) - 1: nginx refuses longer */
#define NGX_MAX_TOKEN	  4096	 /* bytes in one word */
#define NGX_MAX_ENDPOINTS 4096

enum ngx_ctx { NGX_CTX_MAIN, NGX_CTX_HTTP, NGX_CTX_STREAM, NGX_CTX_MAIL };

/* One socket nginx opens because of one directive. */
struct ngx_endpoint {
	char file[NGX_PATH_LEN];
	unsigned int line;
	char directive[NGX_NAME_LEN]; /* "proxy_pass", "listen", "server" (in an upstream) */
	char upstream[NGX_HOST_LEN];  /* the upstream block of a "server", else "" */
	enum ngx_ctx ctx;	      /* http, stream or mail (main: error_log) */
	bool listen;		      /* a listening socket (bind), else a connect */
	bool udp;		      /* a quic/udp listen, a stream UDP proxy, a syslog target */
	bool dgram;		      /* a unix datagram socket (syslog:server=unix:) */
	bool is_unix;		      /* path is a unix socket */
	bool runtime;		      /* decided at run time (a variable) */
	bool implicit;		      /* a server block without listen: nginx's *:80 */
	bool down;		      /* an upstream server marked down: never connected to */
	unsigned int shared;	      /* other listen directives served by this same socket */
	char variable[NGX_NAME_LEN];  /* the variable of a runtime pass ("$backend"), or what
				       * decides the address ("the certificate's OCSP URL") */
	char host[NGX_HOST_LEN];      /* as written: "127.0.0.1", "::1", "localhost", "*" */
	unsigned int port;
	char path[NGX_PATH_LEN];   /* unix socket path */
	char params[NGX_HOST_LEN]; /* the listen/server parameters, space separated */
	bool resolver;		   /* a resolver directive is in scope (runtime passes) */
};

struct ngx_conf {
	struct ngx_endpoint *v;
	size_t n, cap;
	char prefix[NGX_PATH_LEN]; /* where relative includes start (default: the main file's
				    * directory) */
	char root[NGX_PATH_LEN];   /* absolute includes are read under this directory ("" = /) */
	unsigned int files;	   /* files read */
	bool no_include;	   /* for fuzzing: an include is an error, the file system is
				    * never touched */
};

/* Read the configuration starting at path. 0, or -errno with "FILE:LINE: what" (file names
 * and tokens escaped) in err: a missing include, an unterminated block or quote, a bad token,
 * an address nginx would refuse.
 */
int ngx_conf_read(const char *path, struct ngx_conf *c, char *err, size_t errsz);
/* The same on text in memory named name (includes resolve against c->prefix). */
int ngx_conf_read_buf(const char *name, const char *buf, size_t len, struct ngx_conf *c, char *err,
		      size_t errsz);
void ngx_conf_free(struct ngx_conf *c);
const char *ngx_ctx_name(enum ngx_ctx ctx);

#endif
