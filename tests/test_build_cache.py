"""archivist.build_cache: results kept between builds, trusted only under the same rules."""

from archivist import build_cache


def test_saved_data_loads_only_under_the_same_rules(tmp_path):
    path = tmp_path / "plugin" / "results.pickle"
    rules = build_cache.code_rules(build_cache.__file__, extra=("setting", 1))
    assert build_cache.load(path, rules) is None  # nothing saved yet
    build_cache.save(str(path), rules, {"a": [1, 2]})
    assert build_cache.load(path, rules) == {"a": [1, 2]}
    assert build_cache.load(path, build_cache.code_rules(build_cache.__file__, extra=("setting", 2))) is None
    assert build_cache.load(path, None) is None
    assert [p.name for p in path.parent.iterdir()] == ["results.pickle"]  # no temporary file left


def test_rules_follow_the_code_and_an_unreadable_source_caches_nothing(tmp_path):
    source = tmp_path / "code.py"
    source.write_text("x = 1\n")
    before = build_cache.code_rules(source)
    source.write_text("x = 2\n")
    assert build_cache.code_rules(source) != before
    source.unlink()
    assert build_cache.code_rules(source) is None
    build_cache.save(tmp_path / "none.pickle", None, {"a": 1})
    assert not (tmp_path / "none.pickle").exists()


def test_a_damaged_file_loads_as_nothing_with_one_warning(tmp_path, caplog):
    path = tmp_path / "results.pickle"
    rules = build_cache.code_rules(build_cache.__file__)
    for damage in (b"", b"not a pickle", b"\x80\x04K\x01."):  # the last: a pickled 1, not a dict
        path.write_bytes(damage)
        caplog.clear()
        assert build_cache.load(path, rules) is None
        assert len(caplog.messages) == (0 if damage.endswith(b".") else 1)
        assert damage or "Ran out of input" in caplog.messages[0]  # a file cut short by a crash


def test_a_cache_folder_given_through_a_folder_not_yet_made_is_made(tmp_path):
    """CACHE_PATH is often "site/../cache" before "site" exists (archivist.dist)."""
    path = tmp_path / "site" / ".." / "cache" / "results.pickle"
    build_cache.save(str(path), b"rules", [1])
    assert build_cache.load(tmp_path / "cache" / "results.pickle", b"rules") == [1]
