"""What a review report is about: whose eyes, which unit's subtree, which period, what kind."""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db import models
from django.utils.translation import gettext_lazy as _

from dimis.framework.access import today
from dimis.performance.periods import PeriodType


class ReportKind(models.TextChoices):
    SIX_MONTH = "six_month", _("Six-month review")
    ANNUAL = "annual", _("Annual review")
    MULTI_YEAR = "multi_year", _("Multi-year review")


# A kind reviews periods of one type: 2025S1, 2025, 2021-2025.
PERIOD_TYPE = {
    ReportKind.SIX_MONTH: PeriodType.SIX_MONTHLY,
    ReportKind.ANNUAL: PeriodType.YEARLY,
    ReportKind.MULTI_YEAR: PeriodType.PLAN,
}


def kind_for_meeting(meeting) -> str | None:
    from dimis.meetings.models import MeetingKind

    return {
        MeetingKind.SIX_MONTH_REVIEW: ReportKind.SIX_MONTH,
        MeetingKind.ANNUAL_REVIEW: ReportKind.ANNUAL,
        MeetingKind.MULTI_YEAR_REVIEW: ReportKind.MULTI_YEAR,
    }.get(meeting.kind)


def period_code_for(kind: str, start: datetime.date | None, end: datetime.date | None) -> str:
    """The period code a meeting's period under review stands for, for a report of `kind`."""
    if start is None or end is None:
        return ""
    if kind == ReportKind.SIX_MONTH:
        return f"{start.year}S{1 if start.month <= 6 else 2}"
    if kind == ReportKind.ANNUAL:
        return str(start.year)
    if kind == ReportKind.MULTI_YEAR:
        return f"{start.year}-{end.year}" if end.year > start.year else str(start.year)
    return ""


@dataclass
class ReportScope:
    """Every section is built from this: the requester's restrictions, the unit's subtree on
    the day the report is judged (`on`), the period under review."""

    user: object
    unit: object  # OrgUnit: the report covers it and every unit under it
    period: object  # performance.Period, stored or (never reported on) unsaved
    kind: str
    language: str
    meeting: object = None
    on: datetime.date = field(default_factory=today)

    @property
    def start(self) -> datetime.date:
        return self.period.start_date

    @property
    def end(self) -> datetime.date:
        return self.period.end_date

    @cached_property
    def units(self):
        """The units of the subtree the requester may see: a subquery, never a list."""
        from dimis.org.models import OrgUnit

        return OrgUnit.objects.all().restrict(self.user).subtree(self.unit, on=self.on)
