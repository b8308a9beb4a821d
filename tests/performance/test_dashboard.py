"""The dashboard: targets against actuals, red/amber/green, laggards first, trend and export."""

import datetime
import decimal
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from dimis.framework.choices import Role
from dimis.framework.testing import csv_rows, make_unit, make_user, xlsx_rows
from dimis.performance import dashboard
from dimis.performance.models import Target

from .helpers import indicator, period, put

D = decimal.Decimal


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def rev(world):
    return indicator("REV", name="Revenue")


def target(ind, unit, code, value):
    return Target.objects.create(indicator=ind, unit=unit, period=period(code), value=value)


def test_targets_from_the_period_its_parts_or_pro_rata(world, rev):
    stock = indicator("STAFF", time_aggregation="last")
    target(rev, world.f1, "2023", 1200)
    target(rev, world.f2, "2023Q1", 100)
    target(rev, world.f2, "2023Q2", 200)
    target(stock, world.f1, "2023", 50)
    h1 = period("2023S1")
    found = dashboard.resolve_targets(world.admin, [rev, stock], [world.f1.pk, world.f2.pk], h1)
    assert found[(rev.pk, world.f2.pk)].value == 300  # two quarters summed
    pro_rata = found[(rev.pk, world.f1.pk)]
    assert round(pro_rata.value) == round(D(1200) * 181 / 365)
    assert "2023" in pro_rata.basis
    assert found[(stock.pk, world.f1.pk)].value == 50  # a stock's yearly target as it is
    exact = dashboard.resolve_targets(world.admin, [rev], [world.f1.pk], period("2023"))
    assert exact[(rev.pk, world.f1.pk)].value == 1200 and exact[(rev.pk, world.f1.pk)].basis == ""


def test_red_amber_green_and_laggards_first(world, rev):
    cost = indicator("COST", higher_is_better=False)
    f3 = make_unit("F3", world.gddi, kind="factory")
    for unit in (world.f1, world.f2, f3):
        target(rev, unit, "2023", 100)
        target(cost, unit, "2023", 100)
    put(
        world.admin,
        ("REV", "F1", "202301", 100),
        ("REV", "F2", "202301", 95),
        ("REV", "F3", "202301", 50),
        ("COST", "F1", "202301", 80),
        ("COST", "F2", "202301", 125),
    )
    board = dashboard.build(world.admin, world.gddi, period("2023"))
    panels = {p.indicator.code: p for p in board.panels}
    revenue = panels["REV"]
    assert [(line.unit.code, line.rag) for line in revenue.units] == [
        ("F3", "red"),
        ("F2", "amber"),
        ("F1", "green"),
    ]
    assert revenue.total.actual.value == 245 and revenue.total.rag == "none"  # no GDDI target
    costs = panels["COST"]
    # Lower is better: F3 reported nothing (worst), F2 over budget, F1 under budget.
    assert [(line.unit.code, line.rag) for line in costs.units] == [
        ("F3", "red"),
        ("F2", "red"),
        ("F1", "green"),
    ]
    assert [(u.code, red) for u, red, amber in board.lagging_units][:2] == [("F3", 2), ("F2", 1)]


def test_a_current_flow_is_judged_against_the_target_to_date(world, rev, monkeypatch):
    monkeypatch.setattr(dashboard, "today", lambda: datetime.date(2023, 7, 10))
    target(rev, world.f1, "2023", 365)
    put(world.admin, ("REV", "F1", "202301", 179))
    board = dashboard.build(world.admin, world.gddi, period("2023"))
    line = board.panels[0].units[0]
    # Up to the end of June (July's figures come in August): 181 days of 365.
    assert line.expected == 181
    assert line.rag == "amber" and D("0.98") < line.ratio < 1


