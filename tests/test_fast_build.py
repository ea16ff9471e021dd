"""plugins/fast_build: unchanged pages are not rendered again, changed ones always are."""

import datetime
import filecmp
import gc
import hashlib
import os
import sys
import types
import weakref
from pathlib import Path

import hypothesis
import jinja2
import pytest
from hypothesis import strategies as st

from archivist import frontmatter, pelican_compat
from archivist.settings import load_settings

from .conftest import ROOT, build_site

sys.path.insert(0, str(ROOT / "plugins"))
from fast_build import digests, job, manifest, options, state, template_cache, uptodate  # noqa: E402

PLUGINS = load_settings(str(ROOT / "pelicanconf.py"))["PLUGINS"]
WITH = [p for p in PLUGINS if p != "fast_build"] + ["fast_build"]
WITHOUT = [p for p in PLUGINS if p != "fast_build"]
# Every tag has a page, so that the one-article tags of these archives show what a rebuild does.
EVERY_TAG = {"TAG_MIN_ARTICLES": 1}


# --- Core functions, without Pelican builds --------------------------------


def test_settings_merge_over_defaults_and_reject_unknown_keys():
    assert options.merge_settings(None) == options.DEFAULTS
    assert options.merge_settings({"delete_stale": False})["delete_stale"] is False
    with pytest.raises(ValueError, match="unknown FAST_BUILD key.*enable"):
        options.merge_settings({"enable": True})
    with pytest.raises(ValueError, match="must be a dict"):
        options.merge_settings(True)
    for key, value, message in [("template_cache", "yes", "True or False"), ("gc_freeze", 1, "True or False"),
                                ("processes", -1, "at least 0"), ("parallel_min", 1.5, "whole number")]:
        with pytest.raises(ValueError, match=rf"FAST_BUILD\['{key}'\] must be .*{message}"):
            options.merge_settings({key: value})


def test_digests_follow_values_not_identity():
    digest = digests.Digester().digest
    when = datetime.datetime(2024, 5, 1, 12, 0)
    assert digest(["a", 1, when]) == digest(["a", 1, datetime.datetime(2024, 5, 1, 12, 0)])
    assert digest(["a", "b"]) != digest(["b", "a"])
    assert digest({"x": [1]}) == digest({"x": [1]}) != digest({"x": [2]})
    assert digest(("a",)) != digest(["a"])


def test_unknown_values_force_rendering_except_in_lenient_mode():
    class Opaque:
        pass

    with pytest.raises(digests.Unknown):
        digests.Digester().digest(Opaque())
    with pytest.raises(digests.Unknown):
        digests.Digester().reference([Opaque()])
    lenient = digests.Digester(lenient=True)
    assert lenient.digest(Opaque()) == digests.Digester(lenient=True).digest(Opaque())


def test_a_call_s_names_are_its_keywords_its_url_and_its_pagination():
    given = state.given_names({"articles": [], "dates": [], "tag": "x"}, None)
    assert {"articles", "dates", "tag", "output_file", "SITEURL", "localsiteurl", "articles_page",
            "dates_paginator", "articles_previous_page", "dates_next_page"} <= given
    assert "SITENAME" not in given and "period" not in given
    assert "dates_page" not in state.given_names({"articles": [], "dates": []}, {"articles": []})


def test_references_stand_articles_for_their_paths_and_sources_name_what_values_show(tmp_path):
    ferry, retitled = _ferry(tmp_path), _ferry(tmp_path, title="Ferry Timetable Changed")
    other = _ferry(tmp_path, "other")
    assert digests.Digester().reference([ferry, "x"]) == digests.Digester().reference([retitled, "x"])
    assert digests.Digester().reference([ferry]) != digests.Digester().reference([other])
    assert digests.Digester().reference([ferry, other]) != digests.Digester().reference([other, ferry])

    ferry.related_articles = [other]
    digester = digests.Digester()
    ferry_path, other_path = str(tmp_path / "ferry.md"), str(tmp_path / "other.md")
    assert digester.sources(ferry) == {ferry_path, other_path}  # and what it points to
    assert digester.sources(other) == {other_path}
    assert digester.sources({"news": [other], "n": 3, "title": "x"}) == {other_path}
    assert digester.sources(["a", 1, None]) == frozenset()
    both = digester.sources([ferry, other])
    assert digester.sources([[ferry, other], [other]]) is both  # a union inside one set is that set


