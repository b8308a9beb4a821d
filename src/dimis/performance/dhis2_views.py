"""DHIS2 dataValueSets interchange: the exchange page and the DHIS2-compatible API endpoint.

    GET  /api/dataValueSets[.json|.csv]?orgUnit=CODE&children=true&period=2023&period=2024Q1
                                        &startDate=2023-01-01&endDate=2023-12-31&dataElement=CODE
    POST /api/dataValueSets[?dryRun=true]   body: JSON (application/json) or CSV (text/csv)

As in DHIS2, `children` defaults to false: only the named unit's own values.
"""

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from dimis.core.actor import Actor, _current
from dimis.org.models import OrgUnit

from . import dhis2
from .models import Indicator
from .values import ValuesRejected

CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
}
BODY_FORMATS = {"application/json": "json", "text/csv": "csv", "application/csv": "csv"}


def _is_true(text) -> bool:
    return str(text or "").strip().lower() in ("true", "1", "on", "yes")


def _number(number):
    return None if number is None else dhis2.plain_number(number)


def _where(error) -> str:
    where = _("Row %(line)s") % {"line": error.line} if error.line else _("Input")
    return f"{where}, {error.field}"


def import_summary(result) -> dict:
    """A DHIS2-like import summary of a write (or of a dry run)."""
    return {
        "status": "SUCCESS",
        "dryRun": result.dry_run,
        "importCount": {
            "imported": result.created,
            "updated": result.updated,
            "deleted": result.deleted,
            "ignored": result.unchanged,
        },
        "conflicts": [],
        "changes": [
            {
                "line": c.line,
                "dataElement": c.indicator,
                "orgUnit": c.unit,
                "period": c.period,
                "old": _number(c.old),
                "new": _number(c.new),
            }
            for c in result.changes
        ],
    }


def rejection_summary(rejected: ValuesRejected, dry_run: bool) -> dict:
    """The import summary of a file refused as a whole: nothing was written."""
    return {
        "status": "ERROR",
        "dryRun": dry_run,
        "description": ngettext(
            "Nothing was imported: %(count)s problem.",
            "Nothing was imported: %(count)s problems.",
            rejected.error_count,
        )
        % {"count": rejected.error_count},
        "importCount": {"imported": 0, "updated": 0, "deleted": 0, "ignored": 0},
        "conflicts": [{"object": _where(e), "value": e.message} for e in rejected.errors],
        "changes": [],
    }


def _streamed(export: dhis2.DataValueSetExport, filename: str | None = None):
    response = StreamingHttpResponse(iter(export), content_type=CONTENT_TYPES[export.fmt])
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# -- API -----------------------------------------------------------------------------------------


