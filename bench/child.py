"""One measurement in a fresh process, so its peak memory is its own (run by run.py).

    python bench/child.py DB baseline
    python bench/child.py DB import FILE [FILE ...] [--dry-run] [--profile OUT]
    python bench/child.py DB copy FILE
    python bench/child.py DB export FORMAT OUT
    python bench/child.py DB report FORMAT OUT [--period 2023S1]

Prints one line `RESULT {json}` at the end: seconds of the measured call (Django's start-up
excluded), the process's peak RSS (VmHWM) and its RSS before the call.
"""

import argparse
import contextlib
import csv
import datetime
import json
import re
import sys
import time
from collections import defaultdict

import common


class SqlTimer:
    """Time spent per SQL statement (by its first words) and in staging rows, to show what
    dominates an import. Costs a few microseconds per statement."""

    def __init__(self):
        self.seconds = defaultdict(float)
        self.calls = defaultdict(int)
        self.staging = False

    def __call__(self, execute, sql, params, many, context):
        if self.staging:  # counted as staging below (SQLite stages with executemany)
            return execute(sql, params, many, context)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            key = re.sub(r"\s+", " ", sql)[:90]
            self.seconds[key] += time.perf_counter() - started
            self.calls[key] += 1

    def wrap_sending(self, values):
        """Time the writers' sending of rows: staged, into the temporary table; written
        directly, the waits for the server's COPY into the values, which runs as Python reads."""
        direct = "(direct write: waiting for the COPY into performance_value)"
        for writer_class, method, label in (
            (values.ValueWriter, "_flush", "(staging: rows into the temporary table)"),
            (values.DirectValueWriter, "pause", direct),
            (values.DirectValueWriter, "_send", direct),
        ):
            setattr(writer_class, method, self._timed(getattr(writer_class, method), label))

    def _timed(self, original, label):
        def timed(writer):
            if self.staging:  # pause() sends the last rows: counted once
                return original(writer)
            started, self.staging = time.perf_counter(), True
            try:
                return original(writer)
            finally:
                self.staging = False
                self.seconds[label] += time.perf_counter() - started
                self.calls[label] += 1

        return timed

    def wrap_commit(self, connection):
        """COMMIT runs the deferred foreign-key checks of every written row: time it too."""
        original = connection._commit

        def commit():
            started = time.perf_counter()
            try:
                return original()
            finally:
                self.seconds["COMMIT (deferred foreign-key checks)"] += (
                    time.perf_counter() - started
                )
                self.calls["COMMIT (deferred foreign-key checks)"] += 1

        connection._commit = commit

    def top(self, count=14):
        ranked = sorted(self.seconds.items(), key=lambda kv: -kv[1])[:count]
        return [{"sql": sql, "seconds": s, "calls": self.calls[sql]} for sql, s in ranked]


def baseline(args):
    from dimis.users.models import User

    User.objects.get(username=common.REPORTER)  # a connection and a query: an idle worker
    return {}


def run_import(args):
    from django.db import connection

    from dimis.performance import values
    from dimis.performance.dhis2 import import_data_value_sets
    from dimis.users.models import User

    user = User.objects.get(username=common.REPORTER)
    timer = SqlTimer()
    timer.wrap_sending(values)
    timer.wrap_commit(connection)
    profiler = plans = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        plans = explain_slow_statements(connection)
    totals = dict.fromkeys(("created", "updated", "deleted", "unchanged"), 0)
    started = time.perf_counter()
    # Several files: imported one after another, each all or nothing in its own transaction.
    for path in args.files:
        with open(path, "rb") as stream, connection.execute_wrapper(timer):
            if profiler:
                profiler.enable()
            try:
                result = import_data_value_sets(
                    user, stream, path.rsplit(".", 1)[-1], dry_run=args.dry_run, source_name=path
                )
            except Exception as error:  # reported, with how long it took to fail
                while error.__context__ is not None:  # the first error, not what it masked
                    error = error.__context__
                message = " ".join(f"{type(error).__name__}: {error}".split())[:300]
                return {"error": message, "seconds": time.perf_counter() - started}
            finally:
                if profiler:
                    profiler.disable()
        for key in totals:
            totals[key] += getattr(result, key)
    seconds = time.perf_counter() - started
    if profiler:
        import pstats

        with open(args.profile, "w") as out:
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
            out.write("\n\n-- Plans of the statements over 0.5 s (auto_explain)\n\n")
            out.write("\n\n".join(plans))
    return {"seconds": seconds, **totals, "files": len(args.files), "sql": timer.top()}


def explain_slow_statements(connection) -> list[str]:
    """PostgreSQL: have auto_explain send the plan (with actual times) of every statement over
    half a second to this session as a notice, and collect them."""
    plans: list[str] = []
    if connection.vendor != "postgresql":
        return plans
    with connection.cursor() as cursor:
        cursor.execute("LOAD 'auto_explain'")
        for name, value in (
            ("log_min_duration", "500"),
            ("log_analyze", "on"),
            ("log_buffers", "on"),
            ("log_triggers", "on"),
            ("log_level", "notice"),
        ):
            cursor.execute(f"SET auto_explain.{name} = '{value}'")
    connection.connection.add_notice_handler(lambda notice: plans.append(notice.message_primary))
    return plans


