"""From a report's text to proposals in the review queue.

`ingest_source()` reads nothing and decides nothing: it extracts, stores the report (once per
text and host unit, by the SHA-256 of the cleaned text) and one proposal per item found, each
with what it matched among the records the ingesting user may see, and its span in the text.

Nothing is proposed twice for a host unit: a proposal whose fingerprint (what it is about, not
where it was read) was already made for the unit is not made again. An item decided before is
not put back in the queue; what depends on a rejected item (the attendance of a person rejected
as a person, say) is not proposed either; what depends on an item still pending or accepted
elsewhere depends on that proposal.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from dimis.directives.numbers import normalise_number
from dimis.framework.choices import Classification
from dimis.meetings.models import MeetingKind
from dimis.org.models import OrgUnit, UnitKind

from .access import may_decide
from .extract import extract
from .matching import Matcher, name_key, norm, similarity
from .model import Extraction, Span
from .models import KIND_ORDER, Proposal, ProposalKind, ProposalStatus, Report
from .sources import SourceDocument

CHAIR_ROLE = "Chủ trì"  # the role at the meeting, kept in the records' language (Vietnamese)

# Kinds of meeting extraction reads that the meeting register has no kind for.
MEETING_KINDS = {
    "six_month_review": MeetingKind.SIX_MONTH_REVIEW,
    "annual_review": MeetingKind.ANNUAL_REVIEW,
    "multi_year_review": MeetingKind.MULTI_YEAR_REVIEW,
    "conference": MeetingKind.THEMATIC_CONFERENCE,
    "working_session": MeetingKind.WORKING_SESSION,
    "inspection": MeetingKind.INSPECTION,
}

DOCUMENT_KINDS = {
    "resolution": "resolution",
    "directive": "directive",
    "conclusion": "conclusion",
    "decision": "decision",
    "law": "law",
    "ordinance": "ordinance",
    "regulation": "regulation",
    "plan": "plan",
    "program": "action_program",
}

# A guess of a body's kind from its English or Vietnamese name, first match wins.
UNIT_KIND_WORDS = [
    (
        r"\b(?:party|committee|commission|politburo|secretariat)\b|\bdang\b|\bquan uy\b",
        UnitKind.PARTY_BODY,
    ),
    (r"\bministry\b|^bo\b", UnitKind.MINISTRY),
    (r"\bgeneral department\b|\bgeneral staff\b|^tong cuc\b", UnitKind.GENERAL_DEPARTMENT),
    (r"\binstitute\b|^vien\b", UnitKind.INSTITUTE),
    (r"\bacademy\b|^hoc vien\b", UnitKind.ACADEMY),
    (r"\b(?:school|college|university)\b|^truong\b", UnitKind.SCHOOL),
    (r"\bfactory\b|^nha may\b", UnitKind.FACTORY),
    (r"\b(?:corporation|group)\b|^tong cong ty\b|^tap doan\b", UnitKind.CORPORATION),
    (r"\bcompany\b|^cong ty\b", UnitKind.COMPANY),
    (r"\b(?:government|assembly|state)\b|^chinh phu\b", UnitKind.STATE_BODY),
]

_NUMBER_WORDS = {"five": 5, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20, "three": 3}


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint(*parts) -> str:
    """What a proposal is about, independent of the report it was read in."""
    return hashlib.sha256("\x1f".join(str(p or "") for p in parts).encode("utf-8")).hexdigest()


def guess_unit_kind(name: str) -> str:
    folded = norm(name)
    for pattern, kind in UNIT_KIND_WORDS:
        if re.search(pattern, folded):
            return kind
    return UnitKind.DEPARTMENT


def review_period(text: str, kind: str) -> dict:
    """The period a multi-year review covers when the text says it: '2016-2020 period', 'past ten
    years'."""
    found: dict = {}
    if kind != MeetingKind.MULTI_YEAR_REVIEW:
        return found
    match = re.search(r"\b((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)\b", text)
    if match and int(match.group(1)) < int(match.group(2)):
        first, last = int(match.group(1)), int(match.group(2))
        found = {
            "period_start": datetime.date(first, 1, 1).isoformat(),
            "period_end": datetime.date(last, 12, 31).isoformat(),
        }
        found["review_years"] = last - first + 1
    if "review_years" not in found:
        words = "|".join(_NUMBER_WORDS)
        match = re.search(rf"\b(\d{{1,2}}|{words})[- ]years?\b", text, re.I)
        if match:
            value = match.group(1).lower()
            found["review_years"] = int(value) if value.isdigit() else _NUMBER_WORDS[value]
    return found


