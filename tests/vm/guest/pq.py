#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The lab's setools answers from one process: each policy file loaded once, its rules listed once.

  pq.py serve SOCKET                        answer on the unix socket SOCKET until killed
  pq.py ask SOCKET POLICY TOOL [ARG...]     TOOL's stdout and stderr, and its exit status

TOOL is sesearch or seinfo: the server runs setools' own script (/usr/bin/TOOL) in its process
with sys.argv = [TOOL, POLICY, ARG...], so the answer is the tool's own, word for word; only
setools.SELinuxPolicy is the server's: the policy of POLICY's content (by sha256, from a copy
taken when asked), loaded once, whose TE rules are listed once and by object class. Under
emulation a sesearch on the targeted policy walks 380k rules in ~20 s, most of it making their
Python objects; here that is paid once per policy file, and `-c CLASS` (sesearch) hands the
query only the rules of those classes, the only ones it could match.
"""

import contextlib
import hashlib
import io
import json
import os
import runpy
import signal
import socket
import sys

TOOLS = {"sesearch": "/usr/bin/sesearch", "seinfo": "/usr/bin/seinfo"}
KEEP = 2  # policies kept loaded (a scenario that changes the policy asks of two at most)


class Loaded:
    """One policy file's content: setools' policy, its TE rules (made on first use), by class."""

    def __init__(self, real, path):
        self.policy = real(path)
        self.rules = None
        self.by_class = None

    def rules_of(self, classes):
        if self.rules is None:
            self.rules = list(self.policy.terules())
            self.by_class = {}
            for r in self.rules:
                self.by_class.setdefault(str(r.tclass), []).append(r)
        if not classes:
            return self.rules
        out = []
        for c in classes:
            out.extend(self.by_class.get(c, []))
        return out


class View:
    """What the tool's script gets for setools.SELinuxPolicy(path): the loaded policy, whose
    terules() are the listed ones (all, or those of the classes asked for)."""

    def __init__(self, loaded, classes):
        self._loaded = loaded
        self._classes = classes

    def terules(self):
        return iter(self._loaded.rules_of(self._classes))

    def __getattr__(self, name):
        return getattr(self._loaded.policy, name)

    def __str__(self):
        return str(self._loaded.policy)

    def __repr__(self):
        return repr(self._loaded.policy)


def sesearch_classes(args):
    """The object classes a sesearch ARGS names with -c/--class (empty: no class filter)."""
    for i, a in enumerate(args):
        val = None
        if a in ("-c", "--class") and i + 1 < len(args):
            val = args[i + 1]
        elif a.startswith("--class="):
            val = a.split("=", 1)[1]
        elif a.startswith("-c") and len(a) > 2 and not a.startswith("--"):
            val = a[2:]
        if val is not None:
            return [c for c in val.split(",") if c]
    return []


def serve(path):
    import setools

    real = setools.SELinuxPolicy
    workdir = os.path.dirname(os.path.abspath(path))
    loaded = {}  # sha256 -> Loaded, oldest first

    def answer(req):
        tool = req["tool"]
        if tool not in TOOLS:
            return {"rc": 2, "out": "", "err": "pq.py: no tool %r\n" % tool}
        with open(req["policy"], "rb") as f:
            data = f.read()
        digest = hashlib.sha256(data).hexdigest()
        copy = os.path.join(workdir, "policy-" + digest)
        if digest not in loaded:
            tmp = copy + ".tmp"
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, copy)
            while len(loaded) >= KEEP:
                old = next(iter(loaded))
                del loaded[old]
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(workdir, "policy-" + old))
            loaded[digest] = Loaded(real, copy)
        entry = loaded[digest]
        classes = sesearch_classes(req["args"]) if tool == "sesearch" else []
        setools.SELinuxPolicy = lambda *a, **k: View(entry, classes)
        out, err = io.StringIO(), io.StringIO()
        rc = 0
        saved_argv = sys.argv
        sys.argv = [tool, copy] + list(req["args"])
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                runpy.run_path(TOOLS[tool], run_name="__main__")
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        except Exception as e:  # the tool's own failure, reported as it would be
            rc = 1
            err.write("pq.py: %s: %s\n" % (tool, e))
        finally:
            sys.argv = saved_argv
            setools.SELinuxPolicy = real
            # the tools' scripts reset SIGPIPE to its default: a client gone must not kill us
            signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        return {"rc": rc, "out": out.getvalue(), "err": err.getvalue()}

    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o077)
    srv.bind(path)
    os.umask(old)
    srv.listen(4)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    while True:
        conn, _ = srv.accept()
        with conn:
            try:
                buf = b""
                while not buf.endswith(b"\n"):
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    buf += chunk
                resp = answer(json.loads(buf))
            except Exception as e:
                resp = {"rc": 2, "out": "", "err": "pq.py: %s\n" % e}
            with contextlib.suppress(OSError):
                conn.sendall(json.dumps(resp).encode() + b"\n")


def ask(path, policy, tool, args):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall(json.dumps({"policy": policy, "tool": tool, "args": args}).encode() + b"\n")
    buf = b""
    while True:
        chunk = s.recv(1 << 20)
        if not chunk:
            break
        buf += chunk
    resp = json.loads(buf)
    sys.stdout.write(resp["out"])
    sys.stderr.write(resp["err"])
    return resp["rc"]


def main(argv):
    if len(argv) == 3 and argv[1] == "serve":
        serve(argv[2])
        return 0
    if len(argv) >= 5 and argv[1] == "ask":
        try:
            return ask(argv[2], argv[3], argv[4], argv[5:])
        except (OSError, ValueError, KeyError) as e:
            sys.stderr.write("pq.py: no answer from the server (%s)\n" % e)
            return 125
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
