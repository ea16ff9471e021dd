"""A headline from an article's lead: the title step of the import.

``make_title`` compresses the lead's first sentence the way an editor would,
using only the sentence's own words or correct forms of them:

1. clauses that are not the news are dropped: an opening subordinate clause
   ("When asked about ..., "), appositions (", chief designer of ..., "),
   weekday and parenthesised asides, descriptors before a subject name
   ("Chinese private space start-up GalaxySpace launched" -> "GalaxySpace
   launched"), a trailing attribution (", the company said");
2. reported speech: "X said it filed ..." becomes "X files ..." (the subject
   reports its own act); "X said that Y" becomes "Y, says X" when X is
   short;
3. the main verb goes to the headline present: "launched", "has launched",
   "is launching" -> "launches" (plural subjects: "launch"); "has been
   opened", "was opened" -> "opened"; "will launch" -> "to launch". Verb forms
   come from lemminflect's English dictionary, never from suffix rules, so no
   word is invented ("Agres", "Has Been Opens"); a verb it does not know
   stays as written;
4. articles go ("the", "a", "an") unless they open a name ("The Hague");
5. editors' cuts: articles and possessive determiners ("the", "its"),
   company suffixes after a name ("Inc", "Corp"), manner adverbs
   ("openly"), the kind of thing before a name ("US media giant
   TimeWarner" -> "TimeWarner");
6. the result is cut to the run of whole phrases nearest ``TITLE_WORDS``
   words (``TITLE_MAX`` characters at most): a cut falls only before a
   comma, a preposition or a conjunction, and after the main verb and one
   word of its object; a title never ends on a function word or a
   possessive;
7. Title Case.

An article that opens with an earnings table ("Shr 44 cts vs 1.23 dlrs") is
titled by its net row, after the company's full name when a note gives it.
"""

import functools
import re

from .words import sentences

