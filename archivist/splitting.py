"""Step 2 of the import: recover subheadings and cut concatenated text into articles.

``recover_subheadings`` turns a short title-like phrase fused onto the end of a
paragraph ("... according to Tang. Tackle challenges") or standing alone on its
line into a subheading paragraph.

``split`` cuts a stream of paragraphs into articles by dynamic programming over
paragraph starts. Each candidate article is scored by the lexical-cohesion
model of Utiyama and Isahara (2001): the cost of coding its content words with
a Laplace-smoothed language model of the article itself, so a cut pays off
where the vocabulary changes. Each candidate start then gets a cue score from
the shape of a news lead and of a continuation:

- continuation (against a cut): the paragraph opens with a pronoun or a
  connective ("He", "But", "The firm"); it names someone by surname only
  ("Mao stated", "Mr Blair said") whose full name appeared just before; a
  quotation continues; it opens with a subheading;
- lead (for a cut): a dateline ("BEIJING, March 12 (Xinhua) -"); a full name
  with a role on first mention ("Wu Weiren, chief designer of ...",
  "spokesperson Mao Ning said on Wednesday"); a new full name whose surname
  is not reused before it.

- shared names (for a cut only when few): names within five paragraphs on
  both sides of the gap ("Wu", "Li Ka-shing", "CK Hutchison") tie it.
- fresh lead (for a cut, strong): short stories give the lexical model too
  few repeated words to pay for a cut, so a paragraph gets ``FRESH_LEAD``
  when the vocabulary breaks sharply and it reads like a lead: it shares no
  name and at most one content word with the (up to three) paragraphs
  before it and some words with the next two (a story goes on from it); at
  least two paragraphs precede it, and the one just before is no quotation
  and shares words with its own predecessors (it is not the standfirst of a
  story); its first sentence says when (a weekday, "on <date>", or a
  dateline) and who: a new multi-word name opening it as the subject
  ("Manchester United beat", not "The Government") or a full name with a
  role ("striker Rasmus Hojlund", or a role apposition as above). Without
  the "when", a "Gary Dunn, director at X, said" paragraph inside a story
  would pass.

- wire lead (for a cut): a named subject new to the last paragraphs opens
  the paragraph and reports ("Xiox Corp said it ...", "Trans World Airlines
  Inc said"): how wire items start, with no dateline in the text;
- vocabulary break (for a cut, weaker than a fresh lead): the paragraph has
  some content words but shares no name and at most one word with the
  three before it, and neither follows a quotation nor brings in a speaker
  by a role apposition;
- earnings tables: the first row of a table ("Shr 44 cts vs 1.23 dlrs",
  "Qtly div 12 cts vs 12 cts prior") after prose or after another table's
  last row starts a story; a row after a row or after a period header
  ("Nine mths") goes on the table. Table rows are never subheadings.

Then a check on whole articles: when two neighbouring articles are too alike
(cosine of their tf-idf vectors, idf over the input's paragraphs, at least
``MERGE_SIMILARITY``) the cut between them is forbidden and the search runs
again over those articles and one on each side; two parts of one long story
share far more vocabulary than two stories. Table starts are exempt: two
earnings tables share all their words.

The search is bounded (``best_starts``): an article is at most
``MAX_PARAGRAPHS`` paragraphs and ``MAX_WORDS`` content words, and a forbidden
start is costly rather than unreachable, so a dump of any length splits in
time linear in its length and is never left as one article.

No paragraph is ever lost, duplicated or reordered: the articles are the
input's consecutive runs.
"""

import math
import re

import numpy

from .reading import Paragraph
from .words import names, sentences, tokens

