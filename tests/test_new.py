"""`archivist new`: a complete article at the conventional path; new -> check -> build."""

import datetime
import json

import pytest

from archivist import frontmatter
from archivist.cli import main
from tests.conftest import build_site
from tests.test_check import archive, check  # noqa: F401  (fixture and helper)


def new(capsys, *args):
    status = main(["new", "--settings", "settings.py", *args])
    out, err = capsys.readouterr()
    return status, out.strip(), err


def test_new_writes_complete_front_matter_and_prints_the_path(archive, capsys):
    status, out, _ = new(capsys, "Café Owners Protest New Rules", "--category", "society",
                         "--date", "2025-03-20", "--source", "Harbour Weekly")
    assert status == 0
    assert out == "content/articles/2025/2025-03-20-cafe-owners-protest-new-rules.md"
    article = frontmatter.parse((archive / out).read_text(encoding="utf-8"))
    assert article.meta == {
        "title": "Café Owners Protest New Rules",
        "date": datetime.date(2025, 3, 20),
        "category": "Society",
        "tags": ["TODO"],
        "summary": "TODO: one or two sentences saying what happened.",
        "source": "Harbour Weekly",
        "slug": "cafe-owners-protest-new-rules",
        "status": "draft",
    }
    assert article.body.lstrip().startswith("TODO: write the article here")


def test_the_date_defaults_to_today(archive, capsys):
    status, out, _ = new(capsys, "Lighthouse Keeper Retires", "--category", "Society")
    today = datetime.datetime.now(datetime.timezone.utc).date()
    assert status == 0
    assert out == f"content/articles/{today:%Y}/{today.isoformat()}-lighthouse-keeper-retires.md"


def test_check_warns_of_the_draft_and_strict_refuses_it(archive, capsys):
    _, path, _ = new(capsys, "Lighthouse Keeper Retires", "--category", "Society", "--date", "2025-03-01")
    status, out, _ = check(capsys, path)
    assert status == 0
    assert [line.split(": warning: ")[1].split(":")[0] for line in out] == [
        "tags still hold the TODO placeholder",
        "'summary' still holds the TODO placeholder",
        "'source' still holds the TODO placeholder",
        "draft",
        "the body still holds a TODO placeholder",
    ]
    assert "to finish it, replace every TODO, then delete the line 'status: draft'" in out[3]
    status, strict, _ = check(capsys, "--strict", path)
    assert (status, strict) == (1, out)
    # Finished but still a draft: --strict still fails, on the draft alone.
    text = (archive / path).read_text(encoding="utf-8").replace("TODO", "Done")
    (archive / path).write_text(text, encoding="utf-8")
    status, strict, _ = check(capsys, "--strict", path)
    assert status == 1 and [line.split(": warning: ")[1][:6] for line in strict] == ["draft:"]


def test_new_never_overwrites(archive, capsys):
    args = ("Lighthouse Keeper Retires", "--category", "Society", "--date", "2025-03-01")
    _, path, _ = new(capsys, *args)
    (archive / path).write_text("my work", encoding="utf-8")
    status, _, err = new(capsys, *args)
    assert status == 1
    assert f"{path}: already exists" in err
    assert (archive / path).read_text(encoding="utf-8") == "my work"


@pytest.mark.parametrize("args, message", [
    (("Ferry Crew Rescues Stranded Kayakers", "--category", "Society"),
     "the slug 'ferry-crew-rescues-stranded-kayakers' is already used by"),
    (("Comet Seen", "--category", "Sciense"), "unknown topic 'Sciense': did you mean 'Science'?"),
    (("Comet Seen", "--category", "Science", "--date", "20/03/2025"), "--date '20/03/2025' is not a date"),
    (("   ", "--category", "Science"), "the headline is empty"),
])
def test_new_refuses_bad_input(archive, capsys, args, message):
    status, out, err = new(capsys, *args)
    assert status == 1 and out == ""
    assert message in err


def test_new_then_check_then_build_publishes_the_article(archive, capsys, tmp_path):
    _, path, _ = new(capsys, "Harbour Wall Repairs Finish Early", "--category", "Society",
                     "--date", "2025-03-02", "--source", "Harbour Weekly")
    text = (archive / path).read_text(encoding="utf-8")
    text = text.replace("  - TODO", "  - Harbour\n  - Repairs\n  - Engineering")
    text = text.replace("TODO: one or two sentences saying what happened.", "Repairs to the harbour wall ended early.")
    body = text.index("TODO: write")
    text = text[:body] + "Engineers finished the harbour wall repairs a week early, the council said.\n"
    text = text.replace("status: draft\n", "")
    (archive / path).write_text(text, encoding="utf-8")
    status, out, _ = check(capsys, "--strict")
    assert (status, out) == (0, [])
    output = tmp_path / "output"
    build_site(output, archive / "content")
    page = output / "2025" / "03" / "harbour-wall-repairs-finish-early.html"
    assert "Harbour Wall Repairs Finish Early" in page.read_text(encoding="utf-8")
    assert "harbour-wall-repairs-finish-early.html" in (output / "topics" / "society" / "index.html").read_text()


