"""The one write path for reported values: grid saves, workbook uploads and DHIS2 imports.

Rows stream into a temporary staging table (COPY on PostgreSQL), so memory stays flat however
many rows come. Then, in the caller's transaction and in a few set-based statements:
checks (duplicates, approved or submitted figures), the difference with what is stored, the
previous figures into `ValueAudit`, the upsert, the live roll-up deltas into `ValueRollup`, and
one `ValueBatch` with its change record in the hash chain. Any error: nothing is written.
A dry run does all of it except the writes and reports exactly what would change.
A large import of new figures on PostgreSQL skips the staging: see `DirectValueWriter`.
"""

import contextlib
import decimal
import hashlib
from dataclasses import dataclass, field

import psycopg
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dimis.core.actor import current_actor
from dimis.framework.access import granted_units_sql
from dimis.framework.sql import placeholders
from dimis.org.models import OrgUnit

from . import periods
from .models import REPORTING_ROLES, Indicator, Period, ValueBatch

MAX_ERRORS = 100
FLUSH_ROWS = 5000
COPY_LINES = 1000  # a direct write's rows sent at once
MAX_COMMENT = 500  # Value.comment's length
MAX_DIGITS_BEFORE_POINT = 20
QUANTUM = decimal.Decimal("0.0001")
CHANGES_SHOWN = 200


@dataclass
class RowError:
    line: int | None
    field: str
    message: str

    def __str__(self):
        where = _("Row %(line)s") % {"line": self.line} if self.line else _("Input")
        return f"{where}, {self.field}: {self.message}"


class StagingNeeded(Exception):
    """A direct write met what only a staged one handles (a removal, a period with stored
    figures, the same cell twice): roll it back and write the rows again, staged."""


class ValuesRejected(Exception):
    """Nothing was written; `errors` name the rows (the first MAX_ERRORS of `error_count`)."""

    def __init__(self, errors: list[RowError], error_count: int):
        self.errors, self.error_count = errors, error_count
        super().__init__("; ".join(str(e) for e in errors[:5]))


@dataclass
class Change:
    line: int | None
    indicator: str
    unit: str
    period: str
    old: decimal.Decimal | None
    new: decimal.Decimal | None


@dataclass
class WriteResult:
    dry_run: bool
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    changes: list[Change] = field(default_factory=list)
    batch: ValueBatch | None = None

    @property
    def total(self) -> int:
        return self.created + self.updated + self.deleted + self.unchanged


def parse_number(text) -> decimal.Decimal:
    """'1234.5', '1,234.5' refused as ambiguous; numbers from spreadsheets pass as they are."""
    if type(text) is str:  # the usual case first: a large import parses a million of them
        try:
            number = decimal.Decimal(text)
        except decimal.InvalidOperation:
            cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
            try:
                number = decimal.Decimal(cleaned)
            except decimal.InvalidOperation:
                raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from None
    elif isinstance(text, int | float | decimal.Decimal) and not isinstance(text, bool):
        number = decimal.Decimal(str(text))
    else:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text})
    if not number.is_finite():
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text})
    if number.adjusted() >= MAX_DIGITS_BEFORE_POINT:
        raise ValueError(_("%(value)s is too large to store.") % {"value": text})
    return number.quantize(QUANTUM, rounding=decimal.ROUND_HALF_EVEN)