@dataclass
class Draft:
    """A proposal before it is known whether it was made already."""

    kind: str
    label: str
    payload: dict
    key: tuple
    span: Span | None
    matched: object | None = None
    meeting: Draft | None = None
    person: Draft | None = None
    unit: Draft | None = None
    # After deduplication: the proposal that stands for this item (new or earlier), or None.
    target: Proposal | None = None
    dropped: bool = False
    required: tuple[str, ...] = field(default_factory=tuple)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.kind, *self.key)


def _span_fields(span: Span | None) -> dict:
    if span is None:
        return {}
    return {
        "span_start": span.start,
        "span_end": span.end,
        "sentence_start": min(span.sentence_start, span.start),
        "sentence_end": max(span.sentence_end, span.end),
        "in_caption": span.caption,
    }


def _first_sentence(text: str) -> Span:
    end = text.find("\n")
    end = len(text) if end < 0 else end
    return Span(0, 0, 0, end)


class ProposalBuilder:
    """Turns one extraction into drafts, in the order their dependencies need."""

    def __init__(self, extraction: Extraction, report: Report, user):
        self.x = extraction
        self.report = report
        self.matcher = Matcher(user)
        self.drafts: list[Draft] = []
        self.orgs: dict[str, Draft] = {}
        self.people: dict[str, Draft] = {}

    def add(self, draft: Draft) -> Draft:
        self.drafts.append(draft)
        return draft

    # -- organisations -----------------------------------------------------------------------
    def org(self, name: str | None, acronym: str | None = None, span: Span | None = None):
        if not name:
            return None
        key = norm(name)
        if key in self.orgs:
            return self.orgs[key]
        unit = self.matcher.unit(name, acronym)
        draft = self.add(
            Draft(
                ProposalKind.ORGANISATION,
                name,
                {
                    "name": name,
                    "name_en": name,
                    "acronym": acronym or "",
                    "abbreviation": acronym or "",
                    "code": acronym or "",
                    "kind": guess_unit_kind(name),
                    "parent": None,
                    "unit": unit.pk if unit else None,
                },
                (key,),
                span,
                matched=unit,
            )
        )
        self.orgs[key] = draft
        return draft

    def org_named_in(self, phrase: str | None):
        """The organisation a phrase names: itself, or the longest one it starts with
        ("General Department of Defense Industry and agencies and units")."""
        key = norm(phrase)
        if not key:
            return None
        if key in self.orgs:
            return self.orgs[key]
        starts = [k for k in self.orgs if key.startswith(k + " ")]
        if starts:
            return self.orgs[max(starts, key=len)]
        unit = self.matcher.unit(phrase)
        return self.org(phrase) if unit is not None else None

    # -- all of it ---------------------------------------------------------------------------
    def build(self) -> list[Draft]:
        x = self.x
        for org in x.organizations:
            self.org(org.name, org.acronym, org.span)
        meeting_info = x.meetings[0] if x.meetings else None
        on = None
        if meeting_info and meeting_info.date:
            try:
                on = datetime.date.fromisoformat(meeting_info.date)
            except ValueError:
                on = None
        self._people(on)
        self._documents()
        meeting = self._meeting(meeting_info, on) if meeting_info else None
        if meeting is not None:
            for person in x.persons:
                draft = self.people[name_key(person.name)]
                position = person.positions[0] if person.positions else None
                rank = self.matcher.rank(person.rank)
                is_chair = meeting_info.chair and name_key(meeting_info.chair) == name_key(
                    person.name
                )
                self.add(
                    Draft(
                        ProposalKind.ATTENDEE,
                        person.name,
                        {
                            "name": person.name,
                            "rank": rank.code if rank else None,
                            "position": _position_text(position.title, position.org)
                            if position
                            else "",
                            "role": CHAIR_ROLE if is_chair else "",
                        },
                        (meeting.fingerprint, name_key(person.name)),
                        person.rank_span or (person.mentions[0] if person.mentions else None),
                        meeting=meeting,
                        person=draft,
                        required=("meeting", "person"),
                    )
                )
        for directive in x.directives:
            addressee = self.org_named_in(directive.addressee)
            self.add(
                Draft(
                    ProposalKind.DIRECTIVE,
                    directive.action[:500],
                    {
                        "asker": directive.asker or "",
                        "addressee": directive.addressee or "",
                        "action": directive.action,
                        "verb": directive.verb,
                        "text": directive.action,
                        "lead_unit": None,
                        "deadline": None,
                        "task_title": "",
                    },
                    (
                        meeting.fingerprint if meeting else self.report.sha256,
                        name_key(directive.asker),
                        norm(directive.addressee),
                        norm(directive.action),
                    ),
                    directive.span,
                    meeting=meeting,
                    unit=addressee,
                    required=("meeting",) if meeting else (),
                )
            )
        order = {kind: n for n, kind in enumerate(KIND_ORDER)}
        return sorted(self.drafts, key=lambda d: order[d.kind])

    def _people(self, on):
        matches = {}
        for person in self.x.persons:
            key = name_key(person.name)
            if key in self.people:
                continue
            match = self.matcher.person(person.name)
            matches[key] = match
            self.people[key] = self.add(
                Draft(
                    ProposalKind.PERSON,
                    person.name,
                    {
                        "name": person.name,
                        "full_name": person.name,
                        "rank": person.rank or "",
                        "candidates": match.candidates,
                        "person": match.person.pk if match.person else None,
                    },
                    (key,),
                    person.rank_span or (person.mentions[0] if person.mentions else None),
                    matched=match.person,
                )
            )
        known = [m.person for m in matches.values() if m.person is not None]
        ranks = self.matcher.ranks_held(known) if known else {}
        appointments = self.matcher.appointments_held(known) if known else {}
        for person in self.x.persons:
            key = name_key(person.name)
            draft = self.people[key]
            record = matches[key].person if key in matches else None
            rank = self.matcher.rank(person.rank)
            if rank is not None and (
                record is None or self.matcher.rank_is_new(ranks[record.pk], rank, on)
            ):
                self.add(
                    Draft(
                        ProposalKind.RANK_CHANGE,
                        f"{person.name}: {person.rank}",
                        {"name": person.name, "rank": rank.code, "since": None},
                        (key, rank.code),
                        person.rank_span,
                        person=draft,
                        required=("person",),
                    )
                )
            for position in person.positions:
                org = self.org(position.org, span=position.span) if position.org else None
                unit = org.matched if org else None
                if record is not None and self.matcher.known_appointment(
                    appointments[record.pk], position.title, unit
                ):
                    continue
                self.add(
                    Draft(
                        ProposalKind.APPOINTMENT,
                        f"{person.name}: {_position_text(position.title, position.org)}",
                        {
                            "name": person.name,
                            "title": position.title,
                            "org": position.org or "",
                            "position": _position_text(position.title, position.org),
                            "position_en": _position_text(position.title, position.org),
                            "unit": None,
                            "valid_from": None,
                        },
                        (key, norm(position.title), norm(position.org)),
                        position.span,
                        person=draft,
                        unit=org,
                        required=("person",),
                    )
                )

    def _documents(self):
        seen = set()
        for document in self.x.documents:
            number = normalise_number(document.number or "")
            key = number or norm(document.name or document.written)
            if not key or key in seen:
                continue
            seen.add(key)
            matched = self.matcher.document(document.number) if number else None
            self.add(
                Draft(
                    ProposalKind.DOCUMENT,
                    document.written,
                    {
                        "number": document.number or "",
                        "written": document.written,
                        "kind": DOCUMENT_KINDS.get(document.kind, ""),
                        "kind_as_read": document.kind,
                        "title": document.name or document.written,
                        "issuer": None,
                        "issue_date": None,
                        "document": matched.pk if matched else None,
                    },
                    (key,),
                    document.span,
                    matched=matched,
                )
            )

    def _meeting(self, info, on):
        kind = MEETING_KINDS.get(info.kind, MeetingKind.THEMATIC_CONFERENCE)
        host = self.org(info.host) if info.host else None
        chair = self.people.get(name_key(info.chair)) if info.chair else None
        host_unit = host.matched if host else None
        span = info.span or _first_sentence(self.x.text)
        sentence = norm(self.x.text[span.sentence_start : span.sentence_end])
        when = on.isoformat() if on else sentence
        with override(_site_language()):
            kind_label = str(MeetingKind(kind).label)
        host_name = host_unit.name if host_unit else (info.host or "")
        title = " — ".join(p for p in (kind_label, host_name) if p)
        if on:
            title += f" ({on:%d/%m/%Y})"
        matched = self.matcher.meeting(host_unit, kind, on)
        return self.add(
            Draft(
                ProposalKind.MEETING,
                info.host or kind_label,
                {
                    "kind": kind,
                    "kind_as_read": info.kind,
                    "title": title,
                    "date": on.isoformat() if on else None,
                    "host": info.host or "",
                    "host_unit": None,
                    "chair": info.chair or "",
                    "location": "",
                    "period_start": None,
                    "period_end": None,
                    "review_years": None,
                    **review_period(self.x.text, kind),
                    "meeting": matched.pk if matched else None,
                },
                (kind, norm(info.host), when),
                span,
                matched=matched,
                person=chair,
                unit=host,
            )
        )


