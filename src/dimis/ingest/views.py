"""The review queue: reports under the user's units with their pending counts, a report's
proposals each beside its source sentence, and the decisions (accept, correct, reject) that
planners of the host unit take, one proposal at a time with htmx or all at once.

Rows are reached only through `restrict()`: a report or proposal outside the user's grants is a
404 on every page and action; one the user may see but not decide on is a 403 for the actions.
"""

from __future__ import annotations

import contextlib
import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from dimis.directives.models import DocumentKind
from dimis.framework.choices_for import visible
from dimis.framework.models import ConcurrentEditError
from dimis.framework.registry import registry
from dimis.framework.views import ObjectDetailView, ObjectListView
from dimis.meetings.models import MeetingKind
from dimis.org.models import Rank, UnitKind

from . import accept as decisions
from .access import may_decide, planner_units
from .errors import IngestError
from .forms import FORMS, UploadForm, correction_form
from .models import KIND_ORDER, Proposal, ProposalKind, ProposalStatus, Report
from .proposals import ingest_source
from .sources import read_bytes, read_text

STATUS_BADGES = {
    ProposalStatus.PENDING: "warning",
    ProposalStatus.ACCEPTED: "success",
    ProposalStatus.CORRECTED: "info",
    ProposalStatus.REJECTED: "secondary",
}


def highlight(text: str, start: int, end: int, sentence_start: int, sentence_end: int) -> str:
    """The sentence with the span marked. The text is untrusted: every part is escaped."""
    sentence_start = max(0, min(sentence_start, start, len(text)))
    sentence_end = min(len(text), max(sentence_end, end))
    start, end = max(start, sentence_start), min(end, sentence_end)
    before = text[sentence_start:start]
    marked = text[start:end]
    after = text[end:sentence_end]
    html = escape(before.lstrip())
    if marked:
        html += mark_safe("<mark>") + escape(marked) + mark_safe("</mark>")
    return mark_safe(html + escape(after.rstrip()))


@dataclass
class Card:
    """A proposal as the review page shows it."""

    proposal: Proposal
    sentence: str
    matched: object | None  # the record reading found, if the user may see it
    matched_hidden: bool  # a match exists but the user may not see it
    record: object | None
    record_hidden: bool
    badge: str
    may_decide: bool
    decider: object | None = None  # who decided, if the user may see that user
    values: list | None = None  # the proposed values worth seeing before deciding: (label, text)
    form: object | None = None
    errors: list | None = None

    @property
    def pk(self):
        return self.proposal.pk


def _records(pairs, user) -> dict:
    """{(content type id, id): record} for the records the user may see: one query per type."""
    wanted = defaultdict(set)
    for type_id, pk in pairs:
        if type_id and pk:
            wanted[type_id].add(pk)
    found = {}
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        for record in visible(model, user).filter(pk__in=ids):
            found[(type_id, record.pk)] = record
    return found


# The proposed values a card shows, by kind (the correction form shows them all).
SHOWN_VALUES = {
    ProposalKind.MEETING: ["kind", "title", "date", "period_start", "period_end"],
    ProposalKind.PERSON: ["full_name"],
    ProposalKind.RANK_CHANGE: ["rank", "since"],
    ProposalKind.APPOINTMENT: ["position", "valid_from"],
    ProposalKind.ATTENDEE: ["rank", "position", "role"],
    ProposalKind.ORGANISATION: ["code", "kind"],
    ProposalKind.DOCUMENT: ["number", "kind"],
    ProposalKind.DIRECTIVE: ["asker", "addressee", "text", "deadline"],
}
CHOICES = {
    ProposalKind.MEETING: dict(MeetingKind.choices),
    ProposalKind.ORGANISATION: dict(UnitKind.choices),
    ProposalKind.DOCUMENT: dict(DocumentKind.choices),
}


