"""Extraction of a conference report: clean it, run the rule pipeline, find the meeting, people
(rank, positions), organisations, referenced documents and directives. Plain Python, no database.

    from dimis.ingest.extract import extract
    result = extract(text)          # an Extraction (model.py); every item keeps its span
    result.to_schema()              # the JSON object of shared/extraction/SCHEMA.md
"""

from __future__ import annotations

import bisect
import datetime
import re
from dataclasses import dataclass

from dimis.directives.numbers import normalise_number

from . import directives as directive_rules
from . import orgs as org_rules
from . import persons as person_rules
from .cleaning import CAPTION, CleanText, clean
from .lexicon import CODE_KINDS, DOCUMENT_KINDS, FIXED_TITLES, HIGHER_BODIES, RANK_LEVEL, fold
from .model import DocumentRef, Extraction, Meeting, Organization, Person, Span
from .nlp import pipeline


@dataclass
class Sentence:
    start: int
    end: int
    caption: bool
    paragraph: int


class Context:
    """One report while it is being read: its cleaned text, sentences and what was found."""

    def __init__(self, cleaned: CleanText):
        self.cleaned = cleaned
        self.text = cleaned.text
        self.doc = pipeline()(self.text)
        paragraph_starts = [p.start for p in cleaned.paragraphs]
        self.sentences: list[Sentence] = []
        for sent in self.doc.sents:
            start, end = sent.start_char, sent.end_char
            while end > start and self.text[end - 1].isspace():
                end -= 1
            if end <= start:
                continue
            index = max(0, bisect.bisect_right(paragraph_starts, start) - 1)
            kind = cleaned.paragraphs[index].kind if cleaned.paragraphs else "body"
            self.sentences.append(Sentence(start, end, kind == CAPTION, index))
        self._sentence_starts = [s.start for s in self.sentences]
        self.org_mentions: list[org_rules.OrgMention] = []
        self.org_starting: dict[int, org_rules.OrgMention] = {}
        self.org_ending: dict[int, org_rules.OrgMention] = {}
        self.persons: dict[str, Person] = {}
        self.person_mentions: list[tuple[int, int, Person]] = []

    def sentence_at(self, position: int) -> Sentence:
        index = max(0, bisect.bisect_right(self._sentence_starts, position) - 1)
        return self.sentences[index]

    def span(self, start: int, end: int) -> Span:
        sentence = (
            self.sentence_at(start) if self.sentences else Sentence(0, len(self.text), False, 0)
        )
        return Span(start, end, sentence.start, sentence.end, sentence.caption)

    def definite(self, head: str) -> str | None:
        """'the factory', 'the general department' -> the body the text means."""
        return directive_rules.definite(self, head)

    def org_at(self, position: int):
        return self.org_starting.get(position)

    def org_before(self, position: int):
        return self.org_ending.get(position - 1) or self.org_ending.get(position)


# --- organisations ----------------------------------------------------------------------------


def _organisations(ctx: Context) -> list[Organization]:
    defined = org_rules.acronym_definitions(ctx.text)
    mentions = org_rules.find_mentions(ctx.text, defined)
    for mention in mentions:
        mention.name = org_rules.possessive_to_of(mention.name)
    ctx.org_mentions = mentions
    # "the Party Committee of the general department": the body the description means
    for mention in mentions:
        described = _OF_DEFINITE.match(ctx.text, mention.end)
        if described:
            owner = directive_rules.definite(ctx, described.group(1))
            if owner and owner != mention.name:
                mention.name = f"{mention.name} of the {owner}"
    for mention in mentions:
        ctx.org_starting.setdefault(mention.start, mention)
        ctx.org_ending[mention.end] = mention
    acronyms = {full: acronym for acronym, (full, _s, _e) in defined.items()}
    found: dict[str, Organization] = {}
    for mention in mentions:
        key = fold(mention.name)
        span = ctx.span(mention.start, mention.end)
        if key not in found:
            found[key] = Organization(
                mention.name, acronyms.get(mention.name) or mention.acronym, span
            )
        found[key].mentions.append(span)
    return list(found.values())


_OF_DEFINITE = re.compile(
    r"\s+of\s+the\s+(general\s+department|department|service|corporation|company|factory|institute|academy)\b(?!\s+of\b)"
)


# --- people -----------------------------------------------------------------------------------


