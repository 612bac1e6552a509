#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Checks for tests/adversarial/suite.sh: is avcsnoop's advice safe to paste as root?

  advice_check.py advice --text T --json J --work DIR --stubs DIR [options]
      Pair every text Do block with the JSON fix that prints the same commands, run both in
      bash (an unprivileged uid, PATH = recording stubs), compare what ran with the fix's "argv".
  advice_check.py prom FILE --comm C...       strict exposition parse, distinct comm labels
  advice_check.py events JSON --comm=C --dest=D...  the tracer saw each hostile name intact
  advice_check.py text FILE --name N          text output: no raw control byte, no injected line
  advice_check.py finding [--comm C --path P ...]  print one findings JSON line
  advice_check.py connect-padded --path P --comm C   connect() with bytes after the path's NUL
  advice_check.py retag FILE --path P          that event/finding, as an SELinux denial
  advice_check.py stubs DIR NAME...           write the recording stubs

Strings on the command line are bytes (os.fsencode). avcsnoop's JSON carries a byte >= 0x80
as \\u00XX: a JSON string is turned back into bytes through latin-1.
Prints "ok   NAME" / "FAIL NAME" (+ indented details) lines; exit 1 when one failed.
"""
import argparse
import ctypes
import json
import os
import re
import shutil
import stat
import subprocess
import sys

LINE_END = "avcsnoop-adversarial-line-end"  # a stub run after each pasted line
failures = 0



def glob_literal(pat):
    """restorecon's argument as glob(3) reads it: backslash escapes the next byte; None when
    a metacharacter is unescaped (restorecon would expand it) or a backslash ends it."""
    out, i = bytearray(), 0
    while i < len(pat):
        c = pat[i:i + 1]
        if c == b"\\":
            if i + 1 >= len(pat):
                return None
            out += pat[i + 1:i + 2]
            i += 2
            continue
        if c in (b"*", b"?", b"[", b"]", b"{", b"}", b"~"):
            return None
        out += c
        i += 1
    return bytes(out)

def report(name, problems):
    """One assertion: ok when problems is empty."""
    global failures
    if not problems:
        print("ok   " + name)
        return
    failures += 1
    print("FAIL " + name)
    for p in problems[:12]:
        print("     " + p)
    if len(problems) > 12:
        print("     ... %d more" % (len(problems) - 12))


def show(b):
    """A byte string, printable for a report line."""
    if isinstance(b, str):
        b = b.encode("utf-8", "surrogateescape")
    return repr(b)[1:]


def jbytes(s):
    """A JSON string back to the bytes avcsnoop meant."""
    try:
        return s.encode("latin-1")
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogateescape")


def argb(s):
    return os.fsencode(s)


def printable_ascii(b):
    return all(0x20 <= c < 0x7F for c in b)


# ---- outputs ----


def read_json_lines(path, problems):
    objs = []
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            try:
                objs.append(json.loads(raw.decode("utf-8")))
            except (ValueError, UnicodeDecodeError) as e:
                problems.append("%s:%d: not JSON (%s): %s" % (path, n, e, show(raw[:120])))
    return objs


def json_fixes(objs):
    """Every fix of every advice object, in order."""
    fixes = []
    for o in objs:
        if isinstance(o, dict) and o.get("type") == "advice":
            for fx in o.get("diagnoses", []) + o.get("fixes", []):
                fixes.append((o, fx))
    return fixes


def do_blocks(text):
    """[(line number, [Do lines without the 4-space indent])] of a text output."""
    lines = text.split(b"\n")
    blocks, i = [], 0
    while i < len(lines):
        if lines[i] == b"Do":
            start, body = i + 1, []
            i += 1
            while i < len(lines) and lines[i].startswith(b"    "):
                body.append(lines[i][4:])
                i += 1
            blocks.append((start, body))
        else:
            i += 1
    return blocks


def injected_fragments(untrusted):
    """What would start a line if untrusted text reached the output raw: the text after each
    newline (fragments too short or too ordinary to tell apart are skipped)."""
    frags = set()
    for u in untrusted:
        for piece in u.split(b"\n")[1:]:
            if len(piece.strip()) >= 3 and piece.strip() != b"Do":
                frags.add(piece)
    return sorted(frags)


def check_text(name, text, untrusted):
    problems = []
    for n, line in enumerate(text.split(b"\n"), 1):
        bad = [c for c in line if c < 0x20 or c == 0x7F]
        if bad:
            problems.append("line %d has raw control byte(s) %s: %s" %
                            (n, ",".join("0x%02x" % c for c in sorted(set(bad))), show(line[:160])))
        for frag in injected_fragments(untrusted):
            if line.startswith(frag):
                problems.append("line %d starts with text that followed a newline in the input "
                                "(%s): %s" % (n, show(frag), show(line[:160])))
    try:
        text.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.append("not valid UTF-8 (a raw input byte): %s" % e)
    report(name + ": text output has no raw control byte, no invalid UTF-8, no line "
           "injected from a name", problems)


# ---- running a Do block ----


class Sandbox:
    """A fresh directory per run, owned by the unprivileged uid, holding the decoy ./q; the
    stubs record each command they stand for into a log directory next to it."""

    def __init__(self, work, stubs, canary, uid):
        self.work, self.stubs, self.canary, self.uid = work, stubs, canary, uid
        self.n = 0

    def run(self, lines):
        self.n += 1
        cwd = os.path.join(self.work, "run%d" % self.n)
        meta = cwd + ".meta"
        logd = os.path.join(meta, "log")
        for d in (cwd, meta, logd):
            os.mkdir(d, 0o755)
        q = os.path.join(cwd, "q")
        with open(q, "w") as f:
            # sourced (. ./q) or run (./q): either way it leaves a mark
            f.write("#!/bin/sh\n: > %s/q-ran-%d\n" % (self.canary, self.n))
        os.chmod(q, 0o755)
        script = os.path.join(meta, "script")
        # an interactive paste: history expansion on; printf/echo through their stubs
        # after each line a marker command: the records of one line (a pipeline starts its
        # commands in any order) are told apart from the next line's
        with open(script, "wb") as f:
            f.write(b"set -o history -H\nenable -n printf echo\n" +
                    b"".join(ln + b"\n" + LINE_END.encode() + b"\n" for ln in lines))
        out, err = os.path.join(meta, "out"), os.path.join(meta, "err")
        for p in (out, err):
            open(p, "w").close()
        if self.uid is not None:
            for p in (cwd, meta, logd, q, script, out, err):
                os.chown(p, self.uid, self.uid)
        env = {"PATH": self.stubs, "HOME": cwd, "AVC_STUB_LOG": logd, "LC_ALL": "C"}
        # (coreutils timeout: subprocess's own timeout polls, a second per case)
        cmd = [shutil.which("timeout"), "30", "/bin/bash", "--noprofile", "--norc", script]
        if self.uid is not None:
            cmd = [shutil.which("setpriv"), "--reuid=%d" % self.uid, "--regid=%d" % self.uid,
                   "--clear-groups"] + cmd
        with open(out, "wb") as fo, open(err, "wb") as fe:
            rc = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=fo,
                                stderr=fe).returncode
        groups = [[]]
        for rec in sorted(os.listdir(logd), key=lambda s: (float(s.split("-")[0]), s)):
            with open(os.path.join(logd, rec), "rb") as f:
                fields = f.read().split(b"\0")
            argc = int(fields[0])
            argv, stdout = fields[1:1 + argc], fields[1 + argc]
            if argv == [LINE_END.encode()]:
                groups.append([])
            else:
                groups[-1].append((argv, None if stdout == os.fsencode(out) else stdout))
        records = [g for g in groups if g]
        with open(err, "rb") as f:
            stderr = f.read()
        return cwd, rc, records, stderr

    def files(self, cwd):
        found = []
        for root, dirs, files in os.walk(cwd):
            for x in dirs + files:
                found.append(os.path.relpath(os.path.join(root, x), cwd))
        return sorted(found)


def same_runs(groups, exp):
    """The records, line by line, are the expected list (in any order within a line)."""
    flat = [r for g in groups for r in g]
    if len(flat) != len(exp):
        return False
    i = 0
    for g in groups:
        if sorted(g, key=repr) != sorted(exp[i:i + len(g)], key=repr):
            return False
        i += len(g)
    return True


def expected_records(fx, cwd):
    """The fix's "argv" list as (argv bytes, stdout path or None)."""
    exp = []
    for ent in fx.get("argv", []):
        argv = [jbytes(a) for a in ent.get("argv", [])]
        so = ent.get("stdout")
        exp.append((argv, None if so is None else os.fsencode(os.path.join(cwd, so))))
    return exp


