#!/bin/sh
# scanner_input.sh EPMDUMP TEST_SERVER nmap|masscan: the real scanners' output, made now, as epmdump's targets.
#   nmap:    nmap scans 127.0.83.1-3 (an endpoint mapper on .1:135, a non-SMB server on .2:445,
#            nothing on .3); --from-nmap (-oX), -iL (-oG, detected) and -oG on a pipe each give
#            .1 on ncacn_ip_tcp and .2 on ncacn_np at 445, and never .3; in CSV, -iL and
#            --from-nmap both add the transport column; probe -iL probes .1:135 and .2:445.
#   masscan: masscan needs raw frames it can see answered, which loopback does not give it
#            ("failed to detect MAC address of interface lo", then no answer): two network
#            namespaces joined by a veth pair, 198.18.83.1 (scanner) and .2 (an endpoint mapper
#            on 135), both ours and reachable from nowhere else. masscan -oJ and -oL run side by
#            side from the first, and epmdump, in the first too, scans what they found.
# Needs root (the servers on port 135 and 445, the namespaces). Exits 77 (skipped) when it cannot
# run, except under CI, where that is a failure.
set -eu
epmdump=$1 server=$2 part=$3
fail() { echo "FAIL: $*" >&2; exit 1; }
cannot() {
    if [ -n "${CI:-}" ]; then fail "cannot run under CI: $*"; fi
    echo "EPMDUMP_SKIP: $*"; exit 77
}
[ "$(id -u)" = 0 ] || cannot "needs root"
command -v "$part" >/dev/null || cannot "$part is not installed (scripts/install-deps.sh --test)"
dir=$(mktemp -d)
pids=""
netns=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    for p in $pids; do wait "$p" 2>/dev/null || true; done
    for n in $netns; do ip netns del "$n" 2>/dev/null || true; done
    rm -rf "$dir"
}
trap cleanup EXIT

# Starts a test server in the background (through "$@" before it: ip netns exec NS) and waits for its PORT= line.
serve() {
    out=$dir/server.$#.$(date +%s%N)
    "$@" >"$out" 2>&1 &
    pids="$pids $!"
    i=0
    until grep -q '^PORT=' "$out"; do
        i=$((i + 1)); [ $i -lt 100 ] || fail "test server did not start: $(cat "$out")"
        sleep 0.05
    done
}

# The JSON lines' "target" and "port", sorted: "127.0.83.1:135 ok" ...
targets() { sed -n 's/.*"target":"\([^"]*\)","address":"[^"]*","port":\([0-9]*\),.*"status":"\([a-z]*\)".*/\1:\2 \3/p' "$1" | sort; }

case $part in
nmap)
    serve "$server" 12 127.0.83.1 1 135
    serve "$server" --http --address 127.0.83.2 --port 445
    nmap -n -Pn -p135,139,445,593 -oX "$dir/scan.xml" -oG "$dir/scan.gnmap" 127.0.83.1-3 >/dev/null
    expected="127.0.83.1:135 ok
