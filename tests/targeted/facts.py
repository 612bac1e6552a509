#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# What tests/targeted/suite.sh asserts avcsnoop against, asked of setools (the library behind
# seinfo and sesearch) with the policy loaded once: a targeted policy is four times
# refpolicy's size and each sesearch run reloads it (2 s of CPU each).
# Usage: facts.py POLICY PORT...  Prints one JSON object:
#   ports:   {"PORT": type}       the narrowest tcp portcon holding PORT (as seinfo --portcon)
#   connect: {type: {unconditional, booleans, direct}}   httpd_t name_connect on the type:
#            a rule without a condition; the conditions (true branch) of the rules that
#            allow it, through attributes too (as sesearch -A); those whose rule names the
#            type itself (sesearch -dt)
#   bind:    {type: {unconditional}}   the same for name_bind, for port 80's type
#   booleans: every boolean of the policy (seinfo POLICY -b)
import json
import sys

import setools


def narrowest(policy, port):
    best = None
    for pc in policy.portcons():
        if pc.protocol != setools.PortconProtocol.tcp:
            continue
        lo, hi = pc.ports.low, pc.ports.high
        if lo <= port <= hi and (best is None or hi - lo < best[0]):
            best = (hi - lo, str(pc.context.type_))
    return best[1] if best else ""


def rules(policy, target, perm):
    q = setools.TERuleQuery(policy, ruletype=[setools.TERuletype.allow], source="httpd_t",
                            target=target, tclass=["tcp_socket"], perms=[perm])
    uncond, conds, direct = False, set(), set()
    for r in q.results():
        try:
            cond, block = str(r.conditional), r.conditional_block
        except setools.exception.RuleNotConditional:
            uncond = True
            continue
        if not block:
            continue
        conds.add(cond)
        if str(r.target) == target:
            direct.add(cond)
    return {"unconditional": uncond, "booleans": sorted(conds), "direct": sorted(direct)}


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: facts.py POLICY PORT...")
    policy = setools.SELinuxPolicy(sys.argv[1])
    ports = {p: narrowest(policy, int(p)) for p in sys.argv[2:] + ["80"]}
    out = {"ports": ports, "connect": {}, "bind": {},
           "booleans": sorted(str(b) for b in policy.bools())}
    for t in set(ports.values()):
        if t:
            out["connect"][t] = rules(policy, t, "name_connect")
    if ports["80"]:
        out["bind"][ports["80"]] = {"unconditional": rules(policy, ports["80"],
                                                           "name_bind")["unconditional"]}
    json.dump(out, sys.stdout)
    print()


main()
