#!/usr/bin/env bash
# epmdump diff on real pairs of scans (issue #17): a samba-dcerpcd of this test's own (the
# standalone peer's implementation, source3's rpcd_*) in a network namespace the test creates,
# scanned; restarted with another `rpc server dynamic port range`, so that its TCP endpoints move
# and its pipes stay; scanned again; stopped; scanned a third time. The diffs must class every
# TCP endpoint as moved and nothing else, then the host as stopped answering, with nmap ndiff's
# exit statuses (0 same, 1 different).
#   bash tests/live/diff/moved-service.sh EPMDUMP
#   bash tests/live/diff/moved-service.sh stop   (root) ends what a killed run left (stop-peers.sh)
# Needs root and samba (scripts/start-peers.sh installs it). Exits 77 (skipped) when it cannot
# run, except under CI, where that is a failure. Touches only its namespace and its /tmp folder.
set -euo pipefail
netns="epmdump-diff"
host_if=epmdiff-h ns_if=epmdiff-n
host_ip=10.200.4.1 address=10.200.4.2
# The daemon's processes as "PID START_TIME" lines and its folder as "dir PATH", at a fixed path:
# a run killed by its timeout (SIGKILL: no trap runs) is ended from it by the next run or stop-peers.sh.
record=/tmp/epmdump-diff-peer.pids

# A process's start time (field 22 of /proc/PID/stat, after the parenthesised name), so a
# recorded pid is ended only while it is still the process that was recorded.
start_time() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20; }
# Ends the recorded processes still alive (TERM, then KILL after 5 s) and removes the record;
# with "all", the recorded folder too (only one of ours).
stop_recorded() {
  [ -f "$record" ] || return 0
  local pids=() pid start path
  while read -r pid start; do
    if [ "$pid" = dir ]; then path=$start; continue; fi
    [ -n "$pid" ] && [ "$(start_time "$pid")" = "$start" ] && pids+=("$pid")
  done <"$record"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=()
    for pid in "${pids[@]}"; do [ -e "/proc/$pid" ] && alive+=("$pid"); done
    [ "${#alive[@]}" = 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do [ -e "/proc/$pid" ] && { kill -KILL "$pid" 2>/dev/null || true; }; done
  if [ "${1:-}" = all ]; then
    case "${path:-}" in /tmp/epmdump-diff-peer.??????) rm -rf "$path" ;; esac
  fi
  rm -f "$record"
}
remove_namespace() {
  ip netns del "$netns" 2>/dev/null || true
  ip link del "$host_if" 2>/dev/null || true
}
if [ "${1:-}" = stop ]; then
  [ "$(id -u)" = 0 ] || exit 0
  stop_recorded all
  remove_namespace
  exit 0
fi

# The private-state lines every test-owned Samba daemon here shares; its RPC sockets are its own.
# shellcheck source=tests/live/smb/smbd-common.sh
. "$(dirname "$0")/../smb/smbd-common.sh"
epmdump=$1
[ -x "$epmdump" ] || { echo "FAIL: no epmdump executable at $epmdump" >&2; exit 1; }
dir=$(mktemp -d /tmp/epmdump-diff-peer.XXXXXX)
# shellcheck disable=SC2034 # read by smbd_private_settings
peer=$dir # smbd_private_settings: ncalrpc dir = $peer/run/ncalrpc, this daemon's own
fail() { echo "FAIL: $*" >&2; exit 1; }
cannot() {
  if [ -n "${CI:-}" ]; then fail "cannot run under CI: $*"; fi
  echo "EPMDUMP_SKIP: $*"; exit 77
}
[ "$(id -u)" = 0 ] || cannot "needs root (a namespace and samba-dcerpcd on port 135)"
daemon=/usr/libexec/samba/samba-dcerpcd
[ -x "$daemon" ] || cannot "samba-dcerpcd is not installed (Debian package samba)"
ns=(ip netns exec "$netns")

# The daemon and its rpcd_* workers: the pid the daemon wrote and its children, recorded while
# it starts and again once its endpoint mapper answers (rpc start on demand helpers = no: every
# worker is up by then). Returns 1 while the daemon has written no pid file.
record_daemon() {
  local master p
  master=$(tr -dc '0-9' 2>/dev/null <"$dir/run/samba-dcerpcd.pid" || true)
  [ -n "$master" ] && [ "$(cat "/proc/$master/comm" 2>/dev/null)" = samba-dcerpcd ] || return 1
  {
    echo "dir $dir"
    for p in "$master" $(ps -eo pid=,ppid= | awk -v m="$master" '$2 == m { print $1 }'); do
      echo "$p $(start_time "$p")"
    done
  } >"$dir/pids"
  mv "$dir/pids" "$record"
}
stop_daemon() {
  stop_recorded
  rm -f "$dir/run/samba-dcerpcd.pid"
}
cleanup() {
  stop_recorded all
  remove_namespace
  rm -rf "$dir"
}
trap cleanup EXIT
# A timeout's TERM or a Ctrl-C ends the run through cleanup (exit runs the EXIT trap).
trap 'exit 143' TERM
trap 'exit 130' INT

