"""Targets against actuals per indicator, with the lagging units: the dashboard, as a section.

The figures are `dashboard.build()`'s, the very function behind the dashboard page, so the
report and the dashboard never disagree; nothing is recomputed here, only written out."""

import decimal

from django.utils import formats
from django.utils.translation import gettext as _

from dimis.performance import dashboard
from dimis.performance.models import period_as_of

from ..registry import report_section
from ..structure import Bar, BarChart, Cell, Paragraph, Section, Table
from ..text import count_text, date_text

TONE = {"red": "red", "amber": "amber", "green": "green", "none": ""}
CHART_UNITS = 15  # units drawn per indicator; the tables list them all
CHART_INDICATORS = 10  # indicators drawn unit by unit: those with the most units behind


def shown_value(indicator, value):
    """The figure as printed (scaled, rounded), as a number for the annex."""
    if value is None:
        return None
    scaled = (decimal.Decimal(value) / indicator.display_scale).quantize(
        decimal.Decimal(1).scaleb(-indicator.decimals), rounding=decimal.ROUND_HALF_UP
    )
    return float(scaled)


def figure_cell(indicator, value) -> Cell:
    fmt = "#,##0" + ("." + "0" * indicator.decimals if indicator.decimals else "")
    return Cell(
        dashboard.format_figure(indicator, value, with_unit=False),
        shown_value(indicator, value),
        fmt=fmt,
    )


def ratio_cell(line) -> Cell:
    ratio = line.ratio
    return Cell(line.percent, None if ratio is None else float(ratio), fmt="0%")


def board_for(scope):
    """The dashboard of the scope, as the dashboard page builds it (an empty one for a period
    never reported on)."""
    if scope.period.pk:
        return dashboard.build(scope.user, scope.unit, scope.period)
    return dashboard.Dashboard(scope.unit, scope.period, period_as_of(scope.period), [], None)


@report_section("targets", order=40)
def targets(scope) -> Section:
    board = board_for(scope)
    section = Section("targets", _("Targets and actuals"))
    section.add(
        Paragraph(
            _(
                "Figures for %(period)s from the live roll-up, the same as the dashboard's, over "
                "the units as organised on %(tree_on)s; data as of %(as_of)s. Red: below 90%% of "
                "the target; amber: below 100%%; for a period under way, the target expected to "
                "date (up to the end of last month) is the measure."
            )
            % {
                "period": scope.period.label,
                "tree_on": date_text(board.tree_on),
                "as_of": formats.date_format(board.as_of, "SHORT_DATETIME_FORMAT")
                if board.as_of
                else "—",
            }
        )
    )
    counts = {"red": 0, "amber": 0, "green": 0, "none": 0}
    rows = []
    for panel in board.panels:
        indicator, total = panel.indicator, panel.total
        counts[total.rag] += 1
        notes = []
        if total.target and total.target.basis:
            notes.append(total.target.basis)
        if total.expected is not None:
            notes.append(
                _("expected to date: %(value)s")
                % {"value": dashboard.format_figure(indicator, total.expected)}
            )
        rows.append(
            [
                Cell(str(indicator)),
                Cell(dashboard.unit_label(indicator)),
                figure_cell(indicator, total.target.value if total.target else None),
                figure_cell(indicator, total.actual.value),
                ratio_cell(total),
                Cell(str(total.rag_label), tone=TONE[total.rag]),
                Cell("; ".join(notes)),
            ]
        )
    section.add(
        Table(
            "indicators",
            _("Indicators for the whole subtree"),
            [
                _("Indicator"),
                _("Unit of measure"),
                _("Target"),
                _("Actual"),
                _("Of target"),
                _("Status"),
                _("Note"),
            ],
            rows,
            numeric=frozenset({2, 3, 4}),
            empty=_("No figures for this unit and period."),
        )
    )
    if board.panels:
        section.add(
            BarChart(
                "achievement",
                _("Achievement of the target by indicator"),
                [
                    Bar(
                        str(p.indicator),
                        None if p.total.ratio is None else float(p.total.ratio) * 100,
                        p.total.percent,
                        TONE[p.total.rag],
                        mark=100,
                    )
                    for p in board.panels
                ],
                # xgettext:no-python-format
                caption=_("The line marks 100% of the target."),
            )
        )
    lagging = board.lagging_units
    section.add(
        Table(
            "lagging",
            _("Lagging units"),
            [_("Unit"), _("Indicators in red"), _("Indicators in amber")],
            [
                [
                    Cell(str(unit)),
                    Cell(count_text(red), red, "red" if red else ""),
                    Cell(count_text(amber), amber, "amber" if amber else ""),
                ]
                for unit, red, amber in lagging
            ],
            numeric=frozenset({1, 2}),
            empty=_("No unit is behind its targets."),
        )
    )
    # Every unit's line, the worst first across all indicators (the dashboard's own order
    # within an indicator): a printed report that shows only the first lines shows the laggards.
    order = {p.indicator.pk: n for n, p in enumerate(board.panels)}
    unit_lines = sorted(
        ((panel.indicator, line) for panel in board.panels for line in panel.units),
        key=lambda pair: (*pair[1].sort_key[:2], order[pair[0].pk], pair[1].sort_key[2]),
    )
    section.add(
        Table(
            "indicator_units",
            _("Indicators by unit, laggards first"),
            [_("Indicator"), _("Unit"), _("Target"), _("Actual"), _("Of target"), _("Status")],
            [
                [
                    Cell(str(indicator)),
                    Cell(str(line.unit)),
                    figure_cell(indicator, line.target.value if line.target else None),
                    figure_cell(indicator, line.actual.value),
                    ratio_cell(line),
                    Cell(str(line.rag_label), tone=TONE[line.rag]),
                ]
                for indicator, line in unit_lines
            ],
            numeric=frozenset({2, 3, 4}),
            empty=_("No unit under this one reported figures or has targets."),
        )
    )
    # A chart of the units for the indicators with the most units behind.
    behind = sorted(
        board.panels,
        key=lambda p: (
            -sum(line.rag == "red" for line in p.units),
            -sum(line.rag == "amber" for line in p.units),
            order[p.indicator.pk],
        ),
    )
    for panel in sorted(behind[:CHART_INDICATORS], key=lambda p: order[p.indicator.pk]):
        bars = [
            Bar(
                str(line.unit),
                None if line.ratio is None else float(line.ratio) * 100,
                line.percent,
                TONE[line.rag],
                mark=100,
            )
            for line in panel.units[:CHART_UNITS]
            if line.target is not None
        ]
        if bars:
            section.add(
                BarChart(
                    f"units-{panel.indicator.code}",
                    _("%(indicator)s: achievement by unit") % {"indicator": panel.indicator},
                    bars,
                )
            )
    lines = [line for p in board.panels for line in (p.total, *p.units)]
    section.classification = max(
        [0]
        + [p.indicator.classification for p in board.panels]
        + [line.target.classification for line in lines if line.target]
        + [line.unit.classification for line in lines]
    )
    section.summary = _(
        "Indicators: %(n)s; on target %(green)s, amber %(amber)s, red %(red)s, without a "
        "target %(none)s. Lagging units: %(lagging)s."
    ) % {
        "n": count_text(len(board.panels)),
        "green": count_text(counts["green"]),
        "amber": count_text(counts["amber"]),
        "red": count_text(counts["red"]),
        "none": count_text(counts["none"]),
        "lagging": ", ".join(str(unit) for unit, _red, _amber in lagging[:5]) or _("none"),
    }
    return section
