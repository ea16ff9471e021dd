"""plugins/archive_site: what keeps its build work small, on plain data and Pelican's own methods.

The pages themselves are tested in test_theme.py; here, that the faster
ways give the answers of the plain ones: tag and topic pages written one
group at a time, related articles picked from an index, word counts kept
between builds.
"""

import pickle
import sys
import types
import zoneinfo
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pelican.generators import ArticlesGenerator

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "plugins"))
import archive_site  # noqa: E402
from archive_site import core  # noqa: E402


class Story:
    """An article as Pelican's Content is for ``in``: equal only to itself."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"Story({self.name!r})"


class Group:
    """A tag, topic or author: what Pelican's page-writing methods read from one."""

    def __init__(self, name):
        self.name = self.slug = self.page_name = name
        self.save_as = f"{name}/index.html"
        self.url = self.save_as

    def __lt__(self, other):
        return self.name < other.name


# --- members_in_order ---------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 7), max_size=20), st.lists(st.integers(0, 9), max_size=8))
def test_members_in_order_is_the_filter_pelican_writes(order, picks):
    stories = [Story(n) for n in range(10)]
    ordered = [stories[n] for n in order]  # may repeat an article, or lack one
    members = [stories[n] for n in picks]
    index = core.index_by_identity(ordered)
    assert core.members_in_order(ordered, index, members) == [s for s in ordered if s in members]


def test_identity_holds_only_for_objects_without_an_eq_of_their_own():
    class Equal(Story):
        def __eq__(self, other):
            return isinstance(other, Equal)

        __hash__ = object.__hash__

    assert core.equal_only_to_themselves([Story("a"), Story("b"), object()])
    assert core.equal_only_to_themselves([])
    assert not core.equal_only_to_themselves([Story("a"), Equal("b")])


# --- tag, topic and author pages, one group at a time -------------------------


def articles_generator(stories, tags, categories, authors=None):
    """Pelican's ArticlesGenerator with only what its page-writing methods read."""
    generator = ArticlesGenerator.__new__(ArticlesGenerator)
    generator._templates = {"tag": "tag.html", "category": "category.html", "author": "author.html"}
    generator.context = {"SITENAME": "test"}
    generator.articles = list(stories)
    generator.dates = sorted(stories, key=lambda story: story.name, reverse=True)
    generator.tags = {Group(name): [stories[n] for n in members] for name, members in tags.items()}
    generator.categories = sorted((Group(name), [stories[n] for n in members]) for name, members in categories.items())
    generator.authors = sorted((Group(name), [stories[n] for n in members]) for name, members in (authors or {}).items())
    return generator


def pages_written(generator):
    """(save_as, template, articles, dates) of each page the generator's methods write, in order."""
    written = []

    def write(save_as, template, context, **values):
        assert context is generator.context
        written.append((save_as, template, values["articles"], values["dates"], values["all_articles"]))

    generator.generate_tags(write)
    generator.generate_categories(write)
    generator.generate_authors(write)
    return written


def test_group_pages_are_written_as_pelican_writes_them():
    stories = [Story(f"s{n}") for n in range(6)]
    tags = {"coast": [0, 3, 5], "rail": [4], "tides": [5, 2, 2]}  # an article tagged twice
    categories = {"World": [0, 1, 2], "Science": [3, 4, 5]}
    authors = {"Ann": [1, 4]}
    expected = pages_written(articles_generator(stories, tags, categories, authors))
    faster = articles_generator(stories, tags, categories, authors)
    archive_site.write_each_group_alone(faster)
    assert pages_written(faster) == expected
    assert [page[0] for page in expected] == [
        "coast/index.html", "rail/index.html", "tides/index.html",
        "Science/index.html", "World/index.html", "Ann/index.html",
    ]
    assert [story.name for story in expected[2][3]] == ["s5", "s2"]  # dates: once each, newest first


def test_groups_without_a_page_are_not_scanned():
    # AUTHOR_SAVE_AS = "": Pelican's method calls write("") (which writes
    # nothing) after picking the author's dates from the whole archive.
    stories = [Story(f"s{n}") for n in range(4)]
    generator = articles_generator(stories, {"coast": [0, 1]}, {"World": [0, 1, 2, 3]}, {"Ann": [0, 1, 2, 3]})
    for author, _ in generator.authors:
        author.save_as = ""
    expected = [page for page in pages_written(generator) if page[0]]
    archive_site.write_each_group_alone(generator)
    assert pages_written(generator) == expected
    assert [page[0] for page in expected] == ["coast/index.html", "World/index.html"]


