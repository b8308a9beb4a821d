"""Demo documents: Resolution 08-NQ/TW and the chain of documents that carry it down.

Only 08-NQ/TW is named by the seed reports; the program and plans below it are written as
samples (no invented numbers), marked "(mẫu)".
"""

import datetime

from dimis.org.models import OrgUnit, UnitKind

from .models import Clause, Document, DocumentKind

D = datetime.date

CHAIN = [
    # number, title, kind, issuer code, issue date, horizon, clauses
    (
        "08-NQ/TW",
        "Nghị quyết về đẩy mạnh phát triển công nghiệp quốc phòng đến năm 2030 và những năm tiếp theo",
        DocumentKind.RESOLUTION,
        "BCT",
        D(2022, 1, 26),
        "đến năm 2030",
        [
            ("1", "Quán triệt, tuyên truyền sâu rộng Nghị quyết trong toàn quân."),
            (
                "2",
                "Đẩy nhanh tiến độ các dự án đầu tư; hoàn thành kế hoạch sản xuất, sửa chữa vũ khí, trang bị kỹ thuật.",
            ),
            (
                "3",
                "Mở rộng thị trường, sản xuất sản phẩm lưỡng dụng, tham gia chuỗi cung ứng của các tập đoàn kinh tế lớn.",
            ),
            ("4", "Đào tạo đội ngũ kỹ sư, kỹ thuật viên, công nhân đầu ngành."),
        ],
    ),
    (
        "",
        "Chương trình hành động của Chính phủ thực hiện Nghị quyết 08-NQ/TW (mẫu)",
        DocumentKind.ACTION_PROGRAM,
        "CP",
        D(2022, 6, 1),
        "đến năm 2030",
        [],
    ),
    (
        "",
        "Kế hoạch của Bộ Quốc phòng thực hiện Nghị quyết 08-NQ/TW (mẫu)",
        DocumentKind.PLAN,
        "BQP",
        D(2022, 9, 1),
        "đến năm 2030",
        [],
    ),
    (
        "",
        "Kế hoạch của Tổng cục Công nghiệp quốc phòng thực hiện Nghị quyết 08-NQ/TW (mẫu)",
        DocumentKind.PLAN,
        "TCCNQP",
        D(2022, 11, 1),
        "đến năm 2030",
        [
            ("1", "Đẩy nhanh tiến độ các dự án đầu tư của Tổng cục."),
            ("2", "Hoàn thành kế hoạch sản xuất, sửa chữa vũ khí, trang bị kỹ thuật."),
            ("3", "Phát triển sản phẩm lưỡng dụng và mở rộng thị trường."),
        ],
    ),
]


def load(stdout=None):
    politburo = OrgUnit.objects.filter(code="BCT").first() or OrgUnit.objects.create(
        code="BCT", name="Bộ Chính trị", name_en="Politburo", kind=UnitKind.PARTY_BODY
    )
    parent = None
    for number, title, kind, issuer_code, issued, horizon, clauses in CHAIN:
        issuer = politburo if issuer_code == "BCT" else OrgUnit.objects.get(code=issuer_code)
        document = Document.objects.filter(title=title).first()
        if document is None:
            document = Document(
                number=number,
                title=title,
                kind=kind,
                issuer=issuer,
                issue_date=issued,
                horizon=horizon,
                implements=parent,
                owning_unit=OrgUnit.objects.get(code="TCCNQP"),
            )
            document.full_clean()
            document.save()
        for clause_number, text in clauses:
            Clause.objects.get_or_create(
                document=document,
                number=clause_number,
                defaults={"text": text, "owning_unit": document.owning_unit},
            )
        parent = document
    if stdout:
        stdout.write(
            f"  documents: Resolution 08-NQ/TW and {len(CHAIN) - 1} documents implementing it"
        )
