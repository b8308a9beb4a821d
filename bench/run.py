"""The DIMIS benchmark: roll-up, import, the bulk-path lower bound and export, in one run.

    python bench/run.py --db postgres|sqlite [--skip-generate] [--quick] [--profile]
                        [--reports | --reports-only]

Generates the bench sector if needed (generate.py), measures, and rewrites this database's
section of bench/RESULTS.md (a --quick run only prints: 5 runs per roll-up, 100,000 values).
--reports adds the review report of the whole sector (bench/reports.py: each format's time and
peak memory, in a section of its own); --reports-only measures that alone.
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import common
import generate
import reports

PERIODS = ["2023", "2023S1", "2023Q2", "202306", "2021-2025"]
LEVEL2_CODE = "B0002"  # the first level-2 unit: about a ninth of the sector
IMPORT_YEAR = 2024
EXPORT_PERIOD = "2023"
ROLLUP_TARGET_MS = 300
IMPORT_TARGET_PER_S = 50_000
COPY_FACTOR_TARGET = 3
MEMORY_TARGET_MB = 300


def log(message):
    print(message, flush=True)


# -- the roll-up ----------------------------------------------------------------------------------


def p95(samples):
    """Nearest-rank 95th percentile: with 30 runs, the 29th fastest."""
    ordered = sorted(samples)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def time_rollups(runs, warmups):
    from dimis.org.models import OrgUnit
    from dimis.performance.models import Period
    from dimis.performance.rollup import rollup
    from dimis.users.models import User

    viewer = User.objects.get(username=common.VIEWER)
    rows = []
    for root_code, label in ((common.ROOT_CODE, "whole sector"), (LEVEL2_CODE, "level-2 unit")):
        root = OrgUnit.objects.get(code=root_code)
        for code in PERIODS:
            period = Period.objects.get(code=code)
            for _ in range(warmups):
                figures = rollup(viewer, root, period)
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                rollup(viewer, root, period)
                samples.append((time.perf_counter() - started) * 1000)
            # A sanity check beside the timing: how many units the revenue figure counted.
            revenue = next(f for f in figures.values() if f.indicator.code == "REV_A")
            row = {
                "subtree": f"{label} ({root_code})",
                "sector": root_code == common.ROOT_CODE,
                "period": code,
                "median_ms": statistics.median(samples),
                "p95_ms": p95(samples),
                "min_ms": min(samples),
                "max_ms": max(samples),
                "units": revenue.total.reporting_units,
                "indicators": len(figures),
            }
            log(
                f"  roll-up {row['subtree']:<28} {code:<10} median {row['median_ms']:7.1f} ms"
                f"  p95 {row['p95_ms']:7.1f} ms  ({row['units']} units)"
            )
            rows.append(row)
    return rows


def explain_rollup(db):
    """The plan of the whole-sector roll-up for one year, saved beside the results."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from dimis.org.models import OrgUnit
    from dimis.performance.models import Period
    from dimis.performance.rollup import rollup, tune_for_rollup
    from dimis.users.models import User

    viewer = User.objects.get(username=common.VIEWER)
    root = OrgUnit.objects.get(code=common.ROOT_CODE)
    with CaptureQueriesContext(connection) as captured:
        rollup(viewer, root, Period.objects.get(code=EXPORT_PERIOD))
    query = max(captured.captured_queries, key=lambda q: float(q["time"]))["sql"]
    explain = "EXPLAIN (ANALYZE, BUFFERS)" if db == "postgres" else "EXPLAIN QUERY PLAN"
    with transaction.atomic(), connection.cursor() as cursor:
        tune_for_rollup(cursor)  # the plan under the settings the query runs with
        cursor.execute(f"{explain} {query}")
        plan = "\n".join(" | ".join(str(c) for c in row) for row in cursor.fetchall())
    path = common.BENCH_DIR / f"explain-rollup-{db}.txt"
    path.write_text(f"-- rollup(viewer, {common.ROOT_CODE}, {EXPORT_PERIOD})\n{query}\n\n{plan}\n")
    return path.name


