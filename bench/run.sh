#!/usr/bin/env bash
# Runs every benchmark in one go and prints the figures with their ratios:
#
#   bench/run.sh [seconds per run, default 5]
#
# 1. a private PostgreSQL and the four services of its own (bench-home in the
#    build directory, ports 7201-7204, 7211-7214, 8201-8204, PostgreSQL on
#    55435), so it
#    never touches the demo's stack or data
# 2. imports 100 000 synthetic companies, each with one solution, through
#    `chc company import` (the import job's time)
# 3. the raw limit, chc-bench-raw-server: plain nng REP + plain libpq, no
#    project code, on tcp://127.0.0.1:7199 with as many workers as the
#    services have (CHC_WORKERS, default 8)
# 4. GetCompany and GetMunicipality through libchc against the services and
#    the same lookups against the raw limit, at 1 and 8 clients: rps, p50,
#    p99, and the ratio of the services' rps to the raw limit's
# 5. SearchSolutions over the 100 000 solutions (full text): p50, p99
# 6. the matching jobs through the service (bench/jobs.sh): need_solution at
#    20,000 solutions x 1,000 needs, the test-bed jobs at 20,000 x 500 and
#    consortia, from submit to results stored
# 7. the assignment solver against LEMON's network simplex alone and GLPK's
#    LP on the same instance, and stable matching, at 20,000 x 500 and
#    100,000 x 2,000
#
# Needs a build with the benchmarks (scripts/build.sh builds them).
set -euo pipefail
source "$(dirname "$0")/../scripts/common.sh"

seconds=${1:-5}
companies=${CHC_BENCH_COMPANIES:-100000}
workers=${CHC_WORKERS:-8}
export CHC_WORKERS=$workers
export CHC_HOME=$CHC_BUILD_DIR/bench-home
export CHC_PG_PORT=55435 CHC_HTTP_BASE_PORT=8200 CHC_EVENTS_BASE_PORT=7210 CHC_PG_FSYNC=off
export CHC_COMPANIES_URL=tcp://127.0.0.1:7201 CHC_MUNICIPALITIES_URL=tcp://127.0.0.1:7202
export CHC_PROJECTS_URL=tcp://127.0.0.1:7203 CHC_MATCHING_URL=tcp://127.0.0.1:7204
export CHC_DATABASE_URL="host=$CHC_HOME/pg/run port=$CHC_PG_PORT user=chc dbname=chc passfile=$CHC_HOME/pgpass"
unset CHC_PRIVATE_DATABASE
raw_url=tcp://127.0.0.1:7199
load=$CHC_BUILD_DIR/bench/chc-bench-load
[ -x "$load" ] || die "not built: run scripts/build.sh (the benchmarks build by default)"

