#!/usr/bin/env bash
# Configures and builds the project: ./scripts/build.sh [BUILD_DIR] [cmake options]
set -euo pipefail
source "$(dirname "$0")/common.sh"
dir=${1:-$CHC_BUILD_DIR}
shift || true
cmake -S "$CHC_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)" -- --no-print-directory
