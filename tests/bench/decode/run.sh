#!/bin/sh
# Decode benchmark: bench_decode's in-process figures, then tshark and `epmdump replay` over
# captures holding exactly the responses bench_decode decoded (written by bench_decode).
#
#   tests/bench/decode/run.sh BUILD_DIR [SECONDS_PER_CASE] [CAPTURE_MB]   (from the checkout's root)
#
# tshark's figure per response is marginal: (CPU of the N-copy file - CPU of the 1-copy file)
# / (N - 1), so its start-up (about 0.15 s of loading dissectors) is not charged to decoding.
# The whole-process line compares both programs on the N-copy file, start-up included.
set -eu
build=${1:?usage: run.sh BUILD_DIR [SECONDS_PER_CASE] [CAPTURE_MB]}
seconds=${2:-2}
mb=${3:-40}
bench="$build/tests/bench/bench_decode"
epmdump="$build/apps/epmdump"
work="$build/bench-decode"
mkdir -p "$work"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

captures="pcaps/samba-ad-dc-rpcdump.pcap"
win=../shared/pcaps/win10-impacket-rpcdump-lookup-346-entries-11-frags.pcapng
[ -f "$win" ] && captures="$captures $win"

echo "== in process (bench_decode, $seconds s of CPU per case and path)"
"$bench" --seconds "$seconds" --pcap-dir "$work" --pcap-mb "$mb" --tsv "$tmp/cases.tsv" $captures

# CPU seconds (user + sys) and peak RSS (KiB) of one command; its stdout in $tmp/out.
cpu() {
    /usr/bin/time -f "%U %S %M" -o "$tmp/time" "$@" > "$tmp/out" 2>/dev/null
    awk '{ printf "%.3f %s\n", $1 + $2, $3 }' "$tmp/time"
}

echo
echo "== tshark -r FILE -Y epm vs epmdump on the same responses (CPU seconds, user + sys)"
printf "%-24s %7s %6s | %9s %9s %10s | %8s %8s | %9s %9s %7s\n" case entries copies \
    "stub us" "wire us" "tshark us" "ts/stub" "ts/wire" "tshark s" "epmdump s" "ratio"
while IFS="$(printf '\t')" read -r name entries stub wire stub_ns wire_ns copies pcap; do
    once="${pcap%.pcap}-once.pcap"
    set -- $(cpu tshark -r "$once" -Y epm); t1=$1
    set -- $(cpu tshark -r "$pcap" -Y epm); tn=$1
    t_responses=$(grep -c "Lookup response" "$tmp/out" || true)
    set -- $(cpu "$epmdump" replay --format json "$pcap"); en=$1
    e_entries=$(grep -o '"binding":' "$tmp/out" | wc -l)
    [ "$t_responses" -eq "$copies" ] || echo "warning: tshark showed $t_responses lookup responses, expected $copies" >&2
    [ "$e_entries" -eq $((copies * entries)) ] || echo "warning: epmdump replay gave $e_entries entries, expected $((copies * entries))" >&2
    awk -v n="$name" -v e="$entries" -v c="$copies" -v s="$stub_ns" -v w="$wire_ns" -v t1="$t1" -v tn="$tn" -v en="$en" 'BEGIN {
        ts = (tn - t1) / (c - 1) * 1e6
        printf "%-24s %7d %6d | %9.2f %9.2f %10.1f | %7.1fx %7.1fx | %9.2f %9.2f %6.1fx\n", substr(n, 1, 24), e, c,
            s / 1000, w / 1000, ts, ts * 1000 / s, ts * 1000 / w, tn, en, tn / en
    }'
done < "$tmp/cases.tsv"
echo "(us = microseconds of CPU per response; ts/stub and ts/wire = tshark's marginal CPU per response"
echo " over bench_decode's; last three columns: whole process on the N-copy capture, start-up included)"
