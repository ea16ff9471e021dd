"""fast_build: rebuilds that render only the pages whose inputs changed.

The receivers live in ``job``; this module only connects them (see
docs/fast-build.md for how the package fits together).
Setting: FAST_BUILD = {...} merged over ``options.DEFAULTS``.
"""

from pelican import signals

from . import job


def register():
    signals.initialized.connect(job.start)
    signals.generator_init.connect(job.track_generator)
    # Pelican's content cache is loaded: settle it before the readers' pool forks.
    signals.article_generator_init.connect(job.settle)
    # Before preread_articles, which asks the content cache for every article's stamp.
    signals.article_generator_init.connect(job.reuse_file_stamps)
    signals.page_generator_init.connect(job.reuse_file_stamps)
    signals.article_generator_init.connect(job.preread_articles)
    signals.article_generator_finalized.connect(job.settle)
    signals.get_writer.connect(job.writer_class)
    signals.content_written.connect(job.content_written)
    signals.finalized.connect(job.finish)