def copy_lower_bound(args):
    """The same rows as the import file, resolved to ids beforehand, written straight into
    performance_value with the database's bulk path: what the database alone needs."""
    from django.db import connection, transaction

    from dimis.org.models import OrgUnit
    from dimis.performance.models import Indicator, Period

    started = time.perf_counter()
    indicators = dict(Indicator.objects.values_list("code", "id"))
    units = dict(OrgUnit.objects.values_list("code", "id"))
    periods = dict(Period.objects.values_list("code", "id"))
    now = datetime.datetime.now(datetime.UTC)
    postgres = connection.vendor == "postgresql"
    stamp = now.isoformat(sep=" ") if postgres else now.replace(tzinfo=None).isoformat(sep=" ")
    rows = []
    with open(args.file, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        for row in reader:
            rows.append(
                (
                    indicators[row["dataelement"]],
                    units[row["orgunit"]],
                    periods[row["period"]],
                    row["value"],
                )
            )
    if postgres:
        data = "".join(f"{i}\t{u}\t{p}\t{v}\t\tbench\t{stamp}\t{stamp}\n" for i, u, p, v in rows)
        data = data.encode()
    prepare = time.perf_counter() - started

    columns = "indicator_id, unit_id, period_id, value, comment, stored_by, created, last_updated"
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:  # committed: FK checks included
        if postgres:
            view = memoryview(data)
            with cursor.cursor.copy(f"COPY performance_value ({columns}) FROM STDIN") as copy:
                for at in range(0, len(view), 1 << 20):
                    copy.write(view[at : at + (1 << 20)])
        else:
            cursor.executemany(
                f"INSERT INTO performance_value ({columns}) VALUES (%s, %s, %s, %s, '', 'bench', %s, %s)",
                [(i, u, p, v, stamp, stamp) for i, u, p, v in rows],
            )
    return {"seconds": time.perf_counter() - started, "prepare_seconds": prepare, "rows": len(rows)}


def export(args):
    from dimis.performance.dhis2 import export_data_value_sets, export_filters
    from dimis.users.models import User

    user = User.objects.get(username=common.VIEWER)
    started = time.perf_counter()
    # The filters as the API and the page build them: the root's subtree, the year 2023.
    filters = export_filters(user, unit=common.ROOT_CODE, children=True, periods=[args.period])
    with open(args.out, "wb") as out:
        count = export_data_value_sets(user, out, args.format, **filters)
    return {"seconds": time.perf_counter() - started, "values": count}


def report(args):
    """The whole sector's six-month review report, built, then rendered in one format."""
    from dimis.meetings.models import Meeting
    from dimis.org.models import OrgUnit
    from dimis.reports.builder import build_report
    from dimis.reports.renderers import RENDERERS
    from dimis.users.models import User

    user = User.objects.get(username=common.VIEWER)
    root = OrgUnit.objects.get(code=common.ROOT_CODE)
    meeting = Meeting.objects.filter(kind="six_month_review", host_unit=root).first()
    started = time.perf_counter()
    built = build_report(user, root, args.period, "six_month", "vi", meeting)
    build_seconds = time.perf_counter() - started
    content = RENDERERS[args.format](built)
    seconds = time.perf_counter() - started
    with open(args.out, "wb") as out:
        out.write(content)
    result = {
        "seconds": seconds,
        "build_seconds": build_seconds,
        "render_seconds": seconds - build_seconds,
        "sections": len(built.sections),
        "rows": sum(len(t.rows) for _, t in built.tables()),
        "classification": built.classification_label,
    }
    if args.format == "pdf":  # counted after the measurement
        import io

        from pypdf import PdfReader

        result["pages"] = len(PdfReader(io.BytesIO(content)).pages)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("db", choices=["postgres", "sqlite"])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("baseline").set_defaults(run=baseline)
    p = commands.add_parser("import")
    p.add_argument("files", nargs="+")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--profile")
    p.set_defaults(run=run_import)
    p = commands.add_parser("copy")
    p.add_argument("file")
    p.set_defaults(run=copy_lower_bound)
    p = commands.add_parser("export")
    p.add_argument("format", choices=["json", "csv"])
    p.add_argument("out")
    p.add_argument("--period", default="2023")
    p.set_defaults(run=export)
    p = commands.add_parser("report")
    p.add_argument("format", choices=["html", "pdf", "docx", "xlsx"])
    p.add_argument("out")
    p.add_argument("--period", default="2023S1")
    p.set_defaults(run=report)
    args = parser.parse_args()

    common.setup(args.db)
    from django.db import connection

    connection.ensure_connection()
    before = common.rss_mb()
    with contextlib.redirect_stdout(sys.stderr):  # keep stdout for the result line
        result = args.run(args)
    result.update(rss_before_mb=before, peak_rss_mb=common.peak_rss_mb())
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
