"""`archivist check`: every validation rule, its message, its line and the exit status.

A tiny archive is written into a temporary folder for each test: two good
articles and an About page, with a settings file that reuses pelicanconf.py.
"""

import datetime
import json
import os
import re
import textwrap

import hypothesis
import hypothesis.strategies as st
import pytest

from archivist import checks
from archivist.cli import main
from archivist.errors import PluginSettingsError, SettingsError
from archivist.settings import load_settings
from tests.conftest import ROOT

GOOD = textwrap.dedent("""\
    ---
    title: Observatory Opens Its Dome To The Public
    date: 2025-02-10
    category: Science
    tags:
      - Observatory
      - Astronomy
    summary: The town observatory opened its dome to visitors for the first time.
    source: Test Gazette
    slug: observatory-opens-its-dome-to-the-public
    ---

    The hilltop observatory welcomed its first evening visitors on Monday, when
    volunteers guided small groups up the spiral stairs to the old brass telescope.

    Children queued in the cold to look at the craters of the Moon while the
    curator explained how the dome turns on its iron rails.
    """)
GOOD_NAME = "2025-02-10-observatory-opens-its-dome-to-the-public.md"

FERRY = textwrap.dedent("""\
    ---
    title: Ferry Crew Rescues Stranded Kayakers
    date: 2025-01-20
    category: Society
    tags:
      - Hong Kong
      - Asteroid Defense
      - Ferries
    summary: A ferry crew pulled two kayakers from the water near the harbour wall.
    source: Test Gazette
    slug: ferry-crew-rescues-stranded-kayakers
    ---

    Two kayakers who capsized near the harbour wall were lifted aboard the morning
    ferry after its captain spotted their orange jackets in the swell, the port
    authority said, praising the crew for a calm and quick response in rough seas.
    """)
FERRY_NAME = "2025-01-20-ferry-crew-rescues-stranded-kayakers.md"

SETTINGS = f"""\
import sys
sys.path.insert(0, {str(ROOT)!r})
from pelicanconf import *  # noqa
PATH = "content"
THEME = {str(ROOT / "theme")!r}
"""


