"""The review report as one data structure: assembled once, then rendered by each format.

Everything a renderer needs is here, already in the report's language: texts formatted for the
locale beside the raw numbers (the XLSX annex keeps numbers as numbers), the classification of
the whole report, and each section's content in reading order.
"""

import datetime
from dataclasses import dataclass, field


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

    kind = "table"


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

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def tables(self) -> list[tuple[Section, Table]]:
        return [(s, t) for s in self.sections for t in s.tables()]
