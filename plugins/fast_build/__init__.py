"""fast_build: rebuilds that render only the pages whose inputs changed.

The receivers live in ``incremental``; this module only connects them.
Setting: FAST_BUILD = {...} merged over ``incremental.DEFAULTS``.
"""

from pelican import signals

from . import incremental


def register():
    signals.initialized.connect(incremental.start)
    signals.generator_init.connect(incremental.track_generator)
    # Pelican's content cache is loaded: settle it before the readers' pool forks.
    signals.article_generator_init.connect(incremental.settle)
    # Before preread_articles, which asks the content cache for every article's stamp.
    signals.article_generator_init.connect(incremental.reuse_file_stamps)
    signals.page_generator_init.connect(incremental.reuse_file_stamps)
    signals.article_generator_init.connect(incremental.preread_articles)
    signals.article_generator_finalized.connect(incremental.settle)
    signals.get_writer.connect(incremental.writer_class)
    signals.content_written.connect(incremental.content_written)
    signals.finalized.connect(incremental.finish)
