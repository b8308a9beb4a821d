"""A meeting's conclusions become tasks in one action; the next meeting opens with their status."""

import datetime

from dimis.directives.models import Task
from dimis.meetings.models import Attendance, Conclusion, Meeting
from dimis.org.models import Person, Rank, RankRecord

D = datetime.date


def meeting(world, date, **extra):
    return Meeting.objects.create(
        kind="six_month_review",
        title=f"Sơ kết {date.year}",
        date=date,
        host_unit=world.gddi,
        owning_unit=world.gddi,
        **extra,
    )


def test_a_conclusion_becomes_a_task_of_the_host_unit(world, client):
    m = meeting(world, D(2024, 7, 1))
    c = Conclusion.objects.create(
        meeting=m, number=1, text="Đẩy nhanh dự án đầu tư", owning_unit=world.gddi
    )
    client.force_login(world.planner)
    response = client.post(
        m.get_absolute_url(),
        {"conclusion": c.pk, "lead_unit": world.f1.pk, "deadline": "2024-12-31"},
    )
    assert response.status_code == 302
    t = Task.objects.get()
    assert (t.conclusion, t.owning_unit, t.lead_unit, t.assigned_on, t.deadline) == (
        c,
        world.gddi,
        world.f1,
        D(2024, 7, 1),
        D(2024, 12, 31),
    )


def test_bad_task_from_a_conclusion_is_refused(world, client):
    m = meeting(world, D(2024, 7, 1))
    c = Conclusion.objects.create(
        meeting=m, number=1, text="Mở rộng thị trường", owning_unit=world.gddi
    )
    client.force_login(world.planner)
    client.post(
        m.get_absolute_url(),
        {"conclusion": c.pk, "lead_unit": world.f1.pk, "deadline": "2024-01-01"},
    )
    client.post(
        m.get_absolute_url(), {"conclusion": c.pk, "lead_unit": "", "deadline": "2024-12-31"}
    )
    assert Task.objects.count() == 0
    client.force_login(world.f1_planner)  # a planner of F1 may not assign the GDDI's tasks
    response = client.post(
        m.get_absolute_url(),
        {"conclusion": c.pk, "lead_unit": world.f1.pk, "deadline": "2024-12-31"},
    )
    assert response.status_code in (403, 404) and Task.objects.count() == 0


def test_the_next_meeting_opens_with_the_previous_conclusions(world, client):
    first = meeting(world, D(2024, 1, 10))
    c = Conclusion.objects.create(
        meeting=first, number=1, text="Đào tạo kỹ sư đầu ngành", owning_unit=world.gddi
    )
    Task.objects.create(
        title="Đào tạo",
        conclusion=c,
        owning_unit=world.gddi,
        lead_unit=world.f1,
        assigned_on=D(2024, 1, 10),
        deadline=D(2024, 6, 30),
        status="done",
        completed_on=D(2024, 8, 1),
    )
    second = meeting(world, D(2024, 7, 5))
    client.force_login(world.planner)
    page = client.get(second.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Đào tạo kỹ sư đầu ngành" in page and "Done late" in page


def test_attendees_keep_the_rank_and_position_of_the_day(world):
    person = Person.objects.create(full_name="Phạm Văn Hải", owning_unit=world.gddi)
    RankRecord.objects.create(
        person=person,
        rank=Rank.objects.get(code="pho-do-doc"),
        since=D(2019, 1, 1),
        owning_unit=world.gddi,
    )
    RankRecord.objects.create(
        person=person,
        rank=Rank.objects.get(code="thuong-tuong"),
        since=D(2022, 6, 1),
        owning_unit=world.gddi,
    )
    early = Attendance.objects.create(
        meeting=meeting(world, D(2021, 3, 1)), person=person, owning_unit=world.gddi
    )
    late = Attendance.objects.create(
        meeting=meeting(world, D(2023, 3, 1)), person=person, owning_unit=world.gddi
    )
    assert (early.rank.name_en, late.rank.name_en) == ("Vice Admiral", "Senior Lieutenant General")


def test_the_demo_shows_the_chain_the_meetings_and_a_scorecard_where_units_differ(db):
    from django.core.management import call_command

    from dimis.directives.models import Document
    from dimis.directives.scorecard import scorecard
    from dimis.org.models import OrgUnit
    from dimis.users.models import User

    call_command("demo")
    assert Meeting.objects.count() == 3
    chain = (
        Document.objects.get(number_key="08-NQ/TW")
        .implemented_by.get()
        .implemented_by.get()
        .implemented_by.get()
    )
    assert chain.issuer.code == "TCCNQP"
    planner = User.objects.get(username="planner")
    rows, total = scorecard(
        planner, OrgUnit.objects.get(code="TCCNQP"), D(2021, 1, 1), D(2027, 12, 31)
    )
    assert {"red", "green"} <= {row.rag for row in rows}
    assert total.overdue and total.done_late and total.done_on_time and total.open_within_deadline