class Resolver:
    """Codes to ids for incoming rows, with the access checks, each code looked up once."""

    def __init__(self, user, preload_units: bool = True):
        """`preload_units`: read every unit code at once (a large file); else one by one."""
        self.user = user
        indicators = Indicator.objects.all().restrict(user, "view")
        self.indicators = {i.code.upper(): i for i in indicators}
        self.uids = {i.uid: i for i in indicators if i.uid}
        self.preloaded = preload_units
        self._seen_indicators: dict = {}
        self._seen_units: dict = {}
        self._seen_periods: dict = {}
        self.units: dict[str, int | None] = {}
        if preload_units:
            self.units = {
                code.upper(): pk
                for code, pk in OrgUnit.objects.values_list("code", "id").iterator()
            }
        if user.is_superuser:
            self.writable = None
        else:
            sql, params = granted_units_sql(user, REPORTING_ROLES)
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                self.writable = {row[0] for row in cursor.fetchall()}
        self.periods: dict[str, Period | periods.PeriodCodeError] = {}

    def before_query(self):
        """Called before each look-up in the database; a direct writer ends its COPY here."""

    def before_new_period(self):
        """Called before a period is created; a writer takes the all-figures lock here."""

    # Each method first looks the code up as written: a file names the same few codes a
    # million times, and normalising each again would dominate a large import.
    def resolved(self, indicator_code, unit_code, period_code):
        """(indicator, unit id, period) for codes each resolved before, else None: the short
        path of a large import, which names the same few codes a million times."""
        try:
            indicator = self._seen_indicators[indicator_code]
            period = self._seen_periods[(period_code, indicator.period_type)]
            return indicator, self._seen_units[unit_code], period
        except (KeyError, TypeError):  # not seen yet, or not a code (a JSON list, say)
            return None

    def indicator(self, code) -> Indicator:
        if not isinstance(code, str):  # a JSON list or object is not a code (nor hashable)
            return self._indicator(code)
        found = self._seen_indicators.get(code)
        if found is not None:
            return found
        found = self._indicator(code)
        self._seen_indicators[code] = found
        return found

    def _indicator(self, code) -> Indicator:
        key = str(code or "").strip()
        # Codes match in any case; DHIS2 UIDs are case-sensitive and match as written.
        found = self.indicators.get(key.upper()) or self.uids.get(key)
        if found is None:
            raise ValueError(_("Unknown indicator “%(code)s”.") % {"code": code})
        return found

    def unit(self, code) -> int:
        if not isinstance(code, str):
            return self._unit(code)
        found = self._seen_units.get(code)
        if found is None:
            found = self._seen_units[code] = self._unit(code)
        return found

    def _unit(self, code) -> int:
        key = str(code or "").strip().upper()
        if key not in self.units and not self.preloaded:
            self.before_query()
            self.units[key] = (
                OrgUnit.objects.filter(code__iexact=key).values_list("id", flat=True).first()
            )
        pk = self.units.get(key)
        # The same answer for "no such unit" and "not yours": codes of other units do not leak.
        if pk is None or (self.writable is not None and pk not in self.writable):
            raise ValueError(_("“%(code)s” is not a unit you can report for.") % {"code": code})
        return pk

    def period(self, code, indicator: Indicator) -> Period:
        if not isinstance(code, str):
            return self._period(code, indicator)
        seen = (code, indicator.period_type)
        found = self._seen_periods.get(seen)
        if found is None:
            found = self._seen_periods[seen] = self._period(code, indicator)
        return found

    def _period(self, code, indicator: Indicator) -> Period:
        key = str(code or "").strip().upper()
        if key not in self.periods:
            self.before_query()
            try:
                self.periods[key] = Period.objects.for_code(key, self.before_new_period)
            except periods.PeriodCodeError as error:
                self.periods[key] = error
        found = self.periods[key]
        if isinstance(found, periods.PeriodCodeError):
            raise ValueError(str(found))
        if found.period_type != indicator.period_type:
            raise ValueError(
                _("%(indicator)s is reported %(type)s; %(period)s is not such a period.")
                % {
                    "indicator": indicator.code,
                    "type": indicator.get_period_type_display().lower(),
                    "period": key,
                }
            )
        return found


STAGING = "dimis_value_staging"
# PostgreSQL advisory lock keys: one bigint for all figures (a key space apart from the
# two-integer (unit, period) locks), and how many pair locks one write may take.
ALL_FIGURES_LOCK = 0x44494D4953  # "DIMIS"
PAIR_LOCKS_AT_MOST = 500
# Taken by every writer of figures before anything else (before it creates a period or a change
# record, which lock the change log's head): shared by staged writers, alone by a direct one for
# its whole reading. A staged writer that waited for the all-figures lock while holding the head
# would otherwise deadlock with a direct writer that holds that lock and creates a period.
WRITERS_GATE = 0x44494D4947  # "DIMIG"
DIFF = "dimis_value_diff"