def fmt_records(recs):
    return ["  " + " ".join(show(a) for a in argv) + ("" if so is None else " > " + show(so))
            for argv, so in recs]


# ---- the module a fix writes ----


def check_module(name, fx, cwd, rules, cils, work):
    problems = []
    targets = [e for e in fx.get("argv", []) if e.get("stdout")]
    if not targets:
        problems.append("no command writes the module (no \"stdout\" in argv)")
    for ent in targets:
        path = os.path.join(cwd, ent["stdout"])
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*\.cil", ent["stdout"]):
            problems.append("module file name is not plain: %s" % show(ent["stdout"]))
        if not os.path.isfile(path):
            problems.append("%s was not written" % ent["stdout"])
            continue
        with open(path, "rb") as f:
            body = f.read()
        got = [l for l in body.split(b"\n") if l.strip() and not l.startswith(b";")]
        want = [argb(r) for r in rules]
        if "rules" in fx:
            fjson = [jbytes(r) for r in fx["rules"]]
            if fjson != want:
                problems.append("JSON rules %s, intended %s" % (fjson, want))
        if got != want:
            problems.append("module rules %s, intended exactly %s" %
                            ([show(g) for g in got], [show(w) for w in want]))
        # every printf argument is one line of the file
        pf = ent.get("argv", [])
        if pf[:2] == ["printf", "%s\\n"] and body != b"".join(jbytes(a) + b"\n" for a in pf[2:]):
            problems.append("the file is not the printf arguments, one per line")
        if cils:
            out = os.path.join(work, "module-check.policy")
            r = subprocess.run(["secilc", "-M", "true", "-o", out, "-f", "/dev/null"] + cils +
                               [path], capture_output=True)
            if r.returncode:
                problems.append("secilc rejects the module with the policy: %s" %
                                show(r.stderr.strip()[-300:]))
    report(name + ": the module holds exactly the intended rule(s) and compiles", problems)


