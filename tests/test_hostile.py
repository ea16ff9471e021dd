"""Articles from strangers: each payload is refused by name or built inert in Chromium.

The payloads are fixture articles (tests/fixtures/hostile/), each setting
``window.pwned`` and the title if it ever runs. They are built by the real
``pelican`` without archive_guard, so what is proven here is the sanitiser
and the Content-Security-Policy alone, as if the checks had missed them; then
each page is opened from disk with every request recorded and stopped.
What must not be read at all (links out of content/, FIFOs, /dev/zero,
alias bombs, oversized files) is refused by the normal build, by name.
"""

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from archivist.settings import load_settings

from .conftest import ROOT, build_site, serve_directory

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
HOSTILE_ARTICLES = sorted(p.name for p in (HOSTILE / "articles" / "2025").glob("[!.]*.md"))
PLUGINS = load_settings(str(ROOT / "pelicanconf.py"))["PLUGINS"]
# Elements the allowlist never lets through: none may be in a built body.
# The theme's own structured data (the breadcrumbs' BreadcrumbList) is the only script a page's
# <main> may hold: a data block, never run; the sanitiser lets no script of a body through.
FORBIDDEN = "script:not(nav.breadcrumbs + script[type='application/ld+json']), style, base, meta, link, iframe, object, embed, form, input, svg, math, template, noscript, textarea"


def hostile_content(target):
    """The fixture archive plus every hostile article and page, and a hidden dot file."""
    content = Path(target) / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "archive", content)
    shutil.copytree(HOSTILE / "articles", content / "articles", dirs_exist_ok=True)
    shutil.copytree(HOSTILE / "pages", content / "pages", dirs_exist_ok=True)
    return content


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    output = folder / "output"
    without_checks = [name for name in PLUGINS if name != "archive_guard"]
    build_site(output, content=hostile_content(folder), PLUGINS=without_checks)
    return output


def slug_of(name):
    return name.split("-", 3)[3].removesuffix(".md")


def hostile_pages():
    return [f"2025/03/{slug_of(name)}.html" for name in HOSTILE_ARTICLES] + ["script-page.html"]


def open_guarded(browser, url, allowed_prefix):
    """Open ``url`` with every request recorded and any request outside ``allowed_prefix`` stopped.

    Returns (page, context, requests, navigations of the main frame, console errors).
    """
    context = browser.new_context()
    requests, errors = [], []

    def route(route_, request):
        requests.append(request.url)
        if request.url.startswith(allowed_prefix):
            route_.continue_()
        else:
            route_.abort()

    context.route("**/*", route)
    page = context.new_page()
    navigations = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
    page.add_init_script("window.__violations = [];"
                         "document.addEventListener('securitypolicyviolation',"
                         " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));")
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # a meta refresh of 0 s, a timer, an animation
    return page, context, requests, navigations, errors


@pytest.mark.browser
@pytest.mark.parametrize("relative", hostile_pages())
def test_a_hostile_page_is_inert_from_disk(hostile_site, browser, relative):
    site_prefix = hostile_site.as_uri() + "/"
    url = site_prefix + relative
    page, context, requests, navigations, _errors = open_guarded(browser, url, site_prefix)
    try:
        assert page.evaluate("window.pwned") is None
        assert page.title() != "pwned"
        assert navigations == [url] and page.url == url
        assert [r for r in requests if not r.startswith(site_prefix)] == []
        # The site's own script still loads from the site (a <base> would move it).
        assert site_prefix + "theme/js/search-key.js" in requests
        body = page.locator("main")
        assert body.locator(FORBIDDEN).count() == 0
        handlers = body.evaluate(
            "m => [...m.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name))"
            ".filter(n => n.startsWith('on') || n === 'style' || n === 'srcset')")
        assert handlers == []
        schemes = body.evaluate("m => [...m.querySelectorAll('a[href]')].map(a => a.protocol)")
        assert set(schemes) <= {"file:", "http:", "https:", "mailto:"}
        images = body.evaluate("m => [...m.querySelectorAll('img')].map(i => i.src)")
        assert all(src.startswith(site_prefix) for src in images), images
    finally:
        context.close()