TITLE_MAX = 90
TITLE_WORDS = 6  # headlines run to 5-7 words; whole phrases may make a title longer
WORD_CUT_COST = 4  # words of distance from TITLE_WORDS a cut between phrases is worth
LONG_TITLE = 80  # characters past which a title is long even when whole  # characters an editor aims at; whole phrases may run to TITLE_MAX
SMALL_WORDS = frozenset("a an the and but or nor for on at to by of in as vs via per from with up".split())
# Words a title must not end on: it would stop mid-phrase.
FUNCTION_WORDS = frozenset(
    SMALL_WORDS
    | {"its", "their", "his", "her", "our", "your", "my", "this", "that", "these", "those", "which",
       "who", "whom", "whose", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had",
       "will", "would", "could", "should", "can", "may", "might", "must", "said", "says", "than",
       "into", "onto", "over", "under", "about", "after", "before", "because", "while", "if",
       "when", "where", "not", "no", "so", "such", "very", "more", "most", "less", "least",
       "some", "any", "each", "every", "both", "either", "neither", "such", "own", "against",
       "between", "through", "during", "without", "within", "among", "amid", "despite", "like",
       "unlike", "including", "plus", "than", "also", "just", "only", "even", "still", "yet",
       "then", "there", "here", "it", "they", "he", "she", "we", "i", "you", "them", "him",
       "do", "does", "did", "set", "up", "down", "out", "off"}
)
# Words that ask for a complement: "technology based", "plans aimed" stop mid-phrase.
_DANGLING = frozenset(
    """based aimed designed due set expected able related according compared owned known called used
    linked subject prior close ahead ranging equivalent similar part regardless instead""".split()
)
# A cut may fall before these words (or a comma): what follows is a phrase of its own.
PHRASE_STARTS = frozenset(
    """after because as amid following while which who when where despite with for in at on from
    by over than since until through during against among including and but or under into""".split()
)
_OPENING_CLAUSE = re.compile(
    r"^(?:When|While|After|Before|As|Although|Though|Since|Amid|Despite|Following|In|At|On|"
    r"During|With|Speaking|Asked|Responding|According)\b[^,]{3,200}, (?=[A-Z\"\u201c])"
)
_APPOSITION = re.compile(
    r", (?:who|which|whose|where|a |an |the |also |chief |head |director |[a-z][\w'-]* of )(?:[^,]|,(?=\d))*?,(?= )"
    r"|, (?:[A-Z][\w-]* ){0,3}[A-Z][\w-]*['\u2019]s (?:[\w-]+ ){0,3}[\w-]+,(?= )"
)  # a comma inside a number ("63,000") closes nothing
_ASIDES = re.compile(
    r"\s*\([^)]*\)|\s*<[A-Z.]{1,10}>|\s+on (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    r"|\s+(?:has|have) recently\b(?= \w+ed\b)|\s+recently\b|\s+(?:last|this) (?:week|month|year)\b"
    r"|\s+(?:today|yesterday)\b(?!['\u2019])"
)
# "Chinese private space start-up GalaxySpace demonstrated" -> "GalaxySpace demonstrated".
_DESCRIPTOR = re.compile(
    r"^(?:[A-Z][\w-]* )?(?:(?!(?:in|of|at|from|for|and|the|by|with|to|on)\b)[a-z][\w-]* ){1,4}"
    r"(?=[A-Z][\w-]*(?: [A-Z][\w-]*)* (?:has |have |had )?(?:[a-z]+ )?[a-z]+ed\b)"
)
# "British hurdler Sarah Claxton is ..." -> "Sarah Claxton is ...": a descriptor before a full name.
_PERSON_DESCRIPTOR = re.compile(
    r"^(?:[A-Z][\w'-]* )?(?:(?!(?:in|of|at|from|for|and|the|by|with|to|on)\b)[a-z][\w-]* ){1,3}"
    r"(?=[A-Z][a-z][\w'-]* [A-Z][a-z][\w'-]*(?: [A-Z][a-z][\w'-]*)? [a-z])"
)
_FULL_NAME_RUN = re.compile(r"\b([A-Z][a-z][\w'-]*(?: [A-Z]\.)? )([A-Z][a-z][\w'-]+)\b(?! [A-Z])")
# "US media giant TimeWarner", "leisure group Rank": the kind of thing before its name goes.
_NAMED_DESCRIPTOR = re.compile(
    r"\b(?:[A-Z][\w.-]* )?(?:[a-z][\w-]* ){0,3}(?:giant|firm|group|company|chain|retailer|operator|carrier|"
    r"airline|bank|broker|producer|manufacturer|[a-z]*maker|provider|conglomerate|singer|actor|actress|band|"
    r"rapper|star|director|striker|club|agency|regulator|watchdog) (?=[A-Z][\w'-]+)"
)
_TRAILING_ATTRIBUTION = re.compile(
    r", (?:(?:the|a) [\w -]{1,40}|it|he|she|they|officials|analysts|sources|[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,4}) "
    r"(?:said|says|reported|added|announced|told [\w ]{2,40})$"
    r"|, (?:said|according to) [^,]{2,80}$"
)
_SAID_IT = re.compile(
    r"^(?P<who>[A-Z][^,]{1,80}?) (?:has |have )?(?:said|says|reported|announced)(?: that)? (?:it|they|he|she) "
    r"(?P<what>\w.+)$"
)
_SAID_ITS = re.compile(r"^(?P<who>[A-Z][^,]{1,80}?) (?:has |have )?(?:said|says) its (?P<what>\w.+)$")
_SAID_THAT = re.compile(
    r"^(?P<who>.{3,120}?) (?:has |have )?(?:said|says|told [^,]{2,60}?|stated)(?: (?:in|at|on) [^,]{2,60}? that| that)? "
    r"(?P<what>(?!(?:in|at|on|to|for|of|by|it|its|he|she|they)\b).+)$"
)
_DATELINE = re.compile(r"^[A-Z][A-Z .'-]{2,}(?:, [A-Z][a-z]+\.? \d{1,2})?(?: \([^)]{2,40}\))? ?[-\u2013\u2014:]{1,2} ")
_TABLE_LEAD = re.compile(r"^(?:Oper(?:ating)? )?(?:Shr|Qtly|Qtrly|Qtr|Mthly|Semi-annual|Period|Periods)\b.{0,80}$",
                         re.IGNORECASE)
