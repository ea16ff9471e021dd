"""The search page in headless Chromium, from disk (file://) and over HTTP under a subpath.

Most tests search the real content (the session's `site` build); the payload
and filter tests search a second build that adds a fixture article, from
another year, whose title, tags, summary and body carry HTML and scripts.
"""

import re
import sys
from collections import Counter

import pytest

from archivist import frontmatter

from .conftest import ROOT, build_site, copy_content, serve_directory

sys.path.insert(0, str(ROOT / "plugins"))

from search import analysis  # noqa: E402

pytestmark = pytest.mark.browser

PAYLOAD_TITLE = "Probe <img src=x onerror=window.__xss=1> zebraquux <script>window.__xss=2</script>"
PAYLOAD_TAG = "<b onmouseover=window.__xss=3>Payload tag</b>"
PAYLOAD_SUMMARY = "A zebraquux probe with `<img src=x onerror=window.__xss=4>` and `<script>window.__xss=5</script>` as text."
PAYLOAD_BODY = (
    "The zebraquux probe article carries `<script>window.__xss=6</script>` and "
    "`<img src=x onerror=window.__xss=7>` in its body as code, for the search test.\n\n"
    # A word found only in the body: its snippet is this passage, not the summary.
    "Its second paragraph says flumpernickel next to `<script>window.__xss=8</script>` "
    "and `<img src=x onerror=window.__xss=9>`, which the snippet must show as text."
)


def payload_article():
    meta = {
        "title": PAYLOAD_TITLE,
        "date": "2024-06-01",
        # A topic and tags no seed story has, so that no seed page lists it as
        # related: only the search page is under test here.
        "category": "Culture",
        "tags": [PAYLOAD_TAG, "Search Test", "Zebraquux", "Escaping"],
        "summary": PAYLOAD_SUMMARY,
        "source": "Archivist tests",
        "slug": "zebraquux-payload-probe",
    }
    return frontmatter.render(meta, PAYLOAD_BODY)


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("search-site")
    content = copy_content(tmp)
    target = content / "articles" / "2024" / "2024-06-01-zebraquux-payload-probe.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(payload_article(), encoding="utf-8")
    output = tmp / "output"
    build_site(output, content)
    return output


def _base_urls(request, output):
    if request.param == "file":
        yield output.as_uri() + "/"
    else:
        with serve_directory(output, prefix="news-archive") as url:
            yield url


@pytest.fixture(scope="module", params=["file", "http"])
def base_url(request, site):
    """The real archive, from disk and under a subpath."""
    yield from _base_urls(request, site)


@pytest.fixture(scope="module", params=["file", "http"])
def payload_url(request, payload_site):
    """The real archive plus the payload article, from disk and under a subpath."""
    yield from _base_urls(request, payload_site)


def seed_articles():
    articles = []
    for path in sorted((ROOT / "content" / "articles").rglob("*.md")):
        parsed = frontmatter.parse(path.read_text(encoding="utf-8"), str(path))
        articles.append(parsed)
    return articles


def body_only_word(article, others):
    """A word of the article's body whose term is found in no other article (nor in its own title or tags)."""
    def fields(meta):
        return " ".join([meta["title"], meta["summary"], " ".join(meta["tags"])])

    elsewhere = Counter()
    for other in others:
        if other is not article:
            elsewhere.update(set(analysis.analyze(other.body + " " + fields(other.meta))))
    own = set(analysis.analyze(fields(article.meta)))
    for word in analysis.words(article.body):
        terms = analysis.analyze(word)
        if len(word) >= 7 and word.isalpha() and terms and not own.intersection(terms) \
                and not any(elsewhere[term] for term in terms):
            return word
    raise AssertionError(f"no distinctive body word in {article.meta['slug']}")


def article_url(meta):
    return f"{meta['date']:%Y}/{meta['date']:%m}/{meta['slug']}.html"


def wait_for_results(page, query):
    page.wait_for_function(
        """(query) => {
            const root = document.getElementById("search");
            const status = document.getElementById("search-status").textContent;
            return root.dataset.state === "done" && status.includes("“" + query + "”");
        }""",
        arg=query,
    )


def result_titles(page):
    return page.locator(".search-result__title a").all_text_contents()


def assert_clean(page):
    assert page.console_errors == []
    assert page.network_requests == []


@pytest.mark.parametrize("position", range(5))
def test_a_body_word_of_each_seed_story_finds_it_and_opens_it(watched_page, base_url, position):
    articles = seed_articles()
    assert len(articles) == 5
    article = articles[position]
    word = body_only_word(article, articles)
    watched_page.goto(f"{base_url}search.html?q={word}")
    wait_for_results(watched_page, word)
    assert result_titles(watched_page)[0] == article.meta["title"]
    watched_page.locator(".search-result__title a").first.click()
    watched_page.wait_for_url(re.compile(re.escape(article_url(article.meta)) + "$"))
    assert article.meta["title"] in watched_page.locator("h1").first.inner_text()
    assert_clean(watched_page)


