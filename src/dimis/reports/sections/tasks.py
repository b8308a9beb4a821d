"""Tasks by timeliness: the scorecard of the subtree for the period, and the overdue tasks."""

from django.db.models import Max
from django.utils.translation import gettext as _

from dimis.directives.models import Task, TaskStatus, Timeliness
from dimis.directives.scorecard import scorecard

from ..registry import report_section
from ..structure import Bar, BarChart, Cell, Paragraph, Section, Table
from ..text import count_text, date_text, percent, percent_text, rag_label

RAG_TONE = {"red": "red", "amber": "amber", "green": "green"}
CHART_UNITS = 15  # the laggards drawn; the table lists every unit


@report_section("tasks", order=30)
def tasks(scope) -> Section:
    user = scope.user
    section = Section("tasks", _("Tasks by timeliness"))
    # The scorecard page's own function and arguments: the two never disagree.
    rows, total = scorecard(user, scope.unit, scope.start, scope.end, on=scope.on)
    section.add(
        Paragraph(
            _(
                "Tasks due from %(start)s to %(end)s whose lead unit is in %(unit)s or under it, "
                "judged on %(on)s against their original deadlines (an approved extension is "
                "shown beside the deadline, never instead of it)."
            )
            % {
                "start": date_text(scope.start),
                "end": date_text(scope.end),
                "unit": scope.unit,
                "on": date_text(scope.on),
            }
        )
    )
    columns = [
        _("Lead unit"),
        _("Tasks"),
        _("Done on time"),
        _("Done late"),
        _("Open, within deadline"),
        _("Overdue"),
        _("Completion"),
        _("Overdue rate"),
        _("Status"),
    ]

    def line(name, row, rag=True):
        completion = percent(row.done, row.total)
        overdue_rate = percent(row.overdue, row.total)
        return [
            Cell(name),
            *(
                Cell(count_text(n), n)
                for n in (
                    row.total,
                    row.done_on_time,
                    row.done_late,
                    row.open_within_deadline,
                    row.overdue,
                )
            ),
            Cell(percent_text(completion), completion / 100),
            Cell(percent_text(overdue_rate), overdue_rate / 100),
            Cell(rag_label(row.rag), tone=RAG_TONE[row.rag]) if rag else Cell(""),
        ]

    section.add(
        Table(
            "scorecard",
            _("Tasks by lead unit, laggards first"),
            columns,
            [line(str(row.unit), row) for row in rows],
            numeric=frozenset(range(1, 8)),
            number_formats={6: "0%", 7: "0%"},
            empty=_("No tasks due in this period."),
            total=line(_("Whole subtree"), total, rag=False) if rows else None,
        )
    )
    if rows:
        section.add(
            BarChart(
                "completion",
                _("Completion by lead unit"),
                [
                    Bar(
                        str(row.unit),
                        percent(row.done, row.total),
                        percent_text(percent(row.done, row.total)),
                        RAG_TONE[row.rag],
                    )
                    for row in rows[:CHART_UNITS]
                ],
                caption=_("Share of the tasks due in the period that are done."),
            )
        )

    # Overdue: still open past the original deadline, including tasks due before the period.
    overdue = list(
        Task.objects.all()
        .restrict(user)
        .filter(lead_unit__in=scope.units, deadline__lte=scope.end)
        .exclude(status=TaskStatus.CANCELLED)
        .with_timeliness(scope.on)
        .filter(timeliness=Timeliness.OVERDUE)
        .select_related("lead_unit")
        .order_by("deadline", "pk")
    )
    section.add(
        Table(
            "overdue",
            _("Overdue tasks"),
            [
                _("Task"),
                _("Lead unit"),
                _("Deadline"),
                _("Extended deadline"),
                _("Progress"),
                _("Days overdue"),
            ],
            [
                [
                    Cell(task.title),
                    Cell(str(task.lead_unit)),
                    Cell(date_text(task.deadline), task.deadline),
                    Cell(date_text(task.extended_deadline), task.extended_deadline),
                    Cell(percent_text(task.progress), task.progress / 100),
                    Cell(
                        count_text((scope.on - task.deadline).days),
                        (scope.on - task.deadline).days,
                        "red",
                    ),
                ]
                for task in overdue
            ],
            numeric=frozenset({4, 5}),
            number_formats={2: "dd/mm/yyyy", 3: "dd/mm/yyyy", 4: "0%"},
            empty=_("No task is overdue."),
        )
    )

    counted = (
        Task.objects.all()
        .restrict(user)
        .filter(lead_unit__in=scope.units, deadline__gte=scope.start, deadline__lte=scope.end)
        .exclude(status=TaskStatus.CANCELLED)
        .aggregate(level=Max("classification"))["level"]
    )
    section.classification = max(
        [counted or 0, scope.unit.classification]
        + [t.classification for t in overdue]
        + [t.lead_unit.classification for t in overdue]
        + [row.unit.classification for row in rows]
    )
    section.summary = _(
        "Tasks due in the period: %(total)s; done %(done)s (%(on_time)s on time), "
        "open within deadline %(open)s, overdue %(overdue)s; completion %(completion)s. "
        "Overdue now, including earlier tasks: %(overdue_now)s."
    ) % {
        "total": count_text(total.total),
        "done": count_text(total.done),
        "on_time": count_text(total.done_on_time),
        "open": count_text(total.open_within_deadline),
        "overdue": count_text(total.overdue),
        "completion": percent_text(percent(total.done, total.total)),
        "overdue_now": count_text(len(overdue)),
    }
    return section
