"""Generate the benchmark sector: 2,000 units in 5 levels, 50 indicators, 36 months, 3.6M values.

    python bench/generate.py --db postgres|sqlite [--reset] [--seed 2024]

The database is the bench's own (see common.py). Units, indicators, periods and users go through
the models; the 3.6 million values are written with the database's bulk path (COPY on
PostgreSQL, executemany on SQLite) and the roll-up rows built set-based with the product's own
`rebuild_rollups_for_period`, because the product's write path is what the bench measures, not
what it uses to fill the database. Without --reset an already generated sector is kept.
"""

import argparse
import datetime
import hashlib
import random
import sys
import time

import common

GENERATOR_VERSION = 1  # raise it when what is generated changes
LEVELS = (1, 9, 40, 350, 1600)  # units per level, the root first: 2,000 in all
YEARS = (2021, 2022, 2023)
PLAN = "2021-2025"
MOVE_DAY = datetime.date(2022, 7, 1)
GROUPS = "ABCDE"  # five product groups per indicator family: 10 x 5 = 50 indicators
STORED_BY = "bench"

# Realistic kinds per level (the root is the general department).
KINDS = (
    ("general_department",),
    ("department", "corporation", "corporation", "institute", "academy"),
    ("corporation", "institute", "factory", "school", "corporation"),
    ("company", "factory", "factory"),
    ("factory", "company", "factory", "factory"),
)
KIND_NAMES = {
    "general_department": ("Tổng cục", "General department"),
    "department": ("Cục", "Department"),
    "corporation": ("Tổng công ty", "Corporation"),
    "institute": ("Viện", "Institute"),
    "academy": ("Học viện", "Academy"),
    "school": ("Trường", "School"),
    "factory": ("Nhà máy", "Factory"),
    "company": ("Công ty", "Company"),
}
# Extensive figures scale with the size of a unit at each level (the root reports as an HQ).
LEVEL_SIZE = (0.2, 0.5, 1.0, 0.6, 0.3)

# code, Vietnamese, English, unit of measure, unit agg., time agg., (low, high) per unit and
# month, decimals, extensive (scales with unit size)
FAMILIES = [
    ("REV", "Doanh thu", "Revenue", "vnd", "sum", "sum", (5e8, 5e10), 0, True),
    ("PBT", "Lợi nhuận trước thuế", "Profit before tax", "vnd", "sum", "sum", (2e7, 3e9), 0, True),
    ("BUD", "Nộp ngân sách", "State budget contributions", "vnd", "sum", "sum", (1e7, 1e9), 0, True),
    ("EXP", "Kim ngạch xuất khẩu", "Export turnover", "usd", "sum", "sum", (1e3, 2e6), 0, True),
    ("DEL", "Sản phẩm bàn giao", "Products delivered", "units", "sum", "sum", (1, 5000), 0, True),
    ("HC", "Quân số, lao động", "Headcount", "persons", "sum", "last", (50, 3000), 0, True),
    ("INC", "Thu nhập bình quân", "Average monthly income", "vnd", "average", "average", (8e6, 2.5e7), 0, False),
    ("PLN", "Tỷ lệ hoàn thành kế hoạch", "Plan completion", "percent", "average", "average", (60, 130), 2, False),
    ("RND", "Đề tài, dự án đang thực hiện", "R&D projects under way", "projects", "sum", "last", (1, 25), 0, True),
    ("FX", "Tỷ giá hạch toán", "Accounting exchange rate", "vnd", "last", "last", (23000, 25500), 0, False),
]  # fmt: skip


def months() -> list[str]:
    return [f"{y}{m:02d}" for y in YEARS for m in range(1, 13)]


def expected_values() -> int:
    return sum(LEVELS) * len(FAMILIES) * len(GROUPS) * len(months())


