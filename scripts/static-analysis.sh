#!/usr/bin/env bash
# Static analysis of lib/ with clang-tidy (checks in scripts/static-analysis.clang-tidy; headers
# under lib/epmdump are checked through the sources that include them). Configures a clang build
# tree only for its compile_commands.json (nothing is compiled) and fails on any finding.
# EPMDUMP_TIDY_BUILD_DIR (default build-tidy), EPMDUMP_JOBS (default nproc); extra arguments are
# a regex of the files to check (default: every .cpp under lib/). Installs clang-tidy-14 and
# clang-14 when missing (scripts/install-deps.sh --tidy).
# Its cost (151 files at 669e322): ~1,000 s of CPU here. About two thirds (4.5 s a file, over 60 of
# them) are parsing and the AST-matcher checks, and that is nearly all the headers, not our code:
# clang-tidy 14 runs every matcher check over every declaration of every included header, system
# ones too, and only then drops what is reported there (an empty file including the ~50
# standard headers lib/ uses: 5.5 s with the matcher checks, 1.4 s parsing and one check;
# nlohmann/json.hpp alone 8 s; boost/system/result.hpp, reached by 110 files, 3 s). The analyzer is
# the other third (client/connection.cpp: 26 of its 34 s, mostly paths inlined into Boost.Asio's
# socket and timer code: ~connection() alone 2.3 s, nothing with inlining off). A precompiled header
# of the system headers does not help: clang-tidy still loads and visits each of its declarations,
# so only lexing is saved, and it cost more CPU than it saved (README, Tests). clang-tidy 22 skips
# system headers when matching (llvm-project#151035); Debian 12 has up to 19.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dir=${EPMDUMP_TIDY_BUILD_DIR:-build-tidy}
jobs=${EPMDUMP_JOBS:-$(nproc)}
bash scripts/install-deps.sh --tidy || { echo "[epmdump] tidy: clang-tidy-14 and clang-14 are needed and could not be installed" >&2; exit 1; }
tidy=$(command -v clang-tidy-14 || command -v clang-tidy) ||
  { echo "[epmdump] tidy: no clang-tidy-14 or clang-tidy on PATH" >&2; exit 1; }
cxx=$(command -v clang++-14 || command -v clang++) || { echo "[epmdump] tidy: no clang++-14 or clang++ on PATH" >&2; exit 1; }
# clang flags in the database, so what clang-tidy parses is what clang would compile.
cmake -S . -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DEPMDUMP_BUILD_TESTS=OFF >/dev/null
pattern=${1:-"^$root/lib/.*\\.cpp\$"}
# Longest analyses first (files using Boost.Asio, then by size), so that xargs -P does not end
# the stage on one big file with the other core idle.
mapfile -t files < <(python3 - "$dir/compile_commands.json" "$pattern" <<'PY'
import json, os, re, sys
seen = set()
for c in json.load(open(sys.argv[1])):
    f = c["file"]
    if re.search(sys.argv[2], f):
        seen.add(f)
def cost(f):
    if not os.path.isfile(f):  # generated, not written yet: last
        return (True, 0, f)
    with open(f, encoding="utf-8", errors="replace") as text:
        return ("asio" not in text.read(), -os.path.getsize(f), f)
print("\n".join(sorted(seen, key=cost)))
PY
)
[ ${#files[@]} -gt 0 ] || { echo "[epmdump] no file matches $pattern" >&2; exit 2; }
echo "[epmdump] clang-tidy on ${#files[@]} files" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# clang-tidy exits non-zero only when a file does not compile; findings are counted below.
compiled=0
printf '%s\n' "${files[@]}" |
  xargs -P "$jobs" -n 1 "$tidy" -p "$dir" --quiet --config-file="$root/scripts/static-analysis.clang-tidy" \
    >"$log" 2>&1 || compiled=$?
# One line per finding (headers are reported once per file that includes them).
findings=$(grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error): .*\[[A-Za-z0-9.,-]+\]$' "$log" | sort -u || true)
# The one accepted exception: clang 14's analyzer does not model C++20 coroutines and follows
# paths from our co_await into Boost.Asio's awaitable frames, where it sees a "pointer" that the
# coroutine machinery always sets (attached_thread_). Findings located in Boost.Asio from
# clang-analyzer checks are shown but do not fail; anything else, anywhere, does.
ignored=$(grep -E '^/usr/include/boost/asio/[^ ]+: (warning|error): .*\[clang-analyzer-[a-zA-Z.]+' <<<"$findings" || true)
failing=$(grep -vE '^/usr/include/boost/asio/[^ ]+: (warning|error): .*\[clang-analyzer-[a-zA-Z.]+' <<<"$findings" || true)
if [ -n "$ignored" ]; then
  echo "[epmdump] ignored (analyzer inside Boost.Asio coroutine frames, see this script):" >&2
  sed 's/^/  /' <<<"$ignored" >&2
fi
if [ "$compiled" -ne 0 ] && [ -z "$failing" ]; then
  grep -E 'error:' "$log" | sort -u | head -50 >&2 || true # head may SIGPIPE sort; the message below must still print
  echo "[epmdump] clang-tidy could not process every file" >&2
  exit 1
fi
if [ -n "$failing" ]; then
  grep -A4 -F -f <(cut -d' ' -f1 <<<"$failing") "$log" | head -400 || true
  echo "[epmdump] clang-tidy: $(wc -l <<<"$failing") findings in lib/:" >&2
  echo "$failing" >&2
  exit 1
fi
echo "[epmdump] clang-tidy: no findings in lib/" >&2
