"""Targets against actuals for a unit's subtree and a period: what a leader reads in a minute.

Figures come from `rollup.rollup()` (live, no rebuild); targets are resolved here: the target set
for the period itself, else the sum (or last) of targets set for the periods inside it, else the
target of the smallest period containing it, pro rata for flows ("of the 2023 target").
"""

import datetime
import decimal
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dimis.framework.access import today
from dimis.org.models import OrgUnit, UnitLink, active_on

from . import periods
from .models import Indicator, Period, Target, TimeAggregation, UnitOfMeasure, period_as_of
from .rollup import Figure, rollup

GREEN_AT = decimal.Decimal("1.00")
AMBER_AT = decimal.Decimal("0.90")

RAG_LABELS = {
    "red": gettext_lazy("red"),
    "amber": gettext_lazy("amber"),
    "green": gettext_lazy("green"),
    "none": gettext_lazy("no target"),
}

TREND_LENGTH = {
    periods.PeriodType.MONTHLY: 12,
    periods.PeriodType.QUARTERLY: 8,
    periods.PeriodType.SIX_MONTHLY: 6,
    periods.PeriodType.YEARLY: 6,
    periods.PeriodType.PLAN: 3,
}


@dataclass
class TargetFigure:
    value: decimal.Decimal
    basis: str = ""  # empty when set for the period itself; else how it was derived
    classification: int = 0  # the highest of the targets it was made from (reports mark it)


@dataclass
class Line:
    """One unit's figure for one indicator, against its target."""

    unit: OrgUnit
    actual: Figure
    target: TargetFigure | None
    expected: decimal.Decimal | None  # the target scaled to the days elapsed, for a current flow

    @property
    def ratio(self) -> decimal.Decimal | None:
        """Achievement: 1 means on target, whichever way the indicator is better."""
        goal = self.expected if self.expected is not None else getattr(self.target, "value", None)
        actual = self.actual.value
        if goal is None:
            return None
        if actual is None:
            return decimal.Decimal(0)
        if self.higher_is_better:
            return actual / goal if goal else decimal.Decimal(1)
        return goal / actual if actual else decimal.Decimal(1)

    higher_is_better: bool = True

    @property
    def rag(self) -> str:
        ratio = self.ratio
        if ratio is None:
            return "none"
        if ratio >= GREEN_AT:
            return "green"
        return "amber" if ratio >= AMBER_AT else "red"

    @property
    def rag_label(self):
        return RAG_LABELS[self.rag]

    @property
    def percent(self) -> str:
        ratio = self.ratio
        if ratio is None:
            return "—"
        return f"{number_format((ratio * 100).quantize(decimal.Decimal(1), decimal.ROUND_HALF_UP), 0)}%"

    @property
    def sort_key(self):
        # Lagging first: no figures at all, then the lowest achievement; no target last.
        ratio = self.ratio
        return (ratio is None, ratio if ratio is not None else 0, self.unit.code)


@dataclass
class IndicatorPanel:
    indicator: Indicator
    total: Line
    units: list[Line] = field(default_factory=list)

    def value_text(self, value) -> str:
        return format_figure(self.indicator, value)


@dataclass
class Dashboard:
    root: OrgUnit
    period: Period
    tree_on: datetime.date
    panels: list[IndicatorPanel]
    as_of: datetime.datetime | None

    @property
    def lagging_units(self) -> list[tuple[OrgUnit, int, int]]:
        """(unit, red indicators, amber indicators), most red first; only units with any."""
        counts: dict[int, list] = {}
        for panel in self.panels:
            for line in panel.units:
                entry = counts.setdefault(line.unit.pk, [line.unit, 0, 0])
                if line.rag == "red":
                    entry[1] += 1
                elif line.rag == "amber":
                    entry[2] += 1
        rows = [tuple(v) for v in counts.values() if v[1] or v[2]]
        return sorted(rows, key=lambda r: (-r[1], -r[2], r[0].code))


