#!/usr/bin/env bash
# Starts the real Samba endpoint mappers (../shared/peers/samba-epm) for the live tests and
# prints `export` lines for them. Without root, network namespaces or the shared folder it prints
# nothing and the live tests skip, saying why; under CI (CI=true) that is a failure (exit 1, the
# reason on stderr), since a green CI must mean the real servers were talked to.
set -uo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
peers="$here/../shared/peers/samba-epm"
status=0
unavailable() {  # unavailable REASON: a skip on a laptop, a failure under CI
  if [ "${CI:-}" = true ]; then echo "[epmdump] CI: $1: the live tests cannot run" >&2; status=1
  else echo "[epmdump] $1: live tests will skip" >&2; fi
}
if [ ! -f "$peers/start.sh" ]; then unavailable "no $peers"; exit $status; fi
if [ "$(id -u)" -ne 0 ]; then unavailable "not root"; exit $status; fi
if out=$(bash "$peers/start.sh" 2>/tmp/epmdump-samba-ad.log); then
  echo "export EPMDUMP_SAMBA_ADDRESS=$(sed -n 's/^SAMBA_EPM_ADDRESS=//p' <<<"$out")"
  # The authentication tests' users and krb5.conf (EPMDUMP_KRB5_CONFIG, EPMDUMP_AUTH_*).
  if auth=$(bash "$here/tests/live/auth/auth-peer.sh" "$(sed -n 's/^SAMBA_EPM_DIR=//p' <<<"$out")" 2>/tmp/epmdump-auth-peer.log); then
    while IFS= read -r line; do printf 'export %q\n' "$line"; done <<<"$auth"
  else
    unavailable "the AD DC's test users were not made ($(tail -n 2 /tmp/epmdump-auth-peer.log | tr '\n' ' '); see /tmp/epmdump-auth-peer.log)"
  fi
else
  unavailable "Samba AD DC did not start ($(tail -n 3 /tmp/epmdump-samba-ad.log | tr '\n' ' '); see /tmp/epmdump-samba-ad.log)"
fi
if out=$(SAMBA_EPM_MODE=standalone bash "$peers/start.sh" 2>/tmp/epmdump-samba-sa.log); then
  echo "export EPMDUMP_SAMBA_SA_ADDRESS=$(sed -n 's/^SAMBA_EPM_ADDRESS=//p' <<<"$out")"
  # smbd beside its samba-dcerpcd: ncacn_np on the standalone peer (scripts/smb-peer.sh).
  if smb=$(bash "$here/scripts/smb-peer.sh" "$(sed -n 's/^SAMBA_EPM_DIR=//p' <<<"$out")" 2>/tmp/epmdump-smb-peer.log); then
    echo "export $smb"
  else
    unavailable "smbd did not start beside samba-dcerpcd ($(tail -n 2 /tmp/epmdump-smb-peer.log | tr '\n' ' '); see /tmp/epmdump-smb-peer.log)"
  fi
else
  unavailable "samba-dcerpcd did not start ($(tail -n 3 /tmp/epmdump-samba-sa.log | tr '\n' ' '); see /tmp/epmdump-samba-sa.log)"
fi
exit $status
