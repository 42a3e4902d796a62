#!/usr/bin/env python3
"""The benchmark's one table, from the rows bench/run.sh records.

    report.py build ROWS.jsonl RESULTS_DIR   the result file (RESULTS_DIR/
                                              <date>-<host>.json: the machine
                                              and every row), and the table
    report.py show RESULT.json                the table of a result file
    report.py readme RESULT.json README.md    rewrites the README's block
                                              between the markers

Each row of ROWS.jsonl is one JSON object with a "section": settings, import,
memory, read, write, search_corpus, search, deep_page, jobs, assignment,
scale. The
rows go into the result file as they are, the chc rows of read and write with
their ratio to the raw limit added, so a script can compare runs without
parsing the table.
"""
import datetime
import json
import os
import platform
import re
import socket
import subprocess
import sys

BEGIN = "<!-- bench-table:begin"
END = "<!-- bench-table:end -->"
NUMBER = re.compile(r"^(-|[0-9][0-9.]*( s|x)?)$")


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.lower().startswith(("model name", "hardware")):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    if not cpu:
        try:
            lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
            found = re.search(r"^Model name:\s*(.+)$", lscpu, re.M)
            cpu = found.group(1).strip() if found else platform.processor()
        except OSError:
            cpu = platform.processor()
    memory = 0
    with open("/proc/meminfo") as info:
        for line in info:
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
    return {
        "cores": os.cpu_count(),
        "cpu_model": cpu,
        "memory_bytes": memory,
        "kernel": "%s %s" % (platform.system(), platform.release()),
        "os": platform.freedesktop_os_release().get("PRETTY_NAME", "")
        if hasattr(platform, "freedesktop_os_release") else "",
    }


def commit(root):
    def git(*arguments):
        return subprocess.run(["git", "-C", root, *arguments], capture_output=True,
                              text=True).stdout.strip()
    head = git("rev-parse", "--short", "HEAD")
    # The run's own outputs (a result file, the README's table) do not
    # change what was measured; a second run on the same commit would
    # otherwise call its binaries changed.
    if head and git("status", "--porcelain", "--untracked-files=no", "--", ".",
                    ":!bench/results", ":!README.md"):
        head += "+changes"
    return head


