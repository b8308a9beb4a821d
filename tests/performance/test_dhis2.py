"""DHIS2 dataValueSets: import and export (JSON, CSV), the API, the page and the command."""

import csv
import decimal
import hashlib
import io
import json
import threading
import time
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dimis.core.models import ChangeRecord
from dimis.framework.choices import Role
from dimis.framework.testing import build_world, make_user
from dimis.performance import dhis2, values, workflow
from dimis.performance.models import Period, Value, ValueAudit, ValueBatch, ValueRollup
from dimis.performance.rollup import rollup_discrepancies
from dimis.performance.values import ValuesRejected

from .helpers import indicator, put

API = "/api/dataValueSets"
PAGE = "/performance/dhis2/"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def rev(world):
    return indicator("REV")


@pytest.fixture
def staff(world):
    return indicator("STAFF", unit_of_measure="persons", period_type="quarterly", uid="abcDEF12345")


def data_value_set(*rows, **top) -> bytes:
    """rows: (dataElement, orgUnit, period, value) or whole data values."""
    data_values = [
        r
        if isinstance(r, dict)
        else {"dataElement": r[0], "orgUnit": r[1], "period": r[2], "value": r[3]}
        for r in rows
    ]
    return json.dumps({**top, "dataValues": data_values}, ensure_ascii=False).encode()


CSV_HEADER = [
    "dataelement",
    "period",
    "orgunit",
    "catoptcombo",
    "attroptcombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "followup",
]


