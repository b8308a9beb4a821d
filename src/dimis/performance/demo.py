"""Demo indicators, targets and figures for the sample units, since January 2021.

The indicators are those the seed reports speak of (production value, revenue, export value,
dual-use products, investment disbursement, key engineers trained). Their figures are generated
(seeded, so every demo is the same) and written through the real write path; some units run
behind target so the dashboard has red and amber. Months up to the one before last are approved,
the last reported month waits in the approver's inbox, the current month is a draft.
"""

import datetime
import decimal
import random

from django.utils.translation import override

from dimis.framework.access import today
from dimis.org.models import OrgUnit, UnitLink, active_on
from dimis.users.models import User

from . import periods, workflow
from .models import (
    DataSubmission,
    Indicator,
    Period,
    Target,
    ValidationRule,
    Value,
    ValueBatch,
)
from .values import write_values

FIRST_YEAR = 2021
BILLION = 1_000_000_000

# code, name, English name, unit, scale, decimals, over units, over time, reported, classification
INDICATORS = [
    ("PROD_VALUE", "Giá trị sản xuất công nghiệp", "Industrial production value", "vnd", BILLION, 1, "sum", "sum", "monthly", 1),
    ("REVENUE", "Doanh thu", "Revenue", "vnd", BILLION, 1, "sum", "sum", "monthly", 0),
    ("EXPORT_VALUE", "Giá trị xuất khẩu", "Export value", "usd", 1_000_000, 2, "sum", "sum", "monthly", 0),
    ("DUAL_USE_SHARE", "Tỷ trọng sản phẩm lưỡng dụng trong doanh thu", "Dual-use products' share of revenue", "percent", 1, 1, "average", "average", "monthly", 0),
    ("INVEST_DISBURSED", "Giải ngân vốn đầu tư", "Investment disbursement", "vnd", BILLION, 1, "sum", "sum", "monthly", 1),
    ("WORKFORCE", "Quân số, lao động", "Workforce", "persons", 1, 0, "sum", "last", "monthly", 1),
    ("KEY_STAFF_TRAINED", "Kỹ sư, kỹ thuật viên, công nhân đầu ngành được đào tạo", "Key engineers, technicians and workers trained", "persons", 1, 0, "sum", "sum", "quarterly", 0),
]  # fmt: skip

# Monthly figure of a typical unit (before its size factor); VND and USD in units, not billions.
BASE = {
    "PROD_VALUE": 95 * BILLION,
    "REVENUE": 90 * BILLION,
    "EXPORT_VALUE": 650_000,
    "DUAL_USE_SHARE": 38,
    "INVEST_DISBURSED": 12 * BILLION,
    "WORKFORCE": 1400,
    "KEY_STAFF_TRAINED": 18,
}
# Production dips around Tet (February) and peaks at the year's end.
SEASON = [0.8, 0.55, 0.95, 1.0, 1.0, 1.05, 1.0, 1.0, 1.05, 1.1, 1.15, 1.35]

REPORTING_UNITS = [f"Z1{n:02d}" for n in range(1, 11)] + ["GDDI-CT1", "GDDI-CT2"]
CORPORATIONS = ["GDDI-TCT1", "GDDI-TCT2"]
# How each unit does against its target: most on track, some behind (red and amber units).
PERFORMANCE = {"Z102": 0.78, "Z105": 0.86, "Z108": 0.93, "GDDI-CT2": 0.84}


def load(stdout=None):
    with override("vi"):
        indicators = _indicators()
        wanted = [*REPORTING_UNITS, *CORPORATIONS, "TCCNQP"]
        units = {u.code: u for u in OrgUnit.objects.filter(code__in=wanted)}
        if len(units) < len(wanted):
            return  # the organisation demo was not loaded
        admin = User.objects.filter(username="admin").first()
        approver = User.objects.filter(username="approver").first()
        if admin is None or approver is None:
            return
        if Value.objects.filter(indicator__code="PROD_VALUE").exists():
            if stdout:
                stdout.write("  performance: figures already loaded")
            return
        _targets(indicators, units)
        count = _figures(admin, indicators, units)
        _workflow(admin, approver, units)
        if stdout:
            stdout.write(
                f"  performance: {len(indicators)} indicators, {count} figures since {FIRST_YEAR}"
            )


def _indicators() -> dict[str, Indicator]:
    found = {}
    for order, (
        code,
        name,
        name_en,
        uom,
        scale,
        decimals,
        over_units,
        over_time,
        reported,
        level,
    ) in enumerate(INDICATORS):
        indicator = Indicator.objects.filter(code=code).first() or Indicator(code=code)
        if indicator._state.adding:
            indicator.name, indicator.name_en = name, name_en
            indicator.unit_of_measure, indicator.display_scale = uom, scale
            indicator.decimals, indicator.unit_aggregation = decimals, over_units
            indicator.time_aggregation, indicator.period_type = over_time, reported
            indicator.classification, indicator.sort_order = level, (order + 1) * 10
            if uom == "percent":
                indicator.min_value, indicator.max_value = 0, 100
            if code == "INVEST_DISBURSED":
                indicator.min_value = 0
            indicator.save()
        found[code] = indicator
    if not ValidationRule.objects.exists():
        ValidationRule.objects.create(
            name="Người được đào tạo không vượt quân số",
            left=found["KEY_STAFF_TRAINED"],
            comparison="le",
            right=found["WORKFORCE"],
            message="Số người được đào tạo trong quý không thể lớn hơn quân số.",
        )
    return found


