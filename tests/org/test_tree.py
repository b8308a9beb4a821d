"""The dated unit hierarchy, people's rank histories and the rank lexicon, as a planner preparing
a multi-year review relies on them."""

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from dimis.core.models import ChangeRecord
from dimis.framework.testing import make_unit
from dimis.org.models import OrgUnit, Person, Rank, UnitLink
from dimis.org.ranks import RANKS, ensure_rank_lexicon
from dimis.users.models import User

D = datetime.date
MOVE = D(2020, 7, 1)


def link(child, parent, start, end=None):
    return UnitLink.objects.create(child=child, parent=parent, valid_from=start, valid_to=end)


@pytest.fixture
def moved(world):
    """X sat under A until 30 June 2020 and under B from 1 July 2020; Y has always been under X."""
    a, b = make_unit("A", world.gddi), make_unit("B", world.gddi)
    x, y = make_unit("X"), make_unit("Y")
    link(x, a, D(2000, 1, 1), MOVE)
    link(x, b, MOVE)
    link(y, x, D(2000, 1, 1))
    return a, b, x, y


def codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


# -- the dated tree ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_moved_unit_is_under_its_old_parent_before_the_move_and_the_new_one_after(moved):
    a, b, x, y = moved
    day_before = MOVE - datetime.timedelta(days=1)
    assert codes(OrgUnit.objects.subtree(a, on=day_before)) == {"A", "X", "Y"}
    assert codes(OrgUnit.objects.subtree(b, on=day_before)) == {"B"}
    assert codes(OrgUnit.objects.subtree(a, on=MOVE)) == {"A"}
    assert codes(OrgUnit.objects.subtree(b, on=MOVE)) == {"B", "X", "Y"}
    assert codes(OrgUnit.objects.subtree(b, on=MOVE, include_root=False)) == {"X", "Y"}
    # Before X existed in the tree, it was under nobody.
    assert codes(OrgUnit.objects.subtree(a, on=D(1999, 12, 31))) == {"A"}
    # The whole general department contains X throughout.
    for on in (day_before, MOVE, D(2030, 1, 1)):
        assert {"X", "Y"} <= codes(OrgUnit.objects.subtree(a.parent_on(), on=on))

    parents = {
        on: dict(OrgUnit.objects.with_parent_on(on).values_list("code", "parent_on_date"))
        for on in (day_before, MOVE)
    }
    assert parents[day_before]["X"] == a.pk and parents[MOVE]["X"] == b.pk
    assert parents[day_before]["Y"] == parents[MOVE]["Y"] == x.pk
    assert x.parent_on(day_before) == a and x.parent_on(MOVE) == b
    assert x.parent_on(D(1999, 1, 1)) is None


def chain(top, depth: int, prefix: str) -> list[OrgUnit]:
    units, parent = [], top
    for n in range(depth):
        unit = OrgUnit.objects.create(code=f"{prefix}{n}", name=f"Tầng {n}", kind="department")
        link(unit, parent, D(2010, 1, 1))
        units.append(unit)
        parent = unit
    return units


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [2, 30])
def test_subtree_and_with_parent_on_are_one_query_whatever_the_depth(
    world, django_assert_num_queries, depth
):
    units = chain(world.f1, depth, "C")
    with django_assert_num_queries(1):
        found = list(OrgUnit.objects.subtree(world.f1).values_list("code", flat=True))
    assert sorted(found) == sorted(["F1", *(u.code for u in units)])
    with django_assert_num_queries(1):
        restricted = list(OrgUnit.objects.restrict(world.planner).subtree(world.f1))
    assert len(restricted) == depth + 1
    with django_assert_num_queries(1):
        earlier = list(OrgUnit.objects.subtree(world.f1, on=D(2009, 12, 31)))
    assert earlier == [world.f1]
    with django_assert_num_queries(1):
        tree = {u.code: u.parent_on_date for u in OrgUnit.objects.with_parent_on(D(2015, 1, 1))}
    assert tree["C0"] == world.f1.pk
    assert all(tree[f"C{n}"] == units[n - 1].pk for n in range(1, depth))
    assert tree["MND"] is None


# -- link validation -----------------------------------------------------------------------------


def refused(new_link) -> dict:
    with pytest.raises(ValidationError) as error:
        new_link.full_clean()
    with translation.override("en"):
        return error.value.message_dict


@pytest.mark.django_db
def test_a_unit_cannot_have_two_parents_at_once(moved):
    a, b, x, y = moved
    other = OrgUnit.objects.get(code="OTHER")
    errors = refused(
        UnitLink(child=x, parent=other, valid_from=D(2019, 1, 1), valid_to=D(2019, 6, 1))
    )
    assert "valid_from" in errors and "already has a parent" in errors["valid_from"][0]
    # X is under B from MOVE with no end: any later period overlaps it.
    assert "valid_from" in refused(UnitLink(child=x, parent=other, valid_from=D(2040, 1, 1)))
    # A period ending exactly when an existing one starts does not overlap it.
    z = make_unit("Z")
    link(z, a, D(2010, 1, 1), D(2015, 1, 1))
    UnitLink(child=z, parent=b, valid_from=D(2015, 1, 1)).full_clean()
    UnitLink(child=z, parent=b, valid_from=D(2005, 1, 1), valid_to=D(2010, 1, 1)).full_clean()
    assert "valid_from" in refused(
        UnitLink(child=z, parent=b, valid_from=D(2005, 1, 1), valid_to=D(2010, 1, 2))
    )


