"""Archive search: a term-sharded lunr index written into the site's search/ folder.

The Pelican side of the plugin: when the articles are final, an
:class:`IndexJob` indexes them in the background while Pelican writes the
pages, and the build waits for it before it ends. The index itself is made by
plain functions that know nothing of Pelican (see docs/search.md).
"""

import contextlib
import gc
import logging
import time
from pathlib import Path

from pelican import signals

from archivist import background

from . import lunr_compat
from .documents import analyze_all, article_document, order, summary_html
from .output import body_texts, load_cache, load_texts, save_cache, save_texts, search_file_makers, write_files
from .settings import lunr_js_path, porter2_js_path, settings_from

logger = logging.getLogger(__name__)


def register():
    signals.article_generator_finalized.connect(index_articles_of)


def index_articles_of(generator):
    """Signal receiver (article_generator_finalized): start the index of the generator's articles.

    The articles are final once their generator is (the archive checks,
    connected before, have passed them); the index starts there rather than
    after the other generators and the output checks, so that it runs beside
    the slowest part of a rebuild, the writing of the pages.
    """
    IndexJob(generator).start()


class IndexJob:
    """The search index of one build, made in the background (a forked process with
    ``parallel``) and waited for when the build ends, where its log lines and errors surface.

    The job, not the module, holds the running index: it connects its own :meth:`wait`
    to ``finalized`` for the length of its build. If that build fails before it ends,
    the next build in the process (pelican --autoreload) waits for the job as it starts
    reading articles, so two indexes never write the same files at once.
    """

    # The signals that end a job: its build's end, or the start of the next build.
    _ENDS = (signals.finalized, signals.article_generator_init)

    def __init__(self, generator):
        self.generator = generator
        self.settings = generator.settings
        self.options = settings_from(self.settings.get("SEARCH"))
        self.running = None

    def start(self):
        """Check what the index needs (before any page is written), then start it."""
        # A missing script is said before any page is written.
        scripts = (lunr_js_path(self.options), porter2_js_path(self.options))
        lunr_compat.check_version()
        self.running = background.start(lambda: self.run(*scripts), self.options["parallel"], "the search index")
        for signal in self._ENDS:
            # Held strongly: nothing else refers to the job while it runs.
            signal.connect(self.wait, weak=False)

    def wait(self, sender=None):
        """Signal receiver (finalized; article_generator_init): wait for the index, once."""
        for signal in self._ENDS:
            signal.disconnect(self.wait)
        running, self.running = self.running, None
        if running is not None:
            running.wait()

    def run(self, lunr_js, porter2_js):
        """Index the articles and write the search files (in the background process)."""
        with cycle_collection_paused():
            index_articles(list(self.generator.articles), self.settings, self.options, lunr_js, porter2_js)


@contextlib.contextmanager
def cycle_collection_paused():
    """Python's cycle collector off for a while, then as it was.

    The index builder makes millions of lists and dicts and no reference
    cycles (refcounting frees all of them), and the collector walked them
    again and again as they piled up: a large share of the index's build
    time (docs/search.md).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _handed_over(items):
    """Yield the items of a list, removing each from it: the consumer is their last user."""
    for position, item in enumerate(items):
        items[position] = None
        yield item


def index_articles(articles, settings, options, lunr_js, porter2_js=None):
    """Index Pelican ``articles`` and write the search files into the site."""
    started = time.perf_counter()
    cache_dir = Path(options["cache_path"] or Path(settings["CACHE_PATH"]) / "search")
    known = load_texts(cache_dir / "texts.pickle")
    # Summaries too: the same HTML to text, cached the same way.
    texts, fresh = body_texts([article.content for article in articles] + [summary_html(a) for a in articles],
                              known)
    if fresh.keys() != known.keys():
        save_texts(cache_dir / "texts.pickle", fresh)
    bodies, summaries = texts[:len(articles)], texts[len(articles):]
    documents = order(article_document(article, body, summary)
                      for article, body, summary in zip(articles, bodies, summaries))
    del known, fresh, texts, bodies, summaries
    topics = sorted({*settings.get("ARCHIVE_TOPICS", {}), *(doc["topic"] for doc in documents)})
    cache_file = cache_dir / "analysis.pickle"
    cache = load_cache(cache_file)
    analyzed, fresh = analyze_all(documents, cache)
    reused = len(cache.keys() & fresh.keys())
    if fresh.keys() != cache.keys():  # same keys: the same articles, the same analyses
        save_cache(cache_file, fresh)
    del cache, fresh
    # The builder keeps its own counts of each article's terms: hand the
    # analyzed lists over one by one so that both are never whole at once.
    files = search_file_makers(documents, topics, options, _handed_over(analyzed))
    writers = options["writers"] if options["parallel"] else 1
    written = write_files(settings["OUTPUT_PATH"], files, lunr_js, writers, porter2_js)
    logger.info(
        "Search index: %d articles, %d term shards, %d files in %.2f s (%d analyses cached)",
        len(documents), sum(name.startswith("t/") for name in written), len(written),
        time.perf_counter() - started, reused,
    )
