"""Period codes, DHIS2-compatible where DHIS2 has the type.

    2023        yearly            2023S1   six-monthly (S1 = Jan-Jun, S2 = Jul-Dec)
    2023Q2      quarterly         202306   monthly
    2021-2025   plan (multi-year, whole calendar years)

`parse()` is pure (no database); `models.Period` stores the parsed periods and their nesting.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext


class PeriodType(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    SIX_MONTHLY = "six_monthly", _("Six-monthly")
    YEARLY = "yearly", _("Yearly")
    PLAN = "plan", _("Plan period")


# Finer to coarser: a period nests in periods of a higher rank that contain it.
RANK = {
    PeriodType.MONTHLY: 1,
    PeriodType.QUARTERLY: 2,
    PeriodType.SIX_MONTHLY: 3,
    PeriodType.YEARLY: 4,
    PeriodType.PLAN: 5,
}

MIN_YEAR, MAX_YEAR = 1945, 2100

_PATTERNS = [
    (re.compile(r"^(\d{4})(\d{2})$"), PeriodType.MONTHLY),
    (re.compile(r"^(\d{4})Q([1-4])$"), PeriodType.QUARTERLY),
    (re.compile(r"^(\d{4})S([12])$"), PeriodType.SIX_MONTHLY),
    (re.compile(r"^(\d{4})$"), PeriodType.YEARLY),
    (re.compile(r"^(\d{4})-(\d{4})$"), PeriodType.PLAN),
]


class PeriodCodeError(ValueError):
    pass


@dataclass(frozen=True)
class ParsedPeriod:
    code: str
    period_type: str
    start: datetime.date
    end: datetime.date


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def parse(code: str) -> ParsedPeriod:
    """'2023Q2' -> quarterly, 2023-04-01 .. 2023-06-30. Raises PeriodCodeError with the reason."""
    text = (code or "").strip().upper()
    for pattern, period_type in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        year = int(match.group(1))
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise PeriodCodeError(_("The year %(year)s is out of range.") % {"year": year})
        if period_type == PeriodType.MONTHLY:
            month = int(match.group(2))
            if not 1 <= month <= 12:
                raise PeriodCodeError(_("There is no month %(month)s.") % {"month": month})
            start, end = datetime.date(year, month, 1), _month_end(year, month)
        elif period_type == PeriodType.QUARTERLY:
            q = int(match.group(2))
            start, end = datetime.date(year, 3 * q - 2, 1), _month_end(year, 3 * q)
        elif period_type == PeriodType.SIX_MONTHLY:
            s = int(match.group(2))
            start, end = datetime.date(year, 6 * s - 5, 1), _month_end(year, 6 * s)
        elif period_type == PeriodType.YEARLY:
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        else:
            last = int(match.group(2))
            if not year < last <= min(year + 20, MAX_YEAR):
                raise PeriodCodeError(
                    _("A plan period runs from one year to a later one, at most 20 years on.")
                )
            start, end = datetime.date(year, 1, 1), datetime.date(last, 12, 31)
        return ParsedPeriod(text, period_type, start, end)
    raise PeriodCodeError(
        _(
            "“%(code)s” is not a period code. Use 2023 (year), 2023S1 (half-year), "
            "2023Q2 (quarter), 202306 (month) or 2021-2025 (plan period)."
        )
        % {"code": code}
    )


def code_for(period_type: str, day: datetime.date) -> str:
    """The code of the period of `period_type` that contains `day` (not for plan periods)."""
    if period_type == PeriodType.MONTHLY:
        return f"{day.year}{day.month:02d}"
    if period_type == PeriodType.QUARTERLY:
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    if period_type == PeriodType.SIX_MONTHLY:
        return f"{day.year}S{1 if day.month <= 6 else 2}"
    if period_type == PeriodType.YEARLY:
        return str(day.year)
    raise ValueError("plan periods are not derived from a day")


def calendar_parents(parsed: ParsedPeriod) -> list[str]:
    """Codes of the calendar periods that contain this one (plan periods are not calendar)."""
    rank = RANK[parsed.period_type]
    return [
        code_for(t, parsed.start)
        for t in (PeriodType.QUARTERLY, PeriodType.SIX_MONTHLY, PeriodType.YEARLY)
        if RANK[t] > rank
    ]


def preceding(parsed: ParsedPeriod, count: int) -> list[str]:
    """The codes of `count` periods of the same type ending with this one, oldest first."""
    if parsed.period_type == PeriodType.PLAN:
        span = parsed.end.year - parsed.start.year + 1
        return [
            f"{parsed.start.year - span * i}-{parsed.end.year - span * i}"
            for i in range(count - 1, -1, -1)
            if parsed.start.year - span * i >= MIN_YEAR
        ]
    months = {
        PeriodType.MONTHLY: 1,
        PeriodType.QUARTERLY: 3,
        PeriodType.SIX_MONTHLY: 6,
        PeriodType.YEARLY: 12,
    }[parsed.period_type]
    codes = []
    for i in range(count - 1, -1, -1):
        index = parsed.start.year * 12 + parsed.start.month - 1 - months * i
        year, month = divmod(index, 12)
        if year >= MIN_YEAR:
            codes.append(code_for(parsed.period_type, datetime.date(year, month + 1, 1)))
    return codes


def label(parsed: ParsedPeriod) -> str:
    """How a report names the period, in the reader's language."""
    s, t = parsed.start, parsed.period_type
    if t == PeriodType.MONTHLY:
        return pgettext("period", "%(month)s/%(year)s") % {"month": s.month, "year": s.year}
    if t == PeriodType.QUARTERLY:
        return pgettext("period", "Q%(q)s %(year)s") % {"q": (s.month - 1) // 3 + 1, "year": s.year}
    if t == PeriodType.SIX_MONTHLY:
        if s.month == 1:
            return pgettext("period", "first half of %(year)s") % {"year": s.year}
        return pgettext("period", "second half of %(year)s") % {"year": s.year}
    if t == PeriodType.YEARLY:
        return pgettext("period", "year %(year)s") % {"year": s.year}
    return pgettext("period", "%(start)s–%(end)s") % {"start": s.year, "end": parsed.end.year}