# Weights of the cues, in nats (the unit of the lexical cost).
PENALTY = 10.0  # nats per extra article
# Laplace smoothing over a fixed vocabulary size, not the input's own: with the
# input's, one article alone would be cut up and a long dump would be cut too little.
VOCABULARY = 1000
NAME_WEIGHT = 1  # a name counts as this many words
IDF_PSEUDO = 20  # pseudo-paragraphs in the idf, so one short article's words still weigh
MERGE_SIMILARITY = 0.12  # neighbouring articles this similar are one article
BRIDGE_WINDOW = 5  # paragraphs each side in which shared names tie a gap
BRIDGE_WEIGHT = 2.0  # per name shared across the gap
BRIDGE_CAP = 4
FRESH_LEAD = PENALTY  # a lead after a sharp vocabulary break pays for its cut (module docstring)
FRESH_BEFORE = 3  # paragraphs before a fresh lead that must share nothing with it
FRESH_AFTER = 2  # paragraphs after it, of which one must share a word with it
FRESH_SHARED = 1  # content words (never names) it may share with the paragraphs before
WIRE_LEAD = 12.0  # "Red Lion Inns Limited Partnership said ...": a new named subject reports
WIRE_NEW_WITHIN = 6  # paragraphs before a wire lead in which its subject must not occur
BREAK_LEAD = 8.0  # a sharp vocabulary break alone, without the who and when of a fresh lead
BREAK_WORDS = 9  # content words a paragraph needs for its break to count
TABLE_START = 30.0  # the first row of an earnings table ("Shr 44 cts vs 1.23 dlrs")
TABLE_ROW = 30.0  # against a cut: a row that goes on the table before it
CONFIDENCE_SHIFT = 5  # paragraphs a cut is tried earlier and later when scoring its confidence
CONFIDENCE_SCALE = 8.0  # nats of margin that give a confidence of 0.63
MERGE_EXEMPT = WIRE_LEAD  # a start with this cue is never merged for likeness
MAX_PARAGRAPHS = 120  # the longest article the search considers, in paragraphs
MAX_WORDS = 3000  # and in content words (the longest BBC development story has 2,222)
RESOLVE_REACH = 1  # articles each side of a merge searched again with it
FORCED_CUT = 1000.0  # nats for cutting at a start forbidden for likeness: only when nothing else is in reach
CONTINUATION_OPENERS = frozenset(
    """he she it they his her its their him them this these those that such but and or also
    however yet still so then meanwhile nevertheless moreover furthermore instead besides
    otherwise both either neither which while although though because thus hence accordingly
    similarly likewise additionally separately further later earlier""".split()
)
_DEFINITE_BACKREFERENCES = re.compile(
    r"^(?:The|This|That|These|Those|Its|Their) (?:firm|company|group|club|team|side|move|deal|"
    r"report|study|survey|case|ministry|commission|agency|government|party|bank|band|star|"
    r"singer|actor|film|show|album|decision|plan|bill|proposal|official|spokesperson|"
    r"spokesman|spokeswoman|minister|player|manager|coach|statement|figures|article|piece|"
    r"organizer|organiser|conference|event|mission|project|programme|program|system|device|"
    r"technology|service|network|site|website|court|judge|police)\b"
)
ROLE_WORDS = (
    r"spokesperson|spokesman|spokeswoman|minister|president|chairman|chairwoman|chair|chief|"
    r"director|head|designer|professor|manager|secretary|ceo|founder|leader|governor|mayor|"
    r"ambassador|analyst|economist|researcher|scientist|expert|official|executive|editor|"
    r"coach|captain|commissioner|general|senator|lawmaker|consultant|academician|deputy|"
    r"vice|member|officer|engineer|lawyer|judge|author|singer|actor|actress|star|player"
)
_ROLE_APPOSITION = re.compile(
    rf"\b([A-Z][a-z]+(?:[- ][A-Z][a-z]+)+), (?:a |an |the )?(?:[\w'-]+ ){{0,4}}(?:{ROLE_WORDS})\b"
)
_ROLE_BEFORE = re.compile(rf"\b(?:{ROLE_WORDS}) ([A-Z][a-z]+(?: [A-Z][a-z]+)+) (?:said|says|told|stated)\b")
_ROLE_NAMED = re.compile(
    rf"\b(?:{ROLE_WORDS}|striker|midfielder|defender|goalkeeper|forward|winger|boss|"
    r"chancellor|premier|prime minister|treasurer|teacher|doctor|nurse|pilot|writer|artist|"
    r"prosecutor|candidate|activist|campaigner|owner|student|farmer|driver|worker) ([A-Z][a-z]+(?: [A-Z][a-z]+)+)\b",
    re.IGNORECASE,
)
_WHEN = re.compile(
    r"\b(?:on |last |this )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    r"|\bon (?:January|February|March|April|May|June|July|August|September|October|November|December) \d"
)
_SUBJECT_NAME = re.compile(r"^(?:[A-Z][\w'&-]*|of|and|the|for) ?(?:[A-Z][\w'&-]*\s?){1,4}")
_DATELINE = re.compile(
    r"^[A-Z][A-Z .'-]{2,}(?:, [A-Z][a-z]+\.? \d{1,2})?(?: \([^)]{2,40}\))? ?[-\u2013\u2014:]{1,2} "
)
# A wire lead: a named subject (two capitalised words at least, or one with a ticker) and a
# reporting verb, in the first words of the paragraph.
_WIRE_SUBJECT = re.compile(
    r"^(?:The |A |An )?(?P<subject>(?:(?:[A-Z][\w&.'-]*|<[^>]+>|\([^)]{1,40}\)),? (?:(?:of|and|de|for|&|federal|"
    rf"{ROLE_WORDS}) )?){{1,8}})(?:, [^,]{{3,70}},)? ?(?:<[^>]+> )?(?:said|says|reported|announced|has|have|(?:is|are) \w+ing|"
    r"will|plans|agreed|posted|expects|named|declared|raised|cut|set|approved|filed|received)\b"
)
_WIRE_GENERIC = frozenset(
    "U.S. U.K. Corp Inc Co Ltd Plc Group Bank National International American General Federal "
    "First New Company Reuters".split()
)
# Earnings tables: rows such as "Shr 44 cts vs 1.23 dlrs", "Net 8,265,000 vs 2,255,000".
_TABLE_FIRST = re.compile(
    r"^(?:Oper(?:ating)? )?(?:Shr|Shrs|Qtly|Qtrly|Qtr|Mthly|Semi-annual|Period|Periods)\b", re.IGNORECASE
)
_TABLE_ROW = re.compile(r"\d.* vs\.? |^(?:Qtly|Qtrly|Mthly|Semi-annual|Pay|Record|Avg shrs|Note|NOTE)\b")
_TABLE_NOTE = re.compile(r"^(?:NOTE|Note|Full name)\b")
_ACRONYM = re.compile(r"\b([A-Z]{2,6})s?\b")
_ACRONYM_DEFINED = re.compile(r"\(([A-Z]{2,6})\)")
_HONORIFIC_SURNAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir)\.? ([A-Z][a-z]+(?:-[A-Z][a-z]+)?)")
_FUSED_HEADING = re.compile(
    r"^(?P<body>.*[.!?][\"'\u201d\u2019)]*)\s+(?P<head>[A-Z][\w'\u2019,:&-]*(?: [\w'\u2019,:&-]+){0,7})$"
)


