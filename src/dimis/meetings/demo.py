"""The three meetings of the seed reports, their attendees and conclusions (the reports' own
sentences), and the tasks the conclusions became — some done on time, some late, some overdue.

The reports do not state their dates; the demo dates are approximate and say so."""

import datetime

from dimis.directives.models import Clause, Document, Task, TaskStatus
from dimis.org.models import OrgUnit, Person

from .models import Attendance, Conclusion, Meeting, MeetingKind

D = datetime.date
NOTE = "Ngày họp gần đúng: báo cáo không ghi ngày (dữ liệu mẫu)."

# (kind, title, date, host, chair, attendees, period, years, conclusions)
# conclusion: (text, source sentence, [(lead unit, deadline, outcome)]); outcome: on_time | late | open | overdue
MEETINGS = [
    (
        MeetingKind.MULTI_YEAR_REVIEW,
        "Hội nghị tổng kết Chương trình phát triển công nghiệp quốc phòng giai đoạn 2016-2020",
        D(2021, 3, 1),
        "BQP",
        "Phan Văn Giang",
        ["Nguyễn Tân Cương", "Lê Huy Vịnh", "Phạm Hoài Nam"],
        (D(2016, 1, 1), D(2020, 12, 31)),
        5,
        [
            (
                "Chú trọng đào tạo đội ngũ kỹ sư, kỹ thuật viên, công nhân đầu ngành.",
                "Giang requested the general department to pay due attention to training key engineers, technicians, and factory workers",
                [("GDDI-TCD", D(2022, 12, 31), "on_time")],
            ),
            (
                "Tham mưu cấp trên ban hành văn bản tạo hành lang pháp lý cho ngành phát triển, hội nhập nền kinh tế.",
                "while also making recommendations for higher levels to issue documents to create a favorable legal foundation for the sector",
                [("GDDI-KH", D(2022, 6, 30), "late")],
            ),
            (
                "Đẩy mạnh hợp tác với các đối tác nước ngoài trong phát triển công nghiệp quốc phòng.",
                "Defense industry units and agencies should also promote cooperation with foreign partners in developing Vietnam's defense industry.",
                [("GDDI-KHCN", D(2023, 12, 31), "on_time")],
            ),
        ],
    ),
    (
        MeetingKind.SIX_MONTH_REVIEW,
        "Hội nghị sơ kết 6 tháng đầu năm 2022 ngành công nghiệp quốc phòng",
        D(2022, 7, 1),
        "TCCNQP",
        "Phạm Hoài Nam",
        [],
        (D(2022, 1, 1), D(2022, 6, 30)),
        None,
        [
            (
                "Đẩy mạnh quán triệt Nghị quyết 08-NQ/TW, Chương trình hành động của Chính phủ và Kế hoạch của Bộ Quốc phòng.",
                "foster the dissemination of Resolution 08/NQ-TW on accelerating the development of defense industry by 2030",
                [("GDDI-KH", D(2022, 12, 31), "on_time")],
            ),
            (
                "Đẩy nhanh tiến độ các dự án đầu tư và kế hoạch sản xuất, sửa chữa vũ khí, trang bị kỹ thuật.",
                "speed up the progress of investment projects in the service as well as weaponry and technical equipment production and maintenance plans",
                [
                    ("GDDI-KH", D(2023, 6, 30), "late"),
                    ("Z104", D(2026, 6, 30), "overdue"),
                    ("Z105", D(2027, 6, 30), "open"),
                ],
            ),
            (
                "Mở rộng thị trường, đẩy mạnh sản xuất sản phẩm lưỡng dụng.",
                "He also urged the service to expand the market, promote the production of dual-use products",
                [
                    ("GDDI-TCT2", D(2025, 12, 31), "overdue"),
                    ("GDDI-CT2", D(2024, 12, 31), "on_time"),
                ],
            ),
            (
                "Tham gia chuỗi cung ứng sản phẩm công nghiệp hỗ trợ cho các tập đoàn kinh tế lớn.",
                "participate in the supply chain of supporting products for large economic groups",
                [("GDDI-CT2", D(2026, 12, 31), "open")],
            ),
            (
                "Hoàn thành toàn bộ chỉ tiêu sản xuất kinh doanh theo kế hoạch.",
                "successfully achieve all the production and business targets as planned",
                [("GDDI-TCT1", D(2022, 12, 31), "on_time"), ("Z106", D(2022, 12, 31), "late")],
            ),
        ],
    ),
    (
        MeetingKind.MULTI_YEAR_REVIEW,
        "Hội nghị tổng kết 10 năm hội nhập quốc tế và đối ngoại quốc phòng của Tổng cục Công nghiệp quốc phòng",
        D(2023, 6, 1),
        "TCCNQP",
        "Nguyễn Mạnh Hùng",
        ["Phùng Sĩ Tấn", "Lương Thanh Chương"],
        (D(2013, 1, 1), D(2022, 12, 31)),
        10,
        [
            (
                "Hoàn thiện hệ thống quy chế về hợp tác quốc tế và đối ngoại quốc phòng.",
                "to complete its system of regulations on international cooperation and external defense affairs",
                [("GDDI-KH", D(2024, 6, 30), "overdue")],
            ),
            (
                "Nghiên cứu, phân tích, dự báo tình hình để thực hiện hiệu quả chủ trương đa phương hóa, đa dạng hóa quan hệ đối ngoại quốc phòng.",
                "concentrate on studying, analyzing and forecasting the situation to effectively implement the policy of multilateralization",
                [("GDDI-VCN", D(2027, 12, 31), "open")],
            ),
            (
                "Tạo điều kiện cho doanh nghiệp lựa chọn thiết bị, dây chuyền công nghệ hiện đại.",
                "the department should create favorable conditions for businesses in selecting new equipment and modern technology lines",
                [("GDDI-KT", D(2024, 12, 31), "late")],
            ),
        ],
    ),
]


