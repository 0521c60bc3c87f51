#!/usr/bin/python3
"""Writes the endpoint-mapper-over-SMB captures in pcaps/ (samba-ad-dc-smb*.pcap).

Each capture is one TCP 445 (or 139) connection from the host to the shared Samba AD DC
(10.200.0.2, ../shared/peers/samba-epm, signing required): negotiate, session setup (NTLM in
SPNEGO), tree connect IPC$, CREATE of the named pipe epmapper, then DCE/RPC on the pipe
(bind, ept_lookup paged until the list ends) by IOCTL FSCTL_PIPE_TRANSCEIVE, WRITE and READ.
tshark records inside the DC's namespace (ip netns exec sambaepm, its end of the veth); the
conversation is cut out by the client port the client process held (polled with ss while it
ran), so other people's traffic to the shared peer stays out.

Clients:
  rpcclient      Samba 4.17's rpcclient -c epmlookup (Debian smbclient), which pages with
                 max_ents 1: one ept_lookup per entry; binding ncacn_np without options
                 (DCE/RPC without auth on the signed SMB session) or [connect] (NTLM at
                 DCE/RPC auth level connect: a verifier, stubs in the clear);
  rpcdump-445    impacket 0.10's rpcdump.py -port 445: impacket seals every SMB 3.x message
                 when the server offers encryption (AES-128-CCM TRANSFORM_HEADERs), so replay
                 can only report it encrypted (and rpcdump itself stops at Samba's
                 ept_s_not_registered on the one page that holds every entry: "No endpoints");
  impacket-139   impacket's library on port 139 (NetBIOS session request first), SMB 2.1 so
                 that nothing is sealed, DCE/RPC without auth (Samba's AD DC faults impacket's
                 level connect), paging with max_ents 10 until ept_s_not_registered (run by this script itself: --client);
  epmdump        this project's own client (EPMDUMP_EXE, default build/apps/epmdump) with
                 --transport smb -U DOMAIN\\user --auth-type ntlm: SMB 3.1.1 signed (NTLM session),
                 anonymous bind inside it, ept_lookup until the end of the list.

Run as root with /usr/bin/python3, the peers running and `eval "$(cat /tmp/peers.env)"` done
(EPMDUMP_AUTH_DOMAIN/USER/PASSWORD):
  /usr/bin/python3 pcaps/generate/smb_captures.py [--out DIR] [NAME ...]
then the oracles: ../shared/pcaps/pcap_oracle.py --write pcaps/samba-ad-dc-smb*.pcap
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time

SERVER = "10.200.0.2"
NAMESPACE = "sambaepm"
INTERFACE = "sambaepm-n"  # the DC's end of the veth, inside its namespace
RPCDUMP = "/usr/share/doc/python3-impacket/examples/rpcdump.py"
# The epmdump executable to capture (EPMDUMP_EXE, else the checkout's build/apps/epmdump).
EPMDUMP = os.environ.get("EPMDUMP_EXE", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                     "..", "..", "build", "apps", "epmdump"))


def credentials():
    try:
        return (os.environ["EPMDUMP_AUTH_DOMAIN"], os.environ["EPMDUMP_AUTH_USER"],
                os.environ["EPMDUMP_AUTH_PASSWORD"])
    except KeyError:
        sys.exit('the auth variables are missing: eval "$(cat /tmp/peers.env)" first')


def client_command(name):
    """NAME -> (file name, server port, argv)."""
    domain, user, password = credentials()
    rpcclient = ["rpcclient", "-U", "%s/%s%%%s" % (domain, user, password)]
    rpcdump = ["/usr/bin/python3", RPCDUMP, "%s/%s:%s@%s" % (domain, user, password, SERVER)]
    table = {
        "rpcclient": ("samba-ad-dc-smb2-rpcclient-epmlookup.pcap", 445,
                      rpcclient + [SERVER, "-c", "epmlookup"]),
        "rpcclient-connect": ("samba-ad-dc-smb2-rpcclient-epmlookup-connect.pcap", 445,
                              rpcclient + ["ncacn_np:%s[connect]" % SERVER, "-c", "epmlookup"]),
        "rpcdump-445": ("samba-ad-dc-smb3-rpcdump-port445-encrypted.pcap", 445, rpcdump + ["-port", "445"]),
        "impacket-139": ("samba-ad-dc-smb21-impacket-port139-netbios.pcap", 139,
                         ["/usr/bin/python3", os.path.abspath(__file__), "--client"]),
        # Our own client; the password reaches it as the README tells admins (EPMDUMP_PASSWORD).
        "epmdump": ("samba-ad-dc-smb3-epmdump-ntlm.pcap", 445,
                    [EPMDUMP, "-f", "json", "--transport", "smb", "-U", "%s\\%s" % (domain, user),
                     "--auth-type", "ntlm", SERVER]),
    }
    if name not in table:
        sys.exit("unknown capture name %r (known: %s)" % (name, ", ".join(table)))
    return table[name]


def sockets_of(pid, port):
    """Local ports of pid's TCP sockets to SERVER:port, from /proc (fast enough for a client that
    is done in 50 ms, which polling ss misses)."""
    inodes = set()
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        return set()  # the process ended meanwhile
    remote = "%s:%04X" % ("".join("%02X" % int(b) for b in reversed(SERVER.split("."))), port)
    found = set()
    with open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            if fields[2] == remote and fields[9] in inodes:
                found.add(int(fields[1].rsplit(":", 1)[1], 16))
    return found


def run_client(argv, port):
    """Runs the client to its end; returns (its client ports to SERVER:port, its output)."""
    env = dict(os.environ, EPMDUMP_PASSWORD=credentials()[2])
    client = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    ports = set()
    while client.poll() is None:
        ports |= sockets_of(client.pid, port)
        time.sleep(0.001)
    output = client.stdout.read().decode(errors="replace")
    if client.returncode != 0:
        sys.exit("%s failed (%d):\n%s" % (argv[0], client.returncode, output))
    if not ports:
        sys.exit("never saw the client's connection; run it again")
    return ports, output


def capture(name, out_dir):
    file_name, port, argv = client_command(name)
    final = os.path.join(out_dir, file_name)
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "raw.pcap")
        tshark = subprocess.Popen(["ip", "netns", "exec", NAMESPACE, "tshark", "-q", "-i", INTERFACE,
                                   "-f", "tcp port %d" % port, "-F", "pcap", "-w", raw],
                                  stderr=subprocess.PIPE, text=True)
        try:
            while True:
                line = tshark.stderr.readline()
                if not line:
                    sys.exit("tshark ended before capturing: is the peer running?")
                if "Capturing on" in line:
                    break
            time.sleep(1.0)  # tshark says so a moment before its filter sees packets
            ports, output = run_client(argv, port)
            time.sleep(0.5)  # the FIN/ACK exchange
        finally:
            tshark.send_signal(signal.SIGINT)
            tshark.wait(timeout=10)
        keep = " || ".join("tcp.port == %d" % p for p in sorted(ports))
        subprocess.run(["tshark", "-r", raw, "-Y", keep, "-F", "pcap", "-w", final], check=True)
    syn = subprocess.run(["tshark", "-r", final, "-Y", "tcp.flags.syn == 1 && tcp.flags.ack == 0"],
                         capture_output=True, text=True).stdout
    if not syn.strip():
        sys.exit("%s: the capture missed the connection's start; run it again" % final)
    lines = output.strip().splitlines()
    if name == "epmdump":
        # What our client said live, beside the capture: replay must read the same table from it.
        with open(final[:-len(".pcap")] + ".live.json", "w") as f:
            f.write(output)
    print("%s: client ports %s, %d lines of output, last: %.200s" %
          (final, sorted(ports), len(lines), lines[-1] if lines else ""))


def impacket_client():
    """ept_lookup of every element over \\pipe\\epmapper on port 139, SMB 2.1, no DCE/RPC auth."""
    from impacket.dcerpc.v5 import epm, transport
    from impacket.smb3structs import SMB2_DIALECT_21
    from epm_paging import lookup_all
    domain, user, password = credentials()
    rpc = transport.DCERPCTransportFactory(r"ncacn_np:%s[\pipe\epmapper]" % SERVER)
    rpc.set_dport(139)
    rpc.set_credentials(user, password, domain)
    rpc.preferred_dialect(SMB2_DIALECT_21)
    dce = rpc.get_dce_rpc()
    dce.connect()
    dce.bind(epm.MSRPC_UUID_PORTMAP)
    for count, status in lookup_all(dce, 10):
        print("page: %d entries, status 0x%08x" % (count, status))
    dce.disconnect()


def main():
    if sys.argv[1:] == ["--client"]:
        return impacket_client()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    parser.add_argument("names", nargs="*",
                        default=["rpcclient", "rpcclient-connect", "rpcdump-445", "impacket-139", "epmdump"])
    args = parser.parse_args()
    for name in args.names:
        client_command(name)
    for name in args.names:
        capture(name, args.out)


if __name__ == "__main__":
    main()
