"""The live roll-up: figures over the dated unit tree and the period tree, at read time.

Two tables feed it. `Value` holds what units reported (months, say); `ValueRollup` holds each
unit's values already summed over every coarser period that contains them (quarter, half, year,
plan), with the latest of them, kept current by each write in its own transaction
(`apply_rollup_deltas`). So a figure for a year reads one row per unit and indicator, never
twelve, and there is no rebuild step.

Over units the tree is the one that stood on the period's last day (or today, if sooner): a
ten-year view puts each year's figures under the parent the unit had that year.
"""

import datetime
import decimal
from dataclasses import dataclass, field

import psycopg
from django.db import connection, transaction
from django.utils import timezone

from dimis.framework.access import granted_units_sql
from dimis.framework.sql import placeholders

from .models import Indicator, Period, UnitAggregation, period_as_of

ROLLUP = "performance_valuerollup"

# The latest value of each roll-up row matched by `where`, looked up from the values (an
# indicator's values are all of one period type, so the start date names the period).
FILL_LAST_VALUE = (
    f"UPDATE {ROLLUP} SET last_value = ("
    "SELECT v.value FROM performance_value v JOIN performance_period p ON p.id = v.period_id "
    f"WHERE v.indicator_id = {ROLLUP}.indicator_id AND v.unit_id = {ROLLUP}.unit_id "
    f"AND p.start_date = {ROLLUP}.last_start) "
)


def _merged(existing: str, incoming: str) -> str:
    """SET clause adding `incoming` deltas to the `existing` roll-up row."""
    return (
        f"total = {existing}.total + {incoming}.total, "
        f"value_count = {existing}.value_count + {incoming}.value_count, "
        f"last_value = CASE WHEN {existing}.last_start IS NULL "
        f"OR {incoming}.last_start >= {existing}.last_start "
        f"THEN {incoming}.last_value ELSE {existing}.last_value END, "
        f"last_start = CASE WHEN {existing}.last_start IS NULL "
        f"OR {incoming}.last_start > {existing}.last_start "
        f"THEN {incoming}.last_start ELSE {existing}.last_start END"
    )


STAGE = "dimis_rollup_stage"
DELTA = "dimis_rollup_delta"
COLUMNS = "indicator_id, unit_id, period_id, total, value_count, last_start, last_value"


def _parents(cursor, written: list[int]) -> tuple[list[tuple[int, int, int]], list[int]]:
    """For each period written: the smallest period containing it (a month's quarter), and
    whether that one is a roll-up period; and every period the roll-up rows belong to.

    The deltas are summed in two steps, months into quarters, then quarters into halves, years
    and plans: calendar periods nest as a chain, so every period containing a month contains
    its quarter, and each value is summed twice instead of once per containing period. A period
    whose containers do not form such a chain is its own first step (not a roll-up row)."""
    containers: dict[int, set[int]] = {}
    pending = set(written)
    while pending:  # the containers of the written periods, and theirs
        cursor.execute(
            "SELECT period_id, ancestor_id FROM performance_periodnesting "
            f"WHERE period_id IN ({placeholders(pending)})",
            list(pending),
        )
        found = cursor.fetchall()
        for period_id in pending:
            containers[period_id] = set()
        for period_id, ancestor_id in found:
            containers[period_id].add(ancestor_id)
        pending = {a for _, a in found} - set(containers)
    parents = []
    for period_id in written:
        around = containers.get(period_id, set())
        if not around:
            continue  # no coarser period: no roll-up row
        parent = next((q for q in around if around - {q} == containers.get(q, set())), None)
        parents.append((period_id, parent, 1) if parent else (period_id, period_id, 0))
    while True:
        # A period the first step writes (2025's only plan, 2021-2025) that the second step
        # reaches too (from 2023, inside two overlapping plans) would get two rows: sum those
        # written periods in the second step instead.
        reached = {a for _, first, _ in parents for a in containers.get(first, ())}
        clash = {first for _, first, emit in parents if emit} & reached
        if not clash:
            break
        parents = [
            (p, p, 0) if emit and first in clash else (p, first, emit) for p, first, emit in parents
        ]
    rollup_periods = sorted({a for p in written for a in containers.get(p, ())})
    return parents, rollup_periods


