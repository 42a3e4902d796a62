#!/usr/bin/env bash
# Runs every benchmark in one go and prints the one table, every figure
# beside its raw limit:
#
#   bench/run.sh [seconds per run, default 5]
#
# 1. a private PostgreSQL and the four services of its own (bench-home in the
#    build directory, ports 7201-7204, 7211-7214, 8201-8204, PostgreSQL on
#    55435), so it never touches the demo's stack or data; each service's
#    resident memory (VmRSS) is read once it is up and idle
# 2. imports 100 000 synthetic companies, each with one solution, through
#    `chc company import` (the import job's time), and a few hundred
#    projects and test beds through `chc project import` and `chc testbed
#    import`, so that every service has rows to read
# 3. the raw limit, chc-bench-raw-server: plain nng REP + plain libpq, no
#    project code, on tcp://127.0.0.1:7199 with as many workers as the
#    services have (CHC_WORKERS, default 8)
# 4. the hot read of every service (GetCompany, GetMunicipality, GetProject,
#    GetTestBed) through libchc and the same row read from the raw limit, at
#    1, 8 and 32 clients: rps, p50, p99, and the ratio of the services' rps
#    to the raw limit's
# 5. a write: CreateTestBed with an idempotency key per call against a
#    plain INSERT in a transaction on the raw limit, at 1 and 8 clients
# 6. SearchSolutions over the 100 000 solutions (full text) at 1 and 8
#    clients: p50, p99
# 7. a deep page: ListSolutions page 1 against page 1,000 (100 a page),
#    reached by following the page tokens as a caller does
# 8. the services' resident memory under load: the most seen while the
#    8-client runs went on (sampled every 0.2 s)
# 9. the matching jobs through the service (bench/jobs.sh): need_solution at
#    20,000 solutions x 1,000 needs, the test-bed jobs at 20,000 x 500 and
#    consortia, from submit to results stored
# 10. the assignment solver against LEMON's network simplex alone and GLPK's
#    LP on the same instance, and stable matching, at 20,000 x 500 and
#    100,000 x 2,000
# 11. the scale simulation (chc-bench-scale): need_solution scoring of
#    500,000 solutions x 50,000 needs made in memory, with candidate pruning
#    for every need and exhaustively for a sample of 200 that must agree
#
# Every figure is also written, with the machine it ran on, to
# bench/results/<date>-<host>.json; scripts/bench-readme.sh puts the latest
# into the README. Smaller runs, to try the script out:
#
#   CHC_BENCH_COMPANIES=5000 CHC_BENCH_JOB_SOLUTIONS=2000 CHC_BENCH_JOB_NEEDS=100 \
#   CHC_BENCH_JOB_TEST_BEDS=50 CHC_BENCH_ASSIGNMENT="2000x100+glpk" \
#   CHC_BENCH_SCALE=20000x2000 bench/run.sh 1
#
# CHC_BENCH_READS="project testbed" runs those hot reads only (any of
# company municipality project testbed) and stops after them, for comparing
# a change to the read path without the minutes of the rest.
#
# CHC_BENCH_PAIRS=5 runs each hot read and the write as five alternating
# pairs (service, then raw limit) and shows the pair with the median ratio.
#
# CHC_BENCH_PROFILE=1 also records with perf (Debian's linux-perf, as root)
# the service and the raw limit while each 8-client hot read runs, and
# writes the symbols that took the most of their CPU, side by side, to
# bench-home/profile-<method>.txt: where the gap to the raw limit goes.
#
# Needs a build with the benchmarks (scripts/build.sh builds them).
set -euo pipefail
source "$(dirname "$0")/../scripts/common.sh"

