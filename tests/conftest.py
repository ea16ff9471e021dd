"""Shared test helpers: real Pelican builds and a real headless Chromium.

Two tiers: `make test-fast` runs the pure functions (`-m "not slow"`), `make test`
runs everything. A test is put in the slow tier here, at collection, when it,
a fixture it uses or code of this repository either calls starts a process
(a Pelican build through :func:`build_site`, the CLI, Node, a linter) or when
it needs the ``browser`` fixture. Mark anything else slow by hand with
``@pytest.mark.slow`` (a build run in the test's own process, say).
"""

import contextlib
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import types
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def build_site(output, content=None, settings="pelicanconf.py", check=True, env=None, **extra):
    """Build the archive with the real `pelican` command; return the CompletedProcess.

    ``content`` defaults to the repository's content/; ``extra`` are settings
    overrides passed as JSON (e.g. SITEURL="https://example.org/archive");
    ``env`` adds environment variables (publishconf.py reads SITEURL from it).
    Each build gets its own cache folder unless CACHE_PATH is given.
    """
    output = Path(output)
    extra.setdefault("CACHE_PATH", str(output.parent / f".cache-{output.name}"))
    cmd = [
        sys.executable, "-m", "pelican",
        str(content or ROOT / "content"),
        "-o", str(output),
        "-s", str(ROOT / settings),
        "--fatal", "errors",
    ]
    # Pelican keeps only the last -e option: all overrides go after one -e.
    cmd += ["-e", *(f"{key}={json.dumps(value)}" for key, value in extra.items())]
    result = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, env={**os.environ, **(env or {})}
    )
    if check and result.returncode != 0:
        raise AssertionError(f"pelican failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The real archive (content/) built once per test session, for reading from disk."""
    output = tmp_path_factory.mktemp("site") / "output"
    build_site(output)
    return output


def copy_content(tmp_path, source=None):
    """A writable copy of an archive's content folder (default: the real one)."""
    target = Path(tmp_path) / "content"
    shutil.copytree(source or ROOT / "content", target)
    return target


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright; skips without it, except in CI."""
    if not os.path.exists(CHROMIUM):
        reason = f"headless Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true requires browser tests: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextlib.contextmanager
def serve_directory(directory, prefix="news-archive"):
    """Serve ``directory`` over HTTP on loopback under ``/<prefix>/``; yield the base URL.

    Anything outside the prefix is a 404, as on a GitHub project site.
    """
    directory = Path(directory)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path):
            path = urlparse(path).path
            if not path.startswith(f"/{prefix}/"):
                return str(directory / ".outside-prefix" / "missing")
            return super().translate_path(path[len(prefix) + 1:])

        def log_message(self, *args):
            pass

    handler = functools.partial(Handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{prefix}/"
    finally:
        server.shutdown()
        server.server_close()


class WatchedPage:
    """A page that records console errors, page errors and requests leaving the machine."""

    LOCAL_SCHEMES = {"file", "data", "blob", "about", "chrome-error"}
    LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}

    def __init__(self, page):
        self.page = page
        self.console_errors = []
        self.network_requests = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.console_errors.append(f"pageerror: {exc}"))
        page.on("request", self._on_request)

    def _on_console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)

    def _on_request(self, request):
        url = urlparse(request.url)
        if url.scheme in self.LOCAL_SCHEMES or url.hostname in self.LOCAL_HOSTS:
            return
        self.network_requests.append(request.url)

    def __getattr__(self, name):
        return getattr(self.page, name)


@pytest.fixture
def watched_page(browser):
    """A fresh page in a fresh context; assert on .console_errors and .network_requests."""
    context = browser.new_context()
    page = WatchedPage(context.new_page())
    yield page
    context.close()


# The pure-function tier's budget: `make test-fast` says when it is over.
FAST_TIER_SECONDS = 30
_STARTED = pytest.StashKey[float]()


def _starts_a_process(function, seen):
    """Whether ``function``, or code of this repository it names, starts a process.

    Read from the bytecode's names (globals, and attributes of the modules it
    names), so test files need no marks of their own: ``subprocess`` anywhere
    on the way counts, and build_site, the bench harness and the CLI's tests
    all run their builds, Node and linters through it.
    """
    seen.add(function)
    codes = [function.__code__]
    while codes:
        code = codes.pop()
        codes.extend(const for const in code.co_consts if isinstance(const, types.CodeType))
        names = function.__globals__
        modules = [value for name in code.co_names if isinstance(value := names.get(name), types.ModuleType)]
        for name in code.co_names:
            if name == "subprocess":
                return True
            for value in [names.get(name), *(getattr(module, name, None) for module in modules)]:
                if _is_ours(value) and value not in seen and _starts_a_process(value, seen):
                    return True
    return False


def _is_ours(value):
    """A function of this repository (tests, bench, archivist, plugins), not of a dependency."""
    return isinstance(value, types.FunctionType) and _in_repository(value.__code__.co_filename)


@functools.cache
def _in_repository(filename):
    path = Path(filename)
    return path.is_relative_to(ROOT) and not path.is_relative_to(ROOT / ".venv")


def _is_slow(item):
    # A fixture's function is reachable only through pytest's private
    # _fixtureinfo; without it every module fixture that builds a site would
    # need a mark in its test file.
    fixtures = [definitions[-1].func for definitions in item._fixtureinfo.name2fixturedefs.values() if definitions]
    seen = set()
    return any(_starts_a_process(function, seen) for function in [item.function, *fixtures] if _is_ours(function))


def pytest_collection_modifyitems(config, items):
    """Mark the slow tier: tests that build a site, start a process or use the browser."""
    for item in items:
        if not isinstance(item, pytest.Function):
            continue
        if "browser" in item.fixturenames:
            item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("browser") or _is_slow(item):
            item.add_marker(pytest.mark.slow)


def pytest_sessionstart(session):
    session.config.stash[_STARTED] = (time.monotonic(), time.process_time())


def pytest_terminal_summary(terminalreporter, config):
    """Under `-m "not slow"`: the tier's time against its budget.

    Run in one process, the tier is judged by its CPU time, which other work
    on a shared machine does not inflate; spread over workers (-n), by the
    wall clock.
    """
    if "not slow" not in (config.option.markexpr or ""):
        return
    wall, cpu = (now - then for now, then in zip((time.monotonic(), time.process_time()), config.stash[_STARTED]))
    judged = wall if getattr(config.option, "numprocesses", None) else cpu
    line = f"pure-function tier: {wall:.1f} s, {cpu:.1f} s of CPU in this process (budget {FAST_TIER_SECONDS} s)"
    if judged > FAST_TIER_SECONDS:
        line += ": over budget; mark the slowest tests (--durations=10) @pytest.mark.slow or make them faster"
    terminalreporter.write_line(line)
