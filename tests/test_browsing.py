"""Browsing the archive by date, topic and entity (plugins/archive_site: periods, entities, pages).

The plain functions on plain data first, then one small archive built with
the real `pelican`: day, month and year pages with their neighbours, "on this
day", breadcrumbs with BreadcrumbList data, topics by year, typed entities
and the rarer tags that get no page, and the home page's blocks.
"""

import json
import re
import sys
from pathlib import Path

import pytest

from archivist import frontmatter

from .conftest import ROOT, build_site
from .test_links import broken_links
from .test_theme import read_page, resolve

sys.path.insert(0, str(ROOT / "plugins"))
from archive_site import core, entities, periods  # noqa: E402

URLS = {1: "{year}/index.html", 2: "{year}/{month:02d}/index.html", 3: "{year}/{month:02d}/{day:02d}/index.html"}


# --- periods ---------------------------------------------------------------


def test_count_periods_adds_days_up_to_months_and_years():
    years, months, days = periods.count_periods([(2016, 3, 14), (2016, 3, 14), (2016, 4, 1), (2017, 3, 14)])
    assert years == {(2016,): 3, (2017,): 1}
    assert months == {(2016, 3): 2, (2016, 4): 1, (2017, 3): 1}
    assert days == {(2016, 3, 14): 2, (2016, 4, 1): 1, (2017, 3, 14): 1}


def test_neighbours_skip_periods_without_articles():
    around = periods.neighbours([(2016, 4, 1), (2016, 3, 14), (2017, 3, 14)])
    assert around[(2016, 3, 14)] == (None, (2016, 4, 1))
    assert around[(2016, 4, 1)] == ((2016, 3, 14), (2017, 3, 14))
    assert around[(2017, 3, 14)] == ((2016, 4, 1), None)


def test_month_weeks_start_on_monday_and_carry_counts():
    weeks = periods.month_weeks(2026, 3, {(2026, 3, 2): 4})
    # 1 March 2026 is a Sunday: the first week is six empty cells and the 1st.
    assert weeks[0] == [None] * 6 + [(1, 0)]
    assert weeks[1][0] == (2, 4)
    assert all(len(week) == 7 for week in weeks)
    assert [cell[0] for week in weeks for cell in week if cell] == list(range(1, 32))


def test_same_day_other_years_newest_first_and_not_the_day_itself():
    counts = {(2016, 3, 14): 1, (2019, 3, 14): 2, (2020, 3, 14): 1, (2020, 3, 15): 5, (2018, 4, 14): 1}
    assert periods.same_day_other_years((2020, 3, 14), counts) == [(2019, 2), (2016, 1)]
    assert periods.newest_day(counts) == (2020, 3, 15)
    assert periods.newest_day({}) is None


def test_labels_urls_and_trails():
    assert periods.period_label((2016,)) == "2016"
    assert periods.period_label((2016, 3)) == "March 2016"
    assert periods.period_label((2016, 3, 4)) == "4 March 2016"
    assert periods.weekday_name((2016, 3, 4)) == "Friday"
    assert periods.period_url((2016, 3, 4), URLS) == "2016/03/04/index.html"
    assert periods.trail((2016, 3, 4), URLS) == [
        ("2016", "2016/index.html"), ("March", "2016/03/index.html"), ("4", "2016/03/04/index.html")]


# --- entities --------------------------------------------------------------


def slug(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def test_entity_types_are_read_by_slug():
    text = "person:\n  - Mao Ning\norganisation:\n  - Chinese Foreign Ministry\nplace: [Hong Kong]\nsubject:\n"
    assert entities.parse_entity_types(text, "entities.yml", slug) == {
        "mao-ning": "person", "chinese-foreign-ministry": "organisation", "hong-kong": "place"}
    assert entities.parse_entity_types("", "entities.yml", slug) == {}


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("people:\n  - Mao Ning\n", 1, "unknown entity type 'people': use one of person, organisation, place, subject"),
        ("person: Mao Ning\n", 1, "person must be a list of names"),
        ("person:\n  - Mao Ning\nplace:\n  - mao ning\n", 4, "'mao ning' is already a person (line 2)"),
        ("person:\n  - [a, b]\n", 2, "each person entry must be a name"),
        ("- Mao Ning\n", 1, "must map each type"),
        ("person:\n  - Mao: Ning: x\n", 2, "not valid YAML"),
    ],
)
def test_a_bad_entities_file_is_refused_with_its_line_and_the_fix(text, line, words):
    with pytest.raises(entities.EntitiesFileError) as error:
        entities.parse_entity_types(text, "content/entities.yml", slug)
    message = str(error.value)
    assert message.startswith(f"content/entities.yml:{line}: error: "), message
    assert words in message


