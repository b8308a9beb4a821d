"""What extraction produces. Every item keeps where it came from (character offsets into the
cleaned text and the sentence), so that a reviewer can be shown its source and an accepted
record can link back to it; the JSON of SCHEMA.md (`Extraction.to_schema()`) leaves them out."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    start: int  # character offsets into the cleaned text
    end: int
    sentence_start: int
    sentence_end: int
    caption: bool = False  # from a photo caption or heading


@dataclass
class Position:
    title: str
    org: str | None
    span: Span


@dataclass
class Person:
    name: str
    rank: str | None = None
    positions: list[Position] = field(default_factory=list)
    mentions: list[Span] = field(default_factory=list)
    rank_span: Span | None = None

    @property
    def given_name(self) -> str:
        return self.name.split()[-1]

    def add_position(self, title: str, org: str | None, span: Span) -> None:
        for position in self.positions:
            # "Deputy Minister" after "Deputy Minister of National Defense": the same position
            if title.lower() in position.title.lower() and (org is None or org == position.org):
                return
            if position.title.lower() == title.lower():
                if position.org is None and org:
                    position.org = org
                return
        self.positions.append(Position(title, org, span))


@dataclass
class Organization:
    name: str
    acronym: str | None
    span: Span
    mentions: list[Span] = field(default_factory=list)


@dataclass
class DocumentRef:
    number: str | None
    kind: str
    written: str  # as the text writes it ("Resolution No. 08/NQ-TW")
    span: Span
    name: str | None = None


@dataclass
class Directive:
    asker: str | None
    addressee: str | None
    action: str
    span: Span
    verb: str = ""  # the word that carries the request ("asked", "should", "need")


@dataclass
class Meeting:
    kind: str
    date: str | None
    host: str | None
    chair: str | None
    span: Span | None = None


@dataclass
class Extraction:
    text: str  # the cleaned text every span points into
    meetings: list[Meeting] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)
    documents: list[DocumentRef] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)

    def sentence(self, span: Span) -> str:
        return self.text[span.sentence_start : span.sentence_end].strip()

    def to_schema(self) -> dict:
        """The JSON object of shared/extraction/SCHEMA.md."""
        return {
            "meetings": [{"kind": m.kind, "date": m.date, "chair": m.chair} for m in self.meetings],
            "persons": [
                {
                    "name": p.name,
                    "rank": p.rank,
                    "positions": [{"title": q.title, "org": q.org} for q in p.positions],
                }
                for p in self.persons
            ],
            "organizations": [o.name for o in self.organizations],
            "documents": [
                {"number": d.number, "kind": d.kind, **({"name": d.name} if not d.number else {})}
                for d in self.documents
            ],
            "directives": [
                {"asker": d.asker, "addressee": d.addressee, "action": d.action}
                for d in self.directives
            ],
        }
