#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a while:
#
#   scripts/fuzz.sh [SECONDS per target, default 60]
#
# Targets: tests/fuzz/fuzz_csv.c (the CSV parser of ImportCompanies) and
# tests/fuzz/fuzz_json.c (libchc's JSON to protobuf conversion), both under
# AddressSanitizer and UndefinedBehaviorSanitizer. A crash leaves its input
# in build-fuzz/ and fails the script. Needs clang and libclang-rt-14-dev.
set -euo pipefail
source "$(dirname "$0")/common.sh"
seconds=${1:-60}
dir=$CHC_ROOT/build-fuzz
CC=clang "$CHC_ROOT/scripts/build.sh" "$dir" -DCHC_BUILD_FUZZ=ON -DCHC_BUILD_TESTS=OFF \
	-DCHC_BUILD_BENCH=OFF -DCHC_SANITIZE=ON >/dev/null
for target in fuzz_csv fuzz_json; do
	mkdir -p "$dir/corpus/$target"
	echo "== $target for $seconds s"
	(cd "$dir" && "./tests/fuzz/$target" -max_total_time="$seconds" -max_len=4096 \
		"corpus/$target" "$CHC_ROOT/tests/fuzz/seeds/$target" \
		-print_final_stats=1 2>&1 | grep -E 'stat::number_of_executed_units|ERROR|SUMMARY' || true)
	ls "$dir"/crash-* "$dir"/leak-* 2>/dev/null && die "$target found a failing input"
done
echo "no crashes"
