"""People, their ranks and their positions.

A person is found after a rank (the `dimis_ranks` entities: "Sr. Lt. Gen. Phung Si Tan"), after
a title ("Prime Minister Pham Minh Chinh") or "Mr./Ms.", or as a Vietnamese full name (a family
name and two or more capitalised words). Short forms ("General Giang", "Giang") resolve to the
full name with the same given name. Positions come from the title before the name ("Defense
Minister Senior Lieutenant General Phan Van Giang"), the apposition after it ("Lt. Gen. Nguyen
Manh Hung, Political Commissar of the General Department of Defense Industry, chairs"), a plural
title before a list ("Deputy Defense Ministers, namely A, B and C"), and a title used as a
definite description of the speaker ("the deputy defense minister asked").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import (
    FIXED_TITLES,
    NOT_NAME,
    RANK_FORMS,
    SURNAMES,
    TITLE_HEADS,
    TITLE_MODIFIERS,
    fold,
)


@dataclass
class PersonMention:
    start: int
    end: int
    name: str  # as written (full or short)
    rank: str | None
    rank_start: int | None = None
    full: bool = True  # False for a short form ("Giang", "General Giang")


_FIXED = [
    (re.compile(rf"\b(?-i:(?=[A-Z]))(?:{p})\b", re.IGNORECASE), title, org)
    for p, title, org in FIXED_TITLES
]
_HEADS = "|".join(re.escape(h).replace(r"\ ", r"[\s-]+") for h in TITLE_HEADS)
_GENERIC_ANY_CASE = rf"(?P<title>{TITLE_MODIFIERS}(?:{_HEADS})s?)\b(?:\s+(?:of|at)\s+(?:the\s+)?)?"
_GENERIC = re.compile(rf"\b(?-i:(?=[A-Z])){_GENERIC_ANY_CASE}", re.IGNORECASE)
# In an apposition titles may be written in lower case: ", member of the Party Central Committee,"
_LOWER_FIXED = [(re.compile(rf"(?:{p})\b", re.IGNORECASE), t, o) for p, t, o in FIXED_TITLES]
_LOWER_GENERIC = re.compile(_GENERIC_ANY_CASE, re.IGNORECASE)


def title_at(text: str, position: int, org_at, org_before, definite=None):
    """A title written in any case that starts exactly at `position` (in an apposition)."""
    window_end = min(len(text), position + 160)
    found = titles_in(text, position, window_end, org_at, org_before, definite, any_case=True)
    return next((t for t in found if t.start == position), None)


_NAME_WORD = re.compile(r"[^\W\d_][^\W\d_'’]*")


def _is_name_word(word: str) -> bool:
    return (
        bool(_NAME_WORD.fullmatch(word))
        and word[0].isupper()
        and (len(word) == 1 or not word[1:].isupper() or len(word) <= 2)
        and fold(word) not in NOT_NAME
        and fold(word) not in RANK_FORMS
    )


def name_after(text: str, position: int, max_words: int = 5) -> tuple[int, int] | None:
    """The capitalised name words starting at `position` (after spaces): (start, end)."""
    match = re.compile(r"\s*").match(text, position)
    start = match.end()
    end = start
    count = 0
    for word in re.finditer(r"\S+", text[start : start + 80]):
        raw = word.group()
        core = raw.rstrip(",.;:)'\"")
        core = re.sub(r"'s$", "", core)
        if not _is_name_word(core) or count >= max_words:
            break
        if text[start + word.start() - 1 : start + word.start()] not in (" ", "") and count:
            break
        end = start + word.start() + len(core)
        count += 1
        if core != raw:
            break  # punctuation after the word ends the name
    return (start, end) if count else None


def rank_mentions(doc, text: str) -> list[PersonMention]:
    """A rank entity followed by a name."""
    out = []
    for ent in doc.ents:
        if ent.label_ != "RANK":
            continue
        found = name_after(text, ent.end_char)
        if not found:
            continue
        start, end = found
        if text[ent.end_char : start].strip():
            continue
        name = text[start:end]
        words = name.split()
        full = len(words) >= 2
        rank = ent.ent_id_
        out.append(PersonMention(start, end, name, rank, ent.start_char, full))
        # "Senior Lieutenant Generals A B C and D E F": the same rank for a list
        rest = end
        while True:
            more = re.compile(r"(?:,\s*(?:and\s+)?|\s+and\s+)").match(text, rest)
            if not more:
                break
            nxt = name_after(text, more.end())
            if not nxt or len(text[nxt[0] : nxt[1]].split()) < 2:
                break
            if fold(text[nxt[0] : nxt[1]].split()[0]) not in SURNAMES:
                break
            out.append(PersonMention(nxt[0], nxt[1], text[nxt[0] : nxt[1]], rank, None, True))
            rest = nxt[1]
    return out


_FULL_NAME = re.compile(r"(?<![\w.])([A-ZĐ][^\W\d_]+(?:\s+[A-ZĐ][^\W\d_]*){1,4})")
_PLACE_AFTER = re.compile(
    r"\s+(?:City|Province|District|Corporation|Company|Factory|Group|Shipyard|Port|Bridge|Street|Ward|Commune)\b"
)
_HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Madam|Dr|Prof|Professor|Comrade)\.?\s+$")


def plain_mentions(
    text: str, taken: list[tuple[int, int]], title_ends: set[int]
) -> list[PersonMention]:
    """Full names without a rank: a family name and more name words; after a title or "Mr."
    two words are enough, otherwise three."""
    out = []
    for match in _FULL_NAME.finditer(text):
        start = match.start()
        if any(s <= start < e for s, e in taken):
            continue
        found = name_after(text, start)
        if not found:
            continue
        s, e = found
        words = text[s:e].split()
        if len(words) < 2 or fold(words[0]) not in SURNAMES:
            continue
        if fold(" ".join(words[:3])) in {"ho chi minh"}:
            continue
        if _PLACE_AFTER.match(text, e):
            continue
        before = text[max(0, s - 25) : s]
        introduced = s in title_ends or bool(_HONORIFIC.search(before))
        if len(words) < 3 and not introduced and not re.match(r"\s*,\s*[A-Z]", text[e : e + 4]):
            continue
        out.append(PersonMention(s, e, text[s:e], None, None, True))
    return out


@dataclass
class TitleMatch:
    start: int
    end: int
    title: str
    org: str | None
    written: str
    plural: bool = False


_DEFINITE_OF = re.compile(
    r"(?P<head>general\s+department|department|service|corporation|company|group|institute|academy"
    r"|factory|command|navy|force|unit|ministry|shipyard|plant)(?:'s\s+(?P<sub>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*))?\b"
)


def titles_in(
    text: str, start: int, end: int, org_at, org_before, definite=None, any_case=False
) -> list[TitleMatch]:
    """Titles written in text[start:end]; `org_at(pos)` gives the organisation mention that
    starts at a position, `org_before(pos)` the one that ends right before it (or None)."""
    out: list[TitleMatch] = []
    segment = text[start:end]
    taken: list[tuple[int, int]] = []
    for pattern, title, org in _LOWER_FIXED if any_case else _FIXED:
        matches = [pattern.match(segment)] if any_case else pattern.finditer(segment)
        for m in (m for m in matches if m):
            s, e = start + m.start(), start + m.end()
            if any(a < e and s < b for a, b in taken):
                continue
            written = m.group()
            if not written[:1].isupper() and not any_case:
                continue  # "the deputy defense minister": a description, see extract.py
            plural = bool(re.search(r"(?:ministers|chiefs|members)\b", written, re.IGNORECASE))
            # "Chief of the General Staff of the Vietnam People's Army": the body follows
            of = re.compile(r"\s+(?:of|at)\s+(?:the\s+)?").match(text, e)
            after = org_at(of.end()) if of else None
            org_name = org
            if (
                after is not None
                and org in (None, "Vietnam People's Army")
                and after.name != "General Staff"
            ):
                org_name = after.name
                e = after.end
            out.append(TitleMatch(s, e, title, org_name, written, plural))
            taken.append((s, e))
    generic = [_LOWER_GENERIC.match(segment)] if any_case else _GENERIC.finditer(segment)
    for m in (m for m in generic if m):
        s, e = start + m.start(), start + m.end("title")
        if any(a < e and s < b for a, b in taken):
            continue
        written = m.group("title")
        if not written[:1].isupper() and not (any_case and m.end() > m.end("title")):
            continue  # lower case only in an apposition and with its body: "member of the X"
        title = re.sub(r"\s+", " ", written)
        plural = title.endswith("s") and not title.lower().endswith(("ss", "us"))
        if plural:
            title = title[:-1]
        org = None
        end_all = e
        if m.end() > m.end("title"):  # "of (the)" follows
            mention = org_at(start + m.end())
            if mention is not None:
                org = mention.name
                end_all = mention.end
            elif definite is not None:
                # "Political Commissar of the factory", "Head of the factory's Technical Department"
                described = _DEFINITE_OF.match(text, start + m.end())
                if (
                    described
                    and text[start + m.end() - 4 : start + m.end()].strip().lower() == "the"
                ):
                    org = definite(described.group("head"))
                    end_all = described.end()
                    if described.group("sub"):
                        title = f"{title} of the {described.group('sub')}"
        else:
            before = org_before(s)
            if before is not None:
                org = before.name
                s = before.start
        out.append(TitleMatch(s, end_all, title, org, written, plural))
        taken.append((s, end_all))
    out.sort(key=lambda t: t.start)
    return out
