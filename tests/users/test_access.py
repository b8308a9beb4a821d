"""Row-level access as a security reviewer checks it: grants reach whole subtrees, clearance hides
what is above it, querysets deny by default, and a walk over every URL of the site finds no page,
export, search or API response that shows a record outside the user's grants."""

import datetime
import importlib
import io
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import FileField
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient, APIRequestFactory, force_authenticate

from dimis.core.actor import acting_as
from dimis.core.models import ChangeRecord
from dimis.framework.api import build_viewset
from dimis.framework.choices import Classification, Role
from dimis.framework.models import ReferenceModel
from dimis.framework.registry import registry
from dimis.framework.testing import RegisteredModelTests, csv_rows, make_user
from dimis.framework.views import ObjectDetailView, ObjectListView
from dimis.meetings.models import Meeting
from dimis.org.models import Appointment, OrgUnit, Person, Rank, RankRecord, UnitLink
from dimis.users.models import Grant, User

D = datetime.date


def person_in(unit, name, **extra):
    return Person.objects.create(full_name=name, owning_unit=unit, **extra)


def unit_under(parent, code, name=None, classification=Classification.UNCLASSIFIED, since=None):
    unit = OrgUnit.objects.create(
        code=code, name=name or f"Unit {code}", kind="factory", classification=classification
    )
    UnitLink.objects.create(
        child=unit, parent=parent, valid_from=since or D(2010, 1, 1), classification=classification
    )
    return unit


# -- grants and clearance ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_grant_covers_the_whole_subtree_including_units_added_later(world):
    user = make_user("gddi-viewer", Classification.TOP_SECRET, [(Role.VIEWER, world.gddi)])
    deep = unit_under(unit_under(world.f1, "F1-W1"), "F1-W1-A")
    in_deep = person_in(deep, "Người ở xưởng con")
    in_other = person_in(world.other, "Người ở đơn vị khác")
    units = set(OrgUnit.objects.restrict(user))
    assert units == {world.gddi, world.f1, world.f2, deep.parent_on()} | {deep}
    people = set(Person.objects.restrict(user))
    assert in_deep in people and in_other not in people

    # A unit placed under F2 today is covered at once, with no change to the grant.
    later = unit_under(
        world.f2, "F2-NEW", since=datetime.date.today() - datetime.timedelta(days=10)
    )
    newcomer = person_in(later, "Người mới")
    assert later in OrgUnit.objects.restrict(user)
    assert newcomer in Person.objects.restrict(user)

    # A unit moved out of the subtree (its link ended today) is no longer covered.
    link = UnitLink.objects.get(child=later)
    link.valid_to = datetime.date.today()
    link.save()
    UnitLink.objects.create(child=later, parent=world.other, valid_from=datetime.date.today())
    assert later not in OrgUnit.objects.restrict(user)
    assert newcomer not in Person.objects.restrict(user)


@pytest.mark.django_db
def test_a_grant_does_not_reach_up_or_sideways(world):
    f1_person, f2_person = person_in(world.f1, "Ở F1"), person_in(world.f2, "Ở F2")
    gddi_person = person_in(world.gddi, "Ở GDDI")
    visible = set(Person.objects.restrict(world.f1_planner))
    assert f1_person in visible
    assert f2_person not in visible and gddi_person not in visible
    assert set(OrgUnit.objects.restrict(world.f1_planner)) == {world.f1}


@pytest.mark.django_db
def test_clearance_hides_records_classified_above_it(world):
    people = {
        level: person_in(world.f1, f"Mức {level.label}", classification=level)
        for level in Classification
    }
    for user, clearance in (
        (world.f1_planner, Classification.RESTRICTED),
        (world.planner, Classification.SECRET),
    ):
        seen = set(Person.objects.restrict(user).filter(owning_unit=world.f1))
        assert seen == {p for level, p in people.items() if level <= clearance}
    # Raising the clearance shows more; nothing else changes.
    world.f1_planner.clearance = Classification.TOP_SECRET
    world.f1_planner.save()
    assert set(Person.objects.restrict(world.f1_planner)) == set(people.values())


