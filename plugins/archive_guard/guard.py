"""Stop the build on a bad article, a skipped article or two pages on one path.

Pelican logs a file it cannot read and carries on without it (and
pelican-yaml-metadata builds an article with empty metadata from invalid
YAML). These receivers raise ``ArchiveGuardError`` instead; an exception from
a signal receiver ends ``pelican`` with exit status 1 and the message.
"""

import collections
import logging
import os
import posixpath
import sys

from archivist import background, build_cache, checks
from archivist.errors import ArchivistError

logger = logging.getLogger(__name__)

# What each file's bytes tell on their own, kept between builds (see check_sources).
CACHE_FILE = os.path.join("archive_guard", "checks.pickle")


class ArchiveGuardError(ArchivistError):
    """The archive has errors that would publish a wrong site."""

    exitcode = 1


def refuse(findings, what):
    """Print the findings one per line, unwrapped, then raise ArchiveGuardError."""
    # The original stream: Pelican's rich console would wrap long paths.
    stream = sys.__stderr__ or sys.stderr
    stream.write("".join(f"{finding}\n" for finding in findings))
    stream.flush()
    raise ArchiveGuardError(
        f"the build stopped: {what} (listed above, as path:line: error: ...). "
        "Fix them (`archivist check` shows every problem), then build again."
    )


def content_sources(generator):
    """Every file under the article and page folders, as absolute paths: all extensions, hidden files too.

    Hidden files are reported by the checks: whether Pelican reads them
    depends on IGNORE_FILES, and the checks never let a file through unchecked.
    """
    root = os.path.join(generator.path, "")
    return sorted(f for f in checks.content_files({**generator.settings, "PATH": generator.path})
                  if os.path.abspath(f).startswith(os.path.abspath(root)))


ARTICLE_GROUPS = ("articles", "translations", "drafts", "drafts_translations", "hidden_articles",
                  "hidden_translations")
PAGE_GROUPS = ("pages", "translations", "hidden_pages", "hidden_translations", "draft_pages",
               "draft_translations")


def produced_sources(generator, groups=ARTICLE_GROUPS):
    """Source paths of every article (or page, with PAGE_GROUPS) Pelican read, whatever its status."""
    return {
        os.path.abspath(item.source_path)
        for group in groups
        for item in getattr(generator, group, ())
    }


def check_sources(sources, settings):
    """``checks.check_files`` of every article file, reusing the last build's checks of unchanged files.

    A rebuild after one edit parses, checks and compares with the archive
    that one file: the checks of the others are taken from
    ``CACHE_PATH/archive_guard/checks.pickle`` (see ``checks.check_files``).
    """
    today = checks.archive_today(settings)
    if not settings.get("CACHE_PATH"):
        return checks.check_files(sources, settings, today=today, archive=sources)
    rules = checks.cache_rules(settings, today)
    path = os.path.join(settings["CACHE_PATH"], CACHE_FILE)
    cache = build_cache.load(path, rules) if settings.get("LOAD_CONTENT_CACHE") else None
    cache = cache if isinstance(cache, dict) else {}
    before = cache.get("digests")
    findings = checks.check_files(sources, settings, today=today, archive=sources, cache=cache)
    if cache.get("digests") != before:
        build_cache.save(path, rules, cache)
    return findings


_checking = None  # (sources, the check running in the background) of the build in progress


def start_checks(generator):
    """article_generator_init: check the article files in a background process while Pelican reads them.

    The checks read the source files themselves, so they need nothing from
    the build; :func:`check_articles` takes their findings before any page is
    written.
    """
    global _checking
    if _checking is not None:  # an earlier run in this process stopped before taking them
        try:
            _checking[1].wait()
        except background.BackgroundError:
            pass
    settings = generator.settings
    checks.options(settings)  # a bad ARCHIVE_GUARD stops the build here, not in the background
    sources = content_sources(generator)
    _checking = sources, background.start(
        lambda: check_sources(sources, settings), name="the archive checks"
    )


