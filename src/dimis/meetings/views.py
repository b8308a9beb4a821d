from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from dimis.directives.models import Task
from dimis.framework.access import can
from dimis.framework.views import ObjectDetailView
from dimis.org.models import OrgUnit

from .conclusions import add_conclusion, task_from_conclusion, with_tasks
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
            conclusions=with_tasks(
                Conclusion.objects.all().restrict(user).filter(meeting=meeting), tasks
            ),
            previous=previous,
            previous_conclusions=with_tasks(
                Conclusion.objects.all().restrict(user).filter(meeting=previous), tasks
            )
            if previous
            else [],
            lead_units=OrgUnit.objects.all().restrict(user).order_by("code"),
            may_make_tasks=can(user, Task, "add"),
        )
        return ctx

    def post(self, request, pk):
        """Turn a conclusion into a task: one action, from the meeting page or the review
        report's page. With `text` instead of `conclusion`, the conclusion is added first
        (alone, when no lead unit or deadline is given)."""
        meeting = self.get_object(pk)
        user = request.user
        lead = (
            OrgUnit.objects.all()
            .restrict(user)
            .filter(pk=request.POST.get("lead_unit") or 0)
            .first()
        )
        deadline = parse_date(request.POST.get("deadline", "") or "")
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = meeting.get_absolute_url()
        try:
            with transaction.atomic():
                if "text" in request.POST and not request.POST.get("conclusion"):
                    conclusion = add_conclusion(user, meeting, request.POST["text"])
                    if not request.POST.get("lead_unit") and not request.POST.get("deadline"):
                        messages.success(
                            request, _("Conclusion added: %(c)s") % {"c": conclusion.text}
                        )
                        return redirect(back)
                else:
                    conclusion = (
                        Conclusion.objects.all()
                        .restrict(user)
                        .filter(meeting=meeting, pk=request.POST.get("conclusion") or 0)
                        .first()
                    )
                task = task_from_conclusion(
                    user, meeting, conclusion, lead, deadline, request.POST.get("title", "")
                )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(back)
        messages.success(request, _("Task created: %(task)s") % {"task": task})
        return redirect(back)
