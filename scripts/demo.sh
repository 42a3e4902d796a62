#!/usr/bin/env bash
# Sets everything up and runs the main job, on a fresh Debian 12 machine:
#
#   ./scripts/demo.sh
#
# installs the Debian packages (as root, with apt-get), builds, starts a
# private PostgreSQL and the four services (scripts/stack.sh start), loads
# the sample data through the services, and shows what the secretariat
# sees with the chc command. Stop everything with: scripts/stack.sh stop
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$CHC_ROOT"

# The demo builds the programs only: no test or benchmark packages needed
# (scripts/check-demo-deps.sh, run by the tests, keeps it so).
cmake_options=(-DCHC_BUILD_TESTS=OFF -DCHC_BUILD_BENCH=OFF)
if [ "${1:-}" = --cmake-options ]; then
	printf '%s\n' "${cmake_options[@]}"
	exit 0
fi

title() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
chc() { "$CHC_BUILD_DIR/client/chc" "$@"; }

title "installing what is missing"
"$CHC_ROOT/scripts/install-deps.sh"

title "building"
"$CHC_ROOT/scripts/build.sh" "$CHC_BUILD_DIR" "${cmake_options[@]}" >/dev/null
echo "built in $CHC_BUILD_DIR ($("$CHC_BUILD_DIR/client/chc" --version))"

title "starting the stack"
"$CHC_ROOT/scripts/stack.sh" start

title "chc health"
chc health

title "chc region list"
chc region list

# Sample data goes in through the services, so it is validated like any
# partner's; a second run finds it loaded and leaves it alone.
loaded_total() {
	chc --json "$1" list --page-size 1 | python3 -c 'import json,sys; print(json.load(sys.stdin).get("page",{}).get("total_size",0))'
}
title "sample data"
if [ "$(loaded_total company)" = 0 ]; then
	# The secretariat loads vetted data: --publish approves each solution
	# through the same moderation calls a reviewer uses.
	chc company import data/sample/companies.jsonl --publish
else
	echo "companies already loaded: $(loaded_total company)"
fi
if [ "$(loaded_total need)" = 0 ]; then
	chc need import data/sample/needs.jsonl
else
	echo "needs already loaded: $(loaded_total need)"
fi

title "chc need list --region 1084 --page-size 10   (needs in the Capital Region)"
chc need list --region 1084 --page-size 10

title "chc need search \"telemonitorering KOL\"   (Danish and English full text)"
chc need search "telemonitorering KOL" --page-size 5

title "chc company list --category remote-monitoring --page-size 10"
chc company list --category remote-monitoring --page-size 10

title "chc solution search \"remote monitoring COPD\" --trl-min 7   (published solutions)"
chc solution search "remote monitoring COPD" --trl-min 7 --page-size 5

title "chc solution search \"faldforebyggelse\""
chc solution search "faldforebyggelse" --page-size 5

if [ "$(loaded_total testbed)" = 0 ]; then
	chc testbed import data/sample/testbeds.jsonl
else
	echo "test beds already loaded: $(loaded_total testbed)"
fi

title "chc testbed list --care-area remote-monitoring   (where a solution can be tried)"
chc testbed list --care-area remote-monitoring --page-size 10

exports=$CHC_HOME/exports
mkdir -p "$exports"
# Submits a job, follows its progress, and prints its id on the last line.
run_job() {
	local id
	id=$(chc --json match "$@" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
	chc job watch "$id" >&2
	echo "$id"
}

title "the matchmaking job: every open need against every published solution"
needs_job=$(run_job needs --top-k 5)
chc job get "$needs_job"
# A few needs with their best matches and the reasons, and their gap reports.
for need in $(chc --json job results "$needs_job" --kind match --page-size 500 |
	python3 -c 'import json,sys
seen=[]
for r in json.load(sys.stdin).get("results",[]):
    if r["need_id"] not in seen: seen.append(r["need_id"])
print(" ".join(seen[:3]))'); do
	title "chc job results $needs_job --need $need --reasons"
	chc job results "$needs_job" --need "$need" --kind match --page-size 3 --reasons
	chc job results "$needs_job" --need "$need" --kind near-miss --page-size 2
done

title "the test-bed assignment: each solution seeking a test bed to the one that fits best"
assignment_job=$(run_job testbeds)
chc job results "$assignment_job" --kind assigned --page-size 15
chc job results "$assignment_job" --kind unassigned --page-size 5

title "stable matching: no solution and test bed would both rather have each other"
stable_job=$(run_job stable)
chc job get "$stable_job"

title "consortia: municipalities whose needs are alike, to buy together"
consortia_job=$(run_job consortia --top-k 3)
chc job results "$consortia_job" --kind consortium --page-size 5 --reasons

title "from a match to a collaboration: interest, mutual opt-in, a project"
json_field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
read -r need solution < <(chc --json job results "$needs_job" --kind match --page-size 1 |
	json_field 'd["results"][0]["need_id"], d["results"][0]["solution_id"]' | tr -d "(),'")
owner=$(chc --json need get "$need" | json_field \
	'("municipality:%d" % d["owners"][0]["municipality_code"]) if d["owners"][0].get("municipality_code") else ("region:%d" % d["owners"][0]["region_code"])')
company="company:$(chc --json solution get "$solution" | json_field 'd["company_id"]')"
echo "the best match of need $need is solution $solution; $owner expresses interest"
interest=$(chc --json interest create --as "$owner" --from-job "$needs_job" --need "$need" \
	--solution "$solution" --message "Vi vil gerne høre mere" | json_field 'd["id"]')
title "chc interest get $interest --as $company   (the company sees an anonymous card)"
chc interest get "$interest" --as "$company"
title "chc interest accept ... --as $company   (both sides accepted: names revealed, a project opens)"
project=$(chc --json interest accept "$interest" --version 1 --as "$company" | json_field 'd["project_id"]')
version() { chc --json project get "$project" | json_field 'd["version"]'; }
# Two municipalities invest together (never the owner itself): integer øre,
# shares computed by the service.
investors=()
for code in 101 147 751; do
	[ "$owner" = "municipality:$code" ] || investors+=("municipality:$code")
done
chc project join "$project" --version "$(version)" --party "${investors[0]}" --role investor \
	--ore 30000000 >/dev/null
chc project join "$project" --version "$(version)" --party "${investors[1]}" --role investor \
	--ore 15000000 >/dev/null
chc project milestone "$project" --version "$(version)" --title "Kontrakt underskrevet" \
	--due "$(date -d '+60 days' +%F)" --party "$owner" >/dev/null
chc project status "$project" --version "$(version)" --to agreed \
	--reason "begge parter har underskrevet hensigtserklæringen" >/dev/null
title "chc project get $project   (participants, the joint investment and its shares, a milestone, the history)"
chc project get "$project"

title "exports (documented in docs/job-export.md)"
for job in "$needs_job" "$assignment_job" "$consortia_job"; do
	chc job export "$job" --format json --output "$exports/$job.json"
	chc job export "$job" --format csv --output "$exports/$job.csv"
done
ls -l "$exports"
echo "compare two runs with: build/client/chc job diff $needs_job ID"

title "done"
echo "The stack keeps running: try  build/client/chc --help"
echo "Logs: $CHC_HOME/log/   Metrics: curl http://127.0.0.1:8102/metrics"
echo "Stop everything with: scripts/stack.sh stop"