def csv_file(*rows, header=CSV_HEADER, encoding="utf-8") -> bytes:
    """rows: (dataelement, period, orgunit, value[, comment[, catoptcombo]]) or whole rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        if len(row) <= 6:
            element, period_code, unit, value, comment, combo = (*row, "", "")[:6]
            row = [element, period_code, unit, combo, "", value, "someone", "", comment, "false"]
        writer.writerow(row)
    return buffer.getvalue().encode(encoding)


def load(user, data: bytes, fmt="json", **kwargs):
    return dhis2.import_data_value_sets(user, io.BytesIO(data), fmt, **kwargs)


def state():
    """Everything a write touches, to show that a refused or dry-run import touched nothing."""
    return (
        sorted(
            Value.objects.values_list(
                "indicator_id", "unit_id", "period_id", "value", "comment", "last_updated"
            )
        ),
        sorted(
            ValueRollup.objects.values_list(
                "indicator_id", "unit_id", "period_id", "total", "value_count", "as_of"
            )
        ),
        sorted(ValueAudit.objects.values_list("pk", "previous_value", "new_value")),
        sorted(ValueBatch.objects.values_list("pk", "digest", "created_count")),
        sorted(ChangeRecord.objects.values_list("sequence", "hash")),
        sorted(Period.objects.values_list("code", flat=True)),
    )


def figures():
    return sorted(
        (v.indicator.code, v.unit.code, v.period.code, v.value, v.comment)
        for v in Value.objects.select_related("indicator", "unit", "period")
    )


# -- import --------------------------------------------------------------------------------------


def test_json_import_with_top_level_defaults(world, rev, staff):
    data = data_value_set(
        {"dataElement": "REV", "value": "12", "categoryOptionCombo": "HllvX50cXC0"},
        {"dataElement": "rev", "orgUnit": "F2", "value": 12.50, "comment": "Quý một, ổn định"},
        {"dataElement": "abcDEF12345", "period": "2023Q1", "value": 40, "attributeOptionCombo": ""},
        {"dataElement": "REV", "period": "202302", "value": "3", "categoryOptionCombo": "default"},
        dataSet="DS_PROD",
        completeDate="2023-02-10",
        period="202301",
        orgUnit="F1",
        attributeOptionCombo="HllvX50cXC0",
    )
    result = load(world.admin, data, source_name="production.json")
    assert (result.created, result.updated, result.deleted, result.unchanged) == (4, 0, 0, 0)
    assert figures() == [
        ("REV", "F1", "202301", 12, ""),
        ("REV", "F1", "202302", 3, ""),
        ("REV", "F2", "202301", decimal.Decimal("12.5"), "Quý một, ổn định"),
        ("STAFF", "F1", "2023Q1", 40, ""),
    ]
    batch = result.batch
    assert batch.kind == ValueBatch.Kind.DHIS2 and batch.source_name == "production.json"
    assert batch.digest == hashlib.sha256(data).hexdigest()
    assert ChangeRecord.objects.filter(object_type="performance.valuebatch").count() == 1


def test_csv_import_with_dhis2_capitalised_header_bom_and_crlf(world, rev):
    header = (
        "dataElement,period,orgUnit,categoryOptionCombo,attributeOptionCombo,value,"
        "storedBy,lastUpdated,comment,followup,deleted"
    )
    text = (
        f"{header}\r\n"
        "REV,202301,F1,HllvX50cXC0,HllvX50cXC0,10,admin,2023-02-01,,false,false\r\n"
        '"REV",202302,F1,,,"1200.50",admin,,"Tăng, do ""đơn hàng"" mới",false,\r\n'
        "\r\n"
        "REV,202301,F2,default,default,7\r\n"
    )
    result = load(world.planner, "\ufeff".encode() + text.encode(), "csv")
    assert (result.created, result.updated) == (3, 0)
    assert figures() == [
        ("REV", "F1", "202301", 10, ""),
        ("REV", "F1", "202302", decimal.Decimal("1200.5"), 'Tăng, do "đơn hàng" mới'),
        ("REV", "F2", "202301", 7, ""),
    ]


def test_deleted_or_an_empty_value_removes_the_figure(world, rev):
    put(world.admin, ("REV", "F1", "202301", 10), ("REV", "F1", "202302", 20))
    put(world.admin, ("REV", "F2", "202301", 30), ("REV", "F2", "202302", 40))
    data = data_value_set(
        {"dataElement": "REV", "orgUnit": "F1", "period": "202301", "value": "10", "deleted": True},
        ("REV", "F1", "202302", ""),
    )
    result = load(world.admin, data)
    assert (result.deleted, result.created, result.updated) == (2, 0, 0)
    csv_data = csv_file(
        ["REV", "202301", "F2", "", "", "30", "", "", "", "false"],
        header=[*CSV_HEADER],
    ).replace(b"followup", b"followup,deleted")
    csv_data = csv_data.replace(b"false\r\n", b"false,true\r\n")
    csv_data += b"REV,202302,F2,,,,,,,false\r\n"
    result = load(world.admin, csv_data, "csv")
    assert result.deleted == 2
    assert not Value.objects.exists()
    assert sorted(ValueAudit.objects.values_list("previous_value", "new_value")) == [
        (10, None),
        (20, None),
        (30, None),
        (40, None),
    ]
    assert not ValueRollup.objects.exists()


TRICKY = (
    '\ufeff{ "dataSet" : "DS",\n  "period": "202301",\n  "extra": {"nested": [1, 2, {"a": "]}"}]},'
    '\n  "dataValues" : [\n'
    '    {"dataElement": "REV", "orgUnit": "F1", "value": "12", "comment": "Nhà máy Z\\u00e9 \\"1\\" {}"},\n'
    '    {"dataElement":"REV","orgUnit":"F2","value":123456.75,"comment":"bình thường ✓ 𝔘"},\n'
    '    {"dataElement": "REV", "orgUnit": "GDDI", "period": "202302", "value": -0.5,\n'
    '     "followup": false, "deleted": false, "comment": null}\n'
    "  ],\n"
    '  "completeDate": "2023-02-01" }\n'
)


@pytest.mark.parametrize("chunk_size", [1, 7, 64])
def test_the_json_parser_reads_the_same_rows_at_any_chunk_size(chunk_size):
    expected = json.loads(TRICKY.lstrip("\ufeff"), parse_float=decimal.Decimal)
    rows = [
        (position, item, dict(defaults))
        for position, item, defaults in dhis2.parse_json_data_values(
            io.BytesIO(TRICKY.encode()), chunk_size
        )
    ]
    assert [item for _, item, _ in rows] == expected["dataValues"]
    assert [position for position, _, _ in rows] == [1, 2, 3]
    assert rows[0][2] == {"period": "202301"}


@pytest.mark.parametrize("chunk_size", [1, 7, 64])
def test_an_import_in_tiny_chunks_gives_the_same_changes(world, rev, chunk_size):
    whole = load(world.admin, TRICKY.encode(), dry_run=True)
    chunked = load(world.admin, TRICKY.encode(), dry_run=True, chunk_size=chunk_size)
    assert chunked.changes == whole.changes
    assert [(c.unit, c.new) for c in whole.changes] == [
        ("F1", 12),
        ("F2", decimal.Decimal("123456.75")),
        ("GDDI", decimal.Decimal("-0.5")),
    ]


class _GeneratedFile:
    """A data value set of `count` values, made as it is read: never whole in memory."""

    HEAD = b'{"dataSet":"DS","period":"202301","orgUnit":"F1","dataValues":['
    VALUE = (
        b'{"dataElement":"REV","categoryOptionCombo":"HllvX50cXC0","attributeOptionCombo":'
        b'"HllvX50cXC0","value":"123.25","storedBy":"dhis","created":"2023-02-01T00:00:00.000",'
        b'"lastUpdated":"2023-02-01T00:00:00.000","comment":"b\xc3\xacnh th\xc6\xb0\xe1\xbb\x9dng",'
        b'"followup":false},'
    )
    TAIL = b'{"dataElement":"REV","value":"1"}]}'

    def __init__(self, count):
        self.size = len(self.HEAD) + len(self.VALUE) * (count - 1) + len(self.TAIL)
        self.offset = 0

    def _byte_range(self, start, end):
        body_end = self.size - len(self.TAIL)
        out = bytearray()
        while start < end:
            if start < len(self.HEAD):
                piece = self.HEAD[start : min(end, len(self.HEAD))]
            elif start < body_end:
                at = (start - len(self.HEAD)) % len(self.VALUE)
                piece = self.VALUE[at : at + min(end, body_end) - start]
            else:
                piece = self.TAIL[start - body_end : end - body_end]
            out += piece
            start += len(piece)
        return bytes(out)

    def read(self, size=-1):
        end = self.size if size < 0 else min(self.size, self.offset + size)
        data = self._byte_range(self.offset, end)
        self.offset = end
        return data


def test_the_json_parser_holds_a_chunk_not_the_file():
    count = 100_000
    stream = _GeneratedFile(count)
    assert stream.size > 25_000_000
    tracemalloc.start()
    try:
        seen = sum(1 for _ in dhis2.parse_json_data_values(stream, 64 * 1024))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seen == count
    assert peak < 2_000_000, peak


def test_a_dry_run_reports_the_exact_changes_and_leaves_the_database_as_it_was(world, rev):
    put(world.admin, ("REV", "F1", "202301", 10), ("REV", "F2", "202301", 20))
    put(world.admin, ("REV", "GDDI", "202301", 5))
    before, periods_before = state(), Period.objects.count()
    data = data_value_set(
        ("REV", "F1", "202301", "11"),
        ("REV", "F2", "202301", "20"),
        ("REV", "F1", "203012", "1"),
        {"dataElement": "REV", "orgUnit": "GDDI", "period": "202301", "deleted": True},
    )
    result = load(world.admin, data, dry_run=True)
    assert result.dry_run and result.batch is None
    assert (result.created, result.updated, result.deleted, result.unchanged) == (1, 1, 1, 1)
    assert [(c.line, c.indicator, c.unit, c.period, c.old, c.new) for c in result.changes] == [
        (1, "REV", "F1", "202301", 10, 11),
        (3, "REV", "F1", "203012", None, 1),
        (4, "REV", "GDDI", "202301", 5, None),
    ]
    assert state() == before
    assert Period.objects.count() == periods_before  # 203012 and its quarter, half, year too


@pytest.mark.parametrize(
    "bad, field, words",
    [
        (("NOPE", "F1", "202301", "1"), "indicator", "Unknown indicator “NOPE”"),
        (("REV", "F1", "2023Q5", "1"), "period", "not a period code"),
        (("REV", "F1", "202301", "ten"), "value", "“ten” is not a number"),
        (
            {"dataElement": "REV", "orgUnit": "F1", "period": "202303", "value": "1",
             "categoryOptionCombo": "Prlt0C1RF0s"},
            "categoryOptionCombo",
            "“Prlt0C1RF0s”",
        ),
        (
            {"dataElement": "REV", "orgUnit": "F1", "period": "202303", "value": "1",
             "attributeOptionCombo": ["default"]},
            "attributeOptionCombo",
            "“['default']”",
        ),
    ],
)  # fmt: skip
def test_one_bad_row_is_named_and_nothing_is_written(world, rev, bad, field, words):
    put(world.admin, ("REV", "F1", "202301", 10))
    before = state()
    data = data_value_set(("REV", "F1", "202301", "11"), ("REV", "F2", "202301", "2"), bad)
    with pytest.raises(ValuesRejected) as caught:
        load(world.planner, data)
    [error] = caught.value.errors
    assert (error.line, error.field) == (3, field)
    assert words in error.message
    assert state() == before


def test_combinations_written_loosely_or_at_the_top_level(world, rev):
    loose = {"dataElement": "REV", "orgUnit": "F1", "period": "202303", "value": "1"}
    rows = ({**loose, "categoryOptionCombo": " Default "}, ("REV", "F2", "202303", "2"))
    with pytest.raises(ValuesRejected) as caught:
        load(world.admin, data_value_set(*rows, attributeOptionCombo="Prlt0C1RF0s"))
    assert [(e.line, e.field) for e in caught.value.errors] == [
        (1, "attributeOptionCombo"),
        (2, "attributeOptionCombo"),
    ]
    result = load(world.admin, data_value_set(*rows, attributeOptionCombo=" default "))
    assert result.created == 2


def test_a_bad_csv_row_is_named_by_its_line_in_the_file(world, rev):
    data = csv_file(
        ("REV", "202301", "F1", "1", "a comment\nover two lines"),
        ("REV", "202302", "F1", "2", "", "Prlt0C1RF0s"),
        ("REV", "202303", "F1", "3,5"),
    )
    with pytest.raises(ValuesRejected) as caught:
        load(world.admin, data, "csv")
    assert [(e.line, e.field) for e in caught.value.errors] == [(4, "catoptcombo"), (5, "value")]
    assert not Value.objects.exists()


def test_rows_after_the_first_are_checked_alike(world, rev):
    # The codes are resolved on the first row; later rows take a shorter path, with the same
    # checks of the number and the comment.
    data = csv_file(
        ("REV", "202301", "F1", "1"),
        ("REV", "202302", "F1", "NaN"),
        ("REV", "202303", "F1", "1e30"),
        ("REV", "202304", "F1", "4", "x" * 501),
        ("REV", "202305", "F1", " 1 234 "),
        ("REV", "202306", "F1", "   "),
        ("REV", "202307", "F1", "7.123456"),
    )
    with pytest.raises(ValuesRejected) as caught:
        load(world.admin, data, "csv")
    assert [(e.line, e.field) for e in caught.value.errors] == [
        (3, "value"),
        (4, "value"),
        (5, "comment"),
    ]
    assert caught.value.errors[2].message == "at most 500 characters"
    rows = data.split(b"\n")
    good = b"\n".join(rows[:2] + rows[5:])
    result = load(world.admin, good, "csv", dry_run=True)
    assert [(c.period, c.new) for c in result.changes] == [
        ("202301", 1),
        ("202305", 1234),  # spaces in a number are dropped, as from a spreadsheet
        ("202307", decimal.Decimal("7.1235")),  # four decimals kept, half to even
    ]  # an empty value on a new figure changes nothing


@pytest.mark.parametrize(
    "data, fmt, line, words",
    [
        (data_value_set(("REV", "F1", "202301", "1"), comment="Nhà máy").decode().encode(
            "latin-1", "replace").replace(b"?", b"\xe0"), "json", None, "not UTF-8"),
        ("dataelement,period,orgunit,value\nREV,202301,F1,1\nREV,202302,F1,2 Nhà\n".encode(
            "latin-1", "replace").replace(b"?", b"\xe0"), "csv", 3, "not UTF-8"),
        (b"dataelement,period,orgunit,value\n", "json", None, "not valid JSON (line 1, column 1)"),
        (b'{"dataValues": [{"dataElement": "REV",\n "value": 1', "json", None, "line 2, column"),
        (b'{"dataSet": "DS", "dataValue": []}', "json", None, "“dataValues” array"),
        (b'[{"dataElement": "REV"}]', "json", None, "“dataValues” array"),
        (b'{"dataValues": []} {"dataValues": []}', "json", None, "more after the end"),
        (b"", "json", None, "empty"),
        (b"dataelement;period;orgunit;value\nREV;202301;F1;1\n", "csv", 1, "no column"),
        (b"dataelement,period,orgunit,comment\nREV,202301,F1,x\n", "csv", 1, "no column value"),
    ],
)  # fmt: skip
def test_a_file_that_cannot_be_read_is_refused_whole(world, rev, data, fmt, line, words):
    put(world.admin, ("REV", "F1", "202301", 10))
    before = state()
    with pytest.raises(ValuesRejected) as caught:
        load(world.admin, data, fmt, chunk_size=16)
    error = caught.value.errors[0]
    assert (error.line, error.field) == (line, "file")
    assert words in error.message, error.message
    assert state() == before


def test_a_file_over_the_size_limit_is_refused(world, rev):
    data = data_value_set(*[("REV", "F1", f"2023{m:02d}", str(m)) for m in range(1, 13)])
    with override_settings(DIMIS_DHIS2_MAX_BYTES=len(data) - 1):
        with pytest.raises(ValuesRejected) as caught:
            load(world.admin, data)
        assert "larger than" in caught.value.errors[0].message
    assert not Value.objects.exists()
    with override_settings(DIMIS_DHIS2_MAX_BYTES=len(data)):
        assert load(world.admin, data).created == 12


def test_an_unknown_format_is_refused():
    with pytest.raises(ValuesRejected, match="Unknown format"):
        dhis2.import_data_value_sets(None, io.BytesIO(b""), "xml")


# -- the direct write (PostgreSQL) ----------------------------------------------------------------
# A file of new figures is copied straight into the values on PostgreSQL; whatever only the staged
# write handles sends the file through it again. Either way the outcome is the same, on both
# databases; `writers` shows which way each attempt went.


@pytest.fixture
def writers(monkeypatch):
    """For each writer an import makes, in order: whether it writes directly."""
    made = []
    begin = values.ValueWriter.__init__

    def recorded(self, *args, **kwargs):
        made.append(isinstance(self, values.DirectValueWriter))
        begin(self, *args, **kwargs)

    monkeypatch.setattr(values.ValueWriter, "__init__", recorded)
    return made


@pytest.fixture(params=[1, values.COPY_LINES], ids=["row-by-row", "in-blocks"])
def copy_lines(request, monkeypatch):
    """Rows sent one at a time, so that a COPY is under way when the file turns out wrong."""
    monkeypatch.setattr(values, "COPY_LINES", request.param)


def postgres() -> bool:
    return connection.vendor == "postgresql"


def test_new_figures_are_copied_straight_in_with_their_roll_up_and_batch(
    world, rev, staff, writers, copy_lines
):
    comment = "tab\there, a new\nline, a back\\slash"
    data = data_value_set(
        ("REV", "F1", "202301", "10"),
        {"dataElement": "REV", "orgUnit": "F2", "period": "202301", "value": 5, "comment": comment},
        ("REV", "F1", "202302", "2.5"),
        ("abcDEF12345", "F1", "2023Q1", 40),
    )
    result = load(world.admin, data, source_name="new.json")
    assert writers == [postgres()]
    assert (result.created, result.updated, result.deleted, result.unchanged) == (4, 0, 0, 0)
    assert [(c.line, c.indicator, c.unit, c.period, c.old, c.new) for c in result.changes] == [
        (1, "REV", "F1", "202301", None, 10),
        (2, "REV", "F2", "202301", None, 5),
        (3, "REV", "F1", "202302", None, decimal.Decimal("2.5")),
        (4, "STAFF", "F1", "2023Q1", None, 40),
    ]
    assert figures() == [
        ("REV", "F1", "202301", 10, ""),
        ("REV", "F1", "202302", decimal.Decimal("2.5"), ""),
        ("REV", "F2", "202301", 5, comment),
        ("STAFF", "F1", "2023Q1", 40, ""),
    ]
    assert {v.stored_by for v in Value.objects.all()} == {world.admin.username}
    assert {v.created for v in Value.objects.all()} == {result.batch.time}
    assert rollup_discrepancies() == []
    f1_quarter = ValueRollup.objects.get(indicator=rev, unit=world.f1, period__code="2023Q1")
    assert (f1_quarter.total, f1_quarter.value_count) == (decimal.Decimal("12.5"), 2)
    assert (
        result.batch.created_count == 4 and result.batch.digest == hashlib.sha256(data).hexdigest()
    )
    assert ChangeRecord.objects.filter(object_type="performance.valuebatch").count() == 1
    assert not ValueAudit.objects.exists()


NEW_ROWS = [("REV", "F1", "202303", "1"), ("REV", "F2", "202303", "2")]


@pytest.mark.parametrize(
    "then, expected",
    [
        # a removal of a stored figure
        ({"dataElement": "REV", "orgUnit": "F1", "period": "202301", "deleted": True},
         [("REV", "F1", "202303", 1, ""), ("REV", "F2", "202301", 7, ""), ("REV", "F2", "202303", 2, "")]),
        # a figure of a period that has stored figures (a new one, beside them)
        (("REV", "GDDI", "202301", "9"),
         [("REV", "F1", "202301", 6, ""), ("REV", "F1", "202303", 1, ""), ("REV", "F2", "202301", 7, ""),
          ("REV", "F2", "202303", 2, ""), ("REV", "GDDI", "202301", 9, "")]),
        # a stored figure changed
        (("REV", "F2", "202301", "8"),
         [("REV", "F1", "202301", 6, ""), ("REV", "F1", "202303", 1, ""), ("REV", "F2", "202301", 8, ""),
          ("REV", "F2", "202303", 2, "")]),
    ],
    ids=["removal", "stored-period", "update"],
)  # fmt: skip
def test_what_only_the_staged_write_handles_sends_the_file_through_it(
    world, rev, writers, copy_lines, then, expected
):
    put(world.admin, ("REV", "F1", "202301", 6), ("REV", "F2", "202301", 7))
    writers.clear()
    assert not Period.objects.filter(code="202303").exists()  # made by the first attempt too
    result = load(world.admin, data_value_set(*NEW_ROWS, then))
    assert writers == ([True, False] if postgres() else [False])
    assert figures() == expected
    assert result.created == len(expected) - 2 + (1 if "deleted" in str(then) else 0)
    assert rollup_discrepancies() == []
    assert Period.objects.filter(code="202303").count() == 1
    assert ValueBatch.objects.filter(kind=ValueBatch.Kind.DHIS2).count() == 1


def test_a_row_refused_for_its_submitted_figures_is_still_checked_against_the_others(
    world, rev, writers
):
    # The same cell twice among rows of submitted figures: reported with them, as a dry run does.
    workflow.submit(world.planner, world.f2.pk, Period.objects.for_code("202303").pk)
    data = data_value_set(*NEW_ROWS, ("REV", "F2", "202303", "4"), ("REV", "F1", "202303", "x"))
    errors = []
    for dry_run in (True, False):
        with pytest.raises(ValuesRejected) as caught:
            load(world.admin, data, dry_run=dry_run)
        errors.append([(e.line, e.field) for e in caught.value.errors])
    assert errors[0] == errors[1] == [(2, "period"), (3, "value"), (4, "value")]
    assert not Value.objects.exists()


@pytest.mark.parametrize("comment", [r"nul \u0000 here", r"half \ud800 a pair"])
def test_a_comment_that_cannot_be_stored_is_a_row_error(world, rev, comment):
    text = '{"dataValues": [%s, {"dataElement": "REV", "orgUnit": "F2", "period": "202303", "value": "2", "comment": "%s"}]}'
    first = json.dumps({"dataElement": "REV", "orgUnit": "F1", "period": "202303", "value": "1"})
    with pytest.raises(ValuesRejected) as caught:
        load(world.admin, (text % (first, comment)).encode())
    assert [(e.line, e.field) for e in caught.value.errors] == [(2, "comment")]
    assert not Value.objects.exists()


def test_a_file_without_values_writes_an_empty_batch_and_no_change_record(world, rev, writers):
    result = load(world.admin, b'{"dataValues": []}')
    assert result.total == 0 and result.batch.created_count == 0
    assert writers == [postgres()]
    assert not ChangeRecord.objects.filter(object_type="performance.valuebatch").exists()


def test_a_plan_period_created_after_its_months_rows_is_summed_once(world, rev, writers):
    indicator("INVEST", period_type="plan")
    data = data_value_set(("REV", "F1", "202601", "5"), ("INVEST", "F1", "2026-2030", "100"))
    result = load(world.admin, data)
    assert result.created == 2 and rollup_discrepancies() == []
    plan = ValueRollup.objects.get(indicator=rev, unit=world.f1, period__code="2026-2030")
    assert (plan.total, plan.value_count) == (5, 1)
    assert writers == ([True, False] if postgres() else [False])


@pytest.mark.parametrize("populated", [False, True], ids=["new-plan-rows", "plan-rows-exist"])
@pytest.mark.parametrize("write", ["import", "grid"])
def test_years_inside_one_plan_and_inside_two_overlapping_plans_are_summed_once(
    world, populated, write
):
    indicator("Y", period_type="yearly")
    Period.objects.for_code("2021-2025")
    Period.objects.for_code("2022-2024")
    if populated:
        put(world.admin, ("Y", "F1", "2021", 1))
    rows = [("Y", "F1", "2025", "5"), ("Y", "F1", "2023", "7")]
    if write == "import":
        load(world.admin, data_value_set(*rows))
    else:
        put(world.admin, *rows)
    assert rollup_discrepancies() == []
    plans = ValueRollup.objects.filter(unit=world.f1, period__code__contains="-")
    assert sorted(plans.values_list("period__code", "total", "value_count")) == [
        ("2021-2025", 13 if populated else 12, 3 if populated else 2),
        ("2022-2024", 7, 1),
    ]


def test_the_same_new_cell_twice_is_named_after_a_direct_attempt(world, rev, writers, copy_lines):
    put(world.admin, ("REV", "F1", "202301", 6))
    writers.clear()
    before = state()
    data = data_value_set(*NEW_ROWS, ("REV", "GDDI", "202303", "3"), ("REV", "F2", "202303", "4"))
    with pytest.raises(ValuesRejected) as caught:
        load(world.admin, data)
    assert [(e.line, e.field) for e in caught.value.errors] == [(4, "value")]
    assert "row 2" in caught.value.errors[0].message
    assert writers == ([True, False] if postgres() else [False])
    assert state() == before


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_submitted_or_approved_figures_refuse_a_direct_import(
    world, rev, writers, copy_lines, status
):
    approver = make_user("t-approver", grants=[(Role.APPROVER, world.gddi)])
    submission = workflow.submit(world.planner, world.f2.pk, Period.objects.for_code("202303").pk)
    if status == "approved":
        workflow.approve(approver, submission)
    before = state()
    with pytest.raises(ValuesRejected) as caught:
        load(world.admin, data_value_set(*NEW_ROWS, ("REV", "F2", "202304", "5")))
    assert [(e.line, e.field) for e in caught.value.errors] == [(2, "period")]
    assert f"are {status}" in caught.value.errors[0].message
    assert "F2" in caught.value.errors[0].message and "202303" in caught.value.errors[0].message
    assert writers == ([True, False] if postgres() else [False])
    assert state() == before


@pytest.mark.parametrize(
    "data, fmt, line",
    [
        (data_value_set(*NEW_ROWS, ("REV", "NOWHERE", "202303", "1")), "json", 3),
        (data_value_set(*NEW_ROWS)[:-3], "json", None),  # cut short: refused as it is read
        (csv_file(("REV", "202303", "F1", "1"), ("REV", "202303", "F2", "2"),
                  ("REV", "202303", "GDDI", "2,5")), "csv", 4),
    ],
    ids=["unknown-unit", "cut-short", "not-a-number"],
)  # fmt: skip
def test_a_direct_import_stopped_by_a_bad_row_or_file_writes_nothing(
    world, rev, writers, copy_lines, data, fmt, line
):
    before = state()
    with pytest.raises(ValuesRejected) as caught:
        load(world.admin, data, fmt, chunk_size=16)
    assert caught.value.errors[0].line == line
    # A row error sends the file through the staged write, which names every error together.
    assert writers == ([True, False] if postgres() and line else [postgres()])
    assert state() == before
    assert load(world.admin, data_value_set(*NEW_ROWS)).created == 2  # the connection is usable


class _OnFirstRead(io.BytesIO):
    """A file that runs `hook` when the import first reads it (the writer has started)."""

    def __init__(self, data, hook):
        super().__init__(data)
        self.hook = hook

    def read(self, *args):
        if self.hook:
            hook, self.hook = self.hook, None
            hook()
        return super().read(*args)


# Real transactions, one per thread: the grid save must wait for the import, not deadlock it.
# SQLite serialises writers itself; its test database (in memory, shared by the threads) refuses
# a second writer at once instead of making it wait, so this runs on PostgreSQL.
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's locks")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("import_period", ["209905", "209801"], ids=["same-month", "other-month"])
def test_a_grid_save_of_a_new_month_waits_for_an_import_under_way(import_period):
    world = build_world()
    indicator("REV")
    outcome = {}

    def grid_save():  # the first figure of a new month: it creates the period
        try:
            put(world.admin, ("REV", "F2", "209905", 7))
            outcome["grid"] = "saved"
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            outcome["grid"] = f"{type(error).__name__}: {error}"
        finally:
            connection.close()

    saver = threading.Thread(target=grid_save)

    def start_the_save():
        saver.start()
        time.sleep(1)  # it reaches the writers' lock and waits there

    data = data_value_set(("REV", "F1", import_period, "1"))
    result = dhis2.import_data_value_sets(world.admin, _OnFirstRead(data, start_the_save), "json")
    saver.join(30)
    assert outcome == {"grid": "saved"} and result.created == 1
    assert sorted(Value.objects.values_list("unit__code", "period__code", "value")) == sorted(
        [("F1", import_period, 1), ("F2", "209905", 7)]
    )
    assert rollup_discrepancies() == []


class _Once(io.BytesIO):
    """A stream that is read once, as a request's body."""

    def seekable(self):
        return False

    def seek(self, *args):
        raise io.UnsupportedOperation("seek")