def _site_language() -> str:
    from django.conf import settings

    return settings.LANGUAGE_CODE


def _position_text(title: str, org: str | None) -> str:
    """'Political Commissar, General Department of Defense Industry'; a title that names its
    body already ('Deputy Minister of National Defense') stays as it is."""
    if not org or similarity(title, org) >= 0.6:
        return title
    return f"{title}, {org}"


# -- saving, with deduplication ----------------------------------------------------------------

_PRIORITY = {
    ProposalStatus.ACCEPTED: 0,
    ProposalStatus.CORRECTED: 0,
    ProposalStatus.PENDING: 1,
    ProposalStatus.REJECTED: 2,
}


def save_drafts(report: Report, drafts: list[Draft]) -> list[Proposal]:
    """Save the drafts that are news for the report's unit; returns the new proposals."""
    fingerprints = {d.fingerprint for d in drafts}
    # The unit's own queue decides what is news, whoever ingests: not filtered by the user,
    # and never shown, only compared.
    earlier: dict[str, Proposal] = {}
    for proposal in Proposal.objects.filter(
        report__owning_unit_id=report.owning_unit_id, fingerprint__in=fingerprints
    ).exclude(report=report):
        best = earlier.get(proposal.fingerprint)
        if best is None or _PRIORITY[proposal.status] < _PRIORITY[best.status]:
            earlier[proposal.fingerprint] = proposal
    types = {}
    made: list[Proposal] = []
    taken: dict[str, Draft] = {}
    for draft in drafts:
        for name in draft.required:
            dependency = getattr(draft, name)
            if dependency is None or dependency.dropped:
                draft.dropped = True
        if draft.dropped:
            continue
        fp = draft.fingerprint
        if fp in taken:  # twice in the same report: one proposal
            draft.target, draft.dropped = taken[fp].target, taken[fp].dropped
            continue
        taken[fp] = draft
        before = earlier.get(fp)
        if before is not None:
            draft.target = before
            draft.dropped = before.status == ProposalStatus.REJECTED
            continue
        proposal = Proposal(
            report=report,
            sequence=len(made) + 1,
            kind=draft.kind,
            label=draft.label[:500],
            payload=draft.payload,
            fingerprint=fp,
            classification=report.classification,
            **_span_fields(draft.span),
        )
        for name in ("meeting", "person", "unit"):
            dependency = getattr(draft, name)
            if dependency is not None and not dependency.dropped and dependency.target:
                setattr(proposal, f"{name}_proposal", dependency.target)
        if draft.matched is not None:
            model = type(draft.matched)
            if model not in types:
                types[model] = ContentType.objects.get_for_model(model)
            proposal.matched_type, proposal.matched_id = types[model], draft.matched.pk
        proposal.save()
        draft.target = proposal
        made.append(proposal)
    return made