seconds=${1:-5}
companies=${CHC_BENCH_COMPANIES:-100000}
projects=${CHC_BENCH_PROJECTS:-300}
test_beds=${CHC_BENCH_TEST_BEDS:-300}
deep_page=${CHC_BENCH_DEEP_PAGE:-1000}
# SOLUTIONSxTEST_BEDS, +glpk to run GLPK too (minutes at 20000x500).
assignment_sizes=${CHC_BENCH_ASSIGNMENT:-20000x500+glpk 100000x2000}
# SOLUTIONSxNEEDS of the scale simulation.
scale_size=${CHC_BENCH_SCALE:-500000x50000}
workers=${CHC_WORKERS:-8}
# Each hot read and the write run as this many alternating pairs (service,
# then raw limit); the table shows the pair with the median ratio, which a
# noisy machine (a VM sharing its host) moves far less than single runs.
pairs=${CHC_BENCH_PAIRS:-1}
pair=1
only_reads=${CHC_BENCH_READS:-}
profile=${CHC_BENCH_PROFILE:-}
export CHC_WORKERS=$workers
export CHC_HOME=$CHC_BUILD_DIR/bench-home
export CHC_PGPASS=$CHC_HOME/pgpass
export CHC_PG_PORT=55435 CHC_HTTP_BASE_PORT=8200 CHC_EVENTS_BASE_PORT=7210 CHC_PG_FSYNC=off
export CHC_COMPANIES_URL=tcp://127.0.0.1:7201 CHC_MUNICIPALITIES_URL=tcp://127.0.0.1:7202
export CHC_PROJECTS_URL=tcp://127.0.0.1:7203 CHC_MATCHING_URL=tcp://127.0.0.1:7204
export CHC_DATABASE_URL="host=$CHC_HOME/pg/run port=$CHC_PG_PORT user=chc dbname=chc passfile=$CHC_PGPASS"
unset CHC_PRIVATE_DATABASE
raw_url=tcp://127.0.0.1:7199
load=$CHC_BUILD_DIR/bench/chc-bench-load
[ -x "$load" ] || die "not built: run scripts/build.sh (the benchmarks build by default)"
chc() { "$CHC_BUILD_DIR/client/chc" "$@"; }
sql() { psql "$CHC_DATABASE_URL" -XAtq -v ON_ERROR_STOP=1 "$@"; }

