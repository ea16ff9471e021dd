"""The sanitiser and bounded reading on plain strings and files, without a build."""

import os
import stat

import pytest

from archivist import frontmatter, sanitize
from archivist.errors import FrontMatterError
from archivist.settings import load_settings

from .conftest import ROOT

MARKDOWN = load_settings(str(ROOT / "pelicanconf.py"))["MARKDOWN"]


@pytest.mark.parametrize("markup, expected", [
    ('<img src="x.png" onerror="alert(1)">', '<img src="x.png">'),
    ('<div><img src="x>y" onerror="alert(1)"></div>', '<div><img src="x&gt;y"></div>'),
    ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
    ('<p><a href="jav&#x61;script:alert(1)">x</a></p>', "<p><a>x</a></p>"),
    ('<a href="java&#9;script:alert(1)">x</a>', "<a>x</a>"),
    ('<a href=" JAVASCRIPT:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="data:text/html,x">x</a>', "<a>x</a>"),
    ('<base href="https://evil.example/"><p>x</p>', "<p>x</p>"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', ""),
    ('<svg><a><animate attributeName="href" values="javascript:alert(1)"></animate></a></svg>', ""),
    ("<style>@import url(https://evil.example/x.css);</style><p>x</p>", "<p>x</p>"),
    ('<p style="color:red">x</p>', "<p>x</p>"),
    ('<form action="https://evil.example/"><input name="q">Go</form>', "Go"),
    ('<img src="https://evil.example/t.png" alt="A map">', '<a href="https://evil.example/t.png">A map</a>'),
    ('<img src="//evil.example/t.png">', '<a href="//evil.example/t.png">image</a>'),
    ('<img src="\\\\evil.example/t.png">', '<a href="\\\\evil.example/t.png">image</a>'),
    ('<a href="https://example.org/"><img src="https://evil.example/t.png" alt="pic"></a>',
     '<a href="https://example.org/">pic</a>'),
    ('<img src="javascript:alert(1)" alt="gone">', "gone"),
])
def test_clean_removes_what_could_run_or_load_from_elsewhere(markup, expected):
    assert sanitize.clean(markup) == expected


@pytest.mark.parametrize("markup", [
    "<p>Plain <em>text</em> &amp; <strong>more</strong>.</p>",
    '<p><a href="https://example.org/a?b=1&amp;c=2" title="t">l</a> <a href="mailto:a@example.org">m</a></p>',
    '<p><a href="../2025/03/x.html">relative</a> <a href="#fn:1">note</a> <img alt="a" src="../img/a.png"></p>',
    "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<hr>\n<blockquote>\n<p>q</p>\n</blockquote>",
    '<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>b</td>\n</tr>\n</tbody>\n</table>',
    "<!-- a comment --><p>x<br>y</p>",
])
def test_clean_keeps_markdowns_own_output_byte_for_byte(markup):
    assert sanitize.clean(markup) == markup


def test_clean_keeps_the_seed_bodies_unchanged():
    for path in sorted((ROOT / "content").rglob("*.md")):
        body = frontmatter.parse(path.read_text(encoding="utf-8"), str(path)).body
        rendered = sanitize.render_markdown(body, MARKDOWN)
        assert sanitize.clean(rendered) == rendered, path
        assert sanitize.removals(rendered) == []


def test_clean_is_deterministic():
    markup = '<p title="a" id="b" class="c"><a href="x" title="y">z</a><img src="https://e.example/i" alt="i"></p>'
    assert len({sanitize.clean(markup) for _ in range(20)}) == 1


def test_markdown_removals_name_the_line_of_each_payload():
    body = (
        "Hello.\n\n"
        '![x](missing.png){: onerror="alert(1)" }\n\n'
        "A note \\`<script>alert(1)</script>`\n\n"
        "[x](jav&#x61;script:alert(1))\n\n"
        '<img src="https://evil.example/t.png" alt="t">\n\n'
        "<svg><a><animate attributeName=href values=javascript:alert(1)></animate></a></svg>\n"
    )
    found = sanitize.markdown_removals(body, MARKDOWN, first_line=10)
    assert [line for line, _message in found] == [12, 14, 16, 18, 20]
    assert "'onerror'" in found[0][1] and "<script>" in found[1][1]
    assert found[2][1].startswith("javascript: link") and "another host" in found[3][1]
    assert "<svg>" in found[4][1]


def test_markdown_removals_of_cr_only_lines():
    body = "First.\r<script>alert(1)</script>\rLast.\r"
    assert sanitize.markdown_removals(body, MARKDOWN, first_line=5) == [
        (6, "<script> is not allowed in an article: it is removed with its content")]


def test_markdown_removals_of_a_clean_body_are_none():
    assert sanitize.markdown_removals("Plain *text* with [a link](https://example.org/).\n", MARKDOWN) == []


# --- Front matter read within bounds ------------------------------------------------


def test_yaml_aliases_are_refused_by_line():
    text = "---\ntitle: x\ntags: &t [a, b]\nkeywords: *t\n---\nbody\n"
    with pytest.raises(FrontMatterError) as caught:
        frontmatter.parse(text, "a.md")
    assert str(caught.value).startswith("a.md:3: YAML anchors and aliases (&t, *t) are not allowed")


def test_an_alias_bomb_is_refused_without_expanding_it():
    bomb = (ROOT / "tests/fixtures/hostile/refused/alias-bomb.md").read_text(encoding="utf-8")
    with pytest.raises(FrontMatterError) as caught:
        frontmatter.parse(bomb, "alias-bomb.md")
    assert caught.value.line == 5


def test_read_source_refuses_a_large_file_before_reading(tmp_path):
    path = tmp_path / "big.md"
    path.write_bytes(b"x" * 101)
    with pytest.raises(FrontMatterError, match="101 bytes, over the limit of 100"):
        frontmatter.read_source(str(path), 100)
    assert frontmatter.read_source(str(path), 101) == b"x" * 101


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "folder"])
def test_read_source_refuses_what_is_not_a_regular_file(tmp_path, kind):
    path = tmp_path / "a.md"
    if kind == "dev-zero":
        os.symlink("/dev/zero", path)
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    with pytest.raises(FrontMatterError, match=r"is not a regular file \((a character device|a FIFO|a folder)\)"):
        frontmatter.read_source(str(path), 1000)


