#!/usr/bin/env bash
# Configures and builds into ${EPMDUMP_BUILD_DIR:-build}; extra arguments go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${EPMDUMP_BUILD_DIR:-build}
extra=()
# CI: warnings are errors, and a live or hostile test that skips fails (tests/CMakeLists.txt).
[ "${CI:-}" = true ] && extra+=(-DEPMDUMP_WERROR=ON -DEPMDUMP_REQUIRE_LIVE=ON)
cmake -S . -B "$dir" -G Ninja "${extra[@]}" "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
