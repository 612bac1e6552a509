#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Guest-side checks for 96-hostile-socket.sh: is avcsnoop's advice for a hostile unix socket
path (or a hostile process name) safe to paste as root, here on a real SELinux system?

  hostile.py nginx-quote URL            URL as one nginx config word ("...", $ via ${dollar})
  hostile.py events TRACE --name N --comm C --path P --object O --tclass C --perm P --type T
                                        a connect event carries C, P and O byte for byte, and
                                        the kernel denied PERM on O (class C, type T)
  hostile.py advice --name N --trace TRACE --text T --json J --work DIR --path P [options]
                                        every Do block pasted into bash with recording stubs
  hostile.py labels ROOT OUT            every label under ROOT (lgetxattr), as JSON
  hostile.py labels-diff BEFORE AFTER --name N --dir D
                                        nothing but D and below changed label
  hostile.py lookup OUT --dir D [--not P]...
                                        the live file_contexts' answer for D, below, neighbours
  hostile.py lookup-diff BEFORE AFTER --name N --dir D --type T
                                        D and below now T; every neighbour's answer unchanged
  hostile.py decoys LIST --dir D        create D's near neighbours that can exist (their parent
                                        does) as directories; LIST: their paths, NUL-separated

Paths and names on the command line are bytes (os.fsencode). avcsnoop's JSON writes a byte
>= 0x80 as \\u00XX, so a JSON string goes back to bytes through latin-1.
Prints "ok   WHAT" or "FAIL WHAT" followed by "     detail" lines (printable ASCII); the
scenario turns them into PASS/FAIL results. Exit 0, 1 when a check failed, 2 on misuse.
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

NOBODY = 65534
failed = 0

# the admin tools a fix may name, and what an injected command would likely call; each is a
# recording stub in the sandbox (plus every argv[0] the advice names)
STUB_NAMES = (
    "semanage setsebool getsebool semodule restorecon ls ss systemctl nft journalctl bpftool "
    "ausearch audit2allow audit2why sealert cat getenforce sestatus seinfo sesearch chcon "
    "matchpathcon avcsnoop printf echo touch sh bash curl wget rm id grep sed awk"
).split()
# run the real program after recording: printf writes the module file, touch leaves a mark
PASS_THROUGH = {"printf": "/usr/bin/printf", "echo": "/bin/echo", "touch": "/usr/bin/touch"}


# ---- reporting ----



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

def show(b):
    """Bytes (or str) as printable ASCII for a report line."""
    if isinstance(b, str):
        b = b.encode("utf-8", "surrogateescape")
    return repr(bytes(b))[1:]


def report(what, problems):
    global failed
    if not problems:
        print("ok   " + what)
        return
    failed += 1
    print("FAIL " + what)
    for p in problems[:15]:
        print("     " + p)
    if len(problems) > 15:
        print("     ... and %d more" % (len(problems) - 15))


def jbytes(s):
    """A string from avcsnoop's JSON back to its bytes."""
    try:
        return s.encode("latin-1")
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogateescape")


def read_json_lines(path, problems):
    objs = []
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            try:
                objs.append(json.loads(raw.decode("utf-8")))
            except (ValueError, UnicodeDecodeError) as e:
                problems.append("%s line %d is not JSON (%s): %s" % (path, n, e, show(raw[:100])))
    return objs


# ---- nginx-quote ----


def cmd_nginx_quote(a):
    """One double-quoted nginx word: nginx's parser turns \\\\ \\" \\n \\t \\r back into
    bytes; '$' would start a variable, so it is spelled ${dollar} (a geo variable that
    holds "$", set by the scenario). Other bytes go in raw."""
    out = bytearray(b'"')
    for c in os.fsencode(a.url):
        ch = bytes([c])
        out += {b"\\": b"\\\\", b'"': b'\\"', b"\n": b"\\n", b"\t": b"\\t", b"\r": b"\\r",
                b"$": b"${dollar}"}.get(ch, ch)
    out += b'"'
    sys.stdout.buffer.write(bytes(out))
    return 0


