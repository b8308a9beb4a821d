"""The queue's pages: reports under the user's units with their pending counts, proposals beside
their highlighted (escaped) sentences, per-proposal decisions with htmx, access for planners,
viewers and everyone else, and query counts that do not grow with the proposals."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dimis.core.models import ChangeRecord
from dimis.framework.choices import Classification, Role
from dimis.framework.testing import make_user
from dimis.ingest.models import Proposal, ProposalKind, ProposalStatus, Report
from dimis.meetings.models import Meeting

from .conftest import Hand, ingest_hand

pytestmark = pytest.mark.django_db

TEXT = (
    "The GDDI held its annual review conference on December 20, 2023.\n"
    "Senior Lieutenant General Pham Hoai Nam <script>alert('x')</script> chaired the conference.\n"
    "Nam asked the GDDI to speed up the progress of investment projects & <b>plans</b>.\n"
)


def hand(text=TEXT, people=("Pham Hoai Nam",)):
    made = (
        Hand(text)
        .meeting(date="2023-12-20", host="GDDI", chair="Pham Hoai Nam", at="chaired the conference")
        .org("GDDI")
        .directive(
            "Pham Hoai Nam",
            "GDDI",
            "speed up the progress of investment projects & <b>plans</b>",
        )
    )
    for name in people:
        made.person(name, "Senior Lieutenant General", at=name)
    return made


def client_for(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def report(sector):
    made, _ = ingest_hand(sector.world.planner, sector.gddi, hand())
    return made


def urls(proposal):
    return {
        action: reverse(f"ingest-proposal-{action}", args=[proposal.pk])
        for action in ("accept", "correct", "reject")
    }


def test_the_queue_lists_reports_with_their_pending_counts(sector, report):
    client = client_for(sector.world.planner)
    page = client.get(reverse("ingest-report-list"))
    html = page.content.decode()
    assert page.status_code == 200
    assert report.get_absolute_url() in html
    pending = report.proposals.filter(status=ProposalStatus.PENDING).count()
    assert f'<span class="badge text-bg-warning">{pending}</span>' in html
    assert reverse("ingest-upload") in html  # a planner may ingest
    # In the menu, under documents and tasks.
    assert f'href="{reverse("ingest-report-list")}"' in client.get("/").content.decode()


def test_the_report_page_highlights_each_source_sentence_and_never_renders_the_text_raw(
    sector, report
):
    html = client_for(sector.world.planner).get(report.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    # The proposed values beside each proposal: who asked whom, the meeting's title.
    assert 'Asked by</dt><dd class="col-sm-9 mb-0">Pham Hoai Nam' in html
    assert "Annual review" in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<b>plans</b>" not in html and "&lt;b&gt;plans&lt;/b&gt;" in html
    assert (
        "Senior Lieutenant General <mark>Pham Hoai Nam</mark> &lt;script&gt;" in html
    )  # the span marked, the rest escaped
    assert (
        "Nam asked the GDDI to <mark>speed up the progress of investment projects &amp; "
        "&lt;b&gt;plans&lt;/b&gt;</mark>." in html
    )


def test_accept_correct_and_reject_with_htmx_swap_the_proposals_card(sector, report):
    client = client_for(sector.world.planner)
    htmx = {"HTTP_HX_REQUEST": "true"}
    person = report.proposals.get(kind=ProposalKind.PERSON)
    response = client.post(urls(person)["accept"], {"version": person.version}, **htmx)
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div class="card mb-2" id="proposal-')
    assert "<html" not in fragment and "Accepted" in fragment
    person.refresh_from_db()
    assert person.status == ProposalStatus.ACCEPTED and person.decided_by == sector.world.planner

    # Accepting the meeting without its date asks for it in the correction form.
    meeting = report.proposals.get(kind=ProposalKind.MEETING)
    meeting.payload = {**meeting.payload, "date": None}
    meeting.save()
    response = client.post(urls(meeting)["accept"], {"version": meeting.version}, **htmx)
    html = response.content.decode()
    assert "does not say when the meeting was held" in html and 'name="date"' in html
    assert not Meeting.objects.exists()

    form = client.get(urls(meeting)["correct"], **htmx).content.decode()
    assert 'name="title"' in form and 'name="host_unit"' in form
    bad = client.post(urls(meeting)["correct"], {"title": "", "kind": "annual_review"}, **htmx)
    assert "This field is required." in bad.content.decode() and not Meeting.objects.exists()
    meeting.refresh_from_db()
    good = client.post(
        urls(meeting)["correct"],
        {
            "version": meeting.version,
            "kind": "annual_review",
            "title": "Hội nghị tổng kết năm 2023",
            "date": "2023-12-20",
            "host_unit": sector.gddi.pk,
        },
        **htmx,
    )
    assert good.status_code == 200 and "Corrected and accepted" in good.content.decode()
    assert Meeting.objects.get().title == "Hội nghị tổng kết năm 2023"

    directive = report.proposals.get(kind=ProposalKind.DIRECTIVE)
    rejected = client.post(urls(directive)["reject"], {"version": directive.version}, **htmx)
    assert "Rejected" in rejected.content.decode()
    directive.refresh_from_db()
    assert directive.status == ProposalStatus.REJECTED
    # Decided once: a second decision is told, not applied.
    again = client.post(urls(directive)["accept"], {"version": directive.version}, **htmx)
    assert "decided already" in again.content.decode()
    directive.refresh_from_db()
    assert directive.status == ProposalStatus.REJECTED


def test_without_htmx_the_decisions_redirect_and_failures_show_the_form(sector, report):
    client = client_for(sector.world.planner)
    meeting = report.proposals.get(kind=ProposalKind.MEETING)
    meeting.payload = {**meeting.payload, "date": None}
    meeting.save()
    response = client.post(urls(meeting)["accept"], {"version": meeting.version})
    assert response.status_code == 400
    assert "does not say when the meeting was held" in response.content.decode()
    person = report.proposals.get(kind=ProposalKind.PERSON)
    response = client.post(urls(person)["accept"], {"version": person.version})
    assert response.status_code == 302 and response["Location"].startswith(
        report.get_absolute_url()
    )
    accept_all = client.post(reverse("ingest-report-accept-all", args=[report.pk]))
    assert accept_all.status_code == 302
    # Without the meeting's date, what needs the meeting waits: its rank, attendance, directive.
    waiting = set(
        report.proposals.filter(status=ProposalStatus.PENDING).values_list("kind", flat=True)
    )
    assert waiting == {
        ProposalKind.MEETING,
        ProposalKind.RANK_CHANGE,
        ProposalKind.ATTENDEE,
        ProposalKind.DIRECTIVE,
    }


def test_planners_of_another_unit_and_outsiders_find_nothing(sector, report):
    world = sector.world
    proposal = report.proposals.first()
    f2 = make_user("f2-planner", Classification.SECRET, [(Role.PLANNER, world.f2)])
    before = ChangeRecord.objects.count()
    for user in (world.f1_planner, f2, world.viewer, world.outsider):
        client = client_for(user)
        assert (
            report.get_absolute_url()
            not in client.get(reverse("ingest-report-list")).content.decode()
        )
        assert client.get(report.get_absolute_url()).status_code == 404
        assert client.get(proposal.get_absolute_url()).status_code == 404
        for url in urls(proposal).values():
            assert client.get(url).status_code == 404
            assert client.post(url, {"version": proposal.version}).status_code == 404
        accept_all = reverse("ingest-report-accept-all", args=[report.pk])
        assert client.post(accept_all).status_code == 404
        api = client.get(f"/api/ingest/proposal/{proposal.pk}/")
        assert api.status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING and ChangeRecord.objects.count() == before


def test_a_viewer_of_the_unit_sees_the_queue_but_decides_nothing(sector, report):
    viewer = make_user("gddi-viewer", Classification.SECRET, [(Role.VIEWER, sector.gddi)])
    client = client_for(viewer)
    assert report.get_absolute_url() in client.get(reverse("ingest-report-list")).content.decode()
    page = client.get(report.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200 and "<mark>" in html
    assert "Only planners of the unit decide" in html
    proposal = report.proposals.first()
    assert urls(proposal)["accept"] not in html
    before = ChangeRecord.objects.count()
    for url in urls(proposal).values():
        assert client.post(url, {"version": proposal.version}).status_code == 403
    assert client.get(urls(proposal)["correct"]).status_code == 403
    assert client.post(reverse("ingest-report-accept-all", args=[report.pk])).status_code == 403
    assert client.get(reverse("ingest-upload")).status_code == 403
    assert ChangeRecord.objects.count() == before
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING


def test_matches_the_user_may_not_see_are_shown_as_restricted(sector, report):
    """A proposal matched (for a wider user) to a record the reader may not see hides it."""
    hidden = Proposal.objects.filter(report=report, kind=ProposalKind.ORGANISATION).get()
    viewer = make_user("gddi-viewer2", Classification.SECRET, [(Role.VIEWER, sector.gddi)])
    # A body only the ministry's users see.
    from django.contrib.contenttypes.models import ContentType

    from dimis.org.models import OrgUnit

    secret = OrgUnit.objects.create(code="SECRET-BODY", name="Cơ quan Kappa", kind="department")
    hidden.matched_type = ContentType.objects.get_for_model(OrgUnit)
    hidden.matched_id = secret.pk
    hidden.save()
    html = client_for(viewer).get(report.get_absolute_url()).content.decode()
    assert "Cơ quan Kappa" not in html and secret.get_absolute_url() not in html
    assert "(restricted)" in html


def test_queue_pages_cost_the_same_queries_for_few_and_many_proposals(sector):
    planner = sector.world.planner
    few, _ = ingest_hand(planner, sector.gddi, hand(), name="few.txt")
    names = [f"Nguyen Van {chr(65 + n)}{chr(97 + n)}" for n in range(15)]
    many_text = TEXT + "".join(f"{name} attended.\n" for name in names)
    many, _ = ingest_hand(
        planner, sector.gddi, hand(many_text, people=["Pham Hoai Nam", *names]), name="many.txt"
    )
    for name in names[:5]:  # some decided, by the planner
        from dimis.ingest.accept import accept

        accept(planner, many.proposals.get(kind=ProposalKind.PERSON, label=name))
    assert many.proposals.count() > 3 * few.proposals.count()
    client = client_for(planner)
    counts = {}
    for report in (few, many):
        client.get(report.get_absolute_url())  # warm caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(report.get_absolute_url()).status_code == 200
        counts[report.pk] = len(queries)
    assert counts[few.pk] == counts[many.pk], counts

    list_url = reverse("ingest-report-list")
    client.get(list_url)
    with CaptureQueriesContext(connection) as two:
        client.get(list_url)
    for n in range(20):
        ingest_hand(planner, sector.gddi, hand(TEXT + f"Line {n}.\n"), name=f"r{n}.txt")
    with CaptureQueriesContext(connection) as more:
        client.get(list_url)
    assert Report.objects.count() == 22
    assert len(two) == len(more)


def test_every_kind_of_proposal_has_its_page_and_correction_form_in_both_languages(sector):
    from .test_accept import report_of

    report = report_of(sector)
    kinds = set(report.proposals.values_list("kind", flat=True))
    assert kinds == set(ProposalKind.values)
    for language, accept_label in (("en", "Accept"), ("vi", "Chấp nhận")):
        client = client_for(sector.world.planner, language)
        page = client.get(report.get_absolute_url()).content.decode()
        assert accept_label in page
        for proposal in report.proposals.all():
            detail = client.get(proposal.get_absolute_url())
            assert detail.status_code == 200 and "<mark>" in detail.content.decode()
            form = client.get(urls(proposal)["correct"])  # the page, without htmx
            html = form.content.decode()
            assert form.status_code == 200 and 'name="version"' in html, proposal
            assert f'action="{urls(proposal)["correct"]}"' in html