def fingerprint(seed: int) -> str:
    """What the generated database depends on: the schema (migration files, which may be edited
    in place before a release), this generator's version and the seed."""
    digest = hashlib.sha256(f"{GENERATOR_VERSION}/{seed}".encode())
    for path in sorted((common.PROJECT_DIR / "src").glob("dimis/*/migrations/*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def is_generated(seed: int) -> bool:
    """The fingerprint is written last: if it matches, the whole sector was written for the
    current schema."""
    from django.db import connection

    if "bench_sector" not in connection.introspection.table_names():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT fingerprint FROM bench_sector")
        return cursor.fetchone() == (fingerprint(seed),)


def mark_generated(seed: int):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_sector (fingerprint VARCHAR(64))")
        cursor.execute("INSERT INTO bench_sector VALUES (%s)", [fingerprint(seed)])


def step(label, started):
    print(f"  {label:<44} {time.perf_counter() - started:8.1f} s", flush=True)
    return time.perf_counter()


def make_units():
    """The tree, level by level; each level's units spread evenly over the level above."""
    from dimis.org.models import OrgUnit, UnitLink

    since = datetime.date(2000, 1, 1)
    levels, number = [], 0
    for depth, count in enumerate(LEVELS):
        units = []
        for i in range(count):
            number += 1
            kind = KINDS[depth][i % len(KINDS[depth])]
            vi, en = KIND_NAMES[kind]
            code = f"B{number:04d}"
            units.append(
                OrgUnit(
                    code=code,
                    name=f"{vi} {code} (mẫu)",
                    name_en=f"{en} {code} (sample)",
                    abbreviation=code,
                    kind=kind,
                    established=since,
                    classification=i % 2,
                    is_sample=True,
                )
            )
        # bulk_create skips the per-row change-log record (2,000 hash-chain writes): bench data.
        levels.append(OrgUnit.objects.bulk_create(units))
    links = []
    for depth in range(1, len(LEVELS)):
        parents, children = levels[depth - 1], levels[depth]
        for j, child in enumerate(children):
            parent = parents[j * len(parents) // len(children)]
            links.append(UnitLink(child=child, parent=parent, valid_from=since))
    UnitLink.objects.bulk_create(links)
    move_units(levels)
    return levels


def move_units(levels):
    """A few reorganisations on 1 July 2022, so the dated tree differs between years:
    two level-3 units change level-2 parent, four level-4 units change level-3 parent."""
    from dimis.org.models import UnitLink

    moves = [(levels[2][i], levels[1][(i * 9 // 40 + 3) % 9]) for i in (4, 20)]
    moves += [(levels[3][i], levels[2][(i * 40 // 350 + 7) % 40]) for i in (10, 100, 200, 300)]
    for unit, new_parent in moves:
        UnitLink.objects.filter(child=unit, valid_to__isnull=True).update(valid_to=MOVE_DAY)
        UnitLink.objects.create(child=unit, parent=new_parent, valid_from=MOVE_DAY)


def make_indicators():
    from dimis.performance.models import Indicator

    indicators = []
    order = 0
    for code, vi, en, uom, unit_agg, time_agg, _range, decimals, _ext in FAMILIES:
        for g, group in enumerate(GROUPS):
            order += 10
            indicators.append(
                Indicator.objects.create(
                    code=f"{code}_{group}",
                    name=f"{vi} — nhóm sản phẩm {group}",
                    name_en=f"{en} — product group {group}",
                    unit_of_measure=uom,
                    period_type="monthly",
                    unit_aggregation=unit_agg,
                    time_aggregation=time_agg,
                    decimals=decimals,
                    display_scale=1_000_000 if uom == "vnd" and code != "FX" else 1,
                    classification=g % 4,  # 0..3: a top-clearance user sees all of them
                    sort_order=order,
                )
            )
    return indicators


def make_periods():
    """The months (each brings its quarter, half and year) and the plan period."""
    from dimis.performance.models import Period

    month_periods = [Period.objects.for_code(code) for code in months()]
    Period.objects.for_code(PLAN)
    return month_periods


def figures(levels, indicators, month_periods, seed):
    """Yield (period, [(indicator_id, unit_id, value text), ...]) month by month: each
    (unit, indicator) has a base figure; each month varies around it. Deterministic for a seed."""
    rng = random.Random(seed)
    families = [f for f in FAMILIES for _ in GROUPS]
    series = []  # (indicator id, unit id, base, decimals)
    for depth, units in enumerate(levels):
        for unit in units:
            for indicator, (_c, _v, _e, _u, _ua, _ta, (lo, hi), decimals, extensive) in zip(
                indicators, families, strict=True
            ):
                base = lo * (hi / lo) ** rng.random()  # log-uniform: a few large units
                if extensive:
                    base *= LEVEL_SIZE[depth]
                series.append((indicator.pk, unit.pk, base, decimals))
    for period in month_periods:
        rows = []
        for indicator_id, unit_id, base, decimals in series:
            figure = base * (0.85 + 0.3 * rng.random())
            text = f"{figure:.{decimals}f}" if decimals else str(max(round(figure), 0))
            rows.append((indicator_id, unit_id, text))
        yield period, rows


def stamp(period) -> datetime.datetime:
    """Figures are entered on the 10th of the following month."""
    start = period.start_date
    year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    return datetime.datetime(year, month, 10, 2, 0, tzinfo=datetime.UTC)


def write_values(levels, indicators, month_periods, seed) -> int:
    """One transaction per month, so deferred foreign-key checks stay a month's worth."""
    from django.db import connection, transaction

    written = 0
    postgres = connection.vendor == "postgresql"
    for period, rows in figures(levels, indicators, month_periods, seed):
        when = stamp(period)
        with transaction.atomic(), connection.cursor() as cursor:
            if postgres:
                ts = when.isoformat(sep=" ")
                lines = "".join(
                    f"{i}\t{u}\t{period.pk}\t{v}\t\t{STORED_BY}\t{ts}\t{ts}\n" for i, u, v in rows
                )
                columns = "indicator_id, unit_id, period_id, value, comment, stored_by, created, last_updated"
                with cursor.cursor.copy(f"COPY performance_value ({columns}) FROM STDIN") as copy:
                    copy.write(lines.encode())
            else:
                ts = when.replace(tzinfo=None).isoformat(sep=" ")  # Django keeps UTC in SQLite
                cursor.executemany(
                    "INSERT INTO performance_value (indicator_id, unit_id, period_id, value, "
                    "comment, stored_by, created, last_updated) "
                    "VALUES (%s, %s, %s, %s, '', %s, %s, %s)",
                    [(i, u, period.pk, v, STORED_BY, ts, ts) for i, u, v in rows],
                )
        written += len(rows)
    return written


def build_rollups() -> int:
    from django.db import transaction

    from dimis.performance.models import Period, ValueRollup
    from dimis.performance.rollup import rebuild_rollups_for_period

    for period in Period.objects.exclude(period_type="monthly"):
        with transaction.atomic():
            rebuild_rollups_for_period(period)
    return ValueRollup.objects.count()


def make_users(root):
    from dimis.framework.choices import Classification, Role
    from dimis.users.models import Grant, User

    for username, role in ((common.VIEWER, Role.VIEWER), (common.REPORTER, Role.REPORTER)):
        # Not superusers: the roll-up and the import go through the access filter.
        user = User.objects.create_user(
            username=username, password=None, clearance=Classification.TOP_SECRET
        )
        Grant.objects.create(user=user, role=role, unit=root)


def analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def generate(db: str, reset: bool = False, seed: int = 2024) -> None:
    """Create (or with `reset`, recreate) the bench sector in the bench database `db`."""
    common.create_database(db)
    common.setup(db)
    from django.core.management import call_command
    from django.db import connection

    if not reset and is_generated(seed):
        print(f"The bench sector is already in the {db} database (--reset to rebuild it).")
        return
    # Reset, new or interrupted: start again from an empty database.
    connection.close()
    common.drop_database(db)
    common.create_database(db)
    call_command("migrate", verbosity=0)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1000000")  # 1 GB page cache for the index builds
    print(f"Generating the bench sector in {common.database_url(db)} (seed {seed})")
    total = started = time.perf_counter()
    levels = make_units()
    started = step(f"{sum(LEVELS):,} units, {len(LEVELS)} levels, moves in 2022", started)
    indicators = make_indicators()
    started = step(f"{len(indicators)} indicators", started)
    month_periods = make_periods()
    started = step(f"{len(month_periods)} months, their parents and {PLAN}", started)
    written = write_values(levels, indicators, month_periods, seed)
    started = step(f"{written:,} values (bulk path)", started)
    rollups = build_rollups()
    started = step(f"{rollups:,} roll-up rows (rebuild_rollups_for_period)", started)
    analyze()
    started = step("ANALYZE", started)
    make_users(levels[0][0])
    step("viewer and reporter on the root", started)
    mark_generated(seed)
    print(f"  {'generation in all':<44} {time.perf_counter() - total:8.1f} s")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], required=True)
    parser.add_argument("--reset", action="store_true", help="drop the bench database first")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)
    generate(args.db, reset=args.reset, seed=args.seed)


if __name__ == "__main__":
    sys.exit(main())
