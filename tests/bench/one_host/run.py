#!/usr/bin/python3
"""One-host benchmark: whole-process `epmdump HOST` against impacket's rpcdump on the same real
Samba endpoint mapper, alternating runs, and the round trips each puts on the wire.

  tests/bench/one_host/run.py BUILD_DIR [--runs N] [ADDRESS ...]     (from the checkout's root)

ADDRESS defaults to the two Samba endpoint mappers of ../shared/peers/samba-epm (10.200.0.2, the
AD DC; 10.200.1.2, samba-dcerpcd), which must be running (start.sh). Nothing else is touched.

Runs: epmdump, rpcdump, epmdump, rpcdump, ... so that load changes on the shared machine hit
both alike. Each process is timed from spawn to exit (wall), with its CPU (user + sys) from
wait4(); peak RSS comes from three more runs of each under /usr/bin/time. Both must list the
same number of endpoints on every run.

Round trips: one run of each under a tshark capture on the host end of the namespace's veth,
counted from the capture: TCP connections (SYN), then client PDUs by type (bind, alter_context,
request by opnum). Bounded: every process has a 30 s timeout.
"""
import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

SHARED = os.path.normpath(os.path.join(os.path.dirname(__file__), "../../../../shared"))
RPCDUMP = ["/usr/bin/python3", os.path.join(SHARED, "peers/samba-epm/rpcdump-compat.py")]
TIMEOUT = 30


def peak_rss_kib(argv):
    """Peak RSS of argv, from /usr/bin/time: wait4() from this Python process would report the
    forked interpreter's own RSS at exec time (about 12 MiB) whenever the tool's is smaller."""
    with tempfile.NamedTemporaryFile(mode="r") as f:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", f.name] + argv, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=TIMEOUT)
        return int(f.read().split()[-1])


def run_once(argv):
    """(wall s, cpu s, stdout) of one process, from spawn to exit."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL)
        deadline = start + TIMEOUT
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                p.kill()
                pid, status, ru = os.wait4(p.pid, 0)
                raise RuntimeError("timed out: " + " ".join(argv))
            time.sleep(0.0005)
        wall = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return wall, ru.ru_utime + ru.ru_stime, text


UUID_IN_BRACKETS = re.compile(r"\[[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\]")


def count_epmdump(text):
    """Entries in epmdump's default (Windows rpcdump-style) output: one line each."""
    return sum(1 for line in text.splitlines() if UUID_IN_BRACKETS.search(line))


def count_rpcdump(text):
    m = re.search(r"Received (\d+) endpoints", text)
    return int(m.group(1)) if m else -1


def interface_for(address):
    out = subprocess.run(["ip", "route", "get", address], capture_output=True, text=True, check=True).stdout
    return re.search(r"\bdev (\S+)", out).group(1)


def wire_calls(address, argv):
    """Counts of what one run of argv puts on the wire to address:135."""
    iface = interface_for(address)
    with tempfile.TemporaryDirectory() as d:
        pcap = os.path.join(d, "x.pcap")
        ts = subprocess.Popen(["tshark", "-q", "-i", iface, "-f", f"tcp port 135 and host {address}", "-w", pcap],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            # tshark says "Capturing on ..." once the filter is set.
            deadline = time.time() + TIMEOUT
            line = ""
            while "Capturing on" not in line and time.time() < deadline:
                line = ts.stderr.readline()
                if not line and ts.poll() is not None:
                    raise RuntimeError("tshark could not capture on " + iface)
            time.sleep(1)  # the message can come before packets are really seen
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=TIMEOUT)
            time.sleep(0.5)
        finally:
            ts.send_signal(signal.SIGINT)
            ts.wait(timeout=TIMEOUT)
        fields = subprocess.run(
            ["tshark", "-r", pcap, "-T", "fields", "-E", "separator=/t", "-e", "ip.src", "-e", "tcp.flags.syn",
             "-e", "tcp.flags.ack", "-e", "dcerpc.pkt_type", "-e", "dcerpc.opnum"],
            capture_output=True, text=True, timeout=TIMEOUT).stdout
    counts = {"connect": 0, "bind": 0, "alter_context": 0, "ept_lookup": 0, "other request": 0, "server PDUs": 0}
    for row in fields.splitlines():
        src, syn, ack, ptype, opnum = (row.split("\t") + [""] * 5)[:5]
        if syn in ("1", "True") and ack in ("0", "False"):
            counts["connect"] += 1
        if src == address:
            counts["server PDUs"] += len(ptype.split(",")) if ptype else 0
            continue
        # Client direction: only requests carry an opnum, so the two lists stay in step.
        for t in ptype.split(",") if ptype else []:
            counts["bind"] += t == "11"
            counts["alter_context"] += t == "14"
        for o in opnum.split(",") if opnum else []:
            counts["ept_lookup" if o == "2" else "other request"] += 1
    counts["round trips"] = counts["connect"] + counts["bind"] + counts["alter_context"] + counts["ept_lookup"] + counts["other request"]
    return counts


def measure(tools, runs, counters):
    """Alternating runs of each tool; every run must list the same positive number of endpoints.
    Returns (endpoints, {name: [(wall s, cpu s)]})."""
    samples = {k: [] for k in tools}
    expected = None
    for i in range(runs):
        for name, argv in tools.items():
            wall, cpu, text = run_once(argv)
            n = counters[name](text)
            if expected is None:
                expected = n
            if n != expected or n <= 0:
                sys.exit(f"{name} listed {n} endpoints on run {i + 1}, expected {expected}")
            samples[name].append((wall, cpu))
    return expected, samples


def report(tools, samples):
    """The table of medians, extremes and peak RSS, and the rpcdump/epmdump ratios."""
    print(f"{'command':<10} {'median wall ms':>14} {'min ms':>8} {'max ms':>8} {'median CPU ms':>13} {'peak RSS MiB':>12}")
    med = {}
    for name, s in samples.items():
        walls = [x[0] * 1e3 for x in s]
        cpus = [x[1] * 1e3 for x in s]
        med[name] = (statistics.median(walls), statistics.median(cpus))
        rss = max(peak_rss_kib(tools[name]) for _ in range(3))
        print(f"{name:<10} {med[name][0]:>14.2f} {min(walls):>8.2f} {max(walls):>8.2f} {med[name][1]:>13.2f}"
              f" {rss / 1024:>12.1f}")
    print(f"ratio rpcdump/epmdump: {med['rpcdump'][0] / med['epmdump'][0]:.1f}x wall, "
          f"{med['rpcdump'][1] / med['epmdump'][1]:.1f}x CPU (medians)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build")
    ap.add_argument("addresses", nargs="*", default=["10.200.0.2", "10.200.1.2"])
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--no-wire", action="store_true", help="skip the tshark round-trip count")
    a = ap.parse_args()
    epmdump = os.path.join(a.build, "apps", "epmdump")
    for address in a.addresses:
        tools = {"epmdump": [epmdump, address], "rpcdump": RPCDUMP + [address]}
        expected, samples = measure(tools, a.runs, {"epmdump": count_epmdump, "rpcdump": count_rpcdump})
        print(f"== {address}: {expected} endpoints, {a.runs} alternating runs each")
        report(tools, samples)
        if not a.no_wire:
            for name, argv in tools.items():
                c = wire_calls(address, argv)
                print(f"wire, {name}: " + ", ".join(f"{k} {v}" for k, v in c.items()))
        print()


if __name__ == "__main__":
    main()
