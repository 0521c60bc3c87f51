#!/bin/sh
# Replay benchmark: epmdump replay vs tshark's EPM dissection on one large capture built
# from the project's real captures (make_big_capture). Figures go in tests/bench/README.md.
#
#   tests/bench/replay/run.sh BUILD_DIR [MIN_MEGABYTES]     (from the checkout's root)
set -eu
build=${1:?usage: run.sh BUILD_DIR [MIN_MEGABYTES]}
mb=${2:-200}
big="$build/bench-replay-${mb}MB.pcap"
gen="$build/tests/replay/bench/make_big_capture"
epmdump="$build/apps/epmdump"
[ -f "$big" ] || "$gen" "$big" "$mb" pcaps/*.pcap
bytes=$(stat -c %s "$big")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Seconds and peak RSS (KiB) of one command, its stdout kept in $tmp/out.
measure() {
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" > "$tmp/out"
    cat "$tmp/time"
}

set -- $(measure "$epmdump" replay --format json "$big")
e_sec=$1 e_rss=$2
convs=$(wc -l < "$tmp/out")
entries=$(grep -o '"binding":' "$tmp/out" | wc -l)
set -- $(measure tshark -r "$big" -Y epm)
t_sec=$1 t_rss=$2
t_lines=$(wc -l < "$tmp/out")

awk -v b="$bytes" -v c="$convs" -v n="$entries" -v es="$e_sec" -v er="$e_rss" -v ts="$t_sec" -v tr="$t_rss" -v tl="$t_lines" 'BEGIN {
    mb = b / 1e6
    printf "capture: %.1f MB, %d endpoint-mapper conversations, %d entries\n", mb, c, n
    printf "%-34s %8s %9s %12s %10s\n", "command", "seconds", "MB/s", "convs/s", "peak RSS"
    printf "%-34s %8.2f %9.1f %12.0f %7.0f MB\n", "epmdump replay --format json", es, mb / es, c / es, er / 1024
    printf "%-34s %8.2f %9.1f %12.0f %7.0f MB\n", "tshark -r FILE -Y epm", ts, mb / ts, c / ts, tr / 1024
    printf "epmdump is %.1fx faster, with %.2fx the memory (tshark printed %d EPM packet lines)\n", ts / es, er / tr, tl
}'
