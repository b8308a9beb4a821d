"""Data entry, workbook template, submission workflow and the approver's inbox.

Every figure goes through `values.write_values()`; every state change through `workflow`. Pages
read a unit's year, or the inbox, in a fixed handful of set-based queries.
"""

import json
from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.formats import get_format
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dimis.framework.access import today
from dimis.framework.tabular import human_size
from dimis.framework.views import ObjectDetailView
from dimis.org.models import OrgUnit

from . import periods, workflow
from .models import (
    APPROVING_ROLES,
    REPORTING_ROLES,
    DataSubmission,
    Indicator,
    Period,
    SubmissionStatus,
    Value,
    ValueAudit,
    ValueBatch,
)
from .validation import check, rules_touching, show_number, violations
from .values import ValuesRejected, parse_number, write_values
from .workbook import (
    Cell,
    Column,
    WorkbookError,
    WorkbookRejected,
    build_template,
    read_upload,
    reporting_units,
    year_sheets,
)

STATUS_BADGES = {
    SubmissionStatus.DRAFT: "secondary",
    SubmissionStatus.SUBMITTED: "warning",
    SubmissionStatus.APPROVED: "success",
}


# -- helpers ------------------------------------------------------------------------------------


def _reporting_unit(user, raw) -> OrgUnit:
    """The unit asked for, if the user reports for it; 404 alike for unknown and not theirs."""
    unit = reporting_units(user).filter(pk=raw).first() if str(raw or "").isdigit() else None
    if unit is None:
        raise Http404(_("No such unit, or you do not report for it."))
    return unit


def _year(raw) -> int:
    try:
        year = int(raw)
    except (TypeError, ValueError):
        return today().year
    return year if periods.MIN_YEAR <= year <= periods.MAX_YEAR else today().year


def _entry_url(unit, year) -> str:
    return reverse("performance-entry") + "?" + urlencode({"unit": unit.pk, "year": year})