# ---- the fcontext spec, through libselinux's own matcher ----


class Selabel:
    def __init__(self):
        self.lib = ctypes.CDLL("libselinux.so.1", use_errno=True)

        class Opt(ctypes.Structure):
            _fields_ = [("type", ctypes.c_int), ("value", ctypes.c_char_p)]

        self.Opt = Opt
        self.lib.selabel_open.restype = ctypes.c_void_p
        self.lib.selabel_open.argtypes = [ctypes.c_uint, ctypes.c_void_p, ctypes.c_uint]
        self.lib.selabel_lookup.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p),
                                            ctypes.c_char_p, ctypes.c_int]
        self.lib.selabel_close.argtypes = [ctypes.c_void_p]

    def matcher(self, fc_path):
        SELABEL_CTX_FILE, SELABEL_OPT_PATH, SELABEL_OPT_BASEONLY = 0, 3, 2
        opts = (self.Opt * 2)(self.Opt(SELABEL_OPT_PATH, os.fsencode(fc_path)),
                              self.Opt(SELABEL_OPT_BASEONLY, b"1"))
        h = self.lib.selabel_open(SELABEL_CTX_FILE, opts, 2)
        if not h:
            return None

        def lookup(path, mode):
            con = ctypes.c_char_p()
            if self.lib.selabel_lookup(h, ctypes.byref(con), path, mode) == 0:
                return con.value
            return None

        return lookup