class _AnyAccept(BaseContentNegotiation):
    """The endpoint answers in the format its path or body names, whatever the Accept header."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class _StreamedBody(BaseParser):
    """Reads nothing: the importer streams the body itself. (DRF still "parses" a POST when the
    CSRF check of a session-authenticated call looks for a form token.)"""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return {}


class DataValueSetsView(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    parser_classes = [_StreamedBody]
    content_negotiation_class = _AnyAccept
    fmt: str | None = None  # from the path's suffix

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Token-authenticated users are known only now (see DimisViewSet.initial).
        self._actor_token = _current.set(Actor(request.user.pk, request.user.get_username(), "api"))

    def finalize_response(self, request, response, *args, **kwargs):
        token = getattr(self, "_actor_token", None)
        if token is not None:
            _current.reset(token)
            self._actor_token = None
        return super().finalize_response(request, response, *args, **kwargs)

    def _conflict(self, message):
        return Response(
            {
                "httpStatus": "Conflict",
                "httpStatusCode": 409,
                "status": "ERROR",
                "message": message,
            },
            status=status.HTTP_409_CONFLICT,
        )

    @extend_schema(
        summary=gettext_lazy("Export values as a DHIS2 data value set"),
        parameters=[
            OpenApiParameter("orgUnit", str, description=gettext_lazy("Unit code")),
            OpenApiParameter(
                "children", bool, description=gettext_lazy("Include the unit's subtree")
            ),
            OpenApiParameter("period", str, many=True, description=gettext_lazy("Period codes")),
            OpenApiParameter("startDate", OpenApiTypes.DATE),
            OpenApiParameter("endDate", OpenApiTypes.DATE),
            OpenApiParameter(
                "dataElement", str, many=True, description=gettext_lazy("Indicator codes")
            ),
        ],
        responses={(200, "application/json"): OpenApiTypes.OBJECT, (200, "text/csv"): str},
    )
    def get(self, request):
        params = request.query_params
        fmt = self.fmt
        if fmt is None:
            accept = request.META.get("HTTP_ACCEPT", "")
            fmt = "csv" if "text/csv" in accept or "application/csv" in accept else "json"
        if len(params.getlist("orgUnit")) > 1:
            return self._conflict(
                _("Name one unit (orgUnit) and use children=true for its subtree.")
            )
        try:
            filters = dhis2.export_filters(
                request.user,
                unit=params.get("orgUnit", ""),
                children=_is_true(params.get("children")),
                periods=params.getlist("period"),
                start=params.get("startDate", ""),
                end=params.get("endDate", ""),
                indicators=params.getlist("dataElement"),
            )
        except dhis2.ExportFilterError as error:
            return self._conflict(str(error))
        return _streamed(dhis2.DataValueSetExport(request.user, fmt, **filters))

    @extend_schema(
        summary=gettext_lazy("Import a DHIS2 data value set (JSON or CSV)"),
        parameters=[
            OpenApiParameter(
                "dryRun",
                bool,
                description=gettext_lazy("Dry run: report what would change and write nothing"),
            )
        ],
        request={"application/json": OpenApiTypes.OBJECT, "text/csv": OpenApiTypes.STR},
        responses={200: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT},
    )
    def post(self, request):
        content_type = (request.content_type or "").split(";")[0].strip().lower()
        fmt = BODY_FORMATS.get(content_type) or self.fmt
        if fmt is None:
            return Response(
                {
                    "status": "ERROR",
                    "message": _("Send JSON (application/json) or CSV (text/csv)."),
                },
                status=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            )
        dry_run = _is_true(request.query_params.get("dryRun"))
        # The Django request reads from the socket as the importer asks: nothing is held whole.
        stream = request.stream or _Empty()
        try:
            result = dhis2.import_data_value_sets(
                request.user, stream, fmt, dry_run=dry_run, source_name="api/dataValueSets"
            )
        except ValuesRejected as rejected:
            return Response(rejection_summary(rejected, dry_run), status=status.HTTP_409_CONFLICT)
        return Response(import_summary(result))


class _Empty:
    def read(self, size=-1):
        return b""


@extend_schema(exclude=True)
class DataValueSetsJsonView(DataValueSetsView):
    fmt = "json"


@extend_schema(exclude=True)
class DataValueSetsCsvView(DataValueSetsView):
    fmt = "csv"


api_urlpatterns = [
    path("dataValueSets", DataValueSetsView.as_view(), name="dhis2-data-value-sets"),
    path("dataValueSets.json", DataValueSetsJsonView.as_view(), name="dhis2-data-value-sets-json"),
    path("dataValueSets.csv", DataValueSetsCsvView.as_view(), name="dhis2-data-value-sets-csv"),
]


# -- the exchange page ---------------------------------------------------------------------------


def _split_codes(text: str) -> list[str]:
    return [c for c in str(text or "").replace(",", " ").split() if c]


def _page_import(request, ctx):
    upload = request.FILES.get("file")
    dry_run = bool(request.POST.get("dry_run"))
    if upload is None:
        ctx["import_errors"] = [_("Choose a file to import.")]
        return 400
    ctx["file_name"] = upload.name
    fmt = dhis2.format_for_name(upload.name)
    if fmt is None:
        ctx["import_errors"] = [
            _("Name the file .json or .csv: DIMIS reads DHIS2 data value sets in JSON or CSV.")
        ]
        return 400
    try:
        result = dhis2.import_data_value_sets(
            request.user, upload, fmt, dry_run=dry_run, source_name=upload.name
        )
    except ValuesRejected as rejected:
        ctx["import_errors"] = [str(e) for e in rejected.errors]
        ctx["error_count"] = rejected.error_count
        return 400
    ctx["result"] = result
    ctx["changes"] = [
        {
            "line": c.line,
            "indicator": c.indicator,
            "unit": c.unit,
            "period": c.period,
            "old": _number(c.old),
            "new": _number(c.new),
        }
        for c in result.changes
    ]
    return 200


def dhis2_page(request):
    """Import a DHIS2 data value set (a dry run first, by default) and export one."""
    user = request.user
    params = request.GET
    ctx = {
        "units": OrgUnit.objects.all().restrict(user).order_by("code"),
        "indicators": Indicator.objects.all().restrict(user),
        "export": {
            "unit": params.get("unit", ""),
            "children": "children" in params or "export" not in params,
            "periods": params.get("periods", ""),
            "start": params.get("start", ""),
            "end": params.get("end", ""),
            "indicators": params.getlist("indicator"),
            "format": params.get("format", "json"),
        },
    }
    status_code = 200
    if request.method == "POST":
        status_code = _page_import(request, ctx)
    elif "export" in params:
        fmt = params.get("format", "json")
        try:
            if fmt not in dhis2.FORMATS:
                raise dhis2.ExportFilterError(_("Choose JSON or CSV."))
            filters = dhis2.export_filters(
                user,
                unit=params.get("unit", ""),
                children="children" in params,
                periods=_split_codes(params.get("periods", "")),
                start=params.get("start", ""),
                end=params.get("end", ""),
                indicators=params.getlist("indicator"),
            )
        except dhis2.ExportFilterError as error:
            ctx["export_error"] = str(error)
            status_code = 400
        else:
            export = dhis2.DataValueSetExport(user, fmt, **filters)
            return _streamed(export, f"dataValueSets.{fmt}")
    return render(request, "performance/dhis2.html", ctx, status=status_code)


urlpatterns = [path("dhis2/", dhis2_page, name="performance-dhis2")]
