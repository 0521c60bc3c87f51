#!/usr/bin/env bash
# README command 2: install what is missing, build, run the whole test suite:
#  1. the normal build (-Werror under CI) and every CTest test: unit, capture replay, CLI,
#     hostile servers, and live tests against real Samba endpoint mappers (started here);
#  2. the same suite built with ASan + UBSan (no recovery);
#  3. the Windows build (mingw-w64) and its tests under Wine;
#  4. install, a consumer project against the CMake package, and the .deb in a clean Debian 12 root;
#  5. clang-tidy on lib/: started first, in the background at the lowest CPU priority (see below);
#  6. every libFuzzer target, its seeds and kept crash inputs first: EPMDUMP_FUZZ_SECONDS each when
#     set (long runs), else EPMDUMP_FUZZ_BUDGET seconds (default 240) shared by all the targets.
# EPMDUMP_STAGES="build sanitize tidy fuzz windows install" picks stages (default: all).
# Every stage runs; the script fails if any did, and says which.
set -uo pipefail
cd "$(dirname "$0")/.."
stages=${EPMDUMP_STAGES:-build sanitize tidy fuzz windows install}
bash scripts/install-deps.sh --test || { echo "[epmdump] installing packages failed" >&2; exit 1; }

failed=()
summary=()
stop_peers=0 tidy_pid= tidy_log=
cleanup() {  # on any exit: the background tidy stage (its own process group), then the peers
  [ -z "$tidy_pid" ] || kill -- "-$tidy_pid" 2>/dev/null
  rm -f "$tidy_log"
  [ "$stop_peers" = 0 ] || bash scripts/stop-peers.sh
}
trap cleanup EXIT
if [ -z "${EPMDUMP_SAMBA_ADDRESS:-}${EPMDUMP_SAMBA_SA_ADDRESS:-}" ]; then
  # Under CI a peer that does not start fails the run (start-peers.sh says why); the stages
  # still run, and with CI's EPMDUMP_REQUIRE_LIVE each live test that cannot run fails too.
  peer_exports=$(bash scripts/start-peers.sh) || { failed+=(peers); summary+=("peers: FAILED (see above)"); }
  eval "$peer_exports"
  [ "${EPMDUMP_KEEP_PEERS:-0}" = 1 ] || stop_peers=1
fi
export EPMDUMP_SAMBA_ADDRESS=${EPMDUMP_SAMBA_ADDRESS:-} EPMDUMP_SAMBA_SA_ADDRESS=${EPMDUMP_SAMBA_SA_ADDRESS:-}

stage() {  # stage NAME COMMAND...: runs it, times it, remembers a failure
  local name=$1; shift
  case " $stages " in *" $name "*) ;; *) return 0 ;; esac
  echo "=== [epmdump] stage $name: $*"
  local t0=$SECONDS stamp
  stamp=$(mktemp)
  if "$@"; then summary+=("$name: ok in $((SECONDS - t0)) s")
  else
    failed+=("$name"); summary+=("$name: FAILED after $((SECONDS - t0)) s")
    # The summary is what a truncated log still shows: name the failed tests there too.
    local list
    while IFS= read -r list; do
      summary+=("  $(wc -l <"$list") failed test(s) in ${list%/Testing/Temporary/*}:")
      while IFS= read -r t; do summary+=("    ${t:0:150}"); done < <(head -n 15 "$list")
    done < <(find . -maxdepth 5 -path '*/Testing/Temporary/LastTestsFailed*.log' -newer "$stamp" 2>/dev/null)
  fi
  rm -f "$stamp"
}
# The tidy stage is CPU work of a fixed size that shares nothing with the others (its own build
# tree, read-only sources), so it starts first under nice 19: it takes only the CPU the other
# stages leave idle (configure steps, link tails, tests waiting on sockets, Wine, apt) and never
# slows them (a nice-0 process gets ~98 % of a core against it). Its output is printed, and its
# failure counted, where it is waited for: before the fuzz stage, whose fixed fuzzing time then
# runs alone. Its time in the summary is that wait.
case " $stages " in *" tidy "*)
  # Its packages now, not beside another stage's apt-get; static-analysis.sh says what is missing.
  bash scripts/install-deps.sh --tidy || true
  tidy_log=$(mktemp)
  tidy_started=$SECONDS
  # setsid gives it a session of its own (so its whole group can be stopped), and with it an
  # autogroup of its own: the kernel shares CPU between autogroups before nice applies, so at
  # plain nice 19 it still took half the machine (seen: clang-tidy 50 % beside cc1plus 48 %). The
  # autogroup's own nice (sched(7), /proc/self/autogroup) puts it behind the stages again.
  setsid sh -c 'echo 19 >/proc/self/autogroup 2>/dev/null; exec nice -n 19 bash scripts/static-analysis.sh' \
    >"$tidy_log" 2>&1 </dev/null &
  tidy_pid=$! ;;
esac
wait_for_tidy() {
  local status=0
  wait "$tidy_pid" || status=$?
  tidy_pid=
  cat "$tidy_log"
  echo "[epmdump] tidy: started $((SECONDS - tidy_started)) s ago at nice 19, beside the stages before this one"
  return "$status"
}
build_and_test() {
  # The test programs' own files at -O0: they only drive the code under test, which stays at -O2
  # with -Werror; they are most of the build and compile in about two thirds of the time. Each test
  # program is one translation unit (EPMDUMP_UNITY_TESTS, tests/CMakeLists.txt), and the libraries
  # and the tool are compiled 8 files to a unit (CMAKE_UNITY_BUILD): 118 CPU s instead of 323 for
  # them. Every library file still compiles alone in the tidy stage, and the Windows stage builds
  # the tool file by file (scripts/windows-test.sh). ctest starts the long cases first (their COST,
  # epmdump_test_cost in tests/CMakeLists.txt), here, in the sanitize and in the Windows stage.
  bash scripts/build.sh -DEPMDUMP_TEST_COMPILE_OPTIONS=-O0 -DEPMDUMP_UNITY_TESTS=ON -DCMAKE_UNITY_BUILD=ON &&
    (cd build && ctest --output-on-failure -j"$(nproc)" --no-tests=error)
}
stage build build_and_test
stage sanitize bash scripts/sanitize-test.sh
stage windows bash scripts/windows-test.sh
stage install env EPMDUMP_DEB_ROOT=clean bash tests/platform/install-test.sh build
stage tidy wait_for_tidy
# A fixed fuzzing budget for the stage: a new target shares it instead of adding a minute.
if [ -n "${EPMDUMP_FUZZ_SECONDS:-}" ]; then fuzz_time=("$EPMDUMP_FUZZ_SECONDS")
else fuzz_time=(--budget "${EPMDUMP_FUZZ_BUDGET:-240}"); fi
stage fuzz bash tests/fuzz/run.sh "${fuzz_time[@]}"

echo "=== [epmdump] summary"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "[epmdump] failed stages: ${failed[*]}" >&2
  exit 1
fi
