#!/usr/bin/env bash
# A host that answers SMB 445 and refuses TCP 135, for the --transport auto fallback test: a
# second address on the standalone peer's interface inside its namespace, and an smbd bound to
# that address only (samba-dcerpcd listens on the first one, so 135 there is refused). smbd has
# a configuration and directories of its own under /tmp, allows a null session, and hands
# \pipe\epmapper to the peer's samba-dcerpcd through its ncalrpc sockets. Idempotent: an smbd
# that answers is kept. Only the peer's namespace is touched, never an address outside it.
#   bash tests/live/smb/smb-only-host.sh [start]  (root) prints EPMDUMP_SMB_ONLY_ADDRESS=ADDRESS
#   bash tests/live/smb/smb-only-host.sh stop     ends smbd and removes the address (stop-peers.sh)
# Progress and errors on stderr; exit 1 with the reason when it cannot.
set -euo pipefail
. "$(dirname "$0")/smbd-common.sh"
dir=${EPMDUMP_SMB_ONLY_DIR:-/tmp/epmdump-smb-only}
smbd_peer_setup smb-only-host "an address and smbd in the peer's namespace"
[ -n "$netns" ] && [ "$netns" != none ] || die "the standalone peer runs in no namespace of its own: no address is added outside one"
interface=${netns:0:12}-n
# The peer's address plus one, in its /24 (10.200.1.2 -> 10.200.1.3): on the peer's own link.
address=${peer_address%.*}.$(( ${peer_address##*.} + 1 ))

answers() { "${ns[@]}" timeout 2 bash -c "exec 3<>/dev/tcp/$address/445" 2>/dev/null; }
stop() {
  smbd_stop
  # Only the address this script added (it records it).
  if [ -f "$dir/address" ]; then
    "${ns[@]}" ip addr del "$(cat "$dir/address")/24" dev "$interface" 2>/dev/null || true
    rm -f "$dir/address"
  fi
}

if [ "${1:-start}" = stop ]; then stop; exit 0; fi
if answers; then echo "EPMDUMP_SMB_ONLY_ADDRESS=$address"; exit 0; fi
stop
mkdir -p "$dir/private" "$dir/lock" "$dir/state" "$dir/cache" "$dir/run" "$dir/log"
if ! "${ns[@]}" ip -4 addr show dev "$interface" | grep -q "inet $address/"; then
  "${ns[@]}" ip addr add "$address/24" dev "$interface" || die "cannot add $address to $interface in $netns"
  echo "$address" > "$dir/address"
fi
conf=$dir/smb.conf
cat > "$conf" <<CONF
# written by epmdump tests/live/smb/smb-only-host.sh: SMB on $address only, no endpoint mapper on 135
[global]
	netbios name = EPMSMBONLY
	workgroup = EPMWG
	server role = standalone server
	interfaces = $address/24
	bind interfaces only = yes
	disable netbios = yes
	smb ports = 445
	server min protocol = SMB2_02
	map to guest = Bad User
	restrict anonymous = 0
$(smbd_private_settings)
CONF
smbd_start "$conf" "$address:445"
echo "[smb-only-host] SMB on $address:445, TCP 135 refused there" >&2
echo "EPMDUMP_SMB_ONLY_ADDRESS=$address"
