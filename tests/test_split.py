"""The splitter on strings: subheadings, lead and continuation cues, and properties."""

from hypothesis import given, settings
from hypothesis import strategies as st

from archivist import splitting
from archivist.reading import Paragraph, paragraphs_of

# Three invented stories, one paragraph a line, glued together.
STORY_LINES = [
    "Harbour City mayor Elena Marsh said on Tuesday that the council will rebuild the flooded ferry terminal before the summer tourist season.",
    "Marsh said the ferry terminal repairs would cost the council about 4 million dollars, paid from the harbour reserve fund.",
    "The council also plans a new flood wall along the harbour, Marsh added, after the ferry terminal flooded twice this winter.",
    "Ferry operators welcomed the plan but asked the council to open a temporary landing stage on the harbour's north quay while the terminal is rebuilt, so that island residents can still reach the mainland for work and school.",
    "Marsh told reporters the storm damage had shown how exposed the old harbour is, and that the council would ask engineers to survey the sea defences, the slipway and the fish market before next winter's storms arrive.",
    "Residents at a packed council meeting on the quay asked why the repairs had taken so long, and several shop owners said the closure of the ferry terminal had cut their takings by half since January.",
    "Astronomers at the Northern Ridge Observatory have found a comet that will pass close to Mars next spring, the observatory's director Tomas Reyes said on Monday.",
    "Reyes said the comet's tail of ice and dust could be seen from Earth through small telescopes as it nears the Sun.",
    "The observatory will share its telescope images of the comet with astronomers around the world, Reyes added.",
    "Comets are frozen remnants of the early solar system, and astronomers hope that measuring the gases this comet releases near the Sun will show what the planets formed from.",
    "The comet was spotted in images taken in January by a student, Lina Okafor, who noticed a faint smudge moving against the background stars over three nights and reported it to the observatory's staff.",
    "Okafor said she had checked the faint object against catalogues of known asteroids before raising the alarm, and the team confirmed its orbit with the large telescope a week later.",
    "Striker Jonas Berg scored twice as Valley Rovers beat Coastal United 3-1 in the cup semi-final on Saturday.",
    "Berg, who joined the club last season, now has 20 goals for Rovers, whose manager praised the team's defending.",
    "Rovers will play the cup final at the national stadium next month against the winner of the other semi-final.",
    "Coastal United's coach said his players had defended well for an hour but tired after Berg's second goal, and that the club would now focus on the league, where United are third.",
    "Berg opened the scoring after ten minutes with a header from a corner, and his second came early in the second half when he ran onto a long pass and lifted the ball over the goalkeeper.",
    "United pulled a goal back from the penalty spot, but a Rovers substitute sealed the win in stoppage time as the home supporters celebrated in the stands.",
]


def as_paragraphs(lines):
    return [Paragraph(text, number, number) for number, text in enumerate(lines, 1)]


def test_three_glued_stories_are_cut_where_they_start():
    parts = splitting.split(as_paragraphs(STORY_LINES))
    assert [part[0].line for part in parts] == [1, 7, 13]


def test_a_single_story_stays_whole():
    parts = splitting.split(as_paragraphs(STORY_LINES[6:12]))
    assert [len(part) for part in parts] == [6]


def test_fused_subheading_is_recovered_as_a_heading():
    paragraphs = paragraphs_of(
        "The probe will orbit the comet, according to Reyes. Tackle challenges\n"
        "At the meeting, Reyes listed the challenges of the mission.\n"
    )
    out = splitting.recover_subheadings(paragraphs)
    assert [(p.text, p.heading) for p in out] == [
        ("The probe will orbit the comet, according to Reyes.", False),
        ("Tackle challenges", True),
        ("At the meeting, Reyes listed the challenges of the mission.", False),
    ]


def test_standalone_short_line_is_a_heading_but_last_line_is_not():
    paragraphs = paragraphs_of("A first paragraph ends here.\nNew rules\nThe rules say more.\nThe end")
    out = splitting.recover_subheadings(paragraphs)
    assert [p.heading for p in out] == [False, True, False, False]


def test_sentences_are_not_mistaken_for_headings():
    paragraphs = paragraphs_of("He said it was over. She said so\nNext paragraph.")
    out = splitting.recover_subheadings(paragraphs)
    assert not any(p.heading for p in out)


def test_continuation_cues_weigh_against_a_cut():
    cues = splitting.cue_scores(as_paragraphs(STORY_LINES))
    # "Marsh said" after "Elena Marsh": a surname back-reference.
    assert cues[1] < 0
    # "The observatory will share": a definite back-reference.
    assert cues[8] < 0
    assert cues[6] > cues[1]


def test_dateline_counts_for_a_cut():
    paragraphs = as_paragraphs(["Some text about a thing.", "OSLO, March 3 (Newswire) - A new story begins."])
    assert splitting.cue_scores(paragraphs)[1] > 0


words = st.sampled_from(
    "harbour ferry comet telescope striker goal council mayor rovers observatory flood wall".split()
)
texts = st.lists(words, min_size=1, max_size=12).map(lambda ws: " ".join(ws).capitalize() + ".")


@settings(max_examples=60, deadline=None)
@given(st.lists(texts, min_size=0, max_size=25))
def test_no_paragraph_is_lost_duplicated_or_reordered(lines):
    paragraphs = as_paragraphs(lines)
    parts = splitting.split(paragraphs)
    assert [p for part in parts for p in part] == paragraphs
    assert all(parts)


@settings(max_examples=60, deadline=None)
@given(st.lists(texts | st.sampled_from(["Tackle challenges", "New rules", "He said so"]), max_size=20))
def test_subheading_recovery_keeps_every_word_in_order(lines):
    paragraphs = as_paragraphs(lines)
    out = splitting.recover_subheadings(paragraphs)
    assert " ".join(p.text for p in out).split() == " ".join(lines).split()
