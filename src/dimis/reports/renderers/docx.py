"""The report as a Word document laid out as a Vietnamese administrative document, so that staff
can edit it before the conference (Decree 30/2020/NĐ-CP, Appendix I): A4; margins top and
bottom 20 mm, left 30 mm, right 15 mm; Times New Roman 14 pt; the issuing body top left, the
national motto top right, the number and the place and date line under them; "BÁO CÁO" and the
title centred. The classification is in the header and the footer of every page.

Charts are left to the PDF and HTML versions; the document carries every table."""

import io

from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from ..text import printed

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 11
RED = RGBColor(0xB3, 0x26, 0x1E)
TONES = {"red": RGBColor(0xB3, 0x26, 0x1E), "amber": RGBColor(0x8A, 0x61, 0x00)}


def _font(target, size=None, bold=None, italic=None):
    """Times New Roman for every script Word distinguishes (Vietnamese is Latin, but Word falls
    back to the East Asian font for some characters unless told)."""
    font = target.font
    font.name = FONT
    r_pr = target.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.append(fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    return target


def _paragraph(container, text="", size=BODY_PT, bold=False, italic=False, align=None, indent=None):
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(3)
    if indent is not None:
        fmt.first_line_indent = indent
    if text:
        _font(paragraph.add_run(text), size, bold, italic)
    return paragraph


def _rule(cell, width_cm: float):
    """A short centred line under a heading block (a bottom border on an empty paragraph)."""
    paragraph = cell.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(2)
    side = max(0.0, (cell.width.cm - width_cm) / 2) if cell.width else 1.5
    fmt.left_indent, fmt.right_indent = Cm(side), Cm(side)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)
    _font(paragraph.add_run(""), 4)


def _no_borders(table):
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _page_number(paragraph):
    """A PAGE field: Word fills in the page number."""
    run = paragraph.add_run()
    _font(run, 11)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _marking(container, label):
    paragraph = container.paragraphs[0] if container.paragraphs else container.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = _font(paragraph.add_run(label), 13, bold=True)
    run.font.color.rgb = RED
    return paragraph


def _setup(document, report):
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    normal = document.styles["Normal"]
    _font(normal, BODY_PT)
    normal.paragraph_format.space_after = Pt(3)
    for level, size in ((1, BODY_PT), (2, BODY_PT - 1)):
        style = document.styles[f"Heading {level}"]
        _font(style, size, bold=True, italic=level == 2)
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(9)
        style.paragraph_format.space_after = Pt(3)
    _marking(section.header, report.classification_label)
    _marking(section.footer, report.classification_label)
    numbers = section.footer.add_paragraph()
    numbers.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _page_number(numbers)


def _letterhead(document, report):
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.3), Cm(10.2)
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if report.parent_body:
        _font(left.paragraphs[0].add_run(report.parent_body), 13)
        _paragraph(left, report.issuing_body, 13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    else:
        _font(left.paragraphs[0].add_run(report.issuing_body), 13, bold=True)
    _rule(left, 2.5)
    _paragraph(left, report.number_line, 13, align=WD_ALIGN_PARAGRAPH.CENTER)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(right.paragraphs[0].add_run(_("SOCIALIST REPUBLIC OF VIET NAM")), 13, bold=True)
    _paragraph(
        right,
        _("Independence - Freedom - Happiness"),
        14,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _rule(right, 5.5)
    _paragraph(right, report.place_date, 14, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def _table(document, table):
    shown = printed(table)
    lines = [*shown["rows"], *([table.total] if table.total else [])]
    grid = document.add_table(rows=1 + len(lines), cols=len(table.columns))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    # The rows once, in order (indexing `grid.rows` lists them all each time).
    header, *rows = grid.rows
    for i, title in enumerate(table.columns):
        cell = header.cells[i]
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(cell.paragraphs[0].add_run(title), TABLE_PT, bold=True)
    # The header repeats on every page the table runs onto.
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for written, row in zip(rows, lines, strict=True):
        cells = written.cells
        for i, value in enumerate(row):
            paragraph = cells[i].paragraphs[0]
            if i in table.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            bold = value.tone == "red" or row is table.total
            run = _font(paragraph.add_run(value.text), TABLE_PT, bold=bold)
            if value.tone in TONES:
                run.font.color.rgb = TONES[value.tone]
    if shown["note"]:
        _paragraph(document, shown["note"], 12, italic=True)


def _signature(document):
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(8.0), Cm(8.5)
    _font(left.paragraphs[0].add_run(_("Recipients:")), 12, bold=True, italic=True)
    for line in (_("- As above;"), _("- Archived: Records office.")):
        _paragraph(left, line, 11)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(right.paragraphs[0].add_run(_("HEAD OF THE UNIT")), 14, bold=True)
    _paragraph(right, _("(Signature, full name)"), 13, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def render_docx(report) -> bytes:
    with translation.override(report.language):
        document = Document()
        _setup(document, report)
        _letterhead(document, report)
        _paragraph(document)
        _paragraph(document, _("REPORT"), BODY_PT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _paragraph(document, report.title, BODY_PT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _paragraph(document, report.subtitle, 13, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        document.add_heading(_("Summary"), level=1)
        for line in report.summary:
            _paragraph(document, f"- {line}", indent=Cm(1))
        for section in report.sections:
            document.add_heading(f"{section.number}. {section.title}", level=1)
            for item in section.content:
                if item.kind == "paragraph":
                    _paragraph(document, item.text, indent=Cm(1), bold=item.emphasis)
                elif item.kind == "table":
                    document.add_heading(item.title, level=2)
                    if item.rows:
                        _table(document, item)
                    else:
                        _paragraph(document, item.empty, italic=True, indent=Cm(1))
        _paragraph(document).add_run().add_break(WD_BREAK.LINE)
        _signature(document)
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()
