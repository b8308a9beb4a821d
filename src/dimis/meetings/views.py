from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from dimis.directives.models import Task
from dimis.framework.access import can
from dimis.framework.choices_for import owner_units
from dimis.framework.views import ObjectDetailView
from dimis.org.models import OrgUnit

from .models import Attendance, Conclusion, MeetingReport


class MeetingDetailView(ObjectDetailView):
    template_name = "meetings/meeting_detail.html"

    def context(self, **extra):
        ctx = super().context(**extra)
        meeting = extra.get("object")
        if meeting is None:
            return ctx
        user = self.request.user
        tasks = Task.objects.all().restrict(user).with_timeliness().select_related("lead_unit")
        previous = meeting.previous(user)
        ctx.update(
            attendances=Attendance.objects.all()
            .restrict(user)
            .filter(meeting=meeting)
            .select_related("person", "rank"),
            reports=MeetingReport.objects.all()
            .restrict(user)
            .filter(meeting=meeting)
            .select_related("presenter"),
            conclusions=self._with_tasks(
                Conclusion.objects.all().restrict(user).filter(meeting=meeting), tasks
            ),
            previous=previous,
            previous_conclusions=self._with_tasks(
                Conclusion.objects.all().restrict(user).filter(meeting=previous), tasks
            )
            if previous
            else [],
            lead_units=OrgUnit.objects.all().restrict(user).order_by("code"),
            may_make_tasks=can(user, Task, "add"),
        )
        return ctx

    @staticmethod
    def _with_tasks(conclusions, tasks):
        conclusions = list(conclusions)
        by_conclusion: dict[int, list] = {}
        for task in tasks.filter(conclusion__in=[c.pk for c in conclusions]):
            by_conclusion.setdefault(task.conclusion_id, []).append(task)
        return [(c, by_conclusion.get(c.pk, [])) for c in conclusions]

    def post(self, request, pk):
        """Turn a conclusion into a task: one action from the meeting page."""
        meeting = self.get_object(pk)
        conclusion = (
            Conclusion.objects.all()
            .restrict(request.user)
            .filter(meeting=meeting, pk=request.POST.get("conclusion") or 0)
            .first()
        )
        issuer = owner_units(Task, request.user).filter(pk=meeting.host_unit_id).first()
        lead = (
            OrgUnit.objects.all()
            .restrict(request.user)
            .filter(pk=request.POST.get("lead_unit") or 0)
            .first()
        )
        deadline = parse_date(request.POST.get("deadline", "") or "")
        if conclusion is None or issuer is None:
            raise PermissionDenied(_("You may not assign tasks for this meeting's host unit."))
        problems = []
        if lead is None:
            problems.append(_("Choose the lead unit."))
        if deadline is None:
            problems.append(_("Give the deadline as YYYY-MM-DD."))
        elif deadline < meeting.date:
            problems.append(_("The deadline cannot be before the meeting."))
        if problems:
            for problem in problems:
                messages.error(request, problem)
            return redirect(meeting.get_absolute_url())
        task = Task(
            title=request.POST.get("title", "").strip() or conclusion.text[:500],
            conclusion=conclusion,
            owning_unit=issuer,
            lead_unit=lead,
            assigned_on=meeting.date,
            deadline=deadline,
            classification=conclusion.classification,
        )
        try:
            task.full_clean()
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(meeting.get_absolute_url())
        with transaction.atomic():
            task.save()
        messages.success(request, _("Task created: %(task)s") % {"task": task})
        return redirect(meeting.get_absolute_url())