@hypothesis.given(st.sets(st.integers(0, 300)), st.sets(st.integers(0, 300), max_size=40))
def test_holds_any_answers_as_a_set_intersection_does(items, wanted):
    import array

    ordered = array.array("I", sorted(items))
    assert digests.holds_any(ordered, frozenset(wanted)) == bool(items & wanted)
    paths = tuple(sorted(f"articles/{item}.md" for item in items))
    assert digests.holds_any(paths, frozenset(f"articles/{item}.md" for item in wanted)) == bool(items & wanted)


def test_a_call_s_key_follows_its_plain_values_and_its_lists(tmp_path):
    settings = {"OUTPUT_PATH": str(tmp_path / "output"), "CACHE_PATH": str(tmp_path / "cache")}
    build = state.BuildState(settings, options.merge_settings(None))
    template = types.SimpleNamespace(name="tag.html")
    ferry, other = _ferry(tmp_path), _ferry(tmp_path, "other")

    def key(**kwargs):
        return build.start_call("tags/ferries/index.html", template, {}, kwargs, None).key

    first = key(url="tags/ferries/", page_name="tags/ferries", articles=[ferry], count=1)
    assert key(url="tags/ferries/", page_name="tags/ferries", articles=[ferry], count=1) == first
    assert key(url="tags/boats/", page_name="tags/ferries", articles=[ferry], count=1) != first
    assert key(url="tags/ferries/", page_name="tags/ferries", articles=[ferry], count=2) != first
    assert key(url="tags/ferries/", page_name="tags/ferries", articles=[ferry, other], count=1) != first
    assert key(url="tags/ferries/", page_name="tags/ferries", articles=[ferry], count="1") != first


def test_union_keeps_the_largest_set_when_it_holds_the_others():
    large, small = frozenset("abc"), frozenset("ab")
    assert digests.union([small, large, frozenset()]) is large
    assert digests.union([frozenset("ab"), frozenset("cd")]) == frozenset("abcd")
    assert digests.union([]) == frozenset()


def test_an_article_s_body_counts_only_on_the_pages_that_read_it(tmp_path):
    from pelican.contents import Article

    def article(body, summary=True):
        metadata = {"title": "Ferry Timetable", "summary": "New timetable."} if summary else {"title": "Ferry Timetable"}
        return Article(body, metadata=metadata, settings=load_settings(str(ROOT / "pelicanconf.py")),
                       source_path=str(tmp_path / "ferry.md"))

    before, after = article("<p>Boats sail hourly.</p>"), article("<p>Boats sail every hour.</p>")
    digester = digests.Digester
    assert digester().digest([before]) == digester().digest([after])  # a list shows titles and summaries
    assert digests.body_digest(before) != digests.body_digest(after)
    assert pelican_compat.reads_body(before, "content") and pelican_compat.reads_body(before, "get_content")
    assert not pelican_compat.reads_body(before, "summary")  # from the front matter
    assert pelican_compat.reads_body(article("<p>x</p>", summary=False), "summary")  # cut from the body
    assert not pelican_compat.reads_body(before, "title")


def _ferry(tmp_path, name="ferry", **metadata):
    from pelican.contents import Article

    metadata = {"title": "Ferry Timetable", "summary": "New timetable.", "date": datetime.datetime(2024, 5, 1),
                **metadata}
    return Article("<p>Boats sail hourly.</p>", metadata=metadata, source_path=str(tmp_path / f"{name}.md"),
                   settings=load_settings(str(ROOT / "pelicanconf.py")))


