"""The report job on the real database queue, run by the worker as in production."""

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from dimis.reports.models import GeneratedReport

from ..core.test_changelog import run_worker, verify
from .conftest import pdf_pages


# The worker opens its own exclusive transaction (BEGIN EXCLUSIVE on SQLite): no test transaction.
@pytest.mark.django_db(transaction=True)
def test_the_worker_writes_the_report_and_records_its_progress(sector, client):
    planner = sector.world.planner
    client.force_login(planner)
    response = client.post(
        "/reports/review/",
        {
            "unit": sector.world.gddi.pk,
            "period": "2024S1",
            "kind": "six_month",
            "language": "vi",
            "meeting": sector.meeting.pk,
        },
    )
    stored = GeneratedReport.objects.get()
    assert response["Location"] == stored.get_absolute_url()
    queued = DBTaskResult.objects.get()
    assert queued.status == TaskResultStatus.READY and stored.status == "queued"
    run_worker()
    queued.refresh_from_db()
    stored.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL
    assert (stored.status, stored.progress, stored.step) == ("done", 100, "")
    assert stored.finished_at is not None and stored.title == "Sơ kết 6 tháng đầu năm 2024"
    with stored.pdf_file.open("rb") as handle:
        assert "TỐI MẬT" in pdf_pages(handle.read())[0]
    verify()  # the job's writes joined the hash chain
