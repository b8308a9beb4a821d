"""Reminders reach lead units before a deadline and when overdue, and never twice."""

import datetime

from django.core import mail
from django.core.management import call_command

from dimis.directives.models import Task, TaskReminder
from dimis.directives.reminders import send_reminders
from dimis.framework.choices import Role
from dimis.framework.testing import make_user

D = datetime.date


def _task(world, deadline, **extra):
    return Task.objects.create(
        title=f"Nhiệm vụ hạn {deadline}",
        owning_unit=world.gddi,
        lead_unit=world.f1,
        assigned_on=D(2024, 1, 1),
        deadline=deadline,
        **extra,
    )


def test_due_soon_and_overdue_reminders_are_sent_once(world):
    reporter = make_user("f1-reporter", grants=[(Role.REPORTER, world.f1)])
    reporter.email = "f1@example.test"
    reporter.save()
    on = D(2025, 3, 10)
    soon = _task(world, D(2025, 3, 14))
    late = _task(world, D(2025, 3, 1))
    _task(world, D(2025, 6, 30))  # far away: no reminder yet
    _task(
        world, D(2025, 3, 1), status="done", completed_on=D(2025, 2, 27)
    )  # done: nothing to remind

    assert send_reminders(on=on) == 2
    assert {(r.task_id, r.kind) for r in TaskReminder.objects.all()} == {
        (soon.pk, "due_soon"),
        (late.pk, "overdue"),
    }
    assert len(mail.outbox) == 2 and all(m.to == ["f1@example.test"] for m in mail.outbox)
    assert any(soon.title in m.body for m in mail.outbox)

    assert send_reminders(on=on) == 0  # the second run sends nothing twice
    assert send_reminders(on=on + datetime.timedelta(days=1)) == 0
    assert len(mail.outbox) == 2


def test_only_users_whose_grants_and_clearance_cover_the_task_are_mailed(world):
    inside = make_user("gddi-planner-mail", grants=[(Role.PLANNER, world.gddi)], clearance=2)
    outside = make_user("other-planner-mail", grants=[(Role.PLANNER, world.other)], clearance=4)
    low = make_user("f1-low-clearance", grants=[(Role.REPORTER, world.f1)], clearance=0)
    for user in (inside, outside, low):
        user.email = f"{user.username}@example.test"
        user.save()
    _task(world, D(2025, 3, 1), classification=2)
    send_reminders(on=D(2025, 3, 10))
    assert mail.outbox[0].to == ["gddi-planner-mail@example.test"]


def test_the_command_sends_now_and_the_job_schedules_itself_once(world, capsys):
    call_command("reminders")
    call_command("reminders")
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("reminders", "--now")
    assert "reminders sent" in capsys.readouterr().out


def test_reminders_page_shows_only_visible_tasks(world, client):
    mine = _task(world, D(2020, 1, 1))
    theirs = Task.objects.create(
        title="Nhiệm vụ của đơn vị khác",
        owning_unit=world.other,
        lead_unit=world.other,
        assigned_on=D(2019, 1, 1),
        deadline=D(2020, 1, 1),
    )
    send_reminders(on=D(2025, 1, 1))
    client.force_login(world.f1_planner)
    page = client.get("/directives/reminders/").content.decode()
    assert mine.title in page and theirs.title not in page
