"""The task loop as a staff officer meets it: timeliness, extensions, scorecards, bad input."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from dimis.directives.models import Clause, Document, ExtensionRequest, Task, Timeliness
from dimis.directives.numbers import normalise_number
from dimis.directives.scorecard import scorecard
from dimis.framework.choices import Role
from dimis.framework.testing import make_user

D = datetime.date
ON = D(2025, 6, 30)


def task(world, lead, deadline, **extra):
    return Task.objects.create(
        title=f"Nhiệm vụ {Task.objects.count() + 1}",
        owning_unit=world.gddi,
        lead_unit=lead,
        assigned_on=D(2024, 1, 1),
        deadline=deadline,
        **extra,
    )


@pytest.mark.parametrize(
    ("deadline", "status", "completed_on", "expected"),
    [
        (D(2025, 3, 31), "done", D(2025, 3, 30), Timeliness.DONE_ON_TIME),
        (D(2025, 3, 31), "done", D(2025, 4, 2), Timeliness.DONE_LATE),
        (D(2025, 12, 31), "in_progress", None, Timeliness.OPEN_WITHIN_DEADLINE),
        (D(2025, 3, 31), "in_progress", None, Timeliness.OVERDUE),
        (D(2025, 3, 31), "cancelled", None, Timeliness.CANCELLED),
    ],
)
def test_timeliness_is_derived_against_the_original_deadline(
    world, deadline, status, completed_on, expected
):
    t = task(world, world.f1, deadline, status=status, completed_on=completed_on)
    assert Task.objects.with_timeliness(ON).get(pk=t.pk).timeliness == expected


def test_an_approved_extension_is_shown_but_the_task_is_still_late(world, client):
    t = task(world, world.f1, D(2025, 3, 31))
    request = ExtensionRequest.objects.create(
        task=t, requested_deadline=D(2025, 5, 31), reason="Chậm vật tư", owning_unit=world.f1
    )
    approver = make_user("gddi-approver", grants=[(Role.APPROVER, world.gddi)])
    client.force_login(approver)
    response = client.post(
        request.get_absolute_url(), {"decision": "approve", "decision_reason": "Lý do chính đáng"}
    )
    assert response.status_code == 302
    t.refresh_from_db()
    request.refresh_from_db()
    assert (request.status, request.decided_by, t.extended_deadline) == (
        "approved",
        approver,
        D(2025, 5, 31),
    )
    t.status, t.completed_on = (
        "done",
        D(2025, 5, 20),
    )  # within the extension, after the original deadline
    t.save()
    assert Task.objects.with_timeliness(ON).get(pk=t.pk).timeliness == Timeliness.DONE_LATE
    page = client.get(t.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Done late" in page and "Extended deadline" in page


def test_only_an_approver_of_the_issuing_unit_decides(world, client):
    t = task(world, world.f1, D(2025, 3, 31))
    request = ExtensionRequest.objects.create(
        task=t, requested_deadline=D(2025, 5, 31), reason="Chậm vật tư", owning_unit=world.f1
    )
    lead_approver = make_user("f1-approver", grants=[(Role.APPROVER, world.f1)])
    client.force_login(lead_approver)
    response = client.post(
        request.get_absolute_url(), {"decision": "approve", "decision_reason": "Đồng ý"}
    )
    assert response.status_code == 403
    request.refresh_from_db()
    t.refresh_from_db()
    assert request.status == "pending" and t.extended_deadline is None
    # A refusal needs a reason; once decided, a request stays decided.
    approver = make_user("gddi-approver2", grants=[(Role.APPROVER, world.gddi)])
    client.force_login(approver)
    client.post(request.get_absolute_url(), {"decision": "refuse", "decision_reason": " "})
    request.refresh_from_db()
    assert request.status == "pending"
    client.post(
        request.get_absolute_url(), {"decision": "refuse", "decision_reason": "Không đủ căn cứ"}
    )
    client.post(request.get_absolute_url(), {"decision": "approve", "decision_reason": "Đổi ý"})
    request.refresh_from_db()
    t.refresh_from_db()
    assert request.status == "refused" and t.extended_deadline is None


def test_scorecard_rolls_up_the_subtree_laggards_first(world):
    for deadline, status, done in [
        (D(2025, 3, 1), "done", D(2025, 2, 1)),
        (D(2025, 3, 1), "done", D(2025, 2, 1)),
        (D(2025, 3, 1), "done", D(2025, 4, 1)),
        (D(2025, 12, 1), "open", None),
    ]:
        task(world, world.f1, deadline, status=status, completed_on=done)
    task(world, world.f2, D(2025, 1, 1))  # overdue
    task(world, world.f2, D(2025, 2, 1), status="done", completed_on=D(2025, 1, 15))
    task(world, world.other, D(2025, 1, 1))  # outside the GDDI subtree
    task(world, world.f1, D(2030, 1, 1))  # outside the date range
    task(world, world.f1, D(2025, 1, 1), status="cancelled")  # not counted
    rows, total = scorecard(world.admin, world.gddi, D(2025, 1, 1), D(2025, 12, 31), on=ON)
    assert [r.unit for r in rows] == [world.f2, world.f1]
    f2, f1 = rows
    assert (f2.total, f2.overdue, f2.done_on_time, f2.rag) == (2, 1, 1, "red")
    assert (f1.total, f1.done_on_time, f1.done_late, f1.open_within_deadline) == (4, 2, 1, 1)
    assert f1.rag == "amber" and f1.completion_rate == 0.75
    assert (total.total, total.overdue, total.done) == (6, 1, 4)
    # Another user's grants decide what they count.
    rows, total = scorecard(world.f1_planner, world.f1, D(2025, 1, 1), D(2025, 12, 31), on=ON)
    assert [r.unit for r in rows] == [world.f1] and total.total == 4


def test_scorecard_page_handles_bad_ranges_and_hidden_units(world, client):
    task(world, world.f1, D(2025, 1, 1))
    client.force_login(world.f1_planner)
    page = client.get(
        f"/directives/scorecard/?unit={world.other.pk}&from=2025-01-01&to=2025-12-31"
    ).content.decode()
    assert "Unit OTHER" not in page and "Unit F1" in page
    bad = client.get(
        f"/directives/scorecard/?unit={world.f1.pk}&from=2025-12-31&to=2025-01-01",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 200 and "before its start" in bad.content.decode()


def test_document_numbers_are_one_however_written(world, client):
    assert {
        normalise_number(n)
        for n in ["08-NQ/TW", "08/NQ-TW", "No. 08-NQ/TW", "Nghị quyết số 08-NQ/TW"]
    } == {"08-NQ/TW"}
    assert normalise_number("1234/QĐ-BQP") == "1234-QD/BQP"
    Document.objects.create(
        number="08-NQ/TW",
        title="Nghị quyết 08",
        kind="resolution",
        issuer=world.gddi,
        issue_date=D(2022, 1, 26),
        owning_unit=world.gddi,
    )
    client.force_login(world.planner)
    response = client.post(
        "/directives/document/add/",
        {
            "number": "08/NQ-TW",
            "title": "Bản trùng",
            "kind": "resolution",
            "issuer": world.gddi.pk,
            "issue_date": "2022-01-26",
            "status": "in_force",
            "owning_unit": world.gddi.pk,
            "classification": 0,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400 and "already exists" in response.content.decode()
    assert Document.objects.count() == 1
    assert "Nghị quyết 08" in client.get("/search/?q=08-NQ/TW").content.decode()


def test_bad_task_input_is_refused_with_the_field_named(world, client):
    plan = Document.objects.create(
        number="12/KH-TCCNQP",
        title="Kế hoạch",
        kind="plan",
        issuer=world.gddi,
        issue_date=D(2023, 6, 1),
        owning_unit=world.gddi,
    )
    clause = Clause.objects.create(
        document=plan, number="1", text="Đẩy nhanh", owning_unit=world.gddi
    )
    client.force_login(world.planner)
    base = {
        "title": "Nhiệm vụ",
        "owning_unit": world.gddi.pk,
        "lead_unit": world.f1.pk,
        "assigned_on": "2023-01-01",
        "deadline": "2024-06-30",
        "progress": 0,
        "status": "open",
        "classification": 0,
    }
    cases = [
        ({"clause": clause.pk, "deadline": "2023-05-01"}, "deadline"),
        ({"lead_unit": world.other.pk}, "lead_unit"),
        ({"owning_unit": world.other.pk}, "owning_unit"),
        ({"progress": 140}, "progress"),
        ({"status": "done"}, "completed_on"),
    ]
    for change, field in cases:
        response = client.post("/directives/task/add/", {**base, **change})
        assert response.status_code == 400, change
        assert f'id="id_{field}-error"' in response.content.decode(), change
    api = APIClient()
    api.force_authenticate(world.planner)
    response = api.post("/api/directives/task/", {**base, "progress": 140}, format="json")
    assert response.status_code == 400 and "progress" in response.json()
    assert Task.objects.count() == 0


def test_bad_evidence_files_are_refused(world, client, monkeypatch):
    t = task(world, world.f1, D(2025, 3, 31))
    client.force_login(world.planner)
    data = {
        "task": t.pk,
        "reported_on": "2025-01-15",
        "progress": 20,
        "text": "Báo cáo",
        "owning_unit": world.f1.pk,
        "classification": 0,
    }
    exe = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    assert client.post("/directives/taskupdate/add/", {**data, "evidence": exe}).status_code == 400
    monkeypatch.setattr("dimis.directives.models.EVIDENCE_MAX_BYTES", 10)
    big = SimpleUploadedFile(
        "bien-ban.pdf", b"%PDF-1.4 " + b"x" * 100, content_type="application/pdf"
    )
    response = client.post(
        "/directives/taskupdate/add/", {**data, "evidence": big}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400 and "the limit is" in response.content.decode()
    t.refresh_from_db()
    assert t.updates.count() == 0 and t.progress == 0


def test_only_the_lead_unit_asks_for_an_extension(world, client):
    t = task(world, world.f1, D(2030, 3, 31))
    client.force_login(world.planner)  # may write in F2 as well, but F2 does not lead this task
    response = client.post(
        "/directives/extensionrequest/add/",
        {
            "task": t.pk,
            "requested_deadline": "2030-06-30",
            "reason": "Chậm vật tư",
            "owning_unit": world.f2.pk,
            "classification": 0,
        },
    )
    assert response.status_code == 400 and 'id="id_owning_unit-error"' in response.content.decode()
    assert not ExtensionRequest.objects.exists()