# ---- events ----


def cmd_events(a):
    problems = []
    objs = read_json_lines(a.trace, problems)
    comm, path, obj = os.fsencode(a.comm), os.fsencode(a.path), os.fsencode(a.object)
    evs = [o for o in objs if o.get("type") in ("connect", "bind") and jbytes(o.get("comm", "")) == comm
           and jbytes(o.get("path", "")) == path]
    if not evs:
        seen = sorted({(show(jbytes(o.get("comm", ""))), show(jbytes(o.get("path", ""))))
                       for o in objs if o.get("type") in ("connect", "bind")})
        problems.append("no connect event with comm %s and path %s; seen: %s" %
                        (show(comm), show(path), seen))
    report("%s: avcsnoop's event carries the comm and the socket path byte for byte" % a.name,
           problems)
    if not evs:
        return
    problems = []
    ev = evs[0]
    sel = ev.get("selinux", {})
    if ev.get("verdict") != "selinux_denied":
        problems.append("verdict %s" % ev.get("verdict"))
    if (sel.get("tclass"), sel.get("perms"), sel.get("target_type")) != \
            (a.tclass, [a.perm], a.type):
        problems.append("selinux %s" % json.dumps(sel, ensure_ascii=True))
    if jbytes(sel.get("object", "")) != obj:
        problems.append("object %s, the kernel denied %s" % (show(jbytes(sel.get("object", ""))),
                                                            show(obj)))
    report("%s: selinux_denied, %s %s on %s, object = the denied %s %s"
           % (a.name, a.tclass, a.perm, a.type, a.tclass, show(obj)), problems)
    if a.kmsg:
        # the kernel's own record: comm= and name= (the last component of the denied
        # object), quoted or, when they hold unusual bytes, in hex
        with open(a.kmsg, "rb") as f:
            kmsg = f.read()

        def field(line, key):
            m = re.search(rb" " + key + rb'=(?:"([^"]*)"|([0-9A-F]+))(?: |$)', line)
            if not m:
                return None
            return m.group(1) if m.group(1) is not None else bytes.fromhex(m.group(2).decode())

        want = rb"avc: +denied +\{ " + re.escape(os.fsencode(a.perm)) + rb" \}"
        avcs = [ln for ln in kmsg.split(b"\n") if re.search(want, ln) and
                re.search(rb" tclass=" + re.escape(os.fsencode(a.tclass)) + rb" ", ln)]
        hit = [ln for ln in avcs if field(ln, b"comm") == comm and
               field(ln, b"name") == obj.rsplit(b"/", 1)[1]]
        report("%s: the kernel's AVC names the same comm and %s (comm=%s name=%s)" %
               (a.name, a.tclass, show(comm), show(obj.rsplit(b"/", 1)[1])),
               [] if hit else ["no such AVC among: %s" % [show(x[:200]) for x in avcs]])


# ---- the sandbox: a Do block pasted into bash with recording stubs ----

STUB = r"""#!/bin/bash
# hostile.py's recording stub: argc, name, args, where stdout goes; NUL-separated, one file
# per call (named by time, so the order of calls is the order of the files)
out=$(/usr/bin/readlink /proc/$$/fd/1)
printf '%s\0' "$(($# + 1))" "${0##*/}" "$@" "$out" >"$HOSTILE_STUB_LOG/$EPOCHREALTIME-$$"
case ${0##*/} in
@PASS@
esac
exit 0
"""


def write_stubs(d, names):
    os.makedirs(d, exist_ok=True)
    cases = "".join("%s) exec %s \"$@\" ;;\n" % (n, p) for n, p in PASS_THROUGH.items())
    body = STUB.replace("@PASS@\n", cases)
    for n in names:
        p = os.path.join(d, n)
        if not os.path.exists(p):
            with open(p, "w") as f:
                f.write(body)
            os.chmod(p, 0o755)


