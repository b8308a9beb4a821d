"""The four formats, read back: the PDF's text, the Word document's paragraphs and tables, the
workbook's cells, the HTML page. Each has the figures, the sections in the chosen language and
the classification at the top and bottom of every page."""

import io
import re

import pytest
from pypdf import PdfReader

from dimis.reports.builder import build_report
from dimis.reports.renderers import render_docx, render_html, render_pdf, render_xlsx

from .conftest import ON, SECRET_MARKER, docx_text, pdf_pages, xlsx_sheets

HEADINGS = {
    "en": [
        "Documents being implemented",
        "Tasks by timeliness",
        "Targets and actuals",
        "Conclusions of the previous meeting",
    ],
    "vi": [
        "Tình hình thực hiện các văn bản",
        "Tình hình thực hiện nhiệm vụ",
        "Kế hoạch và thực hiện",
        "Tình hình thực hiện kết luận của hội nghị trước",
    ],
}


@pytest.fixture
def reports(sector):
    """The report for the planner (secret clearance) in both languages, and for the restricted
    viewer in English."""

    def make(user, language):
        return build_report(
            user, sector.world.gddi, "2024S1", "six_month", language, sector.meeting, on=ON
        )

    return {
        "en": make(sector.world.planner, "en"),
        "vi": make(sector.world.planner, "vi"),
        "low": make(sector.low, "en"),
    }


def pdf_markings(content: bytes, label: str) -> list[tuple[bool, bool]]:
    """Per page: is `label` printed in the top margin, and in the bottom margin?"""
    found = []
    for page in PdfReader(io.BytesIO(content)).pages:
        height = float(page.mediabox.height)
        spots = []

        def visit(text, cm, tm, font, size, spots=spots):
            if text.strip() == label:
                spots.append(tm[5] * cm[3] + cm[5] if cm else tm[5])

        page.extract_text(visitor_text=visit)
        margin = 22 / 25.4 * 72  # the page margins are 22 mm
        found.append(
            (
                any(y > height - margin for y in spots),
                any(y < margin for y in spots),
            )
        )
    return found


@pytest.mark.parametrize("language", ["en", "vi"])
def test_pdf_text_sections_figures_and_page_markings(reports, language):
    report = reports[language]
    content = render_pdf(report)
    assert content.startswith(b"%PDF")
    pages = pdf_pages(content)
    text = "\n".join(pages)
    flat = re.sub(r"\s+", " ", text)
    for heading in HEADINGS[language]:
        assert heading.upper() in flat.upper()
    for other in HEADINGS["vi" if language == "en" else "en"]:
        assert other.upper() not in flat.upper()
    label = "SECRET" if language == "en" else "TỐI MẬT"
    assert report.classification_label == label
    assert pdf_markings(content, label) == [(True, True)] * len(pages)
    # Page numbers "n / N", and a table of contents that gives each section's page.
    assert f"1 / {len(pages)}" in pages[0] and f"{len(pages)} / {len(pages)}" in pages[-1]
    contents = re.findall(r"(\d)\. ([^\n.]+?) \.{3,}\s*(\d+)", pages[0])
    assert [c[1].strip().upper() for c in contents] == [h.upper() for h in HEADINGS[language]]
    for _number, title, page in contents:
        assert title.strip().upper() in re.sub(r"\s+", " ", pages[int(page) - 1]).upper()
    # The figures: 810 billion of revenue, and the laggard.
    revenue = "810.0" if language == "en" else "810,0"
    assert revenue in text and "Unit F2" in text
    assert f"Nhiệm vụ {SECRET_MARKER} mật" in flat


def test_pdf_for_a_lower_clearance_has_neither_the_secrets_nor_the_higher_marking(reports):
    content = render_pdf(reports["low"])
    text = re.sub(r"\s+", " ", "\n".join(pdf_pages(content)))
    assert SECRET_MARKER not in text
    assert "SECRET" not in text
    markings = pdf_markings(content, "RESTRICTED")
    assert markings and markings == [(True, True)] * len(markings)


def test_pdf_layout_fetches_nothing_from_the_network(sector):
    from weasyprint import HTML

    from dimis.reports.renderers.pdf import LocalStaticFetcher

    asked, served = [], []

    class Recording(LocalStaticFetcher):
        def fetch(self, url, headers=None):
            asked.append(url)
            response = super().fetch(url, headers)
            served.append(url)
            return response

    HTML(
        string='<img src="http://example.com/x.png"><img src="/static/dimis/dimis.css">'
        '<link rel=stylesheet href="/static/dimis/dimis.css">',
        base_url="https://dimis.invalid/",
        url_fetcher=Recording(),
    ).write_pdf()
    # Every URL goes through DIMIS's fetcher, which serves its static files and refuses the rest.
    assert "http://example.com/x.png" in asked
    assert served and all(url.startswith("https://dimis.invalid/static/") for url in served)
    with pytest.raises(ValueError, match="does not fetch"):
        LocalStaticFetcher().fetch("http://example.com/logo.png")


