#!/bin/sh
# The Windows build's CMAKE_CROSSCOMPILING_EMULATOR (scripts/windows-test.sh): runs a test program
# under Wine for CTest and for doctest's test discovery, once the Wine prefix that script makes in
# the background while compiling is ready (it holds EPMDUMP_WINE_LOCK).
[ -z "${EPMDUMP_WINE_LOCK:-}" ] || [ ! -e "$EPMDUMP_WINE_LOCK" ] || flock -s "$EPMDUMP_WINE_LOCK" true
# The program's output reaches CTest through files, never through CTest's own pipes: a Wine
# system process it happens to start (services.exe, winedevice.exe, rpcss.exe...) inherits its
# standard handles and lives as long as the persistent wineserver, so CTest waited for the pipe
# to close until the test's TIMEOUT though the program had ended (a passed test "hung" 300 s).
dir=$(mktemp -d) || exit 125
trap 'rm -rf "$dir"' EXIT
# The test programs' main() creates this file first thing (tests/support/test_main.cpp); Wine's
# drive Z: is the Unix root.
EPMDUMP_TEST_STARTED_MARKER="Z:$(printf '%s' "$dir/started" | tr / '\\')"
export EPMDUMP_TEST_STARTED_MARKER
attempt=1
while :; do
    wine "$@" >"$dir/out" 2>"$dir/err"
    status=$?
    # Rarely (twice in ~20 CI runs, never in 900 runs in a loop) Wine 8 ends a program with
    # status 1 and no output in ~10 ms, before the program's main ran. Only that case, proven
    # by the missing marker, is started once more; a program that reached main is never rerun.
    if [ "$status" -ne 0 ] && [ ! -e "$dir/started" ] && [ ! -s "$dir/out" ] && [ "$attempt" -eq 1 ]; then
        echo "[wine] $1 ended with status $status before its main() ran (Wine did not start it): starting it once more" >&2
        cat "$dir/err" >&2
        attempt=2
        continue
    fi
    break
done
cat "$dir/out"
cat "$dir/err" >&2
[ "$status" -eq 0 ] || [ -e "$dir/started" ] || [ -s "$dir/out" ] ||
    echo "[wine] $1 ended with status $status before its main() ran: Wine did not start it" >&2
exit "$status"
