#!/bin/bash
# One epmdump campaign as a Slurm job array: array task I scans shard I of N. Every task gets the
# same scope, exclusions and seed, so the shards are disjoint and together cover the scope.
#   mkdir -p results && EPMDUMP_SEED=20261205 sbatch slurm-array.sh   (in a folder holding targets.txt,
#                                                             and exclude.txt if any; Slurm opens the
#                                                             --output logs before the script runs)
#   grep -hv '"kind":"cancelled"' results/shard-*.jsonl > campaign.jsonl   (when all tasks are done)
# The shard is SLURM_ARRAY_TASK_ID (0-based, as --shard counts), the shard count EPMDUMP_SHARDS
# (default 8, matching --array=0-7), not the array's own size: a failed task run again alone
# (sbatch --array=3 slurm-array.sh) is still shard 3 of 8, and resumes from its earlier output.
#SBATCH --job-name=epmdump-campaign
#SBATCH --array=0-7
#SBATCH --cpus-per-task=1
#SBATCH --mem=512M
#SBATCH --time=12:00:00
#SBATCH --output=results/shard-%a.log
#SBATCH --requeue
set -u
: "${EPMDUMP_SEED:?set EPMDUMP_SEED to the same whole number for every task}"
shard=$SLURM_ARRAY_TASK_ID
shards=${EPMDUMP_SHARDS:-8}
[ "$shard" -lt "$shards" ] || { echo "array task $shard is not a shard of EPMDUMP_SHARDS=$shards (0..$((shards - 1)))" >&2; exit 2; }
out=results/shard-$shard
mkdir -p results
resume=()
for f in "$out".attempt-*.jsonl; do [ -s "$f" ] && resume+=(--resume "$f"); done
attempt=$(find results -maxdepth 1 -name "shard-$shard.attempt-*.jsonl" | wc -l)
exclude=()
[ -f exclude.txt ] && exclude=(--excludefile exclude.txt)
epmdump -iL targets.txt "${exclude[@]}" -f json -q --shards "$shards" --shard "$shard" --seed "$EPMDUMP_SEED" \
  "${resume[@]}" > "$out.attempt-$attempt.jsonl"
status=$?
# Stopped (scancel, the time limit's SIGTERM): a failed task; run it again (sbatch --array=I
# slurm-array.sh) and it resumes. Preempted or on a failed node, --requeue reruns it by itself.
grep -q '"kind":"cancelled"' "$out.attempt-$attempt.jsonl" && exit 1
# 1 means some hosts did not answer: that is a result (in the JSON), not a failed task.
[ "$status" -le 1 ] && exit 0 || exit "$status"