@pytest.mark.django_db
def test_units_themselves_are_hidden_above_the_users_clearance(world):
    secret = unit_under(world.f1, "F1-SECRET", classification=Classification.SECRET)
    assert secret not in OrgUnit.objects.restrict(world.f1_planner)
    assert secret in OrgUnit.objects.restrict(world.planner)


@pytest.mark.django_db
def test_restricted_querysets_return_nothing_without_an_active_signed_in_user(world):
    person_in(world.f1, "Ai cũng muốn thấy")
    inactive = make_user("inactive", Classification.TOP_SECRET, [(Role.ADMINISTRATOR, world.mnd)])
    inactive.is_active = False
    inactive.save()
    for model in (Person, OrgUnit, UnitLink, Rank, Grant, User):
        for nobody in (None, AnonymousUser(), inactive):
            qs = model.objects.all().restrict(nobody)
            assert qs.is_restricted
            assert list(qs) == [], (model, nobody)
        # The same user, active again, does see rows: the empty result above is the restriction.
        inactive.is_active = True
        assert model.objects.all().restrict(inactive).exists(), model
        inactive.is_active = False
    assert list(Person.objects.restrict(world.outsider)) == []


@pytest.mark.django_db
def test_an_unrestricted_queryset_is_never_marked_restricted(world):
    assert not Person.objects.all().is_restricted
    assert not Person.objects.filter(full_name__startswith="A").is_restricted
    restricted = Person.objects.restrict(world.planner)
    assert restricted.filter(full_name__startswith="A").order_by("pk").is_restricted


# -- bases that forget to restrict show nothing --------------------------------------------------


@pytest.mark.django_db
def test_an_api_viewset_whose_queryset_was_not_restricted_shows_nothing(world):
    mine = person_in(world.f1, "Nguyễn Văn Quên")
    base = build_viewset(registry.get(Person))

    class ForgetfulViewSet(base):
        def get_queryset(self):
            return Person.objects.all()  # forgot .restrict()

    def call(viewset, action, path, **kwargs):
        request = APIRequestFactory().get(path)
        force_authenticate(request, user=world.planner)
        # Outside the middleware the viewset's actor would outlive the call: contain it.
        with acting_as(None, source="system"):
            return viewset.as_view({"get": action})(request, **kwargs)

    response = call(ForgetfulViewSet, "list", "/api/org/person/")
    assert response.status_code == 200
    assert response.data["count"] == 0 and response.data["results"] == []
    missing = call(ForgetfulViewSet, "retrieve", f"/api/org/person/{mine.pk}/", pk=mine.pk)
    assert missing.status_code == 404

    # The same viewset with its restricted queryset shows the row: the test can tell the two apart.
    response = call(base, "list", "/api/org/person/")
    assert [row["id"] for row in response.data["results"]] == [mine.pk]


@pytest.mark.django_db
def test_a_generic_view_whose_queryset_was_not_restricted_shows_nothing(world):
    mine = person_in(world.f1, "Trần Văn Quên")
    config = registry.get(Person)

    class ForgetfulList(ObjectListView):
        def restricted(self, action=None):
            return Person.objects.all()  # forgot .restrict()

    class ForgetfulDetail(ObjectDetailView):
        def restricted(self, action=None):
            return Person.objects.all()

    def get(view, path, **kwargs):
        request = RequestFactory().get(path)
        request.user = world.outsider  # no grants at all
        request.session = {}
        request._messages = []
        return view.as_view(config=config)(request, **kwargs)

    listing = get(ForgetfulList, "/org/person/")
    assert listing.status_code == 200
    assert "Trần Văn Quên" not in listing.content.decode()
    exported = get(ForgetfulList, "/org/person/?export=csv")
    assert len(csv_rows(exported)) == 1  # the header only
    with pytest.raises(Http404):
        get(ForgetfulDetail, f"/org/person/{mine.pk}/", pk=mine.pk)


