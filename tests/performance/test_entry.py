"""The data entry grid, cell history, validation flags and the XLSX template round trip."""

import decimal
import hashlib
import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from dimis.core.models import ChangeRecord
from dimis.framework.choices import Role
from dimis.framework.testing import make_user
from dimis.performance import workflow
from dimis.performance.entry_views import grid_text
from dimis.performance.models import (
    Comparison,
    DataSubmission,
    SubmissionStatus,
    ValidationRule,
    Value,
    ValueAudit,
    ValueBatch,
)
from dimis.performance.validation import violations
from dimis.performance.values import parse_number

from .helpers import indicator, period, put

ENTRY = "/performance/entry/"
CELL = "/performance/entry/cell/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def reporter(world):
    return make_user("t-reporter", grants=[(Role.REPORTER, world.f1)])


@pytest.fixture
def rev(world):
    return indicator("REV", sort_order=1)


def login(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def save(client, unit, code, period_code, value):
    return client.post(
        CELL, {"unit": unit.pk, "indicator": code, "period": period_code, "value": value}
    )


def figures():
    return sorted(
        (v.indicator.code, v.unit.code, v.period.code, v.value)
        for v in Value.objects.select_related("indicator", "unit", "period")
    )


def state():
    return figures(), ValueBatch.objects.count(), ValueAudit.objects.count()


# -- access ---------------------------------------------------------------------------------------


def test_a_reporter_sees_and_saves_only_their_unit(world, client, reporter, rev):
    login(client, reporter)
    page = client.get(ENTRY)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<option value="{world.f1.pk}"' in html
    for unit in (world.f2, world.gddi, world.other, world.mnd):
        assert f'<option value="{unit.pk}"' not in html
    assert client.get(ENTRY, {"unit": world.f2.pk}).status_code in (403, 404)
    refused = save(client, world.f2, "REV", "202401", "5")
    assert refused.status_code in (403, 404)
    assert Value.objects.count() == 0 and ValueBatch.objects.count() == 0
    template = client.get(reverse("performance-entry-template"), {"unit": world.f2.pk})
    assert template.status_code in (403, 404)


def test_a_user_reporting_for_nothing_is_told_so(world, client, rev):
    login(client, world.viewer)
    page = client.get(ENTRY)
    assert page.status_code == 200
    assert "You do not report figures for any unit" in page.content.decode()
    assert save(client, world.other, "REV", "202401", "5").status_code == 404


# -- saving a cell --------------------------------------------------------------------------------


def test_a_cell_save_writes_the_value_logs_a_batch_and_returns_the_cell(
    world, client, reporter, rev
):
    login(client, reporter)
    response = save(client, world.f1, "REV", "202401", "1234.5")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<td") and f'id="cell-{rev.pk}-202401"' in html
    assert 'value="1234.5"' in html and 'data-stored="1234.5"' in html
    value = Value.objects.get()
    assert (value.unit, value.period.code, value.value) == (
        world.f1,
        "202401",
        decimal.Decimal("1234.5"),
    )
    assert value.stored_by == "t-reporter"
    batch = ValueBatch.objects.get()
    assert batch.kind == ValueBatch.Kind.ENTRY and batch.created_count == 1
    record = ChangeRecord.objects.get(object_type="performance.valuebatch")
    assert record.object_id == str(batch.pk) and record.user == reporter and record.source == "web"
    # The same figure again writes nothing more; an emptied cell removes the figure.
    save(client, world.f1, "REV", "202401", "1234.50")
    assert ValueBatch.objects.count() == 1
    assert save(client, world.f1, "REV", "202401", "").status_code == 200
    assert Value.objects.count() == 0 and ValueAudit.objects.get().new_value is None


def test_a_bad_number_is_an_error_naming_it_and_writes_nothing(world, client, reporter, rev):
    put(reporter, ("REV", "F1", "202401", 7))
    before = state()
    login(client, reporter)
    response = save(client, world.f1, "REV", "202401", "12abc")
    assert response.status_code == 422
    html = response.content.decode()
    assert "“12abc” is not a number" in html
    assert 'value="12abc"' in html and 'data-stored="7"' in html and "is-invalid" in html
    assert state() == before


def test_a_period_of_the_wrong_kind_is_refused(world, client, reporter, rev):
    login(client, reporter)
    response = save(client, world.f1, "REV", "2024Q1", "3")
    assert response.status_code == 422
    assert "reported monthly" in response.content.decode()
    assert Value.objects.count() == 0


def test_the_decimal_comma_is_read_where_the_locale_writes_it():
    with translation.override("vi"):
        assert grid_text(" 12,5 ") == "12.5"
        assert grid_text("1.5") == "1.5"
    assert grid_text("12,5") == "12,5"  # English: refused by parse_number, which names it
    with pytest.raises(ValueError):
        parse_number(grid_text("1,234.5"))


def test_a_vietnamese_page_reads_the_decimal_comma(world, client, reporter, rev):
    login(client, reporter)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    assert save(client, world.f1, "REV", "202401", "12,5").status_code == 200
    assert Value.objects.get().value == decimal.Decimal("12.5")
    page = client.get(ENTRY, {"unit": world.f1.pk, "year": 2024})
    assert page.status_code == 200 and 'value="12.5"' in page.content.decode()


def test_locked_cells_are_read_only_and_refuse_saves(world, client, reporter, rev):
    put(reporter, ("REV", "F1", "202401", 10))
    workflow.submit(reporter, world.f1.pk, period("202401").pk)
    login(client, reporter)
    page = client.get(ENTRY, {"unit": world.f1.pk, "year": 2024}).content.decode()
    january = page.split(f'id="cell-{rev.pk}-202401"')[1].split("</td>")[0]
    february = page.split(f'id="cell-{rev.pk}-202402"')[1].split("</td>")[0]
    assert "readonly" in january and "hx-post" not in january
    assert "readonly" not in february and "hx-post" in february
    before = state()
    response = save(client, world.f1, "REV", "202401", "11")
    assert response.status_code == 422
    assert "submitted for approval" in response.content.decode()
    assert state() == before


# -- validation flags -----------------------------------------------------------------------------


def test_min_max_and_rule_flags_warn_but_do_not_block(world, client, reporter, rev):
    rev.min_value, rev.max_value = decimal.Decimal(0), decimal.Decimal(1000)
    rev.save()
    cost = indicator("COST", sort_order=2)
    ValidationRule.objects.create(
        name="Cost within revenue", left=cost, comparison=Comparison.LE, right=rev
    )
    login(client, reporter)
    high = save(client, world.f1, "REV", "202401", "1500")
    assert high.status_code == 200
    assert "above the highest plausible value, 1,000" in high.content.decode()
    assert Value.objects.get(indicator=rev).value == 1500
    low = save(client, world.f1, "REV", "202402", "-1")
    assert "below the lowest plausible value, 0" in low.content.decode()
    save(client, world.f1, "REV", "202403", "100")
    broken = save(client, world.f1, "COST", "202403", "120")
    text = broken.content.decode()
    assert "should be ≤" in text and "COST = 120" in text and "REV = 100" in text
    assert Value.objects.get(indicator=cost).value == 120
    # Lowering the revenue flags the revenue cell too, the cost read from what is stored.
    assert "should be ≤" in save(client, world.f1, "REV", "202403", "90").content.decode()
    page = client.get(ENTRY, {"unit": world.f1.pk, "year": 2024}).content.decode()
    assert "above the highest plausible value" in page and "should be ≤" in page
    assert (
        "bi-exclamation-triangle-fill"
        in page.split(f'id="cell-{cost.pk}-202403"')[1].split("</td>")[0]
    )


def test_violations_costs_two_queries_whatever_the_rules(world, rev):
    others = [indicator(f"X{n}") for n in range(6)]
    for other in others:
        ValidationRule.objects.create(
            name=f"REV over {other.code}", left=rev, comparison=Comparison.GE, right=other
        )
    ValidationRule.objects.create(
        name="REV positive", left=rev, comparison=Comparison.GT, right_value=0
    )
    put(world.admin, *[(o.code, "F1", "202401", 50) for o in others])
    january = period("202401")
    with CaptureQueriesContext(connection) as queries:
        found = violations(world.f1.pk, january, {rev.pk: decimal.Decimal(-1)})
    assert len(queries) == 2
    assert len(found) == 7 and {v.indicator for v in found} == {rev}
    secret = indicator("SECRET", classification=3)
    ValidationRule.objects.create(name="hidden", left=rev, comparison=Comparison.GE, right=secret)
    put(world.admin, ("SECRET", "F1", "202401", 99))
    shown = violations(world.f1.pk, january, {rev.pk: decimal.Decimal(10)}, user=world.f1_planner)
    assert all("SECRET" not in v.message for v in shown)


# -- history --------------------------------------------------------------------------------------


def test_history_shows_each_earlier_figure_was_and_became(world, client, reporter, rev):
    put(world.planner, ("REV", "F1", "202401", 10))
    put(reporter, ("REV", "F1", "202401", 12))
    put(reporter, ("REV", "F1", "202401", 15))
    url = reverse("performance-entry-history")
    query = {"unit": world.f1.pk, "indicator": "REV", "period": "202401"}
    login(client, reporter)
    fragment = client.get(url, query, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert "<html" not in html
    assert "Current figure: <strong>15</strong>" in html and "entered by t-reporter" in html
    rows = html.split("<tbody>")[1]
    assert rows.index(">12<") < rows.index(">15<") < rows.index(">10<")  # newest change first
    assert "by t-planner" in rows  # who entered the earlier 10
    page = client.get(url, query)
    assert page.status_code == 200 and "<html" in page.content.decode()
    login(client, world.viewer)
    assert client.get(url, query).status_code == 404


# -- the workbook ---------------------------------------------------------------------------------


def download(client, unit, year=2024):
    response = client.get(reverse("performance-entry-template"), {"unit": unit.pk, "year": year})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return response.content


def upload(client, data, dry_run=False, name="figures.xlsx"):
    payload = {"file": SimpleUploadedFile(name, data, content_type=XLSX)}
    if dry_run:
        payload["dry_run"] = "1"
    return client.post(reverse("performance-entry-upload"), payload)


def edited(data, changes: dict) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    for ref, value in changes.items():
        sheet, cell = ref.split("!")
        workbook[sheet][cell] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def big_figure() -> str:
    """Beyond Excel's 15 digits, so the template writes it as text. SQLite keeps decimals as
    floats (15 digits through the ORM), so there it stays within them."""
    return "123456789012345678.1234" if connection.vendor == "postgresql" else "123456789012345"


@pytest.fixture
def filled(world, reporter, rev):
    indicator("HEADS", unit_of_measure="persons", period_type="quarterly", sort_order=3)
    indicator("BIG", sort_order=2)
    put(
        reporter,
        ("REV", "F1", "202401", "1234.5"),
        ("REV", "F1", "202402", 20),
        ("BIG", "F1", "202401", big_figure()),
        ("HEADS", "F1", "2024Q1", 300),
    )
    workflow.submit(reporter, world.f1.pk, period("202402").pk)  # a locked column


def test_template_sheets_codes_and_locked_columns(world, client, reporter, filled):
    login(client, reporter)
    workbook = load_workbook(io.BytesIO(download(client, world.f1)))
    assert workbook.sheetnames == ["Instructions", "Monthly", "Quarterly"]
    monthly = workbook["Monthly"]
    assert monthly["B1"].value == "F1"
    assert [monthly.cell(4, c).value for c in range(4, 16)] == [
        f"2024{m:02d}" for m in range(1, 13)
    ]
    assert [monthly.cell(r, 1).value for r in (6, 7)] == ["REV", "BIG"]
    assert monthly["D6"].value == decimal.Decimal("1234.5") or monthly["D6"].value == 1234.5
    assert monthly["E6"].fill.fgColor.rgb.endswith("D9D9D9")  # submitted: shaded
    assert "Submitted" in monthly["E5"].value and monthly["E4"].comment is not None
    assert workbook["Quarterly"]["D6"].value == 300
    assert "Upload the file" in " ".join(str(c.value) for c in workbook["Instructions"]["A"])


def test_template_round_trip_changes_nothing(world, client, reporter, filled):
    login(client, reporter)
    data = download(client, world.f1)
    before = state()
    for dry_run in (True, False):
        response = upload(client, data, dry_run=dry_run)
        assert response.status_code == 200, response.content.decode()[:2000]
        outcome = response.context["outcome"]
        result = outcome.result
        assert (result.created, result.updated, result.deleted) == (0, 0, 0), result.changes
        assert outcome.unchanged == 4  # three in open periods, February's as stored (locked)
        assert "unchanged: 4" in response.content.decode()
    assert figures() == before[0] and ValueAudit.objects.count() == 0


def test_upload_writes_changes_and_lists_them_by_cell(world, client, reporter, filled):
    login(client, reporter)
    data = edited(
        download(client, world.f1), {"Monthly!D6": 1300, "Monthly!F6": "7", "Monthly!D7": None}
    )
    checked = upload(client, data, dry_run=True)
    assert checked.status_code == 200 and "nothing was written" in checked.content.decode()
    assert Value.objects.filter(indicator__code="REV", period__code="202403").count() == 0
    response = upload(client, data)
    assert response.status_code == 200
    result = response.context["outcome"].result
    assert (result.created, result.updated, result.deleted, result.unchanged) == (1, 1, 1, 1)
    assert {ref for ref, *_ in response.context["changes"]} == {
        "Monthly!D6",
        "Monthly!F6",
        "Monthly!D7",
    }
    assert Value.objects.get(indicator__code="REV", period__code="202401").value == 1300
    assert not Value.objects.filter(indicator__code="BIG").exists()
    batches = ValueBatch.objects.filter(kind=ValueBatch.Kind.WORKBOOK, source_name="figures.xlsx")
    assert batches.count() == 1
    assert batches.get().digest == hashlib.sha256(data).hexdigest()  # the file, for auditors


def test_upload_with_one_bad_cell_names_it_and_writes_nothing(world, client, reporter, filled):
    login(client, reporter)
    data = edited(download(client, world.f1), {"Monthly!D6": 999, "Monthly!G7": "12abc"})
    before = state()
    response = upload(client, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "Monthly!G7" in html and "“12abc” is not a number" in html and "Nothing was written" in html
    )
    assert state() == before


def test_upload_changing_a_locked_column_names_the_cell(world, client, reporter, filled):
    login(client, reporter)
    before = state()
    response = upload(client, edited(download(client, world.f1), {"Monthly!E6": 21}))
    assert response.status_code == 400
    assert (
        "Monthly!E6" in response.content.decode()
        and "submitted for approval" in response.content.decode()
    )
    assert state() == before


def test_unknown_codes_are_named_by_cell(world, client, reporter, filled):
    login(client, reporter)
    data = edited(download(client, world.f1), {"Monthly!A7": "NOPE", "Quarterly!E4": "2024Q9"})
    response = upload(client, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Monthly!A7" in html and "Unknown indicator" in html and "Quarterly!E4" in html


def test_files_that_cannot_be_used_are_refused_whole(world, client, reporter, filled, settings):
    login(client, reporter)
    before = state()
    not_xlsx = upload(client, b"indicator,unit,period,value\nREV,F1,202401,5\n", name="f.xlsx")
    assert not_xlsx.status_code == 400 and "not an XLSX workbook" in not_xlsx.content.decode()
    broken = upload(client, b"PK\x03\x04 truncated")
    assert broken.status_code == 400 and "not an XLSX workbook" in broken.content.decode()
    # A template of F2 (downloaded by the planner) uploaded by F1's reporter.
    login(client, world.planner)
    theirs = edited(download(client, world.f2), {"Monthly!D6": 5})
    login(client, reporter)
    foreign = upload(client, theirs)
    assert foreign.status_code == 400
    assert "“F2”, not a unit you report for" in foreign.content.decode()
    settings.DIMIS_IMPORT_MAX_BYTES = 100
    too_big = upload(client, download(client, world.f1))
    assert too_big.status_code == 400 and "the limit is" in too_big.content.decode()
    assert state() == before


# -- columns and query counts ---------------------------------------------------------------------


def test_a_column_is_submitted_and_withdrawn_from_the_grid(world, client, reporter, rev):
    put(reporter, ("REV", "F1", "202405", 3))
    login(client, reporter)
    url = reverse("performance-entry-column")
    response = client.post(url, {"unit": world.f1.pk, "period": "202405", "action": "submit"})
    assert response.status_code == 302 and f"unit={world.f1.pk}" in response["Location"]
    submission = DataSubmission.objects.get()
    assert (submission.status, submission.submitted_by) == (SubmissionStatus.SUBMITTED, reporter)
    again = client.post(
        url, {"unit": world.f1.pk, "period": "202405", "action": "submit"}, follow=True
    )
    assert "already submitted" in again.content.decode()
    client.post(url, {"unit": world.f1.pk, "period": "202405", "action": "withdraw"})
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT
    assert (
        client.post(url, {"unit": world.f2.pk, "period": "202405", "action": "submit"}).status_code
        == 404
    )


def test_the_grid_costs_the_same_queries_for_1_and_30_indicators(world, client, reporter):
    login(client, reporter)
    url = f"{ENTRY}?unit={world.f1.pk}&year=2024"
    kinds = ["monthly", "quarterly", "six_monthly", "yearly"]
    codes = {"monthly": "202401", "quarterly": "2024Q1", "six_monthly": "2024S1", "yearly": "2024"}
    first = None
    for kind in kinds:
        made = indicator(f"I-{kind}", period_type=kind, max_value=5)
        first = first or made
        put(reporter, (made.code, "F1", codes[kind], 9))
    ValidationRule.objects.create(name="r", left=first, comparison=Comparison.LT, right_value=0)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(30):
        kind = kinds[n % 4]
        made = indicator(f"J{n}", period_type=kind, min_value=100)
        put(reporter, (made.code, "F1", codes[kind], n))
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert page.content.decode().count("entry-input") > 30 * 2
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
