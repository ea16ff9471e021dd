"""Step 3 of the import: give an article its title, summary, topic, tags and date.

Pure functions of the article's paragraphs and a ``Context`` (topic profiles,
the archive's tags, the reference date, the source). Values given in the
input (JSON Lines fields) win over inferred ones; ``--category`` wins over the
topic model. See ``archivist.dates`` for the date rule and
``archivist.topics`` for the topic rule.

Title: the lead's first sentence made into a headline: an opening
subordinate clause ("When asked about ..., ") and appositions (", chief
designer of ..., ") are dropped, as are weekday and parenthesised asides and
the descriptors before a name that is the subject ("Chinese private space
start-up GalaxySpace demonstrated" -> "GalaxySpace demonstrated");
"X said that Y" becomes "Y, says X"; the first past-tense verb turns present
("called for" -> "Calls for"); the result is cut before a trailing function
word at 90 characters at most and put in Title Case.

Summary: the lead paragraph's sentences, as many as fit in 300 characters
(a first sentence longer than that is cut at its last comma or word that
fits, and ends with an ellipsis).

Tags: at least three (``tags.top_up``), even when the input gives fewer or
the text is short: then names and key phrases, then the topic and the source complete them.
"""

import dataclasses
import datetime
import re

from . import dates, tags, topics
from .words import sentences

TITLE_MAX = 90
SUMMARY_MAX = 300
_SMALL_WORDS = frozenset("a an the and but or nor for on at to by of in as vs via per from with up".split())
_OPENING_CLAUSE = re.compile(
    r"^(?:When|While|After|Before|As|Although|Though|Since|Amid|Despite|Following|In|At|On|"
    r"During|With|Speaking|Asked|Responding|According)\b[^,]{3,200}, (?=[A-Z\"\u201c])"
)
_APPOSITION = re.compile(
    r", (?:who|which|whose|where|a |an |the |also |chief |head |director |[a-z][\w'-]* of )[^,]*?,"
    r"|, (?:[A-Z][\w-]* ){0,3}[A-Z][\w-]*['\u2019]s (?:[\w-]+ ){0,3}[\w-]+,"
)
_ASIDES = re.compile(
    r"\s*\([^)]*\)|\s+on (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    r"|\s+(?:has|have) recently\b(?= \w+ed\b)|\s+recently\b|\s+(?:last|this) (?:week|month|year)\b"
)
# "Chinese private space start-up GalaxySpace demonstrated" -> "GalaxySpace demonstrated".
_DESCRIPTOR = re.compile(
    r"^(?:[A-Z][\w-]* )?(?:(?!(?:in|of|at|from|for|and|the)\b)[a-z][\w-]* ){1,4}"
    r"(?=[A-Z][\w-]*(?: [A-Z][\w-]*)* (?:has |have |had )?(?:[a-z]+ )?[a-z]+ed\b)"
)
_SAID_THAT = re.compile(r"^(?P<who>.{3,120}?) (?:said|says|told [^,]{2,60}?|stated)(?: that)? (?P<what>.+)$")
_NUMBERS = frozenset("two three four five six seven eight nine ten both many several some".split())
_BREAKS = (" and ", " to ", " with ", " after ", " for ", " amid ", ", ", " as ", " in ", " at ")
_TRAILING = frozenset(_SMALL_WORDS | {"its", "their", "his", "her", "this", "that", "which", "who", "is", "are", "was", "were", "be", "has", "have", "will", "would", "could", "said", "says"})


@dataclasses.dataclass(frozen=True)
class Context:
    """What enrichment needs to know about the archive and the import."""

    profiles: dict
    existing_tags: tuple
    reference_date: datetime.date
    source: str = ""
    category: str = None  # --category: forces the topic

    @classmethod
    def create(cls, archive_topics, existing, reference_date, source="", category=None):
        """Build a context; ``existing`` is a list of (category, tags, body text) of filed articles."""
        filed = {}
        all_tags = []
        for category_name, article_tags, text in existing:
            filed.setdefault(category_name, []).append(text)
            for tag in article_tags or ():
                if tag not in all_tags:
                    all_tags.append(tag)
        profiles = topics.build_profiles(archive_topics, filed)
        return cls(profiles, tuple(all_tags), reference_date, source, category)