def test_group_pages_of_articles_with_an_eq_are_left_to_pelican():
    class Equal(Story):
        def __eq__(self, other):
            return isinstance(other, Equal) and other.name[0] == self.name[0]

        __hash__ = object.__hash__

    stories = [Equal("a1"), Equal("a2"), Equal("b1")]
    generator = articles_generator(stories, {"coast": [0]}, {"World": [2]})
    expected = pages_written(generator)
    archive_site.write_each_group_alone(generator)
    assert pages_written(generator) == expected
    # Pelican's `in` finds a2 equal to a1: the tag page's dates hold both.
    assert [story.name for story in expected[0][3]] == ["a2", "a1"]


# --- related articles -----------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),  # day: many ties, broken by slug
            st.integers(0, 2),  # hour
            st.sampled_from(["World", "Science", "Culture", "Sport"]),
            st.lists(st.sampled_from(["coast", "tides", "rail", "museum", "ships", "storm", "port"]), max_size=5),
        ),
        max_size=40,
    ),
    st.integers(0, 7),
)
def test_related_all_agrees_with_related_on_larger_archives(rows, limit):
    items = [
        {"slug": f"s{index:02d}", "date": datetime(2024, 1, day + 1, hour, tzinfo=timezone.utc), "topic": topic,
         "tags": tags}  # a tag may be listed twice
        for index, (day, hour, topic, tags) in enumerate(rows)
    ]
    assert core.related_all(items, limit) == {item["slug"]: core.related(item, items, limit) for item in items}


def test_related_lists_are_kept_while_what_they_read_is_the_same(tmp_path, monkeypatch):
    def item(slug, day, tags, topic="World"):
        return {"slug": slug, "date": datetime(2024, 1, day, tzinfo=timezone.utc), "topic": topic, "tags": tags,
                "modified": None}

    items = [item("a", 1, ["coast", "tides"]), item("b", 2, ["tides"]), item("c", 3, ["rail"], "Sport")]
    settings = {"CACHE_PATH": str(tmp_path), "LOAD_CONTENT_CACHE": True}
    expected = core.related_all(items, 2)
    assert archive_site._related(items, 2, settings) == expected
    computed = []
    monkeypatch.setattr(core, "related_all", lambda found, limit: computed.append(limit) or {})
    assert archive_site._related(items, 2, settings) == expected  # kept: not computed again
    assert computed == []
    for changed in ([*items[:2], item("c", 3, ["tides"], "Sport")],  # a tag
                    [*items[:2], item("c", 3, ["rail"], "World")],  # a topic
                    [*items[:2], item("c", 4, ["rail"], "Sport")],  # a date
                    items[:2]):  # an article less
        archive_site._related(changed, 2, settings)
    archive_site._related(items, 3, settings)  # another limit
    archive_site._related(items, 2, {**settings, "LOAD_CONTENT_CACHE": False})  # pelican --ignore-cache
    assert computed == [2, 2, 2, 2, 3, 2]


# --- word counts kept between builds ---------------------------------------------


BODIES = ["<p>One two three.</p>", "<p>Four <em>five</em></p><pre>not read</pre>", ""]


def test_word_counts_count_new_bodies_and_reuse_known_ones():
    counts, fresh = core.word_counts(BODIES, {})
    assert counts == [core.count_words(body) for body in BODIES] == [3, 2, 0]
    assert set(fresh) == {core.markup_key(body) for body in BODIES}
    # A known count is taken as it is (here a wrong one, to show it was not recounted).
    known = {core.markup_key(BODIES[0]): 99, core.markup_key("<p>gone</p>"): 1}
    counts, fresh = core.word_counts(BODIES, known)
    assert counts == [99, 2, 0]
    assert set(fresh) == {core.markup_key(body) for body in BODIES}  # the article removed is forgotten


def test_markup_key_follows_the_bytes():
    assert core.markup_key("<p>a</p>") == core.markup_key("<p>a</p>") != core.markup_key("<p>a </p>")
    assert core.markup_key(None) == core.markup_key("")


def test_saved_word_counts_load_only_under_the_same_rules(tmp_path):
    path = tmp_path / "archive_site" / "word_counts.pickle"
    rules = core.counting_rules()
    assert rules == core.counting_rules() and len(rules) == 16
    assert core.load_word_counts(path, rules) == {}  # no file yet
    core.save_word_counts(str(path), rules, {b"k": 3})
    assert core.load_word_counts(path, rules) == {b"k": 3}
    assert core.load_word_counts(path, b"other rules") == {}
    assert core.load_word_counts(path, None) == {}
    assert [p.name for p in path.parent.iterdir()] == ["word_counts.pickle"]  # no temporary left


