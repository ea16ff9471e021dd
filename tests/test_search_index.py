"""The search plugin on plain data: analysis, sharding, the files, against the references."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from archivist.files import write_if_changed
from archivist.html_text import html_to_text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))

import search as search_plugin  # noqa: E402
from search import analysis, documents, output as search_output, settings as search_settings, shards as term_shards  # noqa: E402
from . import search_reference as reference  # noqa: E402


def doc(url, title, date="2025-03-10", topic="World", tags=(), summary="", body=""):
    return documents.document(url, title, date, date, topic, tags, summary, body)


ARCHIVE = documents.order([
    doc("a.html", "Harbour ferry timetable approved", "2024-11-04", "Politics", ["ferries", "council"],
        "The council approved a new ferry timetable.", "Ferries will sail every hour from the harbour."),
    doc("b.html", "Ferry operator adds electric vessels", "2025-01-15", "Business", ["ferries", "electric"],
        "Two electric ferries join the fleet.", "The ferry operator bought electric vessels. Ferry ferry ferry."),
    doc("c.html", "Comet seen above the ridge", "2024-12-02", "Science", ["comets", "astronomy"],
        "An observatory spotted a bright comet.", "Astronomers at the observatory saw the comet at dawn."),
    doc("d.html", "Students track comet from rooftop", "2025-02-18", "Science", ["comets", "schools"],
        "Pupils followed the comet for a week.", "The satellite dish on the school roof helped the students."),
    doc("e.html", "Council debates coastal defences budget", "2025-02-03", "Politics", ["council", "budget"],
        "Councillors argued over sea walls.", "The harbour walls need money, the council said."),
])
TOPICS = ["Business", "Politics", "Science", "World"]


# Every word whose prefix clause finds two articles has its results stored.
PREFIXES = term_shards.PrefixRule(docs=2, min_length=3, max_shards=8)


def built(shard_bytes, common_docs=None, prefixes=None):
    options = search_settings.settings_from({"shard_bytes": shard_bytes, "doc_shard_size": 2})
    analyzed = [documents.analyzed_fields(item) for item in ARCHIVE]
    serialized = reference.build_index(analyzed).serialize()
    firsts, shards = reference.partition(serialized, shard_bytes, common_docs, prefixes)
    manifest = search_output.manifest(firsts, ARCHIVE, TOPICS, options)
    loaded = [reference.load_shard(json.loads(json.dumps(shard))) for shard in shards]
    return manifest, loaded


def run(query, shard_bytes=200, common_docs=None, prefixes=None):
    manifest, loaded = built(shard_bytes, common_docs, prefixes)
    return reference.search(query, manifest, loaded.__getitem__)


def urls(refs):
    return [ARCHIVE[int(ref)]["url"] for ref in refs]


def test_settings_merge_over_defaults_without_mutating():
    given = {"shard_bytes": 1000}
    merged = search_settings.settings_from(given)
    assert merged["shard_bytes"] == 1000
    assert merged["doc_shard_size"] == search_settings.DEFAULTS["doc_shard_size"]
    assert given == {"shard_bytes": 1000}


@pytest.mark.parametrize("value, message", [
    ({"shard_size": 5}, "unknown SEARCH key(s) 'shard_size'"),
    ({"prefix_min": 0}, "SEARCH['prefix_min'] must be a whole number of at least 1"),
    ({"snippet_chars": "1500"}, "SEARCH['snippet_chars'] must be a whole number of at least 1"),
    ({"common_docs": 0}, "SEARCH['common_docs'] must be a whole number of at least 1"),
    ({"parallel": "yes"}, "SEARCH['parallel'] must be True or False"),
    ({"writers": 0}, "SEARCH['writers'] must be a whole number of at least 1"),
    ({"writers": True}, "SEARCH['writers'] must be a whole number of at least 1"),
    ("big", "SEARCH must be a dict"),
])
def test_bad_settings_say_how_to_fix(value, message):
    with pytest.raises(search_settings.SearchSettingsError, match=re.escape(message)):
        search_settings.settings_from(value)


@pytest.mark.parametrize("word, stem", [
    ("cities", "citi"), ("launches", "launch"), ("talked", "talk"), ("talking", "talk"), ("talks", "talk"),
    ("generously", "generous"), ("mergers", "merger"), ("news", "news"), ("series", "seri"), ("gas", "gas"),
])
def test_stem_is_porter2(word, stem):
    assert analysis.stem(word) == stem


def test_analyze_lowercases_drops_stop_words_and_possessives():
    assert analysis.analyze("The U.S. and China’s 3.5 Satellites, said Reuters!") == [
        "us", "china", "3.5", "satellit", "reuter"]


@pytest.mark.parametrize("text, terms", [
    ("e-mail", ["email", "e", "mail"]), ("email", ["email"]), ("E‐Mail", ["email", "e", "mail"]),
    ("U.S.", ["us"]), ("US", ["us"]), ("us", []), ("the WHO", ["who"]),
    ("2,850 and 1,000,000", ["2850", "1000000"]), ("1,2", ["1", "2"]), ("3G A380 3.5", ["3g", "a380", "3.5"]),
    ("e.g. bbc.co.uk", ["eg", "bbc.co.uk"]),
])
def test_compounds_numbers_and_acronyms_are_one_term(text, terms):
    assert analysis.analyze(text) == terms


def test_a_hyphenated_query_word_asks_for_the_joined_term():
    assert analysis.plan_query("e-mail")["words"] == [{"term": "email", "prefix": "email"}]
    assert analysis.plan_query("talked")["words"] == [{"term": "talk", "prefix": "talk"}]


def test_html_to_text_keeps_text_and_drops_scripts():
    markup = "<p>Fish &amp; chips</p><script>alert(1)</script><p>are <em>served</em></p>"
    assert html_to_text(markup) == "Fish & chips are served"


def test_plan_prefixes_only_the_last_word_and_skips_stop_words_as_terms():
    plan = analysis.plan_query("the ferries sat")
    assert plan["words"] == [
        {"term": "ferri", "prefix": None},
        {"term": "sat", "prefix": "sat"},
    ]
    assert plan["title"] == "ferri sat"
    assert analysis.plan_query("ab")["words"] == [{"term": "ab", "prefix": None}]


def test_order_is_newest_first_then_by_url():
    dated = [doc("b.html", "B", "2025-01-01"), doc("a.html", "A", "2025-01-01"), doc("c.html", "C", "2025-02-01")]
    assert [item["url"] for item in documents.order(dated)] == ["c.html", "a.html", "b.html"]


def test_partition_puts_every_term_in_exactly_one_shard_in_js_order():
    analyzed = [documents.analyzed_fields(item) for item in ARCHIVE]
    serialized = reference.build_index(analyzed).serialize()
    firsts, shards = reference.partition(serialized, 200)
    assert len(shards) > 5
    assert firsts == sorted(firsts, key=term_shards.js_order)
    terms = [term for shard in shards for term, _ in shard["index"]["invertedIndex"]]
    assert sorted(terms) == sorted(term for term, _ in serialized["invertedIndex"])
    for number, shard in enumerate(shards):
        for term, _ in shard["index"]["invertedIndex"]:
            assert term_shards.shard_for(term, firsts) == number


def test_shard_range_covers_every_term_with_the_prefix():
    analyzed = [documents.analyzed_fields(item) for item in ARCHIVE]
    firsts, shards = reference.partition(reference.build_index(analyzed).serialize(), 100)
    for prefix in ("co", "fer", "s", "zz"):
        holding = {n for n, shard in enumerate(shards) for term, _ in shard["index"]["invertedIndex"]
                   if term.startswith(prefix)}
        assert holding <= set(term_shards.shard_range(prefix, firsts)), prefix


QUERIES = ["ferry", "comet observatory", "sat", "council harbour", "electric ferries", "walls", "fer", "comets"]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("common_docs", [None, 1, 2])
def test_sharded_search_equals_the_unsharded_index(query, common_docs):
    assert run(query, shard_bytes=150, common_docs=common_docs) == run(query, shard_bytes=10**9)


@pytest.mark.parametrize("query", [*QUERIES, "harbour council", "the comet", "science", "politics ferry"])
@pytest.mark.parametrize("shard_bytes", [150, 400, 10**9])
def test_stored_prefixes_give_the_results_lunr_gives(query, shard_bytes):
    assert run(query, shard_bytes, common_docs=2, prefixes=PREFIXES) == run(query, shard_bytes, common_docs=2)


@pytest.mark.parametrize("shard_bytes", [150, 10**9])
def test_common_prefixes_have_stored_results_equal_to_lunr_py_s_own_query_of_their_shard(shard_bytes):
    analyzed = [documents.analyzed_fields(item) for item in ARCHIVE]
    serialized = reference.build_index(analyzed).serialize()
    firsts, shards = reference.partition(serialized, shard_bytes, common_docs=2, prefixes=PREFIXES)
    compared = set()
    expansions = set()
    for number, shard in enumerate(shards):
        loaded = reference.load_shard(shard)
        for word, stored in shard["prefixes"].items():
            expanded, refs, _ = shard["prefixes"][stored] if isinstance(stored, str) else stored
            expansions.add(expanded)
            assert number in term_shards.shard_range(word, firsts)
            lunr_results = reference._lunr_query(loaded.index, word, analysis.PREFIX_FIELDS, reference.Query.WILDCARD_TRAILING)
            expected = {result["ref"]: reference._round(result["score"]) for result in lunr_results}
            assert len(expected) >= PREFIXES.docs
            stored = reference._prefix_results(loaded, word, analysis.PREFIX_FIELDS)
            assert {result["ref"]: reference._round(result["score"]) for result in stored} == expected, word
            assert refs == sorted(refs)
            compared.add(word)
    # "council" expands to council and councillor.
    assert {"ferri", "council", "comet"} <= compared
    assert "electric" not in compared  # in one article's fields only
    assert not any(len(word) < PREFIXES.min_length for word in compared)
    assert shard_bytes < 1000 or max(expansions) > 1


def test_words_with_the_same_expansion_in_a_shard_share_their_stored_results():
    analyzed = [documents.analyzed_fields(item) for item in ARCHIVE]
    serialized = reference.build_index(analyzed).serialize()
    firsts, shards = reference.partition(serialized, 100, prefixes=PREFIXES._replace(docs=1))
    shared = 0
    for number, shard in enumerate(shards):
        loaded = reference.load_shard(shard)
        for word, stored in shard["prefixes"].items():
            if isinstance(stored, str):
                # "council" (an earlier shard's word whose prefix range reaches
                # here) and "councillor" (this shard's first term, the only
                # term of the shard starting with "council").
                shorter, longer = sorted((word, stored), key=len)
                assert longer.startswith(shorter) and term_shards.shard_for(shorter, firsts) < number
                assert isinstance(shard["prefixes"][stored], list)
                lunr_results = reference._lunr_query(loaded.index, word, analysis.PREFIX_FIELDS, reference.Query.WILDCARD_TRAILING)
                assert reference._prefix_results(loaded, word, analysis.PREFIX_FIELDS) == \
                    [{"ref": result["ref"], "score": pytest.approx(result["score"])}
                     for result in sorted(lunr_results, key=lambda result: int(result["ref"]))]
                shared += 1
    assert shared >= 1


def test_a_prefix_is_stored_only_when_it_finds_enough_articles():
    analyzed = [documents.analyzed_fields(item) for item in ARCHIVE]
    serialized = reference.build_index(analyzed).serialize()
    _, (shard,) = reference.partition(serialized, 10**9, prefixes=PREFIXES)
    # Words found in the titles, tags, topics or summaries of two articles.
    assert set(shard["prefixes"]) == {"comet", "council", "ferri", "polit", "scienc"}
    # As lunr's token set expands "council*": council, councillor and e.html's whole title.
    assert shard["prefixes"]["council"][0] == 3
    _, (shard,) = reference.partition(serialized, 10**9, prefixes=PREFIXES._replace(docs=3))
    assert shard["prefixes"] == {}


def test_common_words_have_stored_results_equal_to_lunr_py_s_own_query():
    analyzed = [documents.analyzed_fields(item) for item in ARCHIVE]
    whole = reference.build_index(analyzed)
    _, shards = reference.partition(whole.serialize(), 200, common_docs=2)
    stored = {term: results for shard in shards for term, results in shard["exact"].items()}
    assert {"ferri", "council", "comet", "harbour"} <= stored.keys()
    assert "electr" not in stored  # in one article only
    for term, (refs, scores) in stored.items():
        lunr_results = reference._lunr_query(whole, term, analysis.WORD_FIELDS, reference.Query.WILDCARD_NONE)
        expected = {result["ref"]: reference._round(result["score"]) for result in lunr_results}
        assert {str(ref): reference._round(score) for ref, score in zip(refs, scores)} == expected, term
        assert len(refs) >= 2 and refs == sorted(refs)


def test_common_words_leave_their_body_postings_and_vectors_out_of_the_lunr_index():
    analyzed = [documents.analyzed_fields(item) for item in ARCHIVE]
    serialized = reference.build_index(analyzed).serialize()
    _, shards = reference.partition(serialized, 10**9, common_docs=2)
    (shard,) = shards
    postings = dict(shard["index"]["invertedIndex"])
    whole = dict(serialized["invertedIndex"])
    assert postings["ferri"]["body"] == {} != whole["ferri"]["body"]
    assert postings["ferri"]["title"] == whole["ferri"]["title"]  # prefixes still find it in titles
    assert postings["electr"] == whole["electr"]
    ferry = whole["ferri"]["_index"]
    for ref, elements in shard["index"]["fieldVectors"]:
        if ref.startswith("body/"):
            assert ferry not in elements[0::2], ref
    assert reference.Index.load(shard["index"]).fields == list(analysis.FIELDS)


def test_prefix_finds_longer_words_in_titles_tags_and_summaries_not_bodies():
    assert urls(run("observ")[0]) == ["c.html"]  # "observatory" in its summary
    assert urls(run("dis")[0]) == []  # "dish" only in d.html's body
    assert urls(run("dish")[0]) == ["d.html"]  # the whole word is found in the body


def test_exact_title_ranks_first():
    # b.html says "ferry" five times; the query is a.html's exact title.
    refs, _ = run("Harbour ferry timetable approved")
    assert urls(refs)[0] == "a.html"


def test_several_words_require_all_then_fall_back_to_any():
    refs, mode = run("comet rooftop")
    assert (urls(refs), mode) == (["d.html"], "all")
    refs, mode = run("comet zeppelin")
    assert mode == "any" and set(urls(refs)) == {"c.html", "d.html"}


def test_facets_give_year_and_month_ranges_of_the_date_order():
    doc_topics, years, months = documents.facets(ARCHIVE, TOPICS)
    assert years == [[2025, 0, 2], [2024, 3, 4]]
    # d.html 2025-02-18, e.html 2025-02-03, b.html 2025-01-15, c.html 2024-12-02, a.html 2024-11-04
    assert months == [[202502, 0, 1], [202501, 2, 2], [202412, 3, 3], [202411, 4, 4]]
    assert [TOPICS[n] for n in doc_topics] == [item["topic"] for item in ARCHIVE]


def test_files_are_javascript_assignments_and_deterministic():
    options = search_settings.settings_from({"shard_bytes": 300, "doc_shard_size": 2})
    first = search_output.search_files(ARCHIVE, TOPICS, options)
    again = search_output.search_files(list(ARCHIVE), list(TOPICS), options)
    assert first == again
    assert first["manifest.js"].startswith("window.ARCHIVE_SEARCH={manifest:{")
    assert first["t/0.js"].startswith("ARCHIVE_SEARCH.terms[0]=JSON.parse('{")
    assert first["d/2.js"].startswith("ARCHIVE_SEARCH.docs[2]=JSON.parse('[")
    assert set(search_output.js_assigned(first["t/0.js"])) == {"index", "exact", "prefixes"}
    assert sorted(name for name in first if name.startswith("d/")) == ["d/0.js", "d/1.js", "d/2.js"]
    manifest = json.loads(first["manifest.js"].removeprefix("window.ARCHIVE_SEARCH={manifest:").removesuffix(",terms:{},docs:{},passages:{},words:{}};\n"))
    assert manifest["ref"] == analysis.REF and manifest["fields"] == list(analysis.FIELDS)
    assert manifest["docCount"] == 5 and manifest["topics"] == TOPICS
    assert manifest["passageShardSize"] == options["passage_shard_size"]


def test_the_word_list_holds_each_written_word_with_its_articles_in_shards():
    options = search_settings.settings_from({"word_shard_bytes": 40})
    archive = documents.order([*ARCHIVE, doc("f.html", "Ferry fares up 3.5% on route A380")])
    files = search_output.search_files(archive, TOPICS, options)
    manifest = reference.read_manifest_text(files["manifest.js"])
    shards = [search_output.js_assigned(files[f"w/{number}.js"]) for number in range(len(manifest["wordShards"]))]
    assert len(shards) > 3
    words = [pair for text, docs in shards for pair in zip(text.split(" "), docs)]
    assert [text.split(" ")[0] for text, _ in shards] == manifest["wordShards"]
    assert [term for term, _ in words] == sorted((term for term, _ in words), key=term_shards.js_order)
    found = dict(words)
    # Words as written, counted once per article.
    assert found["ferry"] == 3 and found["ferries"] == 2 and found["harbour"] == 2 and found["comet"] == 2
    assert found["fares"] == 1 and found["route"] == 1 and found["rooftop"] == 1
    # Numbers, codes, stop words and short words are no corrections.
    assert not {"3.5", "a380", "the", "on", "up"} & found.keys()
    assert manifest["correction"] == analysis.CORRECTION


def test_passage_shards_hold_each_body_excerpt_in_ref_order():
    options = search_settings.settings_from({"snippet_chars": 30, "passage_shard_size": 2})
    files = search_output.search_files(ARCHIVE, TOPICS, options)
    assert sorted(name for name in files if name.startswith("x/")) == ["x/0.js", "x/1.js", "x/2.js"]
    texts = []
    for number in range(3):
        text = files[f"x/{number}.js"]
        assert text.startswith(f"ARCHIVE_SEARCH.passages[{number}]=JSON.parse('[")
        texts += search_output.js_assigned(text)
    assert texts == [documents.excerpt(item["body"], 30) for item in ARCHIVE]
    assert all(len(text) <= 30 for text in texts)


@pytest.mark.parametrize("chars, expected", [
    (500, "One two three. Four five six seven! Eight nine ten eleven twelve."),
    (40, "One two three. Four five six seven!"),
    (20, "One two three."),
    (12, "One two"),  # the first sentence end comes too late: cut at a space
])
def test_excerpt_cuts_at_a_sentence_end_within_the_cap(chars, expected):
    assert documents.excerpt("One two three. Four five six seven! Eight nine ten eleven twelve.", chars) == expected


def test_excerpt_of_a_text_without_spaces_is_cut_at_the_cap():
    assert documents.excerpt("x" * 50, 20) == "x" * 20


def test_analysis_cache_is_reused_by_content_hash():
    sentinel = {name: ["cached"] for name in analysis.FIELDS}
    key = documents.fingerprint(ARCHIVE[0])
    analyzed, fresh = documents.analyze_all(ARCHIVE[:2], {key: sentinel})
    assert analyzed[0] is sentinel
    assert analyzed[1] == {**documents.counted_fields(documents.analyzed_fields(ARCHIVE[1])),
                           documents.WRITTEN: documents.written_words(ARCHIVE[1])}
    assert set(fresh) == {key, documents.fingerprint(ARCHIVE[1])}


def test_analysis_cache_round_trips_and_a_damaged_one_is_empty(tmp_path):
    cache = {documents.fingerprint(item): documents.analyzed_fields(item) for item in ARCHIVE}
    path = tmp_path / "search" / "analysis.pickle"
    search_output.save_cache(path, cache)
    assert search_output.load_cache(path) == cache
    assert list(path.parent.iterdir()) == [path]  # no temporary file left
    path.write_bytes(b"not a pickle")
    assert search_output.load_cache(path) == {}
    assert search_output.load_cache(tmp_path / "missing.pickle") == {}


def test_body_texts_are_reused_by_a_hash_of_the_html_and_kept_only_for_these_bodies(monkeypatch):
    htmls = ["<p>Ferries <em>sail</em> hourly.</p>", "<p>A comet at dawn.</p>"]
    texts, fresh = search_output.body_texts(htmls, {})
    assert texts == [html_to_text(html) for html in htmls]
    calls = []
    monkeypatch.setattr(search_output, "html_to_text", lambda html: calls.append(html) or "new text")
    again, kept = search_output.body_texts([htmls[1], "<p>Edited.</p>"], fresh)
    assert again == [texts[1], "new text"] and calls == ["<p>Edited.</p>"]
    assert len(kept) == 2 and kept.keys() != fresh.keys()


def test_cached_texts_made_by_other_code_are_not_used(tmp_path, monkeypatch):
    path = tmp_path / "texts.pickle"
    _, fresh = search_output.body_texts(["<p>Ferries sail hourly.</p>"], {})
    search_output.save_texts(path, fresh)
    assert search_output.load_texts(path) == fresh
    monkeypatch.setattr(search_output, "_text_rules", lambda: "html_text.py changed")
    assert search_output.load_texts(path) == {}
    path.write_bytes(b"damaged")
    assert search_output.load_texts(path) == {}


def test_write_files_copies_lunr_and_clears_old_shards(tmp_path):
    lunr_js = tmp_path / "lunr.js"
    lunr_js.write_text("/* lunr */", encoding="utf-8")
    for folder in ("t", "x"):
        stale = tmp_path / "out" / "search" / folder / "99.js"
        stale.parent.mkdir(parents=True)
        stale.write_text("old", encoding="utf-8")
    reported = search_output.write_files(tmp_path / "out", iter([("manifest.js", "m"), ("t/0.js", "t0"), ("d/0.js", "d0")]), lunr_js)
    written = sorted(str(path.relative_to(tmp_path / "out" / "search")) for path in (tmp_path / "out" / "search").rglob("*.js"))
    assert written == ["d/0.js", "lunr.js", "manifest.js", "t/0.js"] == sorted(reported)


def test_write_files_shared_between_processes_writes_the_same_files(tmp_path, monkeypatch):
    lunr_js = tmp_path / "lunr.js"
    lunr_js.write_text("lunr")
    options = search_settings.settings_from({"shard_bytes": 200, "doc_shard_size": 2, "passage_shard_size": 1})
    expected = search_output.search_files(ARCHIVE, TOPICS, options)
    assert len(expected) > 6
    monkeypatch.setattr(search_output, "WRITERS_MIN_FILES", 1)
    made = {}
    for writers in (1, 2, 3):
        out = tmp_path / f"out-{writers}"
        written = search_output.write_files(out, search_output.search_file_makers(ARCHIVE, TOPICS, options), lunr_js, writers)
        assert written == [*expected, "lunr.js"]  # in order, whoever wrote them
        made[writers] = {str(p.relative_to(out)): p.read_text() for p in out.rglob("*") if p.is_file()}
    assert made[1] == made[2] == made[3] == {**{f"search/{k}": v for k, v in expected.items()}, "search/lunr.js": "lunr"}


def test_write_files_leaves_files_with_the_same_bytes_alone(tmp_path):
    lunr_js = tmp_path / "lunr.js"
    lunr_js.write_text("/* lunr */", encoding="utf-8")
    search = tmp_path / "out" / "search"
    search_output.write_files(tmp_path / "out", iter([("t/0.js", "same"), ("t/1.js", "before")]), lunr_js)
    for path in search.rglob("*.js"):
        os.utime(path, ns=(0, 0))
    search_output.write_files(tmp_path / "out", iter([("t/0.js", "same"), ("t/1.js", "after \u2028")]), lunr_js)
    assert (search / "t" / "0.js").stat().st_mtime_ns == 0 and (search / "lunr.js").stat().st_mtime_ns == 0
    assert (search / "t" / "1.js").read_text(encoding="utf-8") == "after \u2028"
    # Shorter, longer, the same length: rewritten in place, the bytes are the new ones alone.
    for text in ("a", "a longer text", "the same size", "the same SIZE", ""):
        search_output.write_files(tmp_path / "out", iter([("t/1.js", text)]), lunr_js)
        assert (search / "t" / "1.js").read_text(encoding="utf-8") == text


def test_the_shared_write_if_changed_says_whether_it_wrote_and_makes_folders(tmp_path):
    # archivist.files.write_if_changed, the search files' and the citation pages' (str paths there).
    path = str(tmp_path / "new" / "folder" / "file.js")
    assert write_if_changed(path, b"first") is True
    os.utime(path, ns=(0, 0))
    assert write_if_changed(path, b"first") is False
    assert os.stat(path).st_mtime_ns == 0
    assert write_if_changed(path, b"1st") is True
    assert Path(path).read_bytes() == b"1st"


def test_missing_lunr_js_says_how_to_get_it(tmp_path):
    missing = tmp_path / "node_modules" / "lunr" / "lunr.js"
    with pytest.raises(search_settings.SearchSettingsError, match=r"lunr.js not found; run `npm ci`"):
        search_settings.lunr_js_path(search_settings.settings_from({"lunr_js": str(missing)}))
    assert search_settings.lunr_js_path(search_settings.settings_from(None)).name == "lunr.min.js"  # node_modules of the repository


def test_missing_porter2_says_how_to_get_it(tmp_path):
    missing = tmp_path / "node_modules" / "porter2" / "dist" / "index.js"
    with pytest.raises(search_settings.SearchSettingsError, match=r"porter2 stemmer not found; run `npm ci`"):
        search_settings.porter2_js_path(search_settings.settings_from({"porter2_js": str(missing)}))
    assert search_settings.porter2_js_path(search_settings.settings_from(None)).is_file()


def test_the_stemmer_module_becomes_a_script_that_sets_a_global(tmp_path):
    script = search_output.script_of_module("exports.stem = function (w) { return w + '!'; };\n", "porter2")
    assert script.count(b"exports.stem") == 1
    assert script.endswith(b"})(self.porter2 = {});\n")


def test_the_fast_builder_serializes_exactly_what_lunr_py_builds():
    archive = ARCHIVE + [doc(f"x{n}.html", f"Extra {n} ferry", tags=["ferries"], body="ferry " * n + "harbour")
                         for n in range(1, 8)]
    analyzed = [documents.analyzed_fields(item) for item in archive]
    expected = json.dumps(reference.build_index(analyzed).serialize(), sort_keys=True)
    assert json.dumps(reference.serialized_index(analyzed), sort_keys=True) == expected
    # Fields counted ahead (as the analysis cache keeps them) give the same index.
    counted = [documents.counted_fields(fields) for fields in analyzed]
    assert json.dumps(reference.serialized_index(counted), sort_keys=True) == expected


def test_a_field_empty_in_every_document_builds_as_lunr_py_builds_it():
    untagged = [doc(item["url"], item["title"], summary=item["summary"], body=item["body"]) for item in ARCHIVE]
    analyzed = [documents.analyzed_fields(item) for item in untagged]
    expected = json.dumps(reference.build_index(analyzed).serialize(), sort_keys=True)
    assert json.dumps(reference.serialized_index(analyzed), sort_keys=True) == expected


def test_sharded_index_is_the_partition_of_the_whole_index():
    analyzed = [documents.analyzed_fields(item) for item in ARCHIVE]
    for shard_bytes in (100, 200, 48_000):
        for common_docs in (None, 2):
            expected = reference.partition(reference.build_index(analyzed).serialize(), shard_bytes, common_docs)
            firsts, makers = term_shards.shard_makers(analyzed, shard_bytes, common_docs)
            assert (firsts, [make() for make in makers]) == expected


def test_the_cycle_collector_is_paused_while_indexing_and_restored_after():
    import gc

    assert gc.isenabled()
    with search_plugin.cycle_collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with search_plugin.cycle_collection_paused():
            pass
        assert not gc.isenabled()  # as it was
    finally:
        gc.enable()


# -- the index on arrays against lunr.py's own ----------------------------------------

# Terms with shared prefixes (for the stored prefix clauses), spaces (like "fulltitle"),
# upper case (lunr lower-cases), and characters whose JavaScript (UTF-16) order is not
# Python's: the shards follow one order, each shard's inverted index the other.
VOCABULARY = ["sat", "satellite", "saturn", "sate", "par", "part", "party", "parts", "ferry", "fer",
              "comet", "comets", "co", "cob", "ferry timetable", "News", "news", "\uff5aoo", "\U0001f600ha",
              "\u00e9t\u00e9", "x", "zz", "harbour", "harbours", "3.5", "u.s"]


def _corpus(max_docs=12, body=20):
    short = st.lists(st.sampled_from(VOCABULARY), max_size=5)
    return st.lists(st.fixed_dictionaries({
        "title": short, "tags": short, "topic": st.lists(st.sampled_from(VOCABULARY), max_size=1),
        "summary": short, "body": st.lists(st.sampled_from(VOCABULARY), max_size=body),
        "fulltitle": st.lists(st.sampled_from(VOCABULARY), max_size=1),
    }), min_size=1, max_size=max_docs)


def _shard_texts(firsts, shards):
    # orjson's bytes: they tell 2 from 2.0 and each float's last bit.
    return firsts, [search_output.js_assign("terms[0]", shard) for shard in shards]


@settings(max_examples=150, deadline=None)
@given(analyzed=_corpus(), shard_bytes=st.sampled_from([80, 300, 2000, 10**9]),
       common_docs=st.sampled_from([None, 1, 2, 3]), prefix_docs=st.sampled_from([None, 1, 2, 4]))
@example(analyzed=[{field: [] for field in analysis.FIELDS}], shard_bytes=80, common_docs=1, prefix_docs=1)
def test_the_array_index_is_lunr_py_s_index_partitioned(analyzed, shard_bytes, common_docs, prefix_docs):
    prefixes = None if prefix_docs is None else term_shards.PrefixRule(docs=prefix_docs, min_length=2, max_shards=3)
    expected = reference.partition(reference.build_index(analyzed).serialize(), shard_bytes, common_docs, prefixes)
    firsts, makers = term_shards.shard_makers(analyzed, shard_bytes, common_docs, prefixes)
    assert _shard_texts(firsts, [make() for make in makers]) == _shard_texts(*expected)


def test_the_array_index_of_a_larger_archive_is_the_reference_one():
    # Long expansions, many common words, documents in most shards: the pure-Python
    # sharding of the pure-Python builder (itself tested against lunr.py above) is the reference.
    import random

    generator = random.Random(7)
    words = [generator.choice(["sat", "par", "co", "fe", "ha", ""]) + "".join(generator.choices("aeiourst", k=generator.randint(1, 6)))
             for _ in range(800)]
    weights = [1 / (rank + 1) for rank in range(len(words))]

    def terms(count):
        return generator.choices(words, weights, k=generator.randint(0, count))

    analyzed = [documents.counted_fields({"title": terms(8), "tags": terms(3), "topic": terms(1), "summary": terms(25),
                                   "body": terms(300), "fulltitle": [" ".join(terms(4))]}) for _ in range(400)]
    for shard_bytes, common_docs, prefixes in [(48_000, 100, term_shards.PrefixRule(100, 3, 8)), (5_000, 20, term_shards.PrefixRule(15, 2, 4))]:
        expected = reference.sharded_makers(analyzed, shard_bytes, common_docs, prefixes)
        firsts, makers = term_shards.shard_makers(analyzed, shard_bytes, common_docs, prefixes)
        assert len(makers) > 3
        assert _shard_texts(firsts, [make() for make in makers]) == _shard_texts(expected[0], [make() for make in expected[1]])


# Values whose exact decimal lies just past a half of 0.001 while value * 1000, a float, is the half:
# numpy's np.round(value, 3) gives 0.002 for 0.0025, Python's round gives 0.003.
HALVES = [0.0025, 0.0055, 0.0075, 0.0085, 0.0095, 0.0105]


@pytest.mark.parametrize("value", HALVES)
def test_rounding_near_a_half_is_python_s(value):
    assert float(np.round(value, 3)) != round(value, 3)  # the case exists
    assert term_shards._rounded(np.array([value])).tolist() == [round(value, 3)]


@settings(max_examples=300, deadline=None)
@given(thousandths=st.lists(st.integers(0, 10**7), min_size=1, max_size=50), steps=st.integers(-4, 4),
       others=st.lists(st.floats(0, 1e4), max_size=50))
def test_rounding_is_python_s_round_to_three_digits(thousandths, steps, others):
    values = []
    for whole in thousandths:  # a hair around (whole + 0.5) / 1000
        value = (whole + 0.5) / 1000
        for _ in range(abs(steps)):
            value = float(np.nextafter(value, np.inf if steps > 0 else -np.inf))
        values.append(value)
    values += others
    rounded = term_shards._rounded(np.array(values, dtype=np.float64)).tolist()
    assert [(type(number), number) for number in rounded] == [(float, round(value, 3)) for value in values]


@settings(max_examples=200, deadline=None)
@given(runs=st.lists(st.lists(st.floats(0, 1000), min_size=1, max_size=9), max_size=20))
def test_ordered_sums_add_each_run_in_order(runs):
    values = np.array([value for run in runs for value in run], dtype=np.float64)
    starts = np.cumsum([0] + [len(run) for run in runs[:-1]]).astype(np.int64) if runs else np.zeros(0, np.int64)
    expected = []
    for run in runs:
        total = 0.0
        for value in run:
            total = total + value
        expected.append(total)
    assert term_shards._ordered_sums(values, starts).tolist() == expected


@settings(max_examples=200, deadline=None)
@given(value=st.recursive(st.text(alphabet="ab'\\\"\u2028\u2029\n\u00e9\U0001f600 "),
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text("ab'\\"), inner, max_size=3)))
def test_js_assign_escapes_what_a_single_quoted_javascript_string_must(value):
    escapes = {"\\": "\\\\", "'": "\\'", "\u2028": "\\u2028", "\u2029": "\\u2029"}
    literal = "".join(escapes.get(char, char) for char in search_output._json(value))
    assert search_output.js_assign("terms[3]", value) == f"ARCHIVE_SEARCH.terms[3]=JSON.parse('{literal}');\n"
    assert search_output.js_assigned(search_output.js_assign("terms[3]", value)) == value


def test_loading_the_plugin_does_not_import_numpy():
    # Only the index's own (often forked) process needs numpy: 0.2 s of every build's start.
    code = "import sys; import search; print('numpy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent / "plugins", capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