def test_a_stream_that_cannot_be_read_again_is_spooled_and_written_alike(world, rev, writers):
    result = dhis2.import_data_value_sets(world.admin, _Once(data_value_set(*NEW_ROWS)), "json")
    assert writers == [postgres()] and result.created == 2
    put(world.admin, ("REV", "GDDI", "202303", 9))
    writers.clear()
    removal = {"dataElement": "REV", "orgUnit": "GDDI", "period": "202303", "value": ""}
    data = data_value_set(("REV", "F1", "202304", "3"), removal)
    result = dhis2.import_data_value_sets(world.admin, _Once(data), "json")
    assert writers == ([True, False] if postgres() else [False])
    assert (result.created, result.deleted) == (1, 1)
    assert result.batch.digest == hashlib.sha256(data).hexdigest()
    assert rollup_discrepancies() == []


def test_a_stream_over_the_size_limit_is_refused_without_being_kept_whole(world, rev):
    data = data_value_set(*NEW_ROWS)
    with override_settings(DIMIS_DHIS2_MAX_BYTES=len(data) - 1):
        with pytest.raises(ValuesRejected) as caught:  # noqa: SIM117 (the setting outlives it)
            dhis2.import_data_value_sets(world.admin, _Once(data + b" " * 10_000), "json")
        assert "larger than" in caught.value.errors[0].message
        with dhis2._spooled(_Once(data + b" " * 10_000)) as spooled:
            assert len(spooled.read()) == len(data)  # the limit and one byte: no more is read
    assert not Value.objects.exists()