def _with_latest(grouped: str, alias: str, source: str, value: str) -> str:
    """`grouped` (rows of `source` as `alias`, grouped, with a `{latest}` slot after their
    last_start) with the value of each group's latest period as last_value. PostgreSQL takes it
    inside the grouping, as the maximum of [day number, value] pairs; SQLite joins each group
    back to its rows (on a key it indexes)."""
    start = "period_start" if value == "new_value" else "last_start"
    if connection.vendor == "postgresql":
        latest = (
            f"(MAX(CASE WHEN {alias}.{start} IS NOT NULL AND {alias}.{value} IS NOT NULL "
            f"THEN ARRAY[{alias}.{start} - DATE '1900-01-01', {alias}.{value}] END))[2]"
        )
        return grouped.format(latest=f", {latest} AS last_value")
    return (
        f"SELECT g.*, l.{value} AS last_value FROM ({grouped.format(latest='')}) g "
        f"LEFT JOIN {source} l ON l.indicator_id = g.indicator_id AND l.unit_id = g.unit_id "
        f"AND l.{start} = g.last_start"
    )


def _deltas(
    cursor, diff_table: str, written: list[int], unseen: bool = False
) -> tuple[str, list[int]]:
    """A query of the deltas: per roll-up row touched, the change of sum and count and the
    newest kept value; and the periods of those rows. Builds the first step's table STAGE."""
    postgres = connection.vendor == "postgresql"
    parents, rollup_periods = _parents(cursor, written)
    for table in (STAGE, f"{STAGE}_parent"):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {STAGE}_parent (period_id BIGINT, parent_id BIGINT, emit INTEGER)"
    )
    if parents:
        cursor.executemany(f"INSERT INTO {STAGE}_parent VALUES (%s, %s, %s)", parents)
    if postgres:  # its few rows, not the 1,700 assumed, for the grouping's estimate
        cursor.execute(f"ANALYZE {STAGE}_parent")
    first = (
        "SELECT d.indicator_id, d.unit_id, m.parent_id AS period_id, m.emit, "
        "SUM(COALESCE(d.new_value, 0) - COALESCE(d.old_value, 0)) AS total, "
        "SUM(CASE WHEN d.is_new = 1 THEN 1 WHEN d.new_value IS NULL THEN -1 ELSE 0 END) "
        "AS value_count, MAX(CASE WHEN d.new_value IS NOT NULL THEN d.period_start END) "
        "AS last_start{latest} "
        f"FROM {diff_table} d JOIN {STAGE}_parent m ON m.period_id = d.period_id "
        "GROUP BY d.indicator_id, d.unit_id, m.parent_id, m.emit"
    )
    first = _with_latest(first, "d", diff_table, "new_value")
    if postgres and unseen:
        # Rows the planner's statistics have not seen (it takes them for none): it would fetch
        # a million of them in index order, sort them on disk and join each to its period in a
        # loop. A bitmap scan and hashing are right for any number; analysing the values instead
        # takes seconds.
        hints = ("enable_sort", "enable_nestloop", "enable_indexscan")
        cursor.execute("SELECT " + ", ".join(f"current_setting('{h}')" for h in hints))
        before = cursor.fetchone()
        for hint in hints:
            cursor.execute("SELECT set_config(%s, 'off', true)", [hint])
    cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} AS {first}")
    if postgres and unseen:
        for hint, value in zip(hints, before, strict=True):
            cursor.execute("SELECT set_config(%s, %s, true)", [hint, value])
    if postgres:
        cursor.execute(f"ANALYZE {STAGE}")
    else:
        # The second step joins its groups back on this key (PostgreSQL aggregates instead).
        cursor.execute(f"CREATE INDEX {STAGE}_key ON {STAGE} (indicator_id, unit_id, last_start)")
    second = (
        "SELECT s.indicator_id, s.unit_id, n.ancestor_id AS period_id, SUM(s.total) AS total, "
        "SUM(s.value_count) AS value_count, MAX(s.last_start) AS last_start{latest} "
        f"FROM {STAGE} s JOIN performance_periodnesting n ON n.period_id = s.period_id "
        "GROUP BY s.indicator_id, s.unit_id, n.ancestor_id"
    )
    second = _with_latest(second, "s", STAGE, "last_value")
    return f"SELECT {COLUMNS} FROM {STAGE} WHERE emit = 1 UNION ALL {second}", rollup_periods