def neighbours(x, is_dir):
    """Paths a spec for x (and below, for a directory) must not match."""
    near = {x + b"x", x[:-1], x + b"x/s.sock"}
    parent = x.rsplit(b"/", 1)[0] or b"/"
    near |= {parent, parent + b"/zz", parent + b"/zz/s.sock", parent + b"/.zz"}
    for i, c in enumerate(x):
        if c == ord("/") or chr(c).isalnum():
            continue
        near.add(x[:i] + b"X" + x[i + 1:])  # a metacharacter taken literally or not at all
        near.add(x[:i] + x[i + 1:])
    if not is_dir:
        near.add(x + b"/s.sock")
    return sorted(n for n in near if n != x and n != x + b"/" and n)


def check_fcontext(name, fx, want_dir, want_sock, extra_not, work, selabel):
    problems = []
    ents = [e for e in fx.get("argv", []) if e.get("argv", [])[:2] == ["semanage", "fcontext"]]
    if len(ents) != 1:
        problems.append("%d semanage fcontext commands in argv, expected 1" % len(ents))
        report(name + ": fcontext spec", problems)
        return
    argv = [jbytes(a) for a in ents[0]["argv"]]
    ftype, ctype = None, None
    for i, a in enumerate(argv[:-1]):
        if a == b"-t":
            ctype = argv[i + 1]
        if a == b"-f":
            ftype = argv[i + 1]
    spec = argv[-1]
    if argv[-2:-1] != [b"--"]:
        problems.append("SPEC is not after --: %s" % show(b" ".join(argv)))
    if not ctype or ctype != jbytes(fx.get("new_type", "")):
        problems.append("-t %s is not the fix's new_type %s" % (ctype, fx.get("new_type")))
    fc = os.path.join(work, "file_contexts")
    ftypes = {None: b"", b"a": b"", b"s": b"-s\t", b"d": b"-d\t", b"f": b"--\t"}
    with open(fc, "wb") as f:
        f.write(spec + b"\t" + ftypes.get(ftype, b"?\t") + b"system_u:object_r:" +
                (ctype or b"x_t") + b":s0\n")
    lookup = selabel.matcher(fc)
    if lookup is None:
        problems.append("libselinux cannot load a file_contexts line with this spec: %s" %
                        show(spec))
        report(name + ": fcontext spec matches exactly the directory and below (libselinux)",
               problems)
        return
    target = want_dir if want_dir is not None else want_sock
    yes = ([(want_dir, stat.S_IFDIR), (want_dir + b"/s.sock", stat.S_IFSOCK),
            (want_dir + b"/a/b.sock", stat.S_IFSOCK)] if want_dir is not None
           else [(want_sock, stat.S_IFSOCK)])
    no = [(n, m) for n in neighbours(target, want_dir is not None) + extra_not
          for m in (stat.S_IFDIR, stat.S_IFSOCK)]
    for path, mode in yes:
        if lookup(path, mode) is None:
            problems.append("spec %s does not match %s" % (show(spec), show(path)))
    for path in sorted({p for p, m in no if lookup(p, m) is not None}):
        problems.append("spec %s also matches the neighbour %s" % (show(spec), show(path)))
    rest = [e for e in fx.get("argv", []) if e.get("argv", [])[:1] == ["restorecon"]]
    for e in rest:
        # restorecon globs its arguments: the argument must read back as exactly the path
        if glob_literal(jbytes(e["argv"][-1])) != target:
            problems.append("restorecon acts on %s, not %s" % (show(jbytes(e["argv"][-1])),
                                                                show(target)))
    if not rest:
        problems.append("no restorecon of %s" % show(target))
    report(name + ": fcontext spec matches exactly %s%s (libselinux selabel), restorecon "
           "acts on it" % (show(target), " and below" if want_dir is not None else ""),
           problems)


# ---- advice: the whole assertion set ----