def _values(proposal: Proposal, ranks: dict) -> list[tuple[str, str]]:
    fields = FORMS[proposal.kind].base_fields
    labels = {"asker": _("Asked by"), "addressee": _("Asked of")}
    shown = []
    for name in SHOWN_VALUES[proposal.kind]:
        value = proposal.payload.get(name)
        if value in (None, ""):
            continue
        if name == "rank":
            value = ranks.get(value, value)
        elif name == "kind":
            value = CHOICES[proposal.kind].get(value, value)
        elif name in ("date", "since", "valid_from", "deadline", "period_start", "period_end"):
            with contextlib.suppress(TypeError, ValueError):
                value = date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        label = labels.get(name) or (fields[name].label if name in fields else name)
        shown.append((label, str(value)))
    if proposal.kind == ProposalKind.PERSON and (proposal.payload.get("candidates") or 0) > 1:
        shown.append((_("Note"), _("Several people have this name: choose one in the correction.")))
    return shown


def cards(proposals, report_texts: dict, user, deciding: dict) -> list[Card]:
    proposals = list(proposals)
    ranks = {}
    if any(p.kind in (ProposalKind.RANK_CHANGE, ProposalKind.ATTENDEE) for p in proposals):
        ranks = {r.code: str(r) for r in Rank.objects.all().restrict(user)}
    records = _records(
        [(p.matched_type_id, p.matched_id) for p in proposals]
        + [(p.record_type_id, p.record_id) for p in proposals],
        user,
    )
    deciders = {p.decided_by_id for p in proposals} - {None}
    seen_users = (
        {u.pk: u for u in visible(get_user_model(), user).filter(pk__in=deciders)}
        if deciders
        else {}
    )
    out = []
    for p in proposals:
        matched = records.get((p.matched_type_id, p.matched_id))
        record = records.get((p.record_type_id, p.record_id))
        out.append(
            Card(
                proposal=p,
                sentence=highlight(
                    report_texts[p.report_id],
                    p.span_start,
                    p.span_end,
                    p.sentence_start,
                    p.sentence_end,
                ),
                matched=matched,
                matched_hidden=bool(p.matched_id) and matched is None,
                record=record,
                record_hidden=bool(p.record_id) and record is None,
                badge=STATUS_BADGES[p.status],
                may_decide=p.is_pending and deciding.get(p.report_id, False),
                decider=seen_users.get(p.decided_by_id),
                values=_values(p, ranks),
            )
        )
    return out


def proposals_of(user):
    return (
        Proposal.objects.all()
        .restrict(user)
        .select_related("meeting_proposal", "person_proposal", "unit_proposal")
    )


class ReportListView(ObjectListView):
    """The queue: reports under the user's units, newest first, with their pending counts."""

    template_name = "ingest/report_list.html"
    table_template = "ingest/_report_table.html"

    def restricted(self, action=None):
        def count(**where):
            rows = Proposal.objects.filter(report=OuterRef("pk"), **where).order_by()
            return Coalesce(
                Subquery(rows.values("report").annotate(n=Count("pk")).values("n")[:1]),
                0,
            )

        return (
            super()
            .restricted(action)
            .annotate(pending_count=count(status=ProposalStatus.PENDING), proposal_count=count())
        )

    def context(self, **extra):
        ctx = super().context(**extra)
        ctx["may_upload"] = planner_units(self.request.user).exists()
        return ctx


class ReportDetailView(ObjectDetailView):
    """A report's proposals, grouped by kind, each beside its sentence."""

    template_name = "ingest/report_detail.html"

    def context(self, **extra):
        ctx = super().context(**extra)
        ctx["can_change"] = ctx["can_delete"] = False  # decisions, not generic edits
        report = extra.get("object")
        if report is None:
            return ctx
        user = self.request.user
        deciding = may_decide(user, report.owning_unit_id)
        proposals = list(proposals_of(user).filter(report=report))
        for proposal in proposals:
            proposal.report = report  # one report: not joined into every row
        shown = cards(proposals, {report.pk: report.text}, user, {report.pk: deciding})
        groups = {kind: [] for kind in KIND_ORDER}
        for card in shown:
            groups[card.proposal.kind].append(card)
        counts = defaultdict(int)
        for card in shown:
            counts[card.proposal.status] += 1
        ctx.update(
            groups=[(ProposalKind(k).label, k, cs) for k, cs in groups.items() if cs],
            counts=[(ProposalStatus(s).label, counts[s], STATUS_BADGES[s]) for s in ProposalStatus],
            pending=counts[ProposalStatus.PENDING],
            may_decide=deciding,
        )
        return ctx