def apply_rollup_deltas(
    cursor,
    diff_table: str,
    written: list[int],
    now,
    with_deletions: bool,
    alone: bool,
    unseen: bool = False,
):
    """Add a write's differences to the roll-up rows of every period containing the written ones.

    Per row: the sum moves by new - old, the count by the values added or removed, and a value
    for a period at or after the row's latest becomes its latest. A writer that runs `alone`
    (SQLite; PostgreSQL under the all-figures lock) updates the rows that exist and inserts the
    others plainly, which is much cheaper for the hundreds of thousands of rows of a large
    import; concurrent small writers upsert, as two of them may create the same year's row.
    `unseen`: the differences are rows this transaction wrote to a table (the values)."""
    deltas, rollup_periods = _deltas(cursor, diff_table, written, unseen)
    if rollup_periods:
        _write_deltas(cursor, deltas, rollup_periods, now, alone)
    for table in (STAGE, f"{STAGE}_parent"):
        cursor.execute(f"DROP TABLE {table}")
    if not with_deletions:
        return
    # A removed figure may have been the latest of its period: find the latest again.
    keys = (
        "SELECT n.ancestor_id, d.indicator_id, d.unit_id "
        f"FROM {diff_table} d JOIN performance_periodnesting n ON n.period_id = d.period_id "
        "WHERE d.new_value IS NULL"
    )
    where = f"WHERE (period_id, indicator_id, unit_id) IN ({keys})"
    cursor.execute(
        f"UPDATE {ROLLUP} SET last_start = ("
        "SELECT MAX(p.start_date) FROM performance_value v "
        "JOIN performance_periodnesting n ON n.period_id = v.period_id "
        "JOIN performance_period p ON p.id = v.period_id "
        f"WHERE v.indicator_id = {ROLLUP}.indicator_id AND v.unit_id = {ROLLUP}.unit_id "
        f"AND n.ancestor_id = {ROLLUP}.period_id) {where}"
    )
    cursor.execute(f"{FILL_LAST_VALUE} {where}")
    cursor.execute(
        f"DELETE FROM {ROLLUP} WHERE value_count <= 0 AND (period_id, indicator_id, unit_id) IN ({keys})"
    )


def _write_deltas(cursor, deltas: str, rollup_periods: list[int], now, alone: bool):
    if not alone:
        cursor.execute(
            f"INSERT INTO {ROLLUP} ({COLUMNS}, as_of) SELECT {COLUMNS}, %s FROM ({deltas}) d "
            "WHERE 1 = 1 ON CONFLICT (period_id, indicator_id, unit_id) DO UPDATE SET "
            f"{_merged(ROLLUP, 'excluded')}, as_of = excluded.as_of",
            [now],
        )
        return
    # Which rows exist is read once, before writing (a NOT EXISTS in the INSERT would scan the
    # rows the statement itself adds), and only in the periods that have rows at all. The
    # deltas of the others (a new month's quarter, half and year) go straight in.
    cursor.execute(
        f"SELECT id FROM performance_period p WHERE id IN ({placeholders(rollup_periods)}) "
        f"AND EXISTS (SELECT 1 FROM {ROLLUP} r WHERE r.period_id = p.id)",
        rollup_periods,
    )
    populated = [row[0] for row in cursor.fetchall()]
    fresh = [p for p in rollup_periods if p not in populated]
    if fresh:
        cursor.execute(
            f"INSERT INTO {ROLLUP} ({COLUMNS}, as_of) SELECT {COLUMNS}, %s "
            f"FROM ({deltas}) d WHERE d.period_id IN ({placeholders(fresh)})",
            [now, *fresh],
        )
    if populated:
        _merge_into_populated(cursor, deltas, populated, now)