# A run killed before its cleanup left its daemon (in a namespace no longer named) and its folder.
stop_recorded all
# A namespace of the test's own, joined to the host by a veth pair (the host reaches $address).
remove_namespace
ip netns add "$netns" || cannot "cannot create a network namespace"
ip link add "$host_if" type veth peer name "$ns_if"
ip link set "$ns_if" netns "$netns"
ip addr add "$host_ip/24" dev "$host_if"
ip link set "$host_if" up
"${ns[@]}" ip addr add "$address/24" dev "$ns_if"
"${ns[@]}" ip link set "$ns_if" up
"${ns[@]}" ip link set lo up
mkdir -p "$dir/private" "$dir/lock" "$dir/state" "$dir/cache" "$dir/run/ncalrpc" "$dir/log"

# start_daemon LOW-HIGH: samba-dcerpcd with its TCP endpoints in that port range, up when its
# endpoint mapper lists entries (at most 30 s).
start_daemon() {
  cat >"$dir/smb.conf" <<CONF
# written by epmdump tests/live/diff/moved-service.sh
[global]
	netbios name = EPMDIFF
	workgroup = EPMWG
	server role = standalone server
	rpc start on demand helpers = no
	rpc server dynamic port range = $1
	interfaces = lo $ns_if
	bind interfaces only = yes
	disable netbios = yes
$(smbd_private_settings)
CONF
  "${ns[@]}" "$daemon" --configfile="$dir/smb.conf" -D --libexec-rpcds >>"$dir/log/daemon.out" 2>&1 ||
    fail "samba-dcerpcd -D failed: $(tail -5 "$dir/log/daemon.out")"
  for _ in $(seq 1 60); do
    record_daemon || true
    if "$epmdump" -q -f json --timeout 2 "$address" >"$dir/probe.jsonl" 2>/dev/null &&
       grep -q '"ncacn_ip_tcp"' "$dir/probe.jsonl"; then
      record_daemon || fail "samba-dcerpcd answers but wrote no pid file of its own"
      return 0
    fi
    sleep 0.5
  done
  fail "samba-dcerpcd on $address gave no listing within 30 s (see $dir/log)"
}

scan() { "$epmdump" -q -f json --timeout 3 "$address" >"$1" 2>"$1.err" || true; }
# diff_json OLD NEW EXPECTED_STATUS: epmdump diff -f json, its exit status checked; prints the totals line.
diff_json() {
  local status=0
  "$epmdump" diff -f json "$1" "$2" >"$dir/diff.jsonl" 2>"$dir/diff.err" || status=$?
  [ "$status" = "$3" ] || fail "epmdump diff exited $status, not $3: $(cat "$dir/diff.err" "$dir/diff.jsonl")"
  tail -n 1 "$dir/diff.jsonl"
}
field() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" <<<"$2"; }

start_daemon 49300-49399
scan "$dir/first.jsonl"
# The TCP endpoints in the dynamic range move with it; the endpoint mapper's own 135 does not.
tcp=$(grep -o '"protseq":"ncacn_ip_tcp","host":"[^"]*","endpoint":"493[0-9][0-9]"' "$dir/first.jsonl" | wc -l)
total=$(grep -o '"protseq":' "$dir/first.jsonl" | wc -l)
[ "$tcp" -gt 0 ] || fail "the first scan lists no TCP endpoint in 49300-49399: $(head -c 400 "$dir/first.jsonl")"

# A scan compared with itself, and with a second scan of the same unchanged server: no change.
scan "$dir/again.jsonl"
totals=$(diff_json "$dir/first.jsonl" "$dir/again.jsonl" 0)
[ "$(field moved "$totals")" = 0 ] || fail "an unchanged server diffs as moved: $totals"

stop_daemon
start_daemon 49400-49499
scan "$dir/moved.jsonl"
grep -q '"endpoint":"494[0-9][0-9]"' "$dir/moved.jsonl" || fail "after the restart the TCP ports are not in 49400-49499"
totals=$(diff_json "$dir/first.jsonl" "$dir/moved.jsonl" 1)
[ "$(field moved "$totals")" = "$tcp" ] || fail "$tcp TCP endpoints in the dynamic range moved, the diff says: $totals"
if [ "$(field removed "$totals")" != 0 ] || [ "$(field added "$totals")" != 0 ]; then
  fail "a moved port is one move, not a removal and an addition: $totals"
fi
grep -q '"change":"moved"' "$dir/diff.jsonl" || fail "no endpoint classed moved: $(head -c 400 "$dir/diff.jsonl")"
# The text report says it too, and --ignore port makes the move no difference.
"$epmdump" diff "$dir/first.jsonl" "$dir/moved.jsonl" >"$dir/diff.txt" || true
grep -q "$tcp moved, 0 removed, 0 added" "$dir/diff.txt" || fail "text diff: $(tail -n 1 "$dir/diff.txt")"
status=0
"$epmdump" diff --ignore port "$dir/first.jsonl" "$dir/moved.jsonl" >/dev/null || status=$?
[ "$status" = 0 ] || fail "with --ignore port the restarted server still differs (exit $status)"

# Stopped: the host no longer answers.
stop_daemon
scan "$dir/gone.jsonl"
grep -q '"status":"error"' "$dir/gone.jsonl" || fail "the stopped server still answered: $(head -c 300 "$dir/gone.jsonl")"
diff_json "$dir/moved.jsonl" "$dir/gone.jsonl" 1 >/dev/null
grep -q 'stopped' "$dir/diff.jsonl" || fail "the host is not said to have stopped answering: $(cat "$dir/diff.jsonl")"
echo "ok: $total endpoints, $tcp TCP ones moved with the restart, then the host stopped answering"
