#!/usr/bin/python3
"""Probe benchmark: whole-process `epmdump probe --registered HOST` against impacket's rpcmap.py
on the same real Samba ports, alternating runs, and the TCP connections each opens.

  tests/bench/probe/run.py BUILD_DIR [--runs N] [--brute] [ADDRESS ...]   (from the checkout's root)

ADDRESS defaults to the two Samba servers of ../shared/peers/samba-epm (10.200.0.2, the AD DC;
10.200.1.2, samba-dcerpcd), which must be running. Nothing else is touched.

rpcmap.py asks one string binding per process and never reads the endpoint mapper, so its side
of a run is one process per port epmdump probed (135 and every registered ncacn_ip_tcp port),
one after the other; their wall and CPU times are summed. epmdump's side is one process that
also enumerates the mapper first (work rpcmap does not do). Both must find the same interface
set on every port (the management interface, which rpcmap adds to every port, left out).

Runs alternate (epmdump, the rpcmap set, epmdump, ...) so load on the shared machine hits both
alike. Wall is spawn to exit; CPU is user + sys from wait4().

Connections: counted from a capture on the host end of the namespace's veth (tshark, as
one_host/run.py does): SYNs from us to ADDRESS, one per (source port, port) pair, one run of each, so counting costs no time in
the timed runs. --brute adds one run of `rpcmap.py -brute-uuids` per port (its fallback when mgmt
is refused: one connection per UUID of impacket's table, each left open until it exits) on the
port with the most interfaces only, for its connections, time and what it finds.
"""
import argparse
import importlib.util
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("one_host", os.path.join(HERE, "..", "one_host", "run.py"))
one_host = importlib.util.module_from_spec(spec)
spec.loader.exec_module(one_host)  # run_once, peak_rss_kib, interface_for

RPCMAP = ["/usr/bin/python3", "/usr/share/doc/python3-impacket/examples/rpcmap.py"]
MGMT = "afa8bd80-7d8a-11c9-bef4-08002b102989"
TIMEOUT = 120


def epmdump_sets(text):
    """{port: set of 'uuid vM.m'} from epmdump probe's JSON Lines, mgmt left out."""
    out = {}
    for line in text.splitlines():
        p = json.loads(line)
        out[p["port"]] = {f"{i['uuid']} v{i['version']}" for i in p["interfaces"] if i["uuid"] != MGMT}
    return out


def rpcmap_set(text):
    return {f"{m.group(1).lower()} v{m.group(2)}" for m in re.finditer(r"UUID: ([0-9A-Fa-f-]{36}) v(\d+\.\d+)", text)
            if m.group(1).lower() != MGMT}


def syns(address, argvs):
    """Connections opened to address (SYNs, by port pair) while argvs run one after the other."""
    iface = one_host.interface_for(address)
    with tempfile.TemporaryDirectory() as d:
        pcap = os.path.join(d, "x.pcap")
        ts = subprocess.Popen(["tshark", "-q", "-i", iface, "-f",
                               f"dst host {address} and tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn", "-w", pcap],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            line, deadline = "", time.time() + 30
            while "Capturing on" not in line and time.time() < deadline:
                line = ts.stderr.readline()
                if not line and ts.poll() is not None:
                    raise RuntimeError("tshark could not capture on " + iface)
            time.sleep(1)  # the message can come before packets are really seen
            for argv in argvs:
                subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=TIMEOUT)
            time.sleep(0.5)
        finally:
            ts.send_signal(signal.SIGINT)
            ts.wait(timeout=30)
        rows = subprocess.run(["tshark", "-r", pcap, "-T", "fields", "-e", "tcp.srcport", "-e", "tcp.dstport"],
                              capture_output=True, text=True, timeout=TIMEOUT).stdout.splitlines()
    # Distinct (our port, their port) pairs: a retransmitted SYN is not another connection.
    return len(set(rows))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build")
    ap.add_argument("addresses", nargs="*", default=["10.200.0.2", "10.200.1.2"])
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--brute", action="store_true", help="also count rpcmap.py -brute-uuids")
    ap.add_argument("--no-wire", action="store_true", help="skip the tshark connection count")
    a = ap.parse_args()
    epmdump = [os.path.join(a.build, "apps", "epmdump"), "probe", "--registered", "-f", "json", "-q"]
    for address in a.addresses:
        _, _, text = one_host.run_once(epmdump + [address])
        reference = epmdump_sets(text)
        ports = sorted(reference)
        rpcmaps = [RPCMAP + [f"ncacn_ip_tcp:{address}[{p}]"] for p in ports]
        samples = {"epmdump": [], "rpcmap": []}
        for i in range(a.runs):
            wall, cpu, text = one_host.run_once(epmdump + [address])
            if epmdump_sets(text) != reference:
                sys.exit(f"epmdump found other interfaces on run {i + 1}")
            samples["epmdump"].append((wall, cpu))
            total_wall = total_cpu = 0.0
            for port, argv in zip(ports, rpcmaps):
                wall, cpu, text = one_host.run_once(argv)
                if rpcmap_set(text) != reference[port]:
                    sys.exit(f"port {port}: rpcmap found {sorted(rpcmap_set(text))}, epmdump {sorted(reference[port])}")
                total_wall += wall
                total_cpu += cpu
            samples["rpcmap"].append((total_wall, total_cpu))
        counts = ", ".join(f"{p}: {len(reference[p])}" for p in ports)
        print(f"== {address}: {len(ports)} ports ({counts} interfaces besides mgmt), {a.runs} alternating runs each;"
              f" both found the same sets")
        print(f"{'command':<32} {'median wall ms':>14} {'min ms':>8} {'max ms':>8} {'median CPU ms':>13}")
        med = {}
        for name, s in samples.items():
            walls = [x[0] * 1e3 for x in s]
            cpus = [x[1] * 1e3 for x in s]
            med[name] = (statistics.median(walls), statistics.median(cpus))
            label = "epmdump probe --registered" if name == "epmdump" else f"rpcmap.py x {len(ports)} ports"
            print(f"{label:<32} {med[name][0]:>14.2f} {min(walls):>8.2f} {max(walls):>8.2f} {med[name][1]:>13.2f}")
        print(f"ratio rpcmap/epmdump: {med['rpcmap'][0] / med['epmdump'][0]:.1f}x wall, "
              f"{med['rpcmap'][1] / med['epmdump'][1]:.1f}x CPU (medians)")
        if not a.no_wire:
            print(f"connections (SYNs to {address}): epmdump {syns(address, [epmdump + [address]])}"
                  f" (its mapper enumeration included), rpcmap {syns(address, rpcmaps)}")
            if a.brute:
                # One port only, the busiest: it holds a connection per UUID open until it exits.
                port = max(ports, key=lambda p: len(reference[p]))
                argv = RPCMAP + ["-brute-uuids", f"ncacn_ip_tcp:{address}[{port}]"]
                wall, cpu, text = one_host.run_once(argv)
                found = rpcmap_set(text)
                print(f"rpcmap.py -brute-uuids on port {port}: {syns(address, [argv])} connections, {wall * 1e3:.0f} ms wall,"
                      f" {cpu * 1e3:.0f} ms CPU, found {len(found & reference[port])} of epmdump's {len(reference[port])}"
                      f" interfaces (+{len(found - reference[port])} others)")
        print()


if __name__ == "__main__":
    main()
