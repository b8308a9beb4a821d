"""Decisions: accepting makes exactly the records a proposal stands for, each linked to the span
it was read from and written to the change log; correcting changes the values first; a
proposal that cannot become a valid record changes nothing; only planners decide, once."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils.translation import override

from dimis.core.models import ChangeRecord
from dimis.directives.models import Document, Task
from dimis.framework.choices import Classification, Role
from dimis.framework.models import ConcurrentEditError
from dimis.framework.testing import make_user
from dimis.ingest.accept import accept, accept_all, reject
from dimis.ingest.models import ProposalKind, ProposalStatus, SourceLink
from dimis.meetings.models import Attendance, Conclusion, Meeting
from dimis.org.models import OrgUnit, Person, RankRecord, UnitLink

from .conftest import Hand, ingest_hand

pytestmark = pytest.mark.django_db
D = datetime.date

TEXT = (
    "The GDDI held its six-month review conference.\n"
    "Senior Lieutenant General Pham Hoai Nam chaired the conference.\n"
    "Major General Tran Van Binh, Director of Factory Z199, attended.\n"
    "The units carried out Resolution No. 08/NQ-TW and Decision No. 1234/QD-BQP.\n"
    "Nam asked Factory Z199 to complete the overhaul of naval vessels on schedule.\n"
)


def report_of(sector, user=None):
    hand = (
        Hand(TEXT)
        .meeting("six_month_review", None, "GDDI", "Pham Hoai Nam", at="Pham Hoai Nam")
        .org("GDDI")
        .org("Factory Z199")
        .person(
            "Pham Hoai Nam",
            "Senior Lieutenant General",
            at="Senior Lieutenant General Pham Hoai Nam",
        )
        .person(
            "Tran Van Binh",
            "Major General",
            at="Major General Tran Van Binh",
            positions=[("Director", "Factory Z199", "Director of Factory Z199")],
        )
        .document("08-NQ/TW", at="Resolution No. 08/NQ-TW")
        .document("1234-QD/BQP", "decision", at="Decision No. 1234/QD-BQP")
        .directive(
            "Pham Hoai Nam",
            "Factory Z199",
            "complete the overhaul of naval vessels on schedule",
        )
    )
    report, _ = ingest_hand(user or sector.world.planner, sector.gddi, hand)
    return report


def one(report, kind, label=None):
    proposals = report.proposals.filter(kind=kind)
    return proposals.get(label=label) if label else proposals.get()


def links_of(record):
    return SourceLink.objects.filter(
        content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
    )


def test_the_meeting_needs_its_date_and_a_failed_acceptance_changes_nothing(sector):
    planner = sector.world.planner
    report = report_of(sector)
    meeting = one(report, ProposalKind.MEETING)
    assert meeting.payload["date"] is None  # the report does not say when
    before = (Meeting.objects.count(), ChangeRecord.objects.count(), SourceLink.objects.count())
    with pytest.raises(ValidationError) as error:
        accept(planner, meeting)
    assert "date" in error.value.message_dict
    assert (
        Meeting.objects.count(),
        ChangeRecord.objects.count(),
        SourceLink.objects.count(),
    ) == before
    meeting.refresh_from_db()
    assert meeting.status == ProposalStatus.PENDING

    made = accept(
        planner,
        meeting,
        {
            "date": "2024-07-05",
            "title": "Hội nghị sơ kết 6 tháng đầu năm 2024",
            "host_unit": sector.gddi.pk,
        },
    )
    meeting.refresh_from_db()
    assert meeting.status == ProposalStatus.CORRECTED and meeting.decided_by == planner
    assert (made.date, made.host_unit, made.chair, made.kind) == (
        D(2024, 7, 5),
        sector.gddi,
        sector.nam,  # the chair, matched
        "six_month_review",
    )
    assert (made.owning_unit, made.classification) == (sector.gddi, report.classification)
    report.refresh_from_db()
    assert report.meeting == made
    (link,) = links_of(made)
    assert (link.report, link.proposal, link.span_start, link.span_end) == (
        report,
        meeting,
        meeting.span_start,
        meeting.span_end,
    )
    assert ChangeRecord.objects.filter(object_type="meetings.meeting", action="create").count() == 1
    assert ChangeRecord.objects.filter(object_type="ingest.sourcelink").exists()


def test_accepting_the_rest_makes_people_ranks_attendances_conclusions(sector):
    planner = sector.world.planner
    report = report_of(sector)
    accept(planner, one(report, ProposalKind.MEETING), {"date": "2024-07-05", "title": "Sơ kết"})
    people = Person.objects.count()
    with override("en"):
        accepted, problems = accept_all(planner, report)
    # The new decision number has no issuer or date: it waits for a correction.
    assert [(p.kind, p.label) for p, _m in problems] == [
        (ProposalKind.DOCUMENT, "Decision No. 1234/QD-BQP")
    ]
    assert "Choose the issuer" in " ".join(problems[0][1])

    meeting = Meeting.objects.get()
    binh = Person.objects.get(full_name="Tran Van Binh")  # new: as written, to be corrected
    assert Person.objects.count() == people + 1 and binh.owning_unit == sector.gddi
    # Attendances with the rank and position the report gives for that day.
    attendances = {a.person: a for a in Attendance.objects.filter(meeting=meeting)}
    assert set(attendances) == {sector.nam, binh}
    assert attendances[binh].rank.code == "thieu-tuong"
    assert attendances[binh].position == "Director, Factory Z199"
    assert attendances[sector.nam].role == "Chủ trì"
    # Rank records dated by the meeting; the appointment in the matched unit.
    assert RankRecord.objects.get(person=binh).since == D(2024, 7, 5)
    assert sector.nam.rank_on(D(2024, 7, 5)) == sector.senior_lt_general
    assert binh.appointments.get().unit == sector.z199
    # The directive: a conclusion in the report's words; no deadline given, so no task yet.
    conclusion = Conclusion.objects.get(meeting=meeting)
    assert conclusion.text == "complete the overhaul of naval vessels on schedule"
    assert conclusion.source_text.startswith("Nam asked Factory Z199")
    assert not Task.objects.exists()
    # Every record keeps its source; the document already known is linked, not copied.
    for record in [meeting, binh, sector.nam, conclusion, sector.resolution, *attendances.values()]:
        assert links_of(record).filter(report=report).exists(), record
    assert Document.objects.count() == 1


def test_a_corrected_directive_becomes_a_conclusion_and_a_task_of_the_host_unit(sector):
    planner = sector.world.planner
    report = report_of(sector)
    accept(planner, one(report, ProposalKind.MEETING), {"date": "2024-07-05", "title": "Sơ kết"})
    directive = one(report, ProposalKind.DIRECTIVE)
    conclusion = accept(
        planner,
        directive,
        {
            "text": "Hoàn thành sửa chữa lớn tàu hải quân đúng tiến độ.",
            "lead_unit": sector.z199.pk,
            "deadline": "2024-12-31",
        },
    )
    task = Task.objects.get(conclusion=conclusion)
    assert (task.owning_unit, task.lead_unit, task.deadline, task.assigned_on) == (
        sector.gddi,
        sector.z199,
        D(2024, 12, 31),
        D(2024, 7, 5),
    )
    assert task.title == conclusion.text
    directive.refresh_from_db()
    assert directive.status == ProposalStatus.CORRECTED
    assert links_of(task).get().proposal == directive and links_of(conclusion).get()


def test_a_task_deadline_before_the_meeting_is_refused_and_nothing_is_written(sector):
    planner = sector.world.planner
    report = report_of(sector)
    accept(planner, one(report, ProposalKind.MEETING), {"date": "2024-07-05", "title": "Sơ kết"})
    before = (Conclusion.objects.count(), Task.objects.count(), ChangeRecord.objects.count())
    with pytest.raises(ValidationError) as error:
        accept(
            planner,
            one(report, ProposalKind.DIRECTIVE),
            {"lead_unit": sector.z199.pk, "deadline": "2024-01-01"},
        )
    assert "deadline" in error.value.message_dict
    assert (
        Conclusion.objects.count(),
        Task.objects.count(),
        ChangeRecord.objects.count(),
    ) == before


def test_a_person_can_be_corrected_to_their_vietnamese_name_or_to_someone_known(sector):
    planner = sector.world.planner
    report = report_of(sector)
    binh = one(report, ProposalKind.PERSON, "Tran Van Binh")
    made = accept(planner, binh, {"person": None, "full_name": "Trần Văn Bình", "birth_year": 1968})
    assert (made.full_name, made.latin_name, made.birth_year) == (
        "Trần Văn Bình",
        "Tran Van Binh",
        1968,
    )
    # Nam is corrected to another, known person: no one new.
    nam = one(report, ProposalKind.PERSON, "Pham Hoai Nam")
    people = Person.objects.count()
    assert accept(planner, nam, {"person": sector.giang.pk}) == sector.giang
    assert Person.objects.count() == people


def test_a_new_unit_needs_an_administrator_of_its_parent(sector):
    world = sector.world
    report = report_of(sector)
    matched = one(report, ProposalKind.ORGANISATION, "GDDI")
    assert accept(world.planner, matched) == sector.gddi  # known: confirmed and linked
    text = "The Institute of Propellants attended.\n"
    hand = Hand(text).org("Institute of Propellants")
    other, _ = ingest_hand(world.planner, sector.gddi, hand, name="institute.txt")
    proposal = other.proposals.get()
    values = {
        "code": "GDDI-VTK",
        "name": "Viện Thuốc phóng",
        "kind": "institute",
        "parent": sector.gddi.pk,
    }
    with pytest.raises(ValidationError) as error:
        accept(world.planner, proposal, values)  # a planner, not an administrator
    assert "parent" in error.value.message_dict
    assert not OrgUnit.objects.filter(code="GDDI-VTK").exists()
    both = make_user(
        "gddi-both",
        Classification.SECRET,
        [(Role.PLANNER, sector.gddi), (Role.ADMINISTRATOR, sector.gddi)],
    )
    unit = accept(both, proposal, values)
    assert unit.parent_on() == sector.gddi and unit.kind == "institute"
    assert UnitLink.objects.filter(child=unit, parent=sector.gddi).exists()


def test_a_new_document_needs_its_issuer_and_date(sector):
    planner = sector.world.planner
    report = report_of(sector)
    decision = one(report, ProposalKind.DOCUMENT, "Decision No. 1234/QD-BQP")
    with pytest.raises(ValidationError) as error:
        accept(planner, decision)
    assert {"issuer", "issue_date"} <= set(error.value.message_dict)
    document = accept(
        planner,
        decision,
        {
            "title": "Quyết định về sửa chữa tàu",
            "issuer": sector.gddi.pk,
            "issue_date": "2023-05-01",
        },
    )
    assert (document.number, document.number_key, document.kind) == (
        "1234-QD/BQP",
        "1234-QD/BQP",
        "decision",
    )


def test_only_planners_decide_and_only_once(sector):
    world = sector.world
    report = report_of(sector)
    nam = one(report, ProposalKind.PERSON, "Pham Hoai Nam")
    viewer = make_user("gddi-viewer", Classification.SECRET, [(Role.VIEWER, sector.gddi)])
    approver = make_user("gddi-approver", Classification.SECRET, [(Role.APPROVER, sector.gddi)])
    for user in (viewer, approver, world.gddi_admin, world.f1_planner):
        with pytest.raises(PermissionDenied):
            accept(user, nam)
        with pytest.raises(PermissionDenied):
            reject(user, nam)
    accept(world.planner, nam)
    with pytest.raises(ConcurrentEditError):
        accept(world.planner, nam)
    with pytest.raises(ConcurrentEditError):
        reject(world.planner, nam)
    # A decision based on an old version of the proposal is refused.
    binh = one(report, ProposalKind.PERSON, "Tran Van Binh")
    with pytest.raises(ConcurrentEditError):
        reject(world.planner, binh, version=binh.version + 1)


def test_the_record_page_shows_where_it_was_read(sector):
    planner = sector.world.planner
    report = report_of(sector)
    meeting = accept(
        planner, one(report, ProposalKind.MEETING), {"date": "2024-07-05", "title": "Sơ kết"}
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(planner)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Read from" in page and report.get_absolute_url() in page
    assert "Senior Lieutenant General <mark>Pham Hoai Nam</mark> chaired the conference." in page
    # Who may not see the report does not see where the record was read.
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    restricted = make_user(
        "gddi-restricted", Classification.UNCLASSIFIED, [(Role.VIEWER, sector.gddi)]
    )
    report.refresh_from_db()
    report.classification = Classification.SECRET
    report.save()
    for link in SourceLink.objects.all():
        link.classification = Classification.SECRET
        link.save()
    other.force_login(restricted)
    page = other.get(meeting.get_absolute_url()).content.decode()
    assert "Read from" not in page and report.get_absolute_url() not in page
