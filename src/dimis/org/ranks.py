"""The lexicon of Vietnamese military ranks, army and navy, as the reports write them.

`level` orders seniority: navy flag ranks share the level of their army equivalents.
Officer ranks below flag rank carry the same names in every service.
"""

from django.db import transaction

# code, Vietnamese, English, English abbreviation, service, level, other written forms
RANKS = [
    ("dai-tuong", "Đại tướng", "General", "Gen.", "all", 12, ["General"]),
    (
        "thuong-tuong",
        "Thượng tướng",
        "Senior Lieutenant General",
        "Sr. Lt. Gen.",
        "army",
        11,
        ["Senior Lt. Gen.", "Sr Lt Gen", "Colonel General", "Senior Lieutenant-General"],
    ),
    ("do-doc", "Đô đốc", "Admiral", "Adm.", "navy", 11, ["Admiral"]),
    (
        "trung-tuong",
        "Trung tướng",
        "Lieutenant General",
        "Lt. Gen.",
        "army",
        10,
        ["Lt Gen", "Lieutenant-General"],
    ),
    ("pho-do-doc", "Phó Đô đốc", "Vice Admiral", "V. Adm.", "navy", 10, ["Vice Adm.", "VAdm."]),
    (
        "thieu-tuong",
        "Thiếu tướng",
        "Major General",
        "Maj. Gen.",
        "army",
        9,
        ["Maj Gen", "Major-General"],
    ),
    ("chuan-do-doc", "Chuẩn Đô đốc", "Rear Admiral", "R. Adm.", "navy", 9, ["Rear Adm.", "RAdm."]),
    ("dai-ta", "Đại tá", "Senior Colonel", "Sr. Col.", "all", 8, ["Sr Col"]),
    ("thuong-ta", "Thượng tá", "Colonel", "Col.", "all", 7, []),
    ("trung-ta", "Trung tá", "Lieutenant Colonel", "Lt. Col.", "all", 6, ["Lt Col"]),
    ("thieu-ta", "Thiếu tá", "Major", "Maj.", "all", 5, []),
    ("dai-uy", "Đại úy", "Captain", "Capt.", "all", 4, []),
    ("thuong-uy", "Thượng úy", "Senior Lieutenant", "Sr. Lt.", "all", 3, []),
    ("trung-uy", "Trung úy", "Lieutenant", "Lt.", "all", 2, []),
    ("thieu-uy", "Thiếu úy", "Second Lieutenant", "2nd Lt.", "all", 1, ["Junior Lieutenant"]),
]


def ensure_rank_lexicon() -> int:
    """Create or update the lexicon; returns how many ranks were written. Safe to run again."""
    from .models import Rank

    written = 0
    with transaction.atomic():
        existing = {r.code: r for r in Rank.objects.all()}
        for code, name, name_en, abbreviation, service, level, aliases in RANKS:
            values = {
                "name": name,
                "name_en": name_en,
                "abbreviation_en": abbreviation,
                "service": service,
                "level": level,
                "aliases": aliases,
            }
            rank = existing.get(code)
            if rank is None:
                Rank.objects.create(code=code, **values)
                written += 1
            elif any(getattr(rank, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(rank, k, v)
                rank.save()
                written += 1
    return written
