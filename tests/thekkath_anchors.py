#!/usr/bin/env python3
"""The two calibrated constants of the Thekkath et al. hosts, from the
paper's rows (reference/thekkath93.csv), and the profile that uses them.

  generate: writes proto/profiles/bsd43-ds5000.cfg and prints the
            programmed-I/O read rate for platform/nics/pmadd-aa.cfg;
  check:    recomputes both and compares them with the shipped files
            (exit 1 on a difference), printing TAP lines.

Two closed forms, two unknowns (the scale of the per-layer weights, k in
us per weight unit, and the PMADD-AA's programmed-I/O read cost, p in ns
per byte), everything else sourced or derived (the files' comments):

  T93-038 (Ultrix, Ethernet, 1-byte round trip): half of it is one
  direction's critical path,
    rtt / 2 = trap + 55 x pio_tx + wire(84 bytes) + prop + ctx
              + 2125 k + 55 p
  T93-015 (Table 1: user to user through the library's mechanisms,
  maximum-size Ethernet packets, 8.5 Mbit/s; ASSUMPTION: the receiver's
  processor is the limit, as the standalone 9.6 Mbit/s shows the wire is
  not): per 1500-byte packet,
    1500 x 8 / 8.5 us = 650 k (irq, driver, mbuf, input loop)
                        + demux (T93-058) + notify + proto_run
                        + 2 handoffs (into the input thread, to the
                          application) + 1514 p
"""
import csv
import os
import re
import sys

