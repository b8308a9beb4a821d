"""A unit's year of figures as the entry grid shows it and as an XLSX template carries it.

`year_sheets()` loads one unit's year in a few set-based queries (indicators, periods, values,
submissions, rules), whatever the number of indicators; the grid page and the template both use
it. `build_template()` writes the workbook; `read_upload()` turns a filled one back into
`write_values()` rows, all or nothing, each error naming the sheet and cell it comes from.
"""

import datetime
import decimal
import io
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter

from dimis.framework.access import InUnitSet, granted_units_sql
from dimis.framework.tabular import human_size
from dimis.org.models import OrgUnit

from . import periods
from .models import (
    REPORTING_ROLES,
    DataSubmission,
    Indicator,
    Period,
    SubmissionStatus,
    UnitOfMeasure,
    Value,
    ValueBatch,
)
from .periods import PeriodType
from .validation import Violation, check, rules_touching
from .values import Change, ValuesRejected, WriteResult, parse_number, write_values

# The period types figures are entered for, in the order the grid and the workbook show them.
ENTRY_TYPES = (PeriodType.MONTHLY, PeriodType.QUARTERLY, PeriodType.SIX_MONTHLY, PeriodType.YEARLY)

# Template layout: unit code in B1, period codes in the header row from column D, one indicator
# per row below the labels row with its code in column A.
UNIT_CELL = (1, 2)
HEADER_ROW = 4
FIRST_VALUE_COLUMN = 4
FIRST_DATA_ROW = HEADER_ROW + 2
MAX_COLUMNS = 40
# Excel keeps 15 significant digits; longer figures are written as text so they come back exact.
EXACT_DIGITS = 15


def reporting_units(user):
    """The units the user may enter figures for (a reporting role's subtree), that they may see."""
    qs = OrgUnit.objects.all().restrict(user)
    if user.is_superuser:
        return qs
    sql, params = granted_units_sql(user, REPORTING_ROLES)
    return qs.filter(InUnitSet("id", sql, params))


def period_codes(period_type: str, year: int) -> list[str]:
    if period_type == PeriodType.MONTHLY:
        return [f"{year}{month:02d}" for month in range(1, 13)]
    if period_type == PeriodType.QUARTERLY:
        return [f"{year}Q{q}" for q in range(1, 5)]
    if period_type == PeriodType.SIX_MONTHLY:
        return [f"{year}S1", f"{year}S2"]
    return [str(year)]


# -- a unit's year ------------------------------------------------------------------------------


@dataclass
class Column:
    code: str
    label: str
    period: Period | None  # None until a figure or a submission first uses the period
    submission: DataSubmission | None

    @property
    def status(self) -> str:
        return self.submission.status if self.submission else SubmissionStatus.DRAFT

    @property
    def status_label(self) -> str:
        return SubmissionStatus(self.status).label

    @property
    def locked(self) -> bool:
        return self.status != SubmissionStatus.DRAFT


@dataclass
class Cell:
    indicator: Indicator
    column: Column
    value: decimal.Decimal | None = None
    comment: str = ""
    flags: list[Violation] = field(default_factory=list)
    error: str = ""
    typed: str | None = None  # what was typed, when it could not be saved
    saved: bool = False  # just written: the page marks it

    @property
    def locked(self) -> bool:
        return self.column.locked

    @property
    def stored_text(self) -> str:
        return plain_number(self.value)

    @property
    def text(self) -> str:
        return self.typed if self.typed is not None else self.stored_text


@dataclass
class Row:
    indicator: Indicator
    cells: list[Cell]


@dataclass
class Sheet:
    period_type: str
    columns: list[Column]
    rows: list[Row]

    @property
    def label(self) -> str:
        return PeriodType(self.period_type).label

    @property
    def flag_count(self) -> int:
        return sum(len(c.flags) for r in self.rows for c in r.cells)


@dataclass
class YearData:
    unit: OrgUnit
    year: int
    sheets: list[Sheet]
    as_of: datetime.datetime | None
    indicators: dict[int, Indicator]


def plain_number(value) -> str:
    """A stored figure as typed into a cell: no grouping, no padding zeros, '.' as the point."""
    if value is None:
        return ""
    number = decimal.Decimal(value).normalize()
    return f"{number:f}"