class Sandbox:
    """Runs pasted lines as nobody in a fresh directory that holds a decoy ./q; PATH is the
    stub directory only."""

    def __init__(self, work, stubs):
        self.work, self.stubs, self.n = work, stubs, 0

    def run(self, lines):
        self.n += 1
        cwd = os.path.join(self.work, "run%d" % self.n)
        meta = cwd + ".meta"
        log = os.path.join(meta, "log")
        for d in (cwd, meta, log):
            os.mkdir(d, 0o755)
        with open(os.path.join(cwd, "q"), "w") as f:
            f.write("#!/bin/sh\n: >%s/q-ran\n" % meta)  # sourced or run, it leaves a mark
        os.chmod(os.path.join(cwd, "q"), 0o755)
        script = os.path.join(meta, "script")
        # pasted into an interactive bash: history expansion on; printf and echo are
        # builtins there, here they go through the stubs too so that they are recorded
        with open(script, "wb") as f:
            f.write(b"set -o history -H\nenable -n printf echo\n" + b"".join(ln + b"\n" for ln in lines))
        out, err = os.path.join(meta, "out"), os.path.join(meta, "err")
        for p in (out, err):
            open(p, "w").close()
        for root, dirs, files in os.walk(meta):
            for x in [root] + [os.path.join(root, y) for y in dirs + files]:
                os.chown(x, NOBODY, NOBODY)
        os.chown(cwd, NOBODY, NOBODY)
        env = {"PATH": self.stubs, "HOME": cwd, "HOSTILE_STUB_LOG": log, "LC_ALL": "C"}
        cmd = ["/usr/bin/setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY,
               "--clear-groups", "/bin/bash", "--noprofile", "--norc", script]
        with open(out, "wb") as fo, open(err, "wb") as fe:
            try:
                rc = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=fo,
                                    stderr=fe, timeout=120).returncode
            except subprocess.TimeoutExpired:
                rc = "timeout"
        recs = []
        for name in sorted(os.listdir(log), key=lambda s: (float(s.split("-")[0]), s)):
            with open(os.path.join(log, name), "rb") as f:
                fields = f.read().split(b"\0")
            argc = int(fields[0])
            recs.append((fields[1:1 + argc], fields[1 + argc]))
        with open(err, "rb") as f:
            stderr = f.read()
        files = sorted(os.path.relpath(os.path.join(r, x), cwd)
                       for r, ds, fs in os.walk(cwd) for x in ds + fs)
        return {"cwd": cwd, "out": os.fsencode(out), "rc": rc, "records": recs,
                "stderr": stderr, "files": files, "q_ran": os.path.exists(meta + "/q-ran")}


def expected_records(fx, run):
    exp = []
    for ent in fx.get("argv", []):
        so = ent.get("stdout")
        exp.append(([jbytes(x) for x in ent.get("argv", [])],
                    run["out"] if so is None else os.fsencode(os.path.join(run["cwd"], so))))
    return exp


def fmt(recs):
    return ["  ran: " + " ".join(show(x) for x in argv) + " >" + show(so) for argv, so in recs]


def check_run(what, fx, run, canaries):
    problems = []
    exp = expected_records(fx, run)
    if run["records"] != exp:
        problems.append("what ran is not the fix's argv")
        problems += fmt(run["records"])
        problems += ["  want:" + l[6:] for l in fmt(exp)]
    if run["rc"] != 0:
        problems.append("bash exit status %s" % run["rc"])
    if run["stderr"]:
        problems.append("bash stderr: %s" % show(run["stderr"][:300]))
    want_files = sorted({"q"} | {e["stdout"] for e in fx.get("argv", []) if e.get("stdout")})
    if run["files"] != want_files:
        problems.append("the scratch directory holds %s, expected %s" %
                        ([show(os.fsencode(x)) for x in run["files"]], want_files))
    if run["q_ran"]:
        problems.append("the decoy ./q was run or sourced")
    for c in canaries:
        if os.path.lexists(c):
            problems.append("canary %s exists" % show(os.fsencode(c)))
    report(what, problems)


# ---- fcontext specs through libselinux's own matcher ----


