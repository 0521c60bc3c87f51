#!/usr/bin/python3
"""Writes the authenticated endpoint-mapper captures in pcaps/ (samba-*-auth-*.pcap).

Each capture is one TCP 135 conversation to a shared Samba peer (../shared/peers/samba-epm):
the AD DC (10.200.0.2) or the standalone samba-dcerpcd (10.200.1.2). An authenticated bind,
then ept_lookup of every element paged until the list ends; a refusal by the server (a fault)
is captured as it is. tshark records the host side of the peer's veth; the conversation is
cut out of the recording by its client port, so other people's traffic to the shared peer
stays out.

Clients: NTLM (auth type 10) is impacket's (Debian python3-impacket 0.10.0: bind / bind_ack /
rpc_auth3). Kerberos (auth type 16) is Samba's own client (python3-samba 4.17, the
epmapper binding with the krb5 option: bind / bind_ack / rpc_auth3), because impacket 0.10
could not: its own TGS-REQ is refused by Samba 4.17's KDC (KRB_AP_ERR_INAPP_CKSUM), and with
a service ticket from MIT kinit + kvno its SPNEGO alter_context leg gets nca_proto_error.

Run as root with /usr/bin/python3 (the interpreter that has impacket and samba), peers running:
  /usr/bin/python3 pcaps/generate/auth_captures.py [--out DIR] [NAME ...]
then write the oracles: ../shared/pcaps/pcap_oracle.py --write pcaps/samba-*-auth-*.pcap
NAME is PEER-MECHANISM-LEVEL: PEER ad-dc or standalone, MECHANISM ntlm or kerberos,
LEVEL connect, integrity or privacy (default: every one, Kerberos on the AD DC only).
Kerberos reads a private krb5.conf written in a temporary folder (KRB5_CONFIG, KRB5CCNAME),
never the machine's.
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time

from impacket.dcerpc.v5 import epm, rpcrt, transport

from epm_paging import lookup_all

# The two shared peers: prefix of the capture name -> (address, veth on the host side).
SERVERS = {"ad-dc": ("10.200.0.2", "sambaepm-h"), "standalone": ("10.200.1.2", "sambaepm-sa-h")}
SERVER_NAME = "epmdc.epmtest.lan"  # the AD DC's host name: the Kerberos SPN is host/ this
KDC = "10.200.0.2"
DOMAIN = "EPMTEST"
REALM = "EPMTEST.LAN"
USER = "Administrator"
PASSWORD = "EpmTest-Pa55w0rd!"  # test-only domain, documented in the peer's README
LEVELS = {"connect": rpcrt.RPC_C_AUTHN_LEVEL_CONNECT,
          "integrity": rpcrt.RPC_C_AUTHN_LEVEL_PKT_INTEGRITY,
          "privacy": rpcrt.RPC_C_AUTHN_LEVEL_PKT_PRIVACY}
MECHANISMS = ("ntlm", "kerberos")
# The standalone samba-dcerpcd has no KDC: NTLM only there.
DEFAULT_NAMES = (["ad-dc-%s-%s" % (m, l) for m in MECHANISMS for l in LEVELS] +
                 ["standalone-ntlm-%s" % l for l in LEVELS])


def converse_ntlm(server, level):
    """One impacket conversation; returns (client port, what the server answered)."""
    rpc = transport.DCERPCTransportFactory("ncacn_ip_tcp:%s[135]" % server)
    rpc.set_credentials(USER, PASSWORD, DOMAIN)
    rpc.set_connect_timeout(5)
    dce = rpc.get_dce_rpc()
    dce.set_auth_type(rpcrt.RPC_C_AUTHN_WINNT)
    dce.set_auth_level(LEVELS[level])
    dce.connect()
    port = rpc.get_socket().getsockname()[1]
    try:
        dce.bind(epm.MSRPC_UUID_PORTMAP)
        answer = "ept_lookup pages " + ", ".join("%d entries/0x%08x" % p for p in lookup_all(dce, 500))
    except rpcrt.DCERPCException as e:
        # A refusal is worth a capture too (Samba's AD DC faults impacket's level connect).
        answer = "refused: %s" % e
    dce.disconnect()
    return port, answer


def converse_kerberos(server, level):
    """One conversation of Samba's own client with Kerberos; returns (client port, answer)."""
    from samba import credentials
    from samba.dcerpc import epmapper, misc
    from samba.param import LoadParm
    lp = LoadParm()
    lp.load(os.environ["EPMDUMP_GENERATE_SMB_CONF"])
    creds = credentials.Credentials()
    creds.guess(lp)
    creds.set_username(USER)
    creds.set_domain(DOMAIN)
    creds.set_realm(REALM)
    creds.set_password(PASSWORD)
    creds.set_kerberos_state(credentials.MUST_USE_KERBEROS)
    option = {"connect": "connect", "integrity": "sign", "privacy": "seal"}[level]
    # The address to connect to, the DC's name for the service principal (there is no DNS).
    pipe = epmapper.epmapper("ncacn_ip_tcp:%s[135,%s,krb5,target_hostname=%s]" % (server, option, SERVER_NAME),
                             lp, creds)
    handle = misc.policy_handle()
    pages = []
    while True:
        handle, entries, status = pipe.epm_Lookup(epm.RPC_C_EP_ALL_ELTS, None, None, epm.RPC_C_VERS_ALL, handle, 500)
        pages.append((len(entries or []), status))
        if status != 0 or handle.uuid == "00000000-0000-0000-0000-000000000000":
            break
    # The client port, while the connection is still open: it is ours (our pid holds it).
    ss = subprocess.run(["ss", "-tnpH", "dst", "%s:135" % server], capture_output=True, text=True).stdout
    port = next(int(line.split()[3].rsplit(":", 1)[1]) for line in ss.splitlines() if "pid=%d," % os.getpid() in line)
    del pipe
    return port, "ept_lookup pages " + ", ".join("%d entries/0x%08x" % p for p in pages)


