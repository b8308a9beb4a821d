"""The one write path for values: checks, dry run, audit trail, change log, access."""

import decimal
import threading
import time

import pytest
from django.db import connection

from dimis.core.changelog import verify_chain
from dimis.core.models import ChangeRecord
from dimis.framework.choices import Role
from dimis.framework.testing import build_world, make_user
from dimis.performance import values, workflow
from dimis.performance.models import Value, ValueAudit, ValueBatch, ValueRollup
from dimis.performance.rollup import rollup_discrepancies
from dimis.performance.values import ValuesRejected, parse_number

from .helpers import indicator, period, put


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def rev(world):
    return indicator("REV")


def state():
    return (
        sorted(Value.objects.values_list("indicator_id", "unit_id", "period_id", "value")),
        sorted(ValueRollup.objects.values_list("indicator_id", "unit_id", "period_id", "total")),
        ValueAudit.objects.count(),
        ValueBatch.objects.count(),
    )


def test_a_write_keeps_the_previous_figure_and_logs_one_batch(world, rev):
    put(world.f1_planner, ("REV", "F1", "202301", 10))
    result = put(world.f1_planner, ("REV", "F1", "202301", 12), ("REV", "F1", "202302", 5))
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    audit = ValueAudit.objects.get()
    assert (audit.previous_value, audit.new_value) == (10, 12)
    assert audit.previous_stored_by == "t-f1planner"
    batch = result.batch
    record = ChangeRecord.objects.filter(object_type="performance.valuebatch").first()
    assert record.object_id == str(batch.pk) and record.after["updated"] == 1
    assert record.user == world.f1_planner
    assert verify_chain()[0]
    again = put(world.f1_planner, ("REV", "F1", "202301", "12.0000"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_a_dry_run_reports_the_changes_and_writes_nothing(world, rev):
    put(world.admin, ("REV", "F1", "202301", 10))
    before = state()
    changes_before = ChangeRecord.objects.count()
    result = put(world.admin, ("REV", "F1", "202301", 11), ("REV", "F2", "202301", 3), dry_run=True)
    assert (result.created, result.updated) == (1, 1)
    assert [(c.line, c.unit, c.old, c.new) for c in result.changes] == [
        (1, "F1", 10, 11),
        (2, "F2", None, 3),
    ]
    assert result.batch is None
    assert state() == before
    assert ChangeRecord.objects.count() == changes_before


@pytest.mark.parametrize(
    "row, field, words",
    [
        (("NOPE", "F1", "202301", 1), "indicator", "Unknown indicator"),
        (("REV", "F1", "2023Q5", 1), "period", "period code"),
        (("REV", "F1", "2023Q1", 1), "period", "reported monthly"),
        (("REV", "F1", "202301", "ten"), "value", "not a number"),
        (("REV", "F1", "202301", "1e40"), "value", "too large"),
        (("REV", "OTHER", "202301", 1), "unit", "not a unit you can report for"),
        (("REV", "XX", "202301", 1), "unit", "not a unit you can report for"),
    ],
)
def test_one_bad_row_is_named_and_nothing_is_written(world, rev, row, field, words):
    before = state()
    with pytest.raises(ValuesRejected) as caught:
        put(world.planner, ("REV", "F1", "202301", 1), ("REV", "F2", "202301", 2), row)
    error = caught.value.errors[0]
    assert error.line == 3 and error.field == field and words in error.message
    assert state() == before


@pytest.mark.parametrize(
    "second, dry_run, stored",
    [
        (2, False, False),  # new figures only: named when the values' unique key refuses them
        (2, True, False),  # a dry run writes nothing, so checks the staged rows
        (None, False, False),  # a value and a removal of the same cell
        (2, False, True),  # the period holds figures already
    ],
)
def test_the_same_cell_twice_in_one_file_is_an_error(world, rev, second, dry_run, stored):
    if stored:  # the cell itself: one row leaves it unchanged, the other would update it
        put(world.admin, ("REV", "F1", "202301", 1))
    before = state()
    rows = [("REV", "F2", "202302", 3), ("REV", "F1", "202301", 1), ("REV", "F1", "202301", second)]
    with pytest.raises(ValuesRejected) as caught:
        put(world.admin, *rows, dry_run=dry_run)
    assert [(e.line, e.message) for e in caught.value.errors] == [
        (3, "the same indicator, unit and period as row 2")
    ]
    assert state() == before


def test_the_same_new_cell_twice_is_named_with_the_files_other_errors(world, rev):
    workflow.submit(world.admin, world.f2.pk, period("202305").pk)
    rows = [("REV", "F1", "202304", 1), ("REV", "F1", "202304", 2), ("REV", "F2", "202305", 5)]
    with pytest.raises(ValuesRejected) as caught:
        put(world.admin, *rows)
    assert sorted((e.line, e.field) for e in caught.value.errors) == [(2, "value"), (3, "period")]
    assert not Value.objects.exists()


def test_approved_figures_cannot_change_until_reopened(world, rev):
    approver = make_user("t-approver", grants=[(Role.APPROVER, world.gddi)])
    put(world.f1_planner, ("REV", "F1", "202301", 10))
    submission = workflow.submit(world.f1_planner, world.f1.pk, period("202301").pk)
    with pytest.raises(ValuesRejected, match="submitted"):
        put(world.f1_planner, ("REV", "F1", "202301", 11))
    workflow.approve(approver, submission)
    with pytest.raises(ValuesRejected) as caught:
        put(world.f1_planner, ("REV", "F1", "202301", 11))
    assert "approved" in caught.value.errors[0].message
    assert Value.objects.get().value == 10
    workflow.send_back(approver, submission, "Q1 revenue was revised by the audit")
    put(world.f1_planner, ("REV", "F1", "202301", 11))
    assert Value.objects.get().value == 11


def test_a_reporter_of_one_factory_writes_only_its_figures(world, rev):
    reporter = make_user("t-reporter", grants=[(Role.REPORTER, world.f1)])
    put(reporter, ("REV", "F1", "202301", 1))
    with pytest.raises(ValuesRejected):
        put(reporter, ("REV", "F2", "202301", 1))
    viewer = make_user("t-f1viewer", grants=[(Role.VIEWER, world.f1)])
    with pytest.raises(ValuesRejected):
        put(viewer, ("REV", "F1", "202302", 1))
    assert list(Value.objects.all().restrict(reporter).values_list("unit__code", flat=True)) == [
        "F1"
    ]
    put(world.admin, ("REV", "F2", "202301", 1))
    assert Value.objects.all().restrict(reporter).count() == 1
    assert Value.objects.all().restrict(world.planner).count() == 2


def test_secret_indicators_are_unknown_below_the_clearance(world):
    indicator("AMMO", classification=3)
    with pytest.raises(ValuesRejected, match="Unknown indicator"):
        put(world.f1_planner, ("AMMO", "F1", "202301", 1))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("12", "12"),
        (" 1 234,5 ".replace(",", "."), "1234.5"),
        (3.25, "3.25"),
        ("0.00005", "0.0000"),
    ],
)
def test_numbers(text, expected):
    assert parse_number(text) == decimal.Decimal(expected)


