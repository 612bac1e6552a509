#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""A tiny HTTP backend for the lab's nginx: answers every GET with 200 "backend ok".

  backend.py tcp HOST PORT    HOST may be IPv6 (::1)
  backend.py unix PATH        a unix stream socket (the directory must exist)
  backend.py memcached HOST PORT
                              memcached's text protocol for nginx's memcached_pass: every
                              "get KEY" finds KEY with the value "memcached ok"
"""
import http.server
import os
import socket
import socketserver
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"backend ok\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def address_string(self):
        # unix sockets have no (host, port) peer address
        return str(self.client_address[0]) if self.client_address else "unix"

    def log_message(self, fmt, *args):
        sys.stderr.write("backend: " + (fmt % args) + "\n")


class TCPServer(http.server.HTTPServer):
    allow_reuse_address = True


class TCP6Server(TCPServer):
    address_family = socket.AF_INET6


class UnixServer(socketserver.UnixStreamServer):
    pass


class MemcachedHandler(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            words = line.split()
            if len(words) >= 2 and words[0] == b"get":
                value = b"memcached ok\n"
                self.wfile.write(b"VALUE %s 0 %d\r\n%s\r\nEND\r\n" % (words[1], len(value), value))
            elif words:
                self.wfile.write(b"ERROR\r\n")
            self.wfile.flush()


class MemcachedServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main(argv):
    if len(argv) == 4 and argv[1] == "tcp":
        host, port = argv[2], int(argv[3])
        cls = TCP6Server if ":" in host else TCPServer
        server = cls((host, port), Handler)
    elif len(argv) == 4 and argv[1] == "memcached":
        server = MemcachedServer((argv[2], int(argv[3])), MemcachedHandler)
    elif len(argv) == 3 and argv[1] == "unix":
        path = argv[2]
        if os.path.exists(path):
            os.unlink(path)
        server = UnixServer(path, Handler)
        os.chmod(path, 0o666)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    sys.stderr.write("backend: listening on %s\n" % " ".join(argv[2:]))
    sys.stderr.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