def test_the_article_template_is_refused_until_filled_in(archive, capsys):
    from tests.conftest import ROOT

    template = (ROOT / "docs" / "article-template.md").read_text(encoding="utf-8")
    path = archive / "content" / "articles" / "2025" / "2025-03-13-comet-returns.md"
    path.write_text(template, encoding="utf-8")
    status, out, _ = check(capsys, str(path.relative_to(archive)))
    assert status == 1
    assert {line.split(": error: ")[1].split(" ")[0] for line in out if ": error: " in line} >= {
        "'title'", "tags", "'summary'", "'source'", "'slug'", "the"}
    filled = (template.replace("TODO Headline In Title Case", "Comet Returns")
              .replace("  - TODO", "  - Comets\n  - Observatory")
              .replace("TODO one or two sentences saying what happened.", "A comet returned.")
              .replace("TODO Publication Name", "Harbour Weekly")
              .replace("TODO-lowercase-words-of-the-headline", "comet-returns"))
    filled = filled[: filled.index("TODO: the article")] + "The comet came back after eighty years.\n"
    path.write_text(filled, encoding="utf-8")
    status, out, _ = check(capsys, str(path.relative_to(archive)))
    assert (status, out) == (0, [])


def test_import_and_new_give_one_headline_one_slug(archive, capsys, tmp_path):
    headline = "U.S., EU agree 2025-26 budget"
    record = tmp_path / "wire.jsonl"
    text = ("Negotiators of the United States and the European Union agreed on the budget for the coming two "
            "years late on Sunday, after talks that ran through the weekend in the harbour city.")
    record.write_text(json.dumps({"title": headline, "text": text}) + "\n", encoding="utf-8")
    main(["import", str(record), "--settings", "settings.py", "--source", "Test Wire",
          "--date", "2025-03-16", "--dry-run", "--json"])
    imported = json.loads(capsys.readouterr().out)["articles"][0]["slug"]
    status, path, _ = new(capsys, headline, "--category", "World", "--date", "2025-03-16")
    assert status == 0
    assert imported == "us-eu-agree-2025-26-budget"
    assert path == f"content/articles/2025/2025-03-16-{imported}.md"


def test_a_fresh_article_builds_as_a_draft_in_preview_and_is_absent_from_production(archive, capsys, tmp_path):
    _, path, _ = new(capsys, "Harbour Wall Repairs Begin", "--category", "Society", "--date", "2025-03-02")
    slug = "harbour-wall-repairs-begin"
    preview = tmp_path / "preview"
    build_site(preview, archive / "content")  # make site: the TODOs do not stop it
    draft = (preview / "drafts" / f"{slug}.html").read_text(encoding="utf-8")
    assert '<p class="draft-notice" role="note"><strong>Draft</strong>' in draft
    assert '<meta name="robots" content="noindex">' in draft
    assert 'rel="tag"' not in draft and "<li>TODO</li>" in draft  # a draft is on no tag page
    elsewhere = [p for p in preview.rglob("*") if p.is_file() and p.parent.name != "drafts"
                 and slug in p.read_text(encoding="utf-8", errors="replace")]
    assert elsewhere == []  # no list, feed, sitemap entry or search shard names it
    production = tmp_path / "production"
    build_site(production, archive / "content", settings="publishconf.py", env={"SITEURL": "https://example.org"})
    assert (production / "index.html").exists() and not (production / "drafts").exists()
    assert not [p for p in production.rglob("*") if p.is_file()
                and slug in p.read_text(encoding="utf-8", errors="replace")]


def test_ci_checks_pull_requests_strictly_so_no_draft_is_merged():
    import yaml

    from tests.conftest import ROOT

    steps = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())["jobs"]["test"]["steps"]
    check_step = next(step for step in steps if "archivist check" in step.get("run", ""))
    assert check_step["run"].endswith("$STRICT")
    assert check_step["env"]["STRICT"] == "${{ github.event_name == 'pull_request' && '--strict' || '' }}"