@pytest.mark.parametrize("language", ["en", "vi"])
def test_docx_is_an_administrative_document(reports, language):
    from docx import Document

    report = reports[language]
    content = render_docx(report)
    headers, footers, paragraphs, tables = docx_text(content)
    label = report.classification_label
    assert headers == [label] and footers == [label]
    document = Document(io.BytesIO(content))
    section = document.sections[0]
    assert round(section.top_margin.mm) == 20 and round(section.bottom_margin.mm) == 20
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman" and normal.size.pt == 14
    issuer, motto = tables[0][0]
    if language == "vi":
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in motto
        assert "Độc lập - Tự do - Hạnh phúc" in motto
        assert "Hà Nội, ngày 01 tháng 7 năm 2024" in motto
        assert "Số: …/BC-GDDI" in issuer and "BÁO CÁO" in paragraphs
    else:
        assert "SOCIALIST REPUBLIC OF VIET NAM" in motto
        assert "Independence - Freedom - Happiness" in motto
        assert "Hanoi, 1 July 2024" in motto
        assert "No.: …/BC-GDDI" in issuer and "REPORT" in paragraphs
    assert "UNIT GDDI" in issuer
    headings = [
        p.text for p in document.paragraphs if p.style.name == "Heading 1" and p.text[0].isdigit()
    ]
    assert headings == [f"{n}. {h}" for n, h in enumerate(HEADINGS[language], start=1)]
    # The indicators' table, as the report has it.
    expected = [[c.text for c in row] for row in report.section("targets").table("indicators").rows]
    found = next(t for t in tables if t[0][0] in ("Indicator", "Chỉ tiêu"))
    assert found[1:] == expected


def test_xlsx_annex_has_every_table_with_numbers_and_markings(reports):
    report = reports["en"]
    sheets = xlsx_sheets(render_xlsx(report))
    names = list(sheets)
    assert names[0] == "Summary"
    assert len(names) == 1 + len(report.tables())
    for sheet in sheets.values():
        assert sheet["rows"][0][0] == "SECRET"
        assert sheet["header"] == "SECRET" and sheet["footer"] == "SECRET"
    indicators = next(s for n, s in sheets.items() if "Indicators for the whole" in n)
    assert indicators["rows"][2][:4] == ["Indicator", "Unit of measure", "Target", "Actual"]
    revenue = indicators["rows"][3]
    assert revenue[0] == "Revenue" and revenue[3] == 810.0
    scorecard = next(s for n, s in sheets.items() if "Tasks by lead unit" in n)
    total = scorecard["rows"][-1]
    assert total[:6] == ["Whole subtree", 5, 1, 1, 0, 3]
    overdue = next(s for n, s in sheets.items() if "Overdue tasks" in n)
    assert [r[0] for r in overdue["rows"][3:]][0] == f"Nhiệm vụ {SECRET_MARKER} mật"


def test_xlsx_for_a_lower_clearance(reports):
    sheets = xlsx_sheets(render_xlsx(reports["low"]))
    cells = [str(c) for s in sheets.values() for row in s["rows"] for c in row if c is not None]
    assert not [c for c in cells if SECRET_MARKER in c]
    assert all(s["rows"][0][0] == "RESTRICTED" for s in sheets.values())


@pytest.mark.parametrize("language", ["en", "vi"])
def test_html_file_is_self_contained_and_marked_top_and_bottom(reports, language):
    report = reports[language]
    html = render_html(report).decode()
    assert f'<html lang="{language}">' in html
    markings = re.findall(r'<div class="marking marking-(top|bottom)">([^<]+)</div>', html)
    assert markings == [
        ("top", report.classification_label),
        ("bottom", report.classification_label),
    ]
    assert html.count("<svg") >= 2  # charts drawn on the server
    assert "<script" not in html
    # Nothing to fetch: no URL but the SVG namespace.
    assert "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    for heading in HEADINGS[language]:
        assert heading in html


def test_long_tables_are_cut_in_print_and_whole_in_the_annex(reports, settings):
    settings.DIMIS_REPORT_PRINT_ROWS = 2
    report = reports["en"]
    overdue = report.section("tasks").table("overdue")
    assert len(overdue.rows) == 3
    note = f"The first 2 of 3 rows; the XLSX annex has them all (sheet “{overdue.sheet}”)."
    html = render_html(report).decode()
    assert note in html
    pdf = re.sub(r"\s+", " ", "\n".join(pdf_pages(render_pdf(report))))
    assert note in pdf and "Nhiệm vụ hạn 2024-06-15" not in pdf
    _, _, paragraphs, tables = docx_text(render_docx(report))
    assert note in paragraphs
    sheets = xlsx_sheets(render_xlsx(report))
    rows = sheets[overdue.sheet]["rows"]
    assert [r[0] for r in rows[3:]][-1] == "Nhiệm vụ hạn 2024-06-15"