def _merge_into_populated(cursor, deltas: str, populated: list[int], now):
    """The deltas of periods with roll-up rows: those that match a row update it, the others
    are inserted (PostgreSQL: no upsert, whose per-row conflict check costs more)."""
    # The periods as constants in the EXISTS too: the planner then reads only their rows.
    cursor.execute(
        f"CREATE TEMPORARY TABLE {DELTA} AS SELECT d.*, CASE WHEN EXISTS (SELECT 1 FROM {ROLLUP} r "
        f"WHERE r.period_id IN ({placeholders(populated)}) AND r.period_id = d.period_id "
        "AND r.indicator_id = d.indicator_id AND r.unit_id = d.unit_id) THEN 1 ELSE 0 END "
        f"AS present FROM ({deltas}) d WHERE d.period_id IN ({placeholders(populated)})",
        [*populated, *populated],
    )
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {DELTA}")
    cursor.execute(
        f"UPDATE {ROLLUP} SET {_merged(ROLLUP, 'd')}, as_of = %s FROM {DELTA} d "
        f"WHERE d.present = 1 AND {ROLLUP}.period_id = d.period_id "
        f"AND {ROLLUP}.indicator_id = d.indicator_id AND {ROLLUP}.unit_id = d.unit_id",
        [now],
    )
    cursor.execute(
        f"INSERT INTO {ROLLUP} ({COLUMNS}, as_of) SELECT {COLUMNS}, %s FROM {DELTA} "
        "WHERE present = 0",
        [now],
    )
    cursor.execute(f"DROP TABLE {DELTA}")


RECOMPUTE = (
    "SELECT v.indicator_id, v.unit_id, n.ancestor_id, SUM(v.value), COUNT(*), "
    "MAX(p.start_date), MAX(v.last_updated) FROM performance_value v "
    "JOIN performance_periodnesting n ON n.period_id = v.period_id "
    "JOIN performance_period p ON p.id = v.period_id "
)


def rebuild_rollups_for_period(period: Period):
    """Build the roll-up rows of a period created after values inside it were stored."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {ROLLUP} WHERE period_id = %s", [period.pk])
        cursor.execute(
            f"INSERT INTO {ROLLUP} "
            "(indicator_id, unit_id, period_id, total, value_count, last_start, as_of) "
            f"{RECOMPUTE} WHERE n.ancestor_id = %s GROUP BY v.indicator_id, v.unit_id, n.ancestor_id",
            [period.pk],
        )
        cursor.execute(f"{FILL_LAST_VALUE} WHERE period_id = %s", [period.pk])


def rollup_discrepancies(limit: int = 20) -> list[str]:
    """Compare every roll-up row with a recomputation from the values (for audits and tests)."""
    with connection.cursor() as cursor:
        cursor.execute(f"{RECOMPUTE} GROUP BY v.indicator_id, v.unit_id, n.ancestor_id")
        expected = {
            (i, u, p): [decimal.Decimal(str(t)), c, str(s)[:10], None]
            for i, u, p, t, c, s, _ in cursor
        }
        cursor.execute(
            "SELECT v.indicator_id, v.unit_id, n.ancestor_id, p.start_date, v.value "
            "FROM performance_value v JOIN performance_periodnesting n ON n.period_id = v.period_id "
            "JOIN performance_period p ON p.id = v.period_id"
        )
        for i, u, p, start, value in cursor:
            row = expected[(i, u, p)]
            if str(start)[:10] == row[2]:
                row[3] = decimal.Decimal(str(value))
        cursor.execute(
            "SELECT indicator_id, unit_id, period_id, total, value_count, last_start, last_value "
            f"FROM {ROLLUP}"
        )
        stored = {
            (i, u, p): [decimal.Decimal(str(t)), c, str(s)[:10], _decimal(lv)]
            for i, u, p, t, c, s, lv in cursor
        }
    problems = []
    tolerance = decimal.Decimal("0.001")
    for key in sorted(set(expected) | set(stored)):
        want, have = expected.get(key), stored.get(key)
        if (
            want is None
            or have is None
            or abs(want[0] - have[0]) > tolerance
            or want[1:3] != have[1:3]
            or abs(want[3] - have[3]) > tolerance
        ):
            problems.append(f"{key}: expected {want}, stored {have}")
        if len(problems) >= limit:
            break
    return problems


def _decimal(value):
    return None if value is None else decimal.Decimal(str(value))


# -- reading ------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One indicator's figure for one unit (a subtree) and one period."""

    value: decimal.Decimal | None = None
    reporting_units: int = 0
    as_of: datetime.datetime | None = None