def test_the_site_fingerprint_follows_every_article_s_metadata(tmp_path):
    from pelican.urlwrappers import Tag

    settings = load_settings(str(ROOT / "pelicanconf.py"))

    def fingerprint(**metadata):
        article = _ferry(tmp_path, **metadata)
        return digests.site_fingerprint(settings, {"articles": [article]}, [])

    tags = [Tag("Ferries", settings), Tag("Harbour", settings)]
    first = fingerprint(tags=tags)
    assert fingerprint(tags=[Tag("Ferries", settings), Tag("Harbour", settings)]) == first
    assert fingerprint(tags=[Tag("Ferries", settings)]) != first
    assert fingerprint(tags=[Tag("Harbour", settings), Tag("Ferries", settings)]) != first
    assert fingerprint(tags=tags, title="Ferry Timetable Changed") != first
    assert fingerprint(tags=tags, summary="New timetable.", keywords={"a": 1}) != first  # a value not plain


def test_an_article_s_digest_follows_each_of_its_values(tmp_path):
    import markupsafe
    from pelican.urlwrappers import Tag

    settings = load_settings(str(ROOT / "pelicanconf.py"))

    def own(article):
        return digests.Digester().content_own(article)

    first = own(_ferry(tmp_path))
    assert own(_ferry(tmp_path)) == first  # equal values, other objects
    other = _ferry(tmp_path, "other")
    changes = [
        ("title", "Ferry Timetable Changed"),
        ("title", markupsafe.Markup("Ferry Timetable")),  # same text, another type
        ("date", datetime.datetime(2024, 5, 1, 0, 0, 1)),
        ("date", datetime.datetime(2024, 5, 1, tzinfo=datetime.timezone.utc)),
        ("reading_time", 3),
        ("reading_time", "3"),
        ("reading_time", 3.0),
        ("tags", [Tag("Ferries", settings)]),
        ("tags", [Tag("Ferries", settings), Tag("Ports", settings)]),
        ("next_article", other),
        ("related_articles", [other]),
        ("nested", [[1, "a"], (2,)]),
        ("nested", [[1, "b"], (2,)]),
        ("nested", [[other]]),
    ]
    seen = {first}
    for name, value in changes:
        article = _ferry(tmp_path)
        setattr(article, name, value)
        digest = own(article)
        assert digest not in seen, f"{name} = {value!r} did not change the digest"
        seen.add(digest)
    # A referenced article counts by its path (content_full adds its values);
    # one nested deeper counts by its own values.
    retitled = _ferry(tmp_path, "other", title="Another Title")
    for name, before, after, same in [("next_article", other, retitled, True),
                                      ("nested", [[other]], [[retitled]], False)]:
        first_ref, second_ref = _ferry(tmp_path), _ferry(tmp_path)
        setattr(first_ref, name, before)
        setattr(second_ref, name, after)
        assert (own(first_ref) == own(second_ref)) is same


def test_an_article_s_state_is_what_its_metadata_does_not_hold(tmp_path):
    def state(article):
        return digests.Digester().content_state(article)

    first = state(_ferry(tmp_path, slug="ferry"))
    assert state(_ferry(tmp_path, slug="ferry")) == first
    # The metadata is the site fingerprint's: a retitled article has the same state.
    assert state(_ferry(tmp_path, slug="ferry", title="Ferry Timetable Changed")) == first
    seen = {first}
    for name, value in [("reading_time", 3), ("related_articles", [_ferry(tmp_path, "other")]),
                        ("title", "Set by a plugin"), ("_summary", "A summary cut from the body")]:
        article = _ferry(tmp_path, slug="ferry")
        setattr(article, name, value)
        assert state(article) not in seen, name
        seen.add(state(article))


def test_output_listing_is_what_os_walk_finds(tmp_path):
    def walked(root):
        found = {}
        for folder, _, files in os.walk(root):
            for name in files:
                path = os.path.join(folder, name)
                stat = os.stat(path)
                found[os.path.relpath(path, root)] = (stat.st_size, stat.st_mtime_ns)
        return found

    output = tmp_path / "output"
    (output / "tags" / "ferries").mkdir(parents=True)
    (output / "empty").mkdir()
    (output / "index.html").write_text("home")
    (output / "tags" / "ferries" / "index.html").write_text("ferries")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "file.txt").write_text("outside")
    (output / "linked-folder").symlink_to(tmp_path / "elsewhere")  # not followed, as os.walk does
    (output / "linked-file.txt").symlink_to(tmp_path / "elsewhere" / "file.txt")
    listing = uptodate.output_listing(str(output))
    assert listing == walked(output)
    assert sorted(listing) == ["index.html", "linked-file.txt", os.path.join("tags", "ferries", "index.html")]
    assert uptodate.output_listing(str(output) + os.sep) == listing
    assert uptodate.output_listing(str(tmp_path / "missing")) == {}


