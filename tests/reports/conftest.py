"""A small sector with something in every section of a review report: documents and clauses,
tasks on time, late and overdue, indicators with targets and figures, two meetings.

Secret records carry the marker SIGMA, so a report written for a lower clearance can be searched
for them; restricted ones set the lower marking such a report must carry."""

import datetime
import io
from dataclasses import dataclass

import pytest

from dimis.directives.models import Clause, Document, Task
from dimis.framework.choices import Classification, Role
from dimis.framework.testing import make_user
from dimis.meetings.models import Conclusion, Meeting
from dimis.performance.models import Indicator, Period, Target
from dimis.performance.values import write_values

D = datetime.date
ON = D(2024, 7, 1)  # the day tasks are judged in the tests that fix it
SECRET_MARKER = "SIGMA"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Stored reports go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclass
class Sector:
    world: object
    low: object  # viewer of the GDDI, restricted clearance
    meeting: object  # the six-month review of 2024S1, hosted by the GDDI
    previous: object  # the meeting before it
    document: object
    secret_document: object


def task(owner, lead, deadline, **extra):
    return Task.objects.create(
        title=extra.pop("title", f"Nhiệm vụ hạn {deadline}"),
        owning_unit=owner,
        lead_unit=lead,
        assigned_on=extra.pop("assigned_on", D(2023, 1, 15)),
        deadline=deadline,
        **extra,
    )


def put(user, *rows):
    numbered = [(n, i, u, p, v, "") for n, (i, u, p, v) in enumerate(rows, start=1)]
    return write_values(user, numbered)


@pytest.fixture
def sector(world) -> Sector:
    w = world
    low = make_user("gddi-low", Classification.RESTRICTED, [(Role.VIEWER, w.gddi)])
    # Documents and their tasks.
    document = Document.objects.create(
        number="15/KH-TCCNQP",
        title="Kế hoạch thực hiện Nghị quyết",
        kind="plan",
        issuer=w.gddi,
        issue_date=D(2023, 1, 10),
        owning_unit=w.gddi,
    )
    first = Clause.objects.create(
        document=document, number="1", text="Đẩy nhanh dự án đầu tư", owning_unit=w.gddi
    )
    second = Clause.objects.create(
        document=document, number="2", text="Đào tạo kỹ sư đầu ngành", owning_unit=w.gddi
    )
    secret_document = Document.objects.create(
        number="16/KH-TCCNQP",
        title=f"Kế hoạch {SECRET_MARKER} về sản phẩm mới",
        kind="plan",
        issuer=w.gddi,
        issue_date=D(2023, 2, 1),
        owning_unit=w.gddi,
        classification=Classification.SECRET,
    )
    task(w.gddi, w.f1, D(2024, 3, 31), clause=first, status="done", completed_on=D(2024, 3, 20))
    task(w.gddi, w.f2, D(2024, 5, 31), clause=first, status="done", completed_on=D(2024, 7, 20))
    task(w.gddi, w.f1, D(2024, 6, 15), clause=second, status="in_progress", progress=40)
    task(w.gddi, w.f2, D(2024, 12, 31), clause=second)  # due after the period
    task(
        w.gddi,
        w.f1,
        D(2024, 4, 30),
        title=f"Nhiệm vụ {SECRET_MARKER} mật",
        classification=Classification.SECRET,
    )
    task(w.other, w.other, D(2024, 4, 30), title="Nhiệm vụ của đơn vị khác")
    # Meetings: the previous one's conclusions became tasks.
    previous = Meeting.objects.create(
        kind="annual_review",
        title="Hội nghị tổng kết năm 2023",
        date=D(2024, 1, 10),
        host_unit=w.gddi,
        owning_unit=w.gddi,
        period_start=D(2023, 1, 1),
        period_end=D(2023, 12, 31),
    )
    asked = Conclusion.objects.create(
        meeting=previous, number=1, text="Mở rộng thị trường xuất khẩu", owning_unit=w.gddi
    )
    task(w.gddi, w.f2, D(2024, 5, 15), conclusion=asked, assigned_on=D(2024, 1, 10))
    meeting = Meeting.objects.create(
        kind="six_month_review",
        title="Hội nghị sơ kết 6 tháng đầu năm 2024",
        date=D(2024, 7, 5),
        host_unit=w.gddi,
        owning_unit=w.gddi,
        period_start=D(2024, 1, 1),
        period_end=D(2024, 6, 30),
    )
    # Indicators: revenue (restricted), a secret one; targets and figures for the half-year.
    Indicator.objects.create(
        code="REV",
        name="Doanh thu",
        name_en="Revenue",
        unit_of_measure="vnd",
        display_scale=1_000_000_000,
        decimals=1,
        classification=Classification.RESTRICTED,
    )
    Indicator.objects.create(
        code="SIGMA_STAFF",
        name=f"Quân số {SECRET_MARKER}",
        name_en=f"{SECRET_MARKER} headcount",
        unit_of_measure="persons",
        time_aggregation="last",
        classification=Classification.SECRET,
    )
    year = Period.objects.for_code("2024")
    for code, unit, value in (("REV", w.f1, 1200e9), ("REV", w.f2, 600e9)):
        Target.objects.create(
            indicator=Indicator.objects.get(code=code),
            unit=unit,
            period=year,
            value=value,
            classification=Classification.RESTRICTED,
        )
    Target.objects.create(
        indicator=Indicator.objects.get(code="SIGMA_STAFF"),
        unit=w.f1,
        period=year,
        value=500,
        classification=Classification.SECRET,
    )
    rows = []
    for month in range(1, 7):
        code = f"2024{month:02d}"
        rows += [
            ("REV", "F1", code, 100e9),  # on track: 600 of a pro-rata ~595
            ("REV", "F2", code, 35e9),  # behind: 210 of ~298
            ("SIGMA_STAFF", "F1", code, 480 + month),
        ]
    put(w.admin, *rows)
    return Sector(w, low, meeting, previous, document, secret_document)


def pdf_pages(content: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def docx_text(content: bytes):
    """(header texts, footer texts, paragraphs, tables as lists of rows) of a Word document."""
    import docx

    document = docx.Document(io.BytesIO(content))
    sections = document.sections
    headers = [p.text for s in sections for p in s.header.paragraphs if p.text]
    footers = [p.text for s in sections for p in s.footer.paragraphs if p.text]
    paragraphs = [p.text for p in document.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    return headers, footers, paragraphs, tables


def xlsx_sheets(content: bytes) -> dict:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content))
    return {
        sheet.title: {
            "rows": [list(r) for r in sheet.iter_rows(values_only=True)],
            "header": sheet.oddHeader.center.text,
            "footer": sheet.oddFooter.center.text,
        }
        for sheet in workbook.worksheets
    }


@pytest.fixture
def client():
    """Pages in English, so tests read the English wording (Vietnamese is the default)."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")
