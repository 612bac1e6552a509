// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* preflight: nginx's grammar (tests/preflight/ fixtures) and predictions on CIL and refpolicy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <selinux/selinux.h>

#include "nginx_conf.h"
#include "policy.h"
#include "preflight.h"
#include "test.h"

struct policy *test_open_cil(const char *name, char *path, size_t pathsz);

#define REFPOLICY "/etc/selinux/default/policy/policy.33"

static const struct ngx_endpoint *find_ep(const struct ngx_conf *c, const char *file_end,
					  unsigned int line, const char *host, unsigned int port)
{
	size_t i, fl = strlen(file_end);

	for (i = 0; i < c->n; i++) {
		const struct ngx_endpoint *e = &c->v[i];
		size_t l = strlen(e->file);

		if (e->line == line && l >= fl && !strcmp(e->file + l - fl, file_end) &&
		    !strcmp(host, e->is_unix ? e->path : e->host) && e->port == port)
			return e;
	}
	return NULL;
}

static int read_fixture(const char *name, struct ngx_conf *c, char *err, size_t errsz)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/preflight/%s", test_data_dir, name);
	memset(c, 0, sizeof(*c));
	return ngx_conf_read(path, c, err, errsz);
}

TEST(preflight_conf_every_directive)
{
	struct ngx_conf c;
	const struct ngx_endpoint *e;
	char err[1024];

	CHECK_INT(read_fixture("nginx.conf", &c, err, sizeof(err)), 0);
	/* upstream servers: weight/backup/resolve parameters, default port 80, unix: */
	e = find_ep(&c, "nginx.conf", 8, "127.0.0.1", 8080);
	CHECK(e && !strcmp(e->upstream, "app") && !strcmp(e->params, "weight=5 max_fails=3"));
	e = find_ep(&c, "nginx.conf", 9, "localhost", 80);
	CHECK(e && !strcmp(e->params, "backup"));
	e = find_ep(&c, "nginx.conf", 10, "/nonexistent/app.sock", 0);
	CHECK(e && e->is_unix);
	CHECK(find_ep(&c, "nginx.conf", 11, "127.0.0.2", 9999));
	/* listen: port only, [::1]:port with ssl http2, quic is UDP */
	e = find_ep(&c, "nginx.conf", 14, "*", 80);
	CHECK(e && e->listen && !e->udp && e->ctx == NGX_CTX_HTTP);
	e = find_ep(&c, "nginx.conf", 15, "::1", 8081);
	CHECK(e && e->listen && !strcmp(e->params, "ssl http2"));
	e = find_ep(&c, "nginx.conf", 16, "127.0.0.1", 443);
	CHECK(e && e->udp);
	/* proxy_pass to an upstream names no socket of its own (its servers are listed) */
	CHECK(!find_ep(&c, "nginx.conf", 18, "app", 0) &&
	      !find_ep(&c, "nginx.conf", 18, "app", 80));
	CHECK(find_ep(&c, "nginx.conf", 19, "127.0.0.1", 8080));
	CHECK(find_ep(&c, "nginx.conf", 20, "127.0.0.1", 443)); /* https:// default */
	e = find_ep(&c, "nginx.conf", 21, "/nonexistent/php/fpm.sock", 0);
	CHECK(e && !strcmp(e->directive, "fastcgi_pass"));
	CHECK(find_ep(&c, "nginx.conf", 22, "127.0.0.1", 9001)); /* uwsgi:// */
	CHECK(find_ep(&c, "nginx.conf", 23, "127.0.0.1", 9002));
	CHECK(find_ep(&c, "nginx.conf", 24, "127.0.0.1", 80));	  /* grpc:// default */
	CHECK(find_ep(&c, "nginx.conf", 25, "::1", 443));	  /* grpcs:// default */
	CHECK(find_ep(&c, "nginx.conf", 26, "127.0.0.1", 11211)); /* memcached_pass */
	e = find_ep(&c, "nginx.conf", 27, "$backend_host", 0);
	CHECK(e && e->runtime && e->resolver);
	CHECK_STR(e->variable, "$backend_host");
	/* a server without listen: nginx's *:80 */
	e = find_ep(&c, "nginx.conf", 30, "*", 80);
	CHECK(e && e->implicit);
	/* stream: upstream, listen, udp, proxy_pass to an upstream and to host:port, unix */
	e = find_ep(&c, "nginx.conf", 35, "127.0.0.1", 5432);
	CHECK(e && e->ctx == NGX_CTX_STREAM && !strcmp(e->upstream, "db"));
	CHECK(find_ep(&c, "nginx.conf", 37, "127.0.0.1", 6000));
	e = find_ep(&c, "nginx.conf", 38, "*", 5353);
	CHECK(e && e->udp);
	e = find_ep(&c, "nginx.conf", 42, "/nonexistent/stream.sock", 0);
	CHECK(e && e->listen && e->is_unix);
	CHECK(find_ep(&c, "nginx.conf", 43, "127.0.0.1", 6001));
	/* include conf.d/ with a glob, relative to the main file's directory */
	e = find_ep(&c, "conf.d/20-second.conf", 2, "127.0.0.1", 7001);
	CHECK(e && e->ctx == NGX_CTX_STREAM);
	CHECK_INT(c.files, 3);
	CHECK_INT(c.n, 24);
	ngx_conf_free(&c);
}

