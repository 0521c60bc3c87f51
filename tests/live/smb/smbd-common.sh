# shellcheck shell=bash disable=SC2034,SC2154 # variables set here are read by the sourcing script, and the reverse
# Sourced by the live SMB tests' own smbd scripts (encrypted-smbd.sh, smb-only-host.sh): what
# every such smbd shares. Each has its directories under $dir, reaches the standalone peer's
# samba-dcerpcd through its ncalrpc sockets ($peer), and runs in the peer's namespace (${ns[@]}).

# smbd_peer_setup NAME WHY: defines die() (messages tagged [NAME]), needs root (for WHY), closes
# stdin, and reads the running standalone peer: sets peer, netns, peer_address and ns (the
# command prefix entering its namespace; empty when it runs in none).
smbd_peer_setup() {
  smbd_script=$1
  die() { echo "[$smbd_script] ERROR: $*" >&2; exit 1; }
  [ "$(id -u)" -eq 0 ] || die "must run as root ($2)"
  exec </dev/null
  peer=${SAMBA_EPM_SA_DIR:-/tmp/samba-epm-standalone}
  [ -f "$peer/env" ] || die "no $peer/env: the standalone peer is not running (scripts/start-peers.sh)"
  netns=$(sed -n 's/^SAMBA_EPM_NETNS=//p' "$peer/env")
  peer_address=$(sed -n 's/^SAMBA_EPM_ADDRESS=//p' "$peer/env")
  ns=()
  if [ "$netns" != none ]; then ns=(ip netns exec "$netns"); fi
}

# Ends the smbd whose pid file $dir's configuration wrote, only if that pid is an smbd (5 s at most).
smbd_stop() {
  local pid
  pid=$(tr -dc '0-9' 2>/dev/null <"$dir/run/smbd.pid" || true)
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = smbd ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
  fi
}

# The [global] lines naming $dir's own state and the peer's RPC sockets: no printers, log level 1.
smbd_private_settings() {
  cat <<CONF
	passdb backend = tdbsam:$dir/private/passdb.tdb
	private dir = $dir/private
	lock directory = $dir/lock
	state directory = $dir/state
	cache directory = $dir/cache
	pid directory = $dir/run
	ncalrpc dir = $peer/run/ncalrpc
	rpc start on demand helpers = no
	log file = $dir/log/log.%m
	log level = 1
	load printers = no
	printing = bsd
	printcap name = /dev/null
CONF
}

# Starts smbd with CONF in the namespace and waits up to 10 s for the caller's answers(); on
# failure stops it (the caller's stop) and dies naming WHERE.
smbd_start() {
  local conf=$1 where=$2
  "${ns[@]}" /usr/sbin/smbd -D --configfile="$conf" >>"$dir/log/smbd.out" 2>&1 || die "smbd -D failed: $(tail -5 "$dir/log/smbd.out")"
  for _ in $(seq 1 100); do
    answers && return 0
    sleep 0.1
  done
  stop
  die "smbd did not answer on $where within 10 s (see $dir/log)"
}