class Selabel:
    SELABEL_CTX_FILE, SELABEL_OPT_PATH = 0, 3

    def __init__(self):
        self.lib = ctypes.CDLL("libselinux.so.1", use_errno=True)

        class Opt(ctypes.Structure):
            _fields_ = [("type", ctypes.c_int), ("value", ctypes.c_char_p)]

        self.Opt = Opt
        self.lib.selabel_open.restype = ctypes.c_void_p
        self.lib.selabel_open.argtypes = [ctypes.c_uint, ctypes.c_void_p, ctypes.c_uint]
        self.lib.selabel_lookup_raw.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p),
                                                ctypes.c_char_p, ctypes.c_int]
        self.lib.selabel_close.argtypes = [ctypes.c_void_p]

    def open(self, fc_path=None):
        """A lookup function for fc_path's specs, or for the live policy's (with .local)."""
        if fc_path is None:
            h = self.lib.selabel_open(self.SELABEL_CTX_FILE, None, 0)
        else:
            opts = (self.Opt * 1)(self.Opt(self.SELABEL_OPT_PATH, os.fsencode(fc_path)))
            h = self.lib.selabel_open(self.SELABEL_CTX_FILE, opts, 1)
        if not h:
            return None

        def lookup(path, mode):
            con = ctypes.c_char_p()
            if self.lib.selabel_lookup_raw(h, ctypes.byref(con), path, mode) == 0:
                return con.value.decode()
            return None  # no match, or <<none>>

        return lookup

    def live_subs(self):
        """The live policy's path equivalence files (file_contexts.subs_dist, .subs): the
        substitutions libselinux applies to a path before matching it (targeted: /run is
        /var/run, so specs for /run are written /var/run)."""
        self.lib.selinux_file_context_path.restype = ctypes.c_char_p
        fc = self.lib.selinux_file_context_path()
        return [fc + ext for ext in (b".subs_dist", b".subs") if fc and os.path.exists(fc + ext)]


def neighbours(d, extra):
    """Paths near d that a spec for d and below must not match: d with a byte more or less,
    each metacharacter taken literally replaced or dropped, the parent and a sibling."""
    parent = d.rsplit(b"/", 1)[0] or b"/"
    near = {d + b"x", d[:-1], d + b"x/s.sock", d + b".sock", parent, parent + b"/zz",
            parent + b"/zz/s.sock", parent + b"/.zz"}
    start = len(b"/run/") if d.startswith(b"/run/") else len(parent) + 1
    for i in range(start, len(d)):
        c = d[i]
        if c == ord("/") or chr(c).isalnum():
            continue
        near.add(d[:i] + b"X" + d[i + 1:])
        near.add(d[:i] + d[i + 1:])
    near |= set(extra)
    return sorted(n for n in near if n and n != d and n != d + b"/"
                  and not n.startswith(d + b"/"))


def inside(d):
    return [d, d + b"/s.sock", d + b"/a/b.sock"]


