#!/usr/bin/env bash
# Puts a benchmark result into README.md: rewrites the block between
# <!-- bench-table:begin ... --> and <!-- bench-table:end --> from the JSON
# that bench/run.sh wrote.
#
#   scripts/bench-readme.sh [bench/results/FILE.json]   default: the newest
set -euo pipefail
source "$(dirname "$0")/common.sh"

result=${1:-}
if [ -z "$result" ]; then
	# The one written last: names sort by date, but two hosts share a day.
	result=$(ls -t "$CHC_ROOT"/bench/results/*.json 2>/dev/null | head -n 1) || true
	[ -n "$result" ] || die "no result in bench/results/: run bench/run.sh first"
fi
[ -f "$result" ] || die "no such file: $result"
python3 "$CHC_ROOT/bench/report.py" readme "$result" "$CHC_ROOT/README.md"
say "README.md: benchmark table from ${result#"$CHC_ROOT"/}"