@pytest.fixture
def archive(tmp_path, monkeypatch):
    """A two-article archive; the current folder is its root, as in the repository."""
    articles = tmp_path / "content" / "articles" / "2025"
    articles.mkdir(parents=True)
    (articles / FERRY_NAME).write_text(FERRY, encoding="utf-8")
    (tmp_path / "content" / "pages").mkdir()
    (tmp_path / "content" / "pages" / "about.md").write_text("---\ntitle: About\n---\n\nHello.\n")
    (tmp_path / "settings.py").write_text(SETTINGS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(capsys, *args):
    status = main(["check", "--settings", "settings.py", *args])
    out, err = capsys.readouterr()
    return status, out.splitlines(), err


def write(archive, text, name=GOOD_NAME, data=None):
    path = archive / "content" / "articles" / "2025" / name
    if data is not None:
        path.write_bytes(data)
    else:
        path.write_text(text, encoding="utf-8")
    return f"content/articles/2025/{name}"


def test_a_good_archive_passes(archive, capsys):
    write(archive, GOOD)
    status, out, err = check(capsys)
    assert (status, out) == (0, [])
    assert "checked 3 file(s): 0 error(s), 0 warning(s)" in err


# (what is wrong, how the good article is changed, line reported, words of the message)
ERRORS = [
    ("invalid YAML", ("category: Science", "category: [Science"), 5, "invalid YAML front matter"),
    ("no front matter", ("---\ntitle", "title"), 1, "no YAML front matter"),
    ("title not text", ("title: Observatory Opens Its Dome To The Public", "title: 2025"), 2,
     "'title' must be text, not int 2025: put it in quotes"),
    ("impossible date", ("date: 2025-02-10", "date: 2025-02-30"), 3,
     "invalid date: day is out of range for month"),
    ("date not a date", ("date: 2025-02-10", "date: last Tuesday"), 3,
     "'date' 'last Tuesday' is not a date: write it as YYYY-MM-DD"),
    ("date in the future", ("date: 2025-02-10", "date: 2999-01-01"), 3, "'date' 2999-01-01 is in the future"),
    ("unknown category", ("category: Science", "category: Sciense"), 4,
     "unknown category 'Sciense': did you mean 'Science'?"),
    ("tags not a list", ("tags:\n  - Observatory\n  - Astronomy", "tags: Observatory, Astronomy"), 5,
     "'tags' must be a YAML list"),
    ("empty tag", ("  - Astronomy", "  - Astronomy\n  - ''"), 5, "empty tag: remove the empty '-' line"),
    ("duplicate tag", ("  - Astronomy", "  - Astronomy\n  - astronomy"), 5,
     "duplicate tag 'astronomy' (same as 'Astronomy'): keep only one"),
    ("tag with spaces", ("  - Astronomy", "  - ' Astronomy'"), 5, "tag ' Astronomy' has extra spaces"),
    ("tag not text", ("  - Astronomy", "  - 2025"), 5, "tag 2025 must be text: put it in quotes"),
    ("slug with a slash", ("slug: observatory-opens-its-dome-to-the-public", "slug: ../../etc/passwd"), 10,
     "slug '../../etc/passwd' would write outside its folder"),
    ("slug not ASCII", ("slug: observatory-opens-its-dome-to-the-public", "slug: café-opens"), 10,
     "slug 'café-opens' is not ASCII"),
    ("slug badly formed", ("slug: observatory-opens-its-dome-to-the-public", "slug: Dome_Opens--"), 10,
     "slug 'Dome_Opens--' is not of the form words-like-this"),
    ("slug already used", ("slug: observatory-opens-its-dome-to-the-public", "slug: ferry-crew-rescues-stranded-kayakers"),
     10, f"slug 'ferry-crew-rescues-stranded-kayakers' is also used by content/articles/2025/{FERRY_NAME}:11"),
    ("raw script", ("volunteers guided", "volunteers <script>alert(1)</script> guided"), 14,
     "raw <script> in the body"),
    ("raw iframe", ("Children queued", '<iframe src="https://example.org/"></iframe>\n\nChildren queued'), 16,
     "raw <iframe> in the body"),
    ("event handler", ("Children queued", '<img src="moon.png" onerror="steal()">\n\nChildren queued'), 16,
     "event-handler attribute 'onerror=' in the body"),
    ("javascript link in Markdown", ("the old brass telescope.", "the [old telescope](javascript:alert(1))."), 14,
     "javascript: URL in the body"),
    ("javascript link in HTML", ("the old brass telescope.", "the <a href='javascript:go()'>telescope</a>."), 14,
     "javascript: URL in the body"),
    ("TODO summary", ("summary: The town", "summary: TODO the town"), 8, "'summary' still holds the TODO placeholder"),
    ("TODO tag", ("  - Astronomy", "  - TODO"), 5, "tags still hold the TODO placeholder"),
    ("TODO in the body", ("Children queued", "TODO: check this.\n\nChildren queued"), 16,
     "the body still holds a TODO placeholder"),
    ("bad source_url", ("source: Test Gazette", "source: Test Gazette\nsource_url: javascript:alert(1)"), 10,
     "source_url 'javascript:alert(1)' is not a web address"),
    ("status skip", ("source: Test Gazette", "source: Test Gazette\nstatus: skip"), 10,
     "status 'skip' would hide this file or make the build skip it"),
    ("status hidden", ("source: Test Gazette", "source: Test Gazette\nstatus: Hidden"), 10,
     "status 'Hidden' would hide this file"),
    # Keys in other cases are the same keys to pelican-yaml-metadata, which lowercases them.
    ("Date in capitals", ("date: 2025-02-10", "Date: 9999-12-31"), 3, "'date' 9999-12-31 is in the future"),
    ("Category in capitals", ("category: Science", "Category: Not A Topic"), 4, "unknown category 'Not A Topic'"),
    ("Slug in capitals", ("slug: observatory-opens-its-dome-to-the-public", "Slug: ../../../output-sibling/evil"),
     10, "slug '../../../output-sibling/evil' would write outside its folder"),
    ("Source_URL in capitals", ("source: Test Gazette", "source: Test Gazette\nSource_URL: 'javascript:alert(1)'"),
     10, "source_url 'javascript:alert(1)' is not a web address"),
    ("Status in capitals", ("source: Test Gazette", "source: Test Gazette\nSTATUS: skip"), 10,
     "status 'skip' would hide this file"),
    ("a key in capitals", ("source: Test Gazette", "Source: Test Gazette"), 9,
     "key 'Source' must be written in lower case: 'source'"),
    ("Draft in capitals", ("source: Test Gazette", "source: Test Gazette\nstatus: Draft"), 10,
     "status 'Draft' must be written 'draft', in lower case"),
    ("one key in two cases", ("date: 2025-02-10", "date: 2025-02-10\nDATE: 2025-02-11"), 4,
     "'DATE' repeats the key 'date' (keys ignore case)"),
    ("a key that is not a name", ("source: Test Gazette", "source: Test Gazette\n2025: a year"), 10,
     "front matter key 2025 is not a name"),
    ("save_as", ("source: Test Gazette", "source: Test Gazette\nsave_as: topics/world/index.html"), 10,
     "unknown front matter key 'save_as'"),
    ("url", ("source: Test Gazette", "source: Test Gazette\nURL: index.html"), 10, "unknown front matter key 'url'"),
    ("template", ("source: Test Gazette", "source: Test Gazette\ntemplate: page"), 10,
     "unknown front matter key 'template'"),
    ("lang", ("source: Test Gazette", "source: Test Gazette\nlang: fr"), 10, "unknown front matter key 'lang'"),
    ("translation", ("source: Test Gazette", "source: Test Gazette\ntranslation: true"), 10,
     "unknown front matter key 'translation'"),
    ("date before 1900", ("date: 2025-02-10", "date: 0999-01-01"), 3, "'date' 0999-01-01 is before 1900"),
    ("slug index", ("slug: observatory-opens-its-dome-to-the-public", "slug: index"), 10,
     "slug 'index' is the name of a page or folder the site generates"),
    ("slug of a year", ("slug: observatory-opens-its-dome-to-the-public", "slug: '2025'"), 10,
     "slug '2025' is the name of a year, month or day folder"),
    ("slug tags", ("slug: observatory-opens-its-dome-to-the-public", "slug: tags"), 10,
     "slug 'tags' is the name of a page or folder"),
    ("slug feeds", ("slug: observatory-opens-its-dome-to-the-public", "slug: feeds"), 10,
     "slug 'feeds' is the name of a page or folder"),
    ("slug of a page", ("slug: observatory-opens-its-dome-to-the-public", "slug: about"), 10,
     "slug 'about' is also used by content/pages/about.md"),
    ("slug with a leading dot", ("slug: observatory-opens-its-dome-to-the-public", "slug: .well-known"), 10,
     "slug '.well-known' would write outside its folder"),
    ("slug with a backslash", ("slug: observatory-opens-its-dome-to-the-public", "slug: 'a\\b'"), 10,
     "would write outside its folder"),
    ("tag with no letter", ("  - Astronomy", "  - Astronomy\n  - '!!!'"), 5,
     "tag '!!!' gives its page an empty address (slug)"),
    ("too many tags", ("  - Astronomy", "".join(f"  - Topic {n}\n" for n in range(21)).rstrip("\n")), 5,
     "22 tags, over the limit of 20 (ARCHIVE_GUARD max_tags)"),
    ("source_url without a host", ("source: Test Gazette", "source: Test Gazette\nsource_url: https:///x"), 10,
     "is not a web address"),
    ("source_url with a space", ("source: Test Gazette", "source: Test Gazette\nsource_url: https://a.example/ b"),
     10, "is not a web address"),
    ("source_url of data", ("source: Test Gazette", "source: Test Gazette\nsource_url: 'data:text/html,x'"), 10,
     "is not a web address"),
    ("lone surrogate in the title", ("title: Observatory Opens Its Dome To The Public",
                                     'title: "Observatory \\ud800 Opens"'), 2,
     "invalid YAML front matter: found invalid Unicode character escape code"),
    ("escape character in a tag", ("  - Astronomy", '  - "Astro\\x1b[31mnomy"'), 5,
     "'tags' holds '\\x1b', which is not a printable character"),
    ("base element", ("Children queued", '<base href="https://evil.example/">\n\nChildren queued'), 16,
     "unsafe markup: <base> is not allowed in an article"),
    ("attr_list handler", ("the old brass telescope.", "the old brass telescope.\n{: onclick=\"go()\" }"), 15,
     "unsafe markup: attribute 'onclick' of <p> is not allowed"),
    ("image from another host", ("Children queued", "![Moon](https://evil.example/moon.png)\n\nChildren queued"),
     16, "unsafe markup: image from another host is turned into a link to it"),
    ("markup in the summary", ("summary: The town", "summary: <img src=x onerror=go()> The town"), 8,
     "unsafe markup: attribute 'onerror' of <img> is not allowed"),
    ("front matter line with a space", ("---\ntitle", "--- \ntitle"), 1,
     "the lines '---' around the front matter must hold nothing else"),
    ("modified before date", ("date: 2025-02-10", "date: 2025-02-10\nmodified: 2025-01-01"), 4,
     "'modified' 2025-01-01 is before 'date' 2025-02-10"),
]


@pytest.mark.parametrize("old_new, line, message", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_each_error_is_reported_on_its_line(archive, capsys, old_new, line, message):
    old, new = old_new
    assert old in GOOD
    path = write(archive, GOOD.replace(old, new, 1))
    status, out, err = check(capsys)
    assert status == 1
    mine = [o for o in out if o.startswith(f"{path}:")]
    assert any(o.startswith(f"{path}:{line}: error: ") and message in o for o in mine), out
    assert "0 error(s)" not in err


# The stable code of each error above: tools match these, never the message.
ERROR_CODES = {
    "invalid YAML": "bad-front-matter", "no front matter": "bad-front-matter", "title not text": "not-text",
    "impossible date": "invalid-date", "date not a date": "invalid-date", "date in the future": "future-date",
    "unknown category": "unknown-topic", "tags not a list": "tags-not-list", "empty tag": "empty-tag",
    "duplicate tag": "duplicate-tag", "tag with spaces": "extra-spaces", "tag not text": "tag-not-text",
    "slug with a slash": "unsafe-slug", "slug not ASCII": "non-ascii-slug", "slug badly formed": "bad-slug",
    "slug already used": "duplicate-slug", "raw script": "raw-element", "raw iframe": "raw-element",
    "event handler": "event-handler", "javascript link in Markdown": "javascript-url",
    "javascript link in HTML": "javascript-url", "TODO summary": "placeholder", "TODO tag": "placeholder",
    "TODO in the body": "placeholder", "bad source_url": "bad-source-url", "status skip": "bad-status",
    "modified before date": "modified-before-date", "status hidden": "bad-status",
    "Date in capitals": "future-date", "Category in capitals": "unknown-topic", "Slug in capitals": "unsafe-slug",
    "Source_URL in capitals": "bad-source-url", "Status in capitals": "bad-status",
    "one key in two cases": "duplicate-key", "a key in capitals": "key-case", "Draft in capitals": "bad-status", "a key that is not a name": "bad-key", "save_as": "unknown-key",
    "url": "unknown-key", "template": "unknown-key", "lang": "unknown-key", "translation": "unknown-key",
    "date before 1900": "date-too-early", "slug index": "reserved-slug", "slug of a year": "reserved-slug",
    "slug tags": "reserved-slug", "slug feeds": "reserved-slug", "slug of a page": "duplicate-slug",
    "slug with a leading dot": "unsafe-slug", "slug with a backslash": "unsafe-slug",
    "tag with no letter": "empty-tag-slug", "too many tags": "too-many-tags",
    "source_url without a host": "bad-source-url", "source_url with a space": "bad-source-url",
    "source_url of data": "bad-source-url", "front matter line with a space": "bad-front-matter",
    "lone surrogate in the title": "bad-front-matter", "base element": "unsafe-markup",
    "attr_list handler": "unsafe-markup", "image from another host": "unsafe-markup",
    "markup in the summary": "unsafe-markup", "escape character in a tag": "bad-character",
}


@pytest.mark.parametrize("old_new, line, message, code", [(*e[1:], ERROR_CODES[e[0]]) for e in ERRORS],
                         ids=[e[0] for e in ERRORS])
def test_each_error_carries_its_stable_code(archive, old_new, line, message, code):
    old, new = old_new
    path = write(archive, GOOD.replace(old, new, 1))
    findings = checks.check_files([path], load_settings("settings.py"))
    assert [f.code for f in findings if f.path == path and f.line == line and message in f.message] == [code]


def test_every_code_is_documented_and_every_documented_code_exists():
    documented = re.findall(r"^\| `([a-z0-9-]+)` \|", (ROOT / "docs" / "check-messages.md").read_text(), re.MULTILINE)
    assert sorted(documented) == sorted(checks.CODES)
    with pytest.raises(ValueError, match="unknown finding code"):
        checks.Finding("a.md", 1, checks.ERROR, "made up", "made-up")


@pytest.mark.parametrize("key, line", [("title", 1), ("date", 1), ("category", 1), ("tags", 1),
                                       ("summary", 1), ("source", 1)])
def test_each_required_key_is_required(archive, capsys, key, line):
    lines = [ln for ln in GOOD.splitlines() if not ln.startswith(f"{key}:")]
    if key == "tags":
        lines = [ln for ln in lines if not ln.startswith("  - ")]
    path = write(archive, "\n".join(lines) + "\n")
    status, out, _ = check(capsys, path)
    assert status == 1
    assert any(o.startswith(f"{path}:{line}: error: missing '{key}': ") for o in out), out


def test_an_empty_value_counts_as_missing(archive, capsys):
    path = write(archive, GOOD.replace("source: Test Gazette", "source:"))
    status, out, _ = check(capsys, path)
    assert status == 1
    assert out == [f"{path}:9: error: missing 'source': add 'source: ...' to the front matter"]


def test_code_is_not_mistaken_for_html(archive, capsys):
    text = GOOD.replace("Children queued", "The page used `<script>` and\n\n```\n<iframe onload=x>\n```\n\nChildren queued")
    path = write(archive, text)
    status, out, _ = check(capsys, path)
    assert (status, out) == (0, [])


def test_file_level_errors(archive, capsys):
    latin1 = write(archive, None, "2025-02-11-latin.md", data=GOOD.replace("Children", "Café").encode("latin-1"))
    empty = write(archive, None, "2025-02-12-empty.md", data=b"  \n")
    huge = write(archive, None, "2025-02-13-huge.md", data=GOOD.encode() + b"x" * 1_000_001)
    text = write(archive, GOOD, "2025-02-14-notes.txt")
    status, out, _ = check(capsys)
    assert status == 1
    assert f"{latin1}:16: error: not valid UTF-8 (byte 0xe9): save the file as UTF-8" in out
    assert f"{empty}:1: error: file is empty: write the front matter and the article, or delete it" in out
    assert any(o.startswith(f"{huge}:1: error: file is 1,000,") and "over the limit of 1,000,000" in o for o in out)
    assert f"{text}:1: error: not a Markdown file, so the build ignores it: rename it to end in .md" in out


def test_near_duplicate_names_the_other_file(archive, capsys):
    copy = FERRY.replace("slug: ferry-crew-rescues-stranded-kayakers", "slug: kayakers-rescued")
    copy = copy.replace("in rough seas", "in rough weather")
    path = write(archive, copy, "2025-01-20-kayakers-rescued.md")
    status, out, _ = check(capsys, path)
    assert status == 1
    assert any(
        o.startswith(f"{path}:14: error: near-duplicate of content/articles/2025/{FERRY_NAME} (")
        and "% of the text is the same" in o
        for o in out
    ), out


def test_tag_spelling_warnings_fail_only_with_strict(archive, capsys):
    text = GOOD.replace("  - Astronomy", "  - Astronomy\n  - Hongkong\n  - Asteroid Defence")
    path = write(archive, text)
    status, out, err = check(capsys, path)
    assert status == 0
    assert out == [
        f"{path}:5: warning: new tag 'Asteroid Defence' looks like the existing tag 'Asteroid Defense' "
        f"(e.g. content/articles/2025/{FERRY_NAME}): use that one if it means the same",
        f"{path}:5: warning: tag 'Hongkong' is spelled 'Hong Kong' elsewhere in the archive "
        f"(e.g. content/articles/2025/{FERRY_NAME}): use the same spelling",
    ]
    assert "0 error(s), 2 warning(s)" in err
    status, _, _ = check(capsys, "--strict", path)
    assert status == 1


def test_drafts_and_file_names_are_warnings_unknown_keys_errors(archive, capsys):
    path = write(archive, GOOD.replace("source: Test", "sauce: Test\nstatus: draft\nsource: Test"), "dome.md")
    status, out, _ = check(capsys, path)
    assert status == 1
    assert out == [
        f"{path}:1: warning: file name does not follow the convention: rename it to {GOOD_NAME}",
        f"{path}:9: error: unknown front matter key 'sauce': did you mean 'source'? remove it; the site reads "
        f"only {', '.join(sorted(checks.ALLOWED_KEYS))}",
        f"{path}:10: warning: draft: built only for preview (make site, make serve), never published; to finish "
        "it, replace every TODO, then delete the line 'status: draft'",
    ]


def test_the_allowed_keys_include_corrections():
    assert {"title", "date", "modified", "category", "tags", "summary", "source", "source_url", "slug",
            "authors", "status", "updates"} == set(checks.ALLOWED_KEYS)


def test_a_draft_may_hold_placeholders_until_strict(archive, capsys):
    draft = GOOD.replace("source: Test Gazette", "source: Test Gazette\nstatus: draft")
    path = write(archive, draft.replace("summary: The town", "summary: TODO the town"))
    status, out, _ = check(capsys, path)
    assert status == 0
    assert [line.split(": warning: ")[1][:30] for line in out] == [
        "'summary' still holds the TODO", "draft: built only for preview "]
    status, out, _ = check(capsys, "--strict", path)
    assert status == 1 and len(out) == 2
    # Anything but a placeholder is still an error in a draft.
    write(archive, draft.replace("category: Science", "category: Sciense"))
    assert check(capsys, path)[0] == 1


def test_github_format_prints_annotations(archive, capsys):
    path = write(archive, GOOD.replace("category: Science", "category: Sciense").replace("  - Astronomy", "  - Hongkong"))
    status, out, _ = check(capsys, "--format", "github", path)
    assert status == 1
    assert out[0].startswith(f"::error file={path},line=4::unknown category 'Sciense': did you mean 'Science'?")
    assert out[1].startswith(f"::warning file={path},line=5::tag 'Hongkong' is spelled 'Hong Kong'")


def test_folders_are_walked_with_pages_and_hidden_files(archive, capsys):
    write(archive, GOOD.replace("category: Science", "category: Sciense"))
    status, out, err = check(capsys, "content")
    assert status == 1
    assert len(out) == 1 and "unknown category" in out[0]
    assert "checked 3 file(s)" in err
    hidden = write(archive, GOOD.replace("slug: observatory", "slug: hidden-observatory"), ".x.md")
    for args in ((), ("content",)):
        status, out, err = check(capsys, *args)
        assert f"{hidden}:1: error: hidden file (its name or folder starts with a dot): rename it" in "\n".join(out)


def test_pages_are_checked_with_their_own_required_keys(archive, capsys):
    pages = archive / "content" / "pages"
    (pages / "contact.md").write_text("---\ntitle: Contact\n---\n\nWrite to us.\n")
    assert check(capsys) == (0, [], "checked 3 file(s): 0 error(s), 0 warning(s)\n")
    (pages / "contact.md").write_text("---\nTitle: Contact\nslug: index\nsave_as: index.html\n---\n\n"
                                      "<script>alert(1)</script>\n")
    status, out, _ = check(capsys)
    assert status == 1
    assert [line.split(": error: ")[0] + " " + line.split(": error: ")[1].split(":")[0] for line in out] == [
        "content/pages/contact.md:2 key 'Title' must be written in lower case",
        "content/pages/contact.md:3 slug 'index' is the name of a page or folder the site generates",
        "content/pages/contact.md:4 unknown front matter key 'save_as'",
        "content/pages/contact.md:7 raw <script> in the body",
    ]
    (pages / "contact.md").write_text("---\nslug: contact\n---\n\nWrite to us.\n")
    assert check(capsys)[1] == ["content/pages/contact.md:1: error: missing 'title': add 'title: ...' to the front matter"]


@pytest.mark.parametrize("line_end", ["\r\n", "\r"], ids=["CRLF", "CR"])
def test_windows_and_old_mac_line_ends_are_read_as_pelican_reads_them(archive, capsys, line_end):
    write(archive, None, data=GOOD.replace("\n", line_end).encode())
    assert check(capsys)[:2] == (0, [])
    bad = GOOD.replace("volunteers guided", "volunteers <script>x()</script> guided").replace("\n", line_end)
    path = write(archive, None, data=bad.encode())
    assert check(capsys)[1] == [f"{path}:14: error: raw <script> in the body: remove it; articles may not embed "
                                "scripts or frames"]


def test_an_unreadable_file_is_a_one_line_error(archive, capsys):
    (archive / "content" / "articles" / "2025" / "2025-02-10-gone.md").symlink_to(archive / "content" / "nowhere.md")
    status, out, err = check(capsys)
    assert (status, out) == (1, [])
    assert err == ("archivist: error: content/articles/2025/2025-02-10-gone.md: cannot read this file "
                   "(No such file or directory): check that it exists and is readable\n")


def test_a_missing_path_is_an_error(archive, capsys):
    status, out, err = check(capsys, "content/articles/nope.md")
    assert status == 1
    assert "content/articles/nope.md: no such file or folder" in err


# Pure functions, without files.

def test_tag_key_ignores_case_spaces_and_punctuation():
    assert checks.tag_key("Hong Kong") == checks.tag_key("hong-kong") == checks.tag_key("HongKong")
    assert checks.tag_key("Hong Kong") != checks.tag_key("Hong Kong Island")


def test_annotations_escape_their_special_characters():
    finding = checks.Finding("a,b:c.md", 3, checks.ERROR, "50% done\nnext", "no-text")
    assert finding.github() == "::error file=a%2Cb%3Ac.md,line=3::50%25 done\\nnext"
    assert str(finding) == "a,b:c.md:3: error: 50% done\\nnext"


FORGED = "x\n::error file=README.md,line=1::Forged\r::add-mask::secret\u2028::warning::y"


@pytest.mark.parametrize("form", ["text", "github"])
def test_no_value_in_a_message_can_start_a_workflow_command(archive, capsys, form):
    # A slug, a key and a tag that hold line breaks and '::', each echoed by a message.
    text = GOOD.replace("slug: observatory-opens-its-dome-to-the-public", f"slug: {json.dumps(FORGED)}")
    path = write(archive, text.replace("source: Test", f"{json.dumps(FORGED)}: 1\nsource: Test"))
    status, out, _ = check(capsys, "--format", form, path)
    assert status == 1 and len(out) >= 2
    for line in out:
        assert "::" not in (line.split("::", 2)[2] if form == "github" else line), line
        assert "\u2028" not in line and "\r" not in line
    assert any("Forged\\r:\\:add-mask:\\:secret" in line for line in out)


def test_future_days_allow_dates_ahead_of_the_archive_time_zone():
    parsed = checks.read("x.md", GOOD.replace("2025-02-10", "2025-03-02").encode(), checks.DEFAULTS)
    settings = {"ARCHIVE_TOPICS": {"Science": ""}, "SLUG_REGEX_SUBSTITUTIONS": [], "ARCHIVE_GUARD": {"future_days": 1}}
    index = checks.ArchiveIndex([], settings)

    def future(today):
        findings = checks.check_article(parsed, index, settings, today=today)
        return [f.message for f in findings if "future" in f.message]

    assert future(datetime.date(2025, 3, 1)) == []
    assert future(datetime.date(2025, 2, 28)) != []


def test_unknown_archive_guard_options_are_refused():
    with pytest.raises(ValueError, match="unknown ARCHIVE_GUARD key"):
        checks.options({"ARCHIVE_GUARD": {"max_byte": 5}})


@pytest.mark.parametrize("key, value, words", [
    ("max_bytes", 0, "ARCHIVE_GUARD['max_bytes'] must be a whole number of at least 1, not 0"),
    ("max_bytes", "1 MB", "ARCHIVE_GUARD['max_bytes'] must be a whole number of at least 1, not '1 MB'"),
    ("duplicate_threshold", 1.5,
     "ARCHIVE_GUARD['duplicate_threshold'] must be a number above 0 and at most 1 (or None to turn it off), not 1.5"),
    ("tag_similarity", None, "ARCHIVE_GUARD['tag_similarity'] must be a number above 0 and at most 1, not None"),
    ("tag_similarity", True, "ARCHIVE_GUARD['tag_similarity'] must be a number above 0 and at most 1, not True"),
    ("future_days", -1, "ARCHIVE_GUARD['future_days'] must be a whole number of at least 0, not -1"),
])
def test_archive_guard_values_are_checked(archive, capsys, key, value, words):
    with pytest.raises(PluginSettingsError) as raised:
        checks.options({"ARCHIVE_GUARD": {key: value}})
    assert str(raised.value).startswith(words)
    with open("settings.py", "a", encoding="utf-8") as settings:
        settings.write(f"ARCHIVE_GUARD = {{{key!r}: {value!r}}}\n")
    status, out, err = check(capsys)
    assert (status, out) == (1, [])
    assert err.startswith(f"archivist: error: {words}") and err.count("\n") == 1


def test_the_near_duplicate_check_can_be_turned_off():
    assert checks.options({"ARCHIVE_GUARD": {"duplicate_threshold": None}})["duplicate_threshold"] is None


SETTINGS_DICT = {"ARCHIVE_TOPICS": {"Science": "", "Society": ""}, "SLUG_REGEX_SUBSTITUTIONS": []}


@hypothesis.settings(max_examples=200, deadline=None)
@hypothesis.given(st.one_of(
    st.binary(max_size=400),
    st.text(max_size=400).map(lambda t: ("---\n" + t).encode()),
    st.lists(st.sampled_from(GOOD.splitlines(keepends=True)), max_size=30).map(lambda ls: "".join(ls).encode()),
))
def test_any_bytes_give_findings_never_an_exception(data):
    """The error policy: whatever the file holds, checking it returns findings."""
    parsed = checks.read("a.md", data, checks.DEFAULTS)
    index = checks.ArchiveIndex([parsed], SETTINGS_DICT)
    findings = checks.check_article(parsed, index, SETTINGS_DICT, today=datetime.date(2025, 6, 1))
    assert all(f.line >= 1 and f.severity in (checks.ERROR, checks.WARNING) for f in findings)
    assert findings or parsed.readable


def _brute_force_near_duplicates(bodies, threshold):
    grams = {path: checks.shingles(body) for path, body in bodies.items()}
    found = {}
    for path, mine in grams.items():
        if len(mine) < checks.MIN_SHINGLES:
            continue
        alike = []
        for other, theirs in grams.items():
            if other != path and len(theirs) >= checks.MIN_SHINGLES:
                jaccard = len(mine & theirs) / len(mine | theirs)
                if jaccard >= threshold:
                    alike.append((other, jaccard))
        found[path] = sorted(alike, key=lambda item: (-item[1], item[0]))
    return found


@hypothesis.settings(max_examples=60, deadline=None)
@hypothesis.given(
    base=st.lists(st.sampled_from("ferry harbour storm council budget satellite orbit comet school rail".split()),
                  min_size=30, max_size=80),
    edits=st.lists(st.tuples(st.integers(0, 79), st.sampled_from(["tide", "pier", "vote", "moon"])), max_size=12),
    threshold=st.sampled_from([0.5, 0.8, 0.95]),
)
def test_near_duplicates_found_by_prefix_filtering_are_exactly_those_of_brute_force(base, edits, threshold):
    """Prefix filtering indexes a fifth of the shingles yet must find every pair above the threshold."""
    bodies = {"a.md": " ".join(base)}
    words = list(base)
    for number, (position, word) in enumerate(edits):
        words[position % len(words)] = word
        bodies[f"edit{number}.md"] = " ".join(words)
    bodies["other.md"] = " ".join(reversed(base))
    settings = {**SETTINGS_DICT, "ARCHIVE_GUARD": {"duplicate_threshold": threshold}}
    parsed = [checks.read(path, f"---\ntitle: T\n---\n{body}\n".encode(), checks.options(settings))
              for path, body in bodies.items()]
    index = checks.ArchiveIndex(parsed, settings)
    expected = _brute_force_near_duplicates({p.path: p.body for p in parsed}, threshold)
    for item in parsed:
        if item.path in expected:
            found = index.near_duplicates(item.path, checks.shingles(item.body), threshold)
            assert [(path, round(j, 9)) for path, j in found] == [(path, round(j, 9)) for path, j in expected[item.path]]


def _article(title, body, tags=("Ferries",)):
    """An article file's text with ``body`` and ``tags``."""
    tag_lines = "".join(f"  - {tag}\n" for tag in tags)
    return (f"---\ntitle: {title}\ndate: 2025-01-20\ncategory: Society\ntags:\n{tag_lines}"
            f"summary: A summary.\nsource: Test Gazette\n---\n\n{body}\n")


_WORDS = "ferry harbour storm council budget satellite orbit comet school rail tide pier vote moon".split()


@hypothesis.settings(max_examples=40, deadline=None)
@hypothesis.given(steps=st.lists(
    st.tuples(st.sampled_from(["write", "remove"]), st.integers(0, 5),
              st.lists(st.sampled_from(_WORDS), min_size=25, max_size=40),
              st.lists(st.sampled_from(["Ferries", "Ferry", "Harbour", "Harbor", "Storms"]), max_size=3,
                       unique=True)),
    min_size=1, max_size=8,
))
def test_checks_kept_between_calls_give_what_checking_everything_again_gives(steps):
    """check_files' cache (what the build keeps between builds): after any sequence of
    writes and removals, the findings are those of a check from scratch."""
    import tempfile
    from pathlib import Path

    today = datetime.date(2025, 6, 1)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        base = " ".join(_WORDS * 3)
        for number in range(3):  # near-duplicates of each other from the start
            (folder / f"{number}.md").write_text(_article(f"Start {number}", base + " end" * number))
        cache = {}
        for action, number, words, tags in steps:
            path = folder / f"{number}.md"
            if action == "remove":
                path.unlink(missing_ok=True)
            else:  # a body like the start's, with some words of its own
                path.write_text(_article(f"Title {number}", base + " " + " ".join(words), tags))
            files = sorted(str(p) for p in folder.glob("*.md"))
            kept = checks.check_files(files, SETTINGS_DICT, today=today, archive=files, cache=cache)
            assert kept == checks.check_files(files, SETTINGS_DICT, today=today, archive=files)
            assert set(cache["digests"]) == {checks.display_path(f) for f in files}


def test_a_cached_check_reads_only_the_changed_file(tmp_path, monkeypatch):
    for number in range(3):
        (tmp_path / f"{number}.md").write_text(_article(f"Story {number}", " ".join(_WORDS[number:] * 3)))
    files = sorted(str(p) for p in tmp_path.glob("*.md"))
    cache = {}
    first = checks.check_files(files, SETTINGS_DICT, archive=files, cache=cache)
    checked = []
    alone = checks.check_file_alone
    monkeypatch.setattr(checks.files, "check_file_alone", lambda path, *args: checked.append(path) or alone(path, *args))
    assert checks.check_files(files, SETTINGS_DICT, archive=files, cache=cache) == first
    assert checked == []
    (tmp_path / "1.md").write_text(_article("Story 1", " ".join(_WORDS[1:] * 3) + " TODO"))
    again = checks.check_files(files, SETTINGS_DICT, archive=files, cache=cache)
    assert checked == [checks.display_path(files[1])]
    assert [f.message for f in again if f not in first] == ["the body still holds a TODO placeholder: replace it "
                                                            "with the article text"]


def test_shingles_are_the_same_in_every_process():
    """The build keeps shingles between runs: they must not depend on Python's per-process hash salt."""
    import subprocess
    import sys

    code = "from archivist import checks; print(sorted(checks.shingles('the ferry left the harbour at dawn today')))"
    runs = {
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                       env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}).stdout
        for seed in ("1", "2", "3")
    }
    assert len(runs) == 1 and runs.pop().count(",") == 3  # 8 words: four 5-grams


