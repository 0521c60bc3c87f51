#!/usr/bin/env bash
# An smbd that requires SMB 3.1.1 with encryption (`server smb encrypt = required`), for the
# ncacn_np tests: it runs beside the standalone peer's samba-dcerpcd (scripts/smb-peer.sh's
# namespace) on port 1445, with a configuration and a passdb of its own, and hands
# \pipe\epmapper to that samba-dcerpcd. Encryption needs a real (non-guest) session key: the
# passdb has one account, the existing unix account `nobody`, with a test-only password. The
# shared peers' configurations are never touched.
#   bash tests/live/smb/encrypted-smbd.sh [start]  (root) prints EPMDUMP_SMB_ENC_ADDRESS=ADDRESS,
#                                                   EPMDUMP_SMB_ENC_PORT, _USER, _PASSWORD
#   bash tests/live/smb/encrypted-smbd.sh stop     ends it
# Progress and errors on stderr; exit 1 with the reason when it cannot.
set -euo pipefail
. "$(dirname "$0")/smbd-common.sh"
dir=${EPMDUMP_SMB_ENC_DIR:-/tmp/epmdump-smb-enc}
port=1445
user=nobody
password='EpmEnc-Pa55w0rd-16' # test data: this smbd is reachable only inside the peer's namespace
smbd_peer_setup encrypted-smbd "smbd in the peer's namespace"
address=$peer_address
conf=$dir/smb.conf

# Asked from inside the peer's namespace: never a packet towards an address outside it.
answers() { "${ns[@]}" timeout 2 bash -c "exec 3<>/dev/tcp/$address/$port" 2>/dev/null; }
print_env() {
  echo "EPMDUMP_SMB_ENC_ADDRESS=$address"
  echo "EPMDUMP_SMB_ENC_PORT=$port"
  echo "EPMDUMP_SMB_ENC_USER=$user"
  echo "EPMDUMP_SMB_ENC_PASSWORD=$password"
}
stop() { smbd_stop; }

if [ "${1:-start}" = stop ]; then stop; exit 0; fi
if answers; then print_env; exit 0; fi
stop
mkdir -p "$dir/private" "$dir/lock" "$dir/state" "$dir/cache" "$dir/run" "$dir/log"
cat > "$conf" <<CONF
# written by epmdump tests/live/smb/encrypted-smbd.sh: SMB 3.1.1 with encryption required
[global]
	netbios name = EPMENC
	workgroup = EPMWG
	server role = standalone server
	interfaces = lo ${netns:0:12}-n
	bind interfaces only = yes
	disable netbios = yes
	smb ports = $port
	server min protocol = SMB3_11
	server smb encrypt = required
	server signing = required
	map to guest = Never
$(smbd_private_settings)
CONF
printf '%s\n%s\n' "$password" "$password" | smbpasswd -c "$conf" -s -a "$user" >/dev/null || die "smbpasswd -a $user failed"
smbd_start "$conf" "$address:$port"
echo "[encrypted-smbd] answers on $address:$port (SMB 3.1.1, encryption required)" >&2
print_env
