"""The plugin's Pelican side, in this process: a build waits for its index, and an index of a build
that failed is waited for when the next build starts (as with pelican --autoreload)."""

import os
import sys

import lunr
import pytest
from pelican import Pelican, signals
from pelican.settings import read_settings

from archivist.errors import ArchivistError

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "plugins"))

from search import IndexJob, lunr_compat  # noqa: E402

ARTICLE = "Title: {title}\nDate: 2025-03-{day:02d}\nCategory: News\n\nThe harbour ferry sails {title}.\n"


def connected_jobs():
    """The index jobs still connected to the signals that end them, that is not yet waited for."""
    jobs = {getattr(receiver, "__self__", None) for signal in IndexJob._ENDS for receiver in signal.receivers.values()}
    return [job for job in jobs if isinstance(job, IndexJob)]


def settings_for(tmp_path):
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    for day, title in enumerate(["at dawn", "every hour"], start=1):
        (content / f"{day}.md").write_text(ARTICLE.format(title=title, day=day), encoding="utf-8")
    return read_settings(override={
        "PATH": str(content), "OUTPUT_PATH": str(tmp_path / "output"), "CACHE_PATH": str(tmp_path / "cache"),
        "PLUGIN_PATHS": [str(ROOT / "plugins")], "PLUGINS": ["search"],
        # In this process: a fork beside pytest-xdist's threads is not worth the risk; the job is the same.
        "SEARCH": {"parallel": False},
        "LOAD_CONTENT_CACHE": False,
    })


def test_a_build_waits_for_its_index_and_keeps_no_job(tmp_path):
    Pelican(settings_for(tmp_path)).run()
    assert (tmp_path / "output" / "search" / "manifest.js").is_file()
    assert len(list((tmp_path / "output" / "search" / "t").iterdir())) >= 1
    assert connected_jobs() == []


def test_the_index_of_a_failed_build_is_waited_for_when_the_next_build_starts(tmp_path):
    def fail(generators):
        raise RuntimeError("a later plugin failed")

    signals.all_generators_finalized.connect(fail)
    try:
        with pytest.raises(RuntimeError, match="a later plugin failed"):
            Pelican(settings_for(tmp_path)).run()
    finally:
        signals.all_generators_finalized.disconnect(fail)
    assert len(connected_jobs()) == 1  # its build ended before the job was waited for
    Pelican(settings_for(tmp_path)).run()
    assert connected_jobs() == []
    assert (tmp_path / "output" / "search" / "manifest.js").is_file()


def test_another_lunr_py_stops_the_build_with_what_to_do(monkeypatch):
    lunr_compat.check_version()  # the installed one is the pinned one
    pinned = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"lunr=={lunr_compat.LUNR_PY_VERSION}"' in pinned
    monkeypatch.setattr(lunr, "__VERSION__", "0.9.0")
    with pytest.raises(ArchivistError, match=r"lunr 0\.9\.0 is installed.*install lunr==0\.8\.0"):
        lunr_compat.check_version()


def test_the_scripts_the_site_ships_are_inputs_of_the_up_to_date_check():
    """A new lunr or porter2 from `npm ci` must not let fast_build skip the build as "nothing changed"."""
    from search.settings import lunr_js_path, porter2_js_path, settings_from

    settings = read_settings(str(ROOT / "pelicanconf.py"))
    watched = {os.path.realpath(path) for path in settings["FAST_BUILD"]["inputs"]}
    options = settings_from(settings.get("SEARCH"))
    for shipped in (lunr_js_path(options), porter2_js_path(options)):
        assert os.path.realpath(shipped) in watched