def test_the_similar_tag_search_compares_a_few_keys_whatever_the_archive_size():
    from bench.tags import index_of, tag_keys

    per_search = {}
    for count in (1_000, 10_000):
        keys = tag_keys(count)
        index = index_of(keys)
        for key in keys:
            index.similar_key(key, 0.9)
        per_search[count] = index.comparisons / count
    # Comparing every pair would be count - 1 per search; affix buckets grew with the archive.
    assert per_search[10_000] < 1 and per_search[10_000] <= 1.5 * per_search[1_000]


@pytest.mark.parametrize("new, old", [
    ("hongkongharbour", "hongkonghabour"),  # a letter dropped
    ("hongkongharbuor", "hongkongharbour"),  # two letters swapped
    ("hongkongharbxur", "hongkongharbour"),  # a letter changed
    ("xhongkongharbour", "hongkongharbour"),  # a letter added, at either end
    ("hongkongharbourx", "hongkongharbour"),
])
def test_the_similar_tag_search_finds_one_edit_anywhere(new, old):
    from bench.tags import index_of

    index = index_of([old, "harbourmaster", "kongfuacademy"])
    assert index.similar_key(new, 0.9) == old
    assert index.similar_key("harbourfront", 0.9) is None


def test_ten_thousand_tags_on_one_article_are_refused_after_the_limit(archive, capsys):
    tags = "".join(f"  - Topic {n}\n" for n in range(10_000)).rstrip("\n")
    path = write(archive, GOOD.replace("  - Observatory\n  - Astronomy", tags))
    status, out, _ = check(capsys, path)
    assert status == 1
    assert out == [f"{path}:5: error: 10,000 tags, over the limit of 20 (ARCHIVE_GUARD max_tags): keep the few "
                   "that say what the article is about"]


