"""Generated suites for documents, clauses, tasks, updates and extension requests."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from dimis.directives.models import Clause, Document, ExtensionRequest, Task, TaskUpdate
from dimis.framework.testing import RegisteredModelTests

D = datetime.date


def make_document(unit, **extra):
    n = Document.objects.count() + 1
    return Document.objects.create(
        number=f"{n}/KH-T{n}",
        title=f"Kế hoạch {n}",
        kind="plan",
        issuer=unit,
        issue_date=D(2022, 1, 1),
        owning_unit=unit,
        **extra,
    )


def make_task(unit, **extra):
    return Task.objects.create(
        title="Đẩy nhanh tiến độ dự án đầu tư",
        owning_unit=unit,
        lead_unit=unit,
        assigned_on=D(2023, 1, 1),
        deadline=D(2030, 12, 31),
        **extra,
    )


class TestDocument(RegisteredModelTests):
    model = Document
    change = ("title", "Kế hoạch đã sửa")
    import_row = {
        "title": "Kế hoạch nhập",
        "number": "99/KH-TCCNQP",
        "kind": "plan",
        "issuer": "{unit}",
        "issue_date": "2023-05-01",
        "status": "in_force",
        "owning_unit": "{unit}",
        "classification": "0",
    }

    def make(self, unit, **extra):
        return make_document(unit, **extra)

    def form_data(self, unit):
        return {
            "number": "08/NQ-TW",
            "title": "Nghị quyết 08",
            "kind": "resolution",
            "issuer": unit.pk,
            "issue_date": "2022-01-26",
            "status": "in_force",
            "owning_unit": unit.pk,
            "classification": 0,
        }


class TestClause(RegisteredModelTests):
    model = Clause
    change = ("text", "Nội dung đã sửa")

    def make(self, unit, **extra):
        document = make_document(unit)
        return Clause.objects.create(
            document=document, number="1", text="Quán triệt nghị quyết", owning_unit=unit, **extra
        )

    def form_data(self, unit):
        return {
            "document": make_document(unit).pk,
            "number": "2",
            "text": "Đào tạo kỹ sư",
            "owning_unit": unit.pk,
            "classification": 0,
        }


class TestTask(RegisteredModelTests):
    model = Task
    change = ("progress", 40)
    import_row = {
        "title": "Đào tạo kỹ sư đầu ngành",
        "owning_unit": "{unit}",
        "lead_unit": "{unit}",
        "assigned_on": "2023-01-01",
        "deadline": "2024-12-31",
        "progress": "10",
        "status": "open",
        "classification": "0",
    }

    def make(self, unit, **extra):
        return make_task(unit, **extra)

    def form_data(self, unit):
        return {
            "title": "Mở rộng thị trường",
            "owning_unit": unit.pk,
            "lead_unit": unit.pk,
            "assigned_on": "2023-01-01",
            "deadline": "2025-06-30",
            "progress": 0,
            "status": "open",
            "classification": 0,
        }


class TestTaskUpdate(RegisteredModelTests):
    model = TaskUpdate
    change = ("text", "Đã hoàn thành 60% khối lượng")

    def make(self, unit, **extra):
        return TaskUpdate.objects.create(
            task=make_task(unit), progress=20, text="Đã triển khai", owning_unit=unit, **extra
        )

    def form_data(self, unit):
        return {
            "task": make_task(unit).pk,
            "reported_on": "2024-01-15",
            "progress": 50,
            "text": "Đạt một nửa",
            "owning_unit": unit.pk,
            "classification": 0,
        }


class TestExtensionRequest(RegisteredModelTests):
    model = ExtensionRequest
    change = ("reason", "Chờ phê duyệt thiết kế kỹ thuật")

    def make(self, unit, **extra):
        return ExtensionRequest.objects.create(
            task=make_task(unit),
            requested_deadline=D(2031, 6, 30),
            reason="Thiếu vật tư",
            owning_unit=unit,
            **extra,
        )

    def form_data(self, unit):
        return {
            "task": make_task(unit).pk,
            "requested_deadline": "2031-12-31",
            "reason": "Thiếu vật tư nhập khẩu",
            "owning_unit": unit.pk,
            "classification": 0,
        }


def test_evidence_file_is_a_real_upload(world, client):
    """The generated suite posts no file; an update with a PDF of evidence is kept with it."""
    task = make_task(world.f1)
    client.force_login(world.planner)
    pdf = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    response = client.post(
        "/directives/taskupdate/add/",
        {
            "task": task.pk,
            "reported_on": "2024-02-01",
            "progress": 70,
            "text": "Nghiệm thu giai đoạn 1",
            "evidence": pdf,
            "owning_unit": world.f1.pk,
            "classification": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert TaskUpdate.objects.get().evidence.name.endswith(".pdf")


def test_evidence_downloads_only_for_those_who_see_the_update(world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    task = make_task(world.f1)
    update = TaskUpdate(task=task, progress=80, text="Biên bản nghiệm thu", owning_unit=world.f1)
    update.evidence.save(
        "nghiem-thu.pdf", SimpleUploadedFile("nghiem-thu.pdf", b"%PDF-1.4 signed minutes")
    )
    url = f"/directives/taskupdate/{update.pk}/file/evidence/"
    client.force_login(world.planner)
    response = client.get(url)
    assert response.status_code == 200, response.content.decode().split("<main")[1][:600]
    assert b"".join(response.streaming_content) == b"%PDF-1.4 signed minutes"
    assert (
        client.get(f"/directives/taskupdate/{update.pk}/file/text/").status_code == 404
    )  # not a file field
    client.force_login(world.viewer)
    assert client.get(url).status_code == 404


def test_a_progress_update_moves_the_task_forward(world):
    task = make_task(world.f1)
    TaskUpdate.objects.create(
        task=task, progress=45, text="Đã lắp đặt dây chuyền", owning_unit=world.f1
    )
    task.refresh_from_db()
    assert (task.progress, task.status) == (45, "in_progress")