def _outcome(task: Task, outcome: str):
    if outcome == "on_time":
        task.status, task.completed_on, task.progress = (
            TaskStatus.DONE,
            task.deadline - datetime.timedelta(days=10),
            100,
        )
    elif outcome == "late":
        task.status, task.completed_on, task.progress = (
            TaskStatus.DONE,
            task.deadline + datetime.timedelta(days=45),
            100,
        )
    elif outcome == "overdue":
        task.status, task.progress = TaskStatus.IN_PROGRESS, 60
    else:
        task.status, task.progress = TaskStatus.IN_PROGRESS, 30


def load(stdout=None):
    units = {u.code: u for u in OrgUnit.objects.all()}
    people = {p.full_name: p for p in Person.objects.all()}
    plan = Document.objects.filter(title__startswith="Kế hoạch của Tổng cục").first()
    clause = Clause.objects.filter(document=plan).first() if plan else None
    tasks = 0
    for kind, title, date, host, chair, attendees, (start, end), years, conclusions in MEETINGS:
        meeting = Meeting.objects.filter(title=title).first()
        if meeting is None:
            meeting = Meeting.objects.create(
                kind=kind,
                title=title,
                date=date,
                host_unit=units[host],
                chair=people[chair],
                period_start=start,
                period_end=end,
                review_years=years,
                summary=NOTE,
                owning_unit=units["TCCNQP"],
            )
        for name in [chair, *attendees]:
            Attendance.objects.get_or_create(
                meeting=meeting,
                person=people[name],
                defaults={
                    "owning_unit": units["TCCNQP"],
                    "role": "Chủ trì" if name == chair else "",
                },
            )
        for number, (text, source, assignments) in enumerate(conclusions, start=1):
            conclusion, _ = Conclusion.objects.get_or_create(
                meeting=meeting,
                number=number,
                defaults={"text": text, "source_text": source, "owning_unit": units["TCCNQP"]},
            )
            for lead, deadline, outcome in assignments:
                if Task.objects.filter(conclusion=conclusion, lead_unit=units[lead]).exists():
                    continue
                task = Task(
                    title=text,
                    conclusion=conclusion,
                    owning_unit=units[host],
                    lead_unit=units[lead],
                    assigned_on=date,
                    deadline=deadline,
                    clause=clause
                    if host == "TCCNQP" and plan and plan.issue_date <= deadline
                    else None,
                )
                _outcome(task, outcome)
                task.full_clean()
                task.save()
                tasks += 1
    if stdout:
        stdout.write(
            f"  meetings: {len(MEETINGS)} review meetings of the seed reports; {tasks} new tasks from their conclusions"
        )