class ProposalDetailView(ObjectDetailView):
    """One proposal: its sentence, what it matched, its fate and the actions."""

    template_name = "ingest/proposal_detail.html"

    def context(self, **extra):
        ctx = super().context(**extra)
        ctx["can_change"] = ctx["can_delete"] = False
        proposal = extra.get("object")
        if proposal is not None:
            report = proposal.report
            deciding = may_decide(self.request.user, report.owning_unit_id)
            ctx["card"] = cards(
                [proposal], {report.pk: report.text}, self.request.user, {report.pk: deciding}
            )[0]
        return ctx


# -- decisions ---------------------------------------------------------------------------------


def _defaults(proposal: Proposal, user) -> dict:
    """Initial values a correction form takes from what the proposal depends on."""
    unit = proposal.unit_proposal
    found = None
    if unit is not None:
        if unit.accepted:
            found = decisions.accepted_record(unit, user)
        elif unit.is_pending and unit.matched_id:
            found = decisions.matched_record(unit, user)
    defaults = {}
    if found is not None:
        name = {
            ProposalKind.MEETING: "host_unit",
            ProposalKind.APPOINTMENT: "unit",
            ProposalKind.DIRECTIVE: "lead_unit",
        }.get(proposal.kind)
        if name:
            defaults[name] = found.pk
    if proposal.kind == ProposalKind.MEETING and "host_unit" not in defaults:
        defaults["host_unit"] = proposal.report.owning_unit_id
    return defaults


class ProposalActionView(View):
    """accept, correct or reject one proposal (htmx swaps the proposal's card)."""

    action = "accept"

    def dispatch(self, request, pk):
        self.proposal = proposals_of(request.user).select_related("report").filter(pk=pk).first()
        if self.proposal is None:
            raise Http404(_("No such record, or you may not see it."))
        self.htmx = bool(request.headers.get("HX-Request"))
        return super().dispatch(request, pk)

    def get(self, request, pk):
        if self.action != "correct":
            return HttpResponseNotAllowed(["POST"])
        self.check()
        if not self.proposal.is_pending:
            return self.show(
                errors=[
                    _("This proposal was decided already (%(status)s).")
                    % {"status": self.proposal.get_status_display()}
                ]
            )
        return self.show(form=self.form())

    def check(self):
        if not may_decide(self.request.user, self.proposal.report.owning_unit_id):
            raise PermissionDenied(
                _("You may see these proposals, but only planners of the unit decide on them.")
            )

    def form(self, data=None):
        return correction_form(
            self.proposal,
            self.request.user,
            data,
            defaults=_defaults(self.proposal, self.request.user),
        )

    def form_with(self, error: ValidationError):
        """The correction form filled with the proposal's values and the acceptance's errors."""
        unbound = self.form()
        values = {name: unbound[name].value() for name in unbound.fields}
        form = self.form({k: v for k, v in values.items() if v is not None})
        form.full_clean()
        form.errors.clear()  # only what stopped the acceptance
        _add_errors(form, error)
        return form

    def card(self, form=None, errors=None) -> Card:
        p = self.proposal
        deciding = may_decide(self.request.user, p.report.owning_unit_id)
        card = cards([p], {p.report_id: p.report.text}, self.request.user, {p.report_id: deciding})[
            0
        ]
        card.form, card.errors = form, errors
        return card

    def show(self, form=None, errors=None, status=200):
        card = self.card(form, errors)
        if self.htmx:
            return render(self.request, "ingest/_proposal.html", {"card": card}, status=200)
        return render(
            self.request,
            "ingest/proposal_correct.html",
            {"card": card, "report": self.proposal.report},
            status=status,
        )

    def done(self, message):
        if self.htmx:
            self.proposal = (
                proposals_of(self.request.user).select_related("report").get(pk=self.proposal.pk)
            )
            return self.show()
        messages.success(self.request, message)
        return redirect(self.proposal.report.get_absolute_url() + f"#proposal-{self.proposal.pk}")

    def stale(self, error):
        if self.htmx:
            self.proposal = (
                proposals_of(self.request.user).select_related("report").get(pk=self.proposal.pk)
            )
            return self.show(errors=error.messages)
        messages.error(self.request, " ".join(error.messages))
        return redirect(self.proposal.report.get_absolute_url())

    def post(self, request, pk):
        self.check()
        version = request.POST.get("version") or None
        try:
            if self.action == "reject":
                decisions.reject(request.user, self.proposal, request.POST.get("note", ""), version)
                return self.done(_("Rejected: %(p)s") % {"p": self.proposal})
            if self.action == "accept":
                try:
                    decisions.accept(request.user, self.proposal, version=version)
                except ValidationError as error:
                    # What is missing is asked for in the correction form.
                    return self.show(form=self.form_with(error), status=400)
                return self.done(_("Accepted: %(p)s") % {"p": self.proposal})
            form = self.form(request.POST)
            if not form.is_valid():
                return self.show(form=form, status=400)
            try:
                decisions.accept(request.user, self.proposal, form.payload(), version=version)
            except ValidationError as error:
                _add_errors(form, error)
                return self.show(form=form, status=400)
            return self.done(_("Corrected and accepted: %(p)s") % {"p": self.proposal})
        except ConcurrentEditError as error:
            return self.stale(error)


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                for message in item.messages:
                    form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class AcceptAllView(View):
    """Accept every pending proposal of a report that can be accepted as it stands."""

    def post(self, request, pk):
        report = Report.objects.all().restrict(request.user).filter(pk=pk).first()
        if report is None:
            raise Http404(_("No such record, or you may not see it."))
        if not may_decide(request.user, report.owning_unit_id):
            raise PermissionDenied(
                _("You may see these proposals, but only planners of the unit decide on them.")
            )
        accepted, problems = decisions.accept_all(request.user, report)
        messages.success(
            request,
            ngettext("Accepted %(n)s proposal.", "Accepted %(n)s proposals.", len(accepted))
            % {"n": len(accepted)},
        )
        if problems:
            messages.warning(
                request,
                ngettext(
                    "%(n)s proposal needs a correction or a decision first.",
                    "%(n)s proposals need a correction or a decision first.",
                    len(problems),
                )
                % {"n": len(problems)},
            )
        return redirect(report.get_absolute_url())

    def get(self, request, pk):
        if not Report.objects.all().restrict(request.user).filter(pk=pk).exists():
            raise Http404(_("No such record, or you may not see it."))
        return HttpResponseNotAllowed(["POST"])