def test_the_payloads_are_built(hostile_site):
    """Every hostile article and the script page was built (an empty site proves nothing)."""
    for relative in hostile_pages():
        assert (hostile_site / relative).is_file(), relative
    assert 'href="../../script-page.html"' in (hostile_site / "2025/03/index.html").read_text(encoding="utf-8")


def test_a_hidden_dot_file_is_not_published(hostile_site):
    # content/articles/2025/.hidden-script.md: IGNORE_FILES keeps it out, as check skips it.
    assert (HOSTILE / "articles" / "2025" / ".hidden-script.md").is_file()
    built = [p for p in hostile_site.rglob("*.html") if "hidden-dot-file" in p.name]
    assert built == []
    assert "hidden-dot-file" not in (hostile_site / "sitemap.xml").read_text(encoding="utf-8")


def test_summaries_are_sanitised_in_the_feeds(hostile_site):
    feed = (hostile_site / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    entry = feed[feed.index("hostile-summary-markup.html"):]
    summary = entry[entry.index("<summary"):entry.index("</summary>")]
    assert "Summary" in summary and "onerror" not in summary and "javascript" not in summary


# --- Refused by name -----------------------------------------------------------


def build_refusing(tmp_path, content, plugins=PLUGINS):
    """The normal build (every plugin) of ``content``: must end, and fail, within a minute."""
    output = tmp_path / "output"
    cmd = [sys.executable, "-m", "pelican", str(content), "-o", str(output),
           "-s", str(ROOT / "pelicanconf.py"), "--fatal", "errors",
           "-e", f'CACHE_PATH="{tmp_path / "cache"}"', f"PLUGINS={json.dumps(plugins)}"]
    started = time.monotonic()
    result = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0, result.stdout + result.stderr
    return result, time.monotonic() - started


def test_the_build_refuses_files_it_must_not_read_by_name(tmp_path):
    content = hostile_content(tmp_path)
    folder = content / "articles" / "2025"
    os.symlink("/dev/zero", folder / "zero.md")
    os.symlink("/etc/passwd", folder / "passwd.md")
    os.symlink("/", folder / "root")
    os.mkfifo(folder / "pipe.md")
    (folder / "huge.md").write_bytes(b"x" * 1_000_001)
    result, seconds = build_refusing(tmp_path, content)
    lines = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert lines == [
        "content/articles/2025/huge.md:1: error: file is 1,000,001 bytes, over the limit of 1,000,000 "
        "(ARCHIVE_GUARD max_bytes): trim it or split it into several articles",
        "content/articles/2025/passwd.md:1: error: is a symbolic link to /etc/passwd, outside the content "
        "folder: the build does not follow it; copy the file in instead",
        "content/articles/2025/pipe.md:1: error: is not a regular file (a FIFO): the build reads only "
        "regular files; remove it",
        "content/articles/2025/root:1: error: is a symbolic link to /, outside the content folder: "
        "the build does not follow it; copy the file in instead",
        "content/articles/2025/zero.md:1: error: is a symbolic link to /dev/zero, outside the content "
        "folder: the build does not follow it; copy the file in instead",
    ]
    assert seconds < 60


def test_the_build_and_check_refuse_an_alias_bomb_by_name(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "archive", content)
    bomb = content / "articles" / "2025" / "2025-03-22-alias-bomb.md"
    shutil.copy(HOSTILE / "refused" / "alias-bomb.md", bomb)
    refusal = "2025-03-22-alias-bomb.md:5: error: YAML anchors and aliases (&a, *a) are not allowed"
    result, seconds = build_refusing(tmp_path, content)
    assert refusal in result.stderr
    assert seconds < 60
    # The readers refuse it themselves, checks or not.
    result, seconds = build_refusing(tmp_path, content, [name for name in PLUGINS if name != "archive_guard"])
    assert refusal in result.stderr
    assert seconds < 60
    archivist = Path(sys.executable).parent / "archivist"
    check = subprocess.run([str(archivist), "check", str(bomb)], cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 1
    assert "alias-bomb.md:5: error: YAML anchors and aliases (&a, *a) are not allowed" in check.stdout + check.stderr


# --- The Content-Security-Policy, proven where the site is read --------------------


@pytest.fixture(scope="module")
def csp_site(tmp_path_factory):
    """The fixture archive built once, for reading from disk and from two kinds of server."""
    output = tmp_path_factory.mktemp("csp") / "output"
    build_site(output, content=ROOT / "tests" / "fixtures" / "archive")
    return output


def serve_at_root(directory):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def read_and_search(browser, base):
    """Home, an article and a search from ``base``: no violation, no error, results found."""
    article = "2025/02/council-debates-budget-for-coastal-defences.html"
    for relative in ("index.html", article, "search.html?q=ferry"):
        page, context, requests, _navigations, errors = open_guarded(browser, base + relative, base)
        try:
            if relative.startswith("search"):
                page.wait_for_selector("#search[data-state=done]", timeout=10_000)
                assert page.locator("#search-results li").count() >= 1
            assert page.evaluate("window.__violations") == []
            assert errors == []
            assert [r for r in requests if not r.startswith(base)] == []
            policy = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
            assert "script-src 'self'" in policy and "base-uri 'none'" in policy and "object-src 'none'" in policy
        finally:
            context.close()


@pytest.mark.browser
def test_the_policy_lets_the_site_work_from_disk(csp_site, browser):
    read_and_search(browser, csp_site.as_uri() + "/")


@pytest.mark.browser
def test_the_policy_lets_the_site_work_under_a_subpath(csp_site, browser):
    with serve_directory(csp_site, prefix="news-archive") as base:
        read_and_search(browser, base)


@pytest.mark.browser
def test_the_policy_lets_the_site_work_at_a_domain_root(csp_site, browser):
    server, base = serve_at_root(csp_site)
    try:
        read_and_search(browser, base)
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_the_policy_stops_what_the_sanitiser_might_miss(csp_site, browser, tmp_path):
    """Markup put into a built page past the sanitiser: the policy alone keeps it inert."""
    site = tmp_path / "site"
    shutil.copytree(csp_site, site)
    page_path = site / "index.html"
    text = page_path.read_text(encoding="utf-8")
    injected = ('<script>window.pwned = 1</script><img src="x" onerror="window.pwned = 2">'
                '<img src="https://evil.example/pixel.png"><style>main { display: none }</style>'
                '<p style="color: red" id="styled">x</p>'
                '<script type="application/ld+json">{"@context": "https://schema.org"}</script>')
    page_path.write_text(text.replace("<main", injected + "<main", 1), encoding="utf-8")
    base = site.as_uri() + "/"
    page, context, requests, _navigations, _errors = open_guarded(browser, base + "index.html", base)
    try:
        assert page.evaluate("window.pwned") is None
        assert page.locator("main").is_visible()
        assert page.evaluate("getComputedStyle(document.getElementById('styled')).color") != "rgb(255, 0, 0)"
        assert [r for r in requests if not r.startswith(base)] == []
        violations = page.evaluate("window.__violations")
        assert any(v.startswith("script-src") and v.endswith("inline") for v in violations), violations
        assert any(v.startswith("img-src") and "evil.example" in v for v in violations), violations
        assert not any("ld+json" in v for v in violations)
    finally:
        context.close()


def test_every_page_kind_carries_the_policy(csp_site):
    for path in csp_site.rglob("*.html"):
        head = path.read_text(encoding="utf-8").split("</head>", 1)[0]
        assert '<meta http-equiv="Content-Security-Policy"' in head, path
        assert "<script>" not in head and "<style>" not in head and " style=" not in head, path
        first_resource = min(i for i in (head.find("<link"), head.find("<script")) if i >= 0)
        assert head.index("Content-Security-Policy") < first_resource, path


# --- Import: links, FIFOs and interrupts ----------------------------------------


PROSE = ("The harbour council met on Tuesday to approve a new ferry timetable for the coming winter, "
         "adding early crossings for commuters and a late boat on Fridays.\n")


def test_a_folder_import_refuses_a_symbolic_link_by_name(tmp_path):
    from archivist import reading
    from archivist.errors import InputError

    (tmp_path / "a.txt").write_text(PROSE, encoding="utf-8")
    os.symlink("/etc/passwd", tmp_path / "passwd.txt")
    with pytest.raises(InputError) as caught:
        reading.read_input(str(tmp_path))
    assert str(caught.value) == (f"{tmp_path / 'passwd.txt'}: is a symbolic link: the import does not "
                                 "follow links; copy the file into the folder instead")


def test_a_folder_import_skips_a_fifo_with_a_note(tmp_path):
    from archivist import reading

    (tmp_path / "a.txt").write_text(PROSE, encoding="utf-8")
    os.mkfifo(tmp_path / "b.txt")
    documents, notes = reading.read_input(str(tmp_path))
    assert [d.path for d in documents] == [str(tmp_path / "a.txt")]
    assert notes == [f"{tmp_path / 'b.txt'}: skipped: not a regular file (a FIFO)"]


def test_a_fifo_named_on_the_command_line_is_refused_at_once(tmp_path):
    from archivist import reading
    from archivist.errors import InputError

    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(InputError, match=r"pipe.txt: is not a regular file \(a FIFO\)"):
        reading.read_text_file(str(tmp_path / "pipe.txt"))


def test_an_interrupted_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    """^C just after the temporary file is created, before its name is kept anywhere."""
    import types

    from archivist import importer

    real_open = os.open

    def interrupted(path, flags, *args, **kwargs):
        descriptor = real_open(path, flags, *args, **kwargs)
        if ".import-" in os.fspath(path):
            os.close(descriptor)
            raise KeyboardInterrupt
        return descriptor

    monkeypatch.setattr(os, "open", interrupted)
    target = tmp_path / "2025" / "2025-03-01-a.md"
    with pytest.raises(KeyboardInterrupt):
        importer.write([types.SimpleNamespace(target=str(target), meta={"title": "A"}, body="Text.")])
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_rebuild_takes_cleaned_bodies_from_the_cache(tmp_path):
    """The cache is keyed by the HTML's digest: a rebuild cleans nothing it cleaned before."""
    import pickle

    sys.path.insert(0, str(ROOT / "plugins"))
    from sanitize import bodies

    plugins = [name for name in PLUGINS if name != "fast_build"]  # it would skip the unchanged rebuild
    cache = tmp_path / "cache"
    build_site(tmp_path / "first", content=ROOT / "tests" / "fixtures" / "archive", PLUGINS=plugins,
               CACHE_PATH=str(cache))
    saved_path = cache / bodies.CACHE_FILE
    with open(saved_path, "rb") as stream:
        saved = pickle.load(stream)
    assert saved["rules"] == bodies._rules() and len(saved["data"]) >= 6
    page = tmp_path / "first" / "2025/01/ferry-operator-adds-electric-vessels-to-fleet.html"
    body = page.read_text(encoding="utf-8")
    key = next(k for k, cleaned in saved["data"].items() if cleaned.startswith("<p>The ferry operator added"))
    saved["data"][key] = "<p>From the cache.</p>"
    with open(saved_path, "wb") as stream:
        pickle.dump(saved, stream)
    build_site(tmp_path / "second", content=ROOT / "tests" / "fixtures" / "archive", PLUGINS=plugins,
               CACHE_PATH=str(cache))
    again = (tmp_path / "second" / page.relative_to(tmp_path / "first")).read_text(encoding="utf-8")
    assert "From the cache." in again and "From the cache." not in body
