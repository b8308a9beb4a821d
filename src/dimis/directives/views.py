import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from dimis.framework.access import today
from dimis.framework.views import ObjectDetailView
from dimis.org.models import OrgUnit

from .models import Clause, Document, ExtensionRequest, Task, TaskReminder, TaskUpdate
from .scorecard import scorecard
from .services import decide_extension, may_decide_extension


class DocumentDetailView(ObjectDetailView):
    template_name = "directives/document_detail.html"

    def context(self, **extra):
        ctx = super().context(**extra)
        document = extra.get("object")
        if document is not None:
            user = self.request.user
            visible_docs = Document.objects.all().restrict(user)
            chain = document.chain_up()
            shown = set(
                visible_docs.filter(pk__in=[d.pk for d in chain]).values_list("pk", flat=True)
            )
            ctx["chain_up"] = [d for d in chain if d.pk in shown]
            ctx["chain_down"] = visible_docs.filter(implements=document).select_related("issuer")
            clauses = Clause.objects.all().restrict(user).filter(document=document)
            tasks = (
                Task.objects.all()
                .restrict(user)
                .filter(clause__document=document)
                .with_timeliness()
            )
            by_clause: dict[int, list] = {}
            for task in tasks.select_related("lead_unit"):
                by_clause.setdefault(task.clause_id, []).append(task)
            ctx["clauses"] = [(clause, by_clause.get(clause.pk, [])) for clause in clauses]
        return ctx


class TaskDetailView(ObjectDetailView):
    template_name = "directives/task_detail.html"

    def context(self, **extra):
        ctx = super().context(**extra)
        task = extra.get("object")
        if task is not None:
            user = self.request.user
            ctx["timeliness"] = task.current_timeliness
            ctx["updates"] = TaskUpdate.objects.all().restrict(user).filter(task=task)
            ctx["extensions"] = ExtensionRequest.objects.all().restrict(user).filter(task=task)
            ctx["cooperating"] = task.cooperating_units.all().restrict(user)
        return ctx


class ExtensionRequestDetailView(ObjectDetailView):
    template_name = "directives/extension_detail.html"

    def context(self, **extra):
        ctx = super().context(**extra)
        request = extra.get("object")
        if request is not None:
            ctx["may_decide"] = request.status == "pending" and may_decide_extension(
                self.request.user, request
            )
        return ctx

    def post(self, request, pk):
        extension = self.get_object(pk)
        approve = request.POST.get("decision") == "approve"
        try:
            decide_extension(
                extension, request.user, approve, request.POST.get("decision_reason", "")
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("Extension approved.") if approve else _("Extension refused.")
            )
        return redirect(extension.get_absolute_url())


def scorecard_view(request):
    """Tasks by timeliness for a unit's subtree and a date range: the page a leader reads in a minute."""
    user = request.user
    units = OrgUnit.objects.all().restrict(user)
    unit = (
        units.filter(pk=request.GET.get("unit") or 0).first()
        if request.GET.get("unit", "").isdigit()
        else None
    )
    unit = unit or units.highest()
    year = today().year
    # By default the five years behind and the year ahead: a plan period at a glance.
    start = parse_date(request.GET.get("from", "")) or datetime.date(year - 5, 1, 1)
    end = parse_date(request.GET.get("to", "")) or datetime.date(year + 1, 12, 31)
    error = _("The end of the range is before its start.") if end < start else ""
    rows, total = scorecard(user, unit, start, end) if unit and not error else ([], None)
    return render(
        request,
        "directives/scorecard.html",
        {
            "rows": rows,
            "total": total,
            "unit": unit,
            "units": units.order_by("code"),
            "start": start,
            "end": end,
            "error": error,
            "on": today(),
        },
    )


def reminders_view(request):
    """Reminders sent to the lead units of the tasks the user may see, newest first."""
    visible = Task.objects.all().restrict(request.user)
    reminders = TaskReminder.objects.filter(task__in=visible).select_related(
        "task", "task__lead_unit"
    )[:200]
    return render(request, "directives/reminders.html", {"reminders": reminders})