def cmd_advice(a):
    untrusted = [argb(u) for u in a.untrusted]
    with open(a.text, "rb") as f:
        text = f.read()
    check_text(a.name, text, untrusted)

    problems = []
    objs = read_json_lines(a.json, problems)
    fixes = [(adv, fx) for adv, fx in json_fixes(objs) if fx.get("commands")]
    for adv, fx in fixes:
        cmds = [jbytes(c) for c in fx["commands"]]
        for c in cmds:
            if not printable_ascii(c):
                problems.append("JSON command not printable ASCII: %s" % show(c))
        if "argv" not in fx:
            problems.append("fix %s has commands but no argv" % fx.get("kind"))
    for k in a.want_kind:
        if not any(fx.get("kind") == k for adv, fx in json_fixes(objs)):
            problems.append("no %s fix" % k)
    if not fixes and not a.allow_empty:
        problems.append("no fix with commands at all")
    report(a.name + ": JSON parses, commands are printable ASCII, each fix has argv%s" %
           ("" if not a.want_kind else ", has " + " ".join(a.want_kind)), problems)

    # every text Do block is the commands of one JSON fix (+ an optional "  # comment")
    problems = []
    blocks = do_blocks(text)
    used = [False] * len(fixes)
    pairs = []
    for start, body in blocks:
        for ln in body:
            if not printable_ascii(ln):
                problems.append("text line %d: Do line not printable ASCII: %s" %
                                (start, show(ln)))
            r = subprocess.run(["/bin/bash", "-n", "-c", ln], capture_output=True)
            if r.returncode:
                problems.append("text line %d: not one complete command: %s (%s)" %
                                (start, show(ln), show(r.stderr.strip())))
        match = None
        for i, (adv, fx) in enumerate(fixes):
            cmds = [jbytes(c) for c in fx["commands"]]
            if used[i] or len(cmds) != len(body):
                continue
            if all(t == c or t.startswith(c + b"  # ") for t, c in zip(body, cmds)):
                match = i
                break
        if match is None:
            problems.append("text Do block at line %d has no JSON fix with these commands:" %
                            start)
            problems.extend("  " + show(x) for x in body)
        else:
            used[match] = True
        pairs.append((start, body, None if match is None else fixes[match][1]))
    for i, (adv, fx) in enumerate(fixes):
        if not used[i]:
            problems.append("JSON fix %s (%s) has no text Do block" %
                            (fx.get("kind"), show(adv.get("finding", {}).get("dest", ""))))
    report(a.name + ": %d Do block(s): each line one complete command in printable ASCII; "
           "text blocks = JSON commands" % len(blocks), problems)

    # run them: the text blocks, and the JSON commands of every fix
    a.work, a.stubs, a.canary = (os.path.abspath(x) for x in (a.work, a.stubs, a.canary))
    sandbox = Sandbox(a.work, a.stubs, a.canary, a.uid)
    selabel = Selabel()
    runs = [("text line %d" % start, body, fx) for start, body, fx in pairs]
    # the JSON commands too, where they are not byte for byte the text lines just run
    ran_as_text = {id(fx): body for start, body, fx in pairs if fx is not None}
    runs += [("JSON %s fix" % fx.get("kind"), [jbytes(c) for c in fx["commands"]], fx)
             for adv, fx in fixes
             if ran_as_text.get(id(fx)) != [jbytes(c) for c in fx["commands"]]]
    ran_problems, else_problems, dash_problems = [], [], []
    module_done = fcontext_done = False
    for label, body, fx in runs:
        cwd, rc, groups, stderr = sandbox.run(body)
        recs = [r for g in groups for r in g]
        if fx is None:
            ran_problems.append("%s (no JSON twin) ran:" % label)
            ran_problems.extend(fmt_records(recs))
        else:
            exp = expected_records(fx, cwd)
            if not same_runs(groups, exp):
                ran_problems.append("%s ran:" % label)
                ran_problems.extend(fmt_records(recs))
                ran_problems.append("   but its argv is:")
                ran_problems.extend(fmt_records(exp))
        if rc != 0 or stderr:
            else_problems.append("%s: exit %s, stderr %s" % (label, rc, show(stderr[:300])))
        allowed = {"q"} | {os.path.basename(os.fsdecode(so)) for argv, so in recs if so}
        extra = [x for x in sandbox.files(cwd) if x not in allowed]
        if extra:
            else_problems.append("%s created %s" % (label, [show(os.fsencode(x))
                                                            for x in extra]))
        marks = sorted(os.listdir(a.canary))
        if marks:
            else_problems.append("%s: canary file(s) %s (an injected command ran)" %
                                 (label, marks))
            for m in marks:
                os.unlink(os.path.join(a.canary, m))
        for argv, so in recs:
            dd = argv.index(b"--") if b"--" in argv else len(argv)
            for i, x in enumerate(argv[1:], 1):
                if i < dd and x[:1] == b"-" and any(x == u or x.startswith(u)
                                                    for u in untrusted if u[:1] == b"-"):
                    dash_problems.append("%s: %s sits in an option position (no -- before "
                                         "it): %s" % (label, show(x),
                                                      " ".join(show(y) for y in argv)))
        if fx is not None and fx.get("kind") == "local_module" and not label.startswith("JSON"):
            module_done = True
            check_module(a.name + " (" + label + ")", fx, cwd, a.rule, a.cil, a.work)
        if (fx is not None and fx.get("kind") == "fcontext_relabel" and
                not label.startswith("JSON") and (a.dir is not None or a.sock is not None)):
            fcontext_done = True
            check_fcontext(a.name + " (" + label + ")", fx,
                           None if a.dir is None else argb(a.dir),
                           None if a.sock is None else argb(a.sock),
                           [argb(x) for x in a.not_match], a.work, selabel)
    report(a.name + ": pasted into bash (tools stubbed), %d run(s) record exactly the fix's "
           "argv" % len(runs), ran_problems)
    report(a.name + ": nothing else ran (no error, no canary, ./q not sourced, only the "
           "intended files written)", else_problems)
    if any(u[:1] == b"-" for u in untrusted):
        report(a.name + ": names starting with '-' only ever come after --", dash_problems)
    if a.rule and not module_done:
        report(a.name + ": a local module fix to check", ["no local_module fix ran"])
    if (a.dir is not None or a.sock is not None) and not fcontext_done:
        report(a.name + ": an fcontext fix to check", ["no fcontext_relabel fix ran"])


