"""A small sector for the review queue: the test world's units named as the reports name them,
people with their ranks and positions, a resolution; reports written for these tests."""

import datetime
from dataclasses import dataclass

import pytest

from dimis.directives.models import Document
from dimis.framework.choices import Classification
from dimis.ingest.model import (
    Directive,
    DocumentRef,
    Extraction,
    Meeting,
    Organization,
    Person,
    Position,
    Span,
)
from dimis.ingest.proposals import ingest_extraction
from dimis.org import models as org

D = datetime.date

# A report written for these tests (not one of the seeds): a dated annual review of the GDDI.
REPORT = """The General Department of Defence Industry (GDDI) held its annual review conference in Hanoi on December 20, 2023.

leftcenterrightdel
Sr. Lt. Gen. Pham Hoai Nam, Deputy Minister of National Defence, chairs the conference.

Also attending the conference was Major General Tran Van Binh, Director of Factory Z199.

In 2023, the GDDI's units fulfilled their production plans and the general department implemented Resolution No. 08/NQ-TW of the Politburo and Decision No. 1234/QD-BQP of the Ministry of National Defence.

Concluding the conference, Gen. Nam asked the GDDI to speed up the progress of investment projects and to expand the export market for dual-use products. He also requested Factory Z199 to complete the overhaul of naval vessels on schedule.
"""


@dataclass
class Sector:
    world: object
    mnd: object
    gddi: object
    z199: object
    nam: object  # Phạm Hoài Nam, Vice Admiral since 2021, Deputy Minister
    giang: object  # Phan Văn Giang
    resolution: object  # 08-NQ/TW
    vice_admiral: object
    senior_lt_general: object


def name_unit(unit, name, name_en, abbreviation):
    unit.name, unit.name_en, unit.abbreviation = name, name_en, abbreviation
    unit.save()
    return unit


@pytest.fixture
def sector(world) -> Sector:
    mnd = name_unit(world.mnd, "Bộ Quốc phòng", "Ministry of National Defense", "MND")
    gddi = name_unit(
        world.gddi,
        "Tổng cục Công nghiệp quốc phòng",
        "General Department of Defense Industry",
        "GDDI",
    )
    z199 = name_unit(world.f1, "Nhà máy Z199", "Factory Z199", "Z199")
    vice_admiral = org.Rank.objects.get(code="pho-do-doc")
    nam = org.Person.objects.create(full_name="Phạm Hoài Nam", owning_unit=gddi)
    org.RankRecord.objects.create(
        person=nam, rank=vice_admiral, since=D(2021, 3, 1), owning_unit=gddi
    )
    org.Appointment.objects.create(
        person=nam,
        position="Thứ trưởng Bộ Quốc phòng",
        position_en="Deputy Minister of National Defense",
        unit=mnd,
        valid_from=D(2021, 1, 1),
        owning_unit=gddi,
    )
    giang = org.Person.objects.create(full_name="Phan Văn Giang", owning_unit=gddi)
    resolution = Document.objects.create(
        number="08-NQ/TW",
        title="Nghị quyết về phát triển công nghiệp quốc phòng",
        kind="resolution",
        issuer=mnd,
        issue_date=D(2022, 1, 26),
        owning_unit=gddi,
    )
    return Sector(
        world=world,
        mnd=mnd,
        gddi=gddi,
        z199=z199,
        nam=nam,
        giang=giang,
        resolution=resolution,
        vice_admiral=vice_admiral,
        senior_lt_general=org.Rank.objects.get(code="thuong-tuong"),
    )


# -- extractions written by hand: matching and the queue, whatever the extraction rules ---------


def span(text: str, needle: str, nth: int = 0) -> Span:
    """The span of the nth occurrence of `needle`, in its line (the sentence, for these texts)."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    end = start + len(needle)
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return Span(start, end, line_start, len(text) if line_end < 0 else line_end)


class Hand:
    """Builds an Extraction of `text` from the phrases it contains."""

    def __init__(self, text: str):
        self.x = Extraction(text=text)

    def meeting(self, kind="annual_review", date=None, host=None, chair=None, at=None):
        self.x.meetings.append(
            Meeting(kind, date, host, chair, span(self.x.text, at) if at else None)
        )
        return self

    def person(self, name, rank=None, at=None, positions=()):
        at = at or name
        found = Person(name, rank, mentions=[span(self.x.text, at)])
        if rank:
            found.rank_span = span(self.x.text, at)
        for title, org_name, written in positions:
            found.positions.append(Position(title, org_name, span(self.x.text, written)))
        self.x.persons.append(found)
        return self

    def org(self, name, acronym=None, at=None):
        self.x.organizations.append(Organization(name, acronym, span(self.x.text, at or name)))
        return self

    def document(self, number, kind="resolution", at=None):
        self.x.documents.append(
            DocumentRef(number, kind, at or number, span(self.x.text, at or number))
        )
        return self

    def directive(self, asker, addressee, action, at=None):
        self.x.directives.append(
            Directive(asker, addressee, action, span(self.x.text, at or action), "asked")
        )
        return self

    @property
    def extraction(self) -> Extraction:
        return self.x


def ingest_hand(
    user, unit, hand: Hand, name="hand.txt", classification=Classification.UNCLASSIFIED
):
    return ingest_extraction(
        user, unit, hand.extraction, source_name=name, classification=classification
    )
