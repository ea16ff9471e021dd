"""bench/pages.py: the page kinds, the element count and the table (plain functions)."""

import pytest

from bench import pages


@pytest.mark.parametrize(
    "path, kind",
    [
        ("index.html", "home"),
        ("page/3/index.html", "home page N"),
        ("2016/03/14/index.html", "day"),
        ("2016/03/index.html", "month"),
        ("2016/index.html", "year"),
        ("2016/03/some-story.html", "article"),
        ("topics/business/2016/index.html", "topic year"),
        ("topics/business/2016/page/2/index.html", "topic year"),
        ("topics/business/page/2/index.html", "topic"),
        ("tags/index.html", "entity index"),
        ("tags/mao-ning/index.html", "entity"),
        ("entities/person/page/2/index.html", "entity type"),
        ("entities/person/m/index.html", "entity letter"),
        ("about.html", "other"),
    ],
)
def test_every_page_has_its_kind(path, kind):
    assert pages.kind_of(path) == kind


def test_elements_count_every_start_tag_void_ones_too():
    assert pages.elements('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><p>a<br>b</p><img/></body></html>') == 7


def test_the_table_counts_pages_over_a_limit():
    rows = [("index.html", "home", 1024, 10), ("2016/index.html", "year", 200 * 1024, 10),
            ("2017/index.html", "year", 1024, 2000)]
    text = pages.table(rows)
    assert "| home | 1 | 1.0 | 1.0 | 10 | 0 |" in text
    assert "| year | 2 | 100.5 | 200.0 | 2,000 | 2 |" in text


def test_one_sample_page_of_each_kind_in_table_order():
    rows = [("2016/03/b.html", "article", 1, 1), ("about.html", "other", 1, 1), ("2016/03/a.html", "article", 1, 1),
            ("index.html", "home", 1, 1)]
    assert pages.sample_pages(rows) == [("home", "index.html"), ("article", "2016/03/b.html")]