# -- access --------------------------------------------------------------------------------------


def test_a_reporter_of_f1_imports_and_exports_only_f1(world, rev):
    reporter = make_user("t-reporter", grants=[(Role.REPORTER, world.f1)])
    put(world.admin, ("REV", "F2", "202301", 5), ("REV", "OTHER", "202301", 6))
    with pytest.raises(ValuesRejected) as caught:
        load(reporter, data_value_set(("REV", "F1", "202301", "1"), ("REV", "F2", "202301", "2")))
    error = caught.value.errors[0]
    assert (error.line, error.field) == (2, "unit")
    assert Value.objects.filter(unit=world.f1).count() == 0
    assert load(reporter, data_value_set(("REV", "F1", "202301", "1"))).created == 1
    out = io.BytesIO()
    assert dhis2.export_data_value_sets(reporter, out, "json") == 1
    assert [v["orgUnit"] for v in json.loads(out.getvalue())["dataValues"]] == ["F1"]
    out = io.BytesIO()
    filters = dhis2.export_filters(reporter, unit="F1")
    assert dhis2.export_data_value_sets(reporter, out, "csv", **filters) == 1
    with pytest.raises(dhis2.ExportFilterError):
        dhis2.export_filters(reporter, unit="F2")


def test_secret_indicators_are_neither_exported_nor_imported_below_the_clearance(world, rev):
    indicator("AMMO", classification=3)
    put(world.admin, ("AMMO", "F1", "202301", 9), ("REV", "F1", "202301", 1))
    out = io.BytesIO()
    assert dhis2.export_data_value_sets(world.f1_planner, out, "csv") == 1
    assert b"AMMO" not in out.getvalue()
    with pytest.raises(ValuesRejected, match="Unknown indicator"):
        load(world.f1_planner, data_value_set(("AMMO", "F1", "202301", "1")))