127.0.83.2:445 error"
    for how in "--from-nmap $dir/scan.xml" "-iL $dir/scan.gnmap" "--from-nmap $dir/scan.gnmap"; do
        set +e
        # shellcheck disable=SC2086
        "$epmdump" -f json -q --timeout 3 $how >"$dir/out.jsonl" 2>"$dir/err"
        status=$?
        set -e
        [ $status = 1 ] || fail "$how: exit $status, 1 expected (.2 is no SMB server): $(cat "$dir/err")"
        got=$(targets "$dir/out.jsonl")
        [ "$got" = "$expected" ] || fail "$how: targets '$got', expected '$expected'"
        grep -q '"target":"127.0.83.1".*"entries":\[{' "$dir/out.jsonl" || fail "$how: 127.0.83.1 listed no entry"
        grep -q '"target":"127.0.83.2","address":"127.0.83.2","port":445,"transport":"ncacn_np"' "$dir/out.jsonl" ||
            fail "$how: 127.0.83.2 was not tried over SMB"
    done
    # As nmap writes it, on a pipe.
    set +e
    nmap -n -Pn -p135,445 -oG - 127.0.83.1-3 | "$epmdump" -f json -q --timeout 3 -iL - >"$dir/pipe.jsonl" 2>"$dir/err"
    set -e
    got=$(targets "$dir/pipe.jsonl")
    [ "$got" = "$expected" ] || fail "nmap -oG - | epmdump -iL -: targets '$got', expected '$expected'"
    # SMB only: the transport chooses the port, and .1 has only 135 open.
    set +e
    "$epmdump" -f json -q --timeout 3 --transport ncacn_np --from-nmap "$dir/scan.xml" >"$dir/smb.jsonl" 2>"$dir/err"
    set -e
    got=$(targets "$dir/smb.jsonl")
    [ "$got" = "127.0.83.2:445 error" ] || fail "--transport ncacn_np: targets '$got', expected only .2 (.1 has no 445 open)"
    # CSV: nmap's output found by -iL gets the transport column --from-nmap gives it (445 is SMB).
    for how in "--from-nmap $dir/scan.gnmap" "-iL $dir/scan.gnmap"; do
        # shellcheck disable=SC2086
        "$epmdump" -f csv -q --timeout 3 $how >"$dir/out.csv" 2>"$dir/err" || true
        head -n 1 "$dir/out.csv" | grep -q ',ping,transport' || fail "$how -f csv: no transport column: $(head -n 1 "$dir/out.csv")"
        grep -q '^127\.0\.83\.2,127\.0\.83\.2,445,.*,ncacn_np' "$dir/out.csv" || fail "$how -f csv: no ncacn_np row for 127.0.83.2: $(cat "$dir/out.csv")"
    done
    # probe -iL reads a scanner's output as scan -iL does: each host at the port nmap saw open.
    "$epmdump" probe -q --timeout 3 -iL "$dir/scan.gnmap" >"$dir/probe.txt" 2>"$dir/err" || true
    got=$(sed -n 's/^# target: \([^ ]*\) | address: [^ ]* | port: \([0-9]*\) | state: \([a-z_]*\).*/\1:\2 \3/p' "$dir/probe.txt" | sort)
    [ "$got" = "127.0.83.1:135 rpc
127.0.83.2:445 not_rpc" ] || fail "probe -iL: ports '$got' (stderr: $(cat "$dir/err"))"
    echo "nmap: -oX, -oG (file and pipe) give the hosts nmap saw open, at the port it saw; -iL in CSV and probe too"
    ;;
masscan)
    command -v ip >/dev/null || cannot "ip (iproute2) is not installed"
    a=epmscan_a_$$ b=epmscan_b_$$
    ip netns add "$a" || cannot "cannot create a network namespace"
    netns="$a"
    ip netns add "$b"
    netns="$a $b"
    ip link add "sa$$" type veth peer name "sb$$"
    ip link set "sa$$" netns "$a"
    ip link set "sb$$" netns "$b"
    ip -n "$a" addr add 198.18.83.1/24 dev "sa$$"
    ip -n "$b" addr add 198.18.83.2/24 dev "sb$$"
    for n in $a $b; do ip -n "$n" link set lo up; done
    ip -n "$a" link set "sa$$" up
    ip -n "$b" link set "sb$$" up
    mac=$(ip -n "$b" -br link show "sb$$" | awk '{print $3}' | tr : -)
    # The test server listens on loopback only: in the second namespace a relay takes 198.18.83.2:135 to it.
    serve ip netns exec "$b" "$server" 12 127.0.0.1 1 135
    serve ip netns exec "$b" python3 -c '
import socket, threading
def pipe(a, b):
    try:
        while (data := a.recv(65536)):
            b.sendall(data)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
listener = socket.create_server(("198.18.83.2", 135))
print("PORT=135", flush=True)
while True:
    client, _ = listener.accept()
    upstream = socket.create_connection(("127.0.0.1", 135))
    for a, b in ((client, upstream), (upstream, client)):
        threading.Thread(target=pipe, args=(a, b), daemon=True).start()
'
    # Without --router-mac masscan would ARP for a gateway there is none of.
    for f in J L; do
        port=$([ $f = J ] && echo 61000 || echo 61100)
        timeout 30 ip netns exec "$a" masscan -p135,445,593 198.18.83.2 --rate 1000 --wait 1 --adapter "sa$$" \
            --adapter-port $port --router-mac "$mac" -o$f "$dir/scan.$f" >"$dir/masscan.$f.log" 2>&1 &
        eval "masscan_$f=\$!"
    done
    # shellcheck disable=SC2154
    wait "$masscan_J" || fail "masscan -oJ: $(cat "$dir/masscan.J.log")"
    # shellcheck disable=SC2154
    wait "$masscan_L" || fail "masscan -oL: $(cat "$dir/masscan.L.log")"
    for f in J L; do
        ip netns exec "$a" "$epmdump" -f json -q --timeout 3 --from-masscan "$dir/scan.$f" >"$dir/out.jsonl" 2>"$dir/err" ||
            fail "masscan -o$f: epmdump exited $?: $(cat "$dir/err"); the file: $(cat "$dir/scan.$f")"
        got=$(targets "$dir/out.jsonl")
        [ "$got" = "198.18.83.2:135 ok" ] || fail "masscan -o$f: targets '$got'; the file: $(cat "$dir/scan.$f")"
    done
    echo "masscan: -oJ and -oL give the host masscan saw open, at the port it saw"
    ;;
*) fail "usage: scanner_input.sh EPMDUMP TEST_SERVER nmap|masscan" ;;
esac