class ValueWriter:
    """Stage rows with `add()` (or report `error()`), then `finish()` inside one transaction,
    which the caller rolls back if `finish()` raises (it may have written before it refuses),
    after calling `abort()` if anything else interrupted it."""

    def __init__(self, user, kind: str, source_name: str = "", dry_run: bool = False):
        if not connection.in_atomic_block:
            raise RuntimeError("ValueWriter must run inside transaction.atomic()")
        self.user, self.kind, self.source_name, self.dry_run = user, kind, source_name, dry_run
        self.errors: list[RowError] = []
        self.error_count = 0
        self.staged = 0
        self.removals = 0
        self.digest = hashlib.sha256()
        self._buffer: list[tuple] = []
        self._postgres = connection.vendor == "postgresql"
        self._holds_all_figures = False
        self._begin()

    def _begin(self):
        with connection.cursor() as cursor:
            if self._postgres:
                cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [WRITERS_GATE])
            cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
            cursor.execute(f"DROP TABLE IF EXISTS {DIFF}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGING} (line INTEGER, indicator_id BIGINT, "
                "unit_id BIGINT, period_id BIGINT, value NUMERIC(24, 4), comment VARCHAR(500))"
            )

    # -- staging ---------------------------------------------------------------------------------
    def add(self, line, indicator_id, unit_id, period_id, value, comment=""):
        """`value` None removes the stored figure."""
        self._buffer.append((line, indicator_id, unit_id, period_id, value, comment or ""))
        self.staged += 1
        if value is None:
            self.removals += 1
        if len(self._buffer) >= FLUSH_ROWS:
            self._flush()

    def error(self, line, field_name, message):
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(line, field_name, str(message)))

    def attach(self, resolver: Resolver):
        """Let `resolver` end a COPY under way before it queries, and take the all-figures
        lock before it creates a period (see `lock_all_figures`)."""
        resolver.before_query = self.pause
        resolver.before_new_period = self.lock_all_figures

    def lock_all_figures(self):
        """Take the all-figures lock alone, before this write creates a period: creating one
        writes a change record, which locks the change log's head until commit, and every
        other holder of the head (approvals, writers at their end) takes the all-figures lock
        first. A writer that held the head and then waited for that lock would deadlock."""
        if self._postgres and not self._holds_all_figures:
            self.pause()
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ALL_FIGURES_LOCK])
            self._holds_all_figures = True

    def pause(self):
        """Nothing to end before another statement: a staged write sends its rows whole."""

    def abort(self):
        """Nothing under way to end before the rollback."""

    def feed_digest(self, data: bytes):
        """The bytes the rows came from, so the batch names exactly what was imported."""
        self.digest.update(data)

    def _flush(self):
        if not self._buffer:
            return
        if self._postgres:
            with connection.cursor() as cursor:
                raw = cursor.cursor
                columns = "line, indicator_id, unit_id, period_id, value, comment"
                with raw.copy(f"COPY {STAGING} ({columns}) FROM STDIN") as copy:
                    for row in self._buffer:
                        copy.write_row(row)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {STAGING} VALUES (%s, %s, %s, %s, %s, %s)", self._buffer
                )
        self._buffer.clear()

    # -- merge -----------------------------------------------------------------------------------
    def finish(self) -> WriteResult:
        self._flush()
        # On an error the caller's transaction rolls back, and the temporary tables with it
        # (dropping them here would only hide the error behind "transaction aborted").
        with connection.cursor() as cursor:
            if self._postgres:
                # Temporary tables are never analysed on their own: without statistics the
                # planner joins a million staged rows by nested loops. Row counts and rough
                # distributions are all it needs: a sample of 3,000 rows, not 30,000.
                cursor.execute("SET LOCAL default_statistics_target = 10")
                # Compiling the write's statements costs more than it saves (as for the roll-up).
                cursor.execute("SET LOCAL jit = off")
                cursor.execute(f"ANALYZE {STAGING}")
            self._lock(cursor)
            self._check(cursor)
            if self.error_count:
                raise self._rejected()
            result = self._diff(cursor)
            if not self.dry_run:
                self._apply(cursor, result)
            cursor.execute(f"DROP TABLE {STAGING}")
            cursor.execute(f"DROP TABLE {DIFF}")
        return result

    def _rejected(self) -> "ValuesRejected":
        # In file order, whichever check found them first.
        self.errors.sort(key=lambda error: error.line or 0)
        return ValuesRejected(self.errors, self.error_count)

    def _lock(self, cursor):
        """Writers and approvals of the same unit and period take turns (SQLite: one writer).

        A write of a few units and periods locks each pair, under a shared lock on all figures;
        a large one takes that lock alone, exclusively: one lock per pair would fill
        PostgreSQL's lock table (a million values span tens of thousands of pairs)."""
        self._alone = True  # no other writer can run meanwhile
        if not self._postgres or self._holds_all_figures:
            return
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT DISTINCT unit_id, period_id FROM {STAGING}) k"
        )
        if cursor.fetchone()[0] > PAIR_LOCKS_AT_MOST:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ALL_FIGURES_LOCK])
            return
        self._alone = False
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [ALL_FIGURES_LOCK])
        cursor.execute(
            "SELECT pg_advisory_xact_lock(CAST(unit_id AS INTEGER), CAST(period_id AS INTEGER)) "
            f"FROM (SELECT DISTINCT unit_id, period_id FROM {STAGING} "
            "ORDER BY unit_id, period_id) k"
        )

    def _check(self, cursor):
        cursor.execute(f"SELECT DISTINCT period_id FROM {STAGING}")
        self._periods = [row[0] for row in cursor.fetchall()]
        # A write of new figures only (no stored value in its periods, no removal) leaves the
        # same cell twice to the values' unique key, which names it on insert (`_insert_new`):
        # the usual large import, a new month, saves a pass over its staged rows.
        self._duplicates_on_insert = (
            not self.dry_run and not self.removals and not self._stored_in_periods(cursor)
        )
        if not self._duplicates_on_insert:
            self._check_duplicates(cursor)
        self._check_submissions(cursor)
        if self.error_count and self._duplicates_on_insert:
            self._check_duplicates(cursor)  # all the file's errors at once

    def _stored_in_periods(self, cursor) -> bool:
        return _figures_stored_in(cursor, self._periods)

    def _check_duplicates(self, cursor):
        cursor.execute(
            f"SELECT MIN(line), MAX(line) FROM {STAGING} "
            "GROUP BY indicator_id, unit_id, period_id HAVING COUNT(*) > 1 "
            f"ORDER BY MAX(line) LIMIT {MAX_ERRORS}"
        )
        for first, line in cursor.fetchall():
            self.error(
                line,
                _("value"),
                _("the same indicator, unit and period as row %(line)s") % {"line": first},
            )

    def _check_submissions(self, cursor):
        cursor.execute(
            f"SELECT MIN(s.line), u.code, p.code, d.status FROM {STAGING} s "
            "JOIN performance_datasubmission d ON d.unit_id = s.unit_id AND d.period_id = s.period_id "
            "JOIN org_orgunit u ON u.id = s.unit_id JOIN performance_period p ON p.id = s.period_id "
            "WHERE d.status <> 'draft' GROUP BY u.code, p.code, d.status "
            f"ORDER BY MIN(s.line) LIMIT {MAX_ERRORS}"
        )
        for line, unit, period, status in cursor.fetchall():
            self.error(line, _("period"), _submitted_message(unit, period, status))

    def _diff(self, cursor) -> WriteResult:
        # The stored values compared are those of the periods written, named as constants: a
        # planner told only "the periods of the staged rows" reads the whole table.
        cursor.execute(
            f"CREATE TEMPORARY TABLE {DIFF} AS "
            "SELECT s.line, s.indicator_id, s.unit_id, s.period_id, s.value AS new_value, "
            "s.comment, v.value AS old_value, v.stored_by AS old_stored_by, "
            "v.last_updated AS old_updated, p.start_date AS period_start, "
            "CASE WHEN v.id IS NULL THEN 1 ELSE 0 END AS is_new "
            f"FROM {STAGING} s JOIN performance_period p ON p.id = s.period_id "
            "LEFT JOIN performance_value v ON v.unit_id = s.unit_id "
            "AND v.period_id = s.period_id AND v.indicator_id = s.indicator_id "
            f"AND v.period_id IN ({placeholders(self._periods)}) "
            "WHERE (v.id IS NULL AND s.value IS NOT NULL) OR (v.id IS NOT NULL AND "
            "(s.value IS NULL OR s.value <> v.value OR s.comment <> v.comment))",
            self._periods,
        )
        if self._postgres:
            cursor.execute(f"ANALYZE {DIFF}")
        else:
            # The roll-up joins the differences back on this key (PostgreSQL hashes instead).
            cursor.execute(
                f"CREATE INDEX {DIFF}_key ON {DIFF} (indicator_id, unit_id, period_start)"
            )
        cursor.execute(
            "SELECT COALESCE(SUM(is_new), 0), "
            "COALESCE(SUM(CASE WHEN new_value IS NULL THEN 1 ELSE 0 END), 0), COUNT(*) "
            f"FROM {DIFF}"
        )
        created, deleted, changed = cursor.fetchone()
        result = WriteResult(
            dry_run=self.dry_run,
            created=created,
            deleted=deleted,
            updated=changed - created - deleted,
            unchanged=self.staged - changed,
        )
        cursor.execute(
            "SELECT line, indicator_id, unit_id, period_id, old_value, new_value "
            f"FROM {DIFF} ORDER BY line LIMIT {CHANGES_SHOWN}"
        )
        result.changes = _changes(cursor.fetchall())
        return result

    def _insert_new(self, cursor, name, now):
        try:
            with transaction.atomic():  # a savepoint: on a duplicate, the rows are named below
                cursor.execute(
                    "INSERT INTO performance_value (indicator_id, unit_id, period_id, value, "
                    "comment, stored_by, created, last_updated) "
                    "SELECT indicator_id, unit_id, period_id, new_value, comment, %s, %s, %s "
                    f"FROM {DIFF} WHERE is_new = 1",
                    [name, now, now],
                )
        except IntegrityError:
            if not self._duplicates_on_insert:
                raise
            self._check_duplicates(cursor)
            if not self.error_count:
                raise
            raise self._rejected() from None

    def _writer_name(self) -> str:
        return (self.user.get_username() if self.user else current_actor().name)[:150]

    def _create_batch(self, result: WriteResult, now, name) -> ValueBatch:
        return ValueBatch.objects.create(
            time=now,
            user=self.user if self.user and self.user.pk else None,
            actor=name,
            kind=self.kind,
            source_name=self.source_name[:255],
            digest=self.digest.hexdigest(),
            created_count=result.created,
            updated_count=result.updated,
            deleted_count=result.deleted,
            unchanged_count=result.unchanged,
        )

    def _record(self, batch: ValueBatch):
        """The batch's change record in the hash chain."""
        from dimis.core.actor import acting_as
        from dimis.core.changelog import record_change

        if self.user is not None and current_actor().source == "system":
            # Called with no actor set (a shell, a test): the batch's user is the writer.
            with acting_as(self.user, "system"):
                record_change(batch, "create", None, batch.snapshot())
        else:
            record_change(batch, "create", None, batch.snapshot())

    def _apply(self, cursor, result: WriteResult):
        now = timezone.now()
        name = self._writer_name()
        batch = result.batch = self._create_batch(result, now, name)
        if result.created + result.updated + result.deleted == 0:
            return
        cursor.execute(
            "INSERT INTO performance_valueaudit (batch_id, indicator_id, unit_id, period_id, "
            "previous_value, new_value, previous_stored_by, previous_updated) "
            "SELECT %s, indicator_id, unit_id, period_id, old_value, new_value, old_stored_by, "
            f"old_updated FROM {DIFF} WHERE is_new = 0",
            [batch.pk],
        )
        # Plain inserts and updates, no upsert: the unit-period locks taken before the
        # difference was read mean no one else writes these figures meanwhile.
        if result.created:
            self._insert_new(cursor, name, now)
        if result.updated:
            cursor.execute(
                "UPDATE performance_value SET value = d.new_value, comment = d.comment, "
                f"stored_by = %s, last_updated = %s FROM {DIFF} d "
                "WHERE d.is_new = 0 AND d.new_value IS NOT NULL "
                "AND performance_value.unit_id = d.unit_id "
                "AND performance_value.period_id = d.period_id "
                "AND performance_value.indicator_id = d.indicator_id",
                [name, now],
            )
        if result.deleted:
            cursor.execute(
                "DELETE FROM performance_value WHERE id IN (SELECT v.id FROM performance_value v "
                f"JOIN {DIFF} d ON d.unit_id = v.unit_id AND d.period_id = v.period_id "
                "AND d.indicator_id = v.indicator_id WHERE d.new_value IS NULL)"
            )
        from .rollup import apply_rollup_deltas

        apply_rollup_deltas(
            cursor, DIFF, self._periods, now, with_deletions=bool(result.deleted), alone=self._alone
        )
        self._record(batch)


