#!/usr/bin/env bash
# Stops what start-peers.sh started (only what the shared scripts recorded).
peers="$(cd "$(dirname "$0")/.." && pwd)/../shared/peers/samba-epm"
[ -f "$peers/stop.sh" ] && [ "$(id -u)" -eq 0 ] || exit 0
bash "$peers/stop.sh" >/dev/null 2>&1 || true
SAMBA_EPM_MODE=standalone bash "$peers/stop.sh" >/dev/null 2>&1 || true
