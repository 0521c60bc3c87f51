#!/bin/sh
# Scan benchmark: `epmdump -c C --format json -iL LIST` against N loopback endpoint mappers
# (epm_responder: one thread, N addresses 127.1.0.1..., each serving the Samba AD DC's real
# 53-entry table, paged the AD DC's way: two ept_lookup calls per host).
#
#   tests/bench/scan/run.sh BUILD_DIR ["N..."] ["C..."] [samba|windows]   (from the checkout's root)
#   defaults: N = "1000 10000", C = "64 256 1024", style samba
#
# Per run: wall time, hosts/s, CPU per host of epmdump and of the responder (from
# /proc/PID/stat around the run), epmdump's peak RSS, and a check that every host answered
# with every entry. Bounded: the responder stops itself after 30 minutes, and is stopped (by
# its PID) when this script exits.
set -eu
build=${1:?usage: run.sh BUILD_DIR ["N..."] ["C..."] [samba|windows]}
sizes=${2:-1000 10000}
concurrencies=${3:-64 256 1024}
style=${4:-samba}
epmdump="$build/apps/epmdump"
responder="$build/tests/bench/epm_responder"
capture=pcaps/samba-ad-dc-rpcdump.pcap
entries=53
max=0
for n in $sizes; do [ "$n" -gt "$max" ] && max=$n; done

tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

"$responder" --count "$max" --style "$style" --seconds 1800 "$capture" > "$tmp/responder.out" &
pid=$!
for _ in $(seq 100); do grep -q '^ready' "$tmp/responder.out" 2>/dev/null && break; sleep 0.1; done
grep '^ready' "$tmp/responder.out" || { echo "responder did not start" >&2; exit 1; }

# 127.1.0.1, 127.1.0.2, ... (the responder's addresses), N of them.
targets() { awk -v n="$1" 'BEGIN { for (i = 1; i <= n; ++i) printf "127.1.%d.%d\n", int(i / 256), i % 256 }'; }
ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)

printf "%6s %5s | %7s %8s %9s | %12s %12s %11s | %9s | %s\n" N C "wall s" "hosts/s" "CPU h/s" "epmdump us/h" "respond us/h" "total us/h" "peak RSS" "check"
for n in $sizes; do
    targets "$n" > "$tmp/targets.txt"
    for c in $concurrencies; do
        before=$(ticks)
        /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$epmdump" -c "$c" --format json -q -iL "$tmp/targets.txt" > "$tmp/out" || true
        after=$(ticks)
        hosts=$(grep -c '"status":"ok"' "$tmp/out" || true)
        got=$(grep -o '"binding":' "$tmp/out" | wc -l)
        check="ok"
        [ "$hosts" -eq "$n" ] && [ "$got" -eq $((n * entries)) ] || check="ANSWERED $hosts/$n, $got entries"
        awk -v n="$n" -v c="$c" -v r=$((after - before)) -v hz="$hz" -v check="$check" '{
            cpu = $2 + $3; resp = r / hz
            # CPU h/s: the rate the CPU time allows on 2 cores (epmdump is one thread, so at best
            # one core; the two processes together at best both).
            bound = cpu > (cpu + resp) / 2 ? cpu : (cpu + resp) / 2
            printf "%6d %5d | %7.2f %8.0f %9.0f | %12.1f %12.1f %11.1f | %6.1f MiB | %s\n", n, c, $1, n / $1, n / bound,
                cpu / n * 1e6, resp / n * 1e6, (cpu + resp) / n * 1e6, $4 / 1024, check
        }' "$tmp/time"
    done
done
kill "$pid" && wait "$pid" || true
pid=
tail -1 "$tmp/responder.out"
echo "(us/h = CPU microseconds per host, user + sys; the responder's from /proc at 1/$hz s resolution;"
echo " CPU h/s = N / max(epmdump CPU, (epmdump + responder CPU) / 2): the rate on 2 free cores)"
