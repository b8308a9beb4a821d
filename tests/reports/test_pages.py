"""The report pages: the form and its errors, the report as a page, stored reports with their
progress, files and access, re-generation, and conclusions added from the report page."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dimis.core.models import ChangeRecord
from dimis.directives.models import Task
from dimis.framework.testing import make_unit
from dimis.meetings.models import Conclusion
from dimis.reports.builder import build_report
from dimis.reports.models import GeneratedReport

from .conftest import SECRET_MARKER, pdf_pages, task

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def query(sector, **extra):
    return {
        "unit": sector.world.gddi.pk,
        "period": "2024S1",
        "kind": "six_month",
        "language": "en",
        "meeting": sector.meeting.pk,
        **extra,
    }


@pytest.fixture
def immediate(settings):
    """Background jobs run as they are enqueued (django-tasks' immediate backend)."""
    settings.TASKS = IMMEDIATE


# -- the form -----------------------------------------------------------------------------------


def test_the_form_is_prefilled_from_the_meeting(sector, client):
    client.force_login(sector.world.planner)
    response = client.get(f"/reports/review/?meeting={sector.meeting.pk}")
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert (initial["unit"], initial["kind"], initial["period"]) == (
        sector.world.gddi.pk,
        "six_month",
        "2024S1",
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"period": "2024S3"}, "period", "is not a period code"),
        ({"period": "2024"}, "period", "covers a period written like 2025S1"),
        ({"kind": "weekly"}, "kind", "Choose the kind of review"),
        ({"unit": "OTHER"}, "unit", "Choose a unit within your grants"),
        ({"unit": ""}, "unit", "Choose the unit the report covers"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(sector, client, change, field, message):
    client.force_login(sector.world.planner)
    if change.get("unit") == "OTHER":
        change = {"unit": sector.world.other.pk}
    data = query(sector, **change)
    for method in ("get", "post"):
        response = getattr(client, method)("/reports/review/", data)
        assert response.status_code == 400
        errors = response.context["form"].errors
        assert list(errors) == [field] and message in errors[field][0]
        page = response.content.decode()
        assert f'data-field="{field}"' in page and message in page
    assert GeneratedReport.objects.count() == 0


# -- the report as a page -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading", "label"),
    [("en", "Tasks by timeliness", "SECRET"), ("vi", "Tình hình thực hiện nhiệm vụ", "TỐI MẬT")],
)
def test_the_report_as_a_page(sector, client, language, heading, label):
    client.force_login(sector.world.planner)
    response = client.get("/reports/review/", query(sector, language=language))
    assert response.status_code == 200
    page = response.content.decode()
    assert heading in page and f"Nhiệm vụ {SECRET_MARKER} mật" in page
    assert page.count(f'class="marking marking-top">{label}<') == 1
    assert page.count(f'class="marking marking-bottom">{label}<') == 1
    assert "<svg" in page
    # The page chrome stays in the reader's language (English, from the client).
    assert "Write PDF, Word and XLSX files" in page


def test_a_lower_clearance_page_shows_neither_the_secrets_nor_their_marking(sector, client):
    client.force_login(sector.low)
    page = client.get("/reports/review/", query(sector)).content.decode()
    assert SECRET_MARKER not in page and ">RESTRICTED<" in page and ">SECRET<" not in page


# -- stored reports -----------------------------------------------------------------------------


