"""Each importer step on plain strings: reading, dates, titles, summaries, topics, tags, slugs."""

import codecs
import datetime

import pytest

from archivist import dates, enrich, importer, reading, slugs, tags, topics
from archivist.errors import InputError
from archivist.reading import Paragraph
from archivist.settings import load_settings
from tests.conftest import ROOT

SUNDAY = datetime.date(2025, 3, 16)
# An invented paragraph long enough (over reading.MIN_WORDS words) to be imported.
LONG = ("The town council of Harbour City voted on Tuesday to rebuild the flooded ferry terminal "
        "before the summer season, the mayor told reporters after the meeting.")


# Reading ------------------------------------------------------------------

def test_one_paragraph_per_line():
    out = reading.paragraphs_of("First.\nSecond.\n\n")
    assert [(p.text, p.line) for p in out] == [("First.", 1), ("Second.", 2)]


def test_blank_line_separated_wrapped_paragraphs_join():
    out = reading.paragraphs_of("One line\ncontinued.\n\nTwo.\n")
    assert [(p.text, p.line, p.last_line) for p in out] == [("One line continued.", 1, 2), ("Two.", 4, 4)]


@pytest.mark.parametrize("separator", ["---", "***", "\f"])
def test_explicit_separators_make_articles(tmp_path, separator):
    path = tmp_path / "in.txt"
    path.write_text(f"Story one.\nMore one.\n{separator}\n{LONG}\n", encoding="utf-8")
    documents, _notes = reading.read_input(str(path))
    assert [[p.text for p in d.paragraphs] for d in documents] == [["Story one.", "More one."], [LONG]]
    assert not any(d.split for d in documents)


def test_jsonl_fields_and_lines(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"paragraphs": ["A.", "B."], "title": "Given"}\n\n{"text": "C.\\n\\nD."}\n'
                    f'{{"text": "{LONG}"}}\n', encoding="utf-8")
    documents, _notes = reading.read_input(str(path))
    assert documents[0].meta == {"title": "Given"}
    assert [p.line for p in documents[1].paragraphs] == [3, 3]
    assert [p.text for p in documents[1].paragraphs] == ["C.", "D."]


def test_folder_of_files(tmp_path):
    (tmp_path / "b.md").write_text(f"Second story.\n{LONG}\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text(f"First story.\n{LONG}\n", encoding="utf-8")
    (tmp_path / "skip.csv").write_text("x\n", encoding="utf-8")
    documents, _notes = reading.read_input(str(tmp_path))
    assert [d.paragraphs[0].text for d in documents] == ["First story.", "Second story."]


def test_utf16_with_bom_is_decoded_with_a_note():
    text, note = reading.decode(codecs.BOM_UTF16_LE + "Caf\u00e9 news.".encode("utf-16-le"), "x")
    assert text == "Caf\u00e9 news." and "UTF-16" in note


def test_cp1252_is_decoded_with_a_note():
    text, note = reading.decode("Caf\u00e9 \u201cnews\u201d.".encode("cp1252"), "x")
    assert text == "Caf\u00e9 \u201cnews\u201d." and "1252" in note


def test_binary_bytes_are_refused_with_the_line():
    with pytest.raises(InputError) as caught:
        reading.decode(b"fine\nbad \x81\x00 bytes", "in.txt")
    assert str(caught.value).startswith("in.txt:2: is not UTF-8 (byte 0x81)")


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"\xff\xfe\x00bad", "f.txt: decoded as UTF-16 (with BOM), but does not read as Latin-script text"),
        (codecs.BOM_UTF16_LE + ("\u6f22\u5b57\u30c6\u30b9\u30c8 " * 40).encode("utf-16-le"),
         "f.txt: decoded as UTF-16 (with BOM), but does not read as Latin-script text (200 of 200 letters"),
        (("News " * 30 + "\ue000" * 10).encode("utf-8"), "f.txt: holds 10 control or unreadable character(s)"),
        (b"Short note.\n", "f.txt: holds only 2 word(s): too short to be an article"),
        (b'{"text": "A short record."}\n', "f.txt: holds only 3 word(s)"),
    ],
)
def test_text_that_is_not_plausible_prose_is_refused(tmp_path, data, expected):
    path = tmp_path / "f.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        reading.read_input(str(path))
    message = str(caught.value)
    assert message.startswith(str(tmp_path)) and expected in message and "\n" not in message


def test_accented_latin_text_in_utf16_is_prose(tmp_path):
    path = tmp_path / "f.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + (LONG.replace("City", "Cit\u00e9") + "\n").encode("utf-16-le"))
    documents, notes = reading.read_input(str(path))
    assert "Cit\u00e9" in documents[0].paragraphs[0].text and "UTF-16" in notes[0]


# Dates ----------------------------------------------------------------------

def test_weekday_in_the_lead_pins_the_date_before_the_reference():
    assert dates.article_date(["Officials said on Wednesday that ..."], SUNDAY) == datetime.date(2025, 3, 12)


def test_reference_weekday_is_the_reference_itself():
    assert dates.article_date(["It happened on Sunday."], SUNDAY) == SUNDAY


def test_reporting_weekday_in_second_paragraph():
    paragraphs = ["A firm has shown a new phone.", "In an interview on Thursday, the firm revealed its goal."]
    assert dates.article_date(paragraphs, SUNDAY) == datetime.date(2025, 3, 13)


