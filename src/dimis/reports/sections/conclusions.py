"""The status of the previous meeting's conclusions: what was asked last time, and what became
of the tasks it gave."""

from django.utils.translation import gettext as _

from dimis.directives.models import Task, Timeliness
from dimis.framework.display import restricted_label
from dimis.meetings.conclusions import with_tasks
from dimis.meetings.models import Conclusion, Meeting
from dimis.org.models import Person

from ..registry import report_section
from ..structure import Cell, Paragraph, Section, Table
from ..text import TIMELINESS_TONE, count_text, date_text, percent_text, timeliness_label


def previous_meeting(scope):
    """For a meeting's report, the meeting page's own `previous()`; otherwise the last meeting
    the scope unit hosted by the end of the period under review."""
    if scope.meeting is not None:
        return scope.meeting.previous(scope.user)
    return (
        Meeting.objects.all()
        .restrict(scope.user)
        .filter(host_unit=scope.unit, date__lte=scope.end)
        .order_by("-date")
        .first()
    )


@report_section("conclusions", order=50)
def conclusions(scope) -> Section:
    user = scope.user
    section = Section("conclusions", _("Conclusions of the previous meeting"))
    previous = previous_meeting(scope)
    if previous is None:
        section.add(Paragraph(_("No earlier meeting of this scope is recorded.")))
        section.summary = _("No earlier meeting of this scope is recorded.")
        return section
    # A chair registered outside the reader's grants is not named.
    chair = (
        str(previous.chair)
        if previous.chair_id
        and Person.objects.all().restrict(user).filter(pk=previous.chair_id).exists()
        else restricted_label()
        if previous.chair_id
        else "—"
    )
    section.add(
        Paragraph(
            _(
                "%(meeting)s, chaired by %(chair)s: its conclusions and the tasks they became, as of %(on)s."
            )
            % {
                "meeting": previous,
                "chair": chair,
                "on": date_text(scope.on),
            }
        )
    )
    # Kept by units of the scope, and tasks led or issued there: what the scope's own people see.
    tasks = (
        Task.objects.all()
        .restrict(user)
        .filter(lead_unit__in=scope.units)
        .with_timeliness(scope.on)
        .select_related("lead_unit")
        .order_by("deadline", "pk")
    )
    found = with_tasks(
        Conclusion.objects.all()
        .restrict(user)
        .filter(meeting=previous, owning_unit__in=scope.units)
        .order_by("number"),
        tasks,
    )
    rows, done, overdue, total = [], 0, 0, 0
    for conclusion, its_tasks in found:
        if not its_tasks:
            rows.append(
                [
                    Cell(count_text(conclusion.number), conclusion.number),
                    Cell(conclusion.text),
                    Cell("—"),
                    Cell("—"),
                    Cell("—"),
                    Cell(_("No task assigned")),
                ]
            )
        for task in its_tasks:
            total += 1
            done += task.timeliness in (Timeliness.DONE_ON_TIME, Timeliness.DONE_LATE)
            overdue += task.timeliness == Timeliness.OVERDUE
            rows.append(
                [
                    Cell(count_text(conclusion.number), conclusion.number),
                    Cell(conclusion.text),
                    Cell(str(task.lead_unit)),
                    Cell(date_text(task.deadline), task.deadline),
                    Cell(percent_text(task.progress), task.progress / 100),
                    Cell(
                        timeliness_label(task.timeliness),
                        tone=TIMELINESS_TONE.get(task.timeliness, ""),
                    ),
                ]
            )
    section.add(
        Table(
            "previous_conclusions",
            _("Conclusions and their tasks"),
            [_("No."), _("Conclusion"), _("Lead unit"), _("Deadline"), _("Progress"), _("Status")],
            rows,
            numeric=frozenset({0, 4}),
            number_formats={3: "dd/mm/yyyy", 4: "0%"},
            empty=_("The meeting's conclusions are not recorded."),
        )
    )
    section.classification = max(
        [previous.classification]
        + [c.classification for c, _t in found]
        + [t.classification for _c, ts in found for t in ts]
        + [t.lead_unit.classification for _c, ts in found for t in ts]
    )
    section.summary = _(
        "Previous meeting: %(meeting)s; %(conclusions)s conclusions, %(tasks)s tasks: "
        "%(done)s done, %(overdue)s overdue."
    ) % {
        "meeting": previous,
        "conclusions": count_text(len(found)),
        "tasks": count_text(total),
        "done": count_text(done),
        "overdue": count_text(overdue),
    }
    return section
