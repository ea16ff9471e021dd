"""Incremental builds equal clean builds after failures, interruptions, setting changes and damage.

Each scenario test replays one way a real build went wrong (a failed or
killed build, two builds at once, an edit during a build, a changed setting,
a damaged or deleted cache, a deleted theme file) and compares output/ byte
for byte with a clean build of the same sources. The differential test
applies random sequences of all of them; ARCHIVIST_INVARIANT_ARTICLES=300
(with ARCHIVIST_INVARIANT_STEPS) runs it on a larger archive (docs/fast-build.md).
"""

import datetime
import filecmp
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from archivist import frontmatter
from archivist.settings import load_settings

from .conftest import ROOT, build_site

sys.path.insert(0, str(ROOT / "plugins"))
from fast_build import lock  # noqa: E402

pytestmark = pytest.mark.slow  # every test here runs `pelican` (tests/conftest.py cannot see it through Site)

PLUGINS = load_settings(str(ROOT / "pelicanconf.py"))["PLUGINS"]
WITHOUT = [p for p in PLUGINS if p != "fast_build"]
TOPICS = ["Technology", "Politics", "Science", "World"]
TAGS = ["Satellites", "Budgets", "Rail", "Orbit Lab", "Councils", "Ferries", "Rivers"]


def _article(content, number, title=None, tags=None, body=None, day=None):
    title = title or f"Story Number {number} Is Filed"
    meta = {
        "title": title,
        "date": datetime.date(2024, 1 + number % 12, 1 + number % 27),
        "category": TOPICS[number % len(TOPICS)],
        "tags": tags or [TAGS[number % len(TAGS)], TAGS[(number + 2) % len(TAGS)]],
        "summary": f"{title}: a one-sentence summary of the fixture story.",
        "source": "Fixture Wire",
        "slug": f"story-{number}",
    }
    path = content / "articles" / f"story-{number}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(frontmatter.render(meta, body or _body(number)), encoding="utf-8")
    return path


WORDS = ("harbour council ferry budget orbit satellite river bridge station rail school clinic market "
         "museum festival library stadium tunnel airport forest").split()


def _body(number):
    """A body of its own (the archive guard refuses near-duplicates), with quotes for smarty."""
    rng = random.Random(number)
    sentences = [" ".join(rng.sample(WORDS, 6)).capitalize() + "." for _ in range(4)]
    return f"The \"story\" {number} was filed on time, the desk said. " + " ".join(sentences)


