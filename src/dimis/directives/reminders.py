"""Reminders to lead units: N days before a deadline, and when a task becomes overdue.

Each (task, kind, deadline) is sent once: running the job twice sends nothing twice."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import override

from dimis.framework.access import InUnitSet, today
from dimis.framework.choices import Role
from dimis.users.models import User

from .models import ReminderKind, Task, TaskReminder, TaskStatus

DAYS_BEFORE = settings.DIMIS_REMINDER_DAYS


def _recipients(task) -> list[str]:
    """Reporters, planners and approvers whose grants cover the lead unit and whose clearance covers the task."""
    ancestors_sql = (
        "WITH RECURSIVE up(id) AS (SELECT CAST(%s AS BIGINT) UNION "
        "SELECT l.parent_id FROM org_unitlink l JOIN up ON l.child_id = up.id "
        "WHERE l.valid_from <= %s AND (l.valid_to IS NULL OR l.valid_to > %s)) SELECT id FROM up"
    )
    on = today()
    covering = InUnitSet("grants__unit", ancestors_sql, [task.lead_unit_id, on, on])
    users = User.objects.filter(
        covering,
        grants__role__in=[Role.REPORTER, Role.PLANNER, Role.APPROVER],
        is_active=True,
        clearance__gte=task.classification,
    ).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def send_reminders(on: datetime.date | None = None, days_before: int = DAYS_BEFORE) -> int:
    on = on or today()
    open_tasks = Task.objects.exclude(
        status__in=[TaskStatus.DONE, TaskStatus.CANCELLED]
    ).select_related("lead_unit")
    due = open_tasks.filter(
        Q(
            extended_deadline__isnull=True,
            deadline__gte=on,
            deadline__lte=on + datetime.timedelta(days=days_before),
        )
        | Q(
            extended_deadline__gte=on,
            extended_deadline__lte=on + datetime.timedelta(days=days_before),
        )
    )
    overdue = open_tasks.filter(deadline__lt=on)
    sent = 0
    for kind, tasks in ((ReminderKind.DUE_SOON, due), (ReminderKind.OVERDUE, overdue)):
        for task in tasks.iterator():
            deadline = task.extended_deadline or task.deadline
            if kind == ReminderKind.OVERDUE:
                deadline = task.deadline  # overdue is judged against the original deadline, once
            if TaskReminder.objects.filter(task=task, kind=kind, deadline=deadline).exists():
                continue
            recipients = _recipients(task)
            try:
                with transaction.atomic():
                    TaskReminder.objects.create(
                        task=task, kind=kind, deadline=deadline, recipients=", ".join(recipients)
                    )
            except IntegrityError:
                continue  # another worker sent it meanwhile
            if recipients:
                with override("vi"):
                    subject = (
                        _("Deadline approaching: %(task)s")
                        if kind == ReminderKind.DUE_SOON
                        else _("Overdue: %(task)s")
                    ) % {"task": task.title[:120]}
                    body = _(
                        "Task: %(task)s\nLead unit: %(unit)s\nDeadline: %(deadline)s\nProgress: %(progress)s%%"
                    ) % {
                        "task": task.title,
                        "unit": task.lead_unit,
                        "deadline": deadline.strftime("%d/%m/%Y"),
                        "progress": task.progress,
                    }
                send_mail(subject, body, None, recipients, fail_silently=False)
            sent += 1
    return sent