def test_other_weekdays_and_calendar_dates_are_ignored():
    paragraphs = [
        "The asteroid was first detected on December 27, 2024.",
        "Two pieces were published on Saturday and Thursday respectively.",
    ]
    assert dates.article_date(paragraphs, SUNDAY) == SUNDAY


def test_bad_date_message():
    with pytest.raises(InputError, match="2025-03-16"):
        dates.parse_date("16/03/2025")


# Titles and summaries -----------------------------------------------------------

def test_summary_cuts_at_a_sentence_boundary():
    lead = "First sentence here. " + "Second sentence is rather long " * 12 + "end."
    assert enrich.make_summary(lead) == "First sentence here."


def test_overlong_first_sentence_is_cut_with_an_ellipsis():
    summary = enrich.make_summary("word " * 100)
    assert len(summary) <= 300 and summary.endswith("\u2026")


# Topics ---------------------------------------------------------------------------

TOPICS = {
    "Sport": "Football, tennis and other sports.",
    "Business": "Companies, markets and the economy.",
    "Culture": "Film, music and the arts.",
}


def test_topic_from_description_and_builtin_lexicon():
    profiles = topics.build_profiles(TOPICS, {})
    assert topics.classify("The striker scored a goal and the team won the league match.", profiles) == "Sport"
    assert topics.classify("Shares fell as the company reported lower quarterly profits.", profiles) == "Business"
    assert topics.classify("The band's new album topped the charts before the concert tour.", profiles) == "Culture"


def test_archive_articles_teach_the_topic():
    custom = {"Gardens": "Our local pages.", "Town": "Our other local pages."}
    text = "The rose growers showed tulips and orchids at the flower show."
    before = topics.build_profiles(custom, {})
    after = topics.build_profiles(custom, {"Gardens": ["Tulips, roses and orchids from the growers' flower show."]})
    assert topics.scores(text, before)["Gardens"] == 0
    assert topics.classify(text, after) == "Gardens"


# Tags and slugs ---------------------------------------------------------------------

def test_tags_are_names_and_reuse_existing_spelling():
    paragraphs = [
        "Striker Jonas Berg scored twice as Valley Rovers beat Coastal United in the cup semi-final.",
        "Berg now has 20 goals for Valley Rovers, and the cup final is next month.",
    ]
    chosen = tags.choose(paragraphs, existing=["valley rovers"], exclude=("Newswire",))
    assert 3 <= len(chosen) <= 8
    assert chosen[:2] == ["Jonas Berg", "valley rovers"]
    assert "Berg" not in chosen


def test_tag_normalisation():
    assert tags.normalise("  Li   Ka-shing's ") == "Li Ka-shing"


REPO_SETTINGS = load_settings(str(ROOT / "pelicanconf.py"))


def test_slugs_are_ascii_and_unique():
    assert slugs.article_slug("Café Müller's 5G: a \u201cnew\u201d era", REPO_SETTINGS) == "cafe-mullers-5g-a-new-era"
    assert slugs.unique_slug("Same title", REPO_SETTINGS, {"same-title", "same-title-2"}) == "same-title-3"
    assert slugs.unique_slug("!!!", REPO_SETTINGS, set()) == slugs.FALLBACK


def test_the_slug_written_is_pelicans_cut_to_whole_words():
    title = "U.S., EU agree 2025-26 budget as talks on the harbour treaty drag on into the night again"
    assert slugs.pelican_slug(title, REPO_SETTINGS).startswith(slugs.article_slug(title, REPO_SETTINGS))
    assert slugs.article_slug(title, REPO_SETTINGS) == "us-eu-agree-2025-26-budget-as-talks-on-the"
    assert len(slugs.article_slug("word " * 40, REPO_SETTINGS)) <= slugs.MAX_LENGTH


def test_the_slug_follows_the_settings_substitutions():
    ampersand = {"SLUG_REGEX_SUBSTITUTIONS": [(r"&", " and "), *REPO_SETTINGS["SLUG_REGEX_SUBSTITUTIONS"]]}
    assert slugs.article_slug("Tom & Jerry return", REPO_SETTINGS) == "tom-jerry-return"
    assert slugs.article_slug("Tom & Jerry return", ampersand) == "tom-and-jerry-return"
    # Case and Unicode settings do not change the written slug: check accepts a-z, 0-9 and hyphens only.
    unicode_kept = {**ampersand, "SLUGIFY_USE_UNICODE": True, "SLUGIFY_PRESERVE_CASE": True}
    assert slugs.article_slug("Café & Bar", unicode_kept) == "cafe-and-bar"
    assert slugs.pelican_slug("Café & Bar", unicode_kept) == "Café-and-Bar"


def test_fingerprint_ignores_formatting():
    assert importer.fingerprint("## Head\n\nSome  text.") == importer.fingerprint("Head Some text")


def test_enrich_prefers_given_values():
    context = enrich.Context.create(TOPICS, [], SUNDAY, source="Newswire")
    paragraphs = [Paragraph("The striker scored on Saturday in the league match.", 1, 1)]
    meta = enrich.enrich(paragraphs, context, {"title": "Given Title", "tags": ["X", "Y", "Z"]})
    assert meta["title"] == "Given Title" and meta["tags"] == ["X", "Y", "Z"]
    assert meta["category"] == "Sport" and meta["source"] == "Newswire"
    assert meta["date"] == datetime.date(2025, 3, 15)
