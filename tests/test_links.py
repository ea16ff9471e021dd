"""Offline link check: every relative href/src of the built site names an existing file.

This is what makes the archive readable from disk (file://) and under any
subpath: a link to a bare directory, an absolute path or a missing file breaks
there even when a web server would have hidden it.
"""

import html.parser
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRIBUTES = {"href", "src", "action", "poster"}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


class PageLinks(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []  # (line, tag, value)
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif name in LINK_ATTRIBUTES and value is not None:
                self.links.append((self.getpos()[0], tag, value))
            elif name == "srcset" and value:
                for candidate in value.split(","):
                    self.links.append((self.getpos()[0], tag, candidate.strip().split(" ")[0]))


def parse(path):
    parser = PageLinks()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def broken_links(site):
    """Return a list of 'page:line: problem' strings for the whole site."""
    site = Path(site)
    pages = {p.relative_to(site).as_posix(): parse(p) for p in sorted(site.rglob("*.html"))}
    problems = []

    def check(source, line, value):
        parts = urlsplit(value)
        if parts.scheme or value.startswith("//"):
            if parts.scheme in ("http", "https", "mailto"):
                return  # external links are not fetched (no network), nor required to exist
            problems.append(f"{source}:{line}: unexpected scheme in {value!r}")
            return
        if value.startswith("/"):
            problems.append(f"{source}:{line}: root-absolute link {value!r} breaks under a subpath and from disk")
            return
        if not parts.path:
            if parts.fragment and source in pages and unquote(parts.fragment) not in pages[source].ids:
                problems.append(f"{source}:{line}: no element with id {parts.fragment!r}")
            return
        target = posixpath.normpath(posixpath.join(posixpath.dirname(source), unquote(parts.path)))
        if target.startswith(".."):
            problems.append(f"{source}:{line}: {value!r} points outside the site")
        elif parts.path.endswith("/") or (site / target).is_dir():
            problems.append(f"{source}:{line}: {value!r} names a directory, not a file (breaks from disk)")
        elif not (site / target).is_file():
            problems.append(f"{source}:{line}: {value!r} -> missing file {target}")
        elif parts.fragment and target in pages and unquote(parts.fragment) not in pages[target].ids:
            problems.append(f"{source}:{line}: {value!r} -> no element with id {parts.fragment!r}")

    for source, parser in pages.items():
        for line, _tag, value in parser.links:
            check(source, line, value)
    for stylesheet in sorted(site.rglob("*.css")):
        source = stylesheet.relative_to(site).as_posix()
        for number, text in enumerate(stylesheet.read_text(encoding="utf-8").splitlines(), 1):
            for value in CSS_URL.findall(text):
                if not value.startswith(("data:", "#")):
                    check(source, number, value)
    return problems


def test_every_relative_link_names_an_existing_file(site):
    problems = broken_links(site)
    assert not problems, "broken links:\n" + "\n".join(problems[:50])


def test_link_checker_reports_broken_links(tmp_path):
    """The checker itself: a missing file, a bare directory, a root-absolute link, a bad anchor."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<p id="here">ok</p>', encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<a href="a/index.html#here">fine</a>\n'
        '<a href="missing.html">missing</a>\n'
        '<a href="a/">directory</a>\n'
        '<a href="/a/index.html">absolute</a>\n'
        '<a href="a/index.html#nowhere">anchor</a>\n'
        '<a href="https://example.org/">external</a>\n',
        encoding="utf-8",
    )
    problems = broken_links(tmp_path)
    assert [p.split(":")[1] for p in problems] == ["2", "3", "4", "5"]
