"""Text analysis and the query plan, and the field and query data handed to the browser.

Twin of ``theme/static/js/search-engine.js``: documents and queries go through
:func:`analyze` here and there, from the same data (stop words, fields, boosts),
which the manifest hands to the browser, and the same stemming algorithm
(Porter2, the original Snowball English: PyPI `stemming` here, npm `porter2`
there; the agreement test runs every index term through both).
"""

import functools
import re
import sys
import unicodedata

from lunr.stop_word_filter import WORDS as LUNR_STOP_WORDS
from stemming import porter2

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
# How the browser corrects a misspelt query word against the archive's written
# words (see docs/search.md, "Typos"):
# - minLength: shorter words are never corrected (too many neighbours);
# - twoEditsFrom: words this long may be two edits away ("tarrifs"), shorter ones one;
# - fewDocs: a word found in fewer articles than this is corrected too (a rare
#   misspelling in the archive must not hide the word meant); corrections must
#   be found in more articles than the word itself;
# - candidates: the corrections kept per word, the nearest, then the most frequent;
# - boost: a correction's weight against a word as written.
CORRECTION = {"minLength": 4, "twoEditsFrom": 7, "fewDocs": 3, "candidates": 3, "boost": 0.5}
# The longest index term, in characters (code points): a longer word, and a title's
# whole-title term, are cut to their first TERM_MAX. Words that long are data
# (a hash, a URL, base64) or an attack, and every cost of a term (the build's
# prefix clauses, lunr.js's token set, the word list) grows with its length;
# cut rather than dropped, the same long word in a query still finds them.
TERM_MAX = 64

# A word: letters and digits, joined by inner apostrophes, dots and hyphens
# ("don't", "u.s", "3.5", "e-mail"), and digit groups joined by commas ("2,850").
# The same expression in search-engine.js (\p{L}\p{N} there for [^\W_] here).
_TOKEN_RE = re.compile(r"[^\W_]+(?:(?:['.\-\u2010\u2011]|(?<=[0-9]),(?=[0-9]{3}(?![0-9])))[^\W_]+)*")
_HYPHENS_RE = re.compile(r"[\-\u2010\u2011]")
_INITIALS_RE = re.compile(r"[^\W\d_](?:\.[^\W\d_])+")  # letters: "3.5" is a number
_STOP = frozenset(STOP_WORDS)
# Words made of letters only are corrections: a number or a code ("a380") is no typo of another.
_LETTERS_RE = re.compile(r"[^\W\d_]+")


def _joined(segment):
    """A hyphen-free piece of a word as one term: "u.s" -> "us", "2,850" -> "2850", "3.5" stays."""
    segment = segment.replace(",", "")
    return segment.replace(".", "") if _INITIALS_RE.fullmatch(segment) else segment


def tokens(text):
    """The words of ``text`` as (word, parts, acronym) triples.

    ``word`` is lower-cased, without a possessive 's, its hyphens and the dots
    of initials removed ("e-mail" -> "email", "U.S." -> "us"); ``parts`` are
    the pieces of a hyphenated word (indexed too: "e-mail" is found by "mail"),
    else empty; ``acronym`` says the word was written in capitals or initials
    ("US", "U.S."), which are never stop words.
    """
    found = map(_token, _raw_tokens(text))
    return [token for token in found if token]


def _raw_tokens(text):
    """The tokens of ``text`` as written, each cut to TERM_MAX characters."""
    return [token[:TERM_MAX] for token in _TOKEN_RE.findall(unicodedata.normalize("NFC", text).replace("\u2019", "'"))]


# Per distinct token (an archive repeats each thousands of times), cached: the
# analysis of every article was several times slower without.
@functools.lru_cache(maxsize=500_000)
def _token(token):
    """(word, parts, acronym) of one token (see :func:`tokens`), None when nothing is left of it."""
    # Cut again: lower case may be longer ("İ" is two characters).
    lower = token.lower()[:TERM_MAX]
    segments = [strip_possessive(_joined(segment)) for segment in _HYPHENS_RE.split(strip_possessive(lower))]
    word = "".join(segments)
    if not word:
        return None
    acronym = len(word) > 1 and (token.upper() == token != lower or "." in lower and "." not in word)
    return word, tuple(segment for segment in segments if segment) if len(segments) > 1 else (), acronym


@functools.lru_cache(maxsize=500_000)
def _token_terms(token):
    """The index terms of one token: its word's, then its parts' (stop words dropped)."""
    found = _token(token)
    if not found:
        return ()
    word, parts, acronym = found
    return tuple(filter(None, (term(piece, acronym) for piece in (word, *parts))))


def words(text):
    """Lower-cased words of ``text`` (see :func:`tokens`)."""
    return [word for word, _, _ in tokens(text)]


def correctable(word):
    """Whether a written word (see :func:`words`) is one that a misspelt query word may be corrected to."""
    return len(word) >= CORRECTION["minLength"] - 1 and word not in _STOP and _LETTERS_RE.fullmatch(word) is not None


def strip_possessive(word):
    return word[:-2] if word.endswith("'s") else word


@functools.lru_cache(maxsize=200_000)
def stem(word):
    """The Porter2 (Snowball English) stem of a lower-case word: the `porter2` npm package's in the browser."""
    return porter2.stem(word)


def term(word, acronym=False):
    """The index term of a word, None for a stop word."""
    return None if word in _STOP and not acronym else sys.intern(stem(word))


def analyze(text):
    """Index terms of ``text``: each word's (see :func:`tokens`), then its parts', stop words dropped."""
    terms = []
    for token in _raw_tokens(text):
        terms += _token_terms(token)
    return terms


def title_term(text):
    """The whole-title term of ``text`` (the ``fulltitle`` field's, a query's title clause), None if empty."""
    return " ".join(analyze(text))[:TERM_MAX] or None


def plan_query(text, prefix_min=DEFAULTS["prefix_min"]):
    """What to look up for a query: per word its term and, for the last word, its prefix.

    Returns {"words": [{"term": str|None, "prefix": str|None}], "title": str|None}.
    """
    raw = tokens(text)
    planned = []
    for position, (word, _, acronym) in enumerate(raw):
        last = position == len(raw) - 1
        found = term(word, acronym)
        # The stem: the index holds stems ("talked" is found as "talk"), and a
        # common prefix has its results stored under its word's stem.
        prefix = stem(word) if last and len(word) >= prefix_min else None
        if found or prefix:
            planned.append({"term": found, "prefix": prefix})
    return {"words": planned, "title": title_term(text)}