def _next_url(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def grid_text(text: str) -> str:
    """What was typed into a cell, read as the user's locale writes a decimal point.

    A single comma is the decimal point where the locale says so ("12,5" in Vietnamese); a point
    always is. Anything else goes to parse_number as typed, which names what it cannot read."""
    text = (text or "").strip()
    if get_format("DECIMAL_SEPARATOR") == "," and text.count(",") == 1 and "." not in text:
        return text.replace(",", ".")
    return text


def cell_context(unit, cell: Cell) -> dict:
    return {
        "unit": unit,
        "cell": cell,
        "post_data": json.dumps(
            {"unit": unit.pk, "indicator": cell.indicator.code, "period": cell.column.code}
        ),
        "history_url": reverse("performance-entry-history")
        + "?"
        + urlencode(
            {"unit": unit.pk, "indicator": cell.indicator.code, "period": cell.column.code}
        ),
    }


# -- the grid -----------------------------------------------------------------------------------


@require_GET
def entry_view(request):
    """One unit's year: a table per reporting period type, cells saved one by one with htmx."""
    user = request.user
    units = list(reporting_units(user).order_by("code"))
    year = _year(request.GET.get("year"))
    if "unit" in request.GET:
        unit = next((u for u in units if str(u.pk) == request.GET["unit"]), None)
        if unit is None:
            raise Http404(_("No such unit, or you do not report for it."))
    else:
        unit = units[0] if units else None
    data = year_sheets(user, unit, year) if unit else None
    tables = []
    if data:
        for sheet in data.sheets:
            rows = [
                (row.indicator, [cell_context(unit, cell) for cell in row.cells])
                for row in sheet.rows
            ]
            tables.append((sheet, rows))
    return render(
        request,
        "performance/entry.html",
        {
            "units": units,
            "unit": unit,
            "year": year,
            "data": data,
            "tables": tables,
            "min_year": periods.MIN_YEAR,
            "max_year": periods.MAX_YEAR,
        },
    )


def _column(unit, period_code: str, period: Period | None) -> Column:
    submission = DataSubmission.objects.filter(unit=unit, period=period).first() if period else None
    label = period.label if period else periods.label(periods.parse(period_code))
    return Column(period_code, label, period, submission)


@require_POST
def cell_view(request):
    """Save one cell through write_values and answer with the cell: its error, or its flags."""
    user = request.user
    unit = _reporting_unit(user, request.POST.get("unit"))
    indicator = (
        Indicator.objects.all()
        .restrict(user)
        .filter(code=request.POST.get("indicator", ""))
        .first()
    )
    if indicator is None:
        raise Http404(_("Unknown indicator."))
    try:
        code = periods.parse(request.POST.get("period", "")).code
    except periods.PeriodCodeError as error:
        return HttpResponseBadRequest(str(error))
    typed = request.POST.get("value", "")
    text = grid_text(typed)
    stored = Value.objects.filter(unit=unit, indicator=indicator, period__code=code).first()
    old = stored.value if stored else None
    error, status = "", 200
    try:
        new = parse_number(text) if text else None
    except ValueError:
        new = None  # write_values names what is wrong with it
        changed = True
    else:
        changed = new != old
    if changed:
        try:
            write_values(
                user,
                [
                    (
                        1,
                        indicator.code,
                        unit.code,
                        code,
                        text or None,
                        stored.comment if stored else "",
                    )
                ],
                kind=ValueBatch.Kind.ENTRY,
            )
        except ValuesRejected as rejected:
            error = "; ".join(e.message for e in rejected.errors)
            status = 422
    period = Period.objects.filter(code=code).first()
    cell = Cell(indicator, _column(unit, code, period))
    if error:
        cell.value, cell.error, cell.typed = old, error, typed
    else:
        cell.value = new
        cell.saved = changed
        if new is not None and period is not None:
            cell.flags = violations(unit.pk, period, {indicator.pk: new}, user=user)
    return render(request, "performance/entry_cell.html", cell_context(unit, cell), status=status)


@require_POST
def column_action_view(request):
    """Submit a unit's figures for a period, or withdraw them (workflow.submit / withdraw)."""
    user = request.user
    unit = _reporting_unit(user, request.POST.get("unit"))
    try:
        parsed = periods.parse(request.POST.get("period", ""))
    except periods.PeriodCodeError as error:
        return HttpResponseBadRequest(str(error))
    action = request.POST.get("action")
    period = Period.objects.for_code(parsed.code)
    names = {"unit": unit.display_name, "period": period.label}
    try:
        if action == "submit":
            workflow.submit(user, unit.pk, period.pk)
            messages.success(
                request, _("Submitted the figures of %(unit)s for %(period)s.") % names
            )
        elif action == "withdraw":
            submission = DataSubmission.objects.filter(unit=unit, period=period).first()
            if submission is None:
                raise ValidationError(_("Only submitted figures can be withdrawn."))
            workflow.withdraw(user, submission)
            messages.success(request, _("Withdrew the figures of %(unit)s for %(period)s.") % names)
        else:
            return HttpResponseBadRequest(_("Unknown action."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(_next_url(request, _entry_url(unit, parsed.start.year)))


# -- cell history -------------------------------------------------------------------------------


@require_GET
def history_view(request):
    """The current figure of a cell and every earlier one, for units the user may see."""
    user = request.user
    raw = request.GET.get("unit", "")
    unit = OrgUnit.objects.all().restrict(user).filter(pk=raw).first() if raw.isdigit() else None
    indicator = (
        Indicator.objects.all().restrict(user).filter(code=request.GET.get("indicator", "")).first()
    )
    if unit is None or indicator is None:
        raise Http404(_("No such figure, or you may not see it."))
    try:
        code = periods.parse(request.GET.get("period", "")).code
    except periods.PeriodCodeError as error:
        raise Http404(str(error)) from error
    period = Period.objects.filter(code=code).first()
    current, audits = None, []
    if period is not None:
        current = (
            Value.objects.all()
            .restrict(user)
            .filter(unit=unit, indicator=indicator, period=period)
            .first()
        )
        audits = list(
            ValueAudit.objects.filter(unit=unit, indicator=indicator, period=period)
            .select_related("batch")
            .order_by("-batch__time", "-pk")
        )
    context = {
        "unit": unit,
        "indicator": indicator,
        "period_label": period.label if period else periods.label(periods.parse(code)),
        "current": current,
        "current_text": show_number(current.value) if current else "",
        "audits": [
            (
                audit,
                show_number(audit.previous_value),
                None if audit.new_value is None else show_number(audit.new_value),
            )
            for audit in audits
        ],
    }
    template = (
        "performance/entry_history_panel.html"
        if request.headers.get("HX-Request")
        else "performance/entry_history.html"
    )
    return render(request, template, context)


# -- the workbook -------------------------------------------------------------------------------


@require_GET
def template_view(request):
    unit = _reporting_unit(request.user, request.GET.get("unit"))
    year = _year(request.GET.get("year"))
    response = HttpResponse(
        build_template(request.user, unit, year),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="dimis-{unit.code}-{year}.xlsx"'
    return response


def upload_view(request):
    """Upload a filled template: all figures or none; "check only" writes nothing."""
    user = request.user
    units = list(reporting_units(user).order_by("code"))
    context = {
        "units": units,
        "unit": next((u for u in units if str(u.pk) == request.GET.get("unit")), None),
        "year": _year(request.GET.get("year")),
        "max_size": human_size(settings.DIMIS_IMPORT_MAX_BYTES),
    }
    if request.method == "GET":
        return render(request, "performance/entry_upload.html", context)
    if request.method != "POST":
        return HttpResponse(status=405)
    upload = request.FILES.get("file")
    dry_run = bool(request.POST.get("dry_run"))
    context["dry_run"] = dry_run
    if upload is None:
        context["errors"] = [_("Choose a filled XLSX template to upload.")]
        return render(request, "performance/entry_upload.html", context, status=400)
    try:
        outcome = read_upload(user, upload, dry_run=dry_run)
    except WorkbookError as error:
        context["errors"] = [str(error)]
        return render(request, "performance/entry_upload.html", context, status=400)
    except WorkbookRejected as rejected:
        context["errors"] = [str(e) for e in rejected.errors]
        context["more_errors"] = rejected.error_count - len(rejected.errors)
        return render(request, "performance/entry_upload.html", context, status=400)
    context["outcome"] = outcome
    context["changes"] = [
        (
            item.ref,
            item.change,
            "" if item.change.old is None else show_number(item.change.old),
            None if item.change.new is None else show_number(item.change.new),
        )
        for item in outcome.changes
    ]
    context["file_name"] = upload.name
    return render(request, "performance/entry_upload.html", context)


# -- the workflow -------------------------------------------------------------------------------


class SubmissionDetailView(ObjectDetailView):
    """A unit's figures for a period with their flags, and the workflow's actions."""

    template_name = "performance/submission_detail.html"

    def context(self, **extra):
        ctx = super().context(**extra)
        # The generic edit and delete would step around the workflow; its actions are below.
        ctx["can_change"] = ctx["can_delete"] = False
        submission = extra.get("object")
        if submission is None:
            return ctx
        user = self.request.user
        indicators = list(
            Indicator.objects.all().restrict(user).filter(period_type=submission.period.period_type)
        )
        stored = {
            v.indicator_id: v
            for v in Value.objects.all()
            .restrict(user)
            .filter(unit_id=submission.unit_id, period_id=submission.period_id)
        }
        figures = {pk: v.value for pk, v in stored.items()}
        flags = defaultdict(list)
        for violation in violations(submission.unit_id, submission.period_id, figures, user):
            flags[violation.indicator_id].append(violation)
        ctx["rows"] = [
            (
                i,
                stored.get(i.pk),
                show_number(stored[i.pk].value) if i.pk in stored else "",
                flags.get(i.pk, []),
            )
            for i in indicators
        ]
        ctx["value_count"] = len(stored)
        ctx["flag_count"] = sum(len(f) for f in flags.values())
        status = submission.status
        approver = workflow.covers(user, submission.unit_id, APPROVING_ROLES)
        ctx["badge"] = STATUS_BADGES[status]
        ctx["may_approve"] = status == SubmissionStatus.SUBMITTED and workflow.may_approve(
            user, submission
        )
        ctx["may_send_back"] = status != SubmissionStatus.DRAFT and approver
        ctx["may_withdraw"] = status == SubmissionStatus.SUBMITTED and workflow.covers(
            user, submission.unit_id, REPORTING_ROLES
        )
        ctx["entry_url"] = _entry_url(submission.unit, submission.period.start_date.year)
        return ctx

    def post(self, request, pk):
        submission = self.get_object(pk)
        action = request.POST.get("action")
        names = {"unit": submission.unit.display_name, "period": submission.period.label}
        try:
            if action == "approve":
                workflow.approve(request.user, submission)
                messages.success(
                    request, _("Approved the figures of %(unit)s for %(period)s.") % names
                )
            elif action == "send_back":
                workflow.send_back(request.user, submission, request.POST.get("reason", ""))
                messages.success(
                    request, _("Sent the figures of %(unit)s for %(period)s back.") % names
                )
            elif action == "withdraw":
                workflow.withdraw(request.user, submission)
                messages.success(
                    request, _("Withdrew the figures of %(unit)s for %(period)s.") % names
                )
            else:
                return HttpResponseBadRequest(_("Unknown action."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect(_next_url(request, submission.get_absolute_url()))


@require_GET
def inbox_view(request):
    """Submissions waiting for the user's approval, with their number of figures and flags."""
    user = request.user
    submissions = list(workflow.inbox(user))
    indicators = {i.pk: i for i in Indicator.objects.all().restrict(user)}
    rules = rules_touching(indicators)
    figures: dict[tuple[int, int], dict] = defaultdict(dict)
    keys = {(s.unit_id, s.period_id) for s in submissions}
    if keys:
        # A superset (every unit × every period of the inbox), narrowed to the inbox's pairs.
        for unit_id, period_id, indicator_id, value in (
            Value.objects.all()
            .restrict(user)
            .filter(
                unit_id__in={u for u, _p in keys},
                period_id__in={p for _u, p in keys},
                indicator_id__in=list(indicators),
            )
            .values_list("unit_id", "period_id", "indicator_id", "value")
        ):
            if (unit_id, period_id) in keys:
                figures[unit_id, period_id][indicator_id] = value
    rows = []
    for submission in submissions:
        mine = figures.get((submission.unit_id, submission.period_id), {})
        flag_count = len(check(mine, {}, indicators, rules))
        rows.append((submission, len(mine), flag_count))
    return render(
        request, "performance/inbox.html", {"rows": rows, "inbox_url": reverse("performance-inbox")}
    )


urlpatterns: list = [
    path("entry/", entry_view, name="performance-entry"),
    path("entry/cell/", cell_view, name="performance-entry-cell"),
    path("entry/column/", column_action_view, name="performance-entry-column"),
    path("entry/history/", history_view, name="performance-entry-history"),
    path("entry/template.xlsx", template_view, name="performance-entry-template"),
    path("entry/upload/", upload_view, name="performance-entry-upload"),
    path("inbox/", inbox_view, name="performance-inbox"),
]
