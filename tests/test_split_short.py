"""Short glued stories (two or three paragraphs each) are cut where the next lead starts."""

import pytest

from archivist import splitting
from archivist.reading import Paragraph

# Invented stories. Each pair: the first story's paragraphs, then the second's.
FLOOD = [
    "Heavy rain flooded roads across the coastal town of Port Aldean on Monday, and the regional weather office warned that more storms would arrive before the weekend.",
    "The weather office said rivers near Port Aldean could burst their banks, and asked drivers to avoid the coast road.",
]
TABLET = [
    "Software maker Brightloop launched a new tablet on Wednesday, chief executive Nadia Kovacs told a product event in Lisbon, promising a battery that lasts two days.",
    "Kovacs said the tablet would go on sale in Europe next month at a lower price than rival devices.",
]
COURT = [
    "A court in Valdon jailed former city treasurer Marco Pellis for six years on Friday for stealing public money meant for school repairs.",
    "Judges found that Pellis had moved the money into accounts held by relatives over a period of four years.",
    "His lawyer said Pellis would appeal against the sentence.",
]
FESTIVAL = [
    "Singer Ayla Brennan will headline the Riverside Festival in August, organisers announced on Tuesday, ending months of speculation among fans.",
    "Brennan, whose debut album topped the charts last spring, last played the festival as an unknown act five years ago.",
    "Tickets for the festival sold out within an hour of the announcement.",
]
HOSPITAL = [
    "Doctors at Kelmont General Hospital carried out the country's first robot-assisted heart valve repair on Thursday, hospital director Sara Lindqvist said.",
    "Lindqvist said the patient, a 67-year-old retired teacher, was recovering well and would be sent home within a week.",
]
TRAINS = [
    "Northline Railways will add twelve new trains to its busiest commuter route from January, transport minister Daniel Okoro announced on Wednesday.",
    "Okoro said the trains would cut crowding at rush hour and that Northline would hire forty more drivers.",
    "Passenger groups said the railways should also fix the delays that hit the route every winter.",
]
PAIRS = [(FLOOD, TABLET), (COURT, FESTIVAL), (HOSPITAL, TRAINS), (TABLET, COURT), (FESTIVAL, HOSPITAL)]


def as_paragraphs(lines):
    return [Paragraph(text, number, number) for number, text in enumerate(lines, 1)]


def lengths(lines):
    return [len(part) for part in splitting.split(as_paragraphs(lines))]


@pytest.mark.parametrize("first, second", PAIRS)
def test_two_short_stories_are_cut_at_the_second_lead(first, second):
    assert lengths(first + second) == [len(first), len(second)]


def test_three_short_stories_in_a_row():
    assert lengths(COURT + HOSPITAL + FESTIVAL) == [3, 2, 3]


@pytest.mark.parametrize("story", [FLOOD, TABLET, COURT, FESTIVAL, HOSPITAL, TRAINS])
def test_each_short_story_alone_stays_whole(story):
    assert lengths(story) == [len(story)]


def test_no_fresh_lead_where_the_vocabulary_goes_on():
    # The same lead shape, but it shares words ("trains", "Northline") with what came before.
    lines = TRAINS[:2] + [
        "Northline Trains chief Petra Vance said on Friday that the new trains would be built in the north.",
        "Vance said the trains would also run on the coast line.",
    ]
    assert splitting.cue_scores(as_paragraphs(lines))[2] < splitting.FRESH_LEAD
    assert lengths(lines) == [4]


def test_no_fresh_lead_right_after_a_quotation():
    lines = FLOOD + ['"We have never seen water this high in the town," one shopkeeper said.'] + TABLET
    cues = splitting.cue_scores(as_paragraphs(lines))
    assert cues[3] < splitting.FRESH_LEAD


def test_a_lead_that_goes_nowhere_gets_no_fresh_cue():
    # The new paragraph shares nothing with the next ones either: a digression, not a story.
    lines = COURT + [TABLET[0], "Judges in Valdon will hear the appeal in the spring, the court said."]
    cues = splitting.cue_scores(as_paragraphs(lines))
    assert cues[3] < splitting.FRESH_LEAD


def test_a_new_speaker_inside_one_story_is_no_lead_without_a_when():
    # "Full Name, role at X, said" with fresh words is how stories bring in a speaker.
    lines = FESTIVAL + [
        "Marta Quill, booking director at Tallow Agency, said demand for outdoor concerts had doubled.",
        "Quill expects outdoor concert prices to rise.",
    ]
    assert splitting.cue_scores(as_paragraphs(lines))[3] < splitting.FRESH_LEAD
    assert lengths(lines) == [5]


# Invented wire copy: a short item, then an earnings table, then another table, then an item.
WIRE = [
    "Harlow Fittings Inc said it agreed to buy the valve maker Brenton Pumps for 12 mln dlrs in cash.",
    "The company said the purchase would be completed by the end of June.",
    "Shr 31 cts vs 24 cts",
    "Net 4,210,000 vs 3,180,000",
    "Revs 61.2 mln vs 55.9 mln",
    "Nine mths",
    "Shr 88 cts vs 70 cts",
    "Net 11.9 mln vs 9.4 mln",
    "Qtly div 12 cts vs 12 cts prior",
    "Pay April 15",
    "Record March 31",
    "Osgood Mining Corp said it will close its copper smelter at Dunmore for three months of repairs.",
    "It said about 300 workers would be laid off while the smelter is shut.",
]


def test_wire_items_and_earnings_tables_are_stories():
    assert lengths(WIRE) == [2, 6, 3, 2]


def test_table_rows_are_not_subheadings():
    recovered = splitting.recover_subheadings(as_paragraphs(["Profit rose.", "Shr 31 cts vs 24 cts", "Net 4,210,000 vs 3,180,000"]))
    assert not any(p.heading for p in recovered)


def test_a_named_subject_already_in_the_story_is_no_wire_lead():
    lines = WIRE[:2] + ["Harlow Fittings Inc said it would pay for the purchase from its own cash."]
    assert splitting.cue_scores(as_paragraphs(lines))[2] < splitting.WIRE_LEAD


# A confidence for every cut ------------------------------------------------------

def test_confidences_lie_between_0_and_1_and_the_first_article_is_certain():
    scored = splitting.split_scored(as_paragraphs(WIRE))
    assert [len(part) for part, _c in scored] == [2, 6, 3, 2]
    assert scored[0][1] == 1.0
    assert all(0.0 <= confidence <= 1.0 for _part, confidence in scored)


def test_a_table_after_prose_is_a_surer_cut_than_a_short_lead():
    # The first row of an earnings table is the strongest cue there is; two-paragraph
    # stories with a plain lead are cut on little evidence.
    table_cut = splitting.split_scored(as_paragraphs(WIRE))[1][1]
    lead_cut = splitting.split_scored(as_paragraphs(TABLET + COURT))[1][1]
    assert lead_cut < 0.5 < table_cut


def test_split_and_split_scored_agree():
    lines = COURT + FESTIVAL + WIRE
    assert splitting.split(as_paragraphs(lines)) == [p for p, _c in splitting.split_scored(as_paragraphs(lines))]