ROOT = os.environ.get("SS_SRCDIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CYC = 40.0                       # ns, 25 MHz (T93-002)
TRAP = (99 + 14 * 15) * CYC / 1000    # us, Draves et al. Table 4 MK40 entry+exit, half the loads missing
CTX = (250 + 26 * 15) * CYC / 1000    # us, context switch (MK32)
HAND = (83 + 11 * 15) * CYC / 1000    # us, stack handoff (MK40)
COPY_NS = 24 * CYC / 16          # ns/B, Chen and Bershad Table 2-1
CSUM_NS = 14 * CYC / 16
PIO_TX = 50.0                    # ns/B, 5-cycle non page-mode writes
NOTIFY = TRAP
RUN = TRAP / 2
W = {"syscall": 400, "tcp": 200, "ip": 150, "eth": 300, "skb": 150, "irq": 150, "softirq": 50, "esp": 300, "ah": 300}


def refs():
    out = {}
    with open(os.path.join(ROOT, "reference", "thekkath93.csv")) as f:
        for r in csv.DictReader(f):
            try:
                out[r["id"]] = float(r["value"])
            except ValueError:
                pass
    return out


def solve():
    ref = refs()
    wire = (8 + 64 + 12) * 8 / 10.0  # us: preamble, smallest frame, gap at 10 Mbit/s
    prop = 1.0
    a = ref["T93-038"] * 1000 / 2 - TRAP - 55 * PIO_TX / 1000 - wire - prop - CTX
    b = 1500 * 8 / ref["T93-015"] - ref["T93-058"] - NOTIFY - RUN - 2 * HAND
    wa = W["syscall"] + W["tcp"] + W["ip"] + W["eth"] + W["skb"] / 2 + W["irq"] + W["eth"] + W["skb"] + W["softirq"] + W["ip"] + W["tcp"]
    wb = W["irq"] + W["eth"] + W["skb"] + W["softirq"]
    det = wa * 1.514 - 0.055 * wb
    k = (a * 1.514 - 0.055 * b) / det
    p = (wa * b - wb * a) / det
    return k, p, wa, wb


def profile(k):
    K = "x %.6f us per weight unit (the scale, see the head comment)" % k
    rows = []

    def row(layer, d, ppn, pbn, src):
        rows.append('  { layer = "%s"; dir = "%s"; per_packet_ns = %r; per_byte_ns = %r;\n    source = "%s"; }' % (layer, d, ppn, pbn, src))

    kn = k * 1000
    row("copy", "any", 0.0, COPY_NS, "derived from [CB] Table 2-1 (DECstation 5000/200): per 16 bytes of a word-by-word copy of data not in the cache, one 15-cycle read miss that fetches 16 bytes, 3 hits, 4 page-mode writes of 1 cycle and about 2 cycles of loop: 24 cycles of 40 ns = 60 ns a byte (16.7 MB/s). ASSUMPTION: the loop's cost and the data out of the cache")
    row("syscall", "any", W["syscall"] * kn, 0.0, "the socket layer's per-call code (sosend / soreceive, uio, sblock), without the crossing to it (the organisation's): ASSUMPTION weight %d %s" % (W["syscall"], K))
    for d in ("tx", "rx"):
        row("tcp", d, W["tcp"] * kn, CSUM_NS, "per segment weight %d (Clark, Jacobson, Romkey, Salwen 1989: 'fewer than 200 instructions are required to process a TCP packet in the normal case', https://search.isc.ac/inventory/49/2066202.htm) %s; per byte the software checksum of data just moved into the cache (write-allocate, [CB]): 4 loads and about 8 adds with carries and 2 of loop per 16 bytes, 14 cycles = 35 ns a byte (ASSUMPTION: cache hits)" % (W["tcp"], K))
    for d in ("tx", "rx"):
        row("ip", d, W["ip"] * kn, 0.0, "ASSUMPTION weight %d (ip_output / ipintr with the header checksum) %s" % (W["ip"], K))
    for d in ("tx", "rx"):
        row("eth", d, W["eth"] * kn, 0.0, "ASSUMPTION weight %d (ether_output or ether_input and the LANCE or AN1 driver's descriptor handling) %s" % (W["eth"], K))
    row("irq", "any", W["irq"] * kn, 0.0, "ASSUMPTION weight %d (the R3000 exception entry, register save and restore, interrupt dispatch) %s" % (W["irq"], K))
    row("softirq", "any", W["softirq"] * kn, 0.0, "ASSUMPTION weight %d (the input loop's dispatch per run: splnet, IF_DEQUEUE) %s" % (W["softirq"], K))
    for l in ("esp", "ah"):
        for d in ("tx", "rx"):
            row(l, d, W[l] * kn, 0.0, "ASSUMPTION weight %d (a transform's framing, SA lookup and padding, without its crypto) %s; 1993 stacks had no IPsec: for what-ifs only" % (W[l], K))
    row("skb", "any", W["skb"] * kn, 0.0, "ASSUMPTION weight %d (mbuf and cluster allocation and free per packet, MGET / MCLGET / m_freem) %s" % (W["skb"], K))
    head = """# Protocol cost profile bsd43-ds5000: the 4.3BSD TCP/IP code of Ultrix
# 4.2A, the Mach 3.0 UX server and the user-level library of Thekkath et
# al. (1993) on a DECstation 5000/200 (25 MHz MIPS R3000, 40 ns a
# cycle). The same code in all three (their sec. 4: "the protocol stack
# that is executed is nearly identical in all three systems"); where it
# runs and what its crossings cost is the organisation's
# (platform/orgs/). The syscall layer is the socket layer's own code per
# read or write; the crossing to it (a trap, an IPC, a procedure call) is
# the organisation's. Written by tests/thekkath_anchors.py (generate);
# tests/test_thekkath.sh checks it. Do not edit by hand.
#
# Sources:
#   [CB] Chen and Bershad, "The Impact of Operating System Structure on
#        Memory System Performance", SOSP 1993, Table 2-1 (DECstation
#        5000/200): data cache "4 byte line, write allocate, 15 cycle read
#        miss penalty, read miss fetches 16 aligned bytes"; "page-mode
#        writes complete in 1 cycle", https://raw.githubusercontent.com/openmach/openmach.github.io/master/docs/mach/os-memorysys.ps
#   [DR] Draves, Bershad, Rashid, Dean, "Using Continuations to Implement
#        Thread Management and Communication in Operating Systems", SOSP
#        1991, Table 4 (DS3100, instructions / loads / stores): system call
#        entry 64/7/25 and exit 35/21/1 (MK40), context switch 250/52/27
#        (MK32), stack handoff 83/22/18 (MK40),
#        https://raw.githubusercontent.com/openmach/openmach.github.io/master/docs/mach/threadmgnt.ps
#
# Per-packet costs. No measurement of the per-layer costs of this code on
# this machine was found (Kay and Pasquale's, SIGCOMM 1993, are not in
# the stored sources). Each layer gets a weight (an ASSUMPTION: its
# share, in instructions of the normal path; Clark et al.'s 200 for TCP
# is the only published one), and one scale turns weights into time. The
# scale and the PMADD-AA's programmed-I/O read rate (no published figure
# either) are solved together from TWO cells of the paper, which the
# claims report as INPUTS (tests/thekkath_anchors.py has the closed
# forms):
#   T93-038: Ultrix 4.2A on Ethernet, 1-byte round trip 1.6 ms;
#   T93-015: Table 1, 8.5 Mbit/s user to user through the library's
#            mechanisms with maximum-size Ethernet packets (ASSUMPTION:
#            the receiving processor is the limit).
# The crossings in them: a trap 12.36 us, a context switch 25.6 us and a
# stack handoff 9.92 us ([DR]'s counts, an instruction a cycle, half the
# loads missing for 15 cycles), the wire (84 byte times at 10 Mbit/s)
# and 1 us of propagation, software demultiplexing 52 us (T93-058), the
# library's notification 12.36 and thread run 6.18 us (platform/orgs/).
# Result: scale = %.9f us per weight unit (%.1f cycles: far more than
# the weights as instruction counts would take; the real paths are
# longer), programmed I/O in = %.3f ns a byte.
# The byte costs (copy, checksum) are derived from [CB] and not scaled.

name = "bsd43-ds5000";
description = "4.3BSD TCP/IP (Ultrix 4.2A, Mach UX, the user-level library) on a DECstation 5000/200: byte costs from its memory system, per-packet weights scaled on two cells of the paper (T93-038, T93-015: INPUTS)";
cpu = "MIPS R3000 (DECstation 5000/200)";
clock_mhz = 25.0;
costs = (
""" % (k, k * 1000 / CYC, solve()[1])
    return head + ",\n".join(rows) + "\n);\n"


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "check"
    k, p, _, _ = solve()
    path = os.path.join(ROOT, "proto", "profiles", "bsd43-ds5000.cfg")
    if mode == "generate":
        with open(path, "w") as f:
            f.write(profile(k))
        print("scale %.9f us per weight unit; pmadd-aa pio_rx_ns_per_byte = %r" % (k, round(p, 3)))
        return 0
    n, bad = 0, 0
    with open(path) as f:
        shipped = f.read()
    n += 1
    same = shipped == profile(k)
    bad += not same
    print("%s %d - proto/profiles/bsd43-ds5000.cfg is what the anchors T93-038 and T93-015 give (scale %.6f us)" % ("ok" if same else "not ok", n, k))
    with open(os.path.join(ROOT, "platform", "nics", "pmadd-aa.cfg")) as f:
        m = re.search(r'param = "pio_rx_ns_per_byte"; value = ([0-9.]+);', f.read())
    n += 1
    ok = m is not None and abs(float(m.group(1)) - round(p, 3)) < 1e-9
    bad += not ok
    print("%s %d - pmadd-aa's programmed I/O in is the anchors' %.3f ns a byte (file: %s)" % ("ok" if ok else "not ok", n, p, m.group(1) if m else "none"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