def build(user, root: OrgUnit, period: Period) -> Dashboard:
    indicators = list(Indicator.objects.all().restrict(user))
    figures = rollup(user, root, period, indicators)
    tree_on = period_as_of(period)
    links = UnitLink.objects.filter(active_on(tree_on), parent=root).values("child_id")
    children = list(OrgUnit.objects.all().restrict(user).filter(pk__in=links))
    units = {u.pk: u for u in children}
    units[root.pk] = root
    targets = resolve_targets(user, indicators, list(units), period)
    fraction = elapsed_fraction(period)
    panels, latest = [], None
    for indicator in indicators:
        rolled = figures.get(indicator.pk)
        if rolled is None:
            continue

        def line(unit, figure, indicator=indicator):
            target = targets.get((indicator.pk, unit.pk))
            expected = None
            if (
                target is not None
                and fraction is not None
                and indicator.time_aggregation == TimeAggregation.SUM
            ):
                expected = target.value * fraction
            return Line(unit, figure, target, expected, indicator.higher_is_better)

        panel = IndicatorPanel(indicator, line(root, rolled.total))
        for unit_id, unit in units.items():
            if unit_id == root.pk and unit_id not in rolled.by_unit:
                continue  # the root's target is the subtree's: its line is the total
            unit_line = line(unit, rolled.by_unit.get(unit_id, Figure()))
            # Units with neither figures nor a target for this indicator (a department, say).
            if unit_line.actual.value is not None or unit_line.target is not None:
                panel.units.append(unit_line)
        panel.units.sort(key=lambda line: line.sort_key)
        panels.append(panel)
        if rolled.total.as_of and (latest is None or rolled.total.as_of > latest):
            latest = rolled.total.as_of
    return Dashboard(root, period, tree_on, panels, latest)


def elapsed_fraction(period: Period) -> decimal.Decimal | None:
    """For a period under way, the share of its days up to the end of last month (a month's
    figures are reported after it closes); None once the period is over."""
    now = today()
    if not period.start_date <= now <= period.end_date:
        return None
    closed = now.replace(day=1) - datetime.timedelta(days=1)
    days = (period.end_date - period.start_date).days + 1
    return decimal.Decimal(max(0, (closed - period.start_date).days + 1)) / days


def resolve_targets(user, indicators, unit_ids, period: Period) -> dict:
    """{(indicator id, unit id): TargetFigure} for the period, as described in the module doc."""
    by_id = {i.pk: i for i in indicators}
    rows = (
        Target.objects.all()
        .restrict(user)
        .filter(indicator_id__in=list(by_id), unit_id__in=unit_ids)
        .filter(
            Q(period__start_date__gte=period.start_date, period__end_date__lte=period.end_date)
            | Q(period__start_date__lte=period.start_date, period__end_date__gte=period.end_date)
        )
        .select_related("period")
    )
    exact, inside, around = {}, {}, {}
    for target in rows:
        key = (target.indicator_id, target.unit_id)
        p = target.period
        if p.pk == period.pk:
            exact[key] = target
        elif p.start_date >= period.start_date and p.end_date <= period.end_date:
            inside.setdefault(key, []).append(target)
        else:
            around.setdefault(key, []).append(target)
    resolved = {}
    for key in set(exact) | set(inside) | set(around):
        indicator = by_id[key[0]]
        if key in exact:
            resolved[key] = TargetFigure(exact[key].value)
            used = [exact[key]]
        elif key in inside:
            resolved[key] = _from_parts(indicator, inside[key])
            used = inside[key]
        else:
            resolved[key] = _from_whole(indicator, around[key], period)
            used = around[key]
        resolved[key].classification = max(t.classification for t in used)
    return resolved