@pytest.mark.parametrize("text", ["1,234.5", "NaN", "inf", "", True])
def test_not_numbers(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_a_large_write_takes_one_lock_for_all_figures(world, rev, monkeypatch):
    from dimis.performance import values

    # Beyond this many unit-period pairs one lock replaces one lock per pair (PostgreSQL's lock
    # table holds a few thousand): the write still goes through whole.
    monkeypatch.setattr(values, "PAIR_LOCKS_AT_MOST", 1)
    result = put(world.admin, ("REV", "F1", "202301", 1), ("REV", "F2", "202302", 2))
    assert result.created == 2 and Value.objects.count() == 2
    # Such a write updates the roll-up rows that exist and inserts the others plainly: new rows
    # in a period that has rows (OTHER in 2023Q1) and in one that has none (2023Q2).
    put(
        world.admin,
        ("REV", "F1", "202301", 5),
        ("REV", "F1", "202305", 7),
        ("REV", "F2", "202302", None),
        ("REV", "OTHER", "202303", 3),
    )
    assert rollup_discrepancies() == []
    year = ValueRollup.objects.filter(period__code="2023")
    assert {r.unit.code: r.total for r in year.select_related("unit")} == {"F1": 12, "OTHER": 3}


# -- concurrent writers (PostgreSQL's locks; SQLite serialises writers itself, and its test
# database, in memory and shared by threads, refuses a second writer at once) ------------------
needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's locks")


def _attempt(outcome, name, action):
    try:
        action()
        outcome[name] = "ok"
    except Exception as error:  # noqa: BLE001 (reported by the test's assertion)
        outcome[name] = f"{type(error).__name__}: {error}"


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_write_that_creates_a_month_waits_for_a_submission_under_way(monkeypatch):
    world = build_world()
    indicator("REV")
    january = period("202301")
    submitting, outcome = threading.Event(), {}
    locked = workflow._locked

    def held_long(unit_id, period_id):  # the submission holds its locks a while
        found = locked(unit_id, period_id)
        submitting.set()
        time.sleep(1)
        return found

    monkeypatch.setattr(workflow, "_locked", held_long)

    def submit():
        _attempt(outcome, "submit", lambda: workflow.submit(world.admin, world.f1.pk, january.pk))
        connection.close()

    submitter = threading.Thread(target=submit)
    submitter.start()
    assert submitting.wait(10)
    rows = [(1, "REV", "F1", "202301", "1", ""), (2, "REV", "F1", "209905", "2", "")]
    _attempt(outcome, "write", lambda: values.write_values(world.admin, rows))
    submitter.join(30)
    assert outcome["submit"] == "ok"
    assert outcome["write"].startswith("ValuesRejected") and "submitted" in outcome["write"]


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_grid_saves_one_of_them_a_new_month_both_land(monkeypatch):
    world = build_world()
    indicator("REV")
    put(world.admin, ("REV", "F1", "209906", 1))
    creating, outcome = threading.Event(), {}

    def new_month():
        def rows():
            yield (1, "REV", "F1", "209907", "5", "")  # creates the month, its quarter, …
            creating.set()
            time.sleep(1)  # the other save meanwhile reaches its locks

        _attempt(outcome, "new month", lambda: values.write_values(world.admin, rows()))
        connection.close()

    first = threading.Thread(target=new_month)
    first.start()
    assert creating.wait(10)
    _attempt(outcome, "june", lambda: put(world.admin, ("REV", "F1", "209906", 2)))
    first.join(30)
    assert outcome == {"new month": "ok", "june": "ok"}
    assert rollup_discrepancies() == []