def recover_subheadings(paragraphs):
    """Return paragraphs with fused or standalone subheadings marked as headings."""
    out = []
    count = len(paragraphs)
    for index, paragraph in enumerate(paragraphs):
        text = paragraph.text
        has_next = index + 1 < count
        if has_next and _is_heading_text(text) and index > 0:
            out.append(Paragraph(text, paragraph.line, paragraph.last_line, heading=True))
            continue
        match = _FUSED_HEADING.match(text)
        if has_next and match and _is_heading_text(match.group("head")):
            out.append(Paragraph(match.group("body"), paragraph.line, paragraph.last_line))
            out.append(Paragraph(match.group("head"), paragraph.last_line, paragraph.last_line, heading=True))
            continue
        out.append(paragraph)
    return out


def _is_heading_text(text):
    """A short phrase with no closing punctuation, starting with a capital letter."""
    words = text.split()
    if not 1 <= len(words) <= 8 or len(text) > 70:
        return False
    if text[-1] in ".!?,;:\"'\u201d\u2019)" or not text[0].isupper() or _is_table_row(text):
        return False
    return not re.search(r"\b(?:said|says|told)\b", text)


def split(paragraphs):
    """Cut ``paragraphs`` into articles; return a list of lists of paragraphs."""
    return [part for part, _confidence in split_scored(paragraphs)]


