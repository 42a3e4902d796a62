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

title "the matchmaking job: open needs and the published solutions that fit them"
python3 "$CHC_ROOT/scripts/match-preview.py" "$CHC_BUILD_DIR/client/chc"

title "done"
echo "The stack keeps running: try  build/client/chc --help"
echo "Logs: $CHC_HOME/log/   Metrics: curl http://127.0.0.1:8102/metrics"
echo "Stop everything with: scripts/stack.sh stop"
