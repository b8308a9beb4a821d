"""Organisations: the text's own "Full Name (ACR)" definitions first, then the lexicon of the
sector's well-known bodies (with their acronyms and other written forms, and one-letter typos
of the long names), then capitalised phrases headed by an organisation word ("Z111 Factory",
"Party Committee of the General Department of Defense Industry")."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .lexicon import NOT_ORGS, ORG_HEADS, ORGS, TITLE_HEADS, fold


@dataclass
class OrgMention:
    start: int  # offsets into the cleaned text
    end: int
    name: str  # canonical full name
    acronym: str | None = None


def _typo_variants(word: str) -> list[str]:
    """The word with one letter dropped or two neighbours swapped (scraped translations have
    such typos: "Vietnam People's Amy")."""
    out = {word}
    if len(word) >= 4 and word.isalpha():
        for i in range(len(word)):
            out.add(word[:i] + word[i + 1 :])
        for i in range(len(word) - 1):
            out.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    return sorted(out, key=len, reverse=True)


def _alias_pattern(alias: str) -> str:
    words = alias.split()
    if len(words) >= 3:
        return r"\s+".join(
            "(?:" + "|".join(re.escape(v) for v in _typo_variants(w)) + ")" for w in words
        )
    return r"\s+".join(re.escape(w) for w in words)


@functools.cache
def _lexicon():
    """(regex of long names, case-insensitive) and (acronym -> name)."""
    names: dict[str, str] = {}
    acronyms: dict[str, str] = {}
    for canonical, forms in ORGS.items():
        for form in [canonical, *forms]:
            if re.fullmatch(r"[A-Za-z&\-]{2,8}", form) and sum(c.isupper() for c in form) >= 2:
                acronyms[form] = canonical
            else:
                names[form.lower()] = canonical
    ordered = sorted(names, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\w-])(?-i:(?=[A-Z]))(?:"  # names of bodies start with a capital: fail fast
        + "|".join(f"(?P<n{i}>{_alias_pattern(a)})" for i, a in enumerate(ordered))
        + r")(?![\w-])",
        re.IGNORECASE,
    )
    return pattern, [names[a] for a in ordered], acronyms


_ACRONYM_DEF = re.compile(r"\(\s*([A-Z][A-Za-z&\-]{1,9})\s*\)")
_CAP = r"(?:[A-Z][\w'\-]*|\d+[A-Za-z]*)"
_CONNECT = r"(?:\s+(?:of|for)(?:\s+the)?\s+|\s+(?:on|in|and)\s+|\s+-\s+|\s+)"
_RUN = re.compile(rf"{_CAP}(?:{_CONNECT}{_CAP})*")
_TITLE_PREFIX = re.compile(
    r"^(?:(?:Deputy|Vice|Acting|Standing|First|Permanent|Assistant)\s+)*(?:"
    + "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in TITLE_HEADS)
    + r")\s+(?:of|at)\s+(?:the\s+)?",
    re.IGNORECASE,
)
_LEADING_NOISE = re.compile(
    r"^(?:(?:The|A|An|In|On|At|For|Of|And|Also|Speaking|Concluding|Regarding|According|"
    r"Meanwhile|Besides|Moreover|Furthermore|Over|During|After|Before|With|To|By|Along|"
    r"Defense|Defence|Senior|Lieutenant|General|Major|Colonel|Admiral|Vice|Rear|Sr|Lt|Gen)\s+)+"
)


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w[:1].isupper())


def acronym_definitions(text: str) -> dict[str, tuple[str, int, int]]:
    """'Ministry of National Defense (MND)' -> {'MND': ('Ministry of National Defense', start, end)}."""
    pattern, names, _ = _lexicon()
    found: dict[str, tuple[str, int, int]] = {}
    for match in _ACRONYM_DEF.finditer(text):
        acronym = match.group(1)
        before = text[max(0, match.start() - 160) : match.start()].rstrip()
        base = match.start() - 160 if match.start() > 160 else 0
        words = list(re.finditer(r"[\w'\-]+", before))
        letters = [c for c in acronym if c.isupper()]
        best = None
        for k in range(1, min(len(words), 12) + 1):
            span = words[-k:]
            caps = [w.group() for w in span]
            if not caps[0][:1].isupper():
                continue
            initials = _initials(caps)
            if initials.upper() == "".join(letters) or initials.upper().replace("V", "") == "".join(
                letters
            ):
                best = span
                break
        if best is None:
            # the lexicon knows the name right before the bracket
            for lexical in pattern.finditer(before):
                if lexical.end() == len(before):
                    best_name = names[int(lexical.lastgroup[1:])]
                    found.setdefault(
                        acronym, (best_name, base + lexical.start(), base + lexical.end())
                    )
            continue
        start, end = base + best[0].start(), base + best[-1].end()
        full = text[start:end]
        full = re.sub(r"^(?:the|The)\s+", "", full)
        canonical = canonical_name(full)
        found.setdefault(acronym, (canonical, start, end))
    return found


def canonical_name(name: str) -> str:
    """A written name -> the lexicon's name for it when it is a known body, else as written."""
    pattern, names, acronyms = _lexicon()
    name = name.strip()
    if name in acronyms:
        return acronyms[name]
    match = pattern.fullmatch(name)
    if match:
        return names[int(match.lastgroup[1:])]
    return name


_AND = re.compile(r"(\s+and\s+)")


def _has_head(phrase: str) -> bool:
    return any(w.lower().strip("'s") in ORG_HEADS for w in phrase.split() if w[:1].isupper())