def split_scored(paragraphs):
    """Cut ``paragraphs`` into articles; return (paragraphs, confidence) per article.

    The confidence (0-1) is that of the cut before the article (1.0 for the
    first): how many nats the best segmentation would lose if the cut were
    dropped or moved by up to ``CONFIDENCE_SHIFT`` paragraphs, as
    ``1 - exp(-margin / CONFIDENCE_SCALE)``.
    """
    paragraphs = list(paragraphs)
    if len(paragraphs) < 2:
        return [(paragraphs, 1.0)] if paragraphs else []
    bags = [bag_of(p.text) for p in paragraphs]
    cues = cue_scores(paragraphs)
    weights = _idf(bags)
    coded = _coded(bags)
    starts = best_starts(bags, cues, coded=coded)
    likeness = {}  # (before, start, after) -> too alike; a triple once judged keeps its verdict
    while True:
        bounds = starts + [len(paragraphs)]
        alike = []
        for a, b, c in zip(bounds, bounds[1:], bounds[2:]):
            if (a, b, c) not in likeness:
                likeness[a, b, c] = cues[b] < MERGE_EXEMPT and cues[b] != -math.inf and _cosine(
                    _vector(bags[a:b], weights), _vector(bags[b:c], weights)) >= MERGE_SIMILARITY
            if likeness[a, b, c]:
                alike.append(b)
        if not alike:
            break
        for start in alike:
            cues[start] = -math.inf
        starts = _resolve_around(starts, set(alike), len(paragraphs), bags, cues, coded)
    bounds = starts + [len(paragraphs)]
    confidences = [1.0] + [
        1.0 - math.exp(-max(0.0, _margin(bags, cues, a, b, c)) / CONFIDENCE_SCALE)
        for a, b, c in zip(bounds, bounds[1:], bounds[2:])
    ]
    return [(paragraphs[a:b], round(conf, 2)) for a, b, conf in zip(bounds, bounds[1:], confidences)]


def _resolve_around(starts, dropped, count, bags, cues, coded):
    """``starts`` searched again only near the ``dropped`` ones, between kept cuts.

    A cut forbidden for likeness changes the best segmentation next to it, not
    far across kept cuts, so each merge round costs the length of what it
    merges (and ``RESOLVE_REACH`` articles each side) rather than a search of
    the whole input: a long dump needs many rounds.
    """
    bounds = starts + [count]
    spans = []
    for index, start in enumerate(starts):
        if start in dropped:
            low, high = max(0, index - 1 - RESOLVE_REACH), min(len(starts), index + 1 + RESOLVE_REACH)
            if spans and low <= spans[-1][1]:
                spans[-1][1] = high
            else:
                spans.append([low, high])
    out, kept_from = [], 0
    for low, high in spans:
        out.extend(starts[kept_from:low])
        first, stop = bounds[low], bounds[high]
        out.extend(first + start for start in best_starts(bags[first:stop], cues[first:stop], coded=coded[first:stop]))
        kept_from = high
    out.extend(starts[kept_from:])
    return out


def _coded(bags):
    ids = {}
    return [[ids.setdefault(word, len(ids)) for word in bag] for bag in bags]


_REPEAT = []


def _repeat_gains(size):
    """Gain of the f-th repeat of a word, f < size: (f+1)log(f+2) - f log(f+1); n words cost n log(n+V)."""
    for f in range(len(_REPEAT), size):
        _REPEAT.append((f + 1) * math.log(f + 2) - f * math.log(f + 1))
    return _REPEAT


def _lexical_costs(bags, first, stops):
    """Lexical cost of ``bags[first:stop]`` for each stop of ``stops`` (ascending), in one pass."""
    counts, gain, length, out, position = {}, 0.0, 0, [], first
    repeat = _repeat_gains(sum(len(bag) for bag in bags[first:stops[-1]]) + 2 if stops else 2)
    for stop in stops:
        for bag in bags[position:stop]:
            for word in bag:
                f = counts.get(word, 0)
                gain += repeat[f]
                counts[word] = f + 1
            length += len(bag)
        position = stop
        out.append(length * math.log(length + VOCABULARY) - gain)
    return out