@pytest.mark.django_db
def test_a_unit_cannot_be_its_own_parent(moved):
    a, b, x, y = moved
    errors = refused(UnitLink(child=y, parent=y, valid_from=D(2021, 1, 1)))
    assert errors["parent"] == ["A unit cannot be its own parent."]


@pytest.mark.django_db
def test_a_link_cannot_make_the_tree_loop(moved):
    a, b, x, y = moved
    # B holds X (and so Y) from MOVE: putting B under Y would close a loop.
    free_b = UnitLink.objects.get(child=b)
    free_b.valid_to = MOVE
    free_b.save()
    errors = refused(UnitLink(child=b, parent=y, valid_from=D(2021, 1, 1)))
    assert errors["parent"] == ["The parent is under this unit: the tree would loop."]
    # A is not under B: the same place under A is fine.
    UnitLink(child=b, parent=a, valid_from=D(2021, 1, 1)).full_clean()


@pytest.mark.django_db
def test_a_link_that_would_loop_only_from_a_later_date_is_refused(world):
    """P sits under Q from 2025. Putting Q under P from 2000, open-ended, loops from 2025 on."""
    p, q = make_unit("P"), make_unit("Q")
    link(p, q, D(2025, 1, 1))
    errors = refused(UnitLink(child=q, parent=p, valid_from=D(2000, 1, 1)))
    assert "parent" in errors
    # Ending before 2025, the same link never loops.
    UnitLink(child=q, parent=p, valid_from=D(2000, 1, 1), valid_to=D(2025, 1, 1)).full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("end", [D(2019, 12, 31), D(2020, 1, 1)])
def test_a_link_cannot_end_before_it_starts(moved, end):
    a, b, x, y = moved
    z = make_unit("Z")
    errors = refused(UnitLink(child=z, parent=a, valid_from=D(2020, 1, 1), valid_to=end))
    assert errors["valid_to"] == ["The end date must be after the start date."]


@pytest.mark.django_db
def test_bad_links_are_refused_by_the_form_and_the_api_and_nothing_is_saved(moved, world):
    a, b, x, y = moved
    before = (UnitLink.objects.count(), ChangeRecord.objects.count())
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.admin)
    response = client.post(
        "/org/unitlink/add/",
        {"child": y.pk, "parent": y.pk, "valid_from": "2021-01-01", "classification": 0},
    )
    assert response.status_code == 400
    assert "A unit cannot be its own parent." in response.content.decode()
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(world.admin)
    for data, field in (
        ({"child": y.pk, "parent": y.pk, "valid_from": "2021-01-01"}, "parent"),
        ({"child": x.pk, "parent": a.pk, "valid_from": "2021-01-01"}, "valid_from"),
        (
            {"child": y.pk, "parent": a.pk, "valid_from": "2021-01-01", "valid_to": "2020-01-01"},
            "valid_to",
        ),
    ):
        response = api.post("/api/org/unitlink/", {**data, "classification": 0}, format="json")
        assert response.status_code == 400, response.content
        assert field in response.json()
    assert (UnitLink.objects.count(), ChangeRecord.objects.count()) == before


# -- the tree page -------------------------------------------------------------------------------


def tree_rows(html: str) -> list[tuple[int, str]]:
    """(depth, unit name) for each row of the tree page, in order."""
    return [
        (int(depth), name)
        for depth, name in re.findall(
            r'class="tree-row[^"]*" style="--depth: (\d+)">.*?<a href="[^"]*">([^<]*)</a>',
            html,
            re.S,
        )
    ]


def parent_in(rows, name):
    index = next(i for i, (_, n) in enumerate(rows) if n == name)
    depth = rows[index][0]
    return next((n for d, n in reversed(rows[:index]) if d == depth - 1), None)


@pytest.mark.django_db
def test_the_tree_page_shows_the_tree_as_it_stood_on_the_date(moved, world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.admin)
    before = tree_rows(client.get("/org/tree/?on=2020-06-30").content.decode())
    after = tree_rows(client.get("/org/tree/?on=2020-07-01").content.decode())
    assert parent_in(before, "Unit X") == "Unit A" and parent_in(before, "Unit Y") == "Unit X"
    assert parent_in(after, "Unit X") == "Unit B" and parent_in(after, "Unit Y") == "Unit X"
    assert parent_in(after, "Unit GDDI") == "Unit MND" and parent_in(after, "Unit MND") is None
    assert len(before) == len(after) == OrgUnit.objects.count()


