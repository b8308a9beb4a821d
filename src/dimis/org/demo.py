"""Demo sector: the bodies and people the seed reports name, plus generated sample units.

The named bodies and people are real and taken from `shared/seeds/`; the rank records the reports
show are made by ingesting them (dated by each report's meeting). Everything generated is marked
`is_sample`.
"""

import datetime

from dimis.framework.choices import Classification

from .models import Appointment, OrgUnit, Person, Rank, RankRecord, UnitKind, UnitLink

D = datetime.date
EPOCH = D(2016, 1, 1)

# code, Vietnamese name, English name, abbreviation, kind, parent code
BODIES = [
    ("QUTW", "Quân ủy Trung ương", "Central Military Commission", "CMC", UnitKind.PARTY_BODY, None),
    ("CP", "Chính phủ", "Government", "", UnitKind.STATE_BODY, None),
    ("BQP", "Bộ Quốc phòng", "Ministry of National Defense", "MND", UnitKind.MINISTRY, "CP"),
    ("BTTM", "Bộ Tổng Tham mưu", "General Staff", "GS", UnitKind.GENERAL_DEPARTMENT, "BQP"),
    (
        "TCCT",
        "Tổng cục Chính trị",
        "General Department of Politics",
        "GDP",
        UnitKind.GENERAL_DEPARTMENT,
        "BQP",
    ),
    (
        "TCCNQP",
        "Tổng cục Công nghiệp quốc phòng",
        "General Department of Defense Industry",
        "GDDI",
        UnitKind.GENERAL_DEPARTMENT,
        "BQP",
    ),
    (
        "TCKT",
        "Tổng cục Kỹ thuật",
        "General Department of Technical Services",
        "GDTS",
        UnitKind.GENERAL_DEPARTMENT,
        "BQP",
    ),
]

# Generated agencies, institutes, schools, corporations and factories under the GDDI.
SAMPLE_UNITS = [
    (
        "GDDI-KH",
        "Cục Kế hoạch và Đầu tư (mẫu)",
        "Planning and Investment Department (sample)",
        UnitKind.DEPARTMENT,
        "TCCNQP",
        Classification.RESTRICTED,
    ),
    (
        "GDDI-KHCN",
        "Cục Khoa học công nghệ và Chất lượng (mẫu)",
        "Science, Technology and Quality Department (sample)",
        UnitKind.DEPARTMENT,
        "TCCNQP",
        Classification.RESTRICTED,
    ),
    (
        "GDDI-KT",
        "Cục Kinh tế (mẫu)",
        "Economic Department (sample)",
        UnitKind.DEPARTMENT,
        "TCCNQP",
        Classification.UNCLASSIFIED,
    ),
    (
        "GDDI-VCN",
        "Viện Công nghệ (mẫu)",
        "Institute of Technology (sample)",
        UnitKind.INSTITUTE,
        "TCCNQP",
        Classification.CONFIDENTIAL,
    ),
    (
        "GDDI-VTK",
        "Viện Thuốc phóng Thuốc nổ (mẫu)",
        "Institute of Propellants and Explosives (sample)",
        UnitKind.INSTITUTE,
        "TCCNQP",
        Classification.SECRET,
    ),
    (
        "GDDI-TCD",
        "Trường Cao đẳng Công nghiệp quốc phòng (mẫu)",
        "Defense Industry College (sample)",
        UnitKind.SCHOOL,
        "TCCNQP",
        Classification.UNCLASSIFIED,
    ),
    (
        "GDDI-TCT1",
        "Tổng công ty Đóng tàu Quốc phòng (mẫu)",
        "Defense Shipbuilding Corporation (sample)",
        UnitKind.CORPORATION,
        "TCCNQP",
        Classification.UNCLASSIFIED,
    ),
    (
        "GDDI-TCT2",
        "Tổng công ty Cơ khí Quốc phòng (mẫu)",
        "Defense Machinery Corporation (sample)",
        UnitKind.CORPORATION,
        "TCCNQP",
        Classification.UNCLASSIFIED,
    ),
    (
        "GDDI-CT1",
        "Công ty Đóng tàu Xuất khẩu (mẫu)",
        "Export Shipbuilding Company (sample)",
        UnitKind.COMPANY,
        "GDDI-TCT1",
        Classification.UNCLASSIFIED,
    ),
    (
        "GDDI-CT2",
        "Công ty Cơ khí Lưỡng dụng (mẫu)",
        "Dual-use Machinery Company (sample)",
        UnitKind.COMPANY,
        "GDDI-TCT2",
        Classification.UNCLASSIFIED,
    ),
]
FACTORIES = 10  # Z101 ... Z110: ammunition, weapons, equipment factories


