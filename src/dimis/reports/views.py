"""The review report pages: the form and the report as a page, the stored report with its
progress and files, and its re-generation."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from dimis.directives.models import Task
from dimis.framework.views import ObjectDetailView
from dimis.meetings.conclusions import may_conclude, with_tasks
from dimis.meetings.models import Conclusion, Meeting
from dimis.org.models import OrgUnit

from .builder import build, make_scope
from .forms import ReviewReportForm
from .jobs import request_report
from .models import FORMATS, GeneratedReport


def _meeting(request):
    raw = request.GET.get("meeting", "")
    if not raw.isdigit():
        return None
    return Meeting.objects.all().restrict(request.user).filter(pk=raw).first()


def review_view(request):
    """GET: the form, or with its fields the report itself as a page; POST: store the report in
    every format, written by a background job, and go to its page."""
    user = request.user
    language = translation.get_language() or "vi"
    data = request.POST if request.method == "POST" else request.GET
    submitted = "period" in data or "kind" in data or "unit" in data
    if submitted:
        form = ReviewReportForm(data, user=user)
    else:
        form = ReviewReportForm(
            initial=ReviewReportForm.initial_for(user, _meeting(request), language), user=user
        )
    if not submitted or "edit" in data or not form.is_valid():
        return render(
            request,
            "reports/review_form.html",
            {"form": form},
            status=400 if submitted and form.errors else 200,
        )
    values = form.cleaned_data
    if request.method == "POST":
        stored = request_report(
            user,
            owning_unit=values["unit"],
            meeting=values["meeting"],
            kind=values["kind"],
            period_code=values["period"],
            language=values["language"],
        )
        messages.info(request, _("The report is being written; this page shows its progress."))
        return redirect(stored.get_absolute_url())
    scope = make_scope(
        user,
        values["unit"],
        values["period"],
        values["kind"],
        values["language"],
        values["meeting"],
    )
    report = build(scope)
    return render(
        request,
        "reports/review_page.html",
        {
            "form": form,
            "report": report,
            "query": request.GET.urlencode(),
            **_meeting_context(request, values["meeting"]),
        },
    )


def _meeting_context(request, meeting) -> dict:
    """The meeting's own conclusions, and what a leader needs to add one that becomes a task."""
    if meeting is None:
        return {"meeting": None}
    user = request.user
    tasks = Task.objects.all().restrict(user).with_timeliness().select_related("lead_unit")
    return {
        "meeting": meeting,
        "meeting_conclusions": with_tasks(
            Conclusion.objects.all().restrict(user).filter(meeting=meeting), tasks
        ),
        "may_conclude": may_conclude(user, meeting),
        "lead_units": OrgUnit.objects.all().restrict(user).order_by("code"),
        "stored_reports": meeting.review_reports.all().restrict(user).order_by("-created")[:10],
    }


class GeneratedReportDetailView(ObjectDetailView):
    template_name = "reports/generatedreport_detail.html"

    def context(self, **extra):
        ctx = super().context(**extra)
        stored = extra.get("object")
        if stored is not None:
            ctx["files"] = _files(stored)
        return ctx

    def post(self, request, pk):
        """Write the same report again, now, for whoever asks (with their restrictions)."""
        stored = self.get_object(pk)
        again = request_report(
            request.user,
            owning_unit=stored.owning_unit,
            meeting=stored.meeting,
            kind=stored.kind,
            period_code=stored.period_code,
            language=stored.language,
        )
        messages.info(request, _("The report is being written again."))
        return redirect(again.get_absolute_url())


def _files(stored) -> list[tuple[str, str]]:
    """(format, download URL) of the files written so far (the generic file view checks access)."""
    return [
        (fmt.upper(), reverse("reports-generatedreport-file", args=[stored.pk, f"{fmt}_file"]))
        for fmt in FORMATS
        if stored.file_for(fmt)
    ]


def progress_view(request, pk):
    """The progress fragment the report's page polls (htmx) until the report is finished."""
    stored = GeneratedReport.objects.all().restrict(request.user).filter(pk=pk).first()
    if stored is None:
        raise Http404(_("No such record, or you may not see it."))
    return render(
        request,
        "reports/_progress.html",
        {"object": stored, "files": _files(stored)},
    )


urlpatterns = [
    path("review/", review_view, name="reports-review"),
    path(
        "generatedreport/<int:pk>/progress/",
        progress_view,
        name="reports-generatedreport-progress",
    ),
]