def test_letters_fold_accents_and_file_the_rest_under_other():
    assert [entities.letter_of(name) for name in ("émile", "Zoë", "3M", "  'Quote", "Ωmega")] == [
        "e", "z", "other", "q", "other"]


def test_usage_pages_and_co_occurrence():
    tagged = [(2016, ["a", "b", "c"]), (2017, ["a", "b"]), (2017, ["a", "d", "a"]), (2018, ["c"])]
    counts, years = entities.tag_usage(tagged)
    assert counts == {"a": 3, "b": 2, "c": 2, "d": 1}
    assert years["a"] == {2016: 1, 2017: 2}
    paged = entities.with_pages(counts, 2)
    assert paged == {"a", "b", "c"}
    related = entities.co_occurring(tagged, paged, counts, limit=5)
    assert related == {"a": ["b", "c"], "b": ["a", "c"], "c": ["a", "b"]}
    names = {"a": "Beta", "b": "alpha", "c": "Gamma", "d": "delta"}
    assert entities.most_used_first(["c", "b", "a"], counts, names) == ["a", "b", "c"]
    assert entities.alphabetical(["c", "b", "a"], names) == ["b", "a", "c"]


# --- the standfirst --------------------------------------------------------


@pytest.mark.parametrize(
    "summary, body, shown",
    [
        ("Mao said on Wednesday that China noted it.", "<p>Mao said on <em>Wednesday</em> that China noted it. More.</p>", False),
        ("MAO SAID, on Wednesday", "<p>Mao said on Wednesday that China noted it.</p>", False),
        ("China urges dialogue.", "<p>Mao said on Wednesday that China noted it.</p>", True),
        ("", "<p>Anything.</p>", False),
    ],
)
def test_the_standfirst_is_the_summary_unless_it_repeats_the_opening(summary, body, shown):
    assert (core.standfirst(summary, body) is not None) == shown


# --- a small archive built with the real pelican ---------------------------


ARTICLES = [
    # (date, slug, topic, tags, summary repeats the lead?)
    ("2023-03-14", "harbour-opens-in-2023", "Society", ["Harbour Board", "Ana Silva", "Portmere"], False),
    ("2024-03-14", "harbour-grows-in-2024", "Business", ["Harbour Board", "Portmere", "Ferries"], True),
    ("2024-03-20", "ferry-strike-ends", "Business", ["Ferries", "Harbour Board", "Unions"], False),
    ("2025-02-01", "comet-seen-from-pier", "Science", ["Portmere", "Comets"], False),
    ("2025-03-14", "harbour-anniversary", "Society", ["Harbour Board", "Ana Silva"], False),
]
LEAD = "The harbour board met on the quay at dawn."


def write_archive(folder):
    for date, slug_, topic, tags, repeats in ARTICLES:
        year = date[:4]
        path = folder / "articles" / year / f"{date}-{slug_}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        summary = LEAD if repeats else f"What happened at {slug_.replace('-', ' ')}."
        meta = {"title": slug_.replace("-", " ").title(), "date": date, "category": topic, "tags": tags,
                "summary": summary, "source": "Harbour Weekly", "slug": slug_}
        if slug_ == "ferry-strike-ends":
            meta["source_url"] = "https://example.org/ferry"
        path.write_text(frontmatter.render(meta, f"{LEAD} Then the day went on.\n\nMore text.\n"), encoding="utf-8")
    (folder / "entities.yml").write_text(
        "person:\n  - Ana Silva\norganisation:\n  - Harbour Board\nplace:\n  - Portmere\n", encoding="utf-8")


@pytest.fixture(scope="module")
def browsing_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("browsing")
    write_archive(root / "content")
    build_site(root / "output", content=root / "content")
    return root / "output"


def links_of(page, path, css_class):
    return [resolve(path, link["href"]) for link in page.within(css_class)]


def test_day_pages_link_their_neighbours_and_the_same_day_in_other_years(browsing_site):
    path = "2024/03/14/index.html"
    page = read_page(browsing_site, path)
    assert links_of(page, path, "card__title") == ["2024/03/harbour-grows-in-2024.html"]
    # Newer (left) is the next day with articles, older (right) the previous one.
    assert links_of(page, path, "pager__newer") == ["2024/03/20/index.html"]
    assert links_of(page, path, "pager__older") == ["2023/03/14/index.html"]
    assert links_of(page, path, "list-aside") == ["2025/03/14/index.html", "2023/03/14/index.html"]
    assert "Thursday 14 March 2024" in page.text