def test_writing_files_runs_a_job_with_progress_and_a_link(sector, client, immediate):
    planner = sector.world.planner
    client.force_login(planner)
    response = client.post("/reports/review/", query(sector))
    stored = GeneratedReport.objects.get()
    assert response.status_code == 302 and response["Location"] == stored.get_absolute_url()
    assert (stored.status, stored.progress, stored.requested_by) == ("done", 100, planner)
    assert stored.classification == 3 and stored.owning_unit == sector.world.gddi
    assert (
        stored.meeting == sector.meeting and stored.title == "Six-month review: first half of 2024"
    )
    # The progress as the job recorded it, each step a change by the job for the requester.
    steps = ChangeRecord.objects.filter(
        object_type="reports.generatedreport", object_id=str(stored.pk)
    ).order_by("sequence")
    assert [r.after["progress"] for r in steps] == [0, 5, 40, 55, 70, 85, 100]
    assert {(r.source, r.user_id) for r in steps[1:]} == {("job", planner.pk)}
    # The page, its progress fragment and the files.
    detail = client.get(stored.get_absolute_url()).content.decode()
    assert 'data-status="done"' in detail
    fragment = client.get(f"/reports/generatedreport/{stored.pk}/progress/").content.decode()
    assert "hx-get" not in fragment  # finished: the polling stops
    for field in ("html_file", "pdf_file", "docx_file", "xlsx_file"):
        assert f"/reports/generatedreport/{stored.pk}/file/{field}/" in fragment
    pdf = client.get(f"/reports/generatedreport/{stored.pk}/file/pdf_file/")
    assert pdf.status_code == 200
    text = "\n".join(pdf_pages(b"".join(pdf.streaming_content)))
    assert "SECRET" in text and SECRET_MARKER in text
    # Listed on the meeting's page.
    meeting_page = client.get(sector.meeting.get_absolute_url()).content.decode()
    assert stored.get_absolute_url() in meeting_page


def test_a_report_being_written_is_polled(sector, client):
    """With the database queue and no worker, the report waits: its fragment keeps polling."""
    client.force_login(sector.world.planner)
    client.post("/reports/review/", query(sector))
    stored = GeneratedReport.objects.get()
    assert (stored.status, stored.progress) == ("queued", 0)
    # Until its contents are known it carries the requester's clearance.
    assert stored.classification == sector.world.planner.clearance
    fragment = client.get(f"/reports/generatedreport/{stored.pk}/progress/").content.decode()
    assert f'hx-get="/reports/generatedreport/{stored.pk}/progress/"' in fragment
    assert 'data-status="queued"' in fragment and "file/" not in fragment


def test_stored_reports_are_seen_only_within_grants_and_clearance(sector, client, immediate):
    client.force_login(sector.world.planner)
    client.post("/reports/review/", query(sector))
    secret = GeneratedReport.objects.get()
    urls = [
        secret.get_absolute_url(),
        f"/reports/generatedreport/{secret.pk}/progress/",
        f"/reports/generatedreport/{secret.pk}/file/pdf_file/",
        f"/reports/generatedreport/{secret.pk}/file/docx_file/",
    ]
    # Another unit's user, and the GDDI's own viewer whose clearance is below the report's.
    for user in (sector.world.viewer, sector.low, sector.world.f1_planner):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert (
            secret.get_absolute_url()
            not in client.get(sector.meeting.get_absolute_url()).content.decode()
        )
    # The low-clearance viewer writes their own: restricted, and theirs to read.
    client.force_login(sector.low)
    client.post("/reports/review/", query(sector))
    own = GeneratedReport.objects.exclude(pk=secret.pk).get()
    assert own.classification == 1 and own.status == "done"
    xlsx = client.get(f"/reports/generatedreport/{own.pk}/file/xlsx_file/")
    assert xlsx.status_code == 200


def test_a_report_can_be_written_again(sector, client, immediate):
    client.force_login(sector.world.planner)
    client.post("/reports/review/", query(sector))
    first = GeneratedReport.objects.get()
    response = client.post(first.get_absolute_url())
    again = GeneratedReport.objects.exclude(pk=first.pk).get()
    assert response["Location"] == again.get_absolute_url()
    assert (again.period_code, again.kind, again.meeting, again.status) == (
        "2024S1",
        "six_month",
        sector.meeting,
        "done",
    )


def test_a_failed_report_says_why(sector, immediate):
    from dimis.reports.jobs import write_review_report

    # Asked for by someone whose grants do not reach the unit (grants change after a request).
    stored = GeneratedReport.objects.create(
        owning_unit=sector.world.gddi,
        kind="six_month",
        period_code="2024S1",
        language="en",
        requested_by=sector.world.viewer,
    )
    write_review_report.enqueue(stored.pk)
    stored.refresh_from_db()
    assert stored.status == "failed" and "PermissionDenied" in stored.error
    assert stored.finished_at is not None and not stored.pdf_file


