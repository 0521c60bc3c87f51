#!/usr/bin/env bash
# Adds smbd beside the standalone peer's samba-dcerpcd (../shared/peers/samba-epm/start.sh in
# standalone mode starts only the RPC daemon), so ncacn_np reaches its endpoint mapper over SMB:
# a second SMB server path (smbd in front of samba-dcerpcd) beside the AD DC's. smbd reads its own
# smb.conf, the peer's plus what smbd needs, and hands \pipe\epmapper to the running samba-dcerpcd
# through the peer's ncalrpc sockets. Idempotent: an smbd that answers on 445 is kept.
#   bash scripts/smb-peer.sh [SAMBA_EPM_DIR]        (root; default /tmp/samba-epm-standalone)
#   bash scripts/smb-peer.sh --stop [SAMBA_EPM_DIR] (ends the smbd it started; stop-peers.sh)
# Prints EPMDUMP_SAMBA_SA_SMB_ADDRESS=ADDRESS on stdout; progress and errors on stderr; exit 1
# with the reason when it cannot.
set -euo pipefail
stop=0
if [ "${1:-}" = --stop ]; then stop=1; shift; fi
dir=${1:-${SAMBA_EPM_SA_DIR:-/tmp/samba-epm-standalone}}
die() { echo "[smb-peer] ERROR: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "must run as root (smbd in the peer's namespace)"
if [ "$stop" = 1 ]; then
  # Only the smbd whose pid file this script's configuration wrote, and only if it is smbd.
  pid=$(tr -dc '0-9' 2>/dev/null < "$dir/run/smbd.pid" || true)
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = smbd ] && [ -f "$dir/etc/smbd.conf" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
  fi
  exit 0
fi
[ -f "$dir/env" ] || die "no $dir/env: the standalone peer is not running (scripts/start-peers.sh)"
[ "$(sed -n 's/^SAMBA_EPM_MODE=//p' "$dir/env")" = standalone ] || die "$dir is not the standalone peer"
netns=$(sed -n 's/^SAMBA_EPM_NETNS=//p' "$dir/env")
address=$(sed -n 's/^SAMBA_EPM_ADDRESS=//p' "$dir/env")
ns=()
[ "$netns" != none ] && ns=(ip netns exec "$netns")
command -v smbd >/dev/null 2>&1 || [ -x /usr/sbin/smbd ] || die "smbd is not installed (Debian package samba)"

answers() { "${ns[@]}" timeout 2 bash -c "exec 3<>/dev/tcp/$address/445" 2>/dev/null; }
if answers; then
  echo "[smb-peer] smbd already answers on $address:445" >&2
  echo "EPMDUMP_SAMBA_SA_SMB_ADDRESS=$address"
  exit 0
fi

conf=$dir/etc/smbd.conf
# The peer's settings (directories, interfaces, names), then smbd's: anonymous IPC$ as a
# standalone server allows by default, signing offered, no printers, no shares but IPC$.
cat > "$conf.new" <<CONF
# written by epmdump scripts/smb-peer.sh: smbd beside the standalone samba-dcerpcd
include = $dir/etc/smb.conf
[global]
	smb ports = 445 139
	server min protocol = SMB2_02
	server signing = auto
	map to guest = Bad User
	restrict anonymous = 0
CONF
mv "$conf.new" "$conf"
"${ns[@]}" /usr/sbin/smbd -D --configfile="$conf" >>"$dir/log/smbd.out" 2>&1 || die "smbd -D failed: $(tail -5 "$dir/log/smbd.out")"
for _ in $(seq 1 100); do
  answers && break
  sleep 0.1
done
answers || die "smbd did not answer on $address:445 within 10 s (see $dir/log/smbd.out and $dir/log/log.smbd)"
echo "[smb-peer] smbd answers on $address:445" >&2
echo "EPMDUMP_SAMBA_SA_SMB_ADDRESS=$address"
