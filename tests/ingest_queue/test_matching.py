"""Matching what a report names to what DIMIS holds: people by their name as written (a short
form only when it is unambiguous), a new rank of a known person as a rank change, units by name,
acronym or code, documents by their normalised number; nothing outside the user's grants."""

import pytest

from dimis.framework.choices import Role
from dimis.framework.testing import make_user
from dimis.ingest.accept import accept_all
from dimis.ingest.matching import Matcher, name_key, norm
from dimis.ingest.models import ProposalKind, ProposalStatus
from dimis.org.models import Person, RankRecord

from .conftest import Hand, ingest_hand

pytestmark = pytest.mark.django_db

TEXT = (
    "The conference was chaired by Senior Lieutenant General Pham Hoai Nam, Deputy Minister of "
    "National Defense.\nGeneral Giang praised the GDDI.\nColonel Le Van Tam, Director of Factory "
    "Z199, spoke.\n"
)


def kinds(report):
    return {(p.kind, p.label): p for p in report.proposals.all().order_by("sequence")}


def test_a_known_person_with_a_new_rank_is_a_rank_change_not_a_new_person(sector):
    planner = sector.world.planner
    hand = (
        Hand(TEXT)
        .meeting(
            date="2023-12-20", host="General Department of Defense Industry", chair="Pham Hoai Nam"
        )
        .person(
            "Pham Hoai Nam",
            "Senior Lieutenant General",
            at="Senior Lieutenant General Pham Hoai Nam",
            positions=[
                (
                    "Deputy Minister of National Defense",
                    "Ministry of National Defense",
                    "Deputy Minister of National Defense",
                )
            ],
        )
    )
    report, created = ingest_hand(planner, sector.gddi, hand)
    assert created
    found = kinds(report)
    person = found[(ProposalKind.PERSON, "Pham Hoai Nam")]
    assert person.matched_id == sector.nam.pk  # "Pham Hoai Nam" is "Phạm Hoài Nam"
    rank = found[(ProposalKind.RANK_CHANGE, "Pham Hoai Nam: Senior Lieutenant General")]
    assert rank.payload["rank"] == "thuong-tuong" and rank.person_proposal == person
    # The position is known (the title matches his appointment): no appointment proposal.
    assert not [p for (k, _l), p in found.items() if k == ProposalKind.APPOINTMENT]

    people = Person.objects.count()
    accepted, problems = accept_all(planner, report)
    # Only the ministry is left: above the planner's grants, it is a body they cannot match
    # (and only administrators add units).
    assert [(p.kind, p.label) for p, _m in problems] == [
        (ProposalKind.ORGANISATION, "Ministry of National Defense")
    ]
    assert Person.objects.count() == people  # no new person
    assert sector.nam.rank_on() == sector.senior_lt_general
    record = RankRecord.objects.get(person=sector.nam, rank=sector.senior_lt_general)
    assert record.since.isoformat() == "2023-12-20"  # the meeting's day


def test_a_rank_the_person_held_already_is_no_news(sector):
    hand = (
        Hand(TEXT)
        .meeting(date="2022-01-10", host="GDDI")
        .person("Pham Hoai Nam", "Vice Admiral", at="Pham Hoai Nam")
    )
    report, _ = ingest_hand(sector.world.planner, sector.gddi, hand)
    assert not report.proposals.filter(kind=ProposalKind.RANK_CHANGE).exists()


def test_a_short_form_matches_the_end_of_one_full_name_only(sector):
    matcher = Matcher(sector.world.planner)
    assert matcher.person("Giang").person == sector.giang
    assert matcher.person("Hoai Nam").person == sector.nam
    assert matcher.person("Pham Hoai Nam").person == sector.nam
    assert matcher.person("Nam").person == sector.nam
    Person.objects.create(full_name="Trần Văn Giang", owning_unit=sector.gddi)
    ambiguous = matcher.person("Giang")
    assert ambiguous.person is None and ambiguous.candidates == 2
    assert matcher.person("Phan Van Giang").person == sector.giang  # the full name still does
    assert matcher.person("Van Giang").person is None  # the end of two names
    assert matcher.person("Le Van Tam").person is None


def test_namesakes_are_not_matched(sector):
    Person.objects.create(full_name="Phạm Hoài Nam", owning_unit=sector.world.f2)
    match = Matcher(sector.world.planner).person("Pham Hoai Nam")
    assert match.person is None and match.candidates == 2