def test_file_kind_names_each_kind():
    assert frontmatter.file_kind(stat.S_IFIFO) == "a FIFO"
    assert frontmatter.file_kind(stat.S_IFCHR) == "a character device"


def test_source_problems_walk_without_following_links(tmp_path):
    from plugins.sanitize import bounds

    content = tmp_path / "content"
    articles = content / "articles"
    (articles / ".hidden").mkdir(parents=True)
    (articles / "ok.md").write_text("short", encoding="utf-8")
    (articles / "big.md").write_bytes(b"x" * 11)
    (content / "images").mkdir()
    (content / "images" / "large.png").write_bytes(b"x" * 11)  # not an article: no size limit
    os.symlink(articles / "ok.md", articles / "same.md")  # inside content: allowed
    os.symlink("/etc", articles / "etc")
    os.symlink(content / "images", articles / "images")
    os.mkfifo(articles / "pipe.md")
    os.mkfifo(articles / ".hidden" / "pipe.md")  # ignored, as Pelican ignores it
    found = bounds.source_problems(str(content), [str(articles)], [".*"], 10)
    assert [(os.path.basename(path), message.split(":")[0].split(",")[0]) for path, message in found] == [
        ("big.md", "file is 11 bytes"),
        ("etc", "is a symbolic link to /etc"),
        ("images", "is a symbolic link to a folder"),
        ("pipe.md", "is not a regular file (a FIFO)"),
    ]


def test_source_problems_limit_the_size_in_the_article_folders_only(tmp_path):
    from plugins.sanitize import bounds

    (tmp_path / "articles" / "2025").mkdir(parents=True)
    (tmp_path / "images").mkdir()
    (tmp_path / "articles" / "2025" / "big.md").write_bytes(b"x" * 11)
    (tmp_path / "images" / "big.png").write_bytes(b"x" * 11)
    (tmp_path / "top.md").write_bytes(b"x" * 11)
    problems = bounds.source_problems(str(tmp_path), [str(tmp_path / "articles")], [], 10)
    found = [os.path.relpath(path, tmp_path) for path, _message in problems]
    assert found == ["articles/2025/big.md"]
    everything = bounds.source_problems(str(tmp_path), [str(tmp_path)], [], 10)  # ARTICLE_PATHS = [""]
    assert len(everything) == 3