@dataclass
class IndicatorRollup:
    indicator: Indicator
    total: Figure
    by_unit: dict[int, Figure] = field(default_factory=dict)


def _subtree_cte(root_id: int, on: datetime.date) -> tuple[str, list]:
    # Every unit under the root, with the root's child it sits under (`top`); the root is its own.
    sql = (
        "WITH RECURSIVE dimis_tree(id, top) AS ("
        "SELECT CAST(%s AS BIGINT), CAST(%s AS BIGINT) "
        "UNION ALL "
        "SELECT l.child_id, CASE WHEN t.id = %s THEN l.child_id ELSE t.top END "
        "FROM org_unitlink l JOIN dimis_tree t ON l.parent_id = t.id "
        "WHERE l.valid_from <= %s AND (l.valid_to IS NULL OR l.valid_to > %s))"
    )
    return sql, [root_id, root_id, root_id, on, on]


def rollup(user, root, period: Period, indicators=None, by_unit: bool = True) -> dict:
    """{indicator id: IndicatorRollup} for `root`'s subtree in `period`, with a figure for each of
    the root's direct children (and the root's own figures under the root's id) if `by_unit`.

    Only units the user's grants reach and indicators within the clearance count. One query."""
    if indicators is None:
        indicators = list(Indicator.objects.all().restrict(user))
    elif not user.is_superuser:
        indicators = [i for i in indicators if i.classification <= user.clearance]
    by_id = {i.pk: i for i in indicators}
    if not by_id:
        return {}
    tree_sql, params = _subtree_cte(root.pk, period_as_of(period))
    access = ""
    if not user.is_superuser:
        granted, granted_params = granted_units_sql(user)
        access = f"AND d.unit_id IN ({granted}) "
        params += granted_params
    ids = sorted(by_id)
    top = "t.top" if by_unit else "NULL"
    group_top = "t.top, " if by_unit else ""
    sql = (
        f"{tree_sql}, "
        "dimis_data AS ("
        "SELECT r.indicator_id, r.unit_id, r.total, r.value_count, r.last_start, r.last_value, "
        f"r.as_of FROM {ROLLUP} r WHERE r.period_id = %s "
        "UNION ALL "
        "SELECT v.indicator_id, v.unit_id, v.value, 1, %s, v.value, v.last_updated "
        "FROM performance_value v WHERE v.period_id = %s) "
        f"SELECT d.indicator_id, {top}, "
        "CASE WHEN i.unit_aggregation = 'last' THEN d.unit_id END, "
        "SUM(CASE i.time_aggregation WHEN 'sum' THEN d.total "
        "WHEN 'average' THEN d.total * 1.0 / d.value_count ELSE d.last_value END), "
        "COUNT(*), MAX(d.last_start), MAX(d.as_of) "
        "FROM dimis_data d JOIN dimis_tree t ON t.id = d.unit_id "
        "JOIN performance_indicator i ON i.id = d.indicator_id "
        f"WHERE d.indicator_id IN ({placeholders(ids)}) {access}"
        f"GROUP BY d.indicator_id, {group_top}"
        "CASE WHEN i.unit_aggregation = 'last' THEN d.unit_id END"
    )
    params = [*params[:5], period.pk, period.start_date, period.pk, *ids, *params[5:]]
    with transaction.atomic(), connection.cursor() as cursor:
        tune_for_rollup(cursor)
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return _combine(by_id, rows, by_unit)