def _storable(text: str) -> bool:
    """PostgreSQL's text holds no NUL, and UTF-8 no lone surrogate (JSON can carry both)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _figures_stored_in(cursor, period_ids) -> bool:
    cursor.execute(
        f"SELECT 1 FROM performance_value WHERE period_id IN ({placeholders(period_ids)}) LIMIT 1",
        list(period_ids),
    )
    return cursor.fetchone() is not None


def _copy_text(text: str) -> str:
    """`text` as a field of COPY's text format."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.translate(_COPY_ESCAPES)
    return text


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class DirectValueWriter(ValueWriter):
    """A write of new figures only (PostgreSQL, not a dry run) that copies each row straight
    into the values as it comes, while the caller reads on, instead of staging it: each row is
    written once, and the server's work overlaps the reading. Anything else (a removal, a period
    with stored figures, a row error, figures submitted or approved, the same cell twice)
    raises StagingNeeded: the caller rolls back and writes the rows again with a ValueWriter."""

    def _begin(self):
        if self.dry_run or not self._postgres:
            raise ValueError("a direct write is a PostgreSQL write, not a dry run")
        self._holds_all_figures = True
        self._copy = self._copy_block = None
        self._lines: list[str] = []  # rows not yet sent
        self._cursor = connection.cursor()
        # Every figure of the periods written is this write's (see `_meet`): no one else may
        # write figures meanwhile.
        self._cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITERS_GATE])
        self._cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ALL_FIGURES_LOCK])
        self._now = timezone.now()  # after the wait: the figures are stored after what it awaited
        self._name = self._writer_name()
        self._alone = True
        self._met: dict[int, int] = {}  # period whose first row came: the newest period then
        self._blocked: dict[int, set[int]] = {}  # period: units whose figures are submitted
        self._first: list[tuple] = []  # the first rows, which the result shows as its changes
        stamp = self._now.isoformat(sep=" ")
        self._suffix = f"\t{_copy_text(self._name)}\t{stamp}\t{stamp}\n"

    def error(self, line, field_name, message):
        # The staged write names every error of the file together, as a dry run of it does.
        raise StagingNeeded("a row error")

    def add(self, line, indicator_id, unit_id, period_id, value, comment=""):
        if value is None:
            raise StagingNeeded("a removal")
        if period_id not in self._met:
            self._meet(period_id)
        if period_id in self._blocked and unit_id in self._blocked[period_id]:
            raise StagingNeeded("figures submitted or approved")  # named by the staged write
        # COPY's text format, written here: psycopg's per-row conversion of the two time
        # stamps and the name took longer than reading the row (5 s for a million).
        self._lines.append(
            f"{indicator_id}\t{unit_id}\t{period_id}\t{value}\t"
            f"{_copy_text(comment) if comment else ''}{self._suffix}"
        )
        if len(self._lines) >= COPY_LINES:
            self._send()
        self.staged += 1
        if len(self._first) < CHANGES_SHOWN:
            self._first.append((line, indicator_id, unit_id, period_id, value))

    def _meet(self, period_id):
        """A period's first row: a period with stored figures needs the staged write (which
        compares them); so do rows of units whose figures of it are submitted or approved."""
        self.pause()
        cursor = self._cursor
        if _figures_stored_in(cursor, [period_id]):
            raise StagingNeeded("figures stored in a period written")
        # A period created after rows inside it were copied (a plan period named late in the
        # file, say) had its roll-up built from the values, those rows among them: the deltas
        # would add them twice. (Calendar periods are created before the periods inside them.)
        copied_before = sorted(p for p, newest in self._met.items() if period_id > newest)
        if copied_before:
            cursor.execute(
                "SELECT 1 FROM performance_periodnesting WHERE ancestor_id = %s "
                f"AND period_id IN ({placeholders(copied_before)}) LIMIT 1",
                [period_id, *copied_before],
            )
            if cursor.fetchone():
                raise StagingNeeded("a period created around figures already copied")
        cursor.execute(
            "SELECT unit_id FROM performance_datasubmission WHERE period_id = %s "
            "AND status <> 'draft'",
            [period_id],
        )
        blocked = {row[0] for row in cursor.fetchall()}
        if blocked:
            self._blocked[period_id] = blocked
        cursor.execute("SELECT MAX(id) FROM performance_period")
        self._met[period_id] = cursor.fetchone()[0]

    def _send(self):
        with connection.wrap_database_errors:  # Django's errors, as from its own cursors
            if self._copy is None:
                self._copy_block = self._cursor.cursor.copy(
                    "COPY performance_value (indicator_id, unit_id, period_id, value, comment, "
                    "stored_by, created, last_updated) FROM STDIN"
                )
                self._copy = self._copy_block.__enter__()
            self._copy.write("".join(self._lines))
        self._lines.clear()

    def pause(self):
        """End the COPY under way, so the connection can run other statements."""
        if self._lines:
            self._send()
        if self._copy is None:
            return
        block, self._copy, self._copy_block = self._copy_block, None, None
        try:
            with connection.wrap_database_errors:
                block.__exit__(None, None, None)
        except IntegrityError as error:
            if isinstance(error.__cause__, psycopg.errors.UniqueViolation):
                raise StagingNeeded("the same cell twice") from None  # staged, it names the rows
            raise

    def abort(self):
        """Interrupted: end the COPY under way, if any, so the transaction can roll back."""
        if self._copy is not None:
            block, self._copy, self._copy_block = self._copy_block, None, None
            # The server cancels the COPY; the rollback that follows is what counts.
            with contextlib.suppress(psycopg.Error):
                block.__exit__(StagingNeeded, StagingNeeded("interrupted"), None)
        self._cursor.close()

    def finish(self) -> WriteResult:
        self.pause()
        result = WriteResult(dry_run=False, created=self.staged)
        result.changes = _changes(
            [(line, i, u, p, None, value) for line, i, u, p, value in self._first]
        )
        result.batch = self._create_batch(result, self._now, self._name)
        if not self.staged:
            return result  # nothing written: no change record, as staged
        from .rollup import apply_rollup_deltas

        cursor = self._cursor
        cursor.execute("SET LOCAL jit = off")
        written = sorted(self._met)
        # Every figure of those periods is new, and this write's (`_meet`).
        rows = (
            "(SELECT v.indicator_id, v.unit_id, v.period_id, v.value AS new_value, "
            "CAST(NULL AS NUMERIC) AS old_value, 1 AS is_new, p.start_date AS period_start "
            "FROM performance_value v JOIN performance_period p ON p.id = v.period_id "
            f"WHERE v.period_id IN ({', '.join(str(int(p)) for p in written)}))"
        )
        apply_rollup_deltas(
            cursor, rows, written, self._now, with_deletions=False, alone=True, unseen=True
        )
        self._record(result.batch)
        cursor.close()
        return result


