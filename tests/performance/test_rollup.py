"""The live roll-up: each aggregation over units and over time, the dated tree, no rebuild."""

import datetime
import decimal

import pytest

from dimis.framework.testing import make_unit
from dimis.performance.models import Value, ValueRollup
from dimis.performance.rollup import rollup, rollup_discrepancies

from .helpers import indicator, moved, period, put

D = decimal.Decimal


def totals(user, root, code, *indicators):
    figures = rollup(user, root, period(code), list(indicators))
    return {i.code: figures[i.pk].total.value for i in indicators}


@pytest.fixture
def kinds(world):
    return {
        "flow": indicator("REV", unit_aggregation="sum", time_aggregation="sum"),
        "stock": indicator("STAFF", unit_aggregation="sum", time_aggregation="last"),
        "rate": indicator("SHARE", unit_aggregation="average", time_aggregation="average"),
        "latest": indicator("PRICE", unit_aggregation="last", time_aggregation="last"),
    }


def test_each_aggregation_over_units_and_time(world, kinds):
    put(
        world.admin,
        ("REV", "F1", "202301", 10),
        ("REV", "F1", "202302", 20),
        ("REV", "F2", "202301", 5),
        ("STAFF", "F1", "202301", 100),
        ("STAFF", "F1", "202303", 110),
        ("STAFF", "F2", "202302", 50),
        ("SHARE", "F1", "202301", 40),
        ("SHARE", "F1", "202302", 60),
        ("SHARE", "F2", "202301", 20),
        ("PRICE", "F1", "202301", 7),
        ("PRICE", "F2", "202302", 9),
    )
    q1 = totals(world.admin, world.gddi, "2023Q1", *kinds.values())
    assert q1["REV"] == 35  # flows: sum over months, sum over units
    assert q1["STAFF"] == 160  # stocks: each unit's last month (110 in March, 50 in Feb), summed
    assert q1["SHARE"] == 35  # F1 averages 50 over time, F2 20: average over units 35
    assert q1["PRICE"] == 9  # the latest reported anywhere in the subtree (F2, February)
    january = totals(world.admin, world.gddi, "202301", *kinds.values())
    assert january == {"REV": 15, "STAFF": 100, "SHARE": 30, "PRICE": 7}
    # The same figures one level up, and the year, and a plan period made afterwards.
    assert totals(world.admin, world.mnd, "2023", kinds["flow"]) == {"REV": 35}
    assert totals(world.admin, world.gddi, "2021-2025", kinds["flow"]) == {"REV": 35}
    assert rollup_discrepancies() == []


def test_a_saved_value_shows_in_every_total_at_once(world, kinds):
    put(world.admin, ("REV", "F1", "202301", 10))
    assert totals(world.admin, world.gddi, "2023", kinds["flow"])["REV"] == 10
    put(world.admin, ("REV", "F1", "202301", 12), ("REV", "F1", "202311", 3))
    assert totals(world.admin, world.gddi, "2023", kinds["flow"])["REV"] == 15
    assert totals(world.admin, world.gddi, "2023S2", kinds["flow"])["REV"] == 3
    put(world.admin, ("REV", "F1", "202311", None))  # an empty value removes the figure
    assert totals(world.admin, world.gddi, "2023", kinds["flow"])["REV"] == 12
    assert totals(world.admin, world.gddi, "2023S2", kinds["flow"])["REV"] is None
    assert rollup_discrepancies() == []


def test_removing_the_last_month_of_a_stock_falls_back_to_the_one_before(world, kinds):
    put(world.admin, ("STAFF", "F1", "202301", 100), ("STAFF", "F1", "202303", 110))
    put(world.admin, ("STAFF", "F1", "202303", None))
    assert totals(world.admin, world.gddi, "2023Q1", kinds["stock"])["STAFF"] == 100
    assert rollup_discrepancies() == []


def test_a_moved_unit_rolls_up_under_the_old_parent_before_and_the_new_one_after(world, kinds):
    put(world.admin, ("REV", "F1", "202303", 10), ("REV", "F1", "202309", 30))
    moved(world.f1, world.gddi, world.other, datetime.date(2023, 7, 1))
    flow = kinds["flow"]
    assert totals(world.admin, world.gddi, "2023S1", flow)["REV"] == 10
    assert totals(world.admin, world.other, "2023S1", flow)["REV"] is None
    assert totals(world.admin, world.gddi, "2023S2", flow)["REV"] is None
    assert totals(world.admin, world.other, "2023S2", flow)["REV"] == 30
    # The whole year follows the tree of its last day.
    assert totals(world.admin, world.other, "2023", flow)["REV"] == 40


def test_figures_per_child_and_the_roots_own(world, kinds):
    plant = make_unit("F1A", world.f1, kind="factory")
    put(
        world.admin,
        ("REV", "F1", "202301", 1),
        ("REV", "F1A", "202301", 2),
        ("REV", "F2", "202301", 4),
        ("REV", "GDDI", "202301", 8),
    )
    figures = rollup(world.admin, world.gddi, period("202301"), [kinds["flow"]])[kinds["flow"].pk]
    assert figures.total.value == 15
    assert figures.by_unit[world.f1.pk].value == 3  # F1 with the plant under it
    assert figures.by_unit[world.f2.pk].value == 4
    assert figures.by_unit[world.gddi.pk].value == 8  # the GDDI's own report
    assert figures.total.as_of is not None
    assert plant.pk not in figures.by_unit


def test_users_see_only_what_their_grants_reach(world, kinds):
    put(world.admin, ("REV", "F1", "202301", 10), ("REV", "F2", "202301", 5))
    assert totals(world.f1_planner, world.gddi, "202301", kinds["flow"])["REV"] == 10
    assert totals(world.planner, world.gddi, "202301", kinds["flow"])["REV"] == 15
    assert totals(world.viewer, world.gddi, "202301", kinds["flow"])["REV"] is None


def test_indicators_above_the_clearance_are_left_out(world):
    secret = indicator("AMMO", classification=3)
    put(world.admin, ("AMMO", "F1", "202301", 10))
    assert rollup(world.f1_planner, world.gddi, period("202301"), [secret]) == {}
    assert totals(world.planner, world.gddi, "202301", secret) == {"AMMO": 10}


def test_rollup_rows_are_one_per_unit_and_coarser_period(world, kinds):
    put(world.admin, ("REV", "F1", "202301", 10), ("REV", "F1", "202302", 10))
    assert Value.objects.count() == 2
    # Q1, S1, 2023 (no plan period exists yet)
    assert ValueRollup.objects.count() == 3


def test_a_stock_takes_its_latest_month_whatever_order_the_figures_come_in(world, kinds):
    stock = kinds["stock"]
    put(world.admin, ("STAFF", "F1", "202303", 110))
    put(world.admin, ("STAFF", "F1", "202301", 100))  # an earlier month, entered later
    assert totals(world.admin, world.gddi, "2023Q1", stock)["STAFF"] == 110
    put(world.admin, ("STAFF", "F1", "202303", 120))  # the latest month corrected
    assert totals(world.admin, world.gddi, "2023Q1", stock)["STAFF"] == 120
    put(world.admin, ("STAFF", "F1", "202301", 90))  # an earlier month corrected
    assert totals(world.admin, world.gddi, "2023", stock)["STAFF"] == 120
    assert rollup_discrepancies() == []
