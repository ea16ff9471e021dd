"""fast_build: rebuilds that render only the pages whose inputs changed.

The receivers live in ``incremental``; this module only connects them.
Setting: FAST_BUILD = {...} merged over ``incremental.DEFAULTS``.
"""

from pelican import signals

from . import incremental


def register():
    signals.initialized.connect(incremental.start)
    signals.generator_init.connect(incremental.track_generator)
    signals.article_generator_init.connect(incremental.preread_articles)
    signals.get_writer.connect(incremental.writer_class)
    signals.content_written.connect(incremental.content_written)
    signals.finalized.connect(incremental.finish)
