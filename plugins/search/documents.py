"""Articles as the index sees them: documents, their analyzed fields, what a result shows."""

import datetime
import hashlib
import re
import sys
from collections import Counter

import orjson

from archivist.html_text import html_to_text

from .analysis import analyze, correctable, title_term, words

# The key of a document's written words in its analysis (beside the lunr fields).
WRITTEN = "written"


def document(url, title, date, date_label, topic, tags, summary, body):
    """One article as the index sees it (plain strings; ``body`` is text, not HTML)."""
    return {
        "url": url, "title": title, "date": date, "dateLabel": date_label,
        "topic": topic, "tags": list(tags), "summary": summary, "body": body,
    }


def order(documents):
    """Newest first, then by URL: the position in this order is the document's ref."""
    return sorted(documents, key=lambda doc: (_neg_date(doc["date"]), doc["url"]))


def _neg_date(iso):
    # Sort descending by an ISO date string while the URL sorts ascending.
    return tuple(-ord(char) for char in iso)


def analyzed_fields(doc):
    """The lunr fields of a document, each a list of analyzed terms."""
    return {
        "title": analyze(doc["title"]),
        "tags": [term for tag in doc["tags"] for term in analyze(tag)],
        "topic": analyze(doc["topic"]),
        "summary": analyze(doc["summary"]),
        "body": analyze(doc["body"]),
        "fulltitle": list(filter(None, [title_term(doc["title"])])),
    }


def written_words(doc):
    """The distinct words of a document as written (lower case) that corrections may lead to."""
    texts = [doc["title"], doc["summary"], doc["body"], *doc["tags"]]
    return sorted(filter(correctable, {word for text in texts for word in words(text)}))


def analysis_of(doc):
    """What the index needs of a document: :func:`counted_fields` and its written words."""
    return {**counted_fields(analyzed_fields(doc)), WRITTEN: written_words(doc)}


def fingerprint(doc):
    """A content hash of what the analyzer reads (the key of the analysis cache)."""
    keyed = {key: doc[key] for key in ("title", "tags", "topic", "summary", "body")}
    return hashlib.sha256(orjson.dumps(keyed, option=orjson.OPT_SORT_KEYS)).hexdigest()


def count_terms(terms):
    """(length, {term: count}) of one field as lunr.py's Builder counts it: lower-cased terms in
    first-seen order. Interned: str.lower() makes a new string even of a lower-case term, and
    the copies of an archive's terms were most of the index's memory. A dict, not the Counter:
    the analysis cache pickles and loads plain dicts faster, and it is read on every build."""
    return len(terms), dict(Counter([sys.intern(term.lower()) for term in terms]))


def counted_fields(fields):
    """The fields of :func:`analyzed_fields` as the index builder counts them (what the analysis
    cache keeps: a rebuild then counts the terms of changed articles only)."""
    return {name: count_terms(terms) for name, terms in fields.items()}


def doc_entries(documents):
    """The document store: what a result shows, per document, in ref order."""
    keys = ("url", "title", "date", "dateLabel", "topic", "summary")
    return [{key: doc[key] for key in keys} for doc in documents]


_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)")


def excerpt(body, chars):
    """The start of ``body`` kept for snippets: at most ``chars`` characters.

    Cut after the last sentence end that fits, or at the last space when
    that sentence end comes before half of ``chars`` (a long first sentence).
    """
    if len(body) <= chars:
        return body
    head = body[:chars + 1]
    cut = max((match.end() for match in _SENTENCE_END.finditer(head)), default=0)
    if cut < chars // 2:
        cut = head.rfind(" ")
        if cut <= 0:
            cut = chars
    return body[:cut].rstrip()


def passages(documents, chars):
    """The body excerpt of each document (see :func:`excerpt`), in ref order."""
    return [excerpt(doc["body"], chars) for doc in documents]


def facets(documents, topics):
    """Topic of each document (index into ``topics``), [year, first ref, last ref] ranges and
    [year * 100 + month, first ref, last ref] ranges (refs are newest first, so a date range
    is a range of refs: the browser filters and sorts by date without loading any document)."""
    positions = {topic: number for number, topic in enumerate(topics)}
    doc_topics = [positions[doc["topic"]] for doc in documents]
    return doc_topics, _ranges(documents, lambda date: int(date[:4])), \
        _ranges(documents, lambda date: int(date[:4]) * 100 + int(date[5:7]))


def _ranges(documents, key):
    ranges = []
    for ref, doc in enumerate(documents):
        value = key(doc["date"])
        if ranges and ranges[-1][0] == value:
            ranges[-1][2] = ref
        else:
            ranges.append([value, ref, ref])
    return ranges


def analyze_all(documents, cache):
    """The analysis (:func:`analysis_of`) of each document, reusing ``cache``; returns
    (analyses, new cache)."""
    analyzed, fresh = [], {}
    for doc in documents:
        key = fingerprint(doc)
        fields = cache.get(key) or analysis_of(doc)
        fresh[key] = fields
        analyzed.append(fields)
    return analyzed, fresh


def article_document(article, body=None, summary=None):
    """The index document of a Pelican article (duck-typed: title, url, date, ...); ``body``
    and ``summary``: the text of their HTML if known."""
    return document(
        url=article.url,
        title=article.title,
        # datetime's own strftime: Pelican's SafeDatetime formats in Python, far slower.
        date=datetime.date.strftime(article.date, "%Y-%m-%d"),
        date_label=article.locale_date,
        topic=article.category.name,
        tags=[tag.name for tag in getattr(article, "tags", None) or []],
        summary=html_to_text(summary_html(article)) if summary is None else summary,
        body=html_to_text(article.content) if body is None else body,
    )


def summary_html(article):
    return getattr(article, "summary", "") or ""
