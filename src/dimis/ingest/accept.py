"""Deciding on proposals: accepting one makes (or confirms) its records, each linked back to the
report and the span it was read from; correcting edits its values first; rejecting records the
decision. Each decision is one transaction: a proposal that cannot become a valid record changes
nothing and says what is missing, field by field.

Records are written with `save()` only, so every write is in the change log; conclusions become
tasks through the meeting's own action (`meetings.conclusions.task_from_conclusion`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dimis.directives.models import Document
from dimis.framework.access import today
from dimis.framework.choices_for import owner_units, visible
from dimis.framework.models import ConcurrentEditError
from dimis.meetings.conclusions import add_conclusion, task_from_conclusion
from dimis.meetings.models import Attendance, Conclusion, Meeting
from dimis.org.models import Appointment, OrgUnit, Person, Rank, RankRecord, UnitLink

from .access import may_decide
from .models import KIND_ORDER, Proposal, ProposalKind, ProposalStatus, Report, SourceLink


def record_of(model_type_id, pk, user):
    """The record of a content type and id, if the user may see it."""
    if model_type_id is None or pk is None:
        return None
    model = ContentType.objects.get_for_id(model_type_id).model_class()
    return visible(model, user).filter(pk=pk).first()


def matched_record(proposal: Proposal, user):
    return record_of(proposal.matched_type_id, proposal.matched_id, user)


def accepted_record(proposal: Proposal, user):
    return record_of(proposal.record_type_id, proposal.record_id, user)


def _date(value, field: str, missing: str | None = None) -> datetime.date | None:
    if value in (None, ""):
        if missing:
            raise ValidationError({field: missing})
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: _("Give the date as YYYY-MM-DD.")}) from None


@dataclass
class Decision:
    user: object
    proposal: Proposal
    payload: dict

    @property
    def report(self) -> Report:
        return self.proposal.report

    @property
    def sentence(self) -> str:
        text = self.report.text
        return text[self.proposal.sentence_start : self.proposal.sentence_end].strip()

    def visible(self, model, pk, field: str):
        if pk in (None, ""):
            return None
        found = visible(model, self.user).filter(pk=pk).first()
        if found is None:
            raise ValidationError({field: _("Choose a record you may see.")})
        return found

    def depends(self, dependency: Proposal | None, required: bool, field: str):
        """The record a proposal this one depends on stands for (accepted, or still pending
        with a match); None when there is none and it is not required."""
        if dependency is None:
            if required:
                raise ValidationError({field: _("This proposal needs a record that is missing.")})
            return None
        if dependency.accepted:
            found = accepted_record(dependency, self.user)
        elif dependency.is_pending and dependency.matched_id:
            found = matched_record(dependency, self.user)
        elif dependency.is_pending:
            raise ValidationError(
                {field: _("First decide on “%(proposal)s”.") % {"proposal": dependency}}
            )
        else:
            found = None
            if required:
                raise ValidationError(
                    {field: _("“%(proposal)s” was rejected.") % {"proposal": dependency}}
                )
        if found is None and (dependency.accepted or dependency.matched_id):
            raise ValidationError(
                {
                    field: _("The record of “%(proposal)s” is not visible to you.")
                    % {"proposal": dependency}
                }
            )
        return found

    def meeting(self, required: bool = True) -> Meeting | None:
        dependency = self.proposal.meeting_proposal
        if dependency is not None:
            return self.depends(dependency, required, "meeting")
        found = self.report.meeting if self.report.meeting_id else None
        if found is not None:
            found = self.visible(Meeting, found.pk, "meeting")
        if found is None and required:
            raise ValidationError({"meeting": _("First accept the meeting.")})
        return found

    def meeting_date(self) -> datetime.date | None:
        dependency = self.proposal.meeting_proposal
        meeting = (
            self.depends(dependency, False, "meeting")
            if dependency is not None and not dependency.is_pending
            else (self.report.meeting if self.report.meeting_id else None)
        )
        return meeting.date if meeting else None

    def owned(self, **fields) -> dict:
        return {
            "owning_unit": self.report.owning_unit,
            "classification": self.report.classification,
            **fields,
        }


# -- one handler per kind: returns the records made or confirmed, the main one first -----------


def _meeting(d: Decision) -> list:
    p = d.payload
    existing = d.visible(Meeting, p.get("meeting"), "meeting")
    if existing is not None:
        return [existing]
    host = d.visible(OrgUnit, p.get("host_unit"), "host_unit")
    if host is None:
        host = d.depends(d.proposal.unit_proposal, False, "host_unit") or d.report.owning_unit
    chair = d.depends(d.proposal.person_proposal, False, "chair")
    meeting = Meeting(
        **d.owned(
            kind=p.get("kind"),
            title=(p.get("title") or "").strip(),
            date=_date(
                p.get("date"),
                "date",
                _("The report does not say when the meeting was held: give its date."),
            ),
            period_start=_date(p.get("period_start"), "period_start"),
            period_end=_date(p.get("period_end"), "period_end"),
            review_years=p.get("review_years") or None,
            host_unit=host,
            chair=chair,
            location=p.get("location") or "",
        )
    )
    meeting.full_clean()
    meeting.save()
    return [meeting]


def _person(d: Decision) -> list:
    p = d.payload
    existing = d.visible(Person, p.get("person"), "person")
    if existing is not None:
        return [existing]
    name = (p.get("full_name") or "").strip()
    if not name:
        raise ValidationError({"full_name": _("Give the person's full name.")})
    person = Person(**d.owned(full_name=name, birth_year=p.get("birth_year") or None))
    person.full_clean()
    person.save()
    return [person]


def _rank_change(d: Decision) -> list:
    p = d.payload
    person = d.depends(d.proposal.person_proposal, True, "person")
    rank = Rank.objects.all().restrict(d.user).filter(code=p.get("rank") or "").first()
    if rank is None:
        raise ValidationError({"rank": _("Choose the rank.")})
    since = _date(p.get("since"), "since") or d.meeting_date()
    if since is None:
        raise ValidationError(
            {
                "since": _(
                    "Give the date of the rank, or accept the meeting first (its date is used)."
                )
            }
        )
    records = list(
        RankRecord.objects.all()
        .restrict(d.user)
        .filter(person=person, since__lte=since)
        .order_by("-since")[:1]
    )
    if records and records[0].rank_id == rank.pk:
        return [records[0]]  # held already that day: confirmed, nothing new
    if records and records[0].since == since:
        raise ValidationError(
            {
                "since": _("%(person)s already has another rank recorded on that day.")
                % {"person": person}
            }
        )
    record = RankRecord(
        **d.owned(person=person, rank=rank, since=since, source=d.report.title[:255])
    )
    record.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise ValidationError(
            {"since": _("%(person)s already has a rank recorded on that day.") % {"person": person}}
        ) from None
    return [record]


def _appointment(d: Decision) -> list:
    p = d.payload
    person = d.depends(d.proposal.person_proposal, True, "person")
    unit = d.visible(OrgUnit, p.get("unit"), "unit")
    if unit is None:
        unit = d.depends(d.proposal.unit_proposal, False, "unit")
    if unit is None:
        raise ValidationError({"unit": _("Choose the unit of the position.")})
    valid_from = _date(p.get("valid_from"), "valid_from") or d.meeting_date()
    if valid_from is None:
        raise ValidationError(
            {
                "valid_from": _(
                    "Give the date from which the position was held, or accept the meeting first (its date is used)."
                )
            }
        )
    position = (p.get("position") or "").strip()
    existing = (
        Appointment.objects.all()
        .restrict(d.user)
        .filter(person=person, unit=unit, position=position)
        .first()
    )
    if existing is not None:
        return [existing]
    appointment = Appointment(
        **d.owned(
            person=person,
            position=position,
            position_en=(p.get("position_en") or "").strip(),
            unit=unit,
            valid_from=valid_from,
        )
    )
    appointment.full_clean()
    appointment.save()
    return [appointment]


def _attendee(d: Decision) -> list:
    p = d.payload
    meeting = d.meeting()
    person = d.depends(d.proposal.person_proposal, True, "person")
    existing = Attendance.objects.filter(meeting=meeting, person=person).first()
    if existing is not None:
        if not visible(Attendance, d.user).filter(pk=existing.pk).exists():
            raise ValidationError(_("This attendance is recorded already."))
        return [existing]
    rank = None
    if p.get("rank"):
        rank = Rank.objects.all().restrict(d.user).filter(code=p["rank"]).first()
    attendance = Attendance(
        **d.owned(
            meeting=meeting,
            person=person,
            rank=rank,
            position=(p.get("position") or "").strip(),
            role=(p.get("role") or "").strip(),
        )
    )
    attendance.full_clean(validate_unique=False)
    attendance.save()
    return [attendance]


def _organisation(d: Decision) -> list:
    p = d.payload
    existing = d.visible(OrgUnit, p.get("unit"), "unit")
    if existing is not None:
        return [existing]
    parent = d.visible(OrgUnit, p.get("parent"), "parent")
    problems = {}
    for name, message in (
        ("code", _("Give the new unit a code, or choose an existing unit.")),
        ("name", _("Give the new unit's name.")),
        ("kind", _("Choose the kind of unit.")),
    ):
        if not (p.get(name) or "").strip():
            problems[name] = message
    if parent is None:
        problems["parent"] = _("Choose the unit the new one sits under.")
    elif not owner_units(UnitLink, d.user).filter(pk=parent.pk).exists():
        problems["parent"] = _(
            "Only administrators of %(unit)s may add units under it: choose an existing unit instead."
        ) % {"unit": parent}
    if problems:
        raise ValidationError(problems)
    unit = OrgUnit(
        code=p["code"].strip(),
        name=p["name"].strip(),
        name_en=(p.get("name_en") or "").strip(),
        abbreviation=(p.get("abbreviation") or "").strip(),
        kind=p["kind"],
        classification=d.report.classification,
    )
    unit.full_clean()
    unit.save()
    link = UnitLink(
        child=unit, parent=parent, valid_from=today(), classification=d.report.classification
    )
    link.full_clean()
    link.save()
    return [unit]


def _document(d: Decision) -> list:
    p = d.payload
    existing = d.visible(Document, p.get("document"), "document")
    if existing is not None:
        return [existing]
    document = Document(
        **d.owned(
            number=(p.get("number") or "").strip(),
            title=(p.get("title") or "").strip(),
            kind=p.get("kind") or "",
            issuer=d.visible(OrgUnit, p.get("issuer"), "issuer"),
            issue_date=_date(p.get("issue_date"), "issue_date"),
        )
    )
    problems = {}
    if document.issuer_id is None:
        problems["issuer"] = _("Choose the issuer, or choose an existing document.")
    if document.issue_date is None:
        problems["issue_date"] = _("Give the issue date, or choose an existing document.")
    try:
        document.full_clean(exclude=["issuer", "issue_date"])
    except ValidationError as error:
        problems.update(error.message_dict)
    if problems:
        raise ValidationError(problems)
    document.save()
    return [document]


def _directive(d: Decision) -> list:
    p = d.payload
    meeting = d.meeting()
    text = (p.get("text") or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the conclusion.")})
    deadline = _date(p.get("deadline"), "deadline")
    lead = d.visible(OrgUnit, p.get("lead_unit"), "lead_unit")
    if lead is not None and deadline is None:
        raise ValidationError(
            {
                "deadline": _(
                    "Give the task's deadline, or leave the lead unit empty to record the conclusion alone."
                )
            }
        )
    conclusion = Conclusion.objects.filter(meeting=meeting, text=text).first()
    if conclusion is not None and not visible(Conclusion, d.user).filter(pk=conclusion.pk).exists():
        raise ValidationError(_("This conclusion is recorded already."))
    if conclusion is None:
        try:
            conclusion = add_conclusion(d.user, meeting, text)
        except PermissionDenied as error:
            raise ValidationError(str(error)) from None
        if d.sentence and not conclusion.source_text:
            conclusion.source_text = d.sentence
            conclusion.save()
    records = [conclusion]
    if deadline is not None:
        if lead is None:
            try:
                lead = d.depends(d.proposal.unit_proposal, False, "lead_unit")
            except ValidationError:
                lead = None
        try:
            task = task_from_conclusion(
                d.user, meeting, conclusion, lead, deadline, p.get("task_title") or ""
            )
        except PermissionDenied as error:
            raise ValidationError(str(error)) from None
        records.append(task)
    return records


HANDLERS = {
    ProposalKind.MEETING: _meeting,
    ProposalKind.PERSON: _person,
    ProposalKind.RANK_CHANGE: _rank_change,
    ProposalKind.APPOINTMENT: _appointment,
    ProposalKind.ATTENDEE: _attendee,
    ProposalKind.ORGANISATION: _organisation,
    ProposalKind.DOCUMENT: _document,
    ProposalKind.DIRECTIVE: _directive,
}


# -- decisions ---------------------------------------------------------------------------------


def _locked(user, proposal: Proposal, version: int | None) -> Proposal:
    """The proposal, locked for this decision: still pending, and the user may decide on it."""
    locked = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("report", "meeting_proposal", "person_proposal", "unit_proposal")
        .get(pk=proposal.pk)
    )
    if not may_decide(user, locked.report.owning_unit_id):
        raise PermissionDenied(_("Only planners of the report's unit decide on its proposals."))
    if not locked.is_pending:
        raise ConcurrentEditError(
            _("This proposal was decided already (%(status)s).")
            % {"status": locked.get_status_display()},
            code="stale",
        )
    if version is not None and int(version) != locked.version:
        raise ConcurrentEditError(
            _("Someone else changed this proposal after you opened it. Reload the page."),
            code="stale",
        )
    return locked


def _link(proposal: Proposal, record) -> SourceLink:
    link = SourceLink(
        report=proposal.report,
        proposal=proposal,
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=record.pk,
        span_start=proposal.span_start,
        span_end=proposal.span_end,
        sentence_start=proposal.sentence_start,
        sentence_end=proposal.sentence_end,
        classification=proposal.report.classification,
    )
    link.save()
    return link


def accept(user, proposal: Proposal, values: dict | None = None, version: int | None = None):
    """Accept a proposal, with corrected `values` if given. Returns the main record.

    Raises PermissionDenied (not a planner of the unit), ConcurrentEditError (decided or changed
    meanwhile) or ValidationError naming what is missing; nothing is written then."""
    with transaction.atomic():
        locked = _locked(user, proposal, version)
        payload = {**locked.payload, **(values or {})}
        records = HANDLERS[locked.kind](Decision(user, locked, payload))
        main = records[0]
        locked.payload = payload
        locked.status = ProposalStatus.CORRECTED if values else ProposalStatus.ACCEPTED
        locked.record_type = ContentType.objects.get_for_model(type(main))
        locked.record_id = main.pk
        locked.decided_by = user if getattr(user, "pk", None) else None
        locked.decided_at = timezone.now()
        locked.save()
        for record in records:
            _link(locked, record)
        if locked.kind == ProposalKind.MEETING and locked.report.meeting_id is None:
            report = locked.report
            report.meeting = main
            report.save()
    proposal.refresh_from_db()
    return main


def reject(user, proposal: Proposal, note: str = "", version: int | None = None) -> Proposal:
    with transaction.atomic():
        locked = _locked(user, proposal, version)
        locked.status = ProposalStatus.REJECTED
        locked.note = (note or "").strip()
        locked.decided_by = user if getattr(user, "pk", None) else None
        locked.decided_at = timezone.now()
        locked.save()
    proposal.refresh_from_db()
    return proposal


def accept_all(user, report: Report) -> tuple[list[Proposal], list[tuple[Proposal, list[str]]]]:
    """Accept every pending proposal of a report that can be accepted as it stands, those that
    others depend on first. Returns (accepted, [(proposal, what stopped it)])."""
    if not may_decide(user, report.owning_unit_id):
        raise PermissionDenied(_("Only planners of the report's unit decide on its proposals."))
    order = {kind: n for n, kind in enumerate(KIND_ORDER)}
    pending = sorted(
        report.proposals.filter(status=ProposalStatus.PENDING),
        key=lambda p: (order[p.kind], p.sequence, p.pk),
    )
    accepted, problems = [], []
    for proposal in pending:
        try:
            accept(user, proposal)
        except (ValidationError, PermissionDenied) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            problems.append((proposal, messages))
        else:
            accepted.append(proposal)
    return accepted, problems
