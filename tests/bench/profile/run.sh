#!/bin/sh
# CPU profiles of the replay and scan paths with perf (software clock: the development VM
# has no hardware counters), top functions by self time, and by inclusive time.
#
#   tests/bench/profile/run.sh BUILD_DIR [replay|scan|decode]...   (from the checkout's root)
#
# The build should carry symbols (-g; build-bench is configured with CMAKE_CXX_FLAGS=-g).
# replay: epmdump replay --format json over the replay benchmark's capture (run
#         tests/bench/replay/run.sh first, or it is built here);
# scan:   epmdump -c 256 --format json over 10,000 loopback responders (the responder is
#         profiled too, as it shares the 2 cores);
# decode: bench_decode on the Samba AD DC response and the synthetic 500-entry page.
# Reports go to BUILD_DIR/bench-profile/*.txt; the top lines are printed.
set -eu
build=${1:?usage: run.sh BUILD_DIR [replay|scan|decode]...}
shift
[ $# -gt 0 ] || set -- replay scan decode
out="$build/bench-profile"
mkdir -p "$out"
epmdump="$build/apps/epmdump"
perf_record() { name=$1; shift; perf record -q -e cpu-clock -F 1999 -g -o "$out/$name.data" -- "$@" > /dev/null; }
report() {
    name=$1
    perf report -i "$out/$name.data" --stdio --no-children --percent-limit 0.7 -g none 2>/dev/null \
        | grep -v '^#' | grep -v '^$' > "$out/$name.self.txt" || true
    perf report -i "$out/$name.data" --stdio --children --percent-limit 3 -g none 2>/dev/null \
        | grep -v '^#' | grep -v '^$' > "$out/$name.children.txt" || true
    echo "== $name: self time (top 20; full list in $out/$name.self.txt)"
    head -20 "$out/$name.self.txt"
    echo "== $name: inclusive time (top 25)"
    head -25 "$out/$name.children.txt"
}

for what in "$@"; do
    case $what in
    replay)
        big="$build/bench-replay-200MB.pcap"
        gen="$build/tests/bench/replay/make_big_capture"
        [ -x "$gen" ] || gen="$build/tests/replay/bench/make_big_capture"
        [ -f "$big" ] || "$gen" "$big" 200 pcaps/*.pcap
        perf_record replay "$epmdump" replay --format json "$big" || [ $? -eq 1 ] # 1: the capture's fault conversations
        report replay
        ;;
    scan)
        tmp=$(mktemp -d)
        "$build/tests/bench/epm_responder" --count 10000 --seconds 600 pcaps/samba-ad-dc-rpcdump.pcap > "$tmp/r.out" &
        rpid=$!
        for _ in $(seq 100); do grep -q '^ready' "$tmp/r.out" && break; sleep 0.1; done
        awk 'BEGIN { for (i = 1; i <= 10000; ++i) printf "127.1.%d.%d\n", int(i / 256), i % 256 }' > "$tmp/targets"
        perf record -q -e cpu-clock -F 1999 -g -p "$rpid" -o "$out/responder.data" &
        ppid=$!
        sleep 1
        perf_record scan "$epmdump" -c 256 --format json -q -iL "$tmp/targets"
        kill -INT "$ppid"; wait "$ppid" || true
        kill "$rpid"; wait "$rpid" || true
        rm -rf "$tmp"
        report scan
        report responder
        ;;
    decode)
        perf_record decode "$build/tests/bench/bench_decode" --seconds 3 pcaps/samba-ad-dc-rpcdump.pcap
        report decode
        ;;
    *) echo "unknown: $what" >&2; exit 2 ;;
    esac
done