def test_a_stored_file_missing_from_storage_is_a_404(sector, client):
    stored = GeneratedReport.objects.create(
        owning_unit=sector.world.gddi, kind="six_month", period_code="2024S1", language="en"
    )
    stored.pdf_file.save("gone.pdf", ContentFile(b"%PDF"), save=True)
    stored.pdf_file.storage.delete(stored.pdf_file.name)
    client.force_login(sector.world.planner)
    assert client.get(f"/reports/generatedreport/{stored.pk}/file/pdf_file/").status_code == 404


# -- conclusions from the report page -----------------------------------------------------------


def test_a_leader_adds_a_conclusion_that_becomes_a_task(sector, client):
    client.force_login(sector.world.planner)
    page = client.get("/reports/review/", query(sector)).content.decode()
    assert 'name="text"' in page and f'action="{sector.meeting.get_absolute_url()}"' in page
    back = "/reports/review/?" + "&".join(f"{k}={v}" for k, v in query(sector).items())
    response = client.post(
        sector.meeting.get_absolute_url(),
        {
            "text": "Đẩy mạnh sản xuất lưỡng dụng",
            "lead_unit": sector.world.f2.pk,
            "deadline": "2024-12-31",
            "next": back,
        },
    )
    assert response.status_code == 302 and response["Location"] == back
    conclusion = Conclusion.objects.get(meeting=sector.meeting)
    assert (conclusion.number, conclusion.owning_unit) == (1, sector.world.gddi)
    made = Task.objects.get(conclusion=conclusion)
    assert (made.lead_unit, made.owning_unit, made.deadline, made.assigned_on) == (
        sector.world.f2,
        sector.world.gddi,
        datetime.date(2024, 12, 31),
        sector.meeting.date,
    )
    assert "Đẩy mạnh sản xuất lưỡng dụng" in client.get(back).content.decode()


def test_a_bad_task_leaves_no_conclusion_behind(sector, client):
    client.force_login(sector.world.planner)
    response = client.post(
        sector.meeting.get_absolute_url(),
        {"text": "Kết luận", "lead_unit": sector.world.f2.pk, "deadline": "2024-01-01"},
    )
    assert response.status_code == 302
    assert not Conclusion.objects.filter(meeting=sector.meeting).exists()
    assert not Task.objects.filter(conclusion__meeting=sector.meeting).exists()
    # A viewer may not conclude: no form, and a refusal.
    client.force_login(sector.low)
    assert 'name="text"' not in client.get("/reports/review/", query(sector)).content.decode()
    refused = client.post(
        sector.meeting.get_absolute_url(),
        {"text": "Kết luận", "lead_unit": sector.world.f2.pk, "deadline": "2024-12-31"},
    )
    assert refused.status_code == 403
    assert not Conclusion.objects.filter(meeting=sector.meeting).exists()


# -- query counts -------------------------------------------------------------------------------


def test_building_the_report_costs_the_same_queries_for_more_units_and_tasks(sector):
    from dimis.performance.models import Indicator, Target

    w = sector.world
    planner = w.planner

    def count():
        with CaptureQueriesContext(connection) as captured:
            build_report(planner, w.gddi, "2024S1", "six_month", "en", sector.meeting)
        return len(captured)

    build_report(planner, w.gddi, "2024S1", "six_month", "en", sector.meeting)  # warm caches
    before = count()
    revenue = Indicator.objects.get(code="REV")
    from dimis.performance.models import Period

    year = Period.objects.for_code("2024")
    for n in range(6):
        unit = make_unit(f"F{n + 10}", w.gddi, kind="factory")
        Target.objects.create(indicator=revenue, unit=unit, period=year, value=100e9)
        for m in range(5):
            task(
                w.gddi, unit, datetime.date(2024, 2 + m, 10), clause=sector.document.clauses.first()
            )
    previous_conclusion = sector.previous.conclusions.first()
    for n in range(5):
        task(w.gddi, w.f1, datetime.date(2024, 3, 1 + n), conclusion=previous_conclusion)
    assert count() == before