_NET_ROW = re.compile(r"^(?:Oper )?Net (?:loss |profit |income )?[\d.,]+ (?:mln |billion )?(?:dlrs )?vs ", re.IGNORECASE)
_FULL_NAME = re.compile(r"\b[Ff]ull name (?:of (?:the )?company )?(?:is )?([A-Z][\w&.'-]*(?: (?:of |and |& )?[A-Z][\w&.'-]*){0,7})")
_DROPPABLE = frozenset("the a an its their his her".split())
_COMPANY_SUFFIXES = frozenset("Inc Corp Co Ltd Plc PLC Corporation Incorporated Limited LP".split())
_SINGULAR_BODIES = frozenset(
    """Administration Association Organization Organisation Commission Department Ministry Agency
    Office Board Bank Company Group Corporation Corp Co Inc Ltd Plc Trust Institute Council Service
    Authority Committee Fund Exchange Party Union Federation Society""".split()
)
_PLURAL_DETERMINERS = frozenset("two three four five six seven eight nine ten both many several some".split())
_PREPOSITIONS = frozenset("of at in for from on with by to over under about".split())


def headline(paragraphs, limit=TITLE_MAX):
    """The title of an article of ``paragraphs`` (texts): an earnings table's or the lead's."""
    if not paragraphs:
        return ""
    if _TABLE_LEAD.match(paragraphs[0]):
        return _table_title(paragraphs, limit)
    return make_title(paragraphs[0], limit, body=" ".join(paragraphs[1:]))


def _table_title(paragraphs, limit):
    """'Canadian Home Shopping Network Ltd Net Loss 1,277,737': the net row, named by a note."""
    row = next((p for p in paragraphs[:8] if _NET_ROW.match(p)), paragraphs[0])
    name = next((m.group(1) for p in paragraphs for m in [_FULL_NAME.search(p)] if m), "")
    title = f"{name.rstrip('.')} {row}".strip()
    return _title_case(_cut(title.split(), None, limit))


def make_title(lead, limit=TITLE_MAX, body=""):
    """A headline from the lead paragraph (see the module docstring); ``body`` is the rest.

    Never empty: a lead that is all aside ("(after extra time)") keeps its words.
    """
    title = _headline_of(lead, limit, body)
    if title:
        return title
    words = re.findall(r"[\w'-]+", lead)
    return _title_case(_cut(words, None, limit)) if words else ""


def _headline_of(lead, limit, body):
    sentence = _first_sentence(lead)
    text = _OPENING_CLAUSE.sub("", _DATELINE.sub("", sentence), count=1)
    text = text[:1].upper() + text[1:]
    text = _APPOSITION.sub("", text)
    text = _ASIDES.sub("", text)
    text = re.sub(r"<([^<>]+)>", r"\1", text)  # wire copy brackets private companies: "<Qantas Airways Ltd>"
    text = _DESCRIPTOR.sub("", text, count=1)
    text = _NAMED_DESCRIPTOR.sub("", text)
    text = _PERSON_DESCRIPTOR.sub("", text, count=1)
    text = _surnames(text, body)
    text = _TRAILING_ATTRIBUTION.sub("", text).strip()
    text = _reported_speech(text, limit)
    words, verb_at = _headline_verb(text.split())
    if verb_at is None:  # a verb the dictionary does not know ("reposted"): still no cut before it
        verb_at = next((i for i, w in enumerate(words[1:16], 1) if w.islower() and w.endswith("ed")), None)
    words, verb_at = _drop_articles(words, verb_at)
    return _title_case(_cut(words, verb_at, limit))


def _first_sentence(lead):
    return (sentences(lead) or [lead])[0].rstrip(".!?:;- ")


def _surnames(text, body):
    """'Sarah Claxton' -> 'Claxton' when the story goes on to call her by the surname alone."""
    def short(match):
        first, surname = match.group(1), match.group(2)
        alone = re.search(rf"(?<!{re.escape(first.strip())} )\b{re.escape(surname)}\b", body)
        return surname if alone else match.group()
    return _FULL_NAME_RUN.sub(short, text) if body else text


