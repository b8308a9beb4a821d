"""Tasks by timeliness for a unit's subtree: one grouped query, laggards first."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q

from dimis.framework.access import today
from dimis.org.models import OrgUnit

from .models import Task, Timeliness


@dataclass
class ScoreRow:
    unit: OrgUnit
    total: int
    done_on_time: int
    done_late: int
    open_within_deadline: int
    overdue: int

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def completion_rate(self) -> float:
        return self.done / self.total if self.total else 0.0

    @property
    def overdue_rate(self) -> float:
        return self.overdue / self.total if self.total else 0.0

    @property
    def on_time_rate(self) -> float:
        return self.done_on_time / self.done if self.done else 1.0

    @property
    def rag(self) -> str:
        """red: over a fifth overdue; amber: anything overdue or a fifth done late; green otherwise."""
        if self.overdue_rate > 0.2:
            return "red"
        if self.overdue or (self.done and self.done_late / self.done > 0.2):
            return "amber"
        return "green"


def scorecard(
    user, root: OrgUnit, start: datetime.date, end: datetime.date, on: datetime.date | None = None
):
    """(rows per lead unit, total row) for tasks due in [start, end] whose lead unit is under `root`."""
    on = on or today()
    units = OrgUnit.objects.all().restrict(user).subtree(root, on=on)
    counts = (
        Task.objects.all()
        .restrict(user)
        .filter(lead_unit__in=units, deadline__gte=start, deadline__lte=end)
        .exclude(status="cancelled")
        .with_timeliness(on)
        .values("lead_unit")
        .annotate(
            total=Count("pk"),
            done_on_time=Count("pk", filter=Q(timeliness=Timeliness.DONE_ON_TIME)),
            done_late=Count("pk", filter=Q(timeliness=Timeliness.DONE_LATE)),
            open_within_deadline=Count("pk", filter=Q(timeliness=Timeliness.OPEN_WITHIN_DEADLINE)),
            overdue=Count("pk", filter=Q(timeliness=Timeliness.OVERDUE)),
        )
        .order_by()
    )
    by_unit = {c.pop("lead_unit"): c for c in counts}
    names = OrgUnit.objects.in_bulk(list(by_unit))
    rows = [ScoreRow(unit=names[pk], **c) for pk, c in by_unit.items()]
    rows.sort(key=lambda r: (-r.overdue_rate, r.completion_rate, r.unit.code))
    fields = ("total", "done_on_time", "done_late", "open_within_deadline", "overdue")
    total = ScoreRow(unit=root, **{f: sum(getattr(r, f) for r in rows) for f in fields})
    return rows, total
