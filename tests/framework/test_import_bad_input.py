"""Bad input, as users produce it: files in the wrong encoding or format, too big or too long,
wrong or missing columns, rows naming units the user may not use. Each gets a clear error that
names the problem, the row or the field; nothing is written. The API is held to the same rules."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from openpyxl import Workbook
from rest_framework.test import APIClient

from dimis.core.models import ChangeRecord
from dimis.framework.choices import Classification
from dimis.framework.registry import registry
from dimis.org.models import OrgUnit, Person, UnitLink


def counts():
    return (
        Person.objects.count(),
        OrgUnit.objects.count(),
        UnitLink.objects.count(),
        ChangeRecord.objects.count(),
    )


@pytest.fixture
def nothing_written(world):
    """Asserts, after the test, that no record and no change record was written."""
    before = counts()
    yield
    assert counts() == before


def english_client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def person_import_url():
    return registry.get(Person).url("import")


def unit_import_url():
    return registry.get(OrgUnit).url("import")


def csv_bytes(rows: list[list], encoding="utf-8", delimiter=",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(client, url, content: bytes, name="people.csv"):
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def errors_of(response) -> str:
    assert response.status_code == 400, response.status_code
    html = response.content.decode()
    assert "Nothing was imported" in html
    return html


HEADER = ["full_name", "owning_unit", "classification"]


# -- the file as a whole -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, encoding",
    [
        ("José Müller", "latin-1"),
        ("Lê Văn Đư\u0301c", "cp1258"),  # Windows Vietnamese: the tone mark as a combining byte
    ],
)
def test_a_csv_in_another_encoding_is_refused_naming_the_encoding(
    world, nothing_written, text, encoding
):
    content = csv_bytes([HEADER, [text, "F1", "0"]], encoding=encoding)
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")  # the file really is not UTF-8
    html = errors_of(upload(english_client(world.planner), person_import_url(), content))
    assert "The file is not UTF-8 text" in html
    assert "CSV UTF-8" in html  # and says how to save it instead


@pytest.mark.django_db
def test_the_same_rows_in_utf8_import(world):
    content = csv_bytes([HEADER, ["Lê Văn Đức", "F1", "0"]])
    response = upload(english_client(world.planner), person_import_url(), content)
    assert response.status_code == 302
    assert Person.objects.filter(full_name="Lê Văn Đức", owning_unit=world.f1).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"", "people.csv", "The file is empty."),
        (b"\xef\xbb\xbf\r\n\r\n", "people.csv", "The file has no header row."),
        (
            b"full_name,owning_unit,classification\r\n",
            "people.csv",
            "The file has a header but no rows.",
        ),
        (b"\x00\x01\x02\x03binary\x00\x00", "people.csv", "The file is not a text CSV file."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "people.csv", "The file is not UTF-8 text"),
        (
            b"PK\x03\x04\x14\x00\x00\x00garbage",
            "people.xlsx",
            "The file is not a valid XLSX workbook.",
        ),
        (
            b"full_name,owning_unit\r\nA,F1\r\n",
            "people.xlsx",
            "The file is not a valid XLSX workbook.",
        ),
        (b"%PDF-1.7", "people.pdf", "Upload a .csv or .xlsx file."),
    ],
    ids=[
        "empty",
        "blank-lines",
        "header-only",
        "binary",
        "png",
        "corrupt-xlsx",
        "csv-as-xlsx",
        "pdf",
    ],
)
def test_files_that_cannot_be_read_are_refused_with_a_clear_message(
    world, nothing_written, content, name, message
):
    html = errors_of(upload(english_client(world.planner), person_import_url(), content, name))
    assert message in html


@pytest.mark.django_db
def test_no_file_at_all(world, nothing_written):
    response = english_client(world.planner).post(person_import_url(), {})
    assert "Choose a CSV or XLSX file to import." in errors_of(response)


@pytest.mark.django_db
@override_settings(DIMIS_IMPORT_MAX_BYTES=1024)
def test_a_file_over_the_size_limit_is_refused(world, nothing_written):
    rows = [HEADER] + [[f"Người số {n}", "F1", "0"] for n in range(100)]
    content = csv_bytes(rows)
    assert len(content) > 1024
    html = errors_of(upload(english_client(world.planner), person_import_url(), content))
    assert "the limit is" in html and "Split it into smaller files" in html


@pytest.mark.django_db
@override_settings(DIMIS_IMPORT_MAX_ROWS=3)
def test_too_many_rows_are_refused_and_the_limit_itself_is_accepted(world):
    client = english_client(world.planner)
    before = counts()
    four = [HEADER] + [[f"Người số {n}", "F1", "0"] for n in range(4)]
    html = errors_of(upload(client, person_import_url(), csv_bytes(four)))
    assert "The file has more than 3 rows" in html
    assert counts() == before
    three = four[:4]
    assert upload(client, person_import_url(), csv_bytes(three)).status_code == 302
    assert Person.objects.filter(full_name__startswith="Người số ").count() == 3


# -- columns -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unknown_column_is_named(world, nothing_written):
    content = csv_bytes([HEADER + ["nickname"], ["Lê Văn A", "F1", "0", "Ba"]])
    html = errors_of(upload(english_client(world.planner), person_import_url(), content))
    assert "Column “nickname” is not a field of person" in html
    assert "full_name, birth_year, owning_unit, classification, notes" in html  # what is expected


@pytest.mark.django_db
def test_a_missing_required_column_is_named(world, nothing_written):
    content = csv_bytes([["owning_unit", "classification"], ["F1", "0"]])
    html = errors_of(upload(english_client(world.planner), person_import_url(), content))
    assert "Required column “full_name” is missing." in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    [
        ["Họ và tên", "Đơn vị quản lý", "Độ mật", "Năm sinh"],  # as the Vietnamese page labels them
        ["Full name", "Owning unit", "Classification", "Year of birth"],
        ["FULL_NAME", " owning_unit ", "classification", "birth_year"],
    ],
    ids=["vietnamese", "english", "field-names"],
)
def test_columns_may_be_titled_by_their_vietnamese_or_english_labels(world, header):
    content = csv_bytes([header, ["Phùng Sĩ Tấn", "F1", "0", "1965"]])
    response = upload(english_client(world.planner), person_import_url(), content)
    assert response.status_code == 302, response.content.decode()[-3000:]
    person = Person.objects.get(full_name="Phùng Sĩ Tấn")
    assert (person.owning_unit, person.birth_year, person.latin_name) == (
        world.f1,
        1965,
        "Phung Si Tan",
    )


@pytest.mark.django_db
def test_a_semicolon_separated_csv_as_excel_saves_it_imports(world):
    content = csv_bytes([HEADER, ["Nguyễn Thị Chấm", "F2", "0"]], delimiter=";")
    response = upload(english_client(world.planner), person_import_url(), content)
    assert response.status_code == 302
    assert Person.objects.filter(full_name="Nguyễn Thị Chấm", owning_unit=world.f2).exists()


# -- rows ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_row_naming_a_unit_outside_the_grants_is_refused_with_row_and_column(
    world, nothing_written
):
    content = csv_bytes(
        [
            HEADER,
            ["Trần Văn Đúng", "F1", "0"],  # row 2: the user's own factory
            ["Trần Văn Sai", "F2", "0"],  # row 3: the neighbouring factory
            ["Trần Văn Không", "NO-SUCH-UNIT", "0"],  # row 4: no such unit at all
        ]
    )
    html = errors_of(upload(english_client(world.f1_planner), person_import_url(), content))
    assert "Row 3, column “owning_unit”: No unit with code “F2” that you may use." in html
    assert "Row 4, column “owning_unit”: No unit with code “NO-SUCH-UNIT” that you may use." in html
    assert "Row 2" not in html
    assert not Person.objects.filter(full_name="Trần Văn Đúng").exists()


@pytest.mark.django_db
def test_a_row_classified_above_the_users_clearance_is_refused(world, nothing_written):
    assert world.f1_planner.clearance == Classification.RESTRICTED
    content = csv_bytes([HEADER, ["Lê Thị Mật", "F1", str(Classification.SECRET.value)]])
    html = errors_of(upload(english_client(world.f1_planner), person_import_url(), content))
    assert "Row 2, column “classification”:" in html


@pytest.mark.django_db
def test_a_bad_value_names_the_row_and_column(world, nothing_written):
    content = csv_bytes(
        [
            HEADER + ["birth_year"],
            ["Lê Văn Một", "F1", "0", "1970"],
            ["Lê Văn Hai", "F1", "0", "năm bảy mươi"],
        ]
    )
    html = errors_of(upload(english_client(world.planner), person_import_url(), content))
    assert "Row 3, column “birth_year”: Enter a whole number." in html


@pytest.mark.django_db
def test_a_valid_xlsx_imports_and_every_row_is_logged(world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["full_name", "owning_unit", "classification", "birth_year"])
    sheet.append(["Hoàng Văn Excel", "F1", 0, 1971])
    sheet.append([None, None, None, None])  # an empty row in the middle is ignored
    sheet.append(["Đặng Thị Bảng", "F2", 1, 1980.0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = english_client(world.planner)
    response = upload(client, person_import_url(), buffer.getvalue(), "people.xlsx")
    assert response.status_code == 302, response.content.decode()[-3000:]
    excel = Person.objects.get(full_name="Hoàng Văn Excel")
    table = Person.objects.get(full_name="Đặng Thị Bảng")
    assert (excel.owning_unit, excel.birth_year, excel.classification) == (world.f1, 1971, 0)
    assert (table.owning_unit, table.birth_year, table.classification) == (world.f2, 1980, 1)
    for person in (excel, table):
        record = ChangeRecord.objects.get(object_type="org.person", object_id=str(person.pk))
        assert (record.action, record.source, record.user) == ("create", "web", world.planner)


@pytest.mark.django_db
def test_duplicate_unit_codes_inside_one_file_name_the_row_and_write_nothing(
    world, nothing_written
):
    content = csv_bytes(
        [
            ["code", "name", "kind", "classification", "parent"],
            ["DUP-1", "Nhà máy Trùng Một", "factory", "0", "GDDI"],
            ["DUP-1", "Nhà máy Trùng Hai", "factory", "0", "GDDI"],
        ]
    )
    html = errors_of(upload(english_client(world.admin), unit_import_url(), content, "units.csv"))
    assert "Row 3, column “code”: Unit with this Code already exists." in html
    assert "Row 2" not in html
    assert not OrgUnit.objects.filter(code="DUP-1").exists()


@pytest.mark.django_db
def test_a_unit_code_already_in_the_database_names_the_row(world, nothing_written):
    content = csv_bytes(
        [
            ["code", "name", "kind", "classification", "parent"],
            ["F1", "Nhà máy khác", "factory", "0", "GDDI"],
        ]
    )
    html = errors_of(upload(english_client(world.admin), unit_import_url(), content, "units.csv"))
    assert "Row 2, column “code”: Unit with this Code already exists." in html
    assert OrgUnit.objects.get(code="F1").name == "Unit F1"


# -- the API -------------------------------------------------------------------------------------


def api_as(user) -> APIClient:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(user)
    return api


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {"full_name": "A", "owning_unit": "F1", "classification": 0},
            "owning_unit",
            "Incorrect type",
        ),
        (
            {"full_name": "A", "owning_unit": "{f1}", "classification": "top"},
            "classification",
            "not a valid choice",
        ),
        (
            {"full_name": "A", "owning_unit": "{f1}", "birth_year": "nineteen"},
            "birth_year",
            "A valid integer is required.",
        ),
        ({"full_name": ["A"], "owning_unit": "{f1}"}, "full_name", "Not a valid string."),
        ({"owning_unit": "{f1}", "classification": 0}, "full_name", "This field is required."),
        ({"full_name": "A", "classification": 0}, "owning_unit", "This field is required."),
        (
            {"full_name": "A", "owning_unit": "{f2}", "classification": 0},
            "owning_unit",
            "object does not exist",
        ),
        (
            {"full_name": "A", "owning_unit": 999999, "classification": 0},
            "owning_unit",
            "object does not exist",
        ),
        (
            {"full_name": "A", "owning_unit": "{f1}", "classification": 3},
            "classification",
            "Your clearance does not allow",
        ),
    ],
    ids=[
        "unit-as-code",
        "classification-word",
        "year-word",
        "name-list",
        "no-name",
        "no-unit",
        "other-unit",
        "no-such-unit",
        "above-clearance",
    ],
)
def test_api_bad_input_is_a_400_naming_the_field_and_saves_nothing(
    world, nothing_written, data, field, message
):
    data = {
        k: v.format(f1=world.f1.pk, f2=world.f2.pk) if isinstance(v, str) and "{" in v else v
        for k, v in data.items()
    }
    for key in ("owning_unit",):
        if isinstance(data.get(key), str) and data[key].isdigit():
            data[key] = int(data[key])
    response = api_as(world.f1_planner).post("/api/org/person/", data, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body, body
    assert message in " ".join(body[field]), body


@pytest.mark.django_db
def test_api_malformed_json_is_a_400(world, nothing_written):
    response = api_as(world.f1_planner).post(
        "/api/org/person/", b'{"full_name": "A", ', content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


@pytest.mark.django_db
def test_api_updates_cannot_move_a_record_out_of_reach_or_above_clearance(world):
    person = Person.objects.create(full_name="Lê Văn Ở Yên", owning_unit=world.f1)
    api = api_as(world.f1_planner)
    url = f"/api/org/person/{person.pk}/"
    before = counts()
    for data, field in (
        ({"owning_unit": world.f2.pk}, "owning_unit"),
        ({"classification": Classification.SECRET.value}, "classification"),
        ({"full_name": ""}, "full_name"),
    ):
        response = api.patch(url, {**data, "version": person.version}, format="json")
        assert response.status_code == 400, response.content
        assert field in response.json()
    assert counts() == before
    person.refresh_from_db()
    assert (person.owning_unit, person.classification, person.full_name, person.version) == (
        world.f1,
        0,
        "Lê Văn Ở Yên",
        1,
    )
    ok = api.patch(url, {"full_name": "Lê Văn Đã Sửa", "version": 1}, format="json")
    assert ok.status_code == 200, json.dumps(ok.json())
