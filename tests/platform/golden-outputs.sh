#!/usr/bin/env bash
# Saves what epmdump prints for every capture and both live Samba peers, so a refactor can prove
# that behaviour did not move: run it before and after, then `diff -r BEFORE AFTER`.
# Usage: tests/platform/golden-outputs.sh OUT_DIR [EPMDUMP_BINARY]
# Captures: pcaps/ and /work/shared/pcaps/ (or EPMDUMP_GOLDEN_PCAPS, space-separated folders).
# Live peers: EPMDUMP_SAMBA_ADDRESS and EPMDUMP_SAMBA_SA_ADDRESS (skipped, and said so, when unset).
# Timing fields (elapsed_ms) are masked so that two runs compare byte for byte; nothing else is.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: golden-outputs.sh OUT_DIR [EPMDUMP_BINARY]}
bin=${2:-build/apps/epmdump}
[ -x "$bin" ] || { echo "golden-outputs.sh: no executable at $bin" >&2; exit 2; }
mkdir -p "$out"
formats=(rpcdump impacket json csv)

# Runs epmdump, writes stdout, stderr and the exit status to $out/NAME.{out,err,rc}, timings masked.
record() {
  local name=$1; shift
  local rc=0
  "$bin" "$@" >"$out/$name.out" 2>"$out/$name.err" || rc=$?
  echo "$rc" >"$out/$name.rc"
  sed -i -E 's/"elapsed_ms":[0-9.eE+-]+/"elapsed_ms":T/g' "$out/$name.out" "$out/$name.err"
}

folders=${EPMDUMP_GOLDEN_PCAPS:-pcaps /work/shared/pcaps}
for dir in $folders; do
  tag=$(basename "$dir")
  [ "$dir" = /work/shared/pcaps ] && tag=shared
  for pcap in "$dir"/*.pcap "$dir"/*.pcapng; do
    [ -e "$pcap" ] || continue
    base=$tag-$(basename "$pcap")
    for f in "${formats[@]}"; do
      record "replay-$f-$base" replay --summary -f "$f" "$pcap"
    done
    for f in text json; do
      record "exchange-$f-$base" exchange --pcap "$pcap" -f "$f"
    done
  done
done
record "replay-bundled"

for peer in "${EPMDUMP_SAMBA_ADDRESS:-}" "${EPMDUMP_SAMBA_SA_ADDRESS:-}"; do
  if [ -z "$peer" ]; then
    echo "golden-outputs.sh: a live peer address is unset; its outputs are not saved" >&2
    continue
  fi
  for f in "${formats[@]}"; do
    record "live-$f-$peer" -q -f "$f" "$peer"
  done
  record "live-ping-json-$peer" -q --ping -f json "$peer"
  # The endpoint mapper itself is registered on every Samba peer; ept_map asks where it is.
  record "live-map-$peer" map "$peer" e1af8308-5d1f-11c9-91a4-08002b14a0fa:3.0
done
echo "golden-outputs.sh: $(find "$out" -name '*.rc' | wc -l) runs saved in $out"