def _unit(
    code,
    name,
    name_en,
    abbreviation,
    kind,
    classification=Classification.UNCLASSIFIED,
    sample=False,
):
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        unit = OrgUnit.objects.create(
            code=code,
            name=name,
            name_en=name_en,
            abbreviation=abbreviation,
            kind=kind,
            classification=classification,
            is_sample=sample,
        )
    return unit


def _link(child, parent, valid_from=EPOCH, valid_to=None):
    link, _ = UnitLink.objects.get_or_create(
        child=child, parent=parent, valid_from=valid_from, defaults={"valid_to": valid_to}
    )
    return link


def load_units() -> dict[str, OrgUnit]:
    units = {}
    for code, name, name_en, abbreviation, kind, parent in BODIES:
        units[code] = _unit(code, name, name_en, abbreviation, kind)
        if parent:
            _link(units[code], units[parent])
    for code, name, name_en, kind, parent, classification in SAMPLE_UNITS:
        units[code] = _unit(code, name, name_en, "", kind, classification, sample=True)
        _link(units[code], units[parent])
    for n in range(1, FACTORIES + 1):
        code = f"Z1{n:02d}"
        units[code] = _unit(
            code,
            f"Nhà máy {code} (mẫu)",
            f"Factory {code} (sample)",
            code,
            UnitKind.FACTORY,
            Classification.CONFIDENTIAL if n % 4 == 0 else Classification.UNCLASSIFIED,
            sample=True,
        )
        parent = "GDDI-TCT2" if n <= 3 else "TCCNQP"
        if n == 3:
            # Dated hierarchy in the demo: Z103 moved from the corporation to the GDDI in 2023.
            _link(units[code], units["GDDI-TCT2"], EPOCH, D(2023, 1, 1))
            _link(units[code], units["TCCNQP"], D(2023, 1, 1))
        else:
            _link(units[code], units[parent])
    return units


# name, [(rank code, since), ...], [(position vi, position en, unit code, from)]. The ranks the
# seed reports show are not here: ingesting the reports proposes them, dated by each meeting
# (ingest/demo.py); only a rank no seed report shows is entered by hand.
PEOPLE = [
    (
        "Phan Văn Giang",
        [("dai-tuong", D(2021, 8, 1))],
        [("Bộ trưởng Bộ Quốc phòng", "Minister of National Defense", "BQP", D(2021, 4, 8))],
    ),
    (
        "Phạm Hoài Nam",
        [],
        [("Thứ trưởng Bộ Quốc phòng", "Deputy Minister of National Defense", "BQP", D(2021, 1, 1))],
    ),
    (
        "Nguyễn Tân Cương",
        [],
        [("Thứ trưởng Bộ Quốc phòng", "Deputy Minister of National Defense", "BQP", D(2021, 1, 1))],
    ),
    (
        "Lê Huy Vịnh",
        [],
        [("Thứ trưởng Bộ Quốc phòng", "Deputy Minister of National Defense", "BQP", D(2021, 1, 1))],
    ),
    (
        "Phùng Sĩ Tấn",
        [],
        [
            (
                "Phó Tổng Tham mưu trưởng Quân đội nhân dân Việt Nam",
                "Deputy Chief of the General Staff",
                "BTTM",
                D(2020, 1, 1),
            )
        ],
    ),
    (
        "Nguyễn Mạnh Hùng",
        [],
        [
            (
                "Chính ủy Tổng cục Công nghiệp quốc phòng",
                "Political Commissar of the General Department of Defense Industry",
                "TCCNQP",
                D(2020, 1, 1),
            )
        ],
    ),
    (
        "Lương Thanh Chương",
        [],
        [
            (
                "Tham mưu trưởng Tổng cục Công nghiệp quốc phòng",
                "Chief of Staff of the General Department of Defense Industry",
                "TCCNQP",
                D(2020, 1, 1),
            )
        ],
    ),
]


def load_people(units) -> list[Person]:
    ranks = {r.code: r for r in Rank.objects.all()}
    people = []
    for full_name, rank_history, appointments in PEOPLE:
        first_unit = units[appointments[0][2]]
        person = Person.objects.filter(full_name=full_name).first()
        if person is None:
            person = Person.objects.create(full_name=full_name, owning_unit=first_unit)
        for code, since in rank_history:
            RankRecord.objects.get_or_create(
                person=person,
                since=since,
                defaults={"rank": ranks[code], "owning_unit": first_unit, "source": "dữ liệu mẫu"},
            )
        for position, position_en, unit_code, valid_from in appointments:
            Appointment.objects.get_or_create(
                person=person,
                unit=units[unit_code],
                position=position,
                defaults={
                    "position_en": position_en,
                    "valid_from": valid_from,
                    "owning_unit": units[unit_code],
                },
            )
        people.append(person)
    return people


def load(stdout=None):
    units = load_units()
    people = load_people(units)
    if stdout:
        stdout.write(
            f"  organisation: {len(units)} units, {len(people)} people named in the seed reports"
        )
    return units