def _reported_speech(text, limit):
    match = _SAID_ITS.match(text)
    if match:
        return f"{match.group('who')} {match.group('what')}"
    match = _SAID_IT.match(text)
    if match and len(match.group("what").split()) >= 2:
        return f"{match.group('who')} {match.group('what')}"
    match = _SAID_THAT.match(text)
    if match and len(match.group("what")) > 20:
        who = _short_speaker(match.group("who"))
        what = match.group("what")
        if len(what) + len(who) + 7 <= limit:
            return f"{what[:1].upper()}{what[1:]}, says {who}"
        return what[:1].upper() + what[1:]
    return text


def _short_speaker(who):
    """'Chinese Foreign Ministry spokesperson Mao Ning' -> 'Mao Ning'."""
    match = re.search(r"((?:[A-Z][\w'-]+ ){0,2}[A-Z][\w'-]+)$", who)
    return match.group(1) if match else who


@functools.lru_cache(maxsize=None)
def _lexicon():
    import lemminflect  # imported on first use: half a second of loading its tables

    return lemminflect


@functools.lru_cache(maxsize=20000)
def _verb_lemma(word, form):
    """The lemma when ``word`` is, in the dictionary, the verb form ``form`` (VBD, VBN, VBG, VB), else None."""
    lexicon = _lexicon()
    for lemma in lexicon.getAllLemmas(word, upos="VERB").get("VERB", ()):
        if word in lexicon.getAllInflections(lemma, upos="VERB").get(form, ()) or word in lexicon.getInflection(lemma, tag=form):
            return lemma
    return None


@functools.lru_cache(maxsize=20000)
def lemma_of(word):
    """The dictionary lemma of ``word`` (verb first, then noun), or the word itself."""
    lemmas = _lexicon().getAllLemmas(word.lower())
    for upos in ("VERB", "NOUN", "ADJ"):
        if lemmas.get(upos):
            return lemmas[upos][0]
    return word.lower()


@functools.lru_cache(maxsize=20000)
def _inflect(lemma, tag):
    forms = _lexicon().getInflection(lemma, tag=tag)
    return forms[0] if forms else None


def _headline_verb(words):
    """Words with the main verb in the headline present, and the verb's index (or None)."""
    for index, word in enumerate(words[:16]):
        if not index or not word.islower() or not word.isalpha():
            continue
        following = words[index + 1] if index + 1 < len(words) else ""
        after = words[index + 2] if index + 2 < len(words) else ""
        subject = words[:index]
        if word in ("has", "have", "had", "is", "are", "was", "were") and following.endswith("ly") and after:
            words = words[:index + 1] + words[index + 2:]  # "have openly blamed" -> "have blamed"
            following = after
            after = words[index + 2] if index + 2 < len(words) else ""
        if word in ("has", "have", "had"):
            if following == "been" and _verb_lemma(after, "VBN"):
                return subject + words[index + 2:], index  # "has been opened" -> "opened"
            lemma = _verb_lemma(following, "VBN")
            if lemma:
                return _present(subject, lemma, words[index + 2:], index)
            return words, None
        if word in ("is", "are", "was", "were"):
            if _verb_lemma(following, "VBG") and following not in ("being",):
                return _present(subject, _verb_lemma(following, "VBG"), words[index + 2:], index)
            if _verb_lemma(following, "VBN"):
                return subject + words[index + 1:], index  # "was opened" -> "opened"
            if following == "to":
                return subject + words[index + 1:], index + 1  # "is to cut" -> "to cut"
            if following in ("set", "due", "expected", "likely") and after == "to":
                return subject + ["to"] + words[index + 3:], index + 1
            if word in ("was", "were"):
                return subject + ["is" if word == "was" else "are"] + words[index + 1:], index
            return words, index
        if word == "will" and _verb_lemma(following, "VB"):
            return subject + ["to"] + words[index + 1:], index + 1  # the verb after "to"
        if word in ("would", "could", "may", "might", "can", "should", "must"):
            return words, index
        auxiliary = ("be", "been", "being", "to", "get", "got")
        if words[index - 1].lower() in auxiliary or (index > 1 and words[index - 2].lower() in auxiliary):
            continue  # "set to be scrapped", "being better qualified": a participle, not the verb
        lemma = _verb_lemma(word, "VBD")
        if lemma and lemma != "be" and (lemma == word or not _verb_lemma(word, "VB")):  # "put"; "feed" is no "fee"
            if following == "by":
                continue  # "backed by Sony": a participle describing the subject
            return _present(subject, lemma, words[index + 1:], index)
        noun_before = subject[0] in ("The", "A", "An") and subject[-1].islower() and not subject[-1].endswith(("s", "ing"))
        if (_verb_lemma(word, "VBZ") and (subject[-1][:1].isupper() or noun_before)) or (
                _verb_lemma(word, "VB") and (word.endswith("s") or _plural(subject))):
            return words, index  # already present after a name: "Zurich wants" (not "doping claims")
    return words, None


