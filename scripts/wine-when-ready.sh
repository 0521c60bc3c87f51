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
wine "$@" >"$dir/out" 2>"$dir/err"
status=$?
cat "$dir/out"
cat "$dir/err" >&2
# A start that Wine itself failed prints nothing of the program's: say so rather than be silent.
[ "$status" -eq 0 ] || [ -s "$dir/out" ] || [ -s "$dir/err" ] ||
    echo "[wine] $1 ended with status $status and printed nothing: Wine did not run it to its end" >&2
exit "$status"
