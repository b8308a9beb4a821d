"""Generated test suites: a model gets its view, API, access, export, import and query-count tests
by subclassing `RegisteredModelTests` and filling in a few fields.

    class TestPerson(RegisteredModelTests):
        model = Person
        def make(self, unit, **extra):
            return Person.objects.create(full_name="Nguyễn Văn A", owning_unit=unit, **extra)
        def form_data(self, unit):
            return {"full_name": "Trần Văn B", "owning_unit": unit.pk, "classification": 0}
        import_row = ...      # {"column": "value"} for a CSV row, with `{unit}` for the unit code
        change = ("full_name", "Trần Văn C")

The `world` fixture gives a small sector: MND > GDDI > factories F1, F2, and a sibling OTHER;
users with grants on those units and different clearances.
"""

import csv
import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from dimis.core.models import ChangeRecord

from .choices import Classification, Role
from .registry import registry


@dataclass
class World:
    mnd: object
    gddi: object
    f1: object
    f2: object
    other: object
    admin: object  # administrator of the MND, top secret
    gddi_admin: object  # administrator of the GDDI, secret
    planner: object  # planner of the GDDI, secret
    f1_planner: object  # planner of factory F1, restricted
    viewer: object  # viewer of OTHER, unclassified
    outsider: object  # no grants at all


def make_unit(code, parent=None, **extra):
    import datetime

    from dimis.org.models import OrgUnit, UnitLink

    unit = OrgUnit.objects.create(
        code=code, name=f"Unit {code}", kind=extra.pop("kind", "department"), **extra
    )
    if parent is not None:
        UnitLink.objects.create(child=unit, parent=parent, valid_from=datetime.date(2000, 1, 1))
    return unit


def make_user(username, clearance=Classification.UNCLASSIFIED, grants=()):
    from dimis.users.models import Grant, User

    user = User.objects.create_user(
        username=username, password="pw-" + username, clearance=clearance
    )
    for role, unit in grants:
        Grant.objects.create(user=user, role=role, unit=unit)
    return user


def build_world() -> World:
    mnd = make_unit("MND", kind="ministry")
    gddi = make_unit("GDDI", mnd, kind="general_department")
    f1 = make_unit("F1", gddi, kind="factory")
    f2 = make_unit("F2", gddi, kind="factory")
    other = make_unit("OTHER", mnd)
    return World(
        mnd=mnd,
        gddi=gddi,
        f1=f1,
        f2=f2,
        other=other,
        admin=make_user("t-admin", Classification.TOP_SECRET, [(Role.ADMINISTRATOR, mnd)]),
        gddi_admin=make_user("t-gddiadmin", Classification.SECRET, [(Role.ADMINISTRATOR, gddi)]),
        planner=make_user("t-planner", Classification.SECRET, [(Role.PLANNER, gddi)]),
        f1_planner=make_user("t-f1planner", Classification.RESTRICTED, [(Role.PLANNER, f1)]),
        viewer=make_user("t-viewer", Classification.UNCLASSIFIED, [(Role.VIEWER, other)]),
        outsider=make_user("t-outsider"),
    )


@pytest.fixture
def world(db) -> World:
    return build_world()


def csv_upload(rows: list[dict], name="import.csv", encoding="utf-8") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


