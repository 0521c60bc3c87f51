#!/bin/sh
# Replay benchmark: epmdump replay vs tshark's EPM dissection on one large capture built
# from the project's real captures (make_big_capture). Figures go in tests/bench/README.md.
#
#   tests/bench/replay/run.sh BUILD_DIR [MIN_MEGABYTES]     (from the checkout's root)
set -eu
build=${1:?usage: run.sh BUILD_DIR [MIN_MEGABYTES]}
mb=${2:-200}
big="$build/bench-replay-${mb}MB.pcap"
# Built by tests/bench (EPMDUMP_BENCH) or with the replay tests.
gen="$build/tests/bench/replay/make_big_capture"
[ -x "$gen" ] || gen="$build/tests/replay/bench/make_big_capture"
[ -x "$gen" ] || gen="$build/tests/bench/replay/make_big_capture" # built by the bench tree instead
epmdump="$build/apps/epmdump"
[ -f "$big" ] || "$gen" "$big" "$mb" pcaps/*.pcap
bytes=$(stat -c %s "$big")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Wall seconds, CPU seconds (user + sys) and peak RSS (KiB) of one command; stdout in $tmp/out.
# The CPU figure is the fair one on a shared machine, where wall time includes waiting.
# Exit 1 is expected: the capture holds the fault conversations of pcaps/epm-fault-*.pcap.
measure() {
    status=0
    /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$@" > "$tmp/out" || status=$?
    [ "$status" -le 1 ] || { echo "$1 exited $status" >&2; exit 1; }
    # time(1) puts "Command exited with non-zero status N" before its figures: read the last line.
    awk 'END { printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$tmp/time"
}

set -- $(measure "$epmdump" replay --format json "$big")
[ $# -eq 3 ] || exit 1 # measure failed and said why
e_sec=$1 e_cpu=$2 e_rss=$3
convs=$(wc -l < "$tmp/out")
entries=$(grep -o '"binding":' "$tmp/out" | wc -l)
set -- $(measure tshark -r "$big" -Y epm)
[ $# -eq 3 ] || exit 1
t_sec=$1 t_cpu=$2 t_rss=$3
t_lines=$(wc -l < "$tmp/out")

awk -v b="$bytes" -v c="$convs" -v n="$entries" -v es="$e_sec" -v ec="$e_cpu" -v er="$e_rss" \
    -v ts="$t_sec" -v tc="$t_cpu" -v tr="$t_rss" -v tl="$t_lines" 'BEGIN {
    mb = b / 1e6
    printf "capture: %.1f MB, %d endpoint-mapper conversations, %d entries\n", mb, c, n
    printf "%-30s %7s %7s %9s %9s %10s %9s\n", "command", "wall s", "CPU s", "MB/s wall", "MB/s CPU", "convs/s CPU", "peak RSS"
    printf "%-30s %7.2f %7.2f %9.1f %9.1f %10.0f %6.0f MB\n", "epmdump replay --format json", es, ec, mb / es, mb / ec, c / ec, er / 1024
    printf "%-30s %7.2f %7.2f %9.1f %9.1f %10.0f %6.0f MB\n", "tshark -r FILE -Y epm", ts, tc, mb / ts, mb / tc, c / tc, tr / 1024
    printf "ratio tshark/epmdump: %.1fx wall, %.1fx CPU, %.1fx peak RSS (tshark printed %d EPM packet lines)\n", ts / es, tc / ec, tr / er, tl
}'
