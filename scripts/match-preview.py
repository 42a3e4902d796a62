#!/usr/bin/env python3
"""The demo's matchmaking job: for each open need, the published solutions
that fit it best, and the needs that several owners share (joint purchases).

    scripts/match-preview.py [CHC_COMMAND]

It reads everything through the `chc` command (--json), as any partner
script would, and scores each candidate on the need's own terms: the care
area must match, the solution's TRL must reach the need's minimum and its
medical-device class must not exceed what the need accepts; then target
groups in common, required standards covered and the data processing
agreement add to the score. The matching service will own this job; until
it does, this shows on the sample data what it produces.
"""
import json
import subprocess
import sys

CHC = sys.argv[1] if len(sys.argv) > 1 else "build/client/chc"
DEVICE_ORDER = ["not-a-device", "i", "iia", "iib", "iii"]


def chc(*arguments):
    output = subprocess.run([CHC, "--json", *arguments], check=True, capture_output=True,
                            text=True).stdout
    return json.loads(output) if output.strip() else {}


def every(noun, key):
    """Every item of a paged list."""
    items, token = [], None
    while True:
        arguments = [noun, "list", "--page-size", "500"]
        if token:
            arguments += ["--page-token", token]
        page = chc(*arguments)
        items += page.get(key, [])
        token = page.get("page", {}).get("next_page_token")
        if not token:
            return items


def score(need, solution):
    """A score from 0 to 100, or None when the solution cannot serve the need."""
    if need.get("care_area") not in solution.get("categories", []):
        return None
    if solution.get("trl", 0) < need.get("min_trl", 1):
        return None
    accepted = need.get("max_device_class")
    offered = solution.get("device_class", "not-a-device")
    if accepted in DEVICE_ORDER and offered in DEVICE_ORDER and \
            DEVICE_ORDER.index(offered) > DEVICE_ORDER.index(accepted):
        return None
    points = 40.0
    wanted_groups = set(need.get("target_groups", []))
    if wanted_groups:
        points += 25.0 * len(wanted_groups & set(solution.get("target_groups", []))) / len(wanted_groups)
    else:
        points += 25.0
    required = set(need.get("required_standards", []))
    if required:
        points += 25.0 * len(required & set(solution.get("standards", []))) / len(required)
    else:
        points += 25.0
    if not need.get("gdpr_dpa_required") or solution.get("gdpr_dpa_available"):
        points += 10.0
    return round(points)


def owner_names(need, municipalities, regions):
    names = []
    for owner in need.get("owners", []):
        if owner.get("municipality_code"):
            names.append(municipalities.get(owner["municipality_code"], str(owner["municipality_code"])))
        elif owner.get("region_code"):
            names.append(regions.get(owner["region_code"], str(owner["region_code"])))
    return ", ".join(names)


def main():
    municipalities = {m["code"]: m["name"] for m in every("municipality", "municipalities")}
    regions = {r["code"]: r["name"] for r in chc("region", "list").get("regions", [])}
    needs = [n for n in every("need", "needs") if n.get("status") == "open"]
    solutions = [s for s in every("solution", "solutions") if s.get("status") == "published"]
    companies = {c["id"]: c["name"] for c in every("company", "companies")}

    def best(need):
        ranked = [(score(need, s), s) for s in solutions]
        ranked = [(points, s) for points, s in ranked if points is not None]
        ranked.sort(key=lambda pair: (-pair[0], pair[1]["name"]))
        return ranked[:3]

    def show(need, ranked):
        print(f"\n{need['title'][:76]}")
        print(f"  owners: {owner_names(need, municipalities, regions)}   care area: "
              f"{need.get('care_area')}   min TRL {need.get('min_trl')}")
        if not ranked:
            print("  no published solution fits: a case for the test beds and for companies")
        for points, solution in ranked:
            print(f"  {points:3d}  {solution['name'][:36]:36}  "
                  f"{companies.get(solution['company_id'], '')[:30]}")

    results = [(need, best(need)) for need in needs]
    shared = [(n, r) for n, r in results if len(n.get("owners", [])) > 1]
    print(f"Joint purchases: {len(shared)} open needs are shared by several owners, "
          "with the solutions that fit them best (score 0-100)")
    for need, ranked in shared:
        show(need, ranked)
    single = [(n, r) for n, r in results if len(n.get("owners", [])) == 1]
    print(f"\nThe first {min(8, len(single))} of {len(single)} needs with one owner:")
    for need, ranked in single[:8]:
        show(need, ranked)
    full = sum(1 for _, r in results if r and r[0][0] >= 90)
    partial = sum(1 for _, r in results if r and r[0][0] < 90)
    print(f"\n{len(needs)} open needs against {len(solutions)} published solutions: "
          f"{full} with a close fit (90 or more), {partial} with a partial fit, "
          f"{len(needs) - full - partial} with none")


if __name__ == "__main__":
    main()
