#!/usr/bin/env bash
# Builds every libFuzzer target (clang-14, ASan + UBSan, build-fuzz/), seeds the corpora from
# the captures, the KB text and the fixtures, runs each target for SECONDS (two at a time),
# and prints per target: executions, corpus size, crashes. Exits 1 when any target crashed,
# leaked, timed out or ran out of memory (the input is kept under $WORK/artifacts/TARGET/).
#
#   bash tests/fuzz/run.sh SECONDS [TARGET...]
#   bash tests/fuzz/run.sh --budget STAGE_SECONDS [TARGET...]
#
# --budget (CI's smoke run, scripts/test.sh): the stage's fuzzing time is fixed, not each target's:
# every target gets STAGE_SECONDS x jobs / targets seconds (at least 20), so adding a target does
# not lengthen CI. Every seed and kept crash input is still replayed first, whatever the budget.
#
# Environment:
#   EPMDUMP_FUZZ_RUNS=N    also stop a target after N executions (the long run uses 10000000)
#   EPMDUMP_FUZZ_NICE=N    run the fuzzers under nice -n N (default 0)
#   EPMDUMP_FUZZ_JOBS=N    targets at once, 1 or 2 (default 2)
#   EPMDUMP_FUZZ_BUILD=DIR build directory (default build-fuzz); corpora live in DIR/fuzz-work
#   EPMDUMP_FUZZ_RSS_MB=N  -rss_limit_mb (default 2048)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

usage() { echo "usage: bash tests/fuzz/run.sh SECONDS [TARGET...] | --budget STAGE_SECONDS [TARGET...]" >&2; exit 2; }
budget=0
if [ "${1:-}" = --budget ]; then
  budget=${2:-}
  [[ "$budget" =~ ^[0-9]+$ ]] && [ "$budget" -ge 1 ] || usage
  shift 2
  seconds=1 # set below, once the targets are known
else
  seconds=${1:-}
  [[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -ge 1 ] || usage
  shift
fi
runs=${EPMDUMP_FUZZ_RUNS:-0}
niceness=${EPMDUMP_FUZZ_NICE:-0}
jobs=${EPMDUMP_FUZZ_JOBS:-2}
[ "$jobs" -ge 1 ] && [ "$jobs" -le 2 ] || jobs=2 # a 2-core machine shared with others
build=${EPMDUMP_FUZZ_BUILD:-build-fuzz}
rss_mb=${EPMDUMP_FUZZ_RSS_MB:-2048}
work=$build/fuzz-work

# --- packages: the project's, then clang-14 with compiler-rt (libFuzzer, ASan, UBSan) -------
bash scripts/install-deps.sh
fuzz_pkgs=(clang-14 libclang-rt-14-dev llvm-14)
missing=()
for p in "${fuzz_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "[fuzz] installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- build ------------------------------------------------------------------------------------
mkdir -p "$build"
# -gline-tables-only: the file:line (inlined frames too) that sanitizer and libFuzzer stack traces
# print, in 15-25 % less compile time than full -g (no variable or type debug information). The
# libraries compile 8 files to a unit (CMAKE_UNITY_BUILD); the tidy stage compiles each file alone.
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG" -DEPMDUMP_FUZZ=ON -DEPMDUMP_BUILD_TESTS=OFF \
  -DCMAKE_UNITY_BUILD=ON >"$build/configure.log" 2>&1 ||
  { cat "$build/configure.log" >&2; exit 1; }
cmake --build "$build" -j2 --target epmdump_fuzzers
bindir=$build/tests/fuzz

all_targets=(pdu_stream bind bind_ack bind_nak call_pdu auth_verifier auth3 tower ept_lookup_response ept_map_response
  ept_requests mgmt session service_id packet tcp_reassembler rpc_conversation capture_file pcap_reader rpcdump_text impacket_text
  json_lines registry netstat ntlm_challenge smb2 scanner_input)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
if [ "$budget" -gt 0 ]; then
  # The budget holds as targets are added (27 now: 17 s each), down to a 15 s floor; CI's 60 s
  # runs had every target within 2.3 % of its 60 s edge coverage by 30 s, most by 15.
  seconds=$((budget * jobs / ${#targets[@]}))
  [ "$seconds" -ge 15 ] || seconds=15
fi

dict_of() {
  case $1 in
    pdu_stream|bind|bind_ack|bind_nak|call_pdu|auth_verifier|auth3) echo dcerpc ;;
    tower|ept_lookup_response|ept_map_response|ept_requests) echo epm ;;
    packet|tcp_reassembler) echo capture ;;
    rpc_conversation) echo "dcerpc epm" ;;
    session) echo "dcerpc epm mgmt" ;;
    capture_file) echo "capture dcerpc epm smb2" ;;
    pcap_reader) echo capture ;;
    rpcdump_text) echo rpcdump ;;
    impacket_text) echo impacket ;;
    json_lines) echo json ;;
    registry) echo registry ;;
    netstat) echo netstat ;;
    scanner_input) echo scanner ;;
    service_id) echo service ;;
    mgmt) echo mgmt ;;
    ntlm_challenge) echo ntlm ;;
    smb2) echo smb2 ;;
  esac
}

# Longest input per target: enough for every structure the target parses (a PDU stream of a few
# fragments, a capture of one short conversation, a dump of a few dozen lines), short enough to
# keep executions fast. Longer seeds are cut to it as libFuzzer loads them.
max_len_of() {
  case $1 in
    packet) echo 2048 ;;
    rpcdump_text|impacket_text|json_lines|registry|netstat) echo 4096 ;;
    service_id) echo 1024 ;;
    pdu_stream|rpc_conversation|session) echo 16384 ;;
    *) echo 8192 ;;
  esac
}