def _fold(acc, total, count, as_of, latest=None):
    """Add a row (or another accumulator) to an accumulator [sum, count, latest, as_of];
    `latest` is a (last_start, as_of, value) candidate for unit LAST."""
    if total is not None:
        acc[0] += total
        acc[1] += count
    if as_of is not None and (acc[3] is None or as_of > acc[3]):
        acc[3] = as_of
    if latest is not None and (acc[2] is None or latest[:2] > acc[2][:2]):
        acc[2] = latest


def tune_for_rollup(cursor):
    """Settings of the roll-up query, for the transaction it runs in (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return
    # JIT compilation costs more than it saves on a query this size (~70 ms), and the
    # grouping of 100,000 rows should stay in memory.
    cursor.execute("SET LOCAL jit = off")
    cursor.execute("SET LOCAL work_mem = '64MB'")
    # Django reads timestamptz with a Python loader (to set its own tzinfo), ~5 µs a value,
    # half of the call for the thousands of per-unit rows of a large sector. psycopg's own
    # loader gives the same instants in the session's zone (Django's connection sets UTC).
    oid = psycopg.adapters.types["timestamptz"].oid
    loader = psycopg.adapters.get_loader(oid, psycopg.pq.Format.TEXT)
    cursor.cursor.adapters.register_loader(oid, loader)


def _combine(by_id, rows, by_unit):
    """Per indicator: sum or average across units, or the latest reported (unit LAST)."""
    # (indicator, top) -> [sum, count, best (last_start, as_of, value) for LAST, as_of]; the
    # subtree's figure folds its tops' afterwards (a row is handled once: thousands for LAST).
    parts: dict = {}
    Decimal = decimal.Decimal
    for indicator_id, top, unit, total, count, last_start, as_of in rows:
        if total is not None and total.__class__ is not Decimal:
            total = Decimal(str(total))  # SQLite gives floats
        if as_of is not None and (as_of.__class__ is str or as_of.tzinfo is None):
            as_of = _aware(as_of)
        acc = parts.get((indicator_id, top))
        if acc is None:
            acc = parts[(indicator_id, top)] = [Decimal(0), 0, None, None]
        latest = None
        if unit is not None and total is not None:
            latest = (_date(last_start) or datetime.date.min, as_of, total)
        _fold(acc, total, count, as_of, latest)
    if by_unit:
        for (indicator_id, _top), acc in list(parts.items()):
            whole = parts.setdefault((indicator_id, None), [Decimal(0), 0, None, None])
            _fold(whole, acc[0], acc[1], acc[3], acc[2])
    result = {}
    for indicator_id, indicator in by_id.items():
        result[indicator_id] = IndicatorRollup(indicator, Figure())
    for (indicator_id, top), (total, count, last, as_of) in parts.items():
        indicator = by_id[indicator_id]
        if indicator.unit_aggregation == UnitAggregation.LAST:
            value = last[2] if last else None
        elif indicator.unit_aggregation == UnitAggregation.AVERAGE:
            value = total / count if count else None
        else:
            value = total if count else None
        figure = Figure(value, count, as_of)
        if top is None:
            result[indicator_id].total = figure
        else:
            result[indicator_id].by_unit[top] = figure
    return result


def _aware(moment):
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.datetime.fromisoformat(moment)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment


def _date(day):
    if day is None or isinstance(day, datetime.date):
        return day
    return datetime.date.fromisoformat(str(day)[:10])
