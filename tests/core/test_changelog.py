"""The change log, as an auditor checks it: every write, from wherever it comes, leaves a record
of who, when, before and after; secrets stay out; `dimis audit verify` finds tampering."""

import datetime
import io
import json
import signal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dimis import cli
from dimis.core.changelog import hashed_fields, record_hash
from dimis.core.models import ChangeRecord
from dimis.framework.choices import Role
from dimis.framework.testing import make_unit, make_user
from dimis.org.models import OrgUnit, Person, Rank, RankRecord
from dimis.users.models import User

from .jobs import rename_unit


def records_for(obj):
    return ChangeRecord.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("sequence")


def verify() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def assert_verify_fails(fragment: str):
    with pytest.raises(CommandError) as error:
        verify()
    assert fragment in str(error.value), str(error.value)


# -- where writes come from ----------------------------------------------------------------------


# A command run from the command line closes the database connections when it ends: no test
# transaction may be open around it (on PostgreSQL it would be lost).
@pytest.mark.django_db(transaction=True)
def test_a_command_run_through_the_dimis_cli_is_attributed_to_the_command():
    started = timezone.now()
    cli.main(
        [
            "dimis",
            "shell",
            "-c",
            "from dimis.org.models import OrgUnit; "
            "OrgUnit.objects.create(code='CMD1', name='Đơn vị tạo bằng lệnh', kind='factory')",
        ]
    )
    unit = OrgUnit.objects.get(code="CMD1")
    record = records_for(unit).get()
    assert record.action == "create"
    assert record.source == "command"
    assert record.actor == "dimis shell"
    assert record.user is None
    assert record.before is None
    assert record.after["code"] == "CMD1" and record.after["name"] == "Đơn vị tạo bằng lệnh"
    assert started <= record.time <= timezone.now()


@pytest.mark.django_db
def test_api_writes_with_a_token_are_attributed_to_the_token_owner(world):
    token = Token.objects.create(user=world.planner)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    url = "/api/org/person/"

    started = timezone.now()
    created = api.post(
        url,
        {"full_name": "Trần Văn Token", "owning_unit": world.f1.pk, "classification": 0},
        format="json",
    )
    assert created.status_code == 201, created.json()
    person = Person.objects.get(pk=created.json()["id"])
    record = records_for(person).get()
    assert (record.action, record.source, record.user, record.actor) == (
        "create",
        "api",
        world.planner,
        "t-planner",
    )
    assert record.before is None and record.after["full_name"] == "Trần Văn Token"
    assert started <= record.time <= timezone.now()

    updated = api.patch(
        f"{url}{person.pk}/",
        {"full_name": "Trần Văn Sửa", "version": person.version},
        format="json",
    )
    assert updated.status_code == 200, updated.json()
    update = records_for(person).filter(action="update").get()
    assert (update.source, update.user) == ("api", world.planner)
    assert update.before["full_name"] == "Trần Văn Token"
    assert update.after["full_name"] == "Trần Văn Sửa"
    changed = {name for name, _, _ in update.changed_fields()}
    assert changed == {"full_name", "latin_name", "version"}

    assert api.delete(f"{url}{person.pk}/").status_code == 204
    deletion = records_for(person).filter(action="delete").get()
    assert (deletion.source, deletion.user) == ("api", world.planner)
    assert deletion.before["full_name"] == "Trần Văn Sửa"
    assert deletion.after is None


