"""A disk that is full or a folder that may not be written: `archivist new` and `import` say so in one line."""

import errno
import os

import pytest

from archivist.cli import main
from tests.test_check import SETTINGS, archive  # noqa: F401  (fixture)
from tests.test_import_cli import STORIES, run_import

FULL = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def one_line(capsys):
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("archivist: error: ") and "Traceback" not in err, err
    return err


def test_new_in_a_folder_it_may_not_write_is_one_line(archive, capsys):
    # /sys refuses new folders even to root: a real permission error, not a simulated one.
    (archive / "settings.py").write_text(SETTINGS + 'ARTICLE_PATHS = ["/sys/archivist-content"]\n')
    assert main(["new", "Harbour Wall Repairs", "--category", "Society", "--settings", "settings.py"]) == 1
    err = one_line(capsys)
    assert "/sys/archivist-content" in err and "cannot write here:" in err


def test_new_on_a_full_disk_is_one_line_and_leaves_no_file(archive, capsys, monkeypatch):
    import archivist.new

    def no_space(meta, body):
        raise FULL  # the disk fills while the article is written: simulated, no test machine has a full disk

    monkeypatch.setattr(archivist.new, "render", no_space)
    assert main(["new", "Harbour Wall Repairs", "--category", "Society", "--date", "2025-03-02",
                 "--settings", "settings.py"]) == 1
    err = one_line(capsys)
    assert "2025-03-02-harbour-wall-repairs.md: cannot write here: the disk is full: free some space" in err
    assert not (archive / "content" / "articles" / "2025" / "2025-03-02-harbour-wall-repairs.md").exists()


def test_import_into_a_folder_it_may_not_write_is_one_line(tmp_path, capsys):
    source = tmp_path / "stories.txt"
    source.write_text(STORIES, encoding="utf-8")
    assert run_import(source, out="/sys/archivist-articles") == 1
    assert "cannot write here:" in one_line(capsys)


def test_import_on_a_full_disk_is_one_line(tmp_path, capsys, monkeypatch):
    source = tmp_path / "stories.txt"
    source.write_text(STORIES, encoding="utf-8")
    real_fdopen = os.fdopen

    class FullFile:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, text):
            raise FULL

    def fdopen(fd, mode="r", *args, **kwargs):  # files opened to write fill the disk; reading still works
        handle = real_fdopen(fd, mode, *args, **kwargs)
        return FullFile(handle) if "w" in mode else handle

    monkeypatch.setattr(os, "fdopen", fdopen)
    assert run_import(source, out=tmp_path / "articles") == 1
    assert "cannot write here: the disk is full: free some space, then run again" in one_line(capsys)
    assert not [p for p in (tmp_path / "articles").rglob("*") if p.is_file()]


@pytest.mark.parametrize("dry_run", [("--dry-run",), ("--dry-run", "--json"), ()])
def test_a_lone_surrogate_in_the_input_is_one_line(tmp_path, capsys, dry_run):
    path = tmp_path / "in.jsonl"
    path.write_text('{"title": "Bad \\ud800 title", "text": "' + STORIES.split("\n")[0] + " "
                    + STORIES.split("\n")[1] + '"}\n', encoding="utf-8")
    assert run_import(path, *dry_run, out=tmp_path / "articles") == 1
    assert f"{path}:1: 'title' holds \\ud800, half of a character pair" in one_line(capsys)
    assert not (tmp_path / "articles").exists()