def test_typing_sat_finds_the_satellite_story_and_keeps_the_query_in_the_url(watched_page, base_url):
    watched_page.goto(f"{base_url}search.html")
    watched_page.locator("#search-query").click()
    watched_page.keyboard.type("sat", delay=40)
    wait_for_results(watched_page, "sat")
    assert result_titles(watched_page)[0].startswith("GalaxySpace")
    assert watched_page.url.endswith("search.html?q=sat")
    marks = watched_page.locator(".search-result mark").all_text_contents()
    assert "satellite" in [mark.lower() for mark in marks]
    assert_clean(watched_page)


@pytest.mark.parametrize("query, literals", [
    # The summary holds the word: it is the snippet.
    ("zebraquux", ["<img src=x onerror=window.__xss=4>", "<script>window.__xss=5</script>"]),
    # Only the body holds the word: the snippet is a passage of the body.
    ("flumpernickel", ["<script>window.__xss=8</script>", "<img src=x onerror=window.__xss=9>"]),
])
def test_payloads_show_as_literal_text_and_run_nothing(watched_page, payload_url, query, literals):
    dialogs = []
    watched_page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    watched_page.goto(f"{payload_url}search.html?q={query}")
    wait_for_results(watched_page, query)
    assert result_titles(watched_page) == [PAYLOAD_TITLE]
    snippet = watched_page.locator(".search-result__snippet").first
    assert snippet.locator("mark").all_text_contents() == [query]
    text = snippet.text_content()
    assert all(literal in text for literal in literals)
    results = watched_page.locator("#search-results")
    assert results.locator("img, script, b").count() == 0
    assert watched_page.evaluate("window.__xss") is None
    assert dialogs == []
    assert_clean(watched_page)


def test_a_word_only_in_the_body_is_marked_in_a_passage_of_the_body(watched_page, base_url):
    hutchison = next(article for article in seed_articles() if "Hutchison" in article.meta["title"])
    assert "money" not in hutchison.meta["summary"].lower()
    watched_page.goto(f"{base_url}search.html?q=money")
    wait_for_results(watched_page, "money")
    assert result_titles(watched_page)[0] == hutchison.meta["title"]
    snippet = watched_page.locator(".search-result__snippet").first
    assert snippet.locator("mark").all_text_contents() == ["money"]
    text = snippet.text_content()
    assert "not only want money" in text
    assert text.startswith("… ") and len(text) <= 250
    assert hutchison.meta["summary"] not in text
    assert_clean(watched_page)


def test_a_plural_query_marks_the_singular_word(watched_page, base_url):
    watched_page.goto(f"{base_url}search.html?q=satellites")
    wait_for_results(watched_page, "satellites")
    marks = watched_page.locator(".search-result").first.locator("mark").all_text_contents()
    assert marks and {mark.lower() for mark in marks} <= {"satellite", "satellites"}
    assert_clean(watched_page)


def test_a_misspelt_word_finds_the_word_meant_and_says_so(watched_page, base_url):
    watched_page.goto(f"{base_url}search.html?q=asterod")
    wait_until_done(watched_page)
    assert "Asteroid" in result_titles(watched_page)[0]
    status = watched_page.locator("#search-status").text_content()
    assert "for “asteroid” (nothing was found for “asterod”)" in status
    assert watched_page.locator("#search-suggestion").is_hidden()
    marks = watched_page.locator(".search-result").first.locator("mark").all_text_contents()
    assert "asteroid" in [mark.lower() for mark in marks]
    assert_clean(watched_page)


def test_did_you_mean_offers_the_corrected_query_and_its_link_runs_it(watched_page, base_url):
    query = "global asteroid cooperatoin"
    watched_page.goto(f"{base_url}search.html?q={query}")
    wait_for_results(watched_page, query)
    link = watched_page.locator("#search-suggestion-link")
    assert watched_page.locator("#search-suggestion").is_visible()
    assert link.text_content() == "global asteroid cooperation"
    assert "Cooperation" in result_titles(watched_page)[0]
    link.click()
    wait_for_results(watched_page, "global asteroid cooperation")
    assert watched_page.locator("#search-query").input_value() == "global asteroid cooperation"
    assert watched_page.url.endswith("search.html?q=global+asteroid+cooperation")
    assert watched_page.locator("#search-suggestion").is_hidden()
    assert_clean(watched_page)


def wait_until_done(page):
    page.wait_for_function("() => document.getElementById('search').dataset.state === 'done'")