def check_fcontext(name, fx, obj, extra_not, work, selabel):
    problems = []
    ents = [e["argv"] for e in fx.get("argv", []) if e.get("argv", [])[:2] == ["semanage", "fcontext"]]
    rest = [e["argv"] for e in fx.get("argv", []) if e.get("argv", [])[:1] == ["restorecon"]]
    if len(ents) != 1 or len(rest) != 1:
        report(name + ": one semanage fcontext and one restorecon", [
            "%d semanage fcontext, %d restorecon" % (len(ents), len(rest))])
        return
    sem = [jbytes(x) for x in ents[0]]
    rc = [jbytes(x) for x in rest[0]]
    spec, ctype = sem[-1], jbytes(fx.get("new_type", ""))
    if sem[:4] != [b"semanage", b"fcontext", b"-a", b"-t"] or sem[-2] != b"--" or \
            sem[4] != ctype or not re.fullmatch(rb"[a-z0-9_]+_t", ctype):
        problems.append("not semanage fcontext -a -t NEW_TYPE -- SPEC: %s" % show(b" ".join(sem)))
    if len(sem) != 7:
        problems.append("options other than -a -t (e.g. -f): %s" % show(b" ".join(sem)))
    if rc[:3] != [b"restorecon", b"-Rv", b"--"] or len(rc) != 4:
        problems.append("not restorecon -Rv -- DIR: %s" % show(b" ".join(rc)))
    if not all(0x21 <= c < 0x7F for c in spec):
        problems.append("SPEC is not one word of printable ASCII: %s" % show(spec))
    # restorecon globs its arguments: its argument must read back as exactly a path
    d = glob_literal(rc[-1])
    if d is None:
        problems.append("restorecon's argument is a glob pattern: %s" % show(rc[-1]))
        d = rc[-1]
    fc = os.path.join(work, "file_contexts.%d" % id(fx))
    with open(fc, "wb") as f:
        f.write(spec + b"\tsystem_u:object_r:" + ctype + b":s0\n")
    # the SPEC alone, matched under the live policy's path equivalences, as the system will
    for sub in selabel.live_subs():
        shutil.copyfile(sub, os.fsencode(fc) + sub[len(sub.rsplit(b".", 1)[0]):])
    lookup = selabel.open(fc)
    if lookup is None:
        problems.append("libselinux does not load a file_contexts with this SPEC: %s" % show(spec))
    else:
        for p in inside(d):
            for mode in (stat.S_IFDIR, stat.S_IFSOCK):
                if lookup(p, mode) is None:
                    problems.append("SPEC %s does not match %s" % (show(spec), show(p)))
        hits = sorted({p for p in neighbours(d, extra_not)
                       for mode in (stat.S_IFDIR, stat.S_IFSOCK) if lookup(p, mode) is not None})
        for p in hits:
            problems.append("SPEC %s also matches the neighbour %s" % (show(spec), show(p)))
    report("%s: SPEC matches %s and below and none of %d near neighbours (libselinux)" %
           (name, show(d), len(neighbours(d, extra_not))), problems)
    if obj is None:
        report("%s: the trace names the denied directory" % name, ["no selinux.object"])
    else:
        report("%s: restorecon's tree %s holds what the kernel denied, %s" %
               (name, show(d), show(obj)),
               [] if obj == d or obj.startswith(d + b"/") else [
                   "restorecon -Rv -- %s leaves %s (what the kernel denied) as it "
                   "is: the same denial follows" % (show(d), show(obj))])


# ---- the module a fix writes ----


def check_module(name, fx, run, rules):
    problems = []
    writers = [e for e in fx.get("argv", []) if e.get("stdout")]
    if len(writers) != 1:
        problems.append("%d commands write a file, expected 1" % len(writers))
    for e in writers:
        fname = e["stdout"]
        if not re.fullmatch(r"my-[a-z0-9_-]+\.cil", fname):
            problems.append("module file name is not plain: %s" % show(jbytes(fname)))
            continue
        try:
            with open(os.path.join(run["cwd"], fname), "rb") as f:
                body = f.read()
        except OSError as err:
            problems.append("%s: %s" % (fname, err))
            continue
        lines = body.split(b"\n")
        if lines[-1] != b"":
            problems.append("the file does not end with a newline")
        code = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith(b";")]
        if code != [os.fsencode(r) for r in rules]:
            problems.append("rules %s, intended exactly %s" % ([show(c) for c in code], rules))
        for ln in lines:
            if ln.lstrip().startswith(b";") and not re.fullmatch(rb";[ -~]*", ln):
                problems.append("comment line with other than printable ASCII: %s" % show(ln))
        argv = [jbytes(x) for x in e.get("argv", [])]
        if argv[:2] == [b"printf", b"%s\\n"] and body != b"".join(x + b"\n" for x in argv[2:]):
            problems.append("the file is not printf's arguments, one per line")
    report("%s: the module file holds exactly the rule %s" % (name, " ".join(rules)), problems)


# ---- advice ----