# -- the import files -----------------------------------------------------------------------------


CSV_HEADER = "dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,followup\n"


def write_import_files(months):
    """DHIS2 dataValueSets (idScheme CODE) for the first `months` months of 2024: every unit x
    every indicator x month = 100,000 values a month, 1,000,000 for ten; in one CSV and one JSON
    file, and the same again as one file per month. Deterministic."""
    import random

    from dimis.org.models import OrgUnit
    from dimis.performance.models import Indicator

    rng = random.Random(IMPORT_YEAR)
    units = list(OrgUnit.objects.filter(is_sample=True).values_list("code", flat=True))
    ranges = {f[0]: (f[6], f[7]) for f in generate.FAMILIES}
    indicators = [
        (code, *ranges[code.rsplit("_", 1)[0]])
        for code in Indicator.objects.values_list("code", flat=True)
    ]
    count = len(units) * len(indicators) * months
    files = {"count": count, "csv_months": [], "json_months": []}
    for fmt in ("csv", "json"):
        files[fmt] = common.VAR_DIR / f"bench-import-{count}.{fmt}"
    whole_csv, whole_json = open(files["csv"], "w"), open(files["json"], "w")  # noqa: SIM115
    whole_csv.write(CSV_HEADER)
    whole_json.write('{"dataValues":[')
    for month in range(1, months + 1):
        period = f"{IMPORT_YEAR}{month:02d}"
        updated = f"{IMPORT_YEAR}-{month + 1:02d}-10T09:00:00.000+07:00"
        csv_lines, json_items = [], []
        for unit in units:
            for code, (lo, hi), decimals in indicators:
                figure = lo * (hi / lo) ** rng.random()
                value = f"{figure:.{decimals}f}" if decimals else str(round(figure))
                csv_lines.append(
                    f"{code},{period},{unit},default,default,{value},bench,{updated},,false\n"
                )
                json_items.append(
                    f'{{"dataElement":"{code}","period":"{period}","orgUnit":"{unit}",'
                    '"categoryOptionCombo":"default","attributeOptionCombo":"default",'
                    f'"value":"{value}","storedBy":"bench","lastUpdated":"{updated}",'
                    '"comment":"","followup":false}'
                )
        whole_csv.write("".join(csv_lines))
        whole_json.write(("," if month > 1 else "") + ",".join(json_items))
        for fmt, text in (
            ("csv", CSV_HEADER + "".join(csv_lines)),
            ("json", '{"dataValues":[' + ",".join(json_items) + "]}\n"),
        ):
            path = common.VAR_DIR / f"bench-import-{period}.{fmt}"
            path.write_text(text)
            files[f"{fmt}_months"].append(path)
    whole_json.write("]}\n")
    whole_csv.close()
    whole_json.close()
    return files


def prepare_import_year():
    """The 2024 periods exist before the imports (the calendar has moved on), so every run
    starts from the same database; the dry runs would otherwise roll their creation back."""
    from dimis.performance.models import Period

    for month in range(1, 13):
        Period.objects.for_code(f"{IMPORT_YEAR}{month:02d}")


def remove_import_year():
    """Undo an import, set-based: the 2024 values, their roll-ups, audits and batches; the plan
    period's roll-up rebuilt from the values; then VACUUM so the next run starts alike."""
    from django.db import connection, transaction

    from dimis.performance.models import Period, Value
    from dimis.performance.rollup import rebuild_rollups_for_period

    year = Period.objects.contained_in(Period.objects.for_code(str(IMPORT_YEAR)))
    ids = list(year.values_list("pk", flat=True))
    marks = ", ".join(["%s"] * len(ids))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM performance_valueaudit WHERE period_id IN ({marks})", ids)
        cursor.execute(
            "DELETE FROM performance_valueaudit WHERE batch_id IN "
            "(SELECT id FROM performance_valuebatch WHERE kind = 'dhis2')"
        )
        cursor.execute("DELETE FROM performance_valuebatch WHERE kind = 'dhis2'")
        cursor.execute(f"DELETE FROM performance_value WHERE period_id IN ({marks})", ids)
        cursor.execute(f"DELETE FROM performance_valuerollup WHERE period_id IN ({marks})", ids)
        rebuild_rollups_for_period(Period.objects.get(code=generate.PLAN))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("value", "valuerollup", "valueaudit", "valuebatch"):
                cursor.execute(f"VACUUM ANALYZE performance_{table}")
    left = Value.objects.count()
    if left != generate.expected_values():
        raise SystemExit(f"cleanup left {left:,} values, not {generate.expected_values():,}")


