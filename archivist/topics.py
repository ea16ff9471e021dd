"""Choose an article's topic from ``ARCHIVE_TOPICS`` (topic name -> one-line description).

Each topic gets a profile, a weighted bag of word stems made of:

1. the words of its description (weight 3 each);
2. a built-in, general English lexicon of common news topics (``LEXICON``
   below, weight 1), picked by the topic's name or an alias ("Technology",
   "Tech", "Science & Technology" -> technology) and, at half weight, by any
   lexicon name its description mentions ("Film, music ..." -> culture); the
   lexicon holds everyday newsroom vocabulary, not words from any corpus;
3. the articles already filed under the topic in the archive (weight 1 per
   article, spread over its words), so the archive teaches the importer.

A word found in several profiles counts less (weighted by log(topics / profiles
holding it)). The article's score for a topic is the sum of the weights of its
word stems found in the profile (each stem counted at most 3 times) divided by
the square root of the article's length; the highest score wins, ties going to
the first topic in ``ARCHIVE_TOPICS``.
"""

import math
import re

from .words import stem, tokens

_L = {
    "world": """world international foreign diplomacy diplomat diplomatic embassy ambassador ministry
        ceasefire war conflict troops military army peace talks treaty summit sanctions border
        refugee refugees united nations un nato alliance invasion occupation bilateral president
        prime regime crisis negotiation negotiations humanitarian region regional global countries
        nation nations allies ally envoy spokesperson territory sovereignty""",
    "politics": """politics political government minister ministers parliament parliamentary election
        elections vote voters voting ballot campaign party parties labour conservative conservatives
        tory tories liberal democrat democrats republican republicans opposition leader leadership
        cabinet chancellor secretary mp mps senator senate congress bill legislation law policy
        policies manifesto referendum poll polls constituency coalition premier president
        commons lords whitehall downing spokesman reform tax taxes council councillor mayor
        official officials home office asylum immigration public spending""",
    "business": """business company companies firm firms market markets share shares stock stocks
        investor investors investment bank banks banking profit profits loss losses revenue sales
        earnings economy economic economist growth inflation interest rates price prices trade
        deal deals merger acquisition takeover billion million dollar dollars euro pound currency
        oil industry industrial manufacturing retail retailer consumer customers chief executive
        ceo chairman board quarter quarterly annual results exports imports debt shareholders
        corporation conglomerate port ports shipping jobs employment unemployment budget fund
        funds finance financial""",
    "technology": """technology tech digital internet online web website software hardware computer
        computers computing mobile phone phones smartphone device devices gadget gadgets app apps
        network networks broadband wireless satellite satellites telecom telecoms
        telecommunications data chip chips processor video games gaming console consoles users
        user microsoft apple google sony search email security virus hackers hacking spam
        download downloads music service services innovation startup cyber artificial
        intelligence robot robots electronics electronic screen laptop pc tv high definition
        communication communications connectivity 5g""",
    "science": """science scientific scientist scientists research researchers study laboratory
        space spacecraft astronomy astronomer asteroid asteroids planet planetary earth orbit
        lunar moon mars nasa telescope physics chemistry biology experiment experiments
        climate environment species nature evolution discovery discoveries academy academician
        exploration probe mission launch rocket""",
    "health": """health medical medicine hospital hospitals doctor doctors nurse nurses patient
        patients disease diseases virus viruses infection infections infectious outbreak epidemic
        pandemic vaccine vaccines treatment drug drugs cancer care clinic public nhs mental
        symptoms illness health commission surgery""",
    "society": """society social community communities people public residents families children
        school schools education students teachers university crime police court courts rumor
        rumors rumour rumours misinformation media social welfare poverty housing protest
        protests rights culture religion""",
    "culture": """culture entertainment film films movie movies cinema box office actor actors
        actress star stars director music band bands singer album albums song songs chart charts
        concert tour festival television tv show shows series drama comedy theatre theater stage
        book books novel author arts art award awards oscar oscars grammy bafta prize nominated
        nomination nominations celebrity celebrities hollywood studio record label fans""",
    "sport": """sport sports football soccer rugby cricket tennis golf athletics olympic olympics
        game games match matches player players team teams club clubs coach manager league cup
        championship champion champions tournament final semi season win won victory defeat
        goal goals score scored striker midfielder defender goalkeeper captain squad injury
        world cup race races runner title medal stadium fixture fans referee""",
}
LEXICON = {name: frozenset(stem(w) for w in words.split()) for name, words in _L.items()}
ALIASES = {
    "tech": "technology", "technology": "technology", "computing": "technology",
    "science": "science", "space": "science", "environment": "science",
    "business": "business", "economy": "business", "economics": "business", "finance": "business",
    "markets": "business", "money": "business",
    "politics": "politics", "government": "politics", "elections": "politics",
    "world": "world", "international": "world", "foreign": "world", "diplomacy": "world",
    "health": "health", "medicine": "health",
    "society": "society", "social": "society", "education": "society", "community": "society",
    "culture": "culture", "entertainment": "culture", "arts": "culture", "art": "culture",
    "film": "culture", "music": "culture",
    "sport": "sport", "sports": "sport",
}
DESCRIPTION_WEIGHT = 3.0
LEXICON_WEIGHT = 1.0
ARCHIVE_WEIGHT = 1.0
MAX_COUNT = 3


def lexicons_for(name, description):
    """(lexicon name, weight) pairs for a topic: its own name first, then those its description names."""
    chosen = {}
    for word in re.findall(r"[a-z]+", name.lower()):
        if word in ALIASES:
            chosen.setdefault(ALIASES[word], 1.0)
    for word in re.findall(r"[a-z]+", description.lower()):
        if word in ALIASES and ALIASES[word] not in chosen:
            chosen[ALIASES[word]] = 0.5
    return chosen


def build_profiles(topics, filed):
    """Profiles for ``topics`` (name -> description); ``filed`` maps name -> list of article texts."""
    raw = {}
    for name, description in topics.items():
        profile = {}
        for word in tokens(description):
            profile[word] = profile.get(word, 0.0) + DESCRIPTION_WEIGHT
        for lexicon, weight in lexicons_for(name, description).items():
            for word in LEXICON[lexicon]:
                profile[word] = profile.get(word, 0.0) + LEXICON_WEIGHT * weight
        for text in filed.get(name, ()):
            words = tokens(text)
            if words:
                share = ARCHIVE_WEIGHT / math.sqrt(len(words))
                for word in words:
                    profile[word] = profile.get(word, 0.0) + share
        raw[name] = profile
    holders = {}
    for profile in raw.values():
        for word in profile:
            holders[word] = holders.get(word, 0) + 1
    count = len(raw)
    spread = {w: math.log((count + 1) / h) for w, h in holders.items()}
    return {name: {w: v * spread[w] for w, v in profile.items()} for name, profile in raw.items()}


def scores(text, profiles):
    """Score of ``text`` for each topic (see the module docstring)."""
    counts = {}
    for word in tokens(text):
        counts[word] = counts.get(word, 0) + 1
    length = math.sqrt(sum(counts.values()) or 1)
    result = {}
    for name, profile in profiles.items():
        total = 0.0
        for word, count in counts.items():
            weight = profile.get(word)
            if weight:
                total += min(count, MAX_COUNT) * weight
        result[name] = total / length
    return result


def classify(text, profiles):
    """The best topic for ``text``; ties go to the first topic."""
    result = scores(text, profiles)
    return max(result, key=lambda name: result[name]) if result else None
