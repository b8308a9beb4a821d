"""The demo's three review meetings, built the way a planner builds them: by ingesting the seed
reports (`data/seeds/`, a copy of `../shared/seeds/`, or the folder named by DIMIS_SEEDS_DIR) for the General Department
of Defense Industry and deciding on the proposals.

The reports do not state their dates: the planner corrects each meeting's proposal with its
(approximate) date, title and period, and some directives with the conclusion's Vietnamese
wording, the lead unit and the deadline of its task; everything else is accepted as read.
Bodies the sector's tree does not hold stay in the queue (only administrators add units).
The tasks' later progress (done on time, late, overdue) is demonstration data.

`meetings.demo` calls `build_seed_meetings()` (the meetings must exist before the demos that
read them); `load()` here only reports the queue.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from django.conf import settings

from dimis.directives.models import Clause, Document, Task, TaskStatus
from dimis.framework.choices import Classification
from dimis.meetings.conclusions import task_from_conclusion
from dimis.meetings.models import MeetingKind
from dimis.org.models import OrgUnit
from dimis.users.models import User

from . import accept as decisions
from .models import Proposal, ProposalKind, ProposalStatus, Report
from .proposals import ingest_source
from .sources import read_file

D = datetime.date
HOST = "TCCNQP"  # the General Department of Defense Industry: its queue receives the reports
DECIDER = "admin"  # the demo's superuser decides (it sees every person the reports name)

# The planner's corrections, by the seed file's number. Conclusions: (words of the directive's
# action, the conclusion in Vietnamese, [(lead unit, deadline, later outcome)]); outcome is one
# of on_time, late, open, overdue.
PLANS = {
    "001": {
        "meeting": {
            "kind": MeetingKind.MULTI_YEAR_REVIEW,
            "title": "Hội nghị tổng kết Chương trình phát triển công nghiệp quốc phòng giai đoạn 2016-2020",
            "date": D(2021, 3, 1),
            "period_start": D(2016, 1, 1),
            "period_end": D(2020, 12, 31),
            "review_years": 5,
            "host": "BQP",
        },
        "conclusions": [
            (
                "training key engineers",
                "Chú trọng đào tạo đội ngũ kỹ sư, kỹ thuật viên, công nhân đầu ngành.",
                [("GDDI-TCD", D(2022, 12, 31), "on_time")],
            ),
            (
                "recommendations for higher levels",
                "Tham mưu cấp trên ban hành văn bản tạo hành lang pháp lý cho ngành phát triển, hội nhập nền kinh tế.",
                [("GDDI-KH", D(2022, 6, 30), "late")],
            ),
            (
                "cooperation with foreign partners",
                "Đẩy mạnh hợp tác với các đối tác nước ngoài trong phát triển công nghiệp quốc phòng.",
                [("GDDI-KHCN", D(2023, 12, 31), "on_time")],
            ),
        ],
    },
    "000": {
        "meeting": {
            "kind": MeetingKind.SIX_MONTH_REVIEW,
            "title": "Hội nghị sơ kết 6 tháng đầu năm 2022 ngành công nghiệp quốc phòng",
            "date": D(2022, 7, 1),
            "period_start": D(2022, 1, 1),
            "period_end": D(2022, 6, 30),
            "review_years": None,
            "host": HOST,
        },
        "conclusions": [
            (
                "dissemination of Resolution",
                "Đẩy mạnh quán triệt Nghị quyết 08-NQ/TW, Chương trình hành động của Chính phủ và Kế hoạch của Bộ Quốc phòng.",
                [("GDDI-KH", D(2022, 12, 31), "on_time")],
            ),
            (
                "investment projects",
                "Đẩy nhanh tiến độ các dự án đầu tư.",
                [("GDDI-KH", D(2023, 6, 30), "late")],
            ),
            (
                "production and maintenance plans",
                "Đẩy nhanh kế hoạch sản xuất, sửa chữa vũ khí, trang bị kỹ thuật.",
                [("Z104", D(2026, 6, 30), "overdue"), ("Z105", D(2027, 6, 30), "open")],
            ),
            (
                "expand the market",
                "Mở rộng thị trường.",
                [("GDDI-TCT2", D(2025, 12, 31), "overdue")],
            ),
            (
                "dual-use products",
                "Đẩy mạnh sản xuất sản phẩm lưỡng dụng.",
                [("GDDI-CT2", D(2024, 12, 31), "on_time")],
            ),
            (
                "supply chain",
                "Tham gia chuỗi cung ứng sản phẩm công nghiệp hỗ trợ cho các tập đoàn kinh tế lớn.",
                [("GDDI-CT2", D(2026, 12, 31), "open")],
            ),
            (
                "production and business targets",
                "Hoàn thành toàn bộ chỉ tiêu sản xuất kinh doanh theo kế hoạch.",
                [("GDDI-TCT1", D(2022, 12, 31), "on_time"), ("Z106", D(2022, 12, 31), "late")],
            ),
        ],
    },
    "002": {
        "meeting": {
            "kind": MeetingKind.MULTI_YEAR_REVIEW,
            "title": "Hội nghị tổng kết 10 năm hội nhập quốc tế và đối ngoại quốc phòng của Tổng cục Công nghiệp quốc phòng",
            "date": D(2023, 6, 1),
            "period_start": D(2013, 1, 1),
            "period_end": D(2022, 12, 31),
            "review_years": 10,
            "host": HOST,
        },
        "conclusions": [
            (
                "system of regulations",
                "Hoàn thiện hệ thống quy chế về hợp tác quốc tế và đối ngoại quốc phòng.",
                [("GDDI-KH", D(2024, 6, 30), "overdue")],
            ),
            (
                "forecasting the situation",
                "Nghiên cứu, phân tích, dự báo tình hình để thực hiện hiệu quả chủ trương đa phương hóa, đa dạng hóa quan hệ đối ngoại quốc phòng.",
                [("GDDI-VCN", D(2027, 12, 31), "open")],
            ),
            (
                "favorable conditions for businesses",
                "Tạo điều kiện cho doanh nghiệp lựa chọn thiết bị, dây chuyền công nghệ hiện đại.",
                [("GDDI-KT", D(2024, 12, 31), "late")],
            ),
        ],
    },
}


def seeds_dir() -> Path:
    configured = os.environ.get("DIMIS_SEEDS_DIR")
    # The repository keeps the published seeds (data/seeds/), so a fresh clone has its demo.
    return Path(configured) if configured else Path(settings.PROJECT_DIR) / "data" / "seeds"


def seed_files() -> list[tuple[str, Path]]:
    """(number, path) of the seed reports the demo has a plan for, in the order of the meetings."""
    folder = seeds_dir()
    found = {p.name[:3]: p for p in sorted(folder.glob("*.txt"))} if folder.is_dir() else {}
    order = sorted(PLANS, key=lambda n: PLANS[n]["meeting"]["date"])
    return [(number, found[number]) for number in order if number in found]


def _outcome(task: Task, outcome: str):
    if outcome == "on_time":
        task.status, task.completed_on = (
            TaskStatus.DONE,
            task.deadline - datetime.timedelta(days=10),
        )
    elif outcome == "late":
        task.status, task.completed_on = (
            TaskStatus.DONE,
            task.deadline + datetime.timedelta(days=45),
        )
    elif outcome == "overdue":
        task.status, task.progress = TaskStatus.IN_PROGRESS, 60
    else:
        task.status, task.progress = TaskStatus.IN_PROGRESS, 30


def _plan_for(proposal: Proposal, conclusions):
    action = (proposal.payload.get("action") or "").lower()
    return next((c for c in conclusions if c[0].lower() in action), None)


def build_seed_meetings(stdout=None) -> list[Report]:
    """Ingest the seed reports for the GDDI and decide on their proposals. Safe to run again:
    the same text is the same report, and decided proposals are not decided twice."""
    decider = User.objects.filter(username=DECIDER, is_superuser=True).first()
    files = seed_files()
    if decider is None or not files:
        if stdout:
            stdout.write(
                f"  meetings: no seed reports in {seeds_dir()} (set DIMIS_SEEDS_DIR) or no "
                f"'{DECIDER}' user: the demo has no meetings"
            )
        return []
    units = {u.code: u for u in OrgUnit.objects.all()}
    plan_document = Document.objects.filter(title__startswith="Kế hoạch của Tổng cục").first()
    clause = Clause.objects.filter(document=plan_document).first() if plan_document else None
    reports, tasks, missing = [], 0, []
    for number, path in files:
        plan = PLANS[number]
        report, _created = ingest_source(
            decider, units[HOST], read_file(path), Classification.UNCLASSIFIED
        )
        reports.append(report)
        pending = report.proposals.filter(status=ProposalStatus.PENDING)
        meeting_proposal = pending.filter(kind=ProposalKind.MEETING).first()
        if meeting_proposal is not None:
            values = {k: v for k, v in plan["meeting"].items() if k != "host"}
            values = {
                k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in values.items()
            }
            values["host_unit"] = units[plan["meeting"]["host"]].pk
            decisions.accept(decider, meeting_proposal, values)
        made: list[tuple[Task, str, object]] = []
        for proposal in pending.filter(kind=ProposalKind.DIRECTIVE):
            found = _plan_for(proposal, plan["conclusions"])
            if found is None:
                continue
            _words, text, assignments = found
            (lead, deadline, outcome), *more = assignments
            conclusion = decisions.accept(
                decider,
                proposal,
                {"text": text, "lead_unit": units[lead].pk, "deadline": deadline.isoformat()},
            )
            meeting = conclusion.meeting
            made.append(
                (Task.objects.get(conclusion=conclusion, lead_unit=units[lead]), outcome, meeting)
            )
            for lead, deadline, outcome in more:
                # More tasks from the same conclusion: the meeting page's own action.
                task = task_from_conclusion(decider, meeting, conclusion, units[lead], deadline)
                made.append((task, outcome, meeting))
        decisions.accept_all(decider, report)
        for task, outcome, meeting in made:
            _outcome(task, outcome)
            if (
                meeting.host_unit.code == HOST
                and clause
                and plan_document.issue_date <= task.deadline
            ):
                task.clause = clause
            task.full_clean()
            task.save()
            tasks += 1
        read = {c[0] for c in plan["conclusions"]}
        used = {
            w
            for w, *_ in plan["conclusions"]
            if any(
                w.lower() in (p.payload.get("action") or "").lower()
                for p in report.proposals.filter(kind=ProposalKind.DIRECTIVE)
            )
        }
        missing += sorted(read - used)
    if stdout:
        line = (
            f"  meetings: {len(reports)} review meetings ingested from the seed reports; "
            f"{tasks} new tasks from their conclusions"
        )
        if missing:
            line += f"; directives not read this time: {', '.join(missing)}"
        stdout.write(line)
    return reports


def load(stdout=None):
    if stdout:
        reports = Report.objects.filter(owning_unit__code=HOST)
        pending = Proposal.objects.filter(report__in=reports, status=ProposalStatus.PENDING).count()
        stdout.write(
            f"  ingestion: {reports.count()} reports in the review queue of {HOST}, "
            f"{pending} proposals pending"
        )