def _margin(bags, cues, before, start, after):
    """Nats lost if the cut at ``start`` (between articles from ``before`` to ``after``) moved or went.

    The costs are those of ``best_starts``: lexical cost plus PENALTY minus the cue per cut.
    """
    others = [o for o in range(max(before + 1, start - CONFIDENCE_SHIFT), min(after, start + CONFIDENCE_SHIFT + 1))
              if o == start or cues[o] != -math.inf]
    left = dict(zip(others, _lexical_costs(bags, before, others)))
    reversed_bags = bags[after - 1:start - CONFIDENCE_SHIFT - 2 if start - CONFIDENCE_SHIFT - 2 >= 0 else None:-1]
    right_stops = [after - o for o in reversed(others)]
    right = dict(zip(reversed(others), _lexical_costs(reversed_bags, 0, right_stops)))
    cut = {o: left[o] + right[o] + PENALTY - cues[o] for o in others}
    merged = _lexical_costs(bags, before, [after])[0]
    return min([merged - cut[start]] + [cut[o] - cut[start] for o in others if o != start])


def _idf(bags):
    frequency = {}
    for bag in bags:
        for word in set(bag):
            frequency[word] = frequency.get(word, 0) + 1
    return {w: math.log((len(bags) + IDF_PSEUDO) / (f + 1)) for w, f in frequency.items()}


def _vector(bags, weights):
    vector = {}
    for bag in bags:
        for word in bag:
            vector[word] = vector.get(word, 0.0) + weights[word]
    return vector


def _cosine(a, b):
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def bag_of(text):
    """Content words of a paragraph plus one token per name, so shared names weigh double."""
    bag = tokens(text)
    for name in names(text):
        words = name.lower().split()
        bag.extend("@" + word for word in words for _ in range(NAME_WEIGHT))
        if len(words) > 1:
            bag.extend(["@" + " ".join(words)] * NAME_WEIGHT)
    return bag


def best_starts(bags, cues, max_length=MAX_PARAGRAPHS, coded=None, max_words=MAX_WORDS):
    """Indexes where articles start (always 0), minimising lexical cost minus cues.

    An article is at most ``max_length`` paragraphs and, past its first
    paragraph, ``max_words`` words of its bags, so the search costs the input's
    length times that window. A start forbidden for likeness (cue ``-inf``)
    costs ``FORCED_CUT`` instead of being unreachable: a span with no other
    start within the window is cut there rather than left without any
    segmentation (which collapsed a long dump into one article).
    ``coded`` (the bags as word ids, from ``_coded``) saves recoding them on every search.

    For each start the costs of all its ends come from one cumulative sum:
    the gain of a word's f-th repeat, where f is the word's occurrences from
    the start (its rank among all its occurrences minus those before the start).
    """
    count = len(bags)
    coded = coded or _coded(bags)
    flat = numpy.fromiter((word for bag in coded for word in bag), dtype=numpy.int64)
    offsets = numpy.zeros(count + 1, dtype=numpy.int64)
    numpy.cumsum([len(bag) for bag in coded], out=offsets[1:])
    order = numpy.argsort(flat, kind="stable")
    ordered = flat[order]
    rank = numpy.empty_like(flat)
    rank[order] = numpy.arange(len(flat)) - numpy.searchsorted(ordered, ordered, side="left")
    seen = numpy.zeros(int(flat.max()) + 1 if len(flat) else 0, dtype=numpy.int64)
    longest = max_words + max((len(bag) for bag in bags), default=0) + 2
    repeat = numpy.asarray(_repeat_gains(longest)[:longest])
    best = numpy.full(count + 1, math.inf)
    best[0] = 0.0
    back = numpy.zeros(count + 1, dtype=numpy.int64)
    word_limits = numpy.searchsorted(offsets, offsets[:count] + max_words, side="right")
    for start in range(count):
        if start:
            base = best[start] + PENALTY + (FORCED_CUT if cues[start] == -math.inf else -cues[start])
        else:
            base = 0.0
        last = max(start + 1, min(count, start + max_length, int(word_limits[start])))
        first_token, last_token = offsets[start], offsets[last]
        window = flat[first_token:last_token]
        gains = numpy.concatenate(([0.0], numpy.cumsum(repeat[rank[first_token:last_token] - seen[window]])))
        lengths = offsets[start + 1:last + 1] - first_token
        costs = base - gains[lengths] + lengths * numpy.log(lengths + VOCABULARY)
        better = costs < best[start + 1:last + 1]
        best[start + 1:last + 1][better] = costs[better]
        back[start + 1:last + 1][better] = start
        numpy.add.at(seen, flat[first_token:offsets[start + 1]], 1)
    starts = []
    end = count
    while end > 0:
        end = int(back[end])
        starts.append(end)
    return sorted(starts)


