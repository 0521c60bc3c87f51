#!/bin/sh
# Entry-heavy replay benchmark (issue #18): the Windows 10 346-entry lookup repeated COPIES
# times, one conversation after another (new client port, +10 s per copy, no FIN or RST), then
# every output format beside tshark's field extraction and `cat` (the page-cache floor), whole
# processes, in the same run; then the memory bound on a capture ten times longer.
#
#   tests/bench/memory/run.sh BUILD_DIR [COPIES] [OTHER_EPMDUMP]     (from the checkout's root)
#
# OTHER_EPMDUMP (e.g. an older build's apps/epmdump) is measured alternately with BUILD_DIR's,
# for before/after figures from one run (it gets -f only; BUILD_DIR's is also run with --threads 1).
# The captures are generated in a temporary folder.
# EPMDUMP_BENCH_RUNS (default 3): /usr/bin/time runs per command; EPMDUMP_BENCH_WALL_RUNS (9): the
# perf_counter runs of wall_ratio.py.
set -eu
build=${1:?usage: run.sh BUILD_DIR [COPIES] [OTHER_EPMDUMP]}
copies=${2:-2000}
other=${3:-}
runs=${EPMDUMP_BENCH_RUNS:-3}
source=${EPMDUMP_BENCH_CAPTURE:-../shared/pcaps/win10-impacket-rpcdump-lookup-346-entries-11-frags.pcapng}
[ -f "$source" ] || source=/work/shared/pcaps/win10-impacket-rpcdump-lookup-346-entries-11-frags.pcapng
epmdump="$build/apps/epmdump"
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cap="$tmp/repeat-$copies.pcapng"
long="$tmp/repeat-$((copies * 10)).pcapng"
python3 "$here/repeat_capture.py" "$source" "$cap" "$copies"
bytes=$(stat -c %s "$cap")
cat "$cap" > /dev/null # into the page cache

# The best (lowest wall) of $runs runs: "wall user sys maxrss_KiB"; stdout to /dev/null.
measure() {
    best=
    i=0
    while [ "$i" -lt "$runs" ]; do
        status=0
        /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$@" > /dev/null 2> "$tmp/err" || status=$?
        [ "$status" -le 1 ] || { echo "$* exited $status" >&2; cat "$tmp/err" >&2; exit 1; }
        line=$(tail -n 1 "$tmp/time")
        best=$(printf '%s\n%s\n' "$best" "$line" | awk 'NF { if (!b || $1 < m) { m = $1; b = $0 } } END { print b }')
        i=$((i + 1))
    done
    echo "$best"
}

row() { # label, figures
    label=$1; shift
    printf '%-58s %7s %7s %7s %8.1f MB\n' "$label" "$1" "$2" "$3" "$(echo "$4" | awk '{ print $1 / 1024 }')"
}

printf 'capture: %s copies, %.1f MB (%s)\n' "$copies" "$(echo "$bytes" | awk '{ print $1 / 1e6 }')" "$(basename "$source")"
printf '%-58s %7s %7s %7s %11s\n' command "wall s" "user s" "sys s" "peak RSS"
set -- $(measure cat "$cap"); c_wall=$1
row "cat FILE" "$@"
set -- $(measure tshark -r "$cap" -Y epm -T fields -e epm.tower.num_floors); t_wall=$1 t_user=$2
row "tshark -r FILE -Y epm -T fields -e epm.tower.num_floors" "$@"
for f in rpcdump json csv; do
    for bin in "$epmdump" $other; do
        set -- $(measure "$bin" replay -f "$f" "$cap")
        lines=$("$bin" replay -f "$f" "$cap" | wc -l) # apart from the timed runs
        row "$bin replay -f $f" "$@"
        echo "$1 $2" | awk -v tw="$t_wall" -v tu="$t_user" -v cw="$c_wall" -v l="$lines" \
            '{ printf "    %d output lines; tshark/this %.1fx wall, %.1fx user; this/cat %.1fx wall\n", l, tw / $1, tu / ($2 > 0 ? $2 : 0.005), $1 / (cw > 0 ? cw : 0.001) }'
    done
done

# Against the page-cache floor with a sub-millisecond clock (cat takes ~15 ms here, below
# /usr/bin/time's 10 ms resolution): whole processes, interleaved, min and median of the runs.
# "1t": --threads 1, everything on the decoding thread (what one CPU gets).
printf '\nwall against cat (time.perf_counter, %s runs each):\n' "${EPMDUMP_BENCH_WALL_RUNS:-9}"
set --
for f in rpcdump json csv; do
    set -- "$@" "$f=$epmdump replay -f $f" "$f-1t=$epmdump replay --threads 1 -f $f"
    [ -z "$other" ] || set -- "$@" "$f-other=$other replay -f $f"
done
python3 "$here/wall_ratio.py" --runs "${EPMDUMP_BENCH_WALL_RUNS:-9}" "$cap" "$@"

# Memory bound: ten times the copies, same output per copy.
python3 "$here/repeat_capture.py" "$source" "$long" "$((copies * 10))"
printf '\nmemory bound: %s copies, %.1f MB\n' "$((copies * 10))" "$(stat -c %s "$long" | awk '{ print $1 / 1e6 }')"
# BUILD_DIR's epmdump only: a build that holds every conversation would need ~3 GB here.
runs=1
set -- $(measure "$epmdump" replay -f json --summary "$long")
row "$epmdump replay -f json --summary" "$@"
sed 's/^/    /' "$tmp/err"
