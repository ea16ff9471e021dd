"""Stop the build on a bad article, a skipped article or two pages on one path.

Pelican logs a file it cannot read and carries on without it (and
pelican-yaml-metadata builds an article with empty metadata from invalid
YAML). These receivers raise ``ArchiveGuardError`` instead; an exception from
a signal receiver ends ``pelican`` with exit status 1 and the message.
"""

import collections
import datetime
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


def article_sources(generator):
    """Every file under the article folders, as absolute paths (all extensions, no hidden files)."""
    files = generator.get_files(
        generator.settings["ARTICLE_PATHS"],
        exclude=generator.settings["ARTICLE_EXCLUDES"],
        extensions=False,
    )
    return sorted(os.path.join(generator.path, f) for f in files if not os.path.basename(f).startswith("."))


def produced_sources(generator):
    """Source paths of every article Pelican read, whatever its status."""
    groups = ("articles", "translations", "drafts", "drafts_translations",
              "hidden_articles", "hidden_translations")
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
    today = datetime.datetime.now(datetime.timezone.utc).date()
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
    sources = article_sources(generator)
    _checking = sources, background.start(
        lambda: check_sources(sources, settings), name="the archive checks"
    )


def check_articles(generator):
    """article_generator_finalized: validate every article file; raise on any error."""
    global _checking
    settings = generator.settings
    sources = article_sources(generator)
    checking, _checking = _checking, None
    if checking is not None and checking[0] == sources:
        findings = checking[1].wait()
    else:  # no check started, or the files changed while Pelican read them
        if checking is not None:
            checking[1].wait()
        findings = check_sources(sources, settings)
    errors = [f for f in findings if f.severity == checks.ERROR]
    warnings = len(findings) - len(errors)
    failed = {os.path.abspath(f.path) for f in errors}
    produced = produced_sources(generator)
    for source in sources:
        if source.endswith(".md") and source not in produced and os.path.abspath(source) not in failed:
            errors.append(checks.Finding(
                checks.display_path(source), 1, checks.ERROR,
                "Pelican could not read this article (see the messages above): fix it", "unread-by-pelican",
            ))
    if warnings:
        logger.info("archive_guard: %d warning(s); run `archivist check` to see them", warnings)
    if errors:
        refuse(sorted(errors), f"{len(errors)} error(s) in the articles")


def output_paths(generators):
    """(save_as, source path) of every page the build writes from content and templates."""
    for generator in generators:
        for group in ("articles", "translations", "hidden_articles", "hidden_translations",
                      "pages", "hidden_pages"):
            for item in getattr(generator, group, ()) or ():
                save_as = getattr(item, "save_as", "")  # formatted anew on each access: once
                if save_as:
                    yield save_as, item.source_path
    settings = generators[0].settings if generators else {}
    for name in settings.get("DIRECT_TEMPLATES", ()):
        save_as = settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html")
        if save_as:
            yield save_as, f"the '{name}' page of the theme"


def check_outputs(generators):
    """all_generators_finalized: no two things may write the same output file."""
    writers = collections.defaultdict(set)
    for save_as, source in output_paths(generators):
        writers[posixpath.normpath(save_as)].add(source)
    findings = []
    for save_as, sources in sorted(writers.items()):
        if len(sources) < 2:
            continue
        # Shown relative to the current folder, as archivist check shows them.
        ordered = sorted(source if source.startswith("the '") else checks.display_path(source)
                         for source in sources)
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
