"""Text analysis and the query plan, and the field and query data handed to the browser.

Twin of ``theme/static/js/search-engine.js``: documents and queries go through
:func:`analyze` here and there, from the same data (stop words, stemming
exceptions, fields, boosts), which the manifest hands to the browser.
"""

import re
import sys
import unicodedata

from lunr.stop_word_filter import WORDS as LUNR_STOP_WORDS

from .settings import DEFAULTS

REF = "id"
# Field name -> index-time boost. "fulltitle" holds the whole analyzed title
# as one term, so that a query equal to a title ranks that article first.
FIELDS = {"title": 10, "tags": 5, "topic": 2, "summary": 3, "body": 1, "fulltitle": 1}
WORD_FIELDS = ["title", "tags", "topic", "summary", "body"]
# The prefix of the word being typed is looked up in the short fields only:
# in the body a prefix matches thousands of articles and doubles the work.
PREFIX_FIELDS = ["title", "tags", "topic", "summary"]
TITLE_FIELD = "fulltitle"
# Query clause boosts: a whole word, the prefix of the word being typed, the
# whole query equal to a title.
QUERY = {"exactBoost": 10, "prefixBoost": 1, "titleBoost": 100}
STOP_WORDS = sorted(LUNR_STOP_WORDS)
# Words the plural stemmer must leave alone.
STEM_EXCEPTIONS = sorted(
    {"news", "series", "species", "politics", "economics", "physics", "athletics",
     "aids", "always", "perhaps", "whereas", "towards", "texas", "paris", "christmas"}
)

_TOKEN_RE = re.compile(r"[^\W_]+(?:['.][^\W_]+)*")
_STOP = frozenset(STOP_WORDS)
_EXCEPTIONS = frozenset(STEM_EXCEPTIONS)


def words(text):
    """Lower-cased words of ``text``: letters and digits, with inner ' and . kept."""
    text = unicodedata.normalize("NFC", text).lower().replace("\u2019", "'")
    return _TOKEN_RE.findall(text)


def strip_possessive(word):
    return word[:-2] if word.endswith("'s") else word


def stem(word):
    """A light plural stemmer (after Harman's S-stemmer): cities -> city, launches -> launch."""
    if len(word) <= 3 or word in _EXCEPTIONS:
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes", "zzes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "'s")):
        return word[:-1]
    return word


def analyze(text):
    """Index terms of ``text``: words without possessive 's and stop words, stemmed."""
    terms = []
    for word in words(text):
        word = strip_possessive(word)
        if word and word not in _STOP:
            # Interned: an archive repeats each term thousands of times.
            terms.append(sys.intern(stem(word)))
    return terms


def plan_query(text, prefix_min=DEFAULTS["prefix_min"]):
    """What to look up for a query: per word its term and, for the last word, its prefix.

    Returns {"words": [{"term": str|None, "prefix": str|None}], "title": str|None}.
    """
    raw = [strip_possessive(word) for word in words(text)]
    raw = [word for word in raw if word]
    planned = []
    for position, word in enumerate(raw):
        last = position == len(raw) - 1
        term = None if word in _STOP else stem(word)
        prefix = word if last and len(word) >= prefix_min else None
        if term or prefix:
            planned.append({"term": term, "prefix": prefix})
    title = " ".join(analyze(text)) or None
    return {"words": planned, "title": title}
