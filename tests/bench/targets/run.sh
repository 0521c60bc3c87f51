#!/usr/bin/env bash
# Targets generated per second for a shard of a /8, with and without 100,000 exclusions, against
# the unsharded feed measured in the same run (ratios, not timed assertions).
#   tests/bench/targets/run.sh build-bench [SHARDS] [EXCLUSIONS] [SECONDS_PER_CASE]
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR [SHARDS] [EXCLUSIONS] [SECONDS_PER_CASE]}
exe=$build/tests/bench/bench_targets
[ -x "$exe" ] || { echo "build it first: cmake --build $build --target bench_targets" >&2; exit 2; }
echo "load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
"$exe" "${2:-4}" "${3:-100000}" "${4:-3}"
