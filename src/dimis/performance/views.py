"""The dashboard: targets against actuals for a subtree and a period, its trend and its export."""

import datetime

from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from dimis.framework.access import today
from dimis.framework.tabular import csv_stream, xlsx_bytes
from dimis.org.models import OrgUnit

from . import dashboard, periods
from .models import Period, period_as_of


def _scope(request):
    """(units the user sees, the chosen unit, the period or None, the period code, an error)."""
    user = request.user
    units = OrgUnit.objects.all().restrict(user)
    raw = request.GET.get("unit", "")
    unit = units.filter(pk=raw).first() if raw.isdigit() else None
    unit = unit or units.highest()
    code = (request.GET.get("period") or str(today().year)).strip().upper()
    error, period = "", None
    try:
        parsed = periods.parse(code)
    except periods.PeriodCodeError as problem:
        error = str(problem)
    else:
        # Never stored, so nothing was reported for it: an empty dashboard, not an error.
        (period,) = Period.objects.stored_or_unsaved([parsed])
    return units, unit, period, code, error


def dashboard_view(request):
    units, unit, period, code, error = _scope(request)
    board = None
    if unit is not None and period is not None:
        board = (
            dashboard.build(request.user, unit, period)
            if period.pk
            else dashboard.Dashboard(unit, period, period_as_of(period), [], None)
        )
    return render(
        request,
        "performance/dashboard.html",
        {
            "board": board,
            "unit": unit,
            "units": units.order_by("code"),
            "period_code": code,
            "error": error,
            "export_query": request.GET.urlencode(),
        },
    )


def dashboard_trend(request):
    units, unit, period, code, error = _scope(request)
    if unit is None or period is None:
        raise Http404(error or _("No unit to show."))
    return JsonResponse(dashboard.trend(request.user, unit, period))


def _export_rows(board):
    for panel in board.panels:
        indicator = panel.indicator
        for line in [panel.total, *panel.units]:
            yield [
                indicator.code,
                str(indicator),
                line.unit.code,
                str(line.unit)
                if line is not panel.total
                else _("%(unit)s (whole subtree)") % {"unit": line.unit},
                board.period.code,
                line.actual.value,
                line.target.value if line.target else None,
                line.target.basis if line.target else "",
                round(float(line.ratio) * 100, 1) if line.ratio is not None else None,
                line.rag,
                line.actual.as_of.isoformat() if line.actual.as_of else "",
            ]


EXPORT_HEADER = [
    "indicator_code",
    "indicator",
    "unit_code",
    "unit",
    "period",
    "actual",
    "target",
    "target_basis",
    "achievement_percent",
    "rag",
    "data_as_of",
]


def dashboard_export(request, fmt):
    units, unit, period, code, error = _scope(request)
    if unit is None or period is None:
        raise Http404(error or _("No unit to show."))
    board = dashboard.build(request.user, unit, period) if period.pk else None
    rows = list(_export_rows(board)) if board else []
    name = f"dashboard-{unit.code}-{period.code}-{datetime.date.today():%Y%m%d}"
    if fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes(_("Dashboard"), EXPORT_HEADER, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = StreamingHttpResponse(
        csv_stream(EXPORT_HEADER, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


urlpatterns = [
    path("dashboard/", dashboard_view, name="performance-dashboard"),
    path("dashboard/trend/", dashboard_trend, name="performance-dashboard-trend"),
    path(
        "dashboard/export.csv", dashboard_export, {"fmt": "csv"}, name="performance-dashboard-csv"
    ),
    path(
        "dashboard/export.xlsx",
        dashboard_export,
        {"fmt": "xlsx"},
        name="performance-dashboard-xlsx",
    ),
]
