#!/bin/sh
# Start-up cost of epmdump (issue #18): `epmdump --version` and one lookup against a Samba peer,
# each run RUNS times under `perf stat -r`, for each binary given, alternately (two rounds), plus
# the libraries the dynamic loader maps (ldd) and its relocation statistics (LD_DEBUG=statistics).
#
#   tests/bench/one_host/startup.sh [RUNS] EPMDUMP...     (EPMDUMP_SAMBA_ADDRESS: the peer; default 10.200.0.2)
set -eu
runs=${1:?usage: startup.sh RUNS EPMDUMP...}
shift
peer=${EPMDUMP_SAMBA_ADDRESS:-10.200.0.2}
bins="$*" # paths without spaces
stat() { # task-clock ms per run, wall ms per run
    perf stat -r "$runs" "$@" 2>&1 >/dev/null | awk '
        /task-clock/ { cpu = $1 } /seconds time elapsed/ { wall = $1 * 1000 }
        END { gsub(",", "", cpu); printf "%8.3f %8.3f", cpu, wall }'
}
for bin in $bins; do
    printf '%s: %s libraries (ldd); ' "$bin" "$(ldd "$bin" | wc -l)"
    LD_DEBUG=statistics "$bin" --version 2>&1 >/dev/null | awk '/total startup time/ { t = $(NF - 1) } /final number of relocations:/ { r = $NF } END { printf "loader: %s cycles, %s relocations\n", t, r }'
done
printf '%-40s %-10s %10s %10s\n' binary command "CPU ms" "wall ms"
for round in 1 2; do
    for bin in $bins; do
        set -- $(stat "$bin" --version)
        printf '%-40s %-10s %10s %10s\n' "$bin" --version "$1" "$2"
        set -- $(stat "$bin" -q "$peer")
        printf '%-40s %-10s %10s %10s\n' "$bin" "$peer" "$1" "$2"
    done
done
