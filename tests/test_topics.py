"""Topics from one-line descriptions: a lexicon two topics claim is left out of both."""

from archivist import topics

WIRE_TOPICS = {
    "acq": "Mergers and acquisitions: takeovers, bids, stakes and the sale of companies or units.",
    "money-fx": "Currencies: exchange rates, the dollar, the yen and central bank intervention.",
    "money-supply": "Money supply: the M1, M2 and M3 measures of money and their growth.",
}
TAKEOVER = ("Harlow Fittings Inc said it agreed to acquire Brenton Pumps for 12 mln dlrs in cash. "
            "The company said the purchase of the pump maker's business would be completed in June, "
            "and that revenue and profit at the combined business would grow.")


def test_a_lexicon_claimed_by_two_topics_is_in_neither_profile():
    # "money" names the general business lexicon for both money topics: with it, an
    # article about a takeover scores on its business words for the wrong topic.
    profiles = topics.build_profiles(WIRE_TOPICS, {})
    assert "revenue" not in profiles["money-fx"] and "revenue" not in profiles["money-supply"]
    assert topics.classify(TAKEOVER, profiles) == "acq"


def test_newsroom_lexicons_for_wire_topics():
    assert topics.lexicons_for("earn", "Earnings: quarterly and annual results and dividends.") == {"earnings": 1.0}
    assert topics.lexicons_for("acq", "Mergers and acquisitions.") == {"deals": 1.0}
    assert topics.lexicons_for("Results", "Profits and losses.") == {"earnings": 1.0}
    assert topics.lexicons_for("crude", "Crude oil: prices and output.") == {"energy": 1.0}


def test_a_stock_split_is_an_earnings_story_not_a_takeover():
    # The takeover description's "companies" and "units" drew in dividend and split notices.
    wire = {"earn": "Earnings: quarterly and annual results, net profit or loss, revenues and dividends.",
            **WIRE_TOPICS}
    split = ("Harlow Fittings Inc said its board declared a two-for-one stock split, payable April 30 "
             "to holders of record April 15. The company said the split will be paid as a distribution "
             "of one common share for each share held.")
    assert topics.classify(split, topics.build_profiles(wire, {})) == "earn"