class Site:
    """A small archive with its own theme copy, cache and output folders, built with the real `pelican`."""

    def __init__(self, root, articles=6):
        self.root = Path(root)
        self.content = self.root / "content"
        self.theme = self.root / "theme"
        self.output = self.root / "output"
        self.cache = self.root / "cache"
        self.plugins = self.root / "test-plugins"
        shutil.copytree(ROOT / "theme", self.theme)
        (self.content / "pages").mkdir(parents=True)
        shutil.copy(ROOT / "content" / "pages" / "about.md", self.content / "pages" / "about.md")
        self.numbers = list(range(articles))
        for number in self.numbers:
            _article(self.content, number)
        self.settings = {}  # overrides passed to every build (incremental and clean)
        self.settings_file = "pelicanconf.py"
        self.clean_builds = 0

    def overrides(self, cache, plugins):
        found = {"THEME": str(self.theme), "CACHE_PATH": str(cache), "PLUGINS": plugins, **self.settings}
        if plugins is not WITHOUT and "PLUGINS" not in self.settings:
            found["PLUGINS"] = PLUGINS
        return found

    def command(self, output, cache, plugins=PLUGINS):
        import json

        return [sys.executable, "-m", "pelican", str(self.content), "-o", str(output), "-s",
                str(ROOT / self.settings_file), "--fatal", "errors", "-e",
                *(f"{key}={json.dumps(value)}" for key, value in self.overrides(cache, plugins).items())]

    def build(self, check=True):
        result = subprocess.run(self.command(self.output, self.cache), cwd=ROOT, capture_output=True, text=True,
                                env={**os.environ, "COLUMNS": "400"})
        if check and result.returncode != 0:
            raise AssertionError(f"pelican failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def start(self):
        return subprocess.Popen(self.command(self.output, self.cache), cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env={**os.environ, "COLUMNS": "400"})

    def assert_same_as_clean_build(self):
        self.clean_builds += 1
        clean = self.root / f"clean-{self.clean_builds}"
        cache = self.root / f"clean-cache-{self.clean_builds}"
        result = subprocess.run(self.command(clean, cache, WITHOUT), cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        ours, reference = _tree(self.output), _tree(clean)
        assert sorted(set(ours) - set(reference)) == [], "stale files"
        assert sorted(set(reference) - set(ours)) == [], "missing files"
        different = [page for page in ours if not filecmp.cmp(ours[page], reference[page], shallow=False)]
        assert different == [], "pages differ from a clean build"
        shutil.rmtree(clean)
        shutil.rmtree(cache)

    def article(self, number):
        return self.content / "articles" / f"story-{number}.md"


def _tree(output):
    return {str(p.relative_to(output)): p for p in sorted(Path(output).rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path):
    return Site(tmp_path)


def _break_page_template(site):
    template = site.theme / "templates" / "page.html"
    original = template.read_text(encoding="utf-8")
    template.write_text(original.replace("{% block content %}", "{% block content %}{{ page.nosuch.attr }}", 1),
                        encoding="utf-8")
    assert template.read_text(encoding="utf-8") != original
    return lambda: template.write_text(original, encoding="utf-8")


def _pages_of(output, number):
    return [page for page in _tree(output) if f"story-{number}" in page]


# --- Each scenario: once wrong, now equal to a clean build --------------------------


def test_a_failed_build_leaves_no_page_the_sources_no_longer_produce(site):
    site.build()
    restore = _break_page_template(site)
    site.article(1).write_text(site.article(1).read_text().replace("filed on time", "filed late"))
    failed = site.build(check=False)
    assert failed.returncode != 0
    restore()
    site.article(2).unlink()
    site.build()
    assert _pages_of(site.output, 2) == []
    site.assert_same_as_clean_build()


def test_a_killed_build_is_repaired_by_the_next(site):
    paused = site.root / "paused"
    _pause_at_page(site, "story-3", paused)
    paused.write_text("")  # not yet
    site.build()
    paused.unlink()
    site.settings["SUMMARY_MAX_LENGTH"] = 5  # every page is written again
    _stop_when_paused(site, paused, signal.SIGKILL)  # story-3's page is rewritten: killed there
    site.article(3).unlink()
    site.build()
    assert _pages_of(site.output, 3) == []
    site.assert_same_as_clean_build()


def _hold_output_lock(site):
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT / "plugins")!r})
        from fast_build.lock import OutputLock
        OutputLock({str(site.output)!r}).acquire()
        print("held", flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_one_build_at_a_time_writes_an_output_folder(site):
    site.build()
    holder = _hold_output_lock(site)
    try:
        refused = site.build(check=False)
    finally:
        holder.kill()
        holder.wait()
    assert refused.returncode != 0
    assert f"another build (pid {holder.pid}) is writing {site.output}/; wait for it or remove the stale lock" \
        in refused.stdout + refused.stderr
    # The holder is gone: its lock file is stale and taken over.
    assert Path(lock.lock_path(str(site.output))).exists()
    site.article(0).unlink()
    site.build()
    site.assert_same_as_clean_build()


def _plugin(site, name, code):
    site.plugins.mkdir(exist_ok=True)
    (site.plugins / f"{name}.py").write_text(textwrap.dedent(code), encoding="utf-8")
    site.settings["PLUGIN_PATHS"] = [str(ROOT / "plugins"), str(site.plugins)]
    site.settings["PLUGINS"] = [*PLUGINS, name]


def test_an_edit_saved_during_a_build_then_undone_is_not_published(site):
    path, trigger = site.article(4), site.root / "edit-during-next-build"
    # After fast_build digested the inputs, before Pelican reads them: a user saving the file.
    _plugin(site, "edit_during_build", f"""
        import os
        from pathlib import Path
        from pelican import signals

        def edit(generator):
            trigger, path = Path({str(trigger)!r}), Path({str(path)!r})
            if trigger.exists():
                trigger.unlink()
                # Saved as editors save (a new file renamed over the old): the archive checks,
                # reading it in the background meanwhile, never see it half written.
                saved = path.with_suffix(".saving")
                saved.write_text(path.read_text().replace("filed at dusk", "EDITED DURING BUILD"))
                os.replace(saved, path)

        def register():
            signals.article_generator_init.connect(edit)
    """)
    site.build()
    edited = path.read_text(encoding="utf-8").replace("filed on time", "filed at dusk")
    path.write_text(edited, encoding="utf-8")
    trigger.write_text("")
    site.build()
    path.write_text(edited, encoding="utf-8")  # the edit undone: the bytes this build started from
    site.build()
    assert not any("EDITED DURING BUILD" in page.read_text(errors="replace") for page in _tree(site.output).values())
    site.assert_same_as_clean_build()


def test_a_changed_function_in_the_settings_builds_again(site, tmp_path):
    settings = ROOT / f".test-settings-{os.getpid()}-{tmp_path.name}.py"

    def write(order):
        settings.write_text(textwrap.dedent(f"""
            import os, sys
            sys.path.append(os.curdir)
            from pelicanconf import *  # noqa: F403

            def _newest_first(article):
                return ({order}article.date.timestamp(), article.slug)

            ARTICLE_ORDER_BY = _newest_first
        """), encoding="utf-8")

    try:
        site.settings_file = settings.name
        write("-")
        site.build()
        write("")  # oldest first: the same module, the same name, another body
        result = site.build()
        assert "nothing changed" not in result.stdout
        site.assert_same_as_clean_build()
    finally:
        settings.unlink()


def test_a_changed_tag_url_changes_every_tag_link(site):
    site.build()
    # Tag pages are written by archive_site at TAG_URL (TAG_SAVE_AS stays empty).
    site.settings.update(TAG_URL="labels/{slug}/index.html")
    site.build()
    assert (site.output / "labels").is_dir() and not (site.output / "tags" / "rail").exists()
    site.assert_same_as_clean_build()


def test_an_added_markdown_extension_renders_the_bodies_again(site):
    site.build()
    markdown = load_settings(str(ROOT / "pelicanconf.py"))["MARKDOWN"]
    site.settings["MARKDOWN"] = {**markdown, "extension_configs": {**markdown["extension_configs"],
                                                                   "markdown.extensions.smarty": {}}}
    site.build()
    assert "\u201cstory\u201d" in (site.output / "2024" / "02" / "story-1.html").read_text()
    site.assert_same_as_clean_build()


def test_a_truncated_content_cache_is_read_as_empty_with_one_warning(site):
    site.build()
    caches = [path for path in site.cache.iterdir() if path.name.endswith("Generator-Readers")]
    assert caches
    for path in caches:
        path.write_bytes(b"")  # killed while Pelican wrote it: EOFError, "Ran out of input"
    site.article(5).write_text(site.article(5).read_text().replace("filed on time", "filed at noon"))
    result = site.build()
    output = result.stdout + result.stderr
    assert output.count("Ran out of input") == len(caches) and "Traceback" not in output
    site.assert_same_as_clean_build()


def test_a_deleted_theme_static_file_leaves_the_output(site):
    extra = site.theme / "static" / "css" / "extra.css"
    extra.write_text("p { margin: 0 }\n")
    site.build()
    assert (site.output / "theme" / "css" / "extra.css").exists()
    extra.unlink()
    site.build()
    assert not (site.output / "theme" / "css" / "extra.css").exists()
    site.assert_same_as_clean_build()


def test_a_deleted_cache_then_a_deleted_article_leaves_no_page(site):
    site.build()
    shutil.rmtree(site.cache)
    site.article(2).unlink()
    site.build()
    assert _pages_of(site.output, 2) == []
    site.assert_same_as_clean_build()


def _stop_when_paused(site, paused, how, seconds=60):
    """Start a build, send it ``how`` once it made ``paused``; (process, stdout, stderr)."""
    running = site.start()
    deadline = time.monotonic() + seconds
    while not paused.exists():
        assert running.poll() is None, running.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    running.send_signal(how)
    out, err = running.communicate(timeout=seconds)
    return running, out, err


def _pause_at_page(site, name, paused):
    """A plugin that pauses the build (60 s) when it has written the first page whose path holds
    ``name``, unless ``paused`` exists (which it then makes)."""
    _plugin(site, "pause_while_writing", f"""
        import time
        from pathlib import Path
        from pelican import signals

        def pause(path, context=None):
            paused = Path({str(paused)!r})
            if {name!r} in str(path) and not paused.exists() and Path(path).exists():
                paused.write_text("")
                time.sleep(60)

        def register():
            signals.content_written.connect(pause)
    """)


def test_ctrl_c_exits_130_saying_the_next_build_repairs_it(site):
    paused = site.root / "paused"
    _pause_at_page(site, ".html", paused)
    paused.write_text("")  # not yet
    site.build()
    paused.unlink()
    site.article(1).write_text(site.article(1).read_text().replace("filed on time", "filed at dawn"))
    running, out, err = _stop_when_paused(site, paused, signal.SIGINT)
    assert running.returncode == 130
    assert "interrupted: output may be incomplete; the next build repairs it" in out + err
    site.article(0).unlink()
    site.build()
    site.assert_same_as_clean_build()


def test_invalid_yaml_front_matter_is_one_line_without_a_traceback(site):
    site.article(2).write_text('---\ntitle: "Unclosed\ndate: 2024-03-04\n---\nBody.\n', encoding="utf-8")
    result = site.build(check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    assert [line for line in output.splitlines() if ": error: " in line] == [
        f"{site.article(2)}:4: error: invalid YAML front matter: found unexpected end of stream"]


# --- The differential test: random sequences of all of it ---------------------------


def _edit(site, rng):
    number = rng.choice(site.numbers)
    path = site.article(number)
    text = path.read_text(encoding="utf-8")
    kind = rng.choice(["body", "title", "tags"])
    if kind == "body":
        text = text.rstrip("\n") + f"\n\nUpdate {rng.randrange(1000)}: the desk added a line.\n"
    elif kind == "title":
        text = text.replace("title: Story", f"title: Revised {rng.randrange(100)} Story", 1)
    else:
        _article(site.content, number, tags=rng.sample(TAGS, 2), body=text.split("---\n", 2)[-1])
        return f"tags of {number}"
    path.write_text(text, encoding="utf-8")
    return f"{kind} of {number}"


def _add_or_delete(site, rng):
    if len(site.numbers) > 3 and rng.random() < 0.5:
        number = rng.choice(site.numbers)
        site.numbers.remove(number)
        site.article(number).unlink()
        return f"deleted {number}"
    number = max(site.numbers) + 1
    site.numbers.append(number)
    _article(site.content, number)
    return f"added {number}"


def _failed_build(site, rng):
    restore = _break_page_template(site)
    _edit(site, rng)
    assert site.build(check=False).returncode != 0
    restore()
    return "failed build"


def _killed_build(site, rng):
    _edit(site, rng)
    running = site.start()
    time.sleep(rng.uniform(0.5, 4.0))
    running.send_signal(rng.choice([signal.SIGKILL, signal.SIGINT]))
    running.communicate()
    return "killed build"


def _setting(site, rng):
    change = rng.choice(["tag_url", "summary", "smarty"])
    if change == "tag_url":
        if "TAG_URL" in site.settings:
            site.settings.pop("TAG_URL")
        else:
            # Tag pages are written by archive_site at TAG_URL (TAG_SAVE_AS stays empty).
            site.settings.update(TAG_URL="labels/{slug}/index.html")
    elif change == "summary":
        site.settings["SUMMARY_MAX_LENGTH"] = rng.choice([5, 20, 60])
    elif "MARKDOWN" in site.settings:
        site.settings.pop("MARKDOWN")
    else:
        markdown = load_settings(str(ROOT / "pelicanconf.py"))["MARKDOWN"]
        site.settings["MARKDOWN"] = {**markdown, "extension_configs": {**markdown["extension_configs"],
                                                                       "markdown.extensions.smarty": {}}}
    return f"setting {change}"


def _theme_file(site, rng):
    extra = site.theme / "static" / "css" / "extra.css"
    if extra.exists():
        extra.unlink()
        return "theme file deleted"
    extra.write_text(f"p {{ margin: {rng.randrange(9)}px }}\n")
    return "theme file added"


def _cache_damage(site, rng):
    if not site.cache.is_dir():
        return "no cache to damage"
    if rng.random() < 0.4:
        shutil.rmtree(site.cache)
        return "cache removed"
    files = sorted(path for path in site.cache.rglob("*") if path.is_file())
    for path in rng.sample(files, min(len(files), rng.randrange(1, 4))):
        data = path.read_bytes()
        path.write_bytes(data[:rng.randrange(len(data) + 1)])
    return "cache truncated"


STEPS = [_edit, _add_or_delete, _failed_build, _killed_build, _setting, _theme_file, _cache_damage]


def _differential(tmp_path, seed, articles, steps):
    rng = random.Random(seed)
    site = Site(tmp_path / f"seed-{seed}", articles)
    site.build()
    done = []
    for _ in range(steps):
        done.append(rng.choice(STEPS)(site, rng))
        site.build()
        try:
            site.assert_same_as_clean_build()
        except AssertionError as exc:
            raise AssertionError(f"seed {seed}, after {done}: {exc}") from None


def test_random_edits_failures_interruptions_and_damage_end_as_a_clean_build(tmp_path):
    _differential(tmp_path, seed=int(os.environ.get("ARCHIVIST_INVARIANT_SEED", "15")), articles=8, steps=7)


@pytest.mark.skipif(not os.environ.get("ARCHIVIST_INVARIANT_ARTICLES"),
                    reason="the larger tier: set ARCHIVIST_INVARIANT_ARTICLES (e.g. 300)")
def test_random_sequences_on_a_larger_archive_end_as_a_clean_build(tmp_path):
    _differential(tmp_path, seed=int(os.environ.get("ARCHIVIST_INVARIANT_SEED", "7")),
                  articles=int(os.environ["ARCHIVIST_INVARIANT_ARTICLES"]),
                  steps=int(os.environ.get("ARCHIVIST_INVARIANT_STEPS", "20")))