def find_mentions(text: str, defined: dict[str, tuple[str, int, int]]) -> list[OrgMention]:
    """Every mention of an organisation in the cleaned text, in order, without overlaps
    (a longer generic name such as "Party Committee of X" is kept beside X)."""
    pattern, names, acronyms = _lexicon()
    mentions: list[OrgMention] = []
    covered: list[tuple[int, int]] = []
    for match in pattern.finditer(text):
        written = match.group()
        name = names[int(match.lastgroup[1:])]
        if fold(written) in NOT_ORGS:
            continue
        if written.islower() and len(written.split()) < 3:
            continue  # "government" in running text is no body; "the general staff" may be
        acronym = None
        mentions.append(OrgMention(match.start(), match.end(), name, acronym))
        covered.append((match.start(), match.end()))
    known = {**acronyms, **{a: d[0] for a, d in defined.items()}}
    if known:
        acronym_re = re.compile(
            r"(?<![\w-])("
            + "|".join(map(re.escape, sorted(known, key=len, reverse=True)))
            + r")(?:'s)?(?![\w-])"
        )
        for match in acronym_re.finditer(text):
            if any(s <= match.start() < e for s, e in covered):
                continue
            if text[max(0, match.start() - 1) : match.start()] == "(":
                continue  # the definition itself: the full name before it is the mention
            mentions.append(
                OrgMention(
                    match.start(),
                    match.start() + len(match.group(1)),
                    known[match.group(1)],
                    match.group(1),
                )
            )
            covered.append((match.start(), match.start() + len(match.group(1))))
    # generic names: a capitalised phrase with an organisation word
    runs = []
    for run in _RUN.finditer(text):
        if not _has_head(run.group()):
            continue  # most capitalised runs are names and sentence starts
        parts = _AND.split(run.group())
        if (
            len(parts) > 1
            and all(_has_head(re.split(r"\s(?:of|for)\s", p)[0]) for p in parts[2::2])
            and _has_head(parts[0])
        ):
            offset = run.start()
            for i, part in enumerate(parts):
                if i % 2 == 0:
                    runs.append((part, offset, offset + len(part)))
                offset += len(part)
        else:
            runs.append((run.group(), run.start(), run.end()))
    for phrase, start, run_end in runs:
        trimmed = _TITLE_PREFIX.sub("", phrase)
        trimmed = _LEADING_NOISE.sub("", trimmed)
        start += len(phrase) - len(trimmed)
        for s, e in covered:
            if s < start < e:  # the noise word began a known name: keep it whole
                trimmed = text[s:run_end]
                start = s
        phrase = re.sub(r"(?:\s+(?:of|for|on|in|and)(?:\s+the)?|\s+-)+$", "", trimmed)
        phrase = re.sub(r"'s$", "", phrase)
        if not phrase or not _has_head(phrase) or len(phrase.split()) > 14:
            continue
        phrase = _cut_after_head(phrase)
        end = start + len(phrase)
        inner = [(s, e) for s, e in covered if start <= s and e <= end]
        if any(s < start < e or s < end < e for s, e in covered):
            continue
        rest = text[start:end]
        for s, e in sorted(inner, reverse=True):
            rest = rest[: s - start] + rest[e - start :]
        leftover = [
            w
            for w in re.findall(r"[\w']+", rest)
            if w.lower() not in {"of", "the", "and", "for", "s", "'s", "on", "in"}
        ]
        if not leftover:
            continue  # only known bodies joined by "of"/"and": they stand alone
        if not _has_head(" ".join(leftover)):
            continue  # "Defense Ministry's Plan": the head belongs to a known body
        if (
            rest.strip().split()[0:1]
            and rest.strip().split()[0].lower() in {"vietnam", "viet"}
            and len(leftover) <= 2
        ):
            continue
        name = _expand_inner(text[start:end], inner, start, text)
        mentions.append(OrgMention(start, end, name))
    mentions.sort(key=lambda m: (m.start, -m.end))
    return mentions


def _cut_after_head(phrase: str) -> str:
    """An organisation's name ends with its head word, a complement ("of ...") or a code
    ("Factory Z129", "Military Region 7"): "Organisation Commission Truong Thi Mai" loses the
    name that follows."""
    words = phrase.split(" ")
    last = max(
        (i for i, w in enumerate(words) if w[:1].isupper() and w.lower().strip("'s") in ORG_HEADS),
        default=None,
    )
    if last is None:
        return phrase
    keep = last + 1
    while keep < len(words):
        word = words[keep]
        if word.lower() in ("of", "for", "-", "and", "on", "in"):
            return phrase  # a complement follows: keep it all
        if re.search(r"\d", word) or re.fullmatch(r"[IVX]+", word):
            keep += 1
            continue
        break
    return " ".join(words[:keep])


def _expand_inner(phrase: str, inner, offset: int, text: str) -> str:
    """'Party Committee of the GDDI' -> 'Party Committee of the General Department of ...'."""
    pattern, names, acronyms = _lexicon()
    out = phrase
    for s, e in sorted(inner, reverse=True):
        written = text[s:e]
        out = out[: s - offset] + canonical_name(written) + out[e - offset :]
    return out


def possessive_to_of(name: str) -> str:
    """ "General Department of Defense Industry's Party Committee" -> "Party Committee of the
    General Department of Defense Industry"."""
    match = re.match(r"^(.+?)'s\s+(.+)$", name)
    if match and _has_head(match.group(2)) and _has_head(match.group(1)):
        return f"{match.group(2)} of the {match.group(1)}"
    return name