def run_worker():
    """Run the database worker until the queue is empty (it installs signal handlers: restore)."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler)


# The worker opens its own exclusive transaction (BEGIN EXCLUSIVE on SQLite): no test transaction.
@pytest.mark.django_db(transaction=True)
def test_background_job_writes_are_attributed_to_the_job_and_the_requester():
    unit = make_unit("JOB1")
    requester = make_user("job-requester")
    asked = rename_unit.enqueue(unit.pk, "Đổi tên bởi công việc", requested_by=requester.pk)
    run_worker()
    asked.refresh()
    assert asked.status == TaskResultStatus.SUCCESSFUL, asked.errors
    unattended = rename_unit.enqueue(unit.pk, "Đổi tên lần hai")
    run_worker()
    unattended.refresh()
    assert unattended.status == TaskResultStatus.SUCCESSFUL, unattended.errors

    first, second = records_for(unit).filter(action="update")
    assert (first.source, first.user, first.actor) == ("job", requester, "job-requester")
    assert first.before["name"] == "Unit JOB1"
    assert first.after["name"] == "Đổi tên bởi công việc"
    assert (second.source, second.user, second.actor) == ("job", None, "job rename_unit")
    assert second.before["name"] == "Đổi tên bởi công việc"
    assert second.after["name"] == "Đổi tên lần hai"
    verify()


@pytest.mark.django_db
def test_system_writes_outside_any_request_are_marked_system():
    unit = make_unit("SYS1")
    record = records_for(unit).get()
    assert (record.source, record.actor, record.user) == ("system", "system", None)


# -- what is kept --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_hashes_never_reach_the_change_log(client):
    user = User.objects.create_user("pw-user", password="Erste-Geheim-41")
    first_hash = user.password
    user.first_name = "Lan"
    user.set_password("Zweite-Geheim-42")
    user.save()
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "Zweite-Geheim-42",
            "new_password1": "Dritte-Geheim-43",
            "new_password2": "Dritte-Geheim-43",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    hashes = {first_hash, user.password}
    records = list(records_for(user))
    assert [r.action for r in records][:2] == ["create", "update"]
    assert records[0].after["username"] == "pw-user"
    assert records[1].after["first_name"] == "Lan"
    # The web password change is itself on record, as a fingerprint that changed, not the hash.
    assert records[-1].source == "web" and records[-1].action == "update"
    assert records[-1].before["password"] != records[-1].after["password"]
    for record in records:
        for state in (record.before, record.after):
            assert (state or {}).get("password", "changed:").startswith("changed:")
            text = json.dumps(state)
            assert not any(h in text for h in hashes)
            assert "Geheim" not in text
    log_text = json.dumps(list(ChangeRecord.objects.values_list("before", "after")))
    assert not any(h in log_text for h in hashes)


@pytest.mark.django_db
def test_deleting_logs_the_last_state_and_no_after_including_cascaded_rows(world):
    person = Person.objects.create(full_name="Lê Văn Xóa", owning_unit=world.f1)
    rank_record = RankRecord.objects.create(
        person=person,
        rank=Rank.objects.get(code="dai-ta"),
        since=datetime.date(2020, 1, 1),
        owning_unit=world.f1,
    )
    person_pk, rank_record_pk = person.pk, rank_record.pk
    person.delete()
    deletion = ChangeRecord.objects.get(
        object_type="org.person", object_id=str(person_pk), action="delete"
    )
    assert deletion.before["full_name"] == "Lê Văn Xóa"
    assert deletion.before["owning_unit_id"] == world.f1.pk
    assert deletion.after is None
    cascaded = ChangeRecord.objects.get(
        object_type="org.rankrecord", object_id=str(rank_record_pk), action="delete"
    )
    assert cascaded.before["person_id"] == person_pk and cascaded.after is None


# -- audit verify --------------------------------------------------------------------------------


@pytest.fixture
def history(world):
    """A few writes of every kind, so the chain has a middle and an end."""
    person = Person.objects.create(full_name="Đỗ Văn Chuỗi", owning_unit=world.f1)
    person.full_name = "Đỗ Văn Chuỗi Hai"
    person.save()
    other = Person.objects.create(full_name="Vũ Thị Mắt Xích", owning_unit=world.f2)
    other.delete()
    make_user("chain-user", grants=[(Role.VIEWER, world.f2)])
    return list(ChangeRecord.objects.order_by("sequence"))


@pytest.mark.django_db
def test_verify_passes_on_an_intact_chain(history):
    message = verify()
    assert f"{len(history)} change records verified" in message
    assert "intact" in message
    assert history[-1].sequence == len(history)


@pytest.mark.django_db
def test_verify_names_the_first_altered_record(history):
    middle, later = history[len(history) // 2], history[-2]
    ChangeRecord.objects.filter(pk=later.pk).update(after={"forged": True})
    assert_verify_fails(f"change record #{later.sequence} has been altered")
    forged = {**(middle.after or {}), "full_name": "Giả mạo"}
    ChangeRecord.objects.filter(pk=middle.pk).update(after=forged)
    assert_verify_fails(f"change record #{middle.sequence} has been altered")


@pytest.mark.django_db
def test_verify_detects_other_altered_fields(history):
    record = history[len(history) // 2]
    ChangeRecord.objects.filter(pk=record.pk).update(actor="someone-else")
    assert_verify_fails(f"change record #{record.sequence} has been altered")
    ChangeRecord.objects.filter(pk=record.pk).update(actor=record.actor, source="web")
    assert_verify_fails(f"change record #{record.sequence} has been altered")
    ChangeRecord.objects.filter(pk=record.pk).update(source=record.source)
    verify()  # restored exactly: intact again


@pytest.mark.django_db
def test_verify_detects_a_record_rewritten_with_a_fresh_hash(history):
    """A forger who recomputes the altered record's own hash breaks the link to the next one."""
    record = history[len(history) // 2]
    record.after = {**(record.after or {}), "full_name": "Giả mạo"}
    record.hash = record_hash(hashed_fields(record))
    record.save()
    assert_verify_fails(f"change record #{record.sequence + 1} does not follow #{record.sequence}")


@pytest.mark.django_db
def test_verify_detects_a_rewritten_newest_record(history):
    newest = history[-1]
    newest.after = {**(newest.after or {}), "clearance": 4}
    newest.hash = record_hash(hashed_fields(newest))
    newest.save()
    assert_verify_fails(f"change record #{newest.sequence} has been altered")


@pytest.mark.django_db
def test_verify_names_a_removed_middle_record(history):
    middle = history[len(history) // 2]
    ChangeRecord.objects.filter(pk=middle.pk).delete()
    assert_verify_fails(f"change record #{middle.sequence} has been removed")


@pytest.mark.django_db
def test_verify_detects_removal_of_the_newest_record(history):
    newest = history[-1]
    ChangeRecord.objects.filter(pk=newest.pk).delete()
    assert_verify_fails(f"change record #{newest.sequence} has been removed")


@pytest.mark.django_db(transaction=True)
def test_the_dimis_cli_exits_with_an_error_naming_the_record(history, capsys):
    cli.main(["dimis", "audit", "verify"])
    assert "intact" in capsys.readouterr().out
    middle = history[len(history) // 2]
    ChangeRecord.objects.filter(pk=middle.pk).update(before={"forged": True})
    with pytest.raises(SystemExit) as exit_:
        cli.main(["dimis", "audit", "verify"])
    assert exit_.value.code != 0
    assert f"change record #{middle.sequence} has been altered" in capsys.readouterr().err
