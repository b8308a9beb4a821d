"""Words of the sector that the extraction rules use: ranks and their written forms, titles,
well-known bodies and their acronyms, the verbs of directives, Vietnamese family names.

The canonical ranks come from `dimis.org.ranks` (the same lexicon the Rank records use).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from dimis.org.ranks import RANKS

# --- ranks ------------------------------------------------------------------------------------

# canonical English rank -> the written forms seen in English reports (besides the canonical one)
_EXTRA_RANK_FORMS = {
    "General": ["Gen.", "Gen", "Army General", "Four-star General"],
    "Senior Lieutenant General": [
        "Sr. Lt. Gen.", "Sr Lt Gen", "Sr. Lt Gen", "Snr. Lt. Gen.", "Snr Lt Gen", "Sen. Lt. Gen.",
        "Sen Lt Gen", "Senior Lt. Gen.", "Senior Lt Gen", "Senior Lieut. Gen.", "Sr. Lieut. Gen.",
        "Colonel General", "Col. Gen.", "Col Gen", "Senior Lieutenant-General", "Sr. Lt. General",
        "Senior Lt. General", "Senior Lieutenant Gen.",
    ],
    "Lieutenant General": [
        "Lt. Gen.", "Lt Gen", "Lt. Gen", "Lieut. Gen.", "Lieutenant-General", "Lt. General",
        "Lieutenant Gen.", "Lt-Gen", "Lt.-Gen.",
    ],
    "Major General": [
        "Maj. Gen.", "Maj Gen", "Maj. Gen", "Major-General", "Maj. General", "Major Gen.",
        "Maj-Gen", "Maj.-Gen.",
    ],
    "Senior Colonel": ["Sr. Col.", "Sr Col", "Snr. Col.", "Snr Col", "Sen. Col.", "Senior Col."],
    "Colonel": ["Col.", "Col"],
    "Lieutenant Colonel": ["Lt. Col.", "Lt Col", "Lieut. Col.", "Lieutenant-Colonel", "Lt-Col"],
    "Major": ["Maj."],
    "Admiral": ["Adm.", "Adm"],
    "Vice Admiral": ["Vice Adm.", "Vice Adm", "V. Adm.", "VAdm.", "VAdm", "Vice-Admiral", "V.Adm."],
    "Rear Admiral": ["Rear Adm.", "Rear Adm", "R. Adm.", "RAdm.", "RAdm", "Rear-Admiral", "R.Adm."],
    "Captain": ["Capt.", "Capt"],
    "Senior Lieutenant": ["Sr. Lt.", "Snr. Lt."],
    "Lieutenant": ["Lt.", "Lieut."],
}  # fmt: skip

RANK_FORMS: dict[str, str] = {}  # written form (lower case) -> canonical rank
for _code, _vi, _en, _abbr, _service, _level, _aliases in RANKS:
    for _form in [_en, _abbr, *_aliases, *_EXTRA_RANK_FORMS.get(_en, [])]:
        RANK_FORMS.setdefault(_form.lower(), _en)
RANK_FORMS["colonel general"] = "Senior Lieutenant General"
RANK_LEVEL = {_en: _level for _code, _vi, _en, _abbr, _service, _level, _aliases in RANKS}

# --- abbreviations the tokenizer keeps whole (so "Sr. Lt. Gen." and "No." end no sentence) -----

ABBREVIATIONS = sorted(
    {
        *(p for form in RANK_FORMS for p in form.split() if p.endswith(".")),
        "No.", "Nos.", "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Assoc.", "Sen.", "Snr.", "Sr.",
        "Jr.", "St.", "Dept.", "Gov.", "Corp.", "Co.", "Ltd.", "Inc.", "Jsc.", "JSC.", "Art.",
        "Vol.", "Cl.", "Para.", "Cdr.", "Cmdr.", "Brig.", "Lieut.", "Capt.", "Adm.", "VAdm.",
        "RAdm.", "Maj.", "Col.", "Gen.", "Lt.", "V.", "R.", "Jan.", "Feb.", "Aug.",
        "Sept.", "Sep.", "Oct.", "Nov.", "Dec.", "approx.", "vs.", "e.g.", "i.e.", "etc.",
    }
)  # fmt: skip
# Abbreviations that may still end a sentence when a capital follows.
CAN_END_SENTENCE = {"etc.", "co.", "ltd.", "inc.", "corp.", "jsc."}

# --- titles -----------------------------------------------------------------------------------

MND = "Ministry of National Defense"
VPA = "Vietnam People's Army"
CMC = "Central Military Commission"
GDDI = "General Department of Defense Industry"

_DEF = r"(?:national\s+)?defen[cs]e"
# (pattern, canonical title, org) for titles that name their body themselves.
FIXED_TITLES = [
    (rf"(?:deputy|vice)[\s-]+{_DEF}\s+ministers?|(?:deputy|vice)[\s-]+ministers?\s+of\s+(?:the\s+)?{_DEF}"
     rf"|(?:deputy|vice)[\s-]+ministers?\s+of\s+(?:the\s+)?ministry\s+of\s+{_DEF}",
     "Deputy Minister of National Defense", MND),
    (rf"{_DEF}\s+ministers?|ministers?\s+of\s+(?:the\s+)?{_DEF}",
     "Minister of National Defense", MND),
    (r"deputy\s+chiefs?\s+of\s+(?:the\s+)?general\s+staff", "Deputy Chief of the General Staff", VPA),
    (r"chiefs?\s+of\s+(?:the\s+)?general\s+staff", "Chief of the General Staff", VPA),
    (r"(?:deputy|vice)\s+prime\s+ministers?", "Deputy Prime Minister", "Government"),
    (r"prime\s+ministers?|(?-i:PM)", "Prime Minister", "Government"),
    (r"politburo\s+members?|members?\s+of\s+the\s+politburo", "Member of the Politburo", "Politburo"),
    (r"general\s+secretary\s+of\s+the\s+(?:communist\s+)?party(?:\s+central\s+committee)?"
     r"|party\s+general\s+secretary|party\s+chief", "General Secretary", "Communist Party of Vietnam"),
    (r"(?:state\s+)?president\s+of\s+(?:the\s+)?(?:state|country|socialist\s+republic\s+of\s+viet\s?nam)"
     r"|state\s+president", "President", "State"),
]  # fmt: skip

# Heads of generic titles ("Political Commissar of X", "X Director"), longest first.
TITLE_HEADS = sorted(
    """minister;director general;general director;director;deputy director;commander;
    political commissar;commissar;chief of staff;chief inspector;inspector general;chief;head;
    chairman;chairwoman;chairperson;chair;president;secretary;party secretary;principal;rector;
    commandant;inspector;manager;general manager;ceo;chief executive officer;member;spokesperson;
    spokesman;ambassador;attache;defense attache;permanent member;standing member;
    vice chairman;vice president;editor-in-chief;governor;mayor""".replace("\n", "").split(";"),
    key=len,
    reverse=True,
)
TITLE_HEADS = [h.strip() for h in TITLE_HEADS if h.strip()]
TITLE_MODIFIERS = r"(?:(?:deputy|vice|acting|standing|first|permanent|assistant|former)[\s-]+)*"

# --- organisations ----------------------------------------------------------------------------

# canonical name -> other written forms and acronyms (acronyms in upper case as written)
ORGS = {
    MND: ["Ministry of National Defence", "Ministry of Defense", "Ministry of Defence",
          "Defense Ministry", "Defence Ministry", "National Defense Ministry",
          "National Defence Ministry", "MND", "MoND", "MOND", "MoD"],
    CMC: ["Central Military Party Commission", "Central Military Committee", "CMC"],
    GDDI: ["General Department of Defence Industry", "Defense Industry General Department",
           "Defence Industry General Department", "GDDI"],
    VPA: ["Viet Nam People's Army", "Vietnamese People's Army", "People's Army of Vietnam",
          "People's Army of Viet Nam", "VPA", "PAVN"],
    "General Staff": [],
    "General Department of Politics": ["General Political Department", "GDP", "GPD"],
    "General Department of Technical Services": ["General Department of Technology",
                                                 "General Department of Technical", "GDT", "GDTS"],
    "General Department of Logistics": ["GDL"],
    "General Department of Logistics and Technology": ["General Department of Logistics - Technology",
                                                       "General Department of Logistics-Engineering"],
    "General Department II": ["General Department of Defence Intelligence",
                              "General Department of Defense Intelligence"],
    "Government": ["Vietnamese Government", "Government of Vietnam"],
    "National Assembly": ["NA"],
    "Politburo": ["Political Bureau"],
    "Party Central Committee": ["Central Committee of the Communist Party of Vietnam",
                                "Communist Party of Vietnam Central Committee"],
    "Communist Party of Vietnam": ["CPV"],
    "Vietnam People's Navy": ["Viet Nam People's Navy", "Navy", "VPN"],
    "Air Defence - Air Force Service": ["Air Defense - Air Force Service", "Air Defence-Air Force",
                                        "Air Defense-Air Force", "AD-AF"],
    "Border Guard": ["Border Guard Command", "Border Guards"],
    "Vietnam Coast Guard": ["Coast Guard"],
    "Ministry of Public Security": ["MPS"],
    "Ministry of Industry and Trade": ["MoIT", "MOIT"],
    "Ministry of Science and Technology": ["MoST", "MOST"],
    "Ministry of Planning and Investment": ["MPI"],
    "Ministry of Finance": ["MoF", "MOF"],
    "Viettel Military Industry and Telecoms Group": ["Viettel", "Viettel Group",
                                                     "Military Industry and Telecoms Group"],
    "Academy of Military Science and Technology": ["AMST"],
    "Institute of Military Science and Technology": ["IMST"],
}  # fmt: skip
# Written forms of bodies that are not scored as organisations alone ("the Party", "State").
NOT_ORGS = {"party", "state", "army", "military", "vietnam", "viet nam", "sector"}
# Bodies above the sector: a pronoun or "the unit" does not refer to them.
HIGHER_BODIES = {
    MND, CMC, VPA, "Government", "National Assembly", "Politburo", "Party Central Committee",
    "Communist Party of Vietnam", "State",
}  # fmt: skip
ORG_HEADS = {
    "ministry", "department", "commission", "committee", "corporation", "company", "institute",
    "academy", "university", "school", "college", "factory", "group", "army", "navy", "force",
    "forces", "command", "office", "staff", "government", "assembly", "agency", "administration",
    "center", "centre", "bureau", "region", "zone", "inspectorate", "union", "association",
    "council", "board", "service", "services", "guard", "guards", "corps", "division", "brigade",
    "regiment", "fleet", "shipyard", "enterprise", "plant", "directorate", "politburo",
    "secretariat", "club", "federation", "bank", "authority", "court", "procuracy", "cabinet",
}  # fmt: skip
# "the department" -> an organisation whose name has one of these words.
DEFINITE_HEADS = {
    "general department": ("general department",),
    "department": ("department",),
    "service": ("general department", "service", "force", "navy", "guard", "command"),
    "ministry": ("ministry",),
    "corporation": ("corporation",),
    "company": ("company",),
    "group": ("group",),
    "institute": ("institute",),
    "academy": ("academy",),
    "factory": ("factory", "plant"),
    "command": ("command",),
    "navy": ("navy",),
    "force": ("force",),
    "committee": ("committee",),
    "party committee": ("party committee",),
    "commission": ("commission",),
    "unit": ("general department", "department", "corporation", "company", "factory", "command",
             "institute", "academy", "group", "force", "navy", "region", "division", "brigade"),
    "agency": ("department", "agency", "office", "administration"),
    "region": ("region", "zone"),
}  # fmt: skip

# --- documents --------------------------------------------------------------------------------

DOCUMENT_KINDS = {
    "resolution": "resolution", "resolutions": "resolution", "directive": "directive",
    "directives": "directive", "conclusion": "conclusion", "conclusions": "conclusion",
    "decision": "decision", "decisions": "decision", "law": "law", "ordinance": "ordinance",
    "regulation": "regulation", "regulations": "regulation", "plan": "plan", "plans": "plan",
    "program": "program", "programme": "program", "action program": "program",
    "action programme": "program", "decree": "other", "circular": "other", "notice": "other",
    "instruction": "other", "guidance": "other", "strategy": "other", "project": "other",
    "official dispatch": "other", "dispatch": "other",
}  # fmt: skip
# Body codes of Vietnamese document numbers -> kind.
CODE_KINDS = {
    "NQ": "resolution", "CT": "directive", "KL": "conclusion", "QD": "decision", "QĐ": "decision",
    "KH": "plan", "CTR": "program", "CTRHD": "program", "ND": "other", "NĐ": "other",
    "TT": "other", "TB": "other", "HD": "other", "HĐ": "other", "QH": "law", "L": "law",
    "UBTVQH": "ordinance", "PL": "ordinance", "QC": "regulation", "QUY": "regulation",
}  # fmt: skip

# --- verbs ------------------------------------------------------------------------------------

# Base forms of verbs that start the actions of directives in such reports.
VERBS = set(
    [
        "accelerate",
        "accomplish",
        "analyse",
        "analyze",
        "apply",
        "attend",
        "achieve",
        "actively",
        "adapt",
        "address",
        "adhere",
        "adjust",
        "advance",
        "advise",
        "allocate",
        "apply",
        "arrange",
        "assess",
        "assign",
        "attach",
        "attract",
        "avoid",
        "balance",
        "boost",
        "build",
        "calculate",
        "call",
        "carry",
        "cement",
        "clarify",
        "closely",
        "collaborate",
        "combine",
        "complete",
        "comply",
        "concentrate",
        "concretize",
        "concretise",
        "conduct",
        "consider",
        "consolidate",
        "continue",
        "contribute",
        "control",
        "cooperate",
        "coordinate",
        "create",
        "cultivate",
        "deal",
        "deepen",
        "define",
        "deliver",
        "deploy",
        "design",
        "determine",
        "develop",
        "devise",
        "diversify",
        "do",
        "draft",
        "drastically",
        "effectively",
        "encourage",
        "endeavor",
        "endeavour",
        "enhance",
        "enlarge",
        "ensure",
        "establish",
        "evaluate",
        "examine",
        "expand",
        "expedite",
        "exploit",
        "export",
        "facilitate",
        "finalize",
        "finalise",
        "fix",
        "focus",
        "follow",
        "forecast",
        "form",
        "formulate",
        "foster",
        "fulfil",
        "fulfill",
        "further",
        "gain",
        "give",
        "grasp",
        "guarantee",
        "guide",
        "handle",
        "harmonize",
        "help",
        "hold",
        "identify",
        "implement",
        "improve",
        "increase",
        "innovate",
        "inspect",
        "integrate",
        "intensify",
        "invest",
        "issue",
        "join",
        "keep",
        "launch",
        "lead",
        "learn",
        "maintain",
        "make",
        "manage",
        "master",
        "maximize",
        "mobilise",
        "mobilize",
        "modernize",
        "modernise",
        "monitor",
        "motivate",
        "nurture",
        "observe",
        "obtain",
        "optimize",
        "optimise",
        "organize",
        "organise",
        "overcome",
        "participate",
        "pay",
        "perfect",
        "perform",
        "persist",
        "place",
        "plan",
        "popularize",
        "pay",
        "prepare",
        "prevent",
        "prioritize",
        "prioritise",
        "proactively",
        "produce",
        "promote",
        "propose",
        "protect",
        "provide",
        "pursue",
        "push",
        "raise",
        "reach",
        "realize",
        "realise",
        "receive",
        "recommend",
        "reduce",
        "refine",
        "reform",
        "reinforce",
        "remain",
        "renew",
        "renovate",
        "reorganize",
        "reorganise",
        "repair",
        "report",
        "research",
        "resolve",
        "respond",
        "restructure",
        "review",
        "revise",
        "rigorously",
        "satisfy",
        "seek",
        "seize",
        "select",
        "set",
        "settle",
        "share",
        "show",
        "simplify",
        "speed",
        "standardize",
        "standardise",
        "start",
        "step",
        "stick",
        "strengthen",
        "streamline",
        "strictly",
        "strive",
        "study",
        "submit",
        "successfully",
        "summarize",
        "summarise",
        "supervise",
        "supply",
        "support",
        "sustain",
        "synchronize",
        "take",
        "thoroughly",
        "tighten",
        "train",
        "transfer",
        "transform",
        "uphold",
        "update",
        "upgrade",
        "use",
        "utilise",
        "utilize",
        "well",
        "work",
        "widen",
        "win",
    ]
)
VERBS |= {
    "abide", "accept", "adopt", "cut", "prevent", "save", "test", "obey", "restore", "revise",
    "protect", "reduce", "diversify", "renovate", "restructure", "observe", "avoid", "handle",
    "regulate", "mobilize", "stabilize", "digitize", "digitalise", "digitalize", "apply", "link",
    "boost", "scale", "accelerate", "disburse", "approve", "rectify", "correct", "overhaul",
}  # fmt: skip
# Verbs that are also common nouns: they start a new action only before an object.
NOUN_LIKE_VERBS = {
    "research", "study", "review", "plan", "support", "control", "use", "export", "design",
    "transfer", "supply", "repair", "report", "form", "work", "push", "help", "start", "set",
    "guide", "update", "upgrade", "launch", "increase", "balance", "deal", "fix", "show", "place",
    "master", "issue", "call", "step", "focus", "share", "lead", "hold", "raise", "speed",
    "renew", "reform", "train", "test", "win", "gain", "seek", "keep", "remain", "well",
    "advance", "invest", "manage", "develop", "maintain",
}  # fmt: skip
# Particles that belong to phrasal verbs ("speed up", "carry out", "focus on").
PARTICLES = {"up", "out", "on", "forward", "over", "in", "into", "ahead", "off"}
ADVERBS = {
    "also", "further", "then", "still", "always", "continuously", "constantly", "resolutely",
    "urgently", "proactively", "actively", "effectively", "strictly", "closely", "thoroughly",
    "promptly", "seriously", "successfully", "well", "comprehensively", "synchronously",
    "drastically", "firmly", "quickly", "fully", "timely", "better", "both", "not", "soon",
}  # fmt: skip
DETERMINERS = {
    "the", "a", "an", "its", "their", "his", "her", "all", "more", "new", "our", "this", "these",
    "those", "each", "every", "any", "some", "such", "other", "key", "good", "due", "close",
    "high", "higher", "strong", "special", "great", "greater", "modern", "advanced", "timely",
    "well", "much", "further", "closer",
}  # fmt: skip

_DOUBLED = re.compile(r"([bdgmnprt])\1$")


def base_of_gerund(word: str) -> str:
    """'making' -> 'make', 'speeding' -> 'speed', 'stepping' -> 'step'; other words unchanged."""
    lower = word.lower()
    if not lower.endswith("ing") or len(lower) < 5:
        return word
    stem = lower[:-3]
    candidates = [stem, stem + "e"]
    if _DOUBLED.search(stem):
        candidates.insert(0, stem[:-1])
    if stem.endswith("y"):
        candidates.append(stem[:-1] + "ie")
    for candidate in candidates:
        if candidate in VERBS:
            return candidate
    if stem.endswith(_NEEDS_E):
        return stem + "e"
    return stem


_NEEDS_E = ("z", "v", "c", "dg", "rg", "at", "ut", "ur", "ir", "os", "ys", "bl", "pl", "tl", "gl")


# Family names: a capitalised sequence starting with one is a name even without a rank.
SURNAMES = set(
    [
        "nguyen",
        "tran",
        "le",
        "pham",
        "hoang",
        "huynh",
        "phan",
        "vu",
        "vo",
        "dang",
        "bui",
        "do",
        "ho",
        "ngo",
        "duong",
        "ly",
        "luong",
        "phung",
        "trinh",
        "dinh",
        "doan",
        "mai",
        "ta",
        "lam",
        "truong",
        "cao",
        "ha",
        "lai",
        "chu",
        "quan",
        "thai",
        "kieu",
        "tong",
        "hua",
        "dao",
        "trieu",
        "khuat",
        "luu",
        "nghiem",
        "vuong",
        "kim",
        "thach",
        "la",
        "giap",
        "lu",
        "tieu",
        "chau",
        "an",
        "bach",
        "dam",
        "mac",
        "ong",
        "quach",
        "thieu",
        "van",
        "ninh",
    ]
)
# Capitalised words that never belong to a person's name.
NOT_NAME = {
    "the", "a", "an", "and", "of", "in", "on", "at", "to", "for", "by", "with", "from", "as",
    "general", "department", "ministry", "minister", "deputy", "director", "commander", "chief",
    "staff", "politburo", "member", "party", "committee", "commission", "central", "military",
    "national", "defense", "defence", "industry", "army", "navy", "people", "people's", "vietnam",
    "viet", "state", "government", "president", "secretary", "head", "chairman", "lieutenant",
    "senior", "major", "colonel", "admiral", "vice", "rear", "political", "commissar", "he", "she",
    "it", "they", "this", "that", "these", "speaking", "concluding", "regarding", "according",
    "also", "during", "after", "before", "mr", "mrs", "ms", "dr", "prof", "gen", "lt",
    "sr", "col", "maj", "adm", "conference", "meeting", "resolution", "decision", "directive",
    "group", "corporation", "company", "institute", "academy", "office", "force", "forces",
    "region", "command", "service", "services", "air", "border", "guard", "coast", "hanoi",
    "city", "province", "january", "february", "march", "april",
    "may", "june", "july", "august", "september", "october", "november", "december", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "behalf",
    "delegates", "attending", "present", "attended", "chaired", "prime", "standing", "acting",
    "permanent", "assistant", "former", "first", "captain", "general's", "ceo", "hero",
    "generals", "admirals", "colonels", "later", "then", "meanwhile", "afterwards",
}  # fmt: skip


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case without Vietnamese diacritics: 'Nguyễn' -> 'nguyen', 'Đỗ' -> 'do'."""
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
    ).lower()