# ---- Prometheus ----


def parse_prom(body, problems):
    """{(name, labels tuple): value}; strict text exposition format 0.0.4."""
    series = {}
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.append("not valid UTF-8 (exposition must be): %s" % e)
    for n, line in enumerate(body.decode("utf-8", "replace").split("\n"), 1):
        if line == "" and n == len(body.decode("utf-8", "replace").split("\n")):
            continue
        if line.startswith("#"):
            continue
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)", line)
        if not m:
            problems.append("line %d: bad metric name: %r" % (n, line[:120]))
            continue
        name, rest, labels = m.group(1), line[m.end():], []
        if rest.startswith("{"):
            rest = rest[1:]
            while not rest.startswith("}"):
                lm = re.match(r'([a-zA-Z_][a-zA-Z0-9_]*)="', rest)
                if not lm:
                    problems.append("line %d: bad label: %r" % (n, line[:120]))
                    break
                rest, val = rest[lm.end():], ""
                while True:
                    if not rest:
                        problems.append("line %d: unterminated label value" % n)
                        break
                    c = rest[0]
                    if c == '"':
                        rest = rest[1:]
                        break
                    if c == "\\":
                        d = rest[1:2]
                        if d not in ("\\", '"', "n"):
                            problems.append("line %d: bad escape \\%s" % (n, d))
                        val += "\n" if d == "n" else d
                        rest = rest[2:]
                        continue
                    if c == "\n" or ord(c) < 0x20:
                        problems.append("line %d: raw control character in a label" % n)
                    val += c
                    rest = rest[1:]
                labels.append((lm.group(1), val))
                if rest.startswith(","):
                    rest = rest[1:]
                elif not rest.startswith("}"):
                    problems.append("line %d: expected , or }" % n)
                    break
            rest = rest[1:]
        if not re.fullmatch(r" ([-+]?[0-9.]+([eE][-+]?[0-9]+)?|[-+]?Inf|NaN)", rest):
            problems.append("line %d: bad value: %r" % (n, line[:120]))
        key = (name, tuple(sorted(labels)))
        if key in series:
            problems.append("line %d: duplicate series %s%s" % (n, name, dict(labels)))
        series[key] = rest.strip()
    return series


