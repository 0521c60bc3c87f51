#!/usr/bin/env bash
# One epmdump scan as N shards run by GNU parallel on the machines of an --sshloginfile (or
# locally: a line ":" is this machine; "4/scanner1" runs 4 shards at once on scanner1). Each
# machine needs epmdump on its PATH (or EPMDUMP=/path/to/epmdump); targets and options travel on
# the command line, so list files must exist at the same path on every machine. The shards'
# JSON Lines come back on stdout, each shard's whole, in shard order (--keep-order).
#   EPMDUMP_SEED=20261205 parallel-shards.sh -S logins.txt -n 16 -- 10.0.0.0/8 --exclude 10.9.0.0/16 > campaign.jsonl
# Exit status: 0 when every shard ran (hosts that failed are in the JSON), else parallel's count
# of shards that could not run (a usage error, an unreachable machine: see stderr).
set -euo pipefail
usage() { echo "usage: EPMDUMP_SEED=S $0 -S SSHLOGINFILE -n SHARDS -- SCAN ARGUMENTS..." >&2; exit 2; }
logins="" shards=""
while getopts "S:n:" opt; do
  case $opt in
    S) logins=$OPTARG ;;
    n) shards=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ "${1:-}" = "--" ] && shift
[ -n "$logins" ] && [ -n "$shards" ] && [ $# -gt 0 ] || usage
: "${EPMDUMP_SEED:?set EPMDUMP_SEED to one whole number for all shards}"
epmdump=${EPMDUMP:-epmdump}
# A shard whose hosts partly failed exits 1: a result, not a failed job; 2 and above are failures.
status=0
parallel --will-cite --keep-order --sshloginfile "$logins" --jobs 1 --quote \
  sh -c '"$0" "$@"; s=$?; [ "$s" -le 1 ] || exit "$s"' "$epmdump" "$@" -f json -q \
  --shards "$shards" --shard "{}" --seed "$EPMDUMP_SEED" ::: $(seq 0 $((shards - 1))) || status=$?
exit "$status"
