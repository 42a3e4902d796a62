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

title() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
chc() { "$CHC_BUILD_DIR/client/chc" "$@"; }

title "installing what is missing"
"$CHC_ROOT/scripts/install-deps.sh"

title "building"
"$CHC_ROOT/scripts/build.sh" "$CHC_BUILD_DIR" >/dev/null
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
	chc company import data/sample/companies.jsonl
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

title "chc need search \"fall detection\" --status open"
chc need search "fall detection" --status open --page-size 5

title "chc company list --category remote-monitoring --page-size 10"
chc company list --category remote-monitoring --page-size 10

title "shared needs: municipalities that could buy together"
chc --json need list --page-size 500 | python3 -c '
import json, sys
needs = json.load(sys.stdin).get("needs", [])
shared = [n for n in needs if len(n.get("owners", [])) > 1]
for n in shared[:10]:
    owners = ", ".join(str(o.get("municipality_code") or o.get("region_code")) for o in n["owners"])
    print(f"{n[\"title\"][:60]:60}  owners {owners}")
print(f"{len(shared)} of {len(needs)} needs are shared by several owners")'

title "the matchmaking job"
echo "Matchmaking jobs (need to solution, test beds, consortia) are the matching"
echo "service's calls; chc-matching runs and answers health checks, and its jobs"
echo "arrive with the matching issue. The shared needs above are its input."

title "done"
echo "The stack keeps running: try  build/client/chc --help"
echo "Logs: $CHC_HOME/log/   Metrics: curl http://127.0.0.1:8102/metrics"
echo "Stop everything with: scripts/stack.sh stop"