def _people(ctx: Context) -> list[Person]:
    text = ctx.text
    mentions = person_rules.rank_mentions(ctx.doc, text)
    titles: list[person_rules.TitleMatch] = []
    for sentence in ctx.sentences:
        titles += person_rules.titles_in(
            text, sentence.start, sentence.end, ctx.org_at, ctx.org_before, ctx.definite
        )
    # a name right after a title: "Prime Minister Pham Minh Chinh"
    title_ends = set()
    for title in titles:
        position = title.end + (1 if text[title.end : title.end + 1] == " " else 0)
        title_ends.add(position)
        if any(m.start == position for m in mentions):
            continue
        found = person_rules.name_after(text, title.end)
        if found and not text[title.end : found[0]].strip():
            words = text[found[0] : found[1]].split()
            if len(words) >= 2 or fold(words[0]) in person_rules.SURNAMES:
                mentions.append(
                    person_rules.PersonMention(
                        found[0], found[1], text[found[0] : found[1]], None, None, len(words) >= 2
                    )
                )
    taken = [(m.start, m.end) for m in mentions]
    taken += [(o.start, o.end) for o in ctx.org_mentions]
    mentions += person_rules.plain_mentions(text, taken, title_ends)
    mentions.sort(key=lambda m: m.start)

    persons: dict[str, Person] = {}
    by_given: dict[str, list[Person]] = {}
    for mention in mentions:
        if not mention.full:
            continue
        key = fold(mention.name)
        person = persons.get(key)
        if person is None:
            person = persons[key] = Person(mention.name)
            by_given.setdefault(fold(person.given_name), []).append(person)
        person.mentions.append(ctx.span(mention.start, mention.end))
        if mention.rank and person.rank is None:
            person.rank = mention.rank
            person.rank_span = ctx.span(
                mention.start if mention.rank_start is None else mention.rank_start, mention.end
            )
    located: list[tuple[int, int, Person]] = []
    for mention in mentions:
        if mention.full:
            located.append((mention.start, mention.end, persons[fold(mention.name)]))
            continue
        candidates = by_given.get(fold(mention.name.split()[-1]), [])
        if len(candidates) == 1:
            person = candidates[0]
        elif candidates:
            before = [p for s, _e, p in located if p in candidates]
            person = before[-1] if before else candidates[0]
        else:
            key = fold(mention.name)
            person = persons.get(key)
            if person is None:
                person = persons[key] = Person(mention.name)
                by_given.setdefault(key, []).append(person)
        if mention.rank and person.rank is None and person.name == mention.name:
            person.rank = mention.rank
            person.rank_span = ctx.span(
                mention.start if mention.rank_start is None else mention.rank_start, mention.end
            )
        person.mentions.append(ctx.span(mention.start, mention.end))
        located.append((mention.start, mention.end, person))
    # bare given names ("Giang requested ...") of people named in full elsewhere
    given = {fold(p.given_name): p for p in persons.values() if len(p.name.split()) >= 2}
    unique = {g: p for g, p in given.items() if len(by_given.get(g, [])) == 1}
    if unique:
        covered = [(s, e) for s, e, _p in located]
        pattern = re.compile(r"(?<![\w'])([A-ZĐ][^\W\d_]+)(?![\w'])")
        for match in pattern.finditer(text):
            person = unique.get(fold(match.group(1)))
            if person is None or any(s <= match.start() < e for s, e in covered):
                continue
            before = text[max(0, match.start() - 12) : match.start()]
            after = text[match.end() : match.end() + 2]
            if re.search(r"[A-Z][\w.]*\s+$", before) and not re.search(
                r"(?:^|[.,;:]\s*|\b(?:General|Gen\.|Minister|Mr\.|Ms\.|Mrs\.|Madam|Admiral|Adm\.|PM"
                r"|Premier|President|Chairman|Chairwoman|Director|Commander|Secretary)\s+)$",
                before,
            ):
                continue  # inside a longer capitalised phrase ("Viet Nam")
            if re.match(r"\s[A-Z]", after):
                continue
            located.append((match.start(), match.end(), person))
            person.mentions.append(ctx.span(match.start(), match.end()))
    for person in persons.values():
        person.mentions.sort(key=lambda span: span.start)
    located.sort(key=lambda x: x[0])
    ctx.person_mentions = located
    ctx.persons = persons
    _positions(ctx, titles, located)
    return list(persons.values())


_LIST_SEP = re.compile(r"\s*(?:,\s*and|,|and)\s*")
_APPOSITION_START = re.compile(
    r"\s*,\s*(?:who\s+is\s+(?:also\s+)?|in\s+(?:his|her)\s+capacity\s+as\s+|the\s+)?"
)
_LIST_INTRO = re.compile(r"\s*(?:,\s*)?(?:namely|including|as\s+follows|such\s+as|:)?\s*,?\s*")