def test_manifest_round_trip_and_stale_files(tmp_path):
    output = tmp_path / "output"
    (output / "old" / "deep").mkdir(parents=True)
    stale, kept, edited = output / "old" / "deep" / "gone.html", output / "kept.html", output / "edited.html"
    for path in (stale, kept, edited):
        path.write_text(path.name)
    records = {}
    for path in (stale, kept, edited):
        stat = path.stat()
        records[str(path.relative_to(output))] = manifest.Record(
            "t.html", frozenset({"x"}), ("content/a.md",), b"\x00\x00\x00\x00", (("SITENAME", b"d"),),
            stat.st_size, stat.st_mtime_ns)
    saved_at = tmp_path / "cache" / "m.pickle"
    saved = manifest.Manifest(b"fingerprint", records, {"kept.html": (b"key", ("kept.html",))},
                                 {"content/a.md": (b"values", b"body")}, frozenset({"theme/site.css"}))
    manifest.save_manifest(str(saved_at), saved)
    assert manifest.load_manifest(str(saved_at)) == saved
    assert manifest.load_manifest(str(tmp_path / "missing.pickle")) == manifest.NO_MANIFEST

    # A generated file no source produces goes even when changed by hand: a clean build lacks it.
    edited.write_text("changed by hand since")
    current = {"kept.html": records["kept.html"]}
    removed = manifest.remove_stale(str(output), {*records, "never-written.html", "../outside.html"}, current)
    assert removed == ["edited.html", "old/deep/gone.html"]
    assert not (output / "old").exists()  # empty folders go too
    assert kept.exists()


# --- Real builds of a tiny archive ------------------------------------------


def _article(content, slug, title, tags, day, body, category="Technology"):
    date = datetime.date(2024, 3, day)
    meta = {
        "title": title,
        "date": date,
        "category": category,
        "tags": tags,
        "summary": f"{title}: a one-sentence summary of the fixture story.",
        "source": "Fixture Wire",
        "slug": slug,
    }
    path = content / "articles" / "2024" / f"{date.isoformat()}-{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(frontmatter.render(meta, body), encoding="utf-8")
    return path


@pytest.fixture
def archive(tmp_path):
    content = tmp_path / "content"
    paths = {
        "satellite": _article(content, "satellite-link-tested", "Satellite Link Tested", ["Satellites", "Orbit Lab"], 4,
                              "Engineers tested a satellite link between two ground stations on Monday."),
        "rollout": _article(content, "fibre-rollout-reaches-villages", "Fibre Rollout Reaches Villages", ["Broadband", "Orbit Lab"], 9,
                            "The fibre network now reaches forty villages, the operator said."),
        "budget": _article(content, "council-budget-approved", "Council Budget Approved", ["Budgets", "Councils"], 15,
                           "The council approved its budget after a long debate.", category="Politics"),
    }
    return content, paths


def _build(content, output, cache, plugins=WITH):
    result = build_site(output, content=content, CACHE_PATH=str(cache), PLUGINS=plugins, **EVERY_TAG)
    return result


def _tree(output):
    return {str(p.relative_to(output)): p for p in sorted(Path(output).rglob("*")) if p.is_file()}


def _assert_same_as_clean_build(content, output, tmp_path, name):
    clean = tmp_path / f"clean-{name}"
    _build(content, clean, tmp_path / f"cache-clean-{name}", plugins=WITHOUT)
    ours, reference = _tree(output), _tree(clean)
    assert sorted(ours) == sorted(reference), "stale or missing files"
    different = [page for page in ours if not filecmp.cmp(ours[page], reference[page], shallow=False)]
    assert different == [], "pages differ from a clean build"


def _mtimes(output):
    return {page: path.stat().st_mtime_ns for page, path in _tree(output).items() if page.endswith(".html")}


