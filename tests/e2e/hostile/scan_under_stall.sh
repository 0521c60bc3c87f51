#!/usr/bin/env bash
# The scanner under stall, measured: runs the hostile_scan test (1,000 loopback targets, 30%
# accept-and-stall, 20% refuse, 50% answer 53 entries; 2 s phase budget, 3 s host deadline)
# at several concurrencies and prints wall time and peak RSS of the epmdump process for each.
#   tests/e2e/hostile/scan_under_stall.sh [BUILD_DIR] ["TARGETSxCONCURRENCY ..."]
# Default shapes: 1000x1000 1000x500 1000x256 1000x64 4000x4000.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
shapes=${2:-"1000x1000 1000x500 1000x256 1000x64 4000x4000"}
exe="$build/tests/e2e/hostile/hostile_scan"
[ -x "$exe" ] || { echo "build $exe first (cmake --build $build --target hostile_scan)" >&2; exit 2; }
printf '%-8s %-11s %-8s %-12s %s\n' targets concurrency wall_s peak_rss_kB result
for shape in $shapes; do
  n=${shape%x*}
  c=${shape#*x}
  out=$(EPMDUMP_STALL_TARGETS=$n EPMDUMP_STALL_CONCURRENCY=$c "$exe" -s 2>&1 || true)
  line=$(grep -o '[0-9]* targets, concurrency [0-9]*: [0-9.]* s wall, peak RSS [0-9]* kB' <<<"$out" || true)
  wall=$(sed -n 's/.*: \([0-9.]*\) s wall.*/\1/p' <<<"$line")
  rss=$(sed -n 's/.*peak RSS \([0-9]*\) kB.*/\1/p' <<<"$line")
  if grep -q 'Status: SUCCESS' <<<"$out"; then verdict=pass
  elif grep -q 'EPMDUMP_SKIP' <<<"$out"; then verdict=skipped
  else verdict=FAIL; fi
  printf '%-8s %-11s %-8s %-12s %s\n' "$n" "$c" "${wall:-?}" "${rss:-?}" "$verdict"
done
