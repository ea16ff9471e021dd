"""Background work (the search index, the archive checks): results, log lines and errors come back."""

import logging
import os

import pytest

from archivist import background
from archivist.errors import ArchivistError, InputError

needs_fork = pytest.mark.skipif(not background.can_fork(), reason="needs os.fork and two CPUs")


@needs_fork
def test_work_runs_in_another_process_and_its_log_lines_reach_the_build(tmp_path, caplog):
    marker = tmp_path / "pid"

    def work():
        marker.write_text(str(os.getpid()), encoding="utf-8")
        logging.getLogger("search.search_index").warning("from the child: %d", 42)
        return {"findings": [("a.md", 3)]}

    caplog.set_level(logging.INFO)
    running = background.start(work)
    assert isinstance(running, background.Running)
    assert running.wait() == {"findings": [("a.md", 3)]}
    assert int(marker.read_text(encoding="utf-8")) != os.getpid()
    assert ("search.search_index", logging.WARNING, "from the child: 42") in caplog.record_tuples


@needs_fork
def test_an_error_in_the_child_is_raised_by_wait_with_its_message():
    def work():
        raise ValueError("/site/x: lunr.js not found; run `npm ci`")

    running = background.start(work)
    with pytest.raises(background.BackgroundError, match=r"ValueError: /site/x: lunr.js not found; run `npm ci`") as raised:
        running.wait()
    assert raised.value.error_type == "builtins.ValueError" and raised.value.path is None


@needs_fork
def test_an_input_error_in_the_child_keeps_its_type_path_and_line():
    def work():
        raise InputError("broken JSON line: fix it", path="wire.jsonl", line=7)

    running = background.start(work, name="the import")
    with pytest.raises(background.BackgroundError) as raised:
        running.wait()
    error = raised.value
    assert isinstance(error, ArchivistError)
    assert (error.path, error.line, error.error_type) == ("wire.jsonl", 7, "archivist.errors.InputError")
    assert str(error) == "wire.jsonl:7: the import failed: broken JSON line: fix it"


@needs_fork
def test_a_child_that_dies_is_an_error():
    running = background.start(lambda: os._exit(3))
    with pytest.raises(background.BackgroundError, match="exit code 3"):
        running.wait()


def test_not_parallel_runs_here_and_now(tmp_path):
    pids = []
    done = background.start(lambda: pids.append(os.getpid()) or "done", parallel=False)
    assert pids == [os.getpid()]
    assert done.wait() == "done"
    with pytest.raises(ZeroDivisionError):
        background.start(lambda: 1 / 0, parallel=False)