# --- seeds: extracted afresh each run; corpora (what the fuzzers found) are kept --------------
seeds=$work/seeds
rm -rf "$seeds"
mkdir -p "$seeds" "$work/corpus" "$work/dict" "$work/logs" "$work/artifacts"
captures=()
for f in pcaps/*.pcap pcaps/*.pcapng ../shared/pcaps/*.pcap ../shared/pcaps/*.pcapng tests/fixtures/auth/*.pcapng; do
  [ -f "$f" ] && captures+=("$f")
done
"$bindir/extract_seeds" "$seeds" "${captures[@]}" >"$work/logs/extract_seeds.log"
copy_seeds() { # TARGET FILE...
  local t=$1; shift
  mkdir -p "$seeds/$t"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$seeds/$t/$(basename "$f")"; done
  return 0
}
copy_seeds rpcdump_text ../shared/kb/KB926210.txt tests/fixtures/exchange/kb926210-*.txt
copy_seeds impacket_text ../shared/peers/samba-epm/impacket-rpcdump*.txt
copy_seeds registry tests/fixtures/exchange/*.reg
copy_seeds netstat tests/fixtures/exchange/netstat-*.txt tests/fixtures/exchange/ss-*.txt
# scanner_input: each fixture behind the selector byte of its format (0 -oX, 1 -oG, 2 -oJ, 3 -oL) and a cut byte.
mkdir -p "$seeds/scanner_input"
for pair in 0:nmap-loopback.xml 1:nmap-loopback.gnmap 2:masscan-netns.json 3:masscan-netns.lst; do
  { printf "\\$(printf %03o "${pair%%:*}")\\200"; cat "tests/fixtures/scanner/${pair#*:}"; } >"$seeds/scanner_input/${pair#*:}"
done
mkdir -p "$seeds/pcap_reader" && cp "$seeds/capture_file"/* "$seeds/pcap_reader/"
# Every reader also gets the other formats, so detection and rejection paths have seeds.
for t in rpcdump_text impacket_text json_lines; do
  for o in rpcdump_text impacket_text json_lines; do
    [ "$t" = "$o" ] || cp "$seeds/$o"/* "$seeds/$t/" 2>/dev/null || true
  done
done
# Crash inputs already fixed stay in the corpora, so a regression shows up at once.
for t in "${all_targets[@]}"; do
  if [ -d "tests/unit/regressions/inputs/$t" ]; then cp tests/unit/regressions/inputs/$t/* "$seeds/$t/" 2>/dev/null || true; fi
done

# --- run --------------------------------------------------------------------------------------
run_target() {
  local t=$1
  local corpus=$work/corpus/$t artifacts=$work/artifacts/$t log=$work/logs/$t.log dict=$work/dict/$t.dict
  mkdir -p "$corpus" "$seeds/$t"
  rm -rf "$artifacts"; mkdir -p "$artifacts"
  rm -f "$work/logs/$t.status" # a run stopped before its target ends must not report an older status
  : >"$dict"
  for d in $(dict_of "$t"); do cat "tests/fuzz/dict/$d.dict" >>"$dict"; done
  local args=(-max_total_time="$seconds" -rss_limit_mb="$rss_mb" -malloc_limit_mb="$rss_mb" -timeout=10
    -max_len="$(max_len_of "$t")" -dict="$dict" -artifact_prefix="$artifacts/" -print_final_stats=1)
  [ "$runs" -gt 0 ] && args+=(-runs="$runs")
  local status=0
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    nice -n "$niceness" "$bindir/fuzz_$t" "${args[@]}" "$corpus" "$seeds/$t" >"$log" 2>&1 || status=$?
  echo "$status" >"$work/logs/$t.status"
}

echo "[fuzz] ${#targets[@]} targets, ${seconds}s each$([ "$budget" -gt 0 ] && echo " (stage budget ${budget}s)")$([ "$runs" -gt 0 ] && echo " or $runs executions"), $jobs at a time; logs in $work/logs" >&2
running=0
for t in "${targets[@]}"; do
  if [ ! -x "$bindir/fuzz_$t" ]; then echo "no such target: $t" >&2; exit 2; fi
  run_target "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

# --- report -----------------------------------------------------------------------------------
failed=0
printf '%-20s %14s %10s %8s %8s  %s\n' target executions exec/s corpus crashes status
for t in "${targets[@]}"; do
  log=$work/logs/$t.log
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  # libFuzzer's last status line: "#N DONE cov: C ft: F corp: UNITS/SIZE ..."
  corp=$(grep -oE 'corp: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || true)
  crashes=$(find "$work/artifacts/$t" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  status=$(cat "$work/logs/$t.status" 2>/dev/null || echo "?")
  verdict=ok
  if [ "$crashes" -gt 0 ] || [ "$status" != 0 ]; then
    verdict="FAILED (exit $status, see $log)"
    failed=1
    [ "$crashes" -eq 0 ] && crashes=1
  fi
  printf '%-20s %14s %10s %8s %8s  %s\n' "$t" "${execs:-0}" "${rate:-0}" "${corp:-0}" "$crashes" "$verdict"
  # Every run is appended to totals.tsv, so executions can be summed over runs.
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$seconds" "${execs:-0}" "${corp:-0}" "$crashes" \
    "$(git rev-parse --short HEAD 2>/dev/null || echo -)" >>"$work/totals.tsv"
done
if [ "$failed" -ne 0 ]; then
  echo "[fuzz] crash inputs are in $work/artifacts/; reproduce with: $bindir/fuzz_TARGET FILE" >&2
fi
exit "$failed"