# -- child processes ------------------------------------------------------------------------------


def child(db, *argv):
    """Run child.py in a fresh interpreter; its result, with the process's wall time."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(common.BENCH_DIR / "child.py"), db, *argv],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode or not lines:
        sys.stderr.write(proc.stderr[-5000:])
        raise SystemExit(f"child.py {' '.join(argv)} failed ({proc.returncode})")
    result = json.loads(lines[-1][len("RESULT ") :])
    result["wall_seconds"] = wall
    return result


def settle():
    """Start a measured write from a quiet machine: the files just written (the import files,
    the previous run's clean-up) flushed to disk, and on PostgreSQL a checkpoint, so neither
    their write-back nor a checkpoint the previous run made due lands in the next run."""
    from django.db import DatabaseError, connection

    os.sync()
    if connection.vendor == "postgresql":
        try:
            with connection.cursor() as cursor:
                cursor.execute("CHECKPOINT")
        except DatabaseError as error:  # not a superuser (nor pg_checkpoint): measure anyway
            log(f"  no checkpoint before the run: {error}".strip())


def measure_writes(db, files, profile):
    count = files["count"]
    results = {"baseline": child(db, "baseline")}
    log(f"  idle Django process: peak RSS {results['baseline']['peak_rss_mb']:.0f} MB")
    remove_import_year()  # in case an earlier run was interrupted
    for fmt in ("csv", "json"):
        for dry in (False, True):
            name = f"{fmt}_{'dry_run' if dry else 'import'}"
            extra = ["--dry-run"] if dry else []
            settle()
            result = child(db, "import", str(files[fmt]), *extra)
            result["file_mb"] = files[fmt].stat().st_size / 1e6
            if "error" in result:
                # The one-file import failed: say so, and measure the same values as monthly
                # files imported one after another (each its own transaction) instead.
                log(f"  {name:<16} FAILED after {result['seconds']:.1f} s: {result['error']}")
                failed = result
                settle()
                result = child(db, "import", *map(str, files[f"{fmt}_months"]), *extra)
                if "error" in result:
                    raise SystemExit(f"the monthly imports failed too: {result['error']}")
                result["file_mb"] = failed["file_mb"]
                result["one_file_error"] = failed["error"]
                result["one_file_failed_after"] = failed["seconds"]
            result["values_per_s"] = count / result["seconds"]
            results[name] = result
            log(
                f"  {name:<16} {result['seconds']:7.1f} s  {result['values_per_s']:9,.0f} values/s"
                f"  peak RSS {result['peak_rss_mb']:.0f} MB  ({result['files']} file(s), "
                f"created {result['created']:,})"
            )
            if not dry:
                remove_import_year()
    settle()
    result = child(db, "copy", str(files["csv"]))
    result["values_per_s"] = count / result["seconds"]
    results["copy"] = result
    log(
        f"  bulk-path lower bound {result['seconds']:7.1f} s  {result['values_per_s']:9,.0f} values/s"
    )
    remove_import_year()
    if profile:  # an extra, unmeasured run: the profiler and auto_explain slow it down
        out = common.BENCH_DIR / f"profile-import-{db}.txt"
        paths = (
            [files["csv"]] if "one_file_error" not in results["csv_import"] else files["csv_months"]
        )
        child(db, "import", *map(str, paths), "--profile", str(out))
        remove_import_year()
        log(f"  wrote {out.name}")
    return results


def measure_exports(db):
    results = {}
    for fmt in ("json", "csv"):
        out = common.VAR_DIR / f"bench-export-{EXPORT_PERIOD}.{fmt}"
        result = child(db, "export", fmt, str(out), "--period", EXPORT_PERIOD)
        result["values_per_s"] = result["values"] / result["seconds"]
        result["file_mb"] = out.stat().st_size / 1e6
        results[fmt] = result
        log(
            f"  export {fmt:<4} {result['seconds']:7.1f} s  {result['values_per_s']:9,.0f} values/s"
            f"  peak RSS {result['peak_rss_mb']:.0f} MB  ({result['values']:,} values)"
        )
    return results


# -- the report -----------------------------------------------------------------------------------


def cpu_calibration() -> float:
    """Seconds for ten million Python additions, best of three: machines of the same "2 cores"
    differ by more than twice in speed, and figures taken on them compare only with this."""
    import timeit

    return min(timeit.repeat("for i in range(10_000_000): s += i", "s = 0", number=1, repeat=3))


def machine(db):
    import django
    import psycopg
    from django.db import connection

    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    ram = int(re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text()).group(1))
    info = {
        "cpu": f"{os.cpu_count()} cores ({cpu.group(1).strip() if cpu else platform.machine()})",
        "calibration": cpu_calibration(),
        "ram": f"{ram / 1024**2:.0f} GB",
        "python": platform.python_version(),
        "django": django.get_version(),
        "psycopg": psycopg.__version__,
        "sqlite": __import__("sqlite3").sqlite_version,
    }
    if db == "postgres":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
            settings = []
            for name in ("shared_buffers", "work_mem", "max_wal_size", "synchronous_commit"):
                cursor.execute(f"SHOW {name}")
                settings.append(f"{name} {cursor.fetchone()[0]}")
        info["database"] = f"PostgreSQL {version} ({', '.join(settings)})"
    else:
        info["database"] = f"SQLite {info['sqlite']} (Django's settings: IMMEDIATE transactions)"
    git = subprocess.run(
        ["git", "-C", str(common.PROJECT_DIR), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(common.PROJECT_DIR), "status", "--porcelain", "src"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    info["code"] = f"commit {git}" + (" with uncommitted changes in src/" if dirty else "")
    return info


def verdict(ok):
    return "**PASS**" if ok else "**FAIL**"


def section(db, info, results):
    """This database's section of RESULTS.md."""
    title = "PostgreSQL" if db == "postgres" else "SQLite"
    bulk = "COPY" if db == "postgres" else "executemany"
    ref = "" if db == "postgres" else " (PostgreSQL's target, for reference)"
    count = results["import_count"]
    out = [
        f"## {title}",
        "",
        f"Run {results['date']} with `{results['command']}` ({results['minutes']:.0f} min in all).",
        "",
        f"- Machine: {info['cpu']}, {info['ram']} RAM; {info['database']}.",
        f"- CPU speed: ten million Python additions take {info['calibration']:.2f} s "
        "(`bench/run.py` measures it before each run; compare figures only at similar speeds).",
        f"- Load average (1 min): {info['load']} (other work on the machine shows as noise).",
        f"- Python {info['python']}, Django {info['django']}, psycopg {info['psycopg']}; "
        f"DIMIS {info['code']}.",
        f"- Sector: {results['sector']}.",
        "",
        f"### Dashboard roll-up: `rollup(viewer, root, period)`, {results['runs']} runs after "
        f"{results['warmups']} warm-ups",
        "",
        "The viewer is a sector-wide VIEWER (not a superuser, top clearance): the access filter "
        f"is part of the query. Plan: [`explain-rollup-{db}.txt`](explain-rollup-{db}.txt).",
        "",
        f"| Subtree | Period | Median ms | p95 ms | Min ms | Max ms | Units counted | p95 ≤ {ROLLUP_TARGET_MS} ms{ref} |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results["rollup"]:
        out.append(
            f"| {r['subtree']} | {r['period']} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | "
            f"{r['min_ms']:.1f} | {r['max_ms']:.1f} | {r['units']:,} | "
            f"{verdict(r['p95_ms'] <= ROLLUP_TARGET_MS) if r['sector'] else '—'} |"
        )
    w = results["writes"]
    base = w["baseline"]["peak_rss_mb"]
    copy_s = w["copy"]["seconds"]
    out += [
        "",
        f"### Import of {count:,} values (DHIS2 dataValueSets, idScheme CODE)",
        "",
        f"{count // 100_000} months of {IMPORT_YEAR} × 2,000 units × 50 indicators, all new "
        f"values, imported by a sector-wide REPORTER with `import_data_value_sets`, each run in "
        f"a fresh process; the values, roll-ups, audits and batches are deleted again after each "
        f"run, and each run (the lower bound too) starts after a sync and, on PostgreSQL, a "
        f"checkpoint. Seconds are the call alone (the process's wall time, with Django's start-up, "
        f"beside it). Peak RSS is the process's VmHWM, nothing subtracted; an idle Django process "
        f"peaks at {base:.0f} MB.",
        "",
        "| Run | File MB | Seconds (process) | Values/s | × lower bound | Peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, label in (
        ("csv_import", "CSV import"),
        ("json_import", "JSON import"),
        ("csv_dry_run", "CSV dry run"),
        ("json_dry_run", "JSON dry run"),
    ):
        r = w[name]
        if "one_file_error" in r:
            out.append(
                f"| {label}, one file | {r['file_mb']:.0f} | **fails** after "
                f"{r['one_file_failed_after']:.1f} s: {r['one_file_error']} | — | — | — |"
            )
            label += f", the same values as {r['files']} monthly files one after another"
        else:
            label += ", one file"
        out.append(
            f"| {label} | {r['file_mb']:.0f} | {r['seconds']:.1f} ({r['wall_seconds']:.1f}) | "
            f"{r['values_per_s']:,.0f} | {r['seconds'] / copy_s:.1f} | {r['peak_rss_mb']:.0f} |"
        )
    c = w["copy"]
    out += [
        f"| Lower bound: {bulk} into performance_value, one transaction | — | {copy_s:.1f} "
        f"({c['wall_seconds']:.1f}) | {c['values_per_s']:,.0f} | 1.0 | {c['peak_rss_mb']:.0f} |",
        "",
        f"The lower bound writes the same rows, resolved to ids beforehand (reading the CSV and "
        f"resolving took {c['prepare_seconds']:.1f} s more; its peak RSS is those rows held in "
        f"memory), with the table's indexes and foreign keys as the product has them.",
        "",
        "Where the CSV import's time goes (the run above; SQL statements and staging, by time):",
        "",
        "| Seconds | Calls | Statement |",
        "|---:|---:|---|",
    ]
    rest = w["csv_import"]["seconds"] - sum(s["seconds"] for s in w["csv_import"]["sql"])
    for s in w["csv_import"]["sql"]:
        statement = s["sql"].replace("|", "\\|")
        out.append(f"| {s['seconds']:.1f} | {s['calls']:,} | `{statement}…` |")
    out.append(
        f"| {rest:.1f} | — | Python: reading, parsing and resolving the rows (and formatting them for COPY), the rest |"
    )
    e = results["exports"]
    out += [
        "",
        f"### DHIS2 export: whole sector, year {EXPORT_PERIOD}",
        "",
        "`export_data_value_sets(viewer, file, fmt, root=B0001, children=True, periods=[2023])` "
        "into a file, in a fresh process.",
        "",
        "| Format | Values | Seconds (process) | Values/s | Peak RSS MB | File MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for fmt in ("json", "csv"):
        r = e[fmt]
        out.append(
            f"| {fmt.upper()} | {r['values']:,} | {r['seconds']:.1f} ({r['wall_seconds']:.1f}) | "
            f"{r['values_per_s']:,.0f} | {r['peak_rss_mb']:.0f} | {r['file_mb']:.0f} |"
        )
    sector = [r for r in results["rollup"] if r["sector"]]
    worst = max(sector, key=lambda r: r["p95_ms"])
    imports = [("CSV", w["csv_import"]), ("JSON", w["json_import"])]
    out += [
        "",
        f"### Targets{ref}",
        "",
        "| Target | Measured | Result |",
        "|---|---|---|",
        f"| Roll-up, whole sector, one period: p95 ≤ {ROLLUP_TARGET_MS} ms | worst "
        f"{worst['p95_ms']:.0f} ms ({worst['period']}); "
        + ", ".join(f"{r['period']} {r['p95_ms']:.0f}" for r in sector)
        + f" | {verdict(worst['p95_ms'] <= ROLLUP_TARGET_MS)} |",
    ]
    for label, r in imports:
        if "one_file_error" in r:
            out.append(
                f"| {label} import of {count:,} values in one file completes | fails: "
                f"{r['one_file_error']} (the figures below are for monthly files) | **FAIL** |"
            )
    for label, r in imports:
        out.append(
            f"| {label} import ≥ {IMPORT_TARGET_PER_S:,} values/s | {r['values_per_s']:,.0f} "
            f"values/s | {verdict(r['values_per_s'] >= IMPORT_TARGET_PER_S)} |"
        )
    for label, r in imports:
        factor = r["seconds"] / copy_s
        out.append(
            f"| {label} import within {COPY_FACTOR_TARGET}× of the {bulk} lower bound | "
            f"{factor:.1f}× ({r['seconds']:.1f} s vs {copy_s:.1f} s) | "
            f"{verdict(factor <= COPY_FACTOR_TARGET)} |"
        )
    for label, r in imports:
        out.append(
            f"| {label} import of {count:,} values: peak memory < {MEMORY_TARGET_MB} MB | "
            f"{r['peak_rss_mb']:.0f} MB (idle process {base:.0f} MB) | "
            f"{verdict(r['peak_rss_mb'] < MEMORY_TARGET_MB)} |"
        )
    return "\n".join(out) + "\n"


RESULTS_HEAD = """# DIMIS benchmark results

The benchmark of [bench/](.): a generated sector of 2,000 units in 5 levels (1 / 9 / 40 / 350 /
1,600, with a few units moved on 1 July 2022), 50 monthly indicators and 36 months (2021–2023):
3,600,000 values and their 2,200,000 roll-up rows, on PostgreSQL and on SQLite.

## How to reproduce

```sh
make bench                  # PostgreSQL, then SQLite (each rewrites its section below)
make bench DB=postgres      # one database; BENCH_ARGS="--skip-generate" passes options
.venv/bin/python bench/run.py --db postgres [--skip-generate] [--quick] [--profile]
.venv/bin/python bench/generate.py --db sqlite --reset   # rebuild a bench database
.venv/bin/python bench/run.py --db sqlite --reports-only  # the whole sector's review report alone
```

PostgreSQL: the server at `postgres://postgres@127.0.0.1:5432` (`BENCH_PG_SERVER` to change
it); the bench creates and drops its own database `dimis_bench`. SQLite: `var/bench.sqlite3`.
The sector is generated on the first run (2–3 minutes) and kept; it is rebuilt when the
migrations change. The import and export files go to `var/bench-*` (about 1 GB). `--quick`
(5 runs, 100,000 values) only prints; `--profile` adds a CSV import run under cProfile (and
PostgreSQL's auto_explain for statements over 0.5 s) written to `bench/profile-import-*.txt`.
`--reports` adds, and `--reports-only` measures alone, the review report of the whole sector
in each format (bench/reports.py adds documents, 10,000 tasks and two meetings to the sector
once), in a section of its own. Each database's section below is rewritten by its run; the rest
of this file is kept.

"""


def write_results(db, text):
    path = common.BENCH_DIR / "RESULTS.md"
    start, end = f"<!-- bench:{db} -->", f"<!-- /bench:{db} -->"
    current = path.read_text() if path.exists() else RESULTS_HEAD
    block = f"{start}\n{text}{end}"
    if start in current and end in current:
        before, rest = current.split(start, 1)
        current = before + block + rest.split(end, 1)[1]
    elif FINDINGS in current:  # a new section goes before the findings
        before, rest = current.split(FINDINGS, 1)
        current = before + block + "\n\n" + FINDINGS + rest
    else:
        current = current.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(current)


FINDINGS = "## Findings and what is left"


def measure_reports(db, began):
    """The review report of the whole sector, in its own section of RESULTS.md."""
    log("-- review report")
    prepared = reports.prepare()
    log(f"  {prepared['documents']} documents, {prepared['tasks']:,} tasks")
    info = machine(db)
    load_start = f"{os.getloadavg()[0]:.1f}"
    results = reports.measure(db, child, log)
    info["load"] = f"{load_start} at the start, {os.getloadavg()[0]:.1f} at the end"
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = f"python bench/run.py --db {db} --reports-only"
    text = reports.section(db, info, results, prepared, command, date)
    (common.BENCH_DIR / f"results-reports-{db}.json").write_text(
        json.dumps({"machine": info, "prepared": prepared, **results}, indent=1, default=str) + "\n"
    )
    write_results(f"reports-{db}", text)
    log(
        f"Wrote bench/RESULTS.md (review report, {db}) in {(time.perf_counter() - began) / 60:.0f} min."
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], required=True)
    parser.add_argument("--skip-generate", action="store_true", help="use the sector as it is")
    parser.add_argument("--quick", action="store_true", help="a short check; only prints")
    parser.add_argument("--profile", action="store_true", help="also profile a CSV import")
    parser.add_argument(
        "--reports", action="store_true", help="also measure the whole sector's review report"
    )
    parser.add_argument(
        "--reports-only", action="store_true", help="measure only the review report"
    )
    args = parser.parse_args(argv)
    began = time.perf_counter()
    db = args.db
    log(f"== DIMIS benchmark on {db} ==")
    if args.skip_generate:
        common.setup(db)
        if not generate.is_generated(2024):
            raise SystemExit("no complete bench sector: run without --skip-generate")
    else:
        generate.generate(db)
    if args.reports_only:
        measure_reports(db, began)
        return
    from dimis.performance.models import ValueRollup

    info = machine(db)  # before measuring: the code as it was when the run began
    runs, warmups, months = (5, 1, 1) if args.quick else (30, 3, 10)
    results = {
        "load_start": f"{os.getloadavg()[0]:.1f}",
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python bench/run.py --db " + db + (" --profile" if args.profile else ""),
        "runs": runs,
        "warmups": warmups,
        "sector": f"{sum(generate.LEVELS):,} units, 50 indicators, 36 months, "
        f"{generate.expected_values():,} values, {ValueRollup.objects.count():,} roll-up rows",
    }
    log("-- dashboard roll-up")
    results["rollup"] = time_rollups(runs, warmups)
    results["explain"] = explain_rollup(db)
    log("-- import")
    prepare_import_year()
    files = write_import_files(months)
    results["import_count"] = files["count"]
    results["writes"] = measure_writes(db, files, args.profile)
    log("-- export")
    results["exports"] = measure_exports(db)
    results["minutes"] = (time.perf_counter() - began) / 60
    info["load"] = f"{results['load_start']} at the start, {os.getloadavg()[0]:.1f} at the end"
    text = section(db, info, results)
    if args.quick:
        print(text)
        return
    (common.BENCH_DIR / f"results-{db}.json").write_text(
        json.dumps({"machine": info, **results}, indent=1, default=str) + "\n"
    )
    write_results(db, text)
    log(f"Wrote bench/RESULTS.md ({db}) in {results['minutes']:.0f} min.")
    if args.reports:
        measure_reports(db, began)


if __name__ == "__main__":
    main()