# -- export --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_export_imported_again_changes_nothing(world, rev, staff, fmt):
    put(
        world.admin,
        ("REV", "F1", "202301", "12.5"),
        ("REV", "F2", "202301", "1200"),
        ("REV", "GDDI", "202302", "0"),
        ("STAFF", "F1", "2023Q1", "-3.0001"),
    )
    from dimis.performance.values import write_values

    comment = 'Tăng, do "đơn hàng"\nmới'
    write_values(world.admin, [(1, "REV", "OTHER", "202303", 7, comment)])
    out = io.BytesIO()
    assert dhis2.export_data_value_sets(world.admin, out, fmt) == 5
    before = state()
    result = load(world.admin, out.getvalue(), fmt, dry_run=True)
    assert (result.created, result.updated, result.deleted, result.unchanged) == (0, 0, 0, 5)
    assert state() == before
    result = load(world.admin, out.getvalue(), fmt)
    assert result.unchanged == 5 and result.total == 5
    if fmt == "json":
        exported = json.loads(out.getvalue())["dataValues"]
        assert sorted(v["value"] for v in exported) == ["-3.0001", "0", "12.5", "1200", "7"]
        first = exported[0]
        assert set(first) == {
            "dataElement",
            "period",
            "orgUnit",
            "value",
            "storedBy",
            "created",
            "lastUpdated",
            "comment",
            "followup",
        }
        assert first["storedBy"] == "t-admin" and first["followup"] is False
        assert first["lastUpdated"].startswith("20") and "T" in first["lastUpdated"]
        assert [v["comment"] for v in exported if v["orgUnit"] == "OTHER"] == [comment]
    else:
        rows = list(csv.reader(io.StringIO(out.getvalue().decode())))
        assert rows[0] == CSV_HEADER
        assert sorted(r[5] for r in rows[1:]) == ["-3.0001", "0", "12.5", "1200", "7"]
        assert {(r[3], r[4], r[9]) for r in rows[1:]} == {("", "", "false")}


