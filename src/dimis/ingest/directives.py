"""Directives: who asked whom to do what.

Forms recognised in the body text (captions are never directives):
- VERB ADDRESSEE to ACTIONS: "asked the GDDI to ...", "urged the service to ...", "called on
  units to ...", "tasked X with V-ing", also as a participle (", asking it to ...");
- VERB that ADDRESSEE (should/must) ACTIONS: "requested that units continue ...";
- the need: "stressed the need (for ADDRESSEE) to ...";
- modal sentences: "ADDRESSEE should/must/needs to/has to/is required to ...", passives "X is
  asked/requested/required to ...", and "it is necessary for X to ..." — the asker is the
  speaker of the paragraph (the last person who spoke, was quoted or asked), else nothing;
- actions split at coordination: "to A, B and C" gives three, "to A as well as B" two (the verb
  of A carried over when B is a noun phrase), "..., while V-ing" one more.
Reported achievements ("has directed", "had to", past narrative) are not directives.
Addressees given as "it", "the service", "the general department", "the unit" resolve to the
body the text means (the one last mentioned or praised, else the host of the meeting).
"""

from __future__ import annotations

import re

from .lexicon import (
    ADVERBS,
    DEFINITE_HEADS,
    DETERMINERS,
    HIGHER_BODIES,
    NOUN_LIKE_VERBS,
    PARTICLES,
    VERBS,
    base_of_gerund,
    fold,
)
from .model import Directive

_ASK = (
    r"ask(?:ed|s|ing)|urg(?:ed|es|ing)|request(?:ed|ing)|requir(?:ed|es|ing)|direct(?:ed|s|ing)"
    r"|instruct(?:ed|s|ing)|order(?:ed|ing)|demand(?:ed|ing)|task(?:ed|ing)|assign(?:ed|ing)"
    r"|call(?:ed|ing)\s+(?:on|upon)|encourag(?:ed|es|ing)|told|remind(?:ed|s|ing)"
    r"|suggest(?:ed|s|ing)|advis(?:ed|es|ing)|want(?:ed|s)|expect(?:ed|s)|propos(?:ed|es|ing)"
)
_VERB = re.compile(rf"\b(?P<verb>{_ASK})\s+", re.IGNORECASE)
_NEED = re.compile(
    r"\b(?P<verb>stress(?:ed|es|ing)?|emphasi[sz](?:ed|es|ing)|underlin(?:ed|es|ing)|not(?:ed|es|ing)"
    r"|highlight(?:ed|s|ing)|point(?:ed|s|ing)\s+out|affirm(?:ed|s|ing)|reiterat(?:ed|es|ing)"
    r"|laid\s+(?:stress|emphasis)\s+on|lay(?:s|ing)?\s+(?:stress|emphasis)\s+on|mention(?:ed|s)"
    r"|rais(?:ed|es)|call(?:ed|s)\s+for|underscor(?:ed|es|ing)|showed|shows|set\s+out|outlin(?:ed|es))"
    r"\s+(?:on\s+)?(?:the\s+)?(?:urgent\s+|pressing\s+)?(?:need|necessity|requirement)s?\s+"
    r"(?:for\s+(?P<addr>.+?)\s+to|to|of(?=\s+\w+ing\b))\s+(?P<rest>.+)",
    re.IGNORECASE,
)
_MODAL = re.compile(
    r"\b(?P<modal>should|must|need\s+to|needs\s+to|has\s+to|have\s+to|ought\s+to|will\s+have\s+to"
    r"|will\s+need\s+to|(?:is|are|was|were)\s+(?:also\s+)?(?:required|requested|asked|urged|tasked"
    r"|assigned|expected|directed|instructed)\s+to|(?:is|are)\s+(?:also\s+)?tasked\s+with)\s+"
    r"(?P<rest>.+)",
    re.IGNORECASE,
)
_NECESSARY = re.compile(
    r"\bit\s+is\s+(?:necessary|essential|important|imperative|vital|crucial|required)\s+"
    r"(?:for\s+(?P<addr>.+?)\s+)?to\s+(?P<rest>.+)",
    re.IGNORECASE,
)
_SPEECH = re.compile(
    r"\b(?:said|says|stressed|emphasi[sz]ed|underlined|noted|highlighted|pointed\s+out|affirmed|"
    r"asked|urged|requested|required|directed|instructed|praised|commended|lauded|acknowledged|"
    r"appreciated|concluded|added|suggested|demanded|ordered|called|told|reminded|spoke|speaking|"
    r"concluding|addressing|addressed|delivered|stated|reiterated|proposed|assessed|hailed|"
    r"applauded|expressed|welcomed|laid\s+stress|asserted|insisted|believed|agreed)\b",
    re.IGNORECASE,
)
_PAST_TIME = re.compile(
    r"\b(?:over\s+the\s+past|in\s+the\s+past|so\s+far|over\s+the\s+years|previously|during\s+the\s+past|"
    r"last\s+year|in\s+recent\s+years|over\s+the\s+last)\b",
    re.IGNORECASE,
)
_PERFECT = re.compile(
    r"\b(?:has|have|had)\s+(?:also\s+|been\s+|always\s+|effectively\s+)*$", re.IGNORECASE
)
_ADJECTIVAL = re.compile(
    r"\b(?:the|a|an|its|their|his|her|our|out|all|newly|previously|duly|be|been|being|was|were"
    r"|is|are|tasks|missions|duties|work)\s+$",
    re.IGNORECASE,
)
_LEADING_PP = re.compile(
    r"^(?:(?:in|during|from|by|for|over|after|before|within|throughout|at|of|this|next)\s+"
    r"(?:the\s+)?(?:(?:coming|next|following|last|first|second|remaining|new|same)\s+)?"
    r"(?:\d{4}|time|year|years|months?|period|stage|phase|future|term|days?|weeks?|quarter)\b"
    r"(?:\s+(?:to\s+come|ahead))?\s*,?\s*)+",
    re.IGNORECASE,
)
_PRONOUN = {"it", "them", "they", "the latter", "this unit", "this body", "this agency"}
_PERSONAL = {"he", "she", "we", "i", "you", "everyone", "each", "this", "that", "which", "who"}
_SUBJECT_END = re.compile(
    r"(?:^|[,;:]\s+|\bthat\s+|\b(?:and|but|so)\s+)(?!.*(?:[,;:]\s+|\bthat\s+))(?P<subject>[^,;:]*?)\s*$"
)