# -- upload ------------------------------------------------------------------------------------


class UploadView(View):
    """Paste a report or upload its file: it is read, extracted and queued for a unit."""

    template_name = "ingest/upload.html"

    def dispatch(self, request, *args, **kwargs):
        if not planner_units(request.user).exists():
            raise PermissionDenied(_("Only planners ingest conference reports."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.page(UploadForm(user=request.user))

    def page(self, form, status=200, error=""):
        return render(
            request=self.request,
            template_name=self.template_name,
            context={"form": form, "error": error, "list_url": registry.get(Report).url("list")},
            status=status,
        )

    def post(self, request):
        try:
            data, files = request.POST, request.FILES
        except RequestDataTooBig:
            return self.page(
                UploadForm(user=request.user),
                status=400,
                error=_("The pasted text is too large for a form: upload it as a file instead."),
            )
        form = UploadForm(data, files, user=request.user)
        if not form.is_valid():
            return self.page(form, status=400)
        cleaned = form.cleaned_data
        try:
            if cleaned.get("file"):
                upload = cleaned["file"]
                source = read_bytes(upload.name, upload.read())
            else:
                source = read_text(cleaned["text"])
        except IngestError as error:
            form.add_error("file" if cleaned.get("file") else "text", str(error))
            return self.page(form, status=400)
        report, created = ingest_source(
            request.user,
            cleaned["unit"],
            source,
            cleaned["classification"],
            cleaned.get("title") or "",
        )
        if created:
            count = report.proposals.count()
            messages.success(
                request,
                ngettext(
                    "Read %(report)s: %(n)s proposal waits for review.",
                    "Read %(report)s: %(n)s proposals wait for review.",
                    count,
                )
                % {"report": report, "n": count},
            )
        else:
            messages.info(
                request,
                _("This text was ingested for the unit already: nothing new was proposed."),
            )
        if not Report.objects.all().restrict(request.user).filter(pk=report.pk).exists():
            return redirect(registry.get(Report).url("list"))
        return redirect(report.get_absolute_url())
