"""Submit, approve, send back and withdraw through the pages; the approver's inbox."""

import decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from dimis.framework.choices import Role
from dimis.framework.testing import make_unit, make_user
from dimis.performance.models import (
    Comparison,
    DataSubmission,
    SubmissionStatus,
    ValidationRule,
    Value,
)

from .helpers import indicator, put

INBOX = "/performance/inbox/"
COLUMN = "/performance/entry/column/"
CELL = "/performance/entry/cell/"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(world):
    class People:
        reporter = make_user("t-reporter", grants=[(Role.REPORTER, world.f1)])
        approver = make_user("t-approver", grants=[(Role.APPROVER, world.gddi)])
        second_approver = make_user("t-approver2", grants=[(Role.APPROVER, world.gddi)])
        other_approver = make_user("t-otherapprover", grants=[(Role.APPROVER, world.other)])

    return People


@pytest.fixture
def rev(world):
    return indicator("REV", max_value=1000)


def login(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def submit(client, user, unit, period_code):
    login(client, user)
    response = client.post(COLUMN, {"unit": unit.pk, "period": period_code, "action": "submit"})
    assert response.status_code == 302
    return DataSubmission.objects.get(unit=unit, period__code=period_code)


def inbox_ids(client, user) -> set[int]:
    response = login(client, user).get(INBOX)
    assert response.status_code == 200
    return {submission.pk for submission, *_ in response.context["rows"]}


def test_a_submission_reaches_the_approvers_above_it_only(world, client, people, rev):
    put(people.reporter, ("REV", "F1", "202401", 10), ("REV", "F1", "202402", 1))
    submission = submit(client, people.reporter, world.f1, "202401")
    assert submission.status == SubmissionStatus.SUBMITTED
    assert inbox_ids(client, people.approver) == {submission.pk}
    assert inbox_ids(client, people.reporter) == set()
    assert inbox_ids(client, people.other_approver) == set()
    # An approver who submits figures waits for another approver.
    own = submit(client, people.approver, world.f1, "202402")
    assert inbox_ids(client, people.approver) == {submission.pk}
    assert inbox_ids(client, people.second_approver) == {submission.pk, own.pk}
    html = login(client, people.approver).get(INBOX).content.decode()
    assert submission.get_absolute_url() in html and "Approve" in html and "Send back" in html


def test_the_inbox_counts_figures_and_flags(world, client, people, rev):
    cost = indicator("COST")
    ValidationRule.objects.create(name="c", left=cost, comparison=Comparison.LE, right=rev)
    put(
        people.reporter,
        ("REV", "F1", "202401", 2000),  # above its plausible maximum
        ("COST", "F1", "202401", 2500),  # above revenue
        ("REV", "F1", "202402", 5),
    )
    submit(client, people.reporter, world.f1, "202401")
    submit(client, people.reporter, world.f1, "202402")
    rows = login(client, people.approver).get(INBOX).context["rows"]
    counts = {s.period.code: (values, flags) for s, values, flags in rows}
    assert counts == {"202401": (2, 2), "202402": (1, 0)}


def test_approve_from_the_submission_page(world, client, people, rev):
    put(people.reporter, ("REV", "F1", "202401", 1500))
    submission = submit(client, people.reporter, world.f1, "202401")
    login(client, people.approver)
    page = client.get(submission.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Unit F1" in html and "Submitted" in html and "t-reporter" in html
    assert "above the highest plausible value" in html  # the flags beside the figures
    assert 'value="approve"' in html and 'value="send_back"' in html
    assert "bi-pencil" not in html and "bi-trash" not in html  # no edit around the workflow
    response = client.post(submission.get_absolute_url(), {"action": "approve"}, follow=True)
    assert "Approved the figures" in response.content.decode()
    submission.refresh_from_db()
    assert (submission.status, submission.decided_by) == (
        SubmissionStatus.APPROVED,
        people.approver,
    )
    # Approved figures are locked in the grid.
    login(client, people.reporter)
    refused = client.post(
        CELL, {"unit": world.f1.pk, "indicator": "REV", "period": "202401", "value": "3"}
    )
    assert refused.status_code == 422 and "approved" in refused.content.decode()


def test_an_approver_cannot_approve_what_they_submitted(world, client, people, rev):
    put(people.approver, ("REV", "F1", "202401", 10))
    submission = submit(client, people.approver, world.f1, "202401")
    page = client.get(submission.get_absolute_url()).content.decode()
    assert 'value="approve"' not in page
    response = client.post(submission.get_absolute_url(), {"action": "approve"})
    assert response.status_code == 403
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    # Reporters cannot approve either; users who cannot see the submission get 404.
    login(client, people.reporter)
    assert client.post(submission.get_absolute_url(), {"action": "approve"}).status_code == 403
    login(client, people.other_approver)
    assert client.get(submission.get_absolute_url()).status_code == 404
    assert client.post(submission.get_absolute_url(), {"action": "approve"}).status_code == 404
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED


def test_sending_back_needs_a_reason_and_reopens_the_figures(world, client, people, rev):
    put(people.reporter, ("REV", "F1", "202401", 10))
    submission = submit(client, people.reporter, world.f1, "202401")
    login(client, people.approver)
    client.post(submission.get_absolute_url(), {"action": "approve"})
    url = submission.get_absolute_url()
    no_reason = client.post(url, {"action": "send_back", "reason": "  "}, follow=True)
    assert "Say why the figures go back" in no_reason.content.decode()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.APPROVED
    # A reporter may not reopen.
    login(client, people.reporter)
    assert client.post(url, {"action": "send_back", "reason": "mine"}).status_code == 403
    login(client, people.approver)
    reopened = client.post(
        url, {"action": "send_back", "reason": "Audit revised January", "next": INBOX}
    )
    assert reopened.status_code == 302 and reopened["Location"] == INBOX
    submission.refresh_from_db()
    assert (submission.status, submission.note) == (
        SubmissionStatus.DRAFT,
        "Audit revised January",
    )
    assert "Audit revised January" in client.get(url).content.decode()
    login(client, people.reporter)
    saved = client.post(
        CELL, {"unit": world.f1.pk, "indicator": "REV", "period": "202401", "value": "12"}
    )
    assert saved.status_code == 200
    assert Value.objects.get().value == decimal.Decimal(12)


def test_the_reporter_withdraws_submitted_figures(world, client, people, rev):
    put(people.reporter, ("REV", "F1", "202401", 10))
    submission = submit(client, people.reporter, world.f1, "202401")
    page = client.get(submission.get_absolute_url()).content.decode()
    assert 'value="withdraw"' in page and 'value="approve"' not in page
    client.post(submission.get_absolute_url(), {"action": "withdraw"})
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT
    again = client.post(submission.get_absolute_url(), {"action": "withdraw"}, follow=True)
    assert "Only submitted figures can be withdrawn" in again.content.decode()
    assert client.post(submission.get_absolute_url(), {"action": "nonsense"}).status_code == 400


def test_the_inbox_costs_the_same_queries_for_1_and_many_submissions(world, client, people, rev):
    cost = indicator("COST")
    ValidationRule.objects.create(name="c", left=cost, comparison=Comparison.LE, right=rev)
    put(people.reporter, ("REV", "F1", "202401", 10), ("COST", "F1", "202401", 20))
    submit(client, people.reporter, world.f1, "202401")
    login(client, people.approver)
    client.get(INBOX)
    with CaptureQueriesContext(connection) as one:
        client.get(INBOX)
    planner = make_user("t-gddiplanner", grants=[(Role.PLANNER, world.gddi)])
    for n in range(2, 9):
        unit = make_unit(f"F{n + 10}", world.gddi, kind="factory")
        put(planner, ("REV", unit.code, "202401", n), ("COST", unit.code, "202401", n + 1))
        put(planner, ("REV", unit.code, "202402", n))
        submit(client, planner, unit, "202401")
        submit(client, planner, unit, "202402")
    login(client, people.approver)
    with CaptureQueriesContext(connection) as many:
        response = client.get(INBOX)
    assert len(response.context["rows"]) == 15
    assert all(flags == 1 for s, values, flags in response.context["rows"] if values == 2)
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]


def test_the_inbox_link_is_reachable(world, client, people):
    assert reverse("performance-inbox") == INBOX
    login(client, world.outsider)
    response = client.get(INBOX)
    assert response.status_code == 200 and "Nothing is waiting" in response.content.decode()
