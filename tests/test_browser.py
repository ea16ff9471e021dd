"""A reader in headless Chromium: from disk and under a subpath, home -> topic -> article -> back."""

import re

import pytest

from .conftest import serve_directory

pytestmark = pytest.mark.browser


def first_link(page, pattern):
    """The first link in <main> whose resolved address matches ``pattern``: (raw href, address)."""
    links = page.eval_on_selector_all(
        "main a[href]", "els => els.map(e => [e.getAttribute('href'), e.href])"
    )
    for raw, resolved in links:
        if re.search(pattern, resolved):
            return raw, resolved
    raise AssertionError(f"no link matching {pattern} on {page.url}: {links}")


def browse_topic_to_article_and_back(page, start_url):
    page.goto(start_url)
    assert page.locator("h1, .site-title").first.is_visible()
    page.locator('header a[href$="topics/index.html"]').first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/topics/index.html")

    raw, topic_url = first_link(page, r"/topics/[a-z0-9-]+/index\.html$")
    page.locator(f'main a[href="{raw}"]').first.click()
    page.wait_for_load_state()
    assert page.url == topic_url

    raw, article_url = first_link(page, r"/\d{4}/\d{2}/[a-z0-9-]+\.html$")
    page.locator(f'main a[href="{raw}"]').first.click()
    page.wait_for_load_state()
    assert page.url == article_url
    assert page.locator("article h1").count() == 1
    assert page.locator("main time[datetime]").count() >= 1

    page.go_back()
    assert page.url == topic_url
    page.go_back()
    assert page.url.endswith("/topics/index.html")


def test_browse_from_disk(site, watched_page):
    browse_topic_to_article_and_back(watched_page, (site / "index.html").as_uri())
    assert watched_page.network_requests == []
    assert watched_page.console_errors == []


def test_browse_under_a_subpath(site, watched_page):
    with serve_directory(site, prefix="news-archive") as base_url:
        browse_topic_to_article_and_back(watched_page, base_url + "index.html")
        # The same page under its directory address, as a host serves it.
        watched_page.goto(base_url)
        watched_page.locator('header a[href$="about.html"]').first.click()
        watched_page.wait_for_load_state()
        assert watched_page.url == base_url + "about.html"
        watched_page.wait_for_load_state("networkidle")  # nothing in flight when the server stops
    assert watched_page.network_requests == []
    assert watched_page.console_errors == []