# -- API tokens ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_api_token_from_the_profile_sees_exactly_what_the_web_shows(world, client):
    for n in range(3):
        person_in(world.f1, f"Người F1 số {n}")
        person_in(world.other, f"Người khác số {n}")
    person_in(world.f1, "Người F1 mật", classification=Classification.SECRET)
    client.force_login(world.f1_planner)
    page = client.post("/accounts/token/", {"action": "create"})
    assert page.status_code == 200
    key = Token.objects.get(user=world.f1_planner).key
    assert key in page.content.decode()  # shown once, right after creation
    assert key not in client.get("/accounts/token/").content.decode()

    api = APIClient()
    assert api.get("/api/org/person/").status_code in (401, 403)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    api_rows = api.get("/api/org/person/?limit=1000").json()["results"]
    web_rows = csv_rows(client.get("/org/person/?export=csv&per_page=250"))[1:]
    assert sorted(r["full_name"] for r in api_rows) == sorted(r[0] for r in web_rows)
    assert sorted(r["full_name"] for r in api_rows) == [f"Người F1 số {n}" for n in range(3)]

    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    assert api.get("/api/org/person/").status_code in (401, 403)

    # Revoking the token in the profile locks the API out at once.
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.post("/accounts/token/", {"action": "revoke"})
    assert api.get("/api/org/person/").status_code in (401, 403)


# -- the URL walk --------------------------------------------------------------------------------

# Pages anyone may open without signing in. Everything else redirects to a login page or is
# refused by the API with 401/403. The API schema and its documentation describe the endpoints,
# not the records, so they are public (drf-spectacular's default, kept deliberately).
PUBLIC = {"login", "admin:login", "set_language", "api:schema", "api:docs"}

# Distinctive names and codes of records the walking user must never see.
HIDDEN_MARKERS = [
    "KAPPA-HIDDEN-7",
    "Xưởng Kappa Bí Mật",
    "Kappa Nguyễn Ẩn",
    "Trưởng xưởng Kappa",
    "kappa-user",
    "SIGMA-SECRET-9",
    "Xưởng Sigma Tối Mật",
    "Sigma Trần Mật",
    "Chính ủy Sigma",
    "Unit MND",
    "Unit GDDI",
    "Unit F1",
    "Unit F2",
    "t-planner",
    "t-admin",
]
VISIBLE_MARKER = "Hiển Thị Oanh"
# What is typed into search boxes: parts shared by the markers, so that a page echoing the query
# does not show a whole marker, while a page listing a hidden record would.
PROBES = ["Kappa", "Sigma", "Unit", "t-"]