def test_rebuilds_render_only_what_changed_and_match_a_clean_build(archive, tmp_path):
    content, paths = archive
    output, cache = tmp_path / "output", tmp_path / "cache"
    _build(content, output, cache)
    first = _mtimes(output)

    _build(content, output, cache)
    assert _mtimes(output) == first, "a build with no change rewrote pages"

    # A typo fix: the article's page changes; the pages that list it or link
    # to it show its title and summary, not its body, and are left alone.
    with paths["satellite"].open("a", encoding="utf-8") as handle:
        handle.write("\nCorrection: the stations are 300 km apart.\n")
    _build(content, output, cache)
    after_edit = _mtimes(output)
    assert "300 km apart" in (output / "2024/03/satellite-link-tested.html").read_text()
    changed = sorted(page for page in first if after_edit[page] != first[page])
    assert changed == ["2024/03/satellite-link-tested.html"]
    _assert_same_as_clean_build(content, output, tmp_path, "edit")

    # A new title shows up everywhere the article is listed.
    text = paths["rollout"].read_text(encoding="utf-8")
    paths["rollout"].write_text(text.replace("title: Fibre Rollout Reaches Villages", "title: Fibre Reaches Forty Villages"))
    _build(content, output, cache)
    assert "Fibre Reaches Forty Villages" in (output / "tags/orbit-lab/index.html").read_text()
    _assert_same_as_clean_build(content, output, tmp_path, "title")


def test_a_value_a_plugin_computes_from_the_body_renders_the_lists_that_show_it(archive, tmp_path):
    content, paths = archive
    output, cache = tmp_path / "output", tmp_path / "cache"
    _build(content, output, cache)
    first = _mtimes(output)
    # Five hundred more words: the reading time (an attribute archive_site
    # sets from the body, not metadata) goes from 1 to 3 minutes.
    with paths["satellite"].open("a", encoding="utf-8") as handle:
        handle.write("\n" + "The link held steady through the test. " * 70 + "\n")
    _build(content, output, cache)
    changed = {page for page, mtime in _mtimes(output).items() if first.get(page) != mtime}
    assert "3 min read" in (output / "tags/satellites/index.html").read_text()
    assert {"2024/03/satellite-link-tested.html", "index.html", "tags/satellites/index.html",
            "tags/orbit-lab/index.html"} <= changed
    assert "tags/budgets/index.html" not in changed  # does not list it
    _assert_same_as_clean_build(content, output, tmp_path, "reading-time")


def test_removed_articles_leave_no_stale_pages(archive, tmp_path):
    content, paths = archive
    output, cache = tmp_path / "output", tmp_path / "cache"
    _build(content, output, cache)
    assert (output / "tags/budgets/index.html").exists()
    paths["budget"].unlink()
    _build(content, output, cache)
    assert not (output / "2024/03/council-budget-approved.html").exists()
    assert not (output / "tags/budgets/index.html").exists()
    _assert_same_as_clean_build(content, output, tmp_path, "removed")


def test_a_page_changed_on_disk_is_rendered_again(archive, tmp_path):
    content, _paths = archive
    output, cache = tmp_path / "output", tmp_path / "cache"
    _build(content, output, cache)
    page = output / "2024/03/council-budget-approved.html"
    original = page.read_bytes()
    page.write_text("tampered")
    os.remove(output / "index.html")
    _build(content, output, cache)
    assert page.read_bytes() == original
    assert (output / "index.html").exists()


def test_parallel_reading_gives_the_same_site(archive, tmp_path):
    content, _paths = archive
    output = tmp_path / "output"
    build_site(output, content=content, CACHE_PATH=str(tmp_path / "cache"), PLUGINS=WITH,
               FAST_BUILD={"processes": 2, "parallel_min": 1}, **EVERY_TAG)
    _assert_same_as_clean_build(content, output, tmp_path, "parallel")


def test_parallel_reading_still_stops_on_bad_front_matter(archive, tmp_path):
    content, paths = archive
    text = paths["budget"].read_text(encoding="utf-8")
    paths["budget"].write_text(text.replace("title: Council Budget Approved", "title: [Council Budget"))
    result = build_site(tmp_path / "output", content=content, check=False, env={"COLUMNS": "400"},
                        CACHE_PATH=str(tmp_path / "cache"), PLUGINS=WITH,
                        FAST_BUILD={"processes": 2, "parallel_min": 1})
    assert result.returncode != 0
    assert "council-budget-approved.md" in result.stdout + result.stderr