def exported(user, **filters):
    out = io.BytesIO()
    dhis2.export_data_value_sets(user, out, "json", **filters)
    return sorted(
        (v["dataElement"], v["orgUnit"], v["period"])
        for v in json.loads(out.getvalue())["dataValues"]
    )


def test_export_filters(world, rev, staff):
    import datetime

    put(
        world.admin,
        ("REV", "F1", "202301", 1),
        ("REV", "F1", "202305", 2),
        ("REV", "GDDI", "202301", 3),
        ("REV", "OTHER", "202401", 4),
        ("STAFF", "F2", "2023Q1", 5),
    )
    admin = world.admin
    assert exported(admin, root=world.gddi, children=False) == [("REV", "GDDI", "202301")]
    assert sorted(u for _, u, _ in exported(admin, root=world.gddi)) == ["F1", "F1", "F2", "GDDI"]
    quarter = dhis2.periods_for_codes(["2023Q1"])
    assert exported(admin, periods=quarter) == [
        ("REV", "F1", "202301"),
        ("REV", "GDDI", "202301"),
        ("STAFF", "F2", "2023Q1"),
    ]
    year = dhis2.periods_for_codes(["2023"])
    assert len(exported(admin, periods=year)) == 4
    plan = dhis2.periods_for_codes(["2021-2025"])
    assert plan[0].pk is None and len(exported(admin, periods=plan)) == 5
    assert exported(admin, start=datetime.date(2023, 5, 1), end=datetime.date(2024, 1, 31)) == [
        ("REV", "F1", "202305"),
        ("REV", "OTHER", "202401"),
    ]
    assert exported(admin, indicators=[staff]) == [("STAFF", "F2", "2023Q1")]
    filters = dhis2.export_filters(
        admin, unit="gddi", periods=["2023"], indicators=["abcDEF12345", "rev"]
    )
    assert len(exported(admin, **filters)) == 4
    for bad in ({"periods": ["2023Q7"]}, {"start": "2023-02-30"}, {"indicators": ["NOPE"]}):
        with pytest.raises(dhis2.ExportFilterError):
            dhis2.export_filters(admin, **bad)
    with pytest.raises(dhis2.ExportFilterError, match="before its start"):
        dhis2.export_filters(admin, start="2023-02-01", end="2023-01-01")