@pytest.mark.django_db
def test_the_tree_page_shows_only_what_the_user_may_see(moved, world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.f1_planner)
    rows = tree_rows(client.get("/org/tree/?on=2020-06-30").content.decode())
    assert rows == [(0, "Unit F1")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw", ["yesterday", "30/06/2020", "2023-02-30", "2023-13-01", "0000-00-00"]
)
def test_a_bad_date_on_the_tree_page_is_an_error_message_not_a_500(world, raw):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.admin)
    response = client.get("/org/tree/", {"on": raw})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Give the date as YYYY-MM-DD." in html
    assert ("Unit MND") in html  # the tree of today, still shown


# -- people --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_person_page_shows_rank_history_and_appointments_from_the_demo():
    call_command("demo", stdout=io.StringIO())
    nam = Person.objects.get(full_name="Phạm Hoài Nam")
    vice_admiral, senior_lt_general = (
        Rank.objects.get(code="pho-do-doc"),
        Rank.objects.get(code="thuong-tuong"),
    )
    assert nam.rank_on(D(2020, 12, 31)) is None
    assert nam.rank_on(D(2022, 6, 30)) == vice_admiral
    assert nam.rank_on(D(2022, 7, 1)) == senior_lt_general
    assert nam.rank_on() == senior_lt_general

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(User.objects.get(username="admin"))
    html = client.get(nam.get_absolute_url()).content.decode()
    history = html[html.index(">Rank history</h2>") :]
    newest, oldest = history.index("Senior Lieutenant General"), history.index("Vice Admiral")
    assert newest < oldest  # newest first
    assert "2022-07-01" in history[newest:oldest] and "2021-03-01" in history[oldest:]
    assert re.search(r"Rank today:\s*<strong>Senior Lieutenant General</strong>", html)
    appointments = html[html.index(">Appointments</h2>") :]
    assert "Deputy Minister of National Defense" in appointments
    assert "Ministry of National Defense" in appointments and "2021-01-01" in appointments

    # A user whose grants do not reach the ministry sees neither the person nor the history.
    viewer = Client(HTTP_ACCEPT_LANGUAGE="en")
    viewer.force_login(User.objects.get(username="viewer"))
    assert viewer.get(nam.get_absolute_url()).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "full_name, latin",
    [
        ("Phùng Sĩ Tấn", "Phung Si Tan"),
        ("Đặng Thị Ưng", "Dang Thi Ung"),
        ("Nguyễn Văn Đạt", "Nguyen Van Dat"),
        ("Lương Thanh Chương", "Luong Thanh Chuong"),
    ],
)
def test_latin_name_strips_the_diacritics_and_is_searchable(world, full_name, latin):
    person = Person.objects.create(full_name=full_name, owning_unit=world.f1)
    assert person.latin_name == latin
    person.full_name = full_name + " Hai"
    person.save()
    person.refresh_from_db()
    assert person.latin_name == latin + " Hai"
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.planner)
    assert full_name in client.get("/org/person/", {"q": latin.lower()}).content.decode()
    assert full_name in client.get("/search/", {"q": latin.upper()}).content.decode()


# -- the rank lexicon ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_rank_lexicon_is_present_after_migrations():
    ranks = {r.code: r for r in Rank.objects.all()}
    assert len(ranks) == 15 == len(RANKS)
    assert ranks["pho-do-doc"].name_en == "Vice Admiral" and ranks["pho-do-doc"].service == "navy"
    assert ranks["pho-do-doc"].level == ranks["trung-tuong"].level
    assert ranks["do-doc"].level == ranks["thuong-tuong"].level
    assert ranks["chuan-do-doc"].level == ranks["thieu-tuong"].level
    assert ranks["dai-tuong"].level > ranks["thuong-tuong"].level > ranks["trung-tuong"].level
    assert ranks["thuong-tuong"].abbreviation_en == "Sr. Lt. Gen."
    assert ranks["thieu-tuong"].abbreviation_en == "Maj. Gen."
    assert [r.level for r in Rank.objects.all()] == sorted(
        (r.level for r in ranks.values()), reverse=True
    )


@pytest.mark.django_db
def test_ensure_rank_lexicon_repairs_and_then_writes_nothing():
    changes = ChangeRecord.objects.count()
    assert ensure_rank_lexicon() == 0
    assert ChangeRecord.objects.count() == changes

    edited = Rank.objects.get(code="dai-ta")
    edited.name_en = "Colonel (wrong)"
    edited.save()
    Rank.objects.get(code="thieu-uy").delete()
    changes = ChangeRecord.objects.count()
    assert ensure_rank_lexicon() == 2
    assert Rank.objects.get(code="dai-ta").name_en == "Senior Colonel"
    assert Rank.objects.filter(code="thieu-uy").exists() and Rank.objects.count() == 15
    assert ChangeRecord.objects.count() == changes + 2

    changes = ChangeRecord.objects.count()
    assert ensure_rank_lexicon() == 0
    assert ChangeRecord.objects.count() == changes