stack() { CHC_DATABASE_URL='' "$CHC_ROOT/scripts/stack.sh" "$@"; }
raw_pid=
cleanup() {
	[ -z "$raw_pid" ] || kill -TERM "$raw_pid" 2>/dev/null || true
	stack stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

printf '== machine: %s cores, %s\n' "$(nproc)" "$(uname -sr)"
stack start >/dev/null
echo "== stack ready (CHC_WORKERS=$workers, PostgreSQL fsync off for both sides)"
# Authentication is on, as in production: the load clients call with the
# stack's admin token (each check is a cache hit after the first).
CHC_TOKEN=$(head -n 1 "$CHC_HOME/admin.token")
export CHC_TOKEN

# The import job, once: a second run finds the companies there.
have=$(psql "$CHC_DATABASE_URL" -XAtc "SELECT count(*) FROM companies.companies")
if [ "$have" -lt "$companies" ]; then
	csv=$CHC_HOME/companies-$companies.csv
	[ -f "$csv" ] || python3 "$CHC_ROOT/scripts/generate-companies.py" "$companies" >"$csv"
	start=$(date +%s%N)
	"$CHC_BUILD_DIR/client/chc" company import "$csv" >/dev/null
	end=$(date +%s%N)
	awk -v n="$companies" -v ns=$((end - start)) \
		'BEGIN { printf "== import: %d companies with %d solutions in %.1f s (%.0f companies/s)\n", n, n, ns / 1e9, n / (ns / 1e9) }'
else
	echo "== import: $have companies already loaded (delete $CHC_HOME to measure the import again)"
fi
# The import leaves solutions as drafts; moderating 100 000 of them one call
# at a time is not what is measured, so the benchmark publishes them in SQL.
psql "$CHC_DATABASE_URL" -Xqc "UPDATE companies.solutions SET status = 'published',
	reviewed_on = current_date WHERE status = 'draft'" -c "VACUUM ANALYZE" >/dev/null

"$CHC_BUILD_DIR/bench/chc-bench-raw-server" "$raw_url" "$CHC_DATABASE_URL" "$workers" >/dev/null &
raw_pid=$!
sleep 0.5

field() { sed -E "s/.*\"$1\":([0-9.]+).*/\1/" <<<"$2"; }

printf '\n%-16s %7s %10s %10s %9s %9s %10s %9s %9s %7s\n' method clients \
	"chc rps" "chc p50" "chc p99" "" "raw rps" "raw p50" "raw p99" ratio
for method in company municipality; do
	for clients in 1 8; do
		chc_line=$("$load" --target chc --method "$method" --clients "$clients" --seconds "$seconds")
		raw_line=$("$load" --target raw --method "$method" --clients "$clients" \
			--seconds "$seconds" --url "$raw_url")
		chc_rps=$(field rps "$chc_line")
		raw_rps=$(field rps "$raw_line")
		printf '%-16s %7d %10.0f %8dus %7dus %9s %10.0f %7dus %7dus %6.2fx\n' \
			"$(sed -E 's/.*"method":"([A-Za-z]+)".*/\1/' <<<"$chc_line")" "$clients" \
			"$chc_rps" "$(field p50_us "$chc_line")" "$(field p99_us "$chc_line")" "" \
			"$raw_rps" "$(field p50_us "$raw_line")" "$(field p99_us "$raw_line")" \
			"$(awk -v a="$chc_rps" -v b="$raw_rps" 'BEGIN { print (b > 0 ? a / b : 0) }')"
	done
done

# What a secretariat types: a care topic, a topic and a target, a product.
queries="telemonitorering|faldforebyggelse borgere|fall detection|KOL hjemmepleje|\
dementia care|medicinhåndtering|video consultation|genoptræning|heart failure at home|\
Sundhedsplatformen|diabetes|demensomsorg i eget hjem"
total=$(psql "$CHC_DATABASE_URL" -XAtc "SELECT count(*) FROM companies.solutions WHERE status = 'published'")
matches=$(IFS='|'; for query in $queries; do
	psql "$CHC_DATABASE_URL" -XAtc "SELECT count(*) FROM companies.solutions WHERE status = 'published'
		AND search @@ (websearch_to_tsquery('danish', \$\$$query\$\$) ||
		websearch_to_tsquery('english', \$\$$query\$\$))"
done | sort -n | tr '\n' ' ')
printf '\nSearchSolutions over %d published solutions, 12 queries in turn (matches per query: %s)\n' \
	"$total" "$matches"
for clients in 1 8; do
	line=$("$load" --target chc --method search --clients "$clients" --seconds "$seconds" \
		--query "$queries")
	printf '  %d client(s): %.0f rps, p50 %d us, p99 %d us\n' \
		"$clients" "$(field rps "$line")" "$(field p50_us "$line")" "$(field p99_us "$line")"
done
bash "$CHC_ROOT/bench/jobs.sh"

# The assignment solver against LEMON alone and GLPK's LP on the same
# instance (GLPK takes minutes at 20,000 x 500; not at all at 100,000 x 2,000).
printf '\nTest-bed assignment (min-cost flow), one seeded instance each\n'
"$CHC_BUILD_DIR/bench/chc-bench-assignment" --solutions 20000 --test-beds 500 --glpk
"$CHC_BUILD_DIR/bench/chc-bench-assignment" --solutions 100000 --test-beds 2000