def test_today_is_the_archive_time_zone_date():
    import zoneinfo

    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):  # UTC+14 and UTC-11: never one date
        assert checks.archive_today({"TIMEZONE": zone}) == datetime.datetime.now(zoneinfo.ZoneInfo(zone)).date()
    assert checks.archive_today({"TIMEZONE": "Pacific/Kiritimati"}) != checks.archive_today({"TIMEZONE": "Pacific/Pago_Pago"})
    with pytest.raises(SettingsError, match="TIMEZONE 'Mars/Olympus' is not a time zone"):
        checks.archive_today({"TIMEZONE": "Mars/Olympus"})


def test_links_out_of_the_content_and_fifos_are_refused_unread(archive, capsys):
    folder = archive / "content" / "articles" / "2025"
    (folder / "2025-02-10-passwd.md").symlink_to("/etc/passwd")
    (folder / "2025-02-11-zero.md").symlink_to("/dev/zero")
    os.mkfifo(folder / "2025-02-12-fifo.md")
    (folder / "2025-02-13-big.md").write_bytes(b"x" * 2_000_001)
    status, out, _ = check(capsys)  # returns: nothing blocks on the FIFO or reads /dev/zero
    assert status == 1
    assert out == [
        "content/articles/2025/2025-02-10-passwd.md:1: error: is a symbolic link to /etc/passwd, outside the "
        "content folder: the build does not follow it; copy the file in instead",
        "content/articles/2025/2025-02-11-zero.md:1: error: is a symbolic link to /dev/zero, outside the content "
        "folder: the build does not follow it; copy the file in instead",
        "content/articles/2025/2025-02-12-fifo.md:1: error: is not a regular file (a FIFO): an article is a "
        "Markdown file; remove it",
        "content/articles/2025/2025-02-13-big.md:1: error: file is 2,000,001 bytes, over the limit of 1,000,000 "
        "(ARCHIVE_GUARD max_bytes): trim it or split it into several articles",
    ]
