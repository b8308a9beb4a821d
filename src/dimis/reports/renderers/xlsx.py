"""The report's annex as a workbook: a summary sheet, then one sheet per table, numbers as
numbers. Every sheet opens with the classification in its first row and prints it in its
header and footer."""

import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

MARKING = Font(bold=True, color="B3261E", size=12)
TITLE = Font(bold=True, size=13)
HEADER = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEEEEE")
TONES = {
    "red": Font(color="B3261E", bold=True),
    "amber": Font(color="8A6100", bold=True),
    "green": Font(color="2E7D32"),
}


def _mark(sheet, label: str, width: int):
    sheet.oddHeader.center.text = label
    sheet.oddFooter.center.text = label
    sheet.oddFooter.right.text = "&P / &N"
    sheet.append([label])
    sheet["A1"].font = MARKING
    if width > 1:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].alignment = Alignment(horizontal="center")


def _widths(sheet, columns: list[str], rows) -> None:
    widths = [len(c) for c in columns]
    for row in rows[:500]:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell.text))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)


def render_xlsx(report) -> bytes:
    with translation.override(report.language):
        workbook = Workbook()
        summary = workbook.active
        summary.title = report.summary_sheet
        _mark(summary, report.classification_label, 2)
        for label, value in (
            (_("Report"), report.title),
            (_("Scope"), report.subtitle),
            (_("Issued by"), report.issuing_body),
            (_("Period"), f"{report.period_label} ({report.period_code})"),
            (_("Tasks judged on"), report.as_of),
            (_("Written at"), report.generated_at.replace(tzinfo=None)),
            (_("For"), report.requested_by),
            (_("Classification"), report.classification_label),
        ):
            summary.append([label, value])
            summary.cell(summary.max_row, 1).font = HEADER
        summary.cell(6, 2).number_format = "dd/mm/yyyy"
        summary.cell(7, 2).number_format = "dd/mm/yyyy hh:mm"
        summary.append([])
        for line in report.summary:
            summary.append(["", line])
        summary.column_dimensions["A"].width = 22
        summary.column_dimensions["B"].width = 100
        for section, table in report.tables():
            sheet = workbook.create_sheet(table.sheet)
            width = len(table.columns)
            _mark(sheet, report.classification_label, width)
            sheet.append([f"{section.number}. {section.title} — {table.title}"])
            sheet["A2"].font = TITLE
            sheet.append(table.columns)
            for cell in sheet[3]:
                cell.font, cell.fill = HEADER, HEADER_FILL
                cell.alignment = Alignment(horizontal="center", wrap_text=True)
            for row in [*table.rows, *([table.total] if table.total else [])]:
                sheet.append([cell.native for cell in row])
                written = sheet[sheet.max_row]
                for i, cell in enumerate(row):
                    fmt = cell.fmt or table.number_formats.get(i)
                    if fmt and cell.value is not None:
                        written[i].number_format = fmt
                    if cell.tone in TONES:
                        written[i].font = TONES[cell.tone]
                    elif row is table.total:
                        written[i].font = HEADER
            if not table.rows:
                sheet.append([table.empty])
            sheet.freeze_panes = "A4"
            sheet.print_title_rows = "3:3"
            _widths(sheet, table.columns, table.rows)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
