"""The demo writes the six-month review report of the General Department of Defense Industry in
all four formats, and its figures are the dashboard's and the scorecard's."""

import datetime

from django.core.management import call_command
from django.test import Client
from django.utils import translation

from dimis.directives.scorecard import scorecard
from dimis.meetings.models import Meeting
from dimis.org.models import OrgUnit
from dimis.performance import dashboard
from dimis.performance.models import Period
from dimis.reports.models import GeneratedReport
from dimis.users.models import User

from .conftest import docx_text, pdf_pages, xlsx_sheets
from .test_formats import pdf_markings


def read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def test_the_demo_writes_the_six_month_review_report(db):
    call_command("demo")
    meeting = Meeting.objects.get(kind="six_month_review")
    stored = {r.language: r for r in GeneratedReport.objects.filter(meeting=meeting)}
    assert set(stored) == {"vi", "en"}
    assert {(r.status, r.progress, r.period_code) for r in stored.values()} == {
        ("done", 100, "2022S1")
    }
    report = stored["vi"]
    gddi = OrgUnit.objects.get(code="TCCNQP")
    planner = User.objects.get(username="planner")
    assert (report.owning_unit, report.requested_by) == (gddi, planner)

    # The figures of the annex are the dashboard's for the same user, unit and period.
    sheets = xlsx_sheets(read(report.xlsx_file))
    indicators = next(s for name, s in sheets.items() if "Các chỉ tiêu của toàn bộ" in name)
    with translation.override("vi"):
        board = dashboard.build(planner, gddi, Period.objects.get(code="2022S1"))
        expected = [
            [
                str(p.indicator),
                round(
                    float(p.total.actual.value / p.indicator.display_scale), p.indicator.decimals
                ),
            ]
            for p in board.panels
        ]
    assert len(expected) == 7
    assert [[row[0], row[3]] for row in indicators["rows"][3:]] == expected
    # And the tasks are the scorecard's.
    rows, total = scorecard(planner, gddi, datetime.date(2022, 1, 1), datetime.date(2022, 6, 30))
    tasks = next(s for name, s in sheets.items() if "Nhiệm vụ theo đơn vị" in name)
    assert tasks["rows"][-1][1:6] == [
        total.total,
        total.done_on_time,
        total.done_late,
        total.open_within_deadline,
        total.overdue,
    ]
    assert len(tasks["rows"]) - 4 == len(rows)

    # The PDF and the Word document, in Vietnamese, marked on every page.
    label = report.get_classification_display().upper()
    pdf = read(report.pdf_file)
    pages = pdf_pages(pdf)
    assert "Sơ kết 6 tháng đầu năm 2022" in pages[0]
    assert pdf_markings(pdf, label) == [(True, True)] * len(pages)
    headers, footers, paragraphs, tables = docx_text(read(report.docx_file))
    assert headers == [label] and footers == [label]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in tables[0][0][1]
    assert '<html lang="en">' in read(stored["en"].html_file).decode()

    # Listed on the meeting's page; the demo run again writes nothing new.
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(planner)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert report.get_absolute_url() in page and stored["en"].get_absolute_url() in page
    call_command("demo")
    assert GeneratedReport.objects.count() == 2
