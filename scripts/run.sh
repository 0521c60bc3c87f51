#!/usr/bin/env bash
# README command 1: install what is missing, build, run epmdump on its built-in default.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
exec ./build/apps/epmdump "$@"