def do_blocks(text):
    lines, blocks, i = text.split(b"\n"), [], 0
    while i < len(lines):
        if lines[i] == b"Do":
            body = []
            i += 1
            while i < len(lines) and lines[i].startswith(b"    "):
                body.append(lines[i][4:])
                i += 1
            blocks.append(body)
        else:
            i += 1
    return blocks


def cmd_advice(a):
    untrusted = [os.fsencode(u) for u in a.untrusted]
    path = os.fsencode(a.path)
    # what the kernel denied, per (comm, destination): the trace's selinux.object (which the
    # events check holds against the kernel's AVC)
    objects = {}
    for o in read_json_lines(a.trace, []):
        sel = o.get("selinux") or {}
        if o.get("type") in ("connect", "bind") and sel.get("object"):
            objects[(jbytes(o.get("comm", "")), jbytes(o.get("dest", "")))] = jbytes(sel["object"])
    canaries = a.canary
    for c in canaries:
        if os.path.lexists(c):
            os.unlink(c)
    problems = []
    objs = read_json_lines(a.json, problems)
    advices = [o for o in objs if o.get("type") == "advice"]
    mine = []
    # one finding per access: the destinations and processes of an access are listed in it
    def seen(o, comm):
        fi = o.get("finding", {})
        dests = [jbytes(fi.get("dest", ""))] + [jbytes(x) for x in fi.get("dests", [])]
        comms = [jbytes(fi.get("comm", ""))] + [jbytes(p.get("comm", ""))
                                               for p in fi.get("processes", [])]
        return path in dests and (comm is None or comm in comms)

    for comm in [os.fsencode(c) for c in a.comm] or [None]:
        got = [o for o in advices if seen(o, comm) and o not in mine]
        if not got and not any(seen(o, comm) for o in mine):
            problems.append("no advice for dest %s%s among %d" % (
                show(path), "" if comm is None else " comm " + show(comm), len(advices)))
        mine += got
    kinds = [fx.get("kind") for o in mine for fx in o.get("diagnoses", []) + o.get("fixes", [])]
    for k in a.want_kind:
        if k not in kinds:
            problems.append("no %s fix (fixes: %s)" % (k, kinds))
    report("%s: recommend -j parses and advises on the hostile finding with %s" %
           (a.name, " and ".join(a.want_kind) or "its fixes"), problems)

    # the text output: nothing raw, no line made by the input
    with open(a.text, "rb") as f:
        text = f.read()
    problems = []
    for n, line in enumerate(text.split(b"\n"), 1):
        bad = sorted({c for c in line if c < 0x20 or c == 0x7F})
        if bad:
            problems.append("line %d has raw control byte(s) %s: %s" %
                            (n, ",".join("0x%02x" % c for c in bad), show(line[:120])))
        for u in untrusted:
            for frag in u.split(b"\n")[1:]:
                if len(frag.strip()) >= 3 and line.startswith(frag):
                    problems.append("line %d starts with text that followed a newline in %s: %s"
                                    % (n, show(u[:40]), show(line[:120])))
    try:
        text.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.append("not UTF-8 (a raw input byte): %s" % e)
    report("%s: text advice has no raw control byte or input byte, no line started by the input"
           % a.name, problems)

    # the Do blocks of the text are the JSON commands, fix by fix
    fixes = [fx for o in advices for fx in o.get("diagnoses", []) + o.get("fixes", []) if fx.get("commands")]
    owner = {id(fx): o for o in advices for fx in o.get("diagnoses", []) + o.get("fixes", [])}
    blocks = do_blocks(text)
    problems = []
    if len(blocks) != len(fixes):
        problems.append("%d Do blocks in the text, %d JSON fixes with commands" %
                        (len(blocks), len(fixes)))
    for i, (blk, fx) in enumerate(zip(blocks, fixes)):
        want = [jbytes(c) + (b"  # " + jbytes(e["note"]) if e.get("note") else b"")
                for c, e in zip(fx["commands"], fx.get("argv", []))]
        if blk != want or len(fx["commands"]) != len(fx.get("argv", [])):
            problems.append("fix %d: text %s; JSON %s" % (i + 1, " | ".join(show(x) for x in blk),
                                                           " | ".join(show(x) for x in want)))
        for c in fx["commands"]:
            if not all(0x20 <= b < 0x7F for b in jbytes(c)):
                problems.append("fix %d: a command line is not printable ASCII: %s" %
                                (i + 1, show(jbytes(c))))
    report("%s: the text's Do blocks are the JSON \"commands\", line for line, printable ASCII"
           % a.name, problems)

    # paste each: the JSON commands and the text's Do block, separately
    names = set(STUB_NAMES)
    problems = []
    for fx in fixes:
        for e in fx.get("argv", []):
            prog = e.get("argv", [""])[0]
            if not re.fullmatch(r"[a-z][a-z0-9_.-]*", prog):
                problems.append("%s fix: program %s is not a plain name (it would run for real, "
                                "not the stub)" % (fx.get("kind"), show(jbytes(prog))))
            names.add(prog)
    report("%s: every command's program is a plain name" % a.name, problems)
    if problems:
        return
    stubs = os.path.join(a.work, "stubs")
    write_stubs(stubs, sorted(names))
    os.chmod(a.work, 0o755)
    box = Sandbox(a.work, stubs)
    selabel = Selabel()
    for i, fx in enumerate(fixes):
        fnd = owner[id(fx)].get("finding", {})
        label = "%s: fix %d (%s, comm %s)" % (a.name, i + 1, fx.get("kind"),
                                               show(jbytes(fnd.get("comm", ""))))
        obj = objects.get((jbytes(fnd.get("comm", "")), jbytes(fnd.get("dest", ""))))
        runs = [("JSON commands", [jbytes(c) for c in fx["commands"]])]
        if i < len(blocks):
            runs.append(("text Do block", blocks[i]))
        for how, lines in runs:
            run = box.run(lines)
            check_run("%s, %s pasted into bash: exactly its argv ran, nothing else ran or "
                      "was written, no canary" % (label, how), fx, run, canaries)
            if fx.get("kind") == "local_module" and how == "JSON commands":
                check_module(label, fx, run, a.rule)
        if fx.get("kind") == "fcontext_relabel":
            check_fcontext(label, fx, obj, [os.fsencode(x) for x in a.not_match], a.work, selabel)


