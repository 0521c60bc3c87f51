#!/bin/bash
# One epmdump campaign as a Slurm job array: array task I scans shard I of N. Every task gets the
# same scope, exclusions and seed, so the shards are disjoint and together cover the scope.
#   EPMDUMP_SEED=20261205 sbatch slurm-array.sh            (from a folder holding targets.txt)
#   cat results/shard-*.jsonl > campaign.jsonl               (when all tasks are done)
# The array may be numbered from any base (--array=1-8 too): the shard is the task's offset from
# SLURM_ARRAY_TASK_MIN, the shard count SLURM_ARRAY_TASK_COUNT. A task that is requeued resumes
# from its own earlier output.
#SBATCH --job-name=epmdump-campaign
#SBATCH --array=0-7
#SBATCH --cpus-per-task=1
#SBATCH --mem=512M
#SBATCH --time=12:00:00
#SBATCH --output=results/shard-%a.log
#SBATCH --requeue
set -u
: "${EPMDUMP_SEED:?set EPMDUMP_SEED to the same whole number for every task}"
shard=$((SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN))
shards=$SLURM_ARRAY_TASK_COUNT
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
# 1 means some hosts did not answer: that is a result (in the JSON), not a failed task.
[ "$status" -le 1 ] && exit 0 || exit "$status"
