"""Generated suites for meetings, attendance, reports delivered and conclusions."""

import datetime

from dimis.framework.testing import RegisteredModelTests
from dimis.meetings.models import Attendance, Conclusion, Meeting, MeetingReport
from dimis.org.models import Person

D = datetime.date


def make_meeting(unit, **extra):
    return Meeting.objects.create(
        kind="six_month_review",
        title=f"Hội nghị sơ kết {Meeting.objects.count() + 1}",
        date=D(2024, 7, 5),
        host_unit=unit,
        owning_unit=unit,
        **extra,
    )


class TestMeeting(RegisteredModelTests):
    model = Meeting
    change = ("location", "Hà Nội")

    def make(self, unit, **extra):
        return make_meeting(unit, **extra)

    def form_data(self, unit):
        return {
            "kind": "annual_review",
            "title": "Hội nghị tổng kết năm 2024",
            "date": "2024-12-20",
            "host_unit": unit.pk,
            "owning_unit": unit.pk,
            "classification": 0,
        }


class TestAttendance(RegisteredModelTests):
    model = Attendance
    change = ("role", "Chủ trì")

    def make(self, unit, **extra):
        person = Person.objects.create(full_name="Trần Văn Khánh", owning_unit=unit)
        return Attendance.objects.create(
            meeting=make_meeting(unit), person=person, owning_unit=unit, **extra
        )

    def form_data(self, unit):
        person = Person.objects.create(full_name="Lý Văn Lâm", owning_unit=unit)
        return {
            "meeting": make_meeting(unit).pk,
            "person": person.pk,
            "position": "Giám đốc",
            "role": "",
            "owning_unit": unit.pk,
            "classification": 0,
        }


class TestMeetingReport(RegisteredModelTests):
    model = MeetingReport
    change = ("title", "Báo cáo tổng kết (sửa)")

    def make(self, unit, **extra):
        return MeetingReport.objects.create(
            meeting=make_meeting(unit), title="Báo cáo tổng kết", owning_unit=unit, **extra
        )

    def form_data(self, unit):
        return {
            "meeting": make_meeting(unit).pk,
            "title": "Báo cáo chính trị",
            "owning_unit": unit.pk,
            "classification": 0,
        }


class TestConclusion(RegisteredModelTests):
    model = Conclusion
    change = ("text", "Đẩy mạnh hợp tác quốc tế")

    def make(self, unit, **extra):
        return Conclusion.objects.create(
            meeting=make_meeting(unit), number=1, text="Đẩy nhanh dự án", owning_unit=unit, **extra
        )

    def form_data(self, unit):
        return {
            "meeting": make_meeting(unit).pk,
            "number": 1,
            "text": "Mở rộng thị trường",
            "owning_unit": unit.pk,
            "classification": 0,
        }