# ---- labels under /run, and the live file_contexts ----


def tojson(d):
    return {k.decode("latin-1"): v for k, v in d.items()}


def fromjson(d):
    return {k.encode("latin-1"): v for k, v in d.items()}


def cmd_labels(a):
    labels = {}
    root = os.fsencode(a.root)
    for r, ds, fs in os.walk(root, onerror=lambda e: None):
        for x in [r] + [os.path.join(r, y) for y in ds + fs]:
            try:
                labels[x] = os.getxattr(x, "security.selinux", follow_symlinks=False) \
                    .rstrip(b"\0").decode()
            except OSError:
                pass
    with open(a.out, "w") as f:
        json.dump(tojson(labels), f)
    return 0


def in_tree(p, d):
    return p == d or p.startswith(d + b"/")


def cmd_labels_diff(a):
    with open(a.before) as f:
        before = fromjson(json.load(f))
    with open(a.after) as f:
        after = fromjson(json.load(f))
    d = os.fsencode(a.dir)
    changed = ["%s: %s -> %s" % (show(p), before[p], after[p]) for p in sorted(before)
               if p in after and before[p] != after[p] and not in_tree(p, d)]
    common = sum(1 for p in before if p in after and not in_tree(p, d))
    report("%s: no other label under /run changed (%d entries compared)" % (a.name, common),
           changed)
    mine = [p for p in after if in_tree(p, d)]
    print("     (the target tree: %s)" % ", ".join("%s %s" % (show(p), after[p]) for p in sorted(mine)))