def kerberos_config(folder):
    """A krb5.conf and smb.conf for the client in folder; KRB5_CONFIG/KRB5CCNAME point there."""
    conf = os.path.join(folder, "krb5.conf")
    with open(conf, "w") as f:
        f.write("[libdefaults]\n  default_realm = %s\n  dns_lookup_kdc = false\n  rdns = false\n"
                "[realms]\n  %s = {\n    kdc = %s\n  }\n" % (REALM, REALM, KDC))
    smb = os.path.join(folder, "smb.conf")
    with open(smb, "w") as f:
        f.write("[global]\n  realm = %s\n  workgroup = %s\n" % (REALM, DOMAIN))
    os.environ.update(KRB5_CONFIG=conf, KRB5CCNAME="FILE:" + os.path.join(folder, "ccache"),
                      EPMDUMP_GENERATE_SMB_CONF=smb)


def capture(name, out_dir):
    peer, mechanism, level = split_name(name)
    server, interface = SERVERS[peer]
    final = os.path.join(out_dir, "samba-%s-auth-%s-%s.pcap" % (peer, mechanism, level))
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "raw.pcap")
        tshark = subprocess.Popen(["tshark", "-q", "-i", interface, "-f", "tcp port 135", "-F", "pcap", "-w", raw],
                                  stderr=subprocess.PIPE, text=True)
        try:
            # tshark says "Capturing on" once the filter is installed; packets before that are lost.
            while True:
                line = tshark.stderr.readline()
                if not line:
                    sys.exit("tshark ended before capturing: is %s there (peer running)?" % interface)
                if "Capturing on" in line:
                    break
            # tshark says so a moment before its filter really sees packets (the SYN was lost).
            time.sleep(1.0)
            port, answer = (converse_ntlm if mechanism == "ntlm" else converse_kerberos)(server, level)
            time.sleep(0.5)  # the FIN/ACK exchange after disconnect
        finally:
            tshark.send_signal(signal.SIGINT)
            tshark.wait(timeout=10)
        # Only our conversation: the peer is shared, others may talk to it at the same time.
        subprocess.run(["tshark", "-r", raw, "-Y", "tcp.port == %d" % port, "-F", "pcap", "-w", final], check=True)
    syn = subprocess.run(["tshark", "-r", final, "-Y", "tcp.flags.syn == 1 && tcp.flags.ack == 0"],
                         capture_output=True, text=True).stdout
    if not syn.strip():
        sys.exit("%s: the capture missed the connection's start; run it again" % final)
    print("%s: client port %d, %s" % (final, port, answer))


def split_name(name):
    """'ad-dc-ntlm-privacy' -> ('ad-dc', 'ntlm', 'privacy'); exits on a name it does not know."""
    for peer in SERVERS:
        if name.startswith(peer + "-"):
            mechanism, _, level = name[len(peer) + 1:].partition("-")
            if mechanism in MECHANISMS and level in LEVELS:
                return peer, mechanism, level
    sys.exit("unknown capture name %r" % name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    parser.add_argument("names", nargs="*", default=DEFAULT_NAMES)
    args = parser.parse_args()
    for name in args.names:
        split_name(name)
    with tempfile.TemporaryDirectory() as krb:
        kerberos_config(krb)
        for name in args.names:
            capture(name, args.out)


if __name__ == "__main__":
    main()