def test_acronyms_and_names_find_the_unit(sector):
    matcher = Matcher(sector.world.planner)
    gddi = sector.gddi
    assert matcher.unit("GDDI") == gddi
    assert matcher.unit("General Department of Defense Industry", "GDDI") == gddi
    assert matcher.unit("General Department of Defence Industry") == gddi  # British spelling
    assert matcher.unit("the General Department of Defense Industry") == gddi
    assert matcher.unit("Tổng cục Công nghiệp quốc phòng") == gddi  # Vietnamese name
    assert matcher.unit("Tong cuc Cong nghiep quoc phong") == gddi  # without diacritics
    assert matcher.unit("Z199") == sector.z199 and matcher.unit("F1") == sector.z199  # code
    # The ministry is above the planner's grants: only a user who sees it matches it.
    assert matcher.unit("Ministry of National Defense", "MND") is None
    assert Matcher(sector.world.admin).unit("Ministry of National Defense", "MND") == sector.mnd
    assert Matcher(sector.world.admin).unit("MND") == sector.mnd
    assert matcher.unit("General Department of Politics") is None


def test_document_numbers_in_any_written_form_find_the_document(sector):
    matcher = Matcher(sector.world.planner)
    for written in (
        "08-NQ/TW",
        "08/NQ-TW",
        "No. 08-NQ/TW",
        "No.08/NQ-TW",
        "Nghị quyết số 08-NQ/TW",
    ):
        assert matcher.document(written) == sector.resolution, written
    assert matcher.document("09-NQ/TW") is None
    text = "They carried out Resolution No. 08/NQ-TW.\n"
    report, _ = ingest_hand(
        sector.world.planner,
        sector.gddi,
        Hand(text).document("08-NQ/TW", at="Resolution No. 08/NQ-TW"),
    )
    proposal = report.proposals.get(kind=ProposalKind.DOCUMENT)
    assert proposal.matched_id == sector.resolution.pk
    assert proposal.payload["document"] == sector.resolution.pk


def test_a_new_position_is_a_proposed_appointment(sector):
    text = "Pham Hoai Nam, Director of Factory Z199, spoke.\n"
    hand = (
        Hand(text)
        .person(
            "Pham Hoai Nam", positions=[("Director", "Factory Z199", "Director of Factory Z199")]
        )
        .org("Factory Z199")
    )
    report, _ = ingest_hand(sector.world.planner, sector.gddi, hand)
    appointment = report.proposals.get(kind=ProposalKind.APPOINTMENT)
    assert appointment.payload["position"] == "Director, Factory Z199"
    assert appointment.unit_proposal.matched_id == sector.z199.pk
    # Accepted once the report's meeting gives the date (here: a date given in a correction).
    from dimis.ingest.accept import accept

    accept(sector.world.planner, appointment, {"valid_from": "2024-01-01"})
    assert sector.nam.appointments.filter(
        unit=sector.z199, position="Director, Factory Z199"
    ).exists()


def test_records_outside_the_users_grants_are_never_matched(sector):
    world = sector.world
    elsewhere = Person.objects.create(full_name="Lê Văn Tâm", owning_unit=world.other)
    assert Matcher(world.admin).person("Le Van Tam").person == elsewhere
    # The planner of the GDDI does not see the OTHER unit: the name is a new person for them.
    assert Matcher(world.planner).person("Le Van Tam").person is None
    assert Matcher(world.planner).unit("OTHER") is None
    hand = Hand(TEXT).person("Le Van Tam", "Colonel", at="Le Van Tam")
    report, _ = ingest_hand(world.planner, sector.gddi, hand)
    proposal = report.proposals.get(kind=ProposalKind.PERSON)
    assert proposal.matched_id is None and proposal.status == ProposalStatus.PENDING
    # The F1 planner's view does not reach the GDDI's people either.
    f1 = make_user("z199-planner", grants=[(Role.PLANNER, sector.z199)])
    assert Matcher(f1).person("Pham Hoai Nam").person is None


def test_normalisation():
    assert name_key("Phạm  Hoài-Nam") == "pham hoai nam"
    assert norm("Vietnam's General Department of Defence Industry") == norm(
        "the General Department of Defense Industry"
    )