def _positions(ctx: Context, titles, located) -> None:
    text = ctx.text
    starts = {}
    for title in titles:
        starts.setdefault(title.start, title)
    ends = {}
    for title in titles:
        ends.setdefault(title.end, title)

    def title_starting(position):
        return starts.get(position)

    def chain_before(position):
        """Titles ending right before a position, joined by ',' or 'and'."""
        out = []
        probe = position
        while True:
            match = re.search(r"(\s*(?:,\s*and|,|and|cum)?\s*)$", text[max(0, probe - 8) : probe])
            gap = len(match.group(1)) if match else 0
            title = ends.get(probe - gap) or ends.get(probe - gap + 1)
            if title is None:
                title = next(
                    (t for t in titles if t.end <= probe and not text[t.end : probe].strip(" ")),
                    None,
                )
            if title is None:
                break
            if out == [] and text[title.end : position].strip():
                break
            out.append(title)
            probe = title.start
            if not re.search(r"(?:,|and|cum)\s*$", text[max(0, probe - 6) : probe]):
                break
        return out

    # plural titles before a list of people: "Deputy Defense Ministers, namely A, B, and C"
    mention_at = {}
    for start, end, person in located:
        mention_at.setdefault(start, (start, end, person))
    for title in titles:
        if not title.plural:
            continue
        intro = _LIST_INTRO.match(text, title.end)
        position = intro.end()
        while True:
            found = mention_at.get(position)
            if found is None:
                found = next(
                    (
                        (s, e, p)
                        for s, e, p in located
                        if s >= position and not text[position:s].strip() and s - position < 40
                    ),
                    None,
                )
                if found is None:
                    # a rank before the name: the mention starts at the rank
                    nxt = next(
                        (
                            (s, e, p)
                            for s, e, p in located
                            if s > position and s - position < 40 and _only_rank(text[position:s])
                        ),
                        None,
                    )
                    found = nxt
            if found is None:
                break
            s, e, person = found
            person.add_position(title.title, title.org, ctx.span(title.start, title.end))
            sep = _LIST_SEP.match(text, e)
            if not sep or sep.end() == e:
                break
            position = sep.end()

    for start, end, person in located:
        # the rank, when written, starts the mention
        rank_start = start
        if person.rank_span and person.rank_span.end == end:
            rank_start = person.rank_span.start
        else:
            back = re.search(r"((?:[A-Z][a-z]*\.?\s+){1,3})$", text[max(0, start - 40) : start])
            if back and _only_rank(back.group(1)):
                rank_start = start - len(back.group(1))
        for title in chain_before(rank_start):
            if not title.plural:
                person.add_position(title.title, title.org, ctx.span(title.start, title.end))
        # apposition: ", Political Commissar of the General Department of Defense Industry,"
        match = _APPOSITION_START.match(text, end)
        if match and match.end() > end:
            position = match.end()
            chain = []
            while True:
                title = title_starting(position) or person_rules.title_at(
                    text, position, ctx.org_at, ctx.org_before, ctx.definite
                )
                if title is None:
                    break
                chain.append(title)
                sep = re.compile(r"\s*(?:,\s*and|,|and|cum)\s+(?:the\s+)?").match(text, title.end)
                if not sep:
                    break
                position = sep.end()
            _share_bodies(chain, text)
            for title in chain:
                person.add_position(title.title, title.org, ctx.span(title.start, title.end))
    # "the deputy defense minister asked ...": a title as a description of the last person named
    for pattern, canonical, org in _ANAPHORS:
        for match in pattern.finditer(text):
            written = match.group(1)
            if written[:1].isupper() or written.lower().endswith("s"):
                continue
            before = [p for s, e, p in located if e <= match.start()]
            if before:
                person = before[-1]
                if not any(q.title == canonical for q in person.positions):
                    person.add_position(canonical, org, ctx.span(match.start(1), match.end(1)))


_ANAPHORS = [
    (re.compile(rf"\b[Tt]he\s+((?:{p}))\b"), title, org) for p, title, org in FIXED_TITLES if org
]


def _share_bodies(chain, text) -> None:
    """ "Chairman and General Director of Viettel": both of Viettel."""
    for first, second in zip(chain, chain[1:], strict=False):
        if (
            first.org is None
            and second.org
            and re.fullmatch(r"\s+and\s+", text[first.end : second.start])
        ):
            first.org = second.org


def _only_rank(fragment: str) -> bool:
    from .lexicon import RANK_FORMS

    return fragment.strip().lower() in RANK_FORMS


# --- documents --------------------------------------------------------------------------------