def year_sheets(user, unit: OrgUnit, year: int, with_flags: bool = True) -> YearData:
    """One table per period type with visible indicators: six queries however many indicators."""
    indicators = list(Indicator.objects.all().restrict(user))
    by_id = {i.pk: i for i in indicators}
    by_type: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        by_type.setdefault(indicator.period_type, []).append(indicator)
    types = [t for t in ENTRY_TYPES if t in by_type]
    codes = [code for t in types for code in period_codes(t, year)]
    found = {p.code: p for p in Period.objects.filter(code__in=codes)}
    period_ids = [p.pk for p in found.values()]
    submissions = {
        s.period_id: s
        for s in DataSubmission.objects.filter(unit=unit, period_id__in=period_ids).select_related(
            "submitted_by", "decided_by"
        )
    }
    stored: dict[tuple[int, int], tuple] = {}
    as_of = None
    for row in Value.objects.filter(
        unit=unit, period_id__in=period_ids, indicator_id__in=list(by_id)
    ).values_list("indicator_id", "period_id", "value", "comment", "last_updated"):
        stored[row[0], row[1]] = row[2:4]
        as_of = row[4] if as_of is None or row[4] > as_of else as_of
    rules = rules_touching(by_id) if with_flags else []
    sheets = []
    for period_type in types:
        columns = []
        for code in period_codes(period_type, year):
            period = found.get(code)
            label = period.label if period else periods.label(periods.parse(code))
            submission = submissions.get(period.pk) if period else None
            columns.append(Column(code, label, period, submission))
        rows = []
        for indicator in by_type[period_type]:
            cells = []
            for column in columns:
                value, comment = (
                    stored.get((indicator.pk, column.period.pk), (None, ""))
                    if column.period
                    else (None, "")
                )
                cells.append(Cell(indicator, column, value, comment))
            rows.append(Row(indicator, cells))
        if rules or any(i.min_value is not None or i.max_value is not None for i in indicators):
            _flag(rows, columns, stored, by_id, rules)
        sheets.append(Sheet(period_type, columns, rows))
    return YearData(unit, year, sheets, as_of, by_id)


def _flag(rows, columns, stored, by_id, rules):
    for index, column in enumerate(columns):
        if column.period is None:
            continue
        figures = {
            r.indicator.pk: r.cells[index].value for r in rows if r.cells[index].value is not None
        }
        others = {i: v for (i, p), (v, _c) in stored.items() if p == column.period.pk}
        cells = {r.indicator.pk: r.cells[index] for r in rows}
        for violation in check(figures, others, by_id, rules):
            if violation.indicator_id in cells:
                cells[violation.indicator_id].flags.append(violation)


# -- the template -------------------------------------------------------------------------------

HEADER_FILL = PatternFill("solid", fgColor="DDE7E0")
LOCKED_FILL = PatternFill("solid", fgColor="D9D9D9")
BOLD = Font(bold=True)
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(sheet: Sheet) -> str:
    return SHEET_NAME_FORBIDDEN.sub(" ", str(sheet.label))[:31]


