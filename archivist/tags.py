"""Pick 3-8 tags for an article: people, organisations, places and key phrases.

Candidates are the capitalised names of the text ("Mao Ning", "CK Hutchison",
"Deep Space Exploration Laboratory") and its repeated two-word phrases of
content words ("asteroid defense"). A name's later mentions by one of its
words ("Wu" for "Wu Weiren") and by its acronym ("DSEL") count for the full
name. Candidates are ranked by mentions, with a bonus for the lead
paragraph; the source itself ("Global Times") and bare calendar words are left
out. Tags are normalised (spaces collapsed, a possessive "'s" dropped, key
phrases in Title Case) and a known tag with the same slug, the same singular
form or the same key for the checks (case, spaces and signs ignored) replaces
the new spelling (``Spellings``: the archive's tags, then, during an import,
those of the articles before).

``top_up`` makes sure an article has at least ``MIN_TAGS`` tags (what the
archive's checks expect): given tags that are too few are completed with
the article's own names and key phrases, then its topic and its source,
then its most frequent words.
"""

import re

from .checks.index import tag_key
from .slugs import text_key
from .words import STOPWORDS, names, stem, tokens

MIN_TAGS, MAX_TAGS = 3, 8
LEAD_CHARS = 2000  # of the first paragraph, where a name or phrase counts as in the lead
_PHRASE_WORD = re.compile(r"[A-Za-z][a-z-]+")
# Nationality adjectives ("Chinese vessels") are not tags on their own.
_DEMONYM = re.compile(r"^(?:[A-Z][a-z]+(?:ese|ian|ean|ish|ican)|Thai|French|Dutch|Swiss|Greek|Arab|Israeli|Iraqi|Saudi)$")
_SPACES = re.compile(r"\s+")
_POSSESSIVE = re.compile(r"['\u2019]s$")
_ABBREVIATED_END = re.compile(r" (?:No|St|Nos)$")
_MID_SENTENCE = re.compile(r"(?<=[\w,;:()'\"] )([A-Z][\w'-]*)")
_GENERIC = frozenset(
    """news report reports reporter people time times year years week day days percent million
    billion first second last statement official officials article piece""".split()
)


def normalise(tag):
    """Collapse spaces and drop a trailing possessive: "  Li  Ka-shing's" -> "Li Ka-shing"."""
    return _POSSESSIVE.sub("", _SPACES.sub(" ", tag).strip(" .,;:'\""))


def _key(tag):
    return " ".join(stem(w) for w in text_key(tag).split("-"))


class Spellings:
    """One spelling per tag: the first met of each (the archive's, then this import's).

    Two tags are one when they share a slug ("U.S." and "US"), a singular
    form ("Bank" and "Banks") or the checks' key, which ignores case and every
    space or sign ("TimeWarner" and "Time Warner", "GenCorp" and "Gencorp").
    """

    def __init__(self, tags=()):
        self.known = {}
        self.add(tags)

    def add(self, tags):
        """Remember the spelling of each tag not known yet."""
        for tag in tags:
            for key in _keys(tag):
                self.known.setdefault(key, tag)

    def reuse(self, tags):
        """``tags`` with each replaced by its known spelling, each tag once."""
        out, seen = [], set()
        for tag in tags:
            chosen = next((self.known[k] for k in _keys(tag) if k in self.known), tag)
            if tag_key(chosen) not in seen:
                out.append(chosen)
                seen.add(tag_key(chosen))
        return out


def _keys(tag):
    return (text_key(tag), _key(tag), "=" + tag_key(tag))


def reuse_spelling(tags, existing):
    """Replace each tag by the archive's spelling of the same tag, when there is one.

    ``existing`` is a list of tags or a ``Spellings``.
    """
    return (existing if isinstance(existing, Spellings) else Spellings(existing)).reuse(tags)


