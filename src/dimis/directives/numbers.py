"""Document numbers as written ("08-NQ/TW", "08/NQ-TW", "No. 08-NQ/TW", "Nghị quyết số 08-NQ/TW")
and their normal form for search and uniqueness: digits, '-', body code, '/', issuer code."""

import re
import unicodedata

# digits (with an optional year: 57/2024), then the body and issuer codes (NQ-TW, QĐ/BQP, NĐ-CP)
_NUMBER = re.compile(r"(\d+(?:\s*/\s*\d{4})?)\s*[-/]\s*([A-ZĐ]+(?:\s*[-/]\s*[A-ZĐ]+)*)")


def _ascii_upper(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
    ).upper()


def normalise_number(written: str, keep_letters: bool = False) -> str:
    """'08/NQ-TW' -> '08-NQ/TW'; '1234/QĐ-BQP' -> '1234-QD/BQP'; '57/2024/NĐ-CP' -> '57/2024-ND/CP'.

    With `keep_letters` the codes keep their Vietnamese letters ('1234-QĐ/BQP'), as
    ingestion reports them. '' when the text holds no document number."""
    upper = (written or "").upper() if keep_letters else _ascii_upper(written or "")
    match = _NUMBER.search(upper)
    if not match:
        return ""
    digits = re.findall(r"\d+", match.group(1))
    codes = re.findall(r"[A-ZĐ]+", match.group(2))
    key = "/".join(digits) + "-" + codes[0]
    if len(codes) > 1:
        key += "/" + "-".join(codes[1:])
    return key
