#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a while:
#
#   scripts/fuzz.sh [SECONDS per target, default 60] [TARGET...]
#
# Targets: tests/fuzz/fuzz_csv.c (the CSV parser of ImportCompanies),
# tests/fuzz/fuzz_json.c (libchc's JSON to protobuf conversion) and
# tests/fuzz/fuzz_dispatch.c (the RPC envelope and every method of every
# service with any payload), under AddressSanitizer and
# UndefinedBehaviorSanitizer. Each starts from its seeds in tests/fuzz/seeds
# (fuzz_dispatch's are written from JSON there) and replays every input
# that once failed, kept in tests/fuzz/regressions. A failing input is left
# in build-fuzz/ and fails the script: copy it to tests/fuzz/regressions/<target>/
# once fixed. Needs clang and libclang-rt-14-dev.
set -euo pipefail
source "$(dirname "$0")/common.sh"
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_csv fuzz_json fuzz_dispatch)
dir=$CHC_ROOT/build-fuzz
# Only the targets: the rest of the project is built and tested elsewhere.
# C++ with clang++ too (the matching algorithms, in fuzz_dispatch), which
# does not know the GCC warnings their pragmas silence.
cmake -S "$CHC_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
	-DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_FLAGS=-Wno-unknown-warning-option \
	-DCHC_BUILD_FUZZ=ON -DCHC_BUILD_TESTS=OFF -DCHC_BUILD_BENCH=OFF -DCHC_SANITIZE=ON >/dev/null
cmake --build "$dir" -j "$(nproc)" --target "${targets[@]}" fuzz_dispatch_seeds -- --no-print-directory >/dev/null
rm -f "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-*
for target in "${targets[@]}"; do
	seeds=$CHC_ROOT/tests/fuzz/seeds/$target
	if [ "$target" = fuzz_dispatch ]; then
		"$dir/tests/fuzz/fuzz_dispatch_seeds" "$seeds" "$dir/seeds-$target" >/dev/null
		seeds=$dir/seeds-$target
	fi
	inputs=("$seeds")
	regressions=$CHC_ROOT/tests/fuzz/regressions/$target
	[ -d "$regressions" ] && inputs+=("$regressions")
	mkdir -p "$dir/corpus/$target"
	echo "== $target for $seconds s"
	(cd "$dir" && "./tests/fuzz/$target" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
		"corpus/$target" "${inputs[@]}" \
		-print_final_stats=1 2>&1 | grep -E 'stat::number_of_executed_units|ERROR|SUMMARY|^    #[0-9]+ ' || true)
	# Any one kind is a failure (ls of several patterns fails when one is absent).
	failing=$(find "$dir" -maxdepth 1 -name 'crash-*' -o -maxdepth 1 -name 'leak-*' \
		-o -maxdepth 1 -name 'timeout-*' -o -maxdepth 1 -name 'oom-*')
	[ -z "$failing" ] || die "$target found a failing input: $failing"
done
echo "no crashes"