def cmd_prom(a):
    problems = []
    with open(a.file, "rb") as f:
        body = f.read()
    series = parse_prom(body, problems)
    report("Prometheus textfile parses strictly, valid UTF-8, no duplicate series", problems)
    problems = []
    comms = {}
    for (name, labels), value in series.items():
        lab = dict(labels)
        if name == "avcsnoop_connect_attempts_total" and lab.get("dest") == a.dest:
            comms.setdefault(lab.get("comm"), []).append(value)
    if len(comms) != len(set(a.comm)):
        problems.append("%d distinct comm label values for %d distinct comms: %s" %
                        (len(comms), len(set(a.comm)), sorted(comms)))
    report("Prometheus: %d hostile comms (0x01 and the text \\x01 among them) are %d distinct "
           "series to %s" % (len(set(a.comm)), len(set(a.comm)), a.dest), problems)


# ---- trace events ----


def cmd_events(a):
    problems = []
    objs = read_json_lines(a.json, problems)
    seen = {(jbytes(o.get("comm", "")), jbytes(o.get("dest", "")))
            for o in objs if o.get("type") in ("connect", "bind")}
    if len(a.comm) != len(a.dest):
        problems.append("%d --comm for %d --dest" % (len(a.comm), len(a.dest)))
    for comm, dest in zip(a.comm, a.dest):
        if (argb(comm), argb(dest)) not in seen:
            problems.append("no connect event with comm %s dest %s" % (show(argb(comm)),
                                                                       show(argb(dest))))
    report(a.name, problems)


def cmd_text(a):
    with open(a.file, "rb") as f:
        check_text(a.name, f.read(), [argb(u) for u in a.untrusted])


def cmd_finding(a):
    s = lambda x: argb(x).decode("latin-1")
    f = {"type": "finding", "comm": s(a.comm), "pid": 4242, "verdict": a.verdict,
         "errno": "EACCES", "hidden": a.hidden, "permissive": False, "count": 1}
    if a.path:
        f.update(family="unix", path=s(a.path))
    else:
        f.update(family="inet", daddr="127.0.0.1", dport=a.port)
    f["selinux"] = {"scontext": "system_u:system_r:%s:s0" % a.source,
                    "tcontext": "system_u:object_r:%s:s0" % a.target,
                    "tclass": a.tclass, "perms": [a.perm]}
    sys.stdout.write(json.dumps(f, ensure_ascii=True) + "\n")


def cmd_connect_padded(a):
    """connect() to a unix socket path as glibc's nscd client does: the whole sockaddr_un
    (110 bytes) with whatever follows the path's NUL, different bytes each time."""
    import socket
    import struct
    libc = ctypes.CDLL(None, use_errno=True)
    path = argb(a.path)
    if libc.prctl(15, argb(a.comm), 0, 0, 0):  # PR_SET_NAME
        sys.exit("prctl: errno %d" % ctypes.get_errno())
    results = []
    for i in range(a.count):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        tail = bytes([0x41 + i]) * (108 - len(path) - 1)
        addr = struct.pack("=H", socket.AF_UNIX) + path + b"\0" + tail
        buf = ctypes.create_string_buffer(addr, len(addr))
        rc = libc.connect(s.fileno(), buf, len(addr))
        results.append(0 if rc == 0 else ctypes.get_errno())
        s.close()
    print("errnos %s" % results)