@pytest.fixture
def walk_world(world):
    """The viewer (unclassified, viewer of OTHER) and records around them, in and out of reach."""
    # Within reach: records in OTHER that pages must show (so an empty page is not a pass).
    visible_unit = unit_under(world.other, "VIS-UNIT", "Xưởng Hiển Thị")
    person = person_in(world.other, f"Bà {VISIBLE_MARKER}")
    RankRecord.objects.create(
        person=person,
        rank=Rank.objects.get(code="thieu-ta"),
        since=D(2020, 1, 1),
        owning_unit=world.other,
    )
    Appointment.objects.create(
        person=person,
        position="Quản đốc",
        unit=visible_unit,
        valid_from=D(2020, 1, 1),
        owning_unit=world.other,
    )
    # Out of reach: another unit's subtree.
    kappa = unit_under(world.f1, "KAPPA-HIDDEN-7", "Xưởng Kappa Bí Mật")
    kappa_person = person_in(kappa, "Kappa Nguyễn Ẩn")
    kappa_rank = RankRecord.objects.create(
        person=kappa_person,
        rank=Rank.objects.get(code="dai-ta"),
        since=D(2019, 1, 1),
        owning_unit=kappa,
    )
    kappa_appointment = Appointment.objects.create(
        person=kappa_person,
        position="Trưởng xưởng Kappa",
        unit=kappa,
        valid_from=D(2019, 1, 1),
        owning_unit=kappa,
    )
    kappa_user = make_user("kappa-user", Classification.SECRET, [(Role.VIEWER, kappa)])
    # Out of reach: in the viewer's own unit, but classified above the viewer's clearance.
    sigma = unit_under(world.other, "SIGMA-SECRET-9", "Xưởng Sigma Tối Mật", Classification.SECRET)
    sigma_person = person_in(world.other, "Sigma Trần Mật", classification=Classification.SECRET)
    sigma_rank = RankRecord.objects.create(
        person=sigma_person,
        rank=Rank.objects.get(code="dai-ta"),
        since=D(2019, 1, 1),
        owning_unit=world.other,
        classification=Classification.SECRET,
    )
    sigma_appointment = Appointment.objects.create(
        person=sigma_person,
        position="Chính ủy Sigma",
        unit=world.other,
        valid_from=D(2019, 1, 1),
        owning_unit=world.other,
        classification=Classification.SECRET,
    )
    hidden = {
        # Pages of records the viewer may see must not show their hidden neighbours either.
        "within reach": {
            OrgUnit: world.other,
            UnitLink: UnitLink.objects.get(child=visible_unit),
            Person: person,
            RankRecord: person.rank_records.get(),
            Appointment: person.appointments.get(),
            Grant: world.viewer.grants.get(),
            User: world.viewer,
            Rank: Rank.objects.get(code="thieu-ta"),
        },
        "outside the grants": {
            OrgUnit: kappa,
            UnitLink: UnitLink.objects.get(child=kappa),
            Person: kappa_person,
            RankRecord: kappa_rank,
            Appointment: kappa_appointment,
            Grant: kappa_user.grants.get(),
            User: kappa_user,
            Rank: Rank.objects.get(
                code="dai-tuong"
            ),  # a lexicon: readable by all, writable by none
        },
        "above the clearance": {
            OrgUnit: sigma,
            UnitLink: UnitLink.objects.get(child=sigma),
            Person: sigma_person,
            RankRecord: sigma_rank,
            Appointment: sigma_appointment,
            Grant: world.planner.grants.get(),
            User: world.planner,
            Rank: Rank.objects.get(code="dai-tuong"),
        },
    }
    # Models registered later get their hidden records from their generated suites' make().
    suites = generated_suites()
    missing = [c.label for c in registry if c.model not in suites]
    assert not missing, (
        f"registered models without a generated suite (test_registered.py): {missing}"
    )
    for config in registry:
        model = config.model
        if model in hidden["outside the grants"]:
            continue
        assert model in suites, (
            f"{model.__name__} has no generated suite (tests/*/test_registered.py)"
        )
        suite = suites[model]()
        outside = suite.make(kappa)
        hidden["outside the grants"][model] = outside
        hidden["within reach"][model] = suite.make(world.other)
        hidden["above the clearance"][model] = (
            suite.make(world.other, classification=Classification.SECRET)
            if suite.scoped and suite.classified
            else outside
        )
    return world, hidden


def generated_suites() -> dict:
    """{model: its RegisteredModelTests subclass} from every tests/*/test_registered.py."""
    for path in sorted(Path(__file__).resolve().parent.parent.glob("*/test_registered.py")):
        importlib.import_module(f"tests.{path.parent.name}.test_registered")
    found, pending = {}, [RegisteredModelTests]
    while pending:
        for sub in pending.pop().__subclasses__():
            if sub.model is not None:
                found[sub.model] = sub
            pending.append(sub)
    return found


