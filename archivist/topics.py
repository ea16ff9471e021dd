"""Choose an article's topic from ``ARCHIVE_TOPICS`` (topic name -> one-line description).

Each topic gets a profile, a weighted bag of word stems made of:

1. the words of its description (weight 1.5 each);
2. a built-in, general English lexicon of common news topics (``LEXICON``
   below, weight 1), picked by the topic's name or an alias ("Technology",
   "Tech", "Science & Technology" -> technology) and, at half weight, by any
   lexicon name its description mentions ("Film, music ..." -> culture); the
   lexicon holds everyday newsroom vocabulary, not words from any corpus,
   including the business desk's own beats (earnings, deals, energy,
   currencies, rates, shipping, commodities, money supply). A lexicon that
   two topics claim ("money-fx" and "money-supply" both name business) is
   left out of both: it cannot tell them apart and draws in the articles of
   every other topic;
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
    "earnings": """earnings profit profits loss losses net income revenue revenues quarter quarterly
        results dividend dividends payout fiscal operating extraordinary cents cts shr qtr revs
        mths split payable declared distribution sales per share""",
    "deals": """merger mergers acquisition acquisitions acquire acquired takeover takeovers bid bids
        tender offer stake buy buys bought purchase sell sale sold unit subsidiary shareholders
        agreement definitive agreed terms holders common approve approved cash investor
        investors merge merged merging acquires acquiring acquirer buyout divest divestiture
        disposition disposal negotiating owners""",
    "energy": """oil crude barrel barrels opec petroleum refinery refineries refining gasoline fuel
        energy gas natural drilling exploration wells field fields output production pipeline
        bpd reserves prices posted""",
    "currency": """currency currencies exchange dollar dollars yen mark marks sterling franc rate rates
        intervention intervene central bank dealers foreign market markets stability louvre
        accord g7 finance ministers""",
    "rates": """interest rate rates prime lending discount central bank cut raise raised lowered
        basis points deposit money market bills treasury yields credit fed federal reserve""",
    "shipping": """ship ships shipping port ports vessel vessels tanker tankers freight cargo
        seamen strike strikes canal gulf navy sea shipowners dock docks""",
    "commodities": """crop crops harvest output production tonnes tonne exports export import imports
        prices price growers planting weather quota quotas stocks futures market producers
        consumers cane beet sugar coffee cocoa organization organisation""",
    "money": """money supply m1 m2 m3 monetary aggregate aggregates deposits seasonally adjusted""",
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
    "earn": "earnings", "earnings": "earnings", "results": "earnings", "profits": "earnings", "dividends": "earnings",
    "acq": "deals", "mergers": "deals", "acquisitions": "deals", "takeovers": "deals",
    "oil": "energy", "energy": "energy", "crude": "energy",
    "currencies": "currency", "currency": "currency", "forex": "currency",
    "interest": "rates", "rates": "rates",
    "shipping": "shipping", "ships": "shipping",
    "commodities": "commodities", "crops": "commodities", "sugar": "commodities", "coffee": "commodities",
    "supply": "money",
}
DESCRIPTION_WEIGHT = 1.5
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
    chosen = {name: lexicons_for(name, description) for name, description in topics.items()}
    claims = {}
    for lexicons in chosen.values():
        for lexicon in lexicons:
            claims[lexicon] = claims.get(lexicon, 0) + 1
    for name, description in topics.items():
        profile = {}
        for word in tokens(description):
            profile[word] = profile.get(word, 0.0) + DESCRIPTION_WEIGHT
        for lexicon, weight in chosen[name].items():
            if claims[lexicon] > 1:
                continue  # claimed by two topics, it cannot tell them apart and draws in the others

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
