#!/usr/bin/env bash
# README command 2: install what is missing, build, run the whole test suite
# (unit, capture replay, and live tests against real Samba endpoint mappers).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
bash scripts/build.sh
started_peers=0
if [ -z "${EPMDUMP_SAMBA_ADDRESS:-}${EPMDUMP_SAMBA_SA_ADDRESS:-}" ]; then
  eval "$(bash scripts/start-peers.sh)"
  started_peers=1
fi
[ "$started_peers" = 1 ] && [ "${EPMDUMP_KEEP_PEERS:-0}" != 1 ] && trap 'bash scripts/stop-peers.sh' EXIT
cd build
ctest --output-on-failure -j"$(nproc)" --no-tests=error