def _present(subject, lemma, rest, index):
    form = _inflect(lemma, "VBP" if _plural(subject) else "VBZ")
    if not form:
        return subject + [lemma] + rest, index
    return subject + [form] + rest, index


def _plural(subject):
    """A plural subject: 'two firms', 'cars and vans', 'Health officials in X'."""
    words = [w for w in subject if w.lower() not in ("the", "a", "an")]
    if not words:
        return False
    if words[-1].lower() in ("he", "she", "it", "they", "we", "i", "you"):
        return words[-1].lower() in ("they", "we", "you")  # "says he is developing" -> "he develops"
    if words[0].lower() in _PLURAL_DETERMINERS:
        return True
    if ("and" in words[1:-1] or "&" in words[1:-1]) and words[-1] not in _SINGULAR_BODIES:
        return True  # "Fiat and General Motors", not "Food and Drug Administration"
    head = words
    for position, word in enumerate(words):
        if position and (word.lower() in PHRASE_STARTS or word.lower() in _PREPOSITIONS or word.endswith("ing")):
            head = words[:position]
            break
    return _plural_noun(head[-1] if len(head) > 1 else head[-1].lower())


@functools.lru_cache(maxsize=20000)
def _plural_noun(word):
    if not word.islower() or word.endswith(("ss", "us", "is")):
        return False
    lemmas = _lexicon().getAllLemmas(word, upos="NOUN").get("NOUN", ())
    return bool(lemmas) and word not in lemmas


def _drop_articles(words, verb_at):
    """Drop articles and possessive determiners unless they open a name ('The Hague'), and
    company suffixes after a name ('Red Lion Inns Inc' -> 'Red Lion Inns')."""
    out, new_verb = [], verb_at
    for index, word in enumerate(words):
        nxt = words[index + 1] if index + 1 < len(words) else ""
        lower_next = nxt[:1].islower() or nxt[:1].isdigit() or index == 0
        named_the = word == "the" and nxt[:1].isupper() and not (index and words[index - 1] == "of")
        droppable = (word.lower() in _DROPPABLE and nxt and (lower_next or named_the)) \
            or _adverb(word)
        suffix = word.rstrip(",") in _COMPANY_SUFFIXES and index and words[index - 1][:1].isupper()
        if droppable or suffix:
            if suffix and word.endswith(",") and out:
                out[-1] += ","
            if verb_at is not None and index < verb_at:
                new_verb -= 1
            continue
        out.append(word)
    if out:
        out[0] = out[0][:1].upper() + out[0][1:]
    return out, new_verb


@functools.lru_cache(maxsize=20000)
def _adjective(word):
    """A lower-case word the dictionary knows only as an adjective ('viral', 'fresh')."""
    lemmas = _lexicon().getAllLemmas(word) if word.islower() else {}
    return "ADJ" in lemmas and "NOUN" not in lemmas and "PROPN" not in lemmas


@functools.lru_cache(maxsize=20000)
def _adverb(word):
    """'probably', 'openly': manner and hedge adverbs an editor cuts (never 'only' or 'early')."""
    if not (word.islower() and word.endswith("ly") and word.isalpha()) or word in ("only", "early", "daily", "likely"):
        return False
    lemmas = _lexicon().getAllLemmas(word)
    return "ADV" in lemmas and not ({"ADJ", "NOUN", "VERB"} & set(lemmas))


def _ends_well(words):
    last = words[-1].lower().strip(",;:\"'\u201c\u201d")
    return bool(last) and last not in FUNCTION_WORDS and last not in _DANGLING and not re.search(r"['\u2019]s?$", last)