def iter_patterns(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from iter_patterns(p.url_patterns, prefix + str(p.pattern), ns)
        else:
            assert isinstance(p, URLPattern)
            name = f"{namespace}:{p.name}" if (p.name and namespace) else p.name
            yield prefix + str(p.pattern), name, p


def param_names(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route) + re.findall(r"\(\?P<(\w+)>", route)


def model_of(name: str | None):
    """The registered (or admin) model a URL name is about, if any."""
    if not name:
        return None
    short = name.split(":")[-1]
    for config in registry:
        if short.startswith(config.url_prefix + "-"):
            return config.model
    if name.startswith("admin:"):
        for model in admin.site._registry:
            if short.startswith(f"{model._meta.app_label}_{model._meta.model_name}_"):
                return model
    return None


def build_urls(hidden: dict) -> list[tuple[str | None, str, bool]]:
    """One concrete URL for every pattern of the site, ids naming records out of reach."""
    fallback = hidden[Person].pk
    urls = []
    for route, name, pattern in iter_patterns(get_resolver().url_patterns):
        model = model_of(name) or (User if "users/user/" in route else None)
        pk = hidden[model].pk if model in hidden else fallback
        files = [f.name for f in model._meta.fields if isinstance(f, FileField)] if model else []
        values = {
            "pk": pk,
            "object_id": pk,
            "id": pk,
            "format": "json",
            "app_label": "org",
            "content_type_id": ContentType.objects.get_for_model(Person).pk,
            "url": "no-such-page/",
            # A file attached to the record (the first file field of its model, if it has one).
            "field": files[0] if files else "file",
        }
        unknown = [p for p in param_names(route) if p not in values]
        assert not unknown, f"the URL walk cannot fill {unknown} in {route}: teach build_urls"
        kwargs = {p: values[p] for p in param_names(route)}
        if name:
            url = reverse(name, kwargs=kwargs)
        else:
            url = "/" + route
            for key, value in kwargs.items():
                url = re.sub(rf"<(?:\w+:)?{key}>|\(\?P<{key}>[^)]*\)", str(value), url)
            url = url.replace("^", "").replace("$", "")
        match = resolve(url)
        assert match.func == pattern.callback, (route, url)
        urls.append((name, url, bool(kwargs)))
    assert len(urls) > 100  # every registered model's views and API, the admin, the rest
    return urls


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in response.get("Content-Type", ""):
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    return headers + "\n" + content.decode("utf-8", errors="replace")


def fetch(client, url, method="get"):
    try:
        response = getattr(client, method)(url)
    except Exception as error:  # an exception in a view is the 500 this walk looks for
        return None, f"{method.upper()} {url} raised {error!r}"
    if response.status_code >= 500:
        return response, f"{method.upper()} {url} returned {response.status_code}"
    return response, None


@pytest.mark.django_db
def test_walk_every_url_as_an_anonymous_visitor(walk_world):
    world, hidden = walk_world
    client = Client()
    changes = ChangeRecord.objects.count()
    problems, public_seen = [], set()
    for name, url, _ in build_urls(hidden["outside the grants"]):
        response, problem = fetch(client, url)
        if problem:
            problems.append(problem)
            continue
        text = body_text(response)
        leaked = [m for m in HIDDEN_MARKERS + [VISIBLE_MARKER] if m in text]
        if leaked:
            problems.append(f"GET {url} shows {leaked}")
        if name in PUBLIC:
            public_seen.add(name)
            continue
        location = response.get("Location", "")
        to_login = response.status_code == 302 and (
            location.startswith("/accounts/login/?next=")
            or location.startswith("/admin/login/?next=")
        )
        if not (to_login or response.status_code in (401, 403)):
            problems.append(f"GET {url} ({name}) answered {response.status_code} {location}")
        if name and name.split("-")[-1] in ("add", "edit", "delete", "import", "list", "detail"):
            posted, problem = fetch(client, url, "post")
            if problem or not (
                posted.status_code in (401, 403)
                or posted.get("Location", "").startswith("/accounts/login/")
            ):
                problems.append(problem or f"POST {url} answered {posted.status_code}")
    assert public_seen == PUBLIC
    assert problems == [], "\n".join(problems)
    assert ChangeRecord.objects.count() == changes

    # The public pages, exactly.
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/admin/login/").status_code == 200
    language = client.post("/i18n/setlang/", {"language": "en", "next": "/org/person/"})
    assert language.status_code == 302 and language["Location"] == "/org/person/"
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


@pytest.mark.django_db
def test_walk_every_url_as_a_viewer_of_one_small_unit(walk_world):
    world, hidden = walk_world
    viewer = world.viewer
    assert viewer.clearance == Classification.UNCLASSIFIED
    assert [(g.role, g.unit) for g in viewer.grants.all()] == [(Role.VIEWER, world.other)]
    client = Client()
    client.force_login(viewer)
    changes = ChangeRecord.objects.count()
    problems, requested = [], 0
    # Links to the pages of hidden records, for every registered model.
    hidden_links = {
        f'href="{obj.get_absolute_url()}"'
        for case, records in hidden.items()
        if case != "within reach"
        for model, obj in records.items()
        if model in registry and not issubclass(model, ReferenceModel)
    }

    def check(url, method="get"):
        nonlocal requested
        requested += 1
        response, problem = fetch(client, url, method)
        if problem:
            problems.append(problem)
            return None
        text = body_text(response)
        leaked = [m for m in HIDDEN_MARKERS if m in text] + [h for h in hidden_links if h in text]
        if leaked:
            problems.append(f"{method.upper()} {url} shows {leaked}")
        return response

    for case, records in hidden.items():
        for name, url, has_ids in build_urls(records):
            if case != "outside the grants" and (
                url.startswith("/admin/") or not has_ids or ".json" in url
            ):
                continue  # the same page in every case; the admin refuses all but superusers
            response = check(url)
            model = model_of(name)
            pk_url = response is not None and model in records and str(records[model].pk) in url
            if pk_url and not name.startswith("admin:"):
                if case != "within reach" and not issubclass(model, ReferenceModel):
                    # A record out of reach does not exist for this user, whatever is asked of it.
                    assert response.status_code == 404, (case, url, response.status_code)
                # A viewer changes nothing, in reach or not.
                if name.startswith("api:") and url.endswith("/"):
                    methods = ("patch", "delete")
                elif name.endswith("-edit") or name.endswith("-delete"):
                    methods = ("post",)
                else:
                    methods = ()
                for method in methods:
                    changed = check(url, method)
                    assert changed is None or changed.status_code in (403, 404), (url, method)
        if case != "within reach":
            # Filters naming a record out of reach find nothing (and do not fail).
            for config in registry:
                for field in config.filter_fields:
                    related = config.model._meta.get_field(field).related_model
                    if related in records:
                        check(f"{config.url('list')}?{field}={records[related].pk}")
                        check(f"{config.api_url()}?{field}={records[related].pk}")
    # Every list, its exports, its search box and its API, once.
    for config in registry:
        for extra in [urlencode({"q": p}) for p in PROBES] + [
            "per_page=250&sort=-pk",
            "export=csv",
            "export=xlsx&q=Sigma",
        ]:
            check(f"{config.url('list')}?{extra}")
        for extra in ["q=Kappa", "q=Sigma", "format=api"]:
            check(f"{config.api_url()}?{extra}")
        # The API lists ids: none of them is a hidden record's (unless a lexicon everyone reads).
        ids = {row["id"] for row in check(f"{config.api_url()}?limit=1000").json()["results"]}
        if not issubclass(config.model, ReferenceModel):
            for case in ("outside the grants", "above the clearance"):
                assert hidden[case][config.model].pk not in ids, (config.label, case)
    for probe in [*PROBES, "KAPPA", "SIGMA", "Trưởng", "Xưởng"]:
        check("/search/?" + urlencode({"q": probe}))
    for on in ("", "2000-01-01", "2010-06-01", "2100-01-01"):
        check(f"/org/tree/?on={on}")
    # Review reports: of the viewer's own unit (the secret unit and records under it left out),
    # and of units out of reach (refused on the form).
    for unit in (world.other, world.mnd, hidden["outside the grants"][OrgUnit]):
        for kind, period in (
            ("six_month", "2024S1"),
            ("annual", "2024"),
            ("multi_year", "2021-2025"),
        ):
            query = urlencode({"unit": unit.pk, "period": period, "kind": kind, "language": "vi"})
            response = check(f"/reports/review/?{query}")
            assert response.status_code == (200 if unit == world.other else 400), (unit, kind)
            check(f"/reports/review/?{query}&meeting={hidden['outside the grants'][Meeting].pk}")

    assert problems == [], "\n".join(problems)
    assert requested > 400
    assert ChangeRecord.objects.count() == changes  # nothing was written on the way

    # The walk saw real content: what the viewer may see is there.
    assert VISIBLE_MARKER in client.get("/org/person/").content.decode()
    assert VISIBLE_MARKER in body_text(client.get("/org/person/?export=csv"))
    assert VISIBLE_MARKER in body_text(client.get("/org/person/?export=xlsx"))
    found = client.get("/search/?" + urlencode({"q": VISIBLE_MARKER})).content.decode()
    assert VISIBLE_MARKER in found
    assert VISIBLE_MARKER in client.get("/api/org/person/").content.decode()
    assert "Xưởng Hiển Thị" in client.get("/org/tree/").content.decode()
    assert "Quản đốc" in client.get("/org/appointment/").content.decode()
