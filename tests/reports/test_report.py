"""The report as one structure: its sections, and figures equal to the dashboard's and the
scorecard's for the same user, unit and period."""

import pytest
from django.utils import translation

from dimis.directives.scorecard import scorecard
from dimis.framework.choices import Classification
from dimis.performance import dashboard
from dimis.performance.models import Period
from dimis.reports.builder import build_report
from dimis.reports.registry import registered, report_section, unregister
from dimis.reports.structure import Paragraph, Section

from .conftest import ON, SECRET_MARKER


def report_for(user, sector, language="en", **extra):
    extra.setdefault("meeting", sector.meeting)
    return build_report(user, sector.world.gddi, "2024S1", "six_month", language, on=ON, **extra)


def texts(table):
    return [[cell.text for cell in row] for row in table.rows]


def test_sections_in_order_with_a_summary(sector):
    report = report_for(sector.world.planner, sector)
    assert [s.key for s in report.sections] == ["documents", "tasks", "targets", "conclusions"]
    assert [s.number for s in report.sections] == [1, 2, 3, 4]
    assert report.title == "Six-month review: first half of 2024"
    assert len(report.summary) == 4
    # The body above is printed only for a reader who may see it.
    assert report.issuing_body == "UNIT GDDI" and report.parent_body == ""
    assert report_for(sector.world.admin, sector).parent_body == "UNIT MND"
    assert report.number_line == "No.: …/BC-GDDI"
    assert report.place_date == "Hanoi, 1 July 2024"


def test_task_figures_are_the_scorecards(sector):
    planner = sector.world.planner
    report = report_for(planner, sector)
    rows, total = scorecard(
        planner,
        sector.world.gddi,
        Period.objects.get(code="2024S1").start_date,
        Period.objects.get(code="2024S1").end_date,
        on=ON,
    )
    with translation.override("en"):
        table = report.section("tasks").table("scorecard")
        expected = [
            [str(r.unit), r.total, r.done_on_time, r.done_late, r.open_within_deadline, r.overdue]
            for r in rows
        ]
    got = [[row[0].text, *(cell.value for cell in row[1:6])] for row in table.rows]
    assert got == expected
    assert [c.value for c in table.total[1:6]] == [
        total.total,
        total.done_on_time,
        total.done_late,
        total.open_within_deadline,
        total.overdue,
    ]
    # F1: one on time, one open past its deadline, the secret one overdue; F2 one done late.
    assert (total.total, total.done_on_time, total.done_late, total.overdue) == (5, 1, 1, 3)
    overdue = texts(report.section("tasks").table("overdue"))
    assert [row[0] for row in overdue] == [
        f"Nhiệm vụ {SECRET_MARKER} mật",
        "Nhiệm vụ hạn 2024-05-15",
        "Nhiệm vụ hạn 2024-06-15",
    ]
    assert "Nhiệm vụ của đơn vị khác" not in repr(report)


def test_target_figures_are_the_dashboards(sector):
    planner = sector.world.planner
    report = report_for(planner, sector)
    board = dashboard.build(planner, sector.world.gddi, Period.objects.get(code="2024S1"))
    with translation.override("en"):
        expected = [
            [
                str(p.indicator),
                dashboard.format_figure(p.indicator, p.total.target.value, with_unit=False)
                if p.total.target
                else "—",
                dashboard.format_figure(p.indicator, p.total.actual.value, with_unit=False),
                p.total.percent,
                str(p.total.rag_label),
            ]
            for p in board.panels
        ]
        lines = sorted(
            (
                (line.sort_key[:2], n, str(p.indicator), str(line.unit), line.percent)
                for n, p in enumerate(board.panels)
                for line in p.units
            ),
            key=lambda entry: entry[:2],
        )
        lagging = [(str(u), red, amber) for u, red, amber in board.lagging_units]
    section = report.section("targets")
    got = [[r[0], r[2], r[3], r[4], r[5]] for r in texts(section.table("indicators"))]
    assert got == expected
    assert [r[0].text for r in section.table("indicators").rows] == ["Revenue", "SIGMA headcount"]
    revenue = section.table("indicators").rows[0]
    # 810 billion VND in the six months, shown (and kept in the annex) in billions.
    assert (revenue[3].text, revenue[3].value) == ("810.0", 810.0)
    # Every unit's line, the laggards first across the indicators.
    units = [(r[0].text, r[1].text, r[4].text) for r in section.table("indicator_units").rows]
    assert units == [entry[2:] for entry in lines]
    assert units[0] == ("Revenue", "Unit F2", "70%")
    assert [(r[0].text, r[1].value, r[2].value) for r in section.table("lagging").rows] == lagging
    assert lagging[0][0] == "Unit F2"


def test_the_previous_meetings_conclusions_and_their_tasks(sector):
    report = report_for(sector.world.planner, sector)
    rows = texts(report.section("conclusions").table("previous_conclusions"))
    assert rows == [["1", "Mở rộng thị trường xuất khẩu", "Unit F2", "2024-05-15", "0%", "Overdue"]]
    # Without a meeting: the last one the unit hosted by the end of the period.
    alone = report_for(sector.world.planner, sector, meeting=None)
    assert texts(alone.section("conclusions").table("previous_conclusions")) == rows


def test_documents_and_the_status_of_their_clauses(sector):
    report = report_for(sector.world.planner, sector)
    section = report.section("documents")
    assert [r[0] for r in texts(section.table("documents"))] == ["15/KH-TCCNQP", "16/KH-TCCNQP"]
    clauses = texts(section.table("clauses"))
    assert [(r[1], r[3], r[4], r[5], r[7], r[8]) for r in clauses] == [
        ("1", "2", "1", "1", "0", "Done, some late"),
        ("2", "2", "0", "0", "1", "Tasks overdue"),
    ]


def test_a_lower_clearance_gets_a_report_without_the_higher_records_and_a_lower_marking(sector):
    high = report_for(sector.world.planner, sector)
    low = report_for(sector.low, sector)
    assert (high.classification, high.classification_label) == (Classification.SECRET, "SECRET")
    assert (low.classification, low.classification_label) == (
        Classification.RESTRICTED,
        "RESTRICTED",
    )
    assert SECRET_MARKER in repr(high)
    assert SECRET_MARKER not in repr(low)
    assert [r[0].text for r in low.section("targets").table("indicators").rows] == ["Revenue"]


def test_a_user_without_a_grant_on_the_unit_is_refused(sector):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        report_for(sector.world.viewer, sector, meeting=None)


def test_a_registered_section_appears_in_every_report(sector):
    """The extension point: a later register adds a section by registering it."""

    @report_section("sample-register", order=60)
    def sample(scope):
        return Section("sample-register", "Sample register", [Paragraph(f"For {scope.unit}")])

    try:
        report = report_for(sector.world.planner, sector)
        assert report.sections[-1].key == "sample-register"
        assert report.sections[-1].number == 5
        assert report.sections[-1].content[0].text == "For Unit GDDI"
    finally:
        unregister("sample-register")
    assert "sample-register" not in [s.key for s in registered()]