def _from_parts(indicator, targets) -> TargetFigure:
    # Only the coarsest type present, so a quarter and its months are not counted twice.
    coarsest = max(t.period.rank for t in targets)
    parts = sorted(
        (t for t in targets if t.period.rank == coarsest), key=lambda t: t.period.start_date
    )
    basis = _("sum of %(n)s targets") % {"n": len(parts)}
    if indicator.time_aggregation == TimeAggregation.LAST:
        return TargetFigure(
            parts[-1].value, _("target of %(period)s") % {"period": parts[-1].period}
        )
    if indicator.time_aggregation == TimeAggregation.AVERAGE:
        return TargetFigure(sum(t.value for t in parts) / len(parts), basis)
    return TargetFigure(sum(t.value for t in parts), basis)


def _from_whole(indicator, targets, period) -> TargetFigure:
    smallest = min(targets, key=lambda t: t.period.end_date - t.period.start_date)
    whole = smallest.period
    if indicator.time_aggregation != TimeAggregation.SUM:
        return TargetFigure(smallest.value, _("target of %(period)s") % {"period": whole})
    share = decimal.Decimal((period.end_date - period.start_date).days + 1) / (
        (whole.end_date - whole.start_date).days + 1
    )
    return TargetFigure(
        smallest.value * share,
        _("pro rata of the %(period)s target") % {"period": whole},
    )


def trend(user, root: OrgUnit, period: Period) -> dict:
    """{indicator code: {"labels", "actual", "target"}} over the periods leading to this one,
    each period rolled up over the tree as it stood then."""
    codes = periods.preceding(period.parsed, TREND_LENGTH[period.period_type])
    # A period never stored holds no figures: shown as a gap.
    series_periods = Period.objects.stored_or_unsaved(periods.parse(code) for code in codes)
    indicators = list(Indicator.objects.all().restrict(user))
    data = {i.code: {"name": str(i), "labels": [], "actual": [], "target": []} for i in indicators}
    for p in series_periods:
        figures = rollup(user, root, p, indicators, by_unit=False) if p.pk else {}
        targets = resolve_targets(user, indicators, [root.pk], p)
        for indicator in indicators:
            series = data[indicator.code]
            series["labels"].append(p.label)
            value = figures[indicator.pk].total.value if indicator.pk in figures else None
            target = targets.get((indicator.pk, root.pk))
            series["actual"].append(_scaled(indicator, value))
            series["target"].append(_scaled(indicator, target.value if target else None))
    return data


def _scaled(indicator, value):
    if value is None:
        return None
    return float(value / indicator.display_scale)


# -- formatting ---------------------------------------------------------------------------------

UNIT_LABELS = {
    (UnitOfMeasure.VND, 1): gettext_lazy("VND"),
    (UnitOfMeasure.VND, 1_000): gettext_lazy("thousand VND"),
    (UnitOfMeasure.VND, 1_000_000): gettext_lazy("million VND"),
    (UnitOfMeasure.VND, 1_000_000_000): gettext_lazy("billion VND"),
    (UnitOfMeasure.USD, 1): gettext_lazy("USD"),
    (UnitOfMeasure.USD, 1_000): gettext_lazy("thousand USD"),
    (UnitOfMeasure.USD, 1_000_000): gettext_lazy("million USD"),
}


def unit_label(indicator: Indicator) -> str:
    label = UNIT_LABELS.get((indicator.unit_of_measure, indicator.display_scale))
    if label is not None:
        return str(label)
    return str(UnitOfMeasure(indicator.unit_of_measure).label)


def format_figure(indicator: Indicator, value, with_unit: bool = True) -> str:
    """1234567890123 VND shown in billions with 1 decimal: '1.234,6 tỷ đồng' in Vietnamese."""
    if value is None:
        return "—"
    # Rounded here: Django's number_format cuts extra decimals off instead of rounding them.
    scaled = (decimal.Decimal(value) / indicator.display_scale).quantize(
        decimal.Decimal(1).scaleb(-indicator.decimals), rounding=decimal.ROUND_HALF_UP
    )
    text = number_format(scaled, indicator.decimals, use_l10n=True, force_grouping=True)
    if not with_unit:
        return text
    if indicator.unit_of_measure == UnitOfMeasure.PERCENT:
        return f"{text}%"
    return f"{text} {unit_label(indicator)}"
