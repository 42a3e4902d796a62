#!/usr/bin/env bash
# The matching jobs through the service, from submit to results stored,
# at the sizes of the matching issue:
#
#   bench/jobs.sh            (run by bench/run.sh on its stack; needs psql)
#
# CHC_BENCH_JOB_SOLUTIONS, _NEEDS and _TEST_BEDS change the sizes; with
# CHC_BENCH_JOBS_JSON set, each job's figures are also appended to that file
# as a JSON line (bench/run.sh puts them in its table).
#
# need_solution: 20,000 published solutions x 1,000 open needs, every pair
# scored, top 10 per need stored with their reasons; testbed_assignment:
# the same 20,000 solutions x 500 test beds. The rows are set up in SQL (like
# the benchmark's publishing of imported solutions): moderating 20,000
# solutions one call at a time is not what is measured. Reading them is: the
# job reads them through libchc's paged List calls, as in production.
set -euo pipefail
source "$(dirname "$0")/../scripts/common.sh"

solutions=${CHC_BENCH_JOB_SOLUTIONS:-20000}
needs=${CHC_BENCH_JOB_NEEDS:-1000}
test_beds=${CHC_BENCH_JOB_TEST_BEDS:-500}
chc() { "$CHC_BUILD_DIR/client/chc" "$@"; }
sql() { psql "$CHC_DATABASE_URL" -XAtq -v ON_ERROR_STOP=1 "$@"; }

# Exactly $solutions published solutions for the jobs (the rest stay drafts
# until the end, when they are published again for the other benchmarks).
sql -c "UPDATE companies.solutions SET status = 'draft' WHERE status = 'published'" \
	-c "UPDATE companies.solutions SET status = 'published' WHERE id IN
	    (SELECT id FROM companies.solutions ORDER BY id LIMIT $solutions)"
trap 'sql -c "UPDATE companies.solutions SET status = '"'"'published'"'"' WHERE status = '"'"'draft'"'"'"' EXIT

# Open needs, made-up but varied: every care area, target group, TRL,
# device class, standard and budget occurs.
sql <<SQL
DELETE FROM municipalities.needs WHERE title LIKE 'bench need %';
UPDATE municipalities.needs SET status = 'closed' WHERE status = 'open';
WITH vocabulary AS (
    SELECT ARRAY['telemedicine','remote-monitoring','population-health-management',
                 'decentralised-clinical-trials','health-data','rehabilitation','prevention',
                 'elderly-care','mental-health','diagnostics','medication','ai-decision-support',
                 'welfare-technology','home-care','chronic-care','care-coordination'] AS areas,
           ARRAY['citizens-with-copd','citizens-with-diabetes','citizens-with-heart-failure',
                 'citizens-with-dementia','frail-elderly','children','people-with-mental-illness',
                 'health-professionals'] AS targets,
           ARRAY['not-a-device','i','iia','iib','iii'] AS classes,
           ARRAY['medcom','hl7-fhir','ihe-xds','iso-27001','iso-13485','continua','mitid'] AS standards,
           ARRAY['direct-purchase','ski-framework','open-tender','pre-commercial'] AS routes,
           (SELECT array_agg(code ORDER BY code) FROM municipalities.municipalities) AS codes
), made AS (
    SELECT gen_random_uuid() AS id, n, v.*
    FROM generate_series(1, $needs) AS n, vocabulary v
), inserted AS (
    INSERT INTO municipalities.needs (id, title, description, care_area, target_groups, min_trl,
        max_device_class, required_standards, gdpr_dpa_required, budget_min_dkk,
        budget_max_dkk, procurement_route, deadline, status)
    SELECT id, 'bench need ' || n, 'synthetic need for the job benchmark',
           areas[1 + n % 16], ARRAY[targets[1 + n % 8], targets[1 + (n / 8) % 8]],
           3 + n % 6, classes[2 + n % 4],
           CASE WHEN n % 3 = 0 THEN ARRAY[standards[1 + n % 7]] ELSE '{}' END,
           n % 2 = 0, 100000 * (n % 10), 100000 * (n % 10) + 500000,
           routes[1 + n % 4], current_date + (30 + n % 300), 'open'
    FROM made RETURNING id
)
INSERT INTO municipalities.need_owners (need_id, position, municipality_code)
SELECT i.id, 0, v.codes[1 + (row_number() OVER ()) % 98]::int FROM inserted i, vocabulary v;
DELETE FROM matching.test_beds WHERE name LIKE 'bench test bed %';
UPDATE matching.test_beds SET status = 'closed' WHERE status = 'open';
INSERT INTO matching.test_beds (id, name, owner_kind, owner_region_code, type, care_areas,
    trl_min, trl_max, capacity_per_period, periods, region_code, max_device_class,
    dpa_required, standards, preference, status)
SELECT gen_random_uuid(), 'bench test bed ' || n, 'region', 1081 + n % 5, 'living-lab',
       ARRAY[a[1 + n % 16], a[1 + (n * 7) % 16], a[1 + (n * 11) % 16]],
       1 + n % 4, 6 + n % 4, 20 + n % 41, '{2027-Q1}', 1081 + n % 5,
       (ARRAY['i','iia','iib','iii'])[1 + n % 4], n % 5 = 0,
       CASE WHEN n % 4 = 0 THEN ARRAY['hl7-fhir'] ELSE '{}' END,
       (ARRAY['fit','maturity','evidence','local'])[1 + n % 4], 'open'
FROM generate_series(1, $test_beds) AS n,
     (SELECT ARRAY['telemedicine','remote-monitoring','population-health-management',
                   'decentralised-clinical-trials','health-data','rehabilitation','prevention',
                   'elderly-care','mental-health','diagnostics','medication',
                   'ai-decision-support','welfare-technology','home-care','chronic-care',
                   'care-coordination'] AS a) areas;
VACUUM ANALYZE;
SQL

# Submit to results stored, as the job itself records it.
run() {
	local kind=$1
	shift
	local id
	id=$(chc --json match "$kind" "$@" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
	while :; do
		state=$(chc --json job get "$id" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("state",""))')
		case $state in succeeded | failed | cancelled) break ;; esac
		sleep 0.05
	done
	chc --json job get "$id" | python3 -c '
import json, os, sys
job = json.load(sys.stdin)
seconds = (int(job.get("finished_unix_ms", 0)) - int(job["created_unix_ms"])) / 1000
print("  %-20s %-9s %6.2f s from submit to results stored: %s" % (
    job["kind"], job["state"], seconds, job.get("summary", job.get("error", ""))))
# For bench/run.sh table: one row per job, with the sizes it ran at.
if os.environ.get("CHC_BENCH_JOBS_JSON"):
    with open(os.environ["CHC_BENCH_JOBS_JSON"], "a") as rows:
        rows.write(json.dumps({"section": "jobs", "kind": job["kind"], "state": job["state"],
            "seconds": seconds, "summary": job.get("summary", job.get("error", "")),
            "solutions": int(sys.argv[1]), "needs": int(sys.argv[2]),
            "test_beds": int(sys.argv[3])}) + "\n")' "$solutions" "$needs" "$test_beds"
}

printf '\nMatching jobs through the service (submit -> results stored)\n'
run needs --top-k 10
run testbeds
run stable
run consortia --top-k 10