def cue_scores(paragraphs):
    """A score per paragraph: positive where a new article probably starts."""
    scores = [0.0] * len(paragraphs)
    bags = [set(bag_of(p.text)) for p in paragraphs]
    recent_full = {}  # surname -> index of the paragraph that gave the full name
    name_sets = [set() if _is_table_row(p.text) else _name_keys(p.text) for p in paragraphs]
    for index, paragraph in enumerate(paragraphs):
        text = paragraph.text
        score = 0.0
        if paragraph.heading:
            score -= 50.0
        elif index and paragraphs[index - 1].heading:
            score -= 50.0
        first = re.match(r"[\"'\u201c\u2018]?([A-Za-z]+)", text)
        opener = first.group(1).lower() if first else ""
        if opener in CONTINUATION_OPENERS:
            score -= 6.0
        if _DEFINITE_BACKREFERENCES.match(text):
            score -= 3.0
        if text[:1] in "\"\u201c":
            score -= 6.0 if index and _open_quote(paragraphs[index - 1].text) else 3.0
        known = {a for a in _ACRONYM_DEFINED.findall(" ".join(p.text for p in paragraphs[max(0, index - 8):index]))}
        used = set(_ACRONYM.findall(text)) - set(_ACRONYM_DEFINED.findall(text))
        if known & used:
            score -= 4.0
        if _DATELINE.match(text):
            score += 8.0
        previous = paragraphs[index - 1].text if index else ""
        if _is_table_row(text) and index:
            if _TABLE_FIRST.match(text) and not _is_period_header(previous) and not previous.startswith("Shr"):
                score += TABLE_START
            elif _is_table_row(previous) or _is_period_header(previous):
                score -= TABLE_ROW
        elif (_is_period_header(text) or _TABLE_NOTE.match(text)) and _is_table_row(previous):
            score -= TABLE_ROW
        if _wire_lead(text, paragraphs[max(0, index - WIRE_NEW_WITHIN):index]):
            score += WIRE_LEAD
        lead = _ROLE_APPOSITION.search(text[:300]) or _ROLE_BEFORE.search(text[:300])
        if lead:
            score += 2.0
        full_names = [n for n in names(text) if len(n.split()) >= 2]
        surnames_here = {n.split()[-1] for n in full_names}
        mentions = _surname_mentions(text, surnames_here)
        back = [s for s in mentions if s in recent_full and index - recent_full[s] <= 8]
        if back:
            score -= 4.0 + 2.0 * min(len(back), 3)
        before = set().union(*name_sets[max(0, index - BRIDGE_WINDOW):index])
        after = set().union(*name_sets[index:index + BRIDGE_WINDOW])
        shared = len(before & after)
        score -= BRIDGE_WEIGHT * min(shared, BRIDGE_CAP)
        if score >= 0 and _fresh_lead(paragraphs, bags, index, lead):
            score += FRESH_LEAD
        elif score >= 0 and not lead and _vocabulary_break(paragraphs, bags, index):
            score += BREAK_LEAD
        scores[index] = score
        for name in full_names:
            if len(name.split()) <= 3:
                for part in name.split():
                    recent_full[part] = index
    return scores


