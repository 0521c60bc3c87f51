#!/bin/sh
# The Windows build's CMAKE_CROSSCOMPILING_EMULATOR (scripts/windows-test.sh): wine, once the Wine
# prefix that script makes in the background while compiling is ready (it holds EPMDUMP_WINE_LOCK).
[ -z "${EPMDUMP_WINE_LOCK:-}" ] || [ ! -e "$EPMDUMP_WINE_LOCK" ] || flock -s "$EPMDUMP_WINE_LOCK" true
exec wine "$@"