# --- Up-to-date builds are skipped ----------------------------------------------


def test_tree_digest_follows_names_and_bytes_not_times(tmp_path):
    folder = tmp_path / "content"
    (folder / "articles").mkdir(parents=True)
    article = folder / "articles" / "a.md"
    article.write_text("one")
    first = uptodate.tree_digest(folder)
    os.utime(article, ns=(1, 1))
    assert uptodate.tree_digest(folder) == first
    article.write_text("two")
    assert uptodate.tree_digest(folder) != first
    article.write_text("one")
    article.rename(folder / "articles" / "b.md")
    assert uptodate.tree_digest(folder) != first
    (folder / "articles" / "b.md").rename(article)
    (folder / "output").mkdir()
    (folder / "output" / "index.html").write_text("built")
    assert uptodate.tree_digest(folder, skip=[folder / "output"]) == first
    assert uptodate.tree_digest(folder) != first


def test_tree_digest_keeps_each_file_s_md5_under_the_path_pelican_stamps_it_by(tmp_path):
    content = tmp_path / "content"
    (content / "articles" / "2024").mkdir(parents=True)
    files = {"articles/2024/a.md": b"one", "articles/b.md": b"two", "pages/about.md": b"three"}
    for relative, data in files.items():
        (content / relative).parent.mkdir(parents=True, exist_ok=True)
        (content / relative).write_bytes(data)
    digests = {}
    assert uptodate.tree_digest(content, digests=digests) == uptodate.tree_digest(content)
    # Pelican's readers stamp os.path.abspath(os.path.join(PATH, relative)), its generators the join.
    assert digests == {os.path.join(str(content), relative): hashlib.md5(data).digest()
                       for relative, data in files.items()}


def test_file_stamps_come_from_the_digests_taken_and_from_pelican_for_other_files(tmp_path, monkeypatch):
    known, other = str(tmp_path / "known.md"), str(tmp_path / "other.md")
    asked = []

    def pelican_stamp(filename):
        asked.append(filename)
        return b"read"

    readers = types.SimpleNamespace(_filestamp_func=pelican_stamp)
    generator = types.SimpleNamespace(_filestamp_func=pelican_stamp, readers=readers)
    running = job.Job(types.SimpleNamespace(settings={}, plugins=[]), options.merge_settings(None))
    running.file_stamps = {known: b"taken"}
    monkeypatch.setattr(job, "_job", running)
    job.reuse_file_stamps(generator)
    job.reuse_file_stamps(generator)  # a second signal wraps nothing twice
    for cacher in (generator, readers):
        assert cacher._filestamp_func(known) == b"taken"
        assert cacher._filestamp_func(other) == b"read"
    assert asked == [other, other]

    running.file_stamps = None  # no up-to-date check ran: Pelican's own
    fresh = types.SimpleNamespace(_filestamp_func=pelican_stamp)
    job.reuse_file_stamps(fresh)
    assert fresh._filestamp_func is pelican_stamp


class _Finished:
    """A build state whose end is all a test needs."""

    def finish(self):
        return 0, 0, []


class _Cyclic:
    pass


def _job_at_its_end(tmp_path, monkeypatch, fast_build=None):
    """(the running Job, cyclic garbage made during its build)."""
    settings = {"OUTPUT_PATH": str(tmp_path / "output"), "CACHE_PATH": str(tmp_path / "cache")}
    running = job.Job(types.SimpleNamespace(settings=settings, plugins=[]), options.merge_settings(fast_build))
    running.state = _Finished()
    monkeypatch.setattr(job, "_job", running)
    garbage = _Cyclic()
    garbage.itself = garbage
    return running, garbage


def test_a_build_s_objects_are_frozen_until_the_next_build_frees_its_garbage(tmp_path, monkeypatch):
    running, garbage = _job_at_its_end(tmp_path, monkeypatch)
    try:
        alive = weakref.ref(garbage)
        job.finish(None)
        del garbage
        gc.collect()
        assert alive() is not None, "frozen: the interpreter's last collection would walk the build's objects"
        assert running.current() is not None
        assert alive() is None, "a second build in the process must free the first one's garbage"
        assert gc.get_freeze_count() > 0, "the new build settles what it loaded"
    finally:
        gc.unfreeze()
        running.state = None