static int read_text(const char *text, struct ngx_conf *c, char *err, size_t errsz)
{
	memset(c, 0, sizeof(*c));
	c->no_include = true;
	return ngx_conf_read_buf("t.conf", text, strlen(text), c, err, errsz);
}

TEST(preflight_conf_quotes_escapes_comments)
{
	struct ngx_conf c;
	char err[512];

	/* a quoted address, an escaped quote in a word, "${" not a block, '#' inside a word */
	CHECK_INT(read_text("http { # comment ; {\n"
			    " server { listen '127.0.0.1:81'; set $a \"x\\\"y;z\"; set ${b}c d#e;\n"
			    "  location / { proxy_pass \"http://127.0.0.1:82\"; }\n"
			    "  location /x { proxy_pass http://${up}:8000; }\n } }\n",
			    &c, err, sizeof(err)),
		  0);
	CHECK_INT(c.n, 3);
	CHECK(c.v[0].listen && c.v[0].port == 81 && c.v[0].line == 2);
	CHECK(c.v[1].port == 82 && c.v[1].line == 3);
	CHECK(c.v[2].runtime);
	CHECK_STR(c.v[2].variable, "${up}");
	ngx_conf_free(&c);
}

TEST(preflight_conf_errors_have_file_line)
{
	static const struct {
		const char *file, *msg;
	} cases[] = {
		{ "errors/unterminated_block.conf", "unterminated_block.conf:4: unexpected end of "
						    "file, expecting \"}\"" },
		{ "errors/unterminated_quote.conf", "unterminated_quote.conf:4: unexpected end of "
						    "file, expecting \";\" or \"}\"" },
		{ "errors/missing_include.conf", "missing_include.conf:4: include \"" },
		{ "errors/bad_token.conf", "bad_token.conf:2: unexpected \"b\"" },
		{ "errors/extra_close.conf", "extra_close.conf:3: unexpected \"}\"" },
		{ "errors/no_port.conf", "no_port.conf:2: no port in upstream \"backend\"" },
	};
	struct ngx_conf c;
	char err[1024];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(read_fixture(cases[i].file, &c, err, sizeof(err)) < 0);
		CHECK_CONTAINS(err, cases[i].msg);
		ngx_conf_free(&c);
	}
	/* an untrusted byte in a token is escaped in the message */
	CHECK(read_text("http { server_name \"a\"\x1b[31m; }", &c, err, sizeof(err)) < 0);
	CHECK_CONTAINS(err, "t.conf:1: unexpected \"\\x1b\"");
	ngx_conf_free(&c);
	/* nginx's own refusals: a bare IPv6 address, a port out of range, stream without port */
	CHECK(read_text("http { server { listen ::1:80; } }", &c, err, sizeof(err)) < 0);
	CHECK_CONTAINS(err, "t.conf:1: invalid address");
	ngx_conf_free(&c);
	CHECK(read_text("http { upstream u { server a:70000; } }", &c, err, sizeof(err)) < 0);
	ngx_conf_free(&c);
	CHECK(read_text("stream { server { listen 127.0.0.1; } }", &c, err, sizeof(err)) < 0);
	CHECK_CONTAINS(err, "no port in \"listen\"");
	ngx_conf_free(&c);
}

