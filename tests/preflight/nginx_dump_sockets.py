#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The socket directives in nginx's own dump of a configuration (`nginx -T`), for the
differential test of tests/preflight/differential.sh.

nginx -T prints every file it read, after "# configuration file PATH:", exactly as nginx
resolved the includes. This reads those sections with a small tokenizer (the corpus keeps
braces out of quoted strings) and lists, as JSON on stdout:
  "connect": [[file, line, directive], ...]  every socket nginx connects to because of a
             directive: upstream servers not marked down, *_pass not naming an upstream,
             auth_http, OCSP responders (or ssl_stapling/ssl_ocsp left to the certificate),
             syslog:server= targets;
  "listen":  [[file, line], ...]             every listen directive, and every http server
             without one (its line, the implicit *:80).
Usage: nginx_dump_sockets.py DUMP
"""
import json
import re
import sys

PASSES = {"proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass", "memcached_pass"}


def sections(text):
    """(path, content) of each file in the dump."""
    out = []
    cur = None
    buf = []
    for line in text.split("\n"):
        m = re.match(r"^# configuration file (.*):$", line)
        if m:
            if cur is not None:
                out.append((cur, "\n".join(buf)))
            cur, buf = m.group(1), []
            continue
        if cur is not None:
            buf.append(line)
    if cur is not None:
        out.append((cur, "\n".join(buf)))
    return out


def tokens(content):
    """(line, word) and the separators ';', '{', '}' as words, comments dropped."""
    i, line, n = 0, 1, len(content)
    while i < n:
        c = content[i]
        if c == "\n":
            line += 1
            i += 1
        elif c in " \t\r":
            i += 1
        elif c == "#":
            while i < n and content[i] != "\n":
                i += 1
        elif c in ";{}":
            yield line, c, False
            i += 1
        elif c in "\"'":
            start, q, i = line, c, i + 1
            word = []
            while i < n and content[i] != q:
                if content[i] == "\\" and i + 1 < n:
                    word.append(content[i + 1])
                    i += 2
                    continue
                if content[i] == "\n":
                    line += 1
                word.append(content[i])
                i += 1
            i += 1
            yield start, "".join(word), True
        else:
            start = i
            while i < n and content[i] not in " \t\r\n;{}\"'":
                i += 1 + (content[i] == "\\")
            yield line, content[start:i], False


def statements(content):
    """(line, words, kind) with kind ';', '{' or '}'."""
    words, first = [], None
    for line, w, quoted in tokens(content):
        if not quoted and w in (";", "{", "}"):
            yield first or line, words, w
            words, first = [], None
            continue
        if first is None:
            first = line
        words.append(w)


def main():
    text = open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read()
    files = dict(sections(text))
    upstreams = set()  # (ctx, name)
    passes = []  # (file, line, directive, ctx, target)
    connect, listen = [], []

    def walk(path, stack, ctx, state):
        """Read one file's statements under stack; include follows nginx's order."""
        for line, words, kind in statements(files[path]):
            if kind == "}":
                frame = stack.pop()
                if frame["name"] == "server" and frame["ctx"] == "http" and not frame["listen"]:
                    listen.append([frame["file"], frame["line"]])
                if frame["name"] == "server":
                    for o in frame["ocsp"]:
                        connect.append(o)
                ctx = stack[-1]["ctx"] if stack else "main"
                continue
            if not words:
                continue
            name, args = words[0], words[1:]
            parent = stack[-1] if stack else {"name": "", "ctx": "main"}
            if kind == "{":
                nctx = name if name in ("http", "stream", "mail") and not stack else ctx
                frame = {"name": name, "ctx": nctx, "file": path, "line": line,
                         "listen": False, "ocsp": []}
                if name == "upstream":
                    upstreams.add((ctx, args[0]))
                stack.append(frame)
                ctx = nctx
                continue
            if name == "include":
                for inc in [p for p in files if re.fullmatch(glob_re(args[0], path), p)]:
                    walk(inc, stack, ctx, state)
                continue
            if name == "listen" and parent["name"] == "server":
                parent["listen"] = True
                listen.append([path, line])
            elif name == "server" and parent["name"] == "upstream":
                if "down" not in args[1:]:
                    connect.append([path, line, "server"])
            elif name in PASSES:
                passes.append((path, line, name, ctx, args[0]))
            elif name == "auth_http":
                connect.append([path, line, name])
            elif name in ("access_log", "error_log") and args and args[0].startswith("syslog:"):
                connect.append([path, line, name])
            elif name in ("ssl_stapling", "ssl_ocsp") and args and args[0] in ("on", "leaf"):
                server = next(f for f in reversed(stack) if f["name"] == "server")
                server["ocsp"].append([path, line, name])
            elif name in ("ssl_stapling_responder", "ssl_ocsp_responder"):
                server = next(f for f in reversed(stack) if f["name"] == "server")
                on = "ssl_stapling" if name == "ssl_stapling_responder" else "ssl_ocsp"
                # the responder stands for its switch: one socket, at the responder's line
                server["ocsp"] = [o for o in server["ocsp"] if o[2] != on]
                server["responders"] = server.get("responders", []) + [on]
                connect.append([path, line, name])
            if name in ("ssl_stapling", "ssl_ocsp") and stack:
                server = next((f for f in reversed(stack) if f["name"] == "server"), None)
                if server and name in server.get("responders", []):
                    server["ocsp"] = [o for o in server["ocsp"] if o[2] != name]
        return ctx

    def glob_re(pattern, current):
        base = current.rsplit("/", 1)[0]
        full = pattern if pattern.startswith("/") else base + "/" + pattern
        return "".join(".*" if ch == "*" else "[^/]" if ch == "?" else re.escape(ch)
                       for ch in full)

    main_file = next(iter(files))
    walk(main_file, [], "main", {})
    for path, line, name, ctx, target in passes:
        t = re.sub(r"^[a-z]+://", "", target)
        host = re.split(r"[/?$]", t, 1)[0]
        if host and (ctx, host) in upstreams:
            continue  # the upstream's servers are the sockets
        connect.append([path, line, name])
    json.dump({"connect": sorted(connect), "listen": sorted(listen)}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
