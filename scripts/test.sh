#!/usr/bin/env bash
# Sets everything up and runs every test: the one command CI runs.
#
#   ./scripts/test.sh
#
# 1. installs the Debian packages it needs (as root, with apt-get)
# 2. checks the formatting (clang-format) and runs cppcheck
# 3. builds and runs the whole suite (unit, integration against a private
#    PostgreSQL and real service processes, interop with protoc + nngcat)
# 4. builds again with AddressSanitizer + UndefinedBehaviorSanitizer and
#    runs the whole suite again (a leak or a UB report fails it)
# 5. runs the unit tests and the service suites under valgrind, the services
#    themselves included
# 6. runs each libFuzzer target for a bounded time (scripts/fuzz.sh)
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$CHC_ROOT"

step() { printf '\n== %s\n' "$*"; }

step "dependencies"
"$CHC_ROOT/scripts/install-deps.sh" --test

step "formatting (clang-format)"
mapfile -t sources < <(git ls-files '*.c' '*.h' 2>/dev/null || find include services client tests bench -name '*.[ch]')
clang-format --dry-run --Werror "${sources[@]}"
echo "${#sources[@]} files formatted"

step "the demo needs only what it installs"
"$CHC_ROOT/scripts/check-demo-deps.sh"

step "build"
"$CHC_ROOT/scripts/build.sh" "$CHC_BUILD_DIR" -DCHC_BUILD_TESTS=ON -DCHC_BUILD_BENCH=ON >/dev/null
echo "built in $CHC_BUILD_DIR"

step "static analysis (cppcheck)"
cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	--inline-suppr --suppress=missingIncludeSystem \
	-D__GNUC__ -DPROTOBUF_C_VERSION_NUMBER=1004001 -DPROTOBUF_C_MIN_COMPILER_VERSION=1000000 \
	-I include -I services/core -I "$CHC_BUILD_DIR/generated" \
	include services client bench tests
echo "cppcheck: no findings"

step "tests"
# test_load_faults: 32 callers for CHC_LOAD_SECONDS, then a third of that
# per fault (about 3 minutes with 60); its summary lines are printed after.
CHC_LOAD_SECONDS=${CHC_LOAD_SECONDS:-60} \
	ctest --test-dir "$CHC_BUILD_DIR" --output-on-failure --timeout 300
grep -a '^load_faults ' "$CHC_BUILD_DIR/Testing/Temporary/LastTest.log" || true

step "tests under AddressSanitizer and UndefinedBehaviorSanitizer"
asan_dir=${CHC_ASAN_BUILD_DIR:-$CHC_ROOT/build-asan}
"$CHC_ROOT/scripts/build.sh" "$asan_dir" -DCHC_SANITIZE=ON -DCHC_BUILD_TESTS=ON \
	-DCHC_BUILD_BENCH=OFF -DCHC_TEST_PG_PORT=55434 >/dev/null
# The load and its faults briefly (each fault scenario still takes 8 s):
# the sanitizers watch the fault paths, the plain run above measures.
# tests/lsan.supp: one leak inside Debian's nng, named there.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	LSAN_OPTIONS=suppressions=$CHC_ROOT/tests/lsan.supp:print_suppressions=0 \
	CHC_LOAD_SECONDS=5 ctest --test-dir "$asan_dir" --output-on-failure --timeout 300

step "tests under valgrind"
valgrind=(valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect)
for test in test_status test_dispatch test_validate test_update_mask test_json test_cvr \
	test_search_index; do
	"${valgrind[@]}" "$CHC_BUILD_DIR/tests/$test" >/dev/null
	echo "$test: clean"
done
"${valgrind[@]}" "$CHC_BUILD_DIR/client/chc" --help >/dev/null
echo "chc --help: clean"
# Every method's seeds and past crashes (the seeds written by CTest above).
"${valgrind[@]}" "$CHC_BUILD_DIR/tests/fuzz/replay_fuzz_dispatch" \
	"$CHC_BUILD_DIR/tests/fuzz/seeds-fuzz_dispatch" tests/fuzz/regressions/fuzz_dispatch >/dev/null
echo "replay_fuzz_dispatch: clean"
# The services themselves, serving real requests, under valgrind.
CHC_TEST_SERVICE_WRAPPER="${valgrind[*]}" \
	ctest --test-dir "$CHC_BUILD_DIR" --output-on-failure --timeout 600 \
	-R '^(postgres_start|postgres_stop|test_rpc_core|test_idempotency|test_municipalities|test_needs|test_companies|test_solutions|test_drain|test_events|test_matching|test_projects|test_access|test_replica)$'

step "fuzzing (libFuzzer, 30 s per target)"
"$CHC_ROOT/scripts/fuzz.sh" 30

step "done"
echo "all tests passed"
