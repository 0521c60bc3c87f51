#!/usr/bin/env bash
# Starts the real Samba endpoint mappers (../shared/peers/samba-epm) for the live tests and
# prints `export` lines for them. Prints nothing (the live tests then skip, saying why) when
# the shared folder is absent or we are not root / cannot create network namespaces.
set -uo pipefail
peers="$(cd "$(dirname "$0")/.." && pwd)/../shared/peers/samba-epm"
if [ ! -f "$peers/start.sh" ]; then echo "[epmdump] no $peers: live tests will skip" >&2; exit 0; fi
if [ "$(id -u)" -ne 0 ]; then echo "[epmdump] not root: live tests will skip" >&2; exit 0; fi
if out=$(bash "$peers/start.sh" 2>/tmp/epmdump-samba-ad.log); then
  echo "export EPMDUMP_SAMBA_ADDRESS=$(sed -n 's/^SAMBA_EPM_ADDRESS=//p' <<<"$out")"
else
  echo "[epmdump] Samba AD DC did not start (see /tmp/epmdump-samba-ad.log): its live tests will skip" >&2
fi
if out=$(SAMBA_EPM_MODE=standalone bash "$peers/start.sh" 2>/tmp/epmdump-samba-sa.log); then
  echo "export EPMDUMP_SAMBA_SA_ADDRESS=$(sed -n 's/^SAMBA_EPM_ADDRESS=//p' <<<"$out")"
else
  echo "[epmdump] samba-dcerpcd did not start (see /tmp/epmdump-samba-sa.log): its live tests will skip" >&2
fi