def cmd_retag(a):
    """The first connect event or finding for one unix path (trace -j output, a findings
    export), as if SELinux had denied the search of its directory: the kernel's own bytes
    through the SELinux fixes."""
    want = argb(a.path)
    for raw in open(a.export, "rb"):
        f = json.loads(raw)
        if (f.get("type") in ("connect", "finding") and f.get("family") == "unix" and
                jbytes(f.get("path", "")) == want):
            f.update(verdict="selinux_denied", errno="EACCES")
            f["selinux"] = {"scontext": "system_u:system_r:web_t:s0",
                            "tcontext": "system_u:object_r:other_runtime_t:s0",
                            "tclass": "dir", "perms": ["search"]}
            sys.stdout.write(json.dumps(f, ensure_ascii=True) + "\n")
            return
    report("the export has a finding for %s" % show(want), ["not found in %s" % a.export])


STUB = r"""#!/bin/bash
# avcsnoop adversarial suite: records its argv (NUL-separated) and where its stdout goes
out=$(/usr/bin/readlink /proc/$$/fd/1)
rec=$AVC_STUB_LOG/$EPOCHREALTIME-$$
printf '%s\0' "$(($# + 1))" "${0##*/}" "$@" "$out" >"$rec"
case ${0##*/} in
printf | echo | touch) exec "/usr/bin/${0##*/}" "$@" ;;
esac
exit 0
"""


def cmd_stubs(a):
    os.makedirs(a.dir, exist_ok=True)
    for n in a.names + [LINE_END]:
        p = os.path.join(a.dir, n)
        with open(p, "w") as f:
            f.write(STUB)
        os.chmod(p, 0o755)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("advice")
    p.add_argument("--name", required=True)
    p.add_argument("--text", required=True)
    p.add_argument("--json", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--stubs", required=True)
    p.add_argument("--canary", required=True)
    p.add_argument("--uid", type=int, help="run the Do blocks as this uid (setpriv)")
    p.add_argument("--untrusted", action="append", default=[])
    p.add_argument("--want-kind", action="append", default=[])
    p.add_argument("--allow-empty", action="store_true")
    p.add_argument("--rule", action="append", default=[])
    p.add_argument("--cil", action="append", default=[])
    p.add_argument("--dir")
    p.add_argument("--sock")
    p.add_argument("--not-match", action="append", default=[])
    p = sub.add_parser("prom")
    p.add_argument("file")
    p.add_argument("--dest", required=True)
    p.add_argument("--comm", action="append", default=[])
    p = sub.add_parser("events")
    p.add_argument("json")
    p.add_argument("--name", required=True)
    p.add_argument("--comm", action="append", default=[])
    p.add_argument("--dest", action="append", default=[])
    p = sub.add_parser("text")
    p.add_argument("file")
    p.add_argument("--name", required=True)
    p.add_argument("--untrusted", action="append", default=[])
    p = sub.add_parser("finding")
    p.add_argument("--comm", default="nginx")
    p.add_argument("--path")
    p.add_argument("--port", type=int, default=3005)
    p.add_argument("--verdict", default="selinux_denied")
    p.add_argument("--hidden", action="store_true")
    p.add_argument("--source", default="web_t")
    p.add_argument("--target", default="other_runtime_t")
    p.add_argument("--tclass", default="dir")
    p.add_argument("--perm", default="search")
    p = sub.add_parser("connect-padded")
    p.add_argument("--path", required=True)
    p.add_argument("--comm", required=True)
    p.add_argument("--count", type=int, default=5)
    p = sub.add_parser("retag")
    p.add_argument("export")
    p.add_argument("--path", required=True)
    p = sub.add_parser("stubs")
    p.add_argument("dir")
    p.add_argument("names", nargs="+")
    a = ap.parse_args()
    {"advice": cmd_advice, "prom": cmd_prom, "text": cmd_text, "events": cmd_events,
     "finding": cmd_finding, "connect-padded": cmd_connect_padded, "retag": cmd_retag,
     "stubs": cmd_stubs}[a.cmd](a)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