_KIND_WORDS = "|".join(sorted((re.escape(k) for k in DOCUMENT_KINDS), key=len, reverse=True))
_DOCUMENT_NUMBER = re.compile(
    r"(?<![\w/-])\d{1,5}(?:\s*/\s*\d{4})?\s*[-/]\s*[A-ZĐ][A-Za-zĐđ]*\d*"
    r"(?:\s*[-/]\s*[A-ZĐ][A-Za-zĐđ]*\d*)+(?![\w/])"
)
# the word before a number, within the same phrase: "Resolution No. 08-NQ/TW of the Politburo",
# "Decision No.1229/QĐ-TTg", "the Politburo's Resolution 08/NQ-TW"
_DOCUMENT_KIND_BEFORE = re.compile(
    rf"\b(?P<kind>{_KIND_WORDS})\b(?:\s+(?:No|Nos|Number|số)\.?)?\s*$",
    re.IGNORECASE,
)
_NUMBER_WORD_BEFORE = re.compile(r"\b(?:No|Nos|Number|số)\.?\s*$", re.IGNORECASE)


def _documents(ctx: Context) -> list[DocumentRef]:
    found: dict[str, DocumentRef] = {}
    text = ctx.text
    for match in _DOCUMENT_NUMBER.finditer(text):
        written_number = match.group()
        number = normalise_number(written_number, keep_letters=True)
        number = re.sub(r"^(\d)(?=-)", r"0\1", number)  # "8-NQ/TW" is written "08-NQ/TW"
        if not number or number in found:
            continue
        before = text[max(0, match.start() - 40) : match.start()]
        kind_match = _DOCUMENT_KIND_BEFORE.search(before)
        start = match.start()
        if kind_match:
            kind = DOCUMENT_KINDS[kind_match.group("kind").lower()]
            start -= len(before) - kind_match.start()
        else:
            codes = re.findall(r"[A-Za-zĐđ]+", written_number)
            kind = CODE_KINDS.get(codes[0].upper(), "other") if codes else "other"
            number_word = _NUMBER_WORD_BEFORE.search(before)
            if number_word:
                start -= len(before) - number_word.start()
        found[number] = DocumentRef(
            number, kind, text[start : match.end()], ctx.span(start, match.end())
        )
    return list(found.values())


# --- the meeting ------------------------------------------------------------------------------

_KINDS = [
    ("press_conference", r"\bpress\s+conference\b"),
    (
        "party_congress",
        r"\bParty\s+Congress\b|\bcongress\s+of\s+the\s+Party\b|\bParty\s+Committee'?s?\s+congress\b",
    ),
    ("ceremony", r"\b(?:ceremony|anniversary|celebrat\w+)\b"),
    ("inspection", r"\binspect(?:ion|ed|s|ing)?\b"),
    (
        "working_session",
        r"\bworking\s+(?:session|visit|trip)\b|\bworked\s+with\b|\bwork(?:s|ing)?\s+with\b",
    ),
    (
        "six_month_review",
        r"\b(?:six|6)[-\s]months?\b|\bfirst\s+(?:half|six\s+months)\b|\bmid-year\b|\bhalf[-\s]year\b|\bfirst\s+6\s+months\b",
    ),
    (
        "multi_year_review",
        r"\b(?:over|in)\s+the\s+(?:past|last)\s+(?:\w+[-\s])?years\b|\b\w+[-\s]year\s+review\b|\b(?:five|ten|\d+|fifteen|twenty)\s+years\s+of\s+(?:implement|carry)|\b(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d\s+(?:period|term|tenure)\b|\bover\s+the\s+past\s+(?:years|decade)\b",
    ),
    (
        "annual_review",
        r"\bannual\b|\byear-end\b|\b(?:review|reviewed|reviewing|reviews)\b[^.]{0,60}\b(?:in|of|for)\s+(?:the\s+year\s+)?(?:19|20)\d\d\b|\btasks\s+for\s+(?:19|20)\d\d\b|\bperformance\s+in\s+(?:19|20)\d\d\b",
    ),
    ("conference", r"\b(?:conference|meeting|seminar|symposium|workshop|forum)\b"),
]
_KIND_RES = [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _KINDS]
_CHAIR = re.compile(
    r"\bunder\s+the\s+(?:chairmanship|chair|leadership)\s+of\b|\b(?:led|headed)\s+by\b|\b(?:co-)?chaired\s+by\b|\bpresided\s+over\s+by\b"
    r"|\b(?:co-)?(?:chaired|chairs|presided\s+over|presides\s+over)\b"
)
_CONCLUDE = re.compile(
    r"\b(?:concluding|concluded|in\s+(?:his|her)\s+concluding\s+(?:remarks|speech))\b", re.I
)
_HOST = re.compile(
    r"\b(?:held|organised|organized|hosted|convened)\s+(?:a|an|the|its)\s+(?:[\w-]+\s+){0,6}?"
    r"(?:conference|meeting|ceremony|session|review)\b",
    re.IGNORECASE,
)
_MONTH = "January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
_DATE = re.compile(
    rf"\b(?:[Oo]n\s+)?(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?(?:(?P<m1>{_MONTH})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>(?:19|20)\d\d))?"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH})\.?(?:,?\s+(?P<y2>(?:19|20)\d\d))?)\b"
)