def cmd_decoys(a):
    """Real directories next to D, named like it: a spec that is too broad would relabel
    them (restorecon -R), which the labels and restorecon -n checks would then see."""
    d = os.fsencode(a.dir)
    made = []
    for n in neighbours(d, []):
        if d.startswith(n + b"/") or os.path.lexists(n) or not os.path.isdir(os.path.dirname(n)):
            continue
        os.mkdir(n)
        made.append(n)
    with open(a.list, "wb") as f:
        f.write(b"".join(n + b"\0" for n in made))
    report("%d decoy directories named like %s made next to it" % (len(made), show(d)),
           [] if made else ["none could be made"])
    return 0


def cmd_lookup(a):
    d = os.fsencode(a.dir)
    lookup = Selabel().open(None)
    if lookup is None:
        print("FAIL selabel_open on the live file_contexts")
        return 1
    res = {}
    for p in inside(d) + neighbours(d, [os.fsencode(x) for x in a.not_match]):
        res[p] = [lookup(p, stat.S_IFDIR), lookup(p, stat.S_IFSOCK)]
    with open(a.out, "w") as f:
        json.dump(tojson(res), f)
    return 0


def cmd_lookup_diff(a):
    with open(a.before) as f:
        before = fromjson(json.load(f))
    with open(a.after) as f:
        after = fromjson(json.load(f))
    d = os.fsencode(a.dir)
    problems = []
    for p in inside(d):
        for con in after.get(p, [None, None]):
            if con is None or con.split(":")[2] != a.type:
                problems.append("%s: %s, want type %s" % (show(p), con, a.type))
    report("%s: the live file_contexts now give %s to %s and below" % (a.name, a.type, show(d)),
           problems)
    problems = ["%s: %s -> %s" % (show(p), before[p], after.get(p)) for p in sorted(before)
                if not in_tree(p, d) and before[p] != after.get(p)]
    n = sum(1 for p in before if not in_tree(p, d))
    report("%s: the live file_contexts' answer for %d near neighbours is unchanged" % (a.name, n),
           problems)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("nginx-quote")
    p.add_argument("url")
    p = sub.add_parser("events")
    p.add_argument("trace")
    for x in ("name", "comm", "path", "object", "tclass", "perm", "type"):
        p.add_argument("--" + x, required=True)
    p.add_argument("--kmsg")
    p = sub.add_parser("advice")
    for x in ("name", "text", "json", "work", "path"):
        p.add_argument("--" + x, required=True)
    p.add_argument("--comm", action="append", default=[])
    p.add_argument("--trace", required=True)
    p.add_argument("--rule", action="append", default=[])
    p.add_argument("--want-kind", action="append", default=[])
    p.add_argument("--untrusted", action="append", default=[])
    p.add_argument("--not-match", action="append", default=[])
    p.add_argument("--canary", action="append", default=[])
    p = sub.add_parser("labels")
    p.add_argument("root")
    p.add_argument("out")
    p = sub.add_parser("labels-diff")
    p.add_argument("before")
    p.add_argument("after")
    p.add_argument("--name", required=True)
    p.add_argument("--dir", required=True)
    p = sub.add_parser("lookup")
    p.add_argument("out")
    p.add_argument("--dir", required=True)
    p.add_argument("--not-match", action="append", default=[])
    p = sub.add_parser("decoys")
    p.add_argument("list")
    p.add_argument("--dir", required=True)
    p = sub.add_parser("lookup-diff")
    p.add_argument("before")
    p.add_argument("after")
    for x in ("name", "dir", "type"):
        p.add_argument("--" + x, required=True)
    a = ap.parse_args()
    try:
        rc = run(a)
    except Exception:  # a crash is not a failed check: the scenario reports it as such
        import traceback
        traceback.print_exc(file=sys.stdout)
        sys.exit(3)
    sys.stdout.flush()
    sys.exit(rc if rc else (1 if failed else 0))


def run(a):
    return {"nginx-quote": cmd_nginx_quote, "events": cmd_events, "advice": cmd_advice,
          "labels": cmd_labels, "decoys": cmd_decoys, "labels-diff": cmd_labels_diff, "lookup": cmd_lookup,
          "lookup-diff": cmd_lookup_diff}[a.cmd](a)


if __name__ == "__main__":
    main()
