"""Matching what a report names to the records DIMIS already holds, among those the ingesting
user may see (deny by default: a record outside the user's grants is never matched, so a
proposal never reveals it).

- People by their name as written, folded to Latin letters ("Pham Hoai Nam" = "Phạm Hoài Nam"),
  or a short form ("Giang") that is the end of exactly one full name.
- Ranks by their English name, abbreviation or other written forms ("Sr. Lt. Gen.").
- Units by English or Vietnamese name, abbreviation or code ("GDDI", "MND").
- Documents by their normalised number ("08/NQ-TW" = "No. 08-NQ/TW").
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from dimis.directives.models import Document
from dimis.directives.numbers import normalise_number
from dimis.meetings.models import Meeting
from dimis.org.models import Appointment, OrgUnit, Person, Rank, RankRecord, latin

_BRITISH = {"defence": "defense", "organisation": "organization", "programme": "program"}
_STOP = set(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "and",
        "in",
        "for",
        "on",
        "with",
        "by",
        "its",
        "it",
        "their",
        "at",
        "as",
        "be",
        "is",
        "are",
        "was",
        "were",
        "this",
        "that",
    ]
)


def norm(text: str | None) -> str:
    """Lower-case Latin words: 'the', "Vietnam's" and British spellings do not matter."""
    text = latin(text or "").lower().replace("’", "'")
    for uk, us in _BRITISH.items():
        text = text.replace(uk, us)
    text = re.sub(r"\b(?:vietnam's|viet nam's|vietnamese|the)\b", " ", text)
    return " ".join(re.sub(r"[^\w\s/-]", " ", text).split())


def name_key(name: str | None) -> str:
    """A person's name folded: 'Phạm  Hoài-Nam' -> 'pham hoai nam'."""
    return " ".join(re.findall(r"[a-z0-9]+", latin(name or "").lower()))


def tokens(text: str | None) -> set[str]:
    return {t for t in norm(text).split() if t not in _STOP}


def similarity(a: str | None, b: str | None) -> float:
    """Shared content words over the shorter side (the scoring rule for positions)."""
    left, right = tokens(a), tokens(b)
    if not left or not right:
        return 0.0
    return len(left & right) / min(len(left), len(right))


@dataclass
class PersonMatch:
    person: Person | None
    candidates: int  # people the name could be: 1 when matched, 0 unknown, 2+ ambiguous


class Matcher:
    """Looks records up for one user; caches the small lexicons (ranks, units) it reads."""

    def __init__(self, user):
        self.user = user
        self._ranks: dict[str, Rank] | None = None
        self._units: dict[str, list[OrgUnit]] | None = None

    # -- people ------------------------------------------------------------------------------
    def person(self, name: str) -> PersonMatch:
        key = name_key(name)
        if not key:
            return PersonMatch(None, 0)
        people = Person.objects.all().restrict(self.user)
        written = " ".join(latin(name).split())
        exact = list(people.filter(latin_name__iexact=written)[:2])
        if not exact:
            # "Giang" is "Phan Văn Giang" when no one else's name ends with it.
            exact = []
            for person in people.filter(latin_name__iendswith=" " + written.split()[-1]):
                if name_key(person.full_name).endswith(" " + key):
                    exact.append(person)
                    if len(exact) == 2:
                        break
        if len(exact) == 1:
            return PersonMatch(exact[0], 1)
        return PersonMatch(None, len(exact))

    def ranks_held(self, people: list[Person]) -> dict[int, list[RankRecord]]:
        """The rank records of these people that the user may see, newest first: one query."""
        held: dict[int, list[RankRecord]] = {p.pk: [] for p in people}
        records = (
            RankRecord.objects.all()
            .restrict(self.user)
            .filter(person__in=[p.pk for p in people])
            .select_related("rank")
            .order_by("person", "-since")
        )
        for record in records:
            held[record.person_id].append(record)
        return held

    def appointments_held(self, people: list[Person]) -> dict[int, list[Appointment]]:
        held: dict[int, list[Appointment]] = {p.pk: [] for p in people}
        appointments = (
            Appointment.objects.all()
            .restrict(self.user)
            .filter(person__in=[p.pk for p in people])
            .order_by("person", "-valid_from")
        )
        for appointment in appointments:
            held[appointment.person_id].append(appointment)
        return held

    @staticmethod
    def rank_is_new(records: list[RankRecord], rank: Rank, on: datetime.date | None) -> bool:
        """A rank is news when the person did not hold it on the day (when the report gives the
        day), or, without a day, when no record shows the person ever held it."""
        if on is not None:
            current = next((r for r in records if r.since <= on), None)
            return current is None or current.rank_id != rank.pk
        return all(r.rank_id != rank.pk for r in records)

    @staticmethod
    def known_appointment(
        appointments: list[Appointment], title: str, unit: OrgUnit | None
    ) -> Appointment | None:
        """The appointment that is this position: a similar title in the same unit (or any unit
        when the report does not name one we know)."""
        for appointment in appointments:
            if unit is not None and appointment.unit_id != unit.pk:
                continue
            alike = max(
                similarity(title, appointment.position_en),
                similarity(title, appointment.position),
            )
            if alike >= 0.6:
                return appointment
        return None

    # -- ranks -------------------------------------------------------------------------------
    def rank(self, written: str | None) -> Rank | None:
        if not written:
            return None
        if self._ranks is None:
            self._ranks = {}
            for rank in Rank.objects.all().restrict(self.user):
                for form in [rank.name_en, rank.abbreviation_en, rank.name, *(rank.aliases or [])]:
                    if form:
                        self._ranks.setdefault(norm(form), rank)
        return self._ranks.get(norm(written))

    # -- units -------------------------------------------------------------------------------
    def _unit_index(self) -> dict[str, list[OrgUnit]]:
        if self._units is None:
            index: dict[str, list[OrgUnit]] = {}
            for unit in OrgUnit.objects.all().restrict(self.user):
                keys = {norm(unit.name), norm(unit.name_en)}
                keys |= {f"={unit.abbreviation.upper()}" if unit.abbreviation else ""}
                keys |= {f"={unit.code.upper()}"}
                for key in keys - {"", "="}:
                    index.setdefault(key, []).append(unit)
            self._units = index
        return self._units

    def unit(self, name: str | None, acronym: str | None = None) -> OrgUnit | None:
        """The one unit with this name (English or Vietnamese), abbreviation or code."""
        index = self._unit_index()
        keys = [norm(name)]
        for short in (acronym, name):
            if short and re.fullmatch(r"[A-ZĐ0-9][A-ZĐ0-9&-]{1,14}", short.strip()):
                keys.append(f"={short.strip().upper()}")
        for key in keys:
            units = index.get(key, []) if key else []
            if len({u.pk for u in units}) == 1:
                return units[0]
        return None

    # -- documents and meetings --------------------------------------------------------------
    def document(self, number: str | None) -> Document | None:
        key = normalise_number(number or "")
        if not key:
            return None
        return Document.objects.all().restrict(self.user).filter(number_key=key).first()

    def meeting(self, host: OrgUnit | None, kind: str, on: datetime.date | None) -> Meeting | None:
        """The meeting already recorded for this host, kind and day (only when the day is known)."""
        if host is None or on is None:
            return None
        return (
            Meeting.objects.all()
            .restrict(self.user)
            .filter(host_unit=host, kind=kind, date=on)
            .first()
        )