def test_without_gc_freeze_a_build_leaves_the_collector_alone(tmp_path, monkeypatch):
    gc.unfreeze()
    running, garbage = _job_at_its_end(tmp_path, monkeypatch, {"gc_freeze": False})
    alive = weakref.ref(garbage)
    job.finish(None)
    del garbage
    gc.collect()
    assert alive() is None and gc.get_freeze_count() == 0
    assert running.current() is not None and gc.get_freeze_count() == 0
    running.state = None


def test_compiled_templates_are_kept_only_with_template_cache(archive, tmp_path):
    content, _paths = archive
    build_site(tmp_path / "output", content=content, CACHE_PATH=str(tmp_path / "cache"), PLUGINS=WITH,
               **EVERY_TAG)
    assert list((tmp_path / "cache" / "jinja").iterdir())
    build_site(tmp_path / "plain", content=content, CACHE_PATH=str(tmp_path / "plain-cache"), PLUGINS=WITH,
               FAST_BUILD={"template_cache": False}, **EVERY_TAG)
    assert not (tmp_path / "plain-cache" / "jinja").exists()
    _assert_same_as_clean_build(content, tmp_path / "plain", tmp_path, "no-template-cache")


def test_compiled_templates_are_kept_and_an_edited_template_is_compiled_again(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text("<h1>{{ title }}</h1>")

    def render():
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)),
                                 bytecode_cache=template_cache.template_cache(str(tmp_path / "cache")))
        return env.get_template("page.html").render(title="Ferry")

    assert render() == "<h1>Ferry</h1>"
    assert list((tmp_path / "cache" / "jinja").iterdir()), "nothing kept"
    (templates / "page.html").write_text("<h2>{{ title }}</h2>")
    assert render() == "<h2>Ferry</h2>"


def test_installed_packages_name_each_distribution_with_its_version():
    import markdown
    import pelican

    packages = uptodate.installed_packages()
    assert f"pelican-{pelican.__version__}.dist-info" in packages
    assert f"markdown-{markdown.__version__}.dist-info" in {name.lower() for name in packages}
    assert packages == sorted(set(packages))


def test_inputs_listing_sees_any_input_file_touched_and_not_the_output_or_bytecode(tmp_path):
    content, theme, plugin = tmp_path / "content", tmp_path / "theme", tmp_path / "plugins" / "mine"
    for folder in (content / "articles", theme, plugin):
        folder.mkdir(parents=True)
    article = content / "articles" / "a.md"
    article.write_text("one")
    (plugin / "__init__.py").write_text("")
    extra = tmp_path / "words.txt"
    extra.write_text("x")
    settings = {"PATH": str(content), "THEME": str(theme), "OUTPUT_PATH": str(content / "output"),
                "CACHE_PATH": str(tmp_path / "cache")}
    module = types.SimpleNamespace(__file__=str(plugin / "__init__.py"))

    def listing():
        return uptodate.inputs_listing(settings, [module], {"inputs": [str(extra)]})

    first = listing()
    (content / "output").mkdir()
    (content / "output" / "index.html").write_text("built")
    (plugin / "__pycache__").mkdir()
    (plugin / "__pycache__" / "mine.pyc").write_bytes(b"")
    assert listing() == first
    for touched in (article, theme, plugin / "__init__.py", extra):
        changed = touched / "new.html" if touched.is_dir() else touched
        changed.write_text("two")
        os.utime(changed, ns=(10**18, 10**18))
        assert listing() != first, touched
        first = listing()


def _up_to_date(result):
    # The console wraps long lines (and the output path can be long).
    return "is up to date" in " ".join(result.stdout.split())


