"""The demo's review report: the six-month review of the General Department of Defense Industry
(first half of 2022), written for its planner in Vietnamese and in English, in all four formats,
so the meeting's page lists stored reports. Written synchronously here: the demo needs no worker.
"""

from dimis.meetings.models import Meeting, MeetingKind
from dimis.users.models import User

from .generation import generate
from .models import GeneratedReport, ReportStatus
from .scope import ReportKind, period_code_for

REQUESTER = "planner"  # the GDDI's planner (secret clearance), who prepares the conference
LANGUAGES = ("vi", "en")


def load(stdout=None):
    meeting = Meeting.objects.filter(
        kind=MeetingKind.SIX_MONTH_REVIEW, host_unit__code="TCCNQP"
    ).first()
    planner = User.objects.filter(username=REQUESTER).first()
    if meeting is None or planner is None:
        return  # the meetings or the users demo was not loaded
    period = period_code_for(ReportKind.SIX_MONTH, meeting.period_start, meeting.period_end)
    written = 0
    for language in LANGUAGES:
        done = GeneratedReport.objects.filter(
            meeting=meeting, language=language, status=ReportStatus.DONE
        )
        if done.exists():
            continue
        stored = GeneratedReport.objects.create(
            owning_unit=meeting.host_unit,
            meeting=meeting,
            kind=ReportKind.SIX_MONTH,
            period_code=period,
            language=language,
            requested_by=planner,
            classification=planner.clearance,
        )
        generate(stored)
        written += 1
    if stdout:
        stdout.write(
            f"  reports: the six-month review report {period} for {meeting.host_unit.code} "
            f"({written} written now; HTML, PDF, DOCX, XLSX in {', '.join(LANGUAGES)})"
        )