def test_filters_without_words_list_their_articles_newest_first(watched_page, payload_url):
    watched_page.goto(f"{payload_url}search.html?from=2025-03")
    wait_until_done(watched_page)
    seeds = sorted(seed_articles(), key=lambda article: (article.meta["date"], article.meta["title"]))
    titles = result_titles(watched_page)
    assert titles[0] == seeds[-1].meta["title"] and titles[-1] == seeds[0].meta["title"] and len(titles) == 5
    assert watched_page.locator("#search-status").text_content() == "5 articles since 2025-03, newest first."
    assert watched_page.locator("#search-from").input_value() == "2025-03"
    watched_page.select_option("#search-sort", "oldest")
    watched_page.wait_for_function("() => document.getElementById('search-status').textContent.includes('oldest first')")
    assert result_titles(watched_page) == titles[::-1]
    assert watched_page.url.endswith("search.html?from=2025-03&sort=oldest")
    assert_clean(watched_page)


def test_a_date_range_keeps_the_matching_results_and_a_bad_date_says_how_to_write_one(watched_page, payload_url):
    watched_page.goto(f"{payload_url}search.html?q=zebraquux&to=2024-06")
    wait_for_results(watched_page, "zebraquux")
    assert result_titles(watched_page) == [PAYLOAD_TITLE]
    watched_page.fill("#search-to", "2024-05")
    watched_page.press("#search-to", "Enter")
    watched_page.wait_for_function("() => document.getElementById('search-status').textContent.startsWith('No results')")
    assert result_titles(watched_page) == []
    watched_page.goto(f"{payload_url}search.html?topic=Culture&from=2024-13")
    watched_page.wait_for_function("() => document.getElementById('search').dataset.state === 'idle'")
    assert "a year (2024) or a year and month (2024-03)" in watched_page.locator("#search-status").text_content()
    watched_page.goto(f"{payload_url}search.html?topic=Culture&from=2024")
    wait_until_done(watched_page)
    assert result_titles(watched_page) == [PAYLOAD_TITLE]
    assert_clean(watched_page)


def test_a_quoted_phrase_puts_the_articles_holding_it_first_and_marks_it_whole(watched_page, base_url):
    # The Wu Weiren story says "space" and "conference" more often, never side by side.
    watched_page.goto(f"{base_url}search.html?q=space conference")
    wait_for_results(watched_page, "space conference")
    assert result_titles(watched_page)[0].startswith("Chief Designer Wu Weiren")
    watched_page.goto(f"{base_url}search.html?q=\"space conference\"")
    wait_for_results(watched_page, "\"space conference\"")
    assert result_titles(watched_page)[0].startswith("GalaxySpace")
    assert result_titles(watched_page)[1].startswith("Chief Designer Wu Weiren")
    marks = watched_page.locator(".search-result").first.locator("mark").all_text_contents()
    assert [mark.lower() for mark in marks] == ["space conference"]
    assert_clean(watched_page)


def test_the_exact_title_ranks_first(watched_page, base_url):
    title = seed_articles()[2].meta["title"]
    watched_page.goto(f"{base_url}search.html")
    watched_page.fill("#search-query", title)
    wait_for_results(watched_page, title)
    assert result_titles(watched_page)[0] == title
    assert_clean(watched_page)


def test_slash_focuses_the_box_and_arrows_and_enter_open_a_result(watched_page, base_url):
    watched_page.goto(f"{base_url}about.html")
    watched_page.keyboard.press("/")
    assert watched_page.evaluate("document.activeElement.id") == "search-box"
    watched_page.keyboard.type("china")
    watched_page.keyboard.press("Enter")
    watched_page.wait_for_url(re.compile(r"search\.html\?q=china$"))
    wait_for_results(watched_page, "china")
    titles = result_titles(watched_page)
    assert len(titles) >= 2
    watched_page.locator("body").click(position={"x": 5, "y": 5})
    watched_page.keyboard.press("/")
    assert watched_page.evaluate("document.activeElement.id") == "search-query"
    watched_page.keyboard.press("ArrowDown")
    watched_page.keyboard.press("ArrowDown")
    assert watched_page.evaluate("document.activeElement.textContent") == titles[1]
    watched_page.keyboard.press("ArrowUp")
    assert watched_page.evaluate("document.activeElement.textContent") == titles[0]
    watched_page.keyboard.press("Enter")
    watched_page.wait_for_url(re.compile(r"/2025/03/[^/]+\.html$"))
    assert titles[0] in watched_page.locator("h1").first.inner_text()
    assert_clean(watched_page)