def candidates(paragraphs, exclude=()):
    """Scored candidate tags of an article, best first: a list of (tag, score)."""
    text = "\n".join(paragraphs)
    # Only the lead's start counts: a whole dump on one line would make every lookup scan it all.
    lead = (paragraphs[0] if paragraphs else "")[:LEAD_CHARS]
    lead_lower = lead.lower()
    excluded = {text_key(e) for e in exclude if e}
    scores, order = {}, {}
    acronyms = dict(re.findall(r"([A-Z][\w'&-]*(?: (?:of |and |the |for |& )?[A-Z][\w'&-]*)+) \(([A-Z]{2,6})\)", text))
    expansion = {acronym: normalise(name) for name, acronym in acronyms.items()}
    for position, name in enumerate(names(text)):
        name = normalise(_ABBREVIATED_END.sub("", name))
        if name in expansion:
            name = expansion[name]
        if not name or text_key(name) in excluded or len(name) < 2:
            continue
        scores[name] = scores.get(name, 0.0) + 1.0
        order.setdefault(name, position)
    owners = {}
    for full in scores:
        parts = full.split()
        if len(parts) >= 2:
            for part in set(parts):
                owners.setdefault(part, []).append(full)
    for name in list(scores):
        if " " not in name and len(owners.get(name, ())) == 1:
            scores[owners[name][0]] += scores.pop(name)
    mid_sentence = set(_MID_SENTENCE.findall(text))
    for name in list(scores):
        if _DEMONYM.match(name) and not re.search(rf"\b(?:in|of|from|at|to) {name}\b", text):
            del scores[name]
            continue
        if len(name.split()) == 1 and name not in mid_sentence:
            del scores[name]  # capitalised only where it opens a sentence
            continue
        if name in lead:
            scores[name] += 1.5
        if len(name.split()) >= 2:
            scores[name] += 0.5
        if name.isupper() and len(name) <= 3 and scores[name] < 2:
            del scores[name]
    for phrase, count in _phrases(paragraphs).items():
        if count >= 2 and text_key(phrase) not in excluded:
            scores[phrase] = scores.get(phrase, 0.0) + count * 0.8 + (1.0 if phrase.lower() in lead_lower else 0.0)
            order.setdefault(phrase, 10**6)
    return sorted(scores.items(), key=lambda item: (-item[1], order.get(item[0], 0), item[0]))


def _phrases(paragraphs):
    counts = {}
    for paragraph in paragraphs:
        words = _PHRASE_WORD.findall(paragraph)
        keep = [len(w) > 2 and not w[0].isupper() and w.lower() not in STOPWORDS and w.lower() not in _GENERIC
                for w in words]
        for index in range(len(words) - 1):
            if keep[index] and keep[index + 1]:
                a, b = words[index].lower(), words[index + 1].lower()
                phrase = f"{a.title() if '-' in a else a.capitalize()} {b.capitalize()}"
                counts[phrase] = counts.get(phrase, 0) + 1
    return counts


def choose(paragraphs, existing=(), exclude=()):
    """3-8 normalised tags for an article, reusing the archive's spellings."""
    ranked = candidates(paragraphs, exclude)
    chosen = []
    for tag, score in ranked:
        if len(chosen) >= MAX_TAGS:
            break
        if score < 2.0 and len(chosen) >= MIN_TAGS + 2:
            break
        if any(tag in c.split() or tag == c for c in chosen):
            continue
        chosen.append(tag)
    if len(chosen) < MIN_TAGS:
        counts = {}
        for word in tokens(" ".join(paragraphs)):
            if word not in _GENERIC:
                counts[word] = counts.get(word, 0) + 1
        for word, _count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            if len(chosen) >= MIN_TAGS:
                break
            tag = word.capitalize()
            if text_key(tag) not in {text_key(c) for c in chosen} | {text_key(e) for e in exclude if e}:
                chosen.append(tag)
    chosen = reuse_spelling(chosen, existing)
    return chosen[:MAX_TAGS]


def top_up(chosen, paragraphs, existing=(), exclude=(), extra=()):
    """``chosen`` completed to MIN_TAGS tags: names and phrases, ``extra`` (topic, source), then words."""
    out = [normalise(t) for t in chosen if isinstance(t, str) and normalise(t)]
    if len(out) >= MIN_TAGS:
        return list(chosen)
    seen = {text_key(t) for t in out}
    ranked = reuse_spelling([tag for tag, _score in candidates(paragraphs, exclude)], existing)
    for tag in ranked + [e for e in extra if e] + choose(paragraphs, existing, exclude):
        if len(out) >= MIN_TAGS:
            break
        if text_key(tag) and text_key(tag) not in seen and not any(tag in t.split() for t in out):
            out.append(tag)
            seen.add(text_key(tag))
    return out