def ingest_source(
    user,
    unit: OrgUnit,
    source: SourceDocument,
    classification: int = Classification.UNCLASSIFIED,
    title: str = "",
) -> tuple[Report, bool]:
    """Extract a report read by `sources` and queue its proposals for `unit`.

    Returns (report, created): the same cleaned text for the same unit is the report already
    there, and nothing is proposed again. Only planners of the unit's subtree ingest for it."""
    _check(user, unit, classification)
    extraction = extract(source.text)  # plain Python, outside the transaction
    return ingest_extraction(
        user,
        unit,
        extraction,
        source_name=_file_name(source),
        source_format=source.format,
        classification=classification,
        title=title or _report_title(source, extraction),
    )


def _check(user, unit, classification):
    if not may_decide(user, unit):
        raise PermissionDenied(_("Only planners of the unit may ingest reports for it."))
    if not user.is_superuser and classification > user.clearance:
        raise PermissionDenied(_("The classification is above your clearance."))


def ingest_extraction(
    user,
    unit: OrgUnit,
    extraction: Extraction,
    source_name: str,
    source_format: str = "paste",
    classification: int = Classification.UNCLASSIFIED,
    title: str = "",
) -> tuple[Report, bool]:
    """Store a report and queue the proposals of its extraction (see `ingest_source`)."""
    _check(user, unit, classification)
    digest = sha256_of(extraction.text)
    existing = Report.objects.filter(owning_unit=unit, sha256=digest).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            report = Report(
                owning_unit=unit,
                classification=classification,
                title=(title or source_name)[:300],
                source_name=source_name[:255],
                source_format=source_format,
                text=extraction.text,
                sha256=digest,
                uploaded_by=user if getattr(user, "pk", None) else None,
            )
            report.save()
            save_drafts(report, ProposalBuilder(extraction, report, user).build())
    except IntegrityError:
        # The same text ingested for the unit at the same moment by someone else.
        existing = Report.objects.filter(owning_unit=unit, sha256=digest).first()
        if existing is None:
            raise
        return existing, False
    return report, True


def _file_name(source: SourceDocument) -> str:
    """The file's name without the folders it was read from (they are the server's)."""
    if source.format == "paste":
        return source.name
    return source.name.replace("\\", "/").rsplit("/", 1)[-1]


def _report_title(source: SourceDocument, extraction: Extraction) -> str:
    if source.format != "paste" and source.name:
        return _file_name(source)
    first = extraction.text.strip().split("\n", 1)[0].strip()
    return first if len(first) <= 120 else first[:119].rstrip() + "…"