def test_the_page_shows_figures_targets_and_data_as_of(world, rev, client):
    target(rev, world.f1, "2023", 100)
    put(world.admin, ("REV", "F1", "202301", 40))
    client.force_login(world.planner)
    response = client.get(
        reverse("performance-dashboard"), {"unit": world.gddi.pk, "period": "2023"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Revenue" in page and "Unit F1" in page and "40%" in page
    assert "Data as of" in page
    bad = client.get(reverse("performance-dashboard"), {"unit": world.gddi.pk, "period": "2023Q7"})
    assert "not a period code" in bad.content.decode()


def test_a_reporter_sees_only_their_factory(world, rev, client):
    put(world.admin, ("REV", "F1", "202301", 40), ("REV", "F2", "202301", 60))
    reporter = make_user("t-reporter", grants=[(Role.REPORTER, world.f1)])
    client.force_login(reporter)
    response = client.get(
        reverse("performance-dashboard"), {"unit": world.gddi.pk, "period": "2023"}
    )
    page = response.content.decode()
    assert "Unit F2" not in page and "Unit GDDI" not in page
    assert "Unit F1" in page  # the unit picker fell back to the unit they see
    export = client.get(
        reverse("performance-dashboard-csv"), {"unit": world.gddi.pk, "period": "2023"}
    )
    assert {row[2] for row in csv_rows(export)[1:]} == {"F1"}


def test_export_csv_and_xlsx_carry_the_dashboard(world, rev, client):
    target(rev, world.f1, "2023", 100)
    put(world.admin, ("REV", "F1", "202301", 40))
    client.force_login(world.planner)
    query = {"unit": world.gddi.pk, "period": "2023"}
    rows = csv_rows(client.get(reverse("performance-dashboard-csv"), query))
    assert rows[0][:4] == ["indicator_code", "indicator", "unit_code", "unit"]
    f1 = next(r for r in rows if r[2] == "F1")
    assert float(f1[5]) == 40
    assert float(f1[6]) == 100 and f1[9] == "red"
    sheet = xlsx_rows(client.get(reverse("performance-dashboard-xlsx"), query))
    assert sheet[0] == rows[0] and len(sheet) == len(rows)


def test_trend_rolls_each_period_over_its_own_tree(world, rev, client):
    put(world.admin, ("REV", "F1", "202201", 10), ("REV", "F1", "202301", 20))
    target(rev, world.gddi, "2023", 30)
    client.force_login(world.planner)
    response = client.get(
        reverse("performance-dashboard-trend"), {"unit": world.gddi.pk, "period": "2023"}
    )
    series = json.loads(response.content)["REV"]
    assert series["actual"][-2:] == [10.0, 20.0]
    assert series["target"][-1] == 30.0 and len(series["labels"]) == 6


def test_the_dashboard_costs_the_same_queries_for_many_units_and_indicators(world, rev, client):
    client.force_login(world.planner)
    url = reverse("performance-dashboard")
    query = {"unit": world.gddi.pk, "period": "2023"}
    put(world.admin, ("REV", "F1", "202301", 1))
    with CaptureQueriesContext(connection) as few:
        client.get(url, query)
    for n in range(5):
        make_unit(f"N{n}", world.gddi, kind="factory")
        indicator(f"I{n}")
    put(world.admin, *[(f"I{n}", f"N{n}", "202301", n) for n in range(5)])
    with CaptureQueriesContext(connection) as many:
        client.get(url, query)
    assert len(many) == len(few)


def test_figures_follow_the_indicator_format():
    from dimis.performance.models import Indicator

    vnd = Indicator(unit_of_measure="vnd", display_scale=1_000_000_000, decimals=1)
    assert dashboard.format_figure(vnd, D("1234567890123")) == "1,234.6 billion VND"
    share = Indicator(unit_of_measure="percent", decimals=1)
    assert dashboard.format_figure(share, D("12.34")) == "12.3%"
    with translation.override("vi"):
        assert dashboard.format_figure(vnd, D("1234567890123")).startswith("1.234,6")


@pytest.mark.django_db
def test_the_demo_has_figures_since_2021_with_units_behind_target():
    import io

    from django.core.management import call_command

    from dimis.org.models import OrgUnit
    from dimis.performance import workflow
    from dimis.performance.models import Period, Value
    from dimis.performance.rollup import rollup_discrepancies
    from dimis.users.models import User

    call_command("demo", stdout=io.StringIO())
    planner = User.objects.get(username="planner")
    gddi = OrgUnit.objects.get(code="TCCNQP")
    assert Value.objects.filter(period__start_date__year=2021).exists()
    board = dashboard.build(planner, gddi, Period.objects.get(code="2025"))
    codes = {p.indicator.code for p in board.panels}
    assert {"PROD_VALUE", "REVENUE", "EXPORT_VALUE", "DUAL_USE_SHARE"} <= codes
    assert {"INVEST_DISBURSED", "KEY_STAFF_TRAINED"} <= codes
    rags = {line.rag for panel in board.panels for line in panel.units}
    assert {"red", "amber", "green"} <= rags
    assert board.lagging_units[0][0].code in {"Z105", "GDDI-TCT2"}
    assert rollup_discrepancies() == []
    # The last reported month waits for the approver; the reporter of Z101 sees only Z101.
    waiting = list(workflow.inbox(User.objects.get(username="approver")))
    assert waiting and all(s.status == "submitted" for s in waiting)
    reporter = User.objects.get(username="reporter")
    assert set(Value.objects.all().restrict(reporter).values_list("unit__code", flat=True)) == {
        "Z101"
    }