def build_template(user, unit: OrgUnit, year: int) -> bytes:
    """The unit's year as an XLSX template in the reader's language, stored figures filled in."""
    data = year_sheets(user, unit, year, with_flags=False)
    workbook = Workbook()
    guide = workbook.active
    guide.title = _("Instructions")[:31]
    _instructions(guide, data)
    for sheet in data.sheets:
        _data_sheet(workbook.create_sheet(sheet_title(sheet)), data, sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _instructions(ws, data: YearData):
    lines = [
        _("How to fill in this workbook"),
        "",
        _("Unit: %(unit)s (%(code)s). Year: %(year)s.")
        % {"unit": data.unit.display_name, "code": data.unit.code, "year": data.year},
        _("Downloaded: %(time)s. Figures stored then are filled in.")
        % {"time": date_format(timezone.localtime(), "DATETIME_FORMAT")},
        "",
        _(
            "1. Each sheet holds the indicators reported with one frequency: "
            "one row per indicator, one column per period."
        ),
        _(
            "2. Type figures into the white cells as plain numbers in the indicator's unit of "
            "measure. Leave a cell empty when there is no figure; emptying a cell that had a "
            "figure removes that figure."
        ),
        _(
            "3. Grey columns are submitted or approved: their figures cannot change until they "
            "are withdrawn or reopened, and a changed figure there is refused."
        ),
        _(
            "4. Do not change cell B1, the codes in row %(row)s or the codes in column A: they "
            "tell DIMIS the unit, period and indicator of every figure."
        )
        % {"row": HEADER_ROW},
        _(
            "5. Upload the file on the data entry page. Choose “check only” first: nothing is "
            "written and every error names its sheet and cell. If any cell is wrong, nothing is "
            "saved."
        ),
    ]
    for line in lines:
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 110
    for row in ws.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def _data_sheet(ws, data: YearData, sheet: Sheet):
    ws["A1"], ws["B1"], ws["C1"] = _("Unit"), data.unit.code, data.unit.display_name
    ws["A2"], ws["B2"], ws["C2"] = _("Year"), data.year, str(sheet.label)
    ws["A3"] = _("Grey columns are submitted or approved and are not read back.")
    ws["A3"].font = Font(italic=True, color="666666")
    for cell in ("A1", "A2"):
        ws[cell].font = BOLD
    ws.cell(HEADER_ROW, 1, _("Code"))
    ws.cell(HEADER_ROW, 2, _("Indicator"))
    ws.cell(HEADER_ROW, 3, _("Unit of measure"))
    for offset, column in enumerate(sheet.columns):
        number = FIRST_VALUE_COLUMN + offset
        code_cell = ws.cell(HEADER_ROW, number, column.code)
        label = column.label
        if column.locked:
            label = f"{label}\n{column.status_label}"
            code_cell.comment = Comment(
                _("%(status)s: the figures of this period are not read from this file.")
                % {"status": column.status_label},
                "DIMIS",
            )
        label_cell = ws.cell(HEADER_ROW + 1, number, label)
        label_cell.alignment = Alignment(wrap_text=True, horizontal="center")
        ws.column_dimensions[get_column_letter(number)].width = 14
    for number in range(1, FIRST_VALUE_COLUMN + len(sheet.columns)):
        for row in (HEADER_ROW, HEADER_ROW + 1):
            ws.cell(row, number).font = BOLD
            ws.cell(row, number).fill = HEADER_FILL
    for index, row in enumerate(sheet.rows):
        line = FIRST_DATA_ROW + index
        indicator = row.indicator
        ws.cell(line, 1, indicator.code)
        ws.cell(line, 2, indicator.display_name)
        ws.cell(line, 3, str(UnitOfMeasure(indicator.unit_of_measure).label))
        number_format = "#,##0" + ("." + "0" * indicator.decimals if indicator.decimals else "")
        for offset, cell in enumerate(row.cells):
            target = ws.cell(line, FIRST_VALUE_COLUMN + offset, _sheet_value(cell.value))
            target.number_format = number_format
            if cell.locked:
                target.fill = LOCKED_FILL
            else:
                target.protection = Protection(locked=False)
    for offset, column in enumerate(sheet.columns):
        if column.locked:
            ws.cell(HEADER_ROW + 1, FIRST_VALUE_COLUMN + offset).fill = LOCKED_FILL
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 45
    ws.column_dimensions["C"].width = 14
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, FIRST_VALUE_COLUMN)
    # A soft guard on the codes and locked columns (no password): figures stay editable.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _sheet_value(value):
    if value is None:
        return None
    number = decimal.Decimal(value).normalize()
    if len(number.as_tuple().digits) > EXACT_DIGITS:
        return f"{number:f}"
    return number


# -- reading an upload --------------------------------------------------------------------------


class WorkbookError(Exception):
    """The file as a whole cannot be used (not an XLSX, too large, not a unit of yours)."""


@dataclass
class CellError:
    ref: str
    message: str

    def __str__(self):
        return f"{self.ref}: {self.message}"


class WorkbookRejected(Exception):
    """Nothing was written; `errors` name the sheet and cell of each problem."""

    def __init__(self, errors: list[CellError], error_count: int):
        self.errors, self.error_count = errors, error_count
        super().__init__("; ".join(str(e) for e in errors[:5]))


@dataclass
class CellChange:
    ref: str
    change: Change


