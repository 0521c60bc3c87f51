#!/usr/bin/python3
"""SMB benchmark: whole-process `epmdump --transport smb -U ...` against impacket's
`rpcdump.py -port 445` with the same credentials on the same Samba AD DC, alternating runs, and
the SMB2 requests each puts on the wire.

  tests/bench/smb/run.py BUILD_DIR [--runs N] [--no-wire] [ADDRESS]     (from the checkout's root)

ADDRESS defaults to the AD DC of ../shared/peers/samba-epm (10.200.0.2; SMB signing required).
Credentials come from the peers' environment (EPMDUMP_AUTH_USER / _PASSWORD / _DOMAIN, as
`eval "$(cat /tmp/peers.env)"` or scripts/start-peers.sh exports them); both tools authenticate
the SMB session with NTLM and bind anonymously inside it. Timing, RSS and the equal-count check
are tests/bench/one_host/run.py's; the wire count is per SMB2 command (tshark on the veth).
"""
import argparse
import importlib.util
import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("one_host", os.path.join(HERE, "../one_host/run.py"))
one_host = importlib.util.module_from_spec(spec)
spec.loader.exec_module(one_host)

SMB2_COMMANDS = {"0": "negotiate", "1": "session_setup", "2": "logoff", "3": "tree_connect", "4": "tree_disconnect",
                 "5": "create", "6": "close", "8": "read", "9": "write", "11": "ioctl"}


def smb_wire(address, port, argv):
    """Client SMB2 requests of one run of argv to address:port, by command, and TCP connections."""
    iface = one_host.interface_for(address)
    with tempfile.TemporaryDirectory() as d:
        pcap = os.path.join(d, "x.pcap")
        ts = subprocess.Popen(["tshark", "-q", "-i", iface, "-f", f"tcp port {port} and host {address}", "-w", pcap],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.time() + one_host.TIMEOUT
            line = ""
            while "Capturing on" not in line and time.time() < deadline:
                line = ts.stderr.readline()
                if not line and ts.poll() is not None:
                    raise RuntimeError("tshark could not capture on " + iface)
            time.sleep(1)
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=one_host.TIMEOUT)
            time.sleep(0.5)
        finally:
            ts.send_signal(signal.SIGINT)
            ts.wait(timeout=one_host.TIMEOUT)
        rows = subprocess.run(["tshark", "-r", pcap, "-T", "fields", "-E", "separator=/t", "-e", "ip.src",
                               "-e", "tcp.flags.syn", "-e", "tcp.flags.ack", "-e", "smb2.cmd", "-e", "smb2.flags.response"],
                              capture_output=True, text=True, timeout=one_host.TIMEOUT).stdout
    counts = {"connect": 0}
    for row in rows.splitlines():
        src, syn, ack, cmds, responses = (row.split("\t") + [""] * 5)[:5]
        if syn in ("1", "True") and ack in ("0", "False"):
            counts["connect"] += 1
        if src == address or not cmds:
            continue
        for c in cmds.split(","):
            name = SMB2_COMMANDS.get(c, "cmd " + c)
            counts[name] = counts.get(name, 0) + 1
    counts["round trips"] = sum(v for k, v in counts.items())
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build")
    ap.add_argument("address", nargs="?", default="10.200.0.2")
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--no-wire", action="store_true", help="skip the tshark request count")
    a = ap.parse_args()
    user, password, domain = (os.environ.get(k) for k in ("EPMDUMP_AUTH_USER", "EPMDUMP_AUTH_PASSWORD", "EPMDUMP_AUTH_DOMAIN"))
    if not (user and password and domain):
        sys.exit("EPMDUMP_AUTH_USER / _PASSWORD / _DOMAIN are not set (eval \"$(cat /tmp/peers.env)\")")
    os.environ["EPMDUMP_PASSWORD"] = password
    epmdump = os.path.join(a.build, "apps", "epmdump")
    tools = {"epmdump": [epmdump, "--transport", "smb", "-U", f"{domain}\\{user}", "--auth-type", "ntlm", a.address],
             "rpcdump": one_host.RPCDUMP + ["-port", "445", f"{domain}/{user}:{password}@{a.address}"]}
    expected, samples = one_host.measure(tools, a.runs, {"epmdump": one_host.count_epmdump,
                                                          "rpcdump": one_host.count_rpcdump})
    print(f"== {a.address} over SMB 445 (NTLM session, anonymous bind): {expected} endpoints, {a.runs} alternating runs each")
    one_host.report(tools, samples)
    if not a.no_wire:
        for name, argv in tools.items():
            c = smb_wire(a.address, 445, argv)
            print(f"wire, {name}: " + ", ".join(f"{k} {v}" for k, v in c.items()))


if __name__ == "__main__":
    main()