# -- API -----------------------------------------------------------------------------------------


def streamed(response) -> bytes:
    assert response.streaming, response
    return b"".join(response.streaming_content)


def test_api_export_in_both_formats_with_a_session(world, rev, client):
    put(world.admin, ("REV", "F1", "202301", 1), ("REV", "OTHER", "202301", 2))
    client.force_login(world.planner)
    response = client.get(API + ".json?orgUnit=GDDI&children=true&period=2023")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert [v["orgUnit"] for v in json.loads(streamed(response))["dataValues"]] == ["F1"]
    response = client.get(API + ".csv", {"dataElement": "REV"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(streamed(response).decode())))
    assert rows == [CSV_HEADER, [*rows[1][:5], "1", "t-admin", rows[1][7], "", "false"]]
    assert rows[1][:3] == ["REV", "202301", "F1"]
    by_accept = client.get(API, {"orgUnit": "GDDI"}, HTTP_ACCEPT="text/csv")
    assert streamed(by_accept).decode().splitlines() == [",".join(CSV_HEADER)]  # children=false
    refused = client.get(API, {"orgUnit": "OTHER"})
    assert refused.status_code == 409 and "OTHER" in refused.json()["message"]
    assert client.get(API, {"period": "2023Q9"}).status_code == 409


def test_api_needs_a_signed_in_user(world):
    assert APIClient().get(API).status_code in (401, 403)
    response = APIClient().post(API, data_value_set(), content_type="application/json")
    assert response.status_code in (401, 403)


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION="Token " + Token.objects.create(user=user).key,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    return client


def test_api_import_with_a_token_names_the_api_user(world, rev):
    client = token_client(world.f1_planner)
    data = data_value_set(("REV", "F1", "202301", "5"), ("REV", "F1", "202302", "6"))
    response = client.post(API, data, content_type="application/json")
    assert response.status_code == 200, response.content
    summary = response.json()
    assert summary["status"] == "SUCCESS" and summary["dryRun"] is False
    assert summary["importCount"] == {"imported": 2, "updated": 0, "deleted": 0, "ignored": 0}
    record = ChangeRecord.objects.get(object_type="performance.valuebatch")
    assert (record.user, record.source) == (world.f1_planner, "api")
    assert ValueBatch.objects.get().source_name == "api/dataValueSets"
    csv_body = csv_file(("REV", "202301", "F1", "7"))
    response = client.post(API, csv_body, content_type="text/csv; charset=utf-8")
    assert response.json()["importCount"]["updated"] == 1
    response = client.post(API + ".csv", csv_body, content_type="application/octet-stream")
    assert response.json()["importCount"]["ignored"] == 1
    response = client.post(API, csv_body, content_type="application/xml")
    assert response.status_code == 415


def test_api_dry_run_and_conflicts(world, rev):
    put(world.admin, ("REV", "F1", "202301", 10))
    client = token_client(world.planner)
    before = state()
    data = data_value_set(("REV", "F1", "202301", "11"), ("REV", "F2", "202301", "2"))
    response = client.post(API + "?dryRun=true", data, content_type="application/json")
    assert response.status_code == 200
    summary = response.json()
    assert summary["dryRun"] is True
    assert summary["importCount"] == {"imported": 1, "updated": 1, "deleted": 0, "ignored": 0}
    assert summary["changes"] == [
        {
            "line": 1,
            "dataElement": "REV",
            "orgUnit": "F1",
            "period": "202301",
            "old": "10",
            "new": "11",
        },
        {
            "line": 2,
            "dataElement": "REV",
            "orgUnit": "F2",
            "period": "202301",
            "old": None,
            "new": "2",
        },
    ]
    assert state() == before
    bad = data_value_set(("REV", "F1", "202301", "11"), ("REV", "OTHER", "202301", "2"))
    response = client.post(API, bad, content_type="application/json")
    assert response.status_code == 409
    summary = response.json()
    assert summary["status"] == "ERROR"
    assert summary["conflicts"] == [
        {"object": "Row 2, unit", "value": "“OTHER” is not a unit you can report for."}
    ]
    response = client.post(API, b'{"dataValues": [', content_type="application/json")
    assert response.status_code == 409
    assert "not valid JSON" in response.json()["conflicts"][0]["value"]
    assert state() == before


