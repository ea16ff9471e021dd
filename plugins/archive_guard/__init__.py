"""archive_guard: the build refuses articles that `archivist check` refuses.

Setting: ``ARCHIVE_GUARD = {...}`` (see ``archivist.checks.options.DEFAULTS``).
"""

from pelican import signals

from . import guard


def register():
    signals.article_generator_init.connect(guard.start_checks)
    signals.article_generator_finalized.connect(guard.check_articles)
    signals.page_generator_finalized.connect(guard.check_pages)
    signals.all_generators_finalized.connect(guard.check_outputs)
