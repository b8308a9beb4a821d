"""A meeting's conclusions and the tasks they became: read for the meeting page and the review
report, and the one action that turns a conclusion into a task (from either page)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from dimis.directives.models import Task
from dimis.framework.choices_for import owner_units

from .models import Conclusion


def with_tasks(conclusions, tasks) -> list[tuple]:
    """[(conclusion, [its tasks])]: the tasks of all the conclusions in one query."""
    conclusions = list(conclusions)
    by_conclusion: dict[int, list] = {}
    for task in tasks.filter(conclusion__in=[c.pk for c in conclusions]):
        by_conclusion.setdefault(task.conclusion_id, []).append(task)
    return [(c, by_conclusion.get(c.pk, [])) for c in conclusions]


def issuer_for(user, meeting):
    """The unit that issues a meeting's tasks (its host), if the user may assign tasks for it."""
    return owner_units(Task, user).filter(pk=meeting.host_unit_id).first()


def may_conclude(user, meeting) -> bool:
    """May the user add conclusions to the meeting and make tasks of them?"""
    return (
        issuer_for(user, meeting) is not None
        and owner_units(Conclusion, user).filter(pk=meeting.owning_unit_id).exists()
    )


def add_conclusion(user, meeting, text: str) -> Conclusion:
    """A new conclusion, numbered after the last one, kept by the meeting's owning unit."""
    if not owner_units(Conclusion, user).filter(pk=meeting.owning_unit_id).exists():
        raise PermissionDenied(_("You may not add conclusions to this meeting."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the conclusion.")})
    last = Conclusion.objects.filter(meeting=meeting).aggregate(n=Max("number"))["n"] or 0
    conclusion = Conclusion(
        meeting=meeting,
        number=last + 1,
        text=text,
        owning_unit=meeting.owning_unit,
        classification=meeting.classification,
    )
    conclusion.full_clean()
    conclusion.save()
    return conclusion


def task_from_conclusion(
    user, meeting, conclusion, lead, deadline: datetime.date | None, title: str = ""
) -> Task:
    """Turn a conclusion into a task of the meeting's host unit: one action.

    Raises PermissionDenied when the user may not assign tasks for the host unit, and a
    ValidationError naming what is wrong (lead unit, deadline) otherwise; saves nothing then."""
    issuer = issuer_for(user, meeting)
    if conclusion is None or issuer is None:
        raise PermissionDenied(_("You may not assign tasks for this meeting's host unit."))
    problems = {}
    if lead is None:
        problems["lead_unit"] = _("Choose the lead unit.")
    if deadline is None:
        problems["deadline"] = _("Give the deadline as YYYY-MM-DD.")
    elif deadline < meeting.date:
        problems["deadline"] = _("The deadline cannot be before the meeting.")
    if problems:
        raise ValidationError(problems)
    task = Task(
        title=(title or "").strip() or conclusion.text[:500],
        conclusion=conclusion,
        owning_unit=issuer,
        lead_unit=lead,
        assigned_on=meeting.date,
        deadline=deadline,
        classification=conclusion.classification,
    )
    task.full_clean()
    with transaction.atomic():
        task.save()
    return task