stack() { CHC_DATABASE_URL='' "$CHC_ROOT/scripts/stack.sh" "$@"; }
raw_pid='' sampler_pid='' profiler_pid=''
cleanup() {
	[ -z "$profiler_pid" ] || kill -INT "$profiler_pid" 2>/dev/null || true
	[ -z "$sampler_pid" ] || kill -TERM "$sampler_pid" 2>/dev/null || true
	[ -z "$raw_pid" ] || kill -TERM "$raw_pid" 2>/dev/null || true
	stack stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

stack start >/dev/null
# Every figure of this run, one JSON object a line, tagged with its section;
# bench/report.py turns them into the table and the result file.
rows=$CHC_HOME/bench-rows.jsonl
samples=$CHC_HOME/bench-rss-samples
: >"$rows"
: >"$samples"
row() { printf '%s\n' "$1" >>"$rows"; }
say "== stack ready (CHC_WORKERS=$workers, PostgreSQL fsync off for both sides); $seconds s a run"
row "{\"section\":\"settings\",\"seconds\":$seconds,\"workers\":$workers,\"companies\":$companies,\"projects\":$projects,\"test_beds\":$test_beds,\"pg_fsync\":false,\"pairs\":$pairs}"
# Authentication is on, as in production: the load clients call with the
# stack's admin token (each check is a cache hit after the first).
CHC_TOKEN=$(head -n 1 "$CHC_HOME/admin.token")
export CHC_TOKEN

# Resident memory of each service, from the kernel's own count.
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
service_pid() { cat "$CHC_HOME/run/$1.pid"; }
for name in "${CHC_SERVICES[@]}"; do
	row "{\"section\":\"memory\",\"service\":\"$name\",\"state\":\"idle\",\"rss_kb\":$(rss_kb "$(service_pid "$name")")}"
done
# Sampled in the background while a run lasts, and only then, so that the
# figure under load is the services' under load and not after it. With
# bash's builtins alone: a cat, an awk and a sleep a sample were some 45
# processes a second, CPU taken from the service's run of its pair only.
sampler_start() {
	local pids=() name
	for name in "${CHC_SERVICES[@]}"; do
		pids+=("$(service_pid "$name")")
	done
	(
		exec {never}<> <(:) # read -t on it: a sleep without a process
		# Ends with the benchmark, however that ends.
		while kill -0 $$ 2>/dev/null; do
			for i in "${!pids[@]}"; do
				rss=0
				while read -r key value _; do
					[ "$key" != VmRSS: ] || { rss=$value; break; }
				done <"/proc/${pids[$i]}/status" 2>/dev/null || true
				printf '%s %s\n' "${CHC_SERVICES[$i]}" "$rss"
			done
			read -rt 0.2 -u "$never" _ || true
		done
	) >>"$samples" &
	sampler_pid=$!
}
sampler_stop() {
	kill -TERM "$sampler_pid" 2>/dev/null || true
	wait "$sampler_pid" 2>/dev/null || true
	sampler_pid=
}

# One measurement: runs the load generator and keeps its line as a row of
# SECTION. Errors are kept in the row (the table shows them) rather than
# ending the run; a run that measured nothing at all does end it.
measure() {
	local section=$1 line
	shift
	line=$("$load" "$@") || true
	[ -n "$line" ] || die "chc-bench-load $* measured nothing"
	row "{\"section\":\"$section\",\"pair\":$pair,${line#\{}"
	printf '%s\n' "$line"
}
# The same, with the services' memory sampled (the 8-client runs).
measure_sampled() {
	local line
	sampler_start
	line=$(measure "$@") || { sampler_stop; return 1; }
	sampler_stop
	printf '%s\n' "$line"
}

# The import job, once: a second run finds the companies there.
have=$(sql -c "SELECT count(*) FROM companies.companies")
if [ "$have" -lt "$companies" ]; then
	csv=$CHC_HOME/companies-$companies.csv
	[ -f "$csv" ] || python3 "$CHC_ROOT/scripts/generate-companies.py" "$companies" >"$csv"
	start=$(date +%s%N)
	chc company import "$csv" >/dev/null
	end=$(date +%s%N)
	row "{\"section\":\"import\",\"companies\":$companies,\"seconds\":$(awk -v ns=$((end - start)) 'BEGIN { printf "%.2f", ns / 1e9 }')}"
	say "== import: $companies companies in $(((end - start) / 1000000)) ms"
else
	row "{\"section\":\"import\",\"companies\":$have,\"seconds\":null,\"note\":\"already loaded; delete $CHC_HOME to measure again\"}"
	say "== import: $have companies already loaded (delete $CHC_HOME to measure the import again)"
fi
# The import leaves solutions as drafts; moderating 100 000 of them one call
# at a time is not what is measured, so the benchmark publishes them in SQL.
sql -c "UPDATE companies.solutions SET status = 'published',
	reviewed_on = current_date WHERE status = 'draft'" >/dev/null

# Projects and test beds for GetProject and GetTestBed, made through the
# services (chc's import sends one Create call per line), once per
# bench-home. Projects are led by imported companies, with a municipality
# and a region investing, like the integration tests' projects.
have=$(sql -c "SELECT count(*) FROM projects.projects WHERE title LIKE 'Bench project %'")
if [ "$have" -lt "$projects" ]; then
	codes=$(sql -c "SELECT string_agg(code::text, ',' ORDER BY code) FROM municipalities.municipalities")
	sql -c "SELECT id FROM companies.companies ORDER BY id LIMIT $((projects - have))" |
		python3 -c '
import json, sys
first = int(sys.argv[1])
codes = [int(code) for code in sys.argv[2].split(",")]
for n, company in enumerate(sys.stdin.read().split(), start=first):
    print(json.dumps({"title": "Bench project %d" % n,
        "description": "Telemonitorering af borgere med KOL i eget hjem: afproevning, "
                       "evaluering og faelles indkoeb paa tvaers af kommune og region",
        "language": "da",
        "participants": [
            {"party": {"kind": "company", "company_id": company}, "role": "lead"},
            {"party": {"kind": "municipality", "municipality_code": codes[n % len(codes)]},
             "role": "investor", "commitment_ore": 10000 * (1 + n % 20)},
            {"party": {"kind": "region", "region_code": 1081 + n % 5},
             "role": "investor", "commitment_ore": 20000}]}))' "$have" "$codes" \
		>"$CHC_HOME/bench-projects.jsonl"
	chc project import "$CHC_HOME/bench-projects.jsonl" >/dev/null
fi
have=$(sql -c "SELECT count(*) FROM matching.test_beds WHERE name LIKE 'bench seeded test bed %'")
if [ "$have" -lt "$test_beds" ]; then
	python3 -c '
import json, sys
areas = ["telemedicine", "remote-monitoring", "rehabilitation", "prevention", "elderly-care",
         "home-care", "chronic-care", "diagnostics"]
for n in range(int(sys.argv[1]), int(sys.argv[2])):
    region = 1081 + n % 5
    print(json.dumps({"name": "bench seeded test bed %d" % n,
        "description": "Living lab for home monitoring and rehabilitation at home",
        "owner": {"kind": "region", "region_code": region}, "type": "living-lab",
        "care_areas": [areas[n % 8], areas[(n + 3) % 8]], "trl_min": 1 + n % 4,
        "trl_max": 6 + n % 4, "capacity_per_period": 20 + n % 41,
        "periods": ["2027-Q1", "2027-Q2"], "region_code": region,
        "max_device_class": "iib", "preference": "fit", "status": "paused"}))' \
		"$have" "$test_beds" >"$CHC_HOME/bench-test-beds.jsonl"
	chc testbed import "$CHC_HOME/bench-test-beds.jsonl" >/dev/null
fi
sql -c "VACUUM ANALYZE" >/dev/null
say "== data: $(sql -c "SELECT (SELECT count(*) FROM companies.companies) || ' companies, ' ||
	(SELECT count(*) FROM projects.projects) || ' projects, ' ||
	(SELECT count(*) FROM matching.test_beds) || ' test beds'")"

"$CHC_BUILD_DIR/bench/chc-bench-raw-server" "$raw_url" "$CHC_DATABASE_URL" "$workers" >/dev/null &
raw_pid=$!
sleep 0.5

# perf of process PID while a run lasts (CHC_BENCH_PROFILE), then its
# busiest symbols by their own time, into FILE.
profiler_start() {
	[ -n "$profile" ] || return 0
	perf record -q -F 999 -g -p "$1" -o "$CHC_HOME/perf.data" >/dev/null 2>&1 &
	profiler_pid=$!
}
profiler_stop() {
	[ -n "$profiler_pid" ] || return 0
	kill -INT "$profiler_pid" 2>/dev/null || true
	wait "$profiler_pid" 2>/dev/null || true
	profiler_pid=
	local report=(perf report -i "$CHC_HOME/perf.data" --stdio --no-children -g none)
	{
		printf '== %s: by library\n' "$2"
		"${report[@]}" --sort dso --percent-limit 0.5 2>/dev/null | grep -v '^#' | grep -v '^$' | head -12
		printf '== %s: by symbol\n' "$2"
		"${report[@]}" --sort dso,sym --percent-limit 0.7 2>/dev/null | grep -v '^#' | grep -v '^$' |
			head -25 | sed 's/ *$//'
	} >>"$1"
}
[ -z "$profile" ] || command -v perf >/dev/null ||
	die "CHC_BENCH_PROFILE needs perf (apt-get install linux-perf)"
declare -A service_of=([company]=companies [municipality]=municipalities [project]=projects [testbed]=matching)

brief() { sed -E 's/.*"method":"([A-Za-z]+)".*"clients":([0-9]+).*"rps":([0-9.]+),"p50_us":([0-9]+),"p99_us":([0-9]+).*/\1 x\2: \3 rps, p50 \4 us, p99 \5 us/' <<<"$1"; }

say "== hot reads against the raw limit"
for method in ${only_reads:-company municipality project testbed}; do
	for clients in 1 8 32; do
		for pair in $(seq 1 "$pairs"); do
			if [ "$clients" = 8 ] && [ "$pair" = 1 ]; then
				profile_file=$CHC_HOME/profile-$method.txt
				: >"$profile_file"
				profiler_start "$(service_pid "${service_of[$method]}")"
				line=$(measure_sampled read --target chc --method "$method" --clients "$clients" --seconds "$seconds")
				profiler_stop "$profile_file" "chc-${service_of[$method]}, $method x8"
				profiler_start "$raw_pid"
				raw=$(measure read --target raw --method "$method" --clients "$clients" --seconds "$seconds" --url "$raw_url")
				profiler_stop "$profile_file" "raw limit, $method x8"
				[ -z "$profile" ] || say "   profile: $profile_file"
			else
				line=$(measure read --target chc --method "$method" --clients "$clients" --seconds "$seconds")
				raw=$(measure read --target raw --method "$method" --clients "$clients" --seconds "$seconds" --url "$raw_url")
			fi
			say "   chc $(brief "$line")   raw $(brief "$raw")"
		done
	done
done
pair=1

if [ -n "$only_reads" ]; then
	python3 "$CHC_ROOT/bench/report.py" build "$rows" "$CHC_ROOT/bench/results"
	exit 0
fi

say "== a write with an idempotency key against a raw INSERT"
for clients in 1 8; do
	for pair in $(seq 1 "$pairs"); do
		if [ "$clients" = 8 ] && [ "$pair" = 1 ]; then
			line=$(measure_sampled write --target chc --method create --clients "$clients" --seconds "$seconds")
		else
			line=$(measure write --target chc --method create --clients "$clients" --seconds "$seconds")
		fi
		raw=$(measure write --target raw --method create --clients "$clients" --seconds "$seconds" --url "$raw_url")
		say "   chc $(brief "$line")   raw $(brief "$raw")"
	done
done
pair=1
# The written test beds are closed and go again, so that the next run reads
# and matches the same rows as this one.
sql -c "DELETE FROM matching.test_beds WHERE name LIKE 'bench write %'" >/dev/null

# What a secretariat types: a care topic, a topic and a target, a product.
queries="telemonitorering|faldforebyggelse borgere|fall detection|KOL hjemmepleje|\
dementia care|medicinhåndtering|video consultation|genoptræning|heart failure at home|\
Sundhedsplatformen|diabetes|demensomsorg i eget hjem"
total=$(sql -c "SELECT count(*) FROM companies.solutions WHERE status = 'published'")
matches=$(IFS='|'; for query in $queries; do
	sql -c "SELECT count(*) FROM companies.solutions WHERE status = 'published'
		AND search @@ (websearch_to_tsquery('danish', \$\$$query\$\$) ||
		websearch_to_tsquery('english', \$\$$query\$\$))"
done | sort -n | paste -sd, -)
row "{\"section\":\"search_corpus\",\"published_solutions\":$total,\"queries\":12,\"matches_per_query\":[$matches]}"
say "== SearchSolutions over $total published solutions (matches per query: $matches)"
for clients in 1 8; do
	if [ "$clients" = 8 ]; then
		line=$(measure_sampled search --target chc --method search --clients "$clients" --seconds "$seconds" --query "$queries")
	else
		line=$(measure search --target chc --method search --clients "$clients" --seconds "$seconds" --query "$queries")
	fi
	say "   $(brief "$line")"
done

say "== ListSolutions, 100 a page: page 1 against page $deep_page"
for page in 1 "$deep_page"; do
	line=$(measure deep_page --target chc --method list --clients 1 --seconds "$seconds" \
		--page "$page" --page-size 100)
	say "   page $(sed -E 's/.*"page":([0-9]+).*"walk_ms":([0-9]+).*/\1 (reached in \2 ms)/' <<<"$line"): $(brief "$line")"
done

# The most each service held while the 8-client runs went on.
awk '{ if ($2 > most[$1]) most[$1] = $2 } END { for (name in most) printf "{\"section\":\"memory\",\"service\":\"%s\",\"state\":\"load\",\"rss_kb\":%d}\n", name, most[name] }' \
	"$samples" >>"$rows"

kill -TERM "$raw_pid" 2>/dev/null || true
wait "$raw_pid" 2>/dev/null || true
raw_pid=

CHC_BENCH_JOBS_JSON=$rows bash "$CHC_ROOT/bench/jobs.sh"

# The assignment solver against LEMON alone and GLPK's LP on the same
# instance (GLPK takes minutes at 20,000 x 500; not at all at 100,000 x 2,000).
printf '\nTest-bed assignment (min-cost flow), one seeded instance each\n'
for size in $assignment_sizes; do
	solutions=${size%%x*}
	rest=${size#*x}
	beds=${rest%%+*}
	options=(--solutions "$solutions" --test-beds "$beds")
	[ "$rest" = "${rest%+glpk}" ] || options+=(--glpk)
	out=$("$CHC_BUILD_DIR/bench/chc-bench-assignment" "${options[@]}") ||
		say "   (the solvers disagree at $size: see below)"
	printf '%s\n' "$out"
	sed -E "s/^\{/{\"section\":\"assignment\",\"instance\":\"${solutions}x${beds}\",/" \
		<<<"$out" >>"$rows"
done

# The scale simulation needs no service: scoring alone, in memory.
printf '\nScale simulation: need_solution scoring at %s, pruned against exhaustive\n' "$scale_size"
out=$("$CHC_BUILD_DIR/bench/chc-bench-scale" --solutions "${scale_size%%x*}" \
	--needs "${scale_size#*x}") || say "   (pruned and exhaustive scoring differ: see below)"
printf '%s\n' "$out"
sed -E 's/^\{/{"section":"scale",/' <<<"$out" >>"$rows"

# The one table, and the same figures as JSON with the machine.
python3 "$CHC_ROOT/bench/report.py" build "$rows" "$CHC_ROOT/bench/results"