def test_month_pages_are_calendars_with_counts_and_list_their_headlines(browsing_site):
    path = "2024/03/index.html"
    page = read_page(browsing_site, path)
    calendar = links_of(page, path, "calendar")
    assert calendar == ["2024/03/14/index.html", "2024/03/20/index.html"]
    assert set(links_of(page, path, "title-list")) == {"2024/03/harbour-grows-in-2024.html",
                                                        "2024/03/ferry-strike-ends.html"}
    assert links_of(page, path, "pager__newer") == ["2025/02/index.html"]
    assert links_of(page, path, "pager__older") == ["2023/03/index.html"]


def test_year_pages_list_twelve_months_and_the_archives_every_month(browsing_site):
    page = read_page(browsing_site, "2025/index.html")
    assert links_of(page, "2025/index.html", "month-grid") == ["2025/02/index.html", "2025/03/index.html"]
    assert page.text.count("<li>") >= 12
    assert links_of(page, "2025/index.html", "pager__older") == ["2024/index.html"]
    assert not page.within("pager__newer")
    archives = read_page(browsing_site, "archives/index.html")
    months = [link for link in links_of(archives, "archives/index.html", "year-table") if link.count("/") == 2]
    assert months == ["2025/02/index.html", "2025/03/index.html", "2024/03/index.html", "2023/03/index.html"]


def test_breadcrumbs_are_shown_and_given_as_breadcrumb_list_data(browsing_site):
    path = "2024/03/14/index.html"
    page = read_page(browsing_site, path)
    assert links_of(page, path, "breadcrumbs") == [
        "index.html", "archives/index.html", "2024/index.html", "2024/03/index.html", path]
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page.text).group(1))
    assert data["@type"] == "BreadcrumbList"
    assert [(item["position"], item["name"]) for item in data["itemListElement"]] == [
        (1, "Home"), (2, "Archives"), (3, "2024"), (4, "March"), (5, "14")]
    assert resolve(path, data["itemListElement"][2]["item"]) == "2024/index.html"


def test_article_links_its_day_its_topic_year_and_shows_a_standfirst_only_when_new(browsing_site):
    path = "2024/03/harbour-grows-in-2024.html"
    page = read_page(browsing_site, path)
    assert "2024/03/14/index.html" in [resolve(path, link["href"]) for link in page.links]
    assert links_of(page, path, "breadcrumbs") == [
        "index.html", "topics/business/index.html", "topics/business/2024/index.html", path]
    assert 'class="standfirst"' not in page.text  # its summary is the lead's first sentence
    other = read_page(browsing_site, "2024/03/ferry-strike-ends.html")
    assert '<p class="standfirst">What happened at ferry strike ends.</p>' in other.text
    assert '<a href="https://example.org/ferry" rel="external noopener">Harbour Weekly</a>' in other.text


def test_topic_pages_narrow_to_a_year_and_show_years_and_entities(browsing_site):
    path = "topics/business/index.html"
    page = read_page(browsing_site, path)
    aside = links_of(page, path, "list-aside")
    assert aside[:1] == ["topics/business/2024/index.html"]
    assert "tags/harbour-board/index.html" in aside and "tags/ferries/index.html" in aside
    path = "topics/society/2025/index.html"
    page = read_page(browsing_site, path)
    assert links_of(page, path, "card__title") == ["2025/03/harbour-anniversary.html"]
    current = [resolve(path, link["href"]) for link in page.links if link["current"] == "page"]
    assert path in current


def test_rare_tags_are_named_but_get_no_page_and_typed_entities_are_grouped(browsing_site):
    assert not (browsing_site / "tags" / "unions").exists()
    page = read_page(browsing_site, "2024/03/ferry-strike-ends.html")
    assert "Unions" in page.text
    tagged = [resolve("2024/03/ferry-strike-ends.html", link["href"]) for link in page.links if link["rel"] == "tag"]
    assert tagged == ["tags/ferries/index.html", "tags/harbour-board/index.html"]
    index = read_page(browsing_site, "tags/index.html")
    assert [link["text"] for link in index.links if "entities/" in link["href"] and "entity-group" in link["within"]][:4] == [
        "People", "Organisations", "Places", "Subjects"]
    path = "tags/harbour-board/index.html"
    entity = read_page(browsing_site, path)
    assert "Organisation" in entity.text
    assert links_of(entity, path, "list-aside")[:1] == ["tags/portmere/index.html"]
    letter = read_page(browsing_site, "entities/place/p/index.html")
    assert [link["text"] for link in letter.within("entity-list")] == ["Portmere"]