def _size(code: str) -> float:
    return 0.6 + (sum(map(ord, code)) % 9) / 10


def _targets(indicators, units):
    """A yearly target per unit (growing 8% a year) and the GDDI's own, and the plan target."""
    last_year = today().year
    for year in range(FIRST_YEAR, last_year + 1):
        period = Period.objects.for_code(str(year))
        growth = 1.08 ** (year - FIRST_YEAR)
        for code, indicator in indicators.items():
            per_unit = {}
            for unit_code in REPORTING_UNITS:
                months = 12 if indicator.period_type == "monthly" else 4
                base = BASE[code] * _size(unit_code)
                if indicator.time_aggregation == "sum":
                    value = base * growth * months
                elif code == "WORKFORCE":
                    value = base * 1.01 ** (year - FIRST_YEAR)
                else:
                    value = base * (1 + (growth - 1) / 2)
                per_unit[unit_code] = decimal.Decimal(round(value))
                _target(indicator, units[unit_code], period, per_unit[unit_code])
            # The corporations' targets are their companies' and factories' (tree of 31 Dec).
            for parent_code, children in _children_on(period.end_date).items():
                parts = [per_unit[c] for c in children if c in per_unit]
                if parts and parent_code in units:
                    _target(indicator, units[parent_code], period, _combine(indicator, parts))
            total = _combine(indicator, list(per_unit.values()))
            _target(indicator, units["TCCNQP"], period, total, "Kế hoạch năm (mẫu)")
    plan = Period.objects.for_code("2021-2025")
    if not plan.name:
        plan.name = "Kế hoạch 5 năm 2021–2025"
        plan.save()
    for code in ("PROD_VALUE", "REVENUE", "EXPORT_VALUE"):
        yearly = Target.objects.filter(
            indicator=indicators[code],
            unit=units["TCCNQP"],
            period__period_type=periods.PeriodType.YEARLY,
            period__start_date__year__lte=2025,
        )
        _target(
            indicators[code],
            units["TCCNQP"],
            plan,
            sum(t.value for t in yearly),
            "Kế hoạch 5 năm 2021–2025 (mẫu)",
        )


def _combine(indicator, parts):
    if indicator.unit_aggregation == "sum":
        return decimal.Decimal(sum(parts))
    return decimal.Decimal(round(sum(parts) / len(parts)))


def _children_on(day) -> dict[str, list[str]]:
    links = UnitLink.objects.filter(active_on(day), parent__code__in=CORPORATIONS)
    found: dict[str, list[str]] = {}
    for parent, child in links.values_list("parent__code", "child__code"):
        found.setdefault(parent, []).append(child)
    return found


def _target(indicator, unit, period, value, source="Giao chỉ tiêu năm (mẫu)"):
    if not Target.objects.filter(indicator=indicator, unit=unit, period=period).exists():
        Target.objects.create(
            indicator=indicator,
            unit=unit,
            period=period,
            value=value,
            source=source,
            classification=indicator.classification,
        )


def _months(until: datetime.date):
    year, month = FIRST_YEAR, 1
    while (year, month) <= (until.year, until.month):
        yield year, month
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)


def _figures(admin, indicators, units) -> int:
    rng = random.Random(2021)
    now = today()
    last_month = (now.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    rows, line = [], 0
    for unit_code in REPORTING_UNITS:
        factor = PERFORMANCE.get(unit_code, 1.0 + rng.uniform(0.0, 0.08))
        size = _size(unit_code)
        workforce = BASE["WORKFORCE"] * size
        for year, month in _months(last_month):
            growth = 1.08 ** (year - FIRST_YEAR)
            season = SEASON[month - 1]
            for code, indicator in indicators.items():
                if indicator.period_type == "quarterly" and month % 3:
                    continue
                noise = rng.uniform(0.92, 1.08)
                if code == "WORKFORCE":
                    workforce *= rng.uniform(0.995, 1.008)
                    value = round(workforce)
                elif code == "DUAL_USE_SHARE":
                    value = round(BASE[code] * (1 + (growth - 1) / 2) * factor * noise, 1)
                elif code == "KEY_STAFF_TRAINED":
                    value = round(BASE[code] * size * growth * factor * noise / 0.98)
                else:
                    value = round(BASE[code] * size * growth * factor * season * noise / 0.98)
                code_ = (
                    f"{year}{month:02d}"
                    if indicator.period_type == "monthly"
                    else f"{year}Q{(month - 1) // 3 + 1}"
                )
                line += 1
                rows.append((line, code, unit_code, code_, value, ""))
    write_values(admin, rows, kind=ValueBatch.Kind.GENERATED, source_name="demo")
    return len(rows)


def _workflow(admin, approver, units):
    """Approved up to the month before last; the last month submitted; quarters likewise."""
    now = today()
    last = (now.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    for unit_code in REPORTING_UNITS:
        unit = units[unit_code]
        for year, month in _months(last):
            codes = [f"{year}{month:02d}"]
            if month % 3 == 0:
                codes.append(f"{year}Q{month // 3}")
            for code in codes:
                period = Period.objects.filter(code=code).first()
                if (
                    period is None
                    or DataSubmission.objects.filter(unit=unit, period=period).exists()
                ):
                    continue
                if (year, month) == (last.year, last.month) and unit_code in ("Z101", "Z104"):
                    continue  # still a draft: the factory has not finished its report
                submission = workflow.submit(admin, unit.pk, period.pk)
                if (year, month) != (last.year, last.month):
                    workflow.approve(approver, submission)