def _submitted_message(unit: str, period: str, status: str) -> str:
    message = (
        _("the figures of %(unit)s for %(period)s are approved; an approver must reopen them first")
        if status == "approved"
        else _(
            "the figures of %(unit)s for %(period)s are submitted for approval; withdraw them first"
        )
    )
    return message % {"unit": unit, "period": period}


def _changes(rows) -> list[Change]:
    """`(line, indicator id, unit id, period id, old, new)` rows as shown: with their codes."""
    rows = list(rows)
    if not rows:
        return []
    codes = {}
    for table, position in (
        ("performance_indicator", 1),
        ("org_orgunit", 2),
        ("performance_period", 3),
    ):
        ids = sorted({row[position] for row in rows})
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, code FROM {table} WHERE id IN ({placeholders(ids)})", ids)
            codes[position] = dict(cursor.fetchall())
    return [
        Change(line, codes[1][i], codes[2][u], codes[3][p], _decimal(old), _decimal(new))
        for line, i, u, p, old, new in rows
    ]


def _decimal(value):
    if value is None:
        return None
    return value if isinstance(value, decimal.Decimal) else decimal.Decimal(str(value))


def write_values(
    user, rows, kind=ValueBatch.Kind.ENTRY, source_name="", dry_run=False, data: bytes = b""
) -> WriteResult:
    """Write `(line, indicator_code, unit_code, period_code, value_or_None, comment)` rows;
    `data` is the uploaded file they came from, whose SHA-256 the batch keeps.

    Raises ValuesRejected (nothing written) if any row is wrong. For small writes (a grid, a
    workbook); the DHIS2 importer drives ValueWriter directly to stream large files."""
    resolver = Resolver(user, preload_units=False)
    with transaction.atomic():
        writer = ValueWriter(user, kind, source_name, dry_run=dry_run)
        writer.attach(resolver)
        if data:
            writer.feed_digest(data)
        for line, indicator_code, unit_code, period_code, value, comment in rows:
            stage_row(
                writer, resolver, line, indicator_code, unit_code, period_code, value, comment
            )
        result = writer.finish()
        if dry_run:
            transaction.set_rollback(True)
    return result