def find(ctx) -> list[Directive]:
    out: list[Directive] = []
    seen: set[tuple] = set()
    state = _State(ctx)
    for sentence in ctx.sentences:
        if sentence.caption:
            continue
        text = ctx.text[sentence.start : sentence.end]
        found = _sentence_directives(ctx, state, sentence, text)
        for asker, addressee, action, start, end, verb in found:
            key = (fold(asker or ""), fold(addressee or ""), fold(action))
            if key in seen or not action:
                continue
            seen.add(key)
            out.append(Directive(asker, addressee, action, ctx.span(start, end), verb))
        state.after_sentence(sentence, text, found)
    return out


class _State:
    """The speaker of the paragraph and the body last in focus, sentence after sentence."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.speaker = None  # a Person
        self.focus = None  # an organisation name
        self.last_addressee = None

    def current_speaker(self, position):
        """The speaker, else the last person named before (the chair who just opened it)."""
        if self.speaker is not None:
            return self.speaker.name
        before = [p for s, _e, p in self.ctx.person_mentions if s < position]
        return before[-1].name if before else None

    def persons_in(self, start, end):
        return [(s, e, p) for s, e, p in self.ctx.person_mentions if start <= s < end]

    def orgs_in(self, start, end):
        return [m for m in self.ctx.org_mentions if start <= m.start < end]

    def after_sentence(self, sentence, text, found):
        ctx = self.ctx
        people = self.persons_in(sentence.start, sentence.end)
        if people:
            if _INTRO.match(text):
                # "Speaking at the conference, General Giang praised ...": the one introduced
                self.speaker = people[0][2]
            else:
                for speech in _SPEECH.finditer(text):
                    before = [p for s, _e, p in people if s - sentence.start < speech.start()]
                    if before:
                        self.speaker = before[-1]
                        break
        askers = [a for a, *_rest in found if a]
        if askers:
            person = next((p for p in ctx.persons.values() if p.name == askers[-1]), None)
            if person is not None:
                self.speaker = person
        orgs = [
            (m.start, m.name)
            for m in self.orgs_in(sentence.start, sentence.end)
            if m.name not in HIGHER_BODIES
        ]
        for match in _DEFINITE_REF.finditer(text):
            name = definite(ctx, match.group(1))
            if name:
                orgs.append((sentence.start + match.start(), name))
        orgs.sort()
        if orgs:
            praised = _PRAISE.search(text)
            after = [
                name for start, name in orgs if praised and start - sentence.start > praised.start()
            ]
            if after:
                self.focus = after[0]
            elif not found:
                self.focus = orgs[-1][1]


_INTRO = re.compile(
    r"^(?:speaking|concluding|addressing|closing|opening|in\s+(?:his|her)\s+(?:concluding\s+)?"
    r"(?:speech|remarks|address)|on\s+behalf\s+of|at\s+the\s+(?:conference|meeting|event|session))\b",
    re.IGNORECASE,
)
_PRAISE = re.compile(
    r"\b(?:praised|commended|lauded|hailed|applauded|appreciated|acknowledged|valued|highly\s+valued"
    r"|spoke\s+highly\s+of|welcomed|congratulated)\b",
    re.IGNORECASE,
)
_DEFINITE_REF = re.compile(
    r"\bthe\s+(general\s+department|factory|corporation|company|institute|academy|service|navy)\b(?!\s+of\b)"
)


def _sentence_directives(ctx, state, sentence, text):
    found = []
    base = sentence.start
    used_until = -1

    def asker_before(position):
        """The person (or body) who asks: the subject before the verb, else the speaker."""
        people = [(s, e, p) for s, e, p in state.persons_in(sentence.start, base + position)]
        if people:
            return people[-1][2].name
        head = text[:position]
        if re.search(
            r"\b(?:he|she|the\s+(?:deputy\s+)?(?:defen[cs]e\s+)?minister|the\s+general|the\s+leader|the\s+chief)\b",
            head,
            re.IGNORECASE,
        ):
            return state.current_speaker(sentence.start)
        orgs = [
            m
            for m in state.orgs_in(sentence.start, base + position)
            if not re.search(
                r"\bon\s+behalf\s+of\s+(?:the\s+)?$", ctx.text[max(0, m.start - 20) : m.start]
            )
        ]
        subject = re.match(r"^\s*(?:[A-Z][\w\s,'-]*?,\s*)?(?:the\s+)?(.+?)\s*$", head)
        if orgs and subject and len(head.split()) <= 12:
            return orgs[-1].name
        return state.speaker.name if state.speaker else None

    # 1. the need: "stressed the need (for X) to ..."
    for match in _NEED.finditer(text):
        if _achievement(text, match.start()):
            continue
        asker = asker_before(match.start())
        addressee = (
            _resolve(ctx, state, match.group("addr"), base + match.start())
            if match.group("addr")
            else None
        )
        if addressee is None:
            addressee = _need_addressee(ctx, state, sentence, match.start())
        for action in split_actions(match.group("rest")):
            found.append((asker, addressee, action, base + match.start(), sentence.end, "need"))
        used_until = max(used_until, len(text))
    # 2. "asked X to ...", "requested that X ...", several in one sentence
    verbs = [m for m in _VERB.finditer(text) if m.start() >= used_until]
    for index, match in enumerate(verbs):
        verb = match.group("verb")
        stop = verbs[index + 1].start() if index + 1 < len(verbs) else len(text)
        rest = re.sub(r"(?:,\s*and|,|\s+and)\s*$", "", text[match.end() : stop])
        if _achievement(text, match.start()) or _ADJECTIVAL.search(text[: match.start()]):
            continue  # "carried out assigned missions", "the tasks assigned to"
        rest_offset = match.end()
        that = re.match(r"that\s+(?P<clause>.+)", rest, re.IGNORECASE | re.DOTALL)
        if that:
            asker = asker_before(match.start())
            if asker is None:
                continue
            for clause in re.split(r",?\s+and\s+that\s+", that.group("clause")):
                parsed = _clause(clause)
                if parsed is None:
                    continue
                addressee = _resolve(ctx, state, parsed[0], base + rest_offset)
                for action in split_actions(parsed[1]):
                    found.append(
                        (asker, addressee, action, base + match.start(), sentence.end, verb)
                    )
            used_until = len(text)
            continue
        if re.match(r"(?i)propos|suggest|advis|want|expect", verb):
            continue
        parsed = _addressee_to(rest, verb)
        if parsed is None:
            continue
        addressee_text, action_text = parsed
        asker = asker_before(match.start())
        if asker is None:
            continue
        addressee = _resolve(ctx, state, addressee_text, base + rest_offset)
        for action in split_actions(action_text):
            found.append((asker, addressee, action, base + match.start(), sentence.end, verb))
        used_until = len(text)
    # 3. "X should/must/needs to ...", "X is asked to ...", "it is necessary for X to ..."
    if used_until < 0:
        for match in _NECESSARY.finditer(text):
            asker = state.speaker.name if state.speaker else None
            if asker is None:
                break
            addressee = (
                _resolve(ctx, state, match.group("addr"), base + match.start())
                if match.group("addr")
                else _need_addressee(ctx, state, sentence, match.start())
            )
            for action in split_actions(match.group("rest")):
                found.append(
                    (asker, addressee, action, base + match.start(), sentence.end, "necessary")
                )
            used_until = len(text)
    if used_until < 0:
        for match in _MODAL.finditer(text):
            modal = match.group("modal").lower()
            head = text[: match.start()]
            subject_match = _SUBJECT_END.search(head)
            subject = subject_match.group("subject").strip() if subject_match else head.strip()
            subject = re.sub(
                r"^(?:(?:in\s+addition|also|besides|moreover|furthermore|meanwhile|therefore|accordingly|in\s+particular|in\s+the\s+coming\s+time|in\s+the\s+time\s+to\s+come|in\s+the\s+future|at\s+the\s+same\s+time)\s*,?\s*)+",
                "",
                subject,
                flags=re.IGNORECASE,
            )
            subject = _LEADING_PP.sub("", subject)
            if not subject or subject.lower() in _PERSONAL or len(subject.split()) > 14:
                continue
            if re.search(r"\b(?:had|would|could|might)\s*$", head, re.IGNORECASE):
                continue
            asker = state.speaker.name if state.speaker else None
            people = state.persons_in(sentence.start, base + match.start())
            if people and re.search(
                r"\b(?:said|stressed|emphasi[sz]ed|noted|underlined|affirmed|added|stated)\b", head
            ):
                asker = people[0][2].name
            if asker is None:
                continue
            addressee = _resolve(ctx, state, subject, base + match.start())
            if addressee and fold(addressee) == fold(asker):
                continue
            rest = match.group("rest")
            if modal.endswith("with"):
                rest = _gerund_to_base(rest)
            for action in split_actions(rest):
                found.append((asker, addressee, action, base + match.start(), sentence.end, modal))
            break
    return found


def _achievement(text: str, position: int) -> bool:
    """'has directed', 'had asked', or a past-time narrative: what was done, not what is asked."""
    head = text[:position]
    if _PERFECT.search(head):
        return True
    return bool(
        _PAST_TIME.search(head)
        and not re.search(r"\b(?:he|she|minister|general|[A-Z][a-z]+\s+[A-Z][a-z]+)\b", head)
    )


def _addressee_to(rest: str, verb: str):
    """'the General Department of Defense Industry to foster ...' -> (addressee, action)."""
    if re.match(r"(?i)task|assign", verb):
        with_match = re.match(r"(?P<addr>.{1,160}?)\s+with\s+(?P<act>\w+ing\b.*)", rest)
        if with_match and not re.search(r"\bto\s+\w", with_match.group("addr")):
            return with_match.group("addr"), _gerund_to_base(with_match.group("act"))
    for to in re.finditer(r"\s+to\s+", rest):
        addressee = rest[: to.start()]
        if len(addressee.split()) > 22 or re.search(r"[.;]\s", addressee):
            return None
        after = rest[to.end() :]
        words = re.findall(r"[\w'-]+", after[:80])
        if _starts_with_verb(words, strict=False) or _infinitive(words):
            if re.match(r"(?i)(?:for|on)\b", addressee):
                return None
            return addressee, after
    return None


def _clause(clause: str):
    """'units (should) continue to ...' -> (subject, action)."""
    modal = re.search(
        r"\b(?:should|must|need\s+to|needs\s+to|has\s+to|have\s+to|(?:is|are)\s+(?:required|requested|asked)\s+to)\s+",
        clause,
    )
    if modal and len(clause[: modal.start()].split()) <= 14:
        return _the(clause[: modal.start()]), clause[modal.end() :]
    words = list(re.finditer(r"[\w'-]+", clause))
    for i, word in enumerate(words[:16]):
        if (
            i
            and word.group().lower() in VERBS
            and word.group().lower() not in NOUN_LIKE_VERBS | {"well"}
        ):
            return _the(clause[: word.start()]), clause[word.start() :]
    return None


def _the(subject: str) -> str:
    return re.sub(r"^(?:the|The)\s+", "", subject.strip())


def _starts_with_verb(words: list[str], strict: bool = True) -> bool:
    i = 0
    while (
        i < len(words)
        and (words[i].lower() in ADVERBS or _ly_adverb(words[i].lower()))
        and words[i].lower() != "well"
    ):
        i += 1
    if i >= len(words):
        return False
    word = words[i].lower()
    if word == "well" and i + 1 < len(words):
        return words[i + 1].lower() in VERBS
    if word not in VERBS:
        return False
    if strict and word in NOUN_LIKE_VERBS:
        # "master core technologies" is a verb with its object; "design and manufacture" is not
        nxt = words[i + 1].lower() if i + 1 < len(words) else ""
        return (
            nxt in DETERMINERS
            or nxt in PARTICLES
            or nxt.endswith("ing")
            or (nxt not in _NOT_OBJECT and nxt.isalpha())
        )
    return True


_NOT_OBJECT = {"and", "or", "of", "for", "to", "in", "on", "with", "at", "by", "as", "from", ""}
_NOT_VERB = {
    "the", "a", "an", "all", "its", "their", "his", "her", "this", "these", "those", "each",
    "every", "some", "any", "other", "our", "your", "my", "be", "date", "day", "year", "end",
}  # fmt: skip


def _infinitive(words: list[str]) -> bool:
    """After "asked X to", a lower-case word that is no determiner or plural noun is the verb
    even when the lexicon does not know it ("urged it to pioneer in ...")."""
    i = 0
    while i < len(words) and (words[i].lower() in ADVERBS or _ly_adverb(words[i].lower())):
        i += 1
    if i >= len(words):
        return False
    word = words[i]
    return (
        word.isalpha()
        and word.islower()
        and word not in _NOT_VERB
        and not word.endswith(("s", "ing", "ed", "tion", "ment", "ness", "ity"))
    )


def _ly_adverb(word: str) -> bool:
    return word.endswith("ly") and word not in VERBS and word not in {"family", "assembly"}


def _gerund_to_base(text: str) -> str:
    match = re.match(r"(\s*(?:(?:\w+ly|also|further)\s+)*)(\w+ing)\b", text)
    if match:
        return match.group(1) + base_of_gerund(match.group(2)) + text[match.end() :]
    return text


# --- actions ----------------------------------------------------------------------------------

_BOUNDARY = re.compile(
    r"\s*,\s*(?:and\s+|as\s+well\s+as\s+|while\s+|but\s+also\s+|and\s+at\s+the\s+same\s+time\s*,?\s+)?(?:also\s+)?(?:to\s+)?"
    r"|\s+(?:and\s+at\s+the\s+same\s+time\s*,?|as\s+well\s+as|while|and)\s+(?:also\s+)?(?:to\s+)?"
    r"|\s*;\s*(?:and\s+)?"
)
_INNER_TO = re.compile(r"\s(?:to|for)\s+\w+(?:\s+\w+)?\s+to\s+\w+$|\sto\s+\w+$")
_SAID = re.compile(
    r"[,\"']*\s*(?:he|she|the\s+[\w\s]{1,30}?|[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,5})\s+"
    r"(?:said|stressed|emphasi[sz]ed|noted|added|affirmed|underlined|highlighted|stated|requested|asked|urged)"
    r"(?:\s+\w+){0,3}?[.\s]*$"
)
_TRAIL = re.compile(r"[\s.;:,!\"')]+$")


def split_actions(text: str) -> list[str]:
    """'to A, B and C' -> [A, B, C] where B and C start with a verb; 'A as well as NP' -> two."""
    text = _TRAIL.sub("", text.strip())
    text = re.sub(r"^(?:to\s+)", "", text)
    if text.lower().startswith(("that ", "the ")) and not _starts_with_verb(
        re.findall(r"[\w'-]+", text[:60])
    ):
        return []
    pieces: list[str] = []
    current_start = 0
    for match in _BOUNDARY.finditer(text):
        if match.start() < current_start or match.end() >= len(text):
            continue
        if text[: match.start()].count("(") > text[: match.start()].count(")"):
            continue
        sep = match.group().strip().lower()
        words = re.findall(r"[\w'-]+", text[match.end() : match.end() + 60])
        if not words:
            continue
        first = words[0].lower()
        kind = "while" if "while" in sep else "as well as" if "as well as" in sep else "plain"
        if kind == "while":
            base_word = base_of_gerund(first)
            if first.endswith("ing") and base_word in VERBS:
                pieces.append(text[current_start : match.start()])
                current_start = match.end()
                pieces.append(None)  # marker: next piece is a gerund
            continue
        if _starts_with_verb(words, strict=True) and not first.endswith("ing"):
            if (
                kind == "plain"
                and "," not in sep
                and _INNER_TO.search(text[current_start : match.start()])
            ):
                continue  # "for the sector to develop and integrate": inside the inner clause
            pieces.append(text[current_start : match.start()])
            current_start = match.end()
            continue
        if kind == "as well as" and not first.endswith("ing"):
            previous = text[current_start : match.start()]
            head = _verb_head(previous)
            if head:
                pieces.append(previous)
                pieces.append(("distribute", head))
                current_start = match.end()
    pieces.append(text[current_start:])
    out: list[str] = []
    gerund_next = False
    pending_head = None
    for piece in pieces:
        if piece is None:
            gerund_next = True
            continue
        if isinstance(piece, tuple):
            pending_head = piece[1]
            continue
        piece = _TRAIL.sub("", _SAID.sub("", piece.strip()))
        piece = re.sub(r"^(?:also|further|then)\s+", "", piece, flags=re.IGNORECASE)
        if not piece:
            continue
        if gerund_next:
            piece = _gerund_to_base(piece)
            gerund_next = False
        if pending_head:
            piece = f"{pending_head} {piece}"
            pending_head = None
        out.append(piece)
    return [p for p in out if p]


def _verb_head(action: str) -> str | None:
    words = action.split()
    out = []
    for word in words:
        lower = word.lower()
        if not out and (lower in ADVERBS or _ly_adverb(lower)) and lower != "well":
            continue
        out.append(word)
        if len(out) == 1:
            if lower not in VERBS:
                return None
            continue
        if lower in PARTICLES:
            continue
        out.pop()
        break
    return " ".join(out) if out else None


# --- addressees -------------------------------------------------------------------------------


def _need_addressee(ctx, state, sentence, position):
    """'stressed the need to ...' names no addressee: the body praised or named in the same
    sentence, else the body in focus."""
    orgs = [m for m in state.orgs_in(sentence.start, sentence.end) if m.name not in HIGHER_BODIES]
    if orgs:
        return orgs[0].name
    return state.focus


def _resolve(ctx, state, written: str | None, position: int) -> str | None:
    if not written:
        return None
    text = written.strip().strip(",").strip("\"'").strip()
    text = re.sub(r"^(?:also|further|then)\s+", "", text, flags=re.IGNORECASE)
    lower = text.lower()
    if lower in ("them", "they"):
        sentence = ctx.sentence_at(position)
        plural = list(_PLURAL_NP.finditer(ctx.text, sentence.start, position))
        if plural:
            return plural[-1].group(1)
    if lower in _PRONOUN:
        return state.focus or getattr(ctx, "host", None) or text
    # a person: their full name
    people = [
        (s, e, p) for s, e, p in ctx.person_mentions if position <= s < position + len(written) + 40
    ]
    definite = re.fullmatch(
        r"(?:the\s+)?(?:whole\s+|entire\s+)?(general\s+department|party\s+committee|department|service|ministry|corporation|company|group|institute|academy|factory|command|navy|force|committee|commission|unit|agency|region)",
        lower,
    )
    if definite:
        return _definite(ctx, state, definite.group(1).replace("  ", " ")) or _the(text)

    # "the general department's agencies" -> "agencies of the General Department of ..."
    owner = re.fullmatch(
        r"(?:the\s+)?(general\s+department|department|service|corporation|company|factory|institute|academy|navy|unit)'s\s+(.+)",
        text,
        re.IGNORECASE,
    )
    if owner:
        resolved = _definite(ctx, state, owner.group(1).lower())
        if resolved:
            return f"{owner.group(2)} of the {resolved}"

    # "the Party Committee of the general department": resolve the inner description
    def inner(match):
        resolved = _definite(ctx, state, match.group(1))
        return resolved or match.group(0)

    text = re.sub(
        r"\bthe\s+(general\s+department|department|service|corporation|unit)\b(?!\s+of)",
        inner,
        text,
    )
    # acronyms and written forms of known bodies -> full names
    from . import orgs as org_rules

    words = text.split()
    text = " ".join(
        org_rules.canonical_name(w)
        if re.fullmatch(r"[A-Z][A-Za-z&-]{1,8}", w) and org_rules.canonical_name(w) != w
        else w
        for w in words
    )
    text = org_rules.possessive_to_of(re.sub(r"^(?:the|The)\s+", "", text))
    if (
        people
        and len(text.split()) <= 8
        and any(p.name.split()[-1] in text for _s, _e, p in people)
    ):
        return people[0][2].name
    full = org_rules.canonical_name(text)
    return full


_PLURAL_NP = re.compile(
    r"\b(?:the\s+|all\s+|its\s+|their\s+)?((?:[\w-]+\s+){0,3}?(?:units|agencies|enterprises|factories|companies"
    r"|corporations|forces|localities|ministries|sectors|departments|institutes|schools|businesses))\b"
)


def definite(ctx, head: str) -> str | None:
    return _definite(ctx, None, head)


def _definite(ctx, state, head: str) -> str | None:
    heads = DEFINITE_HEADS.get(re.sub(r"\s+", " ", head.lower()), (head.lower(),))
    candidates = [
        m
        for m in ctx.org_mentions
        if any(h in m.name.lower() for h in heads)
        and m.name not in HIGHER_BODIES
        and "Party Committee" not in m.name
    ]
    if head.lower() == "party committee":
        candidates = [m for m in ctx.org_mentions if "party committee" in m.name.lower()]
    if not candidates:
        host = getattr(ctx, "host", None)
        return host if head.lower() in ("service", "unit") else None
    host = getattr(ctx, "host", None)
    if host and any(m.name == host for m in candidates):
        return host
    counts: dict[str, int] = {}
    for m in candidates:
        counts[m.name] = counts.get(m.name, 0) + 1
    return max(counts, key=lambda n: counts[n])
