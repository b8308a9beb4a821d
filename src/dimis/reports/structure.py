"""The review report as one data structure: assembled once, then rendered by each format.

Everything a renderer needs is here, already in the report's language: texts formatted for the
locale beside the raw numbers (the XLSX annex keeps numbers as numbers), the classification of
the whole report, and each section's content in reading order.
"""

import datetime
import re
from dataclasses import dataclass, field

FORBIDDEN_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def sheet_name(taken: set, text: str) -> str:
    """A worksheet name from `text`: at most 31 characters, none of []:*?/\\, unique in `taken`."""
    base = FORBIDDEN_IN_SHEET_NAMES.sub(" ", text)[:31].strip() or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


@dataclass
class Cell:
    text: str
    value: object = None  # a number or date for the XLSX annex; None: the text is the value
    tone: str = ""  # "red", "amber", "green" or "" (a status shown in colour)
    fmt: str = ""  # the annex's number format for this cell, over the column's

    @property
    def native(self):
        return self.text if self.value is None else self.value


@dataclass
class Table:
    key: str  # stable name: the annex's sheet, the tests' handle
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    numeric: frozenset[int] = frozenset()  # indexes of right-aligned (number) columns
    number_formats: dict[int, str] = field(default_factory=dict)  # XLSX formats by column
    empty: str = ""  # said instead of an empty table
    total: list[Cell] | None = None  # a closing row (the whole subtree), always printed
    sheet: str = ""  # its sheet in the XLSX annex, named when the report is assembled

    kind = "table"

    def printed(self, limit: int) -> tuple[list[list[Cell]], int]:
        """The rows a printed format shows (the first `limit`: tables put what matters most
        first) and how many it leaves to the XLSX annex, which has them all."""
        if limit <= 0 or len(self.rows) <= limit:
            return self.rows, 0
        return self.rows[:limit], len(self.rows) - limit


@dataclass
class Bar:
    label: str
    value: float | None  # the bar
    text: str  # the bar's figure as printed
    tone: str = ""
    mark: float | None = None  # a target line across the bar


@dataclass
class BarChart:
    key: str
    title: str
    bars: list[Bar]
    caption: str = ""

    kind = "chart"


@dataclass
class Paragraph:
    text: str
    emphasis: bool = False

    kind = "paragraph"


@dataclass
class Section:
    key: str
    title: str
    content: list = field(default_factory=list)  # Paragraph, Table and BarChart, in order
    summary: str = ""  # one line for the report's summary
    classification: int = 0  # the highest classification of the records it shows
    number: int = 0  # set when the report is assembled

    def add(self, item):
        self.content.append(item)
        return item

    def tables(self) -> list[Table]:
        return [item for item in self.content if item.kind == "table"]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables() if t.key == key)


@dataclass
class ReviewReport:
    title: str  # "Báo cáo sơ kết 6 tháng đầu năm 2022"
    subtitle: str  # scope, and the meeting it serves
    language: str
    kind: str
    period_code: str
    period_label: str
    scope_name: str
    issuing_body: str  # the scope unit, as the document's issuer
    parent_body: str  # the body above it, printed above the issuer ("" if not visible)
    number_line: str  # "Số: …/BC-TCCNQP", left for staff to number
    place_date: str  # "Hà Nội, ngày 23 tháng 11 năm 2026"
    generated_at: datetime.datetime
    as_of: datetime.date  # task timeliness is judged on this day
    requested_by: str
    classification: int
    classification_label: str  # "MẬT" / "SECRET": printed at the top and bottom of every page
    sections: list[Section]
    summary: list[str] = field(default_factory=list)
    summary_sheet: str = ""

    def name_sheets(self, summary: str) -> None:
        """Name the annex's sheets: the summary, then one per table in reading order."""
        taken: set[str] = set()
        self.summary_sheet = sheet_name(taken, summary)
        for section, table in self.tables():
            table.sheet = sheet_name(taken, f"{section.number}. {table.title}")

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def tables(self) -> list[tuple[Section, Table]]:
        return [(s, t) for s in self.sections for t in s.tables()]
