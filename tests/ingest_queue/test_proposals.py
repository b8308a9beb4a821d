"""From a report to proposals: each points at the words it was read from; the same text is the
same report; nothing is proposed twice for a unit, whether it was accepted, rejected or is still
waiting; what depends on a rejected item is not proposed."""

import pytest

from dimis.core.models import ChangeRecord
from dimis.ingest.accept import accept, reject
from dimis.ingest.models import Proposal, ProposalKind, ProposalStatus, Report
from dimis.ingest.proposals import ingest_source
from dimis.ingest.sources import read_text

from .conftest import REPORT, Hand, ingest_hand

pytestmark = pytest.mark.django_db


def words(report, proposal) -> str:
    return report.text[proposal.span_start : proposal.span_end]


def sentence(report, proposal) -> str:
    return report.text[proposal.sentence_start : proposal.sentence_end]


def test_every_proposal_points_at_the_words_it_was_read_from(sector):
    report, created = ingest_source(sector.world.planner, sector.gddi, read_text(REPORT))
    assert created and report.owning_unit == sector.gddi
    proposals = list(report.proposals.all())
    assert proposals
    for p in proposals:
        assert p.sentence_start <= p.span_start <= p.span_end <= p.sentence_end, p
        assert words(report, p) in sentence(report, p)
        assert p.classification == report.classification
    by_kind = {}
    for p in proposals:
        by_kind.setdefault(p.kind, []).append(p)
    nam = next(p for p in by_kind[ProposalKind.PERSON] if p.label == "Pham Hoai Nam")
    assert words(report, nam).endswith("Pham Hoai Nam") and nam.matched_id == sector.nam.pk
    assert nam.in_caption  # "Sr. Lt. Gen. Pham Hoai Nam ... chairs the conference." is a caption
    rank = next(p for p in by_kind[ProposalKind.RANK_CHANGE] if p.label.startswith("Pham Hoai Nam"))
    assert "Sr. Lt. Gen." in words(report, rank)
    resolution = next(p for p in by_kind[ProposalKind.DOCUMENT] if "08" in p.label)
    assert "08/NQ-TW" in words(report, resolution)
    assert resolution.matched_id == sector.resolution.pk
    gddi = next(p for p in by_kind[ProposalKind.ORGANISATION] if p.matched_id == sector.gddi.pk)
    assert words(report, gddi) == "General Department of Defence Industry"  # as written
    for directive in by_kind[ProposalKind.DIRECTIVE]:
        assert directive.payload["action"].split()[0] in sentence(report, directive)
        assert directive.meeting_proposal.kind == ProposalKind.MEETING
    meeting = by_kind[ProposalKind.MEETING][0]
    assert meeting.payload["date"] == "2023-12-20" and meeting.payload["kind"] == "annual_review"
    assert meeting.person_proposal == nam  # the chair


def test_the_same_text_twice_is_the_same_report_and_proposes_nothing(sector):
    planner = sector.world.planner
    first, created = ingest_source(planner, sector.gddi, read_text(REPORT))
    assert created
    counts = (Report.objects.count(), Proposal.objects.count(), ChangeRecord.objects.count())
    # Pasted again, with other line endings and trailing spaces: the cleaned text is the same.
    again, created = ingest_source(
        planner, sector.gddi, read_text(REPORT.replace("\n", "\r\n") + "  \n")
    )
    assert (again, created) == (first, False)
    assert (
        Report.objects.count(),
        Proposal.objects.count(),
        ChangeRecord.objects.count(),
    ) == counts
    # For another unit it is that unit's report (queues are per unit).
    other, created = ingest_source(planner, sector.z199, read_text(REPORT))
    assert created and other != first


TEXT = (
    "Senior Lieutenant General Pham Hoai Nam chaired the conference.\n"
    "Major General Tran Van Binh attended.\n"
    "Nam asked the GDDI to speed up the progress of investment projects.\n"
)
MORE = "Colonel Do Van Hai, a new face, attended too.\n"


def hand(text):
    return (
        Hand(text)
        .meeting(date="2023-12-20", host="GDDI", chair="Pham Hoai Nam", at="chaired the conference")
        .person(
            "Pham Hoai Nam",
            "Senior Lieutenant General",
            at="Senior Lieutenant General Pham Hoai Nam",
        )
        .person("Tran Van Binh", "Major General", at="Major General Tran Van Binh")
        .org("GDDI")
        .directive("Pham Hoai Nam", "GDDI", "speed up the progress of investment projects")
    )


def test_nothing_decided_or_waiting_is_proposed_again_for_the_unit(sector):
    planner = sector.world.planner
    first, _ = ingest_hand(planner, sector.gddi, hand(TEXT), name="first.txt")
    get = lambda kind, label: first.proposals.get(kind=kind, label=label)  # noqa: E731
    accept(planner, get(ProposalKind.PERSON, "Pham Hoai Nam"))
    reject(planner, get(ProposalKind.PERSON, "Tran Van Binh"), "a journalist, not an attendee")
    # The meeting and the directive wait.

    # Another outlet's text of the same report, with one more paragraph.
    more = hand(TEXT + MORE).person("Do Van Hai", "Colonel", at="Colonel Do Van Hai")
    second, created = ingest_hand(planner, sector.gddi, more, name="second.txt")
    assert created
    labels = sorted((p.kind, p.label) for p in second.proposals.all())
    # Only the news: the new person, his rank and his attendance at the (waiting) meeting.
    assert labels == [
        (ProposalKind.ATTENDEE, "Do Van Hai"),
        (ProposalKind.PERSON, "Do Van Hai"),
        (ProposalKind.RANK_CHANGE, "Do Van Hai: Colonel"),
    ]
    attendance = second.proposals.get(kind=ProposalKind.ATTENDEE)
    # It depends on the meeting proposal still waiting in the first report.
    assert attendance.meeting_proposal == first.proposals.get(kind=ProposalKind.MEETING)
    # The rejected journalist's rank and attendance are not proposed either, in either report.
    assert not Proposal.objects.filter(label__startswith="Tran Van Binh", report=second).exists()
    fingerprints = list(Proposal.objects.values_list("fingerprint", flat=True))
    assert len(fingerprints) == len(set(fingerprints))


def test_a_report_of_another_meeting_proposes_its_own_meeting_and_attendances(sector):
    planner = sector.world.planner
    ingest_hand(planner, sector.gddi, hand(TEXT), name="2023.txt")
    # The next year's conference, reported in the same words, held on another day: a new
    # meeting, its attendances and its directive; the people are not proposed again.
    next_year = hand(TEXT + "Held again a year later.\n")
    next_year.x.meetings[0].date = "2024-12-18"
    second, created = ingest_hand(planner, sector.gddi, next_year, name="2024.txt")
    assert created
    kinds = sorted(p.kind for p in second.proposals.all())
    assert kinds == sorted(
        [ProposalKind.MEETING, ProposalKind.ATTENDEE, ProposalKind.ATTENDEE, ProposalKind.DIRECTIVE]
    )


def test_rejected_and_accepted_proposals_keep_their_fate(sector):
    planner = sector.world.planner
    report, _ = ingest_hand(planner, sector.gddi, hand(TEXT))
    binh = report.proposals.get(kind=ProposalKind.PERSON, label="Tran Van Binh")
    reject(planner, binh, "not an attendee")
    binh.refresh_from_db()
    assert binh.status == ProposalStatus.REJECTED and binh.decided_by == planner
    assert binh.decided_at is not None and binh.note == "not an attendee"
    assert binh.record_id is None and not binh.links.exists()