@pytest.mark.parametrize("typing_first", [False, True], ids=["enter", "results-then-enter"])
def test_back_and_forward_restore_earlier_searches(watched_page, base_url, typing_first):
    watched_page.goto(f"{base_url}search.html")
    for query in ("ports", "asteroid"):
        watched_page.fill("#search-query", query)
        if typing_first:
            # Results as you type arrive before Enter: history must not depend on that race.
            wait_for_results(watched_page, query)
        watched_page.press("#search-query", "Enter")
        wait_for_results(watched_page, query)
    watched_page.go_back()
    wait_for_results(watched_page, "ports")
    assert watched_page.input_value("#search-query") == "ports"
    assert "Ports" in result_titles(watched_page)[0]
    watched_page.go_forward()
    wait_for_results(watched_page, "asteroid")
    assert "Asteroid" in result_titles(watched_page)[0]
    assert_clean(watched_page)


def test_topic_and_year_filters_narrow_the_results(watched_page, payload_url):
    watched_page.goto(f"{payload_url}search.html?q=china")
    wait_for_results(watched_page, "china")
    everything = result_titles(watched_page)
    assert watched_page.locator("#search-topic").is_hidden()  # folded until asked for
    watched_page.click("#search-options summary")
    watched_page.select_option("#search-topic", "Technology")
    watched_page.wait_for_url(re.compile(r"topic=Technology"))
    wait_for_results(watched_page, "china")
    narrowed = result_titles(watched_page)
    assert narrowed and len(narrowed) < len(everything)
    assert all(meta.endswith("· Technology") for meta in watched_page.locator(".search-result__meta").all_text_contents())
    watched_page.select_option("#search-topic", "")
    watched_page.select_option("#search-year", "2024")
    wait_for_results(watched_page, "china")
    assert result_titles(watched_page) == []
    assert watched_page.locator("#search-empty").is_visible()
    assert_clean(watched_page)


def test_no_results_and_no_query_explain_what_to_do(watched_page, base_url):
    watched_page.goto(f"{base_url}search.html?q=xyzzyplugh")
    wait_for_results(watched_page, "xyzzyplugh")
    assert watched_page.inner_text("#search-status").startswith("No results")
    empty = watched_page.locator("#search-empty")
    assert empty.is_visible()
    assert empty.locator("a").count() == 3
    watched_page.fill("#search-query", "")
    # A function, not an expression: Playwright evaluates expressions with eval, which the CSP refuses.
    watched_page.wait_for_function("() => document.getElementById('search-status').textContent.startsWith('Type to search')")
    assert "articles" in watched_page.inner_text("#search-status")
    assert empty.locator("a").count() == 3 and empty.is_visible()
    assert not watched_page.locator("#search-tip").is_visible()
    assert_clean(watched_page)


def test_the_count_is_announced_politely(watched_page, base_url):
    watched_page.goto(f"{base_url}search.html?q=china")
    wait_for_results(watched_page, "china")
    status = watched_page.locator("#search-status")
    assert status.get_attribute("aria-live") == "polite"
    assert re.match(r"\d+ results? for “china”\.", status.inner_text())


def test_without_javascript_the_page_links_to_topics_tags_and_archives(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((site / "search.html").as_uri())
    message = page.locator("#search-nojs")
    assert message.is_visible()
    assert "needs JavaScript" in message.inner_text()
    assert message.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))") == [
        "./topics/index.html", "./tags/index.html", "./archives/index.html"]
    assert not page.locator("#search").is_visible()
    context.close()


# Collects the page's layout shifts (as CLS counts them: not right after input).
LAYOUT_SHIFTS = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shifts.push(entry.value);
}).observe({ type: "layout-shift", buffered: true });
"""


def test_on_a_phone_one_box_no_key_hints_the_first_result_on_screen_and_nothing_shifts(browser, base_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=3,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.add_init_script(LAYOUT_SHIFTS)
    page.goto(f"{base_url}search.html?q=china")
    wait_for_results(page, "china")
    page.wait_for_timeout(300)  # shifts are reported after the frame that made them
    assert page.locator("input[type=search]:visible").count() == 1
    assert page.locator("#search-query").is_visible()
    assert page.locator(".search__keys").is_hidden()
    first = page.locator(".search-result").first.bounding_box()
    assert first["y"] + 60 <= 844, first  # its title and date within the first screen
    shifts = page.evaluate("window.__shifts")
    assert sum(shifts) < 0.02, shifts
    context.close()


def test_the_search_scripts_are_deferred_and_lunr_is_the_minified_build(site):
    html = (site / "search.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script[^>]*>", html)
    assert len(scripts) >= 6 and all(" defer" in tag for tag in scripts)
    assert (site / "search" / "lunr.js").read_bytes() == (ROOT / "node_modules" / "lunr" / "lunr.min.js").read_bytes()
