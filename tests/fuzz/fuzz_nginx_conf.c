// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* libFuzzer target: nginx's configuration reader on any bytes (includes off: no file is read).
 * An error has a reason with a line; an endpoint has what it promises. The seeds reach the
 * limits (blocks nested past NGX_MAX_DEPTH, a word past NGX_MAX_TOKEN, a NUL inside a word):
 * the suite runs this target with -max_len=65536 so that mutations keep them reachable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nginx_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ngx_conf c = { .no_include = true };
	char err[1024];
	size_t i;
	int ret;

	ret = ngx_conf_read_buf("f.conf", (const char *)data, size, &c, err, sizeof(err));
	if (ret < 0 && strncmp(err, "f.conf:", 7))
		abort(); /* an error without its file:line */
	for (i = 0; ret == 0 && i < c.n; i++) {
		const struct ngx_endpoint *e = &c.v[i];

		if (!e->line || !e->directive[0])
			abort();
		if (!e->runtime && !e->is_unix && (!e->host[0] || e->port < 1 || e->port > 65535))
			abort();
		if (e->is_unix && (!e->path[0] || strlen(e->path) > NGX_UNIX_PATH_MAX))
			abort();
		/* a word is never cut: what is kept is what was written, whole */
		if (memchr(e->host, '\0', sizeof(e->host)) == NULL ||
		    memchr(e->upstream, '\0', sizeof(e->upstream)) == NULL)
			abort();
		if (e->ctx != NGX_CTX_HTTP && e->ctx != NGX_CTX_STREAM && e->ctx != NGX_CTX_MAIL &&
		    !(e->ctx == NGX_CTX_MAIN && strstr(e->directive, "_log")))
			abort();
	}
	ngx_conf_free(&c);
	return 0;
}