def check_articles(generator):
    """article_generator_finalized: validate every article file; raise on any error."""
    global _checking
    settings = generator.settings
    sources = content_sources(generator)
    checking, _checking = _checking, None
    if checking is not None and checking[0] == sources:
        findings = checking[1].wait()
    else:  # no check started, or the files changed while Pelican read them
        if checking is not None:
            checking[1].wait()
        findings = check_sources(sources, settings)
    errors = [f for f in findings if f.severity == checks.ERROR]
    warnings = len(findings) - len(errors)
    errors += unread(generator, [s for s in sources if checks.kind_of(s, settings) == checks.ARTICLE],
                     ARTICLE_GROUPS, errors)
    if warnings:
        logger.info("archive_guard: %d warning(s); run `archivist check` to see them", warnings)
    if errors:
        refuse(sorted(errors), f"{len(errors)} error(s) in the articles")


def unread(generator, sources, groups, errors):
    """An error for each visible Markdown file of ``sources`` that Pelican did not read and no error explains."""
    failed = {os.path.abspath(f.path) for f in errors}
    produced = produced_sources(generator, groups)
    return [
        checks.Finding(checks.display_path(source), 1, checks.ERROR,
                       "Pelican could not read this file (see the messages above): fix it", "unread-by-pelican")
        for source in sources
        if source.endswith(".md") and source not in produced and os.path.abspath(source) not in failed
        and not os.path.basename(source).startswith(".")
    ]


def check_pages(generator):
    """page_generator_finalized: a page Pelican did not read stops the build (the checks ran with the articles')."""
    sources = [s for s in content_sources(generator) if checks.kind_of(s, generator.settings) == checks.PAGE]
    errors = unread(generator, sources, PAGE_GROUPS, [])
    if errors:
        refuse(errors, f"{len(errors)} page(s) Pelican could not read")


def output_paths(generators):
    """(save_as, source path) of every page the build writes from content and templates."""
    for generator in generators:
        for group in ("articles", "translations", "hidden_articles", "hidden_translations", "drafts",
                      "pages", "hidden_pages", "draft_pages"):
            for item in getattr(generator, group, ()) or ():
                save_as = getattr(item, "save_as", "")  # formatted anew on each access: once
                if save_as:
                    yield save_as, item.source_path
        for group in ("tags", "categories"):  # a dict, or (after finalizing) a list of pairs
            pairs = getattr(generator, group, None) or ()
            for wrapper, items in pairs.items() if isinstance(pairs, dict) else pairs:
                save_as = getattr(wrapper, "save_as", "")
                if save_as and items:
                    yield save_as, items[0].source_path
    settings = generators[0].settings if generators else {}
    for name in settings.get("DIRECT_TEMPLATES", ()):
        save_as = settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html")
        if save_as:
            yield save_as, f"the '{name}' page of the theme"


def outside_output(save_as, output_path):
    """True when writing ``save_as`` under ``output_path`` would leave it.

    Pelican's own test (``sanitised_join``) compares string prefixes, so
    ``../output-sibling/x`` passes it for an output folder named ``output``;
    this compares whole path components.
    """
    root = os.path.abspath(output_path)
    target = os.path.abspath(os.path.join(root, save_as))
    return os.path.isabs(save_as) or os.path.commonpath([root, target]) != root or target == root


def shown(source):
    """A source as messages show it: relative to the current folder, or a theme page's description."""
    return source if source.startswith("the '") else checks.display_path(source)


def check_outputs(generators):
    """all_generators_finalized: every page lies inside the output folder, and no two write one file."""
    writers = collections.defaultdict(set)
    settings = generators[0].settings if generators else {}
    output_path = getattr(generators[0], "output_path", None) if generators else None
    output_path = output_path or settings.get("OUTPUT_PATH") or "output"
    findings = []
    for save_as, source in output_paths(generators):
        if outside_output(save_as, output_path):
            findings.append(checks.Finding(
                shown(source), 1, checks.ERROR,
                f"would write {save_as}, outside the output folder: change its slug", "outside-output"))
        writers[posixpath.normpath(save_as)].add(source)
    if findings:
        refuse(sorted(set(findings)), "a page would be written outside the output folder")
    for save_as, sources in sorted(writers.items()):
        if len(sources) < 2:
            continue
        # Shown relative to the current folder, as archivist check shows them.
        ordered = sorted(shown(source) for source in sources)
        for source in ordered:
            if source.startswith("the '"):
                continue
            others = ", ".join(s for s in ordered if s != source)
            findings.append(checks.Finding(
                source, 1, checks.ERROR,
                f"writes {save_as}, which {others} also writes: change its slug", "shared-output",
            ))
    if findings:
        refuse(findings, "two sources would write the same page")
