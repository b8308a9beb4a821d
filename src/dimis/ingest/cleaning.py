"""Cleaning a scraped report: what the web page left behind goes, photo captions stay apart.

The result is one text of paragraphs separated by blank lines; each paragraph is either body
text or a caption (a photo caption, or a heading without a full stop). Every later offset is
into this cleaned text. The rules are written for the outlets that publish such reports
(qdnd.vn, mod.gov.vn, bqp.vn, VietnamPlus/VNA, Nhan Dan, VOV, ...), not for particular texts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .sources import CAPTION_MARK

BODY, CAPTION = "body", "caption"


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    kind: str  # BODY or CAPTION


@dataclass
class CleanText:
    text: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    published: str | None = None  # ISO date of a removed date prefix ("12/05/2023 - ")

    def body(self):
        return [p for p in self.paragraphs if p.kind == BODY]

    def captions(self):
        return [p for p in self.paragraphs if p.kind == CAPTION]


_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "“": '"', "”": '"', "„": '"'})

# A line that is only residue of the page.
_RESIDUE_LINE = re.compile(
    r"""^(?:
        translated\s+(?:and\s+edited\s+)?by\b.* | translate\s+by\b.* | translation\s+by\b.*
      | (?:edited|compiled|written|reported)\s+by\b.* | by\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,4}
      | read\s+(?:the\s+)?full(?:\s+this)?\s+(?:story|article)\b.* | read\s+more\b.*
      | read\s+(?:the\s+)?original\b.* | source\s*:.* | \(?source\s*:.*\)?
      | (?:related|more)\s+(?:news|articles|stories)\s*:? | tags?\s*:.* | keywords?\s*:.*
      | share(?:\s+this)?(?:\s+article)?\s*:? | print | back(?:\s+to\s+top)? | top
      | (?:photo|video)\s*:\s*\S+(?:\s+\S+){0,4} | \(?\s*(?:vna|vnp|qdnd|pano|bqp\.vn|vov)\s*\)?
      | -{2,}.* | _{2,}.* | \*{3,}.* | \|?[\s|:-]*\|?
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# Outlet datelines at the start of a paragraph: "( Bqp.vn ) -", "(QDND) -", "HANOI (VNA) -",
# "Hanoi, December 20 (VNA) –", "QĐND Online -", "VOV.VN -", "NDO -", "(Chinhphu.vn) -".
_OUTLET = r"(?:[\w.-]+\.(?:vn|com|net|org)|VNA|VNS|VOV|QĐND|QDND|PANO|MOD|NDO|TTXVN|VNP|VGP|SGGP|VnExpress|Nhan\s?Dan|ND|PV|NLĐ|Vietnam\+|VietnamPlus)"
_DATELINE = re.compile(
    rf"""^(?:
        (?:[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+)?\s*,?\s*(?:[A-Z][a-z]{{2,8}}\.?\s+\d{{1,2}}\s*)?)?
        \(\s*{_OUTLET}(?:\s+Online)?\s*\)\s*[-–—:]+\s*
      | {_OUTLET}(?:\s+Online)?\s*[-–—:]+\s+
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# Date prefixes: "12/05/2023 - ", "12/05/2023 14:30 - ", "Monday, December 19, 2022 - ".
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE_PREFIX = re.compile(
    rf"""^(?:
        (?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s*)?
        (?:(?P<d>\d{{1,2}})[/.-](?P<m>\d{{1,2}})[/.-](?P<y>\d{{4}})
          | (?P<mn>{_MONTHS})\s+(?P<d2>\d{{1,2}}),?\s+(?P<y2>\d{{4}})
          | (?P<d3>\d{{1,2}})\s+(?P<mn3>{_MONTHS}),?\s+(?P<y3>\d{{4}}))
        (?:[\s,|]*(?:\d{{1,2}}:\d{{2}}(?::\d{{2}})?\s*(?:AM|PM|GMT\+?\d*)?))?
        \s*(?:[-–—|]+\s*|$)
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# A caption: a photo credit, or a short line that describes a picture.
_PHOTO_CREDIT = re.compile(
    r"\s*[(\[]\s*(?:photo|photos|ảnh|video)\s*(?::|by)?[^)\]]*[)\]]\s*\.?\s*$"
    r"|\s*(?:photo|photos|ảnh)\s*(?::|by)\s*[\w.\s/]{1,40}$"
    r"|\s*[(\[]\s*(?:VNA|QĐND|QDND|PANO)\s*(?:photo)?\s*[)\]]\s*\.?\s*$",
    re.IGNORECASE,
)
_SCENE = re.compile(
    r"^(?:an?\s+)?(?:overview|view|scene|panorama|delegates|participants|leaders|attendees|"
    r"officials|at\s+the\s+(?:conference|event|ceremony|meeting)|photo)\b",
    re.IGNORECASE,
)
_CAPTION_VERB = re.compile(
    r"\b(?:speaks|addresses|delivers|chairs|co-chairs|presides|presents|attends|attend|visits|"
    r"visit|inspects|inspect|talks|awards|hands|gives|poses|pose|present|chair|examine|examines|"
    r"receives|meets|listens|listen|tours|reviews|congratulates|launches)\b"
)
_MONTH_NUM = {m.lower(): i for i, m in enumerate(_MONTHS.split("|"), 1)}


def _words(line: str) -> int:
    return len(line.split())


def _credit(paragraph: str):
    """The photo credit that ends a paragraph, searched in its last characters only."""
    offset = max(0, len(paragraph) - 90)
    match = _PHOTO_CREDIT.search(paragraph, offset)
    return match


def _is_caption(line: str) -> bool:
    if _credit(line):
        return True
    words = _words(line)
    if words <= 25 and _SCENE.match(line):
        return True
    ends_sentence = line.rstrip().endswith((".", "!", "?", '."', ":", ";"))
    if not ends_sentence and words <= 25:
        return True  # headings, sub-headings and captions without a full stop
    # "Senior Lieutenant General X speaks at the conference." : one short present-tense line.
    sentences = re.split(r"(?<=[a-z0-9)][.!?])\s+(?=[A-Z])", line.strip())
    return len(sentences) == 1 and words <= 30 and bool(_CAPTION_VERB.search(line))


def _normalise(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text).translate(_QUOTES)
    return text


def _date_iso(match: re.Match) -> str | None:
    g = match.groupdict()
    try:
        if g["y"]:
            day, month, year = int(g["d"]), int(g["m"]), int(g["y"])
            if month > 12 >= day:  # 05/12/2023 written month first
                day, month = month, day
        elif g["y2"]:
            day, month, year = int(g["d2"]), _MONTH_NUM[g["mn"].lower()], int(g["y2"])
        else:
            day, month, year = int(g["d3"]), _MONTH_NUM[g["mn3"].lower()], int(g["y3"])
        import datetime

        return datetime.date(year, month, day).isoformat()
    except (ValueError, KeyError, TypeError):
        return None


def _strip_prefixes(line: str, found: dict) -> str:
    for _ in range(3):  # a date, then an outlet, in either order
        before = line
        match = _DATE_PREFIX.match(line)
        if match and match.end() < len(line) or (match and not line[match.end() :].strip()):
            iso = _date_iso(match)
            if iso and not found.get("published"):
                found["published"] = iso
            line = line[match.end() :].lstrip()
        match = _DATELINE.match(line)
        if match:
            line = line[match.end() :].lstrip()
        if line == before:
            break
    return line


def _cells(line: str) -> list[str]:
    """Table rows ("| a | b |") become their cells."""
    if "|" not in line:
        return [line]
    return [c.strip() for c in line.split("|") if c.strip() and not re.fullmatch(r"[:\- ]+", c)]


def clean(raw: str) -> CleanText:
    text = _normalise(raw)
    found: dict = {}
    blocks: list[tuple[str, str]] = []  # (kind, text)
    current: list[str] = []
    forced = False  # the paragraph follows a caption marker

    def flush():
        nonlocal current, forced
        paragraph = " ".join(current).strip()
        if paragraph:
            credit = _credit(paragraph)
            if (forced and _words(paragraph) <= 60) or _is_caption(paragraph):
                if credit:
                    paragraph = paragraph[: credit.start()].rstrip()
                if paragraph:
                    blocks.append((CAPTION, paragraph))
            else:
                blocks.append((BODY, paragraph))
        current, forced = [], False

    for raw_line in text.split("\n"):
        line = _SPACES.sub(" ", raw_line).strip()
        if not line:
            flush()
            continue
        pieces = _cells(line)
        for piece in pieces:
            marker = re.search(re.escape(CAPTION_MARK), piece, re.IGNORECASE)
            if marker:
                flush()
                forced = True
                piece = (piece[: marker.start()] + " " + piece[marker.end() :]).strip()
            piece = _strip_prefixes(piece, found) if piece else piece
            if not piece or _RESIDUE_LINE.match(piece):
                continue
            if len(pieces) > 1:  # each cell of a table row stands alone
                flush()
            current.append(piece)
            if len(pieces) > 1:
                flush()
    flush()

    parts, paragraphs, offset = [], [], 0
    for kind, paragraph in blocks:
        if parts:
            offset += 2
        paragraphs.append(Paragraph(offset, offset + len(paragraph), kind))
        parts.append(paragraph)
        offset += len(paragraph)
    return CleanText("\n\n".join(parts), paragraphs, found.get("published"))