@dataclass
class UploadOutcome:
    result: WriteResult
    units: list[str]
    changes: list[CellChange]
    locked_unchanged: int  # cells of submitted or approved periods, as stored, not sent

    @property
    def unchanged(self) -> int:
        return self.result.unchanged + self.locked_unchanged


def cell_ref(sheet_name: str, row: int, column: int) -> str:
    """'Monthly!D7'; names Excel would quote ('Six-monthly'!D7) are quoted."""
    name = sheet_name
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name):
        name = "'" + name.replace("'", "''") + "'"
    return f"{name}!{get_column_letter(column)}{row}"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _open(upload):
    size = getattr(upload, "size", None)
    limit = settings.DIMIS_IMPORT_MAX_BYTES
    if size is not None and size > limit:
        raise WorkbookError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": human_size(size), "limit": human_size(limit)}
        )
    not_xlsx = WorkbookError(
        _("The file is not an XLSX workbook. Download the template, fill it in and upload it.")
    )
    upload.seek(0)
    if upload.read(4) != b"PK\x03\x04":
        raise not_xlsx
    upload.seek(0)
    try:
        return load_workbook(upload, read_only=True, data_only=True)
    except Exception as error:  # a corrupt archive fails in many ways inside zipfile and lxml
        raise not_xlsx from error


class _Reader:
    def __init__(self, user):
        self.user = user
        self.errors: list[CellError] = []
        self.error_count = 0
        self.rows: list[tuple] = []  # write_values rows, `line` numbering them
        self.refs: dict[int, str] = {}  # line -> sheet and cell
        self.units: dict[str, int] = {}

    def error(self, ref: str, message: str):
        self.error_count += 1
        if len(self.errors) < 100:
            self.errors.append(CellError(ref, str(message)))

    def read(self, workbook) -> int:
        indicators = {i.code.upper(): i for i in Indicator.objects.all().restrict(self.user)}
        writable = {u.code.upper(): u for u in reporting_units(self.user)}
        cells = []  # (cell reference, indicator, unit, period code, cell value)
        sheets_read = 0
        for ws in workbook.worksheets:
            rows = ws.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
            found = self._sheet(ws.title, rows, indicators, writable, cells)
            sheets_read += found
        if not sheets_read:
            raise WorkbookError(
                _(
                    "No sheet of this workbook has period codes in row %(row)s. "
                    "Download the template, fill it in and upload it."
                )
                % {"row": HEADER_ROW}
            )
        return self._stage(cells)

    def _sheet(self, title, rows, indicators, writable, cells) -> bool:
        unit, unit_code = None, ""
        columns: dict[int, str] = {}
        seen: dict[str, int] = {}
        for number, values in enumerate(rows, start=1):
            if number == UNIT_CELL[0]:
                unit_code = _text(values[UNIT_CELL[1] - 1]) if len(values) >= 2 else ""
                continue
            if number < HEADER_ROW:
                continue
            if number == HEADER_ROW:
                columns = self._header(title, values)
                if not columns:
                    return False  # not a data sheet (the instructions, a sheet of notes)
                unit = writable.get(unit_code.upper())
                if unit is None:
                    # The same words for "no such unit" and "not yours": codes do not leak.
                    raise WorkbookError(
                        _("Sheet “%(sheet)s” is for “%(code)s”, not a unit you report for.")
                        % {"sheet": title, "code": unit_code}
                    )
                self.units[unit.code] = unit.pk
                continue
            code = _text(values[0]) if values else ""
            filled = [c for c in columns if c <= len(values) and _text(values[c - 1]) != ""]
            if not code:
                if number == HEADER_ROW + 1:
                    continue  # the period labels
                for column in filled:
                    self.error(
                        cell_ref(title, number, column), _("a figure on a row without a code")
                    )
                continue
            indicator = indicators.get(code.upper())
            if indicator is None:
                self.error(
                    cell_ref(title, number, 1), _("Unknown indicator “%(code)s”.") % {"code": code}
                )
                continue
            if indicator.code in seen:
                self.error(
                    cell_ref(title, number, 1),
                    _("%(code)s is already on row %(row)s of this sheet.")
                    % {"code": indicator.code, "row": seen[indicator.code]},
                )
                continue
            seen[indicator.code] = number
            if len(cells) + len(columns) > settings.DIMIS_IMPORT_MAX_ROWS:
                raise too_many()
            for column, period_code in columns.items():
                value = values[column - 1] if column <= len(values) else None
                cells.append((cell_ref(title, number, column), indicator, unit, period_code, value))
        return bool(columns)

    def _header(self, title, values) -> dict[int, str]:
        columns: dict[int, str] = {}
        seen: dict[str, int] = {}
        errors = []
        for column in range(FIRST_VALUE_COLUMN, len(values) + 1):
            text = _text(values[column - 1])
            if not text:
                continue
            try:
                code = periods.parse(text).code
            except periods.PeriodCodeError as error:
                errors.append((cell_ref(title, HEADER_ROW, column), str(error)))
                continue
            if code in seen:
                errors.append(
                    (
                        cell_ref(title, HEADER_ROW, column),
                        _("period %(code)s is already in column %(column)s")
                        % {"code": code, "column": get_column_letter(seen[code])},
                    )
                )
                continue
            seen[code] = column
            columns[column] = code
        # Without a single period code it is not a data sheet (notes, say): its text is no error.
        if columns:
            for ref, message in errors:
                self.error(ref, message)
        return columns

    def _stage(self, cells) -> int:
        """Rows for write_values: filled cells, and emptied ones that had a figure. Cells of
        submitted or approved periods are left out where they still hold the stored figure."""
        codes = {period for _r, _i, _u, period, _v in cells}
        found = {p.code: p for p in Period.objects.filter(code__in=codes)}
        unit_ids = set(self.units.values())
        stored = {
            (i, u, p): (v, c)
            for i, u, p, v, c in Value.objects.filter(
                unit_id__in=unit_ids, period_id__in=[p.pk for p in found.values()]
            ).values_list("indicator_id", "unit_id", "period_id", "value", "comment")
        }
        locked = set(
            DataSubmission.objects.filter(
                unit_id__in=unit_ids, period_id__in=[p.pk for p in found.values()]
            )
            .exclude(status=SubmissionStatus.DRAFT)
            .values_list("unit_id", "period_id")
        )
        skipped = 0
        for ref, indicator, unit, period_code, value in cells:
            period = found.get(period_code)
            key = (indicator.pk, unit.pk, period.pk) if period else None
            old, comment = stored.get(key, (None, "")) if key else (None, "")
            text = _text(value)
            if text == "" and old is None:
                continue
            if period and (unit.pk, period.pk) in locked and _same(value, old):
                skipped += 1
                continue
            line = len(self.rows) + 1
            figure = None if text == "" else (value if isinstance(value, int | float) else text)
            self.rows.append((line, indicator.code, unit.code, period_code, figure, comment))
            self.refs[line] = ref
        return skipped