def stage_row(writer, resolver, line, indicator_code, unit_code, period_code, value, comment=""):
    """Resolve and check one incoming row; stage it or record why not."""
    # The usual row first, as a large import has it a million times: codes resolved before,
    # a plain number, a short comment. Anything else takes the checks below.
    known = resolver.resolved(indicator_code, unit_code, period_code)
    if (
        known
        and value.__class__ is str
        and value
        and (not comment or (len(comment) <= MAX_COMMENT and _storable(comment)))
    ):
        try:
            number = parse_number(value)
        except ValueError:
            pass  # named below
        else:
            indicator, unit_id, period = known
            writer.add(line, indicator.id, unit_id, period.id, number, comment or "")
            return
    _stage_checked(writer, resolver, line, indicator_code, unit_code, period_code, value, comment)


def _stage_checked(writer, resolver, line, indicator_code, unit_code, period_code, value, comment):
    try:
        indicator = resolver.indicator(indicator_code)
    except ValueError as error:
        writer.error(line, _("indicator"), error)
        return
    try:
        unit_id = resolver.unit(unit_code)
    except ValueError as error:
        writer.error(line, _("unit"), error)
        return
    try:
        period = resolver.period(period_code, indicator)
    except ValueError as error:
        writer.error(line, _("period"), error)
        return
    number = None
    if value is not None and value != "" and (not isinstance(value, str) or value.strip()):
        try:
            number = parse_number(value)
        except ValueError as error:
            writer.error(line, _("value"), error)
            return
    if comment and len(comment) > MAX_COMMENT:
        writer.error(line, _("comment"), _("at most %(count)s characters") % {"count": MAX_COMMENT})
        return
    if comment and not _storable(comment):
        writer.error(
            line,
            _("comment"),
            _("holds a character that cannot be stored (a NUL, or half of a surrogate pair)"),
        )
        return
    writer.add(line, indicator.id, unit_id, period.id, number, comment or "")  # .pk costs more