def enrich(paragraphs, context, given=None):
    """Front matter for an article (without slug): inferred values under the ``given`` ones."""
    given = dict(given or {})
    texts = [p.text for p in paragraphs if not p.heading]
    body_text = "\n".join(texts)
    meta = {
        "title": given.get("title") or make_title(texts[0] if texts else ""),
        "date": dates.parse_date(given["date"], "date") if given.get("date")
        else dates.article_date(texts, context.reference_date),
        "category": given.get("category") or context.category or topics.classify(body_text, context.profiles),
        "tags": given.get("tags") or tags.choose(texts, context.existing_tags, exclude=(context.source,)),
        "summary": given.get("summary") or make_summary(texts[0] if texts else ""),
        "source": given.get("source") or context.source,
    }
    if len(meta["tags"]) < tags.MIN_TAGS:
        meta["tags"] = tags.top_up(meta["tags"], texts, context.existing_tags, (context.source,),
                                   (meta["category"], meta["source"]))
    if given.get("source_url"):
        meta["source_url"] = given["source_url"]
    return meta


def make_summary(lead, limit=SUMMARY_MAX):
    """The lead's first sentences within ``limit`` characters (see the module docstring)."""
    parts = sentences(lead) or [lead]
    summary = ""
    for sentence in parts:
        candidate = f"{summary} {sentence}".strip()
        if len(candidate) > limit:
            break
        summary = candidate
    if summary:
        return summary
    cut = parts[0][: limit - 1]
    cut = cut[: cut.rfind(",")] if "," in cut[limit // 2:] else cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "\u2026"


def make_title(lead, limit=TITLE_MAX):
    """A headline from the lead paragraph (see the module docstring)."""
    sentence = (sentences(lead) or [lead])[0].rstrip(".!?")
    text = _OPENING_CLAUSE.sub("", sentence, count=1)
    text = text[:1].upper() + text[1:]
    text = _APPOSITION.sub("", text)
    text = _ASIDES.sub("", text)
    text = _DESCRIPTOR.sub("", text, count=1)
    match = _SAID_THAT.match(text)
    if match and len(match.group("what")) > 20:
        who = _short_speaker(match.group("who"))
        what = match.group("what")
        if len(what) + len(who) < limit:
            text = f"{what[:1].upper()}{what[1:]}, says {who}"
    text = _present_tense(text)
    return _title_case(_cut(text, limit))


def _short_speaker(who):
    """'Chinese Foreign Ministry spokesperson Mao Ning' -> 'Mao Ning'."""
    match = re.search(r"((?:[A-Z][\w'-]+ ){0,2}[A-Z][\w'-]+)$", who)
    return match.group(1) if match else who


def _present_tense(text):
    """Turn the first past-tense verb of the first clause into the headline present."""
    words = text.split(" ")
    for index, word in enumerate(words[:14]):
        if index and words[index - 1] in ("has", "have", "had") and word.endswith("ed"):
            del words[index - 1]
            index -= 1
        elif not (index and word.endswith("ed") and word.islower() and len(word) > 4):
            continue
        base = _base_form(words[index])
        plural = words[0].lower() in _NUMBERS or "and" in words[:index] or any(
            w.islower() and w.endswith("s") and not w.endswith("ss") for w in words[:min(index, 3)]
        )
        words[index] = base if plural else _third_person(base)
        return " ".join(words)
    return text


def _base_form(word):
    stem_part = word[:-2]
    if word.endswith("ied"):
        return word[:-3] + "y"
    if (stem_part[-1:] in "vcgzu" or (stem_part[-1:] == "t" and stem_part[-2:-1] in "aeiou")
            or (stem_part[-1:] == "s" and stem_part[-2:-1] in "rln")):
        return word[:-1]
    if len(stem_part) > 2 and stem_part[-1] == stem_part[-2] and stem_part[-1] not in "lsz":
        return stem_part[:-1]
    if re.search(r"[^aeiou][aou]r$", stem_part):  # scored, declared, secured -> score, declare, secure
        return stem_part + "e"
    return stem_part


def _third_person(base):
    if base.endswith(("s", "sh", "ch", "x", "z")):
        return base + "es"
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return base[:-1] + "ies"
    return base + "s"


def _cut(text, limit):
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    cuts = [head.rfind(mark) for mark in _BREAKS]
    best = max(cuts)
    if best >= limit * 0.45:
        return head[:best].rstrip(",;: ")
    words = head.split(" ")[:-1]
    while len(words) > 3 and (words[-1].lower().strip(",") in _TRAILING or words[-1].endswith(",")):
        words.pop()
    return " ".join(words).rstrip(",;:")


def _title_case(text):
    out = []
    for index, word in enumerate(text.split(" ")):
        if index and word.lower() in _SMALL_WORDS:
            out.append(word.lower())
        elif word[:1].islower():
            parts = word.split("-")
            out.append("-".join(
                p if i and p in _SMALL_WORDS else p[:1].upper() + p[1:] for i, p in enumerate(parts)
            ))
        else:
            out.append(word)
    return " ".join(out)
