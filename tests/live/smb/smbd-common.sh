# Sourced by the live SMB tests' own smbd scripts (encrypted-smbd.sh, smb-only-host.sh): what
# every such smbd shares. Each has its directories under $dir, reaches the standalone peer's
# samba-dcerpcd through its ncalrpc sockets ($peer), and runs in the peer's namespace (${ns[@]}).

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
