#!/usr/bin/env bash
# Stops what start-peers.sh started (only what the shared scripts recorded).
peers="$(cd "$(dirname "$0")/.." && pwd)/../shared/peers/samba-epm"
[ -f "$peers/stop.sh" ] && [ "$(id -u)" -eq 0 ] || exit 0
bash "$peers/stop.sh" >/dev/null 2>&1 || true
bash "$(dirname "$0")/smb-peer.sh" --stop >/dev/null 2>&1 || true # the smbd beside samba-dcerpcd
# The live SMB tests' smbd that requires encryption (started once by them, kept for the run).
bash "$(dirname "$0")/../tests/live/smb/encrypted-smbd.sh" stop >/dev/null 2>&1 || true
# The --transport auto test's SMB-only host (an smbd and the address it added in the peer's namespace).
bash "$(dirname "$0")/../tests/live/smb/smb-only-host.sh" stop >/dev/null 2>&1 || true
# A live_diff run killed by its timeout: its samba-dcerpcd, by the pids that test recorded.
bash "$(dirname "$0")/../tests/live/diff/moved-service.sh" stop >/dev/null 2>&1 || true
SAMBA_EPM_MODE=standalone bash "$peers/stop.sh" >/dev/null 2>&1 || true