def test_a_build_with_no_change_is_skipped_and_any_change_builds_again(archive, tmp_path):
    content, paths = archive
    output, cache = tmp_path / "output", tmp_path / "cache"
    assert not _up_to_date(_build(content, output, cache))
    first = {page: path.stat().st_mtime_ns for page, path in _tree(output).items()}
    assert _up_to_date(_build(content, output, cache))
    assert {page: path.stat().st_mtime_ns for page, path in _tree(output).items()} == first

    # Same bytes, new modification time (a git checkout): still nothing to do.
    os.utime(paths["budget"], ns=(10**18, 10**18))
    assert _up_to_date(_build(content, output, cache))

    # Different settings are a different build.
    result = build_site(output, content=content, CACHE_PATH=str(cache), PLUGINS=WITH, DEFAULT_PAGINATION=2, **EVERY_TAG)
    assert not _up_to_date(result)
    assert not _up_to_date(_build(content, output, cache))

    # Output touched by hand, or a file of it removed: build again and repair it.
    (output / "theme" / "css" / "base.css").unlink()
    assert not _up_to_date(_build(content, output, cache))
    assert (output / "theme" / "css" / "base.css").exists()

    with paths["satellite"].open("a", encoding="utf-8") as handle:
        handle.write("\nCorrection: the stations are 300 km apart.\n")
    assert not _up_to_date(_build(content, output, cache))
    assert "300 km apart" in (output / "2024/03/satellite-link-tested.html").read_text()
    _assert_same_as_clean_build(content, output, tmp_path, "after-skips")


def test_a_build_that_logged_a_warning_is_never_skipped(archive, tmp_path):
    content, paths = archive
    text = paths["budget"].read_text(encoding="utf-8")
    # A link to a file that does not exist: Pelican warns and builds anyway.
    paths["budget"].write_text(text + "\nSee [the minutes]({filename}/articles/missing.md).\n", encoding="utf-8")
    output, cache = tmp_path / "output", tmp_path / "cache"
    first = _build(content, output, cache)
    assert "missing.md" in first.stdout + first.stderr
    again = _build(content, output, cache)
    assert not _up_to_date(again)
    assert "missing.md" in again.stdout + again.stderr, "the warning must be shown again, not hidden by a skip"


def test_deleting_the_output_folder_is_never_skipped(archive, tmp_path):
    content, _paths = archive
    output, cache = tmp_path / "output", tmp_path / "cache"
    _build(content, output, cache)
    result = build_site(output, content=content, CACHE_PATH=str(cache), PLUGINS=WITH, DELETE_OUTPUT_DIRECTORY=True, **EVERY_TAG)
    assert not _up_to_date(result)
    assert (output / "index.html").exists()


def test_functions_are_digested_by_their_code_not_their_name():
    def newest_first(article):
        return (-article.date.timestamp(), article.slug)

    first = digests.Digester(lenient=True).digest({"ARTICLE_ORDER_BY": newest_first})

    def newest_first(article):  # noqa: F811 - the same name, another body
        return (article.date.timestamp(), article.slug)

    assert digests.Digester(lenient=True).digest({"ARTICLE_ORDER_BY": newest_first}) != first

    def scaled(factor):
        return lambda value: value * factor

    assert digests.Digester().digest(scaled(2)) == digests.Digester().digest(scaled(2))
    assert digests.Digester().digest(scaled(2)) != digests.Digester().digest(scaled(3))


def test_the_output_lock_names_its_holder_and_is_taken_over_when_the_holder_died(tmp_path):
    from fast_build import lock

    output = str(tmp_path / "output")
    held = lock.OutputLock(output).acquire()
    with pytest.raises(lock.OutputLocked, match=rf"another build \(pid {os.getpid()}\) is writing .*output/; "
                                                 "wait for it or remove the stale lock"):
        lock.OutputLock(output).acquire()
    held.release()
    assert not os.path.exists(lock.lock_path(output))
    # A lock file left by a killed build: its pid is gone, nothing holds it.
    Path(lock.lock_path(output)).write_text("999999999\n")
    lock.OutputLock(output).acquire().release()


def test_the_journal_keeps_what_unfinished_builds_wrote(tmp_path):
    from fast_build.journal import Journal

    journal = Journal(str(tmp_path / "cache" / "journal.txt"))
    journal.note("a.html", "tags/x/index.html")
    journal.close()  # killed here
    again = Journal(journal.path)
    assert again.unfinished() == {"a.html", "tags/x/index.html"}
    again.note("b.html")
    again.finish()
    assert Journal(journal.path).unfinished() == set()