def _break_before_of(words, index):
    """'consent | of holders' and 'rose 5% | to $1bn' may be cut; 'Bank of England', 'agreed to buy' not."""
    nxt = words[index + 1] if index + 1 < len(words) else ""
    if words[index] == "to":
        return True  # after the verb and its object: "enters market | to arrange ..."
    return words[index] == "of" and nxt[:1].islower() and words[index - 1][:1].islower()


def _distance(title):
    """How far a candidate is from a headline's length: words from TITLE_WORDS, more past 80 characters."""
    return abs(len(title.split()) - TITLE_WORDS) + (WORD_CUT_COST if len(title) > LONG_TITLE else 0)


def _cut(words, verb_at, limit):
    """The run of whole phrases nearest TITLE_WORDS words, within ``limit`` characters."""
    text = " ".join(words).strip(" ,;:-")
    if not text:
        return ""
    if len(text.split()) <= TITLE_WORDS and _ends_well(text.split()):
        return text
    first_allowed = (verb_at + 2) if verb_at is not None else 2
    cuts = []
    for index in range(max(first_allowed, 1), len(words) + 1):
        head = words[:index]
        participle = verb_at is not None and verb_at + 1 < index < len(words) and words[index].islower() and (
            _verb_lemma(words[index], "VBN") or _verb_lemma(words[index], "VBD"))
        if index < len(words) and not (head[-1].endswith(",") or words[index].lower() in PHRASE_STARTS
                                       or _break_before_of(words, index) or participle):
            continue
        head = [*head[:-1], head[-1].rstrip(",;:")]
        last = head[-1].lower()
        passive = len(head) > 1 and head[-2].lower() in ("be", "been", "being", "is", "are", "was", "were", "get")
        if verb_at is not None and index - 1 > verb_at and not passive and (
                _verb_lemma(last, "VBN") or _verb_lemma(last, "VBD")):
            continue  # "pieces ran | by a newspaper": a participle after the verb asks for its phrase
        if _ends_well(head):
            cuts.append(" ".join(head))
    fitting = [c for c in cuts if len(c) <= limit]
    if fitting and min(_distance(c) for c in fitting) <= WORD_CUT_COST:
        return min(fitting, key=lambda c: (_distance(c), -len(c)))
    # No phrase boundary near enough: the whole words nearest TITLE_WORDS that end well and do
    # not stop inside a name ("by a Hong | Kong newspaper") or before a participle's phrase.
    ends = [(_distance(c), -len(c), c) for c in fitting]
    if len(text) <= limit and _ends_well(text.split()):
        ends.append((_distance(text), -len(text), text))  # the whole sentence
    for index in range(2, len(words)):
        head = words[:index]
        if len(" ".join(head)) > limit:
            break
        inside_name = head[-1][:1].isupper() and words[index][:1].isupper()
        if _ends_well(head) and not inside_name and not _verb_lemma(head[-1].lower(), "VBN") \
                and not _adjective(head[-1]):  # "refute viral | rumours": an adjective wants its noun
            title = " ".join(head).rstrip(",;:")
            cost = _distance(title) + WORD_CUT_COST * (1 if index >= first_allowed else 2)
            ends.append((cost, -len(title), title))  # before the verb: a noun phrase
    if ends:
        return min(ends)[2]
    head = []
    for word in words:
        if len(" ".join(head + [word])) > limit:
            break
        head.append(word)
    whole = list(head)
    while head and (not _ends_well(head) or (len(head) < len(words) and head[-1][:1].isupper()
                                              and words[len(head)][:1].isupper())):
        head.pop()  # nor in the middle of a name ("by a Hong | Kong newspaper")
    return " ".join(head or whole).rstrip(",;:")  # a lead of function words only stays as it is


def _title_case(text):
    out = []
    for index, word in enumerate(text.split(" ")):
        if index and word.lower() in SMALL_WORDS:
            out.append(word.lower())
        elif word[:1].islower():
            parts = word.split("-")
            out.append("-".join(
                p if i and p in SMALL_WORDS else p[:1].upper() + p[1:] for i, p in enumerate(parts)
            ))
        else:
            out.append(word)
    return " ".join(out)
