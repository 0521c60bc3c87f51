#!/usr/bin/env bash
# Windows, proven from Linux: cross-builds the libraries, epmdump.exe and the unit, replay and
# platform test programs with mingw-w64 into build-mingw/, then runs them under Wine. The
# platform tests include the live one: epmdump.exe enumerates a loopback endpoint mapper.
# Installs what is missing (Debian 12 packages g++-mingw-w64-x86-64, wine64, wine).
#   bash scripts/windows-test.sh            (EPMDUMP_WINDOWS_BUILD_DIR, EPMDUMP_JOBS override)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dir=${EPMDUMP_WINDOWS_BUILD_DIR:-build-mingw}
jobs=${EPMDUMP_JOBS:-2}
log() { echo "[windows-test] $*" >&2; }
started=$SECONDS

# 1. Packages: the cross compiler, Wine, and the Linux build's header-only dependencies.
pkgs=(cmake ninja-build g++-mingw-w64-x86-64 wine64 wine libboost1.81-dev doctest-dev libcli11-dev nlohmann-json3-dev)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    # --no-install-recommends: without it wine brings ~100 packages of graphics stack.
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. A private, headless Wine, made in the background while step 3 compiles (wineboot mostly
# waits). Whatever runs wine before it is ready (doctest_discover_tests after each link, ctest)
# goes through scripts/wine-when-ready.sh, which waits for the lock the background job holds.
export WINEPREFIX=${EPMDUMP_WINEPREFIX:-$root/$dir/wineprefix} WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY
mkdir -p "$WINEPREFIX" "$dir"
cleanup() { wineserver -k 2>/dev/null || true; }
trap cleanup EXIT
export EPMDUMP_WINE_LOCK=$(realpath "$dir")/wine-prefix.lock
exec 9>"$EPMDUMP_WINE_LOCK"
flock -x 9
# The job keeps descriptor 9 (the lock) until it ends; the Wine processes must not inherit it
# (the persistent wineserver would hold the lock for ever).
(
  t=$SECONDS
  wineboot -i >/dev/null 2>&1 9>&- || true
  wineserver -w 9>&-
  # A persistent server: without it each test waits ~2.5 s for Wine's helper processes to linger out.
  wineserver -p 9>&-
  wine cmd /c exit >/dev/null 2>&1 9>&- || true
  log "wine prefix ready ($((SECONDS - t)) s, in the background)"
) &
exec 9>&-

# 3. Configure and build only what runs here: epmdump.exe, the unit tests (platform ones included),
# the replay tests and the end-to-end tests that run through the shell (tests/e2e).
# -O1 keeps the cross build quick, and so do units of 8 library files (the tool's files are compiled
# one by one here: no other stage does); GCC 12 reports false -Wmaybe-uninitialized at -O1 through
# Boost.Variant2 and std::optional moves, so that one warning is off (the Linux build keeps it).
werror=OFF
[ "${CI:-}" = true ] && werror=ON
t=$SECONDS
cmake -S . -B "$dir" -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE=-O1 -DCMAKE_CXX_FLAGS=-Wno-maybe-uninitialized \
    -DEPMDUMP_TEST_COMPILE_OPTIONS=-O0 -DEPMDUMP_UNITY_TESTS=ON -DCMAKE_UNITY_BUILD=ON -DEPMDUMP_APPS_UNITY_BUILD=OFF \
    -DEPMDUMP_WERROR=$werror -DCMAKE_CROSSCOMPILING_EMULATOR="$root/scripts/wine-when-ready.sh" >/dev/null
mapfile -t targets < <(ninja -C "$dir" -t targets all |
    sed -n 's#^\(tests/\(unit/[^/]*\|replay\)/[^/:]*\.exe\):.*#\1#p' | sort -u)
# (tests/unit/client/client_targets: the target grammar caught Winsock reading "10.0.0.1-3" as a range to 0.0.0.3.)
targets+=(apps/epmdump.exe tests/e2e/replay_cli.exe tests/e2e/platform_cli.exe tests/e2e/exchange_cli.exe)
log "building ${#targets[@]} programs: ${targets[*]}"
cmake --build "$dir" -j"$jobs" --target "${targets[@]}"
log "built in $((SECONDS - t)) s"

# 4. The tests, through Wine (CMAKE_CROSSCOMPILING_EMULATOR). Programs not built here (live:
# real Samba peers; hostile; the CLI tests that fork) leave *_NOT_BUILT placeholders: left out.
t=$SECONDS
set +e
ctest --test-dir "$dir" -j"$jobs" --output-on-failure --no-tests=error --timeout 300 -E '_NOT_BUILT-' \
    2>&1 | tee "$dir/ctest-wine.log"
rc=${PIPESTATUS[0]}
set -e
log "ctest under wine: $((SECONDS - t)) s, exit $rc; total $((SECONDS - started)) s"
exit "$rc"