@pytest.mark.django_db
class RegisteredModelTests:
    """Subclass with `model`, `make()`, `form_data()`, `change`, and (optionally) `import_row`.

    Records made in `world.f1` are the planner's (GDDI subtree); records in `world.other` are not.
    Set `scoped = False` for reference lexicons that every user reads."""

    model = None
    scoped = True  # rows are seen through grants on a unit
    classified = True  # rows carry a classification
    reader = "planner"  # a world user who sees F1's rows but not OTHER's
    writer = "planner"  # which world user may write this model in F1
    change: tuple[str, object] = ("", None)
    import_row: dict | None = None
    list_extra_rows = 30

    # Tests that only make sense for unit-scoped records, or for models with an import row:
    # not generated at all (rather than skipped) where they do not apply.
    SCOPED_TESTS = ("test_records_of_other_units_are_invisible_everywhere",)
    CLASSIFIED_TESTS = ("test_classification_above_clearance_is_invisible",)
    IMPORT_TESTS = ("test_import_valid_rows", "test_import_with_one_bad_row_writes_nothing")
    # Records whose writes go through their own workflow (no generic add, edit, delete, import).
    read_only = False
    WRITE_TESTS = (
        "test_create_through_form_is_logged",
        "test_edit_and_stale_edit",
        "test_delete_is_logged",
        "test_api_create_update_delete",
        *IMPORT_TESTS,
    )

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.scoped:
            for name in cls.SCOPED_TESTS:
                setattr(cls, name, None)
        if not (cls.scoped and cls.classified):
            for name in cls.CLASSIFIED_TESTS:
                setattr(cls, name, None)
        if cls.import_row is None:
            for name in cls.IMPORT_TESTS:
                setattr(cls, name, None)
        if cls.read_only:
            for name in cls.WRITE_TESTS:
                setattr(cls, name, None)
        else:
            cls.test_generic_writes_are_refused = None

    def make(self, unit, **extra):
        raise NotImplementedError

    def form_data(self, unit) -> dict:
        raise NotImplementedError

    # -- helpers ---------------------------------------------------------------------------------
    @property
    def config(self):
        return registry.get(self.model)

    def login(self, client, user):
        client.force_login(user)
        return client

    def api(self, user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    def writer_user(self, world):
        return getattr(world, self.writer)

    def reader_user(self, world):
        return getattr(world, self.reader)

    def shown(self, response, obj) -> bool:
        return f'href="{obj.get_absolute_url()}"' in response.content.decode()

    # -- views -----------------------------------------------------------------------------------
    def test_list_and_detail(self, world, client):
        obj = self.make(world.f1)
        self.login(client, self.reader_user(world))
        response = client.get(self.config.url("list"))
        assert response.status_code == 200
        assert self.shown(response, obj)
        detail = client.get(obj.get_absolute_url())
        assert detail.status_code == 200
        assert str(obj) in detail.content.decode()
        assert client.get(self.config.url("history", obj.pk)).status_code == 200

    def test_create_through_form_is_logged(self, world, client):
        self.login(client, self.writer_user(world))
        data = self.form_data(world.f1)
        before = self.model.objects.count()
        response = client.post(self.config.url("add"), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        assert self.model.objects.count() == before + 1
        created = self.model.objects.order_by("-pk").first()
        record = ChangeRecord.objects.filter(
            object_type=self.config.label, object_id=str(created.pk)
        ).get()
        assert record.action == "create"
        assert record.user == self.writer_user(world)
        assert record.source == "web"

    def test_edit_and_stale_edit(self, world, client):
        obj = self.make(world.f1)
        field, value = self.change
        original = getattr(obj, field)
        original = "" if original is None else original
        self.login(client, self.writer_user(world))
        data = {**self.form_data(world.f1), field: value, "version": obj.version}
        response = client.post(self.config.url("edit", obj.pk), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        obj.refresh_from_db()
        assert getattr(obj, field) == value or getattr(obj, f"{field}_id", None) == value
        # A second edit based on the old version is refused and changes nothing.
        stale = client.post(self.config.url("edit", obj.pk), {**data, field: original})
        assert stale.status_code == 409, (stale.status_code, stale.content.decode()[:3000])
        assert (
            "Someone else saved this record" in stale.content.decode()
            or "Người khác" in stale.content.decode()
        )
        obj.refresh_from_db()
        assert getattr(obj, field) == value or getattr(obj, f"{field}_id", None) == value

    def test_delete_is_logged(self, world, client):
        obj = self.make(world.f1)
        pk = obj.pk
        self.login(client, self.writer_user(world))
        assert client.post(self.config.url("delete", pk)).status_code == 302
        assert not self.model.objects.filter(pk=pk).exists()
        assert ChangeRecord.objects.filter(
            object_type=self.config.label, object_id=str(pk), action="delete"
        ).exists()

    # -- access ----------------------------------------------------------------------------------
    def test_records_of_other_units_are_invisible_everywhere(self, world, client):
        mine, theirs = self.make(world.f1), self.make(world.other)
        reader = self.reader_user(world)
        self.login(client, reader)
        listing = client.get(self.config.url("list"))
        assert self.shown(listing, mine) and not self.shown(listing, theirs)
        for action in ("detail", "edit", "history", "delete"):
            assert client.get(self.config.url(action, theirs.pk)).status_code == 404
        exported = csv_rows(client.get(self.config.url("list") + "?export=csv"))
        assert len(exported) == 1 + self.model.objects.restrict(reader).count()
        api = self.api(reader)
        ids = {
            row["id"] for row in api.get(self.config.api_url() + "?limit=1000").json()["results"]
        }
        assert mine.pk in ids and theirs.pk not in ids
        assert api.get(f"{self.config.api_url()}{theirs.pk}/").status_code == 404
        assert api.delete(f"{self.config.api_url()}{theirs.pk}/").status_code == 404
        assert self.model.objects.filter(pk=theirs.pk).exists()

    def test_outsider_and_anonymous_see_nothing(self, world, client):
        obj = self.make(world.f1)
        assert client.get(self.config.url("list")).status_code == 302  # to the login page
        assert APIClient().get(self.config.api_url()).status_code in (401, 403)
        if self.scoped:
            self.login(client, world.outsider)
            assert not self.shown(client.get(self.config.url("list")), obj)
            assert client.get(obj.get_absolute_url()).status_code == 404

    def test_classification_above_clearance_is_invisible(self, world, client):
        secret = self.make(world.f1, classification=Classification.SECRET)
        self.login(client, world.f1_planner)  # restricted clearance
        assert not self.shown(client.get(self.config.url("list")), secret)
        assert client.get(secret.get_absolute_url()).status_code == 404
        self.login(client, world.planner)  # secret clearance
        assert client.get(secret.get_absolute_url()).status_code == 200

    def test_viewer_cannot_write(self, world, client):
        obj = self.make(world.other)
        self.login(client, world.viewer)
        assert client.get(self.config.url("add")).status_code == 403
        assert client.post(self.config.url("delete", obj.pk)).status_code in (403, 404)
        assert self.model.objects.filter(pk=obj.pk).exists()
        api = self.api(world.viewer)
        data = self.form_data(world.other)
        before = self.model.objects.count()
        assert api.post(self.config.api_url(), data, format="json").status_code == 403
        assert api.delete(f"{self.config.api_url()}{obj.pk}/").status_code in (403, 404)
        assert (
            self.model.objects.count() == before and self.model.objects.filter(pk=obj.pk).exists()
        )

    def test_generic_writes_are_refused(self, world, client):
        obj = self.make(world.f1)
        admin = world.admin  # administrator of the whole ministry, top secret
        self.login(client, admin)
        assert client.get(self.config.url("add")).status_code == 403
        assert client.post(self.config.url("edit", obj.pk), {}).status_code in (403, 404)
        assert client.post(self.config.url("delete", obj.pk)).status_code in (403, 404)
        api = self.api(admin)
        url = f"{self.config.api_url()}{obj.pk}/"
        assert (
            api.post(self.config.api_url(), self.form_data(world.f1), format="json").status_code
            == 403
        )
        assert api.patch(url, {"version": 1}, format="json").status_code in (403, 404)
        assert api.delete(url).status_code in (403, 404)
        assert self.model.objects.filter(pk=obj.pk).exists()

    # -- API -------------------------------------------------------------------------------------
    def test_api_create_update_delete(self, world):
        api = self.api(self.writer_user(world))
        data = self.form_data(world.f1)
        created = api.post(self.config.api_url(), data, format="json")
        assert created.status_code == 201, created.json()
        url = f"{self.config.api_url()}{created.json()['id']}/"
        field, value = self.change
        no_version = api.patch(url, {field: value}, format="json")
        assert no_version.status_code == 400 and "version" in no_version.json()
        version = created.json()["version"]
        updated = api.patch(url, {field: value, "version": version}, format="json")
        assert updated.status_code == 200, updated.json()
        stale = api.patch(url, {field: value, "version": version}, format="json")
        assert stale.status_code == 409, (stale.status_code, stale.content.decode()[:3000])
        record = ChangeRecord.objects.filter(object_type=self.config.label, action="update").first()
        assert record.source == "api" and record.user == self.writer_user(world)
        assert api.delete(url).status_code == 204

    # -- export and import -----------------------------------------------------------------------
    def test_export_csv_and_xlsx(self, world, client):
        obj = self.make(world.f1)
        self.login(client, self.reader_user(world))
        rows = csv_rows(client.get(self.config.url("list") + "?export=csv"))
        first_column = self.config.columns[0]
        from .display import export_value

        assert str(export_value(obj, first_column)) in [r[0] for r in rows[1:]]
        sheet = xlsx_rows(client.get(self.config.url("list") + "?export=xlsx"))
        assert len(sheet) == len(rows)

    def _import_row(self, world):
        return {
            k: (v.format(unit=world.f1.code) if isinstance(v, str) else v)
            for k, v in self.import_row.items()
        }

    def test_import_valid_rows(self, world, client):
        row = self._import_row(world)
        self.login(client, self.writer_user(world))
        before = self.model.objects.count()
        response = client.post(self.config.url("import"), {"file": csv_upload([row])})
        assert response.status_code == 302, response.content.decode()[:3000]
        assert self.model.objects.count() == before + 1

    def test_import_with_one_bad_row_writes_nothing(self, world, client):
        row = self._import_row(world)
        bad = {**row, next(iter(row)): ""}  # the first (required) column left empty
        self.login(client, self.writer_user(world))
        before, changes = self.model.objects.count(), ChangeRecord.objects.count()
        response = client.post(self.config.url("import"), {"file": csv_upload([row, bad])})
        assert response.status_code == 400
        assert "Row 3" in response.content.decode() or "Dòng 3" in response.content.decode()
        assert self.model.objects.count() == before
        assert ChangeRecord.objects.count() == changes

    # -- query counts ----------------------------------------------------------------------------
    def test_list_costs_the_same_queries_for_1_and_many_rows(self, world, client):
        self.make(world.f1)
        self.login(client, self.reader_user(world))
        url = self.config.url("list") + "?per_page=100"
        api_url = self.config.api_url() + "?limit=100"
        api = self.api(self.reader_user(world))
        client.get(url)  # warm caches (content types, sessions)
        with CaptureQueriesContext(connection) as one:
            client.get(url)
        with CaptureQueriesContext(connection) as one_api:
            api.get(api_url)
        for _ in range(self.list_extra_rows):
            self.make(world.f1)
        with CaptureQueriesContext(connection) as many:
            client.get(url)
        with CaptureQueriesContext(connection) as many_api:
            api.get(api_url)
        assert len(many) == len(one), [q["sql"] for q in many.captured_queries]
        assert len(many_api) == len(one_api), [q["sql"] for q in many_api.captured_queries]


def minimal_pdf(content: bytes) -> bytes:
    """A one-page PDF written by hand (`content` is its page's content stream): uploads and
    ingestion are tested with real PDF bytes, with or without text."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()