/* Run preflight on a config text with policy, returning its exit status and output. */
static int run_preflight(const char *policy, const char *domain, const char *fc,
			 const char *conf_text, bool json, char **out)
{
	char conf[] = "/tmp/avcsnoop-preflight-XXXXXX";
	struct preflight_opts o = {
		.policy = policy, .domain = domain, .file_contexts = fc, .json = json
	};
	size_t len = 0;
	FILE *f, *mem;
	int fd, ret;

	fd = mkstemp(conf);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	fputs(conf_text, f);
	fclose(f);
	o.conf = conf;
	mem = open_memstream(out, &len);
	ret = preflight_run(&o, mem);
	fclose(mem);
	unlink(conf);
	return ret;
}

static const char *const cil_conf = "http {\n"
				    " server {\n"
				    "  listen 127.0.0.1:80;\n"
				    "  listen 127.0.0.1:8081;\n"
				    "  location /a { proxy_pass http://127.0.0.1:8080; }\n"
				    "  location /b { proxy_pass http://127.0.0.1:443; }\n"
				    "  location /c { proxy_pass http://127.0.0.1:9999; }\n"
				    " }\n"
				    " upstream u { server 127.0.0.1:8080; }\n"
				    "}\n";

TEST(preflight_predicts_on_cil)
{
	char path[256], *out = NULL;
	struct policy *p = test_open_cil("preflight", path, sizeof(path));

	CHECK(p);
	policy_close(p);
	CHECK_INT(run_preflight(path, "web_t", NULL, cil_conf, false, &out), PREFLIGHT_EXIT_DENIED);
	CHECK_CONTAINS(out, "nginx runs as web_t: given with --domain");
	/* 443 (http_port_t) allowed; 8080 denied with the boolean; 9999 hidden by dontaudit;
	 * a listen on 8081 (the default port_t) denied name_bind
	 */
	CHECK_CONTAINS(out, "127.0.0.1:443            http_port_t          allowed");
	CHECK_CONTAINS(out, "127.0.0.1:8080           cache_port_t         selinux_denied         "
			    "boolean: setsebool -P web_relay 1");
	CHECK_CONTAINS(out, "127.0.0.1:9999           quiet_port_t         selinux_hidden");
	CHECK_CONTAINS(out, "127.0.0.1:8081           port_t               selinux_denied");
	/* the same access from two directives is one finding, advised once */
	CHECK_CONTAINS(out, "2 directive sockets, predicted denied; 127.0.0.1:8080 by nginx\n");
	CHECK_CONTAINS(out, "3 distinct denied access(es)");
	free(out);
	out = NULL;
	CHECK_INT(run_preflight(path, "web_t", NULL, cil_conf, true, &out), PREFLIGHT_EXIT_DENIED);
	CHECK_CONTAINS(out, "{\"type\":\"preflight\",");
	CHECK_CONTAINS(
		out,
		"\"directive\":\"proxy_pass\",\"context\":\"http\",\"access\":\"connect\","
		"\"family\":\"inet\",\"dest\":\"127.0.0.1:8080\",\"addr\":\"127.0.0.1\","
		"\"port\":8080,\"proto\":\"tcp\",\"target_type\":\"cache_port_t\","
		"\"perms\":[\"name_connect\"],\"domain\":\"web_t\",\"verdict\":\"selinux_denied\"");
	CHECK_CONTAINS(out, "{\"type\":\"advice\"");
	CHECK(!strstr(out, "nginx runs as")); /* no prose in JSON */
	free(out);
	out = NULL;
	/* everything allowed: exit 0 */
	CHECK_INT(run_preflight(path, "web_t", NULL,
				"http { server { location / { proxy_pass http://127.0.0.1; } } "
				"upstream x { server 127.0.0.1:443; } }",
				false, &out),
		  0);
	free(out);
	out = NULL;
	/* an unknown domain is an error, as is a bad config */
	CHECK_INT(run_preflight(path, "nosuch_t", NULL, "events {}", false, &out), 1);
	free(out);
	out = NULL;
	CHECK_INT(run_preflight(path, "web_t", NULL, "http {", false, &out), 1);
	free(out);
}