def _month_number(name: str) -> int:
    return [m[:3].lower() for m in _MONTH.split("|")[:12]].index(name[:3].lower()) + 1


def _meeting(ctx: Context, organizations: list[Organization]) -> Meeting:
    text = ctx.text
    kind = "other"
    lead = ctx.cleaned.body()[0] if ctx.cleaned.body() else None
    for scope in ([text[lead.start : lead.end]] if lead else []) + [text]:
        for candidate, pattern in _KIND_RES:
            if pattern.search(scope):
                kind = candidate
                break
        if kind != "other":
            break
    # the date the text states (the year from the text or from the dateline)
    date = None
    for sentence in ctx.sentences[:6]:
        match = _DATE.search(text, sentence.start, sentence.end)
        if match and re.match(r"(?i)on\b", match.group()):
            month = match.group("m1") or match.group("m2")
            day = int(match.group("d1") or match.group("d2"))
            year = match.group("y1") or match.group("y2")
            if not year and ctx.cleaned.published:
                year = ctx.cleaned.published[:4]
            if not year:  # "on July 12 ... in the first six months of 2023"
                years = set(re.findall(r"\b(20\d\d)\b", text[sentence.start : sentence.end]))
                year = years.pop() if len(years) == 1 else None
            if year:
                try:
                    date = datetime.date(int(year), _month_number(month), day).isoformat()
                except ValueError:
                    date = None
            break
    chair, span = _chair(ctx)
    return Meeting(kind, date, ctx.host, chair, span)


def _host(ctx: Context) -> str | None:
    """The body that held the meeting ("the GDDI held a conference"), else the main one."""
    match = _HOST.search(ctx.text)
    if match:
        sentence = ctx.sentence_at(match.start())
        before = [
            o for o in ctx.org_mentions if sentence.start <= o.start and o.end <= match.start()
        ]
        if before:
            return before[0].name
    return main_org(ctx)


def _chair(ctx: Context):
    text = ctx.text
    for match in _CHAIR.finditer(text):
        sentence = ctx.sentence_at(match.start())
        if match.group().endswith(("by", "of")):
            after = [
                (s, e, p)
                for s, e, p in ctx.person_mentions
                if s >= match.end() and s < sentence.end
            ]
            if after:
                return after[0][2].name, ctx.span(after[0][0], after[0][1])
        else:
            before = [
                (s, e, p) for s, e, p in ctx.person_mentions if sentence.start <= s < match.start()
            ]
            if before:
                return before[0][2].name, ctx.span(before[0][0], before[0][1])
    for match in _CONCLUDE.finditer(text):
        sentence = ctx.sentence_at(match.start())
        inside = [
            (s, e, p) for s, e, p in ctx.person_mentions if sentence.start <= s < sentence.end
        ]
        if inside:
            return inside[0][2].name, ctx.span(inside[0][0], inside[0][1])
    return None, None


def main_org(ctx: Context) -> str | None:
    """The body the report is about: the most mentioned one below the ministry."""
    counts: dict[str, int] = {}
    for mention in ctx.org_mentions:
        if mention.name in HIGHER_BODIES or "Party Committee" in mention.name:
            continue
        counts[mention.name] = counts.get(mention.name, 0) + 1
    if not counts:
        return None
    return max(
        counts, key=lambda n: (counts[n], -min(m.start for m in ctx.org_mentions if m.name == n))
    )


# --- all together -----------------------------------------------------------------------------


def extract(raw_text: str) -> Extraction:
    cleaned = clean(raw_text)
    ctx = Context(cleaned)
    organizations = _organisations(ctx)
    ctx.host = _host(ctx)
    persons = _people(ctx)
    documents = _documents(ctx)
    meeting = _meeting(ctx, organizations)
    found_directives = directive_rules.find(ctx)
    persons.sort(key=lambda p: p.mentions[0].start if p.mentions else 0)
    for person in persons:
        if person.rank and person.rank not in RANK_LEVEL:
            person.rank = None
    return Extraction(
        text=ctx.text,
        meetings=[meeting],
        persons=persons,
        organizations=organizations,
        documents=documents,
        directives=found_directives,
    )
