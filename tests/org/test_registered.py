"""Generated suites for the organisation registers."""

import datetime

from dimis.framework.testing import RegisteredModelTests
from dimis.org.models import Appointment, OrgUnit, Person, Rank, RankRecord, UnitLink

D = datetime.date


class TestOrgUnit(RegisteredModelTests):
    model = OrgUnit
    writer = "admin"
    change = ("name", "Nhà máy Z199")
    import_row = {
        "code": "NEW1",
        "name": "Nhà máy mới",
        "kind": "factory",
        "classification": "0",
        "parent": "{unit}",
    }

    def make(self, unit, **extra):
        n = OrgUnit.objects.count()
        child = OrgUnit.objects.create(code=f"U{n}", name=f"Đơn vị {n}", kind="factory", **extra)
        UnitLink.objects.create(child=child, parent=unit, valid_from=D(2010, 1, 1))
        return child

    def form_data(self, unit):
        return {
            "code": "Z900",
            "name": "Nhà máy Z900",
            "kind": "factory",
            "classification": 0,
            "parent": unit.pk,
        }


class TestPerson(RegisteredModelTests):
    model = Person
    change = ("full_name", "Trần Văn Chín")
    import_row = {"full_name": "Lê Văn Mười", "owning_unit": "{unit}", "classification": "0"}

    def make(self, unit, **extra):
        return Person.objects.create(full_name="Nguyễn Văn An", owning_unit=unit, **extra)

    def form_data(self, unit):
        return {"full_name": "Phạm Thị Bình", "owning_unit": unit.pk, "classification": 0}


class TestRankRecord(RegisteredModelTests):
    model = RankRecord
    change = ("source", "Quyết định 123/QĐ-BQP")

    def make(self, unit, **extra):
        person = Person.objects.create(full_name="Hoàng Văn Cường", owning_unit=unit)
        return RankRecord.objects.create(
            person=person,
            rank=Rank.objects.get(code="dai-ta"),
            since=D(2020, 1, 1),
            owning_unit=unit,
            **extra,
        )

    def form_data(self, unit):
        person = Person.objects.create(full_name="Đỗ Văn Dũng", owning_unit=unit)
        return {
            "person": person.pk,
            "rank": Rank.objects.get(code="thieu-tuong").pk,
            "since": "2022-07-01",
            "source": "",
            "owning_unit": unit.pk,
            "classification": 0,
        }


class TestAppointment(RegisteredModelTests):
    model = Appointment
    change = ("position", "Giám đốc")

    def make(self, unit, **extra):
        person = Person.objects.create(full_name="Vũ Văn Em", owning_unit=unit)
        return Appointment.objects.create(
            person=person,
            position="Phó Giám đốc",
            unit=unit,
            valid_from=D(2021, 1, 1),
            owning_unit=unit,
            **extra,
        )

    def form_data(self, unit):
        person = Person.objects.create(full_name="Bùi Văn Giang", owning_unit=unit)
        return {
            "person": person.pk,
            "position": "Chính ủy",
            "position_en": "Political Commissar",
            "unit": unit.pk,
            "valid_from": "2021-01-01",
            "owning_unit": unit.pk,
            "classification": 0,
        }


class TestUnitLink(RegisteredModelTests):
    model = UnitLink
    writer = "admin"
    change = ("valid_to", D(2040, 1, 1))

    def make(self, unit, **extra):
        n = OrgUnit.objects.count()
        child = OrgUnit.objects.create(code=f"L{n}", name=f"Đơn vị {n}", kind="factory")
        return UnitLink.objects.create(child=child, parent=unit, valid_from=D(2010, 1, 1), **extra)

    def form_data(self, unit):
        # A unit under F2 until 2030 is scheduled to move under `unit` from then on.
        child = OrgUnit.objects.filter(code="LNEW").first() or OrgUnit.objects.create(
            code="LNEW", name="Đơn vị mới", kind="factory"
        )
        f2 = OrgUnit.objects.get(code="F2")
        UnitLink.objects.get_or_create(
            child=child, parent=f2, valid_from=D(2000, 1, 1), valid_to=D(2030, 1, 1)
        )
        return {
            "child": child.pk,
            "parent": unit.pk,
            "valid_from": "2030-01-01",
            "classification": 0,
        }


class TestRank(RegisteredModelTests):
    model = Rank
    scoped = False
    writer = "admin"
    change = ("name_en", "Senior Colonel (navy)")
    list_extra_rows = 5

    def make(self, unit, **extra):
        n = Rank.objects.count()
        return Rank.objects.create(
            code=f"r{n}", name=f"Cấp {n}", name_en=f"Rank {n}", service="all", level=1
        )

    def form_data(self, unit):
        return {
            "code": "test-rank",
            "name": "Cấp thử",
            "name_en": "Test rank",
            "service": "all",
            "level": 1,
            "aliases": "[]",
        }