TEST(preflight_domain_from_file_contexts_and_transition)
{
	char path[256], fc[512], type[POLICY_NAME_LEN], *out = NULL;
	struct policy *p = test_open_cil("preflight", path, sizeof(path));

	CHECK(p);
	CHECK_INT(policy_exec_transition(p, "init_t", "web_exec_t", type, sizeof(type)), 0);
	CHECK_STR(type, "web_t");
	/* no rule: the process keeps its type */
	CHECK_INT(policy_exec_transition(p, "web_t", "web_exec_t", type, sizeof(type)), 0);
	CHECK_STR(type, "web_t");
	CHECK(!policy_type_permissive(p, "web_t"));
	policy_close(p);
	snprintf(fc, sizeof(fc), "%s/preflight/file_contexts", test_data_dir);
	CHECK_INT(run_preflight(path, NULL, fc, "events {}", false, &out), 0);
	CHECK_CONTAINS(out, "nginx runs as web_t: from the policy: /usr/sbin/nginx is web_exec_t");
	CHECK_CONTAINS(out, "init_t executing it becomes web_t (type_transition)");
	free(out);
	out = NULL;
	/* offline without file_contexts: httpd_t assumed, and said (not in this policy: error) */
	CHECK_INT(run_preflight(path, NULL, NULL, "events {}", false, &out), 1);
	free(out);
}

TEST(preflight_refpolicy)
{
	char *out = NULL;

	if (access(REFPOLICY, R_OK)) {
		printf("    skip: %s absent (apt-get install selinux-policy-default)\n", REFPOLICY);
		return;
	}
	CHECK_INT(run_preflight(REFPOLICY, NULL, NULL,
				"http { server { listen 80; listen 8081;\n"
				" location / { proxy_pass http://127.0.0.1:8080; }\n"
				" location /b { proxy_pass http://127.0.0.1:80; } } }\n",
				false, &out),
		  PREFLIGHT_EXIT_DENIED);
	CHECK_CONTAINS(out, "nginx runs as httpd_t: from the policy: /usr/sbin/nginx is "
			    "httpd_exec_t");
	CHECK_CONTAINS(out, "0.0.0.0:80               http_port_t          allowed");
	CHECK_CONTAINS(out, "127.0.0.1:8080           http_cache_port_t    selinux_denied         "
			    "boolean: setsebool -P httpd_can_network_relay 1");
	CHECK_CONTAINS(out, "0.0.0.0:8081             transproxy_port_t    selinux_denied");
	CHECK_CONTAINS(out, "tcp_socket { name_bind }");
	free(out);
}

/* listen on udp ports and addresses: name_bind on the port's type (udp_socket), node_bind
 * on the address's node type (nodecon, else the node initial SID)
 */
TEST(preflight_udp_listen_name_bind_and_node_bind)
{
	char path[256], *out = NULL;
	struct policy *p = test_open_cil("bind", path, sizeof(path));

	CHECK(p);
	policy_close(p);
	CHECK_INT(run_preflight(path, "web_t", NULL,
				"stream {\n"
				" server { listen 127.0.0.1:5353 udp; }\n"
				" server { listen 0.0.0.0:5353 udp; }\n"
				" server { listen 127.0.0.1:6000 udp; }\n"
				"}\n",
				true, &out),
		  PREFLIGHT_EXIT_DENIED);
	/* web_alt_port_t on a loopback node (lo_node_t): both allowed */
	CHECK_CONTAINS(out,
		       "\"dest\":\"127.0.0.1:5353\",\"addr\":\"127.0.0.1\",\"port\":5353,"
		       "\"proto\":\"udp\",\"params\":\"udp\",\"target_type\":\"web_alt_port_t\","
		       "\"perms\":[\"name_bind\",\"node_bind\"],\"domain\":\"web_t\","
		       "\"verdict\":\"allowed\"}");
	/* the same port on any address: node_bind on node_t (the initial SID) is the boolean's */
	CHECK_CONTAINS(
		out, "\"dest\":\"0.0.0.0:5353\",\"addr\":\"0.0.0.0\",\"port\":5353,"
		     "\"proto\":\"udp\",\"params\":\"udp\",\"target_type\":\"node_t\","
		     "\"perms\":[\"name_bind\",\"node_bind\"],\"domain\":\"web_t\","
		     "\"verdict\":\"selinux_denied\",\"why\":\"udp_socket node_bind on node_t\"}");
	CHECK_CONTAINS(out, "\"argv\":[\"setsebool\",\"-P\",\"web_bind_any_addr\",\"1\"]");
	/* 6000 has the default port label: name_bind denied, the cheapest relabel advised */
	CHECK_CONTAINS(
		out, "\"dest\":\"127.0.0.1:6000\",\"addr\":\"127.0.0.1\",\"port\":6000,"
		     "\"proto\":\"udp\",\"params\":\"udp\",\"target_type\":\"port_t\","
		     "\"perms\":[\"name_bind\",\"node_bind\"],\"domain\":\"web_t\","
		     "\"verdict\":\"selinux_denied\",\"why\":\"udp_socket name_bind on port_t\"}");
	CHECK_CONTAINS(out, "\"semanage\",\"port\",\"-a\",\"-t\",\"web_alt_port_t\",\"-p\",\"udp\","
			    "\"6000\"");
	free(out);
}

