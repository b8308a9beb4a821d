"""Ingesting from the web: pasted text or a .txt, .html, .docx or .pdf file becomes a report in the
unit's queue; bad input gets a clear error on the form, naming the problem, and writes nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dimis.core.models import ChangeRecord
from dimis.framework.choices import Classification, Role
from dimis.framework.testing import make_user, minimal_pdf
from dimis.ingest.models import Proposal, ProposalKind, Report, SourceLink

from .conftest import REPORT

pytestmark = pytest.mark.django_db
URL = "/ingest/upload/"


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def census():
    return (
        Report.objects.count(),
        Proposal.objects.count(),
        SourceLink.objects.count(),
        ChangeRecord.objects.count(),
    )


def docx_bytes(paragraphs) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(client, unit, name, data, **extra):
    return client.post(
        URL,
        {"unit": unit.pk, "classification": 0, "file": SimpleUploadedFile(name, data), **extra},
    )


def test_pasted_text_is_read_into_the_units_queue(sector):
    client = client_for(sector.world.planner)
    page = client.get(URL)
    assert page.status_code == 200 and 'name="text"' in page.content.decode()
    response = client.post(URL, {"unit": sector.gddi.pk, "classification": 0, "text": REPORT})
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert (report.owning_unit, report.source_format, report.uploaded_by) == (
        sector.gddi,
        "paste",
        sector.world.planner,
    )
    assert report.title.startswith("The General Department of Defence Industry (GDDI) held")
    assert report.proposals.filter(kind=ProposalKind.MEETING).exists()
    # The same text again: the report already there, nothing new.
    before = census()
    again = client.post(URL, {"unit": sector.gddi.pk, "classification": 0, "text": REPORT})
    assert again["Location"] == report.get_absolute_url() and census() == before


@pytest.mark.parametrize(
    "name, data",
    [
        ("report.txt", REPORT.encode("utf-8")),
        (
            "report.html",
            f"<html><body><p>{REPORT.replace(chr(10) * 2, '</p><p>')}</p></body></html>".encode(),
        ),
        ("report.docx", None),
        ("report.pdf", None),
    ],
)
def test_files_of_each_kind_are_read(sector, name, data):
    if name.endswith(".docx"):
        data = docx_bytes(REPORT.split("\n\n"))
    if name.endswith(".pdf"):
        lines = [
            b"The GDDI held its annual review conference.",
            b"Senior Lieutenant General Pham Hoai Nam chaired the conference.",
        ]
        stream = b"BT /F1 12 Tf 72 720 Td 14 TL " + b" ".join(b"(%s) '" % line for line in lines)
        data = minimal_pdf(stream + b" ET")
    response = upload(client_for(sector.world.planner), sector.gddi, name, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    report = Report.objects.get()
    assert report.source_name == name and report.source_format == name.rsplit(".", 1)[1]
    assert report.proposals.filter(kind=ProposalKind.PERSON, label="Pham Hoai Nam").exists()


def utf16_without_bom():
    return "Thượng tướng Phạm Hoài Nam".encode("utf-16-le")


BAD = [
    ("empty.txt", b"", "the file is empty"),
    ("blank.txt", b"   \n\n  ", "the file is empty"),
    ("binary.txt", bytes(range(256)) * 40, "binary"),
    ("photo.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "binary"),
    (
        "damaged.txt",
        "Thượng tướng Phạm Hoài Nam, Thứ trưởng".encode() + b"\xff\xfe" + "Bộ Quốc phòng".encode(),
        "not valid UTF-8",
    ),
    ("utf16.txt", utf16_without_bom(), "binary"),
    ("gbk.txt", "国防工业总局年度总结会议".encode("gbk") * 40, "not a Windows code page"),
    ("scan.pdf", minimal_pdf(b"0 0 m 100 100 l S"), "holds no text"),
    ("broken.pdf", b"%PDF-1.4\n garbage", "not a readable PDF"),
    ("broken.docx", b"PK\x03\x04 not a zip", "not a valid .docx"),
    (
        "script.html",
        b"<html><head><script>alert(1)</script></head><body><script>x()</script></body></html>",
        "holds no text",
    ),
    ("report.exe", b"MZ....", "DIMIS reads .txt, .html, .docx and .pdf"),
]


@pytest.mark.parametrize("name, data, reason", BAD, ids=[b[0] for b in BAD])
def test_bad_files_get_a_clear_error_and_change_nothing(sector, name, data, reason):
    client = client_for(sector.world.planner)
    before = census()
    response = upload(client, sector.gddi, name, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert reason in html and name in html, html[html.find("errorlist") - 300 :][:800]
    assert census() == before


def test_a_50_mb_file_is_refused_and_changes_nothing(sector):
    client = client_for(sector.world.planner)
    before = census()
    data = (REPORT.encode() + b"\n") * (50 * 1024 * 1024 // (len(REPORT) + 1) + 1)
    assert len(data) >= 50 * 1024 * 1024
    response = upload(client, sector.gddi, "huge.txt", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "huge.txt: the file is 50.0 MB, more than the limit of 20.0 MB" in html
    assert census() == before


def test_html_scripts_are_dropped_and_the_text_is_never_rendered_raw(sector):
    client = client_for(sector.world.planner)
    page = (
        "<html><head><script>document.write('hacked')</script><style>p{}</style></head><body>"
        "<p>Senior Lieutenant General Pham Hoai Nam chaired the annual review conference.</p>"
        "<p>He asked the GDDI to speed up investment projects &lt;script&gt;alert(1)&lt;/script&gt;.</p>"
        "<script>steal()</script></body></html>"
    )
    response = upload(client, sector.gddi, "page.html", page.encode())
    assert response.status_code == 302
    report = Report.objects.get()
    assert "hacked" not in report.text and "steal" not in report.text
    assert "<script>alert(1)</script>" in report.text  # text that reads like a tag, kept as text
    html = client.get(report.get_absolute_url()).content.decode()
    assert (
        "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    )


def test_pasted_text_larger_than_a_form_allows_is_refused(sector, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    before = census()
    response = client_for(sector.world.planner).post(
        URL, {"unit": sector.gddi.pk, "classification": 0, "text": REPORT * 20}
    )
    assert response.status_code == 400
    assert "too large for a form: upload it as a file" in response.content.decode()
    assert census() == before


def test_the_form_names_what_is_missing_or_not_allowed(sector):
    world = sector.world
    client = client_for(world.planner)
    before = census()
    nothing = client.post(URL, {"unit": sector.gddi.pk, "classification": 0, "text": "  "})
    assert nothing.status_code == 400 and "Paste the report" in nothing.content.decode()
    both = client.post(
        URL,
        {
            "unit": sector.gddi.pk,
            "classification": 0,
            "text": REPORT,
            "file": SimpleUploadedFile("a.txt", b"x"),
        },
    )
    assert both.status_code == 400 and "not both" in both.content.decode()
    # A unit outside the planner's grants, a classification above the clearance.
    outside = client.post(URL, {"unit": world.other.pk, "classification": 0, "text": REPORT})
    assert outside.status_code == 400 and "Select a valid choice" in outside.content.decode()
    f1 = client_for(world.f1_planner)  # restricted clearance
    above = f1.post(
        URL, {"unit": world.f1.pk, "classification": Classification.SECRET, "text": REPORT}
    )
    assert above.status_code == 400 and "Select a valid choice" in above.content.decode()
    assert census() == before


def test_only_planners_ingest(sector):
    viewer = make_user("gddi-viewer", Classification.SECRET, [(Role.VIEWER, sector.gddi)])
    approver = make_user("gddi-approver", Classification.SECRET, [(Role.APPROVER, sector.gddi)])
    for user in (viewer, approver, sector.world.gddi_admin, sector.world.outsider):
        client = client_for(user)
        assert client.get(URL).status_code == 403
        post = client.post(URL, {"unit": sector.gddi.pk, "classification": 0, "text": REPORT})
        assert post.status_code == 403
    assert not Report.objects.exists()
    # The queue offers the upload only to planners.
    html = client_for(viewer).get(reverse("ingest-report-list")).content.decode()
    assert URL not in html
