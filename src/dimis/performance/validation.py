"""Plausibility flags on reported figures: an indicator's lowest and highest plausible value, and
the validation rules comparing two indicators (or one with a number) for the same unit and period.

Flags warn; they never block a save. `violations()` costs two queries whatever the number of
rules; pages that already hold the figures (the grid, the inbox) load the rules once with
`rules_touching()` and call the pure `check()` per unit and period.
"""

import decimal
import operator
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .models import Comparison, Indicator, Period, ValidationRule, Value

COMPARE = {
    Comparison.LE: operator.le,
    Comparison.LT: operator.lt,
    Comparison.GE: operator.ge,
    Comparison.GT: operator.gt,
    Comparison.EQ: operator.eq,
}


@dataclass(frozen=True)
class Violation:
    indicator: Indicator
    message: str
    rule: ValidationRule | None = None

    @property
    def indicator_id(self) -> int:
        return self.indicator.pk

    def __str__(self):
        return f"{self.indicator.code}: {self.message}"


def show_number(value) -> str:
    """A figure as the reader writes numbers (1.234,5 in Vietnamese), without padding zeros."""
    number = decimal.Decimal(value).normalize()
    places = max(0, -number.as_tuple().exponent)
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


def rules_touching(indicator_ids: Iterable[int]):
    """The rules with either side among these indicators (one query, both sides joined)."""
    ids = list(indicator_ids)
    return list(
        ValidationRule.objects.filter(Q(left_id__in=ids) | Q(right_id__in=ids)).select_related(
            "left", "right"
        )
    )


def check(
    figures: dict[int, decimal.Decimal | None],
    stored: dict[int, decimal.Decimal],
    indicators: dict[int, Indicator],
    rules: Iterable[ValidationRule],
) -> list[Violation]:
    """The flags on `figures` (indicator id -> figure, None when removed), the other side of a
    rule taken from `stored` (the same unit and period) when it is not among them.

    Only indicators in `indicators` are judged or named: a rule reaching an indicator the reader
    may not see is skipped, so a flag never reveals a figure above their clearance."""
    found: list[Violation] = []
    for indicator_id, value in figures.items():
        indicator = indicators.get(indicator_id)
        if indicator is None or value is None:
            continue
        if indicator.min_value is not None and value < indicator.min_value:
            message = _("%(value)s is below the lowest plausible value, %(min)s.") % {
                "value": show_number(value),
                "min": show_number(indicator.min_value),
            }
            found.append(Violation(indicator, message))
        if indicator.max_value is not None and value > indicator.max_value:
            message = _("%(value)s is above the highest plausible value, %(max)s.") % {
                "value": show_number(value),
                "max": show_number(indicator.max_value),
            }
            found.append(Violation(indicator, message))
    for rule in rules:
        if rule.left_id not in figures and rule.right_id not in figures:
            continue
        left = indicators.get(rule.left_id)
        right = indicators.get(rule.right_id) if rule.right_id else None
        if left is None or (rule.right_id and right is None):
            continue
        left_value = figures[left.pk] if left.pk in figures else stored.get(left.pk)
        if right is not None:
            right_value = figures[right.pk] if right.pk in figures else stored.get(right.pk)
        else:
            right_value = rule.right_value
        # A rule with a side not reported yet is not broken, only not yet judged.
        if left_value is None or right_value is None:
            continue
        if COMPARE[rule.comparison](left_value, right_value):
            continue
        symbol = Comparison(rule.comparison).label
        detail = f"{left.code} = {show_number(left_value)}"
        if right is not None:
            detail += f", {right.code} = {show_number(right_value)}"
        if rule.message:
            message = f"{rule.message} ({detail})"
        elif right is not None:
            message = _("%(left)s should be %(comparison)s %(right)s (%(detail)s).") % {
                "left": left.display_name,
                "comparison": symbol,
                "right": right.display_name,
                "detail": detail,
            }
        else:
            message = _("%(left)s should be %(comparison)s %(number)s (%(detail)s).") % {
                "left": left.display_name,
                "comparison": symbol,
                "number": show_number(right_value),
                "detail": detail,
            }
        # Shown on the figure being judged: the left side, or the right when only it changed.
        owner = left if left.pk in figures else right
        found.append(Violation(owner, message, rule))
    return found


def violations(
    unit_id: int, period: Period | int, figures: dict[int, decimal.Decimal | None], user=None
) -> list[Violation]:
    """The flags on these figures of one unit and period; rule sides not among `figures` are read
    from the stored values. With `user`, indicators above their clearance are left out.

    Two queries: the rules, then the indicators involved with their stored figure alongside."""
    if not figures:
        return []
    period_id = period.pk if isinstance(period, Period) else period
    rules = rules_touching(figures)
    wanted = set(figures)
    for rule in rules:
        wanted.update(i for i in (rule.left_id, rule.right_id) if i)
    stored_value = Value.objects.filter(
        unit_id=unit_id, period_id=period_id, indicator_id=OuterRef("pk")
    ).values("value")[:1]
    qs = Indicator.objects.all()
    if user is not None:
        qs = qs.restrict(user)
    indicators = {i.pk: i for i in qs.filter(pk__in=wanted).annotate(stored=Subquery(stored_value))}
    stored = {pk: i.stored for pk, i in indicators.items() if i.stored is not None}
    return check(figures, stored, indicators, rules)
