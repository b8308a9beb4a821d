"""`dimis demo` builds the three seed meetings by ingesting the seed reports and deciding on the
proposals: what the demo shows is what ingestion produces, and a second run adds nothing."""

import datetime
import hashlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from dimis.directives.models import Task
from dimis.ingest.demo import seed_files
from dimis.ingest.extract import extract
from dimis.ingest.models import Proposal, ProposalKind, ProposalStatus, Report, SourceLink
from dimis.ingest.sources import read_file
from dimis.meetings.models import Attendance, Conclusion, Meeting
from dimis.org.models import Person, RankRecord

pytestmark = pytest.mark.django_db
D = datetime.date


def linked(record, report) -> bool:
    return SourceLink.objects.filter(
        report=report,
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=record.pk,
    ).exists()


def test_the_demo_meetings_are_what_ingesting_the_seeds_produces():
    assert len(seed_files()) == 3, "the seed reports (data/seeds) are missing"
    call_command("demo")
    reports = list(Report.objects.filter(owning_unit__code="TCCNQP").select_related("meeting"))
    assert len(reports) == 3 and Meeting.objects.count() == 3
    assert {r.meeting for r in reports} == set(Meeting.objects.all())
    for report in reports:
        meeting = report.meeting
        seed = next(path for _n, path in seed_files() if path.name == report.source_name)
        assert report.sha256 == hashlib.sha256(report.text.encode()).hexdigest()
        assert report.text == extract(read_file(seed).text).text  # the seed, cleaned
        # The meeting was proposed by the report and corrected (its date is not in the text).
        proposal = Proposal.objects.get(report=report, kind=ProposalKind.MEETING)
        assert proposal.status == ProposalStatus.CORRECTED and proposal.record_id == meeting.pk
        assert linked(meeting, report)
        # Every attendance, conclusion and task of the meeting comes from the report.
        for attendance in Attendance.objects.filter(meeting=meeting):
            assert linked(attendance, report), attendance
        conclusions = Conclusion.objects.filter(meeting=meeting)
        assert conclusions.exists()
        for conclusion in conclusions:
            assert linked(conclusion, report) and conclusion.source_text
            for task in Task.objects.filter(conclusion=conclusion):
                assert (
                    linked(task, report) or Task.objects.filter(conclusion=conclusion).count() > 1
                )
    # Nobody new: the people the seeds name are the demo's people, matched by name.
    assert Person.objects.count() == 7
    nam = Person.objects.get(full_name="Phạm Hoài Nam")
    six_month = Meeting.objects.get(kind="six_month_review")
    ten_year = Meeting.objects.get(review_years=10)
    five_year = Meeting.objects.get(review_years=5)
    assert (six_month.date, six_month.host_unit.code, six_month.chair) == (
        D(2022, 7, 1),
        "TCCNQP",
        nam,
    )
    assert five_year.host_unit.code == "BQP" and five_year.chair.full_name == "Phan Văn Giang"
    assert ten_year.chair.full_name == "Nguyễn Mạnh Hùng"
    # The ranks the reports show, as they were that day: Vice Admiral in 2021, then Senior
    # Lieutenant General, a rank change proposed by the 2022 report.
    at = {a.meeting: a for a in Attendance.objects.filter(person=nam)}
    assert at[five_year].rank.code == "pho-do-doc" and at[six_month].rank.code == "thuong-tuong"
    change = RankRecord.objects.get(person=nam, rank__code="thuong-tuong")
    assert change.since == D(2022, 7, 1)
    six_month_report = next(r for r in reports if r.meeting == six_month)
    assert linked(change, six_month_report)
    assert (
        Proposal.objects.get(report=six_month_report, kind=ProposalKind.RANK_CHANGE).status
        == ProposalStatus.ACCEPTED
    )
    # Bodies the demo's tree does not hold wait in the planner's queue.
    waiting = Proposal.objects.filter(status=ProposalStatus.PENDING)
    assert waiting.exists() and set(waiting.values_list("kind", flat=True)) == {
        ProposalKind.ORGANISATION
    }

    counts = (
        Report.objects.count(),
        Proposal.objects.count(),
        SourceLink.objects.count(),
        Task.objects.count(),
    )
    call_command("demo")
    assert (
        Report.objects.count(),
        Proposal.objects.count(),
        SourceLink.objects.count(),
        Task.objects.count(),
    ) == counts