def test_counting_rules_change_with_the_counting_code(tmp_path, monkeypatch):
    source = tmp_path / "html_text.py"
    source.write_bytes(Path(core.html_text.__file__).read_bytes())
    monkeypatch.setattr(core.html_text, "__file__", str(source))
    before = core.counting_rules()
    source.write_bytes(source.read_bytes() + b"\n# changed\n")
    assert core.counting_rules() != before
    source.unlink()
    assert core.counting_rules() is None  # unreadable: no cache at all


@pytest.mark.parametrize("damage", [
    b"",
    b"not a pickle",
    pickle.dumps(["a", "list"]),
    pickle.dumps({"rules": "?"}),
    pickle.dumps({"rules": "R", "data": {b"k": "three"}}),
    pickle.dumps({"rules": "R", "data": [1, 2]}),
])
def test_a_damaged_word_count_cache_means_counting_again(tmp_path, damage):
    path = tmp_path / "word_counts.pickle"
    path.write_bytes(damage)
    assert core.load_word_counts(path, "R") == {}


def test_the_build_keeps_word_counts_in_the_cache_folder(tmp_path, monkeypatch):
    articles = [types.SimpleNamespace(_content=body) for body in BODIES]
    settings = {"CACHE_PATH": str(tmp_path), "LOAD_CONTENT_CACHE": True}
    path = tmp_path / archive_site.WORD_COUNTS_FILE
    assert archive_site._word_counts(articles, settings) == [3, 2, 0]
    written = path.stat().st_mtime_ns

    def no_counting(markup):
        raise AssertionError("counted again")

    monkeypatch.setattr(core, "count_words", no_counting)
    assert archive_site._word_counts(articles, settings) == [3, 2, 0]
    assert path.stat().st_mtime_ns == written  # nothing new: not written again
    # Like Pelican's content cache, not loaded with LOAD_CONTENT_CACHE = False (pelican --ignore-cache).
    with pytest.raises(AssertionError, match="counted again"):
        archive_site._word_counts(articles, {**settings, "LOAD_CONTENT_CACHE": False})


class _Dated:
    """An article as Pelican's period archives read it: a date (and identity)."""

    def __init__(self, date):
        self.date = date


@settings(max_examples=50, deadline=None)
@given(days=st.lists(st.integers(0, 3 * 365), max_size=60), newest_first=st.booleans())
def test_period_archives_built_per_year_are_pelicans(days, newest_first):
    articles = [_Dated(datetime(2022, 1, 1) + (datetime(2022, 1, 2) - datetime(2022, 1, 1)) * day) for day in days]
    dates = sorted(articles, key=lambda article: article.date, reverse=newest_first)
    periods = {"YEAR_ARCHIVE_SAVE_AS": "{date:%Y}/index.html", "YEAR_ARCHIVE_URL": "{date:%Y}/",
               "MONTH_ARCHIVE_SAVE_AS": "{date:%Y}/{date:%m}/index.html", "MONTH_ARCHIVE_URL": "{date:%Y}/{date:%m}/",
               "DAY_ARCHIVE_SAVE_AS": "", "DAY_ARCHIVE_URL": ""}
    pelicans = ArticlesGenerator._build_period_archives(None, dates, articles, periods)
    generator = _PeriodArchives()
    archive_site.build_period_archives_per_year(generator)
    assert generator._build_period_archives(dates, articles, periods) == pelicans


class _PeriodArchives:
    """The one method of Pelican's ArticlesGenerator that the receiver replaces."""

    _build_period_archives = ArticlesGenerator._build_period_archives


_ZONES = st.one_of(
    st.none(),
    st.integers(min_value=-23 * 60, max_value=23 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes))),
    st.sampled_from(["Europe/London", "Asia/Shanghai", "America/St_Johns"]).map(zoneinfo.ZoneInfo),
)


@settings(max_examples=300, deadline=None)
@given(when=st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31), timezones=_ZONES),
       safe=st.booleans())
def test_sitemap_dates_are_the_sitemap_plugin_s_own(when, safe):
    from pelican.plugins.sitemap.sitemap import format_date as original
    from pelican.utils import SafeDatetime

    if safe:
        when = SafeDatetime(when.year, when.month, when.day, when.hour, when.minute, when.second,
                            when.microsecond, when.tzinfo, fold=when.fold)
    if original is core.sitemap_date:  # the plugin registered in this process: the original is kept here
        original = archive_site.SITEMAP_FORMAT_DATE
    assert core.sitemap_date(when) == original(when)
    assert core.sitemap_date(when) == original(when)  # and again, from the memo


def test_the_sitemap_plugin_formats_dates_with_ours():
    from pelican.plugins.sitemap import sitemap

    archive_site.speed_up_sitemap_dates()
    assert sitemap.format_date is core.sitemap_date