def add_ratios(rows):
    """The ratio of each chc row of read and write to the raw row of the same
    method, clients and pair: what the project's own code costs. With several
    alternating pairs of runs (CHC_BENCH_PAIRS), a noisy machine moves both
    runs of a pair alike, so each pair's ratio is taken and the pair with the
    median ratio stays as the rows shown, every pair's ratio beside it in
    pair_ratios. Returns the rows kept."""
    def key(r):
        return (r["section"], r["method"], r["clients"], r.get("pair", 1))
    measured = ("read", "write")
    raw = {key(r): r for r in rows if r["section"] in measured and r.get("target") == "raw"}
    pairs = {}
    for r in rows:
        if r["section"] in measured and r.get("target") == "chc":
            limit = raw.get(key(r), {}).get("rps")
            r["ratio"] = round(r["rps"] / limit, 3) if limit else None
            pairs.setdefault(key(r)[:3], []).append(r)
    dropped = set()
    for runs in pairs.values():
        if len(runs) < 2:
            continue
        ranked = sorted(runs, key=lambda r: r["ratio"] if r["ratio"] is not None else -1)
        median = ranked[(len(ranked) - 1) // 2]
        median["pair_ratios"] = [r["ratio"] for r in runs]
        for r in runs:
            if r is not median:
                dropped.add(id(r))
                dropped.add(id(raw.get(key(r))))
    return [r for r in rows if id(r) not in dropped]


def build(rows_path, results_dir):
    with open(rows_path) as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    rows = add_ratios(rows)
    settings = next((r for r in rows if r["section"] == "settings"), {})
    now = datetime.datetime.now().astimezone()
    host = socket.gethostname().split(".")[0]
    result = {
        "date": now.date().isoformat(),
        "time": now.isoformat(timespec="seconds"),
        "host": host,
        "commit": commit(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
        "machine": machine(),
        "settings": {k: v for k, v in settings.items() if k != "section"},
        "rows": [r for r in rows if r["section"] != "settings"],
    }
    os.makedirs(results_dir, exist_ok=True)
    path = os.path.join(results_dir, "%s-%s.json" % (result["date"], host))
    with open(path, "w") as out:
        json.dump(result, out, indent=1, ensure_ascii=False)
        out.write("\n")
    print()
    print(table(result))
    print()
    print("written to %s; scripts/bench-readme.sh puts the latest into README.md"
          % os.path.relpath(path))


def ms(us):
    if us is None:
        return "-"
    return "%.2f" % (us / 1000) if us < 10000 else "%.1f" % (us / 1000)


def errors(row):
    return "  (%d errors)" % row["errors"] if row.get("errors") else ""


def sections(result):
    """The table as a list of (title, header, lines), shared by the text and
    the markdown forms."""
    rows = result["rows"]
    settings = result["settings"]
    out = []

    def of(section):
        return [r for r in rows if r["section"] == section]

    def versus(section, title):
        body = []
        raw = {(r["method"], r["clients"]): r for r in of(section) if r["target"] == "raw"}
        for r in of(section):
            if r["target"] != "chc":
                continue
            limit = raw.get((r["method"], r["clients"]), {})
            ratio = r.get("ratio")
            body.append([r["method"], r["clients"], "%.0f" % r["rps"], ms(r["p50_us"]),
                         ms(r["p99_us"]), "%.0f" % limit.get("rps", 0),
                         ms(limit.get("p50_us")), ms(limit.get("p99_us")),
                         "%.2fx" % ratio if ratio is not None else "-",
                         (errors(r) + errors(limit)).strip()])
        if body:
            out.append((title, ["method", "clients", "rps", "p50 ms", "p99 ms", "raw rps",
                                "raw p50", "raw p99", "ratio", ""], body))

    pairs = settings.get("pairs", 1) or 1
    median = ("; rps, p50 and p99 of the pair of runs (service, then raw) whose ratio is "
              "the median of %d" % pairs) if pairs > 1 else ""
    versus("read", "Hot reads: the services through libchc against the raw limit "
                   "(plain nng REP + plain libpq, the same row)" + median)
    versus("write", "A write: CreateTestBed with an idempotency key per call against "
                    "the raw limit's INSERT in a transaction" + median)

    corpus = next(iter(of("search_corpus")), None)
    body = [[r["clients"], "%.0f" % r["rps"], ms(r["p50_us"]), ms(r["p99_us"]),
             errors(r).strip()] for r in of("search")]
    if body:
        title = "SearchSolutions, 20 a page"
        if corpus:
            matches = corpus.get("matches_per_query") or [0]
            title += " over %d published solutions, %d queries in turn (%d to %d matches)" % (
                corpus["published_solutions"], corpus["queries"], min(matches), max(matches))
        out.append((title, ["clients", "rps", "p50 ms", "p99 ms", ""], body))

    pages = of("deep_page")
    if pages:
        body = [[r["page"], r["clients"], "%.0f" % r["rps"], ms(r["p50_us"]), ms(r["p99_us"]),
                 "%.1f s" % (r["walk_ms"] / 1000) if r["page"] > 1 else "-",
                 errors(r).strip()] for r in pages]
        out.append(("A deep page: ListSolutions, %d a page, page 1 against a page reached by "
                    "following next_page_token" % pages[0]["page_size"],
                    ["page", "clients", "rps", "p50 ms", "p99 ms", "walk to it", ""], body))

    memory = {}
    for r in of("memory"):
        memory.setdefault(r["service"], {})[r["state"]] = r["rss_kb"]
    if memory:
        body = [[name, "%.1f" % (states["idle"] / 1024) if "idle" in states else "-",
                 "%.1f" % (states["load"] / 1024) if "load" in states else "-"]
                for name, states in memory.items()]
        out.append(("Resident memory (VmRSS), MiB: idle after start, and the most during "
                    "the 8-client runs", ["service", "idle", "under load"], body))

    imports = next(iter(of("import")), None)
    if imports:
        if imports.get("seconds"):
            line = "%d companies with one solution each in %.1f s (%.0f companies/s)" % (
                imports["companies"], imports["seconds"],
                imports["companies"] / imports["seconds"])
        else:
            line = "%d companies already loaded: not measured in this run" % imports["companies"]
        out.append(("Import (chc company import, CSV through COPY)", None, [[line]]))

    jobs = of("jobs")
    if jobs:
        body = []
        for r in jobs:
            size = "%d x %d %s" % (r["solutions"], r["test_beds"], "test beds") \
                if r["kind"].startswith("testbed") else "%d x %d needs" % (r["solutions"],
                                                                          r["needs"])
            # The outcome; the sizes are in their own column (and the whole
            # summary in the result file).
            body.append([r["kind"], size, r["state"], "%.2f" % r["seconds"],
                         str(r.get("summary", "")).split(": ", 1)[-1]])
        out.append(("Matching jobs through the service, submit to results stored",
                    ["job", "solutions x", "state", "seconds", "summary"], body))

    instances = {}
    for r in of("assignment"):
        instances.setdefault(r["instance"], []).append(r)
    if instances:
        body = []
        for name, lines in instances.items():
            solver = {r["solver"].split(" ")[0] + (" stable" if "stable" in r["solver"] else ""):
                      r for r in lines if "solver" in r}
            pairs = next((r["pairs"] for r in lines if "pairs" in r), 0)
            ratio = next((r for r in lines if "ratio_to_lemon" in r), {})
            glpk = solver.get("GLPK")

            def seconds(r):
                return "%.3f" % r["seconds"] if r else "-"
            body.append([name.replace("x", " x "), pairs, seconds(solver.get("chc")),
                         seconds(solver.get("LEMON")),
                         "%.2fx" % ratio["ratio_to_lemon"] if ratio else "-",
                         ("%.1f" % glpk["seconds"]) if glpk else "-",
                         seconds(solver.get("chc stable")),
                         "yes" if ratio.get("optimal") and (not glpk or glpk.get("agrees"))
                         else "NO"])
        out.append(("Test-bed assignment (min-cost flow) on one seeded instance: ours, "
                    "LEMON's network simplex alone, GLPK's LP; seconds",
                    ["solutions x test beds", "pairs", "ours", "LEMON", "ours/LEMON", "GLPK",
                     "stable matching", "optima agree"], body))

    body = []
    for r in of("scale"):
        def thousands(count):
            return "%dk" % (count // 1000) if count % 1000 == 0 else str(count)
        body.append(["scale simulation %s x %s" % (thousands(r["solutions"]),
                                                   thousands(r["needs"])),
                     r["threads"], "%.2f" % r["index_seconds"], "%.1f" % r["pruned_seconds"],
                     "%.1f" % r["pruned_cpu_seconds"], "%.0f" % r["pruned_pairs_per_need"],
                     "%.1f" % r["exhaustive_ms_per_need"],
                     "%.1f" % r["exhaustive_cpu_ms_per_need"],
                     "%.0f" % r["exhaustive_all_needs_estimate_seconds"],
                     "%d: %s" % (r["sample_needs"], "yes" if r["sample_equal"] else "NO"),
                     "%.0f" % (r["peak_rss_kb"] / 1024)])
    if body:
        out.append(("need_solution scoring in memory with candidate pruning (top 10 and 3 "
                    "nearest misses per need); exhaustive on a sample of needs",
                    ["simulation", "threads", "index s", "pruned s", "pruned CPU s",
                     "pairs scored per need", "exhaustive ms per need",
                     "exhaustive CPU ms per need",
                     "exhaustive all needs s (est.)", "sample same", "peak RSS MiB"], body))
    return out


def heading(result):
    m = result["machine"]
    s = result["settings"]
    return [
        "CHC Match benchmark, %s on %s (commit %s)" % (result["date"], result["host"],
                                                       result.get("commit") or "?"),
        "machine: %d cores, %s, %.1f GiB, %s" % (m["cores"], m["cpu_model"] or "CPU unknown",
                                                  m["memory_bytes"] / 2**30, m["kernel"]),
        "%s s a run after a 0.5 s warm-up; CHC_WORKERS=%s on both sides; PostgreSQL fsync "
        "off; %s companies, %s projects, %s test beds" % (
            s.get("seconds"), s.get("workers"), s.get("companies"), s.get("projects"),
            s.get("test_beds")),
    ]


def table(result):
    lines = heading(result)
    for title, header, body in sections(result):
        lines += ["", title]
        grid = ([header] if header else []) + [[str(cell) for cell in row] for row in body]
        widths = [max(len(str(row[i])) for row in grid if i < len(row))
                  for i in range(max(len(row) for row in grid))]
        # Figures to the right, words to the left.
        numeric = [all(NUMBER.match(str(row[i])) for row in body if i < len(row))
                   for i in range(len(widths))]
        for row in grid:
            cells = [str(cell).rjust(widths[i]) if numeric[i] and header else
                     str(cell).ljust(widths[i]) for i, cell in enumerate(row)]
            lines.append(("  " + "  ".join(cells)).rstrip())
    return "\n".join(lines)


def markdown(result, source):
    lines = [BEGIN + " (scripts/bench-readme.sh rewrites this block from bench/results/) -->",
             "", "_" + "; ".join(heading(result)) + "; from `%s`._" % source]
    for title, header, body in sections(result):
        lines += ["", "**%s**" % title, ""]
        if header is None:
            lines += [str(row[0]) for row in body]
            continue
        keep = [i for i, name in enumerate(header)
                if name or any(str(row[i]) for row in body)]
        numeric = {i: all(NUMBER.match(str(row[i])) for row in body) for i in keep}
        lines.append("| " + " | ".join(header[i] or "note" for i in keep) + " |")
        lines.append("|" + "|".join("---:" if numeric[i] else "---" for i in keep) + "|")
        for row in body:
            lines.append("| " + " | ".join(str(row[i]) for i in keep) + " |")
    lines += ["", END]
    return "\n".join(lines)


def readme(result_path, readme_path):
    with open(result_path) as source:
        result = json.load(source)
    with open(readme_path) as text:
        content = text.read()
    start = content.find(BEGIN)
    end = content.find(END)
    if start < 0 or end < start:
        sys.exit("%s has no block between %s ... and %s" % (readme_path, BEGIN, END))
    block = markdown(result, os.path.relpath(result_path, os.path.dirname(
        os.path.abspath(readme_path))))
    with open(readme_path, "w") as text:
        text.write(content[:start] + block + content[end + len(END):])


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "build":
        build(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "show":
        with open(sys.argv[2]) as source:
            print(table(json.load(source)))
    elif len(sys.argv) == 4 and sys.argv[1] == "readme":
        readme(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