def test_api_import_with_a_session_needs_the_csrf_token(world, rev, client):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.admin)
    browser.get(PAGE)
    data = data_value_set(("REV", "F1", "202301", "5"))
    refused = browser.post(API, data, content_type="application/json")
    assert refused.status_code == 403 and not Value.objects.exists()
    token = browser.cookies["csrftoken"].value
    response = browser.post(API, data, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200, response.content
    assert response.json()["importCount"]["imported"] == 1


# -- page ----------------------------------------------------------------------------------------


def upload(data: bytes, name: str):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_page_dry_run_by_default_then_import(world, rev, client):
    put(world.admin, ("REV", "F1", "202301", 10))
    client.force_login(world.planner)
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="dry_run"' in html and "checked" in html and "idScheme=CODE" in html
    data = data_value_set(("REV", "F1", "202301", "12.5"), ("REV", "F2", "202301", "3"))
    before = state()
    response = client.post(PAGE, {"file": upload(data, "june.json"), "dry_run": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dry run of june.json" in html
    assert "12.5" in html and "→" in html
    assert [(c["unit"], c["old"], c["new"]) for c in response.context["changes"]] == [
        ("F1", "10", "12.5"),
        ("F2", None, "3"),
    ]
    assert state() == before
    response = client.post(PAGE, {"file": upload(data, "june.json")})
    assert response.status_code == 200 and "june.json was imported" in response.content.decode()
    assert Value.objects.count() == 2
    record = ChangeRecord.objects.filter(object_type="performance.valuebatch").first()
    assert (record.user, record.source) == (world.planner, "web")


def test_page_errors_are_shown_escaped_and_nothing_is_written(world, rev, client):
    client.force_login(world.admin)
    data = csv_file(("<b>REV</b>", "202301", "F1", "1"))
    response = client.post(PAGE, {"file": upload(data, "<i>x</i>.csv"), "dry_run": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Unknown indicator “&lt;b&gt;REV&lt;/b&gt;”" in html
    assert "<b>REV</b>" not in html and "<i>x</i>" not in html
    assert not Value.objects.exists()
    response = client.post(PAGE, {"file": upload(b"x", "values.xlsx")})
    assert response.status_code == 400 and ".json or .csv" in response.content.decode()


def test_page_export_downloads_the_file(world, rev, client):
    put(world.admin, ("REV", "F1", "202301", 1), ("REV", "F2", "202301", 2))
    client.force_login(world.planner)
    params = {"export": "1", "unit": "GDDI", "children": "1", "periods": "2023", "format": "csv"}
    response = client.get(PAGE, {**params, "indicator": ["REV"]})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="dataValueSets.csv"'
    assert len(streamed(response).decode().splitlines()) == 3
    del params["children"]
    only_gddi = client.get(PAGE, {**params, "format": "json"})
    assert json.loads(streamed(only_gddi)) == {"dataValues": []}
    refused = client.get(PAGE, {**params, "periods": "2023Q9"})
    assert refused.status_code == 400 and "2023Q9" in refused.content.decode()


# -- command -------------------------------------------------------------------------------------


def test_command_import_dry_run_and_errors(world, rev, tmp_path):
    put(world.admin, ("REV", "F1", "202301", 10))
    path = tmp_path / "values.json"
    path.write_bytes(data_value_set(("REV", "F1", "202301", "11"), ("REV", "F2", "202301", "2")))
    out = io.StringIO()
    before = state()
    call_command("dhis2", "import", str(path), "--user", "t-planner", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Dry run" in text and "created 1, updated 1, deleted 0, unchanged 0" in text
    assert "Row 1: REV F1 202301: 10 → 11" in text and "Row 2: REV F2 202301: none → 2" in text
    assert state() == before
    out = io.StringIO()
    call_command("dhis2", "import", str(path), "--user", "t-planner", stdout=out)
    assert "created 1, updated 1" in out.getvalue()
    record = ChangeRecord.objects.filter(object_type="performance.valuebatch").first()
    assert (record.user, record.source) == (world.planner, "command")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(csv_file(("REV", "202301", "OTHER", "1")))
    with pytest.raises(CommandError, match="extension"):
        call_command("dhis2", "import", str(bad), "--user", "t-planner")
    before = state()
    with pytest.raises(CommandError) as caught:
        call_command("dhis2", "import", str(bad), "--user", "t-planner", "--format", "csv")
    assert "Row 2, unit: “OTHER” is not a unit you can report for." in str(caught.value)
    assert state() == before
    with pytest.raises(CommandError, match="no active user"):
        call_command("dhis2", "import", str(path), "--user", "nobody")


def test_command_export(world, rev, tmp_path):
    put(world.admin, ("REV", "F1", "202301", 1), ("REV", "OTHER", "202301", 2))
    path = tmp_path / "out.csv"
    out = io.StringIO()
    call_command(
        "dhis2",
        "export",
        "--user",
        "t-planner",
        "--unit",
        "GDDI",
        "--period",
        "2023Q1",
        "2023Q2",
        "--indicator",
        "REV",
        "--output",
        str(path),
        stdout=out,
    )
    assert "1 value written" in out.getvalue()
    rows = list(csv.reader(io.StringIO(path.read_text())))
    assert rows[0] == CSV_HEADER and [r[2] for r in rows[1:]] == ["F1"]
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "dhis2", "export", "--user", "t-admin", "--start", "2023-01-01", stdout=out, stderr=err
    )
    assert len(json.loads(out.getvalue())["dataValues"]) == 2
    assert "2 values written" in err.getvalue()
    with pytest.raises(CommandError, match="not a unit you can see"):
        call_command("dhis2", "export", "--user", "t-planner", "--unit", "OTHER", stdout=out)