def too_many() -> WorkbookError:
    return WorkbookError(
        _("The file has more than %(limit)s figures. Split it into smaller files.")
        % {"limit": settings.DIMIS_IMPORT_MAX_ROWS}
    )


def _same(value, old) -> bool:
    if _text(value) == "":
        return old is None
    try:
        return old is not None and parse_number(value) == old
    except ValueError:
        return False


def read_upload(user, upload, dry_run: bool = False) -> UploadOutcome:
    """Write the figures of a filled template; raises WorkbookError or WorkbookRejected with
    nothing written. A dry run reports what would change."""
    workbook = _open(upload)
    reader = _Reader(user)
    try:
        skipped = reader.read(workbook)
    finally:
        workbook.close()
    if reader.error_count:
        raise WorkbookRejected(reader.errors, reader.error_count)
    upload.seek(0)  # the batch keeps the file's SHA-256 (within the upload size limit)
    try:
        result = write_values(
            user,
            reader.rows,
            kind=ValueBatch.Kind.WORKBOOK,
            source_name=getattr(upload, "name", "") or "",
            dry_run=dry_run,
            data=upload.read(),
        )
    except ValuesRejected as rejected:
        errors = [
            CellError(reader.refs.get(e.line, _("Input")), e.message) for e in rejected.errors
        ]
        raise WorkbookRejected(errors, rejected.error_count) from rejected
    changes = [CellChange(reader.refs.get(c.line, ""), c) for c in result.changes]
    return UploadOutcome(result, sorted(reader.units), changes, skipped)