/* A unix socket upstream that exists and has a listener (this test): every directory and
 * the socket file are checked against file_contexts; connectto needs the listener's domain,
 * which a host without SELinux cannot give: the prediction says so, naming the listener it
 * found. With SELinux on, the listener's context is checked.
 */
TEST(preflight_unix_socket_with_a_live_listener)
{
	char path[256], dir[] = "/tmp/avcsnoop-pf-XXXXXX", sock[128], fc[160], conf[512];
	char want[160], *out = NULL;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct policy *p = test_open_cil("bind", path, sizeof(path));
	FILE *f;
	int fd;

	CHECK(p);
	policy_close(p);
	CHECK(mkdtemp(dir) != NULL);
	snprintf(sock, sizeof(sock), "%s/app_sock", dir);
	snprintf(fc, sizeof(fc), "%s/file_contexts", dir);
	f = fopen(fc, "w");
	CHECK(f);
	fprintf(f, "/.*\tsystem_u:object_r:app_dir_t:s0\n%s\t-s\tsystem_u:object_r:app_sock_t:s0\n",
		sock);
	fclose(f);
	snprintf(conf, sizeof(conf), "http { upstream u { server unix:%s; } }\n", sock);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(fd >= 0);
	CHECK_INT(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	CHECK_INT(listen(fd, 1), 0);

	CHECK_INT(run_preflight(path, "web_t", fc, conf, true, &out), 0);
	/* the path walk and the socket file were predicted: only connectto is left open */
	CHECK_CONTAINS(out, "\"perms\":[\"search\",\"write\",\"connectto\"]");
	if (is_selinux_enabled() > 0) {
		CHECK(!strstr(out, "has no SELinux context"));
	} else {
		CHECK_CONTAINS(out, "\"verdict\":\"unknown\"");
		snprintf(want, sizeof(want),
			 "connectto: the listener, pid %d, has no SELinux context here (SELinux is "
			 "off)",
			 (int)getpid());
		CHECK_CONTAINS(out, want);
	}
	free(out);
	out = NULL;

	/* the socket file stays, nobody listens: that is said, not a pid */
	close(fd);
	CHECK_INT(run_preflight(path, "web_t", fc, conf, true, &out), 0);
	CHECK_CONTAINS(out, "\"verdict\":\"unknown\"");
	CHECK_CONTAINS(out, "connectto: no process listens on the socket");
	free(out);
	out = NULL;
	/* a directory the policy does not let web_t search: denied before any peer */
	f = fopen(fc, "w");
	CHECK(f);
	fprintf(f, "/.*\tsystem_u:object_r:app_sock_t:s0\n");
	fclose(f);
	CHECK_INT(run_preflight(path, "web_t", fc, conf, true, &out), PREFLIGHT_EXIT_DENIED);
	CHECK_CONTAINS(out, "\"verdict\":\"selinux_denied\"");
	free(out);
	unlink(sock);
	unlink(fc);
	rmdir(dir);
}
