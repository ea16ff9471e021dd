"""Word-level helpers shared by the importer steps: tokens, sentences, names.

Plain functions on strings, no state: tokenising for lexical similarity (lower
case, stop words dropped, a light suffix stemmer), sentence splitting that
knows common abbreviations, and capitalised-name spotting for tags and for the
splitter's "full name first, surname later" cue.
"""

import re

from stemming import porter2

STOPWORDS = frozenset(
    """
    a about above after again against all almost also although always am among an and another
    any are around as at away back be became because become been before being below between
    both but by can cannot could did do does doing done down during each either else enough
    even ever every few first for from further get gets getting given go goes going got had
    has have having he her here hers herself him himself his how however i if in into is it
    its itself just last least less like made make makes many may me might more most much must
    my myself near need neither never new next no nor not now of off often on once one only
    onto or other others otherwise our ours ourselves out over own per perhaps put quite rather
    really said same say says see seen set several shall she should since so some still such
    take than that the their theirs them themselves then there these they this those though
    through thus to too took two under until up upon us use used very via was way we well
    were what whatever when where whether which while who whom whose why will with within
    without would yet you your yours yourself year years time times told according added
    including three four five six seven eight nine ten mr mrs ms dr percent cent
    monday tuesday wednesday thursday friday saturday sunday week weeks today yesterday
    """.split()
)

_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*[A-Za-z]|[A-Za-z]")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr gen col lt sgt rep reps sen sens gov inc ltd co corp vs etc no u.s "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])")


def stem(word):
    """The word's Porter2 stem, the search index's rule (one stemmer for the project); a possessive
    's goes first: 'port's' and 'ports' are both 'port'."""
    if word.endswith("'s") or word.endswith("\u2019s"):
        word = word[:-2]
    return porter2.stem(word)


def tokens(text):
    """Content-word stems of ``text`` in order: lower case, no stop words, no digits."""
    out = []
    for word in _WORD_RE.findall(text.lower()):
        cached = _STEMS.get(word, False)
        if cached is False:
            cached = None if len(word) < 3 or word in STOPWORDS else stem(word)
            cached = None if cached in STOPWORDS else cached
            if len(_STEMS) < 200_000:
                _STEMS[word] = cached
        if cached:
            out.append(cached)
    return out


_STEMS = {}  # word -> stem, or None for a stop word: tokenising is the hot loop


def sentences(text):
    """Split a paragraph into sentences, keeping abbreviations like 'Mr.' whole."""
    parts = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        before = text[start:match.start()].rstrip("\"'\u201d\u2019)")
        last_word = before.rsplit(None, 1)[-1] if before.split() else ""
        if last_word.rstrip(".").lower() in _ABBREVIATIONS or re.fullmatch(r"(?:[A-Z]\.)+", last_word):
            continue
        parts.append(text[start:match.start()].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        parts.append(tail)
    return [p for p in parts if p]


# Capitalised words that open sentences or clauses rather than name things.
NOT_NAMES = frozenset(
    """
    A An The This That These Those It Its He She They We I You His Her Their Our My Your But
    And Or If In On At By For From To Of As With After Before When While Where Why How What
    Who Which There Here Then Now However Meanwhile Also Although Though Yet So Still Both
    Such Some Many Most Other Another One Two Three Four Five Six Seven Eight Nine Ten Last
    Next First Second Third New Under Over About Since During Despite Unlike Like Among
    Mr Mrs Ms Dr Sir Lord Lady Prof Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    January February March April May June July August September October November December
    According Currently Previously Earlier Later Today Yesterday Tomorrow Each Every All
    No Not Only Even Just Let Please Do Does Did Is Are Was Were Has Have Had Will Would
    Can Could Should Shall Might Must Through Into Until Upon Within Without Against Between
    """.split()
)
_NAME_WORD = r"(?:[A-Z][a-z]+(?:[-'][A-Za-z][a-z]+)?|[A-Z]{2,}[a-z]?|[A-Z][a-z]*[A-Z][a-z]+)"
_CONNECTOR = r"(?:of|and|the|for|de|van|von|&)"
NAME_RE = re.compile(
    rf"\b{_NAME_WORD}(?:\s+(?:{_CONNECTOR}\s+)?{_NAME_WORD})*\b"
)


def names(text):
    """Capitalised phrases of ``text`` ("Mao Ning", "Deep Space Exploration Laboratory").

    A phrase's leading words that only start sentences ("The", "When") are
    dropped, and trailing connectors are trimmed.
    """
    found = []
    for match in NAME_RE.finditer(text):
        words = match.group().split()
        while words and (words[0] in NOT_NAMES or words[0].lower() in ("of", "and", "the", "for", "&")):
            words.pop(0)
        while words and words[-1] in ("of", "and", "the", "for", "de", "van", "von", "&"):
            words.pop()
        for part in _split_at_and(words):
            titles = [i for i, w in enumerate(part[:-1]) if w in TITLES]
            if titles:
                part = part[titles[-1] + 1:]
            if part:
                found.append(" ".join(part))
    return found


def _split_at_and(words):
    """'CK Hutchison and BlackRock' is two names; 'Ministry of Science and Technology' is one."""
    if "and" not in words or "of" in words[: words.index("and")]:
        return [words]
    index = words.index("and")
    return [words[:index]] + _split_at_and(words[index + 1:])


# Titles before a name: "US President Donald Trump" -> "Donald Trump".
TITLES = frozenset(
    """President Premier Chancellor Minister Secretary Chairman Chairwoman Governor King Queen
    Prince Princess Pope General Senator Judge Mayor Ambassador Spokesperson Spokesman
    Spokeswoman Director Professor Coach Captain Justice Sheriff Striker Midfielder Defender
    Goalkeeper Manager Boss Chief Executive Singer Actor Actress Star Rapper Author Leader
    Officer Detective Inspector Analyst Economist Designer Founder Chairperson Veteran""".split()
)