def test_home_page_has_a_lead_topics_years_and_on_this_day(browsing_site):
    page = read_page(browsing_site, "index.html")
    assert links_of(page, "index.html", "cards--lead")[0] == "2025/03/harbour-anniversary.html"
    assert "topics/science/index.html" in links_of(page, "index.html", "topic-latest")
    assert links_of(page, "index.html", "year-links") == ["2025/index.html", "2024/index.html", "2023/index.html"]
    on_this_day = links_of(page, "index.html", "on-this-day")
    assert on_this_day[:2] == ["2024/03/14/index.html", "2024/03/harbour-grows-in-2024.html"]
    assert "On 14 March in other years" in page.text


def test_every_link_works_and_a_reader_reaches_any_article_in_three_clicks(browsing_site):
    assert broken_links(browsing_site) == []
    home = read_page(browsing_site, "index.html")
    reached, frontier = {"index.html"}, {"index.html"}
    for _ in range(3):
        found = set()
        for path in frontier:
            if path.endswith(".html") and (browsing_site / path).is_file():
                found |= {resolve(path, link["href"]) for link in read_page(browsing_site, path).links
                          if "://" not in link["href"]}
        frontier = found - reached
        reached |= found
    assert home
    articles = {str(p.relative_to(browsing_site)) for p in Path(browsing_site).glob("[0-9]*/[0-9]*/*.html")}
    assert articles and articles <= reached


def test_a_bad_entities_file_stops_the_build_naming_its_line(tmp_path):
    write_archive(tmp_path / "content")
    (tmp_path / "content" / "entities.yml").write_text("people:\n  - Ana Silva\n", encoding="utf-8")
    result = build_site(tmp_path / "output", content=tmp_path / "content", check=False)
    assert result.returncode != 0
    assert "entities.yml:1: error: unknown entity type 'people'" in result.stdout + result.stderr


def test_a_body_edit_renders_its_article_alone(tmp_path):
    """fast_build leaves the date, topic-year and entity pages alone when one body changes."""
    write_archive(tmp_path / "content")
    output = tmp_path / "output"
    build_site(output, content=tmp_path / "content")
    before = {path: path.stat().st_mtime_ns for path in output.rglob("*.html")}
    assert len([path for path in before if re.search(r"/\d{4}/\d\d/\d\d/index\.html$", str(path))]) == 5
    edited = tmp_path / "content" / "articles" / "2024" / "2024-03-20-ferry-strike-ends.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nCorrection: a name was misspelt.\n", encoding="utf-8")
    build_site(output, content=tmp_path / "content")
    changed = sorted(str(path.relative_to(output)) for path, mtime in before.items() if path.stat().st_mtime_ns != mtime)
    assert changed == ["2024/03/ferry-strike-ends.html"]


@pytest.mark.browser
def test_browsing_pages_pass_axe_and_the_nu_checker(browsing_site, browser):
    """The blocks only this archive has (on this day, typed entities, a topic's years) are accessible and valid."""
    from axe_playwright_python.sync_playwright import Axe

    from .test_accessibility import BLOCKING, WCAG_TAGS, describe, vnu_errors

    paths = ["index.html", "2024/03/14/index.html", "2024/03/index.html", "2024/index.html", "archives/index.html",
             "tags/index.html", "tags/harbour-board/index.html", "entities/place/index.html",
             "entities/place/p/index.html", "topics/business/2024/index.html", "2024/03/ferry-strike-ends.html"]
    page = browser.new_page()
    failures = []
    try:
        for path in paths:
            page.goto((browsing_site / path).as_uri())
            violations = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}}).response["violations"]
            blocking = [violation for violation in violations if violation["impact"] in BLOCKING]
            if blocking:
                failures.append(f"{path}:\n{describe(blocking)}")
    finally:
        page.close()
    assert not failures, "\n".join(failures)
    assert vnu_errors(sorted(browsing_site.rglob("*.html"))) == []


def test_topic_and_entity_pages_carry_breadcrumbs(browsing_site):
    for path, trail in [
        ("topics/business/index.html", ["index.html", "topics/index.html", "topics/business/index.html"]),
        ("topics/business/2024/index.html",
         ["index.html", "topics/index.html", "topics/business/index.html", "topics/business/2024/index.html"]),
        ("tags/portmere/index.html", ["index.html", "tags/index.html", "entities/place/index.html", "tags/portmere/index.html"]),
    ]:
        assert links_of(read_page(browsing_site, path), path, "breadcrumbs") == trail, path