def _fresh_lead(paragraphs, bags, index, role_lead):
    """True when paragraph ``index`` reads like a lead right after a sharp vocabulary break."""
    if index < 2 or paragraphs[index].heading:
        return False
    before = set().union(*bags[max(0, index - FRESH_BEFORE):index])
    here = bags[index]
    shared = here & before
    if not here or len(shared) > FRESH_SHARED or any(word[:1] == "@" for word in shared):
        return False
    after = bags[index + 1:index + 1 + FRESH_AFTER]
    if not any(here & bag for bag in after):
        return False
    previous = paragraphs[index - 1].text
    if previous[:1] in "\"\u201c" or not bags[index - 1] & set().union(*bags[max(0, index - 1 - FRESH_BEFORE):index - 1]):
        return False  # a quotation, or a standfirst that starts the story itself, comes before
    text = paragraphs[index].text
    first = sentences(text)[0] if text else ""
    earlier = " ".join(p.text for p in paragraphs[max(0, index - FRESH_BEFORE):index])
    opening = _SUBJECT_NAME.match(first)
    subject = opening.group().split() if opening else []
    if subject[:1] == ["The"]:
        subject = subject[1:]
    when = bool(_WHEN.search(first) or _DATELINE.match(text))
    who = (len(subject) >= 2 and " ".join(subject) not in earlier) or bool(role_lead or _ROLE_NAMED.search(first))
    return when and who


def _is_table_row(text):
    return len(text) < 120 and bool(_TABLE_ROW.search(text) or (len(text) < 60 and _TABLE_FIRST.match(text)))


def _is_period_header(text):
    """'Nine mths', 'Year', 'Qtr ended Jan 31': a short line heading the next rows of a table."""
    words = text.split()
    return 0 < len(words) <= 6 and " vs" not in text and not text.endswith(".") and not _TABLE_ROW.search(text) \
        and bool(re.match(r"(?:Year|Nine|Six|Three|12|First|Second|Third|Fourth|1st|2nd|3rd|4th|Qtr|Period|Periods|"
                          r"Ended|Half|Quarter|Fiscal|Jan|Feb|March|April|May|June|July|Aug|Sept|Oct|Nov|Dec)",
                          text, re.IGNORECASE))


def _wire_lead(text, before):
    """A new named subject opens the paragraph and reports ("Xiox Corp said it ...")."""
    match = _WIRE_SUBJECT.match(text)
    if not match:
        return False
    subject = match.group("subject").split()
    named = [w for w in subject if w[:1].isupper() or w[:1] == "<"]
    if len(named) < 2 and not any(w.startswith("<") for w in subject):
        return False
    keys = {re.sub(r"\W", "", w.split("'")[0]) for w in named} - _WIRE_GENERIC
    keys = {k for k in keys if len(k) > 1}
    earlier = " ".join(p.text for p in before)
    return bool(keys) and not any(re.search(rf"\b{re.escape(k)}\b", earlier) for k in keys)


def _vocabulary_break(paragraphs, bags, index):
    """The paragraph shares no name and at most FRESH_SHARED words with the ones before it.

    Not right after a quotation: a quote's words are the speaker's, not the story's.
    """
    if index < 1 or paragraphs[index - 1].text[:1] in "\"\u201c":
        return False
    before = set().union(*bags[max(0, index - FRESH_BEFORE):index])
    here = bags[index]
    shared = here & before
    return len(here) >= BREAK_WORDS and len(shared) <= FRESH_SHARED and not any(word[:1] == "@" for word in shared)


def _name_keys(text):
    """Names that tie paragraphs together: full names and their words, not place-like words."""
    keys = set()
    for name in names(text):
        words = name.split()
        if len(words) > 1:
            keys.add(name)
            keys.update(w for w in words if len(w) > 1 and w[0].isupper() and not w.isupper())
        elif not name.isupper():
            keys.add(name)
    return keys


def _surname_mentions(text, exclude):
    """Single capitalised words used like surnames: 'Wu warned', 'Mr Blair', "Lin's"."""
    found = set(_HONORIFIC_SURNAME.findall(text))
    for match in re.finditer(
        r"(?:^|[.,;:\"\u201c] |\bsaid |\baccording to )([A-Z][a-z]+)\b(?:'s)?(?= (?:said|says|stated|"
        r"added|noted|warned|told|proposed|highlighted|emphasized|emphasised|explained|"
        r"disclosed|argued|insisted|claimed|believes|thinks|wrote|called|urged)\b|[.,]|'s)",
        text,
    ):
        found.add(match.group(1))
    return {name for name in found if name not in exclude}


def _open_quote(text):
    """True when ``text`` opens a quotation it does not close (a multi-paragraph quote)."""
    return text.count("\u201c") > text.count("\u201d") or (
        "\u201c" not in text and text.count('"') % 2 == 1
    )
